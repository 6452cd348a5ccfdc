"""auditlib batch on a Dask cluster (--scheduler): same results as the local pool, failures isolated.

One local-pool batch (module fixture) is the reference; the Dask batches run the same input through
the command line against a LocalCluster started here (tcp://127.0.0.1:<port>) and through
``--scheduler local:2``, and must give the same departments, statuses and byte-identical files.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from auditlib.running.batch import BatchSetupError, Job, Options, Outcome  # noqa: E402
from auditlib.running.batch.dask_pool import dask_runner  # noqa: E402

from conftest import RAW, ROOT  # noqa: E402

pytestmark = pytest.mark.slow  # Dask clusters running batches

PDFS = ("sample-wuhan-small-2024.pdf", "wuchang-bigdata-2023.pdf")
TIMINGS = {"started", "seconds"}


def _batch(
    in_dir: Path, out: Path, *extra: str, env: dict[str, str] | None = None, timeout: float = 600
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
            "--quiet",
            "--no-cache",
            *extra,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    in_dir = tmp_path_factory.mktemp("dask") / "in"
    in_dir.mkdir()
    for name in PDFS:
        shutil.copy(RAW / name, in_dir / name)
    (in_dir / "broken.pdf").write_bytes(b"\x00\x13junk bytes, not a PDF at all\xff" * 8)
    return in_dir


@pytest.fixture(scope="module")
def local_run(corpus: Path) -> tuple[Path, subprocess.CompletedProcess]:
    """The reference: the same input through the local process pool."""
    out = corpus.parent / "out-local"
    return out, _batch(corpus, out, "--jobs", "2")


@pytest.fixture(scope="module")
def cluster():
    import warnings

    from distributed import LocalCluster

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Port \d+ is already in use")  # its health/metrics port
        cluster = LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
        )
    try:
        yield cluster
    finally:
        cluster.close()


@pytest.fixture(scope="module")
def dask_run(corpus: Path, cluster) -> tuple[Path, subprocess.CompletedProcess]:
    out = corpus.parent / "out-dask"
    return out, _batch(corpus, out, "--scheduler", cluster.scheduler_address)


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _files(out: Path, slug: str) -> dict[str, bytes]:
    """findings.json, checks.csv and tables/*.csv of one department, by relative path."""
    folder = out / slug
    names = ["findings.json", "checks.csv"] + [
        p.relative_to(folder).as_posix() for p in sorted((folder / "tables").glob("*.csv"))
    ]
    return {name: (folder / name).read_bytes() for name in names if (folder / name).exists()}


def assert_same_as_local(
    out: Path, done: subprocess.CompletedProcess, local_out: Path, local_done: subprocess.CompletedProcess
) -> None:
    assert local_done.returncode == 3, local_done.stderr
    assert done.returncode == 3, done.stderr  # the broken file could not be audited; the others were
    assert "broken: failed_input" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout.splitlines()[-1].startswith("auditlib batch: 3 departments: 2 audited, 1 failed_input")
    mine, ref = _manifest(out), _manifest(local_out)
    assert mine["tool"] == ref["tool"]
    assert (
        sorted(mine["departments"])
        == sorted(ref["departments"])
        == ["broken", "sample-wuhan-small-2024", "wuchang-bigdata-2023"]
    )
    for slug, entry in ref["departments"].items():
        got = mine["departments"][slug]
        assert got["started"] and got["seconds"] is not None
        assert {k: v for k, v in got.items() if k not in TIMINGS} == {
            k: v for k, v in entry.items() if k not in TIMINGS
        }, slug
    assert mine["departments"]["broken"]["status"] == "failed_input"
    assert sorted(p.name for p in (out / "broken").iterdir()) == ["audit.failed.ipynb"]
    for slug in ("sample-wuhan-small-2024", "wuchang-bigdata-2023"):
        files = _files(out, slug)
        assert len(files) > 10 and "tables/income.csv" in files, sorted(files)
        assert files == _files(local_out, slug), slug  # byte-identical
        assert (out / slug / "audit.ipynb").exists() and (out / slug / "audit.html").exists()

    def summary(folder: Path) -> list[list[str]]:  # without the seconds column
        lines = (folder / "portfolio" / "summary.csv").read_text(encoding="utf-8").splitlines()
        return [line.split(",")[:-1] for line in lines]

    assert summary(out) == summary(local_out)
    assert (out / "portfolio" / "portfolio.html").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "staging folders left behind"


def test_dask_scheduler_gives_the_local_pool_results(dask_run, local_run):
    assert_same_as_local(*dask_run, *local_run)


def test_dask_rerun_is_unchanged(corpus: Path, dask_run, cluster):
    out, _done = dask_run
    stamps = {
        slug: (out / slug / "findings.json").stat().st_mtime_ns
        for slug in ("sample-wuhan-small-2024", "wuchang-bigdata-2023")
    }
    done = _batch(corpus, out, "--scheduler", cluster.scheduler_address)
    assert done.returncode == 3, done.stderr
    deps = _manifest(out)["departments"]
    for slug, stamp in stamps.items():
        assert deps[slug]["status"] == "unchanged"
        assert (out / slug / "findings.json").stat().st_mtime_ns == stamp  # not redone
    assert deps["broken"]["status"] == "failed_input"  # a failed department is retried, and fails the same way
    assert "1 failed_input, 2 unchanged" in done.stdout


def test_local_cluster_scheduler(corpus: Path, local_run):
    out = corpus.parent / "out-local-cluster"
    done = _batch(corpus, out, "--scheduler", "local:2")
    assert_same_as_local(out, done, *local_run)


def test_unreachable_scheduler_is_a_usage_error(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    done = _batch(
        corpus,
        out,
        "--scheduler",
        "tcp://127.0.0.1:1",
        env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"},
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("auditlib: tcp://127.0.0.1:1: cannot reach the scheduler"), lines
    assert not out.exists()  # nothing written


@pytest.mark.parametrize(
    "address",
    [
        "local:0",
        "local:two",
        "tcp://127.0.0.1",
        "http://127.0.0.1:8786",
        "tcp://127.0.0.1:99999",
        "tcp://host:87/x",
        "",
        "tcp://a\nb:1",
    ],
)
def test_malformed_scheduler_address_is_a_usage_error(corpus: Path, tmp_path: Path, address: str):
    done = _batch(corpus, tmp_path / "out", "--scheduler", address, timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("auditlib: "), lines
    assert not (tmp_path / "out").exists()


def test_worker_that_cannot_read_an_input_stops_the_batch(cluster, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    job = Job("gone", tmp_path / "elsewhere" / "gone.pdf", "gone.pdf")  # seen by the client, not by the workers
    runner = dask_runner([job], out, Options(cache=None), cluster.scheduler_address)
    with pytest.raises(
        BatchSetupError,
        match=r"^tcp://127\.0\.0\.1:\d+: worker tcp://\S+ cannot read "
        r".*gone\.pdf .*every worker",
    ) as caught:
        next(iter(runner))
    assert "\n" not in str(caught.value)
    assert sorted(p.name for p in out.iterdir()) == []  # nothing submitted


def test_worker_that_cannot_write_out_dir_stops_the_batch(cluster, tmp_path: Path):
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.7")
    out = tmp_path / "not-a-folder"
    out.write_text("a file where OUT_DIR should be")
    runner = dask_runner([Job("a", pdf, "a.pdf")], out, Options(cache=None), cluster.scheduler_address)
    with pytest.raises(BatchSetupError, match=r"cannot write to .*not-a-folder"):
        next(iter(runner))


def test_a_task_that_raises_or_loses_its_worker_is_recorded_and_the_others_go_on(tmp_path: Path):
    """retries=0: an exception and a dead worker each become one failed_error outcome."""
    in_dir, out = tmp_path / "in", tmp_path / "out"
    in_dir.mkdir()
    out.mkdir()
    jobs = []
    for slug in ("ok-1", "boom", "die", "ok-2"):
        (in_dir / f"{slug}.pdf").write_bytes(b"%PDF-1.7")
        jobs.append(Job(slug, in_dir / f"{slug}.pdf", f"{slug}.pdf"))

    def fake_department(job: Job, out_dir: Path, options: Options) -> Outcome:  # pickled by value to the workers
        import os as os_

        if job.slug == "boom":
            raise RuntimeError("something broke")
        if job.slug == "die":
            os_._exit(13)  # the worker process is lost mid-task
        return Outcome(job.slug, "audited", 0.01)

    results = dict(
        (o.slug, (o, started))
        for o, started in dask_runner(jobs, out, Options(cache=None), "local:2", run=fake_department)
    )
    assert sorted(results) == ["boom", "die", "ok-1", "ok-2"]
    assert results["ok-1"][0].status == results["ok-2"][0].status == "audited"
    assert results["boom"][0].status == "failed_error"
    assert results["boom"][0].cause == "RuntimeError: something broke"
    assert results["die"][0].status == "failed_error"
    assert results["die"][0].cause.startswith("KilledWorker: the worker running it died")
    assert all(started.endswith("Z") for _o, started in results.values())
