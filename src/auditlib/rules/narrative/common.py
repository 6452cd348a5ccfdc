"""What the narrative rules share: the facts of the report, their evidence and subjects, and the
comparison of a quoted figure with its table cell.

Why: each narrative rule reads the facts extracted once per audit (``auditlib.reading.narrative``)
and cites them the same way; the tolerance of a figure quoted with fewer places than the table
(2,360.7 for 2360.70) is defined here once.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from auditlib.model.findings import Check, Evidence, diff, fmt
from auditlib.model.money import Interval, convert_unit, half_unit
from auditlib.model.text import squash
from auditlib.reading.narrative import Fact, Quantity, narrative_facts
from auditlib.rules.context import AuditContext, Ref, plain_name

#: Key of the facts in ``AuditContext.memo`` (``audit`` hands them on in ``AuditResult.facts``).
FACTS_MEMO = "narrative_facts"


def memo_facts(ctx: AuditContext) -> list[Fact] | None:
    """The narrative facts a rule of this audit already extracted, None when none did."""
    cached = ctx.memo.get(FACTS_MEMO)
    return cached if isinstance(cached, list) else None


def facts(ctx: AuditContext) -> list[Fact]:
    """Narrative facts of the context's report, computed once per audit (kept on the context)."""
    cached = memo_facts(ctx)
    if cached is None:
        cached = narrative_facts(ctx.report)
        ctx.memo[FACTS_MEMO] = cached
    return cached


def fact_evidence(fact: Fact) -> Evidence:
    """The fact's sentence, on its page, as evidence."""
    return Evidence(fact.span.page or None, None, fact.subject, None, None, fact.span.text)


def hedged(check: Check, doubt: str) -> Check:
    """The check, with an error finding turned into a warning that says why its reading is uncertain
    (``doubt``, empty when the statement was read without doubt). A false error costs more than a
    missed one: a garbled unit of text never gives an error."""
    f = check.finding
    if doubt and f is not None and f.severity == "error":
        f.severity = check.severity = "warning"
        f.message = f"{f.message}（读取存疑：{doubt}，请人工核对。）"
    return check


def fact_subject(fact: Fact) -> str:
    """The subject of a check on a fact: its kind and subject, never its page or offset, so that the
    finding's fingerprint survives a re-wrapped or re-paginated report (the engine numbers a
    subject that repeats, in text order)."""
    return f"{fact.kind}/{fact.subject}"


def agree(printed: Decimal, printed_unit: str, table: Decimal | None, table_unit: str) -> str:
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


def _message_amount(
    fact: Fact, q: Quantity, ref_label: str, table_value: Decimal | None, unit: str, severity: str
) -> str:
    verdict = {"error": "不一致", "warning": "仅在尾数误差范围内不同", "info": "仅差尾数"}[severity]
    return (
        f"情况说明第{fact.span.page}页“{fact.span.text[:60]}”中{fact.subject}为{q.text}，"
        f"而{ref_label}为{fmt(table_value) or '空'}{unit}，{verdict}。"
    )


def amount_check(ctx: AuditContext, fact: Fact, key: str, ref: Ref | None, subject: str) -> Check:
    """The fact's figure ``key`` against the table cell ``ref``, at the precision the narrative prints."""
    q = fact.values.get(key)
    if q is None:
        return ctx.skip(subject, f"未列示{key}")
    if ref is None:
        return ctx.skip(subject, "报表中无对应数据")
    table_value = ctx.value(ref)
    unit = ctx.unit(ref[0])
    outcome = agree(q.value, q.unit if q.unit in ("万元", "元", "亿元") else unit, table_value, unit)
    if outcome == "equal":
        return ctx.passed(subject)
    severity = "warning" if outcome == "rounding" else "error"
    message = _message_amount(fact, q, ctx.where(ref), table_value, unit, severity)
    printed = convert_unit(q.value, q.unit if q.unit in ("万元", "元", "亿元") else unit, unit)
    return ctx.fail(
        subject,
        severity,
        message,
        tables=[ref[0]],
        expected=fmt(table_value),
        actual=fmt(printed),
        difference=diff(printed, table_value),
        evidence=[fact_evidence(fact), ctx.evidence(ref)],
    )


#: The 三公 items as the narrative names them -> the 三公 table's column suffix.
THREE_PUBLIC_ITEMS = {
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
_THREE_PUBLIC_PLAIN = {plain_name(k): v for k, v in THREE_PUBLIC_ITEMS.items()}


def three_public_item(subject: str) -> str | None:
    """The 三公 column suffix a narrative subject names (因公出国(境)费 -> abroad), None if not a 三公 item."""
    return _THREE_PUBLIC_PLAIN.get(plain_name(subject))


def page_of_sentence(ctx: AuditContext, sentence: str) -> int | None:
    """The page whose text holds ``sentence`` (whitespace ignored), for the evidence image."""
    for number, text in enumerate(ctx.report.page_texts, start=1):
        if sentence and sentence in squash(text):
            return number
    return None
