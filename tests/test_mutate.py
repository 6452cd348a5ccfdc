"""Mutants differ from their source exactly as their spec says."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

from auditlib.samples.build import load_spec
from auditlib.samples.model import canonical_rows, ground_truth, load_department
from auditlib.samples.mutate import MutationError, apply_mutations, changed_cells

from conftest import DEPARTMENTS, MUTATIONS, RAW, TRUTH

SEED = DEPARTMENTS / "wuchang-bigdata-2023.yaml"
SPECS = sorted(MUTATIONS.glob("*.yaml"))


@pytest.fixture(scope="module")
def seed() -> dict:
    return load_department(SEED)


def _squashed_text(pdf: Path) -> str:
    with pdfplumber.open(pdf) as doc:
        return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in doc.pages))


def _table_rows_without(truth: dict, tid: str) -> list:
    return truth["tables"].get(tid, {}).get("rows")


@pytest.mark.parametrize("spec_path", SPECS, ids=lambda p: p.stem)
def test_committed_mutant_differs_exactly_as_specified(spec_path: Path):
    spec = load_spec(spec_path)
    mutant = json.loads((TRUTH / "mutants" / f"{spec['id']}.json").read_text(encoding="utf-8"))
    source = json.loads((TRUTH / f"{spec['source']}.json").read_text(encoding="utf-8"))
    records = mutant["mutations"]
    assert [r["op"] for r in records] == [m["op"] for m in spec["mutations"]]
    touched_tables = set()
    expected_cells = []
    for rec in records:
        if rec["op"] == "cell":
            expected_cells.append((rec["table"], rec["column"], rec["old"] or "", rec["new"] or ""))
        if rec["op"] in ("cell", "delete_row", "delete_table", "unit_label"):
            touched_tables.add(rec["table"])
    # Tables not named by a table operation are untouched, cell for cell.
    for tid, table in source["tables"].items():
        if tid not in touched_tables:
            assert mutant["tables"][tid] == table, f"{tid} changed but the spec does not say so"
    for rec in records:
        tid = rec.get("table")
        if rec["op"] == "delete_table":
            assert tid in mutant["tables_missing"] and tid not in source["tables_missing"]
        elif rec["op"] == "delete_row":
            before = source["tables"][tid]["rows"]
            after = mutant["tables"][tid]["rows"]
            assert len(after) == len(before) - 1
            assert [r for r in before if r["code"] != rec["row"] and r["name"] != rec["row"]] == after
        elif rec["op"] == "unit_label":
            assert source["tables"][tid]["unit"] == rec["old"] and mutant["tables"][tid]["unit"] == rec["new"]
            assert mutant["tables"][tid]["rows"] == source["tables"][tid]["rows"]
        elif rec["op"] == "attachment_figure":
            i, field = rec["attachment"], rec["field"]
            assert source["attachments"][i][field] == rec["old"]
            assert mutant["attachments"][i][field] == rec["new"] != rec["old"]
    cells = [
        (tid, col, a, b)
        for tid in source["tables"]
        if tid in mutant["tables"] and len(source["tables"][tid]["rows"]) == len(mutant["tables"][tid]["rows"])
        for ra, rb in zip(source["tables"][tid]["rows"], mutant["tables"][tid]["rows"])
        for col in ra
        if ra[col] != rb[col]
        for a, b in [(ra[col], rb[col])]
    ]
    assert sorted(cells) == sorted(expected_cells)


@pytest.mark.parametrize("spec_path", SPECS, ids=lambda p: p.stem)
def test_mutant_pdf_shows_the_change(spec_path: Path):
    """The rendered mutant prints each new text and the source printed the old one."""
    spec = load_spec(spec_path)
    mutant = json.loads((TRUTH / "mutants" / f"{spec['id']}.json").read_text(encoding="utf-8"))
    after = _squashed_text(RAW / "mutants" / f"{spec['id']}.pdf")
    before = _squashed_text(RAW / f"{spec['source']}.pdf")
    for rec in mutant["mutations"]:
        if "new_context" in rec:
            new, old = re.sub(r"\s+", "", rec["new_context"]), re.sub(r"\s+", "", rec["context"])
            assert new in after and old in before
            assert after.count(old) == before.count(old) - 1
        elif rec["op"] == "unit_label":
            assert after.count(f"单位：{rec['new']}") == before.count(f"单位：{rec['new']}") + 1
        elif rec["op"] == "header_department":
            assert rec["new"] in after and rec["new"] not in before
        elif rec["op"] == "delete_explanation":
            old = re.sub(r"\s+", "", rec["old"])
            assert after.count(old) == before.count(old) - 1


# ---------------------------------------------------------------- every operation, in memory


def _apply(seed: dict, *mutations: dict) -> tuple[dict, list]:
    return apply_mutations(seed, {"id": "t", "mutations": list(mutations)})


def test_cell_change_defaults_to_one_unit(seed):
    dept, (rec,) = _apply(seed, {"op": "cell", "table": "expenditure", "row": "2101102", "column": "basic"})
    assert (rec["old"], rec["new"]) == ("10.92", "11.92")
    assert changed_cells(seed, dept) == [("expenditure", 12, "basic", "10.92", "11.92")]


def test_cell_change_fills_a_blank(seed):
    dept, (rec,) = _apply(seed, {"op": "cell", "table": "income", "row": "2010350", "column": "other"})
    assert (rec["old"], rec["new"]) == (None, "1.00")


def test_cell_in_a_panel_and_in_the_basic_detail(seed):
    dept, recs = _apply(
        seed,
        {
            "op": "cell",
            "table": "income_expenditure_summary",
            "row": "总计",
            "panel": "expenditure",
            "column": "amount",
            "value": "2360.69",
        },
        {"op": "cell", "table": "basic_expenditure_detail", "row": "30201", "column": "amount", "delta": "-2.00"},
    )
    changes = changed_cells(seed, dept)
    assert ("income_expenditure_summary", 41, "amount", "2360.70", "2360.69") in changes
    assert any(c[0] == "basic_expenditure_detail" and c[3:] == ("50.47", "48.47") for c in changes)
    assert len(changes) == 2


def test_delete_row_and_table(seed):
    dept, _ = _apply(
        seed,
        {"op": "delete_row", "table": "income", "row": "2210203"},
        {"op": "delete_table", "table": "state_capital"},
    )
    assert len(canonical_rows(dept, "income")) == len(canonical_rows(seed, "income")) - 1
    assert ground_truth(dept)["tables_missing"] == ["state_capital"]


@pytest.mark.parametrize(
    "mutation, old, new",
    [
        ({"op": "narrative_amount", "find": "346.09", "context": "决算数346.09万元"}, "346.09", "347.09"),
        ({"op": "narrative_amount", "find": "2,360.7", "context": "收入合计2,360.7万元"}, "2,360.7", "2,361.7"),
        ({"op": "narrative_percent", "find": "98.4%", "context": "完成年初预算的98.4%"}, "98.4%", "99.4%"),
        (
            {"op": "direction_word", "find": "大于", "context": "支出决算数大于年初预算数的主要原因基本养老"},
            "大于",
            "小于",
        ),
        ({"op": "placeholder", "find": "0.68", "context": "全年预算为 0.68 万元"}, "0.68", "XX"),
        ({"op": "drop_percent", "find": "83.8%", "context": "占授予中小企业合同金额的 83.8%"}, "83.8%", "83.8"),
        ({"op": "header_year", "context": "大数据中心2023年度 部门决算情况说明"}, "2023年", "2022年"),
        (
            {
                "op": "delete_text",
                "find": "主要原因是本单位未配备公务用车。",
                "context": "主要原因是本单位未配备公务用车。",
            },
            "主要原因是本单位未配备公务用车。",
            "",
        ),
    ],
)
def test_text_operations(seed, mutation, old, new):
    dept, (rec,) = _apply(seed, mutation)
    assert (rec["old"], rec["new"]) == (old, new)
    changed = [i for i, (a, b) in enumerate(zip(seed["blocks"], dept["blocks"])) if a != b]
    assert changed == [rec["block"]]
    assert rec["new_context"] in dept["blocks"][rec["block"]]["text"]
    assert ground_truth(dept)["tables"] == ground_truth(seed)["tables"]


def test_attachment_rate_and_unit_and_header(seed):
    dept, recs = _apply(
        seed,
        {"op": "attachment_figure", "attachment": 0, "field": "rate"},
        {"op": "unit_label", "table": "income"},
        {"op": "header_department", "table": "income"},
    )
    assert (recs[0]["old"], recs[0]["new"]) == ("102.02%", "103.02%")
    assert dept["tables"]["income"]["unit"] == "元"
    assert dept["tables"]["income"]["department"] != seed["department"]


@pytest.mark.parametrize("layout", ["wrapped", "overlapped", "after_body", "garbled", "missing"])
def test_title_layout_sets_the_tables_layout_and_nothing_else(seed, layout):
    dept, records = apply_mutations(
        seed, {"id": "t", "mutations": [{"op": "title_layout", "table": "income", "layout": layout}]}
    )
    assert dept["tables"]["income"]["title_layout"] == layout
    assert records[0]["table"] == "income" and records[0]["old"] is None and records[0]["new"] == layout
    assert changed_cells(seed, dept) == []
    assert all("title_layout" not in t for tid, t in dept["tables"].items() if tid != "income")


def test_title_layouts_are_the_renderers():
    """The mutation and the renderer name the same layouts (the metamorphic corpus uses them)."""
    pytest.importorskip("reportlab")
    from auditlib.samples import mutate, render

    assert mutate.TITLE_LAYOUTS == render.TITLE_LAYOUTS


@pytest.mark.parametrize(
    "mutation",
    [
        {"op": "cell", "table": "income", "row": "9999999", "column": "total"},
        {"op": "cell", "table": "state_capital", "row": "合计", "column": "income"},
        {"op": "narrative_amount", "find": "123.45"},
        {"op": "direction_word", "find": "增加了", "context": "增加了"},
        {"op": "delete_explanation", "table": "income"},
        {"op": "title_layout", "table": "income", "layout": "sideways"},
        {"op": "title_layout", "table": "no_such_table", "layout": "wrapped"},
        {"op": "explode"},
    ],
)
def test_bad_mutations_are_refused(seed, mutation):
    with pytest.raises(MutationError):
        _apply(seed, mutation)


def test_mutate_command(tmp_path: Path, need_font):
    spec = tmp_path / "m.yaml"
    spec.write_text(
        "source: wuchang-bigdata-2023\nmutations:\n  - {op: cell, table: three_public, row: '', column: actual_total, value: '5.00'}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "auditlib.cli",
            "mutate",
            str(spec),
            "--out",
            str(tmp_path / "out"),
            "--departments",
            str(DEPARTMENTS),
        ],
        capture_output=True,
        text=True,
    )
    # three_public of the seed prints no figures row: the spec is refused with a usage error.
    assert done.returncode == 2 and "three_public" in done.stderr
    spec.write_text(
        "source: wuchang-bigdata-2023\nmutations:\n  - {op: cell, table: income, row: '201', column: total}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "auditlib.cli",
            "mutate",
            str(spec),
            "--out",
            str(tmp_path / "out"),
            "--departments",
            str(DEPARTMENTS),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    truth = json.loads((tmp_path / "out" / "m.json").read_text(encoding="utf-8"))
    assert truth["mutations"][0]["new"] == "2169.83"
    assert "2,169.83" in _squashed_text(tmp_path / "out" / "m.pdf")


# ---------------------------------------------------------------- the precision issue's operators


@pytest.fixture(scope="module")
def wuhan() -> dict:
    return load_department(DEPARTMENTS / "sample-wuhan-health-2023.yaml")


def _paragraphs(dept: dict) -> list[str]:
    return [b["text"] for b in dept["blocks"] if b.get("type") == "paragraph"]


def test_move_paragraph_reorders_an_item_keeping_its_number(wuhan):
    dept, _ = apply_mutations(
        wuhan, {"id": "t", "mutations": [{"op": "move_paragraph", "context": "2.社会保障", "after": "3.社会保障"}]}
    )
    numbers = [p.split(".", 1)[0] for p in _paragraphs(dept) if re.match(r"\d+\.社会保障", p)]
    assert numbers[:3] == ["1", "3", "2"]
    assert sorted(_paragraphs(dept)) == sorted(_paragraphs(wuhan))  # nothing lost, nothing added


def test_rate_base_names_a_second_budget_and_keeps_the_rate(wuhan):
    dept, (rec,) = apply_mutations(
        wuhan, {"id": "t", "mutations": [{"op": "rate_base", "context": "4.社会保障和就业支出"}]}
    )
    (text,) = [p for p in _paragraphs(dept) if p.startswith("4.社会保障")]
    assert "年初预算数为0.00万元，调整预算数为123.80万元" in text and "完成年初预算的115.9%" in text
    with pytest.raises(MutationError):
        apply_mutations(wuhan, {"id": "t", "mutations": [{"op": "rate_base", "context": "政府采购支出总额"}]})


def test_stray_line_adds_a_punctuation_line(wuhan):
    dept, _ = apply_mutations(wuhan, {"id": "t", "mutations": [{"op": "stray_line", "context": "11.卫生健康支出"}]})
    (text,) = [p for p in _paragraphs(dept) if p.startswith("11.卫生健康支出")]
    assert text.endswith("。\n。")
