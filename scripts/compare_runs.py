"""Prove a restructuring changed no output: run the corpus before and after, compare the files.

Why: a refactoring is only safe when every file the tool writes for every document is the same,
byte for byte, before and after. This script prepares one fixed input folder (the sample corpus,
its mutants, the rule-suite mutants rendered once, and the real PDFs), runs every command that
writes files over it, and compares two such runs.

    python scripts/compare_runs.py prepare INPUTS          # once, with the code before the change
    python scripts/compare_runs.py run INPUTS RUN_BEFORE   # with the code before the change
    python scripts/compare_runs.py run INPUTS RUN_AFTER    # with the code after the change
    python scripts/compare_runs.py compare RUN_BEFORE RUN_AFTER [--ignore GLOB ...]

`run` writes `batch/` (auditlib batch over INPUTS), `audit/<stem>/` and `extract/<stem>/` (one
per PDF). Files that record timings are compared without them: the executed notebooks
(`*.ipynb`) are skipped, `started` and `seconds` are dropped from manifest.json, and the `seconds`
column from summary.csv. `compare` prints every file that differs, is missing or is new, and exits
1 when there is any.
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Every run writes here first, so absolute paths inside outputs are the same for both runs.
WORK = Path(tempfile.gettempdir()) / "auditlib-compare-run"
TIMING_FILES = ("*.ipynb",)


def _auditlib() -> list[str]:
    exe = Path(sys.executable).with_name("auditlib")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "auditlib.cli"]


def prepare(inputs: Path) -> None:
    """Copy the sample corpus and the real PDFs into INPUTS and render the rule-suite mutants."""
    import yaml

    from auditlib.samples.model import load_department
    from auditlib.samples.mutate import apply_mutations
    from auditlib.samples.render import render_pdf

    inputs.mkdir(parents=True, exist_ok=True)
    for pdf in sorted((ROOT / "data" / "raw").rglob("*.pdf")):
        dest = inputs / "samples" / pdf.relative_to(ROOT / "data" / "raw")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, dest)
    real = ROOT / "tests" / "fixtures" / "real"
    if not real.is_dir():
        real = ROOT.parent / "shared" / "real-pdfs"
    for pdf in sorted(real.glob("*.pdf")):
        dest = inputs / "real" / pdf.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, dest)
    suite = yaml.safe_load((ROOT / "tests" / "mutants" / "suite.yaml").read_text(encoding="utf-8"))
    for case in suite:
        source = load_department(ROOT / "samples" / "departments" / f"{case['source']}.yaml")
        dept, _records = apply_mutations(source, {"id": case["id"], "mutations": case["mutations"]})
        (inputs / "suite").mkdir(parents=True, exist_ok=True)
        render_pdf(dept, inputs / "suite" / f"{case['id']}.pdf")
    print(f"{sum(1 for _ in inputs.rglob('*.pdf'))} PDFs in {inputs}")


def run(inputs: Path, dest: Path) -> None:
    """Every command that writes files, over every PDF of INPUTS, into DEST."""
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    cache = WORK / "cache"
    env = {**os.environ, "AUDITLIB_CACHE": str(cache)}
    cmd = _auditlib()
    subprocess.run(
        [*cmd, "batch", str(inputs), "--out", str(WORK / "batch"), "--cache", str(cache)], env=env, check=False
    )
    for pdf in sorted(inputs.rglob("*.pdf")):
        name = f"{pdf.parent.name}-{pdf.stem}"
        for command in ("audit", "extract"):
            done = subprocess.run(
                [*cmd, command, str(pdf), "--out", str(WORK / command / name), "--no-cache"],
                env=env,
                check=False,
                capture_output=True,
                text=True,
            )
            (WORK / command).mkdir(parents=True, exist_ok=True)
            (WORK / command / f"{name}.status").write_text(f"{done.returncode}\n{done.stderr}", encoding="utf-8")
    shutil.rmtree(cache, ignore_errors=True)
    if dest.exists():
        shutil.rmtree(dest)
    shutil.move(str(WORK), str(dest))
    print(f"run written to {dest}")


def _without_timings(rel: str, data: bytes) -> bytes:
    if rel.endswith("manifest.json"):
        doc = json.loads(data)
        for entry in doc.get("departments", {}).values():
            entry.pop("started", None)
            entry.pop("seconds", None)
        return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1).encode()
    if rel.endswith("summary.csv"):
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        if rows and "seconds" in rows[0]:
            k = rows[0].index("seconds")
            rows = [r[:k] + r[k + 1 :] for r in rows]
        return "\n".join(",".join(r) for r in rows).encode()
    return data


def _files(top: Path, ignore: list[str]) -> dict[str, Path]:
    out = {}
    for path in top.rglob("*"):
        rel = path.relative_to(top).as_posix()
        if path.is_file() and not any(
            fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(path.name, g) for g in [*TIMING_FILES, *ignore]
        ):
            out[rel] = path
    return out


def compare(before: Path, after: Path, ignore: list[str]) -> int:
    a, b = _files(before, ignore), _files(after, ignore)
    problems = [f"only before: {rel}" for rel in sorted(a.keys() - b.keys())]
    problems += [f"only after:  {rel}" for rel in sorted(b.keys() - a.keys())]
    for rel in sorted(a.keys() & b.keys()):
        if _without_timings(rel, a[rel].read_bytes()) != _without_timings(rel, b[rel].read_bytes()):
            problems.append(f"differs:     {rel}")
    for line in problems:
        print(line)
    print(f"{len(a.keys() & b.keys())} files compared, {len(problems)} differences")
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("prepare").add_argument("inputs", type=Path)
    p = sub.add_parser("run")
    p.add_argument("inputs", type=Path)
    p.add_argument("dest", type=Path)
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    c.add_argument("--ignore", action="append", default=[], help="glob of files to leave out (repeatable)")
    args = parser.parse_args()
    if args.cmd == "prepare":
        prepare(args.inputs)
        return 0
    if args.cmd == "run":
        run(args.inputs, args.dest)
        return 0
    return compare(args.before, args.after, args.ignore)


if __name__ == "__main__":
    raise SystemExit(main())
