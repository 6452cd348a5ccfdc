"""Exact amounts as printed.

Why: a final-accounts report prints amounts rounded to a fixed number of
places; checks must compare the printed values exactly and reason about the
rounding band, so floats are never used. An amount is a ``Decimal`` that keeps
its printed exponent (``Decimal("2360.70")`` has two places); blank stays None.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_AMOUNT = re.compile(r"^[-−]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def parse_amount(text: str | None) -> Decimal | None:
    """Parse a printed amount (``2,360.70``, ``-5.00``, ``0``) keeping its places.

    Blank or whitespace gives None (blank is not zero). Anything that is not an
    amount raises ValueError, so a stray word never passes silently as money.
    """
    if text is None:
        return None
    s = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if s in ("", "-", "—", "－"):
        return None
    if not _AMOUNT.match(s):
        raise ValueError(f"not an amount: {text!r}")
    s = s.replace(",", "").replace("−", "-")
    try:
        return Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - regex guards this
        raise ValueError(f"not an amount: {text!r}") from exc


def format_plain(value: Decimal | None) -> str:
    """Canonical CSV text: plain digits with the printed places, blank for None."""
    if value is None:
        return ""
    return format(value, "f")


def format_printed(value: Decimal | None, places: int | None = None) -> str:
    """Text as a report prints it: thousands separators, fixed places."""
    if value is None:
        return ""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
    return f"{value:,f}"
