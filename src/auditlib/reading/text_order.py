"""A page's text in reading order when its content stream draws text out of order.

Why: PDFium gives a page's text in the order the content stream draws it. Word, WPS and ONLYOFFICE
draw top to bottom, so that order is the reading order; but some producers (Excel and Acrobat
exports, post-processors that merge or re-run text) draw runs in any order, and then titles come
apart, headings follow their text and sentences mix. Such a page is read from the characters'
positions instead: lines top to bottom, each left to right (``extract.chars_to_text``). Pages whose
stream order is the reading order keep PDFium's text exactly, so nothing changes for them.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import Any

from auditlib.reading.extract import Char, chars_to_text, textpage_chars

#: A page is read by position when more than this share of its line fragments (in stream order)
#: lie outside the longest run that goes down the page, and it has at least ``MIN_FRAGMENTS`` of
#: them. Pages drawn top to bottom are near 0; tables with stacked headers, a page number drawn
#: first or cells drawn column by column reach 0.39 on the real reports and samples (none of their
#: pages is read by position); a stream whose runs are shuffled is at 0.41 to 0.85. A page read by
#: position when it did not need to be is still read right: only PDFium's spacing is lost.
DISORDER = 0.4
#: The share for a page that draws no ruled table: text pages drawn in reading order stay at or
#: under 0.12 (one fragment of eight) on the real reports, the samples and the budget reports, and a
#: text page whose runs are partly shuffled is at 0.2 to 0.4.
DISORDER_TEXT_PAGE = 0.18
MIN_FRAGMENTS = 8


def scrambled(chars: list[Char], ruled: Callable[[], bool] = lambda: True) -> bool:
    """The characters, in stream order, go up and down the page too much to be read in that order:
    the share of line fragments outside the longest sequence that runs down the page (top to
    bottom, as a reader goes) exceeds ``DISORDER``, or ``DISORDER_TEXT_PAGE`` on a page that draws
    no ruled table (``ruled()`` is False; asked only when the share falls between the two)."""
    fragments: list[Char] = []  # the first character of each run on one line, in stream order
    for ch in chars:
        if ch.text.isspace():
            continue
        if fragments and abs(ch.cy - fragments[-1].cy) <= max(ch.height, fragments[-1].height, 1.0) * 0.5:
            continue
        fragments.append(ch)
    if len(fragments) < MIN_FRAGMENTS:
        return False
    tails: list[int] = []  # longest non-decreasing run of depth (-y), patience sorting
    for ch in fragments:
        depth = -round(ch.cy)
        k = bisect.bisect_right(tails, depth)
        if k == len(tails):
            tails.append(depth)
        else:
            tails[k] = depth
    disorder = 1 - len(tails) / len(fragments)
    return disorder > DISORDER or (disorder > DISORDER_TEXT_PAGE and not ruled())


def page_text(page: Any, textpage: Any, ruled: Callable[[], bool] = lambda: True) -> str:
    """PDFium's text of the page, or the text laid out by position when the stream is scrambled or
    the page is turned by /Rotate (PDFium groups lines in user space, where a turned page's lines
    run vertically)."""
    chars = textpage_chars(page, textpage)
    if page.get_rotation() % 360 or scrambled(chars, ruled):
        return chars_to_text(chars)
    return str(textpage.get_text_bounded())
