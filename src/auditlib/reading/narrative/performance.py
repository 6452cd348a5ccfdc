"""预算绩效 (performance): counts of projects and funds, per-project budget and execution, grades.

Recognised by 执行数 (execution, never used for 决算) or by a project count,
funds figure or self-evaluation heading in a sentence that speaks of 绩效.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from auditlib.profiles.narrative import (
    PERFORMANCE_DEFAULT_SUBJECT,
    PERFORMANCE_HEADING_SUFFIXES,
    PERFORMANCE_SUBJECTS,
    PERFORMANCE_WORD,
)
from auditlib.reading.narrative.drafts import Draft
from auditlib.reading.narrative.quantities import MONEY, NUM_B
from auditlib.reading.narrative.text import one_of

if TYPE_CHECKING:
    from auditlib.reading.narrative.extractor import Extractor

_HEAD = re.compile(
    r"^(?:\d{1,3}[.、．]|[(（]\d{1,3}[)）]|[一二三四五六七八九十]{1,3}、)?(?P<name>[^:,，。;]{2,60}?)"
    rf"(?:{one_of(PERFORMANCE_HEADING_SUFFIXES)})[:：]"
)
_COUNT = re.compile(rf"(?:项目(?P<n1>{NUM_B})个|(?P<n2>{NUM_B})个(?:一级|二级|重点)?项目)")
_UNITS = re.compile(rf"对(?P<n>{NUM_B})个部门")
_FUNDS = re.compile(rf"(?:资金|预算金额|项目资金)(?:总额)?(?:为|共计|共|合计)?(?P<n>{NUM_B})(?P<u>{MONEY})")
_BUDGET = re.compile(rf"预算数(?:为)?(?P<n>{NUM_B})(?P<u>{MONEY})")
_ACTUAL = re.compile(rf"执行数(?:为)?(?P<n>{NUM_B})(?P<u>{MONEY})")
_RATE = re.compile(rf"(?:完成预算的|(?:预算)?执行率(?:为)?)(?P<n>{NUM_B})(?P<s>%)?")
_SHARE = re.compile(rf"占(?P<of>[^,，;。\d□]{{0,30}}?)的?(?P<n>{NUM_B})(?P<s>%)?")
_SCORE = re.compile(rf"平均得分(?:为)?(?P<n>{NUM_B})分")
_GRADE = re.compile(rf"绩效评级为[“\"]?(?P<g>[^”\"]{{1,4}})[”\"]?的项目(?P<n>{NUM_B})个")
_SUBJECTS = [(re.compile(p), subject) for p, subject in PERFORMANCE_SUBJECTS]


def find_performance(ex: Extractor) -> None:
    """One performance fact per sentence (or numbered item) that reports 绩效 figures."""
    last: Draft | None = None
    for a, b in _units(ex):
        unit = ex.mm[a:b]
        grade = list(_GRADE.finditer(unit))
        head = _HEAD.match(unit)
        count = _COUNT.search(unit)
        funds = _FUNDS.search(unit)
        actual = _ACTUAL.search(unit)
        perf_ctx = PERFORMANCE_WORD in unit or PERFORMANCE_WORD in ex.title
        if grade and last is not None and not (funds or actual):
            # "绩效评级为“优”的项目3个" continues the fact before
            for gm in grade:
                last.values[f"grade_{gm.group('g')}"] = ex.q(a + gm.start("n"), a + gm.end("n") + 1)
                last.end = max(last.end, a + gm.end())
            continue
        if not (actual or (perf_ctx and (count or funds or head))):
            continue
        subject = ex.t.s[a + head.start("name") : a + head.end("name")] if head else _subject(unit)
        f = Draft("performance", subject, a + len(unit) - len(unit.lstrip("\n")), b)
        if count:
            n = "n1" if count.group("n1") else "n2"
            f.values["projects"] = ex.q(a + count.start(n), a + count.end(n) + 1)
        units = _UNITS.search(unit)
        if units and "整体" in unit:
            f.values["units"] = ex.q(a + units.start("n"), a + units.end("n") + 1)
        for key, m in (("funds", funds), ("budget", _BUDGET.search(unit)), ("actual", actual)):
            if m:
                f.values[key] = ex.q(a + m.start("n"), a + m.end("u"))
                ex.consume(a + m.start("n"), a + m.end("u"))
        _read_rates(ex, f, a, unit)
        for gm in grade:
            f.values[f"grade_{gm.group('g')}"] = ex.q(a + gm.start("n"), a + gm.end("n") + 1)
        # the fact's own money mentions must not become bare amounts
        for mt in ex.mentions:
            if a <= mt.num_start < b:
                ex.subject_override[mt.num_start] = subject
                ex.consume(mt.num_start, mt.end)
        f.end = a + len(unit.rstrip("。;\n"))
        ex.add(f)
        last = f


def _subject(unit: str) -> str:
    """The subject of a performance sentence without a "X绩效自评综述：" heading."""
    for pattern, subject in _SUBJECTS:
        if pattern.search(unit):
            return subject
    return PERFORMANCE_DEFAULT_SUBJECT


def _read_rates(ex: Extractor, f: Draft, a: int, unit: str) -> None:
    """Execution rate, share (with what it is a share of) and average score of the sentence at ``a``."""
    rate = _RATE.search(unit)
    if rate:
        f.values["rate"] = ex.pct(rate, "n", "s", offset=a)
    share = _SHARE.search(unit)
    if share:
        f.values["share"] = ex.pct(share, "n", "s", offset=a)
        f.words["of"] = ex.t.s[a + share.start("of") : a + share.end("of")]
    score = _SCORE.search(unit)
    if score:
        f.values["average_score"] = ex.q(a + score.start("n"), a + score.end("n") + 1)


def _units(ex: Extractor) -> list[tuple[int, int]]:
    """The text cut into sentences and numbered items."""
    cuts = {0, len(ex.mm)}
    for i, ch in enumerate(ex.mm):
        if ch in "。;\n":
            cuts.add(i + 1)
    for it in ex.items:
        cuts.add(it.start)
    cuts_sorted = sorted(cuts)
    return [(a, b) for a, b in zip(cuts_sorted, cuts_sorted[1:]) if b > a]
