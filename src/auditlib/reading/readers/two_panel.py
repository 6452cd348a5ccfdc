"""Side-by-side income | expenditure tables (收入支出决算总表, 财政拨款收入支出决算总表).

Why: these tables print two panels on one line, each with its item names, an
optional 行次 column and its amount columns; the rules need the panels one
after the other. The panels and their banners (收入/支出) come from the profile.
"""

from __future__ import annotations

from auditlib.model.tables import CanonicalTable, CellSource
from auditlib.model.text import squash
from auditlib.profiles.final_accounts import HEADERS, csv_columns
from auditlib.profiles.model import TableSpec
from auditlib.reading.cells import amount, source
from auditlib.reading.continuation import page_view
from auditlib.reading.extract import RawTable
from auditlib.reading.headers import column_labels, header_rows, is_index_row, match_columns
from auditlib.reading.readers.registry import reader


def _panel_spans(spec: TableSpec, first: RawTable, nhead: int, labels: list[str]) -> list[tuple[str, list[int]]]:
    """Columns of the income and expenditure panels of a two-panel table."""
    banners = {p.banner: p.id for p in spec.panels}
    for r in range(nhead):
        spans = {}
        for reg in first.regions:
            if reg.r0 == r and squash(reg.text) in banners:
                spans[squash(reg.text)] = list(range(reg.c0, reg.c1 + 1))
        if len(spans) == len(banners):
            return [(p.id, spans[p.banner]) for p in spec.panels]
    # No 收入/支出 banner: the panels start at the columns headed 项目.
    item = HEADERS.item[0]
    starts = [c for c, lab in enumerate(labels) if lab.endswith(item) or lab == item]
    income, expenditure = (p.id for p in spec.panels)
    if len(starts) >= 2:
        return [(income, list(range(starts[0], starts[1]))), (expenditure, list(range(starts[1], first.ncols)))]
    half = first.ncols // 2
    return [(income, list(range(half))), (expenditure, list(range(half, first.ncols)))]


def _panel_roles(spec: TableSpec, panel: str, labels: list[str], cols: list[int]) -> dict[int, str]:
    """A panel's columns: its first is the item name, 行次 the line number, then its amounts.

    A panel of one column takes its first amount column; a panel of several finds
    them by the header patterns of the profile.
    """
    roles: dict[int, str] = {}
    amount_cols = []
    for c in cols:
        if HEADERS.line_no in labels[c]:
            roles[c] = "line_no"
        elif not roles.get(cols[0]) and c == cols[0]:
            roles[c] = "name"
        else:
            amount_cols.append(c)
    columns = spec.panel_columns[panel]
    if len(columns) == 1:
        if amount_cols:
            roles[amount_cols[0]] = columns[0]
        return roles
    taken: set[str] = set()
    for c in amount_cols:
        role = match_columns(spec, labels[c], taken, among=columns)
        if role is not None:
            roles[c] = role
    return roles


def _panel_row(
    table: CanonicalTable, raw: RawTable, r: int, panel: str, roles: dict[int, str], back: dict[int, int]
) -> tuple[dict[str, object], dict[str, CellSource]]:
    row: dict[str, object] = {"code": "", "name": "", "panel": panel, "line_no": ""}
    cells: dict[str, CellSource] = {}
    for c, role in roles.items():
        if c not in back:
            continue
        text = raw.text(r, back[c])
        if role in ("name", "line_no"):
            row[role] = squash(text)
        else:
            row[role] = amount(text, table.problems, f"p{raw.page} {panel} {role}")
        cells[role] = source(raw, r, back[c])
    return row, cells


@reader("two_panel")
def read_two_panel(spec: TableSpec, grids: list[RawTable]) -> CanonicalTable:
    first = grids[0]
    nhead = header_rows(first)
    labels = column_labels(first, nhead)
    panels = _panel_spans(spec, first, nhead, labels)
    roles_by_panel = {p: _panel_roles(spec, p, labels, cols) for p, cols in panels}
    amount_roles = {role for roles in roles_by_panel.values() for role in roles.values()} - {"name", "line_no"}
    printed = [c for c in spec.column_names if c in amount_roles]
    table = CanonicalTable(spec.id, csv_columns(spec.id, tuple(printed)))
    collected: dict[str, list[tuple[dict[str, object], dict[str, CellSource]]]] = {p: [] for p, _ in panels}
    skip = (HEADERS.item[0], HEADERS.index)
    for raw in grids:
        _colmap, back, start = page_view(first, raw, nhead, table)
        for r in range(start, raw.nrows):
            if is_index_row([squash(raw.text(r, c)) for c in range(raw.ncols)]):
                continue
            for panel, _cols in panels:
                row, cells = _panel_row(table, raw, r, panel, roles_by_panel[panel], back)
                if not row["name"] and all(row.get(c) is None for c in printed):
                    continue
                if row["name"] in skip:
                    continue
                collected[panel].append((row, cells))
    for panel, _cols in panels:
        for row, cells in collected[panel]:
            table.rows.append(row)
            table.cells.append(cells)
    return table
