"""Fuzzing the command line with corrupted copies of the committed sample PDFs.

Whatever the bytes, `auditlib audit` must end in exit 0 (audited) or 3 (cannot
be audited): never 1 or a traceback. On 3, stderr is exactly one line starting
with `auditlib: ` and --out does not exist.

Deterministic: iteration i uses `random.Random(f"{SEED}-{i}")`, so a failure is
reproduced by its iteration number alone (the failing input is also kept in
tmp_path and named in the assertion message). CI runs a dozen iterations; set
AUDITLIB_FUZZ_ITERATIONS for more (and AUDITLIB_FUZZ_SEED for other inputs).

A seeded ``random.Random`` rather than hypothesis: each example is a
subprocess of one to several seconds, so shrinking and hypothesis's own
example budget would cost minutes for little gain; the seed already makes
every case reproducible.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from auditlib.samples.hostile import BYTE_MUTATIONS

from conftest import RAW, ROOT

pytestmark = pytest.mark.slow  # fuzzing: the command line on corrupted PDFs

ITERATIONS = int(os.environ.get("AUDITLIB_FUZZ_ITERATIONS", "12"))
SEED = os.environ.get("AUDITLIB_FUZZ_SEED", "auditlib-fuzz-1")
SAMPLES = sorted(RAW.glob("*.pdf")) + sorted((RAW / "mutants").glob("*.pdf"))[:1]
DOCUMENT_TIMEOUT = 20  # --timeout given to auditlib
HARD_TIMEOUT = 120  # the subprocess itself: a hang is a failure, not a stuck test run


#: The byte-level mutations (auditlib.samples.hostile, shared with benchmarks/fuzz.py); their order
#: and their use of the random generator are part of the regression cases below.
MUTATIONS = BYTE_MUTATIONS


def corrupt(i: int, seed: str = SEED) -> tuple[Path, bytes, str]:
    """Iteration i's input: a sample and one or two mutations, from the seed alone."""
    rng = random.Random(f"{seed}-{i}")
    sample = SAMPLES[i % len(SAMPLES)]
    data = bytearray(sample.read_bytes())
    kinds = [MUTATIONS[i % len(MUTATIONS)]]
    if rng.random() < 0.3:
        kinds.append(rng.choice(MUTATIONS))
    done = [kind(data, rng) for kind in kinds]
    return sample, bytes(data), "; ".join(done)


def run_audit(pdf: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "auditlib.cli",
            "audit",
            str(pdf),
            "--out",
            str(out),
            "--no-cache",
            "--timeout",
            str(DOCUMENT_TIMEOUT),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=HARD_TIMEOUT,
    )


def check(done: subprocess.CompletedProcess, pdf: Path, out: Path) -> str | None:
    """None when the outcome keeps the contract, else what is wrong."""
    if done.returncode not in (0, 3):
        return f"exit {done.returncode}: {done.stderr[-2000:]}"
    if "Traceback" in done.stderr:
        return f"traceback on stderr: {done.stderr[-2000:]}"
    if done.returncode == 0:
        if not (out / "report.json").is_file() or not (out / "findings.json").is_file():
            return "exit 0 without report.json and findings.json"
        return None
    lines = done.stderr.splitlines()
    if len(lines) != 1 or not lines[0].startswith(f"auditlib: {pdf}: "):
        return f"stderr is not one line `auditlib: {pdf}: <cause>`: {done.stderr!r}"
    if out.exists():
        return f"exit 3 left {out}: {sorted(str(p.relative_to(out)) for p in out.rglob('*'))}"
    return None


def test_corrupted_samples_exit_0_or_3(tmp_path: Path):
    outcomes: Counter[str] = Counter()
    causes: Counter[str] = Counter()
    failures: list[str] = []
    for i in range(ITERATIONS):
        sample, data, how = corrupt(i)
        pdf = tmp_path / f"fuzz-{i:04d}-{sample.stem}.pdf"
        pdf.write_bytes(data)
        out = tmp_path / f"out-{i:04d}"
        try:
            done = run_audit(pdf, out)
        except subprocess.TimeoutExpired:
            failures.append(f"#{i} {sample.name} ({how}): no answer within {HARD_TIMEOUT} s; input kept at {pdf}")
            outcomes["hang"] += 1
            continue
        problem = check(done, pdf, out)
        outcomes[f"exit {done.returncode}"] += 1
        if done.returncode == 3 and not problem:
            causes[done.stderr.split(": ", 2)[-1].split(" (")[0].strip()] += 1
        if problem:
            failures.append(f"#{i} {sample.name} ({how}): {problem}; input kept at {pdf}")
        else:
            pdf.unlink()
    summary = (
        f"fuzz: {ITERATIONS} iterations (seed {SEED!r}): "
        + ", ".join(f"{k}: {n}" for k, n in sorted(outcomes.items()))
        + ("; causes of exit 3: " + ", ".join(f"{k} ×{n}" for k, n in causes.most_common()) if causes else "")
    )
    print(summary)
    assert sum(outcomes.values()) == ITERATIONS, summary
    assert not failures, summary + "\n" + "\n".join(failures)


#: Inputs that once broke the contract (seed, iteration): kept as regression cases.
#: ("auditlib-fuzz-1", 54): bit flips in a font gave control characters in the text
#: layer; a finding quoting them crashed the xlsx writer (exit 1).
REGRESSIONS = [("auditlib-fuzz-1", 54)]


def test_fuzz_regressions(tmp_path: Path):
    for seed, i in REGRESSIONS:
        sample, data, how = corrupt(i, seed)
        pdf = tmp_path / f"regression-{i}.pdf"
        pdf.write_bytes(data)
        out = tmp_path / f"out-{i}"
        done = run_audit(pdf, out)
        problem = check(done, pdf, out)
        assert problem is None, f"{seed} #{i} {sample.name} ({how}): {problem}"
