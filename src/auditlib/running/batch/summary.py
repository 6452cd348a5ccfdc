"""The batch's overview: OUT_DIR/portfolio/summary.csv and the executed portfolio notebook (+ HTML)."""

from __future__ import annotations

import os
import secrets
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
    tmp = path.with_name(f".summary.csv.{_run_token()}.tmp")
    try:
        tmp.write_text(csv_text(SUMMARY_COLUMNS, rows), encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _run_token() -> str:
    """Part of a temporary file's name that no other run shares (pid and random)."""
    return f"{os.getpid()}-{secrets.token_hex(4)}"


def run_portfolio_notebook(out_dir: Path) -> None:
    """Execute the portfolio notebook over OUT_DIR into OUT_DIR/portfolio/ (+ HTML)."""
    portfolio = out_dir / "portfolio"
    token = _run_token()  # unique per run: two runs never share a staging file
    stage = portfolio / f".portfolio.{token}.tmp.ipynb"
    html = portfolio / f".portfolio.{token}.html.tmp"
    try:
        nb = execute(PORTFOLIO_NOTEBOOK, stage, {"batch_dir": str(out_dir)}, cwd=out_dir)
        write_html(nb, stage, html)
        os.replace(html, portfolio / "portfolio.html")
        os.replace(stage, portfolio / "portfolio.ipynb")
    finally:
        stage.unlink(missing_ok=True)
        html.unlink(missing_ok=True)
