"""Prove a restructuring changed no output: run the corpus before and after, compare the files.

Why: a refactoring is only safe when every file the tool writes for every document is the same,
byte for byte, before and after. This script prepares one fixed input folder (the sample corpus,
its mutants, the rule-suite mutants rendered once, and the real PDFs), runs every command that
writes files over it, and compares two such runs.

    python scripts/compare_runs.py prepare INPUTS          # once, with the code before the change
    python scripts/compare_runs.py run INPUTS RUN_BEFORE   # with the code before the change
    python scripts/compare_runs.py run INPUTS RUN_AFTER    # with the code after the change
    python scripts/compare_runs.py compare RUN_BEFORE RUN_AFTER [--ignore GLOB ...]
    python scripts/compare_runs.py run INPUTS RUN_QUICK --quick       # audit only: the inner loop

`run` writes `batch/<folder>/` (auditlib batch over each folder of INPUTS), `audit/<stem>/` and `extract/<stem>/` (one
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
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
    for pdf in sorted((ROOT / "tests" / "fixtures" / "real").glob("*.pdf")):
        dest = inputs / "real" / pdf.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, dest)
    suite = yaml.safe_load((ROOT / "tests" / "mutants" / "suite.yaml").read_text(encoding="utf-8"))
    for k, case in enumerate(suite):
        source = load_department(ROOT / "samples" / "departments" / f"{case['source']}.yaml")
        dept, _records = apply_mutations(source, {"id": case["id"], "mutations": case["mutations"]})
        folder = inputs / ("suite-a" if k < len(suite) // 2 else "suite-b")
        folder.mkdir(parents=True, exist_ok=True)
        render_pdf(dept, folder / f"{case['id']}.pdf")
    print(f"{sum(1 for _ in inputs.rglob('*.pdf'))} PDFs in {inputs}")


def run(inputs: Path, dest: Path, quick: bool = False) -> None:
    """Every command that writes files, over every PDF of INPUTS, into DEST.

    ``quick``: only ``audit`` of each PDF (no batch, no extract): a few minutes instead of ten,
    for the inner loop; the full run is the proof.
    """
    work = dest.with_name(dest.name + ".work")  # no output records its folder (checked: only *.ipynb do)
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    cache = work / "cache"
    env = {**os.environ, "AUDITLIB_CACHE": str(cache)}
    cmd = _auditlib()
    for folder in sorted(p for p in inputs.iterdir() if p.is_dir() and not quick):
        subprocess.run(
            [*cmd, "batch", str(folder), "--out", str(work / "batch" / folder.name), "--cache", str(cache)],
            env=env,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    for pdf in sorted(inputs.rglob("*.pdf")):
        name = f"{pdf.parent.name}-{pdf.stem}"
        for command in ("audit",) if quick else ("audit", "extract"):
            done = subprocess.run(
                [*cmd, command, str(pdf), "--out", str(work / command / name), "--no-cache"],
                env=env,
                check=False,
                capture_output=True,
                text=True,
            )
            (work / command).mkdir(parents=True, exist_ok=True)
            (work / command / f"{name}.status").write_text(f"{done.returncode}\n{done.stderr}", encoding="utf-8")
    shutil.rmtree(cache, ignore_errors=True)
    if dest.exists():
        shutil.rmtree(dest)
    shutil.move(str(work), str(dest))
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
    p.add_argument("--quick", action="store_true", help="only audit each PDF (no batch, no extract)")
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    c.add_argument("--ignore", action="append", default=[], help="glob of files to leave out (repeatable)")
    args = parser.parse_args()
    if args.cmd == "prepare":
        prepare(args.inputs)
        return 0
    if args.cmd == "run":
        run(args.inputs, args.dest, args.quick)
        return 0
    return compare(args.before, args.after, args.ignore)


if __name__ == "__main__":
    raise SystemExit(main())
