"""auditlib: reproducible audits of departmental final accounts (部门决算)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("auditlib")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = ["Report", "__version__", "read_report"]


def __getattr__(name: str) -> object:
    """``auditlib.Report`` and ``auditlib.read_report`` on first use: a batch worker that only runs
    notebooks (auditlib.running.batch) then does not import pandas for them."""
    if name == "Report":
        from auditlib.model.report import Report

        return Report
    if name == "read_report":
        from auditlib.reading.pipeline import read_report

        return read_report
    raise AttributeError(f"module 'auditlib' has no attribute {name!r}")
