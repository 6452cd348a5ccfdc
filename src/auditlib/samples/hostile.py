"""Hostile PDF files: hand-made bombs and seeded fuzz mutations of real reports.

Why: a batch reads files that come from anywhere. The reading code must turn every
file into either an audit or one clean exit-3 cause, and the only way to know is to
feed it what an attacker (or a broken producer) would. Each bomb is built from a
*real report* given as base, so it still reads as a final-accounts report and the
hostile part sits on a table page, where the expensive steps (Camelot, the ruling
count, the attachments) reach it; a bomb on a file refused for having no tables
would prove nothing.

Everything here is pure and deterministic (same base, same name or seed: same
bytes), needs no renderer, and keeps the builder itself small in memory: the
inflate and image bombs are made of one deflate block of zeros repeated after a
full flush (each such block decodes independently), so a 2 GiB stream costs a
few milliseconds and about 2 MB. Parts pikepdf (qpdf) would refuse to write or
would rewrite (a self-referencing /Length, a circular page tree, 10,000 nested
arrays, the bomb streams themselves) are written by hand as an incremental
update over a pikepdf-saved base with a classic cross-reference table.

Bombs (``BOMBS``: name -> builder; ``build_bomb(name, base, out)``):
``inflate`` a flate stream inflating to 2 GiB; ``pages`` 5,000 pages;
``image`` a 20000x20000 RGB image (1.2 GB once decoded); ``nesting`` arrays
nested 10,000 deep; ``page_tree_cycle`` a page-tree node whose kid is the root;
``xobject_self`` a form XObject that draws itself; ``length_self`` a stream whose
/Length is an indirect reference to itself; ``huge_mediabox`` a MediaBox holding
-9223372036854775808.

Fuzz mutations: ``mutate(data, rng) -> (bytes, description)`` applies one seeded
mutation (``random.Random(f"{seed}-{i}")`` makes case i reproducible from its number).
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import re
import shutil
import zlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

#: Bumped when any builder changes what it writes (the disk cache key includes it).
BUILDER_VERSION = "1"

INFLATE_BYTES = 2 << 30  # the inflate bomb: 2 GiB of zeros once inflated
PAGE_COUNT = 5_000
IMAGE_SIDE = 20_000
NESTING_DEPTH = 10_000
HUGE_INTEGER = -9223372036854775808  # the smallest 64-bit integer

_CHUNK = 1 << 20


# ---------------------------------------------------------------- deflate of zeros, without the zeros


@lru_cache(maxsize=4)
def zeros_flate(size: int) -> bytes:
    """A zlib stream inflating to ``size`` zero bytes (size a multiple of 1 MiB), built in milliseconds.

    After a full flush deflate restarts with an empty window, so compressing the same 1 MiB of
    zeros again yields the same bytes: the stream is the first block, that repeated block, an empty
    final block and the Adler-32 of ``size`` zeros (a = 1, b = size mod 65521).
    """
    if size <= 0 or size % _CHUNK:
        raise ValueError("size must be a positive multiple of 1 MiB")
    comp = zlib.compressobj(9)
    zeros = bytes(_CHUNK)
    first = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    again = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    adler = ((size % 65521) << 16) | 1
    return first + again * (size // _CHUNK - 1) + b"\x03\x00" + adler.to_bytes(4, "big")


def inflated_size(data: bytes, limit: int) -> int:
    """How many bytes a zlib stream inflates to, counting at most ``limit`` + 1 (streamed, bounded memory)."""
    d = zlib.decompressobj()
    total = 0
    buf = data
    while buf and total <= limit:
        total += len(d.decompress(buf, _CHUNK))
        buf = d.unconsumed_tail
    return total


# ---------------------------------------------------------------- the base report and incremental updates


def table_page(base: Path) -> int:
    """0-based index of the first page that heads one of the nine tables (0 when none is found).

    The base is a trusted report, so reading its text layer in-process is fine.
    """
    from auditlib.reading.pdf import classify_pages, read_text

    found = classify_pages(read_text(base).pages)
    return min((pages[0] for pages in found.values()), default=1) - 1


def _save(pdf) -> bytes:
    """pikepdf save with a classic cross-reference table (hand-written updates chain onto it)."""
    import pikepdf

    buf = io.BytesIO()
    pdf.save(
        buf,
        object_stream_mode=pikepdf.ObjectStreamMode.disable,
        deterministic_id=True,
        linearize=False,
    )
    return buf.getvalue()


def _placeholder(pdf, tag: str):
    """An indirect stream to be redefined by hand later; found again by its /AuditlibTag."""
    import pikepdf

    s = pikepdf.Stream(pdf, b" ")
    s.AuditlibTag = pikepdf.String(tag)
    return pdf.make_indirect(s)


def _tagged(data: bytes) -> dict[str, int]:
    """Object number of each placeholder by tag, in the saved bytes."""
    import pikepdf

    found: dict[str, int] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream) and "/AuditlibTag" in obj.stream_dict:
                found[str(obj.stream_dict.AuditlibTag)] = obj.objgen[0]
    return found


def _trailer_facts(data: bytes) -> tuple[int, int, int]:
    """(/Root object number, /Size, offset of the last cross-reference section)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.trailer.Root.objgen[0]
        size = int(pdf.trailer.Size)
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    return root, size, prev


def append_update(data: bytes, bodies: dict[int, bytes], new_size: int | None = None) -> bytes:
    """``data`` plus an incremental update (re)defining objects by number with raw bodies.

    A body is everything between ``N 0 obj`` and ``endobj``. A classic xref section and a
    trailer with /Prev chain onto the original, as a PDF editor's "save" would.
    """
    root, size, prev = _trailer_facts(data)
    out = bytearray(data)
    if not out.endswith(b"\n"):
        out += b"\n"
    offsets: dict[int, int] = {}
    for num in sorted(bodies):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + bodies[num] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    for num in sorted(offsets):
        out += b"%d 1\n%010d 00000 n \n" % (num, offsets[num])
    size = max(size, new_size or 0, max(bodies) + 1)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, prev, xref)
    return bytes(out)


def _stream(dictionary: bytes, raw: bytes) -> bytes:
    """A stream object's body with its exact /Length."""
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(raw) + raw + b"\nendstream"


def _open_base(base: Path):
    import pikepdf

    return pikepdf.open(base)


def _with_raw(base: Path, tags: list[str], attach: Callable, bodies: Callable[[dict[str, int]], dict[int, bytes]]):
    """Base saved with placeholders (``attach(pdf, page, placeholders)`` wires them in), then redefined raw."""
    index = table_page(base)
    with _open_base(base) as pdf:
        holders = {tag: _placeholder(pdf, tag) for tag in tags}
        attach(pdf, pdf.pages[index], holders)
        data = _save(pdf)
    return append_update(data, bodies(_tagged(data)))


def _add_content(page, stream) -> None:
    """Append a content stream to a page (its /Contents becomes an array)."""
    import pikepdf

    contents = page.obj.get("/Contents")
    if contents is None:
        page.obj.Contents = pikepdf.Array([stream])
    elif isinstance(contents, pikepdf.Array):
        contents.append(stream)
    else:
        page.obj.Contents = pikepdf.Array([contents, stream])


# ---------------------------------------------------------------- the bombs


def inflate_bomb(base: Path) -> bytes:
    """A table page gains a content stream that inflates to 2 GiB of zeros (white space to a parser)."""
    blob = zeros_flate(INFLATE_BYTES)
    return _with_raw(
        base,
        ["inflate"],
        lambda pdf, page, h: _add_content(page, h["inflate"]),
        lambda nums: {nums["inflate"]: _stream(b"/Filter /FlateDecode", blob)},
    )


def pages_bomb(base: Path) -> bytes:
    """5,000 pages: the base's pages, then its first table page repeated (shared content, small file).

    Written by hand (one short page dictionary per copy, the page-tree root redefined), which
    takes milliseconds where appending 5,000 pages through pikepdf takes seconds.
    """
    import pikepdf

    index = table_page(base)
    with _open_base(base) as pdf:
        data = _save(pdf)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root_pages = pdf.Root.Pages.objgen[0]
        kids = [k.objgen[0] for k in pdf.Root.Pages.Kids]
        if len(kids) != len(pdf.pages):
            raise ValueError("the base's page tree is not flat")
        page = pdf.pages[index].obj
        body = page.unparse(resolved=True)  # the dictionary itself, its references kept as "N 0 R"
        size = int(pdf.trailer.Size)
    copies = list(range(size, size + PAGE_COUNT - len(kids)))
    bodies = {num: body for num in copies}
    refs = b" ".join(b"%d 0 R" % k for k in [*kids, *copies])
    bodies[root_pages] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, PAGE_COUNT)
    return append_update(data, bodies, new_size=size + len(copies))


def image_bomb(base: Path) -> bytes:
    """A 20000x20000 RGB image (1.2 GB decoded, about 1.2 MB stored) drawn over a table page."""
    side = IMAGE_SIDE
    blob = zeros_flate(((side * side * 3 + _CHUNK - 1) // _CHUNK) * _CHUNK)

    def attach(pdf, page, h):
        import pikepdf

        page.add_resource(h["image"], pikepdf.Name.XObject, pikepdf.Name("/AuditlibImage"))
        draw = pikepdf.Stream(pdf, b"q 10 0 0 10 0 0 cm /AuditlibImage Do Q")
        _add_content(page, pdf.make_indirect(draw))

    image = b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8" % (
        side,
        side,
    )
    return _with_raw(
        base,
        ["image"],
        attach,
        lambda nums: {nums["image"]: _stream(image + b" /Filter /FlateDecode", blob)},
    )


def nesting_bomb(base: Path) -> bytes:
    """Arrays nested 10,000 deep, as an object in the table page's resources and in its content stream."""
    nested = b"[" * NESTING_DEPTH + b"]" * NESTING_DEPTH

    def attach(pdf, page, h):
        import pikepdf

        page.add_resource(h["object"], pikepdf.Name.Properties, pikepdf.Name("/AuditlibNest"))
        _add_content(page, h["content"])

    return _with_raw(
        base,
        ["object", "content"],
        attach,
        lambda nums: {nums["object"]: nested, nums["content"]: _stream(b"", nested + b" TJ")},
    )


def page_tree_cycle(base: Path) -> bytes:
    """The page tree's root gains, after its pages, an intermediate node whose only kid is the root."""
    with _open_base(base) as pdf:
        data = _save(pdf)
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        root_pages = pdf.Root.Pages.objgen[0]
        kids = [k.objgen[0] for k in pdf.Root.Pages.Kids]
        count = int(pdf.Root.Pages.Count)
        size = int(pdf.trailer.Size)
    loop = size
    refs = b" ".join(b"%d 0 R" % k for k in [*kids, loop])
    bodies = {
        root_pages: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, count + 1),
        loop: b"<< /Type /Pages /Parent %d 0 R /Kids [%d 0 R] /Count 1 >>" % (root_pages, root_pages),
    }
    return append_update(data, bodies, new_size=size + 1)


def xobject_self(base: Path) -> bytes:
    """A form XObject whose resources name itself and whose content draws itself, drawn on a table page."""

    def attach(pdf, page, h):
        import pikepdf

        form = pikepdf.Stream(pdf, b"q 0.5 0 0 0.5 10 10 cm /AuditlibSelf Do Q")
        form.Type = pikepdf.Name.XObject
        form.Subtype = pikepdf.Name.Form
        form.BBox = pikepdf.Array([0, 0, 595, 842])
        form = pdf.make_indirect(form)
        form.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(AuditlibSelf=form))
        page.add_resource(form, pikepdf.Name.XObject, pikepdf.Name("/AuditlibSelf"))
        _add_content(page, h["draw"])

    return _with_raw(
        base,
        ["draw"],
        attach,
        lambda nums: {nums["draw"]: _stream(b"", b"q /AuditlibSelf Do Q")},
    )


def length_self(base: Path) -> bytes:
    """A table page's extra content stream whose /Length is an indirect reference to the stream itself."""

    def body(nums):
        n = nums["stream"]
        return {n: b"<< /Length %d 0 R >>\nstream\nq 1 0 0 1 0 0 cm Q\nendstream" % n}

    return _with_raw(base, ["stream"], lambda pdf, page, h: _add_content(page, h["stream"]), body)


def huge_mediabox(base: Path) -> bytes:
    """A table page whose MediaBox (an indirect array) holds -9223372036854775808."""

    def attach(pdf, page, h):
        page.obj.MediaBox = h["box"]

    return _with_raw(
        base,
        ["box"],
        attach,
        lambda nums: {nums["box"]: b"[0 0 595 %d]" % HUGE_INTEGER},
    )


BOMBS: dict[str, Callable[[Path], bytes]] = {
    "inflate": inflate_bomb,
    "pages": pages_bomb,
    "image": image_bomb,
    "nesting": nesting_bomb,
    "page_tree_cycle": page_tree_cycle,
    "xobject_self": xobject_self,
    "length_self": length_self,
    "huge_mediabox": huge_mediabox,
}


def default_cache() -> Path:
    """Where built bombs are kept: ``$AUDITLIB_HOSTILE_CACHE``, else ``~/.cache/auditlib/hostile``."""
    env = os.environ.get("AUDITLIB_HOSTILE_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "auditlib" / "hostile"


def build_bomb(name: str, base: str | Path, out: str | Path, cache: str | Path | None = None) -> Path:
    """Write bomb ``name`` built from ``base`` to ``out``; reuse a cached build when ``cache`` is given.

    The cache key is the base's sha256, the name and ``BUILDER_VERSION``, so a changed base or
    builder never serves a stale file. Building is cheap except for ``pages`` (a few seconds).
    """
    base, out = Path(base), Path(out)
    builder = BOMBS[name]
    key = hashlib.sha256(base.read_bytes()).hexdigest()[:16]
    cached = Path(cache) / f"{name}-{key}-v{BUILDER_VERSION}.pdf" if cache is not None else None
    out.parent.mkdir(parents=True, exist_ok=True)
    if cached is not None and cached.is_file():
        shutil.copyfile(cached, out)
        return out
    data = builder(base)
    out.write_bytes(data)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, cached)
    return out


# ---------------------------------------------------------------- fuzz mutations
# The first six work on a bytearray in place and return what they did (test_fuzz's
# regression cases replay them by seed and iteration: keep their order and their
# use of the random generator unchanged).


def flip_bits(data: bytearray, rng: random.Random) -> str:
    n = rng.randint(1, 64)
    for _ in range(n):
        i = rng.randrange(len(data))
        data[i] ^= 1 << rng.randrange(8)
    return f"flip {n} bits"


def overwrite(data: bytearray, rng: random.Random) -> str:
    n = rng.randint(1, 8)
    for _ in range(n):
        i = rng.randrange(len(data))
        length = rng.randint(1, 256)
        data[i : i + length] = bytes(rng.randrange(256) for _ in range(min(length, len(data) - i)))
    return f"overwrite {n} runs"


def insert_garbage(data: bytearray, rng: random.Random) -> str:
    n = rng.randint(1, 4)
    for _ in range(n):
        i = rng.randrange(len(data) + 1)
        data[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 2048)))
    return f"insert {n} garbage blocks"


def truncate(data: bytearray, rng: random.Random) -> str:
    keep = rng.randrange(1, len(data))
    del data[keep:]
    return f"truncate at {keep}"


def damage_tail(data: bytearray, rng: random.Random) -> str:
    """Overwrite bytes in the last 2 KB: the cross-reference table and trailer."""
    n = rng.randint(1, 16)
    start = max(0, len(data) - 2048)
    for _ in range(n):
        data[rng.randrange(start, len(data))] = rng.choice(b"0123456789 \n\rxref<>/RobjZ")
    return f"damage {n} bytes of the xref/trailer"


def delete_range(data: bytearray, rng: random.Random) -> str:
    i = rng.randrange(len(data))
    length = rng.randint(1, 4096)
    del data[i : i + length]
    return f"delete {length} bytes at {i}"


#: The byte-level mutations test_fuzz replays (order is part of its regression cases).
BYTE_MUTATIONS = [flip_bits, overwrite, insert_garbage, truncate, damage_tail, delete_range]


def duplicate_range(data: bytearray, rng: random.Random) -> str:
    i = rng.randrange(len(data))
    length = rng.randint(1, 8192)
    chunk = bytes(data[i : i + length])
    at = rng.randrange(len(data) + 1)
    data[at:at] = chunk
    return f"duplicate {len(chunk)} bytes from {i} at {at}"


def truncate_tail(data: bytearray, rng: random.Random) -> str:
    """Lose the last few bytes (an interrupted download): %%EOF, startxref, part of the trailer."""
    n = rng.randint(1, 400)
    del data[max(1, len(data) - n) :]
    return f"drop the last {n} bytes"


def break_xref(data: bytearray, rng: random.Random) -> str:
    """Point startxref elsewhere, or damage the keywords of the cross-reference section and trailer."""
    choice = rng.randrange(3)
    if choice == 0:
        m = list(re.finditer(rb"startxref\s+(\d+)", data))
        if m:
            last = m[-1]
            value = str(rng.choice([0, 1, rng.randrange(len(data)), len(data) * 10, 2**63])).encode()
            data[last.start(1) : last.end(1)] = value
            return f"startxref -> {value.decode()}"
    if choice == 1:
        for word in (b"trailer", b"xref"):
            at = data.rfind(word)
            if at >= 0:
                data[at : at + len(word)] = bytes(rng.randrange(97, 123) for _ in word)
                return f"garble the last {word.decode()} keyword"
    # Shift every offset of one cross-reference subsection.
    m = list(re.finditer(rb"(\d{10}) (\d{5}) n", data))
    if not m:
        return flip_bits(data, rng)
    delta = rng.choice([-7, -1, 1, 13, 1000])
    picks = rng.sample(m, min(len(m), rng.randint(1, 20)))
    for entry in sorted(picks, key=lambda e: -e.start()):
        value = max(0, int(entry.group(1)) + delta)
        data[entry.start(1) : entry.end(1)] = b"%010d" % value
    return f"shift {len(picks)} xref offsets by {delta}"


def wrong_length(data: bytearray, rng: random.Random) -> str:
    """Give stream /Length values the wrong number (too short, too long, negative, huge)."""
    m = list(re.finditer(rb"/Length (\d+)(?! \d+ R)", data))
    if not m:
        return flip_bits(data, rng)
    picks = rng.sample(m, min(len(m), rng.randint(1, 5)))
    values = []
    for entry in sorted(picks, key=lambda e: -e.start()):
        old = int(entry.group(1))
        value = rng.choice([0, max(0, old - rng.randint(1, 64)), old + rng.randint(1, 4096), -1, 2**62, HUGE_INTEGER])
        data[entry.start(1) : entry.end(1)] = str(value).encode()
        values.append(value)
    return f"/Length of {len(picks)} streams -> {values}"


def huge_numbers(data: bytearray, rng: random.Random) -> str:
    """Huge or negative integers in page boxes, image sizes and page-tree counts."""
    key = rng.choice(
        [rb"/MediaBox\s*\[[^\]]*\]", rb"/CropBox\s*\[[^\]]*\]", rb"/Width \d+", rb"/Height \d+", rb"/Count \d+"]
    )
    m = list(re.finditer(key, data))
    if not m:
        return flip_bits(data, rng)
    entry = rng.choice(m)
    big = rng.choice([HUGE_INTEGER, 2**63 - 1, 2**31, 10**12, -(10**9), 99999999999999999999])
    text = bytes(data[entry.start() : entry.end()])
    numbers = list(re.finditer(rb"-?\d+(\.\d+)?", text))
    if not numbers:
        return flip_bits(data, rng)
    n = rng.choice(numbers)
    new = text[: n.start()] + str(big).encode() + text[n.end() :]
    data[entry.start() : entry.end()] = new
    return f"{text.split()[0].decode(errors='replace')} number -> {big}"


def corrupt_content(data: bytearray, rng: random.Random) -> str:
    """Rewrite one page's content stream with damage a parser must survive (pikepdf keeps the file valid).

    Operators deleted or swapped, operands replaced by huge or absurd values, unbalanced q/Q,
    BT without ET, random tokens; the stream is stored again with its right /Length.
    """
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(bytes(data))) as pdf:
            page = pdf.pages[rng.randrange(len(pdf.pages))]
            raw = page.obj.Contents.read_bytes() if isinstance(page.obj.get("/Contents"), pikepdf.Stream) else None
            if raw is None:
                content = b"\n".join(s.read_bytes() for s in page.obj.get("/Contents", []))
            else:
                content = raw
            tokens = content.split()
            if not tokens:
                return flip_bits(data, rng)
            junk = [b"Q", b"q", b"BT", b"ET", b"Tj", b"TJ", b"Do", b"cm", b"re", b"f", b"[", b"]", b"(", b"<<", b"<"]
            how = rng.randrange(4)
            for _ in range(rng.randint(1, 50)):
                i = rng.randrange(len(tokens))
                if how == 0:
                    del tokens[i : i + rng.randint(1, 3)]
                elif how == 1:
                    tokens[i] = str(rng.choice([HUGE_INTEGER, 2**63 - 1, 1e308, -1e38, 0])).encode()
                elif how == 2:
                    tokens.insert(i, rng.choice(junk))
                else:
                    tokens[i] = bytes(rng.randrange(33, 127) for _ in range(rng.randint(1, 8)))
                if not tokens:
                    break
            page.obj.Contents = pikepdf.Stream(pdf, b" ".join(tokens))
            out = _save(pdf)
    except Exception:  # noqa: BLE001 - input already broken by an earlier mutation: damage its bytes instead
        return flip_bits(data, rng)
    data[:] = out
    return f"corrupt the content stream of a page ({['delete', 'absurd operands', 'insert', 'random'][how]})"


#: Every mutation ``mutate`` chooses from.
MUTATIONS = [
    *BYTE_MUTATIONS,
    duplicate_range,
    truncate_tail,
    break_xref,
    wrong_length,
    huge_numbers,
    corrupt_content,
]


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One or two seeded mutations of ``data``: (mutated bytes, what was done)."""
    buf = bytearray(data)
    kinds = [rng.choice(MUTATIONS)]
    if rng.random() < 0.3:
        kinds.append(rng.choice(MUTATIONS))
    done = []
    for kind in kinds:
        if not buf:
            break
        done.append(kind(buf, rng))
    return bytes(buf), "; ".join(done)
