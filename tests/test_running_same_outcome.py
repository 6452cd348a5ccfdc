"""The same bad file gives the same outcome on every path: extract, audit, batch (local pool), Dask.

The command line exits 3 with exactly ``auditlib: <file>: <cause>``; a batch records the department
as ``failed_input`` with the same cause (auditlib.running.read_guard is the one mapping).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from test_bad_input import make_html, make_scanned, make_truncated, make_unrelated_table, make_user_password

from conftest import RAW, ROOT

pytestmark = pytest.mark.slow  # the bad-input corpus through the command line, batches and Dask

SMALL = RAW / "sample-wuhan-small-2024.pdf"
CASES = {  # file -> what its cause says
    "empty.pdf": "empty file",
    "page.pdf": "not a PDF (an HTML page)",
    "truncated.pdf": "damaged PDF",
    "locked.pdf": "encrypted: a password is needed",
    "scanned.pdf": "no text layer (scanned",
    "fruit.pdf": "not a final-accounts report",
}


def _cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "auditlib.cli", *args], capture_output=True, text=True, cwd=ROOT, timeout=timeout
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bad") / "in"
    folder.mkdir()
    (folder / "empty.pdf").write_bytes(b"")
    make_html(folder / "page.pdf")
    make_truncated(folder / "truncated.pdf")
    make_user_password(folder / "locked.pdf")
    make_scanned(folder / "scanned.pdf")
    make_unrelated_table(folder / "fruit.pdf")
    return folder


def _command_line_cause(command: str, pdf: Path, out: Path, *extra: str) -> str:
    done = _cli(command, str(pdf), "--out", str(out), "--no-cache", *extra)
    assert done.returncode == 3, (command, pdf.name, done.returncode, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"auditlib: {pdf}: "), (command, done.stderr)
    assert not out.exists()
    return lines[0][len(f"auditlib: {pdf}: ") :]


def _batch_causes(in_dir: Path, out: Path, *extra: str) -> dict[str, tuple[str, str]]:
    done = _cli("batch", str(in_dir), "--out", str(out), "--jobs", "2", "--quiet", "--no-cache", *extra)
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    deps = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["departments"]
    return {slug: (e["status"], e["cause"]) for slug, e in deps.items()}


def test_every_path_gives_the_same_cause(corpus: Path, tmp_path: Path):
    batch = _batch_causes(corpus, tmp_path / "batch")
    for name, expected in CASES.items():
        pdf = corpus / name
        audit = _command_line_cause("audit", pdf, tmp_path / f"audit-{name}")
        extract = _command_line_cause("extract", pdf, tmp_path / f"extract-{name}")
        assert expected in audit, (name, audit)
        assert extract == audit, name
        assert batch[pdf.stem] == ("failed_input", audit), name


def test_over_max_pages_is_the_same_everywhere(tmp_path: Path):
    in_dir = tmp_path / "in"
    in_dir.mkdir()
    pdf = in_dir / "small.pdf"
    shutil.copy(SMALL, pdf)
    audit = _command_line_cause("audit", pdf, tmp_path / "audit", "--max-pages", "2")
    assert audit.endswith("over --max-pages 2")
    assert _command_line_cause("extract", pdf, tmp_path / "extract", "--max-pages", "2") == audit
    assert _batch_causes(in_dir, tmp_path / "batch", "--max-pages", "2") == {"small": ("failed_input", audit)}


def test_dask_gives_the_same_cause(corpus: Path, tmp_path: Path):
    pytest.importorskip("distributed")
    in_dir = tmp_path / "in"
    in_dir.mkdir()
    for name in ("truncated.pdf", "locked.pdf"):
        shutil.copy(corpus / name, in_dir / name)
    dask = _batch_causes(in_dir, tmp_path / "dask", "--scheduler", "local:1")
    for name in ("truncated.pdf", "locked.pdf"):
        audit = _command_line_cause("audit", in_dir / name, tmp_path / f"audit-{name}")
        assert dask[Path(name).stem] == ("failed_input", audit), name
