"""Budget completion: "年初预算(数)为 A，(支出)决算(数)为 B(，完成…预算的 R%)".

Also the reverse order ("决算数为 B，年初预算数为 A") and the actual-only form
("决算为 B，完成…预算的 R%"). The subject comes from the clause or from the
enclosing numbered 科目 item ("1. X（类）Y（款）Z（项）"); the 大于/小于/持平
comparison with the budget is attached afterwards (the reason by ``reasons``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from auditlib.profiles.narrative import (
    BUDGET_COMPARISON_WORDS,
    BUDGET_EQUAL_WORDS,
    BUDGET_KIND_PATTERN,
    RATE_BUDGET_KINDS,
)
from auditlib.reading.narrative.drafts import Draft
from auditlib.reading.narrative.quantities import MONEY, NUM_B
from auditlib.reading.narrative.subjects import canonical_subject, clean_phrase, kemu_path
from auditlib.reading.narrative.text import one_of

if TYPE_CHECKING:
    from auditlib.reading.narrative.extractor import Extractor

_RATE_KINDS = one_of(RATE_BUDGET_KINDS)
_BUDGET = rf"(?P<bkey>(?:{BUDGET_KIND_PATTERN})?预算(?:数|金额)?)(?:为|是|:)?(?P<budget>{NUM_B})(?P<bunit>{MONEY})"
_ACTUAL = rf"(?P<akey>(?:支出)?决算(?:数)?)(?:为|是|:)?(?P<actual>{NUM_B})(?P<aunit>{MONEY})"
_RATE = (
    rf"(?:完成(?:了)?(?:{_RATE_KINDS})?预算(?:数)?的?|(?:预算)?完成率(?:为|是)?"
    rf"|(?:决算数?)?(?:为|占)(?:{_RATE_KINDS})?预算(?:数)?的)"
    rf"(?P<rate>{NUM_B})(?P<rsign>%)?"
)
_COMPLETION = re.compile(_BUDGET + r"[,，;]?" + _ACTUAL + rf"(?:[,，。;]?{_RATE})?")
#: "决算数为 B，年初预算数为 A(，完成…)": the same facts in the other order
_COMPLETION_REV = re.compile(_ACTUAL + r"[,，;]?" + _BUDGET + rf"(?:[,，。;]?{_RATE})?")
_ACTUAL_ONLY = re.compile(_ACTUAL + r"[,，;]?" + _RATE)
_COMPARISON = re.compile(
    rf"(?:支出)?决算数?(?:(?P<c1>{one_of(BUDGET_COMPARISON_WORDS)})(?:{_RATE_KINDS})?预算数?"
    rf"|(?:与|同|和|较)(?:{_RATE_KINDS})?预算数?(?:基本)?(?P<c2>{one_of(BUDGET_EQUAL_WORDS)}))"
)
#: Another budget the sentence names before the completion ("年初预算为A万元，全年预算为B万元，…").
_OTHER_BUDGET = re.compile(
    rf"(?P<bkind>{BUDGET_KIND_PATTERN})预算(?:数|金额)?(?:为|是|:)?(?P<budget>{NUM_B})(?P<bunit>{MONEY})"
)
#: The budget kind a printed word names, by the slot it fills: ``budget_<slot>``.
_KIND_SLOT = {"年初": "initial", "年度": "initial", "全年": "full", "调整": "adjusted", "调整后": "adjusted"}
_NO_RATE = re.compile(r"不(?:计算|适用|涉及)[^。;，,]{0,4}完成率|无法计算完成率")
_CANONICAL_COMPARISON = {**BUDGET_COMPARISON_WORDS, **BUDGET_EQUAL_WORDS}


def find_completion(ex: Extractor) -> None:
    """Completion facts (budget, actual, rate), then the no-rate statements and comparison words."""
    found: list[tuple[int, int, re.Match[str], bool]] = []
    for m in _COMPLETION.finditer(ex.mm):
        found.append((m.start(), m.end(), m, True))
    for m in _COMPLETION_REV.finditer(ex.mm):
        if not any(a < m.end() and m.start() < b for a, b, _, _ in found):
            found.append((m.start(), m.end(), m, True))
    for m in _ACTUAL_ONLY.finditer(ex.mm):
        if any(a < m.end() and m.start() < b for a, b, _, _ in found):
            continue
        found.append((m.start(), m.end(), m, False))
    found.sort(key=lambda x: x[0])
    previous_end = 0
    for _start, end, m, has_budget in found:
        key = "bkey" if has_budget and m.start("bkey") < m.start("akey") else "akey"
        subject, code, words, span_start = _completion_subject(ex, m.start(key))
        others = _budgets_before(ex, m.start(key), previous_end) if has_budget else []
        if others and not subject:
            # "X年初预算为A万元，全年预算为B万元，支出决算为C万元": X heads the first budget's clause.
            subject, code, words, span_start = _completion_subject(ex, others[0].start())
        b = Draft("completion", subject, span_start, end, code=code, words=words)
        if has_budget:
            b.values["budget"] = ex.q(m.start("budget"), m.end("bunit"))
            b.words["budget_kind"] = _kind_slot(m.group("bkey"))
        b.values["actual"] = ex.q(m.start("actual"), m.end("aunit"))
        if m.group("rate") is not None:
            b.values["rate"] = ex.pct(m, "rate", "rsign")
            b.words["rate_kind"] = _kind_slot(ex.mm[m.end("aunit") : m.start("rate")])
        _other_budgets(ex, b, others)
        previous_end = end
        b.words.setdefault("comparison", "")
        b.words.setdefault("reason", "")
        ex.add(b)
        ex.consume(m.start(key), end)
    comps = [f for f in ex.facts if f.kind == "completion"]
    _mark_no_rate(ex, comps)
    _attach_comparisons(ex, comps)


def _kind_slot(words: str) -> str:
    """The budget kind (``initial``, ``full``, ``adjusted``) that ``words`` name, "" when none."""
    found = re.search(BUDGET_KIND_PATTERN, words)
    return _KIND_SLOT.get(found.group(0).rstrip("的"), "") if found else ""


def _budgets_before(ex: Extractor, start: int, floor: int) -> list[re.Match[str]]:
    """The budgets printed before ``start`` in its sentence, after ``floor`` (the previous completion)."""
    k = ex.t.sentence_index(start)
    if k >= len(ex.t.sentences):
        return []
    lo = max(ex.t.sentences[k][0], floor)
    return list(_OTHER_BUDGET.finditer(ex.mm, lo, start))


def _other_budgets(ex: Extractor, fact: Draft, others: list[re.Match[str]]) -> None:
    """Every budget the sentence names, by kind (``budget_initial``, ``budget_full``,
    ``budget_adjusted``): "年初预算为A万元，全年预算为B万元，支出决算为C万元，完成年初预算的R%" names two
    bases, and the rate must be checked against the one it names. Only budgets printed before the
    completion in the same sentence, after the previous completion, are taken (``_budgets_before``)."""
    if "budget" in fact.values and fact.words.get("budget_kind"):
        fact.values[f"budget_{fact.words['budget_kind']}"] = fact.values["budget"]
    for m in others:
        slot = _KIND_SLOT.get(m.group("bkind").rstrip("的"), "")
        if slot and f"budget_{slot}" not in fact.values:
            fact.values[f"budget_{slot}"] = ex.q(m.start("budget"), m.end("bunit"))


def _completion_subject(ex: Extractor, key_start: int) -> tuple[str, str | None, dict[str, str], int]:
    """Subject, code, words (item index) and span start of the completion whose key starts at ``key_start``."""
    start = ex.clause_start(key_start)
    phrase = ex.t.s[start:key_start]
    subject, code = canonical_subject(phrase)
    words: dict[str, str] = {}
    item = ex.item_at(key_start)
    span_start = start
    if item is not None:
        # inside a 科目 item the heading names the subject, whatever
        # wording ("主要用于：…，") precedes the figures
        if item.path and (not subject or kemu_path(clean_phrase(phrase)) is None):
            subject, code = item.path, item.code
            span_start = item.start
        if item.idx and (item.path and subject == item.path or item.body >= start - 1):
            words["item_index"] = item.idx
            span_start = min(span_start, item.start)
    return subject, code, words, span_start


def _mark_no_rate(ex: Extractor, comps: list[Draft]) -> None:
    """ "因年初未安排预算，不计算完成率": the text says why no rate is given."""
    for f in comps:
        nxt = min([g.start for g in comps if g.start >= f.end] + [len(ex.mm)])
        if "rate" not in f.values and _NO_RATE.search(ex.mm, f.end, nxt):
            f.words["no_rate"] = "true"


def _attach_comparisons(ex: Extractor, comps: list[Draft]) -> None:
    """Comparison words, attached by subject or to the latest completion in scope."""
    for k in _COMPARISON.finditer(ex.mm):
        word = _CANONICAL_COMPARISON[k.group("c1") or k.group("c2")]
        pre_start = ex.clause_start(k.start())
        pre_subject, _ = canonical_subject(ex.t.s[pre_start : k.start()])
        target = _completion_before(ex, comps, k.start(), pre_subject, "comparison")
        if target is not None:
            target.words["comparison"] = word
            target.end = max(target.end, k.end())


def _completion_before(ex: Extractor, comps: list[Draft], i: int, subject: str, slot: str) -> Draft | None:
    """The completion a word at ``i`` belongs to: the same subject, else the latest one in scope."""
    before = [f for f in comps if f.start <= i]
    if subject:
        same = [f for f in before if f.subject == subject and not f.words.get(slot)]
        if same:
            return same[-1]
    if not before:
        return None
    f = before[-1]
    if f.words.get(slot):
        return None
    # not across a new numbered item or sub-heading
    item_f, item_i = ex.item_at(f.start + 1), ex.item_at(i)
    if item_i is not None and item_f is not None and item_i.start != item_f.start:
        return None
    if "\n" in ex.mm[f.end : i]:
        return None
    if ex.t.sentence_index(i) - ex.t.sentence_index(max(f.end - 1, 0)) > 1:
        return None
    return f
