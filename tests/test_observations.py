import os
import subprocess
import sys
import warnings

import pandas as pd
import pytest

import dvcq_lib
from dvcq_lib import observations
from dvcq_lib.exceptions import AmbiguousCommuneError, DataValidationError
from dvcq_lib.observations import DuplicateRowWarning, commune_keys, load, wide
from dvcq_lib.paths import ROOT

from .conftest import HEADER, REFERENCE_CSV, SEED


def test_reference_report_loads_with_every_figure():
    df = dvcq_lib.load(commune="Đông Sơn", period="2024-H1")
    source = SEED / "dong-son_2024-H1.figures.csv" if SEED.exists() else REFERENCE_CSV
    expected = pd.read_csv(source)
    real = df[~dvcq_lib.is_synthetic(df)].set_index("indicator")
    assert len(real) == len(expected)
    for row in expected.itertuples():
        got = real.loc[row.indicator]
        assert got["value"] == pytest.approx(row.value), row.indicator
        assert got["unit"] == row.unit, row.indicator
        assert got["quote"] == row.quote
    assert set(df["commune_code"]) == {"07273"}
    # the unit slip stays visible as evidence
    assert real.loc["grain_output", "unit_written"] == "tấn/ha"


def test_dtypes():
    df = load(commune="07273")
    assert isinstance(df["commune_code"].dtype, pd.CategoricalDtype)
    assert df["period"].cat.ordered
    assert list(df["period"].cat.categories)[:3] == ["2019-H1", "2019-H2", "2020-H1"]
    assert df["value"].dtype == "float64"
    assert isinstance(df["indicator"].dtype, pd.CategoricalDtype)


def test_filters_and_wide():
    df = load(commune=7273, domain="petitions")
    assert set(df["indicator"].astype(str)) <= {
        i.code for i in dvcq_lib.catalogue().in_domain("petitions")
    }
    w = wide(load(district="Yên Thế", period="2023-H1"))
    assert len(w) == 17 and "rice_area" in w.columns
    assert w.index.names == ["commune_code", "period"]


def test_name_ambiguous_within_data_is_an_error(write_data):
    data = write_data(
        {"a.csv": HEADER + '07273,2024-H1,rice_area,"1,5",ha,x,\n10027,2024-H1,rice_area,2,ha,x,\n'}
    )
    with pytest.raises(AmbiguousCommuneError) as err:
        load(commune="Đông Sơn", data_dir=data)
    assert len(err.value.candidates) == 2
    assert len(load(commune="Đông Sơn", district="Chương Mỹ", data_dir=data)) == 1


def test_every_bad_input_reported_at_once_with_file_row_value(write_data):
    rows = [
        "07273,2024-H1,rice_areaa,10,ha,x,",  # row 2: unknown indicator
        "99999,2024-H1,rice_area,10,ha,x,",  # row 3: unknown commune
        "07273,2024-H3,rice_area,10,ha,x,",  # row 4: malformed period
        "07273,2023-H1,rice_area,mười,ha,x,",  # row 5: non-numeric value
        "07273,2023-H2,pig_head,-5,con,x,",  # row 6: negative count
        "07273,2022-H1,rice_area,12.5,ha,x,",  # row 7: "12.5" under the vi convention
        "07273,2022-H2,rice_output,5,tấn/ha,x,",  # row 8: unconvertible unit
        "07273,2021-H1,rice_area,10,furlong,x,",  # row 9: unknown unit
        "07273,2020-H1,rice_area,10,ha,x,",  # row 10: conflicting duplicate ...
        "07273,2020-H1,rice_area,11,ha,x,",  # row 11: ... of this one
    ]
    data = write_data({"bad.csv": HEADER + "\n".join(rows) + "\n"})
    with pytest.raises(DataValidationError) as err:
        load(data_dir=data)
    problems = {(p.row, p.column): p for p in err.value.problems}
    expect = {
        (2, "indicator"): "rice_areaa",
        (3, "commune_code"): "99999",
        (4, "period"): "2024-H3",
        (5, "value"): "mười",
        (6, "value"): -5.0,
        (7, "value"): "12.5",
        (8, "unit"): "tấn/ha",
        (9, "unit"): "furlong",
        (10, "value"): 10.0,
        (11, "value"): 11.0,
    }
    for key, value in expect.items():
        assert key in problems, f"missing problem at {key}: {err.value}"
        assert problems[key].value == value
        assert problems[key].file.endswith("bad.csv")
    message = str(err.value)
    assert "bad.csv, dòng 7, cột value: '12.5'" in message
    assert "dòng 11" in message and "khác giá trị" in message
    assert len(err.value.problems) == len(expect)


def test_problems_across_files_and_formats(write_data, tmp_path):
    data = write_data({"a.csv": HEADER + "07273,2024-H1,rice_area,abc,ha,x,\n"})
    pd.DataFrame(
        {
            "commune_code": ["07273"],
            "period": ["2024-H1"],
            "indicator": ["bogus"],
            "value": ["1"],
            "unit": ["ha"],
            "source": ["y"],
        }
    ).to_excel(data / "observations" / "b.xlsx", index=False)
    with pytest.raises(DataValidationError) as err:
        load(data_dir=data)
    files = {p.file.rsplit("/", 1)[-1] for p in err.value.problems}
    assert files == {"a.csv", "b.xlsx"}


def test_missing_and_unknown_columns(write_data):
    data = write_data(
        {"a.csv": "commune_code,period,indicator,unit,colour\n07273,2024-H1,rice_area,ha,red\n"}
    )
    with pytest.raises(DataValidationError) as err:
        load(data_dir=data)
    cols = {p.column for p in err.value.problems}
    assert {"value", "colour"} <= cols


def test_units_converted_to_catalogue_unit(write_data):
    data = write_data(
        {
            "a.csv": HEADER + '07273,2024-H1,rice_yield,"5,8",tấn/ha,x,\n'
            "07273,2024-H1,crop_value,32.500,triệu đồng,x,\n"
            '07273,2024-H1,rice_output,"12.731",tạ,x,\n'
        }
    )
    w = wide(load(data_dir=data)).iloc[0]
    assert w["rice_yield"] == pytest.approx(58)
    assert w["crop_value"] == pytest.approx(32.5)
    assert w["rice_output"] == pytest.approx(1273.1)
    df = load(data_dir=data).set_index("indicator")
    assert (
        df.loc["rice_yield", "unit"] == "tạ/ha" and df.loc["rice_yield", "unit_written"] == "tấn/ha"
    )


def test_declared_number_format(write_data):
    data = write_data(
        {
            "a.csv": HEADER + "07273,2024-H1,rice_area,219.5,ha,x,\n",
            "a.csv.meta.yml": "number_format: plain\n",
        }
    )
    assert load(data_dir=data)["value"].iloc[0] == 219.5


def test_identical_duplicates_collapse_with_warning(write_data):
    row = '07273,2024-H1,rice_area,"219,5",ha,x,\n'
    data = write_data({"a.csv": HEADER + row, "b.csv": HEADER + row})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = load(data_dir=data)
    assert len(df) == 1
    assert any(
        issubclass(w.category, DuplicateRowWarning) and "b.csv" in str(w.message) for w in caught
    )


def test_bundled_data_loads_cleanly():
    df = load()
    # 17 legacy + 5 new units; the 2025 units reuse codes of legacy ones (07294 is both)
    assert df["commune_code"].nunique() == 17
    assert commune_keys(df).nunique() == 22
    assert dvcq_lib.is_synthetic(df).sum() == len(df) - 36


def test_checked_observations_handed_over_to_another_process(write_data, tmp_path):
    """The batch hands its checked observations to its kernels; a kernel adopts them only if
    no file changed since, and a change made after the hand-over is read, not hidden."""
    data = write_data({"a.csv": HEADER + "07273,2024-H1,rice_area,378,ha,x,\n"})
    pickled = observations.hand_over(data, tmp_path / "handed.pickle")
    code = (
        "import sys\n"
        "from dvcq_lib import observations as o\n"
        f"adopted = o.take_over({str(pickled)!r})\n"
        "if adopted:\n"
        "    o._read_and_check = None  # reading a file now would raise\n"
        f"value = o.read_observations({str(data)!r})['value'].iloc[0]\n"
        "print(adopted, value, len(o._CHECKED))\n"
    )
    run = [sys.executable, "-c", code]
    first = subprocess.run(run, capture_output=True, text=True, check=True, cwd=ROOT)
    assert first.stdout.split() == ["True", "378.0", "1"]  # adopted: nothing read again

    path = data / "observations" / "a.csv"
    path.write_text(HEADER + "07273,2024-H1,rice_area,400,ha,x,\n", encoding="utf-8")
    os.utime(path, (1, 1))  # another mtime even within the clock's resolution
    second = subprocess.run(run, capture_output=True, text=True, check=True, cwd=ROOT)
    assert second.stdout.split() == ["False", "400.0", "1"]  # the changed file is read
