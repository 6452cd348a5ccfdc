"""The extraction files of docs/contract.md section 3, built from a Report."""

from __future__ import annotations

from auditlib.outputs.files import OutputSet, csv_text, json_text
from auditlib.reading.pipeline import Report

CELL_COLUMNS = ["row", "column", "page", "x0", "y0", "x1", "y1", "text"]


def _pt(value: float) -> str:
    return f"{value:.2f}"


def extraction_files(report: Report) -> OutputSet:
    out = OutputSet()
    for tid, table in report.tables.items():
        out.add_text(f"tables/{tid}.csv", csv_text(table.columns, table.csv_rows()))
        cells = []
        for i, sources in enumerate(table.cells):
            for col in table.columns:
                src = sources.get(col)
                if src is None:
                    continue
                x0, y0, x1, y1 = src.box
                cells.append(
                    {
                        "row": i,
                        "column": col,
                        "page": src.page,
                        "x0": _pt(x0),
                        "y0": _pt(y0),
                        "x1": _pt(x1),
                        "y1": _pt(y1),
                        "text": src.text,
                    }
                )
        out.add_text(f"tables/{tid}.cells.csv", csv_text(CELL_COLUMNS, cells))
    for kind, (header, rows) in report.attachments.items():
        out.add_text(f"attachments/{kind}.csv", csv_text(header, rows))
    out.add_text("report.json", json_text(report.to_json()))
    return out
