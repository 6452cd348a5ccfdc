"""Which PDFs a batch audits, and the folder name (slug) each one gets.

Why slugs come from file names only: a name read from inside a PDF is input from a stranger and must
never become a path; the slug rule below cannot leave OUT_DIR.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


def _slug_stem(stem: str) -> str:
    out, run = [], False
    for ch in stem.lower():
        if ch.isalnum() or ch in "-_":
            out.append(ch)
            run = False
        elif not run:
            out.append("_")
            run = True
    return "".join(out) or "_"


@dataclass(frozen=True)
class Job:
    slug: str
    pdf: Path  # absolute
    rel: str  # path relative to IN_DIR (posix)


def discover(in_dir: Path) -> list[Job]:
    """Every *.pdf under IN_DIR (recursive, sorted by path) with its slug.

    The slug is the lower-cased stem with each run of characters other than
    letters, digits, '-' and '_' replaced by '_'. Stems that clash (or the stem
    'portfolio') get '-' and 8 hex digits of sha256(relative path) appended.
    Names read from inside a PDF never make paths.
    """
    in_dir = in_dir.resolve()
    pdfs = sorted(p for p in in_dir.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
    rels = [p.relative_to(in_dir).as_posix() for p in pdfs]
    stems = [_slug_stem(Path(r).stem) for r in rels]
    counts: dict[str, int] = {}
    for s in stems:
        counts[s] = counts.get(s, 0) + 1
    jobs = []
    for pdf, rel, stem in zip(pdfs, rels, stems):
        slug = stem
        if counts[stem] > 1 or stem == "portfolio":
            slug = f"{stem}-{hashlib.sha256(rel.encode('utf-8')).hexdigest()[:8]}"
        jobs.append(Job(slug, pdf, rel))
    return jobs


def sha256_file(path: Path) -> str:
    from auditlib.reading.pdf import sha256_of

    return sha256_of(path)
