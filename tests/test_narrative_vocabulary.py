"""The narrative reader recognises every word the final-accounts profile lists, and maps it as the profile says.

Why: the vocabulary lives in ``auditlib.profiles.narrative`` and the reader builds its patterns
from it; these tests read one small sentence per listed word, so a word the reader stops using
(or maps to the wrong key) fails here, without reading a PDF.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from auditlib.profiles.narrative import (
    BUDGET_COMPARISON_WORDS,
    BUDGET_EQUAL_WORDS,
    EMPTY_FUNDS,
    EXPENDITURE_KIND_LABELS,
    INCOME_SOURCE_LABELS,
    OPERATING_COST_NONE_WORDS,
    PERFORMANCE_SUBJECTS,
    PROCUREMENT_CATEGORIES,
    PROCUREMENT_SUPPLIERS,
    VEHICLE_HOLD_VERBS,
    VEHICLE_WORDS,
    YOY_COMPARE_VERBS,
    YOY_COMPARE_WORDS,
)
from auditlib.reading.narrative import Fact, canonical_subject, facts_from_text

D = Decimal


def only(facts: list[Fact], kind: str) -> Fact:
    found = [f for f in facts if f.kind == kind]
    assert len(found) == 1, [(f.kind, f.subject, f.values, f.words) for f in facts]
    return found[0]


@pytest.mark.parametrize("label", INCOME_SOURCE_LABELS + EXPENDITURE_KIND_LABELS)
def test_table_column_labels_are_subjects(label: str):
    assert canonical_subject(f"2023年度本年{label}为") == (label, None)
    facts = facts_from_text(f"本年{label}12.50万元。")
    assert [(f.kind, f.subject, f.values["amount"].value) for f in facts] == [("amount", label, D("12.50"))]


@pytest.mark.parametrize(("word", "canonical"), [*BUDGET_COMPARISON_WORDS.items()])
def test_budget_comparison_words(word: str, canonical: str):
    f = only(
        facts_from_text(f"年初预算为100万元，支出决算为120万元，完成年初预算的120%。决算数{word}年初预算。"),
        "completion",
    )
    assert (f.values["budget"].value, f.values["actual"].value, f.values["rate"].value) == (D(100), D(120), D(120))
    assert f.words["comparison"] == canonical


@pytest.mark.parametrize(("word", "canonical"), [*BUDGET_EQUAL_WORDS.items()])
def test_budget_equal_words(word: str, canonical: str):
    f = only(facts_from_text(f"年初预算为100万元，支出决算为100万元，决算数与年初预算{word}。"), "completion")
    assert f.words["comparison"] == canonical


@pytest.mark.parametrize("word", YOY_COMPARE_WORDS)
@pytest.mark.parametrize("verb", YOY_COMPARE_VERBS)
def test_yoy_anchor_words(word: str, verb: str):
    facts = facts_from_text(f"收入合计110万元，{word}2022年度{verb}，增加10万元，增长10%。")
    f = only(facts, "yoy")
    assert (f.subject, f.words["previous_year"], f.words["direction"]) == ("收入合计", "2022", "增加")
    assert (f.values["change"].value, f.values["change_pct"].value, f.values["current"].value) == (D(10), D(10), D(110))


@pytest.mark.parametrize(("category", "key"), [*PROCUREMENT_CATEGORIES.items()])
def test_procurement_categories(category: str, key: str):
    f = only(facts_from_text(f"2023年度政府采购支出总额100万元，其中：政府采购{category}支出30万元。"), "procurement")
    assert (f.values["total"].value, f.values[key].value) == (D(100), D(30))
    none = only(facts_from_text(f"2023年度政府采购支出总额100万元，本年无{category}采购。"), "procurement")
    assert none.words == {f"no_{key}": "true"}


@pytest.mark.parametrize(("supplier", "key"), [*PROCUREMENT_SUPPLIERS.items()])
def test_procurement_suppliers(supplier: str, key: str):
    text = f"政府采购支出总额100万元，授予{supplier}合同金额60万元，占政府采购支出总额的60%。"
    f = only(facts_from_text(text), "procurement")
    assert (f.values[key].value, f.values[f"{key}_share"].value) == (D(60), D(60))
    reserved = only(facts_from_text(f"政府采购支出总额100万元，面向{supplier}预留采购份额20万元。"), "procurement")
    assert reserved.values[f"reserved_{key}"].value == D(20)


@pytest.mark.parametrize(("word", "fund", "subject"), EMPTY_FUNDS)
def test_empty_fund_statements(word: str, fund: str, subject: str):
    facts = facts_from_text(f"本部门2023年度无{word}预算财政拨款收入。")
    f = only(facts, "empty_statement")
    assert (f.subject, f.words) == (subject, {"fund": fund})


@pytest.mark.parametrize("verb", VEHICLE_HOLD_VERBS)
@pytest.mark.parametrize("vehicle", VEHICLE_WORDS)
def test_vehicle_totals(verb: str, vehicle: str):
    f = only(facts_from_text(f"截至2023年12月31日，本部门{verb}{vehicle}5辆，其中：机要通信用车2辆。"), "vehicles")
    assert (f.subject, f.values["total"].value, f.values["机要通信用车"].value) == ("车辆", D(5), D(2))


@pytest.mark.parametrize(("threshold", "key"), [("100万元", "equipment_over_1m"), ("1000000元", "equipment_over_1m")])
def test_equipment_usual_threshold(threshold: str, key: str):
    f = only(facts_from_text(f"单价{threshold}以上设备2台（套）。"), "vehicles")
    assert (f.subject, f.values[key].value) == ("设备", D(2))
    other = only(facts_from_text("单价50万元以上专用设备3台。"), "vehicles")
    assert other.values["equipment_over_50万元_专用"].value == D(3)


@pytest.mark.parametrize("word", OPERATING_COST_NONE_WORDS)
def test_operating_cost_none(word: str):
    f = only(facts_from_text(f"本部门{word}机关运行经费。"), "operating_cost")
    assert f.words == {"none": "true"} and not f.values


@pytest.mark.parametrize(("sample", "subject"), [(p.split("|")[0], s) for p, s in PERFORMANCE_SUBJECTS])
def test_performance_subjects(sample: str, subject: str):
    f = only(facts_from_text(f"2023年度{sample}绩效评价项目3个，涉及资金120万元。"), "performance")
    assert (f.subject, f.values["projects"].value, f.values["funds"].value) == (subject, D(3), D(120))
