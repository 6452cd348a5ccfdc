"""Working-paper charts (auditlib.outputs.plots) and evidence images (auditlib.outputs.evidence).

The charts must show Chinese (no missing-glyph boxes), say what the report
prints, degrade to a 无数据 figure, and give the same PNG bytes every time.
The evidence images must outline the evidence exactly where the PDF prints it,
including on pages with a crop box or a /Rotate.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import math
import warnings
from pathlib import Path

import matplotlib
import pypdfium2 as pdfium
import pytest
from matplotlib import font_manager
from matplotlib.text import Text
from PIL import Image

from auditlib.model.findings import Evidence, Finding
from auditlib.model.tables import CanonicalTable
from auditlib.outputs import evidence as ev
from auditlib.reading.pipeline import read_report
from auditlib.rules import audit

from conftest import RAW

SEED = RAW / "wuchang-bigdata-2023.pdf"
SHANGHAI = RAW / "sample-shanghai-culture-2024.pdf"
YUAN = RAW / "sample-yuan-street-2023.pdf"


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def fonts():
    from auditlib.outputs import fonts as module

    try:
        module.cjk_font()
    except module.FontMissing as exc:
        print(f"chart tests skipped: {exc}")
        pytest.skip(f"no CJK font for matplotlib: {exc}")
    return module


@pytest.fixture(scope="module")
def plots(fonts):
    from auditlib.outputs import plots as module

    return module


@pytest.fixture(scope="module")
def seed():
    return read_report(SEED)


@pytest.fixture(scope="module")
def seed_result(seed):
    return audit(seed)


@pytest.fixture(scope="module")
def shanghai():
    return read_report(SHANGHAI)


def texts_of(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def glyph_problems(records) -> list[str]:
    return [str(w.message) for w in records if "missing from font" in str(w.message) or "Glyph" in str(w.message)]


# ---------------------------------------------------------------- charts: fonts


@pytest.mark.parametrize("which", ["seed", "shanghai"])
def test_charts_render_without_missing_glyphs(plots, which, request, caplog, fonts):
    report = request.getfixturevalue(which)
    with warnings.catch_warnings(record=True) as records, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        charts = plots.all_charts(report)
        pngs = {name: fonts.png_bytes(fig) for name, fig in charts.items()}
    assert glyph_problems(records) == []
    assert not [r.getMessage() for r in caplog.records if "findfont" in r.getMessage() or "Glyph" in r.getMessage()]
    assert tuple(charts) == plots.CHART_KEYS
    for name, data in pngs.items():
        assert data.startswith(b"\x89PNG\r\n\x1a\n"), name
        assert plots.NO_DATA not in texts_of(charts[name]), name


def test_every_text_resolves_to_the_cjk_font_after_the_context(plots, seed, fonts):
    """The texts keep the concrete CJK family, so a figure saved later, with
    the global rcParams untouched, still renders Chinese."""
    before = {k: matplotlib.rcParams[k] for k in ("font.family", "font.sans-serif", "axes.unicode_minus")}
    fig = plots.expenditure_by_class(seed)
    after = {k: matplotlib.rcParams[k] for k in before}
    assert after == before  # no leaked global state
    font = fonts.cjk_font()
    texts = [t for t in fig.findobj(Text) if t.get_text()]
    chinese = [t for t in texts if any("\u4e00" <= ch <= "\u9fff" for ch in t.get_text())]
    assert len(chinese) >= 6  # title, tick labels, axis label, source note
    for t in texts:
        assert Path(font_manager.findfont(t.get_fontproperties(), fallback_to_default=False)) == font.path, t.get_text()
    # and the file really covers the labels
    from matplotlib import ft2font

    charmap = ft2font.FT2Font(str(font.path)).get_charmap()
    assert all(ord(ch) in charmap for t in chinese for ch in t.get_text() if not ch.isspace())
    # drawing outside the style context gives no missing-glyph warning either
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        fig.canvas.draw()
    assert glyph_problems(records) == []


def test_missing_font_names_the_debian_package(plots, monkeypatch, fonts):
    monkeypatch.delenv("AUDITLIB_CJK_FONT", raising=False)
    monkeypatch.setattr(fonts, "FONT_CANDIDATES", ())
    monkeypatch.setattr(fonts.font_manager, "findSystemFonts", lambda *a, **k: [])
    fonts.cjk_font.cache_clear()
    try:
        with pytest.raises(fonts.FontMissing, match="fonts-wqy-zenhei"):
            fonts.cjk_font()
    finally:
        monkeypatch.undo()
        fonts.cjk_font.cache_clear()
    assert fonts.cjk_font().path.is_file()


# ---------------------------------------------------------------- charts: content


def test_seed_expenditure_by_class(plots, seed):
    fig = plots.expenditure_by_class(seed)
    ax = fig.axes[0]
    bars = ax.containers[0]
    assert len(bars) == 4
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["201 一般公共服务支出", "208 社会保障和就业支出", "210 卫生健康支出", "221 住房保障支出"]
    assert [round(b.get_width(), 2) for b in bars] == [2168.83, 45.92, 90.70, 55.25]
    texts = texts_of(fig)
    assert "2,168.83（91.9%）" in texts and "90.70（3.8%）" in texts
    assert any("武汉市武昌区大数据中心" in t and "2023年度" in t for t in texts)
    assert any("万元" in t for t in texts)
    assert any("第8页" in t for t in texts)


def test_shanghai_expenditure_by_class(plots, shanghai):
    ax = plots.expenditure_by_class(shanghai).axes[0]
    assert len(ax.containers[0]) == 4
    assert [t.get_text().split()[0] for t in ax.get_yticklabels()] == ["207", "208", "210", "221"]


def test_unit_in_yuan(plots):
    report = read_report(YUAN)
    fig = plots.expenditure_by_class(report)
    label = fig.axes[0].get_xlabel()
    assert "（元）" in label and "万元" not in label
    assert len(fig.axes[0].containers[0]) == 6


def test_basic_vs_project(plots, seed):
    fig = plots.basic_vs_project(seed)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["基本支出", "项目支出"]
    assert [round(b.get_height(), 2) for b in ax.containers[0]] == [481.74, 1878.96]
    assert "481.74\n20.4%" in texts_of(fig)
    assert "支出决算表" in ax.get_title(loc="left")


def test_basic_vs_project_falls_back_to_the_general_budget_table(plots, seed):
    tables = {k: v for k, v in seed.tables.items() if k != "expenditure"}
    fig = plots.basic_vs_project(dataclasses.replace(seed, tables=tables))
    assert "一般公共预算财政拨款支出决算表" in fig.axes[0].get_title(loc="left")
    assert [round(b.get_height(), 2) for b in fig.axes[0].containers[0]] == [481.74, 1878.96]


def test_budget_vs_actual_per_item(plots, seed):
    fig = plots.budget_vs_actual(seed)
    ax = fig.axes[0]
    budget, actual = ax.containers
    assert len(budget) == len(actual) == 10  # the ten 项 of the 情况说明; not the total, not 三公
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "事业运行" and labels[-1] == "购房补贴"
    assert all("/" not in label for label in labels)
    assert round(budget[0].get_width(), 2) == 351.84 and round(actual[0].get_width(), 2) == 346.09
    texts = texts_of(fig)
    assert any("完成率 98.4%" in t for t in texts)
    assert any("列示280%" in t and "预算为0" in t for t in texts)
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"年初预算数", "决算数"}


def test_budget_vs_actual_computes_an_unprinted_rate(plots, real_pdfs):
    report = read_report(real_pdfs / "shanghai-putuo-finance-bureau-2024.pdf")
    fig = plots.budget_vs_actual(report)
    assert len(fig.axes[0].containers[0]) == 11
    # 行政运行: 1,511.89 of 1,560.05 is 96.9%, printed nowhere
    assert any("完成率 96.9%（计算，未列示）" in t for t in texts_of(fig))
    income = plots.income_by_source(report).axes[0]
    assert [t.get_text() for t in income.get_yticklabels()] == ["财政拨款收入", "其他收入"]


def test_income_by_source(plots, seed):
    fig = plots.income_by_source(seed)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["财政拨款收入"]  # the blank sources are left out
    assert "2,360.70（100.0%）" in texts_of(fig)


# ---------------------------------------------------------------- charts: empty states


def test_missing_tables_give_no_data_figures(plots, seed, fonts):
    empty = dataclasses.replace(seed, tables={}, sections=[])
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        charts = plots.all_charts(empty)
        for fig in charts.values():
            fonts.png_bytes(fig)
    assert glyph_problems(records) == []
    for name, fig in charts.items():
        assert plots.NO_DATA in texts_of(fig), name
    assert any("未识别到支出决算表" in t for t in texts_of(charts["expenditure_by_class"]))


def test_blank_tables_and_no_facts_give_no_data_figures(plots, seed):
    blank = {tid: CanonicalTable(id=tid, columns=t.columns) for tid, t in seed.tables.items()}
    report = dataclasses.replace(seed, tables=blank, department=None, year=None)
    for fig in (
        plots.expenditure_by_class(report),
        plots.basic_vs_project(report),
        plots.income_by_source(report),
        plots.budget_vs_actual(seed, facts=[]),
    ):
        assert plots.NO_DATA in texts_of(fig)


# ---------------------------------------------------------------- charts: files


def test_png_bytes_are_reproducible(plots, seed, tmp_path, fonts):
    first = {k: fonts.png_bytes(f) for k, f in plots.all_charts(seed).items()}
    second = {k: fonts.png_bytes(f) for k, f in plots.all_charts(seed).items()}
    assert first == second
    fig = plots.budget_vs_actual(seed)
    assert fonts.png_bytes(fig) == fonts.png_bytes(fig)
    path = fonts.save_png(fig, tmp_path / "charts" / "budget.png")
    assert path.read_bytes() == fonts.png_bytes(fig)
    assert b"Software" not in path.read_bytes()
    assert [p.name for p in path.parent.iterdir()] == ["budget.png"]  # no temporary file left
    image = Image.open(path)
    assert image.format == "PNG" and image.size[0] == 11 * fonts.DPI


# ---------------------------------------------------------------- evidence images


def _is_red(pixel) -> bool:
    r, g, b = pixel[:3]
    return r > 180 and g < 70 and b < 70


def _red_near(image: Image.Image, xs: range, y: int) -> bool:
    return any(_is_red(image.getpixel((x, y))) for x in xs if 0 <= x < image.width)


def test_evidence_png_outlines_the_cell(seed_result):
    finding = next(f for f in seed_result.findings if f.rule_id == "table.basic_detail" and f.severity == "info")
    first = finding.evidence[0]
    assert first.bbox is not None and first.page == 11
    data = ev.evidence_png(SEED, finding.evidence)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    image = image.convert("RGB")
    doc = pdfium.PdfDocument(str(SEED))
    try:
        rendered = ev.render_evidence(doc, finding.evidence)
    finally:
        doc.close()
    assert rendered.png() == data
    # expected box, independently: page 11 is 842 × 595 pt (landscape), no crop offset, scale 2
    scale = 2.0
    x0, y0, x1, y1 = first.bbox
    left = x0 * scale - rendered.offset[0]
    right = x1 * scale - rendered.offset[0]
    top = (595 - y1) * scale - rendered.offset[1]
    bottom = (595 - y0) * scale - rendered.offset[1]
    assert 0 <= left < right <= image.width and 0 <= top < bottom <= image.height
    mid_y = int((top + bottom) / 2)
    mid_x = int((left + right) / 2)
    reach = ev.HIGHLIGHT_MARGIN + ev.OUTLINE_WIDTH + 1
    assert _red_near(image, range(int(left) - reach, int(left) + 2), mid_y)  # left edge
    assert _red_near(image, range(int(right) - 1, int(right) + reach), mid_y)  # right edge
    assert any(_is_red(image.getpixel((mid_x, y))) for y in range(int(top) - reach, int(top) + 2))  # top edge
    # inside: the yellow fill and the printed figure (dark glyph pixels)
    inside = [
        image.getpixel((x, y))
        for x in range(int(left) + 2, int(right) - 2)
        for y in range(int(top) + 2, int(bottom) - 2)
    ]
    assert any(p[0] > 230 and p[1] > 215 and p[2] < 225 for p in inside)
    assert any(sum(p) < 200 for p in inside)


def test_evidence_png_is_deterministic_and_none_without_a_page(seed_result):
    finding = next(f for f in seed_result.findings if f.rule_id == "table.basic_detail")
    assert ev.evidence_png(SEED, finding.evidence) == ev.evidence_png(SEED, finding.evidence)
    assert ev.evidence_png(SEED, [Evidence(None, None, None, None, None, "x")]) is None
    assert ev.evidence_png(SEED, []) is None
    assert ev.evidence_png(SEED, [Evidence(999, None, None, None, None, "x")]) is None


def test_narrative_evidence_is_located_by_its_text(seed_result):
    finding = next(f for f in seed_result.findings if f.rule_id == "narrative.share")
    assert finding.evidence[0].bbox is None
    doc = pdfium.PdfDocument(str(SEED))
    try:
        rendered = ev.render_evidence(doc, finding.evidence)
        page = doc[finding.evidence[0].page - 1]
        boxes = ev.locate_text(page, "卫生健康支出90.7万元，占3.9%")
        page.close()
    finally:
        doc.close()
    assert rendered.located and rendered.page == 15
    assert len(boxes) == 2  # the sentence wraps onto a second line
    assert len(rendered.boxes) == 2
    assert boxes[0][0] > boxes[1][0]  # the first line starts right of the second's start (卫生健 at the line end)


def test_unlocatable_evidence_shows_the_whole_page():
    rendered_png = ev.evidence_png(SEED, [Evidence(3, None, None, None, None, "并不存在的文字内容")])
    image = Image.open(io.BytesIO(rendered_png))
    # A4 portrait (595.28 × 841.89 pt) at the reduced scale, rounded up as PDFium renders it
    assert image.size == (math.ceil(595.28 * ev.WHOLE_PAGE_SCALE), math.ceil(841.89 * ev.WHOLE_PAGE_SCALE))
    assert image.convert("RGB").getcolors(1 << 20) and not any(
        _is_red(c) for _n, c in image.convert("RGB").getcolors(1 << 20)
    )  # no highlight


def _marked_pdf(path: Path, rotation: int, size=(400, 400)) -> tuple[float, float, float, float]:
    """A page with crop box (50, 40, 350, 260), /Rotate and a black rectangle."""
    from reportlab.pdfgen import canvas

    rect = (150.0, 100.0, 210.0, 130.0)
    c = canvas.Canvas(str(path), pagesize=size)
    c.setCropBox((50, 40, 350, 260))
    c.setPageRotation(rotation)
    c.setFillColorRGB(0, 0, 0)
    c.rect(rect[0], rect[1], rect[2] - rect[0], rect[3] - rect[1], stroke=0, fill=1)
    c.showPage()
    c.save()
    return rect


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_crop_box_and_rotation(tmp_path, rotation):
    import ctypes

    import pypdfium2.raw as pdfium_c

    pdf = tmp_path / f"rot{rotation}.pdf"
    rect = _marked_pdf(pdf, rotation)
    doc = pdfium.PdfDocument(str(pdf))
    page = doc[0]
    scale = 2.0
    geom = ev.geometry(page, scale)
    assert geom.crop == (50, 40, 350, 260) and geom.rotation == rotation
    # page_to_pixel agrees with PDFium's own page→device mapping
    width, height = (round(v) for v in geom.size)
    for x, y in ((50, 40), (350, 260), (150, 100), (210, 130)):
        dx, dy = ctypes.c_int(), ctypes.c_int()
        pdfium_c.FPDF_PageToDevice(page.raw, 0, 0, width, height, 0, x, y, ctypes.byref(dx), ctypes.byref(dy))
        px, py = ev.page_to_pixel(geom, x, y)
        assert abs(px - dx.value) <= 1 and abs(py - dy.value) <= 1, (x, y)
    page.close()
    rendered = ev.render_evidence(doc, [Evidence(1, None, None, None, list(rect), "")], scale=scale)
    doc.close()
    image = rendered.image
    ((left, top, right, bottom),) = rendered.boxes
    # the black rectangle is under the highlight (dark through the yellow fill) ...
    assert sum(image.getpixel((int((left + right) / 2), int((top + bottom) / 2)))) < 150
    # ... and its red outline hugs it
    reach = ev.HIGHLIGHT_MARGIN + ev.OUTLINE_WIDTH + 1
    assert _red_near(image, range(int(left) - reach, int(left) + 1), int((top + bottom) / 2))
    # just outside the outline the page is white
    assert image.getpixel((max(0, int(left) - reach - 3), int((top + bottom) / 2))) == (255, 255, 255)


def test_crop_box_beyond_the_media_box_is_clipped(tmp_path):
    """reportlab swaps the media box of a /Rotate 90 page (0 0 300 400) but not
    the crop box: what PDFium shows is their intersection."""
    pdf = tmp_path / "clipped.pdf"
    rect = _marked_pdf(pdf, 90, size=(400, 300))
    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[0]
        geom = ev.geometry(page, 2.0)
        bitmap = page.render(scale=2.0)
        assert (bitmap.width, bitmap.height) == tuple(round(v) for v in geom.size)
        bitmap.close()
        page.close()
        rendered = ev.render_evidence(doc, [Evidence(1, None, None, None, list(rect), "")])
    finally:
        doc.close()
    assert geom.crop == (50, 40, 300, 260)
    ((left, top, right, bottom),) = rendered.boxes
    assert sum(rendered.image.getpixel((int((left + right) / 2), int((top + bottom) / 2)))) < 150


def test_finding_images(tmp_path, seed_result):
    paths = ev.finding_images(SEED, seed_result.findings, tmp_path)
    non_info = [i for i, f in enumerate(seed_result.findings, start=1) if f.severity != "info"]
    assert [p.name for p in paths] == [f"{i:03d}-{seed_result.findings[i - 1].rule_id}.png" for i in non_info]
    assert paths[0].name == "001-attachment.basic_project_totals.png"
    assert all(p.parent == tmp_path / "evidence" for p in paths)
    assert sorted(p.name for p in (tmp_path / "evidence").iterdir()) == sorted(p.name for p in paths)  # no temp files
    first = {p.name: p.read_bytes() for p in paths}
    with_info = ev.finding_images(SEED, seed_result.findings, tmp_path, include_info=True)
    assert len(with_info) == len(seed_result.findings)
    assert all(first[p.name] == p.read_bytes() for p in paths)  # rewritten identically
    for p in with_info:
        Image.open(p).verify()


def test_finding_images_accepts_findings_json(tmp_path, seed_result):
    """findings.json evidence (dicts) works as well as Evidence objects."""
    finding = next(f for f in seed_result.findings if f.rule_id == "table.basic_detail")
    as_json = finding.to_json()
    paths = ev.finding_images(SEED, [as_json], tmp_path, include_info=True)
    assert [p.name for p in paths] == ["001-table.basic_detail.png"]
    image = Image.open(paths[0]).convert("RGB")
    assert any(_is_red(image.getpixel((x, y))) for x in range(0, image.width, 2) for y in range(0, image.height, 2))
    nothing = Finding("x.rule", "error", "m", evidence=[Evidence(None, None, None, None, None, "")])
    assert ev.finding_images(SEED, [nothing], tmp_path / "none") == []
    assert not (tmp_path / "none").exists()
