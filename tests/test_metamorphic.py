"""The metamorphic corpus: layout-only transformations must not change the findings (issue 13).

A slice of 33 documents covering every kind of transformation (the full set, 300+
documents, is ``make metamorphic``). Each document is built from its base (a sample
department, the reference document, a real report), audited, and its findings compared with its
base's by ``metamorphic.finding_key``, every severity. A transformation known to change the
findings is marked xfail (strict) with the cause; when the reader is fixed the mark must go.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from auditlib.samples import metamorphic as mm

from conftest import ROOT

#: The slice: variant id -> None (must be unchanged) or the reason it is known to change.
SLICE: dict[str, str | None] = {
    # a small sample department: every generator kind
    "sample-wuhan-small-2024--rewrap-1": None,
    "sample-wuhan-small-2024--rewrap-4": None,
    "sample-wuhan-small-2024--font-1": None,
    "sample-wuhan-small-2024--letter_spacing-1": None,
    "sample-wuhan-small-2024--letter_spacing-3": None,
    "sample-wuhan-small-2024--item_order-1": None,
    "sample-wuhan-small-2024--break_in_item-1": None,
    "sample-wuhan-small-2024--break_in_table-1": None,
    "sample-wuhan-small-2024--repeat_header-1": None,
    "sample-wuhan-small-2024--portrait_tables-1": None,
    "sample-wuhan-small-2024--split_runs-1": None,
    "sample-wuhan-small-2024--split_pages-1": None,
    "sample-wuhan-small-2024--rotated_pages-1": None,
    "sample-wuhan-small-2024--reorder_runs-1": None,
    "sample-wuhan-small-2024--title_layout-1": None,
    "sample-wuhan-small-2024--title_layout-2": None,
    "sample-wuhan-small-2024--title_layout-3": None,
    # the reference document, with its own findings to keep
    "wuchang-bigdata-2023--rewrap-2": None,
    "wuchang-bigdata-2023--font-2": None,
    "wuchang-bigdata-2023--letter_spacing-2": None,
    "wuchang-bigdata-2023--item_order-1": None,
    "wuchang-bigdata-2023--break_in_item-2": None,
    "wuchang-bigdata-2023--break_in_table-2": None,
    "wuchang-bigdata-2023--repeat_header-2": None,
    "wuchang-bigdata-2023--split_runs-1": None,
    "wuchang-bigdata-2023--rotated_pages-2": None,
    # a real report (ONLYOFFICE), rewritten with pikepdf
    "shanghai-putuo-finance-bureau-2024--letter_spacing-1": None,
    "shanghai-putuo-finance-bureau-2024--split_runs-1": None,
    "shanghai-putuo-finance-bureau-2024--split_pages-1": None,
    "shanghai-putuo-finance-bureau-2024--reorder_runs-1": None,
    "shanghai-putuo-finance-bureau-2024--rotated_pages-3": None,
    # a real report (Word): letter-spaced headings
    "shanghai-putuo-planning-resources-bureau-2024--letter_spacing-3": None,
    # a narrower frame wraps the cover title
    "sample-yuan-street-2023--rewrap-3": None,
}


@pytest.fixture(scope="module")
def slice_rows(tmp_path_factory: pytest.TempPathFactory, need_font: None) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("metamorphic")
    _bases, rows = mm.measure(ROOT, out, variant_ids=SLICE, jobs=2)
    return {r["id"]: r for r in rows}


def test_corpus_has_every_kind_and_300_documents() -> None:
    _bases, variants = mm.corpus(ROOT)
    kinds = {v.kind for v in variants}
    assert kinds == {
        "rewrap", "font", "letter_spacing", "item_order", "break_in_item", "break_in_table",
        "repeat_header", "portrait_tables", "rotated_pages", "split_runs", "reorder_runs", "split_pages",
        "title_layout",
    }  # fmt: skip
    assert len(variants) >= 300
    assert len({v.id for v in variants}) == len(variants)
    assert {v.kind for v in variants if v.id in SLICE} == kinds, "the slice covers every kind"
    assert set(SLICE) <= {v.id for v in variants}


def test_compare_allows_one_order_warning_only_where_items_moved() -> None:
    base = [["narrative.share", "warning", "x"]]
    order = ["narrative.item_order", "warning", "y"]
    assert mm.compare(base, base, False)["status"] == "unchanged"
    assert mm.compare(base, base + [order], True)["status"] == "allowed"
    assert mm.compare(base, base + [order], False)["status"] == "changed"
    assert mm.compare(base, base + [order, order], True)["status"] == "changed"
    assert mm.compare(base, [order], True)["status"] == "changed"  # one finding lost
    error = ["narrative.item_order", "error", "y"]
    assert mm.compare(base, base + [error], True)["status"] == "changed"
    # a finding counted twice is not the same as once
    assert mm.compare(base, base + base, False) == {"status": "changed", "added": base, "removed": []}


@pytest.mark.slow
@pytest.mark.parametrize(
    "variant_id",
    [
        pytest.param(v, marks=pytest.mark.xfail(strict=True, reason=reason)) if reason else v
        for v, reason in SLICE.items()
    ],
)
def test_findings_unchanged(slice_rows: dict[str, dict], variant_id: str) -> None:
    row = slice_rows[variant_id]
    if row["status"] == "pending":
        pytest.skip(f"{variant_id}: {row['reason']}")
    assert row["status"] in ("unchanged", "allowed"), (
        f"{variant_id} ({row['params']}): {row.get('error') or ''} added {row['added']} removed {row['removed']}"
    )


def _pages(pdf: Path) -> list[np.ndarray]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [np.asarray(doc[i].render(scale=1).to_pil().convert("L"), dtype=int) for i in range(len(doc))]
    finally:
        doc.close()


@pytest.mark.slow
def test_content_stream_rewrites_draw_the_same_pages(tmp_path: Path, need_font: None) -> None:
    """Split and reordered text runs and compensated rotation change the file, not the picture;
    and the same seed gives the same bytes."""
    bases, variants = mm.corpus(ROOT)
    base = next(b for b in bases if b.id == "sample-wuhan-small-2024")
    base_pdf = mm.build_base(base, tmp_path)
    before = _pages(base_pdf)
    for rewrite in ("split_runs", "reorder_runs", "rotate_all_270"):
        variant = next(v for v in variants if v.base == base.id and v.rewrite == rewrite)
        pdf = mm.build_variant(variant, base, base_pdf, tmp_path)
        assert pdf.read_bytes() != base_pdf.read_bytes()
        after = _pages(pdf)
        assert len(after) == len(before)
        for i, (a, b) in enumerate(zip(before, after, strict=True)):
            assert a.shape == b.shape, (rewrite, i)
            assert int((np.abs(a - b) > 64).sum()) <= 20, (rewrite, i)  # anti-aliasing only
        again = mm.build_variant(variant, base, base_pdf, tmp_path / "again")
        assert again.read_bytes() == pdf.read_bytes()
