"""Inject known errors into a department description.

Why: the audit must be judged on documents whose errors are known. A mutation
spec names operations (change a cell, delete a row, flip a direction word …);
applying it to a description gives a new description, rendered like any other,
and a record of exactly what changed, so a test can ask "was this found?".

Spec format (YAML or JSON)::

    id: wuchang-bigdata-2023-m01          # output stem
    source: wuchang-bigdata-2023          # description in samples/departments
    mutations:
      - {op: cell, table: income, row: "2010350", column: total, delta: "1.00"}
      - {op: direction_word, find: 减少, context: 收入合计减少2,196.6万元}

Amount changes default to +1.00 in the printed unit, outside any rounding band.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from auditlib.model.money import format_plain, format_printed, parse_amount
from auditlib.profiles.final_accounts import TABLES
from auditlib.samples.model import canonical_rows, clone, printed_columns, validate


class MutationError(ValueError):
    """A mutation spec that cannot be applied to its source."""


DEFAULT_DELTA = Decimal("1.00")
DIRECTION_FLIPS = {
    "增加": "减少",
    "减少": "增加",
    "增长": "下降",
    "下降": "增长",
    "大于": "小于",
    "小于": "大于",
    "持平": "增加",
}


# ---------------------------------------------------------------- table operations


def _table(dept: dict[str, Any], tid: str) -> dict[str, Any]:
    if tid not in TABLES:
        raise MutationError(f"unknown table {tid!r}")
    if tid not in dept["tables"]:
        raise MutationError(f"table {tid!r} is not in {dept['id']}")
    return dept["tables"][tid]


def _row_lists(dept: dict[str, Any], tid: str) -> list[list[dict[str, Any]]]:
    table = _table(dept, tid)
    if tid == "basic_expenditure_detail":
        return [p.setdefault("rows", []) for p in table.get("panels", [])] + [table.setdefault("footer", [])]
    return [table.setdefault("rows", [])]


def _find_row(dept: dict[str, Any], tid: str, spec: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """Locate a row by code (digits) or name, and panel for two-panel tables."""
    key = str(spec.get("row", ""))
    panel = spec.get("panel")
    matches = []
    for rows in _row_lists(dept, tid):
        for i, row in enumerate(rows):
            if panel and row.get("panel") != panel:
                continue
            if key and (str(row.get("code") or "") == key or str(row.get("name") or "") == key):
                matches.append((rows, i))
            elif not key and tid == "three_public":
                matches.append((rows, i))
    if not matches:
        raise MutationError(f"{tid}: no row {key!r}" + (f" in panel {panel}" if panel else ""))
    occurrence = int(spec.get("occurrence", 1))
    if occurrence > len(matches):
        raise MutationError(f"{tid}: row {key!r} occurs {len(matches)} times, not {occurrence}")
    return matches[occurrence - 1]


def _row_label(row: dict[str, Any]) -> str:
    return str(row.get("code") or row.get("name") or "")


def op_cell(dept: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    tid, col = m["table"], m["column"]
    if col not in printed_columns(dept, tid):
        raise MutationError(f"{tid}: column {col!r} is not printed")
    rows, i = _find_row(dept, tid, m)
    row = rows[i]
    old = row.get(col)
    if "value" in m:
        new = None if m["value"] in (None, "") else format_plain(parse_amount(str(m["value"])))
    else:
        base = parse_amount(old) if old not in (None, "") else Decimal("0.00")
        delta = Decimal(str(m.get("delta", DEFAULT_DELTA)))
        new = format_plain((base + delta).quantize(Decimal("0.01") if base.as_tuple().exponent >= -2 else base))
    if new == old:
        raise MutationError(f"{tid}: cell {_row_label(row)}/{col} already {old}")
    row[col] = new
    return {"table": tid, "row": _row_label(row), "panel": row.get("panel"), "column": col, "old": old, "new": new}


def op_delete_row(dept: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    tid = m["table"]
    rows, i = _find_row(dept, tid, m)
    removed = rows.pop(i)
    return {"table": tid, "row": _row_label(removed), "panel": removed.get("panel"), "old": removed}


def op_delete_table(dept: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    tid = m["table"]
    _table(dept, tid)
    del dept["tables"][tid]
    return {"table": tid}


def op_delete_explanation(dept: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    tid = m["table"]
    table = _table(dept, tid)
    if not table.get("explanation"):
        raise MutationError(f"{tid}: has no explanation to delete")
    old = table.pop("explanation")
    return {"table": tid, "old": old}


def op_unit_label(dept: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    tid = m["table"]
    table = _table(dept, tid)
    old = table.get("unit", dept["unit"])
    new = m.get("value") or ("元" if old == "万元" else "万元")
    table["unit"] = new
    return {"table": tid, "old": old, "new": new}


def op_header_department(dept: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    tid = m["table"]
    table = _table(dept, tid)
    old = table.get("department", dept["department"])
    if m.get("value"):
        new = m["value"]
    elif "示例" in old:
        new = old.replace("示例", "样本", 1)
    else:
        new = old + "办公室"
    table["department"] = new
    return {"table": tid, "old": old, "new": new}


# ---------------------------------------------------------------- text operations


def _text_blocks(dept: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in dept["blocks"] if b.get("type") in ("paragraph", "heading", "title")]


def _edit_text(dept: dict[str, Any], m: dict[str, Any], change: Callable[[str], str]) -> dict[str, Any]:
    """Apply ``change`` to the ``find`` text at its n-th place (inside ``context``)."""
    find = m["find"]
    context = m.get("context", find)
    if find not in context:
        raise MutationError(f"find {find!r} is not inside context {context!r}")
    occurrence = int(m.get("occurrence", 1))
    seen = 0
    for index, block in enumerate(dept["blocks"]):
        if block not in _text_blocks(dept):
            continue
        text = block["text"]
        start = 0
        while True:
            pos = text.find(context, start)
            if pos < 0:
                break
            seen += 1
            if seen == occurrence:
                offset = pos + context.index(find)
                new_find = change(find)
                if new_find == find:
                    raise MutationError(f"mutation leaves {find!r} unchanged")
                block["text"] = text[:offset] + new_find + text[offset + len(find) :]
                return {
                    "block": index,
                    "old": find,
                    "new": new_find,
                    "context": context,
                    "new_context": context.replace(find, new_find, 1),
                }
            start = pos + 1
    raise MutationError(f"text {context!r} occurs {seen} times, not {occurrence}")


_NUMBER = re.compile(r"[-−]?\d[\d,]*(?:\.\d+)?")


def _shift_number(text: str, delta: Decimal) -> str:
    """Add delta to the number in ``text`` keeping its places and separators."""
    mt = _NUMBER.search(text)
    if not mt:
        raise MutationError(f"no number in {text!r}")
    raw = mt.group(0)
    value = parse_amount(raw)
    assert value is not None
    places = max(-value.as_tuple().exponent, 0)  # type: ignore[operator]
    new = value + delta
    if places:
        new = new.quantize(Decimal(1).scaleb(-places))
    else:
        new = new.to_integral_value() if delta == delta.to_integral_value() else new
    out = format_printed(new) if "," in raw else format_plain(new)
    return text[: mt.start()] + out + text[mt.end() :]


def op_narrative_amount(dept: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    delta = Decimal(str(m.get("delta", DEFAULT_DELTA)))
    return _edit_text(dept, m, lambda s: _shift_number(s, delta))


def op_narrative_percent(dept: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    if "%" not in m["find"]:
        raise MutationError("narrative_percent needs a find text with %")
    delta = Decimal(str(m.get("delta", "1")))
    return _edit_text(dept, m, lambda s: _shift_number(s, delta))


def op_direction_word(dept: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    if m["find"] not in DIRECTION_FLIPS:
        raise MutationError(f"not a direction word: {m['find']!r}")
    return _edit_text(dept, m, lambda s: m.get("value") or DIRECTION_FLIPS[s])


def op_placeholder(dept: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    return _edit_text(dept, m, lambda s: _NUMBER.sub("XX", s, count=1) if _NUMBER.search(s) else "XX")


def op_drop_percent(dept: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    if not m["find"].endswith("%"):
        raise MutationError("drop_percent needs a find text ending in %")
    return _edit_text(dept, m, lambda s: s[:-1])


def op_delete_text(dept: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    """Remove the ``find`` text (inside ``context``): a clause left out of the narrative."""
    return _edit_text(dept, m, lambda s: "")


def op_header_year(dept: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    year = str(dept["year"])
    other = m.get("value") or str(int(year) - 1)
    mm = dict(m)
    mm.setdefault("find", f"{year}年")
    return _edit_text(dept, mm, lambda s: s.replace(year, str(other)))


def op_replace_text(dept: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    """Replace the ``find`` text (inside ``context``) with ``value``: a stale date, a compared year
    left from last year, a heading renumbered out of order."""
    if "value" not in m:
        raise MutationError("replace_text needs a value")
    return _edit_text(dept, m, lambda s: str(m["value"]))


def op_delete_section(dept: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    """Remove a narrative section: the heading containing ``context`` and its text up to the next heading."""
    context = m["context"]
    blocks = dept["blocks"]
    start = next((i for i, b in enumerate(blocks) if b.get("type") == "heading" and context in b.get("text", "")), None)
    if start is None:
        raise MutationError(f"no heading contains {context!r}")
    end = start + 1
    while end < len(blocks) and blocks[end].get("type") == "paragraph":
        end += 1
    removed = blocks[start:end]
    del blocks[start:end]
    return {"block": start, "old": [b.get("text", "") for b in removed]}


def op_delete_paragraph(dept: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    """Remove the paragraph that contains ``context`` (an item left out of the narrative)."""
    context = m["context"]
    blocks = dept["blocks"]
    hits = [i for i, b in enumerate(blocks) if b.get("type") == "paragraph" and context in b.get("text", "")]
    if len(hits) != 1:
        raise MutationError(f"{len(hits)} paragraphs contain {context!r}; need exactly one")
    removed = blocks.pop(hits[0])
    return {"block": hits[0], "old": removed["text"]}


def _one_paragraph(blocks: list[dict[str, Any]], context: str) -> int:
    hits = [i for i, b in enumerate(blocks) if b.get("type") == "paragraph" and context in b.get("text", "")]
    if len(hits) != 1:
        raise MutationError(f"{len(hits)} paragraphs contain {context!r}; need exactly one")
    return hits[0]


def op_move_paragraph(dept: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    """Move the paragraph that contains ``context`` to just after the one that contains ``after``:
    a numbered item printed out of its place, its number kept (items reordered)."""
    blocks = dept["blocks"]
    moved = blocks.pop(_one_paragraph(blocks, m["context"]))
    target = _one_paragraph(blocks, m["after"]) + 1
    blocks.insert(target, moved)
    return {"block": target, "old": moved["text"], "after": m["after"]}


_RATE_CLAUSE = re.compile(r"(?P<kind>年初)预算(?P<suffix>数?)为(?P<budget>[\d,]+(?:\.\d+)?)万元")


def op_rate_base(dept: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    """A rate named after the wrong base: in the paragraph that contains ``context``, "年初预算数为B万元"
    becomes "年初预算数为``value``万元，调整预算数为B万元" while "完成年初预算的R%" (computed on B) stays."""
    blocks = dept["blocks"]
    index = _one_paragraph(blocks, m["context"])
    text = blocks[index]["text"]
    found = _RATE_CLAUSE.search(text)
    if found is None or "完成年初预算的" not in text:
        raise MutationError(f"no 年初预算 figure and 年初 rate in the paragraph with {m['context']!r}")
    initial = str(m.get("value", "0.00"))
    new = (
        f"年初预算{found.group('suffix')}为{initial}万元，调整预算{found.group('suffix')}为{found.group('budget')}万元"
    )
    blocks[index]["text"] = text[: found.start()] + new + text[found.end() :]
    return {"block": index, "old": found.group(0), "new": new}


def op_stray_line(dept: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    """A line of punctuation alone (``value``, default "。") after the paragraph that contains ``context``."""
    blocks = dept["blocks"]
    index = _one_paragraph(blocks, m["context"])
    value = str(m.get("value", "。"))
    blocks[index]["text"] += "\n" + value
    return {"block": index, "old": "", "new": value}


# ---------------------------------------------------------------- attachments


def op_attachment_figure(dept: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    index = int(m.get("attachment", 0))
    field = m["field"]
    if field not in ("budget", "actual", "rate"):
        raise MutationError("attachment field must be budget, actual or rate")
    try:
        budget = dept["attachments"][index]["budget"]
    except (KeyError, IndexError) as exc:
        raise MutationError(f"no attachment {index} with a budget line") from exc
    old = budget.get(field)
    if "value" in m:
        new = str(m["value"])
    elif field == "rate":
        new = _shift_number(old, Decimal(str(m.get("delta", "1"))))
    else:
        new = _shift_number(old, Decimal(str(m.get("delta", DEFAULT_DELTA))))
    budget[field] = new
    return {"attachment": index, "field": field, "old": old, "new": new}


#: The title layouts of ``samples.render.TITLE_LAYOUTS`` (render imports reportlab; this module does not).
TITLE_LAYOUTS = ("wrapped", "overlapped", "after_body", "garbled", "missing")


def op_title_layout(dept: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    """A table's title damaged in the text layer: broken over two lines (``wrapped``), a part
    heading printed between its halves (``overlapped``), emitted after the table body
    (``after_body``), characters replaced (``garbled``) or not printed (``missing``)."""
    tid = m["table"]
    table = _table(dept, tid)
    layout = m.get("layout")
    if layout not in TITLE_LAYOUTS:
        raise MutationError(f"{tid}: unknown title layout {layout!r} (one of {', '.join(TITLE_LAYOUTS)})")
    old = table.get("title_layout")
    table["title_layout"] = layout
    return {"table": tid, "old": old, "new": layout}


OPERATIONS: dict[str, Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]] = {
    "cell": op_cell,
    "move_paragraph": op_move_paragraph,
    "rate_base": op_rate_base,
    "stray_line": op_stray_line,
    "delete_row": op_delete_row,
    "delete_table": op_delete_table,
    "delete_explanation": op_delete_explanation,
    "unit_label": op_unit_label,
    "header_department": op_header_department,
    "header_year": op_header_year,
    "narrative_amount": op_narrative_amount,
    "narrative_percent": op_narrative_percent,
    "direction_word": op_direction_word,
    "placeholder": op_placeholder,
    "drop_percent": op_drop_percent,
    "delete_text": op_delete_text,
    "replace_text": op_replace_text,
    "attachment_figure": op_attachment_figure,
    "delete_section": op_delete_section,
    "delete_paragraph": op_delete_paragraph,
    "title_layout": op_title_layout,
}


def apply_mutations(source: dict[str, Any], spec: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Return the mutated copy of ``source`` and one change record per operation."""
    dept = clone(source)
    dept["id"] = spec["id"]
    records = []
    for m in spec.get("mutations", []):
        op = m.get("op")
        if op not in OPERATIONS:
            raise MutationError(f"{spec['id']}: unknown operation {op!r}")
        change = OPERATIONS[op](dept, m)
        records.append({"op": op, "spec": dict(m), **change})
    validate(dept, spec["id"])
    return dept, records


def changed_cells(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, int, str, str, str]]:
    """Cells whose canonical value differs between two descriptions of equal row lists."""
    out = []
    for tid in TABLES:
        if tid not in before["tables"] or tid not in after["tables"]:
            continue
        a, b = canonical_rows(before, tid), canonical_rows(after, tid)
        if len(a) != len(b):
            continue
        for i, (ra, rb) in enumerate(zip(a, b)):
            for col in ra:
                if ra[col] != rb.get(col):
                    out.append((tid, i, col, ra[col], rb.get(col, "")))
    return out
