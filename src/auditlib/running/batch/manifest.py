"""OUT_DIR/manifest.json: what a batch did to each department, and what lets a rerun skip it.

Why it is rewritten after every department (atomically): a batch killed at any moment resumes where
it stopped; a department whose input bytes, parameters and tool version are unchanged is not redone.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from auditlib import __version__
from auditlib.outputs.files import json_text
from auditlib.running.batch.discovery import Job


def load_manifest(out_dir: Path) -> dict[str, Any]:
    path = out_dir / "manifest.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_manifest(out_dir: Path, manifest: dict[str, Any]) -> None:
    """Replace manifest.json whole; when that fails (a full disk) the last good one stays and no
    temporary file is left."""
    path = out_dir / "manifest.json"
    tmp = path.with_name(f".manifest.json.{os.getpid()}.tmp")
    try:
        tmp.write_text(json_text(manifest), encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def unchanged(entry: dict[str, Any] | None, job: Job, sha: str, params: dict[str, Any], out: Path) -> bool:
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


def rules_version() -> str:
    """Imported on use: the rules (and pandas) are the kernel's business, not a batch worker's."""
    from auditlib.rules.registry import RULES_VERSION

    return RULES_VERSION


def cache_key_here() -> str:
    from auditlib.reading.cache import cache_key

    return cache_key("0" * 64)


def tool_info() -> dict[str, str]:
    return {"version": __version__, "rules_version": rules_version()}


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def clean_leftovers(out_dir: Path) -> None:
    """Remove staging folders and temporary files a killed or failed run left behind (never a
    finished department). Called with the folder's lock held: no other batch is writing there."""
    for p in out_dir.iterdir():
        if p.name.startswith(".") and (
            ".stage-" in p.name or ".failed-" in p.name or ".old-" in p.name or p.name.startswith(".cache-")
        ):
            shutil.rmtree(p, ignore_errors=True)
        elif (p.name.startswith(".manifest.json.") and p.name.endswith(".tmp")) or p.name.startswith(
            ".auditlib-probe-"
        ):
            p.unlink(missing_ok=True)
    portfolio = out_dir / "portfolio"
    if portfolio.is_dir():
        for p in portfolio.iterdir():
            if p.name.startswith((".portfolio", ".summary.csv")) and ".tmp" in p.name:
                p.unlink(missing_ok=True)


def remove_stale(out_dir: Path, slugs: set[str]) -> None:
    """Departments of an earlier run whose PDF is gone are removed (files this run would not write)."""
    previous = load_manifest(out_dir).get("departments", {})
    for slug in previous:
        if slug not in slugs and (out_dir / slug).is_dir():
            shutil.rmtree(out_dir / slug, ignore_errors=True)
