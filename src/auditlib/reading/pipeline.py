"""Reading one PDF into a Report (the model lives in auditlib.model.report).

``read_report(pdf)`` is the one entry point: it validates the file, reads the
text layer, finds the table pages, runs Camelot only there, normalises the
nine tables, reads the narrative sections and the self-evaluation
attachments, and caches the result (keyed by the PDF's sha256, the extraction
settings and the package version) so notebooks and rule changes do not pay
for extraction again.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium

from auditlib.model.report import Report, Section
from auditlib.model.tables import CanonicalTable
from auditlib.profiles.final_accounts import PAGE_PLAN, TABLE_IDS, TABLES
from auditlib.reading.attachments import read_attachments
from auditlib.reading.continuation import compatible
from auditlib.reading.cover import DEPARTMENT_LINE, department_and_year, unit_and_department
from auditlib.reading.extract import (
    RawTable,
    extract_grids,
    page_chars,
    ruling_count,
    text_lines_above,
    text_lines_between,
)
from auditlib.reading.normalize import normalise
from auditlib.reading.pdf import (
    InputError,
    PdfText,
    camelot_source,
    classify_pages,
    clean_text,
    open_document,
    read_text,
    readable_pdf,
    sweep_stale_copies,
    titles_named,
)
from auditlib.reading.recognise import best_by_structure, fits_order, page_lines, structure_scores, title_hits

__all__ = ["DEPARTMENT_LINE", "Deadline", "Report", "Section", "read_report", "read_sections"]

DEFAULT_MAX_PAGES = 1000
DEFAULT_TIMEOUT = 300.0


class Deadline:
    """A per-document time limit checked between steps (never mid-write)."""

    def __init__(self, seconds: float | None):
        self.end = None if not seconds else time.monotonic() + seconds
        self.seconds = seconds

    def check(self) -> None:
        if self.end is not None and time.monotonic() > self.end:
            raise InputError(f"over --timeout {self.seconds:g} s")


# ---------------------------------------------------------------- narrative sections

_PART = re.compile(r"^第[一二三四五六七八九十]+部分")
_SECTION = re.compile(r"^[一二三四五六七八九十]+、\S")
#: A numbered line that reads as a sentence (a glossary entry 一、名词：指…, a list
#: item with a figure) is text, not a section heading.
_SENTENCE = re.compile(r"[：:，,。；;]|\d+(\.\d+)?\s*(万元|元|%)")


def _heading(line: str) -> str | None:
    """The section title a line is (第X部分, or 一、… short and not a sentence), None when it is text.

    A letter-spaced heading ("五、 一 般 公 共 预 算 …", real Word and WPS exports) is read with its
    spaces removed, so it is a heading like any other and its title reads as printed words.
    """
    if _PART.match(line):
        return line
    squashed = "".join(line.split())
    if _SECTION.match(squashed) and len(squashed) <= 40 and not _SENTENCE.search(squashed):
        return line if _SECTION.match(line) else squashed
    return None


def read_sections(pages: list[str], table_pages: set[int]) -> list[Section]:
    """Narrative split at 一、/二、… headings (and 第X部分), each with its pages.

    Table pages are left out: the 情况说明 facts live in the text pages.
    """
    sections: list[Section] = []
    current: Section | None = None
    toc_done = False
    for number, text in enumerate(pages, start=1):
        if number in table_pages:
            continue
        for raw_line in text.splitlines():
            line = raw_line.strip()
            if not line or re.fullmatch(r"[-—\s\d]+", line):
                continue
            # The table of contents: heading lines ending with a page number.
            if (
                not toc_done
                and re.search(r"(\.{2,}|…+|\s)\s*\d{1,3}$", line)
                and (_SECTION.match(line) or _PART.match(line))
            ):
                continue
            heading = _heading(line)
            if heading is not None:
                toc_done = toc_done or number > 3
                current = Section(title=heading, pages=[number], text="")
                sections.append(current)
                continue
            if current is None:
                current = Section(title="", pages=[number], text="")
                sections.append(current)
            if number not in current.pages:
                current.pages.append(number)
            current.text += line + "\n"
    return [s for s in sections if s.title or s.text.strip()]


# ---------------------------------------------------------------- tables


def _table_page_plan(found: dict[str, list[int]], page_count: int) -> dict[str, list[int]]:
    """Candidate pages of each table: its title page and up to ``PAGE_PLAN.continuation_pages``
    following pages before the next page that starts another table."""
    starts = sorted({p for pages in found.values() for p in pages})
    plan = {}
    for tid, pages in found.items():
        first = pages[0]
        later = [p for p in starts if p > first]
        stop = later[0] if later else page_count + 1
        last = first + PAGE_PLAN.continuation_pages + 1
        plan[tid] = [p for p in range(first, min(stop, last, page_count + 1))]
    return plan


def _order_on_page(text: str, tids: list[str]) -> list[str]:
    """Tables sharing a page, in the order their titles are printed (wrapped titles included)."""
    order = list(dict.fromkeys(hit.table for hit in title_hits(page_lines(text)) if hit.table in tids))
    return order + [t for t in tids if t not in order]


def recognise_by_structure(
    pages: list[str], found: dict[str, list[int]], doc: pdfium.PdfDocument
) -> dict[str, list[int]]:
    """Tables whose title was not found, recognised on a ruled page from their structure.

    Why: a garbled or missing title must not make a table that is on the page "missing".
    Only pages that show no title are looked at (``recognise.structure_scores``), and only
    tables found nowhere by title that would stand there in the order of a known layout
    (``recognise.fits_order``) are candidates, each claimed once, when the page's header and
    row labels recognise one clearly (``recognise.best_by_structure``). A page that may
    continue the table started just before it is claimed only when it scores higher as the
    new table than as that continuation (a repeated header is a continuation). Table id ->
    [page].
    """
    known = dict(found)
    claimed: dict[str, list[int]] = {}
    for number, text in enumerate(pages, start=1):
        missing = {t for t in TABLE_IDS if t not in known}
        if not missing:
            break
        starts = {ps[0]: tid for tid, ps in known.items()}
        if number in starts:
            continue
        scores = structure_scores(text)
        if not scores:
            continue
        best = best_by_structure(scores, {t for t in missing if fits_order(t, number, known)})
        if best is None:
            continue
        if _continues(scores, best, number, starts) or ruling_count(doc, number) < PAGE_PLAN.min_rulings:
            continue
        # The note that names a table (title words) is printed under its last page: a page just
        # before, where this table leads too (by any margin), is its first page.
        first = number
        while first - 1 not in starts and first - 1 >= 1:
            earlier = structure_scores(pages[first - 2])
            ranked = sorted((earlier.get(t, 0) for t in missing if t != best), reverse=True)
            if (
                earlier.get(best, 0) < 1
                or (ranked and ranked[0] >= earlier[best])
                or _continues(earlier, best, first - 1, starts)
                or ruling_count(doc, first - 1) < PAGE_PLAN.min_rulings
            ):
                break
            first -= 1
        claimed[best] = [first]
        known[best] = [first]
    return claimed


def _continues(scores: dict[str, int], tid: str, page: int, starts: dict[int, str]) -> bool:
    """Whether the page reads at least as well as a continuation of the table started within
    ``PAGE_PLAN.continuation_pages`` pages before it as it does as ``tid``."""
    before = [p for p in starts if page - PAGE_PLAN.continuation_pages - 1 <= p < page]
    return bool(before) and scores.get(starts[max(before)], 0) >= scores[tid]


def assemble_tables(
    path: Path,
    doc: pdfium.PdfDocument,
    text: PdfText,
    found: dict[str, list[int]],
    password: str | None,
    deadline: Deadline,
) -> tuple[dict[str, list[RawTable]], dict[str, list[str]], dict[str, list[str]], list[str]]:
    """Grids per table (title page first, then continuation pages)."""
    plan = _table_page_plan(found, text.page_count)
    title_pages = {ps[0] for ps in found.values()}
    # Continuation candidates must draw rulings (or a text-only table continues
    # on its own title-less page, which the text-based fallback would not find
    # reliably anyway).
    plan = {
        tid: [p for p in ps if p in title_pages or ruling_count(doc, p) >= PAGE_PLAN.min_rulings]
        for tid, ps in plan.items()
    }
    pages = sorted({p for ps in plan.values() for p in ps})
    grids = extract_grids(path, doc, pages, password, fallback_pages=title_pages)
    deadline.check()
    by_page_titles: dict[int, list[str]] = {}
    for tid, ps in found.items():
        by_page_titles.setdefault(ps[0], []).append(tid)
    out: dict[str, list[RawTable]] = {}
    header_lines: dict[str, list[str]] = {}
    footer_lines: dict[str, list[str]] = {}
    notes: list[str] = []
    chars_cache: dict[int, Any] = {}
    for page, tids in sorted(by_page_titles.items()):
        ordered = _order_on_page(text.pages[page - 1], tids)
        available = list(grids.get(page, []))
        for tid in ordered:
            if not available:
                notes.append(f"{TABLES[tid].title}：第{page}页未能识别表格线")
                continue
            first = available.pop(0)
            out[tid] = [first]
            if page not in chars_cache:
                chars_cache[page] = page_chars(doc, page)
            header_lines[tid] = text_lines_above(chars_cache[page], first.bbox[3])
        # Continuation: the following planned pages whose first grid has the same columns.
        last_tid = ordered[-1] if ordered else None
        if last_tid is None or last_tid not in out:
            continue
        p = page + 1
        while p in plan[last_tid]:  # consecutive pages only
            cont = grids.get(p, [])
            if not cont or not compatible(out[last_tid][0], cont[0]):
                break
            out[last_tid].append(cont[0])
            p += 1
    # Notes and explanations printed under each table, down to the next grid.
    for tid, seq in out.items():
        last = seq[-1]
        if last.page not in chars_cache:
            chars_cache[last.page] = page_chars(doc, last.page)
        below = [g.bbox[3] for gs in out.values() for g in gs if g.page == last.page and g.bbox[3] < last.bbox[1]]
        footer_lines[tid] = text_lines_between(chars_cache[last.page], last.bbox[1], max(below, default=0.0))
    return out, header_lines, footer_lines, notes


def _clean_read_text(
    grids: dict[str, list[RawTable]],
    header_lines: dict[str, list[str]],
    footer_lines: dict[str, list[str]],
    attachments: dict[str, Any],
) -> None:
    """Drop control characters from every text read off the pages (input validation).

    The text layer is cleaned in ``read_text``; cells, the lines around tables
    and attachment rows come from PDFium's characters and are cleaned here, so
    no finding, CSV or workbook carries them.
    """
    for seq in grids.values():
        for grid in seq:
            for region in grid.regions:
                region.text = clean_text(region.text)
    for lines in (header_lines, footer_lines):
        for tid, texts in lines.items():
            lines[tid] = [clean_text(t) for t in texts]
    for _header, rows in attachments.values():
        for row in rows:
            for key, value in row.items():
                if isinstance(value, str):
                    row[key] = clean_text(value)


def _canonical_tables(
    grids: dict[str, list[RawTable]],
    header_lines: dict[str, list[str]],
    footer_lines: dict[str, list[str]],
    notes: list[str],
) -> tuple[dict[str, CanonicalTable], dict[str, str], dict[str, str]]:
    """Each table read by its reader, with the lines around it; (tables, unit per table,
    department per table header). Unreadable cells and corrected cells are added to ``notes``."""
    tables: dict[str, CanonicalTable] = {}
    units: dict[str, str] = {}
    dept_lines: dict[str, str] = {}
    for tid in TABLE_IDS:
        if tid not in grids:
            continue
        tables[tid] = normalise(tid, grids[tid])
        tables[tid].header_lines = header_lines.get(tid, [])
        tables[tid].footer_lines = footer_lines.get(tid, [])
        unit, dept = unit_and_department(header_lines.get(tid, []))
        if unit:
            units[tid] = unit
        if dept:
            dept_lines[tid] = dept
        for problem in tables[tid].problems:
            notes.append(f"{TABLES[tid].title}：{problem}")
        corrected = sum(g.corrected_cells for g in grids[tid])
        if corrected:
            notes.append(f"{TABLES[tid].title}：{corrected}个单元格的文字按PDFium字符位置校正（Camelot读取位置有误）")
    return tables, units, dept_lines


def read_report(
    pdf: str | Path,
    password: str | None = None,
    max_pages: int | None = DEFAULT_MAX_PAGES,
    timeout: float | None = DEFAULT_TIMEOUT,
    cache: str | Path | None = None,
) -> Report:
    """Read a final-accounts PDF into a Report (raises InputError for bad input)."""
    from auditlib.reading.cache import load_cached, store_cached

    path = Path(pdf)
    deadline = Deadline(timeout)
    sweep_stale_copies()  # copies left by readers killed before they could clean up
    # Every open below reads ``source``: the file itself, or qpdf's repaired copy of a file
    # PDFium refuses as damaged (pdf.readable_pdf), removed when the reading ends.
    with readable_pdf(path, password) as source:
        # Validation and limits: --max-pages, then the structure checks (precheck), inside
        # read_text before any page is read; the file's own notes (repaired, owner password,
        # JavaScript, embedded files) come from there too.
        text = read_text(source, password=password, max_pages=max_pages, origin=path)
        deadline.check()
        if cache is not None:
            hit = load_cached(Path(cache), text.sha256, path)
            if hit is not None:
                return hit
        named = titles_named(text.pages)
        found = classify_pages(text.pages)
        doc = open_document(source, password)
        try:
            # A table whose title is garbled or missing is recognised from its structure, and
            # counts for the report test like a title (form.table_title warns about the title).
            by_structure = recognise_by_structure(text.pages, found, doc)
            if len(named | set(found) | set(by_structure)) < 3:
                raise InputError("not a final-accounts report (fewer than three of the nine table titles)")
            found = {**found, **by_structure}
            deadline.check()
            # Camelot reads a decrypted / repaired copy when PDFium needed one (pdf.camelot_source).
            with camelot_source(text, password) as (grid_path, grid_password):
                grids, header_lines, footer_lines, notes = assemble_tables(
                    grid_path, doc, text, found, grid_password, deadline
                )
                table_pages = {g.page for gs in grids.values() for g in gs} | {p for ps in found.values() for p in ps}
                deadline.check()
                attachments = read_attachments(grid_path, doc, text.pages, table_pages, grid_password)
            deadline.check()
        finally:
            doc.close()
    _clean_read_text(grids, header_lines, footer_lines, attachments)
    attachment_page_set = {int(r["page"]) for _h, rows in attachments.values() for r in rows}
    tables, units, dept_lines = _canonical_tables(grids, header_lines, footer_lines, notes)
    deadline.check()
    department, year = department_and_year(text.pages)
    if department is None and dept_lines:
        department = sorted(dept_lines.values(), key=list(dept_lines.values()).count)[-1]
    report = Report(
        path=path,
        sha256=text.sha256,
        page_count=text.page_count,
        department=department,
        year=year,
        units=units,
        tables=tables,
        tables_found={tid: tables[tid].pages for tid in TABLE_IDS if tid in tables},
        sections=read_sections(text.pages, table_pages | attachment_page_set),
        notes=text.notes + notes,
        page_texts=text.pages,
    )
    report.attachments = attachments
    if cache is not None:
        store_cached(Path(cache), report)
    return report
