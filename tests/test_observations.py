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


# ---------------------------------------------------------------------------------------------
# numbers by type (issue 12, item 2)
# ---------------------------------------------------------------------------------------------
def _frame(values, **extra) -> pd.DataFrame:
    n = len(values)
    return pd.DataFrame(
        {
            "commune_code": ["07273"] * n,
            "period": [f"{2019 + i}-H1" for i in range(n)],
            "indicator": extra.pop("indicator", ["rice_area"] * n),
            "value": values,
            "unit": extra.pop("unit", ["ha"] * n),
            "source": ["x"] * n,
            **extra,
        }
    )


def _write_typed(data, name: str, frame: pd.DataFrame):
    path = data / "observations" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if name.endswith(".xlsx"):
        frame.to_excel(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    return path


@pytest.mark.parametrize("name", ["a.xlsx", "a.parquet"])
def test_numeric_cells_are_numbers_not_vietnamese_text(tmp_path, name):
    """A numeric 1.234 ha is 1.234 (not 1234), 12.345 tỷ đồng is 12.345, 52.5 is accepted."""
    frame = _frame(
        [1.234, 12.345, 52.5],
        indicator=["rice_area", "crop_value", "rice_area"],
        unit=["ha", "tỷ đồng", "ha"],
    )
    _write_typed(tmp_path, name, frame)
    df = load(data_dir=tmp_path).set_index("period")
    assert df.loc["2019-H1", "value"] == 1.234
    assert df.loc["2020-H1", "value"] == 12.345
    assert df.loc["2021-H1", "value"] == 52.5


def test_text_cells_of_a_workbook_keep_the_vietnamese_convention(tmp_path):
    _write_typed(tmp_path, "a.xlsx", _frame(["1.234,5", 7.5]))
    assert list(load(data_dir=tmp_path)["value"]) == [1234.5, 7.5]
    _write_typed(tmp_path, "a.xlsx", _frame(["12.5"]))  # text: still refused, not 125
    with pytest.raises(DataValidationError) as err:
        load(data_dir=tmp_path)
    assert [(p.row, p.value) for p in err.value.problems] == [(2, "12.5")]


@pytest.mark.parametrize("name", ["a.csv", "a.xlsx", "a.parquet"])
def test_nan_inf_exponent_and_underscore_refused_with_file_row_value(tmp_path, name):
    texts = ["NaN", "inf", "Infinity", "1e5", "12_000", "-inf"]
    if name == "a.csv":
        rows = [f"07273,{2019 + i}-H1,rice_area,{t},ha,x," for i, t in enumerate(texts)]
        path = tmp_path / "observations" / name
        path.parent.mkdir(parents=True)
        path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    else:
        _write_typed(tmp_path, name, _frame(texts))
    with pytest.raises(DataValidationError) as err:
        load(data_dir=tmp_path)
    got = {p.row: p for p in err.value.problems}
    assert sorted(got) == [2, 3, 4, 5, 6, 7]
    for row, text in zip(range(2, 8), texts, strict=True):
        assert got[row].value == text and got[row].column == "value"
        assert got[row].file.endswith(name)
        assert "hữu hạn" in got[row].expected


@pytest.mark.parametrize("name", ["a.xlsx", "a.parquet"])
def test_non_finite_numeric_cells_refused_with_file_and_row(tmp_path, name):
    """A numeric NaN used to escape as a pandera traceback with no file or row."""
    _write_typed(tmp_path, name, _frame([5.0, float("nan"), float("inf")]))
    with pytest.raises(DataValidationError) as err:
        load(data_dir=tmp_path)
    rows = {p.row: p.expected for p in err.value.problems}
    assert set(rows) == {3, 4}
    assert "ô trống" in rows[3] and "hữu hạn" in rows[4]


def test_numeric_codes_and_periods_of_a_workbook_read_as_text(tmp_path):
    frame = _frame([378.0])
    frame["commune_code"] = [7273]  # a code typed as a number lost its zero
    frame["period"] = ["2024-H1"]
    _write_typed(tmp_path, "a.xlsx", frame)
    df = load(data_dir=tmp_path)
    assert list(df["commune_code"].astype(str)) == ["07273"]


# ---------------------------------------------------------------------------------------------
# season column (contracts.md)
# ---------------------------------------------------------------------------------------------
SEASON_HEADER = "commune_code,period,indicator,value,unit,season,source\n"


def test_file_without_season_column_loads_as_whole_period(write_data):
    data = write_data({"a.csv": HEADER + "07273,2024-H1,rice_area,378,ha,x,\n"})
    assert list(load(data_dir=data)["season"]) == [""]
    assert "season" in observations.COLUMNS


def test_seasons_of_a_seasonal_indicator_are_distinct_observations(write_data):
    data = write_data(
        {
            "a.csv": SEASON_HEADER + "07273,2024-H1,rice_area,378,ha,,x\n"
            "07273,2024-H1,rice_area,200,ha,dong_xuan,x\n"
            "07273,2024-H1,rice_area,178,ha,Vụ Hè Thu,x\n"
        }
    )
    df = load(data_dir=data)
    assert sorted(df["season"]) == ["", "dong_xuan", "he_thu"]
    # wide() shows the whole period only, never a season as the period
    assert wide(df)["rice_area"].tolist() == [378.0]


def test_season_unknown_or_on_a_non_seasonal_indicator_is_a_problem(write_data):
    data = write_data(
        {
            "a.csv": SEASON_HEADER + "07273,2024-H1,rice_area,200,ha,vụ ba,x\n"
            "07273,2024-H1,pig_head,50,con,dong_xuan,x\n"
        }
    )
    with pytest.raises(DataValidationError) as err:
        load(data_dir=data)
    got = {p.row: p for p in err.value.problems}
    assert got[2].column == "season" and got[2].value == "vụ ba"
    assert "dong_xuan" in got[2].expected
    assert got[3].column == "season" and got[3].value == "dong_xuan"
    assert "pig_head" in got[3].expected and "không theo vụ" in got[3].expected


def test_same_season_twice_with_different_values_conflicts(write_data):
    data = write_data(
        {
            "a.csv": SEASON_HEADER + "07273,2024-H1,rice_area,200,ha,dong_xuan,x\n"
            "07273,2024-H1,rice_area,210,ha,dong_xuan,x\n"
        }
    )
    with pytest.raises(DataValidationError) as err:
        load(data_dir=data)
    assert {p.row for p in err.value.problems} == {2, 3}


# ---------------------------------------------------------------------------------------------
# the synthetic mark (issue 12, item 3)
# ---------------------------------------------------------------------------------------------
def test_sidecar_synthetic_true_marks_rows_whatever_their_source(write_data):
    from dvcq_lib.summary import format_summary, summarize

    data = write_data(
        {
            "a.csv": HEADER + "07273,2024-H1,rice_area,378,ha,Số liệu mẫu,\n",
            "a.csv.meta.yml": "synthetic: true\n",
        }
    )
    df = load(data_dir=data)
    assert df["synthetic"].tolist() == [True]
    assert dvcq_lib.is_synthetic(df).tolist() == [True]
    assert "Số liệu mẫu: 1 dòng, 1 xã [DỮ LIỆU GIẢ LẬP" in format_summary(summarize(df))


def test_sidecar_synthetic_false_overrides_the_source_prefix(write_data):
    data = write_data(
        {
            "a.csv": HEADER + "07273,2024-H1,rice_area,378,ha,synthetic-looking name,\n",
            "a.csv.meta.yml": "synthetic: false\n",
        }
    )
    assert not dvcq_lib.is_synthetic(load(data_dir=data)).any()


def test_source_prefix_is_the_fallback_without_a_sidecar_word(write_data):
    data = write_data(
        {
            "a.csv": HEADER + "07273,2024-H1,rice_area,378,ha,synthetic-demo,\n"
            "07273,2024-H2,rice_area,378,ha,Báo cáo xã,\n"
        }
    )
    assert load(data_dir=data)["synthetic"].tolist() == [True, False]
    # a frame without the column (built by hand) falls back on the source too
    bare = pd.DataFrame({"source": ["synthetic-demo", "x", "a; synthetic-b"]})
    assert dvcq_lib.is_synthetic(bare).tolist() == [True, False, True]


def test_sidecar_synthetic_must_be_true_or_false(write_data):
    data = write_data(
        {
            "a.csv": HEADER + "07273,2024-H1,rice_area,378,ha,x,\n",
            "a.csv.meta.yml": "synthetic: có\n",
        }
    )
    with pytest.raises(DataValidationError) as err:
        load(data_dir=data)
    (problem,) = err.value.problems
    assert problem.column == "synthetic" and problem.value == "có"


def test_editing_the_sidecar_is_seen_by_the_next_load(write_data):
    data = write_data(
        {
            "a.csv": HEADER + "07273,2024-H1,rice_area,378,ha,Số liệu,\n",
            "a.csv.meta.yml": "synthetic: false\n",
        }
    )
    assert not load(data_dir=data)["synthetic"].any()
    (data / "observations" / "a.csv.meta.yml").write_text("synthetic: true\n", encoding="utf-8")
    assert load(data_dir=data)["synthetic"].all()


def test_synthetic_mark_travels_through_remap_and_checks(write_data):
    from dvcq_lib.checks import run_checks
    from dvcq_lib.remap import remap

    rows = "".join(
        f"{code},2024-H1,rice_area,10,ha,Số liệu mẫu,\n" for code in ("07273", "07279", "07294")
    )
    data = write_data({"a.csv": HEADER + rows, "a.csv.meta.yml": "synthetic: true\n"})
    df = load(data_dir=data)
    out = remap(df, to="2025")
    assert len(out) and dvcq_lib.is_synthetic(out).all()
    findings = run_checks(df)
    assert findings.empty or findings["synthetic"].all()


# ---------------------------------------------------------------------------------------------
# bounded inputs (issue 12, item 5)
# ---------------------------------------------------------------------------------------------
def _inflating_xlsx(path, inflated: int) -> None:
    """A real workbook whose sheet is padded with `inflated` bytes of blanks (a zip bomb)."""
    import zipfile

    good = path.with_suffix(".good.xlsx")
    _frame([1.0]).to_excel(good, index=False)
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.endswith("sheet1.xml"):
                data += b" " * inflated
            dst.writestr(item.filename, data)
    good.unlink()


def test_zip_bomb_xlsx_refused_before_parsing(tmp_path, monkeypatch):
    path = tmp_path / "observations" / "bomb.xlsx"
    path.parent.mkdir()
    _inflating_xlsx(path, 3 * 1024 * 1024)
    assert path.stat().st_size < 100_000
    monkeypatch.setattr(observations, "MAX_XLSX_INFLATED", 1024 * 1024)

    def never(*a, **k):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(observations.pd, "read_excel", never)
    with pytest.raises(DataValidationError) as err:
        load(data_dir=tmp_path)
    (problem,) = err.value.problems
    assert problem.file.endswith("bomb.xlsx") and problem.value > 3 * 1024 * 1024
    assert "vượt giới hạn" in problem.expected and "trước khi đọc" in problem.expected


def test_parquet_declaring_too_many_rows_refused_before_reading(tmp_path, monkeypatch):
    _write_typed(tmp_path, "big.parquet", _frame([1.0, 2.0, 3.0]))
    monkeypatch.setattr(observations, "MAX_PARQUET_ROWS", 2)
    with pytest.raises(DataValidationError) as err:
        load(data_dir=tmp_path)
    (problem,) = err.value.problems
    assert problem.file.endswith("big.parquet") and problem.value == 3


def test_a_total_summed_from_synthetic_seasons_is_synthetic(write_data):
    from dvcq_lib.totals import with_season_totals

    rows = "".join(
        f"07273,{year}-H1,rice_area,{v},ha,{s},Số liệu mẫu\n"
        for year in (2023, 2024)
        for s, v in (("dong_xuan", 200), ("he_thu", 178))
    )
    data = write_data({"a.csv": SEASON_HEADER + rows, "a.csv.meta.yml": "synthetic: true\n"})
    out = with_season_totals(load(data_dir=data))
    totals = out[out["season"] == ""]
    assert len(totals) == 2 and totals["value"].tolist() == [378.0, 378.0]
    assert dvcq_lib.is_synthetic(totals).all()
    assert wide(load(data_dir=data))["rice_area"].tolist() == [378.0, 378.0]


# ---------------------------------------------------------------------------------------------
# the national scale (issue 17, item 3): checks on distinct values, every problem still named
# ---------------------------------------------------------------------------------------------
def _big_raw(n_min: int) -> pd.DataFrame:
    """A SYNTHETIC raw frame of at least `n_min` valid rows: legacy communes × 2019-2024
    half-years × every catalogue indicator in its catalogue unit, values as Vietnamese text."""
    import numpy as np

    from dvcq_lib import communes, register
    from dvcq_lib.catalogue import catalogue

    cat = catalogue()
    indicators = list(cat.codes)
    periods = [f"{y}-H{h}" for y in range(2019, 2025) for h in (1, 2)]
    per_commune = len(periods) * len(indicators)
    codes = list(communes.units(register.LEGACY).index[: -(-n_min // per_commune)])
    n = len(codes) * per_commune
    ind = np.tile(np.arange(len(indicators)), len(codes) * len(periods))
    units = sorted({cat[c].unit for c in indicators})
    return pd.DataFrame(
        {
            "commune_code": pd.Categorical.from_codes(
                np.repeat(np.arange(len(codes)), per_commune), codes
            ),
            "period": pd.Categorical.from_codes(
                np.tile(np.repeat(np.arange(len(periods)), len(indicators)), len(codes)), periods
            ),
            "indicator": pd.Categorical.from_codes(ind, indicators),
            "value": pd.Series(np.arange(n) % 5000, dtype="int64")
            .map("{:,}".format)
            .str.replace(",", "."),
            "unit": pd.Categorical.from_codes(
                np.array([units.index(cat[c].unit) for c in indicators])[ind], units
            ),
            "source": pd.Categorical.from_codes(np.zeros(n, np.int8), ["synthetic test"]),
            "_file": pd.Categorical.from_codes(np.zeros(n, np.int8), ["synthetic-2m.csv"]),
            "_row": np.arange(2, n + 2),
            "_number_format": pd.Categorical.from_codes(np.zeros(n, np.int8), ["vi"]),
            "_synthetic": pd.Series([True] * n, dtype=object),
        }
    )


def test_two_million_rows_with_three_bad_cells_report_exactly_those_three():
    raw = _big_raw(2_000_000)
    assert len(raw) >= 2_000_000
    bad = {
        10: ("indicator", "khong_co_chi_tieu"),
        1_000_001: ("value", "12.5"),
        len(raw) - 1: ("unit", "gánh"),
    }
    for i, (column, text) in bad.items():
        col = raw[column]
        if isinstance(col.dtype, pd.CategoricalDtype):
            raw[column] = col.cat.add_categories([text])
        raw.loc[i, column] = text
    with pytest.raises(DataValidationError) as err:
        observations.validate_frame(raw)
    got = sorted((p.row, p.column, p.value) for p in err.value.problems)
    assert got == sorted((i + 2, c, t) for i, (c, t) in bad.items())
    assert {p.file for p in err.value.problems} == {"synthetic-2m.csv"}
