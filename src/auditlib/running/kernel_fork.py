"""Kernels forked from a pre-imported template: a fresh kernel per department, without the imports.

Why: a batch runs every department in its own Jupyter kernel (the executed
notebook is the kept record). A kernel started the usual way is a new Python
process that imports ipykernel, IPython, pandas, matplotlib, PDFium and auditlib
again: about 1.5 s of CPU per department, a quarter of the whole audit. Here a
small *template* process per batch worker imports all of that once and then
only forks; each fork becomes one kernel (``IPKernelApp`` with the connection
file jupyter_client wrote), exactly as ``python -m ipykernel_launcher`` would
run it, in its own session and process group. The template never runs notebook
code, so a kernel starts with no state but the imported modules: the same
starting point as a freshly launched kernel, minus the wait.

How it plugs in: :class:`ForkKernelManager` is a jupyter_client kernel manager
whose provisioner asks the template (over a pipe, one JSON line per request)
for a kernel instead of calling ``Popen``; papermill/nbclient take it as
``kernel_manager_class``. The provisioner watches the kernel with a Linux
``pidfd`` (the kernel is the template's child, not the worker's) and signals its
process group for interrupts and kills, like jupyter_client's LocalProvisioner.

Lifetimes: the template ends when its worker closes the pipe or dies (it is
armed with the parent-death signal, auditlib.running.parent_death); a kernel
ends when nbclient shuts it down, and at once when the template is gone (each
forked kernel arms the parent-death signal again after the fork, which clears
it; ipykernel's parent poller, given the template's pid, is the fallback), so
a batch killed with SIGKILL leaves no template and no kernel behind. A kernel
launched the ordinary way is started through ``python -m
auditlib.running.kernel_fork --guard PID CMD...``, which arms the signal and
then execs the kernel command (same process), so it too dies with its worker.

Where it does not apply (not Linux, no ``os.pidfd_open``, a kernelspec that is
not this interpreter's ipykernel, ``AUDITLIB_KERNEL=spawn`` in the environment,
or a template that failed to start) the ordinary launch is used; the outputs
are the same either way.
"""

from __future__ import annotations

import functools
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from typing import Any

#: Modules a department kernel needs (what notebooks/department_audit.ipynb and
#: auditlib.outputs.workpaper import, directly or lazily). Imports only: no code of a
#: notebook runs in the template.
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "IPython.display",
    "matplotlib_inline.backend_inline",
    "pandas",
    "matplotlib",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "PIL.Image",
    "pypdfium2",
    "openpyxl",
    "openpyxl.styles",
    "openpyxl.utils",
    "camelot",
    "pikepdf",
    "auditlib.reading.extract",
    "auditlib.reading.cache",
    "auditlib.outputs.workpaper",
    "auditlib.outputs.plots",
    "auditlib.outputs.evidence",
    "auditlib.running.audit_run",
    "auditlib.outputs.report_files",
    "auditlib.outputs.portfolio",
)
#: Set ``AUDITLIB_KERNEL=spawn`` to start every kernel as a new process (jupyter_client's default).
MODE_VARIABLE = "AUDITLIB_KERNEL"


class ForkServerError(RuntimeError):
    """The template process is gone or answered nonsense."""


# ---------------------------------------------------------------- the template process


def _preload() -> None:
    # ipykernel sets this default before any user code imports matplotlib; matplotlib reads it at import.
    if not os.environ.get("MPLBACKEND"):
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a missing optional module just is not preloaded
            pass


def _reap(_signum: int, _frame: Any) -> None:
    """Collect finished kernels (they are the template's children) so none is left a zombie."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _become_kernel(request: dict[str, Any], server_files: list[Any], start_dir: str, template: int) -> None:
    """In the forked child: turn into ``python -m ipykernel_launcher <argv>`` and never return."""
    from auditlib.running.parent_death import die_with_parent

    code = 1
    try:
        die_with_parent(template)  # fork cleared the template's own parent-death signal
        for f in server_files:
            f.close()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a new process; ipykernel takes it from here
        os.setsid()  # own session and process group, as jupyter_client's launcher does
        cwd = request.get("cwd") or start_dir
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["JPY_PARENT_PID"] = str(template)
        if sys.path and sys.path[0] == start_dir:  # `python -m` puts the working directory first
            sys.path[0] = os.getcwd()
        import ipykernel_launcher  # noqa: F401 - only for its file name in sys.argv
        from ipykernel.kernelapp import IPKernelApp

        # The kernel ends when the template does (ipykernel's parent poller). IPKernelApp read
        # JPY_PARENT_PID when the template imported it, so the handle is given on the command line.
        argv = [*request["argv"], f"--IPKernelApp.parent_handle={template}"]
        sys.argv = [ipykernel_launcher.__file__, *argv]
        IPKernelApp.launch_instance(argv=argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - a kernel that cannot start says why on stderr
        import traceback

        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001
                pass
        os._exit(code)


def serve(parent: int | None = None) -> None:
    """The template: read one JSON request per line on stdin, answer one JSON line on stdout.

    Requests: ``{"op": "fork", "argv": [...], "env": {...}, "cwd": "..."}`` answers
    ``{"pid": N}``; ``{"op": "stats"}`` answers the peak resident set (kB) of the template
    and of its finished kernels. The first line written is ``{"ready": PID}`` once the
    modules are imported. End of input ends the template, and so does the death of ``parent``
    (the worker that started it).
    """
    from auditlib.running.parent_death import die_with_parent

    die_with_parent(parent)
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # a stray print in the template or a kernel goes to stderr, never into the protocol
    os.close(devnull)
    start_dir = sys.path[0] if sys.path else os.getcwd()
    _preload()
    # Python 3.12+ warns on every fork of a process with more than one OS thread. The template's
    # extra threads are the idle pools numpy's OpenBLAS and OpenCV start at import, which both
    # libraries re-create in a forked child; the template itself runs nothing in parallel.
    import warnings

    warnings.filterwarnings("ignore", message=r".*use of fork\(\) may lead to deadlocks", category=DeprecationWarning)

    def reply(obj: dict[str, Any]) -> None:
        replies.write(json.dumps(obj).encode("utf-8") + b"\n")
        replies.flush()

    signal.signal(signal.SIGCHLD, _reap)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in a terminal is the batch's to handle
    me = os.getpid()
    reply({"ready": me})
    for line in requests:
        try:
            request = json.loads(line)
        except ValueError:
            reply({"error": "not JSON"})
            continue
        op = request.get("op")
        if op == "fork":
            try:
                pid = os.fork()
            except OSError as exc:  # out of processes or memory: the worker launches the ordinary way
                reply({"error": f"fork failed: {exc}"})
                continue
            if pid == 0:
                _become_kernel(request, [requests, replies], start_dir, template=me)
            reply({"pid": pid})
        elif op == "stats":
            import resource

            reply(
                {
                    "self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                    "kernels_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                }
            )
        else:
            reply({"error": f"unknown op {op!r}"})


# ---------------------------------------------------------------- the worker's side


class ForkServer:
    """A template process owned by this (worker) process; started on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self.pid: int | None = None

    def start(self) -> None:
        """Start the template (returns at once; its imports run while the worker works)."""
        with self._lock:
            self._start_locked()

    def _start_locked(self) -> None:
        if self._proc is None:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "auditlib.running.kernel_fork", str(os.getpid())],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                close_fds=True,
            )

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self._start_locked()
            proc = self._proc
            assert proc is not None and proc.stdin is not None and proc.stdout is not None
            try:
                if self.pid is None:
                    ready = json.loads(proc.stdout.readline() or b"null")
                    if not isinstance(ready, dict) or "ready" not in ready:
                        raise ForkServerError(f"template did not start (exit {proc.poll()})")
                    self.pid = int(ready["ready"])
                proc.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
                proc.stdin.flush()
                answer = json.loads(proc.stdout.readline() or b"null")
                if not isinstance(answer, dict) or "error" in answer:
                    raise ForkServerError(f"template refused the request: {answer!r}")
            except (OSError, ValueError, ForkServerError) as exc:
                # A template that died (killed, out of memory) is replaced on the next request;
                # this one falls back to the ordinary launch.
                self._proc, self.pid = None, None
                _discard(proc)
                if isinstance(exc, ForkServerError):
                    raise
                raise ForkServerError(f"template lost ({type(exc).__name__}: {exc})") from None
            return answer

    def fork_kernel(self, argv: list[str], env: dict[str, str], cwd: str) -> int:
        return int(self._ask({"op": "fork", "argv": argv, "env": env, "cwd": cwd})["pid"])

    def peak_kernel_rss_mb(self) -> float:
        """Largest resident set of the template or any finished kernel it forked, in MB (0 if none yet)."""
        if self._proc is None or self.pid is None:
            return 0.0
        try:
            stats = self._ask({"op": "stats"})
        except ForkServerError:
            return 0.0
        return max(stats["self_kb"], stats["kernels_kb"]) / 1024.0

    def close(self) -> None:
        """End the template (its kernels end with it, through ipykernel's parent poller)."""
        with self._lock:
            proc, self._proc, self.pid = self._proc, None, None
        if proc is not None:
            try:
                assert proc.stdin is not None
                proc.stdin.close()
                proc.wait(timeout=10)
            except Exception:  # noqa: BLE001 - a template that does not end is killed
                _discard(proc)
            if proc.stdout is not None:
                proc.stdout.close()


def _discard(proc: subprocess.Popen[bytes]) -> None:
    """Kill and reap a template process, ignoring that it may be gone already."""
    for action in (proc.kill, proc.wait):
        try:
            action()
        except Exception:  # noqa: BLE001
            pass
    for stream in (proc.stdin, proc.stdout):
        try:
            if stream is not None:
                stream.close()
        except Exception:  # noqa: BLE001
            pass


_SERVER: ForkServer | None = None


def available() -> bool:
    """Whether kernels can be forked here (Linux with pidfd, not switched off)."""
    return (
        os.environ.get(MODE_VARIABLE, "fork") != "spawn"
        and sys.platform.startswith("linux")
        and hasattr(os, "fork")
        and _pidfd_works()
    )


@functools.lru_cache(maxsize=1)
def _pidfd_works() -> bool:
    """``os.pidfd_open`` exists from Python 3.9, the system call from Linux 5.3 (and a sandbox may refuse it)."""
    try:
        os.close(os.pidfd_open(os.getpid()))
    except (AttributeError, OSError):
        return False
    return True


def server() -> ForkServer:
    """This process's template (created, not yet started, on first call)."""
    global _SERVER
    if _SERVER is None:
        import atexit

        _SERVER = ForkServer()
        atexit.register(_SERVER.close)
    return _SERVER


class _ForkedProcess:
    """The parts of ``subprocess.Popen`` jupyter_client's LocalProvisioner uses, for a kernel we did not spawn."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._fd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:
            self._fd, self.returncode = None, 0

    def poll(self) -> int | None:
        if self.returncode is None and self._fd is not None:
            ready, _, _ = select.select([self._fd], [], [], 0)
            if ready:
                os.close(self._fd)
                self._fd, self.returncode = None, 0  # the template reaps it; its status is not ours to read
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            assert self._fd is not None
            select.select([self._fd], [], [], 0.05)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def guarded_command(cmd: list[str]) -> list[str]:
    """``cmd`` started so that it dies with this process (Linux; elsewhere ``cmd`` unchanged)."""
    if not sys.platform.startswith("linux"):
        return list(cmd)
    return [sys.executable, "-m", "auditlib.running.kernel_fork", "--guard", str(os.getpid()), *cmd]


def _guard_main(argv: list[str]) -> None:
    """``--guard PID CMD...``: arm the parent-death signal for PID, then become CMD (exec keeps it)."""
    from auditlib.running.parent_death import die_with_parent

    die_with_parent(int(argv[0]))
    os.execvp(argv[1], argv[1:])


@functools.lru_cache(maxsize=1)
def _guarded_provisioner_class() -> type:
    from jupyter_client.provisioning import LocalProvisioner

    class GuardedProvisioner(LocalProvisioner):  # type: ignore[misc]
        """LocalProvisioner whose kernel dies with this process (see :func:`guarded_command`)."""

        async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
            return await super().launch_kernel(guarded_command(cmd), **kwargs)

    return GuardedProvisioner


def _with_provisioner(base: type, provisioner: type, name: str) -> type:
    """A subclass of the kernel manager ``base`` that launches through ``provisioner``."""

    async def _async_pre_start_kernel(self: Any, **kw: Any) -> Any:
        import uuid

        self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
        if self.provisioner is None:
            self.provisioner = provisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await base._async_pre_start_kernel(self, **kw)

    return type(name, (base,), {"_async_pre_start_kernel": _async_pre_start_kernel})


@functools.lru_cache(maxsize=1)
def launched_kernel_manager_class() -> type:
    """The kernel manager for kernels launched the ordinary way (no template): each one dies with
    the process that launched it."""
    from jupyter_client.manager import AsyncKernelManager

    return _with_provisioner(AsyncKernelManager, _guarded_provisioner_class(), "GuardedKernelManager")


def _provisioner_class() -> type:
    class ForkProvisioner(_guarded_provisioner_class()):  # type: ignore[misc]
        """LocalProvisioner that gets its kernel from the template instead of ``Popen`` (and
        launches a guarded kernel the ordinary way when the template cannot)."""

        async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
            if not _is_this_ipykernel(cmd):
                return await super().launch_kernel(cmd, **kwargs)
            env = kwargs.get("env") or dict(os.environ)
            cwd = str(kwargs.get("cwd") or os.getcwd())
            try:
                pid = server().fork_kernel(list(cmd[3:]), dict(env), cwd)
            except ForkServerError:
                return await super().launch_kernel(cmd, **kwargs)  # the ordinary launch still works
            self.process = _ForkedProcess(pid)
            self.pid = self.pgid = pid  # the kernel leads its own process group (setsid)
            self.cwd = cwd
            return self.connection_info

        async def send_signal(self, signum: int) -> None:
            if isinstance(self.process, _ForkedProcess) and self.process.poll() is not None:
                return  # never signal a process group whose leader is gone
            await super().send_signal(signum)

    return ForkProvisioner


def _is_this_ipykernel(cmd: list[str]) -> bool:
    """``[<this python>, -m, ipykernel_launcher, ...]``: the only command the template can stand in for."""
    return (
        len(cmd) >= 3
        and list(cmd[1:3]) == ["-m", "ipykernel_launcher"]
        and os.path.normpath(os.path.abspath(cmd[0])) == os.path.normpath(os.path.abspath(sys.executable))
    )


def kernel_manager_class() -> type | None:
    """The kernel manager class for papermill (``kernel_manager_class=``), or None for the default."""
    if not available():
        return None
    return _fork_kernel_manager()


@functools.lru_cache(maxsize=1)
def _fork_kernel_manager() -> type:
    """AsyncKernelManager whose kernels are forked from this process's template."""
    from jupyter_client.manager import AsyncKernelManager

    return _with_provisioner(AsyncKernelManager, _provisioner_class(), "ForkKernelManager")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--guard"]:
        _guard_main(sys.argv[2:])
    else:
        serve(int(sys.argv[1]) if len(sys.argv) > 1 else None)
