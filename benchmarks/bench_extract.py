"""Benchmark: auditlib.read_report (cold cache) against plain camelot.read_pdf(pages="all").

Both run in this one process on the same PDFs (the three real reports committed in
tests/fixtures/real), Camelot imported once before timing.
Prints one line per figure; the last line is the overall ratio.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    import camelot

    from auditlib.reading.pipeline import read_report

    pdfs = sorted((ROOT / "tests" / "fixtures" / "real").glob("*.pdf"))
    if not pdfs:
        print("bench_extract: no PDF to measure", file=sys.stderr)
        return 2
    total_ours = total_plain = 0.0
    for pdf in pdfs:
        pdf.read_bytes()  # the file in the OS cache for both
        start = time.perf_counter()
        report = read_report(pdf, cache=None)
        ours = time.perf_counter() - start
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            tables = camelot.read_pdf(str(pdf), pages="all", suppress_stdout=True)
            plain = time.perf_counter() - start
        total_ours += ours
        total_plain += plain
        print(
            f"extract {pdf.name}: read_report {ours:.2f} s ({len(report.tables)}/9 tables), "
            f"camelot.read_pdf(pages='all') {plain:.2f} s ({len(tables)} tables), ratio {plain / ours:.1f}x"
        )
    print(
        f"extract total: read_report {total_ours:.2f} s, camelot.read_pdf {total_plain:.2f} s, "
        f"speed-up {total_plain / total_ours:.1f}x (target >= 8x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
