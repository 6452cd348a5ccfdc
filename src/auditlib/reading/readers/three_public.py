"""The 三公 table: one row of figures under a header of stage (预算数/决算数) × item.

Why: producers print the 三公 header grouped by stage or alternating budget and
actual per item, with the vehicle items under a 公务用车购置及运行(维护)费 group;
the stage and item words are the profile's (``TableSpec.staged``), so a new
spelling is profile data.
"""

from __future__ import annotations

import re

from auditlib.model.tables import CanonicalTable, CellSource
from auditlib.model.text import squash
from auditlib.profiles.final_accounts import csv_columns
from auditlib.profiles.model import StagedHeader, TableSpec
from auditlib.reading.cells import amount, source
from auditlib.reading.continuation import page_view
from auditlib.reading.extract import RawTable
from auditlib.reading.headers import column_labels, header_rows, is_index_row
from auditlib.reading.readers.registry import reader


def staged_role(header: StagedHeader, label: str) -> str | None:
    """``<stage>_<item>`` of a printed column header, or None."""
    stage = next((sid for sid, word in header.stages if word in label), None)
    if stage is None:
        return None
    # Drop the group labels so that the leaf label decides.
    label = re.sub(header.group_words, "", label)
    rest = re.sub(header.parent, "", label)
    if re.search(header.parent, label) and not rest:
        return f"{stage}_{header.parent_item}"
    label = rest or label
    item = next((iid for iid, pattern in header.items if re.search(pattern, label)), None)
    return None if item is None else f"{stage}_{item}"


@reader("three_public")
def read_three_public(spec: TableSpec, grids: list[RawTable]) -> CanonicalTable:
    assert spec.staged is not None, f"{spec.id}: the three_public reader needs a staged header"
    first = grids[0]
    nhead = header_rows(first, total_row_is_data=False)
    roles: dict[int, str] = {}
    for c, lab in enumerate(column_labels(first, nhead)):
        role = staged_role(spec.staged, lab)
        if role and role not in roles.values():
            roles[c] = role
    printed = [c for c in spec.column_names if c in roles.values()]
    table = CanonicalTable(spec.id, csv_columns(spec.id, tuple(printed)))
    for raw in grids:
        colmap, back, begin = page_view(first, raw, nhead, table, total_row_is_data=False)
        for r in range(begin, raw.nrows):
            texts = {v: raw.text(r, c) for c, v in colmap.items()}
            if is_index_row([squash(t) for t in texts.values()]):
                continue
            row: dict[str, object] = {"code": "", "name": ""}
            cells: dict[str, CellSource] = {}
            for c, role in roles.items():
                row[role] = amount(texts.get(c, ""), table.problems, f"p{raw.page} {role}")
                if c in back:
                    cells[role] = source(raw, r, back[c])
            row["name"] = "".join(squash(t) for c, t in texts.items() if c not in roles and squash(t))
            if all(row.get(c) is None for c in printed) and not row["name"]:
                continue
            table.rows.append(row)
            table.cells.append(cells)
    return table
