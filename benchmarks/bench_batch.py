"""Benchmark: auditlib batch on the sample corpus plus the real PDFs, on this machine's cores.

Prints per-department seconds, throughput (reports/hour), the papermill overhead per
department (batch seconds minus the in-process audit of the same PDF), and peak memory
per worker (the largest resident set of a worker and its kernel).
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _proc_table() -> dict[int, tuple[int, int, str]]:
    """pid -> (parent pid, proportional set size in kB, command line), from /proc (Linux)."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{name}/smaps_rollup") as fh:
                pss = next((int(line.split()[1]) for line in fh if line.startswith("Pss:")), 0)
            with open(f"/proc/{name}/cmdline") as fh:
                cmd = fh.read().replace("\0", " ")
        except (OSError, ValueError, IndexError):
            continue
        table[int(name)] = (ppid, pss, cmd)
    return table


class WorkerMemory(threading.Thread):
    """Peak memory of each batch worker with everything it started (kernel template, kernels), as the
    sum of proportional set sizes (PSS: pages shared between the template and its kernels counted once)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.peak_mb = 0.0

    def run(self) -> None:
        me = os.getpid()
        while not self.stop.wait(0.2):
            table = _proc_table()
            for worker, (ppid, _pss, cmd) in table.items():
                if ppid != me or "multiprocessing" not in cmd or "resource_tracker" in cmd:
                    continue
                tree, grown = {worker}, True
                while grown:
                    new = {p for p, (pp, _, _) in table.items() if pp in tree} - tree
                    tree |= new
                    grown = bool(new)
                self.peak_mb = max(self.peak_mb, sum(table[p][1] for p in tree) / 1024)


def main() -> int:
    from auditlib.outputs.workpaper import run_audit
    from auditlib.running.batch import Options, run_batch

    jobs = int(os.environ.get("AUDITLIB_BENCH_JOBS", os.cpu_count() or 2))
    with tempfile.TemporaryDirectory() as tmp:
        in_dir = Path(tmp) / "in"
        in_dir.mkdir()
        for pdf in sorted((ROOT / "data" / "raw").rglob("*.pdf")):
            shutil.copy(pdf, in_dir / pdf.name)
        for pdf in sorted((ROOT / "tests" / "fixtures" / "real").glob("*.pdf")):
            shutil.copy(pdf, in_dir / pdf.name)
        n = len(list(in_dir.glob("*.pdf")))
        memory = WorkerMemory() if os.path.exists("/proc/self/smaps_rollup") else None
        if memory:
            memory.start()
        start = time.perf_counter()
        result = run_batch(in_dir, Path(tmp) / "out", Options(cache=None), jobs=jobs, progress=False)
        wall = time.perf_counter() - start
        if memory:
            memory.stop.set()
            memory.join()
        seconds = {s: o.seconds for s, o in result.outcomes.items()}
        for slug in sorted(seconds):
            print(f"batch department {slug}: {seconds[slug]:.2f} s ({result.outcomes[slug].status})")
        print(
            f"batch {n} PDFs on {jobs} workers: wall {wall:.1f} s, {n / wall * 3600:.0f} reports/hour "
            f"(target >= 1000), mean {statistics.mean(seconds.values()):.2f} s per department"
        )
        in_process = {}
        for pdf in sorted(in_dir.glob("*.pdf")):
            t = time.perf_counter()
            try:
                run_audit(pdf, Path(tmp) / "direct" / pdf.stem, cache=None)
            except Exception:  # noqa: BLE001 - same input errors as the batch
                pass
            in_process[pdf.stem] = time.perf_counter() - t
        overheads = [seconds[s] - in_process[s] for s in seconds if s in in_process]
        print(
            f"papermill overhead per department: mean {statistics.mean(overheads):.2f} s, "
            f"median {statistics.median(overheads):.2f} s, max {max(overheads):.2f} s (target < 3 s; the "
            f"first department of each worker also waits for the worker's kernel template to start)"
        )
        steady = jobs * 3600 / statistics.mean(seconds.values())
        print(f"steady state: {jobs} x 3600 s / mean seconds per department = {steady:.0f} reports/hour")
        peak = max(o.peak_rss_mb for o in result.outcomes.values())
        print(f"peak memory of one process (worker, kernel template or kernel): {peak:.0f} MB")
        if memory:
            print(
                f"peak memory per worker (worker + kernel template + kernel, PSS): {memory.peak_mb:.0f} MB "
                f"(target < 500 MB)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
