"""Typed facts from the narrative (情况说明) of a final-accounts report.

Why: the audit compares what the text says with what the tables print
(docs/rules.md, "narrative against tables"). The rules should reason about facts such
as "收入合计 is 2,360.7万元, 2,196.6万元 less than in 2022, down 48.2%,
because 项目减少", not about Chinese prose. This package turns the prose into
``Fact`` records and nothing else: pure functions, no file I/O, no judgement
(a wrong percentage is extracted as printed; the rules decide).

How: each section text is normalised (``text``: whitespace dropped, offsets
kept), its stated reasons are found and masked (``reasons``), and a set of
small passes, one module per kind of fact, read it through the shared
``Extractor`` state, in this order:

- ``completion``: budget, actual and completion rate, with the comparison;
- ``yoy``: the changes after "与2022年度相比 / 比2023年度 / 同比";
- ``performance``: 预算绩效 counts, funds and execution;
- ``other_matters``: procurement, vehicles and equipment, 机关运行经费;
- ``amounts``: 基本支出 = 人员经费 + 公用经费, every "占…X%", every remaining amount;
- ``statements``: "无…收入支出" statements and template placeholders.

Subjects (``subjects``) are normalised to a small vocabulary or a 科目 path;
the words of the report kind come from ``auditlib.profiles.narrative``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditlib.reading.narrative.extractor import Extractor
from auditlib.reading.narrative.model import KINDS, Fact, Quantity, Span
from auditlib.reading.narrative.quantities import parse_percent, parse_quantity
from auditlib.reading.narrative.spans import line_pages, to_facts
from auditlib.reading.narrative.subjects import canonical_subject

if TYPE_CHECKING:
    from auditlib.model.report import Report

__all__ = [
    "KINDS",
    "Fact",
    "Quantity",
    "Span",
    "canonical_subject",
    "facts_from_text",
    "narrative_facts",
    "parse_percent",
    "parse_quantity",
]


def facts_from_text(text: str, section: str = "", page: int = 0) -> list[Fact]:
    """Facts printed in one narrative text (pure; every fact gets ``page``).

    ``section`` is the section title; if it is itself a 科目 heading ("一、X（类）
    …（项）") it provides the subject for the figures in the text.
    """
    ex = Extractor(text, section)
    ex.run()
    return to_facts(ex, section, lambda _o: page)


def narrative_facts(report: Report) -> list[Fact]:
    """Facts of every narrative section of a Report, in document order.

    Spans index ``section.text``; the page of a fact is the page its first
    line was printed on (``report.page_texts`` aligned line by line with the
    section), else the section's first page.
    """
    out: list[Fact] = []
    page_texts = list(getattr(report, "page_texts", []) or [])
    for section in report.sections:
        if not section.text.strip():
            continue
        ex = Extractor(section.text, section.title)
        ex.run()
        out.extend(to_facts(ex, section.title, line_pages(section, page_texts)))
    return out
