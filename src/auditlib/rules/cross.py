"""cross.*: the same figure printed in two tables, driven by ``CROSS_IDENTITIES``.

Which figures must agree is declared in ``auditlib.profiles.identities``; each rule here reads the
identities of its relation and states when they cannot be checked (a table, line or column absent).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from auditlib.model.findings import Check
from auditlib.profiles.identities import AtMost, ByClass, CodesAtMost, CrossEqual, CrossSum, Place
from auditlib.rules.context import AuditContext, Ref, row_name
from auditlib.rules.declared import cross_identities
from auditlib.rules.registry import rule

_SUMMARY, _INCOME, _FISCAL = "income_expenditure_summary", "income", "fiscal_summary"


def _refs(ctx: AuditContext, places: tuple[Place, ...]) -> list[Ref]:
    """The cells of the places whose rows are printed (the others left out)."""
    return [ref for ref in (ctx.locate(p) for p in places) if ref is not None]


@rule(
    "cross.summary_income",
    "总表收入＝收入决算表",
    "收入决算表“合计”行其他收入为6.20万元，而收入支出决算总表“八、其他收入”行金额为7.20万元，两处不一致，差额1.00万元，超出尾数误差范围。",
)
def summary_income(ctx: AuditContext) -> Iterator[Check]:
    """The summary's income lines equal the income table's 合计 row: 上级补助收入, 事业收入, 经营收入,
    附属单位上缴收入, 其他收入 and 本年收入合计 column by column, and the three fiscal-appropriation
    lines together equal the 财政拨款收入 column. Catches tables compiled from different versions."""
    pair = f"{_SUMMARY}~{_INCOME}"
    why = ctx.missing_tables(_SUMMARY, _INCOME)
    if why:
        yield ctx.skip(pair, why)
        return
    if ctx.total_row(_INCOME) is None:
        yield ctx.skip(pair, "收入决算表未找到合计行")
        return
    for eq in cross_identities("summary_income", CrossEqual):
        actual, expected = ctx.locate(eq.actual), ctx.locate(eq.expected)
        if actual is None or expected is None or not ctx.printed(expected[0], expected[2]):
            yield ctx.skip(f"{pair}/{eq.key}", f"未列示{eq.label}")
            continue
        yield ctx.equal_check(f"{pair}/{eq.key}", actual, expected)
    for s in cross_identities("summary_income", CrossSum):
        total, lines = ctx.locate(s.total), _refs(ctx, s.parts)
        if total is not None and lines and ctx.printed(total[0], total[2]):
            yield ctx.sum_check(f"{pair}/{s.key}", total, lines, s.what)


def _class_rows(ctx: AuditContext, tid: str) -> dict[str, int]:
    """类 rows by plain name (the last of a repeated name)."""
    return {row_name(r): i for i, r in enumerate(ctx.rows(tid)) if len(str(r.get("code") or "")) == 3}


def _by_class(ctx: AuditContext, identity: ByClass) -> Iterator[Check]:
    s, s_col, t, t_col = identity.summary, identity.summary_column, identity.table, identity.table_column
    classes = _class_rows(ctx, t)
    stop = ctx.row(s, panel="expenditure", contains="本年支出合计")
    for i, row in enumerate(ctx.rows(s)):
        if row.get("panel") != "expenditure" or (stop is not None and i >= stop):
            continue
        name = row_name(row)
        k = classes.get(name)
        if k is None:
            figure = row.get(s_col)
            if isinstance(figure, Decimal) and figure != 0:
                yield ctx.skip(f"{s}~{t}/{name}/{t_col}", f"{ctx.title(t)}未列示“{name}”类")
            continue
        yield ctx.equal_check(f"{s}~{t}/{name}/{t_col}", (s, i, s_col), (t, k, t_col))
    total = ctx.total_row(t)
    if stop is not None and total is not None:
        yield ctx.equal_check(f"{s}~{t}/本年支出合计/{t_col}", (s, stop, s_col), (t, total, t_col))


@rule(
    "cross.summary_expenditure",
    "总表支出＝支出决算表（按类）",
    "支出决算表“社会保障和就业支出(208)”行合计为326.72万元，而收入支出决算总表“八、社会保障和就业支出”行金额为326.71万元，两处不一致，差额-0.01万元，在尾数误差范围内。",
)
def summary_expenditure(ctx: AuditContext) -> Iterator[Check]:
    """Each 功能分类 类 line of the summary's expenditure panel equals that 类 row of the expenditure
    table (本年支出合计 column), and 本年支出合计 equals the expenditure table's 合计. A 类 printed in
    one table and absent (or blank) in the other is compared as zero. Catches disagreeing tables."""
    for identity in cross_identities("summary_expenditure", ByClass):
        why = ctx.missing_tables(identity.summary, identity.table)
        if why:
            yield ctx.skip(f"{identity.summary}~{identity.table}", why)
            continue
        yield from _by_class(ctx, identity)


@rule(
    "cross.fiscal_income",
    "财政拨款收入：收入决算表＝财政拨款总表＝总表",
    "财政拨款收入支出决算总表“本年收入合计”行金额为2,361.70万元，而收入决算表“合计”行财政拨款收入为2,360.70万元，两处不一致，差额1.00万元，超出尾数误差范围。",
)
def fiscal_income(ctx: AuditContext) -> Iterator[Check]:
    """The income table's 财政拨款收入 (合计) equals the fiscal summary's 本年收入合计, and each fund's
    income line of the fiscal summary equals the same line of the summary table. Catches a fiscal
    summary that does not match the department's income."""
    identities = cross_identities("fiscal_income", CrossEqual)
    for eq in (e for e in identities if e.expected.table == _INCOME):
        subject = f"{_FISCAL}~{_INCOME}/{eq.key}"
        if not (ctx.has(_FISCAL) and ctx.has(_INCOME) and ctx.printed(_INCOME, eq.expected.column)):
            yield ctx.skip(subject, ctx.missing_tables(_FISCAL, _INCOME) or "收入决算表未列示财政拨款收入")
            continue
        actual, expected = ctx.locate(eq.actual), ctx.locate(eq.expected)
        if actual is not None and expected is not None:
            yield ctx.equal_check(subject, actual, expected)
    if not (ctx.has(_FISCAL) and ctx.has(_SUMMARY)):
        yield ctx.skip(f"{_FISCAL}~{_SUMMARY}", ctx.missing_tables(_FISCAL, _SUMMARY) or "")
        return
    for eq in (e for e in identities if e.expected.table == _SUMMARY):
        actual, expected = ctx.locate(eq.actual), ctx.locate(eq.expected)
        if actual is None or expected is None:
            yield ctx.skip(f"{_FISCAL}~{_SUMMARY}/{eq.key}", f"未列示{eq.label}收入行")
            continue
        yield ctx.equal_check(f"{_FISCAL}~{_SUMMARY}/{eq.key}", actual, expected)


@rule(
    "cross.fiscal_general_budget",
    "财政拨款总表一般公共预算列＝一般公共预算支出表（按类、合计）",
    "一般公共预算财政拨款支出决算表“卫生健康支出(210)”行合计为90.70万元，而财政拨款收入支出决算总表“九、卫生健康支出”行一般公共预算财政拨款为91.70万元，两处不一致，差额1.00万元，超出尾数误差范围。",
)
def fiscal_general_budget(ctx: AuditContext) -> Iterator[Check]:
    """The fiscal summary's 一般公共预算财政拨款 column equals the general-budget expenditure table: per
    类 and for 本年支出合计. Catches a general-budget table that lost or changed a row."""
    for identity in cross_identities("fiscal_general_budget", ByClass):
        why = ctx.missing_tables(identity.summary, identity.table)
        if why or not ctx.printed(identity.summary, identity.summary_column):
            yield ctx.skip(f"{identity.summary}~{identity.table}", why or "财政拨款总表未列示一般公共预算列")
            continue
        yield from _by_class(ctx, identity)


@rule(
    "cross.fiscal_funds",
    "财政拨款总表基金列＝政府性基金表、国有资本经营表",
    "政府性基金预算财政拨款收入支出决算表“合计”行本年支出合计为5.00万元，而财政拨款收入支出决算总表“本年支出合计”行政府性基金预算财政拨款为4.00万元，两处不一致，差额1.00万元，超出尾数误差范围。",
)
def fiscal_funds(ctx: AuditContext) -> Iterator[Check]:
    """The fiscal summary's 政府性基金预算 and 国有资本经营预算 columns (本年支出合计) equal the
    本年支出 合计 of the government-fund and state-capital tables. Catches fund tables that do not
    match the summary."""
    for eq in cross_identities("fiscal_funds", CrossEqual):
        f, col, tid = eq.actual.table, eq.actual.column, eq.expected.table
        why = ctx.missing_tables(f, tid)
        if why or not ctx.printed(f, col):
            yield ctx.skip(f"{f}~{tid}", why or f"财政拨款总表未列示{col}列")
            continue
        actual, expected = ctx.locate(eq.actual), ctx.locate(eq.expected)
        if actual is None or expected is None or not ctx.printed(tid, eq.expected.column):
            yield ctx.skip(f"{f}~{tid}", f"未找到{eq.label}")
            continue
        yield ctx.equal_check(f"{f}~{tid}/{eq.key}", actual, expected)


@rule(
    "cross.general_budget_basic",
    "一般公共预算基本支出＝人员经费合计＋公用经费合计",
    "一般公共预算财政拨款支出决算表“合计”行基本支出为481.74万元，基本支出明细表人员经费合计与公用经费合计之和为482.74万元，差额-1.00万元，超出尾数误差范围（±0.015）。",
)
def general_budget_basic(ctx: AuditContext) -> Iterator[Check]:
    """The general-budget table's 基本支出 (合计) equals 人员经费合计 + 公用经费合计 of the
    basic-expenditure detail. Catches a detail table that does not cover the basic spending."""
    for s in cross_identities("general_budget_basic", CrossSum):
        g, d = s.total.table, s.parts[0].table
        why = ctx.missing_tables(g, d)
        if why:
            yield ctx.skip(f"{g}~{d}", why)
            continue
        total, parts = ctx.locate(s.total), _refs(ctx, s.parts)
        if total is None or len(parts) < len(s.parts) or not ctx.printed(g, s.total.column):
            yield ctx.skip(f"{g}~{d}", "未找到基本支出合计或人员经费、公用经费合计")
            continue
        yield ctx.sum_check(f"{g}~{d}/{s.key}", total, parts, s.what)


@rule(
    "cross.general_budget_within_expenditure",
    "一般公共预算支出不超过全部支出（按科目）",
    "一般公共预算财政拨款支出决算表“事业运行(2010350)”行合计为347.09万元，大于支出决算表“事业运行(2010350)”行合计346.09万元（财政拨款是全部资金的一部分），超出1.00万元。",
)
def general_budget_within_expenditure(ctx: AuditContext) -> Iterator[Check]:
    """For every 科目 code and for 合计, 基本支出 and 项目支出: the general-budget figure is at most the
    expenditure-table figure (appropriations are a subset of all funds). Catches a general-budget row
    that exceeds the department's whole spending on that 科目."""
    for identity in cross_identities("general_budget_within_expenditure", CodesAtMost):
        g, e = identity.part_table, identity.whole_table
        why = ctx.missing_tables(g, e)
        if why:
            yield ctx.skip(f"{g}~{e}", why)
            continue
        by_code = {c: i for i, c in ctx.coded_rows(e)}
        for i, code in ctx.coded_rows(g):
            k = by_code.get(code)
            if k is None:
                yield ctx.skip(f"{g}~{e}/{code}", f"{ctx.title(e)}未列示科目{code}")
                continue
            for col in identity.columns:
                if ctx.printed(g, col) and ctx.printed(e, col):
                    yield ctx.at_most_check(f"{g}~{e}/{code}/{col}", (g, i, col), (e, k, col), identity.because)


@rule(
    "cross.three_public_basic_detail",
    "基本支出明细中的“三公”科目不超过“三公”经费决算数",
    "一般公共预算财政拨款基本支出决算明细表“公务接待费(30217)”行决算数为1.20万元，大于财政拨款“三公”经费支出决算表决算数公务接待费0.39万元，超出0.81万元。",
)
def three_public_basic_detail(ctx: AuditContext) -> Iterator[Check]:
    """The basic-detail items 30212 因公出国(境)费用, 30217 公务接待费, 30231 公务用车运行维护费 and
    31013 公务用车购置 are at most the 三公 table's 决算数 for the same item (that table covers basic
    and project spending). Catches 三公 spending left out of the 三公 table."""
    identities = cross_identities("three_public_basic_detail", AtMost)
    d, t = identities[0].part.table, identities[0].whole.table
    why = ctx.missing_tables(d, t)
    if why:
        yield ctx.skip(f"{d}~{t}", why)
        return
    for item in identities:
        part = ctx.locate(item.part)
        if part is None:
            continue
        whole = ctx.locate(item.whole)
        if whole is None or not ctx.printed(t, item.whole.column):
            if ctx.value(part):
                yield ctx.skip(f"{d}~{t}/{item.key}", f"“三公”表无数据行，无法核对{item.label}")
            continue
        yield ctx.at_most_check(f"{d}~{t}/{item.key}", part, whole, item.because)
