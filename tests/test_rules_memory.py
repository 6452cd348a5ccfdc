"""Rules on in-memory reports: one passing and one failing case per rule, no PDF (milliseconds).

Each case builds a Report from a few small tables (Decimal amounts, cells with made-up
provenance), runs one rule as the engine does, and checks the rule id, severity, subject and the
figures of what it found. The PDF round-trips (test_rules.py, test_audit_seed.py) remain the proof
that the reader and the rules meet; these pin the rules themselves.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path

import pytest

from auditlib.model.findings import Check
from auditlib.model.report import Report, Section
from auditlib.model.tables import CanonicalTable, CellSource
from auditlib.profiles.final_accounts import CROSS_IDENTITIES, IDENTITIES, PROFILE, TABLE_IDS, TABLES, csv_columns
from auditlib.profiles.identities import (
    AtMost,
    ByClass,
    ClassSum,
    CodesAtMost,
    CrossEqual,
    CrossSum,
    First,
    FundRoll,
    GroupTotal,
    NamedSum,
    Place,
    RowSum,
)
from auditlib.rules import INTERNAL_SUBJECT, RULES, audit
from auditlib.rules.context import AuditContext

Rows = list[dict[str, str]]

# ---------------------------------------------------------------- building reports


def table(tid: str, rows: Rows, page: int = 1) -> CanonicalTable:
    """A canonical table from text rows ("12.30" -> Decimal, "" -> blank); each cell gets a made-up box."""
    columns = csv_columns(tid)
    data: list[dict[str, object]] = []
    cells: list[dict[str, CellSource]] = []
    for r, text_row in enumerate(rows):
        row: dict[str, object] = {c: None for c in columns}
        cell: dict[str, CellSource] = {}
        for k, (col, text) in enumerate(text_row.items()):
            assert col in columns, f"{tid} has no column {col}"
            amount = col not in ("code", "name", "panel", "line_no")
            row[col] = (Decimal(text) if text else None) if amount else text
            cell[col] = CellSource(page, (10.0 * k, 700.0 - 20 * r, 10.0 * k + 9, 715.0 - 20 * r), text)
        data.append(row)
        cells.append(cell)
    return CanonicalTable(tid, columns, data, cells, pages=[page])


def report(*tables: CanonicalTable, texts: Mapping[str, str] | None = None, units: str = "万元") -> Report:
    """A Report of these tables (and narrative sections: title -> text, all on page 9)."""
    sections = [Section(title, [9], text) for title, text in (texts or {}).items()]
    return Report(
        path=Path("memory.pdf"),
        sha256="0" * 64,
        page_count=9,
        department="示例部门",
        year=2023,
        units={t.id: units for t in tables},
        tables={t.id: t for t in tables},
        tables_found={t.id: t.pages for t in tables},
        sections=sections,
        page_texts=[""] * 8 + ["\n".join(s.text for s in sections)],
    )


def run(rule_id: str, rep: Report) -> list[Check]:
    """The checks of one rule, run as the engine runs it (the context carries the rule's id)."""
    ctx = AuditContext(rep)
    ctx.rule_id = rule_id
    return list(RULES[rule_id].func(ctx))


def only(checks: list[Check], subject: str) -> Check:
    found = [c for c in checks if c.subject == subject]
    assert len(found) == 1, f"{subject}: {[(c.subject, c.outcome, c.reason) for c in checks]}"
    return found[0]


# ---------------------------------------------------------------- the tables of the cases


def income(total: str = "10.00", business: str = "3.00") -> CanonicalTable:
    return table(
        "income",
        [
            {"name": "合计", "total": total, "fiscal_appropriation": "7.00", "business": business},
            {
                "code": "201",
                "name": "一般公共服务支出",
                "total": "10.00",
                "fiscal_appropriation": "7.00",
                "business": "3.00",
            },
        ],
    )


def expenditure(item: str = "4.00") -> CanonicalTable:
    return table(
        "expenditure",
        [
            {"name": "合计", "total": "10.00", "basic": "10.00"},
            {"code": "201", "name": "一般公共服务支出", "total": "10.00", "basic": "10.00"},
            {"code": "20101", "name": "人大事务", "total": "6.00", "basic": "6.00"},
            {"code": "20102", "name": "政协事务", "total": item, "basic": item},
        ],
    )


def general_budget(total: str = "10.00", basic: str = "10.00") -> CanonicalTable:
    return table(
        "general_budget_expenditure",
        [
            {"name": "合计", "total": total, "basic": basic, "project": "0.00"},
            {"code": "201", "name": "一般公共服务支出", "total": total, "basic": basic, "project": "0.00"},
        ],
    )


def detail(public_footer: str = "5.00", reception: str = "0.30") -> CanonicalTable:
    return table(
        "basic_expenditure_detail",
        [
            {"code": "301", "name": "工资福利支出", "amount": "5.00"},
            {"code": "30101", "name": "基本工资", "amount": "3.00"},
            {"code": "30102", "name": "津贴补贴", "amount": "2.00"},
            {"code": "302", "name": "商品和服务支出", "amount": "5.00"},
            {"code": "30201", "name": "办公费", "amount": "4.70"},
            {"code": "30217", "name": "公务接待费", "amount": reception},
            {"name": "人员经费合计", "amount": "5.00"},
            {"name": "公用经费合计", "amount": public_footer},
        ],
    )


def three_public(actual_total: str = "6.00", reception: str = "2.00") -> CanonicalTable:
    figures = {"total": "6.00", "abroad": "1.00", "vehicle_subtotal": "3.00", "reception": "2.00"}
    figures |= {"vehicle_purchase": "1.00", "vehicle_operation": "2.00"}
    row = {f"{stage}_{item}": v for stage in ("budget", "actual") for item, v in figures.items()}
    row |= {"actual_total": actual_total, "actual_reception": reception}
    return table("three_public", [row])


def government_fund(closing: str = "2.00") -> CanonicalTable:
    return table(
        "government_fund",
        [
            {
                "name": "合计",
                "opening_balance": "1.00",
                "income": "5.00",
                "expenditure_total": "4.00",
                "expenditure_basic": "4.00",
                "expenditure_project": "0.00",
                "closing_balance": closing,
            }
        ],
    )


def summary(business: str = "3.00", income_total: str = "10.00") -> CanonicalTable:
    lines = [
        ("income", "一、一般公共预算财政拨款收入", "7.00"),
        ("income", "二、事业收入", business),
        ("income", "本年收入合计", income_total),
        ("income", "年初结转和结余", "1.00"),
        ("income", "总计", "11.00"),
        ("expenditure", "一、一般公共服务支出", "10.00"),
        ("expenditure", "本年支出合计", "10.00"),
        ("expenditure", "年末结转和结余", "1.00"),
        ("expenditure", "总计", "11.00"),
    ]
    rows = [{"name": name, "panel": panel, "amount": amount} for panel, name, amount in lines]
    return table("income_expenditure_summary", rows)


def fiscal_summary(fund_spent: str = "4.00") -> CanonicalTable:
    rows = [
        {"name": "本年收入合计", "panel": "income", "amount": "11.00"},
        {"name": "本年支出合计", "panel": "expenditure", "total": "14.00", "general_budget": "10.00"},
    ]
    rows[1]["government_fund"] = fund_spent
    return table("fiscal_summary", rows)


# ---------------------------------------------------------------- one passing and one failing case per rule

Build = Callable[[], Report]


@dataclasses.dataclass(frozen=True)
class Case:
    rule_id: str
    subject: str
    passing: Build
    failing: Build
    severity: str
    expected: str | None
    actual: str | None
    message: tuple[str, ...] = ()


CASES = [
    Case(
        "table.row_identity",
        "income/合计",
        lambda: report(income()),
        lambda: report(income(total="11.00")),
        "error",
        "10.00",
        "11.00",
        ("收入决算表“合计”行合计为11.00万元", "各分项之和为10.00万元", "差额1.00万元", "超出尾数误差范围"),
    ),
    Case(
        "table.code_hierarchy",
        "expenditure/201/total",
        lambda: report(expenditure()),
        lambda: report(expenditure(item="5.00")),
        "error",
        "11.00",
        "10.00",
        ("下级科目之和为11.00万元",),
    ),
    Case(
        "table.three_public",
        "three_public/0/actual/total",
        lambda: report(three_public()),
        lambda: report(three_public(actual_total="6.01")),
        "info",
        "6.00",
        "6.01",
        ("因公出国（境）费、公务用车购置及运行维护费、公务接待费之和为6.00万元", "在尾数误差范围内"),
    ),
    Case(
        "table.basic_detail",
        "basic_expenditure_detail/公用经费合计",
        lambda: report(detail()),
        lambda: report(detail(public_footer="6.00")),
        "error",
        "5.00",
        "6.00",
        ("公用经费各类科目之和为5.00万元",),
    ),
    Case(
        "table.fund_balance",
        "government_fund/合计",
        lambda: report(government_fund()),
        lambda: report(government_fund(closing="3.00")),
        "error",
        "2.00",
        "3.00",
        ("年末结转和结余为3.00万元，按年初＋本年收入－本年支出计算为2.00万元",),
    ),
    Case(
        "table.summary_balance",
        "income_expenditure_summary/income/本年收入合计",
        lambda: report(summary()),
        lambda: report(summary(income_total="10.50")),
        "error",
        "10.00",
        "10.50",
        ("各项收入之和为10.00万元",),
    ),
    Case(
        "cross.summary_income",
        "income_expenditure_summary~income/business",
        lambda: report(summary(), income()),
        lambda: report(summary(business="4.00"), income()),
        "error",
        "3.00",
        "4.00",
        ("收入决算表“合计”行事业收入为3.00万元，而收入支出决算总表“二、事业收入”行金额为4.00万元",),
    ),
    Case(
        "cross.fiscal_funds",
        "fiscal_summary~government_fund/本年支出合计",
        lambda: report(fiscal_summary(), government_fund()),
        lambda: report(fiscal_summary(fund_spent="5.00"), government_fund()),
        "error",
        "4.00",
        "5.00",
        ("两处不一致，差额1.00万元",),
    ),
    Case(
        "cross.general_budget_basic",
        "general_budget_expenditure~basic_expenditure_detail/basic",
        lambda: report(general_budget(), detail()),
        lambda: report(general_budget(basic="11.00"), detail()),
        "error",
        "10.00",
        "11.00",
        ("基本支出明细表人员经费合计与公用经费合计之和为10.00万元",),
    ),
    Case(
        "cross.general_budget_within_expenditure",
        "general_budget_expenditure~expenditure/201/total",
        lambda: report(general_budget(), expenditure()),
        lambda: report(general_budget(total="12.00"), expenditure()),
        "error",
        "10.00",
        "12.00",
        ("（财政拨款是全部资金的一部分），超出2.00万元",),
    ),
    Case(
        "cross.three_public_basic_detail",
        "basic_expenditure_detail~three_public/30217",
        lambda: report(detail(), three_public()),
        lambda: report(detail(reception="2.50"), three_public()),
        "error",
        "2.00",
        "2.50",
        ("“公务接待费(30217)”行金额为2.50万元，大于财政拨款“三公”经费支出决算表", "公务接待费2.00万元"),
    ),
    Case(
        "narrative.basic_split",
        "split/基本支出/sum",
        lambda: report(texts={"（二）基本支出": "基本支出481.74万元，其中：人员经费407.42万元，公用经费74.32万元。"}),
        lambda: report(texts={"（二）基本支出": "基本支出481.74万元，其中：人员经费407.42万元，公用经费75.32万元。"}),
        "error",
        "482.74",
        "481.74",
        ("人员经费407.42万元与公用经费75.32万元之和为482.74",),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.rule_id for c in CASES])
def test_rule_passes_on_consistent_tables(case: Case):
    check = only(run(case.rule_id, case.passing()), case.subject)
    assert (check.rule_id, check.outcome, check.finding) == (case.rule_id, "passed", None)


@pytest.mark.parametrize("case", CASES, ids=[c.rule_id for c in CASES])
def test_rule_fails_with_its_id_severity_and_figures(case: Case):
    check = only(run(case.rule_id, case.failing()), case.subject)
    assert (check.rule_id, check.outcome, check.severity) == (case.rule_id, "failed", case.severity)
    finding = check.finding
    assert finding is not None and finding.rule_id == case.rule_id and finding.severity == case.severity
    assert (finding.expected, finding.actual) == (case.expected, case.actual)
    for fragment in case.message:
        assert fragment in finding.message, finding.message
    assert finding.evidence, "a finding cites where it was found"


def test_a_missing_table_is_skipped_with_its_title():
    checks = run("table.fund_balance", report(government_fund()))
    skipped = only(checks, "state_capital")
    assert (skipped.outcome, skipped.reason) == ("skipped", "缺少国有资本经营预算财政拨款支出决算表")


def test_vehicle_count_that_does_not_add_up():
    rep = report(texts={"国有资产占用情况": "本单位共有车辆3辆，其中：一般公务用车1辆、执法执勤用车1辆。"})
    [check] = run("narrative.vehicles", rep)
    assert (check.rule_id, check.outcome, check.severity) == ("narrative.vehicles", "failed", "error")
    assert check.finding is not None and (check.finding.expected, check.finding.actual) == ("2", "3")


def test_missing_table_is_a_completeness_error():
    rep = report(*(table(t, []) for t in TABLE_IDS if t != "three_public"))
    checks = run("completeness.tables_present", rep)
    assert {c.subject for c in checks if c.outcome == "passed"} == set(TABLE_IDS) - {"three_public"}
    failed = only(checks, "three_public")
    assert (failed.outcome, failed.severity) == ("failed", "error")
    assert failed.finding is not None and "财政拨款“三公”经费支出决算表" in failed.finding.message


def _columns(identity: object) -> tuple[str, ...]:
    """The columns a within-table identity adds up."""
    match identity:
        case RowSum(total=total, parts=parts) | NamedSum(total=total, parts=parts):
            return (total, *parts)
        case ClassSum(column=column) | GroupTotal(column=column):
            return (column,)
        case FundRoll():
            return identity.columns
    return ()


def _places(identity: object) -> list[Place]:
    match identity:
        case CrossEqual(actual=a, expected=e):
            return [a, e]
        case CrossSum(total=t, parts=parts):
            return [t, *parts]
        case AtMost(part=p, whole=w):
            return [p, w]
        case ByClass():
            return [First(identity.summary, identity.summary_column), First(identity.table, identity.table_column)]
        case CodesAtMost():
            tables = (identity.part_table, identity.whole_table)
            return [First(t, c) for t in tables for c in identity.columns]
    return []


def test_declared_identities_name_real_tables_columns_and_rules():
    """Every column a declaration adds up is a canonical column of its table, and each cross relation
    is a registered rule (a typo in the declarations would silently check nothing)."""
    assert set(IDENTITIES) == set(TABLE_IDS)
    assert all(TABLES[tid].identities == IDENTITIES[tid] for tid in TABLE_IDS)  # declared with the tables
    assert PROFILE.cross_identities == CROSS_IDENTITIES
    for tid, identities in IDENTITIES.items():
        for identity in identities:
            assert set(_columns(identity)) <= set(csv_columns(tid)), (tid, identity)
    for identity in CROSS_IDENTITIES:
        assert f"cross.{identity.relation}" in RULES, identity
        for place in _places(identity):
            assert place.column in csv_columns(place.table), (place, identity)


def test_a_rule_that_raises_is_internal_and_the_others_still_run(monkeypatch):
    def broken(ctx: AuditContext):
        yield ctx.passed("first")
        raise ZeroDivisionError("boom")

    rule = RULES["table.row_identity"]
    monkeypatch.setitem(RULES, rule.id, dataclasses.replace(rule, func=broken))
    result = audit(report(income(total="11.00"), expenditure(item="5.00")))
    mine = [c for c in result.checks if c.rule_id == "table.row_identity"]
    assert [(c.subject, c.outcome) for c in mine] == [("first", "passed"), (INTERNAL_SUBJECT, "internal")]
    assert mine[-1].reason == "ZeroDivisionError: boom"
    assert "ZeroDivisionError" in result.tracebacks["table.row_identity"]
    assert {c.rule_id for c in result.checks} == set(RULES)
    assert any(f.rule_id == "table.code_hierarchy" for f in result.findings)


# ---------------------------------------------------------------- dates and compared years (form.year_consistent)

_DATED = (
    "（三）国有资产占有使用情况说明\n截至 2023 年 12 月 31 日，本部门共有车辆2辆。\n"
    "本年收入合计10.00万元，与2022年度相比，收入合计增加1.00万元。\n"
    "一般公共预算财政拨款收入比2022年度决算数减少0.50万元。\n"
    "与2023年度预算相比，支出完成良好。\n"
)


def test_dates_and_compared_years_of_the_report_pass():
    checks = run("form.year_consistent", report(income(), texts={"十二、国有资产": _DATED}))
    dated = [c for c in checks if c.subject in ("截止日期", "比较年度")]
    # 截至…12月31日, 与2022年度相比, 比2022年度决算数减少; "与2023年度预算相比" is not a compared year.
    assert len(dated) == 3 and all(c.outcome == "passed" for c in dated), dated


@pytest.mark.parametrize(
    ("stale", "fresh", "expected", "actual"),
    [
        ("截至 2023 年 12 月 31 日", "截至 2022 年 12 月 31 日", "2023", "2022"),
        ("与2022年度相比", "与2021年度相比", "2022", "2021"),
        ("比2022年度决算数减少", "比2023年度决算数减少", "2022", "2023"),
    ],
)
def test_a_date_or_compared_year_left_from_another_year_is_an_error(stale, fresh, expected, actual):
    text = _DATED.replace(stale, fresh)
    checks = run("form.year_consistent", report(income(), texts={"十二、国有资产": text}))
    failed = [c for c in checks if c.outcome == "failed"]
    assert len(failed) == 1, failed
    finding = failed[0].finding
    assert finding.severity == "error" and finding.expected == expected and finding.actual == actual
    assert finding.evidence[0].page == 9 and actual in finding.message


# ---------------------------------------------------------------- placeholders around tables (form.placeholder)


@pytest.mark.parametrize(
    ("header", "footer", "shown"),
    [
        (["第二部分 XX局2023年度部门决算表", "收入决算表"], [], "XX"),
        (["收入决算表", "编制单位：【单位名称】"], [], "【单位名称】"),
        (["收入决算表"], ["说明：××局本年度没有政府性基金预算财政拨款收入。"], "××"),
    ],
)
def test_a_placeholder_around_a_table_is_an_error(header, footer, shown):
    tab = income()
    tab.header_lines, tab.footer_lines = header, footer
    failed = [c for c in run("form.placeholder", report(tab)) if c.outcome == "failed"]
    assert len(failed) == 1, failed
    finding = failed[0].finding
    assert finding.severity == "error" and f"含占位符“{shown}”" in finding.message
    assert finding.tables == ["income"] and finding.evidence[0].page == 1


def test_filled_lines_around_a_table_pass():
    tab = income()
    tab.header_lines = ["第二部分 示例局2023年度部门决算表", "收入决算表", "编制单位：示例局", "单位：万元"]
    tab.footer_lines = ["注：本表反映部门本年度取得的各项收入情况。"]
    checks = run("form.placeholder", report(tab))
    assert [c.outcome for c in checks] == ["passed"]


# ---------------------------------------------------------------- numbered headings in order (form.section_order)


def _titled(*titles: str) -> Report:
    return report(income(), texts={t: "正文。" for t in titles})


def test_headings_in_order_with_parts_and_restarts_pass():
    rep = _titled(
        "第一部分 概况",
        "一、主要职能",
        "二、机构设置",
        "第三部分 情况说明",
        "一、总体",
        "二、收入",
        "十、机关运行经费",
        "十一、政府采购",
        "一、附件一",
    )
    checks = run("form.section_order", rep)
    assert checks and all(c.outcome == "passed" for c in checks), checks


@pytest.mark.parametrize(
    ("titles", "late"),
    [
        (("一、总体", "二、收入", "五、一般公共预算", "三、支出"), "三、支出"),
        (("一、总体", "二、收入", "二、收入（重复）"), "二、收入（重复）"),
    ],
)
def test_a_heading_out_of_order_is_a_warning(titles, late):
    failed = [c for c in run("form.section_order", _titled(*titles)) if c.outcome == "failed"]
    assert len(failed) == 1, failed
    finding = failed[0].finding
    assert finding.severity == "warning" and f"标题“{late}”" in finding.message


def test_a_skipped_number_is_not_reported():
    """A heading read as a sentence would look like a gap: gaps are never findings."""
    checks = run("form.section_order", _titled("一、总体", "三、支出", "四、财政拨款"))
    assert all(c.outcome == "passed" for c in checks)


# ---------------------------------------------------------------- completion rates with several bases

_ITEM = "（一）一般公共预算财政拨款支出决算情况"


def _completion_checks(sentence: str) -> list[Check]:
    return run("narrative.completion", report(texts={_ITEM: sentence}))


def _failed(checks: list[Check]) -> list[Check]:
    return [c for c in checks if c.outcome == "failed"]


def test_a_rate_checked_against_the_base_it_names():
    """Two bases printed, the rate names 年初预算 and recomputes on it: nothing to report."""
    text = "一般公共预算财政拨款支出年初预算为100.00万元，全年预算为120.00万元，支出决算为90.00万元，完成年初预算的90.00%。"
    assert not _failed(_completion_checks(text))


def test_a_rate_computed_on_another_base_than_it_names_is_its_own_finding():
    """R = 决算 ÷ 全年预算 but labelled 年初预算 (which is 0): one finding about the base, no mismatch."""
    text = (
        "一般公共预算财政拨款支出年初预算为0.00万元，全年预算为120.00万元，支出决算为90.00万元，完成年初预算的75.00%。"
    )
    failed = _failed(_completion_checks(text))
    assert [c.subject for c in failed] == ["completion/一般公共预算财政拨款支出/base"], failed
    f = failed[0].finding
    assert f.severity == "error" and "全年预算120.00万元" in f.message and f.actual == "75.00%"
    # The same figures with the rate named after its real base pass.
    assert not _failed(_completion_checks(text.replace("完成年初预算的", "完成全年预算的")))


def test_a_rate_naming_a_base_the_sentence_does_not_print_is_at_most_a_warning():
    text = "一般公共预算财政拨款支出全年预算为120.00万元，支出决算为90.00万元，完成年初预算的80.00%。"
    failed = _failed(_completion_checks(text))
    assert [c.finding.severity for c in failed] == ["warning"], failed
    assert "未在文中列示" in failed[0].finding.message


@pytest.mark.parametrize(
    ("word", "budget", "fails"),
    [("持平", "90.00", False), ("持平", "100.00", True), ("相等", "90.01", True), ("基本持平", "91.00", False)],
)
def test_equal_words_agree_with_the_figures(word: str, budget: str, fails: bool):
    text = f"一般公共预算财政拨款支出年初预算为{budget}万元，支出决算为90.00万元。决算数与年初预算{word}。"
    failed = [c for c in _failed(_completion_checks(text)) if c.subject.endswith("/word")]
    assert bool(failed) == fails, failed


# ---------------------------------------------------------------- item order, stray punctuation


def _items(*numbers: int) -> str:
    rows = {1: "行政运行", 2: "一般行政管理事务", 3: "机关服务"}
    return "".join(
        f"{n}、一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）{rows[n]}（项）。"
        f"年初预算为10.00万元，支出决算为10.00万元，完成年初预算的100.00%。"
        for n in numbers
    )


@pytest.mark.parametrize(("numbers", "fails"), [((1, 2, 3), False), ((1, 3, 2), True), ((2, 3), False)])
def test_items_out_of_their_numbering_are_one_warning(numbers, fails):
    checks = run("narrative.item_order", report(texts={_ITEM: _items(*numbers)}))
    failed = [c for c in checks if c.outcome == "failed"]
    assert len(failed) == (1 if fails else 0), checks
    if fails:
        assert failed[0].finding.severity == "warning" and "第2项" in failed[0].finding.message


@pytest.mark.parametrize(
    ("lines", "fails"),
    [
        (["本年支出合计10.00万元。", "。"], True),
        (["本年支出合计10.00万元。", "，，"], True),
        (["本年支出合计10.00万元，主要用于日常运转", "。"], False),  # a sentence end wrapped alone
        (["本年支出合计10.00万元。", "— —"], False),
    ],
)
def test_a_punctuation_only_line_after_a_finished_sentence_is_a_warning(lines, fails):
    rep = report(texts={"二、支出决算情况说明": "\n".join(lines)})
    checks = run("form.stray_punctuation", rep)
    failed = [c for c in checks if c.outcome == "failed"]
    assert len(failed) == (1 if fails else 0), checks
    if fails:
        assert failed[0].finding.severity == "warning" and failed[0].finding.evidence[0].page == 9


# ---------------------------------------------------------------- root causes (rules.causes, through the engine)

_SPENT = {"三、一般公共预算财政拨款支出决算情况说明": "2023年度一般公共预算财政拨款支出{x}万元。"}


def _with_yuan_label(spent: str) -> Report:
    rep = report(income(), general_budget(), detail(), texts={k: v.format(x=spent) for k, v in _SPENT.items()})
    rep.units["general_budget_expenditure"] = "元"  # one table labelled 元 among 万元 tables
    return rep


def test_a_wrong_unit_label_gives_one_finding_not_a_cascade():
    result = audit(_with_yuan_label("10.00"))
    # Only the unit finding compares figures (a memory report lacks tables and sections: those
    # completeness findings are not about figures).
    errors = [f for f in result.findings if f.severity == "error" and not f.rule_id.startswith("completeness.")]
    assert [f.rule_id for f in errors] == ["form.unit_consistent"], [f.message for f in errors]
    amounts = [c for c in result.checks if c.rule_id == "narrative.amount"]
    assert amounts and all(c.outcome == "passed" for c in amounts), amounts


def test_a_real_difference_beside_a_wrong_unit_label_points_at_it():
    result = audit(_with_yuan_label("12.00"))
    unit = next(f for f in result.findings if f.rule_id == "form.unit_consistent")
    amount = next(f for f in result.findings if f.rule_id == "narrative.amount")
    assert unit.cause is None and amount.cause == unit.fingerprint
    assert amount.actual == "12.00" and amount.expected == "10.00"  # compared as printed, not ×10,000


def test_fingerprints_are_stable_and_name_no_page_or_figure():
    a = audit(_with_yuan_label("12.00"))
    rep = _with_yuan_label("13.00")
    rep.sections[0].pages = [5]  # the same statement, another figure, another page
    b = audit(rep)
    fa = {f.rule_id: f.fingerprint for f in a.findings}
    fb = {f.rule_id: f.fingerprint for f in b.findings}
    assert fa == fb and all(len(v) == 16 for v in fa.values())
    subjects = [c.subject for c in a.checks]
    assert len(subjects) == len(set(zip([c.rule_id for c in a.checks], subjects)))  # unique per rule


def test_a_garbled_statement_gives_at_most_a_warning_that_says_why():
    """Two item numbers in one statement: its figures may belong to the other item. An error found on
    it is turned into a warning naming the doubt; a statement read cleanly keeps its error."""
    from dataclasses import replace as dc_replace

    from auditlib.rules.narrative.common import facts, hedged
    from auditlib.rules.narrative.completion import _doubt

    text = _items(1) + _items(2).replace("支出决算为10.00万元", "支出决算为8.00万元").replace("100.00%", "100.00%")
    rep = report(general_budget(), texts={_ITEM: text})
    checks = run("narrative.completion", rep)
    ctx = AuditContext(rep)
    fact = next(f for f in facts(ctx) if f.kind == "completion" and f.words.get("item_index") == "2")
    assert _doubt(ctx, fact) == ""
    garbled = dc_replace(fact, span=dc_replace(fact.span, text="1、行政运行……。" + fact.span.text))
    assert _doubt(ctx, garbled) == "同一段内有两个项目编号"
    rate = next(c for c in checks if c.outcome == "failed" and c.finding.severity == "error")
    warned = hedged(rate, _doubt(ctx, garbled))
    assert warned.severity == warned.finding.severity == "warning" and "读取存疑" in warned.finding.message


# ---------------------------------------------------------------- table titles readable (form.table_title)

_SUMMARY_BODY = "部门：示例部门 公开01表 单位：万元\n收入 支出\n项目 行次 金额 项目 行次 金额\n本年收入合计 27 10.00 本年支出合计 58 10.00\n总计 31 10.00 总计 62 10.00"


def _on_page(title_lines: str, after: str = "") -> Report:
    """A report whose income table stands on page 1 under these title lines (text after the body too)."""
    rep = report(income())
    rep.page_texts[0] = f"- 1 -\n{title_lines}\n{_SUMMARY_BODY}\n{after}"
    return rep


@pytest.mark.parametrize(
    ("title_lines", "after"),
    [
        ("收入决算表", ""),  # one line
        ("2023年度收入决\n算表", ""),  # wrapped
        ("收入决\n第二部分 2023年度部门决算表\n算表", ""),  # a heading printed between the halves
        ("", "收入决算表"),  # after the body in text order
    ],
)
def test_a_title_wrapped_overlapped_or_after_the_body_passes(title_lines, after):
    checks = run("form.table_title", _on_page(title_lines, after))
    assert only(checks, "income").outcome == "passed"


def test_a_garbled_title_is_a_warning_that_quotes_it():
    finding = only(run("form.table_title", _on_page("收入泱算衰")), "income").finding
    assert finding is not None and finding.severity == "warning" and finding.tables == ["income"]
    assert "标题文字有误（“收入泱算衰”）" in finding.message and "“收入决算表”" in finding.message
    assert finding.evidence[0].page == 1 and finding.evidence[0].text == "收入泱算衰"


def test_a_missing_title_is_a_warning():
    finding = only(run("form.table_title", _on_page("")), "income").finding
    assert finding is not None and finding.severity == "warning"
    assert finding.message == "第1页的表格未见标题，该表按表头和行列识别为“收入决算表”。"


def test_another_tables_title_does_not_count():
    """收入支出决算总表 on the page is not the income table's title (the longest title wins)."""
    finding = only(run("form.table_title", _on_page("收入支出决算总表")), "income").finding
    assert finding is not None and finding.severity == "warning"


def test_a_page_without_text_is_skipped_with_its_reason():
    check = only(run("form.table_title", report(income())), "income")
    assert check.outcome == "skipped" and "无文字层" in check.reason
