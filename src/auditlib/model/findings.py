"""Findings, the check log, and their files (docs/contract.md sections 2 and 4).

Why: a finding is only useful in a working paper when it says, in Chinese,
what disagrees with what, gives both figures, and points at the page and cell;
and an audit is only reproducible when the log shows every rule applied to
every subject (passed, failed, or skipped with the reason). Both are written
in a fixed order so the same input gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from auditlib.outputs.files import OutputSet, csv_text, json_text

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

    def to_json(self) -> dict[str, Any]:
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

    @property
    def first_page(self) -> int:
        pages = [e.page for e in self.evidence if e.page]
        return min(pages) if pages else 0

    def sort_key(self) -> tuple:
        return (_SEVERITY_ORDER[self.severity], self.first_page, self.rule_id, self.message)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "severity": self.severity,
            "message": self.message,
            "tables": self.tables,
            "expected": self.expected,
            "actual": self.actual,
            "difference": self.difference,
            "evidence": [e.to_json() for e in self.evidence],
        }


@dataclass
class Check:
    """One rule applied to one subject."""

    rule_id: str
    subject: str
    outcome: str  # passed, failed, skipped, internal (the rule raised: see rules.audit)
    severity: str = ""
    reason: str = ""
    finding: Finding | None = None


def fmt(value: Decimal | None) -> str | None:
    """Plain decimal text for findings (no separators), None for blank."""
    return None if value is None else format(value, "f")


def fmt_pct(value: Decimal | None) -> str | None:
    return None if value is None else f"{format(value, 'f')}%"


def diff(actual: Decimal | None, expected: Decimal | None) -> str | None:
    if actual is None and expected is None:
        return None
    return format((actual or Decimal(0)) - (expected or Decimal(0)), "f")


# ---------------------------------------------------------------- files

FINDING_CSV_COLUMNS = [
    "rule_id",
    "severity",
    "message",
    "tables",
    "expected",
    "actual",
    "difference",
    "page",
    "table",
    "row",
    "column",
    "bbox",
    "text",
]
CHECK_COLUMNS = ["rule_id", "subject", "outcome", "severity", "reason"]


def ordered(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: f.sort_key())


def findings_document(report: Any, findings: list[Finding], tool: dict[str, str]) -> dict[str, Any]:
    meta = report.to_json()
    return {
        "source": meta["source"],
        "department": report.department,
        "year": report.year,
        "units": report.units,
        "tool": tool,
        "findings": [f.to_json() for f in ordered(findings)],
    }


def _flat(f: Finding) -> dict[str, Any]:
    first = f.evidence[0] if f.evidence else None
    return {
        "rule_id": f.rule_id,
        "severity": f.severity,
        "message": f.message,
        "tables": ";".join(f.tables),
        "expected": f.expected or "",
        "actual": f.actual or "",
        "difference": f.difference or "",
        "page": first.page if first and first.page else "",
        "table": first.table if first and first.table else "",
        "row": first.row if first and first.row else "",
        "column": first.column if first and first.column else "",
        "bbox": " ".join(f"{v:.2f}" for v in first.bbox) if first and first.bbox else "",
        "text": first.text if first else "",
    }


_ILLEGAL = __import__("re").compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _spreadsheet_safe(value: Any) -> Any:
    """Text that a spreadsheet will show as text: no control characters, and no
    leading =, + or @ that Excel or LibreOffice would run as a formula (text
    quoted from an untrusted PDF must never become one)."""
    if not isinstance(value, str):
        return value
    value = _ILLEGAL.sub("", value)
    if value[:1] in ("=", "+", "@"):
        return "'" + value
    return value


def checks_rows(checks: list[Check]) -> list[dict[str, str]]:
    rows = [
        {"rule_id": c.rule_id, "subject": c.subject, "outcome": c.outcome, "severity": c.severity, "reason": c.reason}
        for c in checks
    ]
    return sorted(rows, key=lambda r: (r["rule_id"], r["subject"], r["outcome"], r["severity"], r["reason"]))


def xlsx_bytes(findings: list[Finding], title: str) -> bytes:
    """findings.xlsx for a working paper: frozen header, widths, severity colours, a filter."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "findings"
    labels = {
        "rule_id": "规则",
        "severity": "严重程度",
        "message": "发现",
        "tables": "涉及表格",
        "expected": "参照值",
        "actual": "列示值",
        "difference": "差额",
        "page": "页码",
        "table": "表格",
        "row": "行",
        "column": "列",
        "bbox": "位置",
        "text": "原文",
    }
    ws.append([labels[c] for c in FINDING_CSV_COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    fills = {"error": "F8CBAD", "warning": "FFE699", "info": "DDEBF7"}
    for f in ordered(findings):
        row = _flat(f)
        ws.append([_spreadsheet_safe(row[c]) for c in FINDING_CSV_COLUMNS])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula
        colour = PatternFill("solid", fgColor=fills[f.severity])
        ws.cell(row=ws.max_row, column=2).fill = colour
        ws.cell(row=ws.max_row, column=3).alignment = Alignment(wrap_text=True, vertical="top")
    widths = {"message": 70, "rule_id": 30, "text": 30, "tables": 28}
    for i, col in enumerate(FINDING_CSV_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = widths.get(col, 12)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(FINDING_CSV_COLUMNS))}{max(ws.max_row, 1)}"
    wb.properties.title = title
    wb.properties.creator = "auditlib"
    from datetime import datetime

    fixed = datetime(2000, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    buf = io.BytesIO()
    wb.save(buf)
    return _normalise_zip(buf.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so the same findings give the same bytes."""
    import io
    import re
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", data)
            dst.writestr(fixed, data)
    return out.getvalue()


def audit_files(report: Any, findings: list[Finding], checks: list[Check], tool: dict[str, str]) -> OutputSet:
    out = OutputSet()
    doc = findings_document(report, findings, tool)
    out.add_text("findings.json", json_text(doc))
    out.add_text(
        "findings.csv",
        csv_text(
            FINDING_CSV_COLUMNS, [{k: _spreadsheet_safe(v) for k, v in _flat(f).items()} for f in ordered(findings)]
        ),
    )
    out.add_text("checks.csv", csv_text(CHECK_COLUMNS, checks_rows(checks)))
    out.add_bytes("findings.xlsx", xlsx_bytes(findings, f"{report.department or ''} {report.year or ''} 决算审核发现"))
    return out
