"""The rule catalogue against documents whose errors are known."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from auditlib.reading.pipeline import read_report
from auditlib.rules import RULES, audit
from auditlib.samples.model import load_department
from auditlib.samples.mutate import apply_mutations

from conftest import DEPARTMENTS, RAW, ROOT, font_available

SUITE = yaml.safe_load((ROOT / "tests" / "mutants" / "suite.yaml").read_text(encoding="utf-8"))
CLEAN = sorted(p for p in RAW.glob("sample-*.pdf"))


@pytest.fixture(scope="session")
def mutant_results(tmp_path_factory) -> dict[str, object]:
    """Render every mutant of the suite, read it back from its PDF and audit it."""
    if not font_available():
        pytest.skip("no CJK TrueType font (fonts-wqy-zenhei): cannot render the mutant suite here")
    from auditlib.samples.render import render_pdf

    out = tmp_path_factory.mktemp("mutants")
    results = {}
    for case in SUITE:
        source = load_department(DEPARTMENTS / f"{case['source']}.yaml")
        dept, _records = apply_mutations(source, {"id": case["id"], "mutations": case["mutations"]})
        pdf = render_pdf(dept, out / f"{case['id']}.pdf")
        results[case["id"]] = audit(read_report(pdf, cache=None))
    return results


@pytest.fixture(scope="session")
def clean_results() -> dict[str, object]:
    return {p.stem: audit(read_report(p, cache=None)) for p in CLEAN}


def _matches(finding, expect: dict) -> bool:
    if not finding.rule_id.startswith(expect["rule"]) or finding.severity != expect["severity"]:
        return False
    ev = finding.evidence
    if "table" in expect and expect["table"] not in finding.tables and all(e.table != expect["table"] for e in ev):
        return False
    if "row" in expect and all(e.row != expect["row"] for e in ev):
        return False
    if "column" in expect and all(e.column != expect["column"] for e in ev):
        return False
    return True


def test_suite_is_large_and_covers_every_family():
    assert len(SUITE) >= 30
    families = {e["rule"].split(".")[0] for case in SUITE for e in case["expect"]}
    assert families >= {"table", "cross", "narrative", "attachment", "completeness", "form"}


@pytest.mark.parametrize("case", SUITE, ids=[c["id"] for c in SUITE])
def test_injected_error_is_found(case, mutant_results):
    result = mutant_results[case["id"]]
    for expect in case["expect"]:
        assert any(_matches(f, expect) for f in result.findings), (
            f"{case['id']}: no finding {expect}; got:\n"
            + "\n".join(
                f"{f.severity} {f.rule_id} {f.message} {[(e.table, e.row, e.column) for e in f.evidence]}"
                for f in result.findings
            )
        )


@pytest.mark.parametrize("case", SUITE, ids=[c["id"] for c in SUITE])
def test_injected_error_adds_nothing_else(case, mutant_results, clean_results):
    """Every error or warning the mutant has and its source has not (by fingerprint) is one the case
    names: in ``expect`` (the injected defect) or ``also`` (an identity the changed figure also
    breaks, e.g. the row sum and the 款 total over one changed cell). A finding that points at a root
    (``cause``) is grouped under it and not counted."""
    source = clean_results[case["source"]]
    before = {f.fingerprint for f in source.findings}
    allowed = case["expect"] + case.get("also", [])
    unexplained = [
        f"{f.severity} {f.rule_id} {f.message} {[(e.table, e.row, e.column) for e in f.evidence]}"
        for f in mutant_results[case["id"]].findings
        if f.fingerprint not in before
        and f.severity != "info"
        and f.cause is None
        and not any(_matches(f, e) for e in allowed)
    ]
    assert not unexplained, f"{case['id']}: findings the injection does not explain:\n" + "\n".join(unexplained)


@pytest.mark.parametrize("pdf", CLEAN, ids=lambda p: p.stem)
def test_clean_departments_have_no_error(pdf: Path, clean_results):
    result = clean_results[pdf.stem]
    errors = [f"{f.rule_id}: {f.message}" for f in result.findings if f.severity == "error"]
    assert not errors, "\n".join(errors)


#: Rules whose failing case is a damaged file, not a rendered mutant: the test that audits one.
FAILS_IN_ANOTHER_TEST = {
    "form.file_intact": "tests/test_hostile_files.py::test_truncated_report_is_repaired_with_a_note_and_a_finding",
}


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_rule_passes_somewhere_and_fails_somewhere(rule_id, clean_results, mutant_results):
    """Each rule has a passing case (a clean department) and a failing case (a mutant or the seed,
    or for a rule about the file itself, the test named in FAILS_IN_ANOTHER_TEST)."""
    passed = any(c.rule_id == rule_id and c.outcome == "passed" for r in clean_results.values() for c in r.checks)
    assert passed, f"{rule_id} never passes on the clean departments"
    if rule_id in FAILS_IN_ANOTHER_TEST:
        path, name = FAILS_IN_ANOTHER_TEST[rule_id].split("::")
        assert f"def {name}(" in (ROOT / path).read_text(encoding="utf-8"), FAILS_IN_ANOTHER_TEST[rule_id]
        return
    failing = [cid for cid, r in mutant_results.items() if any(f.rule_id == rule_id for f in r.findings)]
    seed = audit(read_report(RAW / "wuchang-bigdata-2023.pdf", cache=None)) if not failing else None
    assert failing or any(f.rule_id == rule_id for f in seed.findings), f"{rule_id} has no failing case"


def test_every_rule_is_documented():
    for rule in RULES.values():
        assert rule.doc and rule.title and rule.example, rule.id
        assert rule.id.split(".")[0] in {"table", "cross", "narrative", "attachment", "completeness", "form"}


def test_docs_rules_md_is_current():
    done = subprocess.run(
        [sys.executable, "-m", "auditlib.cli", "rules", "--markdown"], capture_output=True, text=True, check=True
    )
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == done.stdout, "docs/rules.md is stale: run `make docs`"


def test_each_failed_check_has_exactly_one_finding(clean_results, mutant_results):
    for result in list(mutant_results.values()) + list(clean_results.values()):
        failed = [c for c in result.checks if c.outcome == "failed"]
        assert all(c.finding is not None and c.severity == c.finding.severity for c in failed)
        assert len(failed) == len(result.findings)
        assert all(c.reason for c in result.checks if c.outcome == "skipped")


def test_audit_command_is_deterministic(tmp_path: Path):
    pdf = RAW / "wuchang-bigdata-2023.pdf"
    outs = []
    for run in ("a", "b"):
        out = tmp_path / run
        done = subprocess.run(
            [sys.executable, "-m", "auditlib.cli", "audit", str(pdf), "--out", str(out), "--no-cache"],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        outs.append(out)
    for name in ("findings.json", "findings.csv", "checks.csv", "findings.xlsx", "tables/income.csv"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    doc = json.loads((outs[0] / "findings.json").read_text(encoding="utf-8"))
    severities = [f["severity"] for f in doc["findings"]]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    assert doc["tool"]["rules_version"] and doc["source"]["file"] == pdf.name


def test_spreadsheet_outputs_never_hold_formulas_or_control_characters(tmp_path: Path):
    """Text quoted from an untrusted PDF stays text in findings.csv and findings.xlsx."""
    import io

    from openpyxl import load_workbook

    from auditlib.model.findings import Evidence, Finding
    from auditlib.outputs.findings_files import audit_files

    class _Report:
        department, year, units = "示例", 2023, {}

        def to_json(self):
            return {"source": {"file": "x.pdf", "sha256": "0", "pages": 1}}

    hostile = Finding(
        "form.placeholder",
        "warning",
        '=HYPERLINK("http://x")\x07',
        [],
        None,
        None,
        None,
        [Evidence(1, None, None, None, None, "+cmd|' /C calc'!A0")],
    )
    files = audit_files(_Report(), [hostile], [], {"version": "t", "rules_version": "1"}).files
    csv_text = files["findings.csv"].decode("utf-8")
    assert "'=HYPERLINK" in csv_text and "'+cmd" in csv_text and "\x07" not in csv_text
    ws = load_workbook(io.BytesIO(files["findings.xlsx"])).active
    values = [c.value for c in ws[2]]
    assert all(not (isinstance(v, str) and v.startswith(("=", "+"))) for v in values)
    assert all(c.data_type == "s" for c in ws[2] if isinstance(c.value, str))
