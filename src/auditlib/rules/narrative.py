"""narrative.*: the 情况说明 against the tables, and against itself."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from auditlib.model.findings import Check, Evidence, Finding, diff, fmt, fmt_pct
from auditlib.model.money import Interval, compare_ratio, compare_sum, convert_unit, half_unit, recompute_percent
from auditlib.reading.narrative import Fact, narrative_facts
from auditlib.rules.context import AuditContext, Ref, plain_name, skipped
from auditlib.rules.registry import rule

#: Key of the facts in ``AuditContext.memo`` (``audit`` hands them on in ``AuditResult.facts``).
FACTS_MEMO = "narrative_facts"


def facts(ctx: AuditContext) -> list[Fact]:
    """Narrative facts of the context's report, computed once per audit (kept on the context)."""
    cached = ctx.memo.get(FACTS_MEMO)
    if cached is None:
        cached = ctx.memo[FACTS_MEMO] = narrative_facts(ctx.report)
    return cached


def _ev(fact: Fact) -> Evidence:
    return Evidence(fact.span.page or None, None, fact.subject, None, None, fact.span.text)


def _subject(fact: Fact) -> str:
    return f"p{fact.span.page}/{fact.kind}/{fact.subject}/{fact.span.start}"


def _agree(printed: Decimal, printed_unit: str, table: Decimal | None, table_unit: str) -> str:
    """'equal', 'rounding' or 'error': a narrative figure against a table cell.

    The narrative may print fewer places (2,360.7 for 2360.70): the table value
    rounded to the narrative's places must equal it. Printed at the same or
    more places, any gap inside the rounding band is 'rounding' (the same fact
    printed twice with different values), beyond it 'error'.
    """
    t = table if table is not None else Decimal(0)
    v = convert_unit(printed, printed_unit, table_unit)
    exponent = printed.as_tuple().exponent
    assert isinstance(exponent, int)
    if printed_unit == table_unit or not printed_unit:
        quantum = Decimal(1).scaleb(exponent)
        if t.quantize(quantum, rounding=ROUND_HALF_UP) == v or t == v:
            return "equal"
        band = Interval.printed(table) if table is not None else Interval.exact(Decimal(0))
        return "rounding" if band.meets(Interval.printed(printed)) else "error"
    # Different units: compare at the coarser printed precision.
    h = max(
        convert_unit(half_unit(printed), printed_unit, table_unit), half_unit(t) if table is not None else Decimal(0)
    )
    if abs(t - v) <= h:
        return "equal"
    return "error"


class _Tables:
    """Where a narrative subject is printed in the tables."""

    def __init__(self, ctx: AuditContext):
        self.ctx = ctx

    def total(self, tid: str, col: str) -> Ref | None:
        if not self.ctx.has(tid) or not self.ctx.printed(tid, col):
            return None
        i = self.ctx.total_row(tid)
        return (tid, i, col) if i is not None else None

    def panel(self, tid: str, panel: str, fragment: str, col: str) -> Ref | None:
        if not self.ctx.has(tid):
            return None
        for i, row in enumerate(self.ctx.rows(tid)):
            if row.get("panel") == panel and plain_name(str(row.get("name"))) == fragment:
                return (tid, i, col)
        for i, row in enumerate(self.ctx.rows(tid)):
            if row.get("panel") == panel and fragment in plain_name(str(row.get("name"))):
                return (tid, i, col)
        return None

    def footer(self, label: str) -> Ref | None:
        tid = "basic_expenditure_detail"
        if not self.ctx.has(tid):
            return None
        i = self.ctx.find(tid, contains=f"{label}合计")
        return (tid, i, "amount") if i is not None else None

    def class_row(self, tid: str, name: str, col: str = "total") -> Ref | None:
        if not self.ctx.has(tid):
            return None
        target = plain_name(name).replace("(类)", "")
        for i, row in enumerate(self.ctx.rows(tid)):
            if len(str(row.get("code") or "")) == 3 and plain_name(str(row.get("name"))) == target:
                return (tid, i, col)
        return None

    def path(self, tid: str, path: str, col: str = "total") -> Ref | None:
        """A 类/款/项 path of names to its row (names are ambiguous alone: 行政运行)."""
        if not self.ctx.has(tid):
            return None
        parts = [plain_name(p) for p in path.split("/") if p]
        prefix = ""
        found = None
        for depth, name in enumerate(parts):
            width = (3, 5, 7)[min(depth, 2)]
            hit = None
            for i, row in enumerate(self.ctx.rows(tid)):
                code = str(row.get("code") or "")
                if len(code) == width and code.startswith(prefix) and plain_name(str(row.get("name"))) == name:
                    hit = (i, code)
                    break
            if hit is None:
                return None
            found, prefix = hit
        return (tid, found, col) if found is not None else None

    def for_amount(self, subject: str, section: str) -> Ref | None:
        s = subject
        simple = {
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
        if s in simple:
            tid, panel, frag, col = simple[s]
            return self.panel(tid, panel, frag, col) if panel else self.total(tid, col)
        if s in ("人员经费", "公用经费"):
            return self.footer(s)
        if s.endswith("支出") and "/" not in s:
            tid = "general_budget_expenditure" if "一般公共预算" in section or "结构" in section else "expenditure"
            return self.class_row(tid, s) or self.class_row("expenditure", s)
        return None


def _message_amount(fact: Fact, q, ref_label: str, table_value: Decimal | None, unit: str, severity: str) -> str:
    verdict = {"error": "不一致", "warning": "仅在尾数误差范围内不同", "info": "仅差尾数"}[severity]
    return (
        f"情况说明第{fact.span.page}页“{fact.span.text[:60]}”中{fact.subject}为{q.text}，"
        f"而{ref_label}为{fmt(table_value) or '空'}{unit}，{verdict}。"
    )


def _amount_check(ctx: AuditContext, rule_id: str, fact: Fact, key: str, ref: Ref | None, subject: str) -> Check:
    q = fact.values.get(key)
    if q is None:
        return skipped(rule_id, subject, f"未列示{key}")
    if ref is None:
        return skipped(rule_id, subject, "报表中无对应数据")
    table_value = ctx.value(ref)
    unit = ctx.unit(ref[0])
    outcome = _agree(q.value, q.unit if q.unit in ("万元", "元", "亿元") else unit, table_value, unit)
    if outcome == "equal":
        return Check(rule_id, subject, "passed")
    severity = "warning" if outcome == "rounding" else "error"
    message = _message_amount(fact, q, ctx.where(ref), table_value, unit, severity)
    printed = convert_unit(q.value, q.unit if q.unit in ("万元", "元", "亿元") else unit, unit)
    return Check(
        rule_id,
        subject,
        "failed",
        severity,
        finding=Finding(
            rule_id,
            severity,
            message,
            [ref[0]],
            fmt(table_value),
            fmt(printed),
            diff(printed, table_value),
            [_ev(fact), ctx.evidence(ref)],
        ),
    )


@rule(
    "narrative.amount",
    "说明中的金额与报表一致",
    "情况说明第15页“一般公共服务(类)支出2,169.83万元”中一般公共服务支出为2,169.83万元，而一般公共预算财政拨款支出决算表“一般公共服务支出(201)”行合计为2168.83万元，不一致。",
)
def amount(ctx: AuditContext) -> Iterator[Check]:
    """Every amount the narrative quotes for a table figure (收入合计, 支出合计, 基本支出, 财政拨款收入,
    a 功能分类 类, 人员经费, 公用经费 …) equals its table cell at the narrative's printed precision
    (2,360.7 for 2360.70). Catches narrative text that was not updated with the tables."""
    rule_id = "narrative.amount"
    where = _Tables(ctx)
    seen = False
    for fact in facts(ctx):
        if fact.kind != "amount":
            continue
        seen = True
        yield _amount_check(
            ctx, rule_id, fact, "amount", where.for_amount(fact.subject, fact.span.section), _subject(fact)
        )
    if not seen:
        yield skipped(rule_id, "narrative", "情况说明中未识别到金额")


def _base(
    ctx: AuditContext, of: str, where: _Tables, by_subject: dict[str, Decimal]
) -> tuple[Decimal | None, Ref | None]:
    mapping = {
        "本年支出": ("expenditure", "total"),
        "本年支出合计": ("expenditure", "total"),
        "支出合计": ("expenditure", "total"),
        "本年收入": ("income", "total"),
        "本年收入合计": ("income", "total"),
        "收入合计": ("income", "total"),
        "一般公共预算财政拨款支出": ("general_budget_expenditure", "total"),
        "一般公共预算项目支出总额": ("general_budget_expenditure", "project"),
        "一般公共预算财政拨款项目支出": ("general_budget_expenditure", "project"),
        "基本支出": ("general_budget_expenditure", "basic"),
    }
    if of in mapping:
        ref = where.total(*mapping[of])
        return (ctx.value(ref), ref) if ref else (None, None)
    if of in by_subject:
        return by_subject[of], None
    return None, None


@rule(
    "narrative.share",
    "说明中的占比可由金额复算",
    "情况说明第15页“卫生健康支出90.7万元，占3.9%”：按90.7÷2360.70计算应为3.8%，与所列3.9%不符。",
)
def share(ctx: AuditContext) -> Iterator[Check]:
    """Each share (占本年支出20.4%, 占91.9%, 占政府采购支出总额的65.3%) recomputes from its amount and
    its base at the printed precision. A share off by one unit in its last place where the printed
    shares of the list sum to exactly 100 is a warning (a forced share), otherwise an error."""
    rule_id = "narrative.share"
    where = _Tables(ctx)
    all_facts = facts(ctx)
    by_subject: dict[str, Decimal] = {}
    for f in all_facts:
        if f.kind == "amount" and "amount" in f.values:
            by_subject.setdefault(f.subject, f.values["amount"].value)
        if f.kind == "procurement":
            for key, label in (
                ("total", "政府采购支出总额"),
                ("sme", "授予中小企业合同金额"),
                ("goods", "货物支出金额"),
                ("works", "工程支出金额"),
                ("services", "服务支出金额"),
            ):
                if key in f.values:
                    by_subject[label] = f.values[key].value
    groups: dict[tuple[str, int, str], list[Fact]] = defaultdict(list)
    for f in all_facts:
        if f.kind == "share" and "share" in f.values:
            groups[(f.span.section, f.span.page, f.words.get("of", ""))].append(f)
    seen = False
    for (_section, _page, of), members in groups.items():
        printed_sum = sum((m.values["share"].value for m in members), Decimal(0))
        for fact in members:
            seen = True
            subject = _subject(fact)
            pct = fact.values["share"]
            amount_q = fact.values.get("amount")
            if amount_q is None:
                yield skipped(rule_id, subject, "未列示金额，无法复算占比")
                continue
            base, base_ref = _base(ctx, of, where, by_subject)
            if base is None:
                yield skipped(rule_id, subject, f"未找到占比基数“{of or '未说明'}”")
                continue
            unit = ctx.unit(base_ref[0]) if base_ref else amount_q.unit
            num = convert_unit(amount_q.value, amount_q.unit or unit, unit)
            outcome = compare_ratio(pct.value, num, base)
            if outcome == "equal":
                yield Check(rule_id, subject, "passed")
                continue
            if outcome == "undefined":
                message = f"情况说明第{fact.span.page}页“{fact.span.text[:60]}”：基数为零，占比{pct.text}无从计算。"
                yield Check(
                    rule_id,
                    subject,
                    "failed",
                    "warning",
                    finding=Finding(
                        rule_id,
                        "warning",
                        message,
                        [base_ref[0]] if base_ref else [],
                        None,
                        fmt_pct(pct.value),
                        None,
                        [_ev(fact)],
                    ),
                )
                continue
            quantum = Decimal(1).scaleb(pct.value.as_tuple().exponent)  # type: ignore[arg-type]
            recomputed = recompute_percent(pct.value, num, base)
            off_by_one = abs(recomputed - pct.value) == quantum
            forced = off_by_one and printed_sum == 100 and len(members) > 1
            severity = "warning" if forced or outcome == "rounding" else "error"
            why = "，所列各项占比合计恰为100%，疑为凑整" if forced else ""
            message = (
                f"情况说明第{fact.span.page}页“{fact.span.text[:60]}”：按{fmt(num)}÷{fmt(base)}计算应为"
                f"{fmt_pct(recomputed)}，与所列{pct.text}不符{why}。"
            )
            evidence = [_ev(fact)] + ([ctx.evidence(base_ref)] if base_ref else [])
            yield Check(
                rule_id,
                subject,
                "failed",
                severity,
                finding=Finding(
                    rule_id,
                    severity,
                    message,
                    [base_ref[0]] if base_ref else [],
                    fmt_pct(recomputed),
                    fmt_pct(pct.value),
                    diff(pct.value, recomputed),
                    evidence,
                ),
            )
    if not seen:
        yield skipped(rule_id, "narrative", "情况说明中未识别到占比")


_UP, _DOWN = ("增加", "增长", "上升"), ("减少", "下降", "降低")


@rule(
    "narrative.yoy",
    "同比增减额、增减率与增减方向一致",
    "情况说明第15页“收入合计增加2,196.6万元，下降48.2%”：增减方向“增加”与“下降”矛盾。",
)
def yoy(ctx: AuditContext) -> Iterator[Check]:
    """A year-on-year statement is internally consistent: the direction words agree (增加 with 增长,
    减少 with 下降, 持平 with no change), and the percentage equals change ÷ previous-year figure
    (previous = current ∓ change) at its printed precision. A growth rate on a zero previous-year
    base is a warning (undefined). Catches a flipped 增加/减少 and a wrong percentage."""
    rule_id = "narrative.yoy"
    seen = False
    for fact in facts(ctx):
        if fact.kind != "yoy":
            continue
        seen = True
        subject = _subject(fact)
        direction, pct_direction = fact.words.get("direction", ""), fact.words.get("pct_direction", "")
        change, pct, current = fact.values.get("change"), fact.values.get("change_pct"), fact.values.get("current")
        if direction and pct_direction and ((direction in _UP) != (pct_direction in _UP)):
            message = (
                f"情况说明第{fact.span.page}页“{fact.span.text[:70]}”：增减方向“{direction}”与“{pct_direction}”矛盾。"
            )
            yield Check(
                rule_id,
                subject,
                "failed",
                "error",
                finding=Finding(rule_id, "error", message, [], None, None, None, [_ev(fact)]),
            )
            continue
        if direction == "持平":
            if change is not None and change.value != 0:
                message = f"情况说明第{fact.span.page}页“{fact.span.text[:70]}”：称“持平”却列示变动额{change.text}。"
                yield Check(
                    rule_id,
                    subject,
                    "failed",
                    "error",
                    finding=Finding(
                        rule_id, "error", message, [], "0", fmt(change.value), fmt(change.value), [_ev(fact)]
                    ),
                )
            else:
                yield Check(rule_id, subject, "passed")
            continue
        if change is None or pct is None or current is None or not direction:
            yield skipped(rule_id, subject, "未同时列示本年数、增减额、增减率和方向，无法复算")
            continue
        sign = 1 if direction in _UP else -1
        previous = current.value - sign * change.value
        outcome = compare_ratio(pct.value, change.value, previous)
        if outcome == "equal":
            yield Check(rule_id, subject, "passed")
            continue
        if outcome == "undefined" or previous < 0:
            message = (
                f"情况说明第{fact.span.page}页“{fact.span.text[:70]}”：上年数为{fmt(previous)}，"
                f"增长率{pct.text}无从计算（基数为零）。"
            )
            yield Check(
                rule_id,
                subject,
                "failed",
                "warning",
                finding=Finding(rule_id, "warning", message, [], None, fmt_pct(pct.value), None, [_ev(fact)]),
            )
            continue
        recomputed = recompute_percent(pct.value, change.value, previous)
        severity = "info" if outcome == "rounding" else "error"
        message = (
            f"情况说明第{fact.span.page}页“{fact.span.text[:70]}”：按增减额{change.text}÷上年数{fmt(previous)}"
            f"计算增减率应为{fmt_pct(recomputed)}，与所列{pct.text}不符。"
        )
        yield Check(
            rule_id,
            subject,
            "failed",
            severity,
            finding=Finding(
                rule_id,
                severity,
                message,
                [],
                fmt_pct(recomputed),
                fmt_pct(pct.value),
                diff(pct.value, recomputed),
                [_ev(fact)],
            ),
        )
    if not seen:
        yield skipped(rule_id, "narrative", "情况说明中未识别到同比增减")


_THREE_PUBLIC = {
    "三公经费": "total",
    "“三公”经费": "total",
    "因公出国(境)费": "abroad",
    "因公出国（境）费": "abroad",
    "公务用车购置及运行维护费": "vehicle_subtotal",
    "公务用车购置及运行费": "vehicle_subtotal",
    "公务用车购置费": "vehicle_purchase",
    "公务用车运行维护费": "vehicle_operation",
    "公务用车运行费": "vehicle_operation",
    "公务接待费": "reception",
}


def _completion_ref(ctx: AuditContext, where: _Tables, fact: Fact) -> Ref | None:
    if "/" in fact.subject:
        return where.path("general_budget_expenditure", fact.subject)
    if fact.subject == "一般公共预算财政拨款支出":
        return where.total("general_budget_expenditure", "total")
    return None


@rule(
    "narrative.completion",
    "预算完成率、大于/小于与原因",
    "情况说明第16页“年初预算数为0万元，决算数0.28万元，完成年初预算的280%”：年初预算为零，完成率无从计算。",
)
def completion(ctx: AuditContext) -> Iterator[Check]:
    """For each 年初预算 vs 决算 statement (the total and each 项): 完成率 = 决算 ÷ 预算 at its printed
    precision (a rate on a zero budget is a warning: undefined); the 大于/小于 word agrees with the
    figures; a reason is given when budget and actual differ (warning when missing); and the 决算 figure
    equals the general-budget table's 项 (error when not). Catches wrong denominators, flipped words
    and stale figures."""
    rule_id = "narrative.completion"
    where = _Tables(ctx)
    seen = False
    for fact in facts(ctx):
        if fact.kind != "completion" or plain_name(fact.subject) in {plain_name(k) for k in _THREE_PUBLIC}:
            continue
        seen = True
        subject = _subject(fact)
        budget, actual, rate = fact.values.get("budget"), fact.values.get("actual"), fact.values.get("rate")
        ref = _completion_ref(ctx, where, fact)
        if actual is not None and ref is not None:
            yield _amount_check(ctx, rule_id, fact, "actual", ref, subject + "/actual")
        if budget is None or actual is None:
            yield skipped(rule_id, subject, "未同时列示预算数和决算数")
            continue
        comparison = fact.words.get("comparison", "")
        wrong_word = (comparison == "大于" and actual.value <= budget.value) or (
            comparison == "小于" and actual.value >= budget.value
        )
        if wrong_word:
            message = (
                f"情况说明第{fact.span.page}页：{fact.subject}决算数{actual.text}、年初预算数{budget.text}，"
                f"却称决算数“{comparison}”预算数。"
            )
            yield Check(
                rule_id,
                subject + "/word",
                "failed",
                "error",
                finding=Finding(
                    rule_id,
                    "error",
                    message,
                    [],
                    fmt(budget.value),
                    fmt(actual.value),
                    diff(actual.value, budget.value),
                    [_ev(fact)],
                ),
            )
        if budget.value != actual.value and not fact.words.get("reason") and comparison:
            message = f"情况说明第{fact.span.page}页：{fact.subject}决算数与年初预算数不同，但未说明原因。"
            yield Check(
                rule_id,
                subject + "/reason",
                "failed",
                "warning",
                finding=Finding(rule_id, "warning", message, [], None, None, None, [_ev(fact)]),
            )
        if rate is None:
            yield Check(rule_id, subject, "passed")
            continue
        outcome = compare_ratio(rate.value, actual.value, budget.value)
        if outcome == "equal":
            yield Check(rule_id, subject, "passed")
            continue
        if outcome == "undefined":
            message = f"情况说明第{fact.span.page}页“{fact.span.text[:60]}”：年初预算为零，完成率{rate.text}无从计算。"
            yield Check(
                rule_id,
                subject,
                "failed",
                "warning",
                finding=Finding(rule_id, "warning", message, [], None, fmt_pct(rate.value), None, [_ev(fact)]),
            )
            continue
        recomputed = recompute_percent(rate.value, actual.value, budget.value)
        severity = "info" if outcome == "rounding" else "error"
        message = (
            f"情况说明第{fact.span.page}页：{fact.subject}完成率列为{rate.text}，按决算数{actual.text}÷"
            f"年初预算数{budget.text}计算应为{fmt_pct(recomputed)}。"
        )
        yield Check(
            rule_id,
            subject,
            "failed",
            severity,
            finding=Finding(
                rule_id,
                severity,
                message,
                [],
                fmt_pct(recomputed),
                fmt_pct(rate.value),
                diff(rate.value, recomputed),
                [_ev(fact)],
            ),
        )
    if not seen:
        yield skipped(rule_id, "narrative", "情况说明中未识别到预算完成情况")


@rule(
    "narrative.items_listed",
    "一般公共预算非零项级科目均有说明",
    "一般公共预算财政拨款支出决算表“公务员医疗补助(2101103)”行支出23.28万元，情况说明的具体情况中未列示该项。",
)
def items_listed(ctx: AuditContext) -> Iterator[Check]:
    """Every 项 (7-digit code) of the general-budget table with non-zero spending appears in the
    narrative's per-item list (年初预算 vs 决算). Catches an item left out of the explanation, or a
    table row that the narrative never mentions."""
    rule_id, tid = "narrative.items_listed", "general_budget_expenditure"
    if not ctx.has(tid):
        yield skipped(rule_id, tid, "缺少一般公共预算财政拨款支出决算表")
        return
    listed = [f for f in facts(ctx) if f.kind == "completion" and "/" in f.subject]
    if not listed:
        yield skipped(rule_id, tid, "情况说明中未识别到分项目的预算完成情况")
        return
    where = _Tables(ctx)
    covered_idx: set[int] = set()
    renamed: list[tuple[Fact, int]] = []
    for fact in listed:
        ref = where.path(tid, fact.subject)
        if ref is not None:
            covered_idx.add(ref[1])
            continue
        i = _match_by_amount(ctx, where, tid, fact)
        if i is not None:
            covered_idx.add(i)
            renamed.append((fact, i))
    for i, code in ctx.coded_rows(tid):
        if len(code) != 7:
            continue
        value = ctx.value((tid, i, "total"))
        if not value:
            continue
        subject = f"{tid}/{code}"
        if i in covered_idx:
            yield Check(rule_id, subject, "passed")
            continue
        message = (
            f"{ctx.where((tid, i, 'total'))}为{fmt(value)}{ctx.unit(tid)}，"
            f"情况说明的一般公共预算财政拨款支出具体情况中未列示该项。"
        )
        yield Check(
            rule_id,
            subject,
            "failed",
            "error",
            finding=Finding(
                rule_id, "error", message, [tid], fmt(value), None, None, [ctx.evidence((tid, i, "total"))]
            ),
        )
    for fact, i in renamed:
        printed = " ".join(fact.subject.split("/"))
        message = (
            f"情况说明第{fact.span.page}页所列科目“{printed}”与{ctx.title(tid)}“{ctx.row_label(tid, i)}”的科目名称不一致"
            f"（金额相同，疑为旧科目名称或款级名称有误）。"
        )
        yield Check(
            rule_id,
            f"{tid}/{ctx.rows(tid)[i].get('code')}/name",
            "failed",
            "warning",
            finding=Finding(
                rule_id, "warning", message, [tid], None, None, None, [_ev(fact), ctx.evidence((tid, i, "name"))]
            ),
        )


def _match_by_amount(ctx: AuditContext, where: _Tables, tid: str, fact: Fact) -> int | None:
    """An item whose printed 科目 path does not resolve (an outdated or mistyped name): the 项 under
    the same 类 whose amount equals the item's 决算数 and whose name (or 款) matches."""
    actual = fact.values.get("actual")
    parts = [p for p in fact.subject.split("/") if p]
    if actual is None or not parts:
        return None
    class_ref = where.class_row(tid, parts[0])
    if class_ref is None:
        return None
    prefix = str(ctx.rows(tid)[class_ref[1]].get("code"))
    leaf = plain_name(parts[-1])
    candidates = [
        i
        for i, code in ctx.coded_rows(tid)
        if len(code) == 7
        and code.startswith(prefix)
        and _agree(actual.value, "", ctx.value((tid, i, "total")), "") == "equal"
    ]
    named = [i for i in candidates if plain_name(str(ctx.rows(tid)[i].get("name"))) == leaf]
    if named:
        return named[0]
    return candidates[0] if len(candidates) == 1 else None


@rule(
    "narrative.basic_split",
    "基本支出＝人员经费＋公用经费，且与报表一致",
    "情况说明第16页：人员经费407.42万元与公用经费75.32万元之和为482.74，与所列基本支出481.74万元不符。",
)
def basic_split(ctx: AuditContext) -> Iterator[Check]:
    """The narrative's 基本支出 equals 人员经费 + 公用经费 as it prints them. (Each of the three against
    its table figure is narrative.amount's job.) Catches a split that does not add up."""
    rule_id = "narrative.basic_split"
    splits = [f for f in facts(ctx) if f.kind == "split"]
    if not splits:
        yield skipped(rule_id, "narrative", "情况说明中未识别到基本支出的人员经费、公用经费构成")
        return
    for fact in splits:
        subject = _subject(fact)
        total, p, q = fact.values.get("total"), fact.values.get("人员经费"), fact.values.get("公用经费")
        if total and p and q:
            outcome = compare_sum(total.value, [p.value, q.value])
            if outcome == "equal":
                yield Check(rule_id, subject + "/sum", "passed")
            else:
                severity = "info" if outcome == "rounding" else "error"
                s = p.value + q.value
                message = (
                    f"情况说明第{fact.span.page}页：人员经费{p.text}与公用经费{q.text}之和为{fmt(s)}，"
                    f"与所列基本支出{total.text}不符。"
                )
                yield Check(
                    rule_id,
                    subject + "/sum",
                    "failed",
                    severity,
                    finding=Finding(
                        rule_id, severity, message, [], fmt(s), fmt(total.value), diff(total.value, s), [_ev(fact)]
                    ),
                )
        else:
            yield skipped(rule_id, subject + "/sum", "未同时列示基本支出、人员经费和公用经费")


@rule(
    "narrative.three_public",
    "“三公”经费说明与“三公”表一致",
    "情况说明第17页“三公”经费全年预算为0.68万元，而财政拨款“三公”经费支出决算表预算数合计为空，不一致。",
)
def three_public(ctx: AuditContext) -> Iterator[Check]:
    """The 三公 figures of the narrative (全年预算 and 决算, in total and per item) equal the 三公 table
    (a table with no figures counts as zero), and each 完成率 recomputes (a rate on a zero budget is a
    warning). Catches a narrative that contradicts the 三公 table."""
    rule_id, tid = "narrative.three_public", "three_public"
    items = [
        f
        for f in facts(ctx)
        if f.kind == "completion" and plain_name(f.subject) in {plain_name(k) for k in _THREE_PUBLIC}
    ]
    if not items:
        yield skipped(rule_id, tid, "情况说明中未识别到“三公”经费预算与决算")
        return
    if not ctx.has(tid):
        yield skipped(rule_id, tid, "缺少财政拨款“三公”经费支出决算表")
        return
    row = 0 if ctx.rows(tid) else None
    for fact in items:
        item = next(v for k, v in _THREE_PUBLIC.items() if plain_name(k) == plain_name(fact.subject))
        for key, stage in (("budget", "budget"), ("actual", "actual")):
            q = fact.values.get(key)
            col = f"{stage}_{item}"
            subject = f"{_subject(fact)}/{key}"
            if q is None:
                continue
            if row is None:
                table_value = Decimal(0)
                if q.value == 0:
                    yield Check(rule_id, subject, "passed")
                    continue
                message = (
                    f"情况说明第{fact.span.page}页{fact.subject}{'全年预算' if key == 'budget' else '支出决算'}为{q.text}，"
                    f"而财政拨款“三公”经费支出决算表未列示任何数据，不一致。"
                )
                yield Check(
                    rule_id,
                    subject,
                    "failed",
                    "error",
                    finding=Finding(
                        rule_id,
                        "error",
                        message,
                        [tid],
                        fmt(table_value),
                        fmt(q.value),
                        diff(q.value, table_value),
                        [_ev(fact)],
                    ),
                )
                continue
            if not ctx.printed(tid, col):
                yield skipped(rule_id, subject, f"“三公”表未列示{col}")
                continue
            yield _amount_check(ctx, rule_id, fact, key, (tid, row, col), subject)
        budget, actual, rate = fact.values.get("budget"), fact.values.get("actual"), fact.values.get("rate")
        if rate is not None and budget is not None and actual is not None:
            outcome = compare_ratio(rate.value, actual.value, budget.value)
            subject = f"{_subject(fact)}/rate"
            if outcome == "equal":
                yield Check(rule_id, subject, "passed")
            elif outcome == "undefined":
                message = f"情况说明第{fact.span.page}页：{fact.subject}全年预算为零，完成率{rate.text}无从计算。"
                yield Check(
                    rule_id,
                    subject,
                    "failed",
                    "warning",
                    finding=Finding(rule_id, "warning", message, [tid], None, fmt_pct(rate.value), None, [_ev(fact)]),
                )
            else:
                severity = "info" if outcome == "rounding" else "error"
                message = (
                    f"情况说明第{fact.span.page}页：{fact.subject}完成率列为{rate.text}，"
                    f"按{actual.text}÷{budget.text}计算不符。"
                )
                yield Check(
                    rule_id,
                    subject,
                    "failed",
                    severity,
                    finding=Finding(rule_id, severity, message, [tid], None, fmt_pct(rate.value), None, [_ev(fact)]),
                )


_VEHICLE_COMBINED = re.compile(r"公务用车购置及运行(?:维护)?(?:费|支出)")
_VEHICLE_PURCHASE = re.compile(r"(?:公务用车|车辆)购置(?:费|支出)")
_VEHICLE_OPERATION = re.compile(r"(?:公务用车|车辆)运行(?:维护)?(?:费|支出)")


def _three_public_text(ctx: AuditContext) -> str:
    """The 三公 part of the 情况说明 (headings with 三公 and 说明), whitespace removed (words run over lines)."""
    parts = [s.text for s in ctx.report.sections if "三公" in s.title and "说明" in s.title and s.text.strip()]
    return re.sub(r"\s+", "", "".join(parts))


def _sentence_page(ctx: AuditContext, sentence: str) -> int | None:
    """The page whose text holds ``sentence`` (whitespace ignored), for the evidence image."""
    for number, text in enumerate(ctx.report.page_texts, start=1):
        if sentence and sentence in re.sub(r"\s+", "", text):
            return number
    return None


@rule(
    "narrative.vehicle_split",
    "“三公”说明分列公务用车购置费与运行维护费",
    "情况说明第20页“三公”经费部分只列示公务用车购置及运行维护费合计，未分别说明公务用车购置费和公务用车运行维护费"
    "（“三公”表决算8.12万元）。",
)
def vehicle_split(ctx: AuditContext) -> Iterator[Check]:
    """When the 三公 table shows a non-zero 公务用车购置及运行维护费 (budget or actual), the 三公 part of the
    narrative states 公务用车购置费 and 公务用车运行维护费 each on its own. Catches a narrative that gives only
    the combined figure, a defect seen in published reports (the split is what tells a new car from
    running costs). A zero or empty table needs no split."""
    rule_id, tid = "narrative.vehicle_split", "three_public"
    if not ctx.has(tid):
        yield skipped(rule_id, tid, "缺少财政拨款“三公”经费支出决算表")
        return
    text = _three_public_text(ctx)
    if not text:
        yield skipped(rule_id, tid, "情况说明中未识别到“三公”经费说明")
        return
    refs = [(tid, 0, col) for col in ("actual_vehicle_subtotal", "budget_vehicle_subtotal") if ctx.printed(tid, col)]
    nonzero = [r for r in refs if ctx.rows(tid) and ctx.value(r)]
    if not nonzero:
        yield Check(rule_id, "vehicle", "passed")  # nothing spent or budgeted on vehicles: nothing to split
        return
    rest = _VEHICLE_COMBINED.sub("", text)
    missing = [
        label
        for label, pattern in (("公务用车购置费", _VEHICLE_PURCHASE), ("公务用车运行维护费", _VEHICLE_OPERATION))
        if not pattern.search(rest)
    ]
    if not missing:
        yield Check(rule_id, "vehicle", "passed")
        return
    ref = nonzero[0]
    stage = "决算" if ref[2].startswith("actual") else "全年预算"
    # Cite where the combined figure is given (followed by its 预算/决算), else its first mention.
    mentions = list(_VEHICLE_COMBINED.finditer(text))
    combined = next(
        (m for m in mentions if re.search("预算|决算", text[m.end() : m.end() + 8])), mentions[0] if mentions else None
    )
    sentence = ""
    if combined:
        start = max(text.rfind("。", 0, combined.start()), text.rfind("；", 0, combined.start())) + 1
        ends = [i for i in (text.find("。", combined.end()), text.find("；", combined.end())) if i >= 0]
        sentence = text[start : (min(ends) + 1) if ends else len(text)]
    page = _sentence_page(ctx, sentence) if sentence else None
    where = f"情况说明第{page}页" if page else "情况说明"
    message = (
        f"{where}“三公”经费部分未分别说明{'和'.join(missing)}"
        f"（“三公”表公务用车购置及运行维护费{stage}{fmt(ctx.value(ref))}{ctx.unit(tid)}）。"
    )
    evidence = [ctx.evidence(ref)]
    if sentence:  # first: the evidence image shows where the split should have been
        evidence.insert(0, Evidence(page, None, "“三公”经费说明", None, None, sentence))
    yield Check(
        rule_id,
        "vehicle",
        "failed",
        "warning",
        finding=Finding(rule_id, "warning", message, [tid], fmt(ctx.value(ref)), None, None, evidence),
    )


@rule(
    "narrative.procurement",
    "政府采购：货物＋工程＋服务＝总额；中小企业占比",
    "情况说明第17页：政府采购货物260.06万元、工程0万元、服务1,582.29万元之和为1842.35万元，与所列总额1,843.35万元不符。",
)
def procurement(ctx: AuditContext) -> Iterator[Check]:
    """政府采购 total = goods + works + services; the SME amount ≤ the total and the small/micro amount
    ≤ the SME amount; each stated share recomputes (SME ÷ total, small/micro ÷ SME). Catches
    procurement figures that do not add up."""
    rule_id = "narrative.procurement"
    found = [f for f in facts(ctx) if f.kind == "procurement"]
    if not found:
        yield skipped(rule_id, "narrative", "情况说明中未识别到政府采购金额")
        return
    for fact in found:
        v = fact.values
        subject = _subject(fact)
        if all(k in v for k in ("total", "goods", "works", "services")):
            parts = [v["goods"].value, v["works"].value, v["services"].value]
            outcome = compare_sum(v["total"].value, parts)
            if outcome == "equal":
                yield Check(rule_id, subject + "/sum", "passed")
            else:
                severity = "info" if outcome == "rounding" else "error"
                s = sum(parts, Decimal(0))
                message = (
                    f"情况说明第{fact.span.page}页：政府采购货物{v['goods'].text}、工程{v['works'].text}、服务"
                    f"{v['services'].text}之和为{fmt(s)}，与所列总额{v['total'].text}不符。"
                )
                yield Check(
                    rule_id,
                    subject + "/sum",
                    "failed",
                    severity,
                    finding=Finding(
                        rule_id,
                        severity,
                        message,
                        [],
                        fmt(s),
                        fmt(v["total"].value),
                        diff(v["total"].value, s),
                        [_ev(fact)],
                    ),
                )
        else:
            yield skipped(rule_id, subject + "/sum", "未同时列示货物、工程、服务和总额")
        for part, whole, label in (
            ("sme", "total", "授予中小企业合同金额超过政府采购总额"),
            ("small_micro", "sme", "授予小微企业合同金额超过授予中小企业合同金额"),
        ):
            if part in v and whole in v:
                if v[part].value <= v[whole].value:
                    yield Check(rule_id, f"{subject}/{part}", "passed")
                else:
                    message = f"情况说明第{fact.span.page}页：{label}（{v[part].text} > {v[whole].text}）。"
                    yield Check(
                        rule_id,
                        f"{subject}/{part}",
                        "failed",
                        "error",
                        finding=Finding(
                            rule_id,
                            "error",
                            message,
                            [],
                            fmt(v[whole].value),
                            fmt(v[part].value),
                            diff(v[part].value, v[whole].value),
                            [_ev(fact)],
                        ),
                    )
        for share_key, num, den in (("sme_share", "sme", "total"), ("small_micro_share", "small_micro", "sme")):
            if share_key in v and num in v and den in v:
                outcome = compare_ratio(v[share_key].value, v[num].value, v[den].value)
                sub = f"{subject}/{share_key}"
                if outcome == "equal":
                    yield Check(rule_id, sub, "passed")
                elif outcome == "undefined":
                    message = f"情况说明第{fact.span.page}页：基数为零，占比{v[share_key].text}无从计算。"
                    yield Check(
                        rule_id,
                        sub,
                        "failed",
                        "warning",
                        finding=Finding(
                            rule_id, "warning", message, [], None, fmt_pct(v[share_key].value), None, [_ev(fact)]
                        ),
                    )
                else:
                    severity = "info" if outcome == "rounding" else "error"
                    r = recompute_percent(v[share_key].value, v[num].value, v[den].value)
                    message = (
                        f"情况说明第{fact.span.page}页：占比列为{v[share_key].text}，按{v[num].text}÷"
                        f"{v[den].text}计算应为{fmt_pct(r)}。"
                    )
                    yield Check(
                        rule_id,
                        sub,
                        "failed",
                        severity,
                        finding=Finding(
                            rule_id,
                            severity,
                            message,
                            [],
                            fmt_pct(r),
                            fmt_pct(v[share_key].value),
                            diff(v[share_key].value, r),
                            [_ev(fact)],
                        ),
                    )


@rule(
    "narrative.operating_cost",
    "机关运行经费不超过公用经费",
    "情况说明第21页机关运行经费为260.00万元，大于基本支出明细表公用经费合计184.65万元。",
)
def operating_cost(ctx: AuditContext) -> Iterator[Check]:
    """机关运行经费 (the administrative running cost, paid from basic spending's public funds) is at
    most the basic-detail 公用经费合计. Catches a running cost that cannot be funded by the tables."""
    rule_id = "narrative.operating_cost"
    where = _Tables(ctx)
    found = [f for f in facts(ctx) if f.kind == "operating_cost" and "amount" in f.values]
    if not found:
        yield skipped(rule_id, "narrative", "未列示机关运行经费金额")
        return
    ref = where.footer("公用经费")
    for fact in found:
        subject = _subject(fact)
        if ref is None:
            yield skipped(rule_id, subject, "缺少公用经费合计")
            continue
        q = fact.values["amount"]
        limit = ctx.value(ref) or Decimal(0)
        value = convert_unit(q.value, q.unit, ctx.unit(ref[0]))
        if value <= limit + half_unit(q.value):
            yield Check(rule_id, subject, "passed")
            continue
        message = (
            f"情况说明第{fact.span.page}页机关运行经费为{q.text}，大于{ctx.where(ref)}{fmt(limit)}{ctx.unit(ref[0])}。"
        )
        yield Check(
            rule_id,
            subject,
            "failed",
            "error",
            finding=Finding(
                rule_id,
                "error",
                message,
                [ref[0]],
                fmt(limit),
                fmt(value),
                diff(value, limit),
                [_ev(fact), ctx.evidence(ref)],
            ),
        )


@rule(
    "narrative.vehicles",
    "车辆总数＝各类车辆之和",
    "情况说明第17页共有车辆10辆，各类车辆合计11辆，不一致。",
)
def vehicles(ctx: AuditContext) -> Iterator[Check]:
    """The number of vehicles stated in 国有资产占用情况 equals the sum of the vehicle types listed.
    Catches a total that was not updated with the list."""
    rule_id = "narrative.vehicles"
    found = [f for f in facts(ctx) if f.kind == "vehicles" and "total" in f.values]
    if not found:
        yield skipped(rule_id, "narrative", "情况说明中未识别到车辆数量")
        return
    for fact in found:
        parts = [q.value for k, q in fact.values.items() if k not in ("total", "equipment_over_1m") and q.unit == "辆"]
        subject = _subject(fact)
        if not parts:
            yield skipped(rule_id, subject, "未分类型列示车辆")
            continue
        total = fact.values["total"].value
        s = sum(parts, Decimal(0))
        if s == total:
            yield Check(rule_id, subject, "passed")
            continue
        message = f"情况说明第{fact.span.page}页共有车辆{fact.values['total'].text}，各类车辆合计{fmt(s)}辆，不一致。"
        yield Check(
            rule_id,
            subject,
            "failed",
            "error",
            finding=Finding(rule_id, "error", message, [], fmt(s), fmt(total), diff(total, s), [_ev(fact)]),
        )


@rule(
    "narrative.performance",
    "绩效说明与自评表一致",
    "情况说明第18页网络建设运转维护项目执行数为1803.24万元，而该项目绩效自评表执行数为1804.24，不一致。",
)
def performance(ctx: AuditContext) -> Iterator[Check]:
    """Each project quoted in 预算绩效情况说明 (全年预算数, 执行数, 完成率) matches its project
    self-evaluation table, and its 完成率 recomputes. Catches a narrative and an attachment that
    disagree."""
    rule_id = "narrative.performance"
    projects = [f for f in facts(ctx) if f.kind == "performance" and "budget" in f.values and "actual" in f.values]
    if not projects:
        yield skipped(rule_id, "narrative", "情况说明中未识别到项目绩效自评数据")
        return
    _h, rows = ctx.report.attachments.get("project_self_evaluation", (None, []))
    budget_rows = [r for r in rows if r["row_type"] == "budget"]
    for fact in projects:
        subject = _subject(fact)
        name = plain_name(fact.subject).removesuffix("项目")
        match = next((r for r in budget_rows if name and name in plain_name(r["project"])), None)
        rate = fact.values.get("rate")
        if rate is not None:
            outcome = compare_ratio(rate.value, fact.values["actual"].value, fact.values["budget"].value)
            if outcome in ("error",):
                message = (
                    f"情况说明第{fact.span.page}页{fact.subject}完成预算{rate.text}，按执行数"
                    f"{fact.values['actual'].text}÷预算数{fact.values['budget'].text}计算不符。"
                )
                yield Check(
                    rule_id,
                    subject + "/rate",
                    "failed",
                    "error",
                    finding=Finding(rule_id, "error", message, [], None, fmt_pct(rate.value), None, [_ev(fact)]),
                )
            elif outcome == "undefined":
                message = f"情况说明第{fact.span.page}页{fact.subject}预算数为零，完成率{rate.text}无从计算。"
                yield Check(
                    rule_id,
                    subject + "/rate",
                    "failed",
                    "warning",
                    finding=Finding(rule_id, "warning", message, [], None, fmt_pct(rate.value), None, [_ev(fact)]),
                )
            else:
                yield Check(rule_id, subject + "/rate", "passed")
        if match is None:
            yield skipped(rule_id, subject, "未找到该项目的绩效自评表")
            continue
        for key in ("budget", "actual"):
            q = fact.values[key]
            try:
                att = Decimal(match[key])
            except Exception:  # noqa: BLE001 - an unreadable attachment figure
                yield skipped(rule_id, f"{subject}/{key}", "自评表数字无法读取")
                continue
            if _agree(q.value, "", att, "") == "equal":
                yield Check(rule_id, f"{subject}/{key}", "passed")
                continue
            label = "预算数" if key == "budget" else "执行数"
            message = (
                f"情况说明第{fact.span.page}页{fact.subject}{label}为{q.text}，而该项目绩效自评表{label}为"
                f"{match[key]}，不一致。"
            )
            ev = Evidence(int(match["page"]), None, match["project"], key, None, match[key])
            yield Check(
                rule_id,
                f"{subject}/{key}",
                "failed",
                "error",
                finding=Finding(
                    rule_id, "error", message, [], match[key], fmt(q.value), diff(q.value, att), [_ev(fact), ev]
                ),
            )


@rule(
    "narrative.repeated_figure",
    "同一数字多处列示须一致",
    "情况说明中“支出合计”在第15页列为2,360.7万元，在第17页列为2,360.8万元，两处不一致。",
)
def repeated_figure(ctx: AuditContext) -> Iterator[Check]:
    """The same figure printed twice in the narrative (the same subject's amount in two places) has
    one value: a difference inside the rounding band is a warning (e.g. 269.85 and 269.86), beyond it
    an error. Catches text edited in one place and not the other."""
    rule_id = "narrative.repeated_figure"
    first: dict[str, Fact] = {}
    seen = False
    for fact in facts(ctx):
        if fact.kind != "amount" or "amount" not in fact.values:
            continue
        q = fact.values["amount"]
        prev = first.setdefault(fact.subject, fact)
        if prev is fact:
            continue
        seen = True
        p = prev.values["amount"]
        subject = f"{fact.subject}/{prev.span.page}-{fact.span.page}/{fact.span.start}"
        if p.unit != q.unit or p.value == q.value:
            yield Check(rule_id, subject, "passed")
            continue
        places = min(-p.value.as_tuple().exponent, -q.value.as_tuple().exponent)  # type: ignore[operator]
        quantum = Decimal(1).scaleb(-places)
        if p.value.quantize(quantum, rounding=ROUND_HALF_UP) == q.value.quantize(quantum, rounding=ROUND_HALF_UP):
            yield Check(rule_id, subject, "passed")
            continue
        severity = (
            "warning"
            if Interval.printed(p.value).meets(Interval.printed(q.value)) or abs(p.value - q.value) <= quantum
            else "error"
        )
        message = (
            f"情况说明中“{fact.subject}”在第{prev.span.page}页列为{p.text}，在第{fact.span.page}页列为{q.text}，"
            f"两处不一致。"
        )
        yield Check(
            rule_id,
            subject,
            "failed",
            severity,
            finding=Finding(
                rule_id,
                severity,
                message,
                [],
                fmt(p.value),
                fmt(q.value),
                diff(q.value, p.value),
                [_ev(prev), _ev(fact)],
            ),
        )
    if not seen:
        yield skipped(rule_id, "narrative", "情况说明中无重复列示的金额")
