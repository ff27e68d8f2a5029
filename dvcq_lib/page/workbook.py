"""The Excel workbook of a report (openpyxl), from the same views as the page: a first sheet with
the commune, period, date, the sources and the synthetic-data mark; then one sheet per table with
Vietnamese headers and units, real numeric cells (not text) with display formats of the figure's
own decimals, frozen header rows and fitted column widths.

A number's display format has the Vietnamese locale tag ([$-42A]); Excel and LibreOffice show the
separators of the reader's locale, the number itself is exact.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dvcq_lib.files import write_atomic
from dvcq_lib.page import format as fmt
from dvcq_lib.page.blocks import Table
from dvcq_lib.page.labels import label
from dvcq_lib.page.report import ReportViews

#: Locale tag of Vietnamese in a number format (LCID 0x042A).
LOCALE = "[$-42A]"
#: Sheet names: at most 31 characters, none of : \ / ? * [ ].
SHEET_CHARS = 31
_BAD = re.compile(r"[:\\/?*\[\]]")
MIN_WIDTH, MAX_WIDTH = 8, 60
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
ALERT_FILL = PatternFill("solid", fgColor="FFF1E6")


def number_format(decimals: int | None) -> str:
    return LOCALE + fmt.pattern(decimals or 0)


def _sheet_name(title: str, used: set[str]) -> str:
    base = _BAD.sub(" ", title).strip()[:SHEET_CHARS] or "Bảng"
    name, i = base, 2
    while name.casefold() in used:
        suffix = f" ({i})"
        name, i = base[: SHEET_CHARS - len(suffix)] + suffix, i + 1
    used.add(name.casefold())
    return name


def _fit(ws) -> None:
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                text = (
                    str(cell.value) if not isinstance(cell.value, float) else f"{cell.value:,.2f}"
                )
                widths[cell.column] = max(widths.get(cell.column, 0), len(text))
    for col, w in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = max(MIN_WIDTH, min(MAX_WIDTH, w + 2))


def add_table(wb: Workbook, title: str, table: Table, used: set[str]):
    ws = wb.create_sheet(_sheet_name(title, used))
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([c.label for c in table.columns])
    for cell in ws[2]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        values = []
        for col, cell in zip(table.columns, row.cells, strict=True):
            values.append(cell.value if col.numeric and cell.is_number else cell.text)
        ws.append(values)
        r = ws.max_row
        for j, (col, cell) in enumerate(zip(table.columns, row.cells, strict=True), start=1):
            target = ws.cell(row=r, column=j)
            if col.numeric and cell.is_number:
                target.number_format = number_format(cell.decimals)
                target.alignment = Alignment(horizontal="right")
            if "mine" in row.flags or "total" in row.flags:
                target.font = Font(bold=True)
    if not table.rows and table.empty_text:
        ws.append([table.empty_text])
    ws.freeze_panes = "A3"  # title and header stay in view
    _fit(ws)
    return ws


def build(views: ReportViews) -> Workbook:
    lang, h = views.lang, views.header
    wb = Workbook()
    about = wb.active
    used: set[str] = set()
    about.title = _sheet_name(label("sheet_about", lang), used)
    about.append([f"{label('deck_title', lang)}: {h.commune}"])
    about["A1"].font = Font(bold=True, size=14)
    about.append([label("sheet_commune", lang), f"{h.commune} ({h.code})", h.place])
    about.append([label("sheet_period", lang), h.period_label, h.period])
    about.append([label("sheet_made", lang), views.made_on.strftime("%d/%m/%Y")])
    about.append(
        [
            label("sheet_synthetic", lang),
            label("sheet_yes" if views.synthetic else "sheet_no", lang),
        ]
    )
    if views.synthetic:
        about.append(["⚠ " + h.banner.text])
        about.cell(row=about.max_row, column=1).font = Font(bold=True, color="B04A00")
        about.cell(row=about.max_row, column=1).fill = ALERT_FILL
    about.append([])
    about.append([label("sources", lang)])
    about.cell(row=about.max_row, column=1).font = Font(bold=True)
    about.append(
        [label("source", lang), label("note", lang), label("period", lang), label("figures", lang)]
    )
    for s in views.sources:
        about.append(
            [s.source, label("synthetic" if s.synthetic else "real", lang), s.span, s.rows]
        )
        about.cell(row=about.max_row, column=4).number_format = number_format(0)
    _fit(about)
    for title, table in views.tables:
        add_table(wb, title, table, used)
    return wb


def write(views: ReportViews, path: Path | str) -> Path:
    """Write the workbook atomically."""
    buf = io.BytesIO()
    build(views).save(buf)
    return write_atomic(Path(path), buf.getvalue())
