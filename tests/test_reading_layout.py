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
