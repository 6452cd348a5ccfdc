"""The final-accounts profile: one home for the layout knowledge, variants as data.

The district variant (``profiles/variants/district.yaml``) is the proof that a new
producer layout is a profile file plus golden CSVs: its sample is rendered by the
generator from ``tests/fixtures/variants/district-health-2023.yaml`` and read back
cell for cell by the unchanged reader.
"""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

import pytest

from auditlib.profiles.final_accounts import PROFILE, TABLE_IDS, TABLES, VARIANTS
from auditlib.profiles.load import VariantError, load_variant
from auditlib.reading.pdf import match_title
from auditlib.reading.readers import READERS
from auditlib.reading.readers.three_public import staged_role
from auditlib.samples.model import ground_truth, load_department

from conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "variants"
DISTRICT = FIXTURES / "district-health-2023"
SRC = ROOT / "src" / "auditlib"


def test_every_table_names_a_registered_reader():
    assert set(TABLE_IDS) == set(PROFILE.tables)
    for spec in TABLES.values():
        assert spec.reader in READERS, spec.id


def test_variants_name_every_table_once():
    assert {"wuhan", "shanghai", "district"} <= set(VARIANTS)
    for variant in VARIANTS.values():
        assert sorted(variant.order) == sorted(TABLE_IDS), variant.name
        assert (variant.label is None) == (variant.label_pattern is None)


def test_a_variant_file_missing_a_field_is_refused(tmp_path: Path):
    text = (SRC / "profiles" / "variants" / "district.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "district.yaml"
    bad.write_text(re.sub(r"(?m)^unit_label:.*\n", "", text), encoding="utf-8")
    with pytest.raises(VariantError, match="unit_label"):
        load_variant(bad, TABLE_IDS)
    bad.write_text(text.replace("  - government_fund\n", ""), encoding="utf-8")
    with pytest.raises(VariantError, match="order"):
        load_variant(bad, TABLE_IDS)


def test_reading_modules_do_not_spell_column_labels():
    """Only the profile spells the column labels (附属单位上缴收入 …); the readers ask it."""
    labels = {c.label for spec in TABLES.values() for c in spec.columns if len(c.label) >= 4}
    assert "附属单位上缴收入" in labels
    modules = [p for p in (SRC / "reading").rglob("*.py") if p.name != "narrative.py"]
    for path in modules:
        literals = _string_literals(path)
        spelled = sorted(label for label in labels if any(label in text for text in literals))
        assert not spelled, f"{path.relative_to(SRC)} spells {spelled}"


def _string_literals(path: Path) -> list[str]:
    """The string constants of a module's code (docstrings left out: prose may name a column)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            docstrings.add(id(body[0].value))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("预算数合计", "budget_total"),
        ("决算数因公出国(境)费", "actual_abroad"),
        ("预算数公务用车购置及运行维护费", "budget_vehicle_subtotal"),
        ("决算数公务用车购置及运行维护费小计", "actual_vehicle_subtotal"),
        ("预算数公务用车购置及运行维护费公务用车购置费", "budget_vehicle_purchase"),
        ("财政拨款三公经费公务用车购置及运行费公务用车运行费决算数", "actual_vehicle_operation"),
        ("财政拨款三公经费公务接待费预算数", "budget_reception"),
        ("公务接待费", None),
    ],
)
def test_three_public_headers_from_the_profile_vocabulary(header: str, role: str | None):
    staged = TABLES["three_public"].staged
    assert staged is not None
    assert staged_role(staged, header) == role


@pytest.mark.parametrize(
    ("line", "tid"),
    [
        ("收入决算表 公开02表", "income"),
        ("财政拨款“三公”经费支出决算表表六", "three_public"),
        ("示例市示例县卫生健康委员会2023年度支出决算表", "expenditure"),
        ("一般公共预算财政拨款支出决算表", "general_budget_expenditure"),
        ("收入决算情况说明", None),
    ],
)
def test_titles_with_the_labels_of_every_variant(line: str, tid: str | None):
    assert match_title(line) == tid


def test_district_sample_renders_from_its_description(tmp_path: Path, need_font):
    from auditlib.samples.render import render_pdf

    dept = load_department(FIXTURES / "district-health-2023.yaml")
    assert dept["style"]["variant"] == "district" and dept["style"]["order"] == list(VARIANTS["district"].order)
    pdf = render_pdf(dept, tmp_path / "district.pdf")
    assert pdf.read_bytes() == (FIXTURES / "district-health-2023.pdf").read_bytes()


def _golden(tid: str) -> list[dict[str, str]]:
    with (DISTRICT / f"{tid}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _golden_columns(tid: str) -> list[str]:
    with (DISTRICT / f"{tid}.csv").open(encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


def test_district_golden_csvs_are_the_description():
    truth = ground_truth(load_department(FIXTURES / "district-health-2023.yaml"))
    for tid in TABLE_IDS:
        assert _golden_columns(tid) == truth["tables"][tid]["columns"], tid
        assert _golden(tid) == truth["tables"][tid]["rows"], tid


def test_district_sample_reads_back_cell_for_cell():
    from auditlib.reading.pipeline import read_report

    report = read_report(FIXTURES / "district-health-2023.pdf")
    assert report.tables_missing == []
    assert report.department == "示例市示例县卫生健康委员会" and report.year == 2023
    for tid in TABLE_IDS:
        got = report.tables[tid]
        assert got.columns == _golden_columns(tid), tid
        assert got.csv_rows() == _golden(tid), tid
        assert report.units[tid] == "万元"
    # The tables stand in the variant's order (表六 is the 三公 table) and some run over pages.
    first_pages = [report.tables[tid].pages[0] for tid in VARIANTS["district"].order]
    assert first_pages == sorted(first_pages)
    assert any(len(report.tables[tid].pages) > 1 for tid in TABLE_IDS)
    assert any("表六" in line for line in report.tables["three_public"].header_lines)
