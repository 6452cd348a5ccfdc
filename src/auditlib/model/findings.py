"""Findings and the check log: the records every rule produces (docs/contract.md sections 2 and 4).

Why: a finding is only useful in a working paper when it says, in Chinese,
what disagrees with what, gives both figures, and points at the page and cell;
and an audit is only reproducible when the log shows every rule applied to
every subject (passed, failed, or skipped with the reason). This module holds
the records and their fixed order; the files written from them (findings.json,
findings.csv, findings.xlsx, checks.csv) are ``auditlib.outputs.findings_files``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

SEVERITIES = ("error", "warning", "info")
_SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}


@dataclass
class Evidence:
    page: int | None
    table: str | None
    row: str | None
    column: str | None
    bbox: list[float] | None
    text: str

    def to_json(self) -> dict[str, object]:
        return {
            "page": self.page,
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "bbox": [round(v, 2) for v in self.bbox] if self.bbox else None,
            "text": self.text,
        }


@dataclass
class Finding:
    rule_id: str
    severity: str
    message: str
    tables: list[str] = field(default_factory=list)
    expected: str | None = None
    actual: str | None = None
    difference: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    #: Stable id: a hash of the rule id and the check's subject (table, row key, column or narrative
    #: unit; never a figure or a page), set by the engine (``rules.audit``), so a finding keeps its
    #: id across reruns, re-paginated copies and corrected figures (reviews hang on it).
    fingerprint: str = ""
    #: The fingerprint of the root finding this one follows from (a wrong unit label, the same
    #: wrong figure quoted before), None when it stands on its own (``rules.causes``).
    cause: str | None = None

    @property
    def first_page(self) -> int:
        pages = [e.page for e in self.evidence if e.page]
        return min(pages) if pages else 0

    def sort_key(self) -> tuple[int, int, str, str]:
        return (_SEVERITY_ORDER[self.severity], self.first_page, self.rule_id, self.message)

    def to_json(self) -> dict[str, object]:
        return {
            "rule_id": self.rule_id,
            "severity": self.severity,
            "message": self.message,
            "tables": self.tables,
            "expected": self.expected,
            "actual": self.actual,
            "difference": self.difference,
            "evidence": [e.to_json() for e in self.evidence],
            "fingerprint": self.fingerprint,
            "cause": self.cause,
        }


def fingerprint_of(rule_id: str, subject: str) -> str:
    """The fingerprint of the finding of ``rule_id`` on ``subject`` (16 hex digits of SHA-256)."""
    return hashlib.sha256(f"{rule_id}\x1f{subject}".encode()).hexdigest()[:16]


@dataclass
class Check:
    """One rule applied to one subject."""

    rule_id: str
    subject: str
    outcome: str  # passed, failed, skipped, internal (the rule raised: see rules.audit)
    severity: str = ""
    reason: str = ""
    finding: Finding | None = None


def ordered(findings: list[Finding]) -> list[Finding]:
    """Findings in their reporting order: severity, first page, rule, message."""
    return sorted(findings, key=lambda f: f.sort_key())


def fmt(value: Decimal | None) -> str | None:
    """Plain decimal text for findings (no separators), None for blank."""
    return None if value is None else format(value, "f")


def fmt_pct(value: Decimal | None) -> str | None:
    return None if value is None else f"{format(value, 'f')}%"


def diff(actual: Decimal | None, expected: Decimal | None) -> str | None:
    if actual is None and expected is None:
        return None
    return format((actual or Decimal(0)) - (expected or Decimal(0)), "f")
