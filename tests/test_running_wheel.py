"""The notebooks ship as package data: a wheel installed outside the source tree runs a batch."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from conftest import RAW, ROOT


def _build_wheel(tmp_path: Path) -> Path:
    """A wheel from a clean copy of the sources (no stale build/ folder can leak into it), offline.

    ``--no-build-isolation`` uses this environment's setuptools; where that cannot build wheels (no
    ``wheel`` package beside setuptools older than 70.1) pip builds in isolation from its configured
    index instead."""
    source = tmp_path / "source"
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)]
    done = subprocess.run([*command, "--no-build-isolation"], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    (wheel,) = wheels.glob("auditlib-*.whl")
    return wheel


@pytest.mark.slow
def test_installed_wheel_runs_a_batch_from_another_folder(tmp_path: Path):
    wheel = _build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {"auditlib/notebooks/department_audit.ipynb", "auditlib/notebooks/portfolio.ipynb"} <= names
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
        check=True,
        timeout=300,
    )
    # The project's dependencies without downloading: this environment's site-packages, appended.
    site = Path(
        subprocess.check_output(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
        ).strip()
    )
    (site / "shared-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    # ... and their data files (nbconvert's HTML templates live under the environment's share/jupyter).
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    where = subprocess.check_output(
        [str(python), "-c", "import auditlib; print(auditlib.__file__)"], text=True, env=env
    )
    assert where.startswith(str(venv)), where
    work = tmp_path / "elsewhere"
    (work / "in").mkdir(parents=True)
    shutil.copy(RAW / "sample-wuhan-small-2024.pdf", work / "in" / "small.pdf")
    done = subprocess.run(
        [str(venv / "bin" / "auditlib"), "batch", "in", "--out", "out", "--jobs", "1", "--quiet", "--no-cache"],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    entry = json.loads((work / "out" / "manifest.json").read_text(encoding="utf-8"))["departments"]["small"]
    assert entry["status"] == "audited" and entry["department"] == "示例市示例区档案馆"
    assert (work / "out" / "small" / "audit.html").is_file()
    assert (work / "out" / "portfolio" / "portfolio.html").is_file()
