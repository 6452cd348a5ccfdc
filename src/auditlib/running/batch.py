"""Batches: one papermill run of the department notebook per PDF (docs/contract.md section 5).

Why papermill: each department's executed notebook is the kept record of its
audit (inputs, parameters, outputs, and the failing cell when it fails). Each
run gets its own kernel, in a pool of worker processes; workers are recycled
after a number of documents so memory cannot creep. The manifest is rewritten
after every department, so a batch killed at any moment resumes where it
stopped: a department whose input, parameters and tool version are unchanged
is not redone.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from auditlib import __version__
from auditlib.outputs.files import csv_text, json_text

ROOT = Path(__file__).resolve().parents[3]
NOTEBOOKS = ROOT / "notebooks"
DEPARTMENT_NOTEBOOK = NOTEBOOKS / "department_audit.ipynb"
PORTFOLIO_NOTEBOOK = NOTEBOOKS / "portfolio.ipynb"
#: The kernel's own log (TCP transport notice, shutdown noise) stays off the batch's stderr.
KERNEL_QUIET = ["--IPKernelApp.log_level=CRITICAL"]
SUMMARY_COLUMNS = ["slug", "department", "year", "status", "errors", "warnings", "infos", "seconds"]


# ---------------------------------------------------------------- discovery and slugs


def _slug_stem(stem: str) -> str:
    out, run = [], False
    for ch in stem.lower():
        if ch.isalnum() or ch in "-_":
            out.append(ch)
            run = False
        elif not run:
            out.append("_")
            run = True
    return "".join(out) or "_"


@dataclass(frozen=True)
class Job:
    slug: str
    pdf: Path  # absolute
    rel: str  # path relative to IN_DIR (posix)


def discover(in_dir: Path) -> list[Job]:
    """Every *.pdf under IN_DIR (recursive, sorted by path) with its slug.

    The slug is the lower-cased stem with each run of characters other than
    letters, digits, '-' and '_' replaced by '_'. Stems that clash (or the stem
    'portfolio') get '-' and 8 hex digits of sha256(relative path) appended.
    Names read from inside a PDF never make paths.
    """
    in_dir = in_dir.resolve()
    pdfs = sorted(p for p in in_dir.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
    rels = [p.relative_to(in_dir).as_posix() for p in pdfs]
    stems = [_slug_stem(Path(r).stem) for r in rels]
    counts: dict[str, int] = {}
    for s in stems:
        counts[s] = counts.get(s, 0) + 1
    jobs = []
    for pdf, rel, stem in zip(pdfs, rels, stems):
        slug = stem
        if counts[stem] > 1 or stem == "portfolio":
            slug = f"{stem}-{hashlib.sha256(rel.encode('utf-8')).hexdigest()[:8]}"
        jobs.append(Job(slug, pdf, rel))
    return jobs


def sha256_file(path: Path) -> str:
    from auditlib.reading.pdf import sha256_of

    return sha256_of(path)


# ---------------------------------------------------------------- one department


@dataclass
class Options:
    password: str | None = None
    max_pages: int = 1000
    timeout: float = 300.0
    cache: str | None = "data/processed/.cache"

    def parameters(self) -> dict[str, Any]:
        """What decides a department's outputs (the resume key), without secrets."""
        return {"max_pages": self.max_pages, "timeout": self.timeout, "password": bool(self.password)}


@dataclass
class Outcome:
    slug: str
    status: str  # audited, unchanged, failed_input, failed_error
    seconds: float = 0.0
    cause: str | None = None
    failing_cell: int | None = None
    department: str | None = None
    year: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    peak_rss_mb: float = 0.0


def _peak_rss_mb() -> float:
    """Largest resident set of this worker, of a kernel it ran, or of its kernel template (MB)."""
    import resource

    from auditlib.running import kernel_fork

    rusage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    forked = kernel_fork.server().peak_kernel_rss_mb() if kernel_fork.available() else 0.0
    return max(rusage / 1024.0, children / 1024.0, forked)


@functools.lru_cache(maxsize=1)
def _html_exporter() -> Any:
    """One exporter per worker: loading its templates costs more than an export."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter()
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def fix_injected_cell_id(nb: Any) -> bool:
    """Give papermill's injected-parameters cell a fixed id (papermill makes a random one, which
    the HTML and the stored nbval references would carry); True when the notebook changed."""
    changed = False
    for cell in nb["cells"]:
        if (
            "injected-parameters" in cell.get("metadata", {}).get("tags", [])
            and cell.get("id") != "injected-parameters"
        ):
            cell["id"] = "injected-parameters"
            changed = True
    return changed


def _html(nb: Any, notebook: Path, target: Path) -> None:
    """Export the executed notebook ``nb`` (as papermill returned it and wrote it to ``notebook``) to
    HTML without the code (a working paper, not a script). The injected cell gets its fixed id first,
    in the kept notebook too, so the same input gives the same HTML, byte for byte."""
    import nbformat

    if fix_injected_cell_id(nb):
        nbformat.write(nb, str(notebook))
    body, _ = _html_exporter().from_notebook_node(nb)
    target.write_text(body, encoding="utf-8")


def _swap_in(stage: Path, final: Path) -> None:
    """Replace ``final`` by ``stage`` (both in OUT_DIR): no half-written department is ever visible."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        os.replace(final, old)
    os.replace(stage, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _failure(nb_error: Exception) -> tuple[str, str, int | None]:
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
    from auditlib.reading.pipeline import read_report

    try:
        read_report(
            job.pdf,
            password=options.password,
            max_pages=options.max_pages,
            timeout=options.timeout,
            cache=options.cache,
        )
    except Exception:  # noqa: BLE001 - the notebook will raise and record it
        pass


def run_department(job: Job, out_dir: Path, options: Options) -> Outcome:
    """Execute the department notebook for one PDF into OUT_DIR/<slug>/ (atomically)."""
    skip_slow_optional_imports()  # a Dask worker has no pool initializer
    import papermill as pm

    from auditlib.running import kernel_fork

    start = time.perf_counter()
    out_dir = Path(out_dir).resolve()
    fork_kernels = kernel_fork.kernel_manager_class()
    if fork_kernels is not None:
        kernel_fork.server().start()  # the kernel, forked with Camelot imported, extracts itself
    else:
        _warm_cache(job, options)  # a launched kernel would import Camelot again: extract here
    stage = Path(tempfile.mkdtemp(prefix=f".{job.slug}.stage-", dir=out_dir))
    stage.chmod(0o755)
    executed = stage / "audit.ipynb"
    params = {
        "pdf": str(job.pdf),
        "out_dir": str(stage),
        "password": options.password,
        "max_pages": options.max_pages,
        "timeout": options.timeout,
        "cache": options.cache,
        "include_info_images": False,
    }
    try:
        nb = pm.execute_notebook(
            str(DEPARTMENT_NOTEBOOK),
            str(executed),
            parameters=params,
            kernel_name="python3",
            extra_arguments=KERNEL_QUIET,
            # The notebook is written once at the end (and on failure, with the failing cell),
            # not after every cell: a megabyte of images rewritten 19 times is pure overhead.
            request_save_on_cell_execute=False,
            progress_bar=False,
            cwd=str(ROOT),
            execution_timeout=max(int(options.timeout) + 60, 60),
            # A fresh kernel per department, forked from a template that has the imports done
            # (auditlib.running.kernel_fork); None where that is not possible: the ordinary launch.
            **({"kernel_manager_class": fork_kernels} if fork_kernels is not None else {}),
        )
        _html(nb, executed, stage / "audit.html")
        findings = json.loads((stage / "findings.json").read_text(encoding="utf-8"))
        (stage / ".auditlib-files").unlink(missing_ok=True)
        _swap_in(stage, out_dir / job.slug)
        counts = {s: sum(1 for f in findings["findings"] if f["severity"] == s) for s in ("error", "warning", "info")}
        return Outcome(
            job.slug,
            "audited",
            time.perf_counter() - start,
            department=findings.get("department"),
            year=findings.get("year"),
            counts=counts,
            peak_rss_mb=_peak_rss_mb(),
        )
    except Exception as exc:  # noqa: BLE001 - every failure is recorded, the batch goes on
        from papermill.exceptions import PapermillExecutionError

        if isinstance(exc, PapermillExecutionError):
            status, cause, cell = _failure(exc)
        else:
            status, cause, cell = "failed_error", f"{type(exc).__name__}: {exc}", None
            cause += " | " + traceback.format_exc(limit=2).replace("\n", " ")[-300:]
        failed = out_dir / f".{job.slug}.failed-{os.getpid()}"
        shutil.rmtree(failed, ignore_errors=True)
        failed.mkdir(mode=0o755)
        if executed.exists():
            shutil.copy(executed, failed / "audit.failed.ipynb")
        shutil.rmtree(stage, ignore_errors=True)
        _swap_in(failed, out_dir / job.slug)
        return Outcome(
            job.slug,
            status,
            time.perf_counter() - start,
            cause=cause.splitlines()[0] if cause else cause,
            failing_cell=cell,
            peak_rss_mb=_peak_rss_mb(),
        )


# ---------------------------------------------------------------- the batch


@dataclass
class BatchResult:
    outcomes: dict[str, Outcome]
    manifest: dict[str, Any]

    @property
    def exit_status(self) -> int:
        statuses = {o.status for o in self.outcomes.values()}
        if "failed_error" in statuses:
            return 1
        if "failed_input" in statuses:
            return 3
        return 0


def _load_manifest(out_dir: Path) -> dict[str, Any]:
    path = out_dir / "manifest.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_manifest(out_dir: Path, manifest: dict[str, Any]) -> None:
    path = out_dir / "manifest.json"
    tmp = path.with_name(f".manifest.json.{os.getpid()}.tmp")
    tmp.write_text(json_text(manifest), encoding="utf-8")
    os.replace(tmp, path)


def _unchanged(entry: dict[str, Any] | None, job: Job, sha: str, params: dict[str, Any], out: Path) -> bool:
    """Same input bytes, same parameters, finished outputs on disk (the tool version is checked by the caller)."""
    return bool(
        entry
        and entry.get("status") in ("audited", "unchanged")
        and entry.get("input") == job.rel
        and entry.get("sha256") == sha
        and entry.get("parameters") == params
        and (out / "findings.json").exists()
        and (out / "audit.ipynb").exists()
        and (out / "audit.html").exists()
    )


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
    _clean_leftovers(out_dir)
    private_cache = None
    if not options.cache:
        # --no-cache: nothing is read from or kept in a shared cache, but the worker still hands
        # its extraction to the notebook's kernel through a cache private to this run.
        private_cache = Path(tempfile.mkdtemp(prefix=".cache-", dir=out_dir))
        options = Options(options.password, options.max_pages, options.timeout, str(private_cache))
    elif not Path(options.cache).is_absolute():
        options = Options(options.password, options.max_pages, options.timeout, str(Path(options.cache).resolve()))
    tool = {"version": __version__, "rules_version": _rules_version()}
    previous = _load_manifest(out_dir)
    old_entries = previous.get("departments", {}) if previous.get("tool") == tool else {}
    manifest: dict[str, Any] = {"tool": tool, "departments": {}}
    params = options.parameters()
    todo: list[Job] = []
    outcomes: dict[str, Outcome] = {}
    all_jobs = discover(in_dir)
    for job in all_jobs:
        sha = sha256_file(job.pdf)
        entry = old_entries.get(job.slug)
        base = {"input": job.rel, "sha256": sha, "parameters": params}
        if _unchanged(entry, job, sha, params, out_dir / job.slug):
            manifest["departments"][job.slug] = {**entry, "status": "unchanged"}
            outcomes[job.slug] = Outcome(
                job.slug,
                "unchanged",
                0.0,
                department=entry.get("department"),
                year=entry.get("year"),
                counts=entry.get("counts", {}),
            )
        else:
            manifest["departments"][job.slug] = {
                **base,
                "started": None,
                "seconds": None,
                "status": "pending",
                "cause": None,
                "failing_cell": None,
            }
            todo.append(job)
    _remove_stale(out_dir, {j.slug for j in all_jobs})
    _write_manifest(out_dir, manifest)
    if run_portfolio:
        from auditlib.running import kernel_fork

        if kernel_fork.available():
            kernel_fork.server().start()  # the portfolio's kernel template, ready when the departments are done

    def record(outcome: Outcome, started: str) -> None:
        entry = manifest["departments"][outcome.slug]
        entry.update(
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
        outcomes[outcome.slug] = outcome
        _write_manifest(out_dir, manifest)
        if on_outcome:
            on_outcome(outcome)

    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), desc="auditlib batch", unit="dept")
    if todo:
        runner = _dask_runner if executor == "dask" else _local_runner
        for outcome, started in runner(todo, out_dir, options, jobs, scheduler, max_tasks_per_child):
            record(outcome, started)
            if bar:
                bar.update(1)
                bar.set_postfix_str(f"{outcome.slug}: {outcome.status}")
    if bar:
        bar.close()
    if private_cache is not None:
        shutil.rmtree(private_cache, ignore_errors=True)
    write_summary(out_dir, manifest)
    if run_portfolio:
        run_portfolio_notebook(out_dir)
    return BatchResult(outcomes, manifest)


def _local_runner(
    todo: list[Job], out_dir: Path, options: Options, jobs: int | None, scheduler: str | None, max_tasks_per_child: int
) -> Iterable[tuple[Outcome, str]]:
    import multiprocessing

    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, max_tasks_per_child=max_tasks_per_child, initializer=_start_worker
    ) as pool:
        started = {}
        futures = {}
        for job in todo:
            started[job.slug] = _now()
            futures[pool.submit(run_department, job, out_dir, options)] = job
        for fut in as_completed(futures):
            job = futures[fut]
            try:
                outcome = fut.result()
            except Exception as exc:  # noqa: BLE001 - a dead worker is a failed department
                outcome = Outcome(job.slug, "failed_error", 0.0, cause=f"{type(exc).__name__}: {exc}")
            yield outcome, started[job.slug]


def _start_worker() -> None:
    """Pool initializer: start the kernel template (if any) as soon as the worker exists, so its
    imports overlap with the worker's own."""
    from auditlib.running import kernel_fork

    skip_slow_optional_imports()
    if kernel_fork.available():
        kernel_fork.server().start()


def skip_slow_optional_imports() -> None:
    """Keep ``rfc3987_syntax`` out of this process (call before nbformat or papermill is imported).

    Why: jsonschema, which nbformat imports, loads it when installed (jupyterlab's dependencies
    bring it) only to check the "iri" string format, and it compiles an Earley grammar at import:
    about 1.8 s per process, in the batch and in every worker, for a format no notebook schema
    uses. With the module marked absent, jsonschema simply has no "iri" checker. Once jsonschema is
    imported this changes nothing.
    """
    import sys

    if "jsonschema._format" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


class BatchSetupError(ValueError):
    """A batch that cannot start: a malformed scheduler address, a scheduler that does not answer, or
    workers that cannot do the work (an input they cannot read, an OUT_DIR they cannot write, another
    auditlib). One line, ``<address>: <cause>``; the command line prints it and exits 2."""


_DASK_SCHEMES = ("tcp", "tls", "ws", "wss")
_DASK_WORKER_WAIT = 120.0  # seconds an external scheduler may take to get its first worker
_SHARED_FS = "IN_DIR, OUT_DIR and the cache must be on a filesystem every worker sees at the same path"


def _one_line(text: object, limit: int = 400) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _setup_error(address: str, cause: str) -> BatchSetupError:
    name = address.replace("\r", "\\r").replace("\n", "\\n")
    return BatchSetupError(f"{name}: {_one_line(cause)}")


def _parse_scheduler(address: str) -> tuple[str, Any]:
    """``("local", N)`` for ``local:N``, else ``("remote", address)``; BatchSetupError when malformed."""
    usage = "not a Dask scheduler address (tcp://HOST:PORT or local:N)"
    text = address.strip()
    if text.startswith("local:"):
        n = text[len("local:") :]
        if not (n.isascii() and n.isdigit()) or int(n) < 1:
            raise _setup_error(address, "local:N needs a number of workers N of at least 1")
        return "local", int(n)
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "tcp", text
    host, _, port = rest.rpartition(":")
    if (
        scheme not in _DASK_SCHEMES
        or not host
        or "/" in rest
        or any(c.isspace() for c in rest)
        or not (port.isascii() and port.isdigit())
        or not 0 < int(port) < 65536
    ):
        raise _setup_error(address, usage)
    return "remote", f"{scheme}://{rest}"


def _need_dask(address: str) -> None:
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise _setup_error(address, "Dask is not installed (pip install 'auditlib[dask]')") from None


def _check_scheduler(address: str) -> None:
    """Before anything is written: the address is well formed and its scheduler answers.

    The wait is Dask's connect timeout (``distributed.comm.timeouts.connect``, e.g.
    ``DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT=5s``). ``local:N`` only needs Dask installed.
    """
    kind, target = _parse_scheduler(address)
    _need_dask(address)
    if kind == "local":
        return
    import asyncio

    import dask.config
    from dask.utils import parse_timedelta
    from distributed.comm import connect
    from distributed.security import Security

    timeout = parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"), "s")

    async def probe() -> None:
        comm = await connect(target, timeout=timeout, **Security().get_connection_args("client"))
        await comm.close()

    try:
        asyncio.run(probe())
    except Exception as exc:  # noqa: BLE001 - refused, timed out, not a Dask endpoint, bad TLS ...
        raise _setup_error(
            address, f"cannot reach the scheduler within {timeout:g} s ({type(exc).__name__}: {exc})"
        ) from None


def _dask_worker_check(paths: list[str], out_dir: str, cache: str | None, expected: tuple) -> str | None:
    """Run on every worker (``client.run``): what stops this worker from doing the batch, or None."""
    here = (__version__, _rules_version(), _cache_key_here())
    if here != expected:
        return (
            f"runs auditlib {here[0]} (rules {here[1]}) and this machine auditlib {expected[0]} (rules "
            f"{expected[1]}), or their extraction code differs: install the same auditlib on every worker"
        )
    if not DEPARTMENT_NOTEBOOK.is_file():
        return f"has no department notebook at {DEPARTMENT_NOTEBOOK}: install auditlib from its source tree"
    for path in paths:
        try:
            with open(path, "rb") as fh:
                fh.read(1)
        except OSError as exc:
            return f"cannot read {path} ({exc.strerror or type(exc).__name__}); {_SHARED_FS}"
    for folder in [out_dir] + ([cache] if cache else []):
        try:
            Path(folder).mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(prefix=".auditlib-probe-", dir=folder)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            return f"cannot write to {folder} ({exc.strerror or type(exc).__name__}); {_SHARED_FS}"
    return None


def _dask_department(
    run: Callable[[Job, Path, Options], Outcome], job: Job, out_dir: Path, options: Options
) -> tuple[Outcome, str]:
    """One department on a worker: ``run`` is ``run_department``, the local pool's code path."""
    started = _now()
    try:
        with open(job.pdf, "rb") as fh:  # a worker that joined after the check and does not see the input
            fh.read(1)
    except OSError as exc:
        from distributed import get_worker

        raise OSError(f"worker {get_worker().address} cannot read {job.pdf} ({exc.strerror}); {_SHARED_FS}") from None
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
    return Outcome(job.slug, "failed_error", 0.0, cause=_one_line(cause))


def _dask_runner(
    todo: list[Job], out_dir: Path, options: Options, jobs: int | None, scheduler: str | None, max_tasks_per_child: int
) -> Iterable[tuple[Outcome, str]]:
    """Run ``run_department`` for each job on a Dask cluster; yield (outcome, started) as each completes.

    ``scheduler`` is ``tcp://HOST:PORT`` (an existing scheduler) or ``local:N`` (a LocalCluster of N
    single-threaded worker processes on 127.0.0.1, dashboard off, for this batch only). Before
    submitting, every worker must import the same auditlib, read every input and write OUT_DIR and the
    cache (a shared filesystem, same paths); otherwise BatchSetupError. At most one department per
    worker thread is handed to the scheduler at a time, so a lost worker costs only the department it
    was running. Tasks use ``retries=0``: a task that raises becomes a failed_error outcome, and so
    does a task whose worker is lost (at once under ``local:N``; an external scheduler first retries it
    on other workers up to its ``distributed.scheduler.allowed-failures``); the others go on. ``jobs``
    and ``max_tasks_per_child`` belong to the local pool (each department runs in its own kernel, so a
    worker can take one department after another).
    """
    address = scheduler or ""
    kind, target = _parse_scheduler(address)
    _need_dask(address)
    import logging
    import uuid
    import warnings
    from collections import deque

    import dask.config
    from distributed import Client, LocalCluster
    from distributed import as_completed as dask_as_completed

    cluster = client = None
    try:
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
                client.wait_for_workers(1, timeout=_DASK_WORKER_WAIT)
        except Exception as exc:  # noqa: BLE001 - whatever stops the cluster is a setup error
            if client is not None and kind != "local":
                raise _setup_error(address, f"no worker joined the scheduler within {_DASK_WORKER_WAIT:g} s") from None
            raise _setup_error(address, f"cannot start or reach the cluster ({type(exc).__name__}: {exc})") from None
        expected = (__version__, _rules_version(), _cache_key_here())
        try:
            problems = client.run(_dask_worker_check, [str(j.pdf) for j in todo], str(out_dir), options.cache, expected)
        except Exception as exc:  # noqa: BLE001 - typically auditlib missing on a worker
            raise _setup_error(
                address,
                f"the workers cannot run auditlib ({type(exc).__name__}: {exc}); install "
                "the same auditlib on every worker",
            ) from None
        for worker, problem in sorted(problems.items()):
            if problem:
                raise _setup_error(address, f"worker {worker} {problem}")

        batch = uuid.uuid4().hex[:8]
        waiting = deque(todo)
        running: dict[Any, tuple[Job, str]] = {}
        done = dask_as_completed(loop=client.loop, with_results=True, raise_errors=False)

        lost: list[str] = []

        def submit() -> None:  # keep one department per worker thread in flight (workers may come and go)
            try:
                slots = max(1, sum(client.nthreads().values()))
                while waiting and len(running) < slots and not lost:
                    job = waiting[0]
                    fut = client.submit(
                        _dask_department,
                        run_department,
                        job,
                        out_dir,
                        options,
                        pure=False,
                        retries=0,
                        key=f"auditlib-department-{batch}-{job.slug}",
                    )
                    waiting.popleft()
                    running[fut] = (job, _now())
                    done.add(fut)
            except Exception as exc:  # noqa: BLE001 - the scheduler is gone: what is left is not run
                lost.append(f"scheduler lost before it ran ({type(exc).__name__}: {exc})")

        submit()
        for fut, result in done:
            job, submitted = running.pop(fut)
            if fut.status == "finished":
                outcome, started = result
            else:  # the task raised, or its worker was lost: recorded, the rest go on
                outcome, started = _dask_lost(job, result), submitted
            fut.release()
            submit()
            yield outcome, started
        for job in waiting:  # only when the scheduler was lost; a rerun does them
            yield Outcome(job.slug, "failed_error", 0.0, cause=_one_line(lost[0] if lost else "not run")), _now()
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()


def _rules_version() -> str:
    """Imported on use: the rules (and pandas) are the kernel's business, not a batch worker's."""
    from auditlib.rules.registry import RULES_VERSION

    return RULES_VERSION


def _cache_key_here() -> str:
    from auditlib.reading.cache import cache_key

    return cache_key("0" * 64)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _clean_leftovers(out_dir: Path) -> None:
    """Remove staging folders a killed run left behind (never a finished department)."""
    for p in out_dir.iterdir():
        if p.name.startswith(".") and (
            ".stage-" in p.name or ".failed-" in p.name or ".old-" in p.name or p.name.startswith(".cache-")
        ):
            shutil.rmtree(p, ignore_errors=True)
        elif p.name.startswith(".manifest.json.") and p.name.endswith(".tmp"):
            p.unlink(missing_ok=True)


def _remove_stale(out_dir: Path, slugs: set[str]) -> None:
    """Departments of an earlier run whose PDF is gone are removed (files this run would not write)."""
    previous = _load_manifest(out_dir).get("departments", {})
    for slug in previous:
        if slug not in slugs and (out_dir / slug).is_dir():
            shutil.rmtree(out_dir / slug, ignore_errors=True)


def write_summary(out_dir: Path, manifest: dict[str, Any]) -> Path:
    rows = []
    for slug in sorted(manifest["departments"]):
        e = manifest["departments"][slug]
        counts = e.get("counts") or {}
        rows.append(
            {
                "slug": slug,
                "department": e.get("department") or "",
                "year": e.get("year") or "",
                "status": e.get("status"),
                "errors": counts.get("error", ""),
                "warnings": counts.get("warning", ""),
                "infos": counts.get("info", ""),
                "seconds": e.get("seconds") if e.get("seconds") is not None else "",
            }
        )
    portfolio = out_dir / "portfolio"
    portfolio.mkdir(exist_ok=True)
    path = portfolio / "summary.csv"
    tmp = path.with_name(".summary.csv.tmp")
    tmp.write_text(csv_text(SUMMARY_COLUMNS, rows), encoding="utf-8")
    os.replace(tmp, path)
    return path


def run_portfolio_notebook(out_dir: Path) -> None:
    """Execute notebooks/portfolio.ipynb over OUT_DIR into OUT_DIR/portfolio/ (+ HTML)."""
    skip_slow_optional_imports()
    import papermill as pm

    from auditlib.running import kernel_fork

    fork_kernels = kernel_fork.kernel_manager_class()
    portfolio = out_dir / "portfolio"
    stage = portfolio / ".portfolio.tmp.ipynb"
    nb = pm.execute_notebook(
        str(PORTFOLIO_NOTEBOOK),
        str(stage),
        parameters={"batch_dir": str(out_dir)},
        kernel_name="python3",
        extra_arguments=KERNEL_QUIET,
        progress_bar=False,
        cwd=str(ROOT),
        **({"kernel_manager_class": fork_kernels} if fork_kernels is not None else {}),
    )
    _html(nb, stage, portfolio / ".portfolio.html.tmp")
    os.replace(portfolio / ".portfolio.html.tmp", portfolio / "portfolio.html")
    os.replace(stage, portfolio / "portfolio.ipynb")
