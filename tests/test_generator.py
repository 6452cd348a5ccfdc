"""The sample generator: text layers hold every figure; regeneration is exact."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest

from auditlib.model.money import format_printed, parse_amount
from auditlib.samples.build import build_corpus
from auditlib.samples.model import ground_truth, load_department

from conftest import DEPARTMENTS, RAW, ROOT, TRUTH, load_truth, sample_pdfs

PDFS = sample_pdfs()


def _plumber_pages(pdf: Path) -> list[str]:
    with pdfplumber.open(pdf) as doc:
        return [page.extract_text() or "" for page in doc.pages]


def _numbers(text: str) -> Counter:
    return Counter(re.findall(r"(?<![\d.,])\d{1,3}(?:,\d{3})*(?:\.\d+)?(?![\d,]|\.\d)|(?<![\d.,])\d+\.\d+", text))


def test_corpus_is_there():
    assert len(PDFS) >= 2, "run `make samples`: no sample PDF with a ground truth"


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.stem)
def test_text_layer_holds_every_figure(pdf: Path):
    """Read back with pdfplumber (not our reader): every table figure is printed.

    Counts matter: a figure printed in three cells must be found three times on
    the document's table pages.
    """
    truth = load_truth(pdf)
    pages = _plumber_pages(pdf)
    text = "\n".join(pages)
    found = _numbers(text)
    wanted: Counter = Counter()
    for _tid, table in truth["tables"].items():
        amount_cols = [c for c in table["columns"] if c not in ("code", "name", "panel", "line_no")]
        for row in table["rows"]:
            for col in amount_cols:
                if row[col]:
                    printed = format_printed(parse_amount(row[col]))
                    wanted[printed if printed in text else row[col]] += 1
    missing = {k: v - found[k] for k, v in wanted.items() if found[k] < v}
    assert not missing, f"{pdf.name}: figures not in the text layer (figure: times missing): {missing}"


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.stem)
def test_text_layer_holds_every_name(pdf: Path):
    truth = load_truth(pdf)
    squashed = re.sub(r"\s+", "", "".join(_plumber_pages(pdf)))
    for tid, table in truth["tables"].items():
        for row in table["rows"]:
            name = re.sub(r"\s+", "", row["name"])
            assert name in squashed, f"{pdf.name}: {tid} row name {row['name']!r} not printed"
            if row["code"]:
                assert row["code"][:3] in squashed


@pytest.mark.parametrize("path", sorted(DEPARTMENTS.glob("*.yaml")), ids=lambda p: p.stem)
def test_committed_truth_is_current(path: Path):
    dept = load_department(path)
    committed = json.loads((TRUTH / f"{dept['id']}.json").read_text(encoding="utf-8"))
    assert committed == ground_truth(dept), "samples/truth is stale: run `make samples`"


def test_regeneration_is_byte_identical(tmp_path: Path, need_font):
    """`make samples` reproduces every committed PDF and truth file exactly."""
    for sub in ("samples/departments", "samples/mutations"):
        (tmp_path / sub).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / sub).symlink_to(ROOT / sub)
    written = build_corpus(tmp_path)
    assert written
    for pdf in written:
        rel = pdf.relative_to(tmp_path)
        assert (ROOT / rel).read_bytes() == pdf.read_bytes(), f"{rel} differs from the committed file"
    for truth in (tmp_path / "samples" / "truth").rglob("*.json"):
        rel = truth.relative_to(tmp_path)
        assert (ROOT / rel).read_bytes() == truth.read_bytes(), f"{rel} differs"


def test_committed_pdfs_are_small():
    total = sum(p.stat().st_size for p in RAW.rglob("*.pdf"))
    assert total < 3 * 1024 * 1024, f"committed sample PDFs take {total} bytes (limit 3 MB)"


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.stem)
def test_pdf_embeds_a_cjk_subset(pdf: Path):
    """Like real reports: the CJK font is embedded as a subset (ABCDEF+Name)."""
    import pikepdf

    with pikepdf.open(pdf) as doc:
        names = set()
        for page in doc.pages:
            fonts = page.obj.get("/Resources", {}).get("/Font", {})
            for font in fonts.values():
                names.add(str(font.get("/BaseFont", "")))
    assert any(re.match(r"/[A-Z]{6}\+", n) for n in names), names
