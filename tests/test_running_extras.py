"""Test-only and generator-only tools are extras: the runtime needs neither, and says which extra is missing."""

from __future__ import annotations

import sys
import tomllib

import pytest

from auditlib.cli import main

from conftest import ROOT


def test_runtime_dependencies_hold_no_test_or_generator_tools():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = " ".join(project["dependencies"])
    for tool in ("nbval", "pdfplumber", "reportlab", "pytest", "hypothesis"):
        assert tool not in runtime, tool
    assert any(r.startswith("reportlab") for r in project["optional-dependencies"]["samples"])


@pytest.mark.parametrize("argv", [["samples", "--root", "."], ["mutate", "spec.yaml", "--out", "x"]])
def test_generator_without_reportlab_names_the_extra(monkeypatch, capsys, argv):
    monkeypatch.setitem(sys.modules, "reportlab", None)  # as if it were not installed
    assert main(argv) == 2
    assert capsys.readouterr().err.splitlines() == [
        "auditlib: the sample generator needs reportlab: pip install 'auditlib[samples]'"
    ]
