"""What the stages of a batch hand each other: the options of a run, one department's outcome, the result."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass
class Options:
    #: Kept in memory and handed to each kernel through its environment, never written to a file
    #: (see auditlib.running.password).
    password: str | None = None
    max_pages: int = 1000
    timeout: float = 300.0
    cache: str | None = "data/processed/.cache"
    #: The reading child's memory cap (auditlib.running.sandbox). Not part of the resume key: it
    #: decides only whether a hostile file is stopped, and a department that failed is redone anyway.
    max_memory: int = 2048

    def parameters(self) -> dict[str, Any]:
        """What decides a department's outputs (the resume key), without secrets."""
        return {"max_pages": self.max_pages, "timeout": self.timeout, "password": bool(self.password)}

    def with_cache(self, cache: str | None) -> Options:
        return replace(self, cache=cache)


@dataclass
class Outcome:
    slug: str
    status: str  # audited, unchanged, failed_input, failed_error
    seconds: float = 0.0
    cause: str | None = None
    failing_cell: int | None = None
    department: str | None = None
    year: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    peak_rss_mb: float = 0.0


@dataclass
class BatchResult:
    outcomes: dict[str, Outcome]
    manifest: dict[str, Any]

    @property
    def exit_status(self) -> int:
        statuses = {o.status for o in self.outcomes.values()}
        if "failed_error" in statuses:
            return 1
        if "failed_input" in statuses:
            return 3
        return 0
