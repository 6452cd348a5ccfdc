"""The profile of a departmental final-accounts report (部门决算): the one home for what it is.

Why this module exists: every region prints the same nine tables under slightly
different titles, in a different order and with different column headers. Rules,
readers, outputs and the sample generator must speak of one canonical shape, so
the canonical ids, their title aliases, their columns with the header words that
recognise them, the reader of each table, the reading vocabulary, the page plan
and the cover patterns live here; the producers' layouts are data files under
``profiles/variants/`` (one YAML per layout, read by the reader and the generator).

Column names are documented for users in ``docs/tables.md``; layouts in
``docs/department-format.md``.
"""

from __future__ import annotations

from dataclasses import replace

from auditlib.profiles.identities import (
    AtMost,
    ByClass,
    ClassSum,
    Coded,
    CodeHierarchy,
    CodesAtMost,
    CrossEqual,
    CrossIdentity,
    CrossSum,
    First,
    FundRoll,
    GroupTotal,
    Line,
    NamedSum,
    RowSum,
    TableIdentity,
    Total,
)
from auditlib.profiles.load import load_variants
from auditlib.profiles.model import (
    AttachmentVocabulary,
    Column,
    CoverPatterns,
    HeaderVocabulary,
    PagePlan,
    Panel,
    Profile,
    StagedHeader,
    TableSignature,
    TableSpec,
    Variant,
)

_TOTAL = r"合计|小计"

#: The 三公 table: columns are stage (预算数/决算数) × item.
THREE_PUBLIC_STAGES: tuple[tuple[str, str], ...] = (("budget", "预算数"), ("actual", "决算数"))
THREE_PUBLIC_ITEMS: tuple[tuple[str, str], ...] = (
    ("total", "合计"),
    ("abroad", "因公出国(境)费"),
    ("vehicle_subtotal", "公务用车购置及运行维护费小计"),
    ("vehicle_purchase", "公务用车购置费"),
    ("vehicle_operation", "公务用车运行维护费"),
    ("reception", "公务接待费"),
)
_THREE_PUBLIC_HEADER = StagedHeader(
    # The stage is the first of these words in a header (预算数 / 决算数, or 预算 / 决算 alone).
    stages=(("budget", "预算"), ("actual", "决算")),
    group_words=r"财政拨款|三公经费|预算数|决算数",
    parent=r"公务用车购置及运行(维护|维修)?费",
    parent_item="vehicle_subtotal",
    # Most specific first: 小计 under the vehicle group, then the leaves; 合计 last.
    items=(
        ("vehicle_subtotal", r"小计"),
        ("abroad", r"出国"),
        ("reception", r"接待"),
        ("vehicle_purchase", r"购置费(?!.*运行)"),
        ("vehicle_operation", r"运行"),
        ("total", r"合计"),
    ),
    printed=(
        "三公经费",
        "财政拨款三公经费",
        "预算数",
        "预算数决算数",
        "因公出国(境)费",
        "公务用车购置及运行维护费",
        "公务用车购置及运行费",
        "公务用车购置费",
        "公务用车运行维护费",
        "公务用车运行费",
        "公务接待费",
    ),
)

_FUND_COLUMNS = (
    Column("opening_balance", "年初结转和结余", r"年初"),
    Column("income", "本年收入", r"本年收入"),
    Column("expenditure_total", "本年支出小计", _TOTAL + r"|本年支出", generic=True, group="本年支出", printed="小计"),
    Column("expenditure_basic", "基本支出", r"基本支出", group="本年支出"),
    Column("expenditure_project", "项目支出", r"项目支出", group="本年支出"),
    Column("closing_balance", "年末结转和结余", r"年末"),
)

_SPECS: tuple[TableSpec, ...] = (
    TableSpec(
        "income_expenditure_summary",
        "收入支出决算总表",
        ("部门收支决算总表",),
        (Column("amount", "金额"),),
        reader="two_panel",
        panels=(Panel("income", "收入", ("amount",)), Panel("expenditure", "支出", ("amount",))),
    ),
    TableSpec(
        "income",
        "收入决算表",
        ("部门收入决算表",),
        (
            Column("total", "本年收入合计", _TOTAL + r"|本年收入", generic=True),
            Column("fiscal_appropriation", "财政拨款收入", r"财政拨款"),
            Column("superior_subsidy", "上级补助收入", r"上级补助"),
            Column("business", "事业收入", r"事业收入"),
            Column("operating", "经营收入", r"经营收入"),
            Column("subordinate_remittance", "附属单位上缴收入", r"附属单位"),
            Column("other", "其他收入", r"其他收入"),
        ),
        reader="coded",
    ),
    TableSpec(
        "expenditure",
        "支出决算表",
        ("部门支出决算表",),
        (
            Column("total", "本年支出合计", _TOTAL + r"|本年支出", generic=True),
            Column("basic", "基本支出", r"基本支出"),
            Column("project", "项目支出", r"项目支出"),
            Column("remittance_to_superior", "上缴上级支出", r"上缴上级"),
            Column("operating", "经营支出", r"经营支出"),
            Column("subsidy_to_subordinate", "对附属单位补助支出", r"附属单位"),
        ),
        reader="coded",
    ),
    TableSpec(
        "fiscal_summary",
        "财政拨款收入支出决算总表",
        (),
        (
            Column("amount", "金额"),
            Column("total", "合计", _TOTAL + r"|金额|决算数", generic=True),
            Column("general_budget", "一般公共预算财政拨款", r"一般公共预算"),
            Column("government_fund", "政府性基金预算财政拨款", r"政府性基金"),
            Column("state_capital", "国有资本经营预算财政拨款", r"国有资本"),
        ),
        reader="two_panel",
        panels=(
            Panel("income", "收入", ("amount",)),
            Panel("expenditure", "支出", ("total", "general_budget", "government_fund", "state_capital")),
        ),
    ),
    TableSpec(
        "general_budget_expenditure",
        "一般公共预算财政拨款支出决算表",
        (),
        (
            Column("total", "合计", _TOTAL + r"|本年支出|决算数|金额", generic=True, group="本年支出", printed="小计"),
            Column("basic", "基本支出", r"基本支出", group="本年支出"),
            Column("project", "项目支出", r"项目支出", group="本年支出"),
        ),
        reader="coded",
    ),
    TableSpec(
        "basic_expenditure_detail",
        "一般公共预算财政拨款基本支出决算明细表",
        ("一般公共预算财政拨款基本支出决算表",),
        (Column("amount", "决算数", r"决算数|金额$"),),
        reader="basic_detail",
        footer=r"(人员经费|公用经费).*合计|合计.*(人员经费|公用经费)",
    ),
    TableSpec(
        "government_fund",
        "政府性基金预算财政拨款收入支出决算表",
        ("政府性基金预算财政拨款支出决算表",),
        _FUND_COLUMNS,
        reader="coded",
    ),
    TableSpec(
        "state_capital",
        "国有资本经营预算财政拨款支出决算表",
        ("国有资本经营预算财政拨款收入支出决算表",),
        tuple(
            Column(c.id, "本年支出合计", c.header, c.generic, c.group, c.printed) if c.id == "expenditure_total" else c
            for c in _FUND_COLUMNS
        ),
        reader="coded",
    ),
    TableSpec(
        "three_public",
        "财政拨款“三公”经费支出决算表",
        ("一般公共预算财政拨款“三公”经费支出决算表", "“三公”经费支出决算表"),
        tuple(
            Column(f"{stage}_{item}", f"{stage_label}{label}")
            for stage, stage_label in THREE_PUBLIC_STAGES
            for item, label in THREE_PUBLIC_ITEMS
        ),
        reader="three_public",
        staged=_THREE_PUBLIC_HEADER,
    ),
)

# ---------------------------------------------------------------- table identities
# What each table and pair of tables must satisfy (row total = sum of parts, code hierarchy,
# fund roll-forward, cross-table equalities), declared with the tables: the generic table.* and
# cross.* rules read them from ``TableSpec.identities`` and ``Profile.cross_identities``.

_SPENDING_BY_TYPE = ("expenditure_basic", "expenditure_project")
_THREE_PUBLIC_WHAT = "因公出国（境）费、公务用车购置及运行维护费、公务接待费之和"
_VEHICLE_WHAT = "公务用车购置费与运行维护费之和"


def _three_public_sums() -> tuple[NamedSum, ...]:
    sums: list[NamedSum] = []
    for stage in ("budget", "actual"):
        parts = (f"{stage}_abroad", f"{stage}_vehicle_subtotal", f"{stage}_reception")
        sums.append(NamedSum(f"{stage}/total", f"{stage}_total", parts, _THREE_PUBLIC_WHAT))
        vehicle = (f"{stage}_vehicle_purchase", f"{stage}_vehicle_operation")
        sums.append(NamedSum(f"{stage}/vehicle", f"{stage}_vehicle_subtotal", vehicle, _VEHICLE_WHAT))
    return tuple(sums)


#: Table id -> the identities that table satisfies on its own (attached to its TableSpec below).
#: The two summary tables (income_expenditure_summary, fiscal_summary) balance by a positional walk
#: of their panels: see ``auditlib.rules.summary``.
IDENTITIES: dict[str, tuple[TableIdentity, ...]] = {
    "income_expenditure_summary": (),
    "income": (
        RowSum(
            "total",
            ("fiscal_appropriation", "superior_subsidy", "business", "operating", "subordinate_remittance", "other"),
        ),
        CodeHierarchy(),
    ),
    "expenditure": (
        RowSum("total", ("basic", "project", "remittance_to_superior", "operating", "subsidy_to_subordinate")),
        CodeHierarchy(),
    ),
    "fiscal_summary": (),
    "general_budget_expenditure": (RowSum("total", ("basic", "project")), CodeHierarchy()),
    "basic_expenditure_detail": (
        ClassSum(),
        GroupTotal("人员经费", ("301", "303")),
        GroupTotal("公用经费", ("302", "307", "309", "310", "399")),
    ),
    "government_fund": (RowSum("expenditure_total", _SPENDING_BY_TYPE), CodeHierarchy(), FundRoll()),
    "state_capital": (RowSum("expenditure_total", _SPENDING_BY_TYPE), CodeHierarchy(), FundRoll()),
    "three_public": _three_public_sums(),
}

_SUMMARY, _FISCAL = "income_expenditure_summary", "fiscal_summary"
_GENERAL, _DETAIL = "general_budget_expenditure", "basic_expenditure_detail"
#: The three fiscal-appropriation funds, as their income lines name them.
FUND_NAMES = ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")
#: Summary income lines (by name fragment) -> income-table columns.
_SUMMARY_INCOME = (
    ("上级补助收入", "superior_subsidy"),
    ("事业收入", "business"),
    ("经营收入", "operating"),
    ("附属单位上缴收入", "subordinate_remittance"),
    ("其他收入", "other"),
    ("本年收入合计", "total"),
)
#: Basic-detail items (经济分类 code) -> the 三公 table's 决算数 column of the same item.
_THREE_PUBLIC_ITEMS = (
    ("30212", "actual_abroad", "因公出国（境）费"),
    ("30217", "actual_reception", "公务接待费"),
    ("30231", "actual_vehicle_operation", "公务用车运行维护费"),
    ("31013", "actual_vehicle_purchase", "公务用车购置费"),
)

#: What pairs of tables satisfy; ``relation`` names the cross-table rule (``cross.<relation>``).
CROSS_IDENTITIES: tuple[CrossIdentity, ...] = (
    *(
        CrossEqual("summary_income", col, Line(_SUMMARY, "amount", line, "income"), Total("income", col), line)
        for line, col in _SUMMARY_INCOME
    ),
    CrossSum(
        "summary_income",
        "fiscal_appropriation",
        Total("income", "fiscal_appropriation"),
        tuple(Line(_SUMMARY, "amount", f"{fund}收入", "income") for fund in FUND_NAMES),
        "收入支出决算总表三项财政拨款收入之和",
    ),
    ByClass("summary_expenditure", _SUMMARY, "amount", "expenditure", "total"),
    CrossEqual(
        "fiscal_income",
        "财政拨款收入",
        Line(_FISCAL, "amount", "本年收入合计", "income"),
        Total("income", "fiscal_appropriation"),
        "财政拨款收入",
    ),
    *(
        CrossEqual(
            "fiscal_income",
            fund,
            Line(_FISCAL, "amount", fund, "income"),
            Line(_SUMMARY, "amount", fund, "income"),
            fund,
        )
        for fund in FUND_NAMES
    ),
    ByClass("fiscal_general_budget", _FISCAL, "general_budget", _GENERAL, "total"),
    *(
        CrossEqual(
            "fiscal_funds",
            "本年支出合计",
            Line(_FISCAL, fund, "本年支出合计", "expenditure"),
            Total(fund, "expenditure_total"),
            "本年支出合计",
        )
        for fund in ("government_fund", "state_capital")
    ),
    CrossSum(
        "general_budget_basic",
        "basic",
        Total(_GENERAL, "basic"),
        (Line(_DETAIL, "amount", "人员经费合计"), Line(_DETAIL, "amount", "公用经费合计")),
        "基本支出明细表人员经费合计与公用经费合计之和",
    ),
    CodesAtMost(
        "general_budget_within_expenditure",
        _GENERAL,
        "expenditure",
        ("total", "basic", "project"),
        "财政拨款是全部资金的一部分",
    ),
    *(
        AtMost(
            "three_public_basic_detail",
            code,
            Coded(_DETAIL, "amount", code),
            First("three_public", col),
            label,
            "“三公”经费决算数包括基本支出和项目支出",
        )
        for code, col, label in _THREE_PUBLIC_ITEMS
    ),
)

TABLES: dict[str, TableSpec] = {spec.id: replace(spec, identities=IDENTITIES[spec.id]) for spec in _SPECS}
TABLE_IDS: tuple[str, ...] = tuple(TABLES)

# ---------------------------------------------------------------- reading vocabulary

#: Header cells that are not column labels of a table (code, name and line columns, banners).
_STRUCTURE_WORDS = """
    项目 项目名称 行次 栏次 收入 支出 科目代码 科目编码 科目名称 支出功能分类科目编码 功能分类科目编码
    经济分类科目编码 支出经济分类科目编码 支出功能分类科目代码 经济分类科目代码 功能分类 经济分类 类 款 项
    本年支出 小计 合计 人员经费 公用经费
""".split()

HEADERS = HeaderVocabulary(
    labels=frozenset(
        _STRUCTURE_WORDS
        + [c.label for spec in _SPECS if spec.staged is None for c in spec.columns]
        + list(_THREE_PUBLIC_HEADER.printed)
    ),
    label_pattern=r"^(支出)?(功能|经济)分类(科目)?(编码|代码)?$|^科目(编码|代码|名称)$|^(本年|年初|年末)\S{0,8}$",
    code=r"科目代码|科目编码|功能分类|经济分类|代码|编码|^类$|^款$|^项$",
    name=r"科目名称|名称$",
    name_word="名称",
    name_header="科目名称",
    item=("项目", "项目名称"),
    line_no="行次",
    index="栏次",
    totals=("合计", "总计"),
    descriptive=r"名称|编码|代码|项目$",
)

#: What identifies each table on a ruled page whose title is garbled or missing
#: (auditlib.reading.recognise): its header and row labels, the labels of look-alike tables it never
#: prints, and the title words that tell it from a look-alike. Squashed, brackets half-width.
SIGNATURES: dict[str, TableSignature] = {
    "income_expenditure_summary": TableSignature(
        words=(
            "本年收入合计",
            "本年支出合计",
            "总计",
            "上级补助收入",
            "事业收入",
            "经营收入",
            "附属单位上缴收入",
            "上缴上级支出",
            "对附属单位补助支出",
            "结余分配",
            "使用非财政拨款结余",
            "年末结转和结余",
        ),
        absent=("年初财政拨款结转和结余", "年末财政拨款结转和结余", "基本支出"),
    ),
    "income": TableSignature(
        words=("本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"),
        absent=("本年支出合计", "总计", "结余分配", "基本支出", "项目支出"),
        title_words=("收入决算",),
    ),
    "expenditure": TableSignature(
        words=("本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出", "功能分类"),
        absent=("本年收入合计", "总计", "年初结转和结余", "年末结转和结余"),
        title_words=("部门本年度各项支出",),
    ),
    "fiscal_summary": TableSignature(
        words=(
            "一般公共预算财政拨款",
            "政府性基金预算财政拨款",
            "国有资本经营预算财政拨款",
            "本年收入合计",
            "本年支出合计",
            "年初财政拨款结转和结余",
            "年末财政拨款结转和结余",
            "总计",
        ),
        absent=("上级补助收入", "事业收入", "经营收入", "基本支出"),
        title_words=("财政拨款收入支出决算总表",),
    ),
    "general_budget_expenditure": TableSignature(
        words=("本年支出", "基本支出", "项目支出", "功能分类"),
        absent=("上缴上级支出", "经营支出", "对附属单位补助支出", "年初结转和结余", "本年收入", "人员经费", "经济分类"),
        title_words=("一般公共预算财政拨款支出",),
    ),
    "basic_expenditure_detail": TableSignature(
        words=(
            "人员经费",
            "公用经费",
            "工资福利支出",
            "商品和服务支出",
            "对个人和家庭的补助",
            "基本工资",
            "办公费",
            "经济分类",
        ),
        absent=("项目支出",),
        title_words=("基本支出",),
    ),
    "government_fund": TableSignature(
        words=("年初结转和结余", "本年收入", "本年支出", "年末结转和结余"),
        absent=("上缴上级支出", "经营支出", "人员经费", "总计"),
        title_words=(
            "政府性基金预算财政拨款收入支出",
            "政府性基金预算财政拨款收入、支出",
            "政府性基金预算财政拨款支出",
        ),
    ),
    "state_capital": TableSignature(
        words=("年初结转和结余", "本年收入", "本年支出", "年末结转和结余"),
        absent=("上缴上级支出", "经营支出", "人员经费", "总计"),
        title_words=(
            "国有资本经营预算财政拨款支出",
            "国有资本经营预算财政拨款收入支出",
            "国有资本经营预算财政拨款收入、支出",
        ),
    ),
    "three_public": TableSignature(
        words=("因公出国(境)费", "公务用车购置费", "公务用车运行维护费", "公务接待费", "公务用车购置及运行维护费"),
        title_words=("三公",),
    ),
}

PAGE_PLAN = PagePlan(continuation_pages=3, min_rulings=4, title_window=6, unit_words=("单位",))

COVER = CoverPatterns(
    unit=r"(?:金额)?单位[:：]\s*(万元|元)",
    # "部门：X", "编制部门：X", "编制单位：X", "单位名称：X" — but never "单位：万元" / "金额单位：元".
    department_line=r"(?<!金额)(?:编制)?(?:部门|单位)(?:名称)?[:：]\s*(?!万?元(?:\s|$))(\S+)",
    department_stop=r"\s|公开|单位[:：]",
    year=r"(20\d{2})\s*年度",
    report_words=("部门决算", "决算"),
    year_in_title=r"20\d{2}年度?",
    part_heading=r"^(第.部分)",
    department_suffix=r"(局|委员会|中心|办公室|办事处|院|馆|所|站|队|委|厅|部)$",
    title_prefix_end=r"(年度|年|局|委|中心|办|院|馆|会|部|署|站|所|处|室|队|厅|府)$",
    title_numbering=(r"^[一二三四五六七八九十]+、", r"^(附表|表)\d+[-－]?\d*[:：]?"),
)

ATTACHMENTS = AttachmentVocabulary(
    title=r"绩效自评(价)?表$",
    title_word="自评表",
    numbering=r"^[一二三四五六七八九十]+、",
    whole=r"整体|部门整体",
    totals=r"(基本|项目)支出总额",
    unit_suffix=r"万?元$",
    project=r"^项目名称$",
    budget=r"预算数",
    actual=r"执行数",
    rate=r"执行率",
    budget_group="预算执行",
    indicator="三级指标",
    target=r"目标值|指标值",
    levels=(r"^一级指标$", r"^二级指标$", r"^三级指标$"),
    achieved=r"实际完成值|实际值|完成值",
    goal=r"^(年度)?(绩效)?目标\d*|^年度绩效目标",
    closing=r"偏差|改进措施|备注",
    last_pages=6,
)

#: The producers' layouts (``profiles/variants/*.yaml``), by name.
VARIANTS: dict[str, Variant] = load_variants(TABLE_IDS)

PROFILE = Profile(
    kind="final_accounts",
    tables=TABLES,
    headers=HEADERS,
    page_plan=PAGE_PLAN,
    cover=COVER,
    variants=VARIANTS,
    cross_identities=CROSS_IDENTITIES,
)

#: Order of the tables in Wuhan-style reports (公开01–09, 三公 last).
WUHAN_ORDER: tuple[str, ...] = VARIANTS["wuhan"].order
#: Order in Shanghai-style reports (no labels; 三公 7th, funds 8th and 9th).
SHANGHAI_ORDER: tuple[str, ...] = VARIANTS["shanghai"].order


def csv_columns(table_id: str, printed: tuple[str, ...] | None = None) -> list[str]:
    """Header of ``tables/<id>.csv``: code, name, [panel, line_no], amounts.

    ``printed`` restricts the amount columns to those a given report prints
    (in canonical order); None means all canonical columns.
    """
    spec = TABLES[table_id]
    head = ["code", "name"] + (["panel", "line_no"] if spec.two_panel else [])
    amounts = [c for c in spec.column_names if printed is None or c in printed]
    return head + amounts


def column_label(table_id: str, column_id: str) -> str:
    """The Chinese label of a table's column (本年收入合计, 附属单位上缴收入 …)."""
    return TABLES[table_id].label(column_id)
