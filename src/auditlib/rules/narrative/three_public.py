"""narrative.three_public, narrative.vehicle_split, narrative.vehicles: the 三公 part and the vehicle counts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from auditlib.model.findings import Check, Evidence, diff, fmt, fmt_pct
from auditlib.model.money import compare_ratio
from auditlib.model.text import squash
from auditlib.reading.narrative import Fact
from auditlib.rules.context import AuditContext
from auditlib.rules.narrative.common import (
    amount_check,
    fact_evidence,
    fact_subject,
    facts,
    page_of_sentence,
    three_public_item,
)
from auditlib.rules.registry import rule


@rule(
    "narrative.three_public",
    "“三公”经费说明与“三公”表一致",
    "情况说明第17页“三公”经费全年预算为0.68万元，而财政拨款“三公”经费支出决算表预算数合计为空，不一致。",
)
def three_public(ctx: AuditContext) -> Iterator[Check]:
    """The 三公 figures of the narrative (全年预算 and 决算, in total and per item) equal the 三公 table
    (a table with no figures counts as zero), and each 完成率 recomputes (a rate on a zero budget is a
    warning). Catches a narrative that contradicts the 三公 table."""
    tid = "three_public"
    items = [f for f in facts(ctx) if f.kind == "completion" and three_public_item(f.subject) is not None]
    if not items:
        yield ctx.skip(tid, "情况说明中未识别到“三公”经费预算与决算")
        return
    if not ctx.has(tid):
        yield ctx.skip(tid, "缺少财政拨款“三公”经费支出决算表")
        return
    for fact in items:
        yield from _figures(ctx, tid, fact)
        yield from _rate(ctx, tid, fact)


def _figures(ctx: AuditContext, tid: str, fact: Fact) -> Iterator[Check]:
    """The fact's 全年预算 and 决算 against the 三公 table's figures (no data row: zero)."""
    row = 0 if ctx.rows(tid) else None
    item = three_public_item(fact.subject)
    for key in ("budget", "actual"):
        q = fact.values.get(key)
        col = f"{key}_{item}"
        subject = f"{fact_subject(fact)}/{key}"
        if q is None:
            continue
        if row is None:
            table_value = Decimal(0)
            if q.value == 0:
                yield ctx.passed(subject)
                continue
            message = (
                f"情况说明第{fact.span.page}页{fact.subject}{'全年预算' if key == 'budget' else '支出决算'}为{q.text}，"
                f"而财政拨款“三公”经费支出决算表未列示任何数据，不一致。"
            )
            yield ctx.fail(
                subject,
                "error",
                message,
                tables=[tid],
                expected=fmt(table_value),
                actual=fmt(q.value),
                difference=diff(q.value, table_value),
                evidence=[fact_evidence(fact)],
            )
            continue
        if not ctx.printed(tid, col):
            yield ctx.skip(subject, f"“三公”表未列示{col}")
            continue
        yield amount_check(ctx, fact, key, (tid, row, col), subject)


def _rate(ctx: AuditContext, tid: str, fact: Fact) -> Iterator[Check]:
    """The fact's 完成率 recomputes from its 决算 ÷ 全年预算 (a zero budget: undefined, a warning)."""
    budget, actual, rate = fact.values.get("budget"), fact.values.get("actual"), fact.values.get("rate")
    if rate is None or budget is None or actual is None:
        return
    outcome = compare_ratio(rate.value, actual.value, budget.value)
    subject = f"{fact_subject(fact)}/rate"
    if outcome == "equal":
        yield ctx.passed(subject)
        return
    if outcome == "undefined":
        severity = "warning"
        message = f"情况说明第{fact.span.page}页：{fact.subject}全年预算为零，完成率{rate.text}无从计算。"
    else:
        severity = "info" if outcome == "rounding" else "error"
        message = f"情况说明第{fact.span.page}页：{fact.subject}完成率列为{rate.text}，按{actual.text}÷{budget.text}计算不符。"
    yield ctx.fail(subject, severity, message, tables=[tid], actual=fmt_pct(rate.value), evidence=[fact_evidence(fact)])


_VEHICLE_COMBINED = re.compile(r"公务用车购置及运行(?:维护)?(?:费|支出)")
_VEHICLE_PURCHASE = re.compile(r"(?:公务用车|车辆)购置(?:费|支出)")
_VEHICLE_OPERATION = re.compile(r"(?:公务用车|车辆)运行(?:维护)?(?:费|支出)")


def _three_public_text(ctx: AuditContext) -> str:
    """The 三公 part of the 情况说明 (headings with 三公 and 说明), whitespace removed (words run over lines)."""
    parts = [s.text for s in ctx.report.sections if "三公" in s.title and "说明" in s.title and s.text.strip()]
    return squash("".join(parts))


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
    tid = "three_public"
    if not ctx.has(tid):
        yield ctx.skip(tid, "缺少财政拨款“三公”经费支出决算表")
        return
    text = _three_public_text(ctx)
    if not text:
        yield ctx.skip(tid, "情况说明中未识别到“三公”经费说明")
        return
    refs = [(tid, 0, col) for col in ("actual_vehicle_subtotal", "budget_vehicle_subtotal") if ctx.printed(tid, col)]
    nonzero = [r for r in refs if ctx.rows(tid) and ctx.value(r)]
    if not nonzero:
        yield ctx.passed("vehicle")  # nothing spent or budgeted on vehicles: nothing to split
        return
    rest = _VEHICLE_COMBINED.sub("", text)
    missing = [
        label
        for label, pattern in (("公务用车购置费", _VEHICLE_PURCHASE), ("公务用车运行维护费", _VEHICLE_OPERATION))
        if not pattern.search(rest)
    ]
    if not missing:
        yield ctx.passed("vehicle")
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
    page = page_of_sentence(ctx, sentence) if sentence else None
    where = f"情况说明第{page}页" if page else "情况说明"
    message = (
        f"{where}“三公”经费部分未分别说明{'和'.join(missing)}"
        f"（“三公”表公务用车购置及运行维护费{stage}{fmt(ctx.value(ref))}{ctx.unit(tid)}）。"
    )
    evidence = [ctx.evidence(ref)]
    if sentence:  # first: the evidence image shows where the split should have been
        evidence.insert(0, Evidence(page, None, "“三公”经费说明", None, None, sentence))
    yield ctx.fail("vehicle", "warning", message, tables=[tid], expected=fmt(ctx.value(ref)), evidence=evidence)


@rule(
    "narrative.vehicles",
    "车辆总数＝各类车辆之和",
    "情况说明第17页共有车辆10辆，各类车辆合计11辆，不一致。",
)
def vehicles(ctx: AuditContext) -> Iterator[Check]:
    """The number of vehicles stated in 国有资产占用情况 equals the sum of the vehicle types listed.
    Catches a total that was not updated with the list."""
    found = [f for f in facts(ctx) if f.kind == "vehicles" and "total" in f.values]
    if not found:
        yield ctx.skip("narrative", "情况说明中未识别到车辆数量")
        return
    for fact in found:
        parts = [q.value for k, q in fact.values.items() if k not in ("total", "equipment_over_1m") and q.unit == "辆"]
        subject = fact_subject(fact)
        if not parts:
            yield ctx.skip(subject, "未分类型列示车辆")
            continue
        total = fact.values["total"].value
        s = sum(parts, Decimal(0))
        if s == total:
            yield ctx.passed(subject)
            continue
        message = f"情况说明第{fact.span.page}页共有车辆{fact.values['total'].text}，各类车辆合计{fmt(s)}辆，不一致。"
        yield ctx.fail(
            subject,
            "error",
            message,
            tables=[],
            expected=fmt(s),
            actual=fmt(total),
            difference=diff(total, s),
            evidence=[fact_evidence(fact)],
        )
