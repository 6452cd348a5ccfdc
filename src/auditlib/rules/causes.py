"""Root causes before consequences: fingerprints, and the findings that follow from another one.

Why: one defect in a report often shows up as several failed checks. A table whose unit label is
wrong (元 printed for 万元) makes every comparison with it differ ten-thousandfold; the same wrong
figure quoted twice in the narrative fails twice. An auditor reading thirty findings for one
defect stops reading. So each finding carries a stable ``fingerprint`` and, when it follows from
another finding, that finding's fingerprint as its ``cause`` (docs/contract.md section 4): papers
and spreadsheets show it under its root. Nothing is dropped here except comparisons that a wrong
unit label alone explains; those pass when the figures are compared as printed.

All functions are pure: they read checks and findings and return or set fields.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from auditlib.model.findings import Check, Finding, fingerprint_of

#: The rule whose failures name a table's unit label as suspect.
UNIT_RULE = "form.unit_consistent"


def number_repeated_subjects(checks: list[Check]) -> None:
    """Make each rule's subjects unique: the second and later checks of one subject (in the order
    the rule made them, i.e. text order) get ``#2``, ``#3`` … Subjects name what was checked, not
    where (no page, no offset), so the same figure quoted in two places repeats a subject."""
    seen: Counter[tuple[str, str]] = Counter()
    for check in checks:
        key = (check.rule_id, check.subject)
        seen[key] += 1
        if seen[key] > 1:
            check.subject = f"{check.subject}#{seen[key]}"


def stamp_fingerprints(checks: Iterable[Check]) -> None:
    """Every finding's fingerprint, from its rule and its check's (unique) subject."""
    for check in checks:
        if check.finding is not None:
            check.finding.fingerprint = fingerprint_of(check.rule_id, check.subject)


def suspect_unit_tables(units: dict[str, str]) -> dict[str, str]:
    """Tables whose unit label differs from the one most tables print: table id -> that common
    unit. Empty when all agree or when no unit is shared by more tables than any other (no
    majority to trust)."""
    if not units:
        return {}
    ranked = Counter(units.values()).most_common()
    if len(ranked) < 2 or ranked[0][1] == ranked[1][1]:
        return {}
    common = ranked[0][0]
    return {tid: common for tid, unit in units.items() if unit != common}


def involves(finding: Finding, tables: Iterable[str]) -> bool:
    """The finding compares figures of one of ``tables``."""
    wanted = set(tables)
    return bool(wanted & set(finding.tables)) or any(e.table in wanted for e in finding.evidence)


def regroup_under_units(checks: list[Check], printed: list[Check], suspect: dict[str, str]) -> list[Check]:
    """The checks of an audit where some tables' unit labels are suspect, with the failures that
    involve those tables replaced by the same check run on the figures as printed (the suspect
    tables read in the common unit, ``printed``): a comparison that holds on the printed figures
    follows from the label alone and passes; one that still fails stays, pointing at the unit
    finding of its table as ``cause``."""
    roots = {
        (c.finding.tables or [""])[0]: c.finding.fingerprint
        for c in checks
        if c.rule_id == UNIT_RULE and c.finding is not None
    }
    alternative = {(c.rule_id, c.subject): c for c in printed}
    out: list[Check] = []
    for check in checks:
        f = check.finding
        if check.rule_id == UNIT_RULE or f is None or not involves(f, suspect):
            out.append(check)
            continue
        other = alternative.get((check.rule_id, check.subject))
        if other is None:
            out.append(check)
            continue
        if other.finding is not None:
            tid = next((t for t in (*f.tables, *(e.table for e in f.evidence)) if t in suspect), None)
            other.finding.cause = roots.get(tid or "")
        out.append(other)
    return out


def _repeat_key(f: Finding) -> tuple[str, str, str, str, str, str] | None:
    """What makes two findings one defect: the same rule comparing the same printed figure with the
    same reference (the same wrong figure quoted twice), None when a finding has no figures."""
    if f.actual is None or f.expected is None:
        return None
    ref = next((e for e in f.evidence if e.table), None)
    return (f.rule_id, f.severity, f.expected, f.actual, ref.table or "" if ref else "", ref.row or "" if ref else "")


def group_repeats(findings: list[Finding]) -> None:
    """Findings that repeat one defect point at the first of them (in reporting order)."""
    first: dict[tuple[str, str, str, str, str, str], str] = {}
    for f in findings:
        key = _repeat_key(f)
        if key is None or f.cause is not None:
            continue
        if key in first:
            f.cause = first[key]
        else:
            first[key] = f.fingerprint
