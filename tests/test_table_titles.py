"""Tables whose titles are damaged in the text layer, rendered and read back (issue 13).

The suite mutants m45–m49 (tests/mutants/suite.yaml) render one table of a clean sample with its
title wrapped, overprinted by a part heading, emitted after the body, garbled or missing. Each is
read back from its PDF with every table found. A title only laid out differently changes nothing:
the findings are the source's, message for message. A garbled or missing title adds exactly one
form.table_title warning on that table, and never a completeness error.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from auditlib.reading.pipeline import read_report
from auditlib.rules import audit
from auditlib.samples.model import load_department
from auditlib.samples.mutate import apply_mutations

from conftest import DEPARTMENTS, RAW, ROOT, font_available

pytestmark = pytest.mark.slow

SUITE = yaml.safe_load((ROOT / "tests" / "mutants" / "suite.yaml").read_text(encoding="utf-8"))
CASES = [c for c in SUITE if any(m["op"] == "title_layout" for m in c["mutations"])]


def _findings(result) -> list[tuple[str, str, str]]:
    return sorted((f.rule_id, f.severity, f.message) for f in result.findings)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, tuple[object, object]]:
    """(report, audit result) of each title mutant, read back from its rendered PDF."""
    if not font_available():
        pytest.skip("no CJK TrueType font (fonts-wqy-zenhei): cannot render the title mutants here")
    from auditlib.samples.render import render_pdf

    out = tmp_path_factory.mktemp("titles")
    done = {}
    for case in CASES:
        source = load_department(DEPARTMENTS / f"{case['source']}.yaml")
        dept, _records = apply_mutations(source, {"id": case["id"], "mutations": case["mutations"]})
        report = read_report(render_pdf(dept, out / f"{case['id']}.pdf"), cache=None)
        done[case["id"]] = (report, audit(report))
    return done


@pytest.fixture(scope="module")
def sources() -> dict[str, tuple[object, object]]:
    done = {}
    for name in sorted({c["source"] for c in CASES}):
        report = read_report(RAW / f"{name}.pdf", cache=None)
        done[name] = (report, audit(report))
    return done


def test_every_layout_is_in_the_suite():
    layouts = {m["layout"] for c in CASES for m in c["mutations"]}
    assert layouts == {"wrapped", "overlapped", "after_body", "garbled", "missing"}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_every_table_is_read_back(case, rendered, sources):
    report, _ = rendered[case["id"]]
    source, _ = sources[case["source"]]
    assert sorted(report.tables) == sorted(source.tables)
    tid = case["mutations"][0]["table"]
    # The damaged table is read whole: the same rows and amounts as in the source.
    assert report.tables[tid].rows == source.tables[tid].rows
    assert report.tables_found[tid][0] == source.tables_found[tid][0]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_findings_are_the_sources_plus_one_title_warning_when_garbled_or_missing(case, rendered, sources):
    _, result = rendered[case["id"]]
    _, before = sources[case["source"]]
    layout = case["mutations"][0]["layout"]
    tid = case["mutations"][0]["table"]
    got, expected = _findings(result), _findings(before)
    if layout in ("wrapped", "overlapped", "after_body"):
        assert got == expected
        assert all(c.outcome == "passed" for c in result.checks if c.rule_id == "form.table_title")
        return
    new = [f for f in result.findings if (f.rule_id, f.severity, f.message) not in expected]
    assert [(f.rule_id, f.severity, f.tables) for f in new] == [("form.table_title", "warning", [tid])]
    assert sorted(set(got) - {(f.rule_id, f.severity, f.message) for f in new}) == expected
    assert not [f for f in result.findings if f.rule_id.startswith("completeness.")]
    word = "标题文字有误" if layout == "garbled" else "未见标题"
    report, _ = rendered[case["id"]]
    assert word in new[0].message and new[0].evidence[0].page == report.tables[tid].pages[0]


@pytest.mark.parametrize(
    "pdf",
    sorted(RAW.glob("*.pdf")) + sorted((ROOT / "tests" / "fixtures" / "real").glob("*.pdf")),
    ids=lambda p: p.stem,
)
def test_titles_of_the_sample_and_real_reports_are_all_read(pdf: Path):
    """Every table of the committed samples and real reports is found by its title: no
    form.table_title finding where the producers printed their titles as usual."""
    result = audit(read_report(pdf, cache=None))
    checks = [c for c in result.checks if c.rule_id == "form.table_title"]
    assert checks and all(c.outcome == "passed" for c in checks), [(c.subject, c.outcome) for c in checks]


def test_a_report_with_no_title_readable_is_read_whole(tmp_path):
    """All nine titles missing: the report test counts the tables recognised by structure, every
    table is read with its rows, and the findings are the source's plus nine title warnings (a
    multi-page table whose note names it on its last page starts on its first page)."""
    if not font_available():
        pytest.skip("no CJK TrueType font (fonts-wqy-zenhei): cannot render here")
    from auditlib.profiles.final_accounts import TABLE_IDS
    from auditlib.samples.render import render_pdf

    name = "sample-wuhan-health-2023"
    mutations = [{"op": "title_layout", "table": tid, "layout": "missing"} for tid in TABLE_IDS]
    dept, _ = apply_mutations(load_department(DEPARTMENTS / f"{name}.yaml"), {"id": "t", "mutations": mutations})
    report = read_report(render_pdf(dept, tmp_path / "untitled.pdf"), cache=None)
    source = read_report(RAW / f"{name}.pdf", cache=None)
    assert {tid: t.rows for tid, t in report.tables.items()} == {tid: t.rows for tid, t in source.tables.items()}
    result, before = audit(report), audit(source)
    titles = [f for f in result.findings if f.rule_id == "form.table_title"]
    assert sorted(f.tables[0] for f in titles) == sorted(TABLE_IDS)
    assert all(f.severity == "warning" and "未见标题" in f.message for f in titles)
    assert sorted(set(_findings(result)) - {(f.rule_id, f.severity, f.message) for f in titles}) == _findings(before)
