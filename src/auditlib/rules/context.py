"""What every rule needs: the current rule, row lookups, evidence, results and the standard comparisons.

Why: rules must be small and read like the auditor's check ("类 = Σ款"), so finding rows, building
evidence, applying the rounding-interval tolerance, phrasing the Chinese message and stamping each
result with the rule's id live here once. The engine (``auditlib.rules.audit``) sets ``rule_id``
before it runs a rule, so a rule states its id only in its ``@rule(...)`` line. Everything is pure:
a context is built from a Report and never touches files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from auditlib.model.findings import Check, Evidence, Finding, diff, fmt, fmt_pct
from auditlib.model.money import Interval, compare_sum
from auditlib.model.report import Report
from auditlib.model.tables import CanonicalTable
from auditlib.profiles.final_accounts import TABLES
from auditlib.profiles.identities import Coded, First, Line, Place, Total

Ref = tuple[str, int, str]  # table id, data-row index, column
Row = dict[str, object]

#: Column id -> its name in finding messages: the profile's label, except where one id names
#: different printed labels in different tables (合计 for 本年收入合计/本年支出合计/合计 …).
COLUMN_LABELS: dict[str, str] = {
    **{c.id: c.label for spec in reversed(TABLES.values()) for c in spec.columns},
    "total": "合计",
    "operating": "经营收入/支出",
    "expenditure_total": "本年支出合计",
    "expenditure_basic": "本年支出基本支出",
    "expenditure_project": "本年支出项目支出",
}

_NUMBERING = re.compile(r"^[（(]?[一二三四五六七八九十]+[、)）]|^\d+[.、]")
_TOTAL_NAMES = ("合计", "总计", "本年支出合计")


def plain_name(name: str) -> str:
    """Item name without its list numbering and brackets: 一、一般公共服务支出 -> 一般公共服务支出."""
    s = re.sub(r"\s+", "", name or "")
    s = _NUMBERING.sub("", s)
    return s.replace("（", "(").replace("）", ")")


def row_name(row: Row) -> str:
    """The plain name of a table row (see ``plain_name``)."""
    return plain_name(str(row.get("name")))


class AuditContext:
    """One audit's view of a Report, and the rule currently running (set by the engine)."""

    def __init__(self, report: Report):
        self.report = report
        self.tables: dict[str, CanonicalTable] = report.tables
        #: Values derived once per audit and shared by rules (e.g. the narrative facts).
        self.memo: dict[str, object] = {}
        #: The id of the rule being run: every result built through the context carries it.
        self.rule_id = ""

    # ------------------------------------------------------------ lookups

    def has(self, tid: str) -> bool:
        return tid in self.tables

    def rows(self, tid: str) -> list[Row]:
        return self.tables[tid].rows if tid in self.tables else []

    def printed(self, tid: str, col: str) -> bool:
        return tid in self.tables and col in self.tables[tid].columns

    def value(self, ref: Ref) -> Decimal | None:
        tid, i, col = ref
        v = self.tables[tid].rows[i].get(col)
        return v if isinstance(v, Decimal) else None

    def row(
        self,
        tid: str,
        *,
        code: str | None = None,
        name: str | None = None,
        contains: str | None = None,
        any_of: Iterable[str] = (),
        panel: str | None = None,
        code_width: int | None = None,
        code_prefix: str = "",
    ) -> int | None:
        """Index of the first row of ``tid`` that meets every criterion given, None when none does.

        ``code``: the code equals it; ``name``: the plain name equals its plain form; ``contains`` /
        ``any_of``: the plain name contains that fragment / one of those fragments; ``panel``: the row
        is in that panel of a two-panel table; ``code_width`` and ``code_prefix``: the code has that
        many digits and starts so (a 类 has 3, its 款 5, their 项 7). The one row lookup of all rules.
        """
        fragments = (*any_of, contains) if contains is not None else tuple(any_of)
        target = plain_name(name) if name is not None else None
        for i, r in enumerate(self.rows(tid)):
            row_code = str(r.get("code") or "")
            if panel is not None and r.get("panel") != panel:
                continue
            if code is not None and r.get("code") != code:
                continue
            if code_width is not None and len(row_code) != code_width:
                continue
            if not row_code.startswith(code_prefix):
                continue
            plain = row_name(r)
            if target is not None and plain != target:
                continue
            if fragments and not any(f in plain for f in fragments):
                continue
            return i
        return None

    def total_row(self, tid: str) -> int | None:
        """The 合计 row of a coded table (no code, name 合计/总计)."""
        for i, row in enumerate(self.rows(tid)):
            if not row.get("code") and row_name(row) in _TOTAL_NAMES:
                return i
        return None

    def total_ref(self, tid: str, col: str) -> Ref | None:
        """The 合计 row's cell in ``col``, None when the table, the column or the row is absent."""
        if not self.has(tid) or not self.printed(tid, col):
            return None
        i = self.total_row(tid)
        return (tid, i, col) if i is not None else None

    def locate(self, place: Place) -> Ref | None:
        """The cell a declared place (``auditlib.profiles.identities``) names, None when its row is absent."""
        if isinstance(place, Total):
            i = self.total_row(place.table)
        elif isinstance(place, Line):
            i = self.row(place.table, panel=place.panel, contains=place.contains)
        elif isinstance(place, Coded):
            i = self.row(place.table, code=place.code)
        elif isinstance(place, First):
            i = 0 if self.rows(place.table) else None
        return (place.table, i, place.column) if i is not None else None

    def coded_rows(self, tid: str) -> list[tuple[int, str]]:
        return [(i, str(r["code"])) for i, r in enumerate(self.rows(tid)) if r.get("code")]

    def unit(self, tid: str) -> str:
        return self.report.units.get(tid, "万元")

    def title(self, tid: str) -> str:
        return TABLES[tid].title

    def row_label(self, tid: str, i: int) -> str:
        row = self.rows(tid)[i]
        code, name = row.get("code") or "", row.get("name") or ""
        if code and name:
            return f"{name}({code})"
        return str(name or code or f"第{i + 1}行")

    def where(self, ref: Ref) -> str:
        tid, i, col = ref
        return f"{self.title(tid)}“{self.row_label(tid, i)}”行{COLUMN_LABELS.get(col, col)}"

    def evidence(self, ref: Ref) -> Evidence:
        tid, i, col = ref
        table = self.tables[tid]
        row = table.rows[i]
        src = table.cells[i].get(col) if i < len(table.cells) else None
        if src is None:
            src = table.cells[i].get("name") if i < len(table.cells) else None
        return Evidence(
            page=src.page if src else (table.pages[0] if table.pages else None),
            table=tid,
            row=str(row.get("code") or row.get("name") or ""),
            column=col,
            bbox=list(src.box) if src else None,
            text=src.text if src else "",
        )

    def missing_tables(self, *tids: str) -> str | None:
        """'缺少<title>、<title>' for the tables absent from the report, None when all are present."""
        absent = [self.title(t) for t in tids if not self.has(t)]
        return "缺少" + "、".join(absent) if absent else None

    # ------------------------------------------------------------ results of the current rule

    def passed(self, subject: str) -> Check:
        return Check(self.rule_id, subject, "passed")

    def skip(self, subject: str, reason: str) -> Check:
        return Check(self.rule_id, subject, "skipped", reason=reason)

    def fail(
        self,
        subject: str,
        severity: str,
        message: str,
        *,
        tables: Iterable[str],
        expected: str | None = None,
        actual: str | None = None,
        difference: str | None = None,
        evidence: Iterable[Evidence] = (),
    ) -> Check:
        """A failed check carrying its one finding."""
        finding = Finding(self.rule_id, severity, message, list(tables), expected, actual, difference, list(evidence))
        return Check(self.rule_id, subject, "failed", severity, finding=finding)

    def fail_percent(
        self,
        subject: str,
        severity: str,
        message: str,
        printed: Decimal,
        recomputed: Decimal,
        *,
        tables: Iterable[str] = (),
        evidence: Iterable[Evidence] = (),
    ) -> Check:
        """A printed percentage that does not recompute: its finding gives both as percentages."""
        return self.fail(
            subject,
            severity,
            message,
            tables=tables,
            expected=fmt_pct(recomputed),
            actual=fmt_pct(printed),
            difference=diff(printed, recomputed),
            evidence=evidence,
        )

    # ------------------------------------------------------------ comparisons

    def sum_check(
        self, subject: str, total: Ref, parts: list[Ref], what: str, tables: list[str] | None = None
    ) -> Check:
        """total = Σ parts within the rounding band of the printed figures."""
        t = self.value(total)
        values = [self.value(p) for p in parts]
        if t is None and all(v is None for v in values):
            return self.passed(subject)
        outcome = compare_sum(t, values)
        if outcome == "equal":
            return self.passed(subject)
        expected = sum((v for v in values if v is not None), Decimal(0))
        severity = "info" if outcome == "rounding" else "error"
        band = Interval.printed(t) - sum((Interval.printed(v) for v in values), Interval.exact(Decimal(0)))
        width = (band.hi - band.lo) / 2
        unit = self.unit(total[0])
        verdict = "在尾数误差范围内" if severity == "info" else "超出尾数误差范围"
        message = (
            f"{self.where(total)}为{fmt(t) or '空'}{unit}，{what}为{fmt(expected)}{unit}，"
            f"差额{diff(t, expected)}{unit}，{verdict}（±{fmt(width.normalize())}）。"
        )
        evidence = [self.evidence(total)] + [self.evidence(p) for p in parts if self.value(p) is not None][:8]
        return self.fail(
            subject,
            severity,
            message,
            tables=tables or sorted({total[0], *(p[0] for p in parts)}),
            expected=fmt(expected),
            actual=fmt(t),
            difference=diff(t, expected),
            evidence=evidence,
        )

    def equal_check(self, subject: str, actual: Ref, expected: Ref) -> Check:
        """Two printings of one figure (between tables): equal within the rounding band."""
        a, e = self.value(actual), self.value(expected)
        if a == e or (a is None and e == 0) or (e is None and a == 0):
            return self.passed(subject)
        outcome = compare_sum(a, [e])
        severity = "info" if outcome == "rounding" else "error"
        unit = self.unit(actual[0])
        verdict = "在尾数误差范围内" if severity == "info" else "超出尾数误差范围"
        message = (
            f"{self.where(expected)}为{fmt(e) or '空'}{unit}，而{self.where(actual)}为{fmt(a) or '空'}{unit}，"
            f"两处不一致，差额{diff(a, e)}{unit}，{verdict}。"
        )
        return self.fail(
            subject,
            severity,
            message,
            tables=[expected[0], actual[0]] if expected[0] != actual[0] else [actual[0]],
            expected=fmt(e),
            actual=fmt(a),
            difference=diff(a, e),
            evidence=[self.evidence(expected), self.evidence(actual)],
        )

    def at_most_check(self, subject: str, part: Ref, whole: Ref, relation: str) -> Check:
        """part ≤ whole (a subset cannot exceed its set), beyond rounding."""
        p, w = self.value(part), self.value(whole)
        if p is None or p <= (w or Decimal(0)):
            return self.passed(subject)
        meets = Interval.printed(p).lo <= Interval.printed(w).hi
        severity = "info" if meets else "error"
        unit = self.unit(part[0])
        message = (
            f"{self.where(part)}为{fmt(p)}{unit}，大于{self.where(whole)}{fmt(w) or '空'}{unit}"
            f"（{relation}），超出{diff(p, w)}{unit}。"
        )
        return self.fail(
            subject,
            severity,
            message,
            tables=sorted({part[0], whole[0]}),
            expected=fmt(w),
            actual=fmt(p),
            difference=diff(p, w),
            evidence=[self.evidence(part), self.evidence(whole)],
        )
