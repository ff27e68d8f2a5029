"""The catalogue of data sets: every table has a contract, and one bad row of any of them is a
Problem naming its file, row, column, value and what was expected (every problem at once)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from dvcq_lib import datasets, observations
from dvcq_lib.catalogue import catalogue
from dvcq_lib.exceptions import CatalogueError, DataValidationError
from dvcq_lib.paths import CATALOGUE_FILES
from dvcq_lib.units import units

from .conftest import HEADER, REFERENCE_CSV

#: What the contracts of these tables look up, as their readers give it.
LOOKUPS = {"units": units, "catalogue": catalogue}

#: A catalogue table, a data row (0 = the first under the header), a column, a bad value, a
#: word of what the contract expects there.
CATALOGUE_CASES = [
    ("indicators", 3, "kind", "level", "flow"),
    ("units", 1, "factor", "mười", "> 0"),
    ("seasons", 2, "code", "Hè Thu", "thường"),
    ("rules", 0, "severity", "fatal", "warning"),
    ("report_sections", 1, "indicators", "rice_area no_such_code", "no_such_code"),
    ("notebooks", 2, "peers", "yes", "0, 1"),
    ("labels", 4, "en", "", "tiếng Anh"),
    ("explore_labels", 0, "kind", "colum", "column"),
    ("precision", 3, "decimals", "một", r"\d"),
]


def _copy_with(tmp_path, name: str, row: int, column: str, value: str):
    df = pd.read_csv(CATALOGUE_FILES[name], dtype=str, keep_default_na=False)
    df.loc[row, column] = value
    path = tmp_path / f"{name}.csv"
    df.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(("name", "row", "column", "value", "word"), CATALOGUE_CASES)
def test_one_bad_row_of_a_catalogue_table_is_one_problem(tmp_path, name, row, column, value, word):
    assert datasets.read(name, lookups=LOOKUPS) is not None  # the bundled table keeps its contract
    path = _copy_with(tmp_path, name, row, column, value)
    with pytest.raises(DataValidationError) as err:
        datasets.read(name, path, lookups=LOOKUPS)
    assert isinstance(err.value, CatalogueError)  # a broken catalogue is a catalogue error
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        str(path),
        row + 2,
        column,
        value,
    )
    assert word in problem.expected
    assert f"dòng {row + 2}, cột {column}" in str(err.value)


def test_every_problem_of_a_table_at_once(tmp_path):
    df = pd.read_csv(CATALOGUE_FILES["indicators"], dtype=str, keep_default_na=False)
    df.loc[0, "domain"] = "health"
    df.loc[1, "unit"] = "sào"
    df.loc[1, "seasonal"] = "có"
    df.loc[5, "code"] = df.loc[6, "code"]
    path = tmp_path / "indicators.csv"
    df.to_csv(path, index=False)
    with pytest.raises(DataValidationError) as err:
        datasets.read("indicators", path, lookups=LOOKUPS)
    where = [(p.row, p.column) for p in err.value.problems]
    assert where == [(2, "domain"), (3, "seasonal"), (3, "unit"), (7, "code"), (8, "code")]
    assert "duplicate" in err.value.problems[-1].expected


def test_a_missing_column_and_an_unreadable_file(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("unit,dimension,name_vi,name_en\nha,area,héc-ta,hectare\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        datasets.read("units", path)
    (problem,) = err.value.problems
    assert (problem.row, problem.column, problem.expected) == (1, "factor", "thiếu cột bắt buộc")
    binary = tmp_path / "seasons.csv"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(DataValidationError) as err:
        datasets.read("seasons", binary)
    (problem,) = err.value.problems
    assert problem.file == str(binary) and problem.row is None
    assert "không đọc được" in problem.expected


def test_units_file_is_checked(tmp_path):
    path = _copy_with(tmp_path, "units", 0, "factor", "0")
    with pytest.raises(DataValidationError, match="cột factor: '0'"):
        units(path)


def test_crosswalk_rows_are_numbered_after_its_comment_lines(tmp_path):
    text = CATALOGUE_FILES["crosswalk"].read_text(encoding="utf-8")
    comments = sum(1 for line in text.splitlines() if line.startswith("#"))
    path = tmp_path / "crosswalk.csv"
    path.write_text(
        text.rstrip("\n")
        + "\n07282,99003,2026-01-01,rename,,,NQ 1,Xã A,\n"
        + "07282,99004,2026-02-30,rename,,,NQ 2,Xã B,\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as err:
        datasets.read("crosswalk", path)
    (problem,) = err.value.problems
    assert (problem.row, problem.column, problem.value) == (
        comments + 3,
        "effective_date",
        "2026-02-30",
    )
    assert "YYYY-MM-DD" in problem.expected


#: Tables a person or a command writes: a header, a good row, a bad row.
WRITTEN_CASES = [
    (
        "targets",
        "commune_code,period,indicator,target\n07273,2024-H1,rice_area,250\n"
        "07273,2024-H1,rice_area,250 ha\n",
        "target",
        "250 ha",
        "dấu chấm",
    ),
    (
        "review",
        "accept,indicator,value,unit,commune_code,period\n1,rice_area,10,ha,07273,2024-H1\n"
        "maybe,rice_area,10,ha,07273,2024-H1\n",
        "accept",
        "maybe",
        "nhận",
    ),
    (
        "findings",
        "commune_code,period,indicator,check,kind,severity,message_vi,left,right,score\n"
        "07273,2024-H1,rice_area,a,rule,error,lệch,1,2,0.5\n"
        "07273,2024-H1,rice_area,a,rule,fatal,lệch,1,2,0.5\n",
        "severity",
        "fatal",
        "warning",
    ),
    (
        "history",
        "time,transaction,action,commune_code,period,indicator\n"
        "2026-12-01T10:00,t1,add,07273,2024-H1,rice_area\n"
        ",t2,replace,07273,2024-H1,rice_area\n",
        "time",
        "",
        "trống",
    ),
]


@pytest.mark.parametrize(("name", "text", "column", "value", "word"), WRITTEN_CASES)
def test_one_bad_row_of_a_written_table_is_one_problem(tmp_path, name, text, column, value, word):
    path = tmp_path / f"{name}.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        datasets.read(name, path, lookups=LOOKUPS)
    assert not isinstance(err.value, CatalogueError)
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        str(path),
        3,
        column,
        value,
    )
    assert word in problem.expected


def test_one_bad_observation_row_is_one_problem(write_data):
    data = write_data(
        {"a.csv": HEADER + "07273,2024-H1,rice_area,378,ha,x,\n07273,2024-H1,rice_area,1,sào,x,\n"}
    )
    with pytest.raises(DataValidationError) as err:
        observations.load(data_dir=data)
    (problem,) = err.value.problems
    assert problem.file.endswith("a.csv")
    assert (problem.row, problem.column, problem.value) == (3, "unit", "sào")
    assert "units.csv" in problem.expected


def test_a_findings_file_reads_back_typed(tmp_path):
    from dvcq_lib.checks.findings import read_findings

    path = tmp_path / "f.csv"
    path.write_text(WRITTEN_CASES[2][1].rsplit("07273", 1)[0], encoding="utf-8")
    found = read_findings(path)
    assert found["severity"].astype(str).tolist() == ["error"]
    assert found["left"].tolist() == [1.0] and found["synthetic"].tolist() == [False]


def test_a_contract_is_given_what_it_looks_up():
    """A table whose contract looks into another is read with that lookup, or not at all."""
    with pytest.raises(TypeError, match="catalogue"):
        datasets.read("rules")
    told = []
    units_of = {"units": lambda: told.append("units") or units()}
    assert len(datasets.read("indicators", lookups=units_of)) and told
    no_units = {"units": lambda: {}}  # every unit of the catalogue is then unknown
    with pytest.raises(DataValidationError, match="units.csv"):
        datasets.read("indicators", lookups=no_units)


def test_every_dataset_has_a_contract_and_a_path():
    for name, spec in datasets.DATASETS.items():
        schema = datasets.schema(name)
        assert schema.columns, name
        assert spec.path.name, name


def test_sidecar_synthetic_marks_the_page_whatever_the_source_says(tmp_path):
    """A file whose sidecar says synthetic: true is synthetic in load() and on the page."""
    from dvcq_lib.page import blocks
    from dvcq_lib.page import html as pages

    folder = tmp_path / "observations"
    folder.mkdir()
    shutil.copy(REFERENCE_CSV, folder / "a.csv")  # real figures, sourced to the report
    (folder / "a.csv.meta.yml").write_text(
        "number_format: plain\nsynthetic: true\n", encoding="utf-8"
    )
    df = observations.load(data_dir=tmp_path)
    assert len(df) and not df["source"].astype(str).map(observations.is_synthetic_source).any()
    assert df["synthetic"].all()
    code, period = str(df["commune_code"].iloc[0]), str(df["period"].iloc[0])
    ctx = pages.context(code, period, data_dir=tmp_path, notebook="overview")
    assert blocks.banner(ctx) is not None
    (folder / "a.csv.meta.yml").write_text(
        "number_format: plain\nsynthetic: false\n", encoding="utf-8"
    )
    ctx = pages.context(code, period, data_dir=tmp_path, notebook="overview")
    assert blocks.banner(ctx) is None


def test_reading_a_table_does_not_import_dask():
    """pandera would import dask.dataframe (1.5 s) to build a model; the contracts are pandas."""
    import subprocess
    import sys

    code = (
        "import sys; from dvcq_lib import datasets; datasets.read('units'); "
        "print('dask.dataframe' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
