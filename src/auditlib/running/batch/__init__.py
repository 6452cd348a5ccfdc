"""Batches: one papermill run of the department notebook per PDF (docs/contract.md section 5).

Each run gets its own kernel, in a pool of worker processes (or on Dask); workers are recycled
after a number of documents so memory cannot creep. The manifest is rewritten after every
department, so a batch killed at any moment resumes where it stopped.

The modules, in the order of a run: ``discovery`` (PDFs and slugs), ``manifest`` (resume),
``out_lock`` (one batch per OUT_DIR, the error that ends a batch cleanly), ``department`` (one
papermill run, HTML, staging swap), ``local_pool`` and ``dask_pool`` (+
``dask_setup``) (where departments run), ``summary`` (summary.csv and the portfolio), ``loop``
(the batch); ``notebooks`` (which notebooks, how they are executed) and ``options`` (what the
stages hand each other).
"""

from __future__ import annotations

from auditlib.running.batch.dask_setup import BatchSetupError, check_scheduler
from auditlib.running.batch.department import run_department
from auditlib.running.batch.discovery import Job, discover, sha256_file
from auditlib.running.batch.loop import run_batch
from auditlib.running.batch.notebooks import (
    DEPARTMENT_NOTEBOOK,
    KERNEL_QUIET,
    NOTEBOOKS,
    PORTFOLIO_NOTEBOOK,
    fix_injected_cell_id,
    skip_slow_optional_imports,
)
from auditlib.running.batch.options import BatchResult, Options, Outcome
from auditlib.running.batch.out_lock import BatchOutputError
from auditlib.running.batch.summary import SUMMARY_COLUMNS, run_portfolio_notebook, write_summary

__all__ = [
    "DEPARTMENT_NOTEBOOK",
    "KERNEL_QUIET",
    "NOTEBOOKS",
    "PORTFOLIO_NOTEBOOK",
    "SUMMARY_COLUMNS",
    "BatchOutputError",
    "BatchResult",
    "BatchSetupError",
    "Job",
    "Options",
    "Outcome",
    "check_scheduler",
    "discover",
    "fix_injected_cell_id",
    "run_batch",
    "run_department",
    "run_portfolio_notebook",
    "sha256_file",
    "skip_slow_optional_imports",
    "write_summary",
]
