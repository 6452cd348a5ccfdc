"""The local pool recycles its workers without hanging (CPython gh-115634 worked around)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from auditlib.running.batch.discovery import Job
from auditlib.running.batch.local_pool import generations

from conftest import RAW, ROOT


def test_generations_cover_every_job_once_in_order():
    jobs = [Job(f"j{i}", Path(f"/in/j{i}.pdf"), f"j{i}.pdf") for i in range(7)]
    groups = list(generations(jobs, workers=2, max_tasks_per_child=2))
    assert [len(g) for g in groups] == [4, 3]
    assert [j for g in groups for j in g] == jobs
    assert [len(g) for g in generations(jobs, workers=3, max_tasks_per_child=20)] == [7]


@pytest.mark.slow
def test_more_departments_than_jobs_times_tasks_per_child_finish(tmp_path: Path):
    """2 jobs, 1 department per worker, 5 departments: with ProcessPoolExecutor(max_tasks_per_child=1)
    this hung for ever on Python 3.11-3.13 once the first workers retired; the timeout turns a
    regression into a failure."""
    in_dir = tmp_path / "in"
    in_dir.mkdir()
    for i in range(5):
        shutil.copy(RAW / "sample-wuhan-small-2024.pdf", in_dir / f"small-{i}.pdf")
    out = tmp_path / "out"
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from auditlib.running.batch import Options, run_batch\n"
        "result = run_batch(Path(sys.argv[1]), Path(sys.argv[2]), Options(cache=sys.argv[3]), jobs=2,\n"
        "                   progress=False, run_portfolio=False, max_tasks_per_child=1)\n"
        "raise SystemExit(result.exit_status)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(in_dir), str(out), str(tmp_path / "cache")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    deps = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["departments"]
    assert sorted(deps) == [f"small-{i}" for i in range(5)]
    assert all(e["status"] == "audited" for e in deps.values()), deps
    assert all((out / slug / "audit.html").is_file() for slug in deps)
