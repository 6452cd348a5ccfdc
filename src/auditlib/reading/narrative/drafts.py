"""The extractor's working records: money mentions, facts being built, stated reasons, numbered items.

Offsets index the normalised text (``NarrativeText.s``/``m``); they become raw
offsets only when a draft is turned into a ``Fact``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auditlib.reading.narrative.model import Quantity


@dataclass
class Mention:
    """A printed amount ("… NUMBER 万元") with the subject phrase before it."""

    start: int  # subject phrase start
    num_start: int
    end: int  # end of unit
    subject: str
    code: str | None
    qty: Quantity


@dataclass
class Draft:
    """A fact being built: its span may still grow and words be attached (comparison, reason)."""

    kind: str
    subject: str
    start: int
    end: int
    code: str | None = None
    values: dict[str, Quantity] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)
    group: int = -1  # yoy: facts sharing one anchor


@dataclass
class Reason:
    """A stated reason: from its marker ("主要原因是") to the end of its sentence."""

    marker: int  # start of "主要原因"
    text_start: int
    end: int
    prefix_subject: str


@dataclass
class Item:
    """A numbered item ("1." "1、" "（1）") and its scope, with the 科目 its heading names."""

    start: int
    body: int
    end: int
    idx: str | None
    path: str | None
    code: str | None
    head_end: int
