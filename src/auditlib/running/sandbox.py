"""Run a step that opens an untrusted PDF in a forked child process with hard limits.

Why a child: PDF libraries are compiled code. A hostile file can make them allocate without end
(a page box holding a huge integer sends Camelot's layout step to 100 MB/s), recurse until the
stack overflows (a form XObject that draws itself: SIGSEGV), or loop inside C where no Python signal
handler runs, so ``--timeout`` by SIGALRM cannot stop it. In a child, the parent enforces every
limit from outside, where the child cannot ignore it:

- **wall clock**: the parent waits at most ``timeout`` seconds, then kills the child (SIGKILL);
- **memory**: the parent polls the child's resident set and kills it above ``max_memory_mb``;
  ``RLIMIT_AS`` (the address space the child had at the fork plus the cap) stops a sudden large
  allocation between two polls;
- **CPU time**: ``RLIMIT_CPU`` (the kernel sends SIGXCPU);
- no core files (``RLIMIT_CORE`` 0) and the child dies with its parent (``PR_SET_PDEATHSIG``).

The child is forked from the process that asks, which has the PDF libraries imported already: the
cost is a fork and a pickle of the result, not an interpreter start (``benchmarks/bench_sandbox.py``).
The child's result or exception comes back pickled through a pipe; an ``InputError`` raised in the
child is raised again in the parent, and any abnormal end becomes an ``InputError`` whose message
names the cause: ``exceeds the memory limit (--max-memory N MB)``, ``reading crashed (signal 11,
SIGSEGV)``, ``over --timeout N s``, ``over the CPU-time limit (N s)``. What the child prints goes
nowhere: in a kernel, stdout is a socket the child must not touch.

Where ``fork`` is not available (not Linux), or ``AUDITLIB_READ_IN_PROCESS=1`` is set (to debug a
reader with pdb), the step runs in-process and only the SIGALRM timeout of ``read_guard`` applies.
"""

from __future__ import annotations

import gc
import math
import os
import pickle
import resource
import select
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from auditlib.reading.pdf import InputError
from auditlib.running.parent_death import die_with_parent

DEFAULT_MAX_MEMORY_MB = 2048
#: Below this a normal report cannot be read at all (the child starts at its parent's size).
MIN_MAX_MEMORY_MB = 256
IN_PROCESS_VARIABLE = "AUDITLIB_READ_IN_PROCESS"

_POLL_SECONDS = 0.02
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
#: Once the child has sent its result it only has to exit: how long to wait for that.
_EXIT_GRACE_SECONDS = 5.0

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """Hard limits of one child. ``None`` means no limit of that kind."""

    timeout: float | None = None
    max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB
    #: CPU seconds; by default the wall-clock limit (reading is single-threaded), rounded up.
    cpu_limit: int | None = None

    @property
    def cpu_seconds(self) -> int | None:
        if self.cpu_limit:
            return self.cpu_limit
        return None if not self.timeout else max(1, math.ceil(self.timeout))


@dataclass
class ChildReport:
    """How the last child ended, for measurements and tests."""

    pid: int = 0
    peak_rss_mb: float = 0.0
    seconds: float = 0.0
    status: int | None = None
    #: CPU seconds (user + system) the child used.
    cpu_seconds: float = 0.0


last_child = ChildReport()


def available() -> bool:
    """Whether steps run in a child here (Linux with fork, not switched off)."""
    return (
        sys.platform.startswith("linux")
        and hasattr(os, "fork")
        and os.environ.get(IN_PROCESS_VARIABLE, "") not in ("1", "true", "yes")
    )


def _statm(pid: int) -> tuple[int, int]:
    """(virtual size, resident set) of ``pid`` in bytes; (0, 0) once it is gone."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            fields = fh.read().split()
        return int(fields[0]) * _PAGE, int(fields[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0, 0


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def run_limited(limits: Limits, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` in a forked child under ``limits``; its result, or its exception.

    Raises ``InputError`` for an abnormal end of the child (see the module docstring). ``fn`` and its
    result must be picklable only on the way back: the arguments reach the child by the fork.
    """
    if not available():
        return fn(*args, **kwargs)
    address_space = _statm(os.getpid())[0]
    read_end, write_end = os.pipe()
    parent = os.getpid()
    started = time.monotonic()
    # The parent's objects go to the collector's permanent generation for the fork: the child's
    # collections then never walk (and so never copy-on-write) the pages they live on, which
    # otherwise costs the child about 0.1 s of page copies per full collection.
    gc.freeze()
    try:
        pid = os.fork()
    finally:
        if os.getpid() == parent:
            gc.unfreeze()
    if pid == 0:  # pragma: no cover - the child; its outcome is checked through the parent
        os.close(read_end)
        _child(limits, address_space, parent, write_end, fn, args, kwargs)
    os.close(write_end)
    last_child.pid, last_child.peak_rss_mb = pid, 0.0
    try:
        payload, killed_for = _wait(pid, read_end, limits, address_space, started)
    finally:
        os.close(read_end)
        last_child.status = _reap(pid)
    last_child.seconds = time.monotonic() - started
    return _outcome(payload, killed_for, last_child.status, limits)


# ---------------------------------------------------------------- the child


def _child(
    limits: Limits,
    address_space: int,
    parent: int,
    write_end: int,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:  # pragma: no cover - runs in the forked child
    """Set the limits on itself, run ``fn``, send back the pickled outcome, and exit."""
    code = 70
    try:
        die_with_parent(parent)
        _silence()
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if limits.max_memory_mb:
            cap = address_space + (limits.max_memory_mb + 64) * 1024 * 1024
            _lower(resource.RLIMIT_AS, cap)
        if limits.cpu_seconds:
            used = resource.getrusage(resource.RUSAGE_SELF)
            spent = math.ceil(used.ru_utime + used.ru_stime)
            _lower(resource.RLIMIT_CPU, spent + limits.cpu_seconds, hard_extra=2)
        try:
            message: tuple[Any, ...] = ("ok", fn(*args, **kwargs))
        except InputError as exc:
            message = ("input", str(exc))
        except MemoryError:
            message = ("memory",)
        except BaseException as exc:  # noqa: BLE001 - sent to the parent, which raises it
            message = ("error", _picklable(exc), traceback.format_exc())
        try:
            data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(("memory",))
        except Exception as exc:  # noqa: BLE001 - an unpicklable result is a bug, reported as such
            data = pickle.dumps(("error", RuntimeError(f"result cannot be sent back: {exc}"), ""))
        view = memoryview(data)
        while view:
            view = view[os.write(write_end, view) :]
        code = 0
    except MemoryError:
        code = 71
    finally:
        os._exit(code)


def _silence() -> None:  # pragma: no cover - runs in the forked child
    """Nothing the child prints reaches the parent's stdout or stderr (a kernel's are sockets).

    faulthandler (pytest and some kernels enable it) writes a crash dump to a file descriptor of its
    own: a crash of the child is reported by the parent as one line, so it is switched off here.
    """
    import faulthandler

    faulthandler.disable()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives until the child exits
    sys.stdout = sys.stderr = sink


def _lower(kind: int, soft: int, hard_extra: int = 0) -> None:  # pragma: no cover - in the child
    """Set a limit no higher than it already is (an unprivileged process cannot raise a hard limit)."""
    old_soft, old_hard = resource.getrlimit(kind)
    hard = soft + hard_extra
    if old_hard != resource.RLIM_INFINITY:
        hard = min(hard, old_hard)
        soft = min(soft, hard)
    if old_soft != resource.RLIM_INFINITY:
        soft = min(soft, old_soft)
    resource.setrlimit(kind, (soft, hard))


def _picklable(exc: BaseException) -> BaseException:  # pragma: no cover - in the child
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - any exception that does not survive pickling
        return RuntimeError(f"{type(exc).__name__}: {exc}")


# ---------------------------------------------------------------- the parent


def _wait(
    pid: int, read_end: int, limits: Limits, address_space: int, started: float
) -> tuple[bytes | None, str | None]:
    """Collect the child's message while enforcing the limits; (payload, why it was killed)."""
    deadline = None if not limits.timeout else started + limits.timeout
    cap = None if not limits.max_memory_mb else limits.max_memory_mb * 1024 * 1024
    # Just under RLIMIT_AS: a child pinned there had an allocation refused and may be looping on it.
    space_cap = None if cap is None else address_space + cap + 48 * 1024 * 1024
    chunks: list[bytes] = []
    while True:
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            _kill(pid)
            return None, "timeout"
        wait = _POLL_SECONDS if deadline is None else min(_POLL_SECONDS, deadline - now)
        ready, _, _ = select.select([read_end], [], [], max(wait, 0.0))
        if ready:
            data = os.read(read_end, 1 << 20)
            if not data:
                return b"".join(chunks) or None, None
            chunks.append(data)
        size, rss = _statm(pid)
        last_child.peak_rss_mb = max(last_child.peak_rss_mb, rss / 1048576)
        if cap is not None and (rss > cap or (space_cap is not None and size > space_cap)):
            _kill(pid)
            return None, "memory"


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _reap(pid: int) -> int | None:
    """Wait for the child (it has sent everything, or was killed); kill it if it lingers."""
    end = time.monotonic() + _EXIT_GRACE_SECONDS
    while True:
        try:
            done, status, usage = os.wait4(pid, os.WNOHANG)
        except ChildProcessError:
            return None
        if done:
            last_child.cpu_seconds = usage.ru_utime + usage.ru_stime
            return status
        if time.monotonic() > end:
            _kill(pid)
            end = time.monotonic() + _EXIT_GRACE_SECONDS
        time.sleep(0.005)


def _outcome(payload: bytes | None, killed_for: str | None, status: int | None, limits: Limits) -> Any:
    """The child's result, or the exception that says how it ended."""
    if killed_for == "timeout":
        raise InputError(f"over --timeout {limits.timeout:g} s")
    if killed_for == "memory":
        raise InputError(f"exceeds the memory limit (--max-memory {limits.max_memory_mb} MB)")
    try:
        message = pickle.loads(payload) if payload else None
    except Exception:  # noqa: BLE001 - a message cut short: the child's end decides
        message = None
    if message is not None:
        kind = message[0]
        if kind == "ok":
            return message[1]
        if kind == "input":
            raise InputError(message[1])
        if kind == "memory":
            raise InputError(f"exceeds the memory limit (--max-memory {limits.max_memory_mb} MB)")
        exc, text = message[1], message[2]
        if text:
            exc.add_note("in the reading child process:\n" + text.rstrip())
        raise exc
    if status is not None and os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if number == signal.SIGXCPU:
            raise InputError(f"over the CPU-time limit ({limits.cpu_seconds} s)")
        if number == signal.SIGKILL:
            raise InputError("reading was killed (signal 9, SIGKILL: out of memory?)")
        raise InputError(f"reading crashed (signal {number}, {_signal_name(number)})")
    code = os.WEXITSTATUS(status) if status is not None and os.WIFEXITED(status) else None
    if code == 71:
        raise InputError(f"exceeds the memory limit (--max-memory {limits.max_memory_mb} MB)")
    raise InputError(f"reading ended abnormally (exit status {code})")
