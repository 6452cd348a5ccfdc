"""Benchmark: batch throughput on the sample corpus, local process pool against Dask.

Runs ``run_batch`` over ``data/raw`` (the sample departments and mutants, 11 PDFs) with a cold
cache (``--no-cache``) three times: the local pool with 2 workers, and ``--scheduler local:N``
(a LocalCluster of N single-threaded worker processes) with N = 1 and N = 2. Wall time covers
the departments and, for Dask, starting and stopping the cluster; the portfolio notebook (the
same fixed cost for every executor) is left out. Prints one line per figure: reports/hour for
each, and the scaling of the LocalCluster from 1 to 2 workers.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "raw"


def _run(label: str, out: Path, **how) -> tuple[float, dict[str, str]]:
    from auditlib.running.batch import Options, run_batch

    start = time.perf_counter()
    result = run_batch(CORPUS, out, Options(cache=None), progress=False, run_portfolio=False, **how)
    wall = time.perf_counter() - start
    n = len(result.outcomes)
    statuses = {slug: o.status for slug, o in result.outcomes.items()}
    audited = sum(1 for s in statuses.values() if s == "audited")
    print(f"{label}: {n} PDFs ({audited} audited) in {wall:.1f} s, {n / wall * 3600:.0f} reports/hour")
    return wall, statuses


def main() -> int:
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("dask benchmark skipped: distributed is not installed (pip install '.[dask]')")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        _wall, local = _run("local pool, 2 workers", base / "local", jobs=2)
        one, dask1 = _run("dask LocalCluster, 1 worker", base / "dask1", executor="dask", scheduler="local:1")
        two, dask2 = _run("dask LocalCluster, 2 workers", base / "dask2", executor="dask", scheduler="local:2")
        print(f"dask scaling 1 -> 2 workers: {one / two:.2f}x ({one / two / 2:.0%} parallel efficiency)")
        same = local == dask1 == dask2
        print(f"same statuses on every executor: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
