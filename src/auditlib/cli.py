"""The ``auditlib`` command line (see CONTRACT.md section 1 and the README).

Exit status: 0 the work ran; 1 internal error; 2 usage error; 3 input that
cannot be audited. Errors about input are one line on stderr, never a traceback.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from auditlib import __version__

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_INPUT = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 with one line
        self.print_usage(sys.stderr)
        sys.stderr.write(f"auditlib: {message}\n")
        raise SystemExit(EXIT_USAGE)


def _cmd_samples(args: argparse.Namespace) -> int:
    from auditlib.samples.build import build_corpus
    from auditlib.samples.render import FontMissing

    try:
        pdfs = build_corpus(Path(args.root))
    except FontMissing as exc:
        sys.stderr.write(f"auditlib: {exc}\n")
        return EXIT_USAGE
    for pdf in pdfs:
        print(pdf)
    print(f"{len(pdfs)} sample PDFs written", file=sys.stderr)
    return EXIT_OK


def _cmd_mutate(args: argparse.Namespace) -> int:
    from auditlib.samples.build import build_mutant, load_spec
    from auditlib.samples.mutate import MutationError

    spec_path = Path(args.spec)
    if not spec_path.exists():
        sys.stderr.write(f"auditlib: {args.spec}: no such file\n")
        return EXIT_USAGE
    out = Path(args.out)
    try:
        pdf = build_mutant(load_spec(spec_path), Path(args.departments), out, out)
    except (MutationError, FileNotFoundError) as exc:
        sys.stderr.write(f"auditlib: {args.spec}: {exc}\n")
        return EXIT_USAGE
    print(pdf)
    return EXIT_OK


def _cmd_inspect(args: argparse.Namespace) -> int:
    """Quick look: pages and table pages of each PDF (text layer only)."""
    from auditlib.pdf import InputError, classify_pages, read_text

    paths: list[Path] = []
    for given in args.paths:
        p = Path(given)
        if p.is_dir():
            paths += sorted(p.rglob("*.pdf"))
        elif p.exists():
            paths.append(p)
        else:
            sys.stderr.write(f"auditlib: {given}: no such file or folder\n")
            return EXIT_USAGE
    if not paths:
        sys.stderr.write("auditlib: no PDF found\n")
        return EXIT_USAGE
    status = EXIT_OK
    for path in paths:
        try:
            text = read_text(path)
        except InputError as exc:
            sys.stderr.write(f"auditlib: {path}: {exc}\n")
            status = EXIT_INPUT
            continue
        found = classify_pages(text.pages)
        where = ", ".join(f"{tid} p{'/'.join(map(str, pages))}" for tid, pages in found.items())
        print(f"{path}: {text.page_count} pages; {len(found)}/9 tables: {where}")
    return status


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="auditlib", description="Audit departmental final accounts (部门决算).")
    parser.add_argument("--version", action="version", version=f"auditlib {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("samples", help="render the sample corpus (data/raw, samples/truth)")
    p.add_argument("--root", default=".", help="project root (default: current folder)")
    p.set_defaults(func=_cmd_samples)

    p = sub.add_parser("inspect", help="list each PDF's pages and the tables found in its text layer")
    p.add_argument("paths", nargs="+", help="PDF files or folders (searched recursively)")
    p.set_defaults(func=_cmd_inspect)

    p = sub.add_parser("mutate", help="render a mutant PDF and its ground truth from a mutation spec")
    p.add_argument("spec", help="mutation spec (YAML)")
    p.add_argument("--out", required=True, help="folder for <id>.pdf and <id>.json")
    p.add_argument("--departments", default="samples/departments", help="folder of department descriptions")
    p.set_defaults(func=_cmd_mutate)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
