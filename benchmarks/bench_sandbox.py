"""Benchmark: what reading in a limited child costs (auditlib.running.sandbox).

Reads each real report committed in tests/fixtures/real and each sample PDF in data/raw twice per
round, once in this process (``read_report``) and once through ``read_guarded`` (a forked child with
the memory, wall-clock and CPU limits), alternating, for ``ROUNDS`` rounds; the best time of each is
kept (the machine's noise only ever adds). Also the fixed cost of one child running nothing.
The issue's target: reading a normal report costs no more than 10 % over in-process reading.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 3


def main() -> int:
    from auditlib.reading.pipeline import read_report
    from auditlib.running import sandbox
    from auditlib.running.read_guard import guarded, read_guarded

    if not sandbox.available():
        print("bench_sandbox: reading children need Linux fork; nothing to measure", file=sys.stderr)
        return 0
    pdfs = sorted((ROOT / "tests" / "fixtures" / "real").glob("*.pdf")) + sorted((ROOT / "data" / "raw").glob("*.pdf"))
    read_report(pdfs[0], cache=None)  # warm: imports and first-use caches, as in any long-lived process
    start = time.perf_counter()
    for _ in range(20):
        guarded(sandbox.Limits(timeout=60), len, "")
    fork_ms = (time.perf_counter() - start) / 20 * 1000
    print(f"sandbox fixed cost: {fork_ms:.1f} ms per child (fork, limits, result back, reap)")
    total_in = total_child = 0.0
    for pdf in pdfs:
        inside, child = [], []
        for _ in range(ROUNDS):
            t = time.perf_counter()
            read_report(pdf, cache=None)
            inside.append(time.perf_counter() - t)
            t = time.perf_counter()
            read_guarded(pdf, cache=None)
            child.append(time.perf_counter() - t)
        total_in += min(inside)
        total_child += min(child)
        print(
            f"sandbox {pdf.name}: in-process {min(inside):.2f} s, child {min(child):.2f} s "
            f"({(min(child) / min(inside) - 1) * 100:+.1f} %), child peak {sandbox.last_child.peak_rss_mb:.0f} MB"
        )
    print(
        f"sandbox total: in-process {total_in:.2f} s, child {total_child:.2f} s, "
        f"overhead {(total_child / total_in - 1) * 100:+.1f} % (target <= +10 %)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
