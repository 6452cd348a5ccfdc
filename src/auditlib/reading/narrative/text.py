"""A section text as the extractor reads it: whitespace removed, sentences found, offsets kept.

Why: the text comes from a PDF text layer, so sentences break across lines
and pages and stray spaces appear inside numbers ("1,842.35 万元",
"2023 年度"). The text is first *normalised*: whitespace is dropped
(a single space is kept only where it separates two ASCII letters/digits, so
two numbers never merge), full-width digits/%/parentheses/colons are mapped to
ASCII for matching, and sub-headings such as "（一）…情况" keep their line end
as a hard break. Offsets into that normalised text map back to the original
section text, so a ``Span`` (start, end) always indexes ``section.text``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from auditlib.profiles.narrative import SUBHEADING_PATTERN
from auditlib.reading.narrative.quantities import FULLWIDTH

_HEADING_LINE = re.compile(rf"^{SUBHEADING_PATTERN}$")
_MONEY_OR_PCT = re.compile(r"\d\s*(?:万元|元|%|％)")
#: Characters that end a clause.
BOUND = frozenset("，,。;；:：、!?！？\n□")
#: Characters that end a sentence.
SENT_END = frozenset("。!?！？\n")
#: What a masked character (inside a stated reason) becomes.
MASK = "□"
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")


def one_of(words: Iterable[str]) -> str:
    """A regex alternation of literal words, in the order given ("a|b|c")."""
    return "|".join(re.escape(w) for w in words)


def thousands_comma(s: str, i: int) -> bool:
    """An ASCII comma between digits is a thousands separator, not a clause break."""
    return s[i] == "," and 0 < i < len(s) - 1 and s[i - 1].isdigit() and s[i + 1].isdigit()


def last_bound(text: str) -> int:
    """Offset just after the last clause delimiter of ``text`` (0 if none)."""
    for j in range(len(text), 0, -1):
        if text[j - 1] in BOUND and not thousands_comma(text, j - 1):
            return j
    return 0


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class NarrativeText:
    """A section text with whitespace removed and an offset map back.

    ``s`` holds the printed characters, ``m`` the same characters mapped 1:1
    to ASCII digits/%/()/:/; for matching, ``pos[i]`` the offset of ``s[i]``
    in the raw text. A "\\n" is kept only after a sub-heading line so that a
    heading never becomes part of the next sentence's subject.
    """

    def __init__(self, raw: str):
        self.raw = raw
        chars, pos = _squeezed(raw)
        s: list[str] = []
        p: list[int] = []
        # line-end marks become a space only between two ASCII alnums
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
        self.m = self.s.translate(FULLWIDTH)
        self.sentences = self._sentences()

    def _sentences(self) -> list[tuple[int, int]]:
        out = []
        start = 0
        for i, ch in enumerate(self.m):
            if ch in SENT_END:
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


def _squeezed(raw: str) -> tuple[list[str | None], list[int]]:
    """The characters of ``raw`` without whitespace, each with its raw offset.

    A space is kept where whitespace separated two ASCII letters/digits on one
    line; ``None`` marks a line end after an ASCII letter/digit (resolved by the
    caller once the next character is known); "\\n" ends a sub-heading line.
    """
    chars: list[str | None] = []
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
    return chars, pos
