"""The kinds of identity a report's tables must satisfy (row sums, code hierarchy, cross-table equalities).

Why: that a row's 合计 is the sum of its parts, that 类 = Σ 款, that a fund's balance rolls forward,
or that one figure is printed alike in two tables, is a fact about the report kind, not about a
rule. Declared once with the tables (as pandera attaches checks to a schema), each with the Chinese
wording its finding uses, they drive the generic rules of ``auditlib.rules.table`` and ``auditlib.rules.cross``;
a new report kind declares its own identities instead of writing rules.

This module holds the kinds of identity (typed data); a report kind's profile declares which ones
its tables satisfy, on each ``TableSpec.identities`` and in ``Profile.cross_identities``
(``auditlib.profiles.final_accounts`` for the final accounts), each cross-table identity tagged with
the relation (the cross-table rule) it belongs to. The two-panel walk of the summary tables (items
before 本年收入合计, lines between it and 总计) is positional rather than declarative and stays
hand-written in ``rules/summary.py``.
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
