"""Reading one report with the limits and the error mapping that every path shares.

Why one place: ``extract``, ``audit``, the department notebook (``workpaper.run_audit``, which a
batch and Dask run in a kernel) must give the same outcome for the same bad file: exit 3 with
``auditlib: <file>: <cause>`` on the command line, ``failed_input`` with the same cause in a batch.
So each of them reads through :func:`read_guarded`, which turns what the reading code raises into
``InputError`` with a one-line cause.

The reading runs in a forked child under hard limits (``auditlib.running.sandbox``): ``--timeout``
is enforced by killing the child, ``--max-memory`` by watching its resident memory, a crash of the
compiled PDF libraries (SIGSEGV) ends the child, not the caller. ``Deadline`` still checks between
steps inside ``read_report`` so a slow document stops with the same cause at a clean point.

Where children are not available (not Linux), the reading runs in-process and a SIGALRM timer
(main thread only) stops it even inside a long Camelot call. The alarm raises a BaseException, so the
``except Exception`` blocks around Camelot cannot swallow it; it fires once and becomes
``InputError("over --timeout N s")``. The previous handler is restored. Library log records and
warnings (a repaired xref, an odd font) are kept off stderr: its only line on bad input is the cause.
"""

from __future__ import annotations

import logging
import signal
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from auditlib.reading.pdf import InputError
from auditlib.reading.pipeline import DEFAULT_MAX_PAGES, DEFAULT_TIMEOUT, Report, read_report
from auditlib.running import sandbox
from auditlib.running.sandbox import DEFAULT_MAX_MEMORY_MB, Limits

T = TypeVar("T")


class _Alarm(BaseException):
    pass


def cause_of(exc: BaseException) -> str:
    """The one-line cause of an input that cannot be audited, as every path prints it."""
    return " ".join(str(exc).split()) or "cannot be audited"


@contextmanager
def quiet_libraries() -> Iterator[None]:
    """Library warnings and log records stay off stderr; PDFium errors become ``InputError``."""
    import pypdfium2 as pdfium

    root = logging.getLogger()
    null = logging.NullHandler() if not root.handlers else None
    if null is not None:
        root.addHandler(null)  # no "last resort" printing of library warnings to stderr
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                yield
            except pdfium.PdfiumError as exc:  # a page or object PDFium cannot load after opening
                raise InputError(f"damaged PDF ({' '.join(str(exc).split())})") from exc
    finally:
        if null is not None:
            root.removeHandler(null)


def _quietly(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    with quiet_libraries():
        return fn(*args, **kwargs)


def guarded(limits: Limits, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)``, a step that opens the PDF, under the hard limits of every path.

    In a limited child where available, else in-process under the SIGALRM timeout.
    """
    if sandbox.available():
        return sandbox.run_limited(limits, _quietly, fn, *args, **kwargs)
    return _with_alarm(limits.timeout, fn, *args, **kwargs)


def read_guarded(
    pdf: str | Path,
    password: str | None = None,
    max_pages: int | None = DEFAULT_MAX_PAGES,
    timeout: float | None = DEFAULT_TIMEOUT,
    cache: str | Path | None = None,
    max_memory: int | None = DEFAULT_MAX_MEMORY_MB,
) -> Report:
    """``read_report`` under the hard limits, with every reading failure as ``InputError``."""
    limits = Limits(timeout=timeout, max_memory_mb=max_memory)
    return guarded(limits, read_report, pdf, password=password, max_pages=max_pages, timeout=timeout, cache=cache)


def _with_alarm(timeout: float | None, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """In-process: the SIGALRM timer (Unix, main thread) stops ``fn`` even inside a long C call."""
    armed = [True]

    def on_alarm(signum: int, frame: Any) -> None:  # noqa: ARG001 - signal handler signature
        if armed[0]:
            armed[0] = False  # once: a late delivery after the read never raises
            raise _Alarm

    use_alarm = bool(timeout) and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGALRM, on_alarm) if use_alarm else None
    try:
        try:
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                return _quietly(fn, *args, **kwargs)
            finally:
                armed[0] = False
        except _Alarm:
            raise InputError(f"over --timeout {timeout:g} s") from None
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
