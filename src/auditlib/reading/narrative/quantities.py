"""Printed numbers: amounts with their unit, percentages, counts.

Why exact: the rules compare a printed figure at its printed precision ("2,360.70万元" keeps two
places), so every number becomes a Decimal from its printed digits, never a float.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from auditlib.model.text import squash
from auditlib.profiles.narrative import MONEY_UNITS
from auditlib.reading.narrative.model import Quantity

#: One printed number (ASCII after normalisation): thousands separators
#: optional, places kept. Anchored against neighbouring digits so "2,360.7"
#: is never read as "360.7".
NUM = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
NUM_B = rf"(?<![\d.,])(?:{NUM})(?![\d])(?!,\d{{3}})"
#: Money units; a bare 万 only when punctuation follows ("0.39 万（含…").
MONEY = rf"(?:{'|'.join(MONEY_UNITS)}|万(?=[(),，。;、]))"

#: Full-width digits and signs -> ASCII, one character for one (offsets stay valid).
FULLWIDTH = str.maketrans(
    "０１２３４５６７８９．％（）：；Ｘｘ－",
    "0123456789.%():;Xx-",
)
_NUMBER_TEXT = re.compile(rf"^(?P<num>{NUM})(?P<unit>.*)$")
_PERCENT_TEXT = re.compile(rf"(?P<num>{NUM})%?")


def to_decimal(num: str) -> Decimal:
    """A matched NUM as a Decimal (separators dropped, places kept)."""
    return Decimal(num.replace(",", "").replace("−", "-"))


def parse_quantity(text: str) -> Quantity:
    """Parse "2,360.7万元", "48.2%", "0 辆", "１２.５%" into a Quantity.

    The value keeps the printed places (``Decimal("2360.70")`` stays two
    places) because the rules compare at the printed precision. Spaces,
    full-width digits and a full-width % are tolerated; the unit is returned as
    printed with spaces removed. Text that does not start with a number raises
    ValueError (a placeholder "XX万元" is not a quantity).
    """
    raw = squash(text)
    m = _NUMBER_TEXT.match(raw.translate(FULLWIDTH).replace("−", "-"))
    if not m:
        raise ValueError(f"not a quantity: {text!r}")
    try:
        value = to_decimal(m.group("num"))
    except InvalidOperation as exc:  # pragma: no cover - regex guards this
        raise ValueError(f"not a quantity: {text!r}") from exc
    unit = raw[m.start("unit") :]
    return Quantity(value=value, unit=unit, text=raw)


def parse_percent(text: str) -> Decimal | None:
    """The number of a printed percentage ("48.2%", "48.2 ％", "76.23").

    The % sign is optional so that a share printed without it can still be
    checked (the caller flags it); anything else gives None.
    """
    m = _PERCENT_TEXT.fullmatch(squash(text).translate(FULLWIDTH))
    if not m:
        return None
    return to_decimal(m.group("num"))
