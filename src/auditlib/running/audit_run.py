"""One department's audit output: extraction files plus findings (docs/contract.md sections 3 and 4).

A rule that raised is an ``internal`` line of checks.csv; its traceback goes into ``rules.log`` in
the same folder (see auditlib.running.rule_failures).
"""

from __future__ import annotations

from auditlib import __version__
from auditlib.model.report import Report
from auditlib.outputs.files import OutputSet
from auditlib.outputs.findings_files import audit_files
from auditlib.outputs.report_files import extraction_files
from auditlib.rules import RULES_VERSION, AuditResult, audit
from auditlib.running.rule_failures import RULES_LOG, rules_log_text


def tool_info() -> dict[str, str]:
    return {"version": __version__, "rules_version": RULES_VERSION}


def audit_output(report: Report) -> tuple[OutputSet, AuditResult]:
    result = audit(report)
    files = extraction_files(report)
    files.files.update(audit_files(report, result.findings, result.checks, tool_info()).files)
    if result.tracebacks:
        files.add_text(RULES_LOG, rules_log_text(result.tracebacks))
    return files, result
