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


# ---------------------------------------------------------------- rounding intervals


#: Money units as printed, in 元.
UNIT_FACTORS: dict[str, Decimal] = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}


def convert_unit(value: Decimal, unit: str | None, target: str) -> Decimal:
    """``value`` printed in ``unit`` expressed in ``target`` (元, 万元, 亿元), exactly.

    An unknown or missing unit is taken to be the target's (nothing to convert).
    """
    if not unit or unit == target or unit not in UNIT_FACTORS or target not in UNIT_FACTORS:
        return value
    return value * UNIT_FACTORS[unit] / UNIT_FACTORS[target]


def half_unit(value: Decimal) -> Decimal:
    """Half a unit in the last printed place: 2360.70 -> 0.005, 19.5 -> 0.05, 3 -> 0.5."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return Decimal(5).scaleb(exponent - 1)


class Interval:
    """A closed interval of exact values, as in XBRL Calculations 1.1.

    A printed value v with d decimal places stands for [v − ½·10^−d, v + ½·10^−d];
    a blank cell is an exact 0 (no interval). Two figures are consistent when
    their intervals meet — never an ad-hoc epsilon.
    """

    __slots__ = ("lo", "hi")

    def __init__(self, lo: Decimal, hi: Decimal):
        self.lo, self.hi = lo, hi

    @classmethod
    def printed(cls, value: Decimal | None) -> Interval:
        if value is None:
            return cls(Decimal(0), Decimal(0))
        h = half_unit(value)
        return cls(value - h, value + h)

    @classmethod
    def exact(cls, value: Decimal) -> Interval:
        return cls(value, value)

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.lo + other.lo, self.hi + other.hi)

    def __sub__(self, other: Interval) -> Interval:
        return Interval(self.lo - other.hi, self.hi - other.lo)

    def __mul__(self, k: Decimal) -> Interval:
        a, b = self.lo * k, self.hi * k
        return Interval(min(a, b), max(a, b))

    def divide(self, other: Interval) -> Interval | None:
        """self / other, or None when other contains zero (undefined ratio)."""
        if other.lo <= 0 <= other.hi:
            return None
        cands = [self.lo / other.lo, self.lo / other.hi, self.hi / other.lo, self.hi / other.hi]
        return Interval(min(cands), max(cands))

    def meets(self, other: Interval) -> bool:
        return self.lo <= other.hi and other.lo <= self.hi

    def __contains__(self, value: Decimal) -> bool:
        return self.lo <= value <= self.hi

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Interval) and (self.lo, self.hi) == (other.lo, other.hi)

    def __repr__(self) -> str:
        return f"[{self.lo}, {self.hi}]"


def total_of(values: list[Decimal | None]) -> Interval:
    out = Interval.exact(Decimal(0))
    for v in values:
        out = out + Interval.printed(v)
    return out


def compare_sum(total: Decimal | None, parts: list[Decimal | None]) -> str:
    """'equal', 'rounding' (intervals meet) or 'error' for total against Σ parts."""
    exact = sum((p for p in parts if p is not None), Decimal(0))
    t = total if total is not None else Decimal(0)
    if t == exact:
        return "equal"
    return "rounding" if Interval.printed(total).meets(total_of(parts)) else "error"


def recompute_percent(printed_pct: Decimal, numerator: Decimal, denominator: Decimal) -> Decimal:
    """numerator / denominator × 100 rounded half-up to the places ``printed_pct`` shows."""
    from decimal import ROUND_HALF_UP

    quantum = Decimal(1).scaleb(printed_pct.as_tuple().exponent)  # type: ignore[arg-type]
    return (numerator / denominator * 100).quantize(quantum, rounding=ROUND_HALF_UP)


def compare_ratio(printed_pct: Decimal, numerator: Decimal, denominator: Decimal) -> str:
    """A printed percentage against num/den at its printed precision.

    'equal' when num/den rounds to the printed figure; 'rounding' when it does
    not but the rounding intervals of the three printed figures still meet;
    'error' otherwise; 'undefined' for a zero denominator.
    """
    if denominator == 0:
        return "undefined"
    if recompute_percent(printed_pct, numerator, denominator) == printed_pct:
        return "equal"
    ratio = Interval.printed(numerator).divide(Interval.printed(denominator))
    if ratio is not None and (ratio * Decimal(100)).meets(Interval.printed(printed_pct)):
        return "rounding"
    return "error"
