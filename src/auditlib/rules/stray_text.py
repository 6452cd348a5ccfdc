"""form.stray_punctuation: no line of the narrative is punctuation alone.

Why: a line holding only "。" or "，，" after a finished sentence is a leftover of editing (a
deleted sentence whose punctuation stayed, a pasted fragment). It changes no figure, so it is a
warning; but it is a visible sign that the text was not proof-read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditlib.model.findings import Check, Evidence
from auditlib.rules.context import AuditContext
from auditlib.rules.registry import rule

#: Punctuation a stray line can hold (never dashes or brackets: a table's 0 is often "—" or "-").
_PUNCTUATION_ONLY = re.compile(r"^[。，、；：,.;:！？!?·…]+$")
#: A line that ends a sentence: what comes after it starts a new one.
_SENTENCE_END = re.compile(r"[。；：！？!?;:]$")


@rule(
    "form.stray_punctuation",
    "情况说明无孤立标点行",
    "情况说明第16页有一行只有“。”，前一句已结束，疑为删改遗留。",
)
def stray_punctuation(ctx: AuditContext) -> Iterator[Check]:
    """A narrative line made of punctuation only ("。", "，，", "；") right after a line that ended its
    sentence is a warning. A punctuation line that continues an unfinished sentence is a wrapped
    sentence end (a line break before its "。"), not a stray line, and is never reported."""
    pages = sorted({p for s in ctx.report.sections for p in s.pages})
    if not pages:
        yield ctx.skip("narrative", "未识别到情况说明")
        return
    found = False
    previous = "。"  # the line before the narrative: nothing unfinished
    for number in pages:
        if not 0 < number <= len(ctx.report.page_texts):
            continue
        for raw in ctx.report.page_texts[number - 1].splitlines():
            line = "".join(raw.split())
            if not line:
                continue
            if _PUNCTUATION_ONLY.match(line) and _SENTENCE_END.search(previous):
                found = True
                message = f"情况说明第{number}页有一行只有“{line[:10]}”，前一句已结束，疑为删改遗留。"
                yield ctx.fail(
                    "line", "warning", message, tables=[], evidence=[Evidence(number, None, None, None, None, line)]
                )
            previous = line
    if not found:
        yield ctx.passed("narrative")
