"""A metamorphic corpus: layout-only transformations that must not change the audit's findings.

Why: a reader that is right on the layouts it was written against can still be wrong on the next
producer's. Each transformation here changes only how a report is laid out (line width, fonts,
letter spacing, where pages break, where tables split, page orientation, the order of text runs in
the content stream), never what it says, so the audit of the transformed document must give the
findings of its base document (issue 13). The one exception: numbered items reordered inside a
section may add one warning about their order.

Two sources of documents:

- the generator's departments and mutants (``samples/departments``, ``samples/mutations``),
  re-rendered with ``render_pdf``'s layout options or a changed description;
- existing PDFs (the real reports in ``tests/fixtures/real`` and the rendered bases), rewritten
  with pikepdf: letter spacing through the text state (``Tc``), text runs split and reordered in
  the content streams (the drawn result identical), pages rotated with a compensating transform.

Everything is seeded: the same seed gives byte-identical PDFs. ``scripts/metamorphic.py`` builds
the full set and measures it; ``tests/test_metamorphic.py`` runs a slice.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pikepdf
import yaml

from auditlib.samples.model import clone, load_department
from auditlib.samples.mutate import apply_mutations
from auditlib.samples.render import render_pdf

DEFAULT_SEED = "auditlib-metamorphic-1"

#: Rule ids of the order warning that reordered items may add (the lead's item-order check; the
#: numbered-heading check is listed too in case items are read as headings).
ORDER_RULES = frozenset({"narrative.item_order"})

#: Table-title layouts a render option ``table["title_layout"]`` prints (helper T's render.py).
TITLE_LAYOUTS = ("wrapped", "overlapped", "after_body")

BODY_LEADING = 19.0  # render._styles: body text
_ITEM = re.compile(r"^\s*(\d{1,2})\s*[.．、]")


# ---------------------------------------------------------------- the documents


@dataclass(frozen=True)
class Base:
    """A document the transformations start from: a description to render, or a PDF."""

    id: str
    dept: dict[str, Any] | None = None
    pdf: Path | None = None


@dataclass
class Variant:
    """One transformed document: its base, its kind and the parameters that made it."""

    id: str
    base: str
    kind: str
    params: dict[str, Any]
    # how to make it: a changed description and layout options (generator) and/or a PDF rewrite
    dept: dict[str, Any] | None = None
    layout: dict[str, Any] = field(default_factory=dict)
    rewrite: str | None = None  # a key of PDF_REWRITES, applied to the base PDF (or the render)
    allow_order_warning: bool = False

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, "base": self.base, "kind": self.kind, "params": self.params}


def generator_bases(root: Path) -> list[Base]:
    """The generator's departments and mutants, as descriptions."""
    bases = [Base(p.stem, dept=load_department(p)) for p in sorted((root / "samples" / "departments").glob("*.yaml"))]
    by_id = {b.id: b.dept for b in bases}
    for path in sorted((root / "samples" / "mutations").glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec.setdefault("id", path.stem)
        source = by_id[spec["source"]]
        assert source is not None
        dept, _records = apply_mutations(source, spec)
        bases.append(Base(str(dept["id"]), dept=dept))
    return bases


def real_bases(root: Path) -> list[Base]:
    return [Base(p.stem, pdf=p) for p in sorted((root / "tests" / "fixtures" / "real").glob("*.pdf"))]


def _rng(seed: str, *parts: object) -> random.Random:
    return random.Random(":".join([seed, *map(str, parts)]))


def _item_sections(dept: dict[str, Any]) -> list[list[int]]:
    """Block indexes of numbered items (1、 2. …), one list per run of consecutive items."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, block in enumerate(dept["blocks"]):
        if block["type"] == "paragraph" and _ITEM.match(str(block.get("text", ""))):
            current.append(i)
            continue
        if block["type"] == "paragraph" and current:
            continue  # a paragraph between items (a continuation) stays with its section
        if len(current) >= 2:
            runs.append(current)
        current = []
    if len(current) >= 2:
        runs.append(current)
    return runs


def _narrative_paragraphs(dept: dict[str, Any]) -> list[int]:
    """Long body paragraphs after the tables (the 情况说明), where a page break may fall."""
    blocks = dept["blocks"]
    last_table = max((i for i, b in enumerate(blocks) if b["type"] == "table"), default=0)
    return [
        i
        for i, b in enumerate(blocks)
        if i > last_table and b["type"] == "paragraph" and len(str(b.get("text", ""))) >= 60
    ]


def _tables_with_rows(dept: dict[str, Any], least: int) -> list[str]:
    out = []
    for tid, table in dept["tables"].items():
        n = len(table.get("rows", [])) + sum(len(p.get("rows", [])) for p in table.get("panels", []))
        if n >= least:
            out.append(tid)
    return sorted(out)


def generator_variants(base: Base, seed: str = DEFAULT_SEED) -> list[Variant]:
    """The transformations of one generator base (about two dozen documents)."""
    assert base.dept is not None
    dept = base.dept
    out: list[Variant] = []

    def add(kind: str, params: dict[str, Any], **kw: Any) -> None:
        n = sum(1 for v in out if v.kind == kind) + 1
        out.append(Variant(f"{base.id}--{kind}-{n}", base.id, kind, params, **kw))

    # narrative re-wrapped: other frame widths, other body sizes
    for margin in (8.0, 30.0, 42.0):
        add("rewrap", {"body_margin_mm": margin}, layout={"body_margin": margin * 72 / 25.4})
    for size, leading in ((9.0, 16.0), (12.5, 22.0)):
        add("rewrap", {"body_font_size": size}, layout={"body_font_size": size, "body_leading": leading})
    # other font (the collection's second face) and sizes
    add("font", {"font_face": 1}, layout={"font_face": 1})
    add("font", {"font_face": 1, "body_font_size": 11.5}, layout={"font_face": 1, "body_font_size": 11.5})
    # letter-spaced runs through the text state
    add("letter_spacing", {"em": 0.25, "pages": "portrait"}, rewrite="tc_portrait_025")
    add("letter_spacing", {"em": 0.6, "pages": "portrait"}, rewrite="tc_portrait_060")
    add("letter_spacing", {"em": 0.08, "pages": "all"}, rewrite="tc_all_008")
    # numbered items reordered inside a section (two items swapped)
    runs = _item_sections(dept)
    for k in range(2 if runs else 0):
        rng = _rng(seed, base.id, "items", k)
        run = runs[rng.randrange(len(runs))]
        a, b = sorted(rng.sample(run, 2))
        moved = clone(dept)
        moved["blocks"][a], moved["blocks"][b] = moved["blocks"][b], moved["blocks"][a]
        add("item_order", {"swap_blocks": [a, b]}, dept=moved, allow_order_warning=True)
    # page breaks inside narrative items (what follows the spacer keeps 2.5 lines on its page)
    candidates = [i for run in runs for i in run] or _narrative_paragraphs(dept)
    for k in range(3):
        rng = _rng(seed, base.id, "item-break", k)
        block = candidates[rng.randrange(len(candidates))]
        margin = (18.0, 30.0, 42.0)[k]
        layout = {"push": {block: 2.5 * BODY_LEADING}, "body_margin": margin * 72 / 25.4}
        add("break_in_item", {"block": block, "body_margin_mm": margin}, layout=layout)
    # page breaks inside tables: the table starts with only `keep` points left on its page
    tables = _tables_with_rows(dept, 6)
    for k in range(3):
        rng = _rng(seed, base.id, "table-break", k)
        chosen = sorted(rng.sample(tables, min(3, len(tables))))
        keep = rng.choice((90.0, 130.0, 180.0, 240.0))
        add("break_in_table", {"tables": chosen, "keep": keep}, layout={"table_push": dict.fromkeys(chosen, keep)})
    # tables split at other rows with the header repeated or not (the opposite of the variant's)
    for k in range(2):
        rng = _rng(seed, base.id, "repeat-header", k)
        chosen = sorted(rng.sample(tables, min(3, len(tables))))
        keep = rng.choice((110.0, 160.0, 220.0))
        changed = clone(dept)
        changed["style"]["repeat_header"] = not dept["style"]["repeat_header"]
        params = {"repeat_header": changed["style"]["repeat_header"], "tables": chosen, "keep": keep}
        add("repeat_header", params, dept=changed, layout={"table_push": dict.fromkeys(chosen, keep)})
    # portrait table pages (the tables scaled to the page) and landscape pages printed rotated
    add("portrait_tables", {}, layout={"table_pages": "portrait"})
    add("rotated_pages", {"rotate": 90, "pages": "landscape"}, rewrite="rotate_landscape_90")
    add("rotated_pages", {"rotate": 270, "pages": "all"}, rewrite="rotate_all_270")
    # text runs split and reordered in the content streams
    add("split_runs", {}, rewrite="split_runs")
    add("reorder_runs", {}, rewrite="reorder_runs")
    add("split_pages", {"pages": 2}, rewrite="split_pages")
    # table titles wrapped, overlapped by a heading, printed after the body (helper T's option)
    for layout_name in TITLE_LAYOUTS:
        rng = _rng(seed, base.id, "title", layout_name)
        chosen = sorted(rng.sample(sorted(dept["tables"]), min(3, len(dept["tables"]))))
        changed = clone(dept)
        for tid in chosen:
            changed["tables"][tid]["title_layout"] = layout_name
        add("title_layout", {"title_layout": layout_name, "tables": chosen}, dept=changed)
    return out


def real_variants(base: Base) -> list[Variant]:
    """What can be done to an existing PDF."""
    out: list[Variant] = []
    for kind, params, rewrite in (
        ("letter_spacing", {"em": 0.25, "pages": "portrait"}, "tc_portrait_025"),
        ("letter_spacing", {"em": 0.6, "pages": "portrait"}, "tc_portrait_060"),
        ("letter_spacing", {"em": 0.08, "pages": "all"}, "tc_all_008"),
        ("split_runs", {"seed": 1}, "split_runs"),
        ("split_runs", {"seed": 2}, "split_runs_2"),
        ("reorder_runs", {"seed": 1}, "reorder_runs"),
        ("reorder_runs", {"seed": 2}, "reorder_runs_2"),
        ("rotated_pages", {"rotate": 90, "pages": "all"}, "rotate_all_90"),
        ("rotated_pages", {"rotate": 270, "pages": "all"}, "rotate_all_270"),
        ("rotated_pages", {"rotate": 90, "pages": "landscape"}, "rotate_landscape_90"),
        ("split_pages", {"pages": 2}, "split_pages"),
        ("split_pages", {"pages": 3, "seed": 2}, "split_pages_2"),
    ):
        n = sum(1 for v in out if v.kind == kind) + 1
        out.append(Variant(f"{base.id}--{kind}-{n}", base.id, kind, params, rewrite=rewrite))
    return out


def corpus(root: Path, seed: str = DEFAULT_SEED) -> tuple[list[Base], list[Variant]]:
    """Every base and every transformed document, in a fixed order."""
    bases = generator_bases(root) + real_bases(root)
    variants: list[Variant] = []
    for base in bases:
        variants += generator_variants(base, seed) if base.dept is not None else real_variants(base)
    return bases, variants


# ---------------------------------------------------------------- making the PDFs


def base_path(base: Base, out_dir: Path) -> Path:
    """Where the base document's PDF is: the real file itself, or its render under ``out_dir``."""
    return base.pdf if base.pdf is not None else out_dir / "base" / f"{base.id}.pdf"


def build_base(base: Base, out_dir: Path) -> Path:
    """The base document's PDF: the real file itself, or the description rendered today."""
    if base.pdf is not None:
        return base.pdf
    assert base.dept is not None
    return render_pdf(base.dept, base_path(base, out_dir))


def build_variant(variant: Variant, base: Base, base_pdf: Path, out_dir: Path, seed: str = DEFAULT_SEED) -> Path:
    """Write one transformed document; byte-identical for the same seed."""
    out = out_dir / "variants" / f"{variant.id}.pdf"
    src = base_pdf
    if variant.dept is not None or variant.layout:
        assert base.dept is not None
        src = render_pdf(variant.dept if variant.dept is not None else base.dept, out, layout=variant.layout)
    if variant.rewrite is not None:
        rewrite_pdf(src, out, PDF_REWRITES[variant.rewrite], _rng(seed, variant.id))
    return out


def rewrite_pdf(
    src: Path, out: Path, rewrite: Callable[[pikepdf.Pdf, random.Random], None], rng: random.Random
) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with pikepdf.open(src) as pdf:
        rewrite(pdf, rng)
        pdf.save(
            tmp, deterministic_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.preserve
        )
    tmp.replace(out)
    return out


def _is_landscape(page: pikepdf.Page) -> bool:
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    rotate = int(page.obj.get("/Rotate", 0)) % 180
    wide = abs(x1 - x0) > abs(y1 - y0)
    return wide != bool(rotate)


Ops = list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage]


def _ops(page: pikepdf.Page) -> Ops:
    return list(pikepdf.parse_content_stream(page))


def _set_ops(pdf: pikepdf.Pdf, page: pikepdf.Page, ops: Iterable[Any]) -> None:
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(list(ops)))


def _op(operands: list[Any], operator: str) -> pikepdf.ContentStreamInstruction:
    return pikepdf.ContentStreamInstruction(operands, pikepdf.Operator(operator))


def _num(value: float) -> Decimal:
    return Decimal(f"{value:.4f}").normalize()


def letter_spacing(em: float, landscape_too: bool) -> Callable[[pikepdf.Pdf, random.Random], None]:
    """Letter-space every text run by ``em`` of its font size through the text state, the glyphs
    condensed so that no run grows: after every Tf the character spacing (Tc) becomes the
    stream's own plus ``em`` × the font size, and the horizontal scaling (Tz) the stream's own ×
    0.5 ÷ (0.5 + ``em``), so a half-width glyph (a digit) plus its spacing takes the width it took
    before and a full-width (CJK) one less: no line runs off the page, no right-aligned amount
    into the next cell (what is drawn stays where it was; the text layer gains gaps between
    characters, as letter-spaced exports have). The stream's own Tc and Tz are shifted alike."""
    squeeze = 0.5 / (0.5 + em)

    def rewrite(pdf: pikepdf.Pdf, rng: random.Random) -> None:
        for page in pdf.pages:
            if not landscape_too and _is_landscape(page):
                continue
            new: list[Any] = []
            stack: list[tuple[float, float, float | None]] = []
            own_tc, own_tz, size = 0.0, 100.0, None
            for ins in _ops(page):
                if isinstance(ins, pikepdf.ContentStreamInlineImage):
                    new.append(ins)
                    continue
                op = str(ins.operator)
                if op == "q":
                    stack.append((own_tc, own_tz, size))
                elif op == "Q" and stack:
                    own_tc, own_tz, size = stack.pop()
                if op == "Tc" and len(ins.operands) == 1:
                    own_tc = float(ins.operands[0])
                    new.append(_op([_num(own_tc + em * (size or 0.0))], "Tc"))
                    continue
                if op == "Tz" and len(ins.operands) == 1:
                    own_tz = float(ins.operands[0])
                    new.append(_op([_num(own_tz * squeeze)], "Tz"))
                    continue
                new.append(ins)
                if op == "Tf" and len(ins.operands) == 2:
                    size = float(ins.operands[1])
                    new.append(_op([_num(own_tc + em * size)], "Tc"))
                    new.append(_op([_num(own_tz * squeeze)], "Tz"))
            _set_ops(pdf, page, new)

    return rewrite


def _code_width(page: pikepdf.Page, font: str | None) -> int | None:
    """Bytes per character code of a page font: 1 (simple fonts), 2 (Identity-H/V), None (other)."""
    if font is None:
        return None
    resources: Any = page.obj.get("/Resources", pikepdf.Dictionary())
    fonts: Any = resources.get("/Font", pikepdf.Dictionary())
    f = fonts.get(font)
    if f is None:
        return None
    if f.get("/Subtype") != "/Type0":
        return 1
    return 2 if str(f.get("/Encoding")) in ("/Identity-H", "/Identity-V") else None


def split_runs(probability: float) -> Callable[[pikepdf.Pdf, random.Random], None]:
    """Split text-showing operators in two (``(ab) Tj`` → ``(a) Tj (b) Tj``; a TJ array at an
    element or inside a string) at character-code boundaries: the glyphs and their positions are
    the same, the text runs are not."""

    def rewrite(pdf: pikepdf.Pdf, rng: random.Random) -> None:
        for page in pdf.pages:
            new: list[Any] = []
            font: str | None = None
            stack: list[str | None] = []
            for ins in _ops(page):
                if isinstance(ins, pikepdf.ContentStreamInlineImage):
                    new.append(ins)
                    continue
                op = str(ins.operator)
                if op == "q":
                    stack.append(font)
                elif op == "Q" and stack:
                    font = stack.pop()
                elif op == "Tf" and len(ins.operands) == 2:
                    font = str(ins.operands[0])
                width = _code_width(page, font) if op in ("Tj", "TJ") else None
                if width is None or rng.random() >= probability:
                    new.append(ins)
                    continue
                new += _split_show(ins, op, width, rng)
            _set_ops(pdf, page, new)

    return rewrite


def _split_show(ins: pikepdf.ContentStreamInstruction, op: str, width: int, rng: random.Random) -> list[Any]:
    if op == "Tj":
        raw = bytes(ins.operands[0])
        n = len(raw) // width
        if n < 2 or len(raw) % width:
            return [ins]
        cut = rng.randrange(1, n) * width
        return [_op([pikepdf.String(raw[:cut])], "Tj"), _op([pikepdf.String(raw[cut:])], "Tj")]
    items: list[Any] = list(ins.operands[0])
    # flatten strings into single codes so that a cut may fall inside one
    pieces: list[Any] = []
    for item in items:
        if isinstance(item, pikepdf.String):
            raw = bytes(item)
            if len(raw) % width:
                return [ins]
            pieces += [raw[i : i + width] for i in range(0, len(raw), width)]
        else:
            pieces.append(item)
    if len(pieces) < 2:
        return [ins]
    cut = rng.randrange(1, len(pieces))

    def regroup(part: list[Any]) -> pikepdf.Array:
        arr: list[Any] = []
        buf = b""
        for p in part:
            if isinstance(p, bytes):
                buf += p
                continue
            if buf:
                arr.append(pikepdf.String(buf))
                buf = b""
            arr.append(p)
        if buf:
            arr.append(pikepdf.String(buf))
        return pikepdf.Array(arr)

    return [_op([regroup(pieces[:cut])], "TJ"), _op([regroup(pieces[cut:])], "TJ")]


# Reordering: a node is an instruction, or a group (q…Q, BT…ET, BDC/BMC…EMC) with its children.
_OPENERS = {"q": "Q", "BT": "ET", "BDC": "EMC", "BMC": "EMC"}
_CLOSERS = {"Q": "q", "ET": "BT", "EMC": "mc"}
_SHOW_OPS = frozenset({"Tj", "TJ", "'", '"'})
_POSITION_OPS = frozenset({"Tm", "Td", "T*"})
#: State a unit may change for the units after it (outside a nested q…Q): the category of each
#: operator, and the state every page starts with.
_STATE_CATEGORY = {
    "Tf": "Tf", "TL": "TL", "Tc": "Tc", "Tw": "Tw", "Tz": "Tz", "Ts": "Ts", "Tr": "Tr", "w": "w",
    "g": "fill", "rg": "fill", "k": "fill", "G": "stroke", "RG": "stroke", "K": "stroke",
}  # fmt: skip
_MARKS = frozenset({"BT", "ET", "BDC", "BMC", "EMC", "MP", "DP", "TD"})
_LEAK_OK = frozenset(_STATE_CATEGORY) | _SHOW_OPS | _POSITION_OPS | _MARKS
#: Inside a nested q…Q anything but painting (the Q restores the state).
_PAINT = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do", "BI", "EI", "ID", "d0", "d1"})


@dataclass
class _Group:
    kind: str  # "q", "BT" or "mc"
    children: list[Any]


def _opname(ins: Any) -> str:
    return "BI" if isinstance(ins, pikepdf.ContentStreamInlineImage) else str(ins.operator)


def _tree(ops: Ops) -> list[Any] | None:
    """Nest the instructions into groups; None when they do not nest."""
    root: list[Any] = []
    stack: list[tuple[_Group, list[Any]]] = []
    current = root
    for ins in ops:
        op = _opname(ins)
        if op in _OPENERS:
            group = _Group("mc" if op in ("BDC", "BMC") else op, [ins])
            current.append(group)
            stack.append((group, current))
            current = group.children
        elif op in _CLOSERS:
            if not stack or stack[-1][0].kind != _CLOSERS[op]:
                return None
            current.append(ins)
            current = stack.pop()[1]
        else:
            current.append(ins)
    return None if stack else root


def _flatten(nodes: list[Any]) -> Ops:
    out: Ops = []
    for n in nodes:
        if isinstance(n, _Group):
            out += _flatten(n.children)
        else:
            out.append(n)
    return out


def _leaking(nodes: list[Any]) -> list[Any] | None:
    """The instructions of a unit that act on what follows it (nested q…Q groups left out), or
    None when the unit cannot move: it paints something, or leaks another kind of state."""
    out: list[Any] = []
    for n in nodes:
        if isinstance(n, _Group):
            if n.kind == "q":
                if any(_opname(i) in _PAINT for i in _flatten(n.children)):
                    return None
                continue
            inner = _leaking(n.children)
            if inner is None:
                return None
            out += inner
        else:
            op = _opname(n)
            if op not in _LEAK_OK and op not in ("q", "Q"):
                return None
            out.append(n)
    return out


def _apply(state: dict[str, Any], ins: Any) -> None:
    op = _opname(ins)
    if op in _STATE_CATEGORY:
        state[_STATE_CATEGORY[op]] = ins
    elif op == "TD":
        state["TL"] = _op([-Decimal(str(ins.operands[1]))], "TL")
    elif op == '"':
        state["Tw"] = _op([ins.operands[0]], "Tw")
        state["Tc"] = _op([ins.operands[1]], "Tc")


def _categories(ins: Any) -> tuple[str, ...]:
    op = _opname(ins)
    if op in _STATE_CATEGORY:
        return (_STATE_CATEGORY[op],)
    return {"TD": ("TL",), '"': ("Tc", "Tw")}.get(op, ())


def _reorder(nodes: list[Any], state: dict[str, Any], rng: random.Random) -> list[Any]:
    """Shuffle each run of sibling groups that paint nothing: each moved unit first re-sets the
    state it started with in the original order, and the run ends re-setting the state the
    original order left, so every glyph is drawn as before; only the text order changes."""
    out: list[Any] = []
    i = 0
    while i < len(nodes):
        n = nodes[i]
        if not isinstance(n, _Group):
            _apply(state, n)
            out.append(n)
            i += 1
            continue
        j = i
        leaks: list[list[Any]] = []
        while j < len(nodes) and isinstance(nodes[j], _Group):
            leak = _leaking([nodes[j]])
            if leak is None:
                break
            leaks.append(leak)
            j += 1
        if j - i < 2:
            # not movable (or alone): keep it, look inside
            if n.kind == "q":
                inner = _reorder(n.children[1:-1], dict(state), rng)
            else:
                inner = _reorder(n.children[1:-1], state, rng)
            out.append(_Group(n.kind, [n.children[0], *inner, n.children[-1]]))
            i += 1
            continue
        run = nodes[i:j]
        touched = sorted({c for leak in leaks for x in leak for c in _categories(x)})
        units = []
        for group, leak in zip(run, leaks, strict=True):
            prefix = [state[c] for c in touched if c in state]
            units.append(_Group(group.kind, [group.children[0], *prefix, *group.children[1:]]))
            for x in leak:
                _apply(state, x)
        rng.shuffle(units)
        out += units + [state[c] for c in touched if c in state]
        i = j
    return out


def _page_state() -> dict[str, Any]:
    """The state every page starts with (ISO 32000 8.4 and 9.3), font excepted."""
    zero = [Decimal(0)]
    return {
        "Tc": _op(zero, "Tc"),
        "Tw": _op(zero, "Tw"),
        "Tz": _op([Decimal(100)], "Tz"),
        "TL": _op(zero, "TL"),
        "Ts": _op(zero, "Ts"),
        "Tr": _op([0], "Tr"),
        "w": _op([Decimal(1)], "w"),
        "fill": _op(zero, "g"),
        "stroke": _op(zero, "G"),
    }


def reorder_runs(pdf: pikepdf.Pdf, rng: random.Random) -> None:
    """Shuffle the text runs of every page in the content stream (q…Q, BT…ET and marked-content
    groups that paint nothing but text) without changing what is drawn."""
    for page in pdf.pages:
        tree = _tree(_ops(page))
        if tree is None:
            continue
        _set_ops(pdf, page, _flatten(_reorder(tree, _page_state(), rng)))


def rotate_pages(angle: int, landscape_only: bool) -> Callable[[pikepdf.Pdf, random.Random], None]:
    """Turn pages by /Rotate ``angle`` (90 or 270) and draw their content turned back, so that a
    viewer shows the same page: the page is stored portrait-for-landscape (as scanners and some
    exporters store it) and the reader must follow /Rotate."""
    assert angle in (90, 270)

    def rewrite(pdf: pikepdf.Pdf, rng: random.Random) -> None:
        for page in pdf.pages:
            if landscape_only and not _is_landscape(page):
                continue
            x0, y0, x1, y1 = (float(v) for v in page.mediabox)
            if "/CropBox" in page.obj and [float(v) for v in page.obj.CropBox] != [x0, y0, x1, y1]:
                continue
            w, h = x1 - x0, y1 - y0
            if angle == 90:
                matrix = f"0 1 -1 0 {_num(h)} 0 cm"
            else:
                matrix = f"0 -1 1 0 0 {_num(w)} cm"
            prefix = f"q {matrix} 1 0 0 1 {_num(-x0)} {_num(-y0)} cm\n".encode()
            page.contents_coalesce()
            data = page.obj.Contents.read_bytes()
            page.obj.Contents = pdf.make_stream(prefix + data + b"\nQ\n")
            page.obj.MediaBox = pikepdf.Array([0, 0, _num(h), _num(w)])
            if "/CropBox" in page.obj:
                del page.obj["/CropBox"]
            page.obj.Rotate = (int(page.obj.get("/Rotate", 0)) + angle) % 360

    return rewrite


def _cut_height(page: Any, low: float, high: float) -> float | None:
    """A height between ``low`` and ``high`` (PDF points) that no character box crosses, the
    nearest to their middle: where a page can be cut between two lines."""
    textpage = page.get_textpage()
    try:
        boxes = [textpage.get_charbox(i) for i in range(textpage.count_chars())]
    finally:
        textpage.close()
    spans = sorted((b[1], b[3]) for b in boxes if b[3] > b[1])
    if len(spans) < 40:
        return None
    middle = (low + high) / 2
    free: list[float] = []
    y = low
    while y <= high:
        if not any(b - 1 <= y <= t + 1 for b, t in spans):
            free.append(y)
        y += 1.0
    return min(free, key=lambda v: abs(v - middle)) if free else None


def split_pages(pages: int) -> Callable[[pikepdf.Pdf, random.Random], None]:
    """Split up to ``pages`` narrative pages in two between two lines of text (the page
    repeated, its MediaBox the upper part on the first copy and the lower part on the second):
    a page break moved into the middle of a page, inside a section or an item. Pages with a
    table title or ruled lines are left whole."""

    def rewrite(pdf: pikepdf.Pdf, rng: random.Random) -> None:
        import io

        import pypdfium2 as pdfium

        from auditlib.reading.pdf import tables_on_page

        buf = io.BytesIO()
        pdf.save(buf)
        doc = pdfium.PdfDocument(buf.getvalue())
        try:
            cuts: dict[int, float] = {}
            for i in range(2, len(pdf.pages)):
                page = pdf.pages[i]
                if _is_landscape(page) or int(page.obj.get("/Rotate", 0)) % 360 or "/CropBox" in page.obj:
                    continue
                ops = [_opname(x) for x in _ops(page)]
                if sum(op in ("re", "l") for op in ops) > 8:
                    continue
                textpage = doc[i].get_textpage()
                text = textpage.get_text_bounded()
                textpage.close()
                if tables_on_page(text):
                    continue
                x0, y0, x1, y1 = (float(v) for v in page.mediabox)
                cut = _cut_height(doc[i], y0 + 0.35 * (y1 - y0), y0 + 0.65 * (y1 - y0))
                if cut is not None:
                    cuts[i] = cut
        finally:
            doc.close()
        chosen = sorted(rng.sample(sorted(cuts), min(pages, len(cuts))), reverse=True)
        for i in chosen:
            x0, y0, x1, y1 = (float(v) for v in pdf.pages[i].mediabox)
            pdf.pages.insert(i + 1, pdf.pages[i])
            pdf.pages[i].obj.MediaBox = pikepdf.Array([_num(x0), _num(cuts[i]), _num(x1), _num(y1)])
            pdf.pages[i + 1].obj.MediaBox = pikepdf.Array([_num(x0), _num(y0), _num(x1), _num(cuts[i])])

    return rewrite


def _seeded(
    fn: Callable[[pikepdf.Pdf, random.Random], None], salt: str
) -> Callable[[pikepdf.Pdf, random.Random], None]:
    def rewrite(pdf: pikepdf.Pdf, rng: random.Random) -> None:
        fn(pdf, random.Random(f"{rng.random()}:{salt}"))

    return rewrite


PDF_REWRITES: dict[str, Callable[[pikepdf.Pdf, random.Random], None]] = {
    "tc_portrait_025": letter_spacing(0.25, landscape_too=False),
    "tc_portrait_060": letter_spacing(0.6, landscape_too=False),
    "tc_all_008": letter_spacing(0.08, landscape_too=True),
    "split_runs": split_runs(0.5),
    "split_runs_2": _seeded(split_runs(0.9), "2"),
    "reorder_runs": reorder_runs,
    "reorder_runs_2": _seeded(reorder_runs, "2"),
    "rotate_all_90": rotate_pages(90, landscape_only=False),
    "rotate_all_270": rotate_pages(270, landscape_only=False),
    "rotate_landscape_90": rotate_pages(90, landscape_only=True),
    "split_pages": split_pages(2),
    "split_pages_2": _seeded(split_pages(3), "2"),
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- comparing findings


def finding_key(finding: Any) -> tuple[str, str, str]:
    """The identity of a finding across layouts: (rule id, severity, subject).

    The subject is the finding's ``fingerprint`` once ``model.findings.Finding`` carries one
    (CONTRACT section 4); until then the tables and the (table, row, column) of each evidence,
    never the message, figures' places or page numbers, which a layout change may move.
    """
    fingerprint = getattr(finding, "fingerprint", None)
    if fingerprint:
        return (finding.rule_id, finding.severity, str(fingerprint))
    evidence = [(e.table, e.row, e.column) for e in finding.evidence]
    return (finding.rule_id, finding.severity, repr((sorted(finding.tables), evidence)))


def finding_keys(findings: Iterable[Any]) -> list[list[str]]:
    return sorted(list(finding_key(f)) for f in findings)


def compare(base: list[list[str]], variant: list[list[str]], allow_order_warning: bool) -> dict[str, Any]:
    """Findings added and removed (as multisets of keys); ``changed`` unless they are equal, or
    the only difference is one order warning where items were reordered."""
    b = Counter(tuple(k) for k in base)
    v = Counter(tuple(k) for k in variant)
    added = sorted((v - b).elements())
    removed = sorted((b - v).elements())
    allowed = (
        allow_order_warning
        and not removed
        and len(added) == 1
        and added[0][0] in ORDER_RULES
        and added[0][1] == "warning"
    )
    status = "unchanged" if not added and not removed else ("allowed" if allowed else "changed")
    return {"status": status, "added": [list(a) for a in added], "removed": [list(r) for r in removed]}


def audit_keys(pdf: Path) -> list[list[str]]:
    """Read and audit one PDF (no cache); the keys of its findings, every severity."""
    from auditlib.reading.pipeline import read_report
    from auditlib.rules import audit

    return finding_keys(audit(read_report(pdf, cache=None)).findings)


# ---------------------------------------------------------------- measuring (script and tests)

_STATE: dict[str, Any] = {}


def _init(root: str, out: str, seed: str) -> None:
    bases, variants = corpus(Path(root), seed)
    _STATE.update(out=Path(out), seed=seed, bases={b.id: b for b in bases}, variants={v.id: v for v in variants})


def _audit_or_error(pdf: Path) -> tuple[list[list[str]] | None, str | None]:
    try:
        return audit_keys(pdf), None
    except Exception as exc:  # a document the reader refuses is a changed document, with the reason
        return None, f"{type(exc).__name__}: {exc}"


def _task(task: tuple[str, str]) -> dict[str, Any]:
    what, ident = task
    out: Path = _STATE["out"]
    started = time.perf_counter()
    if what == "base":
        pdf = build_base(_STATE["bases"][ident], out)
        keys, error = _audit_or_error(pdf)
        return {"id": ident, "sha256": sha256(pdf), "findings": keys, "error": error}
    variant = _STATE["variants"][ident]
    base = _STATE["bases"][variant.base]
    base_pdf = base_path(base, out)  # built by its own task, before any variant
    pdf = build_variant(variant, base, base_pdf, out, _STATE["seed"])
    digest = sha256(pdf)
    if variant.kind == "title_layout" and digest == sha256(base_pdf):
        return {"id": ident, "sha256": digest, "pending": True}
    keys, error = _audit_or_error(pdf)
    return {"id": ident, "sha256": digest, "findings": keys, "error": error, "seconds": time.perf_counter() - started}


def measure(
    root: Path,
    out: Path,
    seed: str = DEFAULT_SEED,
    variant_ids: Iterable[str] | None = None,
    jobs: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Build and audit the bases and the variants (all, or ``variant_ids``) on ``jobs``
    processes; return each base's result and one row per variant, in corpus order, with its
    ``status``: unchanged, allowed (the one order warning), changed, or pending (a title layout
    that render.py does not print yet: the PDF is its base's, byte for byte)."""
    bases, variants = corpus(root, seed)
    if variant_ids is not None:
        wanted = set(variant_ids)
        variants = [v for v in variants if v.id in wanted]
    used = [b.id for b in bases if b.id in {v.base for v in variants}]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(jobs, initializer=_init, initargs=(str(root), str(out), seed), maxtasksperchild=40) as pool:
        base_results = {r["id"]: r for r in pool.imap_unordered(_task, [("base", b) for b in used])}
        results: dict[str, dict[str, Any]] = {}
        for r in pool.imap_unordered(_task, [("variant", v.id) for v in variants], chunksize=2):
            results[r["id"]] = r
            if progress is not None:
                progress(len(results), len(variants))
    rows: list[dict[str, Any]] = []
    for v in variants:
        res, base = results[v.id], base_results[v.base]
        row = v.describe() | {"sha256": res["sha256"]}
        if res.get("pending"):
            row |= {"status": "pending", "reason": "render.py prints no table['title_layout'] yet (helper T's option)"}
        elif res["error"] or base["error"]:
            error = res["error"] or f"base: {base['error']}"
            row |= {"status": "changed", "error": error, "added": [], "removed": []}
        else:
            row |= compare(base["findings"], res["findings"], v.allow_order_warning)
        rows.append(row)
    return base_results, rows
