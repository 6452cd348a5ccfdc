"""Bad input, one document at a time: every outcome of docs/contract.md section 1.

The corpus is generated here from the committed sample PDFs (data/raw), in
tmp_path: nothing binary is committed for these tests. Each case runs the real
command line in a subprocess and checks the exit status, the one-line cause on
stderr (exit 3), that nothing is left in --out (exit 3), and the notes that
report.json carries for documents that were audited despite a defect.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import RAW, ROOT

pytestmark = pytest.mark.slow  # the command line on PDFs, a 300-page document

SMALL = RAW / "sample-wuhan-small-2024.pdf"
YUAN = RAW / "sample-yuan-street-2023.pdf"
MISSING = RAW / "mutants" / "wuchang-bigdata-2023-m05-missing.pdf"


def run_cli(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "auditlib.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
    )


def audit(pdf: Path, out: Path, *extra: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return run_cli("audit", str(pdf), "--out", str(out), "--no-cache", *extra, timeout=timeout)


def assert_unauditable(
    done: subprocess.CompletedProcess, pdf: Path, out: Path, cause: str, out_existed: bool = False
) -> str:
    """Exit 3, exactly one line `auditlib: <file as given>: <cause>`, nothing in --out.

    An --out that did not exist before the run does not exist after it; one that
    did is left empty (it may be the user's folder)."""
    assert done.returncode == 3, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"auditlib: {pdf}: "), lines[0]
    assert cause in lines[0], lines[0]
    if out_existed:
        assert out.is_dir() and not any(out.iterdir()), sorted(p.name for p in out.rglob("*"))
    else:
        assert not out.exists(), sorted(p.name for p in out.rglob("*"))
    return lines[0]


def assert_audited(done: subprocess.CompletedProcess, out: Path) -> dict:
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert (out / "findings.json").is_file() and (out / "checks.csv").is_file()
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- corpus builders


def make_truncated(dest: Path, source: Path = SMALL) -> Path:
    data = source.read_bytes()
    dest.write_bytes(data[: len(data) // 2])
    return dest


def make_html(dest: Path) -> Path:
    dest.write_bytes(
        b"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>2024\xe5\xb9\xb4\xe5\xba\xa6</title></head>"
        b"<body><p>The report moved: <a href='report.pdf'>report.pdf</a></p></body></html>\n"
    )
    return dest


def make_zip(dest: Path, stored: bool = False, source: Path = SMALL) -> Path:
    """A ZIP archive holding the sample, renamed .pdf (stored: the PDF bytes sit uncompressed inside)."""
    buf = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buf, "w", compression=method) as archive:
        archive.writestr(source.name, source.read_bytes())
    dest.write_bytes(buf.getvalue())
    return dest


def make_user_password(dest: Path, source: Path = SMALL) -> Path:
    import pikepdf

    with pikepdf.open(source) as pdf:
        pdf.save(dest, encryption=pikepdf.Encryption(user="secret", owner="owner-secret"))
    return dest


def make_owner_password_only(dest: Path, source: Path = SMALL) -> Path:
    """Opens without a password; copying text and editing are forbidden."""
    import pikepdf

    allow = pikepdf.Permissions(
        extract=False,
        accessibility=False,
        modify_other=False,
        modify_annotation=False,
        modify_form=False,
        modify_assembly=False,
    )
    with pikepdf.open(source) as pdf:
        pdf.save(dest, encryption=pikepdf.Encryption(user="", owner="owner-secret", allow=allow))
    return dest


def make_scanned(dest: Path, source: Path = SMALL, scale: float = 1.0) -> Path:
    """Every page rendered to an image; a PDF of those images only (no text layer)."""
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    doc = pdfium.PdfDocument(str(source))
    try:
        c = None
        for i in range(len(doc)):
            page = doc[i]
            width, height = page.get_size()
            image = page.render(scale=scale).to_pil().convert("L")
            page.close()
            if c is None:
                c = canvas.Canvas(str(dest), pagesize=(width, height), pageCompression=1)
            c.setPageSize((width, height))
            c.drawImage(ImageReader(image), 0, 0, width=width, height=height)
            c.showPage()
        c.save()
    finally:
        doc.close()
    return dest


def make_unrelated_table(dest: Path) -> Path:
    """A ruled table that has nothing to do with final accounts."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    styles = getSampleStyleSheet()
    rows = [["Item", "Quantity", "Unit price", "Amount"]]
    rows += [
        [f"Fruit crate {i}", str(10 + i), f"{2.5 + i / 10:.2f}", f"{(10 + i) * (2.5 + i / 10):.2f}"] for i in range(25)
    ]
    rows.append(["Total", "", "", f"{sum((10 + i) * (2.5 + i / 10) for i in range(25)):.2f}"])
    table = Table(rows)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story = [Paragraph("Quarterly fruit sales of the canteen (unit: yuan)", styles["Title"]), table]
    SimpleDocTemplate(str(dest), pagesize=A4).build(story)
    return dest


def narrative_pages(dest: Path, count: int) -> Path:
    """`count` pages of Chinese narrative-like text (reportlab, built-in CID font: no font file needed)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    sentences = [
        "本附录收录档案整理、数字化加工和查阅利用工作的过程记录，供内部参考。",
        "年内接待查档群众，提供档案咨询服务，开展档案宣传月活动。",
        "完成馆藏档案的抢救性修复和异地备份，库房温湿度全年达标。",
        "加强档案安全管理，开展消防演练和安全检查，未发生安全事故。",
        "推进机关档案规范化管理，指导所属单位完成年度归档工作。",
    ]
    c = canvas.Canvas(str(dest), pagesize=A4, pageCompression=1)
    for n in range(count):
        c.setFont("STSong-Light", 11)
        c.drawString(72, 780, f"附录 工作记录（续）第{n + 1}页")
        y = 750
        for line in range(36):
            c.drawString(72, y, sentences[(n + line) % len(sentences)])
            y -= 19
        c.showPage()
    c.save()
    return dest


def make_long(dest: Path, pages: int = 300, source: Path = SMALL) -> Path:
    """The sample followed by narrative pages up to `pages` pages."""
    import pikepdf

    extra = narrative_pages(dest.with_name(dest.stem + "-extra.pdf"), 1)
    with pikepdf.open(source) as pdf, pikepdf.open(extra) as more:
        while len(pdf.pages) < pages:  # page duplication: one narrative page, many times
            pdf.pages.append(more.pages[0])
        pdf.save(dest)
    extra.unlink()
    return dest


def make_damaged_xref(dest: Path, source: Path = SMALL) -> Path:
    """Every cross-reference offset moved by 7 bytes and startxref pointing nowhere."""
    data = source.read_bytes()
    at = data.rfind(b"\nxref\n")
    assert at > 0, "the sample has a classic cross-reference table"
    head, tail = data[:at], data[at:]
    tail = re.sub(rb"(\d{10})( \d{5} n)", lambda m: b"%010d" % (int(m.group(1)) + 7) + m.group(2), tail)
    tail = re.sub(rb"startxref\s+\d+", b"startxref\n999999", tail)
    dest.write_bytes(head + tail)
    return dest


def make_javascript(dest: Path, source: Path = SMALL) -> Path:
    import pikepdf

    with pikepdf.open(source) as pdf:
        action = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Action,
                S=pikepdf.Name.JavaScript,
                JS=pikepdf.String("app.alert('auditlib must never run this');"),
            )
        )
        pdf.Root.OpenAction = action
        pdf.save(dest)
    return dest


def make_embedded_file(dest: Path, source: Path = SMALL) -> Path:
    import pikepdf

    with pikepdf.open(source) as pdf:
        pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(
            pdf, b"MZ\x90\x00 not a real program", mime_type="application/octet-stream"
        )
        pdf.save(dest)
    return dest


# ---------------------------------------------------------------- unauditable: exit 3


def test_empty_file(tmp_path: Path):
    pdf = tmp_path / "empty.pdf"
    pdf.write_bytes(b"")
    out = tmp_path / "out"
    assert_unauditable(audit(pdf, out), pdf, out, "empty file")


def test_truncated_pdf(tmp_path: Path):
    pdf = make_truncated(tmp_path / "truncated.pdf")
    out = tmp_path / "out"
    assert_unauditable(audit(pdf, out), pdf, out, "damaged PDF")


def test_html_renamed_pdf(tmp_path: Path):
    pdf = make_html(tmp_path / "report.pdf")
    out = tmp_path / "out"
    assert_unauditable(audit(pdf, out), pdf, out, "not a PDF")


@pytest.mark.parametrize("stored", [False, True], ids=["deflated", "stored"])
def test_zip_renamed_pdf(tmp_path: Path, stored: bool):
    # A stored ZIP carries the PDF's %PDF header within its first kilobyte, which
    # PDFium would accept: the ZIP signature at offset 0 decides.
    pdf = make_zip(tmp_path / "report.pdf", stored=stored)
    out = tmp_path / "out"
    assert_unauditable(audit(pdf, out), pdf, out, "not a PDF (a ZIP archive)")


def test_user_password(tmp_path: Path):
    pdf = make_user_password(tmp_path / "locked.pdf")
    out = tmp_path / "out"
    line = assert_unauditable(audit(pdf, out), pdf, out, "encrypted")
    assert "--password" in line
    assert_unauditable(audit(pdf, out, "--password", "wrong"), pdf, out, "encrypted: the password given is wrong")
    report = assert_audited(audit(pdf, out, "--password", "secret"), out)
    assert report["tables_missing"] == [] and report["department"] == "示例市示例区档案馆"


def test_scanned_report_has_no_text_layer(tmp_path: Path):
    pdf = make_scanned(tmp_path / "scanned.pdf")
    out = tmp_path / "out"
    assert_unauditable(audit(pdf, out), pdf, out, "no text layer (scanned")


def test_unrelated_pdf_with_a_table(tmp_path: Path):
    pdf = make_unrelated_table(tmp_path / "fruit.pdf")
    out = tmp_path / "out"
    assert_unauditable(audit(pdf, out), pdf, out, "not a final-accounts report")


def test_exit_3_removes_what_an_earlier_run_wrote(tmp_path: Path):
    out = tmp_path / "out"
    assert_audited(audit(SMALL, out), out)
    pdf = make_truncated(tmp_path / "truncated.pdf")
    assert_unauditable(audit(pdf, out), pdf, out, "damaged PDF", out_existed=True)


# ---------------------------------------------------------------- audited despite a defect


def test_owner_password_only_is_audited_with_a_note(tmp_path: Path):
    pdf = make_owner_password_only(tmp_path / "restricted.pdf")
    out = tmp_path / "out"
    report = assert_audited(audit(pdf, out), out)
    assert "owner password only: permissions restricted" in report["notes"]
    assert report["tables_missing"] == []
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert not [f for f in findings["findings"] if f["rule_id"].startswith("completeness.")]


def test_report_with_a_missing_table_gets_a_completeness_finding(tmp_path: Path):
    out = tmp_path / "out"
    report = assert_audited(audit(MISSING, out), out)
    assert report["tables_missing"]
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))["findings"]
    assert any(f["rule_id"] == "completeness.tables_present" for f in findings)


def test_report_in_yuan(tmp_path: Path):
    out = tmp_path / "out"
    report = assert_audited(audit(YUAN, out), out)
    assert set(report["units"].values()) == {"元"}
    assert len(report["units"]) == 9


def test_damaged_xref_is_repaired_with_a_note(tmp_path: Path):
    pdf = make_damaged_xref(tmp_path / "damaged.pdf")
    out = tmp_path / "out"
    report = assert_audited(audit(pdf, out), out)
    assert "damaged cross-reference table: repaired" in report["notes"]
    assert report["tables_missing"] == []
    clean = tmp_path / "clean"
    assert_audited(audit(SMALL, clean), clean)
    assert (out / "tables" / "income.csv").read_bytes() == (clean / "tables" / "income.csv").read_bytes()
    # The same findings as the clean file, plus the one that says the file is damaged.
    damaged = json.loads((out / "findings.json").read_text(encoding="utf-8"))["findings"]
    intact = json.loads((clean / "findings.json").read_text(encoding="utf-8"))["findings"]
    assert [f["rule_id"] for f in damaged if f not in intact] == ["form.file_intact"]
    assert [f for f in damaged if f["rule_id"] != "form.file_intact"] == intact


def test_javascript_is_noted_never_run(tmp_path: Path):
    pdf = make_javascript(tmp_path / "script.pdf")
    out = tmp_path / "out"
    report = assert_audited(audit(pdf, out), out)
    assert "contains JavaScript: not executed" in report["notes"]
    assert "contains embedded files: not opened" not in report["notes"]
    assert report["tables_missing"] == []


def test_embedded_file_is_noted_never_opened(tmp_path: Path):
    pdf = make_embedded_file(tmp_path / "attachment.pdf")
    out = tmp_path / "out"
    report = assert_audited(audit(pdf, out), out)
    assert "contains embedded files: not opened" in report["notes"]
    assert "contains JavaScript: not executed" not in report["notes"]
    assert sorted(p.name for p in out.rglob("*") if "payload" in p.name) == []


def test_clean_sample_has_no_notes_about_the_file(tmp_path: Path):
    out = tmp_path / "out"
    report = assert_audited(audit(SMALL, out), out)
    file_notes = ("owner password", "JavaScript", "embedded files", "cross-reference")
    assert not [n for n in report["notes"] if any(k in n for k in file_notes)]


def test_odd_file_name_writes_only_inside_out(tmp_path: Path):
    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    pdf = work / "sub" / "..my \"final\" 'accounts' .. 2024 ..pdf"
    pdf.write_bytes(SMALL.read_bytes())
    out = tmp_path / "out dir"
    before = {p for p in tmp_path.rglob("*")}
    report = assert_audited(audit(pdf, out), out)
    assert report["source"]["file"] == pdf.name
    after = {p for p in tmp_path.rglob("*")}
    assert all(out in p.parents or p == out for p in after - before), sorted(map(str, after - before))
    # The same through a path that walks up with `..`.
    relative = pdf.parent / ".." / "sub" / pdf.name
    out2 = tmp_path / "out2"
    assert_audited(audit(relative, out2), out2)
    assert {p for p in tmp_path.rglob("*")} - after - {out2} <= set(out2.rglob("*"))


# ---------------------------------------------------------------- limits


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory) -> Path:
    return make_long(tmp_path_factory.mktemp("long") / "long-300.pdf", pages=300)


def test_300_pages_audited_within_default_limits(long_pdf: Path, tmp_path: Path):
    out = tmp_path / "out"
    report = assert_audited(audit(long_pdf, out), out)
    assert report["source"]["pages"] == 300
    assert report["tables_missing"] == []


def test_300_pages_over_max_pages(long_pdf: Path, tmp_path: Path):
    import time

    out = tmp_path / "out"
    started = time.monotonic()
    done = audit(long_pdf, out, "--max-pages", "100")
    assert_unauditable(done, long_pdf, out, "300 pages, over --max-pages 100")
    assert time.monotonic() - started < 20  # refused before any heavy work


def test_max_pages_refuses_before_reading_any_page(long_pdf: Path, monkeypatch):
    import pypdfium2 as pdfium

    from auditlib.reading.pdf import InputError
    from auditlib.reading.pipeline import read_report

    def no_reading(*args, **kwargs):
        raise AssertionError("a page was read before --max-pages was checked")

    monkeypatch.setattr(pdfium.PdfPage, "get_textpage", no_reading)
    monkeypatch.setattr("auditlib.reading.pdf.inspect_structure", no_reading)
    with pytest.raises(InputError, match=r"^300 pages, over --max-pages 299$"):
        read_report(long_pdf, max_pages=299)


def test_300_pages_over_timeout(long_pdf: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert_unauditable(audit(long_pdf, out, "--timeout", "0.5"), long_pdf, out, "over --timeout 0.5 s")


def test_timeout_stops_inside_a_long_camelot_call(tmp_path: Path):
    """The alarm fires inside Camelot (which swallows ordinary exceptions) and still stops the run."""
    script = tmp_path / "slow.py"
    script.write_text(
        "import sys, time\n"
        "import camelot\n"
        "def slow(*args, **kwargs):\n"
        "    time.sleep(60)\n"
        "    return []\n"
        "camelot.read_pdf = slow\n"
        "from auditlib.cli import main\n"
        "raise SystemExit(main(sys.argv[1:]))\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    import time

    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(script), "audit", str(SMALL), "--out", str(out), "--no-cache", "--timeout", "2"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert time.monotonic() - started < 30
    assert_unauditable(done, SMALL, out, "over --timeout 2 s")


def test_timeout_handler_is_restored_in_process(tmp_path: Path):
    import signal

    from auditlib.cli import main

    before = signal.getsignal(signal.SIGALRM)
    assert main(["extract", str(SMALL), "--out", str(tmp_path / "out"), "--no-cache", "--timeout", "120"]) == 0
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf"])
def test_bad_timeout_is_a_usage_error(tmp_path: Path, value: str):
    done = audit(SMALL, tmp_path / "out", f"--timeout={value}")
    assert done.returncode == 2, done.stderr
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- in-process checks


@pytest.mark.parametrize(
    "head, cause",
    [
        (b"", "empty file"),
        (b"PK\x03\x04\x14\x00" + b"%PDF-1.4" * 4, "not a PDF (a ZIP archive)"),
        (b"\x89PNG\r\n\x1a\n", "not a PDF (a PNG image)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "not a PDF (an OLE (old Office) document)"),
        (b"  <!DOCTYPE html><html>%PDF-1.4", "not a PDF (an HTML page)"),
        (b"Hello", "not a PDF (no %PDF header)"),
    ],
)
def test_sniff_names_the_format(head: bytes, cause: str):
    from auditlib.reading.pdf import InputError, sniff

    with pytest.raises(InputError) as caught:
        sniff(head)
    assert str(caught.value).startswith(cause)


def test_sniff_accepts_a_pdf_with_a_short_preamble():
    from auditlib.reading.pdf import sniff

    sniff(b"%PDF-1.7\n")
    sniff(b"\r\n\r\n%PDF-1.4\n")  # producers that write a few bytes first: viewers accept it


def test_clean_text_drops_control_characters():
    from auditlib.reading.pdf import clean_text

    assert clean_text("收、支总计\x11\x122,196.6万元\x00\ufffe\n\t合计\r") == "收、支总计2,196.6万元\n\t合计\r"
