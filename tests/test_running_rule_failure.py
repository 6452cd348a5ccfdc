"""A rule that raises: the outputs are kept, the traceback is in rules.log, audit exits 1 naming the
rule, a batch records the department as failed_error with that cause.

The rule is broken from outside the code under test: a ``sitecustomize`` module on PYTHONPATH (this
test's own, in tmp_path) replaces one registered rule by a function that raises, in every process the
command starts (the batch, its workers, kernel templates and kernels).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import RAW, ROOT

pytestmark = pytest.mark.slow  # the command line and a batch with a broken rule

HOOK = """
import os

_RULE = os.environ.get("AUDITLIB_TEST_BREAK_RULE")
if _RULE:
    import dataclasses

    import auditlib.rules  # noqa: F401 - the rules register on import
    from auditlib.rules.registry import RULES

    def _broken(ctx):
        raise ZeroDivisionError("broken on purpose by the test")
        yield

    RULES[_RULE] = dataclasses.replace(RULES[_RULE], func=_broken)
"""


@pytest.fixture(scope="module")
def broken_env(tmp_path_factory) -> tuple[dict[str, str], str]:
    from auditlib.rules.registry import RULES

    rule_id = sorted(RULES)[0]
    hook = tmp_path_factory.mktemp("hook")
    (hook / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    path = os.pathsep.join(p for p in (str(hook), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, "AUDITLIB_TEST_BREAK_RULE": rule_id}, rule_id


def _internal_lines(checks: Path) -> list[dict[str, str]]:
    rows = csv.DictReader(checks.read_text(encoding="utf-8").splitlines())
    return [r for r in rows if r["outcome"] == "internal"]


def test_audit_keeps_outputs_and_exits_1_naming_the_rule(broken_env, tmp_path: Path):
    env, rule_id = broken_env
    pdf = RAW / "sample-wuhan-small-2024.pdf"
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "auditlib.cli", "audit", str(pdf), "--out", str(out), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [
        f"auditlib: {pdf}: rule {rule_id} raised ZeroDivisionError: broken on purpose by the test "
        "(traceback in rules.log)"
    ]
    assert [r["rule_id"] for r in _internal_lines(out / "checks.csv")] == [rule_id]
    assert (out / "findings.json").is_file() and (out / "tables" / "income.csv").is_file()
    log = (out / "rules.log").read_text(encoding="utf-8")
    assert log.startswith(f"rule {rule_id} raised an exception:") and "Traceback" in log and "_broken" in log


def test_batch_records_failed_error_and_keeps_outputs(broken_env, tmp_path: Path):
    env, rule_id = broken_env
    in_dir, out = tmp_path / "in", tmp_path / "out"
    in_dir.mkdir()
    shutil.copy(RAW / "sample-wuhan-small-2024.pdf", in_dir / "small.pdf")
    done = subprocess.run(
        [sys.executable, "-m", "auditlib.cli", "batch", str(in_dir), "--out", str(out), "--jobs", "1", "--quiet"]
        + ["--no-cache"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
    )
    assert done.returncode == 1, done.stderr
    entry = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["departments"]["small"]
    assert entry["status"] == "failed_error" and entry["failing_cell"] is None
    assert entry["cause"].startswith(f"rule {rule_id} raised ZeroDivisionError"), entry["cause"]
    assert f"small: failed_error: rule {rule_id} raised" in done.stderr
    dept = out / "small"
    for name in ("audit.ipynb", "audit.html", "findings.json", "checks.csv", "rules.log"):
        assert (dept / name).is_file(), name
    assert [r["rule_id"] for r in _internal_lines(dept / "checks.csv")] == [rule_id]
    assert "规则内部错误（见 rules.log）" in (dept / "audit.html").read_text(encoding="utf-8")
