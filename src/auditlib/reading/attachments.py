"""Performance self-evaluation attachments (绩效自评表).

Why: the attachments quote the year's budget and spending again (预算数 A,
执行数 B, 执行率 B/A) and are a frequent source of contradictions with the
tables. Each attachment is a ruled form that may run over pages; it is read as
one grid sequence, the budget lines and the indicator rows are recognised by
their header words, and every figure keeps its page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium

from auditlib.model.money import format_plain, parse_amount
from auditlib.model.text import squash
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

_TITLE = re.compile(r"绩效自评(价)?表$")


def attachment_pages(pages: list[str], table_pages: set[int]) -> list[tuple[int, str, str]]:
    """(page, kind, title) of each attachment start, in page order."""
    starts = []
    for number, text in enumerate(pages, start=1):
        if number in table_pages:
            continue
        for line in text.splitlines():
            s = squash(line)
            s = re.sub(r"^[一二三四五六七八九十]+、", "", s)
            if _TITLE.search(s) and len(s) <= 60 and not re.search(r"\d+$", s.replace("自评表", "")):
                kind = "self_evaluation" if re.search(r"整体|部门整体", s) else "project_self_evaluation"
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


def parse_attachment(grids: list[RawTable], kind: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    project = ""
    goal = ""
    budget_cols: dict[str, int] | None = None
    indicator_cols: dict[str, int] | None = None
    for raw in grids:
        for r in range(raw.nrows):
            texts = [squash(raw.text(r, c)) for c in range(raw.ncols)]
            joined = "".join(texts)
            quoted = [(c, t) for c, t in enumerate(texts) if re.fullmatch(r"(基本|项目)支出总额", t)]
            if quoted:
                for c, label in quoted:
                    value = next((t for t in texts[c + 1 :] if t), "")
                    rows.append(
                        {
                            "project": project,
                            "row_type": "total",
                            "goal": "",
                            "label": label,
                            "level1": "",
                            "level2": "",
                            "level3": "",
                            "budget": "",
                            "actual": _plain(re.sub(r"万?元$", "", value)),
                            "rate": "",
                            "target": "",
                            "achieved": "",
                            "page": raw.page,
                        }
                    )
                continue
            c = _find(raw, r, r"^项目名称$")
            if c is not None and c + 1 < raw.ncols:
                project = next((t for t in texts[c + 1 :] if t), project)
                continue
            if re.search(r"预算数", joined) and re.search(r"执行数", joined):
                budget_cols = {
                    "budget": _find(raw, r, r"预算数"),
                    "actual": _find(raw, r, r"执行数"),
                    "rate": _find(raw, r, r"执行率"),
                }
                indicator_cols = None
                continue
            if "三级指标" in joined and ("目标值" in joined or "指标值" in joined):
                indicator_cols = {
                    "level1": _find(raw, r, r"^一级指标$"),
                    "level2": _find(raw, r, r"^二级指标$"),
                    "level3": _find(raw, r, r"^三级指标$"),
                    "target": _find(raw, r, r"目标值|指标值"),
                    "achieved": _find(raw, r, r"实际完成值|实际值|完成值"),
                }
                budget_cols = None
                continue
            first = texts[0]
            if re.match(r"^(年度)?(绩效)?目标\d*|^年度绩效目标", first):
                goal = first.rstrip(":：")
                continue
            if re.match(r"偏差|改进措施|备注", first):
                budget_cols = indicator_cols = None
                continue
            if budget_cols and budget_cols.get("budget") is not None:
                bc = budget_cols["budget"]
                values = {k: (texts[v] if v is not None else "") for k, v in budget_cols.items()}
                if not any(values.values()):
                    continue
                label = next((t for t in reversed(texts[:bc]) if t and "预算执行" not in t), "")
                rows.append(
                    {
                        "project": project,
                        "row_type": "budget",
                        "goal": "",
                        "label": label,
                        "level1": "",
                        "level2": "",
                        "level3": "",
                        "budget": _plain(values["budget"]),
                        "actual": _plain(values["actual"]),
                        "rate": values["rate"],
                        "target": "",
                        "achieved": "",
                        "page": raw.page,
                    }
                )
                continue
            if indicator_cols and indicator_cols.get("level3") is not None:
                rec = {k: (squash(raw.covering_text(r, v)) if v is not None else "") for k, v in indicator_cols.items()}
                if not rec["level3"] and not rec["target"]:
                    continue
                rows.append(
                    {
                        "project": project,
                        "row_type": "indicator",
                        "goal": goal,
                        "label": "",
                        "budget": "",
                        "actual": "",
                        "rate": "",
                        "page": raw.page,
                        **rec,
                    }
                )
    return rows


def read_attachments(
    path: Path, doc: pdfium.PdfDocument, pages: list[str], table_pages: set[int], password: str | None
) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    starts = attachment_pages(pages, table_pages)
    if not starts:
        return {}
    spans = []
    for i, (page, kind, _title) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else min(len(pages) + 1, page + 6)
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
