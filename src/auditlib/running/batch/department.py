"""One department: the department notebook executed by papermill into OUT_DIR/<slug>/, atomically.

Why papermill: each department's executed notebook is the kept record of its audit (inputs,
parameters, outputs, and the failing cell when it fails). Everything is written into a staging
folder and swapped in whole, so no half-written department is ever visible.

What a department keeps:
- audited: every output file, ``audit.ipynb`` and ``audit.html``;
- the notebook failed (input that cannot be audited, or an error): only ``audit.failed.ipynb``,
  the executed notebook with its failing cell;
- a rule raised (the notebook ran to its end, the other rules' findings stand): every output file,
  ``rules.log`` with the traceback, status ``failed_error`` with a cause naming the rule. The
  outputs are kept because they are real findings; the status says they are incomplete, and a
  rerun redoes the department.

When OUT_DIR itself fails (no space left, read-only, quota): nothing of the department is kept, its
staging folder is removed, and the outcome is ``failed_output``, which the batch never records: it
stops the whole batch (auditlib.running.batch.loop), since every other department would fail the
same way.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from auditlib.outputs.files import probe_write, write_fault
from auditlib.running.batch.discovery import Job
from auditlib.running.batch.notebooks import DEPARTMENT_NOTEBOOK, execute, skip_slow_optional_imports, write_html
from auditlib.running.batch.options import Options, Outcome
from auditlib.running.password import kernel_environment
from auditlib.running.rule_failures import internal_cause, internal_of_checks_csv


def _peak_rss_mb() -> float:
    """Largest resident set of this worker, of a kernel it ran, or of its kernel template (MB)."""
    import resource

    from auditlib.running import kernel_fork

    rusage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    forked = kernel_fork.server().peak_kernel_rss_mb() if kernel_fork.available() else 0.0
    return max(rusage / 1024.0, children / 1024.0, forked)


def swap_in(stage: Path, final: Path) -> None:
    """Replace ``final`` by ``stage`` (both in OUT_DIR): no half-written department is ever visible."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        os.replace(final, old)
    os.replace(stage, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def notebook_failure(nb_error: Exception) -> tuple[str, str, int | None]:
    """(status, cause, failing cell) from a papermill execution error."""
    ename = getattr(nb_error, "ename", type(nb_error).__name__)
    evalue = getattr(nb_error, "evalue", str(nb_error))
    cell = getattr(nb_error, "exec_count", None)
    if ename == "InputError":
        return "failed_input", str(evalue), cell
    return "failed_error", f"{ename}: {evalue}", cell


def _warm_cache(job: Job, options: Options) -> None:
    """Extract in the (long-lived) worker so the notebook's kernel reads the cache.

    Only for kernels launched the ordinary way (no kernel template, see
    auditlib.running.kernel_fork): the worker has Camelot and pandas imported already; a
    fresh kernel would pay for those imports. Errors are left for the notebook
    to raise, so that a failed department keeps its executed notebook with the
    failing cell.
    """
    if not options.cache:
        return
    from auditlib.running.read_guard import read_guarded

    try:
        read_guarded(
            job.pdf,
            password=options.password,
            max_pages=options.max_pages,
            timeout=options.timeout,
            cache=options.cache,
            max_memory=options.max_memory,
        )
    except Exception:  # noqa: BLE001 - the notebook will raise and record it
        pass


def _parameters(job: Job, stage: Path, options: Options) -> dict[str, Any]:
    """The notebook's parameters: no password (it goes to the kernel's environment, never into a file)."""
    return {
        "pdf": str(job.pdf),
        "out_dir": str(stage),
        "max_pages": options.max_pages,
        "timeout": options.timeout,
        "cache": options.cache,
        "include_info_images": False,
        "max_memory": options.max_memory,
    }


def _finished(job: Job, stage: Path, out_dir: Path, seconds: float) -> Outcome:
    """Swap in a department whose notebook ran to its end; failed_error when a rule raised."""
    findings = json.loads((stage / "findings.json").read_text(encoding="utf-8"))
    internal = internal_of_checks_csv(stage / "checks.csv")
    (stage / ".auditlib-files").unlink(missing_ok=True)
    swap_in(stage, out_dir / job.slug)
    counts = {s: sum(1 for f in findings["findings"] if f["severity"] == s) for s in ("error", "warning", "info")}
    return Outcome(
        job.slug,
        "failed_error" if internal else "audited",
        seconds,
        cause=internal_cause(internal) if internal else None,
        department=findings.get("department"),
        year=findings.get("year"),
        counts=counts,
        peak_rss_mb=_peak_rss_mb(),
    )


def _failed(job: Job, exc: Exception, stage: Path, out_dir: Path, seconds: float) -> Outcome:
    """Swap in a department that failed: only its executed notebook, as ``audit.failed.ipynb``."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        status, cause, cell = notebook_failure(exc)
    else:
        status, cause, cell = "failed_error", f"{type(exc).__name__}: {exc}", None
        cause += " | " + traceback.format_exc(limit=2).replace("\n", " ")[-300:]
    failed = out_dir / f".{job.slug}.failed-{os.getpid()}"
    shutil.rmtree(failed, ignore_errors=True)
    failed.mkdir(mode=0o755)
    executed = stage / "audit.ipynb"
    if executed.exists():
        shutil.copy(executed, failed / "audit.failed.ipynb")
    shutil.rmtree(stage, ignore_errors=True)
    swap_in(failed, out_dir / job.slug)
    return Outcome(
        job.slug,
        status,
        seconds,
        cause=cause.splitlines()[0] if cause else cause,
        failing_cell=cell,
        peak_rss_mb=_peak_rss_mb(),
    )


#: The status of a department that OUT_DIR could not take; it ends the batch and is never recorded.
FAILED_OUTPUT = "failed_output"


def output_fault(exc: BaseException, out_dir: Path) -> str | None:
    """The write fault (``no space left on device``, ``read-only file system``) behind a failed
    department, or None when the failure has nothing to do with OUT_DIR. The error says so itself,
    or a small probe write into OUT_DIR fails the same way (a kernel that died writing says nothing)."""
    return write_fault(exc) or probe_write(out_dir)


def _output_failed(job: Job, cause: str, out_dir: Path, seconds: float) -> Outcome:
    """Remove what this department started in OUT_DIR (a half-written stage never stays)."""
    for leftover in out_dir.glob(f".{job.slug}.*"):
        if f".{job.slug}.stage-" in leftover.name or leftover.name == f".{job.slug}.failed-{os.getpid()}":
            shutil.rmtree(leftover, ignore_errors=True)
    return Outcome(job.slug, FAILED_OUTPUT, seconds, cause=cause)


def run_department(job: Job, out_dir: Path, options: Options) -> Outcome:
    """Execute the department notebook for one PDF into OUT_DIR/<slug>/ (atomically)."""
    skip_slow_optional_imports()  # a Dask worker has no pool initializer
    from auditlib.running import kernel_fork

    start = time.perf_counter()
    out_dir = Path(out_dir).resolve()
    if kernel_fork.kernel_manager_class() is not None:
        kernel_fork.server().start()  # the kernel, forked with Camelot imported, extracts itself
    else:
        _warm_cache(job, options)  # a launched kernel would import Camelot again: extract here
    try:
        stage = Path(tempfile.mkdtemp(prefix=f".{job.slug}.stage-", dir=out_dir))
        stage.chmod(0o755)
    except OSError as exc:
        cause = write_fault(exc)
        if cause is None:
            raise
        return _output_failed(job, cause, out_dir, time.perf_counter() - start)
    try:
        return _run_in_stage(job, stage, out_dir, options, start)
    except Exception as exc:  # noqa: BLE001 - recording the failure itself failed
        cause = output_fault(exc, out_dir)
        if cause is None:
            raise
        return _output_failed(job, cause, out_dir, time.perf_counter() - start)


def _run_in_stage(job: Job, stage: Path, out_dir: Path, options: Options, start: float) -> Outcome:
    executed = stage / "audit.ipynb"
    try:
        nb = execute(
            DEPARTMENT_NOTEBOOK,
            executed,
            _parameters(job, stage, options),
            cwd=out_dir,
            env=kernel_environment(options.password),
            # Reading and the evidence crops each have --timeout (in their limited children).
            execution_timeout=max(2 * int(options.timeout) + 60, 60),
        )
        write_html(nb, executed, stage / "audit.html")
        return _finished(job, stage, out_dir, time.perf_counter() - start)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded, the batch goes on
        cause = output_fault(exc, out_dir)
        if cause is not None:  # OUT_DIR is full or read-only: the batch stops
            return _output_failed(job, cause, out_dir, time.perf_counter() - start)
        return _failed(job, exc, stage, out_dir, time.perf_counter() - start)
