"""Statements without a figure: "本部门无政府性基金预算财政拨款收入支出", and template placeholders ("XX万元").

Why they are facts: an empty statement is checked against a table that should
then be empty, and a placeholder left from the template is a finding of its own.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from auditlib.profiles.narrative import BASIC_CHANGE_WORDS, EMPTY_FUNDS, EMPTY_WORDS
from auditlib.reading.narrative.drafts import Draft
from auditlib.reading.narrative.subjects import canonical_subject
from auditlib.reading.narrative.text import one_of

if TYPE_CHECKING:
    from auditlib.reading.narrative.extractor import Extractor

_EMPTY = re.compile(rf"(?:{one_of(EMPTY_WORDS)})(?P<what>[^。;,，□]{{0,30}}?)(?:收入|支出|收支|经费)")
_PLACEHOLDER = re.compile(
    r"(?<![A-Za-z])(?:[Xx]{2,}|×{2,}|[*＊]{2,}|[Xx×](?:\.[Xx×]+)?(?=万元|元|%|个|辆))(?![A-Za-z])"
)
#: The same placeholders, as the rules look for them in lines outside the narrative (table headings).
PLACEHOLDER = _PLACEHOLDER
_MONEY_OR_PERCENT_NEXT = re.compile(r"万元|元|%")
_CHANGE = one_of(BASIC_CHANGE_WORDS)
#: What stands between a subject and its placeholder figure: "占…的", "增加（减少）".
_BEFORE_FIGURE = re.compile(rf"(?:占(?:[^，,；;。]*的)?|(?:{_CHANGE})(?:[（(](?:{_CHANGE})[)）])?)$")


def find_empty(ex: Extractor) -> None:
    """ "本部门当年无政府性基金预算财政拨款收入支出" and the like (not in reasons)."""
    seen: set[tuple[int, str]] = set()
    for m in _EMPTY.finditer(ex.mm):
        text = m.group(0)
        named = [(fund, subject) for word, fund, subject in EMPTY_FUNDS if word in text]
        if not named:
            continue
        fund, subject = named[0]
        a, b = ex.t.sentence_of(m.start())
        if (a, fund) in seen:
            continue
        seen.add((a, fund))
        start = a + len(ex.mm[a:b]) - len(ex.mm[a:b].lstrip("\n"))
        ex.add(Draft("empty_statement", subject, start, b, words={"fund": fund}))


def find_placeholders(ex: Extractor) -> None:
    """Leftover template placeholders ("XX万元", "××%") where a figure or name belongs."""
    for m in _PLACEHOLDER.finditer(ex.t.m):
        start = ex.clause_start(m.start())
        subject, code = ("", None)
        if _MONEY_OR_PERCENT_NEXT.match(ex.t.m[m.end() : m.end() + 2]):
            phrase = _BEFORE_FIGURE.sub("", ex.t.s[start : m.start()])
            subject, code = canonical_subject(phrase)
        ctx_a = max(start, m.start() - 20)
        ctx_b = min(len(ex.t.s), m.end() + 8)
        ctx = ex.t.s[ctx_a:ctx_b].replace("\n", "")
        words = {"text": ctx, "placeholder": ex.t.s[m.start() : m.end()]}
        ex.add(Draft("placeholder", subject, m.start(), m.end(), code=code, words=words))
