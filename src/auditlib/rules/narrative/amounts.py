"""narrative.amount, narrative.basic_split, narrative.repeated_figure: figures the narrative quotes,
against the tables and against each other."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from auditlib.model.findings import Check, diff, fmt
from auditlib.model.money import Interval, compare_sum
from auditlib.reading.narrative import Fact
from auditlib.rules.context import AuditContext
from auditlib.rules.narrative import cells
from auditlib.rules.narrative.common import (
    amount_check,
    fact_evidence,
    fact_subject,
    facts,
)
from auditlib.rules.registry import rule


@rule(
    "narrative.amount",
    "说明中的金额与报表一致",
    "情况说明第15页“一般公共服务(类)支出2,169.83万元”中一般公共服务支出为2,169.83万元，而一般公共预算财政拨款支出决算表“一般公共服务支出(201)”行合计为2168.83万元，不一致。",
)
def amount(ctx: AuditContext) -> Iterator[Check]:
    """Every amount the narrative quotes for a table figure (收入合计, 支出合计, 基本支出, 财政拨款收入,
    a 功能分类 类, 人员经费, 公用经费 …) equals its table cell at the narrative's printed precision
    (2,360.7 for 2360.70). Catches narrative text that was not updated with the tables."""
    seen = False
    for fact in facts(ctx):
        if fact.kind != "amount":
            continue
        seen = True
        yield amount_check(
            ctx, fact, "amount", cells.for_amount(ctx, fact.subject, fact.span.section), fact_subject(fact)
        )
    if not seen:
        yield ctx.skip("narrative", "情况说明中未识别到金额")


@rule(
    "narrative.basic_split",
    "基本支出＝人员经费＋公用经费，且与报表一致",
    "情况说明第16页：人员经费407.42万元与公用经费75.32万元之和为482.74，与所列基本支出481.74万元不符。",
)
def basic_split(ctx: AuditContext) -> Iterator[Check]:
    """The narrative's 基本支出 equals 人员经费 + 公用经费 as it prints them. (Each of the three against
    its table figure is narrative.amount's job.) Catches a split that does not add up."""
    splits = [f for f in facts(ctx) if f.kind == "split"]
    if not splits:
        yield ctx.skip("narrative", "情况说明中未识别到基本支出的人员经费、公用经费构成")
        return
    for fact in splits:
        subject = fact_subject(fact)
        total, p, q = fact.values.get("total"), fact.values.get("人员经费"), fact.values.get("公用经费")
        if total and p and q:
            outcome = compare_sum(total.value, [p.value, q.value])
            if outcome == "equal":
                yield ctx.passed(subject + "/sum")
            else:
                severity = "info" if outcome == "rounding" else "error"
                s = p.value + q.value
                message = (
                    f"情况说明第{fact.span.page}页：人员经费{p.text}与公用经费{q.text}之和为{fmt(s)}，"
                    f"与所列基本支出{total.text}不符。"
                )
                yield ctx.fail(
                    subject + "/sum",
                    severity,
                    message,
                    tables=[],
                    expected=fmt(s),
                    actual=fmt(total.value),
                    difference=diff(total.value, s),
                    evidence=[fact_evidence(fact)],
                )
        else:
            yield ctx.skip(subject + "/sum", "未同时列示基本支出、人员经费和公用经费")


@rule(
    "narrative.repeated_figure",
    "同一数字多处列示须一致",
    "情况说明中“支出合计”在第15页列为2,360.7万元，在第17页列为2,360.8万元，两处不一致。",
)
def repeated_figure(ctx: AuditContext) -> Iterator[Check]:
    """The same figure printed twice in the narrative (the same subject's amount in two places) has
    one value: a difference inside the rounding band is a warning (e.g. 269.85 and 269.86), beyond it
    an error. Catches text edited in one place and not the other."""
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
        subject = fact.subject
        if p.unit != q.unit or p.value == q.value:
            yield ctx.passed(subject)
            continue
        places = min(-p.value.as_tuple().exponent, -q.value.as_tuple().exponent)  # type: ignore[operator]
        quantum = Decimal(1).scaleb(-places)
        if p.value.quantize(quantum, rounding=ROUND_HALF_UP) == q.value.quantize(quantum, rounding=ROUND_HALF_UP):
            yield ctx.passed(subject)
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
        yield ctx.fail(
            subject,
            severity,
            message,
            tables=[],
            expected=fmt(p.value),
            actual=fmt(q.value),
            difference=diff(q.value, p.value),
            evidence=[fact_evidence(prev), fact_evidence(fact)],
        )
    if not seen:
        yield ctx.skip("narrative", "情况说明中无重复列示的金额")
