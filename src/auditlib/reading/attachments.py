"""Performance self-evaluation attachments (绩效自评表).

Why: the attachments quote the year's budget and spending again (预算数 A,
执行数 B, 执行率 B/A) and are a frequent source of contradictions with the
tables. Each attachment is a ruled form that may run over pages; it is read as
one grid sequence, the budget lines and the indicator rows are recognised by
their header words (the profile's ``ATTACHMENTS`` vocabulary), and every
figure keeps its page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium

from auditlib.model.money import format_plain, parse_amount
from auditlib.model.text import squash
from auditlib.profiles.final_accounts import ATTACHMENTS as WORDS
from auditlib.reading.extract import RawTable, extract_grids, ruling_count

SELF_COLUMNS = [
    "row_type",
    "goal",
    "label",
    "level1",
    "level2",
    "level3",
    "budget",
    "actual",
    "rate",
    "target",
    "achieved",
    "page",
]
PROJECT_COLUMNS = ["project"] + SELF_COLUMNS

_TITLE = re.compile(WORDS.title)


def attachment_pages(pages: list[str], table_pages: set[int]) -> list[tuple[int, str, str]]:
    """(page, kind, title) of each attachment start, in page order."""
    starts = []
    for number, text in enumerate(pages, start=1):
        if number in table_pages:
            continue
        for line in text.splitlines():
            s = squash(line)
            s = re.sub(WORDS.numbering, "", s)
            if _TITLE.search(s) and len(s) <= 60 and not re.search(r"\d+$", s.replace(WORDS.title_word, "")):
                kind = "self_evaluation" if re.search(WORDS.whole, s) else "project_self_evaluation"
                if not starts or starts[-1][0] != number:
                    starts.append((number, kind, s))
                break
    return starts


def _plain(text: str) -> str:
    t = squash(text)
    try:
        value = parse_amount(t)
    except ValueError:
        return t
    return format_plain(value)


def _find(raw: RawTable, r: int, pattern: str) -> int | None:
    for c in range(raw.ncols):
        if re.search(pattern, squash(raw.text(r, c))):
            return c
    return None


def _record(project: str, row_type: str, page: int, **fields: Any) -> dict[str, Any]:
    """One attachment row with every column (blank unless given)."""
    rec: dict[str, Any] = {"project": project, "row_type": row_type}
    rec.update({c: "" for c in SELF_COLUMNS[1:-1]})
    rec.update(fields)
    rec["page"] = page
    return rec


class _FormReader:
    """Walks the rows of one attachment's grids, remembering which block (budget lines,
    indicators) the current row belongs to."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.project = ""
        self.goal = ""
        self.budget_cols: dict[str, int | None] | None = None
        self.indicator_cols: dict[str, int | None] | None = None

    def read_row(self, raw: RawTable, r: int) -> None:
        texts = [squash(raw.text(r, c)) for c in range(raw.ncols)]
        joined = "".join(texts)
        if self._totals(raw, texts) or self._headers(raw, r, texts, joined):
            return
        first = texts[0]
        if re.match(WORDS.goal, first):
            self.goal = first.rstrip(":：")
        elif re.match(WORDS.closing, first):
            self.budget_cols = self.indicator_cols = None
        elif self.budget_cols and self.budget_cols.get("budget") is not None:
            self._budget_line(raw, texts)
        elif self.indicator_cols and self.indicator_cols.get("level3") is not None:
            self._indicator(raw, r)

    def _totals(self, raw: RawTable, texts: list[str]) -> bool:
        """基本支出总额 | 项目支出总额 cells: the figure in the next non-empty cell."""
        quoted = [(c, t) for c, t in enumerate(texts) if re.fullmatch(WORDS.totals, t)]
        for c, label in quoted:
            value = next((t for t in texts[c + 1 :] if t), "")
            actual = _plain(re.sub(WORDS.unit_suffix, "", value))
            self.rows.append(_record(self.project, "total", raw.page, label=label, actual=actual))
        return bool(quoted)

    def _headers(self, raw: RawTable, r: int, texts: list[str], joined: str) -> bool:
        """The project line and the headers of the budget and indicator blocks."""
        c = _find(raw, r, WORDS.project)
        if c is not None and c + 1 < raw.ncols:
            self.project = next((t for t in texts[c + 1 :] if t), self.project)
            return True
        if re.search(WORDS.budget, joined) and re.search(WORDS.actual, joined):
            self.budget_cols = {
                "budget": _find(raw, r, WORDS.budget),
                "actual": _find(raw, r, WORDS.actual),
                "rate": _find(raw, r, WORDS.rate),
            }
            self.indicator_cols = None
            return True
        if WORDS.indicator in joined and re.search(WORDS.target, joined):
            level1, level2, level3 = (_find(raw, r, pattern) for pattern in WORDS.levels)
            self.indicator_cols = {
                "level1": level1,
                "level2": level2,
                "level3": level3,
                "target": _find(raw, r, WORDS.target),
                "achieved": _find(raw, r, WORDS.achieved),
            }
            self.budget_cols = None
            return True
        return False

    def _budget_line(self, raw: RawTable, texts: list[str]) -> None:
        assert self.budget_cols is not None
        bc = self.budget_cols["budget"]
        values = {k: (texts[v] if v is not None else "") for k, v in self.budget_cols.items()}
        if not any(values.values()):
            return
        label = next((t for t in reversed(texts[:bc]) if t and WORDS.budget_group not in t), "")
        self.rows.append(
            _record(
                self.project,
                "budget",
                raw.page,
                label=label,
                budget=_plain(values["budget"]),
                actual=_plain(values["actual"]),
                rate=values["rate"],
            )
        )

    def _indicator(self, raw: RawTable, r: int) -> None:
        assert self.indicator_cols is not None
        rec = {k: (squash(raw.covering_text(r, v)) if v is not None else "") for k, v in self.indicator_cols.items()}
        if not rec["level3"] and not rec["target"]:
            return
        self.rows.append(_record(self.project, "indicator", raw.page, goal=self.goal, **rec))


def parse_attachment(grids: list[RawTable], kind: str) -> list[dict[str, Any]]:
    """The rows of one attachment (budget lines, indicators, totals) in printed order."""
    form = _FormReader()
    for raw in grids:
        for r in range(raw.nrows):
            form.read_row(raw, r)
    return form.rows


def read_attachments(
    path: Path, doc: pdfium.PdfDocument, pages: list[str], table_pages: set[int], password: str | None
) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    starts = attachment_pages(pages, table_pages)
    if not starts:
        return {}
    spans = []
    for i, (page, kind, _title) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else min(len(pages) + 1, page + WORDS.last_pages)
        spans.append((list(range(page, end)), kind))
    all_pages = sorted({p for ps, _ in spans for p in ps if ruling_count(doc, p) >= 4})
    grids = extract_grids(path, doc, all_pages, password, fallback_pages={s[0] for s in starts})
    out: dict[str, tuple[list[str], list[dict[str, Any]]]] = {}
    for ps, kind in spans:
        seq = [g for p in ps for g in grids.get(p, [])]
        if not seq:
            continue
        rows = parse_attachment(seq, kind)
        header = SELF_COLUMNS if kind == "self_evaluation" else PROJECT_COLUMNS
        out.setdefault(kind, (header, []))[1].extend(rows)
    return out
