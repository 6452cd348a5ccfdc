"""The audit: every registered rule over a Report (pure: no file or network access).

Rules live one family per module and register themselves with a stable id
(see registry.py and docs/rules.md).

Each rule runs isolated: an exception inside one rule is recorded as a check with outcome
``internal`` (its message in ``reason``, the traceback in ``AuditResult.tracebacks``) and the other
rules still run, so one defect in one rule never hides the findings of the forty others. The
callers (``auditlib audit``, the notebook, a batch) report such a department as failed with the
rule named, and keep its outputs.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field, replace

from auditlib.model.findings import Check, Finding, ordered
from auditlib.model.report import Report
from auditlib.reading.narrative import Fact
from auditlib.rules import (  # noqa: F401 - registration
    attachment,
    completeness,
    cross,
    form,
    narrative,
    stray_text,
    summary,
    table,
)
from auditlib.rules.causes import (
    group_repeats,
    number_repeated_subjects,
    regroup_under_units,
    stamp_fingerprints,
    suspect_unit_tables,
)
from auditlib.rules.context import AuditContext
from auditlib.rules.narrative import memo_facts
from auditlib.rules.registry import RULES, RULES_VERSION

#: The subject of the check recorded for a rule that raised (the rule as a whole).
INTERNAL_SUBJECT = "(rule raised an exception)"


@dataclass
class AuditResult:
    findings: list[Finding]
    checks: list[Check]
    #: The narrative facts the rules read (None when no rule read them), kept so
    #: the working paper's budget chart does not extract them a second time.
    facts: list[Fact] | None = field(default=None, repr=False, compare=False)
    #: rule id -> formatted traceback, for each rule that raised (empty when none did).
    tracebacks: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def internal(self) -> list[Check]:
        """The checks of rules that raised (outcome ``internal``), in rule-id order."""
        return [c for c in self.checks if c.outcome == "internal"]


def _run_rule(rule_id: str, ctx: AuditContext, tracebacks: dict[str, str]) -> list[Check]:
    """The checks of one rule; if it raises, those it produced so far plus one ``internal`` check.

    The context carries the rule's id while it runs, so every result the rule builds through it
    (``ctx.passed``, ``ctx.fail`` …) is stamped with that id.
    """
    checks: list[Check] = []
    ctx.rule_id = rule_id
    try:
        for check in RULES[rule_id].func(ctx):
            checks.append(check)
    except Exception as exc:  # noqa: BLE001 - one faulty rule must not stop the audit
        tracebacks[rule_id] = traceback.format_exc()
        message = f"{type(exc).__name__}: {exc}".replace("\n", " ")
        checks.append(Check(rule_id, INTERNAL_SUBJECT, "internal", reason=message))
    return checks


def _run_all(report: Report, tracebacks: dict[str, str]) -> tuple[list[Check], AuditContext]:
    """Every rule's checks, subjects made unique and findings fingerprinted."""
    ctx = AuditContext(report)
    checks: list[Check] = []
    for rule_id in sorted(RULES):
        rule_checks = _run_rule(rule_id, ctx, tracebacks)
        number_repeated_subjects(rule_checks)
        checks += rule_checks
    stamp_fingerprints(checks)
    return checks, ctx


def audit(report: Report) -> AuditResult:
    """Run every rule; each failed check carries exactly one finding.

    Root causes before consequences (``rules.causes``): when a table's unit label differs from the
    other tables', the rules run a second time with that table read in the common unit, and each
    failure involving it is taken from that run (it passes when only the label was wrong, or points
    at the unit finding as its cause); findings repeating one defect point at the first.
    """
    tracebacks: dict[str, str] = {}
    checks, ctx = _run_all(report, tracebacks)
    suspect = suspect_unit_tables(report.units)
    if suspect:
        as_printed = replace(report, units={**report.units, **suspect})
        printed, _ctx = _run_all(as_printed, {})
        checks = regroup_under_units(checks, printed, suspect)
    findings = ordered([c.finding for c in checks if c.outcome == "failed" and c.finding is not None])
    group_repeats(findings)
    return AuditResult(findings, checks, facts=memo_facts(ctx), tracebacks=tracebacks)


__all__ = ["INTERNAL_SUBJECT", "AuditResult", "RULES", "RULES_VERSION", "audit"]
