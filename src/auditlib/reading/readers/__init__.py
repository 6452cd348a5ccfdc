"""Table readers: raw grids → canonical tables, one reader per kind of table layout.

Importing the package registers every reader (``registry.READERS``).
"""

from auditlib.reading.readers import basic_detail, coded, three_public, two_panel
from auditlib.reading.readers.registry import READERS, read_table, reader

__all__ = ["READERS", "basic_detail", "coded", "read_table", "reader", "three_public", "two_panel"]
