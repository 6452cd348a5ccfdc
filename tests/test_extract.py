"""Extraction: every cell of every table equals its ground truth or golden CSV."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from auditlib.profiles.final_accounts import TABLE_IDS
from auditlib.reading import extract
from auditlib.reading.normalize import normalise
from auditlib.reading.pipeline import read_report

from conftest import ROOT, load_truth, sample_pdfs

pytestmark = pytest.mark.slow  # reads every sample and real PDF; the command line on reports

GOLDEN = ROOT / "tests" / "golden" / "real"
LIBREOFFICE = ROOT / "tests" / "fixtures" / "libreoffice" / "libreoffice-income.pdf"
PDFS = sample_pdfs()


@pytest.fixture(scope="module")
def reports() -> dict[Path, object]:
    return {}


def _report(cache: dict, pdf: Path):
    if pdf not in cache:
        cache[pdf] = read_report(pdf)
    return cache[pdf]


def _diff(got: list[dict], want: list[dict]) -> list[str]:
    out = []
    for i in range(max(len(got), len(want))):
        g = got[i] if i < len(got) else None
        w = want[i] if i < len(want) else None
        if g != w:
            out.append(f"row {i}: got {g} want {w}")
    return out


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.stem)
def test_sample_tables_equal_ground_truth(pdf: Path, reports):
    truth = load_truth(pdf)
    report = _report(reports, pdf)
    assert report.tables_missing == truth["tables_missing"]
    for tid, table in truth["tables"].items():
        got = report.tables[tid]
        assert got.columns == table["columns"], tid
        problems = _diff(got.csv_rows(), table["rows"])
        assert not problems, f"{pdf.name} {tid}:\n" + "\n".join(problems[:5])
        assert report.units[tid] == table["unit"], tid
    assert report.department == truth["department"]
    assert report.year == truth["year"]


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.stem)
def test_sample_attachments_equal_ground_truth(pdf: Path, reports):
    truth = load_truth(pdf)
    report = _report(reports, pdf)
    budget_rows = [
        (r["budget"], r["actual"], r["rate"])
        for kind in ("self_evaluation", "project_self_evaluation")
        for r in report.attachments.get(kind, (None, []))[1]
        if r["row_type"] == "budget"
    ]
    from auditlib.model.money import format_plain, parse_amount

    want = [
        (format_plain(parse_amount(a["budget"])), format_plain(parse_amount(a["actual"])), a["rate"])
        for a in sorted(truth["attachments"], key=lambda a: a["kind"] != "self_evaluation")
    ]
    assert budget_rows == want
    indicators = sum(len(a["indicators"]) for a in truth["attachments"])
    got = sum(1 for kind in report.attachments for r in report.attachments[kind][1] if r["row_type"] == "indicator")
    assert got == indicators


def test_every_amount_cell_has_provenance(reports):
    pdf = next(p for p in PDFS if p.stem == "wuchang-bigdata-2023")
    report = _report(reports, pdf)
    from auditlib.model.money import parse_amount

    for _tid, table in report.tables.items():
        for row, sources in zip(table.rows, table.cells):
            for col in table.amount_columns:
                if row.get(col) is None:
                    continue
                src = sources[col]
                assert src.page in table.pages
                x0, y0, x1, y1 = src.box
                assert 0 <= x0 < x1 <= 842 and 0 <= y0 < y1 <= 842
                assert parse_amount(src.text) == row[col]


# ---------------------------------------------------------------- real PDFs


def _golden(stem: str, tid: str) -> list[dict]:
    with (GOLDEN / stem / f"{tid}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("stem", sorted(p.name for p in GOLDEN.iterdir() if p.is_dir()))
def test_real_pdf_tables_equal_golden(stem: str, real_pdfs: Path, reports):
    report = _report(reports, real_pdfs / f"{stem}.pdf")
    pages = json.loads((GOLDEN / stem / "pages.json").read_text(encoding="utf-8"))
    for tid in TABLE_IDS:
        want = _golden(stem, tid)
        got = report.tables[tid]
        problems = _diff(got.csv_rows(), want)
        assert not problems, f"{stem} {tid}:\n" + "\n".join(problems[:5])
        assert got.pages[0] == pages[tid][0]
        assert set(got.pages) <= set(pages[tid])


def test_template_has_nine_tables_without_figures(real_pdfs: Path, reports):
    report = _report(reports, real_pdfs / "shanghai-2024-final-accounts-template.pdf")
    assert report.tables_missing == []
    for tid, table in report.tables.items():
        assert table.columns[:2] == ["code", "name"]
        for row in table.rows:
            assert all(row.get(c) is None for c in table.amount_columns), (tid, row)


# ---------------------------------------------------------------- the playa glyph hazard


def _libreoffice_grids():
    doc = pdfium.PdfDocument(str(LIBREOFFICE))
    try:
        return extract.extract_grids(LIBREOFFICE, doc, [1])[1]
    finally:
        doc.close()


def _xlsx_rows() -> list[tuple]:
    from openpyxl import load_workbook

    ws = load_workbook(LIBREOFFICE.with_suffix(".xlsx")).active
    return [tuple("" if v is None else str(v) for v in row) for row in ws.iter_rows(min_row=4, values_only=True)]


def test_libreoffice_export_reads_exactly():
    """A LibreOffice export (zero ascent/descent font descriptors) reads cell for cell."""
    import pikepdf

    with pikepdf.open(LIBREOFFICE) as pdf:
        descriptors = [f.get("/FontDescriptor") for f in pdf.pages[0].obj.Resources.Font.values()]
        assert any(fd is not None and int(fd.get("/Ascent", 1)) == 0 for fd in descriptors)
    grids = _libreoffice_grids()
    table = normalise("income", grids)
    got = [
        (r["code"], r["name"], r["total"], r["fiscal_appropriation"], r["business"], r["other"])
        for r in table.csv_rows()
    ]
    want = [(code, name, *(v.replace(",", "") for v in rest)) for code, name, *rest in _xlsx_rows()]
    assert got == want


def test_misplaced_camelot_text_is_detected_and_corrected(monkeypatch):
    """Simulate playa placing every text one row low: PDFium's text wins, and it is counted."""
    real = extract._camelot_tables

    def shifted(*args, **kwargs):
        tables = real(*args, **kwargs)
        for t in tables:
            texts = [[c.text for c in row] for row in t.cells]
            for r, row in enumerate(t.cells):
                for c, cell in enumerate(row):
                    cell._text = texts[r - 1][c] if r else ""
        return tables

    monkeypatch.setattr(extract, "_camelot_tables", shifted)
    grids = _libreoffice_grids()
    assert grids[0].corrected_cells > 10
    table = normalise("income", grids)
    assert [r["code"] for r in table.csv_rows()] == [row[0] for row in _xlsx_rows()]


# ---------------------------------------------------------------- command line


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "auditlib.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_extract_command_writes_contract_files_deterministically(tmp_path: Path):
    pdf = ROOT / "data" / "raw" / "wuchang-bigdata-2023.pdf"
    outs = []
    for run in ("a", "b"):
        out = tmp_path / run
        done = _run("extract", str(pdf), "--out", str(out), "--cache", str(tmp_path / f"cache-{run}"))
        assert done.returncode == 0, done.stderr
        outs.append(out)
    files = sorted(p.relative_to(outs[0]).as_posix() for p in outs[0].rglob("*") if p.is_file())
    assert "report.json" in files and "tables/income.csv" in files and "tables/income.cells.csv" in files
    assert "attachments/self_evaluation.csv" in files
    for rel in files:
        assert (outs[0] / rel).read_bytes() == (outs[1] / rel).read_bytes(), rel
    report = json.loads((outs[0] / "report.json").read_text(encoding="utf-8"))
    assert report["source"]["pages"] == 29 and report["year"] == 2023
    assert report["tables_missing"] == []
    assert any("政府采购" in s["title"] for s in report["sections"])
    header = (outs[0] / "tables" / "income.csv").read_text(encoding="utf-8").splitlines()[0]
    assert (
        header
        == "code,name,total,fiscal_appropriation,superior_subsidy,business,operating,subordinate_remittance,other"
    )


def test_cache_is_used_and_keyed_by_content(tmp_path: Path):
    from auditlib.reading.cache import cache_key

    pdf = ROOT / "data" / "raw" / "sample-wuhan-small-2024.pdf"
    first = read_report(pdf, cache=tmp_path)
    entries = list(tmp_path.glob("*.pickle"))
    assert [e.stem for e in entries] == [cache_key(first.sha256)]
    second = read_report(pdf, cache=tmp_path)
    assert second.tables["income"].csv_rows() == first.tables["income"].csv_rows()
    copy = tmp_path / "renamed.pdf"
    copy.write_bytes(pdf.read_bytes())
    assert read_report(copy, cache=tmp_path).path == copy


@pytest.mark.parametrize(
    "content, cause",
    [
        (b"", "empty file"),
        (b"<html><body>not a pdf</body></html>", "not a PDF"),
        (b"%PDF-1.7\n1 0 obj\n<<", "damaged"),
    ],
)
def test_unreadable_input_exits_3_with_one_line(tmp_path: Path, content: bytes, cause: str):
    pdf = tmp_path / "bad.pdf"
    pdf.write_bytes(content)
    out = tmp_path / "out"
    done = _run("extract", str(pdf), "--out", str(out), "--no-cache")
    assert done.returncode == 3
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"auditlib: {pdf}: ") and cause in lines[0]
    assert not out.exists()


def test_not_a_report_and_encrypted(tmp_path: Path):
    import pikepdf

    done = _run("extract", str(LIBREOFFICE), "--out", str(tmp_path / "o1"), "--no-cache")
    assert done.returncode == 3 and "not a final-accounts report" in done.stderr
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(ROOT / "data" / "raw" / "sample-wuhan-small-2024.pdf") as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    done = _run("extract", str(locked), "--out", str(tmp_path / "o2"), "--no-cache")
    assert done.returncode == 3 and "password" in done.stderr and not (tmp_path / "o2").exists()
    done = _run("extract", str(locked), "--out", str(tmp_path / "o3"), "--no-cache", "--password", "secret")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "o3" / "tables" / "income.csv").exists()


def test_failed_rerun_removes_earlier_outputs_but_not_user_files(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "my-notes.txt").write_text("keep me", encoding="utf-8")
    good = ROOT / "data" / "raw" / "sample-wuhan-small-2024.pdf"
    assert _run("extract", str(good), "--out", str(out), "--no-cache").returncode == 0
    assert (out / "report.json").exists()
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"junk")
    assert _run("extract", str(bad), "--out", str(out), "--no-cache").returncode == 3
    assert sorted(p.name for p in out.iterdir()) == ["my-notes.txt"]
