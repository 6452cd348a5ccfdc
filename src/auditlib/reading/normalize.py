"""Raw grids → canonical tables (docs/contract.md section 3, docs/tables.md).

Why: every producer prints the nine tables differently — one code column or
类|款|项, a 栏次 row or none, two or three side-by-side panels, headers repeated
on continuation pages or not. The rules must see one shape. Columns are
recognised by their header words, never by position; a continuation page
without a header borrows the first page's columns by x-position.
"""

from __future__ import annotations

import re
from decimal import Decimal

from auditlib.model.money import parse_amount
from auditlib.model.tables import CanonicalTable, CellSource
from auditlib.model.text import squash
from auditlib.profiles.final_accounts import TABLES, csv_columns
from auditlib.reading.extract import RawTable

_DECIMAL = re.compile(r"^[-−]?\d{1,3}(,\d{3})*(\.\d+)?$|^[-−]?\d+\.\d+$")
_CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")

# Header labels as printed by the producers we know (squashed, quotes dropped,
# brackets half-width). A header row holds only such labels (and 合计 as a
# column label beside them); a data row holds a code, a figure or an item name.
HEADER_LABELS = frozenset(
    """
    项目 项目名称 行次 金额 决算数 预算数 栏次 收入 支出 科目代码 科目编码 科目名称 支出功能分类科目编码
    功能分类科目编码 经济分类科目编码 支出经济分类科目编码 支出功能分类科目代码 经济分类科目代码 功能分类 经济分类 类 款 项
    本年收入合计 本年收入 财政拨款收入 上级补助收入 事业收入 经营收入 附属单位上缴收入 其他收入
    本年支出合计 本年支出 基本支出 项目支出 上缴上级支出 经营支出 对附属单位补助支出 小计 合计
    年初结转和结余 年末结转和结余 一般公共预算财政拨款 政府性基金预算财政拨款 国有资本经营预算财政拨款
    人员经费 公用经费 财政拨款三公经费 三公经费 因公出国(境)费 公务用车购置及运行维护费 公务用车购置及运行费
    公务用车购置费 公务用车运行维护费 公务用车运行费 公务接待费 预算数决算数
    """.split()
)
_QUOTES = str.maketrans({"“": None, "”": None, '"': None, "（": "(", "）": ")"})


_HEADER_RE = re.compile(r"^(支出)?(功能|经济)分类(科目)?(编码|代码)?$|^科目(编码|代码|名称)$|^(本年|年初|年末)\S{0,8}$")


def header_word(text: str) -> bool:
    t = squash(text).translate(_QUOTES)
    return t in HEADER_LABELS or bool(_HEADER_RE.match(t))


def is_amount(text: str) -> bool:
    return bool(_DECIMAL.match(squash(text)))


# ---------------------------------------------------------------- header analysis


def _is_header_row(raw: RawTable, r: int, total_row_is_data: bool = True) -> bool:
    texts = [squash(raw.text(r, c)) for c in range(raw.ncols)]
    nonempty = [t for t in texts if t]
    if not nonempty:
        return True  # a blank line inside the header block
    if any(_DECIMAL.match(t) and ("." in t or "," in t) for t in nonempty):
        return False
    if any(_CODE.match(t) for t in nonempty):
        return False
    if nonempty[0] == "栏次" or all(t.isdigit() and len(t) <= 2 for t in nonempty):
        return True
    if total_row_is_data and nonempty[0] in ("合计", "总计") and texts.index(nonempty[0]) <= 2:
        return False  # the 合计 row, even when printed on one line with sub-labels
    words = [t for t in nonempty if t not in ("合计", "总计")]
    return bool(words) and all(header_word(t) for t in words)


def header_rows(raw: RawTable, limit: int = 6, total_row_is_data: bool = True) -> int:
    """Number of leading rows that are header (including 栏次 rows).

    ``total_row_is_data``: a row led by 合计 in its first columns is the total
    row (tables with item names); in the 三公 table 合计 is a column label.
    """
    n = 0
    for r in range(min(raw.nrows, limit)):
        if _is_header_row(raw, r, total_row_is_data):
            n = r + 1
        else:
            break
    # Trailing blank rows belong to the data only if data follows them.
    return n


def column_labels(raw: RawTable, nheader: int) -> list[str]:
    """Squashed header text of each column, merged cells counted once per column."""
    labels = []
    for c in range(raw.ncols):
        parts: list[str] = []
        seen: set[int] = set()
        for r in range(nheader):
            reg = raw.region(r, c)
            if id(reg) in seen:
                continue
            seen.add(id(reg))
            t = squash(reg.text)
            if t and t != "栏次" and not t.isdigit():
                parts.append(t)
        labels.append("".join(parts))
    return labels


def header_cells_in_first_data_row(raw: RawTable, nhead: int, labels: list[str]) -> dict[int, str]:
    """Sub-labels printed on the same line as the first data row.

    Some producers print the 合计 row on one line with the 合计/基本支出/项目支出
    labels of a column group (or with 类/款/项); those cells are labels, not data.
    """
    if nhead >= raw.nrows:
        return {}
    out = {}
    for c in range(raw.ncols):
        t = squash(raw.text(nhead, c))
        if re.search(r"名称|编码|代码|项目$", labels[c]) or not labels[c]:
            continue
        if t and header_word(t):
            out[c] = t
    return out


def _is_index_row(texts: list[str]) -> bool:
    """The 栏次 row: 栏次 and/or 1, 2, 3 … in the amount columns."""
    nonempty = [t for t in texts if t]
    if not nonempty:
        return False
    if "栏次" in nonempty:
        return True
    return all(t.isdigit() and len(t) <= 2 for t in nonempty) and len(nonempty) >= 2


# Canonical amount column per header text, most specific first.
_PATTERNS: dict[str, list[tuple[str, str]]] = {
    "income": [
        ("fiscal_appropriation", r"财政拨款"),
        ("superior_subsidy", r"上级补助"),
        ("business", r"事业收入"),
        ("operating", r"经营收入"),
        ("subordinate_remittance", r"附属单位"),
        ("other", r"其他收入"),
        ("total", r"合计|小计|本年收入"),
    ],
    "expenditure": [
        ("basic", r"基本支出"),
        ("project", r"项目支出"),
        ("remittance_to_superior", r"上缴上级"),
        ("operating", r"经营支出"),
        ("subsidy_to_subordinate", r"附属单位"),
        ("total", r"合计|小计|本年支出"),
    ],
    "general_budget_expenditure": [
        ("basic", r"基本支出"),
        ("project", r"项目支出"),
        ("total", r"合计|小计|本年支出|决算数|金额"),
    ],
    "government_fund": [
        ("opening_balance", r"年初"),
        ("closing_balance", r"年末"),
        ("income", r"本年收入"),
        ("expenditure_basic", r"基本支出"),
        ("expenditure_project", r"项目支出"),
        ("expenditure_total", r"合计|小计|本年支出"),
    ],
}
_PATTERNS["state_capital"] = _PATTERNS["government_fund"]
_CODE_HEADER = re.compile(r"科目代码|科目编码|功能分类|经济分类|代码|编码|^类$|^款$|^项$")


def _roles(table_id: str, labels: list[str]) -> dict[int, str]:
    """Column index -> role (code, name, line_no or a canonical amount column)."""
    roles: dict[int, str] = {}
    taken: set[str] = set()
    has_name = any("科目名称" in lab or lab.endswith("名称") for lab in labels)
    for c, lab in enumerate(labels):
        if not lab:
            continue
        if "科目名称" in lab or lab.endswith("名称"):
            roles[c] = "name"
        elif _CODE_HEADER.search(lab) and "名称" not in lab:
            roles[c] = "code"
        elif lab in ("项目", "项目名称") and not has_name:
            roles[c] = "name"
        elif "行次" in lab:
            roles[c] = "line_no"
        else:
            for col, pattern in _PATTERNS.get(table_id, []):
                if col not in taken and re.search(pattern, lab):
                    roles[c] = col
                    taken.add(col)
                    break
    return roles


# ---------------------------------------------------------------- continuation pages


def _align_columns(first: RawTable, other: RawTable) -> dict[int, int]:
    """Map each column of ``other`` to the first page's column it overlaps most."""
    mapping = {}
    for j, (a, b) in enumerate(other.cols):
        best, best_overlap = None, 0.0
        for i, (c, d) in enumerate(first.cols):
            overlap = min(b, d) - max(a, c)
            if overlap > best_overlap:
                best, best_overlap = i, overlap
        if best is not None and best_overlap >= 0.5 * min(b - a, first.cols[best][1] - first.cols[best][0]):
            mapping[j] = best
    return mapping


def page_view(
    first: RawTable, raw: RawTable, nhead: int, table: CanonicalTable, total_row_is_data: bool = True
) -> tuple[dict[int, int], dict[int, int], int]:
    """How to read one page of a table: (its column -> first page's column, the reverse, first data row).

    The first page is read as is, below its header; a continuation page is mapped onto the first
    page's columns by x-position and read below its own (repeated) header, if any. The page is
    recorded on the table.
    """
    if raw is first:
        colmap, start = {c: c for c in range(raw.ncols)}, nhead
    else:
        colmap, start = _align_columns(first, raw), header_rows(raw, total_row_is_data=total_row_is_data)
    if raw.page not in table.pages:
        table.pages.append(raw.page)
    return colmap, {v: c for c, v in colmap.items()}, start


def compatible(first: RawTable, other: RawTable) -> bool:
    """Whether a grid on a later page continues ``first`` (same column layout)."""
    mapping = _align_columns(first, other)
    return len(set(mapping.values())) >= 0.8 * first.ncols and len(mapping) >= 0.8 * other.ncols


# ---------------------------------------------------------------- row readers


def _amount(text: str, problems: list[str], where: str) -> Decimal | None:
    t = squash(text)
    if not t or t in ("-", "—", "－", "/"):
        return None
    try:
        return parse_amount(t)
    except ValueError:
        problems.append(f"{where}: {text!r} is not an amount")
        return None


def _code_from_parts(parts: list[str], prev: str) -> str:
    """7-digit 项 codes from one column or 类|款|项 columns (parents repeated or not)."""
    digits = [p if p.isdigit() else "" for p in (squash(x) for x in parts)]
    if len(digits) == 1:
        return digits[0] if _CODE.match(digits[0]) else ""
    if not any(digits):
        return ""
    widths = [3] + [2] * (len(digits) - 1)
    out = ""
    for i, (d, w) in enumerate(zip(digits, widths)):
        if d:
            out += d.zfill(w) if i else d
        elif any(digits[i + 1 :]):
            # A parent part printed only on the first row of its group.
            out += prev[len(out) : len(out) + w]
        else:
            break
    return out if _CODE.match(out) else ""


_LEADING_CODE = re.compile(r"^(\d{3}(?:\d{2}){0,2})\s*(\S.*)$")


def _source(raw: RawTable, r: int, c: int) -> CellSource:
    reg = raw.region(r, c)
    return CellSource(raw.page, reg.box, reg.text)


def read_coded(table_id: str, grids: list[RawTable]) -> CanonicalTable:
    """income, expenditure, general budget, government fund, state capital."""
    first = grids[0]
    nhead = header_rows(first)
    labels = column_labels(first, nhead)
    inline = header_cells_in_first_data_row(first, nhead, labels)
    for c, t in inline.items():
        labels[c] += t
    roles = _roles(table_id, labels)
    printed = [c for c in TABLES[table_id].column_names if c in roles.values()]
    table = CanonicalTable(table_id, csv_columns(table_id, tuple(printed)))
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
            if _is_index_row([squash(t) for t in texts.values()]):
                continue
            code = _code_from_parts([texts.get(c, "") for c in code_cols], prev_code) if code_cols else ""
            name = "".join(squash(texts.get(c, "")) for c in name_cols)
            if not name and name_cols and name_cols[0] in src:
                # 合计 printed across the code and name columns (one merged cell).
                reg = raw.region(r, src[name_cols[0]])
                if reg.r0 == r and reg.c0 < src[name_cols[0]] and not _CODE.match(squash(reg.text)):
                    name = squash(reg.text)
            if not code_cols:
                m = _LEADING_CODE.match(texts.get(name_cols[0], "").strip()) if name_cols else None
                if m:
                    code, name = m.group(1), squash(m.group(2))
            row: dict[str, object] = {"code": code, "name": name}
            cells: dict[str, CellSource] = {}
            for c, role in roles.items():
                if role in printed:
                    row[role] = _amount(texts.get(c, ""), table.problems, f"p{raw.page} {name or code} {role}")
                    if c in src:
                        cells[role] = _source(raw, r, src[c])
            for role, cols in (("code", code_cols), ("name", name_cols)):
                if cols and cols[0] in src:
                    cells[role] = _source(raw, r, src[cols[0]])
            if not name and not code and all(row.get(c) is None for c in printed):
                continue
            if not code and all(row.get(c) is None for c in printed) and _is_header_row(raw, r):
                continue  # a repeated header line
            if code:
                prev_code = code
            table.rows.append(row)
            table.cells.append(cells)
    return table


def _panel_spans(first: RawTable, nhead: int, labels: list[str]) -> list[tuple[str, list[int]]]:
    """Columns of the income and expenditure panels of a two-panel table."""
    for r in range(nhead):
        spans = {}
        for reg in first.regions:
            if reg.r0 == r and squash(reg.text) in ("收入", "支出"):
                spans[squash(reg.text)] = list(range(reg.c0, reg.c1 + 1))
        if len(spans) == 2:
            return [("income", spans["收入"]), ("expenditure", spans["支出"])]
    # No 收入/支出 banner: the panels start at the columns headed 项目.
    starts = [c for c, lab in enumerate(labels) if lab.endswith("项目") or lab == "项目"]
    if len(starts) >= 2:
        return [("income", list(range(starts[0], starts[1]))), ("expenditure", list(range(starts[1], first.ncols)))]
    half = first.ncols // 2
    return [("income", list(range(half))), ("expenditure", list(range(half, first.ncols)))]


def _panel_roles(table_id: str, panel: str, labels: list[str], cols: list[int]) -> dict[int, str]:
    roles: dict[int, str] = {}
    amount_cols = []
    for c in cols:
        lab = labels[c]
        if "行次" in lab:
            roles[c] = "line_no"
        elif not roles.get(cols[0]) and c == cols[0]:
            roles[c] = "name"
        else:
            amount_cols.append(c)
    if table_id == "income_expenditure_summary" or panel == "income":
        if amount_cols:
            roles[amount_cols[0]] = "amount"
        return roles
    patterns = [
        ("general_budget", r"一般公共预算"),
        ("government_fund", r"政府性基金"),
        ("state_capital", r"国有资本"),
        ("total", r"合计|小计|金额|决算数"),
    ]
    taken: set[str] = set()
    for c in amount_cols:
        for col, pattern in patterns:
            if col not in taken and re.search(pattern, labels[c]):
                roles[c] = col
                taken.add(col)
                break
    return roles


def read_two_panel(table_id: str, grids: list[RawTable]) -> CanonicalTable:
    first = grids[0]
    nhead = header_rows(first)
    labels = column_labels(first, nhead)
    panels = _panel_spans(first, nhead, labels)
    roles_by_panel = {p: _panel_roles(table_id, p, labels, cols) for p, cols in panels}
    amount_roles = {role for roles in roles_by_panel.values() for role in roles.values()} - {"name", "line_no"}
    printed = [c for c in TABLES[table_id].column_names if c in amount_roles]
    table = CanonicalTable(table_id, csv_columns(table_id, tuple(printed)))
    collected: dict[str, list[tuple[dict[str, object], dict[str, CellSource]]]] = {p: [] for p, _ in panels}
    for raw in grids:
        colmap, back, start = page_view(first, raw, nhead, table)
        for r in range(start, raw.nrows):
            all_texts = [squash(raw.text(r, c)) for c in range(raw.ncols)]
            if _is_index_row(all_texts):
                continue
            for panel, _cols in panels:
                roles = roles_by_panel[panel]
                row: dict[str, object] = {"code": "", "name": "", "panel": panel, "line_no": ""}
                cells: dict[str, CellSource] = {}
                for c, role in roles.items():
                    if c not in back:
                        continue
                    text = raw.text(r, back[c])
                    if role == "name":
                        row["name"] = squash(text)
                    elif role == "line_no":
                        row["line_no"] = squash(text)
                    else:
                        row[role] = _amount(text, table.problems, f"p{raw.page} {panel} {role}")
                    cells[role] = _source(raw, r, back[c])
                if not row["name"] and all(row.get(c) is None for c in printed):
                    continue
                if row["name"] in ("项目", "栏次"):
                    continue
                collected[panel].append((row, cells))
    for panel, _cols in panels:
        for row, cells in collected[panel]:
            table.rows.append(row)
            table.cells.append(cells)
    return table


_FOOTER = re.compile(r"(人员经费|公用经费).*合计|合计.*(人员经费|公用经费)")


def read_basic_detail(grids: list[RawTable]) -> CanonicalTable:
    """The 2–3 panel basic-expenditure detail, unfolded panel by panel."""
    table_id = "basic_expenditure_detail"
    first = grids[0]
    nhead = header_rows(first)
    labels = column_labels(first, nhead)
    amount_cols = [c for c, lab in enumerate(labels) if "决算数" in lab or lab.endswith("金额")]
    panels: list[dict[str, list[int] | int]] = []
    start = 0
    for ac in amount_cols:
        cols = list(range(start, ac))
        name_cols = [c for c in cols if "名称" in labels[c]] or cols[-1:]
        code_cols = [c for c in cols if c not in name_cols]
        panels.append({"code": code_cols, "name": name_cols, "amount": ac})
        start = ac + 1
    table = CanonicalTable(table_id, csv_columns(table_id, ("amount",)))
    per_panel: list[list[tuple[dict[str, object], dict[str, CellSource]]]] = [[] for _ in panels]
    footers: list[tuple[dict[str, object], dict[str, CellSource]]] = []
    for raw in grids:
        colmap, back, begin = page_view(first, raw, nhead, table)
        for r in range(begin, raw.nrows):
            texts = {v: raw.text(r, c) for c, v in colmap.items()}
            labels_in_row = [(c, squash(t)) for c, t in sorted(texts.items()) if _FOOTER.search(squash(t))]
            if labels_in_row:
                for i, (c, lab) in enumerate(labels_in_row):
                    stop = labels_in_row[i + 1][0] if i + 1 < len(labels_in_row) else first.ncols
                    amount, where = None, None
                    for cc in range(c + 1, stop):
                        if is_amount(texts.get(cc, "")):
                            amount = _amount(texts[cc], table.problems, f"p{raw.page} {lab}")
                            where = cc
                            break
                    cells = {"name": _source(raw, r, back[c])}
                    if where is not None:
                        cells["amount"] = _source(raw, r, back[where])
                    footers.append(({"code": "", "name": lab, "amount": amount}, cells))
                continue
            for i, panel in enumerate(panels):
                code_cols = panel["code"]
                assert isinstance(code_cols, list)
                code = _code_from_parts([texts.get(c, "") for c in code_cols], "") if code_cols else ""
                name_cols = panel["name"]
                assert isinstance(name_cols, list)
                name = "".join(squash(texts.get(c, "")) for c in name_cols)
                ac = panel["amount"]
                assert isinstance(ac, int)
                amount = _amount(texts.get(ac, ""), table.problems, f"p{raw.page} {code or name}")
                if not code and not name and amount is None:
                    continue
                if name in ("科目名称",) or _is_index_row([squash(texts.get(c, "")) for c in texts]):
                    continue
                cells = {"amount": _source(raw, r, back[ac])}
                if name_cols:
                    cells["name"] = _source(raw, r, back[name_cols[0]])
                if code_cols:
                    cells["code"] = _source(raw, r, back[code_cols[0]])
                per_panel[i].append(({"code": code, "name": name, "amount": amount}, cells))
    for rows in per_panel + [footers]:
        for row, cells in rows:
            table.rows.append(row)
            table.cells.append(cells)
    return table


_VEHICLE_PARENT = re.compile(r"公务用车购置及运行(维护|维修)?费")


def _three_public_role(label: str) -> str | None:
    stage = "budget" if "预算" in label else "actual" if "决算" in label else None
    if stage is None:
        return None
    # Drop the group labels so that the leaf label decides.
    label = re.sub(r"财政拨款|三公经费|预算数|决算数", "", label)
    rest = _VEHICLE_PARENT.sub("", label)
    if _VEHICLE_PARENT.search(label) and not rest:
        return f"{stage}_vehicle_subtotal"
    label = rest or label
    if "小计" in label:
        item = "vehicle_subtotal"
    elif "出国" in label:
        item = "abroad"
    elif "接待" in label:
        item = "reception"
    elif "购置费" in label and "运行" not in label.split("购置费")[-1]:
        item = "vehicle_purchase"
    elif "运行" in label:
        item = "vehicle_operation"
    elif "合计" in label:
        item = "total"
    else:
        return None
    return f"{stage}_{item}"


def read_three_public(grids: list[RawTable]) -> CanonicalTable:
    table_id = "three_public"
    first = grids[0]
    nhead = header_rows(first, total_row_is_data=False)
    labels = column_labels(first, nhead)
    roles = {}
    for c, lab in enumerate(labels):
        role = _three_public_role(lab)
        if role and role not in roles.values():
            roles[c] = role
    printed = [c for c in TABLES[table_id].column_names if c in roles.values()]
    table = CanonicalTable(table_id, csv_columns(table_id, tuple(printed)))
    for raw in grids:
        colmap, back, begin = page_view(first, raw, nhead, table, total_row_is_data=False)
        for r in range(begin, raw.nrows):
            texts = {v: raw.text(r, c) for c, v in colmap.items()}
            if _is_index_row([squash(t) for t in texts.values()]):
                continue
            row: dict[str, object] = {"code": "", "name": ""}
            cells: dict[str, CellSource] = {}
            for c, role in roles.items():
                row[role] = _amount(texts.get(c, ""), table.problems, f"p{raw.page} {role}")
                if c in back:
                    cells[role] = _source(raw, r, back[c])
            others = [squash(t) for c, t in texts.items() if c not in roles and squash(t)]
            row["name"] = "".join(others)
            if all(row.get(c) is None for c in printed) and not row["name"]:
                continue
            table.rows.append(row)
            table.cells.append(cells)
    return table


def normalise(table_id: str, grids: list[RawTable]) -> CanonicalTable:
    if table_id in ("income_expenditure_summary", "fiscal_summary"):
        return read_two_panel(table_id, grids)
    if table_id == "basic_expenditure_detail":
        return read_basic_detail(grids)
    if table_id == "three_public":
        return read_three_public(grids)
    return read_coded(table_id, grids)
