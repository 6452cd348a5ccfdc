"""The batch: every PDF under IN_DIR audited into OUT_DIR (docs/contract.md section 5), resumable.

Plan (discover, hash, skip what is unchanged), run the rest on the local pool or Dask, record each
outcome in the manifest as it comes, then the summary and the portfolio.

Faults of OUT_DIR itself end the batch cleanly (``BatchOutputError``, one line, exit 2): another
batch holding the folder's lock; no space left or a read-only folder, found by any write (the
manifest, a department, the summary, the portfolio). Then the pool is stopped, the departments
already finished stay recorded in manifest.json (the last good manifest stays when even that cannot
be rewritten), and no staging folder or temporary file is left. A folder that cannot be written but
needs nothing written (every department unchanged, the portfolio there) is not a fault: the batch
reports them unchanged and writes nothing.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditlib.outputs.files import missing_root, probe_write, remove_empty, write_fault
from auditlib.running.batch.department import FAILED_OUTPUT
from auditlib.running.batch.discovery import Job, discover, sha256_file
from auditlib.running.batch.manifest import (
    clean_leftovers,
    load_manifest,
    now,
    remove_stale,
    tool_info,
    unchanged,
    write_manifest,
)
from auditlib.running.batch.notebooks import skip_slow_optional_imports
from auditlib.running.batch.options import BatchResult, Options, Outcome
from auditlib.running.batch.out_lock import BatchLock, BatchOutputError
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


class _OutputFault(Exception):
    """A department found OUT_DIR full or read-only (its outcome is ``failed_output``)."""


def _nothing_to_write(out_dir: Path, plan: _Plan) -> bool:
    """Every department unchanged, none to remove, the manifest and the portfolio already there:
    a rerun into a folder that cannot be written has nothing to do."""
    if plan.todo:
        return False
    previous = load_manifest(out_dir)
    if previous.get("tool") != plan.manifest["tool"]:
        return False
    if set(previous.get("departments", {})) != set(plan.manifest["departments"]):
        return False
    portfolio = out_dir / "portfolio"
    return (portfolio / "summary.csv").is_file() and (portfolio / "portfolio.html").is_file()


def _cannot_write(cause: str) -> BatchOutputError:
    return BatchOutputError(f"cannot write ({cause})")


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
    """Audit every PDF under IN_DIR into OUT_DIR; see docs/contract.md section 5.

    Raises BatchOutputError (the cause, one line) when another batch is running into OUT_DIR, or
    when OUT_DIR cannot be written (full, read-only) and something needs writing.
    """
    skip_slow_optional_imports()
    in_dir, out_dir = Path(in_dir).resolve(), Path(out_dir).resolve()
    created = missing_root(out_dir)  # removed again, if left empty, when the batch cannot write
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        cause = write_fault(exc)
        if cause is None:
            raise
        remove_empty(out_dir, created)
        raise _cannot_write(cause) from None
    try:
        lock: BatchLock | None = BatchLock.acquire(out_dir, now())
        locked_out = None
    except OSError as exc:  # the folder cannot be written; whether that matters depends on the plan
        locked_out = write_fault(exc)
        if locked_out is None:
            raise
        lock = None
    try:
        if lock is None:
            plan = _plan(in_dir, out_dir, options)
            if _nothing_to_write(out_dir, plan):
                return BatchResult(plan.outcomes, load_manifest(out_dir))
            raise _cannot_write(locked_out or "unknown cause")
        return _run_locked(
            in_dir,
            out_dir,
            options,
            jobs,
            executor,
            scheduler,
            progress,
            run_portfolio,
            max_tasks_per_child,
            on_outcome,
        )
    except BatchOutputError:
        if lock is not None:
            lock.release()
            lock = None
        remove_empty(out_dir, created)
        raise
    finally:
        if lock is not None:
            lock.release()


def _run_locked(
    in_dir: Path,
    out_dir: Path,
    options: Options,
    jobs: int | None,
    executor: str,
    scheduler: str | None,
    progress: bool,
    run_portfolio: bool,
    max_tasks_per_child: int,
    on_outcome: Callable[[Outcome], None] | None,
) -> BatchResult:
    """The batch, with OUT_DIR's lock held."""
    private_cache = None
    manifest: dict[str, Any] | None = None
    runner: Any = None
    bar = None
    try:
        clean_leftovers(out_dir)
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
        manifest = plan.manifest
        if run_portfolio:
            from auditlib.running import kernel_fork

            if kernel_fork.available():
                kernel_fork.server().start()  # the portfolio's kernel template, ready when the departments are done
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(plan.todo), desc="auditlib batch", unit="dept")
        if plan.todo:
            runner = iter(_runner(plan.todo, out_dir, options, executor, jobs, scheduler, max_tasks_per_child))
            for outcome, started in runner:
                if outcome.status == FAILED_OUTPUT:
                    raise _OutputFault(outcome.cause or "unknown cause")
                _record(plan.manifest, outcome, started)
                plan.outcomes[outcome.slug] = outcome
                write_manifest(out_dir, plan.manifest)
                if on_outcome:
                    on_outcome(outcome)
                if bar:
                    bar.update(1)
                    bar.set_postfix_str(f"{outcome.slug}: {outcome.status}")
            runner = None
        if bar:
            bar.close()
            bar = None
        if private_cache is not None:
            shutil.rmtree(private_cache, ignore_errors=True)
            private_cache = None
        write_summary(out_dir, plan.manifest)
        if run_portfolio:
            run_portfolio_notebook(out_dir)
        return BatchResult(plan.outcomes, plan.manifest)
    except Exception as exc:
        cause = str(exc) if isinstance(exc, _OutputFault) else (write_fault(exc) or probe_write(out_dir))
        if cause is None:
            raise
        if bar:
            bar.close()
        if runner is not None and hasattr(runner, "close"):
            runner.close()  # stops the pool: no worker goes on writing
        if private_cache is not None:
            shutil.rmtree(private_cache, ignore_errors=True)
        clean_leftovers(out_dir)  # staging folders of the departments that were running
        if manifest is not None:
            try:  # with the staging folders gone there may be room for the last outcomes
                write_manifest(out_dir, manifest)
            except OSError:
                pass  # the last good manifest stays
        raise _cannot_write(cause) from None
