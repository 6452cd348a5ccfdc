"""Kernels forked from a pre-imported template (auditlib.running.kernel_fork): real, fresh, and they end.

The batch-level check (same outputs, byte for byte, as kernels launched the ordinary way) is in
test_batch.py; here the kernel itself is examined.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from auditlib.running import kernel_fork
from auditlib.running.batch import KERNEL_QUIET

from conftest import ROOT

pytestmark = [
    pytest.mark.slow,  # kernels
    pytest.mark.skipif(
        not kernel_fork.available(), reason="forked kernels need Linux with os.pidfd_open (AUDITLIB_KERNEL not 'spawn')"
    ),
]


def _run(tmp_path: Path, name: str, *sources: str, **kwargs) -> list[str]:
    """Execute a notebook of the given code cells in a forked kernel; the text each cell printed."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    src, out = tmp_path / f"{name}.ipynb", tmp_path / f"{name}.out.ipynb"
    nbformat.write(nb, str(src))
    try:
        pm.execute_notebook(
            str(src),
            str(out),
            kernel_name="python3",
            extra_arguments=KERNEL_QUIET,
            progress_bar=False,
            cwd=str(ROOT),
            kernel_manager_class=kernel_fork.kernel_manager_class(),
            **kwargs,
        )
    finally:
        texts = []
        if out.exists():
            for cell in nbformat.read(str(out), as_version=4).cells:
                texts.append("".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("name") == "stdout"))
    return texts


def test_each_kernel_is_a_fresh_fork_of_the_template(tmp_path: Path):
    probe = (
        "import os, sys\n"
        "print(os.getppid(), os.getpgid(0) == os.getpid(), 'auditlib.outputs.workpaper' in sys.modules, "
        "'left_behind' in globals(), os.getcwd())"
    )
    first = _run(tmp_path, "first", probe, "left_behind = 1")
    second = _run(tmp_path, "second", probe)
    template = kernel_fork.server().pid
    for printed in (first[0], second[0]):
        ppid, own_group, preloaded, leftover, cwd = printed.split()
        assert int(ppid) == template  # forked by the template, not launched by this process
        assert own_group == "True"  # its own process group, so an interrupt reaches only it
        assert preloaded == "True"  # the imports were done before the fork
        assert leftover == "False"  # no state from the previous department's kernel
        assert cwd == str(ROOT)
    assert kernel_fork.server().peak_kernel_rss_mb() > 0


def test_a_timed_out_cell_is_interrupted_and_its_kernel_ends(tmp_path: Path):
    with pytest.raises(Exception) as caught:
        _run(
            tmp_path,
            "slow",
            "import os\nprint(os.getpid(), flush=True)",
            "import time\ntime.sleep(120)",
            execution_timeout=3,
        )
    assert "Timeout" in type(caught.value).__name__ or "timed out" in str(caught.value).lower(), caught.value
    pid = int(nbformat.read(str(tmp_path / "slow.out.ipynb"), as_version=4).cells[0].outputs[0]["text"])
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"kernel {pid} still running after its notebook timed out")


def test_an_interrupt_reaches_the_running_cell(tmp_path: Path):
    """nbclient interrupts a kernel with SIGINT to its process group: the cell gets KeyboardInterrupt."""
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as caught:
        _run(tmp_path, "interrupted", "import time\ntime.sleep(120)", execution_timeout=3, interrupt_on_timeout=True)
    assert caught.value.ename == "KeyboardInterrupt"


def test_a_lost_template_is_replaced(tmp_path: Path):
    """A template killed under the batch (out of memory, an operator) costs nothing but time: the next
    kernel is launched the ordinary way, the one after comes from a new template."""
    import signal

    probe = "import os\nprint(os.getppid())"
    _run(tmp_path, "before", probe)
    old = kernel_fork.server().pid
    os.kill(old, signal.SIGKILL)
    time.sleep(0.5)
    assert int(_run(tmp_path, "fallback", probe)[0]) == os.getpid()  # launched by this process
    assert int(_run(tmp_path, "after", probe)[0]) == kernel_fork.server().pid != old


def test_a_kernel_ends_when_its_template_does(tmp_path: Path):
    """A batch killed with SIGKILL takes its workers and templates with it; their kernels (own sessions,
    out of reach of the kill) must then end on their own, as launched kernels do."""
    template = kernel_fork.ForkServer()
    connection = tmp_path / "kernel.json"
    pid = template.fork_kernel(["-f", str(connection), "--IPKernelApp.log_level=CRITICAL"], dict(os.environ), str(ROOT))
    kernel = kernel_fork._ForkedProcess(pid)
    deadline = time.monotonic() + 30
    while not connection.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert connection.exists() and kernel.poll() is None, "forked kernel did not start"
    os.kill(template.pid, 9)
    try:
        kernel.wait(timeout=10)
    except Exception:
        os.kill(pid, 9)
        pytest.fail(f"kernel {pid} outlived its template")
    finally:
        template.close()


def test_spawn_mode_switches_the_template_off(monkeypatch):
    monkeypatch.setenv(kernel_fork.MODE_VARIABLE, "spawn")
    assert not kernel_fork.available() and kernel_fork.kernel_manager_class() is None
