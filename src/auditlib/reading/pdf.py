"""Open a PDF safely, read its text layer, find which page holds which table.

Why: Camelot is slow and reads only what it is pointed at. Reading the text
layer with PDFium first takes milliseconds per page, tells us whether the file
is a final-accounts report at all (docs/contract.md: at least three of the nine
titles), and lets Camelot run only on the table pages. Untrusted input is
turned into one clear ``InputError`` (exit 3), never a traceback.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pypdfium2 as pdfium

from auditlib.reading.recognise import match_title as match_title
from auditlib.reading.recognise import normalise_title as normalise_title
from auditlib.reading.recognise import page_lines, tables_on_page, title_hits
from auditlib.reading.text_order import page_text


class InputError(Exception):
    """An input that cannot be audited; the message is the one-line cause."""


@dataclass
class PdfText:
    """The text layer of a document: one string per page, plus identity.

    ``notes`` says what was unusual about the file itself (repaired, owner
    password, JavaScript, embedded files); ``needs_copy`` that Camelot must
    read a decrypted or repaired copy (see ``camelot_source``).
    """

    path: Path
    sha256: str
    pages: list[str]
    notes: list[str] = field(default_factory=list)
    needs_copy: bool = False

    @property
    def page_count(self) -> int:
        return len(self.pages)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


#: Other formats that turn up renamed .pdf. A ZIP holding a stored (uncompressed)
#: PDF carries %PDF- within its first kilobyte, which PDFium would accept.
_OTHER_FORMATS: list[tuple[bytes, str]] = [
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE (old Office) document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
]
_HTML = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<\?xml)", re.IGNORECASE)


def sniff(head: bytes) -> None:
    """Refuse what is not a PDF before any parser sees it."""
    if not head:
        raise InputError("empty file (0 bytes)")
    if not head.startswith(b"%PDF-"):
        for magic, kind in _OTHER_FORMATS:
            if head.startswith(magic):
                raise InputError(f"not a PDF ({kind})")
        if _HTML.match(head):
            raise InputError("not a PDF (an HTML page)")
    if b"%PDF-" not in head:
        raise InputError("not a PDF (no %PDF header)")


#: Control characters (tab, line feed and carriage return kept), C1 controls,
#: non-characters and lone surrogates: a damaged font or ToUnicode map yields
#: them, they mean nothing in a report, and writers (XML, xlsx) reject them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Text read from an untrusted PDF without control characters."""
    return _CONTROL.sub("", text)


def _pdfium_cause(exc: Exception) -> str:
    """'Failed to load document (PDFium: Data format error).' -> 'PDFium: data format error'."""
    msg = str(exc).strip()
    m = re.search(r"\((PDFium: [^)]*)\)", msg)
    if m:
        cause = m.group(1).rstrip(". ")
        return cause[:8] + cause[8:9].lower() + cause[9:]
    return " ".join(msg.split())[:200] or type(exc).__name__


def open_document(path: Path, password: str | None = None) -> pdfium.PdfDocument:
    """Open with PDFium, mapping every failure to an InputError with its cause."""
    try:
        with path.open("rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror or exc})") from exc
    sniff(head)
    try:
        return pdfium.PdfDocument(str(path), password=password)
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg:
            if password:
                raise InputError("encrypted: the password given is wrong") from exc
            raise InputError("encrypted: a password is needed (--password)") from exc
        raise InputError(f"damaged PDF that cannot be repaired ({_pdfium_cause(exc)})") from exc
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read file ({exc})") from exc


def _is_ruled(page: pdfium.PdfPage) -> bool:
    """The open page draws enough path objects (lines, rectangles) to hold a ruled table."""
    import pypdfium2.raw as pdfium_c

    from auditlib.profiles.final_accounts import PAGE_PLAN

    paths = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2)
    return sum(1 for _ in paths) >= PAGE_PLAN.min_rulings


def read_text(
    path: str | Path,
    password: str | None = None,
    max_pages: int | None = None,
    origin: str | Path | None = None,
) -> PdfText:
    """Text of every page (PDFium), or InputError for unreadable input.

    The page count is checked against ``max_pages`` right after opening, then the cheap
    structure checks (``precheck``: page boxes, inflated sizes, nesting, loops) run, both
    before any page is read. A file PDFium refuses as damaged is read from qpdf's repaired
    copy (``readable_pdf``). ``origin`` is the file as given when ``path`` is already such a
    copy (``read_report``): the identity (sha256) is the original's, the note says repaired.
    """
    from auditlib.reading.precheck import precheck

    path = Path(path)
    # read_report passes a source it already made readable (``origin`` set): no second probe.
    with nullcontext(path) if origin is not None else readable_pdf(path, password) as source:
        doc = open_document(source, password)
        try:
            n = len(doc)
            if n == 0:
                raise InputError("damaged PDF: no pages")
            if max_pages is not None and n > max_pages:
                raise InputError(f"{n} pages, over --max-pages {max_pages}")
            checked = precheck(source, password, doc)
            pages = []
            for i in range(n):
                try:
                    page = doc[i]
                    textpage = page.get_textpage()
                except pdfium.PdfiumError as exc:
                    raise InputError(f"damaged PDF: page {i + 1} cannot be read ({_pdfium_cause(exc)})") from exc
                # By position when the stream is scrambled; a text page (no ruled table) is judged stricter.
                ruled = partial(_is_ruled, page)
                pages.append(clean_text(page_text(page, textpage, ruled)))
                textpage.close()
                page.close()
        finally:
            doc.close()
        if sum(len(p.strip()) for p in pages) < 20:
            raise InputError("no text layer (scanned image?): nothing to read")
        notes, needs_copy = list(checked.structure_notes), checked.structure_copy
    original = Path(origin) if origin is not None else path
    repaired = source != path or original != path
    if repaired:
        notes.insert(0, NOTE_QPDF_REPAIRED)
    for note in checked.notes:
        if note not in notes:
            notes.append(note)
    # A copy made here is gone once read_text returns: Camelot then needs its own (camelot_source).
    needs_copy = needs_copy or checked.needs_copy or source != path
    return PdfText(path=path, sha256=sha256_of(original), pages=pages, notes=notes, needs_copy=needs_copy)


# ---------------------------------------------------------------- damaged files: qpdf's repaired copy

NOTE_QPDF_REPAIRED = "damaged file: repaired by qpdf"
_DAMAGED = "damaged PDF that cannot be repaired"
_COPY_PREFIX = "auditlib-copy-"
_COPY_NAME = re.compile(r"^auditlib-copy-(\d+)-")
#: Copies from before the owner pid was in the name, or whose pid cannot be read: removed after a day.
_STALE_SECONDS = 24 * 3600


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale_copies(folder: str | Path | None = None) -> int:
    """Remove temporary copies whose owner process is dead; the number removed.

    Why: a copy is removed when its reading ends, but a reader killed with SIGKILL (by the
    sandbox's memory or time limit, or by a user) cannot clean up. Each copy's folder is
    named ``auditlib-copy-<pid>-*``, so the next read anywhere on the machine finds and
    removes what a dead process left; copies of live processes are never touched.
    """
    root = Path(folder) if folder is not None else Path(tempfile.gettempdir())
    removed = 0
    try:
        entries = list(root.glob(_COPY_PREFIX + "*"))
    except OSError:
        return 0
    for entry in entries:
        m = _COPY_NAME.match(entry.name)
        try:
            if m:
                pid = int(m.group(1))
                if pid == os.getpid() or _alive(pid):
                    continue
            elif time.time() - entry.stat().st_mtime < _STALE_SECONDS:
                continue
        except OSError:
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed += 1
    return removed


def copy_folder() -> Path:
    """A new temporary folder for a copy of a document, named after this process (see sweep)."""
    return Path(tempfile.mkdtemp(prefix=f"{_COPY_PREFIX}{os.getpid()}-"))


def _save_copy(path: Path, password: str | None, dest: Path) -> None:
    """qpdf's rewrite of ``path`` (decrypted, repaired), streams copied as stored, never inflated."""
    import pikepdf

    with pikepdf.open(path, password=password or "", suppress_warnings=True) as pdf:
        if "/Size" not in pdf.trailer:
            # A trailer qpdf reconstructed from a truncated file can lack /Size; without one
            # there, qpdf's own output lacks it too (and reads as damaged). qpdf writes the
            # right value over any placeholder.
            pdf.trailer.Size = len(pdf.objects) + 1
        pdf.save(
            dest,
            encryption=False,
            deterministic_id=True,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
        )


@contextmanager
def readable_pdf(path: str | Path, password: str | None = None) -> Iterator[Path]:
    """The path PDFium can open: ``path`` itself, or qpdf's repaired copy of a damaged file.

    Why: PDFium refuses some damaged files (a truncated end, a broken trailer) that qpdf
    reconstructs with their full text; such a file is audited from the repaired copy, and
    every step that opens the document (PDFium, Camelot, the attachments, the evidence
    crops) must open that same copy. Other refusals (not a PDF, a password) and files
    neither can open raise InputError as before. The copy lives in a temporary folder
    named after this process and is removed on every exit; ``sweep_stale_copies`` removes
    those of processes killed before they could.
    """
    path = Path(path)
    damaged: InputError | None = None
    try:
        open_document(path, password).close()
    except InputError as exc:
        if not str(exc).startswith(_DAMAGED):
            raise
        damaged = exc
    if damaged is None:
        yield path
        return
    sweep_stale_copies()
    folder = copy_folder()
    try:
        copy = folder / "document.pdf"
        try:
            _save_copy(path, password, copy)
            open_document(copy, None).close()
        except Exception:  # noqa: BLE001 - qpdf cannot repair it either: the original cause stands
            raise damaged from None
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------- the file's own structure

NOTE_REPAIRED = "damaged cross-reference table: repaired"
NOTE_OWNER = "owner password only"
NOTE_OWNER_RESTRICTED = "owner password only: permissions restricted"
NOTE_JAVASCRIPT = "contains JavaScript: not executed"
NOTE_EMBEDDED = "contains embedded files: not opened"

#: Bounds for walking direct (nested) objects: untrusted files can nest deeply.
_MAX_DEPTH = 12
_MAX_NODES = 2_000_000


def inspect_structure(path: Path, password: str | None) -> tuple[list[str], bool]:
    """Notes about the file (qpdf via pikepdf) and whether Camelot needs a clean copy.

    Nothing here runs or opens anything: JavaScript and embedded files are only
    detected by their dictionary keys. A damaged cross-reference table that
    PDFium read anyway shows as qpdf's "reconstruct" warning. When qpdf cannot
    open a file PDFium could, there is simply nothing to note.
    """
    try:
        import pikepdf
    except ImportError:  # pragma: no cover - a dependency of auditlib
        return [], False
    try:
        with pikepdf.open(path, password=password or "", suppress_warnings=True) as pdf:
            return structure_notes(pdf, password)
    except Exception:  # noqa: BLE001 - qpdf failing where PDFium succeeded is not a reason to refuse
        return [], False


def structure_notes(pdf, password: str | None, warnings: list[str] | None = None) -> tuple[list[str], bool]:
    """``inspect_structure`` on a document qpdf already opened (precheck shares its handle).

    qpdf hands each warning out once (``get_warnings`` empties its list): ``warnings`` holds
    those a caller already took, and gets the new ones appended.
    """
    if warnings is None:
        warnings = []
    import pikepdf

    notes: list[str] = []
    try:
        encrypted = bool(pdf.is_encrypted)
        if encrypted and not password and pdf.user_password_matched:
            allow = pdf.allow
            restricted = not all(
                getattr(allow, flag, True)
                for flag in (
                    "extract",
                    "print_lowres",
                    "print_highres",
                    "modify_other",
                    "modify_annotation",
                    "modify_form",
                    "modify_assembly",
                )
            )
            notes.append(NOTE_OWNER_RESTRICTED if restricted else NOTE_OWNER)
        javascript, embedded = _scan_objects(pdf, pikepdf)
        warnings.extend(pdf.get_warnings())
        repaired = any("reconstruct" in w or "xref" in w.lower() or "cross-reference" in w for w in warnings)
    except Exception:  # noqa: BLE001 - qpdf failing where PDFium succeeded is not a reason to refuse
        return notes, False
    if repaired:
        notes.insert(0, NOTE_REPAIRED)
    if javascript:
        notes.append(NOTE_JAVASCRIPT)
    if embedded:
        notes.append(NOTE_EMBEDDED)
    return notes, encrypted or repaired


def _scan_objects(pdf, pikepdf) -> tuple[bool, bool]:
    """(has JavaScript, has embedded files), from every object's keys."""
    Dictionary, Array, Stream, Name = pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream, pikepdf.Name
    javascript = embedded = False
    budget = _MAX_NODES

    def visit(obj, depth: int) -> None:
        nonlocal javascript, embedded, budget
        budget -= 1
        if budget < 0 or depth > _MAX_DEPTH:
            return
        if isinstance(obj, Stream):
            obj = obj.stream_dict
        if isinstance(obj, Dictionary):
            keys = set(obj.keys())
            if "/JS" in keys or "/JavaScript" in keys or obj.get("/S") == Name.JavaScript:
                javascript = True
            if (
                "/EmbeddedFiles" in keys
                or "/EF" in keys
                or obj.get("/Type") == Name.EmbeddedFile
                or obj.get("/Subtype") == Name.FileAttachment
            ):
                embedded = True
            children = [obj.get(k) for k in keys]
        elif isinstance(obj, Array):
            children = list(obj)
        else:
            return
        for child in children:
            if isinstance(child, (Dictionary, Array)) and not child.is_indirect:
                visit(child, depth + 1)

    for obj in pdf.objects:
        if javascript and embedded:
            break
        if isinstance(obj, (Dictionary, Array, Stream)):
            visit(obj, 0)
    return javascript, embedded


@contextmanager
def camelot_source(text: PdfText, password: str | None) -> Iterator[tuple[Path, str | None]]:
    """(path, password) for Camelot: the file itself, or a decrypted / repaired copy.

    Camelot's PDF reader refuses owner-password files that forbid copying text
    and repairs damaged files its own way; qpdf's rewrite gives it the same
    document PDFium read. The copy lives in a temporary folder (never in --out)
    and is removed on every exit, timeouts included.
    """
    if not text.needs_copy:
        yield text.path, password
        return
    folder = copy_folder()
    try:
        copy = folder / "document.pdf"
        try:
            _save_copy(text.path, password, copy)
            source: tuple[Path, str | None] = (copy, None)
        except Exception:  # noqa: BLE001 - fall back to the file as it is
            source = (text.path, password)
        yield source
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------- page classification

# Titles are found however the text layer lays them out (one line, wrapped, overlapped by a
# heading, after the table body): auditlib.reading.recognise, shared with the rules.


def classify_pages(pages: list[str]) -> dict[str, list[int]]:
    """Table id -> 1-based pages where its title heads a table (first page of each table)."""
    out: dict[str, list[int]] = {}
    for number, text in enumerate(pages, start=1):
        for tid in tables_on_page(text):
            out.setdefault(tid, []).append(number)
    return out


def titles_named(pages: list[str]) -> set[str]:
    """Table ids whose title appears anywhere (TOC included, wrapped or not): the report test."""
    named: set[str] = set()
    for text in pages:
        named.update(hit.table for hit in title_hits(page_lines(text)))
    return named
