"""narrative.share, narrative.yoy: shares and year-on-year changes recompute from the figures
stated."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from auditlib.model.findings import Check, fmt, fmt_pct
from auditlib.model.money import compare_ratio, convert_unit, recompute_percent
from auditlib.reading.narrative import Fact
from auditlib.rules.context import AuditContext, Ref
from auditlib.rules.narrative.common import (
    fact_evidence,
    fact_subject,
    facts,
)
from auditlib.rules.registry import rule


def _base(ctx: AuditContext, of: str, by_subject: dict[str, Decimal]) -> tuple[Decimal | None, Ref | None]:
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
        ref = ctx.total_ref(*mapping[of])
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
            subject = fact_subject(fact)
            pct = fact.values["share"]
            amount_q = fact.values.get("amount")
            if amount_q is None:
                yield ctx.skip(subject, "未列示金额，无法复算占比")
                continue
            base, base_ref = _base(ctx, of, by_subject)
            if base is None:
                yield ctx.skip(subject, f"未找到占比基数“{of or '未说明'}”")
                continue
            unit = ctx.unit(base_ref[0]) if base_ref else amount_q.unit
            num = convert_unit(amount_q.value, amount_q.unit or unit, unit)
            outcome = compare_ratio(pct.value, num, base)
            if outcome == "equal":
                yield ctx.passed(subject)
                continue
            if outcome == "undefined":
                message = f"情况说明第{fact.span.page}页“{fact.span.text[:60]}”：基数为零，占比{pct.text}无从计算。"
                yield ctx.fail(
                    subject,
                    "warning",
                    message,
                    tables=[base_ref[0]] if base_ref else [],
                    actual=fmt_pct(pct.value),
                    evidence=[fact_evidence(fact)],
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
            evidence = [fact_evidence(fact)] + ([ctx.evidence(base_ref)] if base_ref else [])
            yield ctx.fail_percent(
                subject,
                severity,
                message,
                pct.value,
                recomputed,
                tables=[base_ref[0]] if base_ref else [],
                evidence=evidence,
            )
    if not seen:
        yield ctx.skip("narrative", "情况说明中未识别到占比")


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
    seen = False
    for fact in facts(ctx):
        if fact.kind != "yoy":
            continue
        seen = True
        subject = fact_subject(fact)
        direction, pct_direction = fact.words.get("direction", ""), fact.words.get("pct_direction", "")
        change, pct, current = fact.values.get("change"), fact.values.get("change_pct"), fact.values.get("current")
        if direction and pct_direction and ((direction in _UP) != (pct_direction in _UP)):
            message = (
                f"情况说明第{fact.span.page}页“{fact.span.text[:70]}”：增减方向“{direction}”与“{pct_direction}”矛盾。"
            )
            yield ctx.fail(subject, "error", message, tables=[], evidence=[fact_evidence(fact)])
            continue
        if direction == "持平":
            if change is not None and change.value != 0:
                message = f"情况说明第{fact.span.page}页“{fact.span.text[:70]}”：称“持平”却列示变动额{change.text}。"
                yield ctx.fail(
                    subject,
                    "error",
                    message,
                    tables=[],
                    expected="0",
                    actual=fmt(change.value),
                    difference=fmt(change.value),
                    evidence=[fact_evidence(fact)],
                )
            else:
                yield ctx.passed(subject)
            continue
        if change is None or pct is None or current is None or not direction:
            yield ctx.skip(subject, "未同时列示本年数、增减额、增减率和方向，无法复算")
            continue
        sign = 1 if direction in _UP else -1
        previous = current.value - sign * change.value
        outcome = compare_ratio(pct.value, change.value, previous)
        if outcome == "equal":
            yield ctx.passed(subject)
            continue
        if outcome == "undefined" or previous < 0:
            message = (
                f"情况说明第{fact.span.page}页“{fact.span.text[:70]}”：上年数为{fmt(previous)}，"
                f"增长率{pct.text}无从计算（基数为零）。"
            )
            yield ctx.fail(
                subject, "warning", message, tables=[], actual=fmt_pct(pct.value), evidence=[fact_evidence(fact)]
            )
            continue
        recomputed = recompute_percent(pct.value, change.value, previous)
        severity = "info" if outcome == "rounding" else "error"
        message = (
            f"情况说明第{fact.span.page}页“{fact.span.text[:70]}”：按增减额{change.text}÷上年数{fmt(previous)}"
            f"计算增减率应为{fmt_pct(recomputed)}，与所列{pct.text}不符。"
        )
        yield ctx.fail_percent(subject, severity, message, pct.value, recomputed, evidence=[fact_evidence(fact)])
    if not seen:
        yield ctx.skip("narrative", "情况说明中未识别到同比增减")
