"""Tables that run over pages: map a continuation page onto the first page's columns.

Why: a continuation page may repeat the header or not, and Camelot may cut its
columns slightly differently; its columns are matched to the first page's by
x-position, so a page without a header borrows the first page's column roles.
"""

from __future__ import annotations

from auditlib.model.tables import CanonicalTable
from auditlib.reading.extract import RawTable
from auditlib.reading.headers import header_rows


def _align_columns(first: RawTable, other: RawTable) -> dict[int, int]:
    """Map each column of ``other`` to the first page's column it overlaps most."""
    mapping = {}
    for j, (a, b) in enumerate(other.cols):
        best, best_overlap = None, 0.0
        for i, (c, d) in enumerate(first.cols):
            overlap = min(b, d) - max(a, c)
            if overlap > best_overlap:
                best, best_overlap = i, overlap
        if best is not None and best_overlap >= 0.5 * min(b - a, first.cols[best][1] - first.cols[best][0]):
            mapping[j] = best
    return mapping


def page_view(
    first: RawTable, raw: RawTable, nhead: int, table: CanonicalTable, total_row_is_data: bool = True
) -> tuple[dict[int, int], dict[int, int], int]:
    """How to read one page of a table: (its column -> first page's column, the reverse, first data row).

    The first page is read as is, below its header; a continuation page is mapped onto the first
    page's columns by x-position and read below its own (repeated) header, if any. The page is
    recorded on the table.
    """
    if raw is first:
        colmap, start = {c: c for c in range(raw.ncols)}, nhead
    else:
        colmap, start = _align_columns(first, raw), header_rows(raw, total_row_is_data=total_row_is_data)
    if raw.page not in table.pages:
        table.pages.append(raw.page)
    return colmap, {v: c for c, v in colmap.items()}, start


def compatible(first: RawTable, other: RawTable) -> bool:
    """Whether a grid on a later page continues ``first`` (same column layout)."""
    mapping = _align_columns(first, other)
    return len(set(mapping.values())) >= 0.8 * first.ncols and len(mapping) >= 0.8 * other.ncols
