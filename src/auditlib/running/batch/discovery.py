"""Which PDFs a batch audits, and the folder name (slug) each one gets.

Why slugs come from file names only: a name read from inside a PDF is input from a stranger and must
never become a path; the slug rule below cannot leave OUT_DIR.

Why slugs are short: a slug becomes a folder name and, with a prefix and a suffix, the names of the
staging folders beside it (``.<slug>.stage-XXXXXXXX``, ``.<slug>.failed-<pid>``); a file name may
hold at most 255 bytes (NAME_MAX, UTF-8: a Chinese character is 3). A slug longer than
``SLUG_MAX_BYTES`` keeps a readable prefix (whole characters) and gets the hash suffix that clashing
stems get, so every derived name fits with room to spare.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

#: Longest slug in UTF-8 bytes, hash suffix included; the longest name derived from a slug adds 16
#: bytes (``.<slug>.failed-<pid>``), far below NAME_MAX (255).
SLUG_MAX_BYTES = 100
#: ``-`` and 8 hex digits of sha256(relative path).
_SUFFIX_BYTES = 9


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


def _prefix(text: str, limit: int) -> str:
    """The longest prefix of ``text`` (whole characters) of at most ``limit`` UTF-8 bytes."""
    data = text.encode("utf-8")[:limit]
    return data.decode("utf-8", errors="ignore")


def _suffixed(stem: str, rel: str) -> str:
    """``stem`` (cut to fit) with ``-`` and 8 hex digits of sha256(rel) appended."""
    head = _prefix(stem, SLUG_MAX_BYTES - _SUFFIX_BYTES)
    return f"{head}-{hashlib.sha256(rel.encode('utf-8')).hexdigest()[:8]}"


@dataclass(frozen=True)
class Job:
    slug: str
    pdf: Path  # absolute
    rel: str  # path relative to IN_DIR (posix)


def discover(in_dir: Path) -> list[Job]:
    """Every *.pdf under IN_DIR (recursive, sorted by path) with its slug.

    The slug is the lower-cased stem with each run of characters other than
    letters, digits, '-' and '_' replaced by '_'. Stems that clash (or the stem
    'portfolio') get '-' and 8 hex digits of sha256(relative path) appended; so
    does a stem longer than SLUG_MAX_BYTES (UTF-8) bytes, cut first to its longest
    prefix of whole characters that leaves room for the suffix.
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
        if counts[stem] > 1 or stem == "portfolio" or len(stem.encode("utf-8")) > SLUG_MAX_BYTES:
            slug = _suffixed(stem, rel)
        jobs.append(Job(slug, pdf, rel))
    return jobs


def sha256_file(path: Path) -> str:
    from auditlib.reading.pdf import sha256_of

    return sha256_of(path)
