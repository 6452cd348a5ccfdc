"""Amounts and their relations: 基本支出 = 人员经费 + 公用经费, every "占…X%", every remaining amount.

These passes run last: a share names the amount printed before it, and an
amount is every "subject NUMBER 万元/元" that no earlier pass has used as a
budget, change, procurement or performance figure.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from auditlib.profiles.narrative import CHANGE_WORDS, SPLIT_PARTS, SPLIT_TOTAL
from auditlib.reading.narrative.drafts import Draft, Mention
from auditlib.reading.narrative.model import Quantity
from auditlib.reading.narrative.quantities import MONEY, NUM_B
from auditlib.reading.narrative.subjects import canonical_subject
from auditlib.reading.narrative.text import one_of

if TYPE_CHECKING:
    from auditlib.reading.narrative.extractor import Extractor

_SPLIT_PART = re.compile(rf"(?P<name>{one_of(SPLIT_PARTS)})(?:支出)?(?:为|是|:)?(?P<n>{NUM_B})(?P<u>{MONEY})")
_ITEMS = re.compile(r"(?:主要)?(?:包括|用于)[:：]?(?P<items>[^。;]+)")
_ITEMS_END = re.compile(r"等(?:支出)?$")
_SHARE = re.compile(
    rf"占(?!用|有|地)(?P<of>[^,，;。:\d%□\n]{{0,30}}?)(?:的比[例重])?(?:的)?(?:比[例重])?(?:为|是|达)?"
    rf"(?P<n>{NUM_B})(?P<s>%)?(?![年月日个辆台人次批万元亿])"
)
_LISTING = re.compile(r"[,，。]?(?:其中|主要用于|具体)")
_TOTAL_HEAD = re.compile(r"(?P<x>[^,，;。\n]{2,40}?)中[,，]")
_DIR_END = re.compile(rf"(?:{one_of(CHANGE_WORDS)})$")
_NOT_HAN = re.compile(r"[^\u4e00-\u9fff]")
_SPLIT_SCOPE = 1200  # characters after a 基本支出 figure in which its parts are looked for


def find_split(ex: Extractor) -> None:
    """基本支出 = 人员经费 + 公用经费, with the listed 经济分类 items."""
    totals = [mt for mt in ex.mentions if mt.subject.endswith(SPLIT_TOTAL)]
    for k, mt in enumerate(totals):
        limit = totals[k + 1].num_start if k + 1 < len(totals) else len(ex.mm)
        limit = min(limit, mt.end + _SPLIT_SCOPE)
        f = Draft("split", mt.subject, mt.start, mt.end, code=mt.code)
        f.values["total"] = mt.qty
        for pm in _SPLIT_PART.finditer(ex.mm, mt.end, limit):
            name = pm.group("name")
            if name in f.values:
                continue
            f.values[name] = ex.q(pm.start("n"), pm.end("u"))
            f.end = pm.end()
            _split_items(ex, f, name, pm.end(), limit)
        if len(f.values) > 1:
            ex.add(f)


def _split_items(ex: Extractor, f: Draft, name: str, start: int, limit: int) -> None:
    """The 经济分类 items a part lists ("主要包括：工资福利支出…等"), up to its clause's end or the next part."""
    stop = len(ex.mm)
    for ch in "。;":
        j = ex.mm.find(ch, start, limit)
        if j >= 0:
            stop = min(stop, j)
    nxt = _SPLIT_PART.search(ex.mm, start, limit)
    if nxt:
        stop = min(stop, nxt.start())
    im = _ITEMS.search(ex.mm, start, stop)
    if im:
        items = ex.t.s[im.start("items") : im.end("items")].strip("，,。;；:： ")
        f.words[f"{name}_items"] = _ITEMS_END.sub("", items)
        f.end = im.end()


def find_shares(ex: Extractor) -> None:
    """Every "…X万元，占Y%" (and "占Y" without its sign), with what it is a share of."""
    last_used = -1
    for m in _SHARE.finditer(ex.mm):
        start = ex.clause_start(m.start())
        own = [mt for mt in ex.mentions if start <= mt.num_start and mt.end <= m.start()]
        a, _b = ex.t.sentence_of(m.start())
        amount: Quantity | None = None
        mention: Mention | None = None
        phrase_subject, code = canonical_subject(ex.t.s[start : m.start()])
        if own:
            mention = own[-1]
        elif not phrase_subject:
            prev = [mt for mt in ex.mentions if a <= mt.num_start and mt.end <= m.start() and mt.num_start > last_used]
            if prev:
                mention = prev[-1]
        if mention is not None:
            subject = ex.subject_override.get(mention.num_start, mention.subject)
            code, amount = mention.code, mention.qty
            span_start = mention.start
            last_used = mention.num_start
        else:
            subject = phrase_subject
            span_start = start
        f = Draft("share", subject, span_start, m.end(), code=code)
        if amount is not None:
            f.values["amount"] = amount
        f.values["share"] = ex.pct(m, "n", "s")
        of = ex.t.s[m.start("of") : m.end("of")].strip()
        of = re.sub(r"的$", "", of)
        if not of:
            of = _implicit_total(ex, a, mention.num_start if mention else m.start())
            if of:
                f.words["of_inferred"] = "true"
        f.words["of"] = of
        ex.add(f)


def _implicit_total(ex: Extractor, sentence_start: int, before: int) -> str:
    """The total a bare "占X%" refers to: "X万元，其中：/主要用于…" or "X决算中，"."""
    for mt in reversed([mt for mt in ex.mentions if sentence_start <= mt.num_start < before]):
        follow = ex.mm[mt.end : mt.end + 14]
        if _LISTING.match(follow) and mt.subject:
            return mt.subject
    head = _TOTAL_HEAD.match(ex.mm[sentence_start:before])
    if head:
        subj, _ = canonical_subject(ex.t.s[sentence_start : sentence_start + head.end("x")])
        return subj
    k = ex.t.sentence_index(sentence_start)
    if ex.mm[sentence_start : sentence_start + 2] == "其中" and k > 0:
        a, b = ex.t.sentences[k - 1]
        lead = [mt for mt in ex.mentions if a <= mt.num_start < b and mt.subject]
        if lead:
            return lead[0].subject
    return ""


def find_amounts(ex: Extractor) -> None:
    """Every remaining "subject NUMBER 万元/元": the current-year amounts."""
    for mt in ex.mentions:
        if ex.is_consumed(mt.num_start, mt.end) or not mt.subject:
            continue
        if _DIR_END.search(mt.subject) or "单价" in mt.subject:
            continue
        if ex.mm[mt.end : mt.end + 4].startswith(("(含)", "以上")):
            continue
        if len(_NOT_HAN.sub("", mt.subject)) < 2:
            continue
        f = Draft("amount", mt.subject, mt.start, mt.end, code=mt.code)
        f.values["amount"] = mt.qty
        ex.add(f)
