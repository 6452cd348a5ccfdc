"""The files of one audit: findings.json, findings.csv, findings.xlsx and checks.csv (docs/contract.md sections 2 and 4).

Why: the records (``auditlib.model.findings``) say what was found; this module decides how they are
written. Same input, same bytes: findings in their fixed order, checks sorted, the xlsx zip with
fixed timestamps. Text quoted from an untrusted PDF never becomes a spreadsheet formula.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from typing import TYPE_CHECKING

from auditlib.model.findings import Check, Finding, ordered
from auditlib.outputs.files import OutputSet, csv_text, json_text

if TYPE_CHECKING:
    from auditlib.model.report import Report

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
    "fingerprint",
    "cause",
]
CHECK_COLUMNS = ["rule_id", "subject", "outcome", "severity", "reason"]

#: Column headings of findings.xlsx (the working paper is read by Chinese auditors).
_XLSX_LABELS = {
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
    "fingerprint": "指纹",
    "cause": "起因",
}
_XLSX_FILLS = {"error": "F8CBAD", "warning": "FFE699", "info": "DDEBF7"}
_XLSX_WIDTHS = {"message": 70, "rule_id": 30, "text": 30, "tables": 28}
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def findings_document(report: Report, findings: list[Finding], tool: dict[str, str]) -> dict[str, object]:
    """findings.json: the report's source, department, year and units, the tool, the ordered findings."""
    meta = report.to_json()
    return {
        "source": meta["source"],
        "department": report.department,
        "year": report.year,
        "units": report.units,
        "tool": tool,
        "findings": [f.to_json() for f in ordered(findings)],
    }


def _flat(f: Finding) -> dict[str, str | int]:
    """One findings.csv row: the finding with its first evidence."""
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
        "fingerprint": f.fingerprint,
        "cause": f.cause or "",
    }


def _spreadsheet_safe(value: str | int) -> str | int:
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
    """checks.csv rows, sorted on every column so the log does not depend on rule order."""
    rows = [
        {"rule_id": c.rule_id, "subject": c.subject, "outcome": c.outcome, "severity": c.severity, "reason": c.reason}
        for c in checks
    ]
    return sorted(rows, key=lambda r: (r["rule_id"], r["subject"], r["outcome"], r["severity"], r["reason"]))


def xlsx_bytes(findings: list[Finding], title: str) -> bytes:
    """findings.xlsx for a working paper: frozen header, widths, severity colours, a filter."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "findings"
    ws.append([_XLSX_LABELS[c] for c in FINDING_CSV_COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for f in ordered(findings):
        row = _flat(f)
        ws.append([_spreadsheet_safe(row[c]) for c in FINDING_CSV_COLUMNS])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula
        colour = PatternFill("solid", fgColor=_XLSX_FILLS[f.severity])
        ws.cell(row=ws.max_row, column=2).fill = colour
        ws.cell(row=ws.max_row, column=3).alignment = Alignment(wrap_text=True, vertical="top")
    for i, col in enumerate(FINDING_CSV_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _XLSX_WIDTHS.get(col, 12)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(FINDING_CSV_COLUMNS))}{max(ws.max_row, 1)}"
    wb.properties.title = title
    wb.properties.creator = "auditlib"
    fixed = datetime(2000, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    buf = io.BytesIO()
    wb.save(buf)
    return _normalise_zip(buf.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so the same findings give the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            member = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                member = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", member)
            dst.writestr(fixed, member)
    return out.getvalue()


def audit_files(report: Report, findings: list[Finding], checks: list[Check], tool: dict[str, str]) -> OutputSet:
    """The four files of one audit, ready to publish with the extraction files."""
    out = OutputSet()
    out.add_text("findings.json", json_text(findings_document(report, findings, tool)))
    rows = [{k: _spreadsheet_safe(v) for k, v in _flat(f).items()} for f in ordered(findings)]
    out.add_text("findings.csv", csv_text(FINDING_CSV_COLUMNS, rows))
    out.add_text("checks.csv", csv_text(CHECK_COLUMNS, checks_rows(checks)))
    out.add_bytes("findings.xlsx", xlsx_bytes(findings, f"{report.department or ''} {report.year or ''} 决算审核发现"))
    return out
