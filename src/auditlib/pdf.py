"""Open a PDF safely, read its text layer, find which page holds which table.

Why: Camelot is slow and reads only what it is pointed at. Reading the text
layer with PDFium first takes milliseconds per page, tells us whether the file
is a final-accounts report at all (CONTRACT.md: at least three of the nine
titles), and lets Camelot run only on the table pages. Untrusted input is
turned into one clear ``InputError`` (exit 3), never a traceback.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium

from auditlib.schema import TABLES


class InputError(Exception):
    """An input that cannot be audited; the message is the one-line cause."""


@dataclass
class PdfText:
    """The text layer of a document: one string per page, plus identity."""

    path: Path
    sha256: str
    pages: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return len(self.pages)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def open_document(path: Path, password: str | None = None) -> pdfium.PdfDocument:
    """Open with PDFium, mapping every failure to an InputError with its cause."""
    try:
        head = path.read_bytes()[:1024]
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror or exc})") from exc
    if not head:
        raise InputError("empty file (0 bytes)")
    if b"%PDF-" not in head:
        raise InputError("not a PDF (no %PDF header)")
    try:
        return pdfium.PdfDocument(str(path), password=password)
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg:
            if password:
                raise InputError("encrypted: the password given is wrong") from exc
            raise InputError("encrypted: a password is needed (--password)") from exc
        raise InputError(f"damaged PDF that cannot be repaired ({exc})") from exc


def read_text(path: str | Path, password: str | None = None, max_pages: int | None = None) -> PdfText:
    """Text of every page (PDFium), or InputError for unreadable input."""
    path = Path(path)
    doc = open_document(path, password)
    try:
        n = len(doc)
        if n == 0:
            raise InputError("damaged PDF: no pages")
        if max_pages is not None and n > max_pages:
            raise InputError(f"{n} pages, over --max-pages {max_pages}")
        pages = []
        for i in range(n):
            page = doc[i]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_bounded())
            textpage.close()
            page.close()
    finally:
        doc.close()
    text = PdfText(path=path, sha256=sha256_of(path), pages=pages)
    if sum(len(p.strip()) for p in pages) < 20:
        raise InputError("no text layer (scanned image?): nothing to read")
    return text


# ---------------------------------------------------------------- page classification

_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Text without any whitespace: titles are often letter-spaced or wrapped."""
    return _SPACE.sub("", text)


# Quote characters vary by producer; compare titles with quotes removed.
_QUOTES = str.maketrans("", "", "“”\"'‘’「」")
_BRACKETS = str.maketrans({"（": "(", "）": ")"})


def normalise_title(text: str) -> str:
    return squash(text).translate(_QUOTES).translate(_BRACKETS)


_TITLE_INDEX: list[tuple[str, str]] = sorted(
    ((normalise_title(t), spec.id) for spec in TABLES.values() for t in spec.titles),
    key=lambda item: -len(item[0]),
)


def match_title(line: str) -> str | None:
    """Table id whose title (or alias) this line is, allowing a short prefix.

    Real titles come as 收入决算表, 2024年度收入决算表, 上海市…局2024年度收入决算表 or
    with a 公开02表 label on the same line; the longest title that ends the line
    (label removed) wins, so 一般公共预算财政拨款支出决算表 is never 支出决算表.
    """
    s = normalise_title(line)
    s = re.sub(r"(公开)?\d{1,2}表$", "", s)
    s = re.sub(r"^[一二三四五六七八九十]+、", "", s)
    s = re.sub(r"^(附表|表)\d+[-－]?\d*[:：]?", "", s)
    if not s or len(s) > 60:
        return None
    for title, tid in _TITLE_INDEX:
        if s.endswith(title) and len(s) - len(title) <= 30:
            prefix = s[: len(s) - len(title)]
            # A prefix is a department and/or a year, never another table's words.
            if prefix and not re.search(r"(年度|年|局|委|中心|办|院|馆|会|部|署|站|所|处|室|队|厅|府)$", prefix):
                continue
            return tid
    return None


def tables_on_page(text: str) -> list[str]:
    """Ids of the tables whose title heads a table on this page.

    A title counts only when a 单位 (unit) line follows within a few lines: that
    keeps the table of contents and narrative headings out.
    """
    lines = [ln for ln in text.splitlines() if ln.strip()]
    found: list[str] = []
    for i, line in enumerate(lines):
        tid = match_title(line)
        if tid is None or tid in found:
            continue
        window = squash("".join(lines[i : i + 6]))
        if "单位" in window or "金额单位" in window:
            found.append(tid)
    return found


def classify_pages(pages: list[str]) -> dict[str, list[int]]:
    """Table id -> 1-based pages where its title appears (first page of each table)."""
    out: dict[str, list[int]] = {}
    for number, text in enumerate(pages, start=1):
        for tid in tables_on_page(text):
            out.setdefault(tid, []).append(number)
    return out


def titles_named(pages: list[str]) -> set[str]:
    """Table ids whose title appears anywhere (TOC included): the report test."""
    named: set[str] = set()
    for text in pages:
        for line in text.splitlines():
            tid = match_title(line)
            if tid:
                named.add(tid)
    return named
