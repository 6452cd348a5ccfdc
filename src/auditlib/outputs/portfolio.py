"""The portfolio view over a batch: departments × findings (notebooks/portfolio.ipynb).

Why: a finance bureau or a researcher reads a sweep of hundreds of reports by
asking which departments have errors and which rules fire most often; this
module reads the batch folder (manifest and each department's findings.json)
into two tables the portfolio notebook shows and charts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


#: The columns of ``OUT_DIR/portfolio/summary.csv`` (docs/contract.md section 5).
SUMMARY_COLUMNS = ["slug", "department", "year", "status", "errors", "warnings", "infos", "seconds"]


def summary_rows(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per department of a batch manifest, in slug order (None where the manifest has none).

    Why here: the batch writes these rows to summary.csv and the portfolio notebook shows them; one
    reading of the manifest keeps the two the same.
    """
    rows = []
    for slug in sorted(manifest["departments"]):
        e = manifest["departments"][slug]
        counts = e.get("counts") or {}
        rows.append(
            {
                "slug": slug,
                "department": e.get("department") or "",
                "year": e.get("year"),
                "status": e.get("status"),
                "errors": counts.get("error"),
                "warnings": counts.get("warning"),
                "infos": counts.get("info"),
                "seconds": e.get("seconds"),
                "cause": e.get("cause") or "",
            }
        )
    return rows


def load_summary(batch_dir: str | Path) -> pd.DataFrame:
    """One row per department: slug, department, year, status, errors, warnings, infos, seconds, cause."""
    import pandas as pd

    manifest = json.loads((Path(batch_dir) / "manifest.json").read_text(encoding="utf-8"))
    return pd.DataFrame(summary_rows(manifest), columns=[*SUMMARY_COLUMNS, "cause"])


def load_findings(batch_dir: str | Path) -> pd.DataFrame:
    """Every finding of every audited department (slug, rule_id, severity, message, first page)."""
    import pandas as pd

    batch = Path(batch_dir)
    rows = []
    for path in sorted(batch.glob("*/findings.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for f in doc["findings"]:
            page = next((e["page"] for e in f["evidence"] if e.get("page")), None)
            rows.append(
                {
                    "slug": path.parent.name,
                    "rule_id": f["rule_id"],
                    "severity": f["severity"],
                    "message": f["message"],
                    "page": page,
                }
            )
    return pd.DataFrame(rows, columns=["slug", "rule_id", "severity", "message", "page"])


def rule_frequency(findings: pd.DataFrame) -> pd.DataFrame:
    """Rules by number of departments and findings, errors and warnings only, most frequent first."""
    import pandas as pd

    serious = findings[findings["severity"].isin(["error", "warning"])]
    if serious.empty:
        return pd.DataFrame(columns=["rule_id", "departments", "findings"])
    grouped = serious.groupby("rule_id").agg(departments=("slug", "nunique"), findings=("slug", "size"))
    return grouped.reset_index().sort_values(
        ["departments", "findings", "rule_id"], ascending=[False, False, True], ignore_index=True
    )


def charts(summary: pd.DataFrame, frequency: pd.DataFrame) -> dict[str, object]:
    """Two portfolio charts: errors and warnings per department; the most frequent rules."""
    from matplotlib.figure import Figure

    from auditlib.outputs.fonts import cjk_style

    out: dict[str, object] = {}
    audited = summary[summary["status"].isin(["audited", "unchanged"])]
    with cjk_style():
        fig = Figure(figsize=(9, max(2.5, 0.38 * len(audited) + 1.2)))
        ax = fig.add_subplot()
        labels = [f"{d or s}" for s, d in zip(audited["slug"], audited["department"])]
        errors = audited["errors"].fillna(0).astype(int).tolist()
        warnings = audited["warnings"].fillna(0).astype(int).tolist()
        y = list(range(len(labels)))
        ax.barh(y, errors, color="#c00000", label="错误")
        ax.barh(y, warnings, left=errors, color="#e0a800", label="提示")
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
        ax.set_xlabel("发现数量")
        ax.set_title("各部门审核发现（错误与提示）")
        ax.legend(loc="lower right")
        fig.tight_layout()
        out["departments"] = fig
        fig = Figure(figsize=(9, max(2.5, 0.38 * min(len(frequency), 15) + 1.2)))
        ax = fig.add_subplot()
        top = frequency.head(15)
        ax.barh(list(range(len(top))), top["departments"].tolist(), color="#1f4e79")
        ax.set_yticks(list(range(len(top))), top["rule_id"].tolist())
        ax.invert_yaxis()
        ax.set_xlabel("涉及部门数")
        ax.set_title("最常触发的规则（错误与提示）")
        fig.tight_layout()
        out["rules"] = fig
    return out
