"""Cheap sanity checks on a PDF's structure before any expensive step reads it.

Why: the expensive steps (PDFium's text layer, Camelot and its layout engine, the ruling
count) trust what the file declares. A page box of -9223372036854775808 units makes the
layout step allocate without end, a flate stream of a few MB inflates to gigabytes, a
page tree that contains itself or a form XObject that draws itself loops until the
stack or the memory is gone, all inside compiled code that no timeout signal can stop.
Each of these is visible in the file's objects for milliseconds of work, so it is
refused here, with its own one-line cause, before anything else reads a page. (A hard
memory and time limit around the reading itself is the second line of defence: this
module is the first, and the one that names the cause.)

qpdf (pikepdf) reads the objects: it opens lazily, parses each object once, detects loops
in the page tree and limits nesting while parsing (its warnings are read here). When
qpdf cannot open a file PDFium could, only the page boxes are checked, with PDFium.

Limits (docs/contract.md, README "Hostile files"):

- a page's MediaBox or CropBox (inherited ones too) within +-14,400 units, the PDF
  specification's largest page (200 inches);
- a flate stream inflating to at most 256 MiB, counted by streaming it through
  ``zlib.decompressobj`` in 1 MiB steps (never holding the output), and at most 1 GiB
  for all the streams inflated together (content streams and forms always; other streams
  only when their stored size times deflate's largest ratio, 1032, could pass the limit,
  which keeps the cost on a normal report to its content streams); an image whose declared Width x Height x components is
  over the same 256 MiB;
- arrays nested at most 100 deep in a content stream; objects that qpdf had to cut
  for nesting over its own limit (500);
- a page tree without loops; no form XObject that draws itself (directly or through
  other forms, by its own resources or the page's);
- a stream whose /Length qpdf had to recover (e.g. an indirect reference to the
  stream itself) is not refused: the reading goes on from qpdf's rewritten copy,
  with a note.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditlib.reading.pdf import InputError, structure_notes

BOX_LIMIT = 14_400
MAX_INFLATED = 256 << 20
MAX_INFLATED_TOTAL = 1 << 30
MAX_CONTENT_NESTING = 100
_STEP = 1 << 20
#: The largest ratio deflate reaches (about 1032:1): a stream whose stored bytes times this
#: stay under the limit cannot inflate past it, and is skipped unless its content is scanned.
_DEFLATE_RATIO = 1032
_DEEP_ARRAYS = b"[" * (MAX_CONTENT_NESTING + 1)
_WHITE = b" \t\r\n\x00\x0c"

_CYCLE = "circular page tree (a page-tree node contains itself)"
NOTE_LENGTH_REPAIRED = "damaged stream length: repaired"

_COMPONENTS = {"/DeviceGray": 1, "/CalGray": 1, "/Indexed": 1, "/DeviceRGB": 3, "/CalRGB": 3, "/Lab": 3}


@dataclass
class Precheck:
    """What the checks found that is not a refusal: notes, and whether Camelot needs qpdf's copy."""

    notes: list[str] = field(default_factory=list)
    needs_copy: bool = False
    #: pdf.structure_notes on the same qpdf handle (one open, one parse of every object).
    structure_notes: list[str] = field(default_factory=list)
    structure_copy: bool = False


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        return None


def _box_out_of_range(box: Any) -> bool:
    try:
        items = list(box)
    except TypeError:
        return False
    for item in items:
        n = _number(item)
        if n is not None and (n != n or abs(n) > BOX_LIMIT):  # NaN counts as out of range
            return True
    return False


def _inherited(obj: Any, key: str) -> Any:
    """A page attribute, looked up the /Parent chain as the specification inherits it (bounded)."""
    for _ in range(64):
        if obj is None:
            return None
        try:
            if key in obj:
                return obj[key]
            obj = obj.get("/Parent")
        except Exception:  # noqa: BLE001 - a broken parent link: nothing inherited
            return None
    return None


def check_boxes_pikepdf(pages: Any) -> None:
    for number, page in enumerate(pages, start=1):
        for key in ("/MediaBox", "/CropBox"):
            if _box_out_of_range(_inherited(page.obj, key)):
                raise InputError(f"page size out of range (page {number})")


def check_boxes_pdfium(doc: Any) -> None:
    """The same box limit through PDFium, for files qpdf cannot open."""
    for i in range(len(doc)):
        page = doc[i]
        try:
            boxes = (page.get_mediabox(), page.get_cropbox())
        finally:
            page.close()
        if any(_box_out_of_range(box) for box in boxes):
            raise InputError(f"page size out of range (page {i + 1})")


def _filters(stream_dict: Any) -> list[str]:
    import pikepdf

    f = stream_dict.get("/Filter")
    if f is None:
        return []
    return [str(x) for x in f] if isinstance(f, pikepdf.Array) else [str(f)]


def _is_name(obj: Any) -> bool:
    import pikepdf

    return isinstance(obj, pikepdf.Name)


def _image_bytes(d: Any) -> int:
    """Declared decoded size of an image: Width x Height x components x bits / 8."""
    w, h = _number(d.get("/Width")), _number(d.get("/Height"))
    if w is None or h is None:
        return 0
    bits = _number(d.get("/BitsPerComponent")) or 8
    cs = d.get("/ColorSpace")
    comps = 3
    try:
        if cs is None or bool(d.get("/ImageMask", False)):
            comps = 1
        elif _is_name(cs):
            comps = _COMPONENTS.get(str(cs), 4 if str(cs) == "/DeviceCMYK" else 3)
        else:
            family = str(cs[0])
            if family == "/ICCBased":
                comps = int(cs[1].get("/N", 3))
            else:
                comps = _COMPONENTS.get(family, 4 if family == "/DeviceCMYK" else 3)
    except Exception:  # noqa: BLE001 - an odd colour space: assume three components
        comps = 3
    return int(abs(w) * abs(h) * max(comps, 1) * max(abs(bits), 1) / 8)


def _inflate_scan(raw: bytes, budget: int, scan: bool) -> tuple[int, bool]:
    """(inflated bytes, counted up to ``budget`` + 1; deep array nesting seen when ``scan``)."""
    d = zlib.decompressobj()
    total, deep, buf = 0, False, raw
    try:
        while buf and total <= budget:
            out = d.decompress(buf, _STEP)
            total += len(out)
            if scan and not deep and _DEEP_ARRAYS in out.translate(None, _WHITE):
                deep = True
            buf = d.unconsumed_tail
            if not out:
                break
    except zlib.error:
        pass  # a damaged stream is the readers' business; only its size is ours
    return total, deep


def check_streams(pdf: Any, content_ids: set[tuple[int, int]]) -> None:
    """Inflated sizes, declared image sizes and array nesting in content streams."""
    import pikepdf

    total = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        try:
            total += _check_stream(obj, content_ids, total)
        except InputError:
            raise
        except Exception:  # noqa: BLE001 - one damaged object: the others are still checked
            continue
        if total > MAX_INFLATED_TOTAL:
            raise InputError(f"compressed streams inflate to over {MAX_INFLATED_TOTAL >> 20} MB in total")


def _check_stream(obj: Any, content_ids: set[tuple[int, int]], total: int) -> int:
    """Refuse one stream that is too large once decoded; the bytes it inflated to (0 if not inflated)."""
    d = obj.stream_dict
    subtype = str(d.get("/Subtype", ""))
    if subtype == "/Image":
        size = _image_bytes(d)
        if size > MAX_INFLATED:
            w, h = int(_number(d.get("/Width")) or 0), int(_number(d.get("/Height")) or 0)
            raise InputError(f"image of {w}x{h} pixels over the {MAX_INFLATED >> 20} MB limit once decoded")
    filters = _filters(d)
    if not filters or filters[0] not in ("/FlateDecode", "/Fl"):
        return 0
    is_content = obj.objgen in content_ids or subtype == "/Form"
    raw = obj.read_raw_bytes()
    if not is_content and len(raw) * _DEFLATE_RATIO <= MAX_INFLATED:
        return 0  # cannot inflate past the limit: not worth inflating (fonts, small images)
    size, deep = _inflate_scan(raw, min(MAX_INFLATED, MAX_INFLATED_TOTAL - total), is_content)
    if deep:
        raise InputError(f"nesting too deep (arrays over {MAX_CONTENT_NESTING} levels in a content stream)")
    if size > MAX_INFLATED:
        raise InputError(f"a compressed stream inflates to over {MAX_INFLATED >> 20} MB")
    return size


_DRAWN = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s*Do\b")


def check_xobject_cycles(pages: Any) -> None:
    """A form XObject that draws itself, directly or through other forms, would be drawn without end.

    What a form draws is read from its content (the names before ``Do``), resolved in its own
    /Resources or, when it has none, in those it was drawn with (the page's), as readers do.
    Only what is drawn counts: resource dictionaries shared between a page and its forms (so
    that a form's resources name the form itself) are common and harmless. Runs after
    ``check_streams``, so no form's content is large once decoded.
    """
    import pikepdf

    def xobject_dict(resources: Any) -> Any:
        try:
            xo = resources.get("/XObject") if resources is not None else None
        except Exception:  # noqa: BLE001
            return None
        return xo if isinstance(xo, pikepdf.Dictionary) else None

    drawn_cache: dict[tuple[int, int], list[bytes]] = {}

    def drawn(form: Any) -> list[bytes]:
        key = form.objgen
        if key not in drawn_cache or key == (0, 0):
            try:
                drawn_cache[key] = sorted(set(_DRAWN.findall(form.read_bytes())))
            except Exception:  # noqa: BLE001 - undecodable content: draws nothing we can see
                drawn_cache[key] = []
        return drawn_cache[key]

    for number, page in enumerate(pages, start=1):
        page_resources = _inherited(page.obj, "/Resources")
        xo = xobject_dict(page_resources)
        if xo is None:
            continue
        # (object, forms on the path to it, the /XObject dictionary it was drawn with)
        stack = [(v, (), xo) for v in xo.values()]
        steps = 0
        while stack and steps < 100_000:
            steps += 1
            obj, path, inherited = stack.pop()
            if not isinstance(obj, pikepdf.Stream) or str(obj.stream_dict.get("/Subtype", "")) != "/Form":
                continue
            ident = obj.objgen
            if ident in path:
                raise InputError(f"a form XObject draws itself (page {number})")
            own = obj.stream_dict.get("/Resources")
            names = xobject_dict(own) if own is not None else inherited
            if names is None:
                continue
            for name in drawn(obj):
                child = names.get("/" + name.decode("latin-1"))
                if child is not None:
                    stack.append((child, (*path, ident), names))


def _content_ids(pages: Any) -> set[tuple[int, int]]:
    import pikepdf

    ids: set[tuple[int, int]] = set()
    for page in pages:
        c = page.obj.get("/Contents")
        items = list(c) if isinstance(c, pikepdf.Array) else [c]
        ids.update(x.objgen for x in items if isinstance(x, pikepdf.Stream))
    return ids


def _guarded(check: Any, *args: Any) -> None:
    """Run one check; qpdf failing on a damaged object inside it is not a cause to refuse.

    Each check runs on its own, so one that trips over damage does not skip the others; what
    the damage means for reading is for PDFium and qpdf's repair to say.
    """
    try:
        check(*args)
    except InputError:
        raise
    except Exception:  # noqa: BLE001 - a damaged object, not a hostile size: leave it to the readers
        pass


def precheck(path: Path, password: str | None, doc: Any) -> Precheck:
    """Refuse (InputError) what would blow up the expensive steps; notes on what qpdf recovered."""
    import pikepdf

    result = Precheck()
    try:
        pdf = pikepdf.open(path, password=password or "", suppress_warnings=True)
    except Exception as exc:  # noqa: BLE001 - qpdf cannot open it: fall back to PDFium's boxes
        if "loop detected in /pages" in str(exc).lower():
            raise InputError(_CYCLE) from None
        check_boxes_pdfium(doc)
        return result
    with pdf:
        try:
            pages = list(pdf.pages)
        except pikepdf.PdfError as exc:
            if "loop" in str(exc).lower():
                raise InputError(_CYCLE) from None
            check_boxes_pdfium(doc)
            return result
        _guarded(check_boxes_pikepdf, pages)
        _guarded(lambda: check_streams(pdf, _content_ids(pages)))
        _guarded(check_xobject_cycles, pages)
        warnings = pdf.get_warnings()
        result.structure_notes, result.structure_copy = structure_notes(pdf, password, warnings)
    if any("max-nesting" in w or "deeply nested" in w for w in warnings):
        raise InputError("nesting too deep (objects over 500 levels, cut by qpdf)")
    if any("recover stream length" in w or "loop detected resolving" in w for w in warnings):
        result.notes.append(NOTE_LENGTH_REPAIRED)
        result.needs_copy = True
    return result
