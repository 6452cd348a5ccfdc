"""Shared paths and skip reasons for the test-suite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
TRUTH = ROOT / "samples" / "truth"
DEPARTMENTS = ROOT / "samples" / "departments"
MUTATIONS = ROOT / "samples" / "mutations"
REAL_PDFS = ROOT.parent / "shared" / "real-pdfs"


def sample_pdfs() -> list[Path]:
    """Every committed sample PDF (departments and mutants) that has a ground truth."""
    return sorted(p for p in RAW.rglob("*.pdf") if truth_path(p).exists())


def truth_path(pdf: Path) -> Path:
    sub = "mutants" if pdf.parent.name == "mutants" else ""
    return TRUTH / sub / f"{pdf.stem}.json"


def load_truth(pdf: Path) -> dict:
    return json.loads(truth_path(pdf).read_text(encoding="utf-8"))


def font_available() -> bool:
    from auditlib.samples.render import FontMissing, register_font

    try:
        register_font()
    except FontMissing:
        return False
    return True


@pytest.fixture(scope="session")
def need_font() -> None:
    if not font_available():
        pytest.skip("no CJK TrueType font (fonts-wqy-zenhei): cannot render sample PDFs here")


@pytest.fixture(scope="session")
def real_pdfs() -> Path:
    if not REAL_PDFS.is_dir():
        pytest.skip(f"{REAL_PDFS} is absent: real-PDF tests need the shared folder beside the project")
    return REAL_PDFS
