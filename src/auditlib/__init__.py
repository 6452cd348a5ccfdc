"""auditlib: reproducible audits of departmental final accounts (部门决算)."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("auditlib")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

from auditlib.report import Report, read_report  # noqa: E402

__all__ = ["Report", "__version__", "read_report"]
