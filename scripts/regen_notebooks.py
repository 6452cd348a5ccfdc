"""Regenerate the stored reference notebooks that nbval checks (make regen-notebooks).

Why: nbval re-executes these notebooks in `make test` and compares every text
output with the stored one, so any change of a finding, a table or a count
fails the tests until the references are regenerated here — and the diff of
the regenerated notebooks shows, in review, exactly what changed.

References (all paths relative to tests/notebooks, where nbval runs them):
- department_seed.ipynb     the reference department (wuchang-bigdata-2023)
- department_mutant.ipynb   a mutant with known injected errors
- portfolio.ipynb           the portfolio over tests/notebooks/batch/ (a two-department batch)
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import papermill as pm

from auditlib.running.batch import DEPARTMENT_NOTEBOOK, KERNEL_QUIET, PORTFOLIO_NOTEBOOK, fix_injected_cell_id

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "tests" / "notebooks"
DEPARTMENTS = {
    "department_seed": "wuchang-bigdata-2023.pdf",
    "department_mutant": "mutants/wuchang-bigdata-2023-m02-narrative.pdf",
}


def _strip(path: Path) -> None:
    """Drop execution timestamps so regenerating twice gives the same file."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["metadata"].get("papermill", {}).pop("start_time", None)
    nb["metadata"].get("papermill", {}).pop("end_time", None)
    nb["metadata"].get("papermill", {}).pop("duration", None)
    nb["metadata"].get("papermill", {}).pop("input_path", None)
    nb["metadata"].get("papermill", {}).pop("output_path", None)
    fix_injected_cell_id(nb)
    for cell in nb["cells"]:
        cell.get("metadata", {}).pop("execution", None)
        # nbval does not compare images (its default without nbdime); keep the outputs'
        # structure but not the megabytes of PNG data.
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                data["image/png"] = ""
        pm_meta = cell.get("metadata", {}).get("papermill")
        if pm_meta:
            for key in ("start_time", "end_time", "duration", "exception", "status"):
                pm_meta.pop(key, None)
    path.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> int:
    for name, pdf in DEPARTMENTS.items():
        target = HERE / f"{name}.ipynb"
        pm.execute_notebook(
            str(DEPARTMENT_NOTEBOOK),
            str(target),
            parameters={"pdf": f"../../data/raw/{pdf}", "out_dir": f"../../data/processed/nbval/{name}", "cache": None},
            kernel_name="python3",
            extra_arguments=KERNEL_QUIET,
            cwd=str(HERE),
            progress_bar=False,
        )
        _strip(target)
        print(target)
    # A small batch for the portfolio reference: the findings of the two departments above.
    batch = HERE / "batch"
    shutil.rmtree(batch, ignore_errors=True)
    from auditlib.running.batch import Options, run_batch

    src = ROOT / "data" / "processed" / "nbval" / "batch-input"
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    for pdf in DEPARTMENTS.values():
        shutil.copy(ROOT / "data" / "raw" / pdf, src / Path(pdf).name)
    # From scratch: a batch left by an earlier regeneration would mark its departments "unchanged".
    shutil.rmtree(ROOT / "data" / "processed" / "nbval" / "batch", ignore_errors=True)
    run_batch(
        src,
        ROOT / "data" / "processed" / "nbval" / "batch",
        Options(cache=None),
        jobs=2,
        progress=False,
        run_portfolio=False,
    )
    full = ROOT / "data" / "processed" / "nbval" / "batch"
    batch.mkdir()
    manifest = json.loads((full / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["departments"].values():
        entry["started"] = None
        entry["seconds"] = None
    (batch / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for slug in manifest["departments"]:
        (batch / slug).mkdir()
        shutil.copy(full / slug / "findings.json", batch / slug / "findings.json")
    target = HERE / "portfolio.ipynb"
    pm.execute_notebook(
        str(PORTFOLIO_NOTEBOOK),
        str(target),
        parameters={"batch_dir": "batch"},
        kernel_name="python3",
        extra_arguments=KERNEL_QUIET,
        cwd=str(HERE),
        progress_bar=False,
    )
    _strip(target)
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
