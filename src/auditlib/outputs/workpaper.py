"""The department working paper: what notebooks/department_audit.ipynb shows.

Why here and not in the notebook: the notebook is a kept record (papermill)
and a document an auditor reads; logic in it would be untested and copied.
The notebook calls these functions and displays what they return, nothing
more.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from auditlib.model.findings import Finding
from auditlib.profiles.final_accounts import TABLE_IDS, TABLES
from auditlib.reading.pipeline import DEFAULT_MAX_PAGES, DEFAULT_TIMEOUT, Report
from auditlib.rules import AuditResult
from auditlib.running.audit_run import audit_output
from auditlib.running.password import password_or_environment
from auditlib.running.read_guard import guarded, read_guarded
from auditlib.running.sandbox import DEFAULT_MAX_MEMORY_MB, Limits

SEVERITY_LABELS = {"error": "错误", "warning": "提示", "info": "尾数差异"}
#: Evidence images per department: enough for a working paper; a report with
#: hundreds of findings (a blank template full of XX) lists the rest as text.
MAX_EVIDENCE_IMAGES = 50


@dataclass
class WorkingPaper:
    pdf: Path
    out_dir: Path
    report: Report
    result: AuditResult
    #: finding index (in result.findings order) -> evidence image path relative to out_dir
    images: dict[int, str] = field(default_factory=dict)
    charts: dict[str, Any] = field(default_factory=dict)


def evidence_name(index: int, finding: Finding) -> str:
    return f"evidence/{index + 1:03d}-{finding.rule_id}.png"


def run_audit(
    pdf: str | Path,
    out_dir: str | Path,
    password: str | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
    timeout: float = DEFAULT_TIMEOUT,
    cache: str | Path | None = "data/processed/.cache",
    include_info_images: bool = False,
    max_memory: int = DEFAULT_MAX_MEMORY_MB,
) -> WorkingPaper:
    """Read, audit and write every output file of one department into ``out_dir``.

    Writes the extraction and audit files (docs/contract.md sections 3 and 4), one
    evidence image per error and warning finding (``evidence/NNN-rule.png``) and
    the charts (``charts/<name>.png``), all in one atomic publish.

    Reading and the evidence crops go through the hard limits every path shares (``--timeout``,
    ``--max-memory``: auditlib.running.read_guard), so a file that cannot be audited raises ``InputError`` with the same cause as
    ``auditlib audit`` prints. Without ``password``, the one a batch put into this kernel's
    environment is used (auditlib.running.password): a batch never writes it into the notebook.
    A rule that raised leaves its ``internal`` line in checks.csv and its traceback in rules.log.
    """
    from auditlib.outputs.evidence import evidence_pngs
    from auditlib.outputs.fonts import png_bytes
    from auditlib.outputs.plots import all_charts

    pdf = Path(pdf)
    out = Path(out_dir)
    password = password_or_environment(password)
    report = read_guarded(
        pdf, password=password, max_pages=max_pages, timeout=timeout, cache=cache, max_memory=max_memory
    )
    files, result = audit_output(report)
    images: dict[int, str] = {}
    wanted = [
        i
        for i, f in enumerate(result.findings)
        if (f.severity != "info" or include_info_images) and any(e.page for e in f.evidence)
    ][:MAX_EVIDENCE_IMAGES]
    if wanted:
        limits = Limits(timeout=timeout, max_memory_mb=max_memory)
        pngs = guarded(limits, evidence_pngs, pdf, [result.findings[i].evidence for i in wanted], password=password)
        for i, png in zip(wanted, pngs):
            if png is not None:
                images[i] = evidence_name(i, result.findings[i])
                files.add_bytes(images[i], png)
    # The rules already extracted the narrative facts the budget chart reads.
    charts = all_charts(report, result.facts)
    for name, fig in charts.items():
        files.add_bytes(f"charts/{name}.png", png_bytes(fig))
    files.publish(out)
    return WorkingPaper(pdf, out, report, result, images, charts)


# ---------------------------------------------------------------- what the notebook shows


def overview(report: Report) -> pd.DataFrame:
    """Report overview as a two-column table (项目 / 内容)."""
    units = sorted(set(report.units.values()))
    found = [f"{TABLES[t].title}（第{'、'.join(map(str, report.tables_found[t]))}页）" for t in report.tables_found]
    rows = [
        ("部门", report.department or "未识别"),
        ("年度", str(report.year or "未识别")),
        ("金额单位", "、".join(units) or "未注明"),
        ("页数", str(report.page_count)),
        ("文件", f"{report.path.name}（sha256 {report.sha256[:12]}…）"),
        ("已识别报表", f"{len(report.tables)}/9：" + "；".join(found)),
        ("缺少报表", "、".join(TABLES[t].title for t in report.tables_missing) or "无"),
        ("情况说明部分", "；".join(s.title for s in report.sections if s.title and s.text.strip())[:400] or "未识别"),
        ("读取说明", "；".join(report.notes) or "无"),
    ]
    for name, (_header, rows_) in sorted(report.attachments.items()):
        rows.append((f"附件 {name}", f"{len(rows_)}行"))
    return pd.DataFrame(rows, columns=["项目", "内容"])


def counts(result: AuditResult) -> pd.DataFrame:
    checks = result.checks
    return pd.DataFrame(
        [
            ("错误 (error)", result.count("error")),
            ("提示 (warning)", result.count("warning")),
            ("尾数差异 (info)", result.count("info")),
            ("执行的检查", len(checks)),
            ("通过", sum(1 for c in checks if c.outcome == "passed")),
            ("跳过（原因见 checks.csv）", sum(1 for c in checks if c.outcome == "skipped")),
        ]
        # Only when a rule raised (so a normal working paper is unchanged): its traceback is in rules.log.
        + ([("规则内部错误（见 rules.log）", len(result.internal))] if result.internal else []),
        columns=["项目", "数量"],
    )


def findings_frame(result: AuditResult, severity: str) -> pd.DataFrame:
    rows = []
    for f in result.findings:
        if f.severity != severity:
            continue
        first = f.evidence[0] if f.evidence else None
        rows.append(
            {
                "规则": f.rule_id,
                "发现": f.message,
                "参照值": f.expected or "",
                "列示值": f.actual or "",
                "差额": f.difference or "",
                "页码": first.page if first and first.page else "",
            }
        )
    return pd.DataFrame(rows, columns=["规则", "发现", "参照值", "列示值", "差额", "页码"])


def finding_html(index: int, finding: Finding, image: str | None) -> str:
    """One finding as an HTML block: message, figures, evidence, and the image (relative link)."""
    sev = SEVERITY_LABELS[finding.severity]
    colour = {"error": "#c00000", "warning": "#b8860b", "info": "#1f4e79"}[finding.severity]
    figures = []
    if finding.expected is not None:
        figures.append(f"参照值 {html.escape(finding.expected)}")
    if finding.actual is not None:
        figures.append(f"列示值 {html.escape(finding.actual)}")
    if finding.difference is not None:
        figures.append(f"差额 {html.escape(finding.difference)}")
    where = "；".join(
        f"第{e.page}页"
        + (f" {TABLES[e.table].title}" if e.table in TABLES else "")
        + (f" 行“{e.row}”" if e.row else "")
        + (f" 列 {e.column}" if e.column else "")
        for e in finding.evidence[:4]
        if e.page
    )
    parts = [
        f'<div style="border-left:4px solid {colour};padding:4px 10px;margin:10px 0">',
        f'<b style="color:{colour}">{index + 1}. [{sev}] {html.escape(finding.rule_id)}</b><br>',
        f"{html.escape(finding.message)}<br>",
    ]
    if figures:
        parts.append(f"<small>{'，'.join(figures)}</small><br>")
    if where:
        parts.append(f"<small>证据：{html.escape(where)}</small><br>")
    parts.append("</div>")
    return "".join(parts)


def table_frame(report: Report, table_id: str) -> pd.DataFrame:
    """A canonical table for display: amounts as printed decimals, blanks empty."""
    table = report.tables[table_id]
    return pd.DataFrame(table.csv_rows(), columns=table.columns)


def tables_in_order(report: Report) -> list[tuple[str, str]]:
    return [(t, TABLES[t].title) for t in TABLE_IDS if t in report.tables]
