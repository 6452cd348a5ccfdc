"""Reading one report with the limits and the error mapping that every path shares.

Why one place: ``extract``, ``audit``, the department notebook (``workpaper.run_audit``, which a
batch and Dask run in a kernel) must give the same outcome for the same bad file: exit 3 with
``auditlib: <file>: <cause>`` on the command line, ``failed_input`` with the same cause in a batch.
So each of them reads through :func:`read_guarded`, which turns what the reading code raises into
``InputError`` with a one-line cause.

``--timeout`` is enforced twice: ``Deadline`` checks between steps (inside ``read_report``), and a
SIGALRM timer (Unix, main thread: the command line, a pool worker, a kernel's shell) that stops a
document even inside a long Camelot call. The alarm raises a BaseException, so the ``except
Exception`` blocks around Camelot cannot swallow it; it fires once and becomes
``InputError("over --timeout N s")``. The previous handler is restored. Library log records and
warnings (a repaired xref, an odd font) are kept off stderr: its only line on bad input is the cause.
"""

from __future__ import annotations

import logging
import signal
import threading
import warnings
from pathlib import Path
from typing import Any

from auditlib.reading.pdf import InputError
from auditlib.reading.pipeline import DEFAULT_MAX_PAGES, DEFAULT_TIMEOUT, Report, read_report


class _Alarm(BaseException):
    pass


def cause_of(exc: BaseException) -> str:
    """The one-line cause of an input that cannot be audited, as every path prints it."""
    return " ".join(str(exc).split()) or "cannot be audited"


def read_guarded(
    pdf: str | Path,
    password: str | None = None,
    max_pages: int | None = DEFAULT_MAX_PAGES,
    timeout: float | None = DEFAULT_TIMEOUT,
    cache: str | Path | None = None,
) -> Report:
    """``read_report`` under the hard timeout, with every reading failure as ``InputError``."""
    import pypdfium2 as pdfium

    armed = [True]

    def on_alarm(signum: int, frame: Any) -> None:  # noqa: ARG001 - signal handler signature
        if armed[0]:
            armed[0] = False  # once: a late delivery after the read never raises
            raise _Alarm

    use_alarm = bool(timeout) and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    root = logging.getLogger()
    null = logging.NullHandler() if not root.handlers else None
    if null is not None:
        root.addHandler(null)  # no "last resort" printing of library warnings to stderr
    previous = signal.signal(signal.SIGALRM, on_alarm) if use_alarm else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                if use_alarm:
                    signal.setitimer(signal.ITIMER_REAL, timeout)
                try:
                    return read_report(pdf, password=password, max_pages=max_pages, timeout=timeout, cache=cache)
                finally:
                    armed[0] = False
            except _Alarm:
                raise InputError(f"over --timeout {timeout:g} s") from None
            except pdfium.PdfiumError as exc:  # a page or object PDFium cannot load after opening
                raise InputError(f"damaged PDF ({' '.join(str(exc).split())})") from exc
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        if null is not None:
            root.removeHandler(null)
