"""Load and check department descriptions; derive their canonical tables.

Why: the description is the single source of truth for a sample PDF. The same
function that tells the renderer what to print tells the tests what the
extractor must read back (the ground truth), so they cannot drift apart.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from auditlib.model.money import parse_amount
from auditlib.profiles.final_accounts import TABLE_IDS, TABLES, VARIANTS, csv_columns
from auditlib.profiles.model import Variant

#: The variant of a description that names none (docs/department-format.md).
DEFAULT_VARIANT = "wuhan"


class DescriptionError(ValueError):
    """A department description that does not follow docs/department-format.md."""


def variant_of(dept: dict[str, Any]) -> Variant:
    """The layout variant a description names (``variant:``), by default Wuhan's.

    Older descriptions without ``variant:`` name a variant by ``style.order``
    (``wuhan`` / ``shanghai``); a completed style records its variant.
    """
    style = dept.get("style") or {}
    name = dept.get("variant") or style.get("variant")
    order = style.get("order")
    if name is None:
        name = order if isinstance(order, str) and order in VARIANTS else DEFAULT_VARIANT
    if name not in VARIANTS:
        raise DescriptionError(f"{dept.get('id')}: unknown variant {name!r} (known: {', '.join(sorted(VARIANTS))})")
    return VARIANTS[name]


def resolve_style(dept: dict[str, Any]) -> dict[str, Any]:
    """A copy of a description with ``style`` complete: its variant's fields, then its own overrides."""
    out = dict(dept)
    variant = variant_of(dept)
    style: dict[str, Any] = variant.style()
    overrides = dict(dept.get("style") or {})
    if isinstance(overrides.get("order"), str):
        overrides["order"] = list(VARIANTS[overrides["order"]].order)
    style.update(overrides)
    out["style"] = style
    return out


def load_department(path: str | Path) -> dict[str, Any]:
    """Read a YAML description, complete its style from its variant and validate it."""
    path = Path(path)
    with path.open(encoding="utf-8") as fh:
        dept = yaml.safe_load(fh)
    if not isinstance(dept, dict):
        raise DescriptionError(f"{path}: not a mapping")
    dept.setdefault("id", path.stem)
    dept = resolve_style(dept)
    validate(dept, str(path))
    return dept


def table_order(dept: dict[str, Any]) -> tuple[str, ...]:
    return tuple(dept["style"]["order"])


def header_labels(dept: dict[str, Any], table_id: str) -> dict[str, tuple[str | None, str]]:
    """Printed header of each amount column: (group label or None, own label).

    The profile's printed headers, with the variant's overrides for this table.
    """
    labels = {c.id: c.printed_header for c in TABLES[table_id].columns}
    labels.update(variant_of(dept).header_labels.get(table_id, {}))
    return labels


def printed_columns(dept: dict[str, Any], table_id: str) -> tuple[str, ...]:
    """Amount columns the report prints for a table, in canonical order."""
    spec = TABLES[table_id]
    wanted = dept["tables"][table_id].get("columns")
    if wanted is None:
        return spec.column_names
    return tuple(c for c in spec.column_names if c in wanted)


def raw_rows(dept: dict[str, Any], table_id: str) -> list[dict[str, Any]]:
    """Every printed row of a table in printed (canonical) order, fillers included."""
    table = dept["tables"][table_id]
    if table_id == "basic_expenditure_detail":
        rows = [row for panel in table.get("panels", []) for row in panel.get("rows", [])]
        return rows + list(table.get("footer", []))
    return list(table.get("rows", []))


def _has_figure(row: dict[str, Any], columns: tuple[str, ...]) -> bool:
    return any(row.get(c) not in (None, "") for c in columns)


def canonical_rows(dept: dict[str, Any], table_id: str) -> list[dict[str, str]]:
    """The rows of ``tables/<id>.csv`` as strings, exactly as the extractor must give them.

    Filler lines (no name and no figure) are not data. Blank cells are "".
    """
    spec = TABLES[table_id]
    cols = printed_columns(dept, table_id)
    header = csv_columns(table_id, cols)
    out: list[dict[str, str]] = []
    for row in raw_rows(dept, table_id):
        if not str(row.get("name") or "").strip() and not _has_figure(row, cols):
            continue
        rec: dict[str, str] = {}
        for col in header:
            val = row.get(col)
            if col == "line_no" and not dept["style"]["line_numbers"]:
                val = None
            rec[col] = "" if val is None else str(val)
        if spec.two_panel and not rec.get("panel"):
            raise DescriptionError(f"{dept['id']}: {table_id} row without panel: {row}")
        out.append(rec)
    return out


def ground_truth(dept: dict[str, Any]) -> dict[str, Any]:
    """Expected extraction of every table and attachment figure of the document."""
    tables = {}
    for tid in TABLE_IDS:
        if tid not in dept["tables"]:
            continue  # deleted on purpose (mutation): see "tables_missing"
        cols = printed_columns(dept, tid)
        tables[tid] = {
            "columns": csv_columns(tid, cols),
            "unit": dept["tables"][tid].get("unit", dept["unit"]),
            "rows": canonical_rows(dept, tid),
        }
    attachments = []
    for att in dept.get("attachments", []):
        budget = att.get("budget") or {}
        attachments.append(
            {
                "kind": att["kind"],
                "project": att.get("project", ""),
                "budget": budget.get("budget"),
                "actual": budget.get("actual"),
                "rate": budget.get("rate"),
                "indicators": [list(ind) for g in att.get("goals", []) for ind in g.get("indicators", [])],
            }
        )
    return {
        "id": dept["id"],
        "department": dept["department"],
        "year": dept["year"],
        "unit": dept["unit"],
        "table_order": list(table_order(dept)),
        "tables": tables,
        "tables_missing": [tid for tid in TABLE_IDS if tid not in dept["tables"]],
        "attachments": attachments,
    }


def validate(dept: dict[str, Any], where: str = "") -> None:
    """Raise DescriptionError for anything the renderer or ground truth cannot handle."""
    where = where or str(dept.get("id"))
    for key in ("id", "department", "year", "unit", "tables", "blocks"):
        if key not in dept:
            raise DescriptionError(f"{where}: missing {key!r}")
    if dept["unit"] not in ("万元", "元"):
        raise DescriptionError(f"{where}: unit must be 万元 or 元")
    tables = dept["tables"]
    order = table_order(dept)
    if sorted(order) != sorted(TABLE_IDS):
        raise DescriptionError(f"{where}: style.order must name the nine tables")
    for tid in tables:
        if tid not in TABLES:
            raise DescriptionError(f"{where}: unknown table {tid!r}")
    for tid in TABLE_IDS:
        if tid not in tables:
            # A deleted table (mutation) is absent from the description on purpose.
            continue
        spec = TABLES[tid]
        cols = printed_columns(dept, tid)
        for row in raw_rows(dept, tid):
            if not isinstance(row, dict):
                raise DescriptionError(f"{where}: {tid}: row is not a mapping: {row!r}")
            for key, val in row.items():
                if key in ("code", "name", "panel", "line_no"):
                    continue
                if key not in spec.column_names:
                    raise DescriptionError(f"{where}: {tid}: unknown column {key!r}")
                if key not in cols and val not in (None, ""):
                    raise DescriptionError(f"{where}: {tid}: value in unprinted column {key!r}")
                if val is not None:
                    if not isinstance(val, str):
                        raise DescriptionError(f"{where}: {tid}: amount {val!r} must be a string")
                    if "," in val or parse_amount(val) is None:
                        raise DescriptionError(f"{where}: {tid}: bad amount {val!r}")
            code = str(row.get("code") or "")
            if code and (not code.isdigit() or len(code) not in (3, 5, 7)):
                raise DescriptionError(f"{where}: {tid}: bad code {code!r}")
    for block in dept["blocks"]:
        if block.get("type") == "table" and block.get("id") not in TABLES:
            raise DescriptionError(f"{where}: block names unknown table {block.get('id')!r}")
        if block.get("type") == "attachment" and block.get("index", 0) >= len(dept.get("attachments", [])):
            raise DescriptionError(f"{where}: block names a missing attachment")


def decimal(value: str | None) -> Decimal | None:
    """Amount string of a description as Decimal (None for blank)."""
    return parse_amount(value)


def clone(dept: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(dept)
