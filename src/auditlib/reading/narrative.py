"""Typed facts from the narrative (情况说明) of a final-accounts report.

Why: the audit compares what the text says with what the tables print
(docs/domain.md section 3, "Narrative against tables"). The rules should reason
about facts such as "收入合计 is 2,360.7万元, 2,196.6万元 less than in 2022,
down 48.2%, because 项目减少", not about Chinese prose. This module turns the
prose into ``Fact`` records and nothing else: pure functions, no file I/O, no
judgement (a wrong percentage is extracted as printed; the rules decide).

How: the text comes from a PDF text layer, so sentences break across lines
and pages and stray spaces appear inside numbers ("1,842.35 万元",
"2023 年度"). Each section text is first *normalised*: whitespace is dropped
(a single space is kept only where it separates two ASCII letters/digits, so
two numbers never merge), full-width digits/%/parentheses/colons are mapped to
ASCII for matching, and sub-headings such as "（一）…情况" keep their line end
as a hard break. Offsets into that normalised text map back to the original
section text, so a ``Span`` (start, end) always indexes ``section.text``.

Extraction is a set of small passes, each built from short regexes with named
groups, run over the normalised text with the stated reasons ("主要原因是…")
masked out, so a number inside a reason is never taken for a fact:

- ``yoy``: anchored at "与2022年度相比 / 比2023年度 / 与上一年度 / 同比";
  the clauses after the anchor (and a following sentence starting with 其中)
  give one fact per subject (sub-items such as 三公 items included);
- ``completion``: "年初预算(数)为 A，(支出)决算(数)为 B(，完成…预算的 R%)" and
  the actual-only form "决算为 B，完成…预算的 R%"; its subject comes from the
  clause or from the enclosing numbered 科目 item ("1. X（类）Y（款）Z（项）");
  the 大于/小于/持平 comparison and the reason are attached afterwards;
- ``procurement``, ``vehicles``, ``operating_cost``, ``performance``,
  ``split`` (基本支出 = 人员经费 + 公用经费), ``empty_statement``,
  ``placeholder``;
- ``share``: every "占…X%" (the percent sign may be missing: ``占76.23``);
- ``amount``: every remaining "subject NUMBER 万元/元" that no other pass has
  used as a budget, change, procurement or performance figure.

Subjects are normalised to a small vocabulary ("收入合计", "三公经费",
"因公出国(境)费" …) or, for 功能分类 科目, to a "类/款/项" path; anything else
keeps its printed wording minus years, numbering and trailing 为/是/决算.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

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


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class Span:
    """Where a fact is printed.

    ``start``/``end`` index the section text as given (``section.text``);
    ``text`` is the printed text of the fact with the PDF's line breaks and
    stray spaces removed (the characters themselves are as printed; one space
    is kept only where it separates two ASCII letters or digits).
    """

    section: str
    page: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Quantity:
    """A printed number: exact value with its printed places, unit as printed."""

    value: Decimal
    unit: str
    text: str
    missing_percent: bool = False


@dataclass(frozen=True)
class Fact:
    kind: str
    subject: str
    code: str | None
    values: dict[str, Quantity]
    words: dict[str, str]
    span: Span


KINDS = (
    "amount",
    "share",
    "yoy",
    "completion",
    "split",
    "procurement",
    "vehicles",
    "operating_cost",
    "performance",
    "placeholder",
    "empty_statement",
)
_KIND_ORDER = {k: i for i, k in enumerate(KINDS)}


# ---------------------------------------------------------------- numbers

#: One printed number (ASCII after normalisation): thousands separators
#: optional, places kept. Anchored against neighbouring digits so "2,360.7"
#: is never read as "360.7".
NUM = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUM_B = rf"(?<![\d.,])(?:{NUM})(?![\d])(?!,\d{{3}})"
#: Money units; a bare 万 only when punctuation follows ("0.39 万（含…").
MONEY = r"(?:万元|亿元|元|万(?=[(),，。;、]))"

_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９．％（）：；Ｘｘ－",
    "0123456789.%():;Xx-",
)
_NUMBER_TEXT = re.compile(rf"^(?P<num>{NUM})(?P<unit>.*)$")


def _to_decimal(num: str) -> Decimal:
    return Decimal(num.replace(",", "").replace("−", "-"))


def parse_quantity(text: str) -> Quantity:
    """Parse "2,360.7万元", "48.2%", "0 辆", "１２.５%" into a Quantity.

    The value keeps the printed places (``Decimal("2360.70")`` stays two
    places) because the rules compare at the printed precision. Spaces,
    full-width digits and a full-width % are tolerated; the unit is returned as
    printed with spaces removed. Text that does not start with a number raises
    ValueError (a placeholder "XX万元" is not a quantity).
    """
    raw = re.sub(r"\s+", "", str(text))
    m = _NUMBER_TEXT.match(raw.translate(_FULLWIDTH).replace("−", "-"))
    if not m:
        raise ValueError(f"not a quantity: {text!r}")
    try:
        value = _to_decimal(m.group("num"))
    except InvalidOperation as exc:  # pragma: no cover - regex guards this
        raise ValueError(f"not a quantity: {text!r}") from exc
    unit = raw[m.start("unit") :]
    return Quantity(value=value, unit=unit, text=raw)


def parse_percent(text: str) -> Decimal | None:
    """The number of a printed percentage ("48.2%", "48.2 ％", "76.23").

    The % sign is optional so that a share printed without it can still be
    checked (the caller flags it); anything else gives None.
    """
    raw = re.sub(r"\s+", "", str(text)).translate(_FULLWIDTH)
    m = re.fullmatch(rf"(?P<num>{NUM})%?", raw)
    if not m:
        return None
    return _to_decimal(m.group("num"))


# ---------------------------------------------------------------- subjects

_NUMBERING = re.compile(
    r"^(?:\d{1,3}[.、．](?!\d)|[(（](?:\d{1,3}|[一二三四五六七八九十]{1,3})[)）]|[一二三四五六七八九十]{1,3}、)"
)
_LEVEL_MARK = re.compile(r"[(（](类|款|项)[)）]")
_YEAR_PREFIX = re.compile(r"^.*?\d{4}年度?(?:末)?")
_ANCHOR_IN_SUBJECT = re.compile(
    r"(?:与|同|较|比)(?:上一?年度?|上年同期|\d{4}年度?)(?:同期)?(?:决算数?)?(?:相比|相较|比较|对比)?|同比|环比"
)

#: Vocabulary: (pattern, canonical name or None = the matched text). Order
#: matters: specific names first ("“三公”经费财政拨款支出" is 三公经费, not a
#: 财政拨款支出).
_VOCABULARY: list[tuple[re.Pattern[str], str | None]] = [
    (re.compile(p), c)
    for p, c in [
        (r"公务用车购置及运行(?:维护)?费?", "公务用车购置及运行维护费"),
        (r"(?<!国内)公务用车购置(?:费|支出)?", "公务用车购置费"),
        (r"(?<!国内)公务用车运行(?:维护)?(?:费|支出)", "公务用车运行维护费"),
        (r"因公出国[(（]境[)）](?:费用?|支出)?", "因公出国(境)费"),
        (r"^(?:[“\"]?)公务接待(?:费|支出)", "公务接待费"),
        (r"三公[”\"]?经费", "三公经费"),
        (r"机关运行经费", "机关运行经费"),
        (r"政府采购(?:支出)?(?:总额|总金额|金额)", "政府采购"),
        (r"财政拨款收、?支总计|财政拨款收入支出总计|财政拨款收支总计", "财政拨款收支总计"),
        (r"收、?支总计|收入支出总计", "收支总计"),
        (r"(?<!拨款)收入合计", "收入合计"),
        (r"(?<!拨款)支出合计", "支出合计"),
        (r"人员经费", "人员经费"),
        (r"公用经费", "公用经费"),
        (r"一般公共预算财政拨款(?:基本|项目)?(?:支出|收入)", None),
        (r"政府性基金预算财政拨款(?:基本|项目)?(?:支出|收入)", None),
        (r"国有资本经营预算财政拨款(?:基本|项目)?(?:支出|收入)", None),
        (r"(?:(?:一般公共预算|政府性基金预算|国有资本经营预算)?财政拨款)?年[初末](?:财政拨款)?结转和?结余", None),
        (r"财政拨款(?:收入|支出)", None),
        (r"^(?:本年)?(?:上级补助收入|事业收入|经营收入|附属单位上缴收入|其他收入)", None),
        (r"^(?:本年)?(?:基本支出|项目支出|上缴上级支出|经营支出|对附属单位补助支出)", None),
    ]
]


def _kemu_path(text: str) -> tuple[str, str | None] | None:
    """ "X（类）Y（款）Z（项）" -> ("X/Y/Z", code). None if no level marker.

    Why: the narrative names 科目 by their names with level markers, the
    tables by code and name; a path of names is what both sides share. A
    trailing name without "（项）" (seen in the seed) is kept as the 项, and the
    "X(类)支出" form of structure lists gives the 类 name "X支出".
    """
    if not _LEVEL_MARK.search(text):
        return None
    code_m = re.search(r"(?<!\d)(\d{3}|\d{5}|\d{7})(?!\d)", text)
    code = code_m.group(1) if code_m else None
    body = re.sub(r"(?<!\d)(\d{3}|\d{5}|\d{7})(?!\d)", "", text)
    parts = _LEVEL_MARK.split(body)
    names: list[str] = []
    # parts = [name, level, name, level, ..., rest]
    for i in range(0, len(parts) - 1, 2):
        names.append(parts[i].strip("，,。.、:："))
    rest = parts[-1].strip("，,。.、:：")
    if rest:
        if rest == "支出" and names:
            names[-1] += rest
        else:
            names.append(rest)
    names = [n for n in names if n]
    return ("/".join(names), code) if names else None


def _clean_phrase(phrase: str) -> str:
    """Drop numbering, years, "其中", trailing 为/是/决算 from a subject phrase."""
    p = phrase.strip().strip("，,。;；:：、□ ")
    for _ in range(3):
        p = _NUMBERING.sub("", p).lstrip("，,。;；:：、 ")
        p = re.sub(r"^(?:其中|含|包括|另外|另|[(（])+", "", p)
    p = _ANCHOR_IN_SUBJECT.sub("", p)
    if re.search(r"\d{4}年", p):
        p2 = _YEAR_PREFIX.sub("", p)
        if p2:
            p = p2
    p = re.sub(r"^(?:本部门|本单位|我部门|我单位|全年|当年|本年度)", "", p)
    for _ in range(3):
        p = re.sub(r"(?:为|是|达到?|共计|总计为|:|：|的|各)$", "", p)
        p = re.sub(r"决算数?$", "", p) if not re.fullmatch(r"(?:支出)?决算数?", p) else p
    return p.strip("，,。;；:：、 ")


def canonical_subject(phrase: str) -> tuple[str, str | None]:
    """Normalise a printed subject phrase: (subject, 功能分类 code or None).

    Known totals and 三公 items map to one fixed name so that rules can look
    them up; 科目 phrases with （类）（款）（项） markers become a "/" path;
    anything else keeps its cleaned printed wording.
    """
    p = _clean_phrase(phrase)
    if not p:
        return "", None
    path = _kemu_path(p)
    if path is not None:
        return path
    for pattern, canonical in _VOCABULARY:
        m = pattern.search(p)
        if m:
            return (canonical or m.group(0).removeprefix("本年")), None
    return p, None


# ---------------------------------------------------------------- normalised text

_HEADING_LINE = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|第[一二三四五六七八九十]+部分)[^。]{0,40}。?$")
_MONEY_OR_PCT = re.compile(r"\d\s*(?:万元|元|%|％)")
_BOUND = set("，,。;；:：、!?！？\n□")
_SENT_END = set("。!?！？\n")
_MASK = "□"
_INVISIBLE = set("\u200b\u200c\u200d\u2060\ufeff\u00ad")


def _thousands_comma(s: str, i: int) -> bool:
    """An ASCII comma between digits is a thousands separator, not a clause break."""
    return s[i] == "," and 0 < i < len(s) - 1 and s[i - 1].isdigit() and s[i + 1].isdigit()


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class _Text:
    """A section text with whitespace removed and an offset map back.

    ``s`` holds the printed characters, ``m`` the same characters mapped 1:1
    to ASCII digits/%/()/:/; for matching, ``pos[i]`` the offset of ``s[i]``
    in the raw text. A "\\n" is kept only after a sub-heading line so that a
    heading never becomes part of the next sentence's subject.
    """

    def __init__(self, raw: str):
        self.raw = raw
        chars: list[str | None] = []  # None marks a line end between two ASCII alnums
        pos: list[int] = []
        offset = 0
        for line in raw.splitlines(keepends=True):
            body = line.rstrip("\r\n")
            pending: int | None = None
            for i, ch in enumerate(body):
                if ch in _INVISIBLE:  # zero-width marks vanish, even inside a number
                    continue
                if ch.isspace():
                    if pending is None:
                        pending = offset + i
                    continue
                if pending is not None and chars and _is_ascii_alnum(chars[-1] or "") and _is_ascii_alnum(ch):
                    chars.append(" ")
                    pos.append(pending)
                pending = None
                chars.append(ch)
                pos.append(offset + i)
            stripped = body.strip()
            if stripped and _HEADING_LINE.match(stripped) and not _MONEY_OR_PCT.search(stripped):
                chars.append("\n")
                pos.append(offset + len(body))
            elif chars and body and _is_ascii_alnum(chars[-1] or ""):
                # a line break between two numbers must not merge them
                chars.append(None)
                pos.append(offset + len(body))
            offset += len(line)
        # line-end marks become a space only between two ASCII alnums
        s: list[str] = []
        p: list[int] = []
        for i, ch in enumerate(chars):
            if ch is None:
                nxt = chars[i + 1] if i + 1 < len(chars) else None
                if nxt and _is_ascii_alnum(nxt):
                    s.append(" ")
                    p.append(pos[i])
                continue
            s.append(ch)
            p.append(pos[i])
        self.s = "".join(s)
        self.pos = p + [len(raw)]
        self.m = self.s.translate(_FULLWIDTH)
        self.sentences = self._sentences()

    def _sentences(self) -> list[tuple[int, int]]:
        out = []
        start = 0
        for i, ch in enumerate(self.m):
            if ch in _SENT_END:
                out.append((start, i + 1))
                start = i + 1
        if start < len(self.m):
            out.append((start, len(self.m)))
        return out

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            return self.pos[start], self.pos[start]
        return self.pos[start], self.pos[end - 1] + 1

    def sentence_of(self, i: int) -> tuple[int, int]:
        for a, b in self.sentences:
            if a <= i < b:
                return a, b
        return (len(self.m), len(self.m))

    def sentence_index(self, i: int) -> int:
        for k, (a, b) in enumerate(self.sentences):
            if a <= i < b:
                return k
        return len(self.sentences)


# ---------------------------------------------------------------- extraction state


@dataclass
class _Mention:
    start: int  # subject phrase start
    num_start: int
    end: int  # end of unit
    subject: str
    code: str | None
    qty: Quantity


@dataclass
class _Build:
    kind: str
    subject: str
    start: int
    end: int
    code: str | None = None
    values: dict[str, Quantity] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)
    group: int = -1  # yoy: facts sharing one anchor


@dataclass
class _Reason:
    marker: int  # start of "主要原因"
    text_start: int
    end: int
    prefix_subject: str


class _Extractor:
    def __init__(self, text: str, title: str = ""):
        self.t = _Text(text)
        self.title = title
        self.facts: list[_Build] = []
        self.consumed: list[tuple[int, int]] = []
        self.subject_override: dict[int, str] = {}
        self.reasons = self._find_reasons()
        masked = list(self.t.m)
        for r in self.reasons:
            for i in range(r.marker, r.end):
                if masked[i] not in _SENT_END:
                    masked[i] = _MASK
        self.mm = "".join(masked)
        self.mentions = self._find_mentions()
        self.items = self._find_items()

    # ---------------------------------------------------------- helpers

    def q(self, start: int, end: int, *, missing_percent: bool = False, unit: str | None = None) -> Quantity:
        """Quantity from the normalised text slice [start, end)."""
        printed = self.t.s[start:end]
        qty = parse_quantity(self.t.m[start:end])
        u = printed[len(printed) - len(qty.unit) :] if qty.unit else ""
        return Quantity(
            value=qty.value, unit=u if unit is None else unit, text=printed, missing_percent=missing_percent
        )

    def pct(self, m: re.Match[str], num: str, sign: str) -> Quantity:
        has_sign = m.group(sign) is not None
        end = m.end(sign) if has_sign else m.end(num)
        return self.q(m.start(num), end, missing_percent=not has_sign, unit="%" if has_sign else "")

    def consume(self, start: int, end: int) -> None:
        self.consumed.append((start, end))

    def is_consumed(self, start: int, end: int) -> bool:
        return any(a < end and start < b for a, b in self.consumed)

    def clause_start(self, i: int, bound: Iterable[str] = _BOUND, floor: int = 0) -> int:
        """Start of the clause that ends at i (after the last delimiter)."""
        s = self.mm
        j = i
        while j > floor:
            ch = s[j - 1]
            if ch in bound and not _thousands_comma(s, j - 1):
                # "收、支总计": a 、 inside a two-character word is not a delimiter
                if ch == "、" and j - 2 >= 0 and s[j - 2] == "收" and j < len(s) and s[j] == "支":
                    j -= 1
                    continue
                break
            j -= 1
        return j

    def add(self, b: _Build) -> _Build:
        self.facts.append(b)
        return b

    # ---------------------------------------------------------- reasons

    _REASON = re.compile(r"(?:的)?(?:主要)?原因(?:主要)?(?:是由于|是因为|在于|是|为|系|:)?|主要是由于|主要是因为")

    def _find_reasons(self) -> list[_Reason]:
        """Stated reasons: from "主要原因" to the end of its sentence.

        Why: a reason often quotes figures ("较上一度增加1133.95万元") that are
        not facts of their own; masking it keeps them out of every pass.
        """
        out: list[_Reason] = []
        m_text = self.t.m
        for m in self._REASON.finditer(m_text):
            token = m.group(0)
            if "主要" not in token and not re.search(r"原因(?:是|为|:)", token):
                continue
            if out and m.start() < out[-1].end:
                continue
            a, end = self.t.sentence_of(m.start())
            # "公务接待费支出减少的主要原因是…" names the fact it explains
            pre = m_text[a : m.start()]
            prefix_subject = ""
            pre_clause = pre[self._last_bound(pre) :]
            if pre_clause:
                prefix_subject, _ = canonical_subject(re.sub(r"(?:增加|减少|增长|下降|持平)$", "", pre_clause))
                if prefix_subject and not any(pattern.search(prefix_subject) for pattern, _ in _VOCABULARY):
                    prefix_subject = ""
            start = m.start()
            # keep "的" with the comparison phrase, not with the masked region
            if m_text[start] == "的":
                start += 1
            out.append(_Reason(marker=start, text_start=m.end(), end=end, prefix_subject=prefix_subject))
        return out

    @staticmethod
    def _last_bound(text: str) -> int:
        for j in range(len(text), 0, -1):
            if text[j - 1] in _BOUND and not _thousands_comma(text, j - 1):
                return j
        return 0

    def reason_text(self, r: _Reason) -> str:
        return self.t.s[r.text_start : r.end].strip("，,。;；:： ")

    # ---------------------------------------------------------- mentions

    _MENTION = re.compile(rf"(?P<num>{_NUM_B})(?P<unit>{MONEY})")

    def _find_mentions(self) -> list[_Mention]:
        out: list[_Mention] = []
        prev_end = 0
        for m in self._MENTION.finditer(self.mm):
            start = self.clause_start(m.start(), floor=prev_end)
            phrase = self.t.s[start : m.start()]
            subject, code = canonical_subject(phrase)
            qty = self.q(m.start("num"), m.end("unit"))
            out.append(
                _Mention(
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

    # ---------------------------------------------------------- numbered items

    _ITEM = re.compile(
        r"(?:(?<=[。;:：\n□])|^)(?P<idx>(?P<n1>\d{1,3}|[一二三四五六七八九十]{1,3})[.、．](?!\d)|[(（](?P<n2>\d{1,3})[)）])"
    )
    _KEMU_HEAD = re.compile(
        r"(?P<head>[^。;:\n,，\d□]{1,80}?[(（]类[)）][^。;:\n\d□]{0,160}?)(?=[。;:\n,，]|主要用于|年初预算|全年预算|预算数|$)"
    )

    def _find_items(self) -> list[dict[str, Any]]:
        """Numbered items ("1." "1、" "（1）"), with their 科目 path if any.

        Why: the per-项 list names its subject once, in the item heading, and
        the figures follow in the next sentence; an item's scope runs to the
        next numbered item or sub-heading.
        """
        items: list[dict[str, Any]] = []
        starts = [m for m in self._ITEM.finditer(self.mm)]
        for k, m in enumerate(starts):
            idx = m.group("n1") or m.group("n2")
            body_start = m.end()
            head = self._KEMU_HEAD.match(self.mm, body_start)
            path = code = None
            head_end = body_start
            if head:
                res = _kemu_path(self.t.s[head.start("head") : head.end("head")])
                if res:
                    path, code = res
                    head_end = head.end()
            nxt = starts[k + 1].start() if k + 1 < len(starts) else len(self.mm)
            nl = self.mm.find("\n", body_start)
            end = min(nxt, nl if nl >= 0 else len(self.mm))
            items.append(
                {
                    "start": m.start(),
                    "body": body_start,
                    "end": end,
                    "idx": idx,
                    "path": path,
                    "code": code,
                    "head_end": head_end,
                }
            )
        # a section whose title is itself a 科目 heading
        if self.title and _LEVEL_MARK.search(self.title):
            res = _kemu_path(_NUMBERING.sub("", re.sub(r"\s+", "", self.title)))
            if res:
                first = items[0]["start"] if items else len(self.mm)
                items.insert(
                    0, {"start": 0, "body": 0, "end": first, "idx": None, "path": res[0], "code": res[1], "head_end": 0}
                )
        return items

    def item_at(self, i: int) -> dict[str, Any] | None:
        for it in self.items:
            if it["start"] <= i < it["end"]:
                return it
        return None

    # ---------------------------------------------------------- passes

    def run(self) -> list[_Build]:
        self.pass_completion()
        self.pass_yoy()
        self.pass_performance()
        self.pass_procurement()
        self.pass_vehicles()
        self.pass_operating_cost()
        self.pass_split()
        self.pass_empty()
        self.pass_placeholder()
        self.pass_share()
        self.pass_amount()
        self.attach_reasons()
        return self.facts

    # completion -------------------------------------------------------

    _BUDGET = rf"(?P<bkey>(?:年初|全年|调整后的?|调整|年度)?预算(?:数|金额)?)(?:为|是|:)?(?P<budget>{_NUM_B})(?P<bunit>{MONEY})"
    _ACTUAL = rf"(?P<akey>(?:支出)?决算(?:数)?)(?:为|是|:)?(?P<actual>{_NUM_B})(?P<aunit>{MONEY})"
    _RATE = (
        rf"(?:完成(?:了)?(?:年初|全年|调整后)?预算(?:数)?的?|(?:预算)?完成率(?:为|是)?"
        rf"|(?:决算数?)?(?:为|占)(?:年初|全年|调整后)?预算(?:数)?的)"
        rf"(?P<rate>{_NUM_B})(?P<rsign>%)?"
    )
    _COMPLETION = re.compile(_BUDGET + r"[,，;]?" + _ACTUAL + rf"(?:[,，。;]?{_RATE})?")
    #: "决算数为 B，年初预算数为 A(，完成…)": the same facts in the other order
    _COMPLETION_REV = re.compile(_ACTUAL + r"[,，;]?" + _BUDGET + rf"(?:[,，。;]?{_RATE})?")
    _ACTUAL_ONLY = re.compile(_ACTUAL + r"[,，;]?" + _RATE)
    _COMPARISON = re.compile(
        r"(?:支出)?决算数?(?:(?P<c1>大于|小于|等于|超过|低于|高于)(?:年初|全年|调整后)?预算数?"
        r"|(?:与|同|和|较)(?:年初|全年|调整后)?预算数?(?:基本)?(?P<c2>持平|相等|一致|相同))"
    )
    _NO_RATE = re.compile(r"不(?:计算|适用|涉及)[^。;，,]{0,4}完成率|无法计算完成率")

    def _completion_subject(self, key_start: int) -> tuple[str, str | None, dict[str, str], int]:
        start = self.clause_start(key_start)
        phrase = self.t.s[start:key_start]
        subject, code = canonical_subject(phrase)
        words: dict[str, str] = {}
        item = self.item_at(key_start)
        span_start = start
        if item is not None:
            # inside a 科目 item the heading names the subject, whatever
            # wording ("主要用于：…，") precedes the figures
            if item["path"] and (not subject or _kemu_path(_clean_phrase(phrase)) is None):
                subject, code = item["path"], item["code"]
                span_start = item["start"]
            if item["idx"] and (item["path"] and subject == item["path"] or item["body"] >= start - 1):
                words["item_index"] = item["idx"]
                span_start = min(span_start, item["start"])
        return subject, code, words, span_start

    def pass_completion(self) -> None:
        found: list[tuple[int, int, re.Match[str], bool]] = []
        for m in self._COMPLETION.finditer(self.mm):
            found.append((m.start(), m.end(), m, True))
        for m in self._COMPLETION_REV.finditer(self.mm):
            if not any(a < m.end() and m.start() < b for a, b, _, _ in found):
                found.append((m.start(), m.end(), m, True))
        for m in self._ACTUAL_ONLY.finditer(self.mm):
            if any(a < m.end() and m.start() < b for a, b, _, _ in found):
                continue
            found.append((m.start(), m.end(), m, False))
        found.sort(key=lambda x: x[0])
        for _start, end, m, has_budget in found:
            key = "bkey" if has_budget and m.start("bkey") < m.start("akey") else "akey"
            subject, code, words, span_start = self._completion_subject(m.start(key))
            b = _Build("completion", subject, span_start, end, code=code, words=words)
            if has_budget:
                b.values["budget"] = self.q(m.start("budget"), m.end("bunit"))
            b.values["actual"] = self.q(m.start("actual"), m.end("aunit"))
            if m.group("rate") is not None:
                b.values["rate"] = self.pct(m, "rate", "rsign")
            b.words.setdefault("comparison", "")
            b.words.setdefault("reason", "")
            self.add(b)
            self.consume(m.start(key), end)
        comps = [f for f in self.facts if f.kind == "completion"]
        # "因年初未安排预算，不计算完成率": the text says why no rate is given
        for f in comps:
            nxt = min([g.start for g in comps if g.start >= f.end] + [len(self.mm)])
            if "rate" not in f.values and self._NO_RATE.search(self.mm, f.end, nxt):
                f.words["no_rate"] = "true"
        # comparison words, attached by subject or to the latest completion in scope
        for k in self._COMPARISON.finditer(self.mm):
            word = k.group("c1") or k.group("c2")
            word = {"超过": "大于", "高于": "大于", "低于": "小于", "相等": "等于", "一致": "等于", "相同": "等于"}.get(
                word, word
            )
            pre_start = self.clause_start(k.start())
            pre_subject, _ = canonical_subject(self.t.s[pre_start : k.start()])
            target = self._completion_before(comps, k.start(), pre_subject, "comparison")
            if target is not None:
                target.words["comparison"] = word
                target.end = max(target.end, k.end())

    def _completion_before(self, comps: list[_Build], i: int, subject: str, slot: str) -> _Build | None:
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
        item_f, item_i = self.item_at(f.start + 1), self.item_at(i)
        if item_i is not None and item_f is not None and item_i["start"] != item_f["start"]:
            return None
        if "\n" in self.mm[f.end : i]:
            return None
        if self.t.sentence_index(i) - self.t.sentence_index(max(f.end - 1, 0)) > 1:
            return None
        return f

    # yoy --------------------------------------------------------------

    _ANCHOR = re.compile(
        r"(?:(?:与|同|较|比)(?P<prev>上一?年度?|上年同期|(?P<year>\d{4})年度?)(?:同期)?(?:决算数?)?"
        r"(?:相比|相较|比较|对比)?(?:较)?|(?P<tongbi>同比))"
    )
    _DIR = re.compile(r"(?P<dir>增加|减少|增长|下降|上升|降低|持平|减少了|增加了)")
    _AFTER_DIR = re.compile(
        rf"(?:了)?(?:[(（](?P<alt>增长|下降|增加|减少|上升|降低)[)）])?(?P<num>{_NUM_B})(?:(?P<unit>{MONEY})|(?P<sign>%))?"
    )

    def pass_yoy(self) -> None:
        """Year-on-year facts, one per subject after each "与YYYY年度相比" anchor."""
        group = 0
        last_anchor_sentence = -10
        last_year = ""
        for k, (a, b) in enumerate(self.t.sentences):
            sent = self.mm[a:b]
            anchors = list(self._ANCHOR.finditer(sent))
            continuation = sent.lstrip("\n").startswith("其中") and k == last_anchor_sentence + 1
            if not anchors and not continuation:
                continue
            if anchors:
                an = anchors[0]
                year = an.group("year") or (an.group("prev") or "上年")
                anchor_start, tail_start = a + an.start(), a + an.end()
                group += 1
                pre_phrase_start = self.clause_start(anchor_start, floor=a)
                pre_subject, pre_code = canonical_subject(self.t.s[pre_phrase_start:anchor_start])
                if not pre_subject:
                    # the latest subject printed before the anchor: an amount
                    # not used by another fact, or a fact (completion) itself
                    cands = [
                        (mt.num_start, mt.subject, mt.code, mt.start)
                        for mt in self.mentions
                        if a <= mt.num_start < anchor_start
                        and mt.subject
                        and not self.is_consumed(mt.num_start, mt.end)
                    ]
                    cands += [
                        (f.start, f.subject, f.code, f.start)
                        for f in self.facts
                        if a <= f.start < anchor_start and f.subject
                    ]
                    if cands:
                        _pos, pre_subject, pre_code, pre_phrase_start = max(cands, key=lambda c: c[0])
                current: _Build | None = None
                current_first = True
                last_year = year
            else:
                year = last_year
                anchor_start = tail_start = a
                pre_subject, pre_code, pre_phrase_start = "", None, a
                current = None
                current_first = False
            last_anchor_sentence = k
            for c_start, c_end in self._clauses(tail_start, b):
                clause = self.mm[c_start:c_end]
                d = self._DIR.search(clause)
                if not d or _MASK in clause[: d.start()]:
                    continue
                subj_text = self.t.s[c_start : c_start + d.start()]
                subject, code = canonical_subject(subj_text)
                direction = d.group("dir").rstrip("了")
                after = self._AFTER_DIR.match(self.mm, c_start + d.end(), c_end)
                if after is None and direction != "持平" and c_start + d.end() < c_end:
                    continue  # "减少了培训费支出": a verb, not a change figure
                is_pct = after is not None and (
                    after.group("sign") is not None
                    or (after.group("unit") is None and direction in ("增长", "下降", "上升", "降低"))
                )
                is_amount = after is not None and after.group("unit") is not None
                new_needed = bool(subject) or current is None
                if not new_needed and current is not None:
                    slot = "change_pct" if is_pct else "change"
                    if slot in current.values or (not is_pct and not is_amount and current.words.get("direction")):
                        new_needed = True
                if new_needed:
                    subj = subject or (current.subject if current else pre_subject)
                    cd = code if subject else (current.code if current else pre_code)
                    start = c_start if subject else (anchor_start if current is None else c_start)
                    if current is None and not subject and pre_subject and anchors:
                        start = min(start, pre_phrase_start)
                    current = self.add(
                        _Build(
                            "yoy",
                            subj,
                            start,
                            c_end,
                            code=cd,
                            group=group,
                            words={"direction": "", "pct_direction": "", "previous_year": year, "reason": ""},
                        )
                    )
                    self._yoy_current(current, a, anchor_start if current_first else c_start)
                    current_first = False
                if is_pct:
                    assert after is not None
                    current.values["change_pct"] = self.pct(after, "num", "sign")
                    current.words["pct_direction"] = direction
                    if after.group("alt"):
                        current.words["pct_direction_alt"] = after.group("alt")
                    self.consume(after.start("num"), after.end())
                elif is_amount:
                    assert after is not None
                    current.values["change"] = self.q(after.start("num"), after.end("unit"))
                    current.words["direction"] = direction
                    self.consume(after.start("num"), after.end())
                else:
                    if direction == "持平" or not current.words.get("direction"):
                        current.words["direction"] = direction
                current.end = max(current.end, (after.end() if after else c_start + d.end()))

    def _clauses(self, start: int, end: int) -> list[tuple[int, int]]:
        out = []
        i = start
        for j in range(start, end):
            if self.mm[j] in ",，;:。\n" and not _thousands_comma(self.mm, j):
                if j > i:
                    out.append((i, j))
                i = j + 1
        if i < end:
            out.append((i, end))
        return out

    def _yoy_current(self, f: _Build, sentence_start: int, before: int) -> None:
        """The current-year amount of a yoy subject: the same subject's amount
        printed just before, in this or the previous sentence."""
        k = self.t.sentence_index(sentence_start)
        lo = self.t.sentences[k - 1][0] if k > 0 else 0
        cands = [
            mt
            for mt in self.mentions
            if lo <= mt.num_start < before and mt.subject == f.subject and not self.is_consumed(mt.num_start, mt.end)
        ]
        if cands:
            f.values["current"] = cands[-1].qty

    # performance -----------------------------------------------------

    _P_HEAD = re.compile(
        r"^(?:\d{1,3}[.、．]|[(（]\d{1,3}[)）]|[一二三四五六七八九十]{1,3}、)?(?P<name>[^:,，。;]{2,60}?)"
        r"(?:绩效自评综述|绩效自评情况|自评综述|绩效评价情况|绩效自评结果)[:：]"
    )
    _P_COUNT = re.compile(rf"(?:项目(?P<n1>{_NUM_B})个|(?P<n2>{_NUM_B})个(?:一级|二级|重点)?项目)")
    _P_UNITS = re.compile(rf"对(?P<n>{_NUM_B})个部门")
    _P_FUNDS = re.compile(rf"(?:资金|预算金额|项目资金)(?:总额)?(?:为|共计|共|合计)?(?P<n>{_NUM_B})(?P<u>{MONEY})")
    _P_BUDGET = re.compile(rf"预算数(?:为)?(?P<n>{_NUM_B})(?P<u>{MONEY})")
    _P_ACTUAL = re.compile(rf"执行数(?:为)?(?P<n>{_NUM_B})(?P<u>{MONEY})")
    _P_RATE = re.compile(rf"(?:完成预算的|(?:预算)?执行率(?:为)?)(?P<n>{_NUM_B})(?P<s>%)?")
    _P_SHARE = re.compile(rf"占(?P<of>[^,，;。\d□]{{0,30}}?)的?(?P<n>{_NUM_B})(?P<s>%)?")
    _P_SCORE = re.compile(rf"平均得分(?:为)?(?P<n>{_NUM_B})分")
    _P_GRADE = re.compile(rf"绩效评级为[“\"]?(?P<g>[^”\"]{{1,4}})[”\"]?的项目(?P<n>{_NUM_B})个")

    def _units(self) -> list[tuple[int, int]]:
        cuts = {0, len(self.mm)}
        for i, ch in enumerate(self.mm):
            if ch in "。;\n":
                cuts.add(i + 1)
        for it in self.items:
            cuts.add(it["start"])
        cuts_sorted = sorted(cuts)
        return [(a, b) for a, b in zip(cuts_sorted, cuts_sorted[1:]) if b > a]

    def pass_performance(self) -> None:
        """预算绩效: counts of projects and funds, and per-project budget/execution.

        Recognised by 执行数 (execution, never used for 决算) or by a project
        count or funds figure in a sentence that speaks of 绩效.
        """
        last: _Build | None = None
        for a, b in self._units():
            unit = self.mm[a:b]
            grade = list(self._P_GRADE.finditer(unit))
            head = self._P_HEAD.match(unit)
            count = self._P_COUNT.search(unit)
            funds = self._P_FUNDS.search(unit)
            actual = self._P_ACTUAL.search(unit)
            units = self._P_UNITS.search(unit)
            perf_ctx = "绩效" in unit or "绩效" in self.title
            if grade and last is not None and not (funds or actual):
                for g in grade:
                    last.values[f"grade_{g.group('g')}"] = self.q(a + g.start("n"), a + g.end("n") + 1)
                    last.end = max(last.end, a + g.end())
                continue
            if not (actual or (perf_ctx and (count or funds or head))):
                continue
            if head:
                subject = self.t.s[a + head.start("name") : a + head.end("name")]
            elif "整体" in unit:
                subject = "部门整体支出"
            elif "编报绩效目标" in unit or "绩效目标的" in unit:
                subject = "绩效目标"
            elif re.search(r"跟踪|监控", unit):
                subject = "绩效运行监控"
            elif "重点项目" in unit:
                subject = "重点项目绩效自评"
            else:
                subject = "项目支出绩效自评"
            f = _Build("performance", subject, a + len(unit) - len(unit.lstrip("\n")), b)
            if count:
                g = "n1" if count.group("n1") else "n2"
                f.values["projects"] = self.q(a + count.start(g), a + count.end(g) + 1)
            if units and "整体" in unit:
                f.values["units"] = self.q(a + units.start("n"), a + units.end("n") + 1)
            if funds:
                f.values["funds"] = self.q(a + funds.start("n"), a + funds.end("u"))
                self.consume(a + funds.start("n"), a + funds.end("u"))
            bud = self._P_BUDGET.search(unit)
            if bud:
                f.values["budget"] = self.q(a + bud.start("n"), a + bud.end("u"))
                self.consume(a + bud.start("n"), a + bud.end("u"))
            if actual:
                f.values["actual"] = self.q(a + actual.start("n"), a + actual.end("u"))
                self.consume(a + actual.start("n"), a + actual.end("u"))
            rate = self._P_RATE.search(unit)
            if rate:
                f.values["rate"] = self._pct_at(a, rate, "n", "s")
            share = self._P_SHARE.search(unit)
            if share:
                f.values["share"] = self._pct_at(a, share, "n", "s")
                f.words["of"] = self.t.s[a + share.start("of") : a + share.end("of")]
            score = self._P_SCORE.search(unit)
            if score:
                f.values["average_score"] = self.q(a + score.start("n"), a + score.end("n") + 1)
            for gm in grade:
                f.values[f"grade_{gm.group('g')}"] = self.q(a + gm.start("n"), a + gm.end("n") + 1)
            # the fact's own money mentions must not become bare amounts
            for mt in self.mentions:
                if a <= mt.num_start < b:
                    self.subject_override[mt.num_start] = subject
                    self.consume(mt.num_start, mt.end)
            f.end = a + len(unit.rstrip("。;\n"))
            self.add(f)
            last = f

    def _pct_at(self, offset: int, m: re.Match[str], num: str, sign: str) -> Quantity:
        has_sign = m.group(sign) is not None
        end = offset + (m.end(sign) if has_sign else m.end(num))
        return self.q(offset + m.start(num), end, missing_percent=not has_sign, unit="%" if has_sign else "")

    # procurement -----------------------------------------------------

    _PR_TOTAL = re.compile(
        rf"政府采购(?:支出)?(?:总额|总金额|金额|支出)(?:\(以合同签订为准\))?(?:为|是|共计|合计)?"
        rf"(?:(?P<n>{_NUM_B})(?P<u>{MONEY})|(?P<ph>[Xx×*]{{1,8}})(?:万元|元))"
    )
    _PR_PART = re.compile(
        rf"(?:政府采购)?(?P<t>货物|工程|服务)(?:采购)?(?:支出|金额)?(?:为)?(?P<n>{_NUM_B})(?P<u>{MONEY})"
    )
    _PR_AWARD = re.compile(
        rf"授予(?P<who>中小企业|小微企业)(?:的)?合同(?:金额)?(?:为)?(?P<n>{_NUM_B})(?P<u>{MONEY})"
        rf"(?:[,，]?占[^,，;。\d□]{{0,24}}?的?(?P<p>{_NUM_B})(?P<s>%)?)?"
    )
    _PR_TYPE_SHARE = re.compile(
        rf"(?P<t>货物|工程|服务)(?:采购)?授予中小企业(?:的)?合同金额占[^,，;。\d□]{{0,20}}?的?(?P<p>{_NUM_B})(?P<s>%)?"
    )
    _PR_RESERVED = re.compile(
        rf"面向(?P<who>中小企业|小微企业)预留[^,，;。\d□]{{0,24}}?(?:金额)?(?:为)?(?P<n>{_NUM_B})(?P<u>{MONEY})"
    )
    _PR_FROM = re.compile(
        rf"在(?P<where>面向中小企业预留|面向小微企业预留|其他)[^。;\d□]{{0,24}}?项目中[,，]?由(?P<who>中小企业|小微企业)"
        rf"供应商中标或成交的?[,，]?(?:采购|合同)?金额(?:为)?(?P<n>{_NUM_B})(?P<u>{MONEY})"
    )
    _PR_NONE = re.compile(r"(?:无|没有|未发生)(?P<t>货物|工程|服务)?(?:政府)?采购(?:支出|业务|事项)?")
    _PR_WORDS = ("采购", "中小企业", "小微企业", "中标")

    def pass_procurement(self) -> None:
        """政府采购: total, goods/works/services, SME and small/micro awards and shares."""
        totals = list(self._PR_TOTAL.finditer(self.mm))
        for k, tm in enumerate(totals):
            limit = totals[k + 1].start() if k + 1 < len(totals) else len(self.mm)
            # scope: sentences that still speak of procurement
            end = tm.end()
            si = self.t.sentence_index(tm.start())
            for a, b in self.t.sentences[si:]:
                if a >= limit:
                    break
                if a > tm.start() and not any(w in self.mm[a:b] for w in self._PR_WORDS):
                    break
                end = min(b, limit)
            start = self.clause_start(tm.start())
            f = _Build("procurement", "政府采购", start, end)
            if tm.group("n") is not None:
                f.values["total"] = self.q(tm.start("n"), tm.end("u"))
            else:  # a placeholder where the total belongs: keep the parts
                f.words["total_placeholder"] = self.t.s[tm.start("ph") : tm.end("ph")]
            keys = {"货物": "goods", "工程": "works", "服务": "services"}
            for pm in self._PR_PART.finditer(self.mm, tm.end(), end):
                key = keys[pm.group("t")]
                if key not in f.values:
                    f.values[key] = self.q(pm.start("n"), pm.end("u"))
            for am in self._PR_AWARD.finditer(self.mm, tm.end(), end):
                key = "sme" if am.group("who") == "中小企业" else "small_micro"
                f.values.setdefault(key, self.q(am.start("n"), am.end("u")))
                if am.group("p") is not None:
                    f.values.setdefault(f"{key}_share", self.pct(am, "p", "s"))
            for sm in self._PR_TYPE_SHARE.finditer(self.mm, tm.end(), end):
                f.values.setdefault(f"{keys[sm.group('t')]}_sme_share", self.pct(sm, "p", "s"))
            for rm in self._PR_RESERVED.finditer(self.mm, tm.end(), end):
                key = "reserved_sme" if rm.group("who") == "中小企业" else "reserved_small_micro"
                f.values.setdefault(key, self.q(rm.start("n"), rm.end("u")))
            for fm in self._PR_FROM.finditer(self.mm, tm.end(), end):
                who = "sme" if fm.group("who") == "中小企业" else "small_micro"
                where = "other" if fm.group("where") == "其他" else "reserved"
                f.values.setdefault(f"{who}_from_{where}", self.q(fm.start("n"), fm.end("u")))
            for nm in self._PR_NONE.finditer(self.mm, tm.end(), end):
                if nm.group("t"):
                    f.words[f"no_{keys[nm.group('t')]}"] = "true"
            self.consume(tm.start(), end)
            self.add(f)
        if not totals:
            for nm in re.finditer(r"(?:无|没有|未发生)政府采购", self.mm):
                a, b = self.t.sentence_of(nm.start())
                self.add(_Build("procurement", "政府采购", a, b, words={"none": "true"}))

    # vehicles --------------------------------------------------------

    _V_FLEET = re.compile(rf"公务用车保有量(?:为|是)?(?P<n>{_NUM_B})辆")
    _V_TOTAL = re.compile(
        rf"(?:(?:共有|拥有|现有|实有)(?:各类)?(?:车辆|公务用车|机动车)|车辆)(?:共计?|总数|合计)?(?:为)?(?P<n>{_NUM_B})辆"
    )
    _V_TYPE = re.compile(rf"(?P<name>[^,，、;。:\d□]{{2,24}}?用车)(?:为)?(?P<n>{_NUM_B})辆")
    _V_EQUIP = re.compile(
        rf"(?:单价|单位价值|价值)(?P<th>{_NUM_B})(?P<thu>万元|元)[^。;，,]{{0,12}}?以上(?:的)?(?P<cat>[^。;，,\d]{{0,24}}?)设备"
        rf"[^。;，,\d]{{0,24}}?(?P<n>{_NUM_B})(?P<u>台\(套\)|台（套）|台套|台|套|件)"
    )

    def _equipment_key(self, em: re.Match[str]) -> str:
        """ "equipment_over_1m" for the usual 100万元 threshold, else the printed one;
        a named category (通用/专用) is appended."""
        th = _to_decimal(em.group("th")) * (10000 if em.group("thu") == "万元" else 1)
        key = "equipment_over_1m" if th == 1000000 else f"equipment_over_{em.group('th')}{em.group('thu')}"
        cat = re.sub(r"[(（].*?[)）]|的", "", em.group("cat"))
        return f"{key}_{cat}" if cat else key

    def pass_vehicles(self) -> None:
        """国有资产占用: vehicles by type and equipment over 100万元; 公务用车保有量."""
        for fm in self._V_FLEET.finditer(self.mm):
            f = _Build("vehicles", "公务用车保有量", self.clause_start(fm.start()), fm.end())
            f.values["total"] = self.q(fm.start("n"), fm.end())
            self.add(f)
            self.consume(fm.start(), fm.end())
        equip_used: set[int] = set()
        for tm in self._V_TOTAL.finditer(self.mm):
            if self.is_consumed(tm.start(), tm.end()):
                continue
            a, b = self.t.sentence_of(tm.start())
            f = _Build("vehicles", "车辆", self.clause_start(tm.start()), b)
            f.values["total"] = self.q(tm.start("n"), tm.end())
            for vm in self._V_TYPE.finditer(self.mm, tm.end(), b):
                name = self.t.s[vm.start("name") : vm.end("name")].removeprefix("其中")
                f.values.setdefault(name, self.q(vm.start("n"), vm.end()))
                f.end = vm.end()
            nb = self.t.sentences[self.t.sentence_index(b)][1] if b < len(self.mm) else b
            for em in self._V_EQUIP.finditer(self.mm, tm.end(), nb):
                f.values.setdefault(self._equipment_key(em), self.q(em.start("n"), em.end("u")))
                f.end = em.end()
                equip_used.add(em.start())
                self.consume(em.start(), em.end())
            self.consume(tm.start(), f.end)
            self.add(f)
        for em in self._V_EQUIP.finditer(self.mm):
            if em.start() in equip_used:
                continue
            f = _Build("vehicles", "设备", self.clause_start(em.start()), em.end())
            f.values[self._equipment_key(em)] = self.q(em.start("n"), em.end("u"))
            self.consume(em.start(), em.end())
            self.add(f)

    # operating cost --------------------------------------------------

    _OC = re.compile(rf"机关运行经费(?:支出)?(?:合计|共计|总额)?(?:为|是|:)?(?P<n>{_NUM_B})(?P<u>{MONEY})")
    _OC_NONE = re.compile(r"(?:没有|无|未发生|不存在|不涉及)[^。;,，]{0,12}?机关运行经费")

    def pass_operating_cost(self) -> None:
        """机关运行经费: its amount (yoy comes from the yoy pass) or a "none" statement."""
        for m in self._OC.finditer(self.mm):
            start = self.clause_start(m.start())
            f = _Build("operating_cost", "机关运行经费", start, m.end())
            f.values["amount"] = self.q(m.start("n"), m.end("u"))
            self.add(f)
            self.consume(m.start("n"), m.end("u"))
        seen: set[int] = set()
        for m in self._OC_NONE.finditer(self.mm):
            a, b = self.t.sentence_of(m.start())
            if a in seen:
                continue
            seen.add(a)
            self.add(_Build("operating_cost", "机关运行经费", a, b, words={"none": "true"}))

    # split -----------------------------------------------------------

    _SPLIT_PART = re.compile(rf"(?P<name>人员经费|公用经费)(?:支出)?(?:为|是|:)?(?P<n>{_NUM_B})(?P<u>{MONEY})")
    _ITEMS = re.compile(r"(?:主要)?(?:包括|用于)[:：]?(?P<items>[^。;]+)")

    def pass_split(self) -> None:
        """基本支出 = 人员经费 + 公用经费, with the listed 经济分类 items."""
        totals = [mt for mt in self.mentions if mt.subject.endswith("基本支出")]
        for k, mt in enumerate(totals):
            limit = totals[k + 1].num_start if k + 1 < len(totals) else len(self.mm)
            limit = min(limit, mt.end + 1200)
            f = _Build("split", mt.subject, mt.start, mt.end, code=mt.code)
            f.values["total"] = mt.qty
            for pm in self._SPLIT_PART.finditer(self.mm, mt.end, limit):
                name = pm.group("name")
                if name in f.values:
                    continue
                f.values[name] = self.q(pm.start("n"), pm.end("u"))
                f.end = pm.end()
                stop = len(self.mm)
                for ch in "。;":
                    j = self.mm.find(ch, pm.end(), limit)
                    if j >= 0:
                        stop = min(stop, j)
                nxt = self._SPLIT_PART.search(self.mm, pm.end(), limit)
                if nxt:
                    stop = min(stop, nxt.start())
                im = self._ITEMS.search(self.mm, pm.end(), stop)
                if im:
                    items = self.t.s[im.start("items") : im.end("items")].strip("，,。;；:： ")
                    items = re.sub(r"等(?:支出)?$", "", items)
                    f.words[f"{name}_items"] = items
                    f.end = im.end()
            if len(f.values) > 1:
                self.add(f)

    # empty statements ------------------------------------------------

    _EMPTY = re.compile(r"(?:无|没有|未发生|不存在)(?P<what>[^。;,，□]{0,30}?)(?:收入|支出|收支|经费)")

    def pass_empty(self) -> None:
        """ "本部门当年无政府性基金预算财政拨款收入支出" and the like (not in reasons)."""
        seen: set[tuple[int, str]] = set()
        for m in self._EMPTY.finditer(self.mm):
            text = m.group(0)
            if "政府性基金" in text:
                fund = "government_fund"
            elif "国有资本经营" in text:
                fund = "state_capital"
            elif "三公" in text:
                fund = "three_public"
            else:
                continue
            a, b = self.t.sentence_of(m.start())
            if (a, fund) in seen:
                continue
            seen.add((a, fund))
            subject = {
                "government_fund": "政府性基金预算财政拨款",
                "state_capital": "国有资本经营预算财政拨款",
                "three_public": "三公经费",
            }[fund]
            start = a + len(self.mm[a:b]) - len(self.mm[a:b].lstrip("\n"))
            self.add(_Build("empty_statement", subject, start, b, words={"fund": fund}))

    # placeholders ----------------------------------------------------

    _PLACEHOLDER = re.compile(
        r"(?<![A-Za-z])(?:[Xx]{2,}|×{2,}|[*＊]{2,}|[Xx×](?:\.[Xx×]+)?(?=万元|元|%|个|辆))(?![A-Za-z])"
    )

    def pass_placeholder(self) -> None:
        """Leftover template placeholders ("XX万元", "××%") where a figure or name belongs."""
        for m in self._PLACEHOLDER.finditer(self.t.m):
            start = self.clause_start(m.start())
            subject, code = ("", None)
            if re.match(r"万元|元|%", self.t.m[m.end() : m.end() + 2]):
                phrase = self.t.s[start : m.start()]
                phrase = re.sub(
                    r"(?:占(?:[^，,；;。]*的)?|(?:增加|减少|增长|下降)(?:[（(](?:增加|减少|增长|下降)[)）])?)$",
                    "",
                    phrase,
                )
                subject, code = canonical_subject(phrase)
            ctx_a = max(start, m.start() - 20)
            ctx_b = min(len(self.t.s), m.end() + 8)
            ctx = self.t.s[ctx_a:ctx_b].replace("\n", "")
            self.add(
                _Build(
                    "placeholder",
                    subject,
                    m.start(),
                    m.end(),
                    code=code,
                    words={"text": ctx, "placeholder": self.t.s[m.start() : m.end()]},
                )
            )

    # shares ----------------------------------------------------------

    _SHARE = re.compile(
        rf"占(?!用|有|地)(?P<of>[^,，;。:\d%□\n]{{0,30}}?)(?:的比[例重])?(?:的)?(?:比[例重])?(?:为|是|达)?"
        rf"(?P<n>{_NUM_B})(?P<s>%)?(?![年月日个辆台人次批万元亿])"
    )

    def pass_share(self) -> None:
        """Every "…X万元，占Y%" (and "占Y" without its sign), with what it is a share of."""
        last_used = -1
        for m in self._SHARE.finditer(self.mm):
            start = self.clause_start(m.start())
            own = [mt for mt in self.mentions if start <= mt.num_start and mt.end <= m.start()]
            a, _b = self.t.sentence_of(m.start())
            amount: Quantity | None = None
            mention: _Mention | None = None
            phrase_subject, code = canonical_subject(self.t.s[start : m.start()])
            if own:
                mention = own[-1]
            elif not phrase_subject:
                prev = [
                    mt for mt in self.mentions if a <= mt.num_start and mt.end <= m.start() and mt.num_start > last_used
                ]
                if prev:
                    mention = prev[-1]
            if mention is not None:
                subject = self.subject_override.get(mention.num_start, mention.subject)
                code, amount = mention.code, mention.qty
                span_start = mention.start
                last_used = mention.num_start
            else:
                subject = phrase_subject
                span_start = start
            f = _Build("share", subject, span_start, m.end(), code=code)
            if amount is not None:
                f.values["amount"] = amount
            f.values["share"] = self.pct(m, "n", "s")
            of = self.t.s[m.start("of") : m.end("of")].strip()
            of = re.sub(r"的$", "", of)
            if not of:
                of = self._implicit_total(a, mention.num_start if mention else m.start())
                if of:
                    f.words["of_inferred"] = "true"
            f.words["of"] = of
            self.add(f)

    def _implicit_total(self, sentence_start: int, before: int) -> str:
        """The total a bare "占X%" refers to: "X万元，其中：/主要用于…" or "X决算中，"."""
        for mt in reversed([mt for mt in self.mentions if sentence_start <= mt.num_start < before]):
            follow = self.mm[mt.end : mt.end + 14]
            if re.match(r"[,，。]?(?:其中|主要用于|具体)", follow) and mt.subject:
                return mt.subject
        head = re.match(r"(?P<x>[^,，;。\n]{2,40}?)中[,，]", self.mm[sentence_start:before])
        if head:
            subj, _ = canonical_subject(self.t.s[sentence_start : sentence_start + head.end("x")])
            return subj
        k = self.t.sentence_index(sentence_start)
        if self.mm[sentence_start : sentence_start + 2] == "其中" and k > 0:
            a, b = self.t.sentences[k - 1]
            lead = [mt for mt in self.mentions if a <= mt.num_start < b and mt.subject]
            if lead:
                return lead[0].subject
        return ""

    # amounts ---------------------------------------------------------

    _DIR_END = re.compile(r"(?:增加|减少|增长|下降|上升|降低)$")

    def pass_amount(self) -> None:
        """Every remaining "subject NUMBER 万元/元": the current-year amounts."""
        for mt in self.mentions:
            if self.is_consumed(mt.num_start, mt.end) or not mt.subject:
                continue
            if self._DIR_END.search(mt.subject) or "单价" in mt.subject:
                continue
            if self.mm[mt.end : mt.end + 4].startswith(("(含)", "以上")):
                continue
            if len(re.sub(r"[^\u4e00-\u9fff]", "", mt.subject)) < 2:
                continue
            f = _Build("amount", mt.subject, mt.start, mt.end, code=mt.code)
            f.values["amount"] = mt.qty
            self.add(f)

    # reasons ---------------------------------------------------------

    def attach_reasons(self) -> None:
        """Give each stated reason to the completion or yoy fact it explains.

        A reason names its subject ("公务接待费支出减少的主要原因是…") or
        follows its fact in the same or the next sentence; a yoy reason after
        a list of sub-items explains the whole list.
        """
        targets = [f for f in self.facts if f.kind in ("completion", "yoy")]
        for r in self.reasons:
            text = self.reason_text(r)
            before = [f for f in targets if f.start <= r.marker]
            if not before:
                continue
            chosen: _Build | None = None
            if r.prefix_subject:
                same = [f for f in before if f.subject == r.prefix_subject and not f.words.get("reason")]
                if same:
                    chosen = same[-1]
            if chosen is None:
                f = max(before, key=lambda x: (x.end, x.start))
                ri, fi = self.t.sentence_index(r.marker), self.t.sentence_index(max(f.end - 1, f.start))
                if ri - fi > 1 or "\n" in self.mm[f.end : r.marker]:
                    continue
                item_f, item_r = self.item_at(f.start + 1), self.item_at(r.marker)
                if (
                    f.kind == "completion"
                    and item_r is not None
                    and item_f is not None
                    and item_r["start"] != item_f["start"]
                ):
                    continue
                if f.words.get("reason"):
                    continue
                chosen = f
            chosen.words["reason"] = text
            if chosen.kind == "yoy" and not r.prefix_subject:
                for g in targets:
                    if g.kind == "yoy" and g.group == chosen.group and not g.words.get("reason"):
                        g.words["reason"] = text


# ---------------------------------------------------------------- public API


def _to_facts(ex: _Extractor, section: str, page_of: Callable[[int], int]) -> list[Fact]:
    out = []
    t = ex.t
    for b in ex.facts:
        start = max(0, min(b.start, len(t.s)))
        end = max(start, min(b.end, len(t.s)))
        text = t.s[start:end].strip("\n")
        lead = len(t.s[start:end]) - len(t.s[start:end].lstrip("\n"))
        start += lead
        raw_start, raw_end = t.raw_span(start, end) if end > start else (t.pos[start], t.pos[start])
        span = Span(section=section, page=page_of(raw_start), start=raw_start, end=raw_end, text=text.replace("\n", ""))
        out.append(
            Fact(kind=b.kind, subject=b.subject, code=b.code, values=dict(b.values), words=dict(b.words), span=span)
        )
    out.sort(key=lambda f: (f.span.start, _KIND_ORDER[f.kind], f.span.end, f.subject))
    return out


def facts_from_text(text: str, section: str = "", page: int = 0) -> list[Fact]:
    """Facts printed in one narrative text (pure; every fact gets ``page``).

    ``section`` is the section title; if it is itself a 科目 heading ("一、X（类）
    …（项）") it provides the subject for the figures in the text.
    """
    ex = _Extractor(text, section)
    ex.run()
    return _to_facts(ex, section, lambda _o: page)


def _line_pages(section: Any, page_texts: list[str]) -> Callable[[int], int]:
    """Offset in ``section.text`` -> page, by aligning its lines with the pages.

    ``read_sections`` builds the text from the stripped, non-empty lines of
    ``section.pages`` in order, so each section line is found again, in order,
    among those pages' lines; a line not found keeps the previous page.
    """
    pages = list(getattr(section, "pages", []) or [])
    default = pages[0] if pages else 0
    candidates: list[tuple[int, str]] = []
    for p in pages:
        if 1 <= p <= len(page_texts):
            candidates.extend((p, ln.strip()) for ln in page_texts[p - 1].splitlines() if ln.strip())
    starts: list[int] = []
    line_page: list[int] = []
    offset = 0
    cursor = 0
    current = default
    for line in section.text.splitlines(keepends=True):
        body = line.strip()
        starts.append(offset)
        if body:
            for j in range(cursor, len(candidates)):
                if candidates[j][1] == body:
                    current = candidates[j][0]
                    cursor = j + 1
                    break
        line_page.append(current)
        offset += len(line)

    def page_of(raw_offset: int) -> int:
        if not starts:
            return default
        lo, hi = 0, len(starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= raw_offset:
                lo = mid
            else:
                hi = mid - 1
        return line_page[lo]

    return page_of


def narrative_facts(report: Any) -> list[Fact]:
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
        ex = _Extractor(section.text, section.title)
        ex.run()
        out.extend(_to_facts(ex, section.title, _line_pages(section, page_texts)))
    return out
