"""The names the README shows at the package root work (``auditlib.read_report``, ``auditlib.Report``)."""

from __future__ import annotations

import auditlib
from auditlib.model.report import Report
from auditlib.reading.pipeline import read_report

from conftest import RAW


def test_root_names_are_the_reader_and_the_model():
    assert auditlib.read_report is read_report
    assert auditlib.Report is Report


def test_read_report_from_the_root_reads_a_sample():
    report = auditlib.read_report(RAW / "sample-wuhan-small-2024.pdf", cache=None)
    assert isinstance(report, auditlib.Report)
    assert report.tables_missing == []
