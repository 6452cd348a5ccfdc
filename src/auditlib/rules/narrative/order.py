"""narrative.item_order: the numbered per-科目 items of a section follow their own numbering.

Why a rule of its own: items are matched to table rows by content wherever they stand
(``narrative.items_listed`` and ``narrative.completion`` look each row up among all items), so an
item printed out of its place is never "not listed"; it is only out of order, which an auditor
notes as a drafting defect (a warning).
"""

from __future__ import annotations

from collections.abc import Iterator

from auditlib.model.findings import Check
from auditlib.reading.narrative import Fact
from auditlib.rules.context import AuditContext
from auditlib.rules.narrative.common import fact_evidence, facts
from auditlib.rules.registry import rule


@rule(
    "narrative.item_order",
    "逐项说明按编号顺序排列",
    "情况说明第19页第5项“社会保障和就业支出/抚恤/死亡抚恤”排在第7项之后，逐项说明的顺序错乱。",
)
def item_order(ctx: AuditContext) -> Iterator[Check]:
    """The numbered items of each section (1、2、3 … one per 项 in the general-budget part) come in
    their numbering's order: an item whose number is not above the one before it is a warning,
    once per section (the first such item; a list that restarts at 1 starts a new run). Numbers
    only, never content: an item is found by content wherever it stands."""
    by_section: dict[str, list[tuple[int, Fact]]] = {}
    for fact in facts(ctx):
        idx = fact.words.get("item_index", "")
        if fact.kind == "completion" and idx.isdigit():
            by_section.setdefault(fact.span.section, []).append((int(idx), fact))
    if not by_section:
        yield ctx.skip("narrative", "情况说明中未识别到编号的逐项说明")
        return
    for section, items in by_section.items():
        subject = "".join(section.split())[:20] or "narrative"
        previous = 0
        bad: tuple[int, Fact, int] | None = None
        for number, fact in items:
            if number == previous:
                continue  # two statements of one item
            if previous and number != 1 and number < previous:
                bad = (number, fact, previous)
                break
            previous = number
        if bad is None:
            yield ctx.passed(subject)
            continue
        number, fact, before = bad
        message = f"情况说明第{fact.span.page}页第{number}项“{fact.subject}”排在第{before}项之后，逐项说明的顺序错乱。"
        yield ctx.fail(subject, "warning", message, tables=[], evidence=[fact_evidence(fact)])
