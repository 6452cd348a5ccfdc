"""The registry of table readers: a table's profile names its reader, ``read_table`` looks it up.

Why: which reader reads which table is layout knowledge and belongs to the
profile (``TableSpec.reader``); the reading code only offers readers by name.
A new kind of table is a new reader registered with ``@reader("name")``.
"""

from __future__ import annotations

from collections.abc import Callable

from auditlib.model.tables import CanonicalTable
from auditlib.profiles.model import TableSpec
from auditlib.reading.extract import RawTable

Reader = Callable[[TableSpec, list[RawTable]], CanonicalTable]

READERS: dict[str, Reader] = {}


def reader(name: str) -> Callable[[Reader], Reader]:
    """Register a reader under ``name`` (each name once)."""

    def register(fn: Reader) -> Reader:
        if name in READERS:
            raise ValueError(f"reader {name!r} registered twice")
        READERS[name] = fn
        return fn

    return register


def read_table(spec: TableSpec, grids: list[RawTable]) -> CanonicalTable:
    """Read a table's grids (title page first) with the reader its profile names."""
    try:
        fn = READERS[spec.reader]
    except KeyError:
        raise ValueError(f"{spec.id}: no reader named {spec.reader!r} (known: {', '.join(sorted(READERS))})") from None
    return fn(spec, grids)
