"""The nine canonical tables of a departmental final-accounts report.

Why this module exists: every region prints the same nine tables under slightly
different titles, in a different order and with different column headers. Rules
and tests must speak of one canonical shape, so the canonical ids, their title
aliases and the canonical amount column names live here, in one place, and the
generator, the extractor and the rules all read them from here.

Column names are documented for users in ``docs/tables.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TableSpec:
    """One canonical table: id, printed title (and aliases), canonical columns."""

    id: str
    title: str
    aliases: tuple[str, ...]
    #: Amount columns in canonical order with the header label usually printed.
    columns: tuple[tuple[str, str], ...]
    #: True for the side-by-side income | expenditure tables.
    two_panel: bool = False
    #: Columns used by each panel of a two-panel table (panel name -> columns).
    panel_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.title, *self.aliases)


TABLES: dict[str, TableSpec] = {
    spec.id: spec
    for spec in (
        TableSpec(
            "income_expenditure_summary",
            "收入支出决算总表",
            ("部门收支决算总表",),
            (("amount", "金额"),),
            two_panel=True,
            panel_columns={"income": ("amount",), "expenditure": ("amount",)},
        ),
        TableSpec(
            "income",
            "收入决算表",
            ("部门收入决算表",),
            (
                ("total", "本年收入合计"),
                ("fiscal_appropriation", "财政拨款收入"),
                ("superior_subsidy", "上级补助收入"),
                ("business", "事业收入"),
                ("operating", "经营收入"),
                ("subordinate_remittance", "附属单位上缴收入"),
                ("other", "其他收入"),
            ),
        ),
        TableSpec(
            "expenditure",
            "支出决算表",
            ("部门支出决算表",),
            (
                ("total", "本年支出合计"),
                ("basic", "基本支出"),
                ("project", "项目支出"),
                ("remittance_to_superior", "上缴上级支出"),
                ("operating", "经营支出"),
                ("subsidy_to_subordinate", "对附属单位补助支出"),
            ),
        ),
        TableSpec(
            "fiscal_summary",
            "财政拨款收入支出决算总表",
            (),
            (
                ("amount", "金额"),
                ("total", "合计"),
                ("general_budget", "一般公共预算财政拨款"),
                ("government_fund", "政府性基金预算财政拨款"),
                ("state_capital", "国有资本经营预算财政拨款"),
            ),
            two_panel=True,
            panel_columns={
                "income": ("amount",),
                "expenditure": ("total", "general_budget", "government_fund", "state_capital"),
            },
        ),
        TableSpec(
            "general_budget_expenditure",
            "一般公共预算财政拨款支出决算表",
            (),
            (("total", "合计"), ("basic", "基本支出"), ("project", "项目支出")),
        ),
        TableSpec(
            "basic_expenditure_detail",
            "一般公共预算财政拨款基本支出决算明细表",
            ("一般公共预算财政拨款基本支出决算表",),
            (("amount", "决算数"),),
        ),
        TableSpec(
            "government_fund",
            "政府性基金预算财政拨款收入支出决算表",
            ("政府性基金预算财政拨款支出决算表",),
            (
                ("opening_balance", "年初结转和结余"),
                ("income", "本年收入"),
                ("expenditure_total", "本年支出小计"),
                ("expenditure_basic", "基本支出"),
                ("expenditure_project", "项目支出"),
                ("closing_balance", "年末结转和结余"),
            ),
        ),
        TableSpec(
            "state_capital",
            "国有资本经营预算财政拨款支出决算表",
            ("国有资本经营预算财政拨款收入支出决算表",),
            (
                ("opening_balance", "年初结转和结余"),
                ("income", "本年收入"),
                ("expenditure_total", "本年支出合计"),
                ("expenditure_basic", "基本支出"),
                ("expenditure_project", "项目支出"),
                ("closing_balance", "年末结转和结余"),
            ),
        ),
        TableSpec(
            "three_public",
            "财政拨款“三公”经费支出决算表",
            ("一般公共预算财政拨款“三公”经费支出决算表", "“三公”经费支出决算表"),
            tuple(
                (f"{stage}_{item}", f"{stage_label}{label}")
                for stage, stage_label in (("budget", "预算数"), ("actual", "决算数"))
                for item, label in (
                    ("total", "合计"),
                    ("abroad", "因公出国(境)费"),
                    ("vehicle_subtotal", "公务用车购置及运行维护费小计"),
                    ("vehicle_purchase", "公务用车购置费"),
                    ("vehicle_operation", "公务用车运行维护费"),
                    ("reception", "公务接待费"),
                )
            ),
        ),
    )
}

TABLE_IDS: tuple[str, ...] = tuple(TABLES)

#: Order of the tables in Wuhan-style reports (公开01–09, 三公 last).
WUHAN_ORDER: tuple[str, ...] = TABLE_IDS
#: Order in Shanghai-style reports (no labels; 三公 7th, funds 8th and 9th).
SHANGHAI_ORDER: tuple[str, ...] = (
    "income_expenditure_summary",
    "income",
    "expenditure",
    "fiscal_summary",
    "general_budget_expenditure",
    "basic_expenditure_detail",
    "three_public",
    "government_fund",
    "state_capital",
)


def csv_columns(table_id: str, printed: tuple[str, ...] | None = None) -> list[str]:
    """Header of ``tables/<id>.csv``: code, name, [panel, line_no], amounts.

    ``printed`` restricts the amount columns to those a given report prints
    (in canonical order); None means all canonical columns.
    """
    spec = TABLES[table_id]
    head = ["code", "name"] + (["panel", "line_no"] if spec.two_panel else [])
    amounts = [c for c in spec.column_names if printed is None or c in printed]
    return head + amounts
