"""Where a figure the narrative quotes is printed in the tables (its table cell).

Why: the narrative names figures by their words (收入合计, 人员经费, 一般公共服务支出, a 类/款/项
path); one module maps those words to table cells, through the context's one row lookup.
"""

from __future__ import annotations

from auditlib.rules.context import AuditContext, Ref, plain_name

_DETAIL = "basic_expenditure_detail"

#: Narrative subject -> (table, panel, line name, column); no panel: the table's 合计 row.
_SIMPLE: dict[str, tuple[str, str | None, str | None, str]] = {
    "收支总计": ("income_expenditure_summary", "income", "总计", "amount"),
    "收入合计": ("income", None, None, "total"),
    "本年收入合计": ("income", None, None, "total"),
    "支出合计": ("expenditure", None, None, "total"),
    "本年支出合计": ("expenditure", None, None, "total"),
    "财政拨款收入": ("income", None, None, "fiscal_appropriation"),
    "基本支出": ("expenditure", None, None, "basic"),
    "项目支出": ("expenditure", None, None, "project"),
    "财政拨款收支总计": ("fiscal_summary", "income", "总计", "amount"),
    "一般公共预算财政拨款收入": ("fiscal_summary", "income", "一般公共预算财政拨款", "amount"),
    "一般公共预算财政拨款支出": ("general_budget_expenditure", None, None, "total"),
    "一般公共预算财政拨款基本支出": ("general_budget_expenditure", None, None, "basic"),
    "一般公共预算财政拨款项目支出": ("general_budget_expenditure", None, None, "project"),
}


def panel_line(ctx: AuditContext, tid: str, panel: str, line: str, col: str) -> Ref | None:
    """The line of a two-panel table named exactly ``line``, else the first whose name contains it."""
    if not ctx.has(tid):
        return None
    i = ctx.row(tid, panel=panel, name=line)
    if i is None:
        i = ctx.row(tid, panel=panel, contains=line)
    return (tid, i, col) if i is not None else None


def footer(ctx: AuditContext, label: str) -> Ref | None:
    """The basic-detail footer ``<label>合计`` (人员经费合计, 公用经费合计)."""
    if not ctx.has(_DETAIL):
        return None
    i = ctx.row(_DETAIL, contains=f"{label}合计")
    return (_DETAIL, i, "amount") if i is not None else None


def class_row(ctx: AuditContext, tid: str, name: str, col: str = "total") -> Ref | None:
    """The 类 row (3-digit code) named ``name`` (a trailing (类) mark ignored)."""
    if not ctx.has(tid):
        return None
    i = ctx.row(tid, code_width=3, name=plain_name(name).replace("(类)", ""))
    return (tid, i, col) if i is not None else None


def path(ctx: AuditContext, tid: str, names: str, col: str = "total") -> Ref | None:
    """A 类/款/项 path of names to its row (names are ambiguous alone: 行政运行)."""
    if not ctx.has(tid):
        return None
    prefix = ""
    found = None
    for depth, name in enumerate(p for p in names.split("/") if p):
        found = ctx.row(tid, code_width=(3, 5, 7)[min(depth, 2)], code_prefix=prefix, name=name)
        if found is None:
            return None
        prefix = str(ctx.rows(tid)[found].get("code") or "")
    return (tid, found, col) if found is not None else None


def path_is_ambiguous(ctx: AuditContext, tid: str, names: str) -> bool:
    """Some level of the 类/款/项 path names two rows under its parent (the subject matches two rows)."""
    prefix = ""
    for depth, name in enumerate(p for p in names.split("/") if p):
        width = (3, 5, 7)[min(depth, 2)]
        target = plain_name(name)
        hits = [
            i
            for i, r in enumerate(ctx.rows(tid))
            if len(str(r.get("code") or "")) == width
            and str(r.get("code") or "").startswith(prefix)
            and plain_name(str(r.get("name"))) == target
        ]
        if len(hits) > 1:
            return True
        if not hits:
            return False
        prefix = str(ctx.rows(tid)[hits[0]].get("code") or "")
    return False


def for_amount(ctx: AuditContext, subject: str, section: str) -> Ref | None:
    """The cell an amount of the narrative (by its subject, in its section) quotes, None if none."""
    if subject in _SIMPLE:
        tid, panel, line, col = _SIMPLE[subject]
        return panel_line(ctx, tid, panel, line, col) if panel and line else ctx.total_ref(tid, col)
    if subject in ("人员经费", "公用经费"):
        return footer(ctx, subject)
    if subject.endswith("支出") and "/" not in subject:
        tid = "general_budget_expenditure" if "一般公共预算" in section or "结构" in section else "expenditure"
        return class_row(ctx, tid, subject) or class_row(ctx, "expenditure", subject)
    return None
