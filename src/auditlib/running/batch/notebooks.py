"""The notebooks a batch executes, and how: papermill, one fresh kernel each, HTML without the code.

Why package data: the notebooks ship inside the package (``auditlib/notebooks``), so an installed
auditlib (a wheel, not the source tree) can run a batch from any working folder. The repository's
top-level ``notebooks`` is a link to them for JupyterLab users.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
DEPARTMENT_NOTEBOOK = NOTEBOOKS / "department_audit.ipynb"
PORTFOLIO_NOTEBOOK = NOTEBOOKS / "portfolio.ipynb"
#: The kernel's own log (TCP transport notice, shutdown noise) stays off the batch's stderr.
KERNEL_QUIET = ["--IPKernelApp.log_level=CRITICAL"]


def skip_slow_optional_imports() -> None:
    """Keep ``rfc3987_syntax`` out of this process (call before nbformat or papermill is imported).

    Why: jsonschema, which nbformat imports, loads it when installed (jupyterlab's dependencies
    bring it) only to check the "iri" string format, and it compiles an Earley grammar at import:
    about 1.8 s per process, in the batch and in every worker, for a format no notebook schema
    uses. With the module marked absent, jsonschema simply has no "iri" checker. Once jsonschema is
    imported this changes nothing.
    """
    import sys

    if "jsonschema._format" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def kernel_manager_class(env: dict[str, str] | None = None) -> type | None:
    """The kernel manager for papermill: kernels forked from this process's template where possible
    (auditlib.running.kernel_fork), else the ordinary launch (armed to die with this process); with ``env`` set, a subclass that
    adds those variables to the kernel's environment.

    Why the environment: what a kernel must know but no file may keep (the PDF password) reaches it
    there and nowhere else; papermill parameters are written into the executed notebook. A forked
    kernel gets the environment of its fork request, so this works for both kinds of kernel.
    """
    from auditlib.running import kernel_fork

    # A kernel launched the ordinary way is still started so that it dies with this process.
    base = kernel_fork.kernel_manager_class() or kernel_fork.launched_kernel_manager_class()
    if not env:
        return base
    extra = dict(env)

    class KernelWithEnvironment(base):  # type: ignore[misc, valid-type]
        async def _async_pre_start_kernel(self, **kw: Any) -> Any:
            kw["env"] = {**(kw.get("env") or os.environ), **extra}
            return await super()._async_pre_start_kernel(**kw)

    return KernelWithEnvironment


def _with_absolute_pythonpath(env: dict[str, str] | None) -> dict[str, str]:
    """``env`` plus this process's PYTHONPATH with relative entries made absolute.

    Why: a kernel runs in OUT_DIR, not in the folder the batch was started from; a relative entry
    (``PYTHONPATH=src``) would point elsewhere there, and a launched kernel would import another
    auditlib than the batch (a forked kernel inherits the template's sys.path, absolute already)."""
    merged = dict(env or {})
    path = os.environ.get("PYTHONPATH")
    if path and "PYTHONPATH" not in merged:
        merged["PYTHONPATH"] = os.pathsep.join(os.path.abspath(p) if p else p for p in path.split(os.pathsep))
    return merged


def execute(
    notebook: Path,
    output: Path,
    parameters: dict[str, Any],
    cwd: Path,
    env: dict[str, str] | None = None,
    execution_timeout: int | None = None,
) -> Any:
    """Run ``notebook`` with papermill into ``output`` in a fresh kernel; the executed notebook node.

    The notebook is written once at the end (and on failure, with the failing cell), not after every
    cell: a megabyte of images rewritten 19 times is pure overhead.
    """
    skip_slow_optional_imports()
    import papermill as pm

    manager = kernel_manager_class(_with_absolute_pythonpath(env))
    return pm.execute_notebook(
        str(notebook),
        str(output),
        parameters=parameters,
        kernel_name="python3",
        extra_arguments=KERNEL_QUIET,
        request_save_on_cell_execute=False,
        progress_bar=False,
        cwd=str(cwd),
        execution_timeout=execution_timeout,
        **({"kernel_manager_class": manager} if manager is not None else {}),
    )


@functools.lru_cache(maxsize=1)
def _html_exporter() -> Any:
    """One exporter per worker: loading its templates costs more than an export."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter()
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def fix_injected_cell_id(nb: Any) -> bool:
    """Give papermill's injected-parameters cell a fixed id (papermill makes a random one, which
    the HTML and the stored nbval references would carry); True when the notebook changed."""
    changed = False
    for cell in nb["cells"]:
        if (
            "injected-parameters" in cell.get("metadata", {}).get("tags", [])
            and cell.get("id") != "injected-parameters"
        ):
            cell["id"] = "injected-parameters"
            changed = True
    return changed


def write_html(nb: Any, notebook: Path, target: Path) -> None:
    """Export the executed notebook ``nb`` (as papermill returned it and wrote it to ``notebook``) to
    HTML without the code (a working paper, not a script). The injected cell gets its fixed id first,
    in the kept notebook too, so the same input gives the same HTML, byte for byte."""
    import nbformat

    if fix_injected_cell_id(nb):
        nbformat.write(nb, str(notebook))
    body, _ = _html_exporter().from_notebook_node(nb)
    target.write_text(body, encoding="utf-8")
