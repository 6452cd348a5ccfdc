"""auditlib batch: papermill per department, manifest, resume, failures, portfolio."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from auditlib.running.batch import discover

from conftest import RAW, ROOT

pytestmark = pytest.mark.slow  # batches: papermill kernels over sample PDFs


def _batch(
    in_dir: Path, out: Path, *extra: str, timeout: float = 600, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "auditlib.cli",
            "batch",
            str(in_dir),
            "--out",
            str(out),
            "--jobs",
            "2",
            "--quiet",
            "--no-cache",
            *extra,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        env=env,
    )


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory):
    """One batch over two departments, a broken file and a same-named PDF in a subfolder."""
    base = tmp_path_factory.mktemp("batch")
    in_dir = base / "in"
    (in_dir / "again").mkdir(parents=True)
    shutil.copy(RAW / "wuchang-bigdata-2023.pdf", in_dir / "wuchang-bigdata-2023.pdf")
    shutil.copy(RAW / "sample-wuhan-small-2024.pdf", in_dir / "Sample Wuhan Small 2024.pdf")
    shutil.copy(RAW / "sample-wuhan-small-2024.pdf", in_dir / "again" / "sample wuhan small 2024.pdf")
    (in_dir / "broken.pdf").write_bytes(b"%PDF-1.7 this is not really a pdf")
    out = base / "out"
    done = _batch(in_dir, out)
    return in_dir, out, done


def test_slugs_follow_the_contract(tmp_path: Path):
    for name in ("A b.pdf", "sub/a  b.pdf", "portfolio.pdf", "x/../y.pdf".replace("/../", "_.._"), "报告 2023.PDF"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF")
    slugs = {j.rel: j.slug for j in discover(tmp_path)}
    assert slugs["报告 2023.PDF"] == "报告_2023"
    assert slugs["A b.pdf"].startswith("a_b-") and slugs["sub/a  b.pdf"].startswith("a_b-")
    assert slugs["A b.pdf"] != slugs["sub/a  b.pdf"]
    assert slugs["portfolio.pdf"].startswith("portfolio-")
    assert all("/" not in s and ".." not in s for s in slugs.values())


def test_batch_outputs_and_exit_status(batch_run):
    in_dir, out, done = batch_run
    assert done.returncode == 3, done.stderr  # one input could not be audited
    assert "auditlib batch: 4 departments" in done.stdout
    assert "broken: failed_input" in done.stderr and "Traceback" not in done.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    deps = manifest["departments"]
    assert set(deps) == {j.slug for j in discover(in_dir)}
    assert deps["broken"]["status"] == "failed_input" and deps["broken"]["cause"]
    assert deps["broken"]["failing_cell"] is not None
    assert sorted(p.name for p in (out / "broken").iterdir()) == ["audit.failed.ipynb"]
    seed = out / "wuchang-bigdata-2023"
    for name in (
        "audit.ipynb",
        "audit.html",
        "findings.json",
        "findings.csv",
        "findings.xlsx",
        "checks.csv",
        "report.json",
        "tables/income.csv",
        "tables/income.cells.csv",
    ):
        assert (seed / name).exists(), name
    assert deps["wuchang-bigdata-2023"]["status"] == "audited"
    assert {"input", "sha256", "parameters", "started", "seconds", "status", "cause", "failing_cell"} <= set(
        deps["wuchang-bigdata-2023"]
    )
    assert manifest["tool"]["version"] and manifest["tool"]["rules_version"]
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "staging folders left behind"


def test_html_holds_findings_and_evidence_images(batch_run):
    _in, out, _done = batch_run
    seed = out / "wuchang-bigdata-2023"
    html = (seed / "audit.html").read_text(encoding="utf-8")
    findings = json.loads((seed / "findings.json").read_text(encoding="utf-8"))["findings"]
    for f in findings:
        if f["severity"] != "info":
            assert f["message"][:20] in html.replace("&quot;", '"').replace("&#x27;", "'"), f["message"]
    images = sorted((seed / "evidence").glob("*.png"))
    assert len(images) == sum(1 for f in findings if f["severity"] != "info")
    assert html.count("data:image/png;base64") >= len(images) + 3  # evidence images and charts
    assert "def " not in html and "import " not in html  # a working paper, not a script


def test_forked_and_launched_kernels_give_the_same_files(batch_run, tmp_path: Path):
    """The kernel template (auditlib.running.kernel_fork) only saves start-up time: the same department audited
    in kernels launched the ordinary way (AUDITLIB_KERNEL=spawn) gives the same files, byte for byte,
    the HTML working paper included (only the executed notebook holds timings)."""
    from auditlib.running import kernel_fork

    if not kernel_fork.available():
        print("kernel template unavailable here: both runs launch kernels; this checks determinism only")
    in_dir = tmp_path / "in"
    in_dir.mkdir()
    shutil.copy(RAW / "wuchang-bigdata-2023.pdf", in_dir / "wuchang-bigdata-2023.pdf")
    done = _batch(in_dir, tmp_path / "out", env={**os.environ, kernel_fork.MODE_VARIABLE: "spawn"})
    assert done.returncode == 0, done.stderr
    forked, launched = batch_run[1] / "wuchang-bigdata-2023", tmp_path / "out" / "wuchang-bigdata-2023"

    def files(folder: Path) -> list[Path]:
        return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file() and p.name != "audit.ipynb")

    assert files(forked) == files(launched) and len(files(forked)) > 20
    for rel in files(forked):
        assert (forked / rel).read_bytes() == (launched / rel).read_bytes(), rel


def test_portfolio(batch_run):
    _in, out, _done = batch_run
    summary = (out / "portfolio" / "summary.csv").read_text(encoding="utf-8").splitlines()
    assert summary[0] == "slug,department,year,status,errors,warnings,infos,seconds"
    assert len(summary) == 5
    row = next(line for line in summary if line.startswith("wuchang-bigdata-2023,"))
    assert ",audited,4,3,3," in row
    assert (out / "portfolio" / "portfolio.ipynb").exists()
    html = (out / "portfolio" / "portfolio.html").read_text(encoding="utf-8")
    assert "武汉市武昌区大数据中心" in html and "attachment.basic_project_totals" in html


def test_rerun_skips_unchanged_and_redoes_changed(batch_run):
    in_dir, out, _done = batch_run
    before = (out / "wuchang-bigdata-2023" / "findings.json").stat().st_mtime_ns
    (in_dir / "broken.pdf").unlink()
    shutil.copy(RAW / "sample-yuan-street-2023.pdf", in_dir / "Sample Wuhan Small 2024.pdf")
    done = _batch(in_dir, out)
    assert done.returncode == 0, done.stderr
    deps = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["departments"]
    assert deps["wuchang-bigdata-2023"]["status"] == "unchanged"
    assert (out / "wuchang-bigdata-2023" / "findings.json").stat().st_mtime_ns == before
    changed = [
        s for s in deps if s.startswith("sample_wuhan_small_2024") and deps[s]["input"] == "Sample Wuhan Small 2024.pdf"
    ]
    assert deps[changed[0]]["status"] == "audited"
    assert "broken" not in deps and not (out / "broken").exists()


def test_timeout_is_a_failed_input_with_its_cell(tmp_path: Path):
    """--timeout applies inside the department's kernel (which extracts): the department is recorded as
    failed_input with the failing cell, the batch exits 3, no traceback."""
    in_dir = tmp_path / "in"
    in_dir.mkdir()
    shutil.copy(RAW / "sample-wuhan-small-2024.pdf", in_dir / "small.pdf")
    done = _batch(in_dir, tmp_path / "out", "--timeout", "0.1")
    assert done.returncode == 3, done.stderr
    entry = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["departments"]["small"]
    assert entry["status"] == "failed_input" and "--timeout 0.1" in entry["cause"] and entry["failing_cell"]
    assert "small: failed_input" in done.stderr and "Traceback" not in done.stderr


def test_no_pdf_is_a_usage_error(tmp_path: Path):
    done = _batch(tmp_path, tmp_path / "out")
    assert done.returncode == 2 and "no PDF" in done.stderr


def test_killed_batch_resumes_without_redoing_or_corruption(tmp_path: Path):
    """SIGKILL the batch after its first department finished; the rerun does only the rest."""
    in_dir = tmp_path / "in"
    in_dir.mkdir()
    for name in ("sample-wuhan-small-2024.pdf", "sample-shanghai-culture-2024.pdf", "sample-yuan-street-2023.pdf"):
        shutil.copy(RAW / name, in_dir / name)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "auditlib.cli",
            "batch",
            str(in_dir),
            "--out",
            str(out),
            "--jobs",
            "1",
            "--quiet",
            "--no-cache",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    finished: list[str] = []
    while time.monotonic() < deadline and not finished:
        time.sleep(0.5)
        try:
            deps = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["departments"]
        except (OSError, ValueError):
            continue
        finished = [s for s, e in deps.items() if e["status"] == "audited"]
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert finished, "no department finished before the deadline"
    first = finished[0]
    stamp = (out / first / "findings.json").stat().st_mtime_ns
    done = _batch(in_dir, out)
    assert done.returncode == 0, done.stderr
    deps = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["departments"]
    assert deps[first]["status"] == "unchanged"
    assert (out / first / "findings.json").stat().st_mtime_ns == stamp
    assert all(e["status"] in ("audited", "unchanged") for e in deps.values())
    for slug in deps:
        json.loads((out / slug / "findings.json").read_text(encoding="utf-8"))  # complete, parseable
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
