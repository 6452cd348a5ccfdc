"""The batch: every PDF under IN_DIR audited into OUT_DIR (docs/contract.md section 5), resumable.

Plan (discover, hash, skip what is unchanged), run the rest on the local pool or Dask, record each
outcome in the manifest as it comes, then the summary and the portfolio.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditlib.running.batch.discovery import Job, discover, sha256_file
from auditlib.running.batch.manifest import (
    clean_leftovers,
    load_manifest,
    remove_stale,
    tool_info,
    unchanged,
    write_manifest,
)
from auditlib.running.batch.notebooks import skip_slow_optional_imports
from auditlib.running.batch.options import BatchResult, Options, Outcome
from auditlib.running.batch.summary import run_portfolio_notebook, write_summary


@dataclass
class _Plan:
    manifest: dict[str, Any]
    todo: list[Job]
    outcomes: dict[str, Outcome]


def _plan(in_dir: Path, out_dir: Path, options: Options) -> _Plan:
    """The manifest to start from: unchanged departments carried over, the others pending."""
    tool = tool_info()
    previous = load_manifest(out_dir)
    old_entries = previous.get("departments", {}) if previous.get("tool") == tool else {}
    plan = _Plan({"tool": tool, "departments": {}}, [], {})
    params = options.parameters()
    for job in discover(in_dir):
        sha = sha256_file(job.pdf)
        entry = old_entries.get(job.slug)
        if unchanged(entry, job, sha, params, out_dir / job.slug):
            plan.manifest["departments"][job.slug] = {**entry, "status": "unchanged"}
            plan.outcomes[job.slug] = Outcome(
                job.slug,
                "unchanged",
                0.0,
                department=entry.get("department"),
                year=entry.get("year"),
                counts=entry.get("counts", {}),
            )
        else:
            plan.manifest["departments"][job.slug] = {
                "input": job.rel,
                "sha256": sha,
                "parameters": params,
                "started": None,
                "seconds": None,
                "status": "pending",
                "cause": None,
                "failing_cell": None,
            }
            plan.todo.append(job)
    return plan


def _record(manifest: dict[str, Any], outcome: Outcome, started: str) -> None:
    manifest["departments"][outcome.slug].update(
        {
            "started": started,
            "seconds": round(outcome.seconds, 3),
            "status": outcome.status,
            "cause": outcome.cause,
            "failing_cell": outcome.failing_cell,
            "department": outcome.department,
            "year": outcome.year,
            "counts": outcome.counts,
        }
    )


def _runner(
    todo: list[Job], out_dir: Path, options: Options, executor: str, jobs: int | None, scheduler: str | None, mtpc: int
) -> Iterable[tuple[Outcome, str]]:
    if executor == "dask":
        from auditlib.running.batch.dask_pool import dask_runner

        return dask_runner(todo, out_dir, options, scheduler or "")
    from auditlib.running.batch.local_pool import local_runner

    return local_runner(todo, out_dir, options, jobs, mtpc)


def run_batch(
    in_dir: Path,
    out_dir: Path,
    options: Options,
    jobs: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    progress: bool = True,
    run_portfolio: bool = True,
    max_tasks_per_child: int = 20,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> BatchResult:
    """Audit every PDF under IN_DIR into OUT_DIR; see docs/contract.md section 5."""
    skip_slow_optional_imports()
    in_dir, out_dir = Path(in_dir).resolve(), Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    clean_leftovers(out_dir)
    private_cache = None
    if not options.cache:
        # --no-cache: nothing is read from or kept in a shared cache, but the worker still hands
        # its extraction to the notebook's kernel through a cache private to this run.
        private_cache = Path(tempfile.mkdtemp(prefix=".cache-", dir=out_dir))
        options = options.with_cache(str(private_cache))
    elif not Path(options.cache).is_absolute():
        options = options.with_cache(str(Path(options.cache).resolve()))
    plan = _plan(in_dir, out_dir, options)
    remove_stale(out_dir, set(plan.manifest["departments"]))
    write_manifest(out_dir, plan.manifest)
    if run_portfolio:
        from auditlib.running import kernel_fork

        if kernel_fork.available():
            kernel_fork.server().start()  # the portfolio's kernel template, ready when the departments are done
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(plan.todo), desc="auditlib batch", unit="dept")
    if plan.todo:
        for outcome, started in _runner(plan.todo, out_dir, options, executor, jobs, scheduler, max_tasks_per_child):
            _record(plan.manifest, outcome, started)
            plan.outcomes[outcome.slug] = outcome
            write_manifest(out_dir, plan.manifest)
            if on_outcome:
                on_outcome(outcome)
            if bar:
                bar.update(1)
                bar.set_postfix_str(f"{outcome.slug}: {outcome.status}")
    if bar:
        bar.close()
    if private_cache is not None:
        shutil.rmtree(private_cache, ignore_errors=True)
    write_summary(out_dir, plan.manifest)
    if run_portfolio:
        run_portfolio_notebook(out_dir)
    return BatchResult(plan.outcomes, plan.manifest)
