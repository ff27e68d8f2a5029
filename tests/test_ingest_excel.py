"""`dvcq template` → a commune fills it → `dvcq ingest FILE.xlsx` → review → merge."""

import pandas as pd
import pytest
from openpyxl import load_workbook

from dvcq_lib.catalogue import DOMAIN_LABELS_VI, catalogue
from dvcq_lib.cli import main
from dvcq_lib.exceptions import DataValidationError, HeaderNotFoundError
from dvcq_lib.ingest import ingest_report
from dvcq_lib.ingest.excel import INFO_SHEET
from dvcq_lib.observations import load


def fill(path, values, info=None):
    wb = load_workbook(path)
    for label, v in (info or {}).items():
        for row in wb[INFO_SHEET].iter_rows(min_row=2):
            if row[0].value == label:
                row[1].value = v
    for ws in wb.worksheets[1:]:
        for row in ws.iter_rows(min_row=2):
            if row[0].value in values:
                row[3].value = values[row[0].value]
    wb.save(path)


INFO = {"Xã/phường": "Đông Sơn", "Huyện/quận/thị xã": "Yên Thế", "Kỳ báo cáo": "2024-H1"}


def test_template_has_a_sheet_per_domain_with_validation(tmp_path):
    path = tmp_path / "mau.xlsx"
    assert main(["template", "--out", str(path)]) == 0
    wb = load_workbook(path)
    assert wb.sheetnames == [INFO_SHEET, *DOMAIN_LABELS_VI.values()]
    ws = wb[DOMAIN_LABELS_VI["agriculture"]]
    assert [c.value for c in ws[1]] == ["Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị", "Số liệu", "Ghi chú"]
    rice = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "rice_area")
    assert rice[1:3] == (catalogue()["rice_area"].name_vi, "ha")
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "decimal" and dv.operator == "greaterThanOrEqual"
    assert str(dv.sqref).startswith("D2:D")


def test_filled_template_goes_through_review_and_merge(tmp_path):
    path = tmp_path / "dong-son.xlsx"
    main(["template", "--out", str(path)])
    fill(path, {"rice_area": 219.5, "pig_head": 2650, "households": "2.363"}, INFO)
    res = ingest_report(path)
    assert res.commune.code == "07273" and res.period.code == "2024-H1"
    assert {p.indicator: p.value for p in res.proposals} == {
        "rice_area": 219.5,
        "pig_head": 2650,
        "households": 2363,
    }
    data, sheet = tmp_path / "data", tmp_path / "review.csv"
    (data / "observations").mkdir(parents=True)  # --data must name an existing data folder
    assert main(["ingest", str(path), "--review", str(sheet), "--data", str(data)]) == 0
    assert (pd.read_csv(sheet, dtype=str, encoding="utf-8-sig")["accept"] == "1").all()
    assert main(["ingest", "--accept", str(sheet), "--data", str(data)]) == 0
    assert len(load(data_dir=data)) == 3


def test_bad_cells_are_all_reported(tmp_path):
    path = tmp_path / "x.xlsx"
    main(["template", "--out", str(path)])
    fill(path, {"rice_area": "nhiều", "pig_head": -5}, INFO)
    with pytest.raises(DataValidationError) as err:
        ingest_report(path)
    assert len(err.value.problems) == 2


def test_missing_period_is_a_clear_error(tmp_path):
    path = tmp_path / "x.xlsx"
    main(["template", "--out", str(path)])
    fill(path, {"rice_area": 1}, {"Xã/phường": "Đông Sơn"})
    with pytest.raises(HeaderNotFoundError, match="Kỳ báo cáo"):
        ingest_report(path)
