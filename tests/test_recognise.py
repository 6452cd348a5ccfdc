"""Which table a page holds, from its text: titles however laid out, structure where none is read.

Pure text (auditlib.reading.recognise), milliseconds. The pages are written as PDFium reads them;
the rendered round trip is in tests/test_table_titles.py.
"""

from __future__ import annotations

import pytest

from auditlib.reading.recognise import (
    best_by_structure,
    fits_order,
    page_lines,
    structure_scores,
    tables_on_page,
    title_hits,
    title_like,
    title_on_page,
)

SUMMARY_BODY = """部门：示例部门 公开01表 单位：万元
收入 支出
项目 行次 金额 项目 行次 金额
一、一般公共预算财政拨款收入 1 2,360.70 一、一般公共服务支出 32 2,168.83
四、上级补助收入 4 四、公共安全支出 35
本年收入合计 27 2,360.70 本年支出合计 58 2,360.70
年初结转和结余 29 年末结转和结余 60
总计 31 2,360.70 总计 62 2,360.70"""

THREE_PUBLIC_BODY = """部门：示例部门 公开09表 单位：万元
预算数 决算数
合计 因公出国(境)费 公务用车购置及运行维护费 公务接待费
小计 公务用车购置费 公务用车运行维护费
12.00 0.00 10.00 0.00 10.00 2.00"""

#: The state-capital table of the Wuhan layout: the same header as the general-budget one.
FUND_BODY = """部门：示例部门 公开08表 单位：万元
项目 本年支出
科目代码 科目名称 小计 基本支出 项目支出
栏次 1 2 3
合计"""


@pytest.mark.parametrize(
    ("text", "layout"),
    [
        ("收入支出决算总表\n" + SUMMARY_BODY, "line"),
        ("2023年度收入支出决算总表 公开01表\n" + SUMMARY_BODY, "line"),
        ("收入支出决算总\n表\n" + SUMMARY_BODY, "wrapped"),
        ("示例部门2023年度收入支出决\n算总表 公开01表\n" + SUMMARY_BODY, "wrapped"),
        ("收入支出决算总\n第二部分 2023年度部门决算表\n表\n" + SUMMARY_BODY, "overlapped"),
    ],
)
def test_a_title_is_found_on_one_line_wrapped_or_overlapped(text, layout):
    assert tables_on_page(text) == ["income_expenditure_summary"]
    assert title_on_page(text, "income_expenditure_summary") == layout


def test_the_longest_title_wins_even_wrapped():
    """财政拨款收入支出决算总表 broken after 财政拨款 is not 收入支出决算总表."""
    text = "财政拨款\n收入支出决算总表\n" + SUMMARY_BODY
    assert [h.table for h in title_hits(page_lines(text))] == ["income_expenditure_summary"]
    text = "财政拨款收入支出决算总\n表\n" + SUMMARY_BODY
    assert tables_on_page(text) == ["fiscal_summary"]


def test_a_title_after_the_body_in_text_order_heads_its_table():
    """Excel and Acrobat exports emit the title last (jiangsu-cppcc-office-2017-budget-tables.pdf)."""
    text = SUMMARY_BODY + "\n收入支出决算总表"
    assert tables_on_page(text) == ["income_expenditure_summary"]


@pytest.mark.parametrize(
    "text",
    [
        "目 录\n收入支出决算总表\n收入决算表\n支出决算表\n财政拨款收入支出决算总表",  # contents
        "单位：万元\n收入支出决算总表",  # a unit line but no table body before the title
        "第二部分 决算表\n收入支出决算总表\n本表反映部门本年度的总收支。",  # a heading in the narrative
    ],
)
def test_titles_that_head_no_table_are_not_tables(text):
    assert tables_on_page(text) == []


def test_a_table_without_its_title_is_recognised_by_its_labels():
    scores = structure_scores(THREE_PUBLIC_BODY)
    assert best_by_structure(scores) == "three_public"
    assert best_by_structure(structure_scores(SUMMARY_BODY)) == "income_expenditure_summary"


def test_look_alike_tables_need_title_words():
    """The Wuhan state-capital table prints the general-budget table's header: without title
    words the page is uncertain, even when the general-budget table is found elsewhere; its note
    naming 国有资本 decides then."""
    others = {"state_capital", "government_fund", "expenditure", "income"}
    assert best_by_structure(structure_scores(FUND_BODY)) is None
    assert best_by_structure(structure_scores(FUND_BODY), others) is None
    note = FUND_BODY + "\n注：本表反映部门本年度国有资本经营预算财政拨款支出情况。"
    assert best_by_structure(structure_scores(note), others) == "state_capital"


def test_a_garbled_title_is_recognised_as_the_title_it_resembles():
    text = "收入支出泱算总衰\n" + SUMMARY_BODY
    assert tables_on_page(text) == []
    assert title_like(page_lines(text)) == ("income_expenditure_summary", "收入支出泱算总衰")
    assert title_like(page_lines("收入 支出\n" + SUMMARY_BODY)) is None  # a banner is no title
    scores = structure_scores(text)
    assert best_by_structure(scores) == "income_expenditure_summary"


@pytest.mark.parametrize(
    "text",
    [
        "收入支出决算总表\n" + SUMMARY_BODY,  # a page whose title was found is not looked at
        THREE_PUBLIC_BODY.replace("单位：万元", ""),  # no unit line: not a table page
        "财政拨款支出预算表\n部门：示例部门 单位：万元\n科目编码 科目名称 金额\n301 工资福利支出 2,097.51",  # a budget
        "部门整体绩效自评表\n单位：万元\n基本支出 项目支出 本年支出 预算数 执行数",  # an attachment
    ],
)
def test_pages_that_are_not_untitled_final_accounts_tables_score_nothing(text):
    assert structure_scores(text) == {}


def test_candidates_narrow_the_margin_to_tables_that_can_stand_there():
    scores = {"expenditure": 4, "general_budget_expenditure": 4, "income": 0}
    assert best_by_structure(scores) is None
    assert best_by_structure(scores, {"general_budget_expenditure", "income"}) == "general_budget_expenditure"


def test_a_table_fits_where_a_known_layout_puts_it():
    found = {"income": [7], "fiscal_summary": [11]}
    assert fits_order("expenditure", 9, found)  # between income and fiscal_summary (Wuhan order)
    assert not fits_order("three_public", 9, found)  # last in Wuhan, seventh in Shanghai: never before 04
    assert not fits_order("income_expenditure_summary", 9, found)
