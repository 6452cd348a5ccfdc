"""pyproject.toml and environment.yml describe the same environment."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import yaml

from conftest import ROOT


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[ ;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _spec(req: str) -> str:
    return req.strip()[len(_name(req)) :].replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    wanted = project["dependencies"] + extras["samples"] + extras["test"] + extras["dask"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = [d for d in env["dependencies"] if isinstance(d, str) and not d.startswith("python")]
    assert {_name(r): _spec(r) for r in wanted} == {_name(d): _spec(d) for d in conda}


def test_every_dependency_has_a_version_range():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for req in project["dependencies"]:
        assert ">=" in req and "<" in req, f"{req}: pin a range (>=low,<high)"


def test_console_script_runs():
    done = subprocess.run([sys.executable, "-m", "auditlib.cli", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("auditlib ")


def test_usage_error_exits_2_without_traceback():
    done = subprocess.run(
        [sys.executable, "-m", "auditlib.cli", "inspect", "/nonexistent.pdf"], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "/nonexistent.pdf" in done.stderr


def test_make_help_lists_the_targets():
    done = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True)
    for target in ("demo", "test", "samples", "help"):
        assert f"make {target}" in done.stdout
