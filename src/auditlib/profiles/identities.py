"""The identities the final-accounts tables must satisfy, declared as data beside the tables.

Why: that a row's 合计 is the sum of its parts, that 类 = Σ 款, that a fund's balance rolls forward,
or that one figure is printed alike in two tables, is a fact about the report kind, not about a
rule. Declared here once (as pandera attaches checks to a schema), each with the Chinese wording its
finding uses, they drive the generic rules of ``auditlib.rules.table`` and ``auditlib.rules.cross``;
a new report kind declares its own identities instead of writing rules.

``IDENTITIES`` maps a table id to what that table must satisfy on its own; ``CROSS_IDENTITIES``
holds what pairs of tables must satisfy, each tagged with the relation (the cross-table rule) it
belongs to. The two-panel walk of the summary tables (items before 本年收入合计, lines between it and
总计) is positional rather than declarative and stays hand-written in ``rules/table.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

# ---------------------------------------------------------------- within one table


@dataclass(frozen=True)
class RowSum:
    """Every row with a figure: the ``total`` column = Σ the ``parts`` columns the report prints."""

    total: str
    parts: tuple[str, ...]
    what: str = "各分项之和"


@dataclass(frozen=True)
class CodeHierarchy:
    """功能分类 codes add up in every amount column: 合计 = Σ top level, each code = Σ its children."""

    #: Width of a code -> width of its children's codes (类 3 -> 款 5, 款 5 -> 项 7).
    child_widths: tuple[tuple[int, int], ...] = ((3, 5), (5, 7))
    top_what: str = "各类科目之和"
    child_what: str = "下级科目之和"

    def child_width(self, code: str) -> int | None:
        return dict(self.child_widths).get(len(code))


@dataclass(frozen=True)
class NamedSum:
    """Every row: the ``total`` column = Σ the ``parts`` columns, when all of them are printed.

    ``key`` names the identity in the check's subject (``<table>/<row>/<key>``).
    """

    key: str
    total: str
    parts: tuple[str, ...]
    what: str


@dataclass(frozen=True)
class ClassSum:
    """经济分类: each class (``class_width`` digits) = Σ its items (``item_width`` digits) in ``column``."""

    column: str = "amount"
    class_width: int = 3
    item_width: int = 5
    what: str = "下级科目之和"


@dataclass(frozen=True)
class GroupTotal:
    """A footer line (``<label>合计``) = Σ the class rows with the listed codes (those printed)."""

    label: str
    codes: tuple[str, ...]
    column: str = "amount"

    @property
    def footer(self) -> str:
        return f"{self.label}合计"

    @property
    def what(self) -> str:
        return f"{self.label}各类科目之和"


@dataclass(frozen=True)
class FundRoll:
    """Every row: ``closing`` = ``opening`` + ``income`` − ``spent`` (a fund balance rolls forward)."""

    opening: str = "opening_balance"
    income: str = "income"
    spent: str = "expenditure_total"
    closing: str = "closing_balance"
    wording: str = "年初＋本年收入－本年支出"
    #: The skip reason when the table does not print all four columns.
    unprinted: str = "本表未列示年初、收入、支出和年末四列"

    @property
    def columns(self) -> tuple[str, str, str, str]:
        return (self.opening, self.income, self.spent, self.closing)


TableIdentity = RowSum | CodeHierarchy | NamedSum | ClassSum | GroupTotal | FundRoll

# ---------------------------------------------------------------- places of a figure


@dataclass(frozen=True)
class Total:
    """The figure in ``column`` of a table's 合计 row."""

    table: str
    column: str


@dataclass(frozen=True)
class Line:
    """The figure in ``column`` of the first row (of ``panel``) whose name contains ``contains``."""

    table: str
    column: str
    contains: str
    panel: str | None = None


@dataclass(frozen=True)
class Coded:
    """The figure in ``column`` of the first row with ``code``."""

    table: str
    column: str
    code: str


@dataclass(frozen=True)
class First:
    """The figure in ``column`` of a one-row table (its first row)."""

    table: str
    column: str


Place = Total | Line | Coded | First

# ---------------------------------------------------------------- between tables


@dataclass(frozen=True)
class CrossEqual:
    """One figure printed in two places: ``actual`` = ``expected`` within the rounding band."""

    relation: str
    key: str
    actual: Place
    expected: Place
    #: What is compared, as the skip reason names it when a line is not printed.
    label: str


@dataclass(frozen=True)
class CrossSum:
    """A figure of one table = Σ figures of another."""

    relation: str
    key: str
    total: Place
    parts: tuple[Place, ...]
    what: str


@dataclass(frozen=True)
class ByClass:
    """Each 功能分类 类 line of a summary's expenditure panel (``summary_column``) = that 类 row of
    ``table`` (``table_column``), and 本年支出合计 = the table's 合计."""

    relation: str
    summary: str
    summary_column: str
    table: str
    table_column: str


@dataclass(frozen=True)
class AtMost:
    """A part cannot exceed its whole: ``part`` ≤ ``whole`` beyond rounding, for the reason ``because``."""

    relation: str
    key: str
    part: Place
    whole: Place
    label: str
    because: str


@dataclass(frozen=True)
class CodesAtMost:
    """For every code of ``part_table`` and each of ``columns``: its figure ≤ the same code's in
    ``whole_table``."""

    relation: str
    part_table: str
    whole_table: str
    columns: tuple[str, ...]
    because: str


CrossIdentity = CrossEqual | CrossSum | ByClass | AtMost | CodesAtMost

# ---------------------------------------------------------------- the final-accounts declarations

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


#: Table id -> the identities that table satisfies on its own (in the tables' canonical order).
#: The two summary tables (income_expenditure_summary, fiscal_summary) balance by a positional walk
#: of their panels: see ``auditlib.rules.table``.
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
