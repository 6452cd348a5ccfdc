"""A canonical table: the rows every rule reads, with the provenance of every cell.

Why: rules, outputs and the cache need the shape of a table, never the reader that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from auditlib.model.money import format_plain

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 (PDF points, origin bottom-left)


@dataclass
class CellSource:
    page: int
    box: Box
    text: str


@dataclass
class CanonicalTable:
    """A table in canonical form with the provenance of every cell."""

    id: str
    columns: list[str]  # CSV header: code, name, [panel, line_no], amounts
    rows: list[dict[str, object]] = field(default_factory=list)  # amounts as Decimal | None
    cells: list[dict[str, CellSource]] = field(default_factory=list)  # per row: column -> source
    pages: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # cells that were not readable amounts
    header_lines: list[str] = field(default_factory=list)  # title, department and unit lines
    footer_lines: list[str] = field(default_factory=list)  # 注：/说明： lines under the table

    @property
    def amount_columns(self) -> list[str]:
        return [c for c in self.columns if c not in ("code", "name", "panel", "line_no")]

    def csv_rows(self) -> list[dict[str, str]]:
        out = []
        for row in self.rows:
            rec = {}
            for col in self.columns:
                val = row.get(col)
                rec[col] = format_plain(val) if isinstance(val, Decimal) else ("" if val is None else str(val))
            out.append(rec)
        return out
