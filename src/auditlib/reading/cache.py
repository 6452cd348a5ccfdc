"""Extraction cache: a Report per (PDF sha256, extraction settings, version).

Why: extraction is the slow step; rules and notebooks are re-run far more
often than PDFs change. The key holds the package version and a digest of the
extraction settings, so a new release or a changed setting never reuses a
stale result. Entries are written atomically (temporary file, then rename).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditlib import __version__

if TYPE_CHECKING:
    from auditlib.model.report import Report

#: Everything that changes what extraction produces (bump when the method changes).
EXTRACTION_SETTINGS: dict[str, Any] = {
    "plans": ["lattice/vector", "lattice/combined", "network"],
    "layout": {"boxes_flow": None},
    "text": "pdfium-char-centres",
    "method": 1,
}


#: The code whose change can change what extraction produces: every file of these packages
#: (the reading code, the report profiles and the model the cache pickles). Derived from the
#: folders, never a hand-kept list, so a new reader module is covered the day it is added.
_EXTRACTION_PACKAGES = ("reading", "profiles", "model")


def _code_digest() -> bytes:
    """Digest of the extraction code and profiles, so a changed extractor never reads an old entry."""
    top = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for package in _EXTRACTION_PACKAGES:
        for path in sorted((top / package).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".yaml", ".yml", ".json"):
                h.update(path.relative_to(top).as_posix().encode() + b"\0" + path.read_bytes())
    return h.digest()


def cache_key(sha256: str) -> str:
    settings = json.dumps(EXTRACTION_SETTINGS, sort_keys=True).encode()
    digest = hashlib.sha256(settings + __version__.encode() + _code_digest()).hexdigest()[:16]
    return f"{sha256}-{digest}"


def load_cached(cache_dir: Path, sha256: str, path: Path) -> Report | None:
    entry = cache_dir / f"{cache_key(sha256)}.pickle"
    if not entry.exists():
        return None
    try:
        with entry.open("rb") as fh:
            report = pickle.load(fh)
    except Exception:  # noqa: BLE001 - a damaged cache entry is simply a miss
        return None
    report.path = path
    return report


def store_cached(cache_dir: Path, report: Report) -> None:
    entry = cache_dir / f"{cache_key(report.sha256)}.pickle"
    tmp = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as fh:
            pickle.dump(report, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, entry)
    except OSError:  # a full or read-only cache folder costs the next run a read, never this one
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
