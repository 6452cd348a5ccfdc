"""One batch at a time per output folder, and the one error a batch ends with when OUT_DIR fails it.

Why a lock: two batches into one OUT_DIR would audit every department twice and overwrite each
other's manifest. The second batch is refused at once (exit 2, one line naming the running one)
rather than made to wait: a batch runs for hours, and a run that silently waits for one is worse
than a clear line. The lock is ``fcntl.flock`` on ``OUT_DIR/.auditlib-batch.lock``, which holds the
pid and start time of the batch; the kernel releases it when the process ends in any way (even
``kill -9``), so a stale file never blocks. The batch removes the file when it ends; a batch that
finds the file replaced under its lock (removed by the previous holder) locks the new one. (Where
there is no ``fcntl``, Windows, the file is written but nothing is locked.)
"""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock; batches into one folder are not kept apart
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = ".auditlib-batch.lock"


class BatchOutputError(Exception):
    """OUT_DIR cannot take this batch: another batch runs into it, or it cannot be written (full,
    read-only). The message is the cause only; the command line prints ``auditlib: <OUT_DIR as
    given>: <cause>`` and exits 2."""


class BatchBusy(BatchOutputError):
    """Another batch holds the output folder's lock."""


def _holder(fd: int) -> str:
    """What the running batch wrote into the lock (``pid N since ISO``); it may not have yet."""
    for _ in range(20):
        try:
            text = os.pread(fd, 200, 0).decode("utf-8", errors="replace").strip()
        except OSError:
            text = ""
        if text:
            return text.splitlines()[0]
        time.sleep(0.05)
    return "pid unknown"


class BatchLock:
    """The output folder's lock, held from :meth:`acquire` to :meth:`release`."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, out_dir: Path, started: str) -> BatchLock:
        """Lock ``out_dir`` for this process; BatchBusy when another batch holds it, OSError when
        the folder cannot be written (the caller decides whether that matters)."""
        path = Path(out_dir) / LOCK_FILE
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
            if fcntl is None:
                break
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                    os.close(fd)
                    raise
                holder = _holder(fd)
                os.close(fd)
                raise BatchBusy(f"another batch is running into this folder ({holder})") from None
            try:
                here, opened = os.stat(path), os.fstat(fd)
                same = (here.st_dev, here.st_ino) == (opened.st_dev, opened.st_ino)
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)  # the previous holder removed it after we opened it: lock the file at the path now
        lock = cls(path, fd)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} since {started}\n".encode(), 0)
        except OSError:
            lock.release()
            raise
        return lock

    def release(self) -> None:
        """Remove the file, then unlock (in that order, so no one locks a file that is going away)."""
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only or vanished folder: the lock itself still goes with the descriptor
        os.close(self._fd)
        self._fd = None
