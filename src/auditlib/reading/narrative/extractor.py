"""The extractor core: the state every pass shares, and the order the passes run in.

Why a shared state: the passes are independent readings of one text, but they
must not read one figure twice — a change figure of a yoy fact is not also a
bare amount. Each pass marks what it used (``consume``); the last pass, amounts,
takes only what is left. The passes themselves live in one module per kind of
fact and are functions of this state.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from auditlib.profiles.narrative import KEMU_HEAD_FOLLOWERS
from auditlib.reading.narrative.amounts import find_amounts, find_shares, find_split
from auditlib.reading.narrative.completion import find_completion
from auditlib.reading.narrative.drafts import Draft, Item, Mention
from auditlib.reading.narrative.model import Quantity
from auditlib.reading.narrative.other_matters import find_operating_cost, find_procurement, find_vehicles
from auditlib.reading.narrative.performance import find_performance
from auditlib.reading.narrative.quantities import MONEY, NUM_B, parse_quantity
from auditlib.reading.narrative.reasons import attach_reasons, find_reasons
from auditlib.reading.narrative.statements import find_empty, find_placeholders
from auditlib.reading.narrative.subjects import canonical_subject, kemu_path, title_kemu_path
from auditlib.reading.narrative.text import BOUND, MASK, SENT_END, NarrativeText, one_of, thousands_comma
from auditlib.reading.narrative.yoy import find_yoy

_MENTION = re.compile(rf"(?P<num>{NUM_B})(?P<unit>{MONEY})")
_ITEM = re.compile(
    r"(?:(?<=[。;:：\n□])|^)(?P<idx>(?P<n1>\d{1,3}|[一二三四五六七八九十]{1,3})[.、．](?!\d)|[(（](?P<n2>\d{1,3})[)）])"
)
_KEMU_HEAD = re.compile(
    r"(?P<head>[^。;:\n,，\d□]{1,80}?[(（]类[)）][^。;:\n\d□]{0,160}?)"
    rf"(?=[。;:\n,，]|{one_of(KEMU_HEAD_FOLLOWERS)}|$)"
)


class Extractor:
    """One section text being read: the text, its masked copy, the money mentions, items and drafts."""

    def __init__(self, text: str, title: str = ""):
        self.t = NarrativeText(text)
        self.title = title
        self.facts: list[Draft] = []
        self.consumed: list[tuple[int, int]] = []
        #: subject given to a money mention by the fact that used it (a share then names that subject)
        self.subject_override: dict[int, str] = {}
        self.reasons = find_reasons(self.t)
        masked = list(self.t.m)
        for r in self.reasons:
            for i in range(r.marker, r.end):
                if masked[i] not in SENT_END:
                    masked[i] = MASK
        #: the matching text with every stated reason masked
        self.mm = "".join(masked)
        self.mentions = self._find_mentions()
        self.items = self._find_items()

    def run(self) -> list[Draft]:
        """Run every pass in its order (later passes see what earlier ones consumed)."""
        find_completion(self)
        find_yoy(self)
        find_performance(self)
        find_procurement(self)
        find_vehicles(self)
        find_operating_cost(self)
        find_split(self)
        find_empty(self)
        find_placeholders(self)
        find_shares(self)
        find_amounts(self)
        attach_reasons(self)
        return self.facts

    # ---------------------------------------------------------- helpers

    def q(self, start: int, end: int, *, missing_percent: bool = False, unit: str | None = None) -> Quantity:
        """Quantity from the normalised text slice [start, end)."""
        printed = self.t.s[start:end]
        qty = parse_quantity(self.t.m[start:end])
        u = printed[len(printed) - len(qty.unit) :] if qty.unit else ""
        return Quantity(
            value=qty.value, unit=u if unit is None else unit, text=printed, missing_percent=missing_percent
        )

    def pct(self, m: re.Match[str], num: str, sign: str, offset: int = 0) -> Quantity:
        """The percentage of groups ``num`` and ``sign`` of a match (made at ``offset``); the sign may be missing."""
        has_sign = m.group(sign) is not None
        end = offset + (m.end(sign) if has_sign else m.end(num))
        return self.q(offset + m.start(num), end, missing_percent=not has_sign, unit="%" if has_sign else "")

    def consume(self, start: int, end: int) -> None:
        self.consumed.append((start, end))

    def is_consumed(self, start: int, end: int) -> bool:
        return any(a < end and start < b for a, b in self.consumed)

    def clause_start(self, i: int, bound: Iterable[str] = BOUND, floor: int = 0) -> int:
        """Start of the clause that ends at i (after the last delimiter)."""
        s = self.mm
        j = i
        while j > floor:
            ch = s[j - 1]
            if ch in bound and not thousands_comma(s, j - 1):
                # "收、支总计": a 、 inside a two-character word is not a delimiter
                if ch == "、" and j - 2 >= 0 and s[j - 2] == "收" and j < len(s) and s[j] == "支":
                    j -= 1
                    continue
                break
            j -= 1
        return j

    def add(self, b: Draft) -> Draft:
        self.facts.append(b)
        return b

    def item_at(self, i: int) -> Item | None:
        for it in self.items:
            if it.start <= i < it.end:
                return it
        return None

    # ---------------------------------------------------------- mentions and items

    def _find_mentions(self) -> list[Mention]:
        """Every "… NUMBER 万元/元" with the subject of its clause."""
        out: list[Mention] = []
        prev_end = 0
        for m in _MENTION.finditer(self.mm):
            start = self.clause_start(m.start(), floor=prev_end)
            phrase = self.t.s[start : m.start()]
            subject, code = canonical_subject(phrase)
            qty = self.q(m.start("num"), m.end("unit"))
            out.append(
                Mention(
                    start=start + (len(phrase) - len(phrase.lstrip("，,。;；:：、("))),
                    num_start=m.start(),
                    end=m.end(),
                    subject=subject,
                    code=code,
                    qty=qty,
                )
            )
            prev_end = m.end()
        return out

    def _find_items(self) -> list[Item]:
        """Numbered items ("1." "1、" "（1）"), with their 科目 path if any.

        Why: the per-项 list names its subject once, in the item heading, and
        the figures follow in the next sentence; an item's scope runs to the
        next numbered item or sub-heading.
        """
        items: list[Item] = []
        starts = list(_ITEM.finditer(self.mm))
        for k, m in enumerate(starts):
            body_start = m.end()
            head = _KEMU_HEAD.match(self.mm, body_start)
            path = code = None
            head_end = body_start
            if head:
                res = kemu_path(self.t.s[head.start("head") : head.end("head")])
                if res:
                    path, code = res
                    head_end = head.end()
            nxt = starts[k + 1].start() if k + 1 < len(starts) else len(self.mm)
            nl = self.mm.find("\n", body_start)
            end = min(nxt, nl if nl >= 0 else len(self.mm))
            idx = m.group("n1") or m.group("n2")
            items.append(Item(m.start(), body_start, end, idx, path, code, head_end))
        # a section whose title is itself a 科目 heading
        res = title_kemu_path(self.title)
        if res:
            first = items[0].start if items else len(self.mm)
            items.insert(0, Item(0, 0, first, None, res[0], res[1], 0))
        return items
