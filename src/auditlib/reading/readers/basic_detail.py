"""The basic-expenditure detail table: 2–3 panels of code | name | amount.

Why: the detail prints its economic items in two or three side-by-side panels
and the 人员经费合计 / 公用经费合计 footer across them; the rules need one list,
panel after panel, footer last. The amount header and the footer pattern come
from the profile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditlib.model.tables import CanonicalTable, CellSource
from auditlib.model.text import squash
from auditlib.profiles.final_accounts import HEADERS, csv_columns
from auditlib.profiles.model import TableSpec
from auditlib.reading.cells import amount, code_from_parts, source
from auditlib.reading.continuation import page_view
from auditlib.reading.extract import RawTable
from auditlib.reading.headers import column_labels, header_rows, is_amount, is_index_row
from auditlib.reading.readers.registry import reader

Row = tuple[dict[str, object], dict[str, CellSource]]


@dataclass(frozen=True)
class _Panel:
    code: list[int]
    name: list[int]
    amount: int


def _panels(spec: TableSpec, labels: list[str]) -> list[_Panel]:
    """Each panel ends at an amount column; its name column is headed 名称, the rest are codes."""
    header = spec.column("amount").header
    amount_cols = [c for c, lab in enumerate(labels) if re.search(header, lab)]
    panels = []
    start = 0
    for ac in amount_cols:
        cols = list(range(start, ac))
        name_cols = [c for c in cols if HEADERS.name_word in labels[c]] or cols[-1:]
        panels.append(_Panel([c for c in cols if c not in name_cols], name_cols, ac))
        start = ac + 1
    return panels


def _footers(
    spec: TableSpec,
    table: CanonicalTable,
    raw: RawTable,
    r: int,
    texts: dict[int, str],
    back: dict[int, int],
    ncols: int,
) -> list[Row]:
    """The footer cells of a row (人员经费合计 | figure | 公用经费合计 | figure), or none."""
    labels_in_row = [(c, squash(t)) for c, t in sorted(texts.items()) if re.search(spec.footer, squash(t))]
    out: list[Row] = []
    for i, (c, lab) in enumerate(labels_in_row):
        stop = labels_in_row[i + 1][0] if i + 1 < len(labels_in_row) else ncols
        value, where = None, None
        for cc in range(c + 1, stop):
            if is_amount(texts.get(cc, "")):
                value = amount(texts[cc], table.problems, f"p{raw.page} {lab}")
                where = cc
                break
        cells = {"name": source(raw, r, back[c])}
        if where is not None:
            cells["amount"] = source(raw, r, back[where])
        out.append(({"code": "", "name": lab, "amount": value}, cells))
    return out


def _panel_row(
    table: CanonicalTable, raw: RawTable, r: int, texts: dict[int, str], panel: _Panel, back: dict[int, int]
) -> Row | None:
    code = code_from_parts([texts.get(c, "") for c in panel.code], "") if panel.code else ""
    name = "".join(squash(texts.get(c, "")) for c in panel.name)
    value = amount(texts.get(panel.amount, ""), table.problems, f"p{raw.page} {code or name}")
    if not code and not name and value is None:
        return None
    if name == HEADERS.name_header or is_index_row([squash(texts.get(c, "")) for c in texts]):
        return None
    cells = {"amount": source(raw, r, back[panel.amount])}
    if panel.name:
        cells["name"] = source(raw, r, back[panel.name[0]])
    if panel.code:
        cells["code"] = source(raw, r, back[panel.code[0]])
    return {"code": code, "name": name, "amount": value}, cells


@reader("basic_detail")
def read_basic_detail(spec: TableSpec, grids: list[RawTable]) -> CanonicalTable:
    """The 2–3 panel basic-expenditure detail, unfolded panel by panel."""
    first = grids[0]
    nhead = header_rows(first)
    panels = _panels(spec, column_labels(first, nhead))
    table = CanonicalTable(spec.id, csv_columns(spec.id, ("amount",)))
    per_panel: list[list[Row]] = [[] for _ in panels]
    footers: list[Row] = []
    for raw in grids:
        colmap, back, begin = page_view(first, raw, nhead, table)
        for r in range(begin, raw.nrows):
            texts = {v: raw.text(r, c) for c, v in colmap.items()}
            found = _footers(spec, table, raw, r, texts, back, first.ncols)
            if found:
                footers += found
                continue
            for i, panel in enumerate(panels):
                got = _panel_row(table, raw, r, texts, panel, back)
                if got is not None:
                    per_panel[i].append(got)
    for rows in per_panel + [footers]:
        for row, cells in rows:
            table.rows.append(row)
            table.cells.append(cells)
    return table
