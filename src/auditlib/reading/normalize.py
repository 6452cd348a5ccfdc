"""Raw grids → canonical tables (docs/contract.md section 3, docs/tables.md).

Why: every producer prints the nine tables differently; the rules must see one
shape. Which reader reads a table is the profile's (``TableSpec.reader``); the
readers live in ``auditlib.reading.readers`` and get their words from the profile.
"""

from __future__ import annotations

from auditlib.model.tables import CanonicalTable
from auditlib.profiles.final_accounts import TABLES
from auditlib.reading.continuation import compatible
from auditlib.reading.extract import RawTable
from auditlib.reading.readers import read_table

__all__ = ["compatible", "normalise"]


def normalise(table_id: str, grids: list[RawTable]) -> CanonicalTable:
    """Read one table's grids (title page first) with the reader its profile names."""
    return read_table(TABLES[table_id], grids)
