"""Tables with classification codes and names: income, expenditure, general budget, the funds.

Why: these tables print one code column or 类|款|项 columns (parents sometimes
only on the first row of a group), a name column, sometimes the 合计 row on one
line with sub-labels; the amount columns are found by the header patterns the
profile declares for the table.
"""

from __future__ import annotations

from auditlib.model.tables import CanonicalTable, CellSource
from auditlib.model.text import squash
from auditlib.profiles.final_accounts import csv_columns
from auditlib.profiles.model import TableSpec
from auditlib.reading.cells import LEADING_CODE, amount, code_from_parts, source
from auditlib.reading.continuation import page_view
from auditlib.reading.extract import RawTable
from auditlib.reading.headers import (
    CODE,
    coded_roles,
    column_labels,
    header_cells_in_first_data_row,
    header_rows,
    is_header_row,
    is_index_row,
)
from auditlib.reading.readers.registry import reader


def _merged_name(raw: RawTable, r: int, name_col: int) -> str:
    """合计 printed across the code and name columns (one merged cell)."""
    reg = raw.region(r, name_col)
    if reg.r0 == r and reg.c0 < name_col and not CODE.match(squash(reg.text)):
        return squash(reg.text)
    return ""


@reader("coded")
def read_coded(spec: TableSpec, grids: list[RawTable]) -> CanonicalTable:
    """income, expenditure, general budget, government fund, state capital."""
    first = grids[0]
    nhead = header_rows(first)
    labels = column_labels(first, nhead)
    inline = header_cells_in_first_data_row(first, nhead, labels)
    for c, t in inline.items():
        labels[c] += t
    roles = coded_roles(spec, labels)
    printed = [c for c in spec.column_names if c in roles.values()]
    table = CanonicalTable(spec.id, csv_columns(spec.id, tuple(printed)))
    code_cols = [c for c, role in roles.items() if role == "code"]
    name_cols = [c for c, role in roles.items() if role == "name"]
    prev_code = ""
    for k, raw in enumerate(grids):
        colmap, _back, start = page_view(first, raw, nhead, table)
        for r in range(start, raw.nrows):
            texts = {colmap[c]: raw.text(r, c) for c in range(raw.ncols) if c in colmap}
            if k == 0 and r == nhead:
                for c in inline:
                    texts[c] = ""
            src = {colmap[c]: c for c in range(raw.ncols) if c in colmap}
            if is_index_row([squash(t) for t in texts.values()]):
                continue
            code = code_from_parts([texts.get(c, "") for c in code_cols], prev_code) if code_cols else ""
            name = "".join(squash(texts.get(c, "")) for c in name_cols)
            if not name and name_cols and name_cols[0] in src:
                name = _merged_name(raw, r, src[name_cols[0]])
            if not code_cols:
                m = LEADING_CODE.match(texts.get(name_cols[0], "").strip()) if name_cols else None
                if m:
                    code, name = m.group(1), squash(m.group(2))
            row: dict[str, object] = {"code": code, "name": name}
            cells: dict[str, CellSource] = {}
            for c, role in roles.items():
                if role in printed:
                    row[role] = amount(texts.get(c, ""), table.problems, f"p{raw.page} {name or code} {role}")
                    if c in src:
                        cells[role] = source(raw, r, src[c])
            for role, cols in (("code", code_cols), ("name", name_cols)):
                if cols and cols[0] in src:
                    cells[role] = source(raw, r, src[cols[0]])
            if not name and not code and all(row.get(c) is None for c in printed):
                continue
            if not code and all(row.get(c) is None for c in printed) and is_header_row(raw, r):
                continue  # a repeated header line
            if code:
                prev_code = code
            table.rows.append(row)
            table.cells.append(cells)
    return table
