"""A rule that raised: its traceback kept in the department folder, its id in one line of cause.

Why: ``auditlib.rules.audit`` runs each rule isolated and records one that raised as a check with
outcome ``internal``; the other rules' findings stand and are kept. But the audit is incomplete, so
it must not pass as done: ``auditlib audit`` exits 1 naming the rule, and a batch records the
department as ``failed_error`` with the same cause (its outputs kept, see running/batch/department.py).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

RULES_LOG = "rules.log"


def rules_log_text(tracebacks: dict[str, str]) -> str:
    """The log file of the rules that raised: each rule id, then its traceback."""
    parts = [f"rule {rule_id} raised an exception:\n{text.rstrip()}\n" for rule_id, text in sorted(tracebacks.items())]
    return "\n".join(parts)


def internal_cause(internal: list[tuple[str, str]]) -> str:
    """One line naming the rules that raised, from (rule id, message) pairs."""
    if len(internal) == 1:
        rule_id, message = internal[0]
        return f"rule {rule_id} raised {message} (traceback in {RULES_LOG})"
    named = ", ".join(f"{rule_id} ({message})" for rule_id, message in internal)
    return f"{len(internal)} rules raised exceptions: {named} (tracebacks in {RULES_LOG})"


def internal_of_result(result: Any) -> list[tuple[str, str]]:
    """(rule id, message) of each ``internal`` check of an AuditResult."""
    return [(c.rule_id, c.reason or "") for c in result.internal]


def internal_of_checks_csv(path: Path) -> list[tuple[str, str]]:
    """(rule id, message) of each ``internal`` line of a department's checks.csv (none if it is absent)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return []
    return [
        (row["rule_id"], row["reason"]) for row in csv.DictReader(text.splitlines()) if row["outcome"] == "internal"
    ]
