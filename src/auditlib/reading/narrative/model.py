"""The records a narrative text is turned into: Fact, with the Quantity values and the Span it was printed at."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Span:
    """Where a fact is printed.

    ``start``/``end`` index the section text as given (``section.text``);
    ``text`` is the printed text of the fact with the PDF's line breaks and
    stray spaces removed (the characters themselves are as printed; one space
    is kept only where it separates two ASCII letters or digits).
    """

    section: str
    page: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Quantity:
    """A printed number: exact value with its printed places, unit as printed."""

    value: Decimal
    unit: str
    text: str
    missing_percent: bool = False


@dataclass(frozen=True)
class Fact:
    """One statement of the text: its kind (one of KINDS), subject, figures (``values``) and words."""

    kind: str
    subject: str
    code: str | None
    values: dict[str, Quantity]
    words: dict[str, str]
    span: Span


#: The kinds of fact, in the order facts printed at the same offset are listed.
KINDS = (
    "amount",
    "share",
    "yoy",
    "completion",
    "split",
    "procurement",
    "vehicles",
    "operating_cost",
    "performance",
    "placeholder",
    "empty_statement",
)
KIND_ORDER = {k: i for i, k in enumerate(KINDS)}
