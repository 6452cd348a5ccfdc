"""table.*: identities inside one table, driven by the declarations of ``auditlib.profiles.identities``.

The balance of the two summary tables is a walk of their panels and lives in ``rules/summary.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from auditlib.model.findings import Check, diff, fmt
from auditlib.model.money import Interval
from auditlib.profiles.identities import ClassSum, CodeHierarchy, FundRoll, GroupTotal, NamedSum, RowSum
from auditlib.rules.context import AuditContext, Row, row_name
from auditlib.rules.declared import identities_of, table_identities, tables_with
from auditlib.rules.registry import rule


def has_figure(row: Row, cols: list[str]) -> bool:
    return any(isinstance(row.get(c), Decimal) for c in cols)


def _row_subject(tid: str, row: Row) -> str:
    """A row by its code, or its name when it has none (the engine numbers a name that repeats)."""
    return f"{tid}/{row.get('code') or row_name(row)}"


@rule(
    "table.row_identity",
    "行内合计等于各分项之和",
    "收入决算表“事业运行(2010350)”行合计为347.09万元，各列之和为346.09万元，差额1.00万元，超出尾数误差范围（±0.015）。",
)
def row_identity(ctx: AuditContext) -> Iterator[Check]:
    """Each row's total column equals the sum of its part columns.

    Income: 本年收入合计 = 财政拨款收入 + 上级补助收入 + 事业收入 + 经营收入 + 附属单位上缴收入 + 其他收入.
    Expenditure: 本年支出合计 = 基本支出 + 项目支出 + 上缴上级支出 + 经营支出 + 对附属单位补助支出.
    General budget, government fund, state capital: 合计 (小计) = 基本支出 + 项目支出.
    Catches a changed cell, a figure typed into the wrong column, and a dropped part.
    """
    for tid, identity in table_identities(RowSum):
        yield from _row_sums(ctx, tid, identity)


def _row_sums(ctx: AuditContext, tid: str, identity: RowSum) -> Iterator[Check]:
    if not ctx.has(tid):
        yield ctx.skip(tid, ctx.missing_tables(tid) or "")
        return
    total = identity.total
    printed = [p for p in identity.parts if ctx.printed(tid, p)]
    if not ctx.printed(tid, total) or not printed:
        yield ctx.skip(tid, "本表未列示合计或分项列")
        return
    for i, row in enumerate(ctx.rows(tid)):
        if has_figure(row, [total, *printed]):
            yield ctx.sum_check(_row_subject(tid, row), (tid, i, total), [(tid, i, p) for p in printed], identity.what)


@rule(
    "table.code_hierarchy",
    "合计＝Σ类，类＝Σ款，款＝Σ项",
    "支出决算表“一般公共服务支出(201)”行合计为2,169.83万元，下级科目之和为2,168.83万元，差额1.00万元，超出尾数误差范围（±0.015）。",
)
def code_hierarchy(ctx: AuditContext) -> Iterator[Check]:
    """Each 功能分类 level adds up: 合计 = Σ 类, 类 = Σ its 款, 款 = Σ its 项, in every amount column.

    Each identity uses the values printed at its own level (类 = Σ printed 款, never Σ 项).
    Catches a changed or deleted item row and a parent total that was not updated.
    """
    for tid, identity in table_identities(CodeHierarchy):
        if not ctx.has(tid):
            yield ctx.skip(tid, ctx.missing_tables(tid) or "")
            continue
        yield from _hierarchy(ctx, tid, identity)


def _hierarchy(ctx: AuditContext, tid: str, identity: CodeHierarchy) -> Iterator[Check]:
    codes = ctx.coded_rows(tid)
    cols = ctx.tables[tid].amount_columns
    total = ctx.total_row(tid)
    levels = [[i for i, c in codes if len(c) == width] for width, _child in identity.child_widths]
    top = next((level for level in levels if level), [i for i, _c in codes])
    if total is not None and top:
        for col in cols:
            parts = [(tid, i, col) for i in top]
            yield ctx.sum_check(f"{tid}/合计/{col}", (tid, total, col), parts, identity.top_what)
    for i, code in codes:
        width = identity.child_width(code)
        kids = [k for k, c in codes if width and len(c) == width and c.startswith(code)]
        if not kids:
            continue
        for col in cols:
            parts = [(tid, k, col) for k in kids]
            yield ctx.sum_check(f"{tid}/{code}/{col}", (tid, i, col), parts, identity.child_what)


@rule(
    "table.fund_balance",
    "基金表年末结转＝年初＋收入－支出",
    "政府性基金预算财政拨款收入支出决算表“合计”行年末结转和结余为5.00万元，按年初＋本年收入－本年支出计算为4.00万元，差额1.00万元，超出尾数误差范围（±0.02）。",
)
def fund_balance(ctx: AuditContext) -> Iterator[Check]:
    """In the government-fund and state-capital tables, per row: 年末结转和结余 = 年初结转和结余 +
    本年收入 − 本年支出. Catches a balance that does not roll forward."""
    for tid, identity in table_identities(FundRoll):
        if not ctx.has(tid):
            yield ctx.skip(tid, ctx.missing_tables(tid) or "")
            continue
        if not all(ctx.printed(tid, c) for c in identity.columns):
            yield ctx.skip(tid, identity.unprinted)
            continue
        for i, row in enumerate(ctx.rows(tid)):
            if has_figure(row, list(identity.columns)):
                yield _fund_roll(ctx, tid, i, identity)


def _fund_roll(ctx: AuditContext, tid: str, i: int, identity: FundRoll) -> Check:
    row = ctx.rows(tid)[i]
    o, inc, e, c = (ctx.value((tid, i, k)) for k in identity.columns)
    expected = Decimal((o or Decimal(0)) + (inc or Decimal(0)) - (e or Decimal(0)))
    subject = _row_subject(tid, row)
    if (c or Decimal(0)) == expected:
        return ctx.passed(subject)
    meets = (Interval.printed(c) + Interval.printed(e)).meets(Interval.printed(o) + Interval.printed(inc))
    unit = ctx.unit(tid)
    message = (
        f"{ctx.where((tid, i, identity.closing))}为{fmt(c) or '空'}{unit}，按{identity.wording}"
        f"计算为{fmt(expected)}{unit}，差额{diff(c, expected)}{unit}，"
        f"{'在尾数误差范围内' if meets else '超出尾数误差范围'}。"
    )
    return ctx.fail(
        subject,
        "info" if meets else "error",
        message,
        tables=[tid],
        expected=fmt(expected),
        actual=fmt(c),
        difference=diff(c, expected),
        evidence=[ctx.evidence((tid, i, k)) for k in identity.columns],
    )


@rule(
    "table.three_public",
    "“三公”经费合计＝出国＋车辆＋接待；车辆小计＝购置＋运行",
    "财政拨款“三公”经费支出决算表决算数合计为5.00万元，因公出国（境）费、公务用车购置及运行维护费、公务接待费之和为4.00万元，差额1.00万元，超出尾数误差范围（±0.02）。",
)
def three_public(ctx: AuditContext) -> Iterator[Check]:
    """For 预算数 and 决算数: 合计 = 因公出国(境)费 + 公务用车购置及运行维护费 + 公务接待费, and
    公务用车购置及运行维护费 = 公务用车购置费 + 公务用车运行维护费. Catches a changed item and a total
    that omits the vehicle split."""
    for tid in tables_with(NamedSum):
        if not ctx.has(tid):
            yield ctx.skip(tid, ctx.missing_tables(tid) or "")
            continue
        if not ctx.rows(tid):
            yield ctx.skip(tid, "本表无数据行")
            continue
        sums = identities_of(tid, NamedSum)
        for i in range(len(ctx.rows(tid))):
            for s in sums:
                if ctx.printed(tid, s.total) and all(ctx.printed(tid, p) for p in s.parts):
                    parts = [(tid, i, p) for p in s.parts]
                    row = ctx.rows(tid)[i]
                    label = row_name(row) if row.get("name") else str(i)
                    yield ctx.sum_check(f"{tid}/{label}/{s.key}", (tid, i, s.total), parts, s.what)


@rule(
    "table.basic_detail",
    "基本支出明细：类＝Σ款；人员经费、公用经费合计",
    "一般公共预算财政拨款基本支出决算明细表“商品和服务支出(302)”行决算数为68.72万元，下级科目之和为69.72万元，差额-1.00万元，超出尾数误差范围（±0.08）。",
)
def basic_detail(ctx: AuditContext) -> Iterator[Check]:
    """In the basic-expenditure detail: each 经济分类 class (301, 302, 303, 307, 310, 399) = Σ its
    items; 人员经费合计 = 301 + 303; 公用经费合计 = 302 + 307 + 309 + 310 + 399 (those printed).
    Catches a changed item and footers that do not match the classes."""
    for tid in tables_with(ClassSum):
        if not ctx.has(tid):
            yield ctx.skip(tid, ctx.missing_tables(tid) or "")
            continue
        codes = ctx.coded_rows(tid)
        for cs in identities_of(tid, ClassSum):
            classes = {c: i for i, c in codes if len(c) == cs.class_width}
            for code, i in sorted(classes.items()):
                kids = [k for k, c in codes if len(c) == cs.item_width and c.startswith(code)]
                if kids:
                    parts = [(tid, k, cs.column) for k in kids]
                    yield ctx.sum_check(f"{tid}/{code}", (tid, i, cs.column), parts, cs.what)
        by_code = {c: i for i, c in codes}
        for group in identities_of(tid, GroupTotal):
            footer = ctx.row(tid, contains=group.footer)
            if footer is None:
                yield ctx.skip(f"{tid}/{group.footer}", f"未列示{group.footer}")
                continue
            parts = [(tid, by_code[c], group.column) for c in group.codes if c in by_code]
            yield ctx.sum_check(f"{tid}/{group.footer}", (tid, footer, group.column), parts, group.what)
