"""Read layout variants from their YAML files (``profiles/variants/*.yaml``).

Why: a producer's layout is data that both the reader and the sample generator
need; keeping it in files shipped with the package means a new layout is a new
file, checked here once for the fields every variant must state.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml

from auditlib.profiles.model import Variant

VARIANTS_DIR = Path(__file__).resolve().parent / "variants"

_REQUIRED = (
    "name",
    "description",
    "order",
    "label",
    "label_pattern",
    "code_columns",
    "line_numbers",
    "column_index_row",
    "repeat_header",
    "department_label",
    "unit_label",
    "thousands",
)


class VariantError(ValueError):
    """A variant file that does not state what a layout needs."""


def _header_labels(raw: object, where: str) -> dict[str, dict[str, tuple[str | None, str]]]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise VariantError(f"{where}: header_labels must map table ids to columns")
    out: dict[str, dict[str, tuple[str | None, str]]] = {}
    for tid, cols in raw.items():
        if not isinstance(cols, Mapping):
            raise VariantError(f"{where}: header_labels.{tid} must map column ids to [group, label]")
        out[str(tid)] = {}
        for col, pair in cols.items():
            if not isinstance(pair, list) or len(pair) != 2:
                raise VariantError(f"{where}: header_labels.{tid}.{col} must be [group or null, label]")
            group, label = pair
            out[str(tid)][str(col)] = (None if group is None else str(group), str(label))
    return out


def load_variant(path: Path, table_ids: tuple[str, ...]) -> Variant:
    """One variant file, checked against the profile's table ids."""
    with path.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    where = path.name
    if not isinstance(raw, dict):
        raise VariantError(f"{where}: not a mapping")
    missing = [k for k in _REQUIRED if k not in raw]
    if missing:
        raise VariantError(f"{where}: missing {', '.join(missing)}")
    order = tuple(str(t) for t in raw["order"])
    if sorted(order) != sorted(table_ids):
        raise VariantError(f"{where}: order must name each of the {len(table_ids)} tables once")
    if raw["code_columns"] not in ("single", "split"):
        raise VariantError(f"{where}: code_columns must be single or split")
    if (raw["label"] is None) != (raw["label_pattern"] is None):
        raise VariantError(f"{where}: label and label_pattern go together")
    return Variant(
        name=str(raw["name"]),
        description=str(raw["description"]),
        order=order,
        label=raw["label"],
        label_pattern=raw["label_pattern"],
        code_columns=str(raw["code_columns"]),
        line_numbers=bool(raw["line_numbers"]),
        column_index_row=bool(raw["column_index_row"]),
        repeat_header=bool(raw["repeat_header"]),
        department_label=str(raw["department_label"]),
        unit_label=str(raw["unit_label"]),
        thousands=bool(raw["thousands"]),
        header_labels=_header_labels(raw.get("header_labels"), where),
    )


def load_variants(table_ids: tuple[str, ...], folder: Path = VARIANTS_DIR) -> dict[str, Variant]:
    """Every variant of a folder by name (file order: sorted names)."""
    variants: dict[str, Variant] = {}
    for path in sorted(folder.glob("*.yaml")):
        variant = load_variant(path, table_ids)
        if variant.name != path.stem:
            raise VariantError(f"{path.name}: name {variant.name!r} differs from the file name")
        variants[variant.name] = variant
    return variants
