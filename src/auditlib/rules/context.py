"""What every rule needs: table lookups, evidence, and the standard comparisons.

Why: rules must be small and read like the auditor's check ("类 = Σ款"), so
finding cells, building evidence, applying the rounding-interval tolerance and
phrasing the Chinese message live here once. Everything is pure: a context is
built from a Report and never touches files.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from auditlib.model.findings import Check, Evidence, Finding, diff, fmt
from auditlib.model.money import Interval, compare_sum
from auditlib.profiles.final_accounts import TABLES

Ref = tuple[str, int, str]  # table id, data-row index, column

COLUMN_LABELS: dict[str, str] = {
    "amount": "金额",
    "total": "合计",
    "fiscal_appropriation": "财政拨款收入",
    "superior_subsidy": "上级补助收入",
    "business": "事业收入",
    "operating": "经营收入/支出",
    "subordinate_remittance": "附属单位上缴收入",
    "other": "其他收入",
    "basic": "基本支出",
    "project": "项目支出",
    "remittance_to_superior": "上缴上级支出",
    "subsidy_to_subordinate": "对附属单位补助支出",
    "general_budget": "一般公共预算财政拨款",
    "government_fund": "政府性基金预算财政拨款",
    "state_capital": "国有资本经营预算财政拨款",
    "opening_balance": "年初结转和结余",
    "income": "本年收入",
    "expenditure_total": "本年支出合计",
    "expenditure_basic": "本年支出基本支出",
    "expenditure_project": "本年支出项目支出",
    "closing_balance": "年末结转和结余",
}
for _col, _label in TABLES["three_public"].columns:
    COLUMN_LABELS[_col] = _label

_NUMBERING = re.compile(r"^[（(]?[一二三四五六七八九十]+[、)）]|^\d+[.、]")


def plain_name(name: str) -> str:
    """Item name without its list numbering and brackets: 一、一般公共服务支出 -> 一般公共服务支出."""
    s = re.sub(r"\s+", "", name or "")
    s = _NUMBERING.sub("", s)
    return s.replace("（", "(").replace("）", ")")


class AuditContext:
    def __init__(self, report: Any):
        self.report = report
        self.tables = report.tables
        #: Values derived once per audit and shared by rules (e.g. the narrative facts).
        self.memo: dict[str, Any] = {}

    # ------------------------------------------------------------ lookups

    def has(self, tid: str) -> bool:
        return tid in self.tables

    def rows(self, tid: str) -> list[dict[str, Any]]:
        return self.tables[tid].rows if tid in self.tables else []

    def printed(self, tid: str, col: str) -> bool:
        return tid in self.tables and col in self.tables[tid].columns

    def value(self, ref: Ref) -> Decimal | None:
        tid, i, col = ref
        v = self.tables[tid].rows[i].get(col)
        return v if isinstance(v, Decimal) else None

    def find(
        self,
        tid: str,
        *,
        code: str | None = None,
        name: str | None = None,
        panel: str | None = None,
        contains: str | None = None,
    ) -> int | None:
        """Index of the first row with this code, plain name or name fragment."""
        for i, row in enumerate(self.rows(tid)):
            if panel and row.get("panel") != panel:
                continue
            if code is not None and row.get("code") == code:
                return i
            if name is not None and plain_name(str(row.get("name", ""))) == plain_name(name):
                return i
            if contains is not None and contains in plain_name(str(row.get("name", ""))):
                return i
        return None

    def total_row(self, tid: str) -> int | None:
        """The 合计 row of a coded table (no code, name 合计/总计)."""
        for i, row in enumerate(self.rows(tid)):
            if not row.get("code") and plain_name(str(row.get("name", ""))) in ("合计", "总计", "本年支出合计"):
                return i
        return None

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

    # ------------------------------------------------------------ comparisons

    def sum_check(
        self,
        rule_id: str,
        subject: str,
        total: Ref,
        parts: list[Ref],
        what: str,
        tables: list[str] | None = None,
    ) -> Check:
        """total = Σ parts within the rounding band of the printed figures."""
        t = self.value(total)
        values = [self.value(p) for p in parts]
        if t is None and all(v is None for v in values):
            return Check(rule_id, subject, "passed")
        outcome = compare_sum(t, values)
        if outcome == "equal":
            return Check(rule_id, subject, "passed")
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
        finding = Finding(
            rule_id,
            severity,
            message,
            tables or sorted({total[0], *(p[0] for p in parts)}),
            fmt(expected),
            fmt(t),
            diff(t, expected),
            evidence,
        )
        return Check(rule_id, subject, "failed", severity, finding=finding)

    def equal_check(self, rule_id: str, subject: str, actual: Ref, expected: Ref) -> Check:
        """Two printings of one figure (between tables): equal within the rounding band."""
        a, e = self.value(actual), self.value(expected)
        if a == e or (a is None and e == 0) or (e is None and a == 0):
            return Check(rule_id, subject, "passed")
        outcome = compare_sum(a, [e])
        severity = "info" if outcome == "rounding" else "error"
        unit = self.unit(actual[0])
        verdict = "在尾数误差范围内" if severity == "info" else "超出尾数误差范围"
        message = (
            f"{self.where(expected)}为{fmt(e) or '空'}{unit}，而{self.where(actual)}为{fmt(a) or '空'}{unit}，"
            f"两处不一致，差额{diff(a, e)}{unit}，{verdict}。"
        )
        finding = Finding(
            rule_id,
            severity,
            message,
            [expected[0], actual[0]] if expected[0] != actual[0] else [actual[0]],
            fmt(e),
            fmt(a),
            diff(a, e),
            [self.evidence(expected), self.evidence(actual)],
        )
        return Check(rule_id, subject, "failed", severity, finding=finding)

    def at_most_check(self, rule_id: str, subject: str, part: Ref, whole: Ref, relation: str) -> Check:
        """part ≤ whole (a subset cannot exceed its set), beyond rounding."""
        p, w = self.value(part), self.value(whole)
        if p is None or p <= (w or Decimal(0)):
            return Check(rule_id, subject, "passed")
        meets = Interval.printed(p).lo <= Interval.printed(w).hi
        severity = "info" if meets else "error"
        unit = self.unit(part[0])
        message = (
            f"{self.where(part)}为{fmt(p)}{unit}，大于{self.where(whole)}{fmt(w) or '空'}{unit}"
            f"（{relation}），超出{diff(p, w)}{unit}。"
        )
        finding = Finding(
            rule_id,
            severity,
            message,
            sorted({part[0], whole[0]}),
            fmt(w),
            fmt(p),
            diff(p, w),
            [self.evidence(part), self.evidence(whole)],
        )
        return Check(rule_id, subject, "failed", severity, finding=finding)


def skipped(rule_id: str, subject: str, reason: str) -> Check:
    return Check(rule_id, subject, "skipped", reason=reason)


def missing_tables(ctx: AuditContext, *tids: str) -> str | None:
    absent = [ctx.title(t) for t in tids if not ctx.has(t)]
    return "缺少" + "、".join(absent) if absent else None
