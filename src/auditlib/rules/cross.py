"""cross.*: the same figure printed in two tables."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from auditlib.model.findings import Check
from auditlib.rules.context import AuditContext, missing_tables, plain_name, skipped
from auditlib.rules.registry import rule

# Summary income lines (by name fragment) -> income-table columns.
SUMMARY_INCOME = (
    ("上级补助收入", "superior_subsidy"),
    ("事业收入", "business"),
    ("经营收入", "operating"),
    ("附属单位上缴收入", "subordinate_remittance"),
    ("其他收入", "other"),
    ("本年收入合计", "total"),
)
FUND_LINES = (
    ("一般公共预算财政拨款", "general_budget"),
    ("政府性基金预算财政拨款", "government_fund"),
    ("国有资本经营预算财政拨款", "state_capital"),
)


def _panel_find(ctx: AuditContext, tid: str, panel: str, fragment: str) -> int | None:
    for i, row in enumerate(ctx.rows(tid)):
        if row.get("panel") == panel and fragment in plain_name(str(row.get("name"))):
            return i
    return None


@rule(
    "cross.summary_income",
    "总表收入＝收入决算表",
    "收入决算表“合计”行其他收入为6.20万元，而收入支出决算总表“八、其他收入”行金额为7.20万元，两处不一致，差额1.00万元，超出尾数误差范围。",
)
def summary_income(ctx: AuditContext) -> Iterator[Check]:
    """The summary's income lines equal the income table's 合计 row: 上级补助收入, 事业收入, 经营收入,
    附属单位上缴收入, 其他收入 and 本年收入合计 column by column, and the three fiscal-appropriation
    lines together equal the 财政拨款收入 column. Catches tables compiled from different versions."""
    rule_id, s, inc = "cross.summary_income", "income_expenditure_summary", "income"
    why = missing_tables(ctx, s, inc)
    if why:
        yield skipped(rule_id, f"{s}~{inc}", why)
        return
    total = ctx.total_row(inc)
    if total is None:
        yield skipped(rule_id, f"{s}~{inc}", "收入决算表未找到合计行")
        return
    for fragment, col in SUMMARY_INCOME:
        i = _panel_find(ctx, s, "income", fragment)
        if i is None or not ctx.printed(inc, col):
            yield skipped(rule_id, f"{s}~{inc}/{col}", f"未列示{fragment}")
            continue
        yield ctx.equal_check(rule_id, f"{s}~{inc}/{col}", (s, i, "amount"), (inc, total, col))
    lines = [_panel_find(ctx, s, "income", f"{name}收入") for name, _ in FUND_LINES]
    lines = [i for i in lines if i is not None]
    if lines and ctx.printed(inc, "fiscal_appropriation"):
        yield ctx.sum_check(
            rule_id,
            f"{s}~{inc}/fiscal_appropriation",
            (inc, total, "fiscal_appropriation"),
            [(s, i, "amount") for i in lines],
            "收入支出决算总表三项财政拨款收入之和",
        )


def _class_rows(ctx: AuditContext, tid: str) -> dict[str, int]:
    """类 rows by plain name."""
    return {
        plain_name(str(r.get("name"))): i for i, r in enumerate(ctx.rows(tid)) if len(str(r.get("code") or "")) == 3
    }


@rule(
    "cross.summary_expenditure",
    "总表支出＝支出决算表（按类）",
    "支出决算表“社会保障和就业支出(208)”行合计为326.72万元，而收入支出决算总表“八、社会保障和就业支出”行金额为326.71万元，两处不一致，差额-0.01万元，在尾数误差范围内。",
)
def summary_expenditure(ctx: AuditContext) -> Iterator[Check]:
    """Each 功能分类 类 line of the summary's expenditure panel equals that 类 row of the expenditure
    table (本年支出合计 column), and 本年支出合计 equals the expenditure table's 合计. A 类 printed in
    one table and absent (or blank) in the other is compared as zero. Catches disagreeing tables."""
    rule_id, s, e = "cross.summary_expenditure", "income_expenditure_summary", "expenditure"
    why = missing_tables(ctx, s, e)
    if why:
        yield skipped(rule_id, f"{s}~{e}", why)
        return
    yield from _by_class(ctx, rule_id, s, "amount", e, "total")


def _by_class(ctx: AuditContext, rule_id: str, s: str, s_col: str, t: str, t_col: str) -> Iterator[Check]:
    classes = _class_rows(ctx, t)
    stop = _panel_find(ctx, s, "expenditure", "本年支出合计")
    for i, row in enumerate(ctx.rows(s)):
        if row.get("panel") != "expenditure" or (stop is not None and i >= stop):
            continue
        name = plain_name(str(row.get("name")))
        k = classes.get(name)
        if k is None:
            if isinstance(row.get(s_col), Decimal) and row[s_col] != 0:
                yield skipped(rule_id, f"{s}~{t}/{name}/{t_col}", f"{ctx.title(t)}未列示“{name}”类")
            continue
        yield ctx.equal_check(rule_id, f"{s}~{t}/{name}/{t_col}", (s, i, s_col), (t, k, t_col))
    total = ctx.total_row(t)
    if stop is not None and total is not None:
        yield ctx.equal_check(rule_id, f"{s}~{t}/本年支出合计/{t_col}", (s, stop, s_col), (t, total, t_col))


@rule(
    "cross.fiscal_income",
    "财政拨款收入：收入决算表＝财政拨款总表＝总表",
    "财政拨款收入支出决算总表“本年收入合计”行金额为2,361.70万元，而收入决算表“合计”行财政拨款收入为2,360.70万元，两处不一致，差额1.00万元，超出尾数误差范围。",
)
def fiscal_income(ctx: AuditContext) -> Iterator[Check]:
    """The income table's 财政拨款收入 (合计) equals the fiscal summary's 本年收入合计, and each fund's
    income line of the fiscal summary equals the same line of the summary table. Catches a fiscal
    summary that does not match the department's income."""
    rule_id, f, inc, s = "cross.fiscal_income", "fiscal_summary", "income", "income_expenditure_summary"
    if ctx.has(f) and ctx.has(inc) and ctx.printed(inc, "fiscal_appropriation"):
        fi = _panel_find(ctx, f, "income", "本年收入合计")
        total = ctx.total_row(inc)
        if fi is not None and total is not None:
            yield ctx.equal_check(
                rule_id, f"{f}~{inc}/财政拨款收入", (f, fi, "amount"), (inc, total, "fiscal_appropriation")
            )
    else:
        yield skipped(rule_id, f"{f}~{inc}/财政拨款收入", missing_tables(ctx, f, inc) or "收入决算表未列示财政拨款收入")
    if ctx.has(f) and ctx.has(s):
        for name, _col in FUND_LINES:
            a = _panel_find(ctx, f, "income", name)
            b = _panel_find(ctx, s, "income", name)
            if a is None or b is None:
                yield skipped(rule_id, f"{f}~{s}/{name}", f"未列示{name}收入行")
                continue
            yield ctx.equal_check(rule_id, f"{f}~{s}/{name}", (f, a, "amount"), (s, b, "amount"))
    else:
        yield skipped(rule_id, f"{f}~{s}", missing_tables(ctx, f, s) or "")


@rule(
    "cross.fiscal_general_budget",
    "财政拨款总表一般公共预算列＝一般公共预算支出表（按类、合计）",
    "一般公共预算财政拨款支出决算表“卫生健康支出(210)”行合计为90.70万元，而财政拨款收入支出决算总表“九、卫生健康支出”行一般公共预算财政拨款为91.70万元，两处不一致，差额1.00万元，超出尾数误差范围。",
)
def fiscal_general_budget(ctx: AuditContext) -> Iterator[Check]:
    """The fiscal summary's 一般公共预算财政拨款 column equals the general-budget expenditure table: per
    类 and for 本年支出合计. Catches a general-budget table that lost or changed a row."""
    rule_id, f, g = "cross.fiscal_general_budget", "fiscal_summary", "general_budget_expenditure"
    why = missing_tables(ctx, f, g)
    if why or not ctx.printed(f, "general_budget"):
        yield skipped(rule_id, f"{f}~{g}", why or "财政拨款总表未列示一般公共预算列")
        return
    yield from _by_class(ctx, rule_id, f, "general_budget", g, "total")


@rule(
    "cross.fiscal_funds",
    "财政拨款总表基金列＝政府性基金表、国有资本经营表",
    "政府性基金预算财政拨款收入支出决算表“合计”行本年支出合计为5.00万元，而财政拨款收入支出决算总表“本年支出合计”行政府性基金预算财政拨款为4.00万元，两处不一致，差额1.00万元，超出尾数误差范围。",
)
def fiscal_funds(ctx: AuditContext) -> Iterator[Check]:
    """The fiscal summary's 政府性基金预算 and 国有资本经营预算 columns (本年支出合计) equal the
    本年支出 合计 of the government-fund and state-capital tables. Catches fund tables that do not
    match the summary."""
    rule_id, f = "cross.fiscal_funds", "fiscal_summary"
    for tid, col in (("government_fund", "government_fund"), ("state_capital", "state_capital")):
        why = missing_tables(ctx, f, tid)
        if why or not ctx.printed(f, col):
            yield skipped(rule_id, f"{f}~{tid}", why or f"财政拨款总表未列示{col}列")
            continue
        fi = _panel_find(ctx, f, "expenditure", "本年支出合计")
        total = ctx.total_row(tid)
        fund_col = "expenditure_total" if ctx.printed(tid, "expenditure_total") else None
        if fi is None or total is None or fund_col is None:
            yield skipped(rule_id, f"{f}~{tid}", "未找到本年支出合计")
            continue
        yield ctx.equal_check(rule_id, f"{f}~{tid}/本年支出合计", (f, fi, col), (tid, total, fund_col))


@rule(
    "cross.general_budget_basic",
    "一般公共预算基本支出＝人员经费合计＋公用经费合计",
    "一般公共预算财政拨款支出决算表“合计”行基本支出为481.74万元，基本支出明细表人员经费合计与公用经费合计之和为482.74万元，差额-1.00万元，超出尾数误差范围（±0.015）。",
)
def general_budget_basic(ctx: AuditContext) -> Iterator[Check]:
    """The general-budget table's 基本支出 (合计) equals 人员经费合计 + 公用经费合计 of the
    basic-expenditure detail. Catches a detail table that does not cover the basic spending."""
    rule_id, g, d = "cross.general_budget_basic", "general_budget_expenditure", "basic_expenditure_detail"
    why = missing_tables(ctx, g, d)
    if why:
        yield skipped(rule_id, f"{g}~{d}", why)
        return
    total = ctx.total_row(g)
    p = ctx.find(d, contains="人员经费合计")
    q = ctx.find(d, contains="公用经费合计")
    if total is None or p is None or q is None or not ctx.printed(g, "basic"):
        yield skipped(rule_id, f"{g}~{d}", "未找到基本支出合计或人员经费、公用经费合计")
        return
    yield ctx.sum_check(
        rule_id,
        f"{g}~{d}/basic",
        (g, total, "basic"),
        [(d, p, "amount"), (d, q, "amount")],
        "基本支出明细表人员经费合计与公用经费合计之和",
    )


@rule(
    "cross.general_budget_within_expenditure",
    "一般公共预算支出不超过全部支出（按科目）",
    "一般公共预算财政拨款支出决算表“事业运行(2010350)”行合计为347.09万元，大于支出决算表“事业运行(2010350)”行合计346.09万元（财政拨款是全部资金的一部分），超出1.00万元。",
)
def general_budget_within_expenditure(ctx: AuditContext) -> Iterator[Check]:
    """For every 科目 code and for 合计, 基本支出 and 项目支出: the general-budget figure is at most the
    expenditure-table figure (appropriations are a subset of all funds). Catches a general-budget row
    that exceeds the department's whole spending on that 科目."""
    rule_id, g, e = "cross.general_budget_within_expenditure", "general_budget_expenditure", "expenditure"
    why = missing_tables(ctx, g, e)
    if why:
        yield skipped(rule_id, f"{g}~{e}", why)
        return
    by_code = {c: i for i, c in ctx.coded_rows(e)}
    for i, code in ctx.coded_rows(g):
        k = by_code.get(code)
        if k is None:
            yield skipped(rule_id, f"{g}~{e}/{code}", f"支出决算表未列示科目{code}")
            continue
        for col in ("total", "basic", "project"):
            if ctx.printed(g, col) and ctx.printed(e, col):
                yield ctx.at_most_check(
                    rule_id, f"{g}~{e}/{code}/{col}", (g, i, col), (e, k, col), "财政拨款是全部资金的一部分"
                )


THREE_PUBLIC_ITEMS = (
    ("30212", "actual_abroad", "因公出国（境）费"),
    ("30217", "actual_reception", "公务接待费"),
    ("30231", "actual_vehicle_operation", "公务用车运行维护费"),
    ("31013", "actual_vehicle_purchase", "公务用车购置费"),
)


@rule(
    "cross.three_public_basic_detail",
    "基本支出明细中的“三公”科目不超过“三公”经费决算数",
    "一般公共预算财政拨款基本支出决算明细表“公务接待费(30217)”行决算数为1.20万元，大于财政拨款“三公”经费支出决算表决算数公务接待费0.39万元，超出0.81万元。",
)
def three_public_basic_detail(ctx: AuditContext) -> Iterator[Check]:
    """The basic-detail items 30212 因公出国(境)费用, 30217 公务接待费, 30231 公务用车运行维护费 and
    31013 公务用车购置 are at most the 三公 table's 决算数 for the same item (that table covers basic
    and project spending). Catches 三公 spending left out of the 三公 table."""
    rule_id, d, t = "cross.three_public_basic_detail", "basic_expenditure_detail", "three_public"
    why = missing_tables(ctx, d, t)
    if why:
        yield skipped(rule_id, f"{d}~{t}", why)
        return
    row = 0 if ctx.rows(t) else None
    for code, col, label in THREE_PUBLIC_ITEMS:
        i = ctx.find(d, code=code)
        if i is None:
            continue
        if row is None or not ctx.printed(t, col):
            value = ctx.value((d, i, "amount"))
            if value:
                yield skipped(rule_id, f"{d}~{t}/{code}", f"“三公”表无数据行，无法核对{label}")
            continue
        yield ctx.at_most_check(
            rule_id, f"{d}~{t}/{code}", (d, i, "amount"), (t, row, col), "“三公”经费决算数包括基本支出和项目支出"
        )
