"""Cell values of a table: amounts, classification codes and where each cell was read.

Why: every reader turns cell texts into the same canonical values (Decimal or
None, 7-digit 项 codes) and records each cell's page and box for the evidence;
one implementation keeps the readers from drifting apart.
"""

from __future__ import annotations

import re
from decimal import Decimal

from auditlib.model.money import parse_amount
from auditlib.model.tables import CellSource
from auditlib.model.text import squash
from auditlib.reading.extract import RawTable
from auditlib.reading.headers import CODE

#: A code printed at the start of the name cell (no code column): "2010301 行政运行".
LEADING_CODE = re.compile(r"^(\d{3}(?:\d{2}){0,2})\s*(\S.*)$")
_BLANK = ("-", "—", "－", "/")


def amount(text: str, problems: list[str], where: str) -> Decimal | None:
    """The amount in a cell, None for a blank or a dash; unreadable text is recorded in ``problems``."""
    t = squash(text)
    if not t or t in _BLANK:
        return None
    try:
        return parse_amount(t)
    except ValueError:
        problems.append(f"{where}: {text!r} is not an amount")
        return None


def code_from_parts(parts: list[str], prev: str) -> str:
    """7-digit 项 codes from one column or 类|款|项 columns (parents repeated or not)."""
    digits = [p if p.isdigit() else "" for p in (squash(x) for x in parts)]
    if len(digits) == 1:
        return digits[0] if CODE.match(digits[0]) else ""
    if not any(digits):
        return ""
    widths = [3] + [2] * (len(digits) - 1)
    out = ""
    for i, (d, w) in enumerate(zip(digits, widths)):
        if d:
            out += d.zfill(w) if i else d
        elif any(digits[i + 1 :]):
            # A parent part printed only on the first row of its group.
            out += prev[len(out) : len(out) + w]
        else:
            break
    return out if CODE.match(out) else ""


def source(raw: RawTable, r: int, c: int) -> CellSource:
    """Page, box and text of the cell at (r, c) of a grid."""
    reg = raw.region(r, c)
    return CellSource(raw.page, reg.box, reg.text)
