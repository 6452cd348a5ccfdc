"""Layout the metamorphic corpus found the reader was not proof against (issue 13), in memory."""

from __future__ import annotations

import pytest

from auditlib.reading.cover import department_and_year
from auditlib.reading.pipeline import read_sections


@pytest.mark.parametrize(
    ("cover", "department"),
    [
        # a narrow frame wraps the title: the place is on the line before
        ("- 1 -\n2023年度示例市示例区示例\n街道办事处 部门决算\n二〇二四年十月", "示例市示例区示例街道办事处"),
        ("上海市普陀区长寿路\n街道办事处2024年度部门决算", "上海市普陀区长寿路街道办事处"),
        # one-line titles keep their reading; a line above that is not a title part is never joined
        ("2023年度武汉市武昌区大数据中心 部门决算", "武汉市武昌区大数据中心"),
        ("目 录\n上海市普陀区财政局2024年度部门决算", "上海市普陀区财政局"),
        ("上海市普陀区财政局\n2024年度部门决算", "上海市普陀区财政局"),
    ],
)
def test_cover_department_when_the_title_wraps(cover: str, department: str):
    assert department_and_year([cover])[0] == department


def test_a_letter_spaced_heading_is_a_heading():
    page = (
        "四、 财 政 拨 款 收 入 支 出 决 算 总 体 情 况 说 明\n本年收入合计10.00万元。\n"
        "五、 一 般 公 共 预 算 财 政 拨 款 支 出 决 算 情 况 说 明\n一般公共预算财政拨款支出10.00万元。\n"
    )
    titles = [s.title for s in read_sections([page], set())]
    assert titles == ["四、财政拨款收入支出决算总体情况说明", "五、一般公共预算财政拨款支出决算情况说明"]
    # A heading printed without spaces keeps its title as printed; a sentence is never a heading.
    plain = read_sections(["三、支出决算情况说明\n一、本年支出合计10.00万元，主要用于日常运转。\n"], set())
    assert [s.title for s in plain] == ["三、支出决算情况说明"]


def _line(y: float, text: str = "本年收入合计十万元") -> list:
    from auditlib.reading.extract import Char

    return [Char(ch, (10.0 * k, y, 10.0 * k + 9, y + 10)) for k, ch in enumerate(text)]


def test_a_page_drawn_in_shuffled_order_is_read_by_position():
    from auditlib.reading.extract import chars_to_text
    from auditlib.reading.text_order import scrambled

    ys = [700 - 20 * k for k in range(12)]
    in_order = [c for y in ys for c in _line(y)]
    assert not scrambled(in_order)
    shuffled = [
        c
        for y in (ys[5], ys[0], ys[9], ys[2], ys[11], ys[7], ys[1], ys[10], ys[4], ys[8], ys[3], ys[6])
        for c in _line(y)
    ]
    assert scrambled(shuffled)
    assert chars_to_text(shuffled) == chars_to_text(in_order)  # read by position: the same lines
    # A few lines out of order (a page number drawn first, a stacked header) is not shuffled.
    assert not scrambled(_line(40) + in_order)
    assert not scrambled([c for y in (ys[1], ys[0], ys[2]) for c in _line(y)])  # too few lines to judge


def test_no_page_of_the_real_reports_is_read_by_position(real_pdfs):
    import pypdfium2 as pdfium

    from auditlib.reading.extract import textpage_chars
    from auditlib.reading.text_order import scrambled

    for pdf in sorted(real_pdfs.glob("*.pdf")):
        doc = pdfium.PdfDocument(pdf)
        try:
            for i in range(len(doc)):
                page = doc[i]
                textpage = page.get_textpage()
                assert not scrambled(textpage_chars(page, textpage)), f"{pdf.name} p{i + 1}"
                textpage.close()
        finally:
            doc.close()


@pytest.mark.parametrize(
    ("rotation", "shown"),
    [
        (0, (575.0, 412.0, 576.0, 415.0)),
        # a portrait page (595 x 842) turned to landscape: the page number near its right edge,
        # half-way up, is shown at the bottom centre of the landscape page
        (90, (412.0, 19.0, 415.0, 20.0)),
        (180, (19.0, 427.0, 20.0, 430.0)),
        (270, (427.0, 575.0, 430.0, 576.0)),
    ],
)
def test_character_boxes_are_turned_as_the_page_is_shown(rotation, shown):
    from auditlib.reading.extract import display_box

    assert display_box((575.0, 412.0, 576.0, 415.0), rotation, (0.0, 0.0, 595.0, 842.0)) == shown


def test_a_text_page_is_judged_stricter_than_a_table_page():
    """Three lines of twelve out of place: a text page is read by position, a table page is not
    (stacked headers and cells drawn column by column put table pages out of order legitimately)."""
    from auditlib.reading.text_order import scrambled

    ys = [700 - 20 * k for k in range(12)]
    order = (ys[0], ys[4], ys[1], ys[2], ys[3], ys[8], ys[5], ys[6], ys[7], ys[11], ys[9], ys[10])
    partly = [c for y in order for c in _line(y)]
    assert scrambled(partly, ruled=lambda: False)
    assert not scrambled(partly, ruled=lambda: True)
