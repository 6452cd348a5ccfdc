"""The ``auditlib`` command line (docs/contract.md section 1, and the README).

Exit status: 0 the work ran; 1 internal error; 2 usage error; 3 input that
cannot be audited. Errors about input are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from auditlib import __version__

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_INPUT = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 with one line
        self.print_usage(sys.stderr)
        sys.stderr.write(f"auditlib: {message}\n")
        raise SystemExit(EXIT_USAGE)


#: The sample generator's own dependency, not needed to audit (the ``samples`` extra).
SAMPLES_EXTRA = "the sample generator needs reportlab: pip install 'auditlib[samples]'"


def _generator_missing() -> bool:
    """True (and the one line said) when the sample generator's extra is not installed."""
    try:
        import reportlab  # noqa: F401
    except ModuleNotFoundError:
        sys.stderr.write(f"auditlib: {SAMPLES_EXTRA}\n")
        return True
    return False


def _cmd_samples(args: argparse.Namespace) -> int:
    if _generator_missing():
        return EXIT_USAGE
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
    if _generator_missing():
        return EXIT_USAGE
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
    from auditlib.reading.pdf import InputError, classify_pages, read_text
    from auditlib.reading.pipeline import DEFAULT_TIMEOUT
    from auditlib.running.read_guard import guarded
    from auditlib.running.sandbox import Limits

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
            text = guarded(Limits(timeout=DEFAULT_TIMEOUT), read_text, path)
        except InputError as exc:
            sys.stderr.write(f"auditlib: {path}: {exc}\n")
            status = EXIT_INPUT
            continue
        found = classify_pages(text.pages)
        where = ", ".join(f"{tid} p{'/'.join(map(str, pages))}" for tid, pages in found.items())
        print(f"{path}: {text.page_count} pages; {len(found)}/9 tables: {where}")
    return status


def _add_input_options(p: argparse.ArgumentParser) -> None:
    import math

    from auditlib.reading.pipeline import DEFAULT_MAX_PAGES, DEFAULT_TIMEOUT
    from auditlib.running.sandbox import DEFAULT_MAX_MEMORY_MB, MIN_MAX_MEMORY_MB

    def pages(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < 1:
            raise argparse.ArgumentTypeError("must be at least 1")
        return value

    def seconds(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not math.isfinite(value) or value <= 0:
            raise argparse.ArgumentTypeError("must be a positive number of seconds")
        return value

    p.add_argument("--password", default=None, help="password of an encrypted PDF")
    p.add_argument(
        "--max-pages",
        type=pages,
        default=DEFAULT_MAX_PAGES,
        metavar="N",
        help=f"refuse documents with more pages, before reading them (default {DEFAULT_MAX_PAGES})",
    )
    p.add_argument(
        "--timeout",
        type=seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"stop a document that takes longer (default {DEFAULT_TIMEOUT:g})",
    )

    def megabytes(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number of MB: {text!r}") from None
        if value < MIN_MAX_MEMORY_MB:
            raise argparse.ArgumentTypeError(f"must be at least {MIN_MAX_MEMORY_MB} (MB)")
        return value

    p.add_argument(
        "--max-memory",
        type=megabytes,
        default=DEFAULT_MAX_MEMORY_MB,
        metavar="MB",
        help=f"stop reading a document whose reading holds more memory (default {DEFAULT_MAX_MEMORY_MB})",
    )
    p.add_argument(
        "--cache",
        default=os.environ.get("AUDITLIB_CACHE", "data/processed/.cache"),
        metavar="DIR",
        help="extraction cache (default data/processed/.cache, or $AUDITLIB_CACHE)",
    )
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")


def _read_for_cli(args: argparse.Namespace):
    """read_report with the shared options, the hard timeout and the error mapping of every path
    (auditlib.running.read_guard); InputError is left to the caller (one line and exit 3)."""
    import math

    from auditlib.running.read_guard import read_guarded

    if args.max_pages is not None and args.max_pages < 1:
        raise _Usage("--max-pages must be at least 1")
    if args.timeout is not None and not (math.isfinite(args.timeout) and args.timeout > 0):
        raise _Usage("--timeout must be a positive number of seconds")
    return read_guarded(
        args.pdf,
        password=args.password,
        max_pages=args.max_pages,
        timeout=args.timeout,
        cache=None if args.no_cache else args.cache,
        max_memory=args.max_memory,
    )


class _Usage(Exception):
    pass


def _read_document(args: argparse.Namespace):
    """The Report for extract and audit, or the exit status when there is none.

    Usage problems exit 2; input that cannot be audited exits 3 with one line
    naming the file and the cause, and leaves nothing of an earlier run in DIR.
    """
    from auditlib.outputs.files import clear_previous
    from auditlib.reading.pdf import InputError
    from auditlib.running.read_guard import cause_of

    pdf = Path(args.pdf)
    if not pdf.exists():
        sys.stderr.write(f"auditlib: {args.pdf}: no such file\n")
        return EXIT_USAGE
    if pdf.is_dir():
        sys.stderr.write(f"auditlib: {args.pdf}: a folder, not a PDF file\n")
        return EXIT_USAGE
    out = Path(args.out)
    created = not out.exists()
    try:
        return _read_for_cli(args)
    except _Usage as exc:
        sys.stderr.write(f"auditlib: {exc}\n")
        return EXIT_USAGE
    except InputError as exc:
        try:
            clear_previous(out, created)
        except OSError:  # a read-only or vanished DIR: its earlier outputs stay, the cause is the input
            pass
        sys.stderr.write(f"auditlib: {_one_line_name(args.pdf)}: {cause_of(exc)}\n")
        return EXIT_INPUT
    except OSError as exc:  # the cache on a full or read-only filesystem
        from auditlib.outputs.files import write_fault

        cause = write_fault(exc)
        if cause is None or args.no_cache:
            raise
        sys.stderr.write(f"auditlib: {_one_line_name(args.cache)}: cannot write ({cause})\n")
        return EXIT_USAGE


def _one_line_name(name: str) -> str:
    """A file name as given, on one line whatever it holds."""
    return name.replace("\r", "\\r").replace("\n", "\\n")


def _publish(files, out: Path, given: str) -> bool:
    """Publish ``files`` into ``out``; on a full or read-only filesystem one line (exit 2 for the
    caller), the earlier outputs untouched and no folder this run created left behind."""
    from auditlib.outputs.files import missing_root, remove_empty, write_fault

    created = missing_root(out)
    try:
        files.publish(out)
    except OSError as exc:
        cause = write_fault(exc)
        if cause is None:
            raise
        remove_empty(out, created)
        sys.stderr.write(f"auditlib: {_one_line_name(given)}: cannot write ({cause})\n")
        return False
    return True


def _cmd_extract(args: argparse.Namespace) -> int:
    from auditlib.outputs.report_files import extraction_files

    report = _read_document(args)
    if isinstance(report, int):
        return report
    out = Path(args.out)
    if not _publish(extraction_files(report), out, args.out):
        return EXIT_USAGE
    print(f"{args.pdf}: {report.department or '?'} {report.year or '?'}: {len(report.tables)}/9 tables -> {out}")
    return EXIT_OK


def _cmd_audit(args: argparse.Namespace) -> int:
    from auditlib.running.audit_run import audit_output
    from auditlib.running.rule_failures import internal_cause, internal_of_result

    report = _read_document(args)
    if isinstance(report, int):
        return report
    out = Path(args.out)
    files, result = audit_output(report)
    if not _publish(files, out, args.out):
        return EXIT_USAGE
    print(
        f"{args.pdf}: {report.department or '?'} {report.year or '?'}: "
        f"{result.count('error')} errors, {result.count('warning')} warnings, {result.count('info')} rounding notes -> {out}"
    )
    if result.internal:  # the outputs are kept (the other rules' findings), the audit is incomplete
        sys.stderr.write(f"auditlib: {_one_line_name(args.pdf)}: {internal_cause(internal_of_result(result))}\n")
        return EXIT_INTERNAL
    return EXIT_OK


def _cmd_rules(args: argparse.Namespace) -> int:
    from auditlib.rules.registry import catalogue_markdown, catalogue_text

    sys.stdout.write(catalogue_markdown() if args.markdown else catalogue_text())
    return EXIT_OK


def _cmd_batch(args: argparse.Namespace) -> int:
    from auditlib.running.batch import (
        BatchOutputError,
        BatchSetupError,
        Options,
        check_scheduler,
        discover,
        run_batch,
    )

    in_dir = Path(args.in_dir)
    if not in_dir.is_dir():
        sys.stderr.write(f"auditlib: {args.in_dir}: no such folder\n")
        return EXIT_USAGE
    if not discover(in_dir):
        sys.stderr.write(f"auditlib: {args.in_dir}: no PDF found\n")
        return EXIT_USAGE
    if args.jobs is not None and args.jobs < 1:
        sys.stderr.write("auditlib: --jobs must be at least 1\n")
        return EXIT_USAGE
    executor = "local"
    if args.scheduler is not None:
        try:  # a malformed address or a scheduler that does not answer: one line, exit 2, nothing written
            check_scheduler(args.scheduler)
        except BatchSetupError as exc:
            sys.stderr.write(f"auditlib: {exc}\n")
            return EXIT_USAGE
        executor = "dask"
    options = Options(
        password=args.password,
        max_pages=args.max_pages,
        timeout=args.timeout,
        cache=None if args.no_cache else args.cache,
        max_memory=args.max_memory,
    )
    out = Path(args.out)
    try:
        result = run_batch(
            in_dir, out, options, jobs=args.jobs, executor=executor, scheduler=args.scheduler, progress=not args.quiet
        )
    except BatchSetupError as exc:  # the workers cannot do the work (e.g. cannot read an input): exit 2
        sys.stderr.write(f"auditlib: {exc}\n")
        return EXIT_USAGE
    except BatchOutputError as exc:  # another batch runs into OUT_DIR, or it is full or read-only: exit 2
        sys.stderr.write(f"auditlib: {_one_line_name(args.out)}: {exc}\n")
        return EXIT_USAGE
    counts: dict[str, int] = {}
    for o in result.outcomes.values():
        counts[o.status] = counts.get(o.status, 0) + 1
    for slug, o in sorted(result.outcomes.items()):
        if o.status.startswith("failed"):
            cell = f" (cell {o.failing_cell})" if o.failing_cell is not None else ""
            sys.stderr.write(f"auditlib: {slug}: {o.status}{cell}: {o.cause}\n")
    parts = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    print(
        f"auditlib batch: {len(result.outcomes)} departments: {parts} -> {out} "
        f"(open {out / 'portfolio' / 'portfolio.html'})"
    )
    return result.exit_status


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="auditlib", description="Audit departmental final accounts (部门决算).")
    parser.add_argument("--version", action="version", version=f"auditlib {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("samples", help="render the sample corpus (data/raw, samples/truth)")
    p.add_argument("--root", default=".", help="project root (default: current folder)")
    p.set_defaults(func=_cmd_samples)

    p = sub.add_parser("extract", help="read a report; write its tables, narrative and report.json into DIR")
    p.add_argument("pdf", metavar="PDF")
    p.add_argument("--out", required=True, metavar="DIR")
    _add_input_options(p)
    p.set_defaults(func=_cmd_extract)

    p = sub.add_parser("audit", help="extract (or reuse the cache) and run every rule; write findings into DIR")
    p.add_argument("pdf", metavar="PDF")
    p.add_argument("--out", required=True, metavar="DIR")
    _add_input_options(p)
    p.set_defaults(func=_cmd_audit)

    p = sub.add_parser("batch", help="audit every PDF under IN_DIR with the department notebook (papermill)")
    p.add_argument("in_dir", metavar="IN_DIR")
    p.add_argument("--out", required=True, metavar="OUT_DIR")
    p.add_argument("--jobs", type=int, default=None, metavar="N", help="worker processes (default: all cores)")
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run on Dask: tcp://HOST:PORT or local:N (needs the dask extra)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_input_options(p)
    p.set_defaults(func=_cmd_batch)

    p = sub.add_parser("rules", help="print the rule catalogue")
    p.add_argument("--markdown", action="store_true", help="as Markdown (docs/rules.md)")
    p.set_defaults(func=_cmd_rules)

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
