"""Measure the metamorphic corpus: layout-only transformations must not change the findings.

    python scripts/metamorphic.py [--out data/processed/metamorphic] [--seed S] [--jobs 2]
                                  [--kinds rewrap,font,...] [--report PATH]

Builds every transformed document of ``auditlib.samples.metamorphic.corpus`` (seeded: the same
seed gives byte-identical PDFs, whose sha256 the report records), audits each and its base
document (``read_report`` without cache, then ``rules.audit``), compares the findings of every
severity by ``metamorphic.finding_key``, prints the figure (documents, unchanged, changed with
the list of differences) and writes the JSON report (``<out>/report.json``: no timings, so two
runs give the same file). A title-layout document that renders byte-identical to its base (the
render option ``title_layout`` not yet in render.py) is counted as pending, not measured.
Exit status 1 when a document changed or could not be read.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from auditlib.samples import metamorphic as mm  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=str(ROOT))
    ap.add_argument("--out", default=str(ROOT / "data" / "processed" / "metamorphic"))
    ap.add_argument("--seed", default=mm.DEFAULT_SEED)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--kinds", default="", help="comma-separated kinds to build (default: all)")
    ap.add_argument("--report", default="", help="JSON report (default: <out>/report.json)")
    args = ap.parse_args(argv)
    out = Path(args.out)
    started = time.perf_counter()
    bases, variants = mm.corpus(Path(args.root), args.seed)
    if args.kinds:
        wanted = set(args.kinds.split(","))
        variants = [v for v in variants if v.kind in wanted]

    def progress(done: int, total: int) -> None:
        if done % 50 == 0:
            print(f"  {done}/{total} documents ({time.perf_counter() - started:.0f} s)", flush=True)

    base_results, rows = mm.measure(
        Path(args.root), out, args.seed, [v.id for v in variants], jobs=args.jobs, progress=progress
    )
    counts = Counter(r["status"] for r in rows)
    measured = [r for r in rows if r["status"] != "pending"]
    by_kind: dict[str, Counter[str]] = {}
    for r in rows:
        by_kind.setdefault(r["kind"], Counter())[r["status"]] += 1
    report = {
        "seed": args.seed,
        "documents": len(measured),
        "unchanged": counts["unchanged"],
        "allowed_order_warning": counts["allowed"],
        "changed": counts["changed"],
        "pending": counts["pending"],
        "by_kind": {k: dict(sorted(c.items())) for k, c in sorted(by_kind.items())},
        "bases": {b.id: base_results[b.id] for b in bases if b.id in base_results},
        "documents_list": rows,
    }
    path = Path(args.report) if args.report else out / "report.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8")

    seconds = time.perf_counter() - started
    print(
        f"metamorphic corpus (seed {args.seed}): {len(measured)} documents, "
        f"{counts['unchanged'] + counts['allowed']} unchanged "
        f"({counts['allowed']} of them with the one allowed order warning), {counts['changed']} changed"
        + (f"; {counts['pending']} pending (title layouts)" if counts["pending"] else "")
        + f"; {seconds:.0f} s on {args.jobs} processes"
    )
    print(f"{'kind':<18} {'documents':>9} {'unchanged':>9} {'changed':>7} {'pending':>7}")
    for kind, c in sorted(by_kind.items()):
        n = sum(c.values()) - c["pending"]
        print(f"{kind:<18} {n:>9} {c['unchanged'] + c['allowed']:>9} {c['changed']:>7} {c['pending']:>7}")
    for r in rows:
        if r["status"] != "changed":
            continue
        print(f"CHANGED {r['id']} {json.dumps(r['params'], ensure_ascii=False)}")
        if r.get("error"):
            print(f"    error: {r['error']}")
        for k in r.get("added", []):
            print(f"    + {k[1]} {k[0]} {k[2]}")
        for k in r.get("removed", []):
            print(f"    - {k[1]} {k[0]} {k[2]}")
    print(f"report: {path}")
    return 1 if counts["changed"] else 0


if __name__ == "__main__":
    sys.exit(main())
