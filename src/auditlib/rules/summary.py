"""table.summary_balance and table.fiscal_summary_balance: the two-panel summary tables balance.

Why hand-written rather than declared (``auditlib.profiles.identities``): these identities are
positional. 本年收入合计 is the sum of the lines printed *before* it in its panel, 总计 the sum of
本年收入合计 and the lines *between* them (the per-fund sub-lines of 年初结转和结余 excluded); the
rows they add are found by walking the panel, not named in advance.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditlib.model.findings import Check
from auditlib.profiles.final_accounts import FUND_NAMES
from auditlib.rules.context import AuditContext, row_name
from auditlib.rules.registry import rule
from auditlib.rules.table import has_figure

_FUND_COLUMNS = ("general_budget", "government_fund", "state_capital")


def _panel_rows(ctx: AuditContext, tid: str, panel: str) -> list[int]:
    return [i for i, r in enumerate(ctx.rows(tid)) if r.get("panel") == panel]


def _items_before(ctx: AuditContext, tid: str, panel: str, stop: int) -> list[int]:
    return [i for i in _panel_rows(ctx, tid, panel) if i < stop]


def _is_fund_subline(ctx: AuditContext, tid: str, i: int) -> bool:
    return row_name(ctx.rows(tid)[i]) in FUND_NAMES


@rule(
    "table.summary_balance",
    "收入支出决算总表平衡",
    "收入支出决算总表“本年收入合计”行金额为2,360.70万元，各项收入之和为2,361.70万元，差额-1.00万元，超出尾数误差范围（±0.045）。",
)
def summary_balance(ctx: AuditContext) -> Iterator[Check]:
    """The summary table balances.

    本年收入合计 = Σ income lines; 本年支出合计 = Σ 功能分类 类 lines; 收入总计 = 本年收入合计 +
    使用非财政拨款结余 + 年初结转和结余; 支出总计 = 本年支出合计 + 结余分配 + 年末结转和结余;
    收入总计 = 支出总计. Catches a changed line, a missing 结转 line and an unbalanced report.
    """
    tid = "income_expenditure_summary"
    if not ctx.has(tid):
        yield ctx.skip(tid, ctx.missing_tables(tid) or "")
        return
    yield from _two_panel_balance(ctx, tid, "amount", "amount")


def _subtotals(ctx: AuditContext, tid: str, inc_col: str, exp_col: str) -> Iterator[Check]:
    """本年收入合计 and 本年支出合计 = Σ the lines of their panel printed before them."""
    for panel, col, name, what in (
        ("income", inc_col, "本年收入合计", "各项收入之和"),
        ("expenditure", exp_col, "本年支出合计", "各类支出之和"),
    ):
        subtotal = ctx.row(tid, panel=panel, contains=name)
        if subtotal is None:
            yield ctx.skip(f"{tid}/{panel}/{name}", f"未找到“{name}”行")
            continue
        parts = [(tid, i, col) for i in _items_before(ctx, tid, panel, subtotal)]
        yield ctx.sum_check(f"{tid}/{panel}/{name}", (tid, subtotal, col), parts, what)


def _two_panel_balance(ctx: AuditContext, tid: str, inc_col: str, exp_col: str) -> Iterator[Check]:
    yield from _subtotals(ctx, tid, inc_col, exp_col)
    inc_total = ctx.row(tid, panel="income", contains="本年收入合计")
    exp_total = ctx.row(tid, panel="expenditure", contains="本年支出合计")
    inc_grand = ctx.row(tid, panel="income", contains="总计")
    exp_grand = ctx.row(tid, panel="expenditure", contains="总计")
    for panel, first_total, grand, col, label in (
        ("income", inc_total, inc_grand, inc_col, "本年收入合计与结转结余之和"),
        ("expenditure", exp_total, exp_grand, exp_col, "本年支出合计与结余分配、结转结余之和"),
    ):
        if first_total is None or grand is None:
            yield ctx.skip(f"{tid}/{panel}/总计", "未找到合计或总计行")
            continue
        between = [i for i in _panel_rows(ctx, tid, panel) if first_total < i < grand]
        # Fund sub-lines under 年初财政拨款结转和结余 repeat it; count the parent line only.
        between = [i for i in between if not _is_fund_subline(ctx, tid, i)]
        parts = [(tid, first_total, col)] + [(tid, i, col) for i in between]
        yield ctx.sum_check(f"{tid}/{panel}/总计", (tid, grand, col), parts, label)
    if inc_grand is not None and exp_grand is not None:
        yield ctx.equal_check(f"{tid}/总计/收支相等", (tid, exp_grand, exp_col), (tid, inc_grand, inc_col))


@rule(
    "table.fiscal_summary_balance",
    "财政拨款收入支出决算总表平衡",
    "财政拨款收入支出决算总表“一般公共服务支出”行合计为2,168.83万元，各类资金之和为2,167.83万元，差额1.00万元，超出尾数误差范围（±0.02）。",
)
def fiscal_summary_balance(ctx: AuditContext) -> Iterator[Check]:
    """The fiscal-appropriation summary balances.

    Income: 本年收入合计 = Σ the three funds; 总计 = 本年收入合计 + 年初财政拨款结转和结余, and the
    年初 line equals its per-fund sub-lines. Expenditure: each line's 合计 = 一般公共预算 + 政府性基金 +
    国有资本经营; 本年支出合计 = Σ 类 lines per column; 总计 = 本年支出合计 + 年末结转和结余;
    收入总计 = 支出总计. Catches unbalanced funds and a changed line.
    """
    tid = "fiscal_summary"
    if not ctx.has(tid):
        yield ctx.skip(tid, ctx.missing_tables(tid) or "")
        return
    yield from _two_panel_balance(ctx, tid, "amount", "total")
    funds = [c for c in _FUND_COLUMNS if ctx.printed(tid, c)]
    yield from _fund_columns(ctx, tid, funds)
    opening = ctx.row(tid, panel="income", any_of=("年初财政拨款结转和结余", "年初结转和结余"))
    subs = [
        i
        for i in _panel_rows(ctx, tid, "income")
        if opening is not None and i > opening and _is_fund_subline(ctx, tid, i)
    ]
    if opening is not None and subs:
        yield ctx.sum_check(
            f"{tid}/income/年初结转和结余/funds",
            (tid, opening, "amount"),
            [(tid, i, "amount") for i in subs],
            "分资金年初结转和结余之和",
        )


def _fund_columns(ctx: AuditContext, tid: str, funds: list[str]) -> Iterator[Check]:
    """Each expenditure line's 合计 = Σ its fund columns; 本年支出合计 = Σ the lines, per fund column."""
    if ctx.printed(tid, "total") and funds:
        for i in _panel_rows(ctx, tid, "expenditure"):
            if not has_figure(ctx.rows(tid)[i], ["total", *funds]):
                continue
            subject = f"{tid}/expenditure/{row_name(ctx.rows(tid)[i])}/funds"
            yield ctx.sum_check(subject, (tid, i, "total"), [(tid, i, c) for c in funds], "各类资金之和")
    exp_total = ctx.row(tid, panel="expenditure", contains="本年支出合计")
    if exp_total is not None:
        items = _items_before(ctx, tid, "expenditure", exp_total)
        for col in funds:
            yield ctx.sum_check(
                f"{tid}/expenditure/本年支出合计/{col}",
                (tid, exp_total, col),
                [(tid, i, col) for i in items],
                "各类支出之和",
            )
