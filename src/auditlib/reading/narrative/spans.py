"""From drafts to facts: spans in the raw section text, and the page each fact was printed on."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from auditlib.reading.narrative.model import KIND_ORDER, Fact, Span

if TYPE_CHECKING:
    from auditlib.model.report import Section
    from auditlib.reading.narrative.extractor import Extractor


def to_facts(ex: Extractor, section: str, page_of: Callable[[int], int]) -> list[Fact]:
    """The extractor's drafts as Facts, in document order (then kind order)."""
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
    out.sort(key=lambda f: (f.span.start, KIND_ORDER[f.kind], f.span.end, f.subject))
    return out


def line_pages(section: Section, page_texts: list[str]) -> Callable[[int], int]:
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
