"""Stated reasons ("主要原因是…"): found first and masked, attached last to the fact they explain.

Why masked: a reason often quotes figures ("较上一年度增加1133.95万元") that
are not facts of their own; the extractor's passes read a copy of the text in
which every reason is masked, so a number inside a reason is never taken for a fact.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from auditlib.profiles.narrative import BASIC_CHANGE_WORDS, FLAT_WORD, REASON_PATTERN
from auditlib.reading.narrative.drafts import Draft, Reason
from auditlib.reading.narrative.subjects import canonical_subject, is_known_subject
from auditlib.reading.narrative.text import NarrativeText, last_bound, one_of

if TYPE_CHECKING:
    from auditlib.reading.narrative.extractor import Extractor

_REASON = re.compile(REASON_PATTERN)
_CLAIMED = re.compile(r"原因(?:是|为|:)")
_DIRECTION_END = re.compile(rf"(?:{one_of((*BASIC_CHANGE_WORDS, FLAT_WORD))})$")


def find_reasons(t: NarrativeText) -> list[Reason]:
    """Stated reasons: from "主要原因" to the end of its sentence."""
    out: list[Reason] = []
    m_text = t.m
    for m in _REASON.finditer(m_text):
        token = m.group(0)
        if "主要" not in token and not _CLAIMED.search(token):
            continue
        if out and m.start() < out[-1].end:
            continue
        a, end = t.sentence_of(m.start())
        # "公务接待费支出减少的主要原因是…" names the fact it explains
        pre = m_text[a : m.start()]
        prefix_subject = ""
        pre_clause = pre[last_bound(pre) :]
        if pre_clause:
            prefix_subject, _ = canonical_subject(_DIRECTION_END.sub("", pre_clause))
            if prefix_subject and not is_known_subject(prefix_subject):
                prefix_subject = ""
        start = m.start()
        # keep "的" with the comparison phrase, not with the masked region
        if m_text[start] == "的":
            start += 1
        out.append(Reason(marker=start, text_start=m.end(), end=end, prefix_subject=prefix_subject))
    return out


def reason_text(t: NarrativeText, r: Reason) -> str:
    """The printed reason, without its marker and closing punctuation."""
    return t.s[r.text_start : r.end].strip("，,。;；:： ")


def attach_reasons(ex: Extractor) -> None:
    """Give each stated reason to the completion or yoy fact it explains.

    A reason names its subject ("公务接待费支出减少的主要原因是…") or
    follows its fact in the same or the next sentence; a yoy reason after
    a list of sub-items explains the whole list.
    """
    targets = [f for f in ex.facts if f.kind in ("completion", "yoy")]
    for r in ex.reasons:
        text = reason_text(ex.t, r)
        before = [f for f in targets if f.start <= r.marker]
        if not before:
            continue
        chosen = _named_target(before, r) if r.prefix_subject else None
        if chosen is None:
            chosen = _following_target(ex, before, r)
        if chosen is None:
            continue
        chosen.words["reason"] = text
        if chosen.kind == "yoy" and not r.prefix_subject:
            for g in targets:
                if g.kind == "yoy" and g.group == chosen.group and not g.words.get("reason"):
                    g.words["reason"] = text


def _named_target(before: list[Draft], r: Reason) -> Draft | None:
    """The latest fact without a reason whose subject the reason names."""
    same = [f for f in before if f.subject == r.prefix_subject and not f.words.get("reason")]
    return same[-1] if same else None


def _following_target(ex: Extractor, before: list[Draft], r: Reason) -> Draft | None:
    """The fact the reason follows: in the same or the next sentence, same numbered item, no reason yet."""
    f = max(before, key=lambda x: (x.end, x.start))
    ri, fi = ex.t.sentence_index(r.marker), ex.t.sentence_index(max(f.end - 1, f.start))
    if ri - fi > 1 or "\n" in ex.mm[f.end : r.marker]:
        return None
    item_f, item_r = ex.item_at(f.start + 1), ex.item_at(r.marker)
    if f.kind == "completion" and item_r is not None and item_f is not None and item_r.start != item_f.start:
        return None
    if f.words.get("reason"):
        return None
    return f
