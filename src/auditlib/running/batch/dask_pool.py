"""The Dask executor: the same per-department work as the local pool, on a Dask cluster.

``scheduler`` is ``tcp://HOST:PORT`` (an existing scheduler) or ``local:N`` (a LocalCluster of N
single-threaded worker processes on 127.0.0.1, dashboard off, for this batch only). Before
submitting, every worker must import the same auditlib, read every input and write OUT_DIR and the
cache (a shared filesystem, same paths); otherwise BatchSetupError. At most one department per
worker thread is handed to the scheduler at a time, so a lost worker costs only the department it
was running. Tasks use ``retries=0``: a task that raises becomes a failed_error outcome, and so
does a task whose worker is lost (at once under ``local:N``; an external scheduler first retries it
on other workers up to its ``distributed.scheduler.allowed-failures``); the others go on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from auditlib import __version__
from auditlib.running.batch.dask_setup import (
    DASK_WORKER_WAIT,
    SHARED_FS,
    need_dask,
    one_line,
    parse_scheduler,
    setup_error,
    worker_check,
)
from auditlib.running.batch.department import run_department
from auditlib.running.batch.discovery import Job
from auditlib.running.batch.manifest import cache_key_here, now, rules_version
from auditlib.running.batch.options import Options, Outcome

Department = Callable[[Job, Path, Options], Outcome]


def _dask_department(run: Department, job: Job, out_dir: Path, options: Options) -> tuple[Outcome, str]:
    """One department on a worker: ``run`` is ``run_department``, the local pool's code path."""
    started = now()
    try:
        with open(job.pdf, "rb") as fh:  # a worker that joined after the check and does not see the input
            fh.read(1)
    except OSError as exc:
        from distributed import get_worker

        raise OSError(f"worker {get_worker().address} cannot read {job.pdf} ({exc.strerror}); {SHARED_FS}") from None
    return run(job, out_dir, options), started


def _dask_lost(job: Job, exc: Any) -> Outcome:
    from distributed import KilledWorker

    if isinstance(exc, tuple) and len(exc) == 3:  # (type, exception, traceback) from an erred future
        exc = exc[1]
    if isinstance(exc, KilledWorker):
        last = getattr(getattr(exc, "last_worker", None), "address", "?")
        cause = f"KilledWorker: the worker running it died (last on {last})"
    else:
        cause = f"{type(exc).__name__}: {exc}"
    return Outcome(job.slug, "failed_error", 0.0, cause=one_line(cause))


def _connect(address: str, kind: str, target: Any) -> tuple[Any, Any]:
    """(cluster or None, client): a LocalCluster for ``local:N``, else a client of the scheduler with a worker."""
    import logging
    import warnings

    import dask.config
    from distributed import Client, LocalCluster

    cluster = client = None
    try:
        if kind == "local":
            with dask.config.set({"distributed.scheduler.allowed-failures": 0}), warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=r"Port \d+ is already in use")  # health/metrics port
                cluster = LocalCluster(
                    n_workers=target,
                    processes=True,
                    threads_per_worker=1,
                    host="127.0.0.1",
                    dashboard_address=None,
                    silence_logs=logging.CRITICAL,
                )
            client = Client(cluster, set_as_default=False)
        else:
            client = Client(target, set_as_default=False)
            client.wait_for_workers(1, timeout=DASK_WORKER_WAIT)
    except Exception as exc:  # noqa: BLE001 - whatever stops the cluster is a setup error
        for thing in (client, cluster):
            if thing is not None:
                thing.close()
        if client is not None and kind != "local":
            raise setup_error(address, f"no worker joined the scheduler within {DASK_WORKER_WAIT:g} s") from None
        raise setup_error(address, f"cannot start or reach the cluster ({type(exc).__name__}: {exc})") from None
    return cluster, client


def _check_workers(client: Any, address: str, todo: list[Job], out_dir: Path, options: Options) -> None:
    expected = (__version__, rules_version(), cache_key_here())
    try:
        problems = client.run(worker_check, [str(j.pdf) for j in todo], str(out_dir), options.cache, expected)
    except Exception as exc:  # noqa: BLE001 - typically auditlib missing on a worker
        raise setup_error(
            address,
            f"the workers cannot run auditlib ({type(exc).__name__}: {exc}); install the same auditlib on every worker",
        ) from None
    for worker, problem in sorted(problems.items()):
        if problem:
            raise setup_error(address, f"worker {worker} {problem}")


def _submit_all(
    client: Any, run: Department, todo: list[Job], out_dir: Path, options: Options
) -> Iterator[tuple[Outcome, str]]:
    """Keep one department per worker thread in flight (workers may come and go); yield as each completes."""
    import uuid
    from collections import deque

    from distributed import as_completed as dask_as_completed

    batch = uuid.uuid4().hex[:8]
    waiting = deque(todo)
    running: dict[Any, tuple[Job, str]] = {}
    done = dask_as_completed(loop=client.loop, with_results=True, raise_errors=False)
    lost: list[str] = []

    def submit() -> None:
        try:
            slots = max(1, sum(client.nthreads().values()))
            while waiting and len(running) < slots and not lost:
                job = waiting[0]
                fut = client.submit(
                    _dask_department,
                    run,
                    job,
                    out_dir,
                    options,
                    pure=False,
                    retries=0,
                    key=f"auditlib-department-{batch}-{job.slug}",
                )
                waiting.popleft()
                running[fut] = (job, now())
                done.add(fut)
        except Exception as exc:  # noqa: BLE001 - the scheduler is gone: what is left is not run
            lost.append(f"scheduler lost before it ran ({type(exc).__name__}: {exc})")

    submit()
    try:
        for fut, result in done:
            job, submitted = running.pop(fut)
            if fut.status == "finished":
                outcome, started = result
            else:  # the task raised, or its worker was lost: recorded, the rest go on
                outcome, started = _dask_lost(job, result), submitted
            fut.release()
            submit()
            yield outcome, started
    except GeneratorExit:  # the batch stops early (OUT_DIR full or read-only): nothing more is started
        waiting.clear()
        if running:
            try:
                client.cancel(list(running))
            except Exception:  # noqa: BLE001 - the scheduler may be gone already
                pass
        raise
    for job in waiting:  # only when the scheduler was lost; a rerun does them
        yield Outcome(job.slug, "failed_error", 0.0, cause=one_line(lost[0] if lost else "not run")), now()


def dask_runner(
    todo: list[Job], out_dir: Path, options: Options, scheduler: str, run: Department = run_department
) -> Iterator[tuple[Outcome, str]]:
    """Run ``run`` (``run_department``) for each job on a Dask cluster; yield (outcome, started) as each completes."""
    address = scheduler or ""
    kind, target = parse_scheduler(address)
    need_dask(address)
    cluster, client = _connect(address, kind, target)
    try:
        _check_workers(client, address, todo, out_dir, options)
        yield from _submit_all(client, run, todo, out_dir, options)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
