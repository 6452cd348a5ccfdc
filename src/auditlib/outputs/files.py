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
import io
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

MANIFEST = ".auditlib-files"


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
            written = []
            for rel in sorted(self.files):
                dest = out_dir / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
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
