"""The Report: everything read from one final-accounts PDF (the model, no reading code).

Why a module of its own: rules, outputs and notebooks all speak of a Report; keeping it apart
from the reading pipeline (auditlib.reading.pipeline) means none of them imports PDFium or Camelot
to use one, and the extraction cache can pickle it without importing the reader.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias, TypedDict

import pandas as pd

from auditlib.model.tables import CanonicalTable
from auditlib.profiles.final_accounts import TABLE_IDS

#: A value json.dumps can write (report.json and the other JSON files). Mapping and Sequence, not
#: dict and list, so that a dict[str, str] or a list[int] of the model is one without a copy.
JsonValue: TypeAlias = str | int | float | bool | None | Sequence["JsonValue"] | Mapping[str, "JsonValue"]


class AttachmentRow(TypedDict):
    """One line of a performance self-evaluation attachment (auditlib.reading.attachments).

    Why typed here: the rules read these lines; the keys are the attachment's CSV columns, every
    text as printed (``""`` when the line has none) and ``page`` the 1-based page it is on.
    ``row_type`` is ``budget`` (预算数/执行数/执行率), ``indicator`` (三级指标 with target and
    actual) or ``total`` (a quoted 基本/项目支出总额)."""

    project: str
    row_type: str
    goal: str
    label: str
    level1: str
    level2: str
    level3: str
    budget: str
    actual: str
    rate: str
    target: str
    achieved: str
    page: int


#: An attachment as read: its CSV header and its lines.
Attachment: TypeAlias = tuple[list[str], list[AttachmentRow]]


@dataclass
class Section:
    title: str
    pages: list[int]
    text: str


@dataclass
class Report:
    """One department's report as read from its PDF."""

    path: Path
    sha256: str
    page_count: int
    department: str | None
    year: int | None
    units: dict[str, str]
    tables: dict[str, CanonicalTable]
    tables_found: dict[str, list[int]]
    sections: list[Section]
    attachments: dict[str, Attachment] = field(default_factory=dict)  # by kind: self_evaluation, …
    notes: list[str] = field(default_factory=list)
    page_texts: list[str] = field(default_factory=list)

    @property
    def tables_missing(self) -> list[str]:
        return [t for t in TABLE_IDS if t not in self.tables]

    def frame(self, table_id: str) -> pd.DataFrame:
        """The canonical table as a DataFrame (amounts as Decimal, blank as None)."""
        table = self.tables[table_id]
        return pd.DataFrame(table.rows, columns=table.columns, dtype=object)

    def to_json(self) -> dict[str, JsonValue]:
        """report.json (docs/contract.md section 3)."""
        return {
            "source": {"file": self.path.name, "sha256": self.sha256, "pages": self.page_count},
            "department": self.department,
            "year": self.year,
            "units": self.units,
            "tables_found": self.tables_found,
            "tables_missing": self.tables_missing,
            "sections": [{"title": s.title, "pages": s.pages, "text": s.text} for s in self.sections],
            "notes": self.notes,
        }
