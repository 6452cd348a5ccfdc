"""The batch's overview: OUT_DIR/portfolio/summary.csv and the executed portfolio notebook (+ HTML)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from auditlib.outputs.files import csv_text
from auditlib.outputs.portfolio import SUMMARY_COLUMNS, summary_rows
from auditlib.running.batch.notebooks import PORTFOLIO_NOTEBOOK, execute, write_html


def write_summary(out_dir: Path, manifest: dict[str, Any]) -> Path:
    rows = [{k: "" if row[k] is None else row[k] for k in SUMMARY_COLUMNS} for row in summary_rows(manifest)]
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
