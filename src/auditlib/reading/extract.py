"""Camelot finds the grids; PDFium fills them with text.

Why this split: Camelot's lattice parser is good at finding ruled grids and
merged cells, but Camelot 2.0 reads text through playa-pdf, which misplaces
the glyphs of fonts whose descriptor has zero ascent/descent (LibreOffice
exports with its fallback CJK font do this): every text lands one row low and
the table is silently wrong. So each cell's text is taken from PDFium's
character boxes (an independent reader) by the centre of each glyph; where the
two readers disagree, the PDFium text wins and the disagreement is counted, so
a report can say that a correction happened.

Speed: ``engine="vector"`` reads the ruling lines from the PDF's drawing
operators instead of rendering the page, about 9× faster than the default
raster engine with identical cells on ruled tables. Pages where it finds no
grid are retried with the default engine, then with a text-based flavor.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from auditlib.model.tables import Box  # x0, y0, x1, y1 (PDF points, origin bottom-left)
from auditlib.model.text import squash


@dataclass
class Char:
    text: str
    box: Box

    @property
    def cx(self) -> float:
        return (self.box[0] + self.box[2]) / 2

    @property
    def cy(self) -> float:
        return (self.box[1] + self.box[3]) / 2

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]


@dataclass
class Region:
    """A printed cell: one grid cell or several merged ones."""

    r0: int
    c0: int
    r1: int
    c1: int
    box: Box
    text: str = ""


@dataclass
class RawTable:
    """One grid on one page: rows top to bottom, columns left to right."""

    page: int  # 1-based
    cols: list[tuple[float, float]]
    rows: list[tuple[float, float]]  # (top, bottom) y, decreasing
    regions: list[Region]
    ruled: bool = True
    engine: str = "vector"
    corrected_cells: int = 0  # cells where PDFium's text replaced Camelot's
    _anchor: dict[tuple[int, int], Region] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index()

    def _index(self) -> None:
        self._anchor = {}
        for reg in self.regions:
            for r in range(reg.r0, reg.r1 + 1):
                for c in range(reg.c0, reg.c1 + 1):
                    self._anchor[(r, c)] = reg

    @property
    def nrows(self) -> int:
        return len(self.rows)

    @property
    def ncols(self) -> int:
        return len(self.cols)

    @property
    def bbox(self) -> Box:
        return (self.cols[0][0], self.rows[-1][1], self.cols[-1][1], self.rows[0][0])

    def region(self, r: int, c: int) -> Region:
        return self._anchor[(r, c)]

    def text(self, r: int, c: int) -> str:
        """Text of the printed cell anchored at (r, c); "" inside a merged cell."""
        reg = self._anchor[(r, c)]
        return reg.text if (reg.r0, reg.c0) == (r, c) else ""

    def covering_text(self, r: int, c: int) -> str:
        """Text of the printed cell covering (r, c), merged or not."""
        return self._anchor[(r, c)].text

    def grid(self) -> list[list[str]]:
        return [[self.text(r, c) for c in range(self.ncols)] for r in range(self.nrows)]


# ---------------------------------------------------------------- PDFium characters


def display_box(box: Box, rotation: int, mediabox: Box) -> Box:
    """A box in the page's user space turned as the page is shown (``/Rotate`` 90, 180 or 270).

    Why: PDFium gives character boxes in user space, while Camelot (and a reader) see the page as
    displayed. A landscape table stored as a portrait page turned by /Rotate has its lines running
    vertically in user space; turned back, they are lines again and meet Camelot's grid.
    """
    x0, y0, x1, y1 = box[0] - mediabox[0], box[1] - mediabox[1], box[2] - mediabox[0], box[3] - mediabox[1]
    width, height = mediabox[2] - mediabox[0], mediabox[3] - mediabox[1]
    if rotation == 90:
        return (y0, width - x1, y1, width - x0)
    if rotation == 180:
        return (width - x1, height - y1, width - x0, height - y0)
    if rotation == 270:
        return (height - y1, x0, height - y0, x1)
    return box


def textpage_chars(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> list[Char]:
    """Every printed character of an open page, in stream order, with its box as displayed
    (generated spaces and line breaks dropped)."""
    rotation = page.get_rotation() % 360
    mediabox = page.get_mediabox() if rotation else (0.0, 0.0, 0.0, 0.0)
    chars = []
    for i in range(textpage.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(textpage.raw, i):
            continue
        code = pdfium_c.FPDFText_GetUnicode(textpage.raw, i)
        if code in (0, 0xFFFE, 0xFFFF):
            continue
        ch = chr(code)
        if ch in "\r\n":
            continue
        box = textpage.get_charbox(i, loose=True)
        chars.append(Char(ch, display_box(box, rotation, mediabox) if rotation else box))
    return chars


def page_chars(doc: pdfium.PdfDocument, page_number: int) -> list[Char]:
    """Every printed character of a page with its box as displayed (generated spaces dropped)."""
    page = doc[page_number - 1]
    textpage = page.get_textpage()
    try:
        return textpage_chars(page, textpage)
    finally:
        textpage.close()
        page.close()


def chars_to_text(chars: list[Char]) -> str:
    """Lay out characters as lines (top to bottom), each left to right."""
    visible = [c for c in chars if not c.text.isspace()]
    if not visible:
        return ""
    visible.sort(key=lambda c: -c.cy)
    lines: list[list[Char]] = []
    for ch in visible:
        if lines:
            last = lines[-1]
            ref = sum(c.cy for c in last) / len(last)
            tol = max(max(c.height for c in last), ch.height, 1.0) * 0.5
            if abs(ch.cy - ref) <= tol:
                last.append(ch)
                continue
        lines.append([ch])
    out = []
    for line in lines:
        line.sort(key=lambda c: c.box[0])
        parts = [line[0].text]
        for prev, cur in zip(line, line[1:]):
            gap = cur.box[0] - prev.box[2]
            size = max(prev.height, cur.height, 1.0)
            if gap > size * 0.9:
                parts.append(" ")
            parts.append(cur.text)
        out.append("".join(parts))
    return "\n".join(out)


# ---------------------------------------------------------------- Camelot grids


def _regions_from_camelot(table: Any, ruled: bool) -> list[Region]:
    """Merge grid cells that Camelot found unbounded between them."""
    nr, nc = len(table.rows), len(table.cols)
    parent = list(range(nr * nc))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    if ruled:
        for r in range(nr):
            for c in range(nc):
                cell = table.cells[r][c]
                if c + 1 < nc and not cell.right and not table.cells[r][c + 1].left:
                    union(r * nc + c, r * nc + c + 1)
                if r + 1 < nr and not cell.bottom and not table.cells[r + 1][c].top:
                    union(r * nc + c, (r + 1) * nc + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(nr):
        for c in range(nc):
            groups.setdefault(find(r * nc + c), []).append((r, c))
    regions = []
    for members in groups.values():
        rs = [m[0] for m in members]
        cs = [m[1] for m in members]
        r0, r1, c0, c1 = min(rs), max(rs), min(cs), max(cs)
        # A non-rectangular merge (a broken ruling) is split back into cells.
        if len(members) != (r1 - r0 + 1) * (c1 - c0 + 1):
            for r, c in members:
                regions.append(Region(r, c, r, c, _box(table, r, c, r, c)))
            continue
        regions.append(Region(r0, c0, r1, c1, _box(table, r0, c0, r1, c1)))
    regions.sort(key=lambda g: (g.r0, g.c0))
    return regions


def _box(table: Any, r0: int, c0: int, r1: int, c1: int) -> Box:
    return (table.cols[c0][0], table.rows[r1][1], table.cols[c1][1], table.rows[r0][0])


def _fill(raw: RawTable, chars: list[Char], camelot_table: Any) -> None:
    """Assign each character to the printed cell containing its centre."""
    x0, y0, x1, y1 = raw.bbox
    buckets: dict[int, list[Char]] = {}
    for ch in chars:
        cx, cy = ch.cx, ch.cy
        if not (x0 <= cx <= x1 and y0 <= cy <= y1):
            continue
        c = next((i for i, (a, b) in enumerate(raw.cols) if a <= cx <= b), None)
        r = next((i for i, (top, bottom) in enumerate(raw.rows) if bottom <= cy <= top), None)
        if r is None or c is None:
            continue
        reg = raw.region(r, c)
        buckets.setdefault(id(reg), []).append(ch)
    corrected = 0
    for reg in raw.regions:
        reg.text = chars_to_text(buckets.get(id(reg), []))
        if camelot_table is not None:
            theirs = camelot_table.cells[reg.r0][reg.c0].text
            if squash(theirs) != squash(reg.text):
                corrected += 1
    raw.corrected_cells = corrected


@contextmanager
def _keep_empty_grids() -> Iterator[None]:
    """Let Camelot keep ruled grids that are over 90 % empty.

    Camelot 2.0's lattice parser drops such grids as detection noise, but an
    empty final-accounts table (no government-fund spending, the blank
    template) is exactly that: a full ruled grid with a header and no figures.
    We check grids ourselves (a title above, text inside), so the gate is
    switched off while we call Camelot.
    """
    from camelot.parsers import lattice

    original = lattice.Lattice._reject_table
    lattice.Lattice._reject_table = lambda self, table: False  # type: ignore[method-assign]
    try:
        yield
    finally:
        lattice.Lattice._reject_table = original  # type: ignore[method-assign]


def _camelot_tables(path: Path, pages: list[int], password: str | None, **kwargs: Any) -> list[Any]:
    import camelot

    if not pages:
        return []
    with warnings.catch_warnings(), _keep_empty_grids():
        warnings.simplefilter("ignore")
        try:
            found = camelot.read_pdf(
                str(path), pages=",".join(map(str, pages)), password=password, suppress_stdout=True, **kwargs
            )
        except Exception:  # noqa: BLE001 - camelot raises many kinds; the caller falls back
            return []
    return list(found)


def ruling_count(doc: pdfium.PdfDocument, page_number: int) -> int:
    """Number of path objects (lines, rectangles) drawn on a page.

    A ruled table draws dozens; a text page draws none. Counting them costs
    about a millisecond per page and saves a Camelot pass on pages that
    cannot hold a ruled grid.
    """
    page = doc[page_number - 1]
    try:
        return sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2))
    finally:
        page.close()


def extract_grids(
    path: Path,
    doc: pdfium.PdfDocument,
    pages: list[int],
    password: str | None = None,
    fallback_pages: set[int] | None = None,
) -> dict[int, list[RawTable]]:
    """Ruled grids on the given pages.

    Pages where the vector engine finds nothing are retried with Camelot's
    default engine and then a text-based flavor, but only those in
    ``fallback_pages`` (default: all): a page that only might continue a table
    is not worth three Camelot passes.
    """
    out: dict[int, list[RawTable]] = {p: [] for p in pages}
    # boxes_flow=None skips pdfminer's reading-order analysis of text boxes:
    # Camelot's own cell texts are only compared, never used, so it is wasted
    # work (about 30 % of Camelot's time on these pages).
    layout = {"layout_kwargs": {"boxes_flow": None}}
    plans = [
        dict(flavor="lattice", engine="vector", **layout),
        dict(flavor="lattice", **layout),
        dict(flavor="network", **layout),
    ]
    todo = list(pages)
    chars_cache: dict[int, list[Char]] = {}
    for n, plan in enumerate(plans):
        if n and fallback_pages is not None:
            todo = [p for p in todo if p in fallback_pages]
        if not todo:
            break
        for table in _camelot_tables(path, todo, password, **plan):
            page = int(table.page)
            if not table.rows or not table.cols:
                continue
            ruled = plan["flavor"] == "lattice"
            raw = RawTable(
                page=page,
                cols=[tuple(c) for c in table.cols],
                rows=[tuple(r) for r in table.rows],
                regions=_regions_from_camelot(table, ruled),
                ruled=ruled,
                engine=str(plan.get("engine", plan["flavor"])),
            )
            if page not in chars_cache:
                chars_cache[page] = page_chars(doc, page)
            _fill(raw, chars_cache[page], table)
            if _suspicious(raw):
                continue
            out.setdefault(page, []).append(raw)
        todo = [p for p in todo if not out.get(p)]
    for page in out:
        out[page].sort(key=lambda t: -t.bbox[3])
    return out


def _suspicious(raw: RawTable) -> bool:
    """A grid no table can be: one cell, or a frame with no text at all."""
    if raw.nrows * raw.ncols <= 1:
        return True
    return not any(reg.text for reg in raw.regions)


def text_lines_between(chars: list[Char], top: float, bottom: float) -> list[str]:
    """Text lines printed between two heights (titles above a grid, notes below)."""
    inside = [c for c in chars if bottom < c.cy < top]
    return [ln for ln in chars_to_text(inside).splitlines() if ln.strip()]


def text_lines_above(chars: list[Char], y: float) -> list[str]:
    """Text lines printed above height y (titles, department and unit lines)."""
    return text_lines_between(chars, float("inf"), y)
