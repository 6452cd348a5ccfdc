"""attachment.*: the performance self-evaluation tables against the tables."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from auditlib.model.findings import Check, Evidence, diff, fmt, fmt_pct
from auditlib.model.money import compare_ratio, compare_sum, parse_amount, recompute_percent
from auditlib.model.report import AttachmentRow
from auditlib.rules.context import AuditContext
from auditlib.rules.registry import rule


def _num(text: str) -> Decimal | None:
    try:
        return parse_amount(text)
    except ValueError:
        return None


def _budget_rows(ctx: AuditContext) -> list[tuple[str, AttachmentRow]]:
    out: list[tuple[str, AttachmentRow]] = []
    for kind in ("self_evaluation", "project_self_evaluation"):
        _header, rows = ctx.report.attachments.get(kind, (None, []))
        out += [(kind, r) for r in rows if r["row_type"] == "budget"]
    return out


def _ev(row: AttachmentRow, column: str) -> Evidence:
    return Evidence(
        int(row["page"]), None, row.get("project") or row.get("label") or None, column, None, str(row.get(column, ""))
    )


@rule(
    "attachment.rate",
    "自评表执行率＝执行数÷预算数",
    "网络建设运转维护项目绩效自评表执行率为99.08%，按执行数1804.24÷预算数1820.03计算应为99.13%，不符。",
)
def rate(ctx: AuditContext) -> Iterator[Check]:
    """In every self-evaluation budget line, 执行率 (B/A) equals 执行数 B ÷ 预算数 A at the precision
    the rate is printed with. A zero budget admits no rate: a rate printed on a zero budget is a
    warning. Catches a changed 执行数 or 预算数 and a mis-typed rate."""
    rows = _budget_rows(ctx)
    if not rows:
        yield ctx.skip("attachments", "未找到绩效自评表")
        return
    for kind, row in rows:
        name = row.get("project") or row.get("label") or kind
        subject = f"{kind}/{name}"
        a, b = _num(row["budget"]), _num(row["actual"])
        r = _num(row["rate"].rstrip("%")) if row["rate"] else None
        if a is None or b is None or r is None:
            yield ctx.skip(subject, "预算数、执行数或执行率未列示")
            continue
        outcome = compare_ratio(r, b, a)
        if outcome == "equal":
            yield ctx.passed(subject)
            continue
        if outcome == "undefined":
            message = f"{name}绩效自评表预算数为{fmt(a)}，执行率{row['rate']}无从计算（预算为零）。"
            yield ctx.fail(subject, "warning", message, tables=[], actual=fmt_pct(r), evidence=[_ev(row, "rate")])
            continue
        recomputed = recompute_percent(r, b, a)
        severity = "info" if outcome == "rounding" else "error"
        message = (
            f"{name}绩效自评表执行率为{row['rate']}，按执行数{fmt(b)}÷预算数{fmt(a)}计算应为"
            f"{fmt_pct(recomputed)}，{'仅差尾数' if severity == 'info' else '不符'}。"
        )
        yield ctx.fail_percent(
            subject,
            severity,
            message,
            r,
            recomputed,
            evidence=[_ev(row, "rate"), _ev(row, "actual"), _ev(row, "budget")],
        )


@rule(
    "attachment.department_total",
    "整体自评表执行数＝本年支出",
    "部门整体绩效自评表执行数为2361.70万元，而支出决算表“合计”行合计为2360.70万元，不一致，差额1.00万元。",
)
def department_total(ctx: AuditContext) -> Iterator[Check]:
    """The whole-department self-evaluation's 执行数 equals the year's spending: the expenditure
    table's 合计 (or, failing that, the general-budget table's). Catches an attachment that reports
    a different year's or a different scope's spending."""
    rows = [r for kind, r in _budget_rows(ctx) if kind == "self_evaluation"]
    if not rows:
        yield ctx.skip("self_evaluation", "未找到部门整体绩效自评表")
        return
    for tid in ("expenditure", "general_budget_expenditure"):
        total = ctx.total_row(tid) if ctx.has(tid) else None
        if total is not None and ctx.value((tid, total, "total")) is not None:
            break
    else:
        yield ctx.skip("self_evaluation", "缺少支出决算表合计")
        return
    spent = ctx.value((tid, total, "total"))
    for row in rows[:1]:
        b = _num(row["actual"])
        if b is None:
            yield ctx.skip("self_evaluation", "自评表未列示执行数")
            continue
        outcome = compare_sum(b, [spent])
        if outcome == "equal":
            yield ctx.passed("self_evaluation")
            continue
        severity = "info" if outcome == "rounding" else "error"
        unit = ctx.unit(tid)
        message = (
            f"部门整体绩效自评表执行数为{fmt(b)}{unit}，而{ctx.where((tid, total, 'total'))}为{fmt(spent)}{unit}，"
            f"不一致，差额{diff(b, spent)}{unit}。"
        )
        yield ctx.fail(
            "self_evaluation",
            severity,
            message,
            tables=[tid],
            expected=fmt(spent),
            actual=fmt(b),
            difference=diff(b, spent),
            evidence=[_ev(row, "actual"), ctx.evidence((tid, total, "total"))],
        )


@rule(
    "attachment.basic_project_totals",
    "自评表基本支出、项目支出总额＝报表",
    "部门整体绩效自评表基本支出总额为472.12万元，而支出决算表“合计”行基本支出为481.74万元，不一致，差额-9.62万元。",
)
def basic_project_totals(ctx: AuditContext) -> Iterator[Check]:
    """The 基本支出总额 and 项目支出总额 quoted in the whole-department self-evaluation equal the
    expenditure table's 基本支出 and 项目支出 (合计) when the note says they are actual spending.
    Catches attachment totals copied from the budget rather than the accounts."""
    _h, rows = ctx.report.attachments.get("self_evaluation", (None, []))
    quoted = [r for r in rows if r["row_type"] == "total"]
    if not quoted:
        yield ctx.skip("self_evaluation", "自评表未列示基本支出总额、项目支出总额")
        return
    tid = "expenditure"
    total = ctx.total_row(tid) if ctx.has(tid) else None
    if total is None:
        yield ctx.skip("self_evaluation", "缺少支出决算表合计")
        return
    for row in quoted:
        col = "basic" if "基本" in row["label"] else "project" if "项目" in row["label"] else None
        value = _num(row["actual"])
        if col is None or value is None or not ctx.printed(tid, col):
            continue
        table_value = ctx.value((tid, total, col))
        subject = f"self_evaluation/{row['label']}"
        outcome = compare_sum(value, [table_value])
        if outcome == "equal":
            yield ctx.passed(subject)
            continue
        severity = "info" if outcome == "rounding" else "error"
        unit = ctx.unit(tid)
        message = (
            f"部门整体绩效自评表{row['label']}为{fmt(value)}{unit}，而{ctx.where((tid, total, col))}为"
            f"{fmt(table_value)}{unit}，不一致，差额{diff(value, table_value)}{unit}。"
        )
        yield ctx.fail(
            subject,
            severity,
            message,
            tables=[tid],
            expected=fmt(table_value),
            actual=fmt(value),
            difference=diff(value, table_value),
            evidence=[_ev(row, "actual"), ctx.evidence((tid, total, col))],
        )


@rule(
    "attachment.projects_within_project_spending",
    "项目自评执行数合计不超过项目支出",
    "各项目绩效自评表执行数合计为1,900.00万元，大于支出决算表项目支出1,878.96万元。",
)
def projects_within_project_spending(ctx: AuditContext) -> Iterator[Check]:
    """The project self-evaluations' 执行数 add up to at most the expenditure table's 项目支出 (合计).
    A smaller sum is normal (not every project is evaluated); a larger one is a warning, since a
    project cannot have spent more than all project spending."""
    rows = [r for kind, r in _budget_rows(ctx) if kind == "project_self_evaluation"]
    if not rows:
        yield ctx.skip("project_self_evaluation", "未找到项目绩效自评表")
        return
    tid = "expenditure"
    total = ctx.total_row(tid) if ctx.has(tid) else None
    if total is None or not ctx.printed(tid, "project"):
        yield ctx.skip("project_self_evaluation", "缺少支出决算表项目支出")
        return
    spent = ctx.value((tid, total, "project")) or Decimal(0)
    values = [_num(r["actual"]) for r in rows]
    s = sum((v for v in values if v is not None), Decimal(0))
    if s <= spent:
        yield ctx.passed("project_self_evaluation")
        return
    unit = ctx.unit(tid)
    message = (
        f"各项目绩效自评表执行数合计为{fmt(s)}{unit}，大于{ctx.where((tid, total, 'project'))}{fmt(spent)}{unit}。"
    )
    yield ctx.fail(
        "project_self_evaluation",
        "warning",
        message,
        tables=[tid],
        expected=fmt(spent),
        actual=fmt(s),
        difference=diff(s, spent),
        evidence=[_ev(r, "actual") for r in rows] + [ctx.evidence((tid, total, "project"))],
    )
