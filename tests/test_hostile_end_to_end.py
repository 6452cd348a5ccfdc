"""Bombs through the command line: `extract`, `audit`, `batch` and `batch --scheduler local:1`.

Each bomb (auditlib.samples.hostile, built from the small sample) must end as exit 3 with one line
``auditlib: <file>: <cause>``, nothing left in --out, within --timeout plus a few seconds; in a
batch, ``failed_input`` with that cause for its department only, the other departments audited.
The causes are those of the structure checks (reading.precheck) or, for what they cannot see, of
the reading sandbox (``exceeds the memory limit``, ``reading crashed (signal N)``, over --timeout).
The self-referencing /Length is not refused: it is read from qpdf's copy, with a note.

Every child runs under an address-space limit of 6 GB (``RLIMIT_AS``), so a bomb that escapes
fails its test instead of taking the machine down.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from auditlib.samples import hostile

from conftest import RAW, ROOT

pytestmark = pytest.mark.slow  # the command line and batches on bombs

BASE = RAW / "sample-wuhan-small-2024.pdf"
OTHER = RAW / "sample-yuan-street-2023.pdf"
TIMEOUT = 20
SLACK = 5  # seconds past --timeout that still count as stopped in time
CHILD_LIMIT = 6 << 30

#: What each bomb must give: a refusal cause (regex on the one line), or None for a clean read.
EXPECTED = {
    "inflate": r"a compressed stream inflates to over \d+ MB",
    "pages": r"5000 pages, over --max-pages 1000",
    "image": r"image of 20000x20000 pixels over the \d+ MB limit once decoded",
    "nesting": r"nesting too deep \(.*\)",
    "page_tree_cycle": r"circular page tree \(.*\)",
    "xobject_self": r"a form XObject draws itself \(page \d+\)",
    "length_self": None,
    "huge_mediabox": r"page size out of range \(page \d+\)",
}


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_LIMIT, CHILD_LIMIT))


def run_cli(*args: str, timeout: float = 300) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "auditlib.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        preexec_fn=_limit,
    )
    return done, time.monotonic() - started


@pytest.fixture(scope="module")
def bombs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    return {name: hostile.build_bomb(name, BASE, folder / f"{name}.pdf") for name in hostile.BOMBS}


def assert_refused(done: subprocess.CompletedProcess, seconds: float, pdf: Path, out: Path, cause: str) -> None:
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert done.returncode == 3, f"exit {done.returncode}: {done.stderr[-2000:]}"
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"auditlib: {pdf}: "), done.stderr
    assert re.fullmatch(f"(?:{cause})", lines[0][len(f"auditlib: {pdf}: ") :]), lines[0]
    assert not out.exists(), sorted(str(p) for p in out.rglob("*"))
    assert seconds < TIMEOUT + SLACK, f"{seconds:.1f} s with --timeout {TIMEOUT}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bomb_through_extract(bombs, name, tmp_path: Path):
    pdf, out = bombs[name], tmp_path / "out"
    done, seconds = run_cli("extract", str(pdf), "--out", str(out), "--timeout", str(TIMEOUT), "--no-cache")
    if EXPECTED[name] is None:
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Traceback" not in done.stderr
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        assert "damaged stream length: repaired" in report["notes"]
        assert seconds < TIMEOUT + SLACK
    else:
        assert_refused(done, seconds, pdf, out, EXPECTED[name])


@pytest.mark.parametrize("name", ["huge_mediabox", "xobject_self"])
def test_bomb_through_audit(bombs, name, tmp_path: Path):
    """Two of the files that escaped every safeguard (issue 12); `audit` reads as `extract` does
    (running.read_guard), so the other bombs and the self-referencing /Length (a full read, about
    10 s) are left to the `extract` test."""
    pdf, out = bombs[name], tmp_path / "out"
    done, seconds = run_cli("audit", str(pdf), "--out", str(out), "--timeout", str(TIMEOUT), "--no-cache")
    assert_refused(done, seconds, pdf, out, EXPECTED[name])


#: Bombs put in a batch: each department costs a kernel run, so two kinds stand for all.
IN_BATCH = ["huge_mediabox", "xobject_self"]


def _batch(tmp_path: Path, *extra: str) -> tuple[subprocess.CompletedProcess, dict, list[str]]:
    """A batch of two bombs and one normal department."""
    src = tmp_path / "in"
    src.mkdir()
    refused = IN_BATCH
    for name in refused:
        hostile.build_bomb(name, BASE, src / f"bomb-{name}.pdf")
    shutil.copy(OTHER, src / OTHER.name)
    out = tmp_path / "out"
    done, _ = run_cli(
        "batch", str(src), "--out", str(out), "--quiet", "--no-cache", "--timeout", str(TIMEOUT), *extra, timeout=900
    )
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return done, manifest, refused


def _check_batch(done: subprocess.CompletedProcess, manifest: dict, refused: list[str]) -> None:
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert done.returncode == 3, done.stderr[-3000:]
    entries = manifest["departments"]
    by_file = {Path(e["input"]).name: e for e in entries.values()}
    assert by_file[OTHER.name]["status"] == "audited", by_file[OTHER.name]
    for name in refused:
        entry = by_file[f"bomb-{name}.pdf"]
        assert entry["status"] == "failed_input", entry
        assert re.fullmatch(f"(?:{EXPECTED[name]})", entry["cause"] or ""), entry


def test_bombs_in_a_batch_are_failed_input_alone(tmp_path: Path):
    done, manifest, refused = _batch(tmp_path, "--jobs", "2")
    _check_batch(done, manifest, refused)


def test_bombs_in_a_dask_batch_are_failed_input_alone(tmp_path: Path):
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    done, manifest, refused = _batch(tmp_path, "--scheduler", "local:1")
    _check_batch(done, manifest, refused)


def test_no_copy_outlives_a_run(bombs, tmp_path: Path):
    """A repaired copy is removed when the run ends; one left by a killed reader by the next run."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (tmp / f"auditlib-copy-{int(dead.stdout)}-x").mkdir()
    pdf = tmp_path / "cut.pdf"
    pdf.write_bytes(BASE.read_bytes()[:-35])
    env = {**os.environ, "TMPDIR": str(tmp)}
    done = subprocess.run(
        [sys.executable, "-m", "auditlib.cli", "extract", str(pdf), "--out", str(tmp_path / "out"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        preexec_fn=_limit,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert not list(tmp.glob("auditlib-copy-*"))
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["notes"][0] == "damaged file: repaired by qpdf"


@pytest.fixture
def structure_checks_off(monkeypatch):
    """The structure checks disarmed in this process (and so in the reading children it forks):
    what is left to stop a bomb is the sandbox alone, as for a hostile file the checks do not know."""
    from auditlib.reading import precheck

    checked = precheck.precheck

    def lenient(path, password, doc):
        try:
            return checked(path, password, doc)
        except Exception:  # noqa: BLE001 - any refusal is disarmed
            return precheck.Precheck()

    monkeypatch.setattr(precheck, "precheck", lenient)
    monkeypatch.setattr(precheck, "_guarded", lambda check, *args: None)


@pytest.mark.parametrize("name", ["inflate", "xobject_self"])
def test_without_the_structure_checks_the_sandbox_alone_stops_the_bomb(name, bombs, structure_checks_off):
    """Defence in depth: the inflate bomb and the self-drawing form XObject, with no precheck to
    refuse them, grow until the reading child is stopped at --max-memory; the caller lives on."""
    from auditlib.reading.pdf import InputError
    from auditlib.running import sandbox
    from auditlib.running.read_guard import read_guarded

    if not sandbox.available():
        pytest.skip("reading children need Linux fork")
    started = time.monotonic()
    with pytest.raises(InputError, match=r"^exceeds the memory limit \(--max-memory 512 MB\)$"):
        read_guarded(bombs[name], timeout=TIMEOUT, max_memory=512, cache=None)
    assert time.monotonic() - started < TIMEOUT + SLACK
    assert sandbox.last_child.peak_rss_mb < 512 + 64
