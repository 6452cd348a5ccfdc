"""Write output folders atomically and deterministically.

Why: auditors rerun batches for months and other programs read these files.
A run either leaves a complete set of files or none: everything is staged in a
temporary folder beside DIR and moved into place file by file with
``os.replace``; files an earlier run wrote that this run does not are removed
(the list of files written is kept in ``DIR/.auditlib-files``, so files a user
put into DIR are never touched). Same input, same bytes: no timestamps, fixed
order, fixed float rounding.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

MANIFEST = ".auditlib-files"

#: The errors that mean "this folder cannot take more files": the command line prints one line
#: ``auditlib: <folder>: cannot write (<cause>)`` and exits 2, never a traceback.
WRITE_FAULTS = {
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
}


def write_fault(exc: BaseException | None) -> str | None:
    """The cause when ``exc`` (or an exception it was raised from) is a write fault, else None.

    An error raised inside a notebook's kernel comes back as text (papermill's
    ``PapermillExecutionError`` has ``ename`` and ``evalue``): its ``[Errno N]`` is looked for there.
    """
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in WRITE_FAULTS:
            return WRITE_FAULTS[exc.errno]
        if hasattr(exc, "evalue"):
            text = f"{getattr(exc, 'ename', '')}: {exc.evalue}"
            for code, cause in WRITE_FAULTS.items():
                if f"[Errno {code}]" in text or os.strerror(code) in text:
                    return cause
        exc = exc.__cause__ or exc.__context__
    return None


def probe_write(folder: Path, size: int = 32768) -> str | None:
    """Whether ``folder`` can take a small file: None when it can, else the write fault's cause.

    For a failure that does not say why (a kernel that died writing, a library that wraps the
    OSError): a full or read-only folder is then recognised by trying. Other errors say nothing
    about the folder (None).
    """
    try:
        fd, probe = tempfile.mkstemp(prefix=".auditlib-probe-", dir=folder)
    except OSError as exc:
        return write_fault(exc)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(b"\0" * size)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        return write_fault(exc)
    finally:
        try:
            os.unlink(probe)
        except OSError:
            pass
    return None


def missing_root(folder: Path) -> Path | None:
    """The outermost folder of ``folder``'s path that does not exist yet (None when it exists):
    what a failed run removes again if it is left empty."""
    folder = Path(folder).absolute()
    root = None
    while not folder.exists():
        root = folder
        if folder.parent == folder:
            break
        folder = folder.parent
    return root


def remove_empty(folder: Path, root: Path | None) -> None:
    """Remove ``folder`` and its parents up to ``root`` while they are empty (after a failed run
    that created them); never anything that holds a file."""
    if root is None:
        return
    folder, root = Path(folder).absolute(), Path(root).absolute()
    while True:
        try:
            folder.rmdir()
        except OSError:
            return
        if folder == root or folder.parent == folder:
            return
        folder = folder.parent


def csv_text(header: list[str], rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buf.getvalue()


def json_text(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


class OutputSet:
    """Files to publish into one output folder in one step."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def add_text(self, rel: str, text: str) -> None:
        self.files[rel] = text.encode("utf-8")

    def add_bytes(self, rel: str, data: bytes) -> None:
        self.files[rel] = data

    def publish(self, out_dir: Path) -> list[Path]:
        """Write every file (staged, then renamed); drop what an earlier run left."""
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        previous = read_manifest(out_dir)
        stage = Path(tempfile.mkdtemp(prefix=".auditlib-stage-", dir=out_dir))
        try:
            for rel, data in sorted(self.files.items()):
                target = stage / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            manifest = "".join(f"{rel}\n" for rel in sorted(self.files))
            (stage / MANIFEST).write_text(manifest, encoding="utf-8")
            # Every folder first: on a full disk a new folder can fail, and then no file is moved yet.
            for rel in sorted(self.files):
                (out_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            written = []
            for rel in sorted(self.files):
                dest = out_dir / rel
                os.replace(stage / rel, dest)
                written.append(dest)
            for rel in sorted(previous - set(self.files)):
                _remove(out_dir, rel)
            os.replace(stage / MANIFEST, out_dir / MANIFEST)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        return written


def write_atomic(path: Path, data: bytes) -> Path:
    """One file written whole or not at all (temporary file beside it, then os.replace)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_manifest(out_dir: Path) -> set[str]:
    path = out_dir / MANIFEST
    if not path.exists():
        return set()
    return {line for line in path.read_text(encoding="utf-8").splitlines() if line and ".." not in line}


def _remove(out_dir: Path, rel: str) -> None:
    path = out_dir / rel
    try:
        path.unlink()
    except FileNotFoundError:
        return
    parent = path.parent
    while parent != out_dir and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def clear_previous(out_dir: Path, created: bool) -> None:
    """After a failed run: remove what an earlier run wrote (never other files)."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        return
    for rel in read_manifest(out_dir):
        _remove(out_dir, rel)
    (out_dir / MANIFEST).unlink(missing_ok=True)
    if created and not any(out_dir.iterdir()):
        out_dir.rmdir()
