"""The Report: everything read from one final-accounts PDF (the model, no reading code).

Why a module of its own: rules, outputs and notebooks all speak of a Report; keeping it apart
from the reading pipeline (auditlib.reading.pipeline) means none of them imports PDFium or Camelot
to use one, and the extraction cache can pickle it without importing the reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from auditlib.model.tables import CanonicalTable
from auditlib.profiles.final_accounts import TABLE_IDS


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
    attachments: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    page_texts: list[str] = field(default_factory=list)

    @property
    def tables_missing(self) -> list[str]:
        return [t for t in TABLE_IDS if t not in self.tables]

    def frame(self, table_id: str) -> pd.DataFrame:
        """The canonical table as a DataFrame (amounts as Decimal, blank as None)."""
        table = self.tables[table_id]
        return pd.DataFrame(table.rows, columns=table.columns, dtype=object)

    def to_json(self) -> dict[str, Any]:
        """report.json (CONTRACT.md section 3)."""
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
