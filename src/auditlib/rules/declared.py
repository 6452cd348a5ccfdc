"""The identities the profile declares with its tables, which drive the generic rules.

Why: the rules read which identities exist from the profile, so adding an identity to a table is a
line of data there, and no rule spells out table ids or column lists of its own.
"""

from __future__ import annotations

from typing import TypeVar

from auditlib.profiles.final_accounts import PROFILE, TABLES

#: Table id -> its declared identities, in the tables' order.
IDENTITIES = {tid: spec.identities for tid, spec in TABLES.items()}

T = TypeVar("T")


def table_identities(kind: type[T]) -> list[tuple[str, T]]:
    """(table id, identity) for every declared identity of ``kind``, in the tables' order."""
    return [(tid, identity) for tid, ids in IDENTITIES.items() for identity in ids if isinstance(identity, kind)]


def tables_with(kind: type[object]) -> list[str]:
    """The tables that declare at least one identity of ``kind``, in the tables' order."""
    return [tid for tid, ids in IDENTITIES.items() if any(isinstance(i, kind) for i in ids)]


def cross_identities(relation: str, kind: type[T]) -> list[T]:
    """The declared cross-table identities of ``kind`` belonging to ``relation`` (rule ``cross.<relation>``)."""
    return [i for i in PROFILE.cross_identities if isinstance(i, kind) and getattr(i, "relation", None) == relation]


def identities_of(tid: str, kind: type[T]) -> list[T]:
    """The identities of ``kind`` that table ``tid`` declares."""
    return [identity for identity in IDENTITIES.get(tid, ()) if isinstance(identity, kind)]
