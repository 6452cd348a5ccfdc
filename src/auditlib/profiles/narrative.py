"""The wording of a final-accounts narrative (情况说明): what its subjects, directions and statements are called.

Why a home of its own: the narrative reader (``auditlib.reading.narrative``) parses numbers, clauses
and sentences the same way for any report; what changes from one kind of report to the next is the
vocabulary — which words name 年初预算 and 调整预算, how a year-on-year comparison is introduced,
which procurement categories and vehicle words are printed. Another report kind (a budget report,
another province's wording) gets its own list here, not new parsing code.

Words are plain tuples (joined into alternations by the reader, in the order given: a longer word
that starts like a shorter one must come first). A few entries are regular-expression fragments
because the printed wording has optional characters ("上一?年度?"); their names end in ``_PATTERN``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from auditlib.profiles.final_accounts import TABLES


def _column_labels(table_id: str, *skip: str) -> tuple[str, ...]:
    """The printed labels of a canonical table's columns, in table order, minus ``skip``."""
    return tuple(label for column, label in TABLES[table_id].columns if column not in skip)


# ---------------------------------------------------------------- units and layout

#: Money units as printed after an amount (a bare 万 before punctuation is the reader's concern).
MONEY_UNITS: Final = ("万元", "亿元", "元")

#: A sub-heading line of the narrative: "（一）收入支出决算总体情况说明", "第三部分 …".
SUBHEADING_PATTERN: Final = r"(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|第[一二三四五六七八九十]+部分)[^。]{0,40}。?"

# ---------------------------------------------------------------- subjects

#: The 功能分类 levels printed in brackets after a 科目 name: "X（类）Y（款）Z（项）".
KEMU_LEVELS: Final = ("类", "款", "项")
#: Words after a 科目 heading where its figures begin ("…（项）主要用于…", "…（项）年初预算为…").
KEMU_HEAD_FOLLOWERS: Final = ("主要用于", "年初预算", "全年预算", "预算数")

#: Words that open a subject phrase without belonging to it ("其中：人员经费…", "包括…").
SUBJECT_LEAD_WORDS: Final = ("其中", "含", "包括", "另外", "另")
#: Who or when a subject belongs to, dropped from its name ("本部门收入合计" is 收入合计).
SUBJECT_OWNER_WORDS: Final = ("本部门", "本单位", "我部门", "我单位", "全年", "当年", "本年度")
#: Words between a subject and its figure ("收入合计为", "支出达到", "总计为").
SUBJECT_LINK_PATTERN: Final = r"为|是|达到?|共计|总计为|:|：|的|各"

#: The income sources and spending kinds printed as table columns, named the same in the text.
INCOME_SOURCE_LABELS: Final = _column_labels("income", "total", "fiscal_appropriation")
EXPENDITURE_KIND_LABELS: Final = _column_labels("expenditure", "total")

#: Printed subject wording -> canonical subject (None: the matched words themselves, minus a leading
#: 本年). Regular expressions, tried in order: specific names first ("“三公”经费财政拨款支出" is
#: 三公经费, not a 财政拨款支出).
SUBJECT_VOCABULARY: Final[tuple[tuple[str, str | None], ...]] = (
    (r"公务用车购置及运行(?:维护)?费?", "公务用车购置及运行维护费"),
    (r"(?<!国内)公务用车购置(?:费|支出)?", "公务用车购置费"),
    (r"(?<!国内)公务用车运行(?:维护)?(?:费|支出)", "公务用车运行维护费"),
    (r"因公出国[(（]境[)）](?:费用?|支出)?", "因公出国(境)费"),
    (r"^(?:[“\"]?)公务接待(?:费|支出)", "公务接待费"),
    (r"三公[”\"]?经费", "三公经费"),
    (r"机关运行经费", "机关运行经费"),
    (r"政府采购(?:支出)?(?:总额|总金额|金额)", "政府采购"),
    (r"财政拨款收、?支总计|财政拨款收入支出总计|财政拨款收支总计", "财政拨款收支总计"),
    (r"收、?支总计|收入支出总计", "收支总计"),
    (r"(?<!拨款)收入合计", "收入合计"),
    (r"(?<!拨款)支出合计", "支出合计"),
    (r"人员经费", "人员经费"),
    (r"公用经费", "公用经费"),
    (r"一般公共预算财政拨款(?:基本|项目)?(?:支出|收入)", None),
    (r"政府性基金预算财政拨款(?:基本|项目)?(?:支出|收入)", None),
    (r"国有资本经营预算财政拨款(?:基本|项目)?(?:支出|收入)", None),
    (r"(?:(?:一般公共预算|政府性基金预算|国有资本经营预算)?财政拨款)?年[初末](?:财政拨款)?结转和?结余", None),
    (r"财政拨款(?:收入|支出)", None),
    (rf"^(?:本年)?(?:{'|'.join(INCOME_SOURCE_LABELS)})", None),
    (rf"^(?:本年)?(?:{'|'.join(EXPENDITURE_KIND_LABELS)})", None),
)

# ---------------------------------------------------------------- year on year

#: "与/同/较/比 上年度 相比": the words that put this year beside an earlier one.
YOY_COMPARE_WORDS: Final = ("与", "同", "较", "比")
#: The earlier year when it is not printed as "2022年度".
YOY_PREVIOUS_YEAR_PATTERN: Final = r"上一?年度?|上年同期"
YOY_COMPARE_VERBS: Final = ("相比", "相较", "比较", "对比")
#: A comparison with the same period of the year before, in one word.
YOY_SAME_PERIOD: Final = "同比"
#: Period comparisons that name no subject (dropped from a subject phrase, not an anchor of their own).
PERIOD_COMPARISON_WORDS: Final = ("同比", "环比")

#: The directions of a change; the first four also end a subject phrase before a reason or placeholder.
BASIC_CHANGE_WORDS: Final = ("增加", "减少", "增长", "下降")
CHANGE_WORDS: Final = (*BASIC_CHANGE_WORDS, "上升", "降低")
#: A direction whose bare number (no unit, no %) is a percentage: "增长12.5".
PERCENT_CHANGE_WORDS: Final = ("增长", "下降", "上升", "降低")
FLAT_WORD: Final = "持平"

# ---------------------------------------------------------------- budget completion

#: The words that name which budget a figure is: 年初预算 (the budget passed) or 调整预算 / 全年预算
#: (the budget after adjustments); a longer word before the shorter one it starts with.
BUDGET_KIND_PATTERN: Final = r"年初|全年|调整后的?|调整|年度"
#: The budget kinds named in a completion rate or a comparison ("完成年初预算的98%").
RATE_BUDGET_KINDS: Final = ("年初", "全年", "调整后")
#: How actual spending is compared with the budget: printed word -> canonical word.
BUDGET_COMPARISON_WORDS: Final = {
    "大于": "大于",
    "小于": "小于",
    "等于": "等于",
    "超过": "大于",
    "低于": "小于",
    "高于": "大于",
}
BUDGET_EQUAL_WORDS: Final = {"持平": "持平", "相等": "等于", "一致": "等于", "相同": "等于"}

#: Where a stated reason begins: "主要原因是", "原因在于", "主要是由于" …
REASON_PATTERN: Final = r"(?:的)?(?:主要)?原因(?:主要)?(?:是由于|是因为|在于|是|为|系|:)?|主要是由于|主要是因为"

# ---------------------------------------------------------------- 基本支出, empty funds

#: The two parts of 基本支出.
SPLIT_TOTAL: Final = "基本支出"
SPLIT_PARTS: Final = ("人员经费", "公用经费")

#: "本部门无政府性基金预算财政拨款收入支出": the words of a statement that a fund has nothing, and the
#: funds it may name (word in the text, fund key, canonical subject), tried in order.
EMPTY_WORDS: Final = ("无", "没有", "未发生", "不存在")
EMPTY_FUNDS: Final = (
    ("政府性基金", "government_fund", "政府性基金预算财政拨款"),
    ("国有资本经营", "state_capital", "国有资本经营预算财政拨款"),
    ("三公", "three_public", "三公经费"),
)

# ---------------------------------------------------------------- other matters (其他重要事项)

OPERATING_COST: Final = "机关运行经费"
#: "本部门无机关运行经费", "不涉及机关运行经费".
OPERATING_COST_NONE_WORDS: Final = ("没有", "无", "未发生", "不存在", "不涉及")

#: Procurement categories as printed -> value key.
PROCUREMENT_CATEGORIES: Final = {"货物": "goods", "工程": "works", "服务": "services"}
#: The enterprises a contract can be reserved for or awarded to -> value key.
PROCUREMENT_SUPPLIERS: Final = {"中小企业": "sme", "小微企业": "small_micro"}
#: A sentence that still speaks of procurement has one of these words.
PROCUREMENT_SCOPE_WORDS: Final = ("采购", "中小企业", "小微企业", "中标")
PROCUREMENT_NONE_WORDS: Final = ("无", "没有", "未发生")

#: "公务用车保有量为12辆": the fleet figure of the 三公 section.
VEHICLE_FLEET: Final = "公务用车保有量"
#: "共有车辆12辆", "现有各类公务用车…": the 国有资产占用 total.
VEHICLE_HOLD_VERBS: Final = ("共有", "拥有", "现有", "实有")
VEHICLE_WORDS: Final = ("车辆", "公务用车", "机动车")
#: "机要通信用车1辆": a vehicle type ends in 用车.
VEHICLE_TYPE_SUFFIX: Final = "用车"
#: "单价100万元以上的设备3台（套）": the value words and the count units of equipment.
EQUIPMENT_VALUE_WORDS: Final = ("单价", "单位价值", "价值")
EQUIPMENT_UNITS: Final = ("台(套)", "台（套）", "台套", "台", "套", "件")
#: The threshold the report kind asks about; it gets the short value key "equipment_over_1m".
EQUIPMENT_USUAL_THRESHOLD_YUAN: Final = Decimal(1000000)

# ---------------------------------------------------------------- performance (预算绩效)

PERFORMANCE_WORD: Final = "绩效"
#: "X项目绩效自评综述：…" names the project the figures belong to.
PERFORMANCE_HEADING_SUFFIXES: Final = ("绩效自评综述", "绩效自评情况", "自评综述", "绩效评价情况", "绩效自评结果")
#: Without such a heading, the subject is the first whose words occur in the sentence.
PERFORMANCE_SUBJECTS: Final = (
    ("整体", "部门整体支出"),
    ("编报绩效目标|绩效目标的", "绩效目标"),
    ("跟踪|监控", "绩效运行监控"),
    ("重点项目", "重点项目绩效自评"),
)
PERFORMANCE_DEFAULT_SUBJECT: Final = "项目支出绩效自评"
