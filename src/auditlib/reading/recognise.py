"""Which table a page holds: from its title, even when damaged, and from its structure.

Why: a title is one line of the text layer, and producers damage it. Excel and Acrobat exports
break it over two lines ("收入支出决算总" / "表"), print a part heading between its halves, or
emit it after the table body in text order; a damaged font garbles its characters, and some
producers print none. The table is still on the page, with its header and rows. This module
finds a title however it is laid out (``title_hits``) and, where none can be read, recognises
the table from the header and row labels the profile knows for it (``structure_scores``,
``profiles.final_accounts.SIGNATURES``); title words found anywhere on the page break ties
between look-alike tables. Pure text: no PDF library here, the rules use it too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from auditlib.model.text import squash
from auditlib.profiles.final_accounts import COVER, HEADERS, PAGE_PLAN, PROFILE, SIGNATURES, TABLES

# Quote characters vary by producer; compare titles with quotes removed.
_QUOTES = str.maketrans("", "", "“”\"'‘’「」")
_BRACKETS = str.maketrans({"（": "(", "）": ")"})


def normalise_title(text: str) -> str:
    return squash(text).translate(_QUOTES).translate(_BRACKETS)


_TITLE_INDEX: list[tuple[str, str]] = sorted(
    ((normalise_title(t), spec.id) for spec in TABLES.values() for t in spec.titles),
    key=lambda item: -len(item[0]),
)
#: A table label printed at the end of a title line, as any known layout variant prints it.
_LABEL_SUFFIX = re.compile("(?:" + "|".join(PROFILE.label_patterns()) + ")$")
_NUMBERING = [re.compile(p) for p in COVER.title_numbering]
_PREFIX_END = re.compile(COVER.title_prefix_end)
_YEAR = re.compile(COVER.year_in_title)


@lru_cache(maxsize=4096)
def _title_text(line: str) -> str:
    """A line as a title candidate: normalised, label and numbering removed."""
    s = _LABEL_SUFFIX.sub("", normalise_title(line))
    for numbering in _NUMBERING:
        s = numbering.sub("", s)
    return s


@lru_cache(maxsize=4096)
def _title_match(s: str) -> tuple[str, str] | None:
    """(table id, title) of the longest known title that ends ``s`` after a short prefix."""
    if not s or len(s) > 60:
        return None
    for title, tid in _TITLE_INDEX:
        if s.endswith(title) and len(s) - len(title) <= 30:
            prefix = s[: len(s) - len(title)]
            # A prefix is a department and/or a year, never another table's words.
            if prefix and not _PREFIX_END.search(prefix):
                continue
            return tid, title
    return None


def match_title(line: str) -> str | None:
    """Table id whose title (or alias) this line is, allowing a short prefix.

    Real titles come as 收入决算表, 2024年度收入决算表, 上海市…局2024年度收入决算表 or
    with a 公开02表 label on the same line; the longest title that ends the line
    (label removed) wins, so 一般公共预算财政拨款支出决算表 is never 支出决算表.
    """
    found = _title_match(_title_text(line))
    return found[0] if found else None


#: How a title was found: on one line, broken over two consecutive lines, or its two halves
#: with one other line (a part heading) between them. ``after_body`` (the title printed after
#: the table in text order) is a place on the page, not a layout of the title's own lines.
LAYOUTS = ("line", "wrapped", "overlapped")


@dataclass(frozen=True)
class TitleHit:
    """A table title on a page: ``start`` and ``end`` index its first and last line
    (in ``page_lines``)."""

    table: str
    layout: str
    start: int
    end: int


def page_lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def title_hits(lines: list[str]) -> list[TitleHit]:
    """Every table title on the page's lines, in text order.

    A title on one line is found as ``match_title`` finds it. A title broken over two lines
    is the end of one line followed by a line that is only the rest of the title (its label
    allowed), next or with one line between (a heading printed over the title).
    """
    hits: list[TitleHit] = []
    used: set[int] = set()
    for i, line in enumerate(lines):
        tid = match_title(line)
        if tid is not None:
            hits.append(TitleHit(tid, "line", i, i))
            used.add(i)
    for i in range(len(lines)):
        if i in used:
            continue
        head = _title_text(lines[i])
        if not head:
            continue
        for gap, layout in ((1, "wrapped"), (2, "overlapped")):
            j = i + gap
            if j >= len(lines) or j in used or (gap == 2 and i + 1 in used):
                continue
            tail = _title_text(lines[j])
            found = _title_match(head + tail) if tail else None
            # The second line holds only the rest of the title; the first line ends with its start.
            if found is None or len(tail) >= len(found[1]):
                continue
            hits.append(TitleHit(found[0], layout, i, j))
            used.update((i, j))
            break
    return sorted(hits, key=lambda h: h.start)


_AMOUNT = re.compile(r"^[-−]?\d{1,3}(,\d{3})*\.\d+$|^[-−]?\d+\.\d+$")
_CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")


def _body_line(line: str) -> bool:
    """A line of a table body or header: an amount, a classification code or a header label."""
    for token in line.split():
        t = normalise_title(token)
        if _AMOUNT.match(t) or _CODE.match(t) or t in HEADERS.labels or re.match(HEADERS.label_pattern, t):
            return True
    return False


def heads_table(lines: list[str], hit: TitleHit) -> str | None:
    """Whether the title heads a table on this page: ``line`` (its unit line follows within
    ``PAGE_PLAN.title_window`` lines, as printed above a table), ``after_body`` (it comes after
    the table in text order: a unit line before it, then at least two lines of table body), or
    None (a table of contents, a narrative heading)."""
    window = squash("".join(lines[hit.start : hit.end + PAGE_PLAN.title_window]))
    if any(word in window for word in PAGE_PLAN.unit_words):
        return "line"
    unit_lines = [k for k in range(hit.start) if any(w in lines[k] for w in PAGE_PLAN.unit_words)]
    if unit_lines and sum(_body_line(ln) for ln in lines[unit_lines[0] + 1 : hit.start]) >= 2:
        return "after_body"
    return None


def tables_on_page(text: str) -> list[str]:
    """Ids of the tables whose title heads a table on this page, in text order of their titles."""
    lines = page_lines(text)
    found: list[str] = []
    for hit in title_hits(lines):
        if hit.table not in found and heads_table(lines, hit):
            found.append(hit.table)
    return found


def title_on_page(text: str, tid: str) -> str | None:
    """How the title of ``tid`` is printed on the page: ``line``, ``wrapped``, ``overlapped``, or
    None when it cannot be read there (missing or garbled)."""
    for hit in title_hits(page_lines(text)):
        if hit.table == tid:
            return hit.layout
    return None


# ---------------------------------------------------------------- recognition from structure

#: A table recognised from structure alone scores at least this many points (header and row
#: labels present, title words) and this many more than any other table that could be there.
MIN_SCORE = 3
MIN_MARGIN = 2
#: Points for title words found on the page, and for the table whose title a line resembles.
TITLE_POINTS = 3
#: A line with this share of a table's title characters in place is that title with characters
#: damaged.
_TITLE_LIKE = 0.6
#: A table title of another report kind (a budget's 预算表): not a final-accounts table page.
_OTHER_KIND = re.compile(r"预算\S{0,6}表")


def title_like(lines: list[str]) -> tuple[str, str] | None:
    """(table id, line) of the table whose title a short line resembles most (a garbled
    title: characters replaced by a damaged font), or None.

    The line's end is compared with the title character by character (a short prefix, a
    department or a year, allowed before it): ``_TITLE_LIKE`` of the title's characters in
    place make a garbled title; a line shorter than the title never does."""
    best: tuple[float, int, str, str] | None = None
    for line in lines:
        s = _title_text(line)
        # A title line holds no figure and no field (a year in its prefix allowed).
        if not 4 <= len(s) <= 60 or re.search(r"\d|[:：]", _YEAR.sub("", s)):
            continue
        for title, tid in _TITLE_INDEX:
            if len(s) < len(title) or len(s) - len(title) > 30:
                continue
            same = sum(a == b for a, b in zip(s[-len(title) :], title, strict=True))
            ratio = same / len(title)
            if ratio >= _TITLE_LIKE and (best is None or (ratio, len(title)) > best[:2]):
                best = (ratio, len(title), tid, line)
    return (best[2], best[3]) if best else None


def structure_scores(text: str) -> dict[str, int]:
    """Points per table for this page's header and row labels (``SIGNATURES``): one per label
    present, one off per label of a look-alike, ``TITLE_POINTS`` when its title words are on the
    page and again for the table whose title a line resembles (a garbled title). Empty when the
    page is not a final-accounts table page: no unit line, a title of some table (a table of
    contents, or a page whose title was found), a self-evaluation attachment, a budget table."""
    lines = page_lines(text)
    page = normalise_title(text)
    if not any(w in page for w in PAGE_PLAN.unit_words) or title_hits(lines):
        return {}
    if "自评" in page or (_OTHER_KIND.search(page) and "决算" not in page):
        return {}
    scores: dict[str, int] = {}
    for tid, sig in SIGNATURES.items():
        score = TITLE_POINTS if any(word in page for word in sig.title_words) else 0
        score += sum(1 for word in sig.words if word in page)
        score -= sum(1 for word in sig.absent if word in page)
        scores[tid] = score
    like = title_like(lines)
    if like is not None:
        scores[like[0]] += TITLE_POINTS
    return scores


def best_by_structure(scores: dict[str, int], candidates: set[str] | None = None) -> str | None:
    """The table these scores recognise among ``candidates`` (default: all): at least
    ``MIN_SCORE`` and ``MIN_MARGIN`` above every other candidate, else None (not a table page,
    or two tables alike: uncertain)."""
    ranked = sorted(
        ((tid, score) for tid, score in scores.items() if candidates is None or tid in candidates),
        key=lambda item: -item[1],
    )
    if not ranked:
        return None
    best, score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    if score >= MIN_SCORE and score - runner_up >= MIN_MARGIN:
        return best
    return None


def fits_order(tid: str, page: int, found: dict[str, list[int]]) -> bool:
    """Whether ``tid`` starting on ``page`` keeps the tables in the order of some known layout
    (``PROFILE.variants``): every table found before the page comes before it, every one after
    comes after it."""
    for variant in PROFILE.variants.values():
        if tid not in variant.order:
            continue
        place = variant.order.index(tid)
        if all(
            (variant.order.index(other) < place) == (pages[0] < page)
            for other, pages in found.items()
            if other != tid and other in variant.order
        ):
            return True
    return False
