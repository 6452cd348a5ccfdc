"""Hostile PDF files: the bomb builder, the structure checks before reading, qpdf's repair.

The bombs are checked by their structure (pikepdf, bytes), never by feeding them to PDFium or
Camelot in this process: a refusal is tested through ``read_text`` only where the structure check
refuses before any page is read (cheap and safe). The command line on bombs is in
test_hostile_end_to_end.py.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from auditlib.reading.pdf import NOTE_QPDF_REPAIRED, InputError, read_text, readable_pdf, sweep_stale_copies
from auditlib.reading.precheck import BOX_LIMIT, MAX_INFLATED, NOTE_LENGTH_REPAIRED
from auditlib.samples import hostile

from conftest import RAW

BASE = RAW / "sample-wuhan-small-2024.pdf"


@pytest.fixture(scope="session")
def bombs(tmp_path_factory) -> dict[str, Path]:
    """Every bomb, built once from the small sample (about 3 s, the 5,000 pages most of it)."""
    folder = tmp_path_factory.mktemp("bombs")
    return {name: hostile.build_bomb(name, BASE, folder / f"{name}.pdf") for name in hostile.BOMBS}


def _objects(path: Path):
    import pikepdf

    return pikepdf.open(path)


# ---------------------------------------------------------------- the builder


def test_zeros_flate_inflates_to_exactly_its_size():
    size = 8 << 20
    blob = hostile.zeros_flate(size)
    d = zlib.decompressobj()
    total, buf = 0, blob
    while buf:
        out = d.decompress(buf, 1 << 20)
        assert out.count(0) == len(out)
        total += len(out)
        buf = d.unconsumed_tail
    assert total == size and d.eof and not d.unused_data  # the Adler-32 checked by zlib at the end
    assert len(blob) < size // 500


def test_bombs_are_deterministic_and_cached(tmp_path: Path):
    a = hostile.build_bomb("huge_mediabox", BASE, tmp_path / "a.pdf", cache=tmp_path / "cache")
    b = hostile.build_bomb("huge_mediabox", BASE, tmp_path / "b.pdf")
    assert a.read_bytes() == b.read_bytes()
    assert len(list((tmp_path / "cache").glob("huge_mediabox-*.pdf"))) == 1
    c = hostile.build_bomb("huge_mediabox", BASE, tmp_path / "c.pdf", cache=tmp_path / "cache")
    assert c.read_bytes() == a.read_bytes()


def test_inflate_bomb_holds_a_2_gib_stream_on_a_table_page(bombs):
    import pikepdf

    index = hostile.table_page(BASE)
    with _objects(bombs["inflate"]) as pdf:
        contents = pdf.pages[index].obj.Contents
        assert isinstance(contents, pikepdf.Array)
        raw = contents[-1].read_raw_bytes()
    assert contents is not None and raw == hostile.zeros_flate(hostile.INFLATE_BYTES)
    assert hostile.INFLATE_BYTES >= 2 * 10**9 and len(raw) < 3 << 20
    # The stream really decodes (a bounded look at its start).
    assert hostile.inflated_size(raw, 64 << 20) > 64 << 20


def test_inflate_bomb_is_2_gib_by_construction(bombs):
    """The whole stream is not inflated here (2 GiB, seconds): it is the 8 MiB case above with the
    same block repeated, and its Adler-32 is that of 2 GiB of zeros."""
    blob = hostile.zeros_flate(hostile.INFLATE_BYTES)
    small = hostile.zeros_flate(8 << 20)  # inflated whole in test_zeros_flate_inflates_to_exactly_its_size
    blocks = hostile.INFLATE_BYTES >> 20
    step, rest = divmod(len(blob) - len(small), blocks - 8)
    first = len(small) - 6 - 7 * step
    assert rest == 0 and step > 0
    assert blob == small[:first] + small[first : first + step] * (blocks - 1) + b"\x03\x00" + blob[-4:]
    assert blob[-4:] == (((hostile.INFLATE_BYTES % 65521) << 16) | 1).to_bytes(4, "big")


def test_pages_bomb_has_5000_pages_sharing_one_content(bombs):
    with _objects(bombs["pages"]) as pdf:
        assert len(pdf.pages) == hostile.PAGE_COUNT
        last = pdf.pages[-1].obj.Contents
        assert last.objgen == pdf.pages[hostile.table_page(BASE)].obj.Contents.objgen
    assert bombs["pages"].stat().st_size < 5 << 20


def test_image_bomb_declares_20000_by_20000_pixels(bombs):
    import pikepdf

    with _objects(bombs["image"]) as pdf:
        xobjects = pdf.pages[hostile.table_page(BASE)].obj.Resources.XObject
        image = xobjects.AuditlibImage
        assert image.Subtype == pikepdf.Name.Image
        assert (int(image.Width), int(image.Height)) == (hostile.IMAGE_SIDE, hostile.IMAGE_SIDE)
        assert image.ColorSpace == pikepdf.Name.DeviceRGB
        raw = image.read_raw_bytes()
    assert hostile.inflated_size(raw, 32 << 20) > 32 << 20 and len(raw) < 2 << 20


def test_nesting_bomb_nests_10000_arrays(bombs):
    data = bombs["nesting"].read_bytes()
    depth = max(len(m.group(0)) for m in re.finditer(rb"\[+", data))
    assert depth >= hostile.NESTING_DEPTH
    # qpdf cuts the object while parsing (its nesting limit), so look at the bytes: the name in the
    # table page's resources points at the object that opens 10,000 arrays.
    number = int(re.search(rb"/AuditlibNest (\d+) 0 R", data).group(1))
    assert b"\n%d 0 obj\n" % number + b"[" * hostile.NESTING_DEPTH in data


def test_page_tree_cycle_has_a_node_whose_kid_is_the_root(bombs):
    data = bombs["page_tree_cycle"].read_bytes()
    root = int(re.findall(rb"/Pages (\d+) 0 R", data)[0])
    node = re.search(rb"/Type /Pages /Parent %d 0 R /Kids \[%d 0 R\]" % (root, root), data)
    assert node, "no page-tree node whose only kid is the root"
    import pikepdf

    with pytest.raises(pikepdf.PdfError, match="(?i)loop"):
        with _objects(bombs["page_tree_cycle"]) as pdf:
            len(pdf.pages)


def test_xobject_self_draws_itself(bombs):
    with _objects(bombs["xobject_self"]) as pdf:
        form = pdf.pages[hostile.table_page(BASE)].obj.Resources.XObject.AuditlibSelf
        assert form.Resources.XObject.AuditlibSelf.objgen == form.objgen
        assert b"/AuditlibSelf Do" in form.read_bytes()


def test_length_self_refers_to_its_own_stream(bombs):
    data = bombs["length_self"].read_bytes()
    assert re.search(rb"\n(\d+) 0 obj\n<< /Length \1 0 R >>\nstream\n", data)


def test_huge_mediabox_holds_the_smallest_64_bit_integer(bombs):
    with _objects(bombs["huge_mediabox"]) as pdf:
        box = pdf.pages[hostile.table_page(BASE)].obj.MediaBox
        assert int(box[3]) == hostile.HUGE_INTEGER == -(2**63)


# ---------------------------------------------------------------- fuzz mutations


def test_mutations_are_seeded_and_change_the_bytes():
    data = BASE.read_bytes()
    seen = set()
    for i in range(30):
        a = hostile.mutate(data, random.Random(f"t-{i}"))
        b = hostile.mutate(data, random.Random(f"t-{i}"))
        assert a == b
        assert a[0] != data and a[1]
        seen.add(a[1].split()[0])
    assert len(seen) >= 6


@pytest.mark.parametrize("kind", hostile.MUTATIONS, ids=lambda k: k.__name__)
def test_each_mutation_runs_on_a_report(kind):
    buf = bytearray(BASE.read_bytes())
    how = kind(buf, random.Random(kind.__name__))
    assert how and bytes(buf) != BASE.read_bytes()


# ---------------------------------------------------------------- the structure checks (read_text)


@pytest.mark.parametrize(
    ("name", "cause"),
    [
        ("huge_mediabox", r"^page size out of range \(page \d+\)$"),
        ("image", r"^image of 20000x20000 pixels over the 256 MB limit once decoded$"),
        ("nesting", r"^nesting too deep"),
        ("page_tree_cycle", r"^circular page tree"),
        ("xobject_self", r"^a form XObject draws itself \(page \d+\)$"),
        ("pages", r"^5000 pages, over --max-pages 1000$"),
    ],
)
def test_precheck_refuses_before_reading_a_page(bombs, name, cause, monkeypatch):
    import pypdfium2 as pdfium

    def no_reading(*args, **kwargs):
        raise AssertionError("a page's text was read before the structure checks")

    monkeypatch.setattr(pdfium.PdfPage, "get_textpage", no_reading)
    with pytest.raises(InputError, match=cause):
        read_text(bombs[name], max_pages=1000)


@pytest.mark.slow
def test_inflate_bomb_refused_with_bounded_memory(bombs):
    """Counting stops at the limit: the 2 GiB stream is never inflated whole, nor held."""
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(InputError, match=rf"^a compressed stream inflates to over {MAX_INFLATED >> 20} MB$"):
        read_text(bombs["inflate"])
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KB


def _with_box(dest: Path, box: list[float], on_root: bool = False) -> Path:
    import pikepdf

    with pikepdf.open(BASE) as pdf:
        if on_root:  # inherited: no page has its own MediaBox
            for page in pdf.pages:
                del page.obj["/MediaBox"]
            pdf.Root.Pages.MediaBox = pikepdf.Array(box)
        else:
            pdf.pages[2].obj.CropBox = pikepdf.Array(box)
        pdf.save(dest)
    return dest


def test_box_limit_is_the_specifications_largest_page(tmp_path: Path):
    assert read_text(_with_box(tmp_path / "ok.pdf", [0, 0, BOX_LIMIT, BOX_LIMIT])).page_count
    with pytest.raises(InputError, match=r"^page size out of range \(page 3\)$"):
        read_text(_with_box(tmp_path / "crop.pdf", [0, 0, 595, BOX_LIMIT + 1]))
    with pytest.raises(InputError, match=r"^page size out of range \(page 1\)$"):
        read_text(_with_box(tmp_path / "inherited.pdf", [-BOX_LIMIT - 1, 0, 595, 842], on_root=True))


def test_self_referencing_length_is_read_with_a_note(bombs):
    """qpdf recovers the stream's length; Camelot will read qpdf's rewritten copy."""
    text = read_text(bombs["length_self"])
    assert NOTE_LENGTH_REPAIRED in text.notes and text.needs_copy
    assert text.pages == read_text(BASE).pages


def test_clean_report_passes_the_checks_without_notes():
    text = read_text(BASE)
    assert text.notes == [] and not text.needs_copy


# ---------------------------------------------------------------- qpdf's repair and temporary copies


def _truncated(dest: Path, cut: int = 35) -> Path:
    dest.write_bytes(BASE.read_bytes()[:-cut])
    return dest


def test_truncated_file_is_read_from_a_repaired_copy(tmp_path: Path):
    pdf = _truncated(tmp_path / "cut.pdf")
    import pypdfium2 as pdfium

    with pytest.raises(pdfium.PdfiumError):
        pdfium.PdfDocument(str(pdf))  # the premise: PDFium refuses it
    text = read_text(pdf)
    assert text.notes[0] == NOTE_QPDF_REPAIRED and text.needs_copy
    assert text.pages == read_text(BASE).pages
    assert text.sha256 != read_text(BASE).sha256  # the file as given, not the copy


def test_readable_pdf_removes_its_copy_even_on_error(tmp_path: Path):
    pdf = _truncated(tmp_path / "cut.pdf")
    with pytest.raises(RuntimeError), readable_pdf(pdf) as source:
        assert source != pdf and source.is_file()
        assert source.parent.name.startswith(f"auditlib-copy-{os.getpid()}-")
        copy = source
        raise RuntimeError
    assert not copy.exists() and not copy.parent.exists()
    with readable_pdf(BASE) as source:
        assert source == BASE


def test_unrepairable_file_keeps_its_cause(tmp_path: Path):
    pdf = tmp_path / "half.pdf"
    pdf.write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + bytes(200))
    with pytest.raises(InputError, match=r"^damaged PDF"):
        read_text(pdf)


def test_sweep_removes_copies_of_dead_processes_only(tmp_path: Path):
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(done.stdout)
    stale = tmp_path / f"auditlib-copy-{dead}-abc"
    mine = tmp_path / f"auditlib-copy-{os.getpid()}-def"
    other = tmp_path / "auditlib-copy-old"
    for folder in (stale, mine):
        folder.mkdir()
        (folder / "document.pdf").write_bytes(b"%PDF-")
    other.mkdir()
    os.utime(other, (0, 0))  # an old folder without a pid: removed after a day
    young = tmp_path / "auditlib-copy-young"
    young.mkdir()
    assert sweep_stale_copies(tmp_path) == 2
    assert not stale.exists() and not other.exists() and mine.exists() and young.exists()


@pytest.mark.slow
def test_truncated_report_is_repaired_with_a_note_and_a_finding(tmp_path: Path):
    """A report missing its last 35 bytes: audited from qpdf's copy, noted, and flagged as damaged."""
    from auditlib.reading.pipeline import read_report
    from auditlib.rules import audit

    pdf = _truncated(tmp_path / "cut.pdf")
    report = read_report(pdf, cache=None)
    assert report.notes[0] == NOTE_QPDF_REPAIRED
    clean = read_report(BASE, cache=None)
    assert sorted(report.tables) == sorted(clean.tables)
    findings = audit(report).findings
    flagged = [f for f in findings if f.rule_id == "form.file_intact"]
    assert len(flagged) == 1 and flagged[0].severity == "warning"
    assert not any(f.rule_id == "form.file_intact" for f in audit(clean).findings)
    assert not list(Path(os.environ.get("TMPDIR", "/tmp")).glob(f"auditlib-copy-{os.getpid()}-*"))
