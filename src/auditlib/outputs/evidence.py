"""Pictures of the PDF around a finding's evidence, for the working paper.

Why: a finding says "page 11, 公用经费合计, 74.32"; a reviewer wants to *see*
the printed cell without opening the PDF. ``evidence_png`` renders the page
of the finding's first evidence item with PDFium, crops the region around the
evidence on that page and outlines each evidence box (red outline, light
yellow semi-transparent fill).

Coordinates. Evidence boxes are PDF user-space points, origin bottom-left
(``[x0, y0, x1, y1]``). PDFium renders the page's *crop box* (clipped to the
media box), after the
page's ``/Rotate``, at ``scale`` pixels per point, origin top-left. So a
point is first made relative to the crop box's lower-left corner, then the
y axis is flipped, then the rotation is applied, then it is scaled
(``page_to_pixel``). The sample and real reports have crop box = media box
and no rotation, but published PDFs do not always.

Evidence without a box (narrative facts, attachment lines) is located on the
page by its printed text (PDFium character boxes, whitespace ignored, first
occurrence); when that fails too the whole page is shown, smaller, without a
highlight.

The PNG is deterministic (Pillow writes no timestamp), so the same finding
gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageDraw

from auditlib.model.text import squash
from auditlib.outputs.files import write_atomic

#: Context kept around the evidence, in PDF points (horizontal, vertical).
PAD_X = 60.0
PAD_Y = 40.0
#: Smallest crop, in points, so a single cell still shows its neighbours.
MIN_WIDTH = 300.0
MIN_HEIGHT = 150.0
#: The highlight: pixels between the box and its outline, outline width (at scale 2).
HIGHLIGHT_MARGIN = 3
OUTLINE_WIDTH = 3
OUTLINE = (220, 0, 0, 255)
FILL = (255, 230, 0, 60)
#: Scale of the whole-page fallback (nothing on the page could be located).
WHOLE_PAGE_SCALE = 1.25


@dataclass(frozen=True)
class PageGeometry:
    """What is needed to map PDF points to pixels of ``page.render(scale=…)``."""

    crop: tuple[float, float, float, float]  # left, bottom, right, top (points)
    rotation: int  # 0, 90, 180, 270 (clockwise, as /Rotate)
    scale: float

    @property
    def size(self) -> tuple[float, float]:
        """Rendered size in pixels (before rounding up)."""
        w = (self.crop[2] - self.crop[0]) * self.scale
        h = (self.crop[3] - self.crop[1]) * self.scale
        return (h, w) if self.rotation in (90, 270) else (w, h)


def page_to_pixel(geom: PageGeometry, x: float, y: float) -> tuple[float, float]:
    """A PDF point (origin bottom-left) as a pixel (origin top-left) of the rendering."""
    left, bottom, right, top = geom.crop
    u, v = x - left, y - bottom
    width, height = right - left, top - bottom
    if geom.rotation == 90:
        px, py = v, u
    elif geom.rotation == 180:
        px, py = width - u, v
    elif geom.rotation == 270:
        px, py = height - v, width - u
    else:
        px, py = u, height - v
    return px * geom.scale, py * geom.scale


def box_to_pixels(geom: PageGeometry, bbox: Sequence[float]) -> tuple[float, float, float, float]:
    """A PDF box ``[x0, y0, x1, y1]`` as a pixel box ``(left, top, right, bottom)``."""
    x0, y0, x1, y1 = (float(v) for v in bbox)
    corners = [page_to_pixel(geom, x, y) for x in (x0, x1) for y in (y0, y1)]
    xs = [c[0] for c in corners]
    ys = [c[1] for c in corners]
    return min(xs), min(ys), max(xs), max(ys)


def geometry(page: pdfium.PdfPage, scale: float) -> PageGeometry:
    """The page's displayed box and rotation. The displayed box is PDFium's
    page bounding box: the crop box clipped to the media box (a crop box may
    reach beyond the media box; what is rendered is their intersection)."""
    return PageGeometry(tuple(float(v) for v in page.get_bbox()), page.get_rotation() % 360, scale)


@dataclass
class EvidenceImage:
    """A rendered evidence region: the image and where things are in it."""

    image: Image.Image
    page: int
    #: Full-page pixel coordinates of the image's top-left corner.
    offset: tuple[int, int]
    #: The highlighted evidence boxes in image pixels (left, top, right, bottom).
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)
    #: False when nothing could be placed on the page (whole page shown).
    located: bool = True

    def png(self) -> bytes:
        buf = io.BytesIO()
        self.image.save(buf, format="PNG", optimize=False, compress_level=6)
        return buf.getvalue()


# ---------------------------------------------------------------- evidence access


def _get(item: Any, key: str) -> Any:
    """Evidence objects or their JSON form (findings.json) alike."""
    if isinstance(item, dict):
        return item.get(key)
    return getattr(item, key, None)


# ---------------------------------------------------------------- locating text


def locate_text(page: pdfium.PdfPage, text: str, min_chars: int = 2) -> list[list[float]]:
    """Boxes (PDF points, one per printed line) of the first occurrence of
    ``text`` on the page, whitespace and line breaks ignored; a long text not
    found whole is looked for by its first 12 characters. [] when absent."""
    wanted = squash(text)
    if len(wanted) < min_chars:
        return []
    textpage = page.get_textpage()
    try:
        chars: list[tuple[str, int]] = []
        for i in range(textpage.count_chars()):
            code = pdfium_c.FPDFText_GetUnicode(textpage.raw, i)
            if code in (0, 0xFFFE, 0xFFFF):
                continue
            ch = chr(code)
            if ch.isspace():
                continue
            chars.append((ch, i))
        flat = "".join(c for c, _i in chars)
        start = flat.find(wanted)
        if start < 0 and len(wanted) > 12:
            wanted = wanted[:12]
            start = flat.find(wanted)
        if start < 0:
            return []
        boxes = [textpage.get_charbox(i, loose=True) for _c, i in chars[start : start + len(wanted)]]
    finally:
        textpage.close()
    lines: list[list[float]] = []
    for left, bottom, right, top in boxes:
        if lines:
            cur = lines[-1]
            mid = (bottom + top) / 2
            if cur[1] - 1 <= mid <= cur[3] + 1 and left >= cur[0] - 1:
                cur[:] = [min(cur[0], left), min(cur[1], bottom), max(cur[2], right), max(cur[3], top)]
                continue
        lines.append([left, bottom, right, top])
    return lines


# ---------------------------------------------------------------- rendering


def _evidence_boxes(page: pdfium.PdfPage, items: Iterable[Any]) -> list[list[float]]:
    boxes: list[list[float]] = []
    for item in items:
        bbox = _get(item, "bbox")
        if bbox and len(bbox) == 4:
            boxes.append([float(v) for v in bbox])
        else:
            boxes.extend(locate_text(page, str(_get(item, "text") or "")))
    return boxes


def _span(lo: float, hi: float, pad: float, minimum: float, limit: float) -> tuple[float, float]:
    """One axis of the crop: padded, widened to ``minimum`` about its centre, clipped to [0, limit]."""
    lo, hi = lo - pad, hi + pad
    if hi - lo < minimum:
        grow = (minimum - (hi - lo)) / 2
        lo, hi = lo - grow, hi + grow
    return max(0.0, lo), min(float(limit), hi)


def _crop(union: tuple[float, float, float, float], scale: float, width: int, height: int) -> tuple[int, int, int, int]:
    """The crop around the evidence (pixels): padded by PAD_X/PAD_Y points, at
    least MIN_WIDTH × MIN_HEIGHT points, clipped to the rendering."""
    left, right = _span(union[0], union[2], PAD_X * scale, MIN_WIDTH * scale, width)
    top, bottom = _span(union[1], union[3], PAD_Y * scale, MIN_HEIGHT * scale, height)
    return int(left), int(top), int(round(right)), int(round(bottom))


def _highlight(image: Image.Image, boxes: list[tuple[float, float, float, float]], scale: float) -> Image.Image:
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    margin = HIGHLIGHT_MARGIN
    width = max(2, round(OUTLINE_WIDTH * scale / 2))
    for left, top, right, bottom in boxes:
        rect = [round(left) - margin, round(top) - margin, round(right) + margin, round(bottom) + margin]
        draw.rectangle(rect, fill=FILL)
    for left, top, right, bottom in boxes:  # outlines over every fill
        rect = [round(left) - margin, round(top) - margin, round(right) + margin, round(bottom) + margin]
        draw.rectangle(rect, outline=OUTLINE, width=width)
    return Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")


def render_evidence(
    doc: pdfium.PdfDocument,
    evidence_list: Sequence[Any],
    scale: float = 2.0,
    page_images: dict[tuple[int, float], Any] | None = None,
) -> EvidenceImage | None:
    """The evidence image from an open document (None when no item has a page
    in the document). The page is the first evidence item's that has one;
    every item on that page is highlighted. ``page_images`` (optional) keeps
    rendered pages between calls: many findings point at the same page."""
    items = [e for e in evidence_list if _get(e, "page")]
    if not items:
        return None
    page_no = int(_get(items[0], "page"))
    if not 1 <= page_no <= len(doc):
        return None
    on_page = [e for e in items if int(_get(e, "page")) == page_no]
    page = doc[page_no - 1]
    try:
        boxes_pt = _evidence_boxes(page, on_page)
        if not boxes_pt:
            bitmap = page.render(scale=WHOLE_PAGE_SCALE)
            image = bitmap.to_pil().convert("RGB")
            bitmap.close()
            return EvidenceImage(image, page_no, (0, 0), [], located=False)
        geom = geometry(page, scale)
        key = (page_no, scale)
        full = page_images.get(key) if page_images is not None else None
        if full is None:
            bitmap = page.render(scale=scale)
            full = bitmap.to_pil().convert("RGB")
            bitmap.close()
            if page_images is not None:
                page_images[key] = full
    finally:
        page.close()
    px = [box_to_pixels(geom, b) for b in boxes_pt]
    union = (min(b[0] for b in px), min(b[1] for b in px), max(b[2] for b in px), max(b[3] for b in px))
    left, top, right, bottom = _crop(union, scale, full.width, full.height)
    shifted = [(b[0] - left, b[1] - top, b[2] - left, b[3] - top) for b in px]
    image = _highlight(full.crop((left, top, right, bottom)), shifted, scale)
    return EvidenceImage(image, page_no, (left, top), shifted)


def evidence_png(
    pdf_path: str | Path, evidence_list: Sequence[Any], password: str | None = None, scale: float = 2.0
) -> bytes | None:
    """PNG bytes of the PDF region around a finding's evidence, or None when
    no evidence item has a page (or the page is not in the PDF)."""
    return evidence_pngs(pdf_path, [evidence_list], password=password, scale=scale)[0]


def image_name(index: int, finding: Any) -> str:
    """``evidence/NNN-<rule_id>.png``, NNN the finding's 1-based position in
    the list given (the numbering of ``workpaper.evidence_name``)."""
    return f"evidence/{index:03d}-{_get(finding, 'rule_id')}.png"


def finding_images(
    pdf_path: str | Path,
    findings: Sequence[Any],
    out_dir: str | Path,
    password: str | None = None,
    include_info: bool = False,
    scale: float = 2.0,
) -> list[Path]:
    """Write one evidence PNG per finding that has evidence on a page, as
    ``out_dir/evidence/NNN-<rule_id>.png`` (NNN = 1-based position in
    ``findings``, so the numbers stay stable whatever is skipped); each file
    is written to a temporary file and moved into place. Info findings
    (rounding notes) are skipped unless ``include_info``. The PDF is opened
    once (``evidence_pngs``). Returns the paths written, in order."""
    out = Path(out_dir)
    written: list[Path] = []
    wanted = [
        (i, f)
        for i, f in enumerate(findings, start=1)
        if (include_info or _get(f, "severity") != "info") and any(_get(e, "page") for e in (_get(f, "evidence") or []))
    ]
    if not wanted:
        return written
    pngs = evidence_pngs(pdf_path, [_get(f, "evidence") for _i, f in wanted], password=password, scale=scale)
    for (index, finding), png in zip(wanted, pngs):
        if png is None:
            continue
        path = out / image_name(index, finding)
        write_atomic(path, png)
        written.append(path)
    return written


def evidence_pngs(
    pdf_path: str | Path, evidence_lists: Sequence[Sequence[Any]], password: str | None = None, scale: float = 2.0
) -> list[bytes | None]:
    """PNG bytes for each evidence list (None where nothing can be shown), the PDF opened once
    and each page rendered once. This is the step a working paper runs in a limited child
    (auditlib.running.read_guard.guarded): it opens the untrusted PDF again."""
    from auditlib.reading.pdf import readable_pdf

    if not any(_get(e, "page") for lst in evidence_lists for e in lst):
        return [None] * len(evidence_lists)
    # A damaged file was read from qpdf's repaired copy: the crops come from the same copy
    # (saved without encryption, so it opens without the password).
    with readable_pdf(pdf_path, password) as readable:
        same = Path(readable) == Path(pdf_path)
        doc = pdfium.PdfDocument(str(readable), password=password if same else None)
        page_images: dict[tuple[int, float], Any] = {}
        try:
            out: list[bytes | None] = []
            for lst in evidence_lists:
                rendered = render_evidence(doc, lst, scale=scale, page_images=page_images)
                out.append(rendered.png() if rendered is not None else None)
            return out
        finally:
            doc.close()
