"""The reference report (seed): a careful auditor's findings, found by the tool."""

from __future__ import annotations

import pytest

from auditlib.reading.pipeline import read_report
from auditlib.rules import audit

from conftest import RAW

pytestmark = pytest.mark.slow  # reads the reference PDF through the table reader


@pytest.fixture(scope="module")
def result():
    return audit(read_report(RAW / "wuchang-bigdata-2023.pdf", cache=None))


def _find(result, rule_id, severity, *fragments):
    return [
        f
        for f in result.findings
        if f.rule_id == rule_id and f.severity == severity and all(fr in f.message for fr in fragments)
    ]


def test_attachment_totals_contradict_the_tables(result):
    assert _find(result, "attachment.basic_project_totals", "error", "472.12", "481.74")
    assert _find(result, "attachment.basic_project_totals", "error", "1841.83", "1878.96")


def test_state_capital_explanation_names_the_wrong_fund(result):
    assert _find(result, "completeness.empty_table_explained", "error", "国有资本经营", "政府基金")


def test_three_public_budget_not_in_the_table(result):
    assert _find(result, "narrative.three_public", "error", "0.68")


def test_rate_on_a_zero_budget_is_a_warning(result):
    assert _find(result, "narrative.completion", "warning", "280%")
    assert _find(result, "narrative.three_public", "warning", "因公出国")


def test_forced_structure_share_is_a_warning(result):
    assert _find(result, "narrative.share", "warning", "3.9%", "3.8%")


def test_sub_cent_rounding_gaps_are_info(result):
    infos = [f for f in result.findings if f.severity == "info"]
    assert {f.rule_id for f in infos} == {"table.basic_detail"}
    assert all(abs(float(f.difference)) == 0.01 for f in infos)
    assert not [f for f in result.findings if f.severity == "error" and f.rule_id.startswith("table.")]


def test_findings_cite_page_and_cell(result):
    for f in result.findings:
        assert f.evidence and f.evidence[0].page, f.message
        if f.rule_id.startswith(("table.", "cross.")):
            assert any(e.bbox and e.table and e.column for e in f.evidence), f.message
