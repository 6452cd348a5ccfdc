"""The audit: every registered rule over a Report (pure: no file or network access).

Rules live one family per module and register themselves with a stable id
(see registry.py and docs/rules.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from auditlib.model.findings import Check, Finding, ordered
from auditlib.rules import attachment, completeness, cross, form, table  # noqa: F401 - registration
from auditlib.rules.context import AuditContext
from auditlib.rules.registry import RULES, RULES_VERSION

try:  # narrative rules need the narrative fact extractor
    from auditlib.rules import narrative  # noqa: F401
    from auditlib.rules.narrative import FACTS_MEMO
except ImportError:  # pragma: no cover - during development only
    FACTS_MEMO = "narrative_facts"


@dataclass
class AuditResult:
    findings: list[Finding]
    checks: list[Check]
    #: The narrative facts the rules read (None when no rule read them), kept so
    #: the working paper's budget chart does not extract them a second time.
    facts: list[Any] | None = field(default=None, repr=False, compare=False)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


def audit(report) -> AuditResult:
    """Run every rule; each failed check carries exactly one finding."""
    ctx = AuditContext(report)
    checks: list[Check] = []
    for rule_id in sorted(RULES):
        for check in RULES[rule_id].func(ctx):
            checks.append(check)
    findings = ordered([c.finding for c in checks if c.outcome == "failed" and c.finding is not None])
    return AuditResult(findings, checks, facts=ctx.memo.get(FACTS_MEMO))


__all__ = ["AuditResult", "RULES", "RULES_VERSION", "audit"]
