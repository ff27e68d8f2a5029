"""The Excel template communes fill (`dvcq template`), and reading a filled one back through the
same review and merge path as a narrative report.

The workbook has a "Thông tin" sheet (commune, district, province, period) and one sheet per
domain with the catalogue's indicators, Vietnamese names and units; the value column only
accepts numbers ≥ 0 (Excel data validation).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from dvcq_lib.catalogue import DOMAIN_LABELS_VI, DOMAINS, catalogue
from dvcq_lib.exceptions import (
    DataValidationError,
    DvcqError,
    HeaderNotFoundError,
    NumberFormatError,
    Problem,
    ReportReadError,
)
from dvcq_lib.files import write_atomic
from dvcq_lib.ingest.extract import Proposal
from dvcq_lib.ingest.header import resolve_commune
from dvcq_lib.ingest.numerals import read_number
from dvcq_lib.ingest.result import IngestResult
from dvcq_lib.periods import Period
from dvcq_lib.units import conversion_factor

INFO_SHEET = "Thông tin"
INFO_FIELDS = {  # label in the workbook → key
    "Xã/phường": "commune",
    "Huyện/quận/thị xã": "district",
    "Tỉnh/thành phố": "province",
    "Mã xã (nếu biết)": "code",
    "Kỳ báo cáo": "period",
}
HEADERS = ("Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị", "Số liệu", "Ghi chú")
VALUE_COLUMN = "D"
#: Years offered in the period list, around today.
YEARS_BEFORE, YEARS_AFTER = 3, 2
_BOLD = Font(bold=True)
_FILL = PatternFill("solid", fgColor="FFF2CC")


def _period_choices() -> list[str]:
    year = dt.date.today().year
    out = []
    for y in range(year - YEARS_BEFORE, year + YEARS_AFTER + 1):
        out += [f"{y}-H1", f"{y}-H2", str(y)]
    return out


def write_template(path: Path | str) -> Path:
    """Write the workbook communes fill; returns its path.

    >>> import tempfile
    >>> path = write_template(Path(tempfile.mkdtemp()) / "mau_bao_cao_xa.xlsx")
    >>> path.name, path.stat().st_size > 0
    ('mau_bao_cao_xa.xlsx', True)
    """
    path = Path(path)
    wb = Workbook()
    info = wb.active
    info.title = INFO_SHEET
    info.append(["Thông tin báo cáo", "Điền vào cột B"])
    info["A1"].font = _BOLD
    for label in INFO_FIELDS:
        info.append([label, None])
        info.cell(info.max_row, 2).fill = _FILL
    periods = DataValidation(
        type="list",
        formula1='"' + ",".join(_period_choices()) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Kỳ báo cáo",
        error="Chọn kỳ trong danh sách",
    )
    info.add_data_validation(periods)
    periods.add(f"B{list(INFO_FIELDS).index('Kỳ báo cáo') + 2}")
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 22, 40
    cat = catalogue()
    for domain in DOMAINS:
        ws = wb.create_sheet(DOMAIN_LABELS_VI[domain])
        ws.append(list(HEADERS))
        for cell in ws[1]:
            cell.font = _BOLD
        for ind in cat.in_domain(domain):
            ws.append([ind.code, ind.name_vi, ind.unit, None, None])
            ws.cell(ws.max_row, 4).fill = _FILL
        numbers = DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Số liệu",
            error="Cần một số ≥ 0 (dùng dấu phẩy thập phân nếu Excel đặt tiếng Việt)",
        )
        ws.add_data_validation(numbers)
        numbers.add(f"{VALUE_COLUMN}2:{VALUE_COLUMN}{ws.max_row}")
        for col, width in zip("ABCDE", (30, 45, 10, 14, 30), strict=True):
            ws.column_dimensions[col].width = width
        ws.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    write_atomic(path, buffer.getvalue())
    return path


def _info(wb, path: Path) -> dict[str, str]:
    if INFO_SHEET not in wb.sheetnames:
        return {}
    out = {}
    for row in wb[INFO_SHEET].iter_rows(min_row=2, max_col=2, values_only=True):
        label, value = (str(row[0] or "").strip(), row[1])
        if label in INFO_FIELDS and value not in (None, ""):
            out[INFO_FIELDS[label]] = str(value).strip()
    return out


def read_workbook(
    path: Path | str,
    *,
    commune: str | None = None,
    period: str | None = None,
    district: str | None = None,
    province: str | None = None,
) -> IngestResult:
    """A filled template as an IngestResult (every filled cell proposed with confidence 1).

    Raises DataValidationError listing every cell that is not a number or has a wrong unit."""
    path = Path(path)
    try:
        wb = load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # noqa: BLE001 — openpyxl raises many kinds on broken files
        raise ReportReadError(
            str(path), f"không mở được tệp Excel ({type(exc).__name__})"
        ) from None
    info = _info(wb, path)
    p_text = period or info.get("period")
    if not p_text:
        raise HeaderNotFoundError(
            str(path),
            "kỳ báo cáo",
            [],
            f"Điền ô 'Kỳ báo cáo' ở trang '{INFO_SHEET}' hoặc dùng --period",
        )
    the_period = Period.parse(p_text)
    query = commune or info.get("code") or info.get("commune")
    if not query:
        raise HeaderNotFoundError(
            str(path),
            "xã/phường",
            [],
            f"Điền ô 'Xã/phường' ở trang '{INFO_SHEET}' hoặc dùng --commune",
        )
    the_commune = resolve_commune(
        query,
        period=the_period,
        district=district or info.get("district"),
        province=province or info.get("province"),
    )
    cat = catalogue()
    proposals, problems = [], []
    labels = {DOMAIN_LABELS_VI[d] for d in DOMAINS}
    for ws in wb.worksheets:
        if ws.title not in labels:
            continue
        for i, row in enumerate(ws.iter_rows(min_row=2, max_col=5, values_only=True), start=2):
            code, _name, unit, value = (row + (None,) * 5)[:4]
            if value in (None, "") or code not in cat:
                continue
            where = f"{ws.title}!{VALUE_COLUMN}{i}"
            try:
                number = (
                    float(value) if isinstance(value, (int, float)) else read_number(str(value))[0]
                )
                unit = str(unit or cat[code].unit).strip()
                number *= conversion_factor(unit, cat[code].unit)
            except (NumberFormatError, DvcqError) as err:
                problems.append(Problem(str(path), i, where, value, str(err)))
                continue
            if number < 0:
                problems.append(Problem(str(path), i, where, value, "số liệu không được âm"))
                continue
            proposals.append(
                Proposal(
                    indicator=code,
                    value=number,
                    unit=cat[code].unit,
                    value_written=str(value),
                    unit_written=unit,
                    quote=f"{where}: {cat[code].name_vi} = {value} {unit}",
                    start=0,
                    end=0,
                    confidence=1.0,
                    note=f"mẫu Excel, ô {where}",
                    read_as="ô Excel",
                )
            )
    wb.close()
    if problems:
        raise DataValidationError(problems, context=str(path))
    return IngestResult(str(path), the_commune, the_period, tuple(proposals), ())
