"""Header analysis of a raw grid: which rows are header, what each column is called.

Why: every producer prints the nine tables differently — one code column or
类|款|项, a 栏次 row or none, group labels over their columns, headers repeated
on continuation pages or not. Columns are recognised by their header words,
never by position. The words come from the report profile
(``auditlib.profiles.final_accounts.HEADERS``); this module only applies them.
"""

from __future__ import annotations

import re

from auditlib.model.text import squash
from auditlib.profiles.final_accounts import HEADERS
from auditlib.profiles.model import HeaderVocabulary, TableSpec
from auditlib.reading.extract import RawTable

_DECIMAL = re.compile(r"^[-−]?\d{1,3}(,\d{3})*(\.\d+)?$|^[-−]?\d+\.\d+$")
#: A functional or economic classification code: 类 (3 digits), 款 (5) or 项 (7).
CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")
_QUOTES = str.maketrans({"“": None, "”": None, '"': None, "（": "(", "）": ")"})


def header_word(text: str, vocabulary: HeaderVocabulary = HEADERS) -> bool:
    """Whether a cell's text is a header label (squashed, quotes dropped, brackets half-width)."""
    t = squash(text).translate(_QUOTES)
    return t in vocabulary.labels or bool(re.match(vocabulary.label_pattern, t))


def is_amount(text: str) -> bool:
    return bool(_DECIMAL.match(squash(text)))


def is_header_row(raw: RawTable, r: int, total_row_is_data: bool = True) -> bool:
    """A header row holds only header labels (and 合计 as a column label beside them);
    a data row holds a code, a figure or an item name."""
    texts = [squash(raw.text(r, c)) for c in range(raw.ncols)]
    nonempty = [t for t in texts if t]
    if not nonempty:
        return True  # a blank line inside the header block
    if any(_DECIMAL.match(t) and ("." in t or "," in t) for t in nonempty):
        return False
    if any(CODE.match(t) for t in nonempty):
        return False
    if nonempty[0] == HEADERS.index or all(t.isdigit() and len(t) <= 2 for t in nonempty):
        return True
    if total_row_is_data and nonempty[0] in HEADERS.totals and texts.index(nonempty[0]) <= 2:
        return False  # the 合计 row, even when printed on one line with sub-labels
    words = [t for t in nonempty if t not in HEADERS.totals]
    return bool(words) and all(header_word(t) for t in words)


def header_rows(raw: RawTable, limit: int = 6, total_row_is_data: bool = True) -> int:
    """Number of leading rows that are header (including 栏次 rows).

    ``total_row_is_data``: a row led by 合计 in its first columns is the total
    row (tables with item names); in the 三公 table 合计 is a column label.
    """
    n = 0
    for r in range(min(raw.nrows, limit)):
        if is_header_row(raw, r, total_row_is_data):
            n = r + 1
        else:
            break
    return n


def column_labels(raw: RawTable, nheader: int) -> list[str]:
    """Squashed header text of each column, merged cells counted once per column."""
    labels = []
    for c in range(raw.ncols):
        parts: list[str] = []
        seen: set[int] = set()
        for r in range(nheader):
            reg = raw.region(r, c)
            if id(reg) in seen:
                continue
            seen.add(id(reg))
            t = squash(reg.text)
            if t and t != HEADERS.index and not t.isdigit():
                parts.append(t)
        labels.append("".join(parts))
    return labels


def header_cells_in_first_data_row(raw: RawTable, nhead: int, labels: list[str]) -> dict[int, str]:
    """Sub-labels printed on the same line as the first data row.

    Some producers print the 合计 row on one line with the sub-labels of a column
    group (or with 类/款/项); those cells are labels, not data.
    """
    if nhead >= raw.nrows:
        return {}
    out = {}
    for c in range(raw.ncols):
        t = squash(raw.text(nhead, c))
        if re.search(HEADERS.descriptive, labels[c]) or not labels[c]:
            continue
        if t and header_word(t):
            out[c] = t
    return out


def is_index_row(texts: list[str]) -> bool:
    """The 栏次 row: 栏次 and/or 1, 2, 3 … in the amount columns."""
    nonempty = [t for t in texts if t]
    if not nonempty:
        return False
    if HEADERS.index in nonempty:
        return True
    return all(t.isdigit() and len(t) <= 2 for t in nonempty) and len(nonempty) >= 2


def is_name_label(label: str) -> bool:
    return bool(re.search(HEADERS.name, label))


def match_columns(spec: TableSpec, label: str, taken: set[str], among: tuple[str, ...] | None = None) -> str | None:
    """The first column of ``spec`` (specific headers before generic ones) whose header
    pattern the printed ``label`` matches and that no earlier column has taken."""
    for col in spec.header_order(among):
        if col.id not in taken and re.search(col.header, label):
            taken.add(col.id)
            return col.id
    return None


def coded_roles(spec: TableSpec, labels: list[str]) -> dict[int, str]:
    """Column index -> role (code, name, line_no or a canonical amount column)."""
    roles: dict[int, str] = {}
    taken: set[str] = set()
    has_name = any(is_name_label(lab) for lab in labels)
    for c, lab in enumerate(labels):
        if not lab:
            continue
        if is_name_label(lab):
            roles[c] = "name"
        elif re.search(HEADERS.code, lab) and HEADERS.name_word not in lab:
            roles[c] = "code"
        elif lab in HEADERS.item and not has_name:
            roles[c] = "name"
        elif HEADERS.line_no in lab:
            roles[c] = "line_no"
        else:
            role = match_columns(spec, lab, taken)
            if role is not None:
                roles[c] = role
    return roles
