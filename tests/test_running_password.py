"""The PDF password never reaches a kept file: batch (forked and launched kernels) and audit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import RAW, ROOT

pytestmark = pytest.mark.slow  # batches and the command line on an encrypted PDF

SECRET = "SECRET-pw-7f3a"


def _encrypted(dest: Path) -> Path:
    import pikepdf

    with pikepdf.open(RAW / "sample-wuhan-small-2024.pdf") as pdf:
        pdf.save(dest, encryption=pikepdf.Encryption(user=SECRET, owner="owner-only"))
    return dest


def _every_byte(folder: Path) -> list[tuple[str, bytes]]:
    """Each file under ``folder`` (hidden ones included), and each member of every zip (xlsx) unzipped."""
    out = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        out.append((str(path), data))
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                out += [(f"{path}!{name}", archive.read(name)) for name in archive.namelist()]
    return out


def _assert_secret_absent(folder: Path, xlsx: bool = True) -> None:
    files = _every_byte(folder)
    assert files, f"nothing written in {folder}"
    if xlsx:
        assert any("findings.xlsx!" in name for name, _ in files), "the xlsx was not unzipped"
    leaks = [name for name, data in files if SECRET.encode() in data or SECRET.encode("utf-16-le") in data]
    assert leaks == []


@pytest.mark.parametrize("kernel", ["fork", "spawn"])
def test_batch_with_password_keeps_it_nowhere(tmp_path: Path, kernel: str):
    in_dir, out = tmp_path / "in", tmp_path / "out"
    in_dir.mkdir()
    _encrypted(in_dir / "locked.pdf")
    done = subprocess.run(
        [sys.executable, "-m", "auditlib.cli", "batch", str(in_dir), "--out", str(out), "--jobs", "1", "--quiet"]
        + ["--no-cache", "--password", SECRET],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        env={**os.environ, "AUDITLIB_KERNEL": kernel},
    )
    assert done.returncode == 0, done.stderr
    entry = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["departments"]["locked"]
    assert entry["status"] == "audited" and entry["department"] == "示例市示例区档案馆"
    assert entry["parameters"]["password"] is True
    assert (out / "locked" / "audit.ipynb").is_file() and (out / "locked" / "findings.xlsx").is_file()
    _assert_secret_absent(out)


def test_audit_with_password_keeps_it_nowhere(tmp_path: Path):
    pdf = _encrypted(tmp_path / "locked.pdf")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "auditlib.cli", "audit", str(pdf), "--out", str(out), "--password", SECRET]
        + ["--cache", str(tmp_path / "cache")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["department"] == "示例市示例区档案馆"
    _assert_secret_absent(out)
    _assert_secret_absent(tmp_path / "cache", xlsx=False)
