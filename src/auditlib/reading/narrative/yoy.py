"""Year-on-year facts: one per subject after each "与2022年度相比 / 比上年 / 同比" anchor.

The clauses after the anchor (and a following sentence starting with 其中)
give one fact per subject, sub-items such as the 三公 items included; each
fact carries the change amount and/or percentage with their directions, the
previous year as printed, and the current-year amount printed just before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from auditlib.profiles.narrative import (
    CHANGE_WORDS,
    FLAT_WORD,
    PERCENT_CHANGE_WORDS,
    YOY_COMPARE_VERBS,
    YOY_COMPARE_WORDS,
    YOY_PREVIOUS_YEAR_PATTERN,
    YOY_SAME_PERIOD,
)
from auditlib.reading.narrative.drafts import Draft
from auditlib.reading.narrative.quantities import MONEY, NUM_B
from auditlib.reading.narrative.subjects import canonical_subject
from auditlib.reading.narrative.text import MASK, one_of, thousands_comma

if TYPE_CHECKING:
    from auditlib.reading.narrative.extractor import Extractor

_ANCHOR = re.compile(
    rf"(?:(?:{one_of(YOY_COMPARE_WORDS)})(?P<prev>{YOY_PREVIOUS_YEAR_PATTERN}|(?P<year>\d{{4}})年度?)(?:同期)?"
    rf"(?:决算数?)?(?:{one_of(YOY_COMPARE_VERBS)})?(?:较)?|(?P<tongbi>{YOY_SAME_PERIOD}))"
)
_DIR = re.compile(rf"(?P<dir>{one_of(CHANGE_WORDS)}|{FLAT_WORD}|减少了|增加了)")
_AFTER_DIR = re.compile(
    rf"(?:了)?(?:[(（](?P<alt>{one_of(CHANGE_WORDS)})[)）])?(?P<num>{NUM_B})(?:(?P<unit>{MONEY})|(?P<sign>%))?"
)
_CLAUSE_END = ",，;:。\n"


@dataclass
class _Anchor:
    """What one anchor gives the clauses after it (a 其中 continuation reuses the year and group)."""

    year: str
    start: int  # where the anchor (or the continuation sentence) starts
    tail: int  # where the clauses after it start
    pre_subject: str  # the subject printed before the anchor, if any
    pre_code: str | None
    pre_start: int
    printed: bool  # False for a 其中 continuation sentence
    group: int


def find_yoy(ex: Extractor) -> None:
    """Year-on-year facts, one per subject after each "与YYYY年度相比" anchor."""
    group = 0
    last_anchor_sentence = -10
    last_year = ""
    for k, (a, b) in enumerate(ex.t.sentences):
        sent = ex.mm[a:b]
        anchors = list(_ANCHOR.finditer(sent))
        continuation = sent.lstrip("\n").startswith("其中") and k == last_anchor_sentence + 1
        if not anchors and not continuation:
            continue
        if anchors:
            group += 1
            anchor = _anchor_at(ex, a, anchors[0], group)
            last_year = anchor.year
        else:
            anchor = _Anchor(last_year, a, a, "", None, a, printed=False, group=group)
        last_anchor_sentence = k
        _read_clauses(ex, a, b, anchor)


def _anchor_at(ex: Extractor, a: int, an: re.Match[str], group: int) -> _Anchor:
    """The anchor ``an`` of the sentence starting at ``a``, with the subject printed before it.

    Without a subject phrase right before the anchor, the latest subject printed
    before it in the sentence: an amount not used by another fact, or a fact
    (completion) itself.
    """
    year = an.group("year") or (an.group("prev") or "上年")
    anchor_start, tail_start = a + an.start(), a + an.end()
    pre_start = ex.clause_start(anchor_start, floor=a)
    pre_subject, pre_code = canonical_subject(ex.t.s[pre_start:anchor_start])
    if not pre_subject:
        cands = [
            (mt.num_start, mt.subject, mt.code, mt.start)
            for mt in ex.mentions
            if a <= mt.num_start < anchor_start and mt.subject and not ex.is_consumed(mt.num_start, mt.end)
        ]
        cands += [(f.start, f.subject, f.code, f.start) for f in ex.facts if a <= f.start < anchor_start and f.subject]
        if cands:
            _pos, pre_subject, pre_code, pre_start = max(cands, key=lambda c: c[0])
    return _Anchor(year, anchor_start, tail_start, pre_subject, pre_code, pre_start, printed=True, group=group)


def _read_clauses(ex: Extractor, a: int, b: int, anchor: _Anchor) -> None:
    """The yoy facts of the clauses after ``anchor`` in sentence [a, b)."""
    current: Draft | None = None
    first = anchor.printed
    for c_start, c_end in _clauses(ex, anchor.tail, b):
        clause = ex.mm[c_start:c_end]
        d = _DIR.search(clause)
        if not d or MASK in clause[: d.start()]:
            continue
        subject, code = canonical_subject(ex.t.s[c_start : c_start + d.start()])
        direction = d.group("dir").rstrip("了")
        after = _AFTER_DIR.match(ex.mm, c_start + d.end(), c_end)
        if after is None and direction != FLAT_WORD and c_start + d.end() < c_end:
            continue  # "减少了培训费支出": a verb, not a change figure
        is_pct = after is not None and (
            after.group("sign") is not None or (after.group("unit") is None and direction in PERCENT_CHANGE_WORDS)
        )
        is_amount = after is not None and after.group("unit") is not None
        new_needed = bool(subject) or current is None
        if not new_needed and current is not None:
            slot = "change_pct" if is_pct else "change"
            if slot in current.values or (not is_pct and not is_amount and current.words.get("direction")):
                new_needed = True
        if new_needed or current is None:
            current = _new_fact(ex, anchor, current, (subject, code), (c_start, c_end), a, first)
            first = False
        if is_pct and after is not None:
            current.values["change_pct"] = ex.pct(after, "num", "sign")
            current.words["pct_direction"] = direction
            if after.group("alt"):
                current.words["pct_direction_alt"] = after.group("alt")
            ex.consume(after.start("num"), after.end())
        elif is_amount and after is not None:
            current.values["change"] = ex.q(after.start("num"), after.end("unit"))
            current.words["direction"] = direction
            ex.consume(after.start("num"), after.end())
        elif direction == FLAT_WORD or not current.words.get("direction"):
            current.words["direction"] = direction
        current.end = max(current.end, (after.end() if after else c_start + d.end()))


def _new_fact(
    ex: Extractor,
    anchor: _Anchor,
    current: Draft | None,
    printed: tuple[str, str | None],
    clause: tuple[int, int],
    sentence_start: int,
    first: bool,
) -> Draft:
    """A new yoy fact for a clause: its own subject, else the one it continues or the anchor's."""
    subject, code = printed
    c_start, c_end = clause
    subj = subject or (current.subject if current else anchor.pre_subject)
    cd = code if subject else (current.code if current else anchor.pre_code)
    start = c_start if subject else (anchor.start if current is None else c_start)
    if current is None and not subject and anchor.pre_subject and anchor.printed:
        start = min(start, anchor.pre_start)
    words = {"direction": "", "pct_direction": "", "previous_year": anchor.year, "reason": ""}
    fact = ex.add(Draft("yoy", subj, start, c_end, code=cd, group=anchor.group, words=words))
    _current_amount(ex, fact, sentence_start, anchor.start if first else c_start)
    return fact


def _clauses(ex: Extractor, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    i = start
    for j in range(start, end):
        if ex.mm[j] in _CLAUSE_END and not thousands_comma(ex.mm, j):
            if j > i:
                out.append((i, j))
            i = j + 1
    if i < end:
        out.append((i, end))
    return out


def _current_amount(ex: Extractor, f: Draft, sentence_start: int, before: int) -> None:
    """The current-year amount of a yoy subject: the same subject's amount
    printed just before, in this or the previous sentence."""
    k = ex.t.sentence_index(sentence_start)
    lo = ex.t.sentences[k - 1][0] if k > 0 else 0
    cands = [
        mt
        for mt in ex.mentions
        if lo <= mt.num_start < before and mt.subject == f.subject and not ex.is_consumed(mt.num_start, mt.end)
    ]
    if cands:
        f.values["current"] = cands[-1].qty
