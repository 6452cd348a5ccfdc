"""The batch's overview: OUT_DIR/portfolio/summary.csv and the executed portfolio notebook (+ HTML)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from auditlib.outputs.files import csv_text
from auditlib.running.batch.notebooks import PORTFOLIO_NOTEBOOK, execute, write_html

SUMMARY_COLUMNS = ["slug", "department", "year", "status", "errors", "warnings", "infos", "seconds"]


def write_summary(out_dir: Path, manifest: dict[str, Any]) -> Path:
    rows = []
    for slug in sorted(manifest["departments"]):
        e = manifest["departments"][slug]
        counts = e.get("counts") or {}
        rows.append(
            {
                "slug": slug,
                "department": e.get("department") or "",
                "year": e.get("year") or "",
                "status": e.get("status"),
                "errors": counts.get("error", ""),
                "warnings": counts.get("warning", ""),
                "infos": counts.get("info", ""),
                "seconds": e.get("seconds") if e.get("seconds") is not None else "",
            }
        )
    portfolio = out_dir / "portfolio"
    portfolio.mkdir(exist_ok=True)
    path = portfolio / "summary.csv"
    tmp = path.with_name(".summary.csv.tmp")
    tmp.write_text(csv_text(SUMMARY_COLUMNS, rows), encoding="utf-8")
    os.replace(tmp, path)
    return path


def run_portfolio_notebook(out_dir: Path) -> None:
    """Execute the portfolio notebook over OUT_DIR into OUT_DIR/portfolio/ (+ HTML)."""
    portfolio = out_dir / "portfolio"
    stage = portfolio / ".portfolio.tmp.ipynb"
    nb = execute(PORTFOLIO_NOTEBOOK, stage, {"batch_dir": str(out_dir)}, cwd=out_dir)
    write_html(nb, stage, portfolio / ".portfolio.html.tmp")
    os.replace(portfolio / ".portfolio.html.tmp", portfolio / "portfolio.html")
    os.replace(stage, portfolio / "portfolio.ipynb")
