"""The Excel workbook of a report: read back with openpyxl (numbers are numbers, display formats
Vietnamese, headers frozen, sources and the synthetic mark first), opened by LibreOffice."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from dvcq_lib.page import workbook
from dvcq_lib.page.report import report_views
from tests._office import convert


@pytest.fixture(scope="module", params=[(7273, "2024-H1"), ("Bố Hạ", "2026-H1")])
def built(request, tmp_path_factory):
    views = report_views(*request.param, made_on=dt.date(2026, 12, 2))
    folder = tmp_path_factory.mktemp("xlsx")
    return views, workbook.write(views, folder / "report.xlsx"), folder


def test_first_sheet_has_commune_period_sources_and_synthetic_mark(built):
    views, path, _ = built
    wb = openpyxl.load_workbook(path)
    first = wb[wb.sheetnames[0]]
    text = "\n".join(str(c.value) for row in first.iter_rows() for c in row if c.value)
    assert views.header.commune in text and views.header.period_label in text
    assert "02/12/2026" in text and "Nguồn số liệu" in text
    assert ("DỮ LIỆU GIẢ LẬP" in text) == views.synthetic
    assert all(s.source in text for s in views.sources)


def test_one_sheet_per_table_with_real_numbers_and_vietnamese_formats(built):
    views, path, _ = built
    wb = openpyxl.load_workbook(path)
    assert len(wb.sheetnames) == 1 + len(views.tables)
    for (_title, table), name in zip(views.tables, wb.sheetnames[1:], strict=True):
        ws = wb[name]
        assert ws.freeze_panes == "A3"
        assert [c.value or "" for c in ws[2]] == [c.label for c in table.columns]
        for r, row in enumerate(table.rows, start=3):
            for j, (col, cell) in enumerate(zip(table.columns, row.cells, strict=True), start=1):
                got = ws.cell(row=r, column=j)
                if col.numeric and cell.is_number:
                    assert isinstance(got.value, int | float), (name, r, j, got.value)
                    assert got.value == pytest.approx(cell.value)
                    assert got.number_format.startswith(workbook.LOCALE)
                    places = got.number_format.split(".")[1] if "." in got.number_format else ""
                    assert len(places) == (cell.decimals or 0)
        widths = [ws.column_dimensions[c].width for c in "AB"]
        assert all(w and w >= workbook.MIN_WIDTH for w in widths)
    crops = wb["Trồng trọt"]
    assert crops["A3"].value == "Diện tích lúa" and isinstance(crops["C3"].value, float)


def test_libreoffice_opens_the_workbook(built):
    _, path, folder = built
    csv = convert(path, "csv", folder / "lo")
    assert csv.read_text(encoding="utf-8", errors="replace").strip()
