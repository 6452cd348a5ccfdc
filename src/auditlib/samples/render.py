"""Render a department description to a final-accounts PDF with reportlab.

Why: the project needs realistic reports it may commit and mutate. Real reports
are typeset by WPS, Word, ONLYOFFICE or Excel with ruled tables, merged
multi-row headers, 栏次 rows, thousands separators and an embedded CJK font
subset; this renderer reproduces those traits so extraction is tested against
what it will meet. Output is byte-identical for the same description
(reportlab's ``invariant`` mode fixes dates and document ids).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from auditlib.model.money import format_printed, parse_amount
from auditlib.profiles.final_accounts import TABLES, THREE_PUBLIC_ITEMS, VARIANTS
from auditlib.samples.model import DEFAULT_VARIANT, header_labels, printed_columns, table_order
from auditlib.samples.synthetic import cn_index

FONT = "SampleCJK"
FONT_CANDIDATES = (
    os.environ.get("AUDITLIB_SAMPLE_FONT", ""),
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)

PORTRAIT = A4
LANDSCAPE = landscape(A4)
MARGIN = 18 * mm
TABLE_MARGIN = 12 * mm
TABLE_FONT_SIZE = 7.5


#: Layout options of ``render_pdf`` (all optional; none given prints today's layout):
#: ``body_margin`` (points, the portrait frame's margins: narrative re-wrapped at another width),
#: ``body_font_size`` and ``body_leading`` (points, body text), ``font_face`` (the face of the
#: font collection, 0 by default), ``push`` {block index: points} and ``table_push``
#: {table id: points} (push what follows to the last ``points`` of its frame so that a page
#: break falls inside it), ``table_pages`` ("landscape" by default, or "portrait": tables scaled
#: onto portrait pages).
LAYOUT_KEYS = ("body_margin", "body_font_size", "body_leading", "font_face", "push", "table_push", "table_pages")

_LAYOUT: dict[str, Any] = {}


class FontMissing(RuntimeError):
    """No CJK TrueType font to embed (install Debian's fonts-wqy-zenhei)."""


def register_font(face: int = 0) -> str:
    """Register the embeddable CJK TrueType collection's face ``face`` once; return its name."""
    name = FONT if face == 0 else f"{FONT}{face}"
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    for path in FONT_CANDIDATES:
        if path and Path(path).exists():
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=face))
            return name
    raise FontMissing(
        "no CJK TrueType font found: install fonts-wqy-zenhei (make samples does) "
        "or set AUDITLIB_SAMPLE_FONT to a .ttf/.ttc file"
    )


def _font() -> str:
    """The font of paragraphs and page numbers: the collection's face ``font_face`` (0: FONT)."""
    face = int(_LAYOUT.get("font_face", 0))
    return FONT if face == 0 else f"{FONT}{face}"


def _styles() -> dict[str, ParagraphStyle]:
    base = dict(fontName=_font(), wordWrap="CJK")
    body_size = _LAYOUT.get("body_font_size", 10.5)
    body_leading = _LAYOUT.get("body_leading", 19)
    return {
        "cover": ParagraphStyle("cover", fontSize=26, leading=40, alignment=TA_CENTER, **base),
        "cover_date": ParagraphStyle("cover_date", fontSize=16, leading=24, alignment=TA_CENTER, **base),
        "part": ParagraphStyle("part", fontSize=22, leading=34, alignment=TA_CENTER, spaceBefore=60, **base),
        "title": ParagraphStyle("title", fontSize=16, leading=26, alignment=TA_CENTER, spaceAfter=10, **base),
        "heading": ParagraphStyle("heading", fontSize=12, leading=22, spaceBefore=8, spaceAfter=4, **base),
        "body": ParagraphStyle("body", fontSize=body_size, leading=body_leading, firstLineIndent=21, **base),
        "toc": ParagraphStyle("toc", fontSize=11, leading=20, **base),
        "table_title": ParagraphStyle("table_title", fontSize=15, leading=22, alignment=TA_CENTER, **base),
        "small": ParagraphStyle("small", fontSize=8.5, leading=12, **base),
        "small_right": ParagraphStyle("small_right", fontSize=8.5, leading=12, alignment=TA_RIGHT, **base),
        "small_center": ParagraphStyle("small_center", fontSize=8.5, leading=12, alignment=TA_CENTER, **base),
        "cell": ParagraphStyle("cell", fontSize=TABLE_FONT_SIZE, leading=9.5, alignment=TA_LEFT, **base),
        "cell_center": ParagraphStyle(
            "cell_center", fontSize=TABLE_FONT_SIZE, leading=9.5, alignment=TA_CENTER, **base
        ),
        "att_cell": ParagraphStyle("att_cell", fontSize=8.5, leading=11.5, **base),
        "att_center": ParagraphStyle("att_center", fontSize=8.5, leading=11.5, alignment=TA_CENTER, **base),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _amount(dept: dict[str, Any], value: str | None) -> str:
    if value in (None, ""):
        return ""
    if dept["style"].get("thousands", True):
        return format_printed(parse_amount(value))
    return str(value)


# ---------------------------------------------------------------- table layouts


class Grid:
    """A table under construction: cell texts, spans and alignment hints."""

    def __init__(self, ncols: int):
        self.ncols = ncols
        self.rows: list[list[Any]] = []
        self.spans: list[tuple[tuple[int, int], tuple[int, int]]] = []
        self.header_rows = 0
        self.right: list[tuple[int, int]] = []  # (row, col) cells aligned right

    def add(self, cells: list[Any]) -> int:
        assert len(cells) == self.ncols, (len(cells), self.ncols)
        self.rows.append(cells)
        return len(self.rows) - 1

    def span(self, r0: int, c0: int, r1: int, c1: int) -> None:
        if (r0, c0) != (r1, c1):
            self.spans.append(((c0, r0), (c1, r1)))


def _code_parts(dept: dict[str, Any], code: str) -> list[str]:
    if dept["style"]["code_columns"] == "split":
        return [code[0:3], code[3:5], code[5:7]]
    return [code]


def _code_header(dept: dict[str, Any], g: Grid, top: int, depth: int, name_col: int) -> None:
    """Header cells of the 科目代码/科目名称 block spanning ``depth`` rows from ``top``."""
    st = _STYLES
    g.rows[top][0] = _p("项目", st["cell_center"])
    g.span(top, 0, top, name_col)
    if dept["style"]["code_columns"] == "split":
        g.rows[top + 1][0] = _p("支出功能分类科目编码", st["cell_center"])
        g.span(top + 1, 0, top + 1, 2)
        for i, lab in enumerate(("类", "款", "项")):
            g.rows[top + depth - 1][i] = _p(lab, st["cell_center"])
        g.rows[top + 1][name_col] = _p("科目名称", st["cell_center"])
        g.span(top + 1, name_col, top + depth - 1, name_col)
    else:
        g.rows[top + 1][0] = _p("科目代码", st["cell_center"])
        g.rows[top + 1][name_col] = _p("科目名称", st["cell_center"])
        g.span(top + 1, 0, top + depth - 1, 0)
        g.span(top + 1, name_col, top + depth - 1, name_col)


def _coded_table(dept: dict[str, Any], tid: str) -> Grid:
    """income, expenditure, general budget, government fund, state capital."""
    style = dept["style"]
    cols = printed_columns(dept, tid)
    ncode = 3 if style["code_columns"] == "split" else 1
    name_col = ncode
    g = Grid(ncode + 1 + len(cols))
    labels = header_labels(dept, tid)
    depth = 3 if ncode == 3 else 2
    top = 0
    for _ in range(depth):
        g.add([""] * g.ncols)
    _code_header(dept, g, top, depth, name_col)
    st = _STYLES
    c = name_col + 1
    i = 0
    while i < len(cols):
        group, lab = labels[cols[i]]
        if group is None:
            g.rows[top][c + i] = _p(lab, st["cell_center"])
            g.span(top, c + i, top + depth - 1, c + i)
            i += 1
            continue
        j = i
        while j < len(cols) and labels[cols[j]][0] == group:
            g.rows[top + 1][c + j] = _p(labels[cols[j]][1], st["cell_center"])
            g.span(top + 1, c + j, top + depth - 1, c + j)
            j += 1
        g.rows[top][c + i] = _p(group, st["cell_center"])
        g.span(top, c + i, top, c + j - 1)
        i = j
    if style["column_index_row"]:
        r = g.add(["栏次"] + [""] * (name_col) + [str(k + 1) for k in range(len(cols))])
        g.span(r, 0, r, name_col)
    g.header_rows = len(g.rows)
    for row in dept["tables"][tid].get("rows", []):
        code = str(row.get("code") or "")
        parts = _code_parts(dept, code) if code else [""] * ncode
        cells = parts + [_p(row.get("name", ""), st["cell"])]
        cells += [_amount(dept, row.get(col)) for col in cols]
        r = g.add(cells)
        g.right += [(r, c + k) for k in range(len(cols))]
    return g


def _two_panel_table(dept: dict[str, Any], tid: str) -> Grid:
    style = dept["style"]
    st = _STYLES
    spec = TABLES[tid]
    printed = printed_columns(dept, tid)
    inc_cols = [c for c in spec.panel_columns["income"] if c in printed]
    exp_cols = [c for c in spec.panel_columns["expenditure"] if c in printed]
    ln = 1 if style["line_numbers"] else 0
    n_inc = 1 + ln + len(inc_cols)
    n_exp = 1 + ln + len(exp_cols)
    g = Grid(n_inc + n_exp)
    amount_label = "金额" if ln else "决算数"
    g.add([_p("收入", st["cell_center"])] + [""] * (n_inc - 1) + [_p("支出", st["cell_center"])] + [""] * (n_exp - 1))
    g.span(0, 0, 0, n_inc - 1)
    g.span(0, n_inc, 0, n_inc + n_exp - 1)
    head = ["项目"] + (["行次"] if ln else []) + [amount_label for _ in inc_cols]
    head += ["项目"] + (["行次"] if ln else [])
    head += [amount_label if c == "amount" else spec.label(c) for c in exp_cols]
    g.add([_p(h, st["cell_center"]) for h in head])
    if style["column_index_row"]:
        k = 1
        idx = ["栏次"] + ([""] if ln else [])
        for _ in inc_cols:
            idx.append(str(k))
            k += 1
        idx += ["栏次"] + ([""] if ln else [])
        for _ in exp_cols:
            idx.append(str(k))
            k += 1
        g.add(idx)
    g.header_rows = len(g.rows)
    rows = dept["tables"][tid].get("rows", [])
    inc = [r for r in rows if r.get("panel") == "income"]
    exp = [r for r in rows if r.get("panel") == "expenditure"]

    # Footer lines (本年收入合计 | 本年支出合计 …) face each other, as in real reports:
    # the shorter item list is padded with blank lines before its footer.
    def footer_at(panel: list[dict[str, Any]]) -> int:
        return next((i for i, r in enumerate(panel) if "合计" in str(r.get("name", ""))), len(panel))

    fi, fe = footer_at(inc), footer_at(exp)
    if fi < fe:
        inc = inc[:fi] + [{}] * (fe - fi) + inc[fi:]
    elif fe < fi:
        exp = exp[:fe] + [{}] * (fi - fe) + exp[fe:]
    for i in range(max(len(inc), len(exp))):
        cells: list[Any] = []
        for panel, pcols in ((inc, inc_cols), (exp, exp_cols)):
            row = panel[i] if i < len(panel) else {}
            cells.append(_p(row.get("name", ""), st["cell"]))
            if ln:
                cells.append(str(row.get("line_no", "")) if row else "")
            cells += [_amount(dept, row.get(c)) for c in pcols]
        r = g.add(cells)
        g.right += [(r, 1 + ln + k) for k in range(len(inc_cols))]
        g.right += [(r, n_inc + 1 + ln + k) for k in range(len(exp_cols))]
    return g


def _basic_detail_table(dept: dict[str, Any]) -> Grid:
    st = _STYLES
    table = dept["tables"]["basic_expenditure_detail"]
    panels = table.get("panels", [])
    split = dept["style"]["code_columns"] == "split"
    ncode = 2 if split else 1
    width = ncode + 2
    g = Grid(width * len(panels))
    # Row 0: panel headings; an empty heading merges with the panel before it.
    r0 = g.add([""] * g.ncols)
    start = 0
    for i, panel in enumerate(panels):
        if panel.get("heading") or i == 0:
            start = i
            g.rows[r0][i * width] = _p(panel.get("heading", ""), st["cell_center"])
        g.span(r0, start * width, r0, (i + 1) * width - 1)
    r1 = g.add([""] * g.ncols)
    for i in range(len(panels)):
        base = i * width
        g.rows[r1][base] = _p("经济分类科目编码" if split else "科目代码", st["cell_center"])
        if split:
            g.span(r1, base, r1, base + 1)
        g.rows[r1][base + ncode] = _p("科目名称", st["cell_center"])
        g.rows[r1][base + ncode + 1] = _p("决算数", st["cell_center"])
    if split:
        r2 = g.add([""] * g.ncols)
        for i in range(len(panels)):
            base = i * width
            g.rows[r2][base] = _p("类", st["cell_center"])
            g.rows[r2][base + 1] = _p("款", st["cell_center"])
            g.span(r1, base + ncode, r2, base + ncode)
            g.span(r1, base + ncode + 1, r2, base + ncode + 1)
    g.header_rows = len(g.rows)
    depth = max((len(p.get("rows", [])) for p in panels), default=0)
    for k in range(depth):
        cells: list[Any] = []
        for panel in panels:
            prow = panel.get("rows", [])
            row = prow[k] if k < len(prow) else {}
            code = str(row.get("code") or "")
            if split:
                cells += [code[:3], code[3:5]]
            else:
                cells.append(code)
            cells.append(_p(row.get("name", ""), st["cell"]))
            cells.append(_amount(dept, row.get("amount")))
        r = g.add(cells)
        g.right += [(r, i * width + ncode + 1) for i in range(len(panels))]
    footer = table.get("footer", [])
    if footer:
        cells = [""] * g.ncols
        r = g.add(cells)
        first = footer[0]
        cells[0] = _p(first.get("name", ""), st["cell_center"])
        g.span(r, 0, r, ncode)
        cells[ncode + 1] = _amount(dept, first.get("amount"))
        g.right.append((r, ncode + 1))
        if len(footer) > 1:
            second = footer[1]
            cells[width] = _p(second.get("name", ""), st["cell_center"])
            g.span(r, width, r, g.ncols - 2)
            cells[g.ncols - 1] = _amount(dept, second.get("amount"))
            g.right.append((r, g.ncols - 1))
    return g


_THREE_ITEMS = tuple(item for item, _label in THREE_PUBLIC_ITEMS)


def _three_public_table(dept: dict[str, Any]) -> Grid:
    st = _STYLES
    table = dept["tables"]["three_public"]
    layout = table.get("layout", "grouped")
    g = Grid(12)
    P = lambda s: _p(s, st["cell_center"])  # noqa: E731
    if layout == "alternating":
        g.add([P("财政拨款“三公”经费")] + [""] * 11)
        g.span(0, 0, 0, 11)
        r1 = g.add(
            [P("合计"), "", P("因公出国（境）费"), "", P("公务用车购置及运行费")] + [""] * 5 + [P("公务接待费"), ""]
        )
        g.span(r1, 0, r1 + 1, 1)
        g.span(r1, 2, r1 + 1, 3)
        g.span(r1, 4, r1, 9)
        g.span(r1, 10, r1 + 1, 11)
        r2 = g.add(["", "", "", "", P("小计"), "", P("公务用车购置费"), "", P("公务用车运行费"), "", "", ""])
        g.span(r2, 4, r2, 5)
        g.span(r2, 6, r2, 7)
        g.span(r2, 8, r2, 9)
        g.add([P("预算数" if k % 2 == 0 else "决算数") for k in range(12)])
        order = [f"{stage}_{item}" for item in _THREE_ITEMS for stage in ("budget", "actual")]
    else:
        g.add([P("预算数")] + [""] * 5 + [P("决算数")] + [""] * 5)
        g.span(0, 0, 0, 5)
        g.span(0, 6, 0, 11)
        row1: list[Any] = []
        row2: list[Any] = []
        for _ in range(2):
            row1 += [P("合计"), P("因公出国(境)费"), P("公务用车购置及运行维护费"), "", "", P("公务接待费")]
            row2 += ["", "", P("小计"), P("公务用车购置费"), P("公务用车运行维护费"), ""]
        r1 = g.add(row1)
        r2 = g.add(row2)
        for base in (0, 6):
            g.span(r1, base, r2, base)
            g.span(r1, base + 1, r2, base + 1)
            g.span(r1, base + 2, r1, base + 4)
            g.span(r1, base + 5, r2, base + 5)
        if dept["style"]["column_index_row"]:
            g.add([str(k + 1) for k in range(12)])
        order = [f"{stage}_{item}" for stage in ("budget", "actual") for item in _THREE_ITEMS]
    g.header_rows = len(g.rows)
    for row in table.get("rows", []):
        r = g.add([_amount(dept, row.get(c)) for c in order])
        g.right += [(r, k) for k in range(12)]
    return g


def _grid_for(dept: dict[str, Any], tid: str) -> Grid:
    if tid in ("income_expenditure_summary", "fiscal_summary"):
        return _two_panel_table(dept, tid)
    if tid == "basic_expenditure_detail":
        return _basic_detail_table(dept)
    if tid == "three_public":
        return _three_public_table(dept)
    return _coded_table(dept, tid)


def _col_widths(dept: dict[str, Any], tid: str, g: Grid, total: float) -> list[float]:
    """Relative widths: names wide, codes narrow, amounts medium."""
    split = dept["style"]["code_columns"] == "split"
    weights: list[float]
    if tid in ("income_expenditure_summary", "fiscal_summary"):
        ln = dept["style"]["line_numbers"]
        spec = TABLES[tid]
        printed = printed_columns(dept, tid)
        weights = []
        for panel in ("income", "expenditure"):
            weights.append(5.0)
            if ln:
                weights.append(0.8)
            weights += [1.8] * len([c for c in spec.panel_columns[panel] if c in printed])
    elif tid == "basic_expenditure_detail":
        per = ([0.7, 0.6] if split else [1.1]) + [3.2, 1.5]
        weights = per * (g.ncols // len(per))
    elif tid == "three_public":
        weights = [1.0] * 12
    else:
        ncols = len(printed_columns(dept, tid))
        weights = ([0.7, 0.6, 0.6] if split else [1.3]) + [5.0] + [1.6] * ncols
    s = sum(weights)
    return [total * w / s for w in weights]


#: How a table's title may be damaged in the text layer (``title_layout`` of a table in a
#: description; none: the title on one line above the table, as producers print it).
TITLE_LAYOUTS = ("wrapped", "overlapped", "after_body", "garbled", "missing")
#: Characters a damaged font maps to look-alikes (garbled titles): every title has 决 and 表.
_GARBLED = str.maketrans({"决": "泱", "表": "衰"})


class _TitleAfterBody(Flowable):
    """A title that takes its place above the table but is drawn when the page ends, so that in
    the content stream (the text layer's order) it comes after the table body, as Excel and
    Acrobat exports emit it. The page's canvas draws the pending titles just before it shows
    the page."""

    def __init__(self, para: Any):
        super().__init__()
        self.para = para

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width, self.height = self.para.wrap(avail_width, avail_height)
        return self.width, self.height

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802 - reportlab's name
        pending = getattr(canvas, "_auditlib_late_titles", None)
        if pending is None:
            pending = canvas._auditlib_late_titles = []
            show_page = canvas.showPage

            def late_show_page() -> None:
                for para, px, py in pending:
                    para.drawOn(canvas, px, py)
                pending.clear()
                show_page()

            canvas.showPage = late_show_page
        pending.append((self.para, x, y))


def _title_flowables(dept: dict[str, Any], tid: str) -> list[Any]:
    """The table's title as ``title_layout`` lays it out (``TITLE_LAYOUTS``); default one line."""
    st = _STYLES
    table = dept["tables"][tid]
    title = table.get("title", TABLES[tid].title)
    layout = table.get("title_layout")
    if layout is None:
        return [_p(title, st["table_title"])]
    if layout not in TITLE_LAYOUTS:
        raise ValueError(f"{tid}: unknown title_layout {layout!r} (one of {', '.join(TITLE_LAYOUTS)})")
    cut = len(title) - 1  # 收入支出决算总 / 表
    if layout == "wrapped":
        return [_p(title[:cut], st["table_title"]), _p(title[cut:], st["table_title"])]
    if layout == "overlapped":
        heading = f"第二部分 {dept['year']}年度部门决算表"
        return [_p(title[:cut], st["table_title"]), _p(heading, st["small"]), _p(title[cut:], st["table_title"])]
    if layout == "after_body":
        return [_TitleAfterBody(_p(title, st["table_title"]))]
    if layout == "garbled":
        return [_p(title.translate(_GARBLED), st["table_title"])]
    return []  # missing


def _table_flowables(dept: dict[str, Any], tid: str, label: str | None) -> list[Any]:
    st = _STYLES
    table = dept["tables"][tid]
    style = dept["style"]
    out: list[Any] = []
    out += _title_flowables(dept, tid)
    out.append(Spacer(1, 4))
    width = LANDSCAPE[0] - 2 * TABLE_MARGIN - 12
    dept_name = table.get("department", dept["department"])
    unit = table.get("unit", dept["unit"])
    info = Table(
        [
            [
                _p(f"{style['department_label']}{dept_name}", st["small"]),
                _p(label or "", st["small_center"]),
                _p(f"{style['unit_label']}{unit}", st["small_right"]),
            ]
        ],
        colWidths=[width * 0.5, width * 0.2, width * 0.3],
    )
    info.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    out.append(info)
    out.append(Spacer(1, 2))
    g = _grid_for(dept, tid)
    cmds: list[Any] = [
        ("FONT", (0, 0), (-1, -1), FONT, TABLE_FONT_SIZE),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, g.header_rows - 1), "CENTER"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for (c0, r0), (c1, r1) in g.spans:
        cmds.append(("SPAN", (c0, r0), (c1, r1)))
    for r, c in g.right:
        cmds.append(("ALIGN", (c, r), (c, r), "RIGHT"))
    t = Table(
        g.rows,
        colWidths=_col_widths(dept, tid, g, width),
        repeatRows=g.header_rows if style["repeat_header"] else 0,
        splitByRow=1,
    )
    t.setStyle(TableStyle(cmds))
    out.append(t)
    for key in ("note", "explanation"):
        if table.get(key):
            out.append(Spacer(1, 4))
            out.append(_p(table[key], st["small"]))
    return out


# ---------------------------------------------------------------- attachments


def _attachment_flowables(att: dict[str, Any]) -> list[Any]:
    st = _STYLES
    out: list[Any] = []
    if att.get("heading"):
        out.append(_p(att["heading"], st["heading"]))
    out.append(_p(att.get("title", ""), st["title"]))
    for line in att.get("meta", []):
        out.append(_p(line, st["small"]))
    out.append(Spacer(1, 4))
    C = lambda s: _p(s, st["att_center"])  # noqa: E731
    L = lambda s: _p(s, st["att_cell"])  # noqa: E731
    g = Grid(6)
    fields = list(att.get("fields", []))
    if att.get("project"):
        fields.insert(0, ["项目名称", att["project"]])
    for field in fields:
        if len(field) == 4:
            r = g.add([C(field[0]), L(field[1]), "", C(field[2]), L(field[3]), ""])
            g.span(r, 1, r, 2)
            g.span(r, 4, r, 5)
        else:
            r = g.add([C(field[0]), L(field[1]), "", "", "", ""])
            g.span(r, 1, r, 5)
    budget = att.get("budget")
    if budget:
        r = g.add([C("预算执行情况（万元）"), "", "", C("预算数（A）"), C("执行数（B）"), C("执行率（B/A）")])
        g.span(r, 0, r + 1, 0)
        g.span(r, 1, r, 2)
        r2 = g.add(
            [
                "",
                C(budget.get("label", "")),
                "",
                C(budget.get("budget", "")),
                C(budget.get("actual", "")),
                C(budget.get("rate", "")),
            ]
        )
        g.span(r2, 1, r2, 2)
    for goal in att.get("goals", []):
        r = g.add([C(goal.get("name", "")), L(goal.get("text", "")), "", "", "", ""])
        g.span(r, 1, r, 5)
        g.add(
            [C(h) for h in ("年度绩效指标", "一级指标", "二级指标", "三级指标", "年初目标值（A）", "实际完成值（B）")]
        )
        for ind in goal.get("indicators", []):
            g.add([""] + [C(x) for x in ind])
    for label, text in att.get("closing", []):
        r = g.add([C(label), L(text), "", "", "", ""])
        g.span(r, 1, r, 5)
    width = PORTRAIT[0] - 2 * MARGIN
    t = Table(g.rows, colWidths=[width * w for w in (0.15, 0.12, 0.15, 0.26, 0.16, 0.16)], repeatRows=0)
    cmds: list[Any] = [
        ("FONT", (0, 0), (-1, -1), FONT, 8.5),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for (c0, r0), (c1, r1) in g.spans:
        cmds.append(("SPAN", (c0, r0), (c1, r1)))
    t.setStyle(TableStyle(cmds))
    out.append(t)
    for line in att.get("notes", []):
        out.append(Spacer(1, 3))
        out.append(_p(line, st["small"]))
    return out


# ---------------------------------------------------------------- document


_STYLES: dict[str, ParagraphStyle] = {}


def _toc(lines: list[str]) -> list[Any]:
    st = _STYLES
    rows = []
    for line in lines:
        text, _, page = line.partition("\t")
        rows.append([_p(text, st["toc"]), _p(page, st["toc"])])
    width = PORTRAIT[0] - 2 * MARGIN
    t = Table(rows, colWidths=[width * 0.9, width * 0.1])
    t.setStyle(TableStyle([("ALIGN", (1, 0), (1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [_p("目 录", _STYLES["title"]), t]


def table_label(dept: dict[str, Any], tid: str) -> str | None:
    """The label of a table as its variant prints it (公开01表, 表一 …) or None."""
    style = dept["style"]
    if not style.get("labels"):
        return None
    label = style.get("label") or VARIANTS[DEFAULT_VARIANT].label
    n = table_order(dept).index(tid) + 1
    return str(label).format(n=n, cn=cn_index(n))


class PushDown(Flowable):
    """Empty space that leaves only the last ``keep`` points of its frame to what follows.

    A layout option (``push``/``table_push``): what follows starts ``keep`` points above the
    frame's bottom, so a page break falls inside it (a paragraph after its first lines, a
    table after its header and first rows). No space when less than ``keep`` is left.
    """

    def __init__(self, keep: float):
        super().__init__()
        self.keep = keep
        self._height = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._height = max(0.0, availHeight - self.keep)
        return (0, self._height)

    def draw(self) -> None:
        pass


class Scaled(Flowable):
    """A flowable drawn at ``scale`` (splits as its content splits): a table on a narrower page."""

    def __init__(self, inner: Any, scale: float):
        super().__init__()
        self.inner = inner
        self.scale = scale

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        w, h = self.inner.wrap(availWidth / self.scale, availHeight / self.scale)
        self.width, self.height = w * self.scale, h * self.scale
        return (self.width, self.height)

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        parts = self.inner.split(availWidth / self.scale, availHeight / self.scale)
        return [Scaled(p, self.scale) for p in parts]

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.scale(self.scale, self.scale)
        self.inner.drawOn(self.canv, 0, 0)
        self.canv.restoreState()


def _table_layout(tid: str, flowables: list[Any]) -> list[Any]:
    """A table's flowables under the layout options ``table_push`` and ``table_pages``."""
    keep = (_LAYOUT.get("table_push") or {}).get(tid)
    if keep is not None:
        main = max(
            (i for i, f in enumerate(flowables) if isinstance(f, Table)),
            key=lambda i: len(flowables[i]._cellvalues),
        )
        flowables = flowables[:main] + [PushDown(float(keep))] + flowables[main:]
    if _LAYOUT.get("table_pages", "landscape") == "portrait":
        scale = (PORTRAIT[0] - 2 * TABLE_MARGIN) / (LANDSCAPE[0] - 2 * TABLE_MARGIN)
        flowables = [Scaled(f, scale) if isinstance(f, (Table, PushDown)) else f for f in flowables]
    return flowables


def build_story(dept: dict[str, Any]) -> list[Any]:
    st = _STYLES
    push = _LAYOUT.get("push") or {}
    table_template = "portrait_table" if _LAYOUT.get("table_pages", "landscape") == "portrait" else "landscape"
    story: list[Any] = []
    cover = dept.get("cover") or {}
    story.append(Spacer(1, 200))
    story.append(_p(cover.get("title", f"{dept['year']}年度{dept['department']} 部门决算"), st["cover"]))
    story.append(Spacer(1, 260))
    if cover.get("date"):
        story.append(_p(cover["date"], st["cover_date"]))
    story.append(PageBreak())
    after_table = False
    for index, block in enumerate(dept["blocks"]):
        kind = block["type"]
        if after_table and kind != "table":
            story.append(NextPageTemplate("portrait"))
            story.append(PageBreak())
            after_table = False
        if index in push and kind != "table":
            story.append(PushDown(float(push[index])))
        if kind == "toc":
            story += _toc(block.get("lines", []))
        elif kind == "part":
            if story and not isinstance(story[-1], PageBreak):
                story.append(PageBreak())
            story.append(_p(block["text"], st["part"]))
        elif kind == "title":
            story.append(_p(block["text"], st["title"]))
        elif kind == "heading":
            story.append(_p(block["text"], st["heading"]))
        elif kind == "paragraph":
            story.append(_p(block["text"], st["body"]))
        elif kind == "page_break":
            story.append(PageBreak())
        elif kind == "table":
            tid = block["id"]
            if tid not in dept["tables"]:
                continue  # a deleted table (mutation)
            story.append(NextPageTemplate(table_template))
            story.append(PageBreak())  # a table always starts on a page of its own
            story += _table_layout(tid, _table_flowables(dept, tid, table_label(dept, tid)))
            after_table = True
        elif kind == "attachment":
            if not isinstance(story[-1], PageBreak):
                story.append(PageBreak())
            story += _attachment_flowables(dept["attachments"][block["index"]])
        else:
            raise ValueError(f"unknown block type {kind!r}")
    return story


def _page_number(canvas: Any, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont(_font(), 9)
    w, _h = canvas._pagesize
    canvas.drawCentredString(w / 2, 6 * mm, f"- {doc.page} -")
    canvas.restoreState()


def render_pdf(dept: dict[str, Any], out: str | Path, layout: dict[str, Any] | None = None) -> Path:
    """Write the department's PDF to ``out`` atomically; return the path.

    ``layout`` holds layout options (``LAYOUT_KEYS``); without it the output is today's.
    """
    layout = dict(layout or {})
    unknown = sorted(set(layout) - set(LAYOUT_KEYS))
    if unknown:
        raise ValueError(f"unknown layout options {unknown}")
    register_font()
    register_font(int(layout.get("font_face", 0)))
    _LAYOUT.clear()
    _LAYOUT.update(layout)
    _STYLES.clear()
    _STYLES.update(_styles())
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    doc = BaseDocTemplate(
        str(tmp),
        pagesize=PORTRAIT,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"{dept['year']}年度{dept['department']}部门决算",
        author=dept["department"],
        creator="auditlib sample generator",
        invariant=1,
    )
    pw, ph = PORTRAIT
    lw, lh = LANDSCAPE
    bm = float(layout.get("body_margin", MARGIN))
    templates = [
        PageTemplate(
            "portrait",
            [Frame(bm, MARGIN, pw - 2 * bm, ph - 2 * MARGIN, id="p")],
            onPage=_page_number,
            pagesize=PORTRAIT,
        ),
        PageTemplate(
            "landscape",
            [Frame(TABLE_MARGIN, TABLE_MARGIN, lw - 2 * TABLE_MARGIN, lh - 2 * TABLE_MARGIN, id="l")],
            onPage=_page_number,
            pagesize=LANDSCAPE,
        ),
    ]
    if layout.get("table_pages", "landscape") == "portrait":
        templates.append(
            PageTemplate(
                "portrait_table",
                [Frame(TABLE_MARGIN, TABLE_MARGIN, pw - 2 * TABLE_MARGIN, ph - 2 * TABLE_MARGIN, id="t")],
                onPage=_page_number,
                pagesize=PORTRAIT,
            )
        )
    doc.addPageTemplates(templates)
    doc.build(build_story(dept))
    os.replace(tmp, out)
    return out
