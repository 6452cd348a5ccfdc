"""table.*: identities inside one table."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from auditlib.model.findings import Check, Finding, diff, fmt
from auditlib.model.money import Interval
from auditlib.rules.context import AuditContext, missing_tables, plain_name, skipped
from auditlib.rules.registry import rule

CODED = ("income", "expenditure", "general_budget_expenditure", "government_fund", "state_capital")

ROW_PARTS = {
    "income": (
        "total",
        ("fiscal_appropriation", "superior_subsidy", "business", "operating", "subordinate_remittance", "other"),
    ),
    "expenditure": ("total", ("basic", "project", "remittance_to_superior", "operating", "subsidy_to_subordinate")),
    "general_budget_expenditure": ("total", ("basic", "project")),
    "government_fund": ("expenditure_total", ("expenditure_basic", "expenditure_project")),
    "state_capital": ("expenditure_total", ("expenditure_basic", "expenditure_project")),
}


def _has_figure(row: dict, cols: list[str]) -> bool:
    return any(isinstance(row.get(c), Decimal) for c in cols)


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
    for tid, (total, parts) in ROW_PARTS.items():
        if not ctx.has(tid):
            yield skipped("table.row_identity", tid, missing_tables(ctx, tid) or "")
            continue
        printed = [p for p in parts if ctx.printed(tid, p)]
        if not ctx.printed(tid, total) or not printed:
            yield skipped("table.row_identity", tid, "本表未列示合计或分项列")
            continue
        for i, row in enumerate(ctx.rows(tid)):
            if not _has_figure(row, [total, *printed]):
                continue
            subject = f"{tid}/{row.get('code') or plain_name(str(row.get('name')))}/{i}"
            yield ctx.sum_check(
                "table.row_identity", subject, (tid, i, total), [(tid, i, p) for p in printed], "各分项之和"
            )


def _children(codes: list[tuple[int, str]], parent: str) -> list[int]:
    width = {3: 5, 5: 7}.get(len(parent))
    return [i for i, c in codes if width and len(c) == width and c.startswith(parent)]


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
    for tid in CODED:
        if not ctx.has(tid):
            yield skipped("table.code_hierarchy", tid, missing_tables(ctx, tid) or "")
            continue
        codes = ctx.coded_rows(tid)
        cols = ctx.tables[tid].amount_columns
        total = ctx.total_row(tid)
        top = [i for i, c in codes if len(c) == 3] or [i for i, c in codes if len(c) == 5] or [i for i, c in codes]
        if total is not None and top:
            for col in cols:
                yield ctx.sum_check(
                    "table.code_hierarchy",
                    f"{tid}/合计/{col}",
                    (tid, total, col),
                    [(tid, i, col) for i in top],
                    "各类科目之和",
                )
        for i, code in codes:
            kids = _children(codes, code)
            if not kids:
                continue
            for col in cols:
                yield ctx.sum_check(
                    "table.code_hierarchy",
                    f"{tid}/{code}/{col}",
                    (tid, i, col),
                    [(tid, k, col) for k in kids],
                    "下级科目之和",
                )


def _panel_rows(ctx: AuditContext, tid: str, panel: str) -> list[int]:
    return [i for i, r in enumerate(ctx.rows(tid)) if r.get("panel") == panel]


def _first(ctx: AuditContext, tid: str, panel: str, *fragments: str) -> int | None:
    for i in _panel_rows(ctx, tid, panel):
        name = plain_name(str(ctx.rows(tid)[i].get("name")))
        if any(f in name for f in fragments):
            return i
    return None


def _items_before(ctx: AuditContext, tid: str, panel: str, stop: int) -> list[int]:
    return [i for i in _panel_rows(ctx, tid, panel) if i < stop]


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
        yield skipped("table.summary_balance", tid, missing_tables(ctx, tid) or "")
        return
    yield from _two_panel_balance(ctx, tid, "amount", "amount", "table.summary_balance")


def _two_panel_balance(ctx: AuditContext, tid: str, inc_col: str, exp_col: str, rule_id: str) -> Iterator[Check]:
    inc_total = _first(ctx, tid, "income", "本年收入合计")
    exp_total = _first(ctx, tid, "expenditure", "本年支出合计")
    inc_grand = _first(ctx, tid, "income", "总计")
    exp_grand = _first(ctx, tid, "expenditure", "总计")
    if inc_total is not None:
        parts = [i for i in _items_before(ctx, tid, "income", inc_total)]
        yield ctx.sum_check(
            rule_id,
            f"{tid}/income/本年收入合计",
            (tid, inc_total, inc_col),
            [(tid, i, inc_col) for i in parts],
            "各项收入之和",
        )
    else:
        yield skipped(rule_id, f"{tid}/income/本年收入合计", "未找到“本年收入合计”行")
    if exp_total is not None:
        parts = [i for i in _items_before(ctx, tid, "expenditure", exp_total)]
        yield ctx.sum_check(
            rule_id,
            f"{tid}/expenditure/本年支出合计",
            (tid, exp_total, exp_col),
            [(tid, i, exp_col) for i in parts],
            "各类支出之和",
        )
    else:
        yield skipped(rule_id, f"{tid}/expenditure/本年支出合计", "未找到“本年支出合计”行")
    for panel, first_total, grand, col, label in (
        ("income", inc_total, inc_grand, inc_col, "本年收入合计与结转结余之和"),
        ("expenditure", exp_total, exp_grand, exp_col, "本年支出合计与结余分配、结转结余之和"),
    ):
        if first_total is None or grand is None:
            yield skipped(rule_id, f"{tid}/{panel}/总计", "未找到合计或总计行")
            continue
        between = [i for i in _panel_rows(ctx, tid, panel) if first_total < i < grand]
        # Fund sub-lines under 年初财政拨款结转和结余 repeat it; count the parent line only.
        between = [i for i in between if not _is_fund_subline(ctx, tid, i)]
        yield ctx.sum_check(
            rule_id,
            f"{tid}/{panel}/总计",
            (tid, grand, col),
            [(tid, first_total, col)] + [(tid, i, col) for i in between],
            label,
        )
    if inc_grand is not None and exp_grand is not None:
        yield ctx.equal_check(rule_id, f"{tid}/总计/收支相等", (tid, exp_grand, exp_col), (tid, inc_grand, inc_col))


def _is_fund_subline(ctx: AuditContext, tid: str, i: int) -> bool:
    name = plain_name(str(ctx.rows(tid)[i].get("name")))
    return name in ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")


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
    rule_id = "table.fiscal_summary_balance"
    if not ctx.has(tid):
        yield skipped(rule_id, tid, missing_tables(ctx, tid) or "")
        return
    yield from _two_panel_balance(ctx, tid, "amount", "total", rule_id)
    funds = [c for c in ("general_budget", "government_fund", "state_capital") if ctx.printed(tid, c)]
    if ctx.printed(tid, "total") and funds:
        for i in _panel_rows(ctx, tid, "expenditure"):
            if not _has_figure(ctx.rows(tid)[i], ["total", *funds]):
                continue
            name = plain_name(str(ctx.rows(tid)[i].get("name")))
            yield ctx.sum_check(
                rule_id,
                f"{tid}/expenditure/{name}/funds",
                (tid, i, "total"),
                [(tid, i, c) for c in funds],
                "各类资金之和",
            )
    exp_total = _first(ctx, tid, "expenditure", "本年支出合计")
    if exp_total is not None:
        items = _items_before(ctx, tid, "expenditure", exp_total)
        for col in funds:
            yield ctx.sum_check(
                rule_id,
                f"{tid}/expenditure/本年支出合计/{col}",
                (tid, exp_total, col),
                [(tid, i, col) for i in items],
                "各类支出之和",
            )
    opening = _first(ctx, tid, "income", "年初财政拨款结转和结余", "年初结转和结余")
    subs = [
        i
        for i in _panel_rows(ctx, tid, "income")
        if opening is not None and i > opening and _is_fund_subline(ctx, tid, i)
    ]
    if opening is not None and subs:
        yield ctx.sum_check(
            rule_id,
            f"{tid}/income/年初结转和结余/funds",
            (tid, opening, "amount"),
            [(tid, i, "amount") for i in subs],
            "分资金年初结转和结余之和",
        )


@rule(
    "table.fund_balance",
    "基金表年末结转＝年初＋收入－支出",
    "政府性基金预算财政拨款收入支出决算表“合计”行年末结转和结余为5.00万元，按年初＋本年收入－本年支出计算为4.00万元，差额1.00万元，超出尾数误差范围（±0.02）。",
)
def fund_balance(ctx: AuditContext) -> Iterator[Check]:
    """In the government-fund and state-capital tables, per row: 年末结转和结余 = 年初结转和结余 +
    本年收入 − 本年支出. Catches a balance that does not roll forward."""
    rule_id = "table.fund_balance"
    for tid in ("government_fund", "state_capital"):
        cols = ("opening_balance", "income", "expenditure_total", "closing_balance")
        if not ctx.has(tid):
            yield skipped(rule_id, tid, missing_tables(ctx, tid) or "")
            continue
        if not all(ctx.printed(tid, c) for c in cols):
            yield skipped(rule_id, tid, "本表未列示年初、收入、支出和年末四列")
            continue
        for i, row in enumerate(ctx.rows(tid)):
            if not _has_figure(row, list(cols)):
                continue
            o, inc, e, c = (row.get(k) if isinstance(row.get(k), Decimal) else None for k in cols)
            expected = (o or 0) + (inc or 0) - (e or 0)
            subject = f"{tid}/{row.get('code') or plain_name(str(row.get('name')))}/{i}"
            if (c or 0) == expected:
                yield Check(rule_id, subject, "passed")
                continue
            meets = (Interval.printed(c) + Interval.printed(e)).meets(Interval.printed(o) + Interval.printed(inc))
            severity = "info" if meets else "error"
            unit = ctx.unit(tid)
            message = (
                f"{ctx.where((tid, i, 'closing_balance'))}为{fmt(c) or '空'}{unit}，按年初＋本年收入－本年支出"
                f"计算为{fmt(Decimal(expected))}{unit}，差额{diff(c, Decimal(expected))}{unit}，"
                f"{'在尾数误差范围内' if meets else '超出尾数误差范围'}。"
            )
            refs = [(tid, i, k) for k in cols]
            yield Check(
                rule_id,
                subject,
                "failed",
                severity,
                finding=Finding(
                    rule_id,
                    severity,
                    message,
                    [tid],
                    fmt(Decimal(expected)),
                    fmt(c),
                    diff(c, Decimal(expected)),
                    [ctx.evidence(r) for r in refs],
                ),
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
    tid, rule_id = "three_public", "table.three_public"
    if not ctx.has(tid):
        yield skipped(rule_id, tid, missing_tables(ctx, tid) or "")
        return
    if not ctx.rows(tid):
        yield skipped(rule_id, tid, "本表无数据行")
        return
    for i, _row in enumerate(ctx.rows(tid)):
        for stage in ("budget", "actual"):
            total, parts = f"{stage}_total", [f"{stage}_abroad", f"{stage}_vehicle_subtotal", f"{stage}_reception"]
            if ctx.printed(tid, total) and all(ctx.printed(tid, p) for p in parts):
                yield ctx.sum_check(
                    rule_id,
                    f"{tid}/{i}/{stage}/total",
                    (tid, i, total),
                    [(tid, i, p) for p in parts],
                    "因公出国（境）费、公务用车购置及运行维护费、公务接待费之和",
                )
            sub, vparts = f"{stage}_vehicle_subtotal", [f"{stage}_vehicle_purchase", f"{stage}_vehicle_operation"]
            if ctx.printed(tid, sub) and all(ctx.printed(tid, p) for p in vparts):
                yield ctx.sum_check(
                    rule_id,
                    f"{tid}/{i}/{stage}/vehicle",
                    (tid, i, sub),
                    [(tid, i, p) for p in vparts],
                    "公务用车购置费与运行维护费之和",
                )


PERSONNEL = ("301", "303")
PUBLIC = ("302", "307", "309", "310", "399")


@rule(
    "table.basic_detail",
    "基本支出明细：类＝Σ款；人员经费、公用经费合计",
    "一般公共预算财政拨款基本支出决算明细表“商品和服务支出(302)”行决算数为68.72万元，下级科目之和为69.72万元，差额-1.00万元，超出尾数误差范围（±0.08）。",
)
def basic_detail(ctx: AuditContext) -> Iterator[Check]:
    """In the basic-expenditure detail: each 经济分类 class (301, 302, 303, 307, 310, 399) = Σ its
    items; 人员经费合计 = 301 + 303; 公用经费合计 = 302 + 307 + 309 + 310 + 399 (those printed).
    Catches a changed item and footers that do not match the classes."""
    tid, rule_id = "basic_expenditure_detail", "table.basic_detail"
    if not ctx.has(tid):
        yield skipped(rule_id, tid, missing_tables(ctx, tid) or "")
        return
    codes = ctx.coded_rows(tid)
    classes = {c: i for i, c in codes if len(c) == 3}
    for code, i in sorted(classes.items()):
        kids = [k for k, c in codes if len(c) == 5 and c.startswith(code)]
        if kids:
            yield ctx.sum_check(
                rule_id, f"{tid}/{code}", (tid, i, "amount"), [(tid, k, "amount") for k in kids], "下级科目之和"
            )
    for label, group in (("人员经费", PERSONNEL), ("公用经费", PUBLIC)):
        footer = ctx.find(tid, contains=f"{label}合计")
        if footer is None:
            yield skipped(rule_id, f"{tid}/{label}合计", f"未列示{label}合计")
            continue
        parts = [classes[c] for c in group if c in classes]
        yield ctx.sum_check(
            rule_id,
            f"{tid}/{label}合计",
            (tid, footer, "amount"),
            [(tid, k, "amount") for k in parts],
            f"{label}各类科目之和",
        )
