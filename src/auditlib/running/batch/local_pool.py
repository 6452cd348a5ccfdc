"""The local pool: departments run in worker processes of this machine, recycled as they age.

Why generations instead of ``ProcessPoolExecutor(max_tasks_per_child=N)``: on Python 3.11-3.13 that
executor stops spawning replacements once a worker retires while tasks are still queued (CPython
gh-115634), and a batch of more than jobs x N PDFs hangs for ever (seen at 40 of 55 with 2 jobs).
Here each generation of at most jobs x N departments gets a fresh pool of its own, closed when the
generation is done; no worker ever retires while work is queued, and no worker lives longer than one
generation, so memory cannot creep over a long batch.

Why the workers die with the batch: a worker armed with the parent-death signal
(auditlib.running.parent_death) ends when the batch process ends, even by ``kill -9``; its kernel
template and kernels follow it the same way (auditlib.running.kernel_fork), and multiprocessing's
resource tracker ends when the last process holding its pipe is gone. When the batch stops early
(OUT_DIR full or read-only), :func:`local_runner` kills its workers and waits until they and their
descendants are gone, so nothing writes into OUT_DIR after the batch has cleaned it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from auditlib.outputs.files import write_fault
from auditlib.running.batch.department import FAILED_OUTPUT, run_department
from auditlib.running.batch.discovery import Job
from auditlib.running.batch.manifest import now
from auditlib.running.batch.notebooks import skip_slow_optional_imports
from auditlib.running.batch.options import Options, Outcome


def generations(todo: list[Job], workers: int, max_tasks_per_child: int) -> Iterator[list[Job]]:
    """``todo`` in consecutive groups of at most ``workers * max_tasks_per_child`` departments."""
    size = max(1, workers * max(1, max_tasks_per_child))
    for at in range(0, len(todo), size):
        yield todo[at : at + size]


def _start_worker(batch_pid: int) -> None:
    """Pool initializer: end with the batch process (parent-death signal); start the kernel template
    (if any) as soon as the worker exists, so its imports overlap with the worker's own."""
    from auditlib.running import kernel_fork
    from auditlib.running.parent_death import die_with_parent

    die_with_parent(batch_pid)
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
        pool = ProcessPoolExecutor(
            max_workers=min(workers, len(group)), mp_context=ctx, initializer=_start_worker, initargs=(os.getpid(),)
        )
        done = False
        try:
            started = {}
            futures = {}
            for job in group:
                started[job.slug] = now()
                futures[pool.submit(run_department, job, out_dir, options)] = job
            reported = set()
            for fut in as_completed(futures):
                job = futures[fut]
                outcome = _outcome(fut, job)
                reported.add(fut)
                if outcome.status == FAILED_OUTPUT:
                    # OUT_DIR is full or read-only: stop every worker now, report the departments
                    # that finished meanwhile (they are in place), then the fault, which ends the batch.
                    stop_pool(pool)
                    for other, other_job in futures.items():
                        if other not in reported and other.done() and not other.cancelled():
                            finished = _outcome(other, other_job)
                            if (
                                finished.status in ("audited", "failed_input", "failed_error")
                                and other.exception() is None
                            ):
                                yield finished, started[other_job.slug]
                    done = True
                    yield outcome, started[job.slug]
                    return
                yield outcome, started[job.slug]
            done = True
        finally:
            if not done:  # the batch stops early (or the caller went away): no worker goes on
                stop_pool(pool)
            pool.shutdown(wait=True, cancel_futures=True)


def _outcome(fut: Any, job: Job) -> Outcome:
    try:
        return fut.result()
    except Exception as exc:  # noqa: BLE001 - a dead worker is a failed department
        fault = write_fault(exc)
        status = FAILED_OUTPUT if fault else "failed_error"
        return Outcome(job.slug, status, 0.0, cause=fault or f"{type(exc).__name__}: {exc}")


def descendants(pid: int) -> set[int]:
    """Every live process descended from ``pid`` (Linux ``/proc``; empty elsewhere)."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return set()
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2 :][:1] not in (b"Z", b"X")


def stop_pool(pool: ProcessPoolExecutor, wait: float = 10.0) -> None:
    """Kill the pool's workers now and wait (up to ``wait`` s) until they and every process they
    started (kernel templates, kernels, reading children) are gone."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    family: set[int] = set()
    for proc in processes:
        if proc.pid is not None:
            family |= {proc.pid} | descendants(proc.pid)
    for proc in processes:
        try:
            proc.kill()
        except Exception:  # noqa: BLE001 - already gone
            pass
    for proc in processes:
        proc.join(wait)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and any(_alive(pid) for pid in family):
        time.sleep(0.05)
