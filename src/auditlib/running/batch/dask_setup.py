"""Before a Dask batch runs: the scheduler address, the scheduler, and every worker checked.

Why before anything is written: a batch that cannot run on the cluster (a malformed address, a
scheduler that does not answer, a worker that cannot read an input or write OUT_DIR, another
auditlib) stops with one line and exit 2 rather than failing every department one by one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from auditlib import __version__
from auditlib.running.batch.manifest import cache_key_here, rules_version
from auditlib.running.batch.notebooks import DEPARTMENT_NOTEBOOK


class BatchSetupError(ValueError):
    """A batch that cannot start: a malformed scheduler address, a scheduler that does not answer, or
    workers that cannot do the work (an input they cannot read, an OUT_DIR they cannot write, another
    auditlib). One line, ``<address>: <cause>``; the command line prints it and exits 2."""


DASK_SCHEMES = ("tcp", "tls", "ws", "wss")
DASK_WORKER_WAIT = 120.0  # seconds an external scheduler may take to get its first worker
SHARED_FS = "IN_DIR, OUT_DIR and the cache must be on a filesystem every worker sees at the same path"


def one_line(text: object, limit: int = 400) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def setup_error(address: str, cause: str) -> BatchSetupError:
    name = address.replace("\r", "\\r").replace("\n", "\\n")
    return BatchSetupError(f"{name}: {one_line(cause)}")


def parse_scheduler(address: str) -> tuple[str, Any]:
    """``("local", N)`` for ``local:N``, else ``("remote", address)``; BatchSetupError when malformed."""
    usage = "not a Dask scheduler address (tcp://HOST:PORT or local:N)"
    text = address.strip()
    if text.startswith("local:"):
        n = text[len("local:") :]
        if not (n.isascii() and n.isdigit()) or int(n) < 1:
            raise setup_error(address, "local:N needs a number of workers N of at least 1")
        return "local", int(n)
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "tcp", text
    host, _, port = rest.rpartition(":")
    if (
        scheme not in DASK_SCHEMES
        or not host
        or "/" in rest
        or any(c.isspace() for c in rest)
        or not (port.isascii() and port.isdigit())
        or not 0 < int(port) < 65536
    ):
        raise setup_error(address, usage)
    return "remote", f"{scheme}://{rest}"


def need_dask(address: str) -> None:
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise setup_error(address, "Dask is not installed (pip install 'auditlib[dask]')") from None


def check_scheduler(address: str) -> None:
    """Before anything is written: the address is well formed and its scheduler answers.

    The wait is Dask's connect timeout (``distributed.comm.timeouts.connect``, e.g.
    ``DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT=5s``). ``local:N`` only needs Dask installed.
    """
    kind, target = parse_scheduler(address)
    need_dask(address)
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
        raise setup_error(
            address, f"cannot reach the scheduler within {timeout:g} s ({type(exc).__name__}: {exc})"
        ) from None


def worker_check(paths: list[str], out_dir: str, cache: str | None, expected: tuple) -> str | None:
    """Run on every worker (``client.run``): what stops this worker from doing the batch, or None."""
    here = (__version__, rules_version(), cache_key_here())
    if here != expected:
        return (
            f"runs auditlib {here[0]} (rules {here[1]}) and this machine auditlib {expected[0]} (rules "
            f"{expected[1]}), or their extraction code differs: install the same auditlib on every worker"
        )
    if not DEPARTMENT_NOTEBOOK.is_file():
        return (
            f"has no department notebook at {DEPARTMENT_NOTEBOOK}: install auditlib with its notebooks (package data)"
        )
    for path in paths:
        try:
            with open(path, "rb") as fh:
                fh.read(1)
        except OSError as exc:
            return f"cannot read {path} ({exc.strerror or type(exc).__name__}); {SHARED_FS}"
    for folder in [out_dir] + ([cache] if cache else []):
        try:
            Path(folder).mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(prefix=".auditlib-probe-", dir=folder)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            return f"cannot write to {folder} ({exc.strerror or type(exc).__name__}); {SHARED_FS}"
    return None
