"""Fuzz run: the command line on >= 1,000 seeded mutations of the sample and real PDFs, and every bomb.

Why: an unattended batch reads files from anywhere; whatever the bytes, `auditlib extract` must
end in exit 0 (read) or exit 3 with exactly one `auditlib: <file>: <cause>` line, leave nothing in
--out on exit 3, stop within --timeout (plus a few seconds), and keep the memory of its whole
process tree bounded. This harness measures all of that per file and classifies what breaks it.

    python benchmarks/fuzz.py --variants 1000 --seed auditlib-fuzz-1 --jobs 2 --report fuzz.json
    python benchmarks/fuzz.py --quick          # a slice: 24 variants and every bomb on the small sample

Variant i is ``hostile.mutate`` of source ``i mod len(sources)`` with ``random.Random(f"{seed}-{i}")``,
so any case is rebuilt from (seed, i) alone; the inputs of failing cases are kept under --work.
Bombs (``hostile.BOMBS``) are built from the small sample and from a real report.

Per case: exit code, wall time, peak resident memory of the whole process tree (psutil, polled
every 50 ms: a short peak between two polls can be missed), and problems: ``traceback`` (on
stderr), ``exit N`` (anything but 0 or 3, a signal included), ``stderr not one line`` (on exit 3),
``past timeout`` (wall time over --timeout + 5 s), ``output left`` (--out exists after exit 3),
``killed by the harness`` (no end within --timeout + --grace s). Prints a summary (counts by
outcome, by cause of exit 3 and by problem, the 5 slowest, the 5 largest) and writes it, with
every case, as JSON to --report. Exit status 0 when no case has a problem, else 1.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "data" / "raw" / "sample-wuhan-small-2024.pdf"
REAL = ROOT / "tests" / "fixtures" / "real" / "shanghai-putuo-planning-resources-bureau-2024.pdf"
OVER_TIMEOUT = 5.0  # seconds past --timeout that still count as "stopped in time"


@dataclass
class Case:
    name: str
    source: str
    how: str
    path: str
    exit: int | None = None
    seconds: float = 0.0
    peak_mb: float = 0.0
    cause: str = ""
    problems: list[str] = field(default_factory=list)
    stderr_tail: str = ""


def sources() -> list[Path]:
    raw = sorted((ROOT / "data" / "raw").glob("*.pdf")) + sorted((ROOT / "data" / "raw" / "mutants").glob("*.pdf"))
    return raw + sorted((ROOT / "tests" / "fixtures" / "real").glob("*.pdf"))


def build_cases(work: Path, variants: int, seed: str, bombs: bool, quick: bool) -> list[Case]:
    from auditlib.samples import hostile

    inputs = work / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []
    pool = sources()
    data = {p: p.read_bytes() for p in pool}
    for i in range(variants):
        src = pool[i % len(pool)]
        mutated, how = hostile.mutate(data[src], random.Random(f"{seed}-{i}"))
        path = inputs / f"v{i:04d}-{src.stem[:40]}.pdf"
        path.write_bytes(mutated)
        cases.append(Case(f"v{i:04d}", src.name, how, str(path)))
    if bombs:
        cache = hostile.default_cache()
        bases = [SMALL] if quick else [SMALL, REAL]
        for base in bases:
            for name in hostile.BOMBS:
                path = hostile.build_bomb(name, base, inputs / f"bomb-{name}-{base.stem[:30]}.pdf", cache=cache)
                cases.append(Case(f"bomb-{name}-{base.stem[:12]}", base.name, f"bomb {name}", str(path)))
    return cases


def _tree_rss(proc) -> int:
    """Resident memory of a process and all its descendants, in bytes (0 for those gone)."""
    import psutil

    total = 0
    try:
        members = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_case(case: Case, work: Path, command: list[str], timeout: float, grace: float) -> Case:
    import psutil

    out = work / "out" / case.name
    shutil.rmtree(out, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    err_path = work / "stderr" / f"{case.name}.txt"
    err_path.parent.mkdir(parents=True, exist_ok=True)
    args = [*command, case.path, "--out", str(out), "--timeout", f"{timeout:g}", "--no-cache"]
    started = time.monotonic()
    peak = 0
    killed = False
    with err_path.open("wb") as err:
        popen = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT, start_new_session=True
        )  # its own process group: the harness can end the whole tree
        try:
            proc = psutil.Process(popen.pid)
        except psutil.Error:
            proc = None
        while popen.poll() is None:
            if proc is not None:
                peak = max(peak, _tree_rss(proc))
            if time.monotonic() - started > timeout + grace:
                killed = True
                try:
                    os.killpg(popen.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                popen.wait()
                break
            time.sleep(0.05)
    case.seconds = round(time.monotonic() - started, 2)
    case.peak_mb = round(peak / 2**20, 1)
    case.exit = popen.returncode
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    case.stderr_tail = stderr[-1500:]
    classify(case, stderr, out, timeout, killed)
    if not case.problems:
        err_path.unlink()
    return case


def classify(case: Case, stderr: str, out: Path, timeout: float, killed: bool) -> None:
    if killed:
        case.problems.append("killed by the harness")
    if "Traceback" in stderr:
        case.problems.append("traceback")
    if case.exit not in (0, 3) and not killed:
        case.problems.append(f"exit {case.exit}" if (case.exit or 0) >= 0 else f"signal {-(case.exit or 0)}")
    if case.seconds > timeout + OVER_TIMEOUT:
        case.problems.append("past timeout")
    if case.exit == 3:
        lines = stderr.splitlines()
        prefix = f"auditlib: {case.path}: "
        if len(lines) != 1 or not lines[0].startswith(prefix):
            case.problems.append("stderr not one line")
        else:
            case.cause = lines[0][len(prefix) :]
        if out.exists():
            case.problems.append("output left")


def cause_kind(cause: str) -> str:
    """A cause without its particulars (numbers, PDFium's detail), to count alike causes together."""
    kind = cause.split(" (")[0]
    return re.sub(r"\d+(\.\d+)?", "N", kind).strip()


def summarise(cases: list[Case], args: argparse.Namespace, seconds: float) -> dict:
    outcomes = Counter("killed" if "killed by the harness" in c.problems else f"exit {c.exit}" for c in cases)
    causes = Counter(cause_kind(c.cause) for c in cases if c.cause)
    problems = Counter(p for c in cases for p in c.problems)
    slowest = sorted(cases, key=lambda c: -c.seconds)[:5]
    largest = sorted(cases, key=lambda c: -c.peak_mb)[:5]
    return {
        "seed": args.seed,
        "variants": args.variants,
        "bombs": sum(1 for c in cases if c.name.startswith("bomb-")),
        "timeout": args.timeout,
        "jobs": args.jobs,
        "wall_seconds": round(seconds, 1),
        "outcomes": dict(outcomes.most_common()),
        "causes": dict(causes.most_common()),
        "problems": dict(problems.most_common()),
        "cases_with_problems": [c.name for c in cases if c.problems],
        "slowest": [{"case": c.name, "how": c.how, "seconds": c.seconds, "exit": c.exit} for c in slowest],
        "largest": [{"case": c.name, "how": c.how, "peak_mb": c.peak_mb, "exit": c.exit} for c in largest],
        "peak_mb_max": max((c.peak_mb for c in cases), default=0.0),
    }


def print_summary(summary: dict, cases: list[Case]) -> None:
    print(
        f"fuzz: {len(cases)} cases ({summary['variants']} variants, {summary['bombs']} bombs), seed "
        f"{summary['seed']!r}, --timeout {summary['timeout']:g}, {summary['jobs']} jobs, {summary['wall_seconds']} s"
    )
    print("outcome                      count")
    for k, n in summary["outcomes"].items():
        print(f"  {k:<26} {n:>5}")
    print("cause of exit 3              count")
    for k, n in summary["causes"].items():
        print(f"  {k[:60]:<60} {n:>5}")
    print("problem                      count")
    for k, n in summary["problems"].items() or {"none": 0}.items():
        print(f"  {k:<26} {n:>5}")
    print("slowest:")
    for row in summary["slowest"]:
        print(f"  {row['case']:<40} {row['seconds']:>7.1f} s  exit {row['exit']}  ({row['how'][:50]})")
    print("largest (peak memory of the process tree):")
    for row in summary["largest"]:
        print(f"  {row['case']:<40} {row['peak_mb']:>7.0f} MB exit {row['exit']}  ({row['how'][:50]})")
    bad = [c for c in cases if c.problems]
    for c in bad[:20]:
        print(f"PROBLEM {c.name} ({c.how}): {', '.join(c.problems)}; input {c.path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=1000)
    parser.add_argument("--seed", default="auditlib-fuzz-1")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=30.0, help="--timeout given to auditlib")
    parser.add_argument("--grace", type=float, default=90.0, help="seconds past --timeout before the harness kills")
    parser.add_argument("--report", type=Path, help="write the summary and every case as JSON here")
    parser.add_argument("--work", type=Path, help="inputs, outputs, stderr of failing cases (default: a temp dir)")
    parser.add_argument("--no-bombs", action="store_true")
    parser.add_argument("--quick", action="store_true", help="a slice: 24 variants, bombs on the small sample")
    parser.add_argument(
        "--command",
        default=f"{sys.executable} -m auditlib.cli extract",
        help="the command under test; the PDF, --out, --timeout and --no-cache are appended",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.variants = min(args.variants, 24)
    work = args.work or Path(tempfile.mkdtemp(prefix="auditlib-fuzz-"))
    work.mkdir(parents=True, exist_ok=True)
    cases = build_cases(work, args.variants, args.seed, not args.no_bombs, args.quick)
    command = args.command.split()
    started = time.monotonic()
    done = 0
    lock = threading.Lock()

    def one(case: Case) -> Case:
        nonlocal done
        run_case(case, work, command, args.timeout, args.grace)
        with lock:
            done += 1
            if case.problems or done % 50 == 0:
                print(f"[{done}/{len(cases)}] {case.name} exit {case.exit} {case.seconds} s {case.problems or ''}")
                sys.stdout.flush()
        return case

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        list(pool.map(one, cases))
    summary = summarise(cases, args, time.monotonic() - started)
    print_summary(summary, cases)
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        doc = {"summary": summary, "cases": [asdict(c) for c in cases]}
        args.report.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    # Inputs of passing cases are not worth keeping; failing ones are named in the report.
    for c in cases:
        if not c.problems:
            Path(c.path).unlink(missing_ok=True)
    shutil.rmtree(work / "out", ignore_errors=True)
    if not args.work and not summary["problems"]:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if summary["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
