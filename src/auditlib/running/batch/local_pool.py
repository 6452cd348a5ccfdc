"""The local pool: departments run in worker processes of this machine, recycled as they age.

Why generations instead of ``ProcessPoolExecutor(max_tasks_per_child=N)``: on Python 3.11-3.13 that
executor stops spawning replacements once a worker retires while tasks are still queued (CPython
gh-115634), and a batch of more than jobs x N PDFs hangs for ever (seen at 40 of 55 with 2 jobs).
Here each generation of at most jobs x N departments gets a fresh pool of its own, closed when the
generation is done; no worker ever retires while work is queued, and no worker lives longer than one
generation, so memory cannot creep over a long batch.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from auditlib.running.batch.department import run_department
from auditlib.running.batch.discovery import Job
from auditlib.running.batch.manifest import now
from auditlib.running.batch.notebooks import skip_slow_optional_imports
from auditlib.running.batch.options import Options, Outcome


def generations(todo: list[Job], workers: int, max_tasks_per_child: int) -> Iterator[list[Job]]:
    """``todo`` in consecutive groups of at most ``workers * max_tasks_per_child`` departments."""
    size = max(1, workers * max(1, max_tasks_per_child))
    for at in range(0, len(todo), size):
        yield todo[at : at + size]


def _start_worker() -> None:
    """Pool initializer: start the kernel template (if any) as soon as the worker exists, so its
    imports overlap with the worker's own."""
    from auditlib.running import kernel_fork

    skip_slow_optional_imports()
    if kernel_fork.available():
        kernel_fork.server().start()


def local_runner(
    todo: list[Job], out_dir: Path, options: Options, jobs: int | None, max_tasks_per_child: int
) -> Iterable[tuple[Outcome, str]]:
    """Run ``run_department`` for each job in a local process pool; yield (outcome, started) as each completes."""
    import multiprocessing

    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    ctx = multiprocessing.get_context("spawn")
    for group in generations(todo, workers, max_tasks_per_child):
        with ProcessPoolExecutor(
            max_workers=min(workers, len(group)), mp_context=ctx, initializer=_start_worker
        ) as pool:
            started = {}
            futures = {}
            for job in group:
                started[job.slug] = now()
                futures[pool.submit(run_department, job, out_dir, options)] = job
            for fut in as_completed(futures):
                job = futures[fut]
                try:
                    outcome = fut.result()
                except Exception as exc:  # noqa: BLE001 - a dead worker is a failed department
                    outcome = Outcome(job.slug, "failed_error", 0.0, cause=f"{type(exc).__name__}: {exc}")
                yield outcome, started[job.slug]
