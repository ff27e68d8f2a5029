"""remap: observations of old units re-aggregated into the units in force later.

The hand-computed values come from small in-code frames, never from the demo generator."""

from __future__ import annotations

import pandas as pd
import pytest

from dvcq_lib.exceptions import LineageError
from dvcq_lib.lineage import CROSSWALK_COLUMNS, Crosswalk
from dvcq_lib.observations import is_synthetic, read_observations
from dvcq_lib.paths import DATA_DIR
from dvcq_lib.periods import period_range
from dvcq_lib.remap import STATUS_LABELS_VI, STATUSES, remap, series_for

NONE = Crosswalk()  # no later changes: only the 2025 reform
DONG_SON, HUONG_VI, BO_HA = "07273", "07279", "07294"

# Three legacy Yên Thế units, 2024-H1 (made-up test values).
UNITS = {
    DONG_SON: dict(
        households=2363,
        rice_area=219.5,
        rice_output=1273.1,
        rice_yield=58.0,
        petitions_received=10,
        petitions_resolved=8,
        petitions_resolution_rate=80.0,
        ethnic_groups=9,
    ),
    HUONG_VI: dict(
        households=3100,
        rice_area=250.0,
        rice_output=1400.0,
        rice_yield=56.0,
        petitions_received=20,
        petitions_resolved=19,
        petitions_resolution_rate=95.0,
        ethnic_groups=5,
    ),
    BO_HA: dict(
        households=2400,
        rice_area=60.0,
        rice_output=300.0,
        rice_yield=50.0,
        petitions_received=7,
        petitions_resolved=7,
        petitions_resolution_rate=100.0,
        ethnic_groups=4,
    ),
}


def frame(units: dict, period: str = "2024-H1", source: str = "test") -> pd.DataFrame:
    rows = [
        (code, period, ind, float(v), source)
        for code, values in units.items()
        for ind, v in values.items()
    ]
    df = pd.DataFrame(rows, columns=["commune_code", "period", "indicator", "value", "source"])
    df["commune_code"] = df["commune_code"].astype("category")
    df["period"] = pd.Categorical(df["period"], ordered=True)
    return df


def value(out: pd.DataFrame, code: str, period: str, indicator: str) -> pd.Series:
    row = out[(out.commune_code == code) & (out.period == period) & (out.indicator == indicator)]
    assert len(row) == 1, (code, period, indicator, len(row))
    return row.iloc[0]


def crosswalk_file(tmp_path, *rows: str):
    path = tmp_path / "crosswalk.csv"
    path.write_text(
        ",".join(CROSSWALK_COLUMNS) + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8"
    )
    return path


def test_three_units_summed_into_bo_ha_by_kind():
    out = remap(frame(UNITS), to="2025", crosswalk=NONE)
    assert set(out.commune_code) == {BO_HA}
    # stock and flow: summed
    assert value(out, BO_HA, "2024-H1", "households").value == 2363 + 3100 + 2400
    assert value(out, BO_HA, "2024-H1", "rice_output").value == pytest.approx(2973.1)
    # yield: Σ output / Σ area × 10, not the mean of the yields (54.67)
    y = value(out, BO_HA, "2024-H1", "rice_yield")
    assert y.value == pytest.approx(2973.1 / 529.5 * 10)  # 56.149…
    assert y.value != pytest.approx((58 + 56 + 50) / 3, abs=0.1)
    # rate: Σ resolved / Σ received × 100 = 34/37, not the mean of the rates (91.67)
    r = value(out, BO_HA, "2024-H1", "petitions_resolution_rate")
    assert r.value == pytest.approx(34 / 37 * 100)
    for row in (y, r, value(out, BO_HA, "2024-H1", "households")):
        assert row.status == "remapped"
        assert row.constituents == (
            "Xã Đông Sơn (07273) + Xã Hương Vĩ (07279) + Thị trấn Bố Hạ (07294)"
        )
        assert row.missing_constituents == ""


def test_not_additive_indicator_is_left_missing_with_a_note():
    row = value(remap(frame(UNITS), crosswalk=NONE), BO_HA, "2024-H1", "ethnic_groups")
    assert pd.isna(row.value) and "không cộng được" in row.note


def test_missing_constituent_gives_incomplete_not_a_partial_sum():
    units = {k: dict(v) for k, v in UNITS.items()}
    del units[HUONG_VI]["rice_output"], units[HUONG_VI]["rice_yield"]
    out = remap(frame(units), crosswalk=NONE)
    flow = value(out, BO_HA, "2024-H1", "rice_output")
    assert flow.status == "incomplete" and pd.isna(flow.value)
    assert flow.missing_constituents == "Xã Hương Vĩ (07279)"
    assert "1.573,1" in flow.note  # the partial total is kept as text, not as the value
    ratio = value(out, BO_HA, "2024-H1", "rice_yield")
    assert ratio.status == "incomplete" and pd.isna(ratio.value)
    assert ratio.missing_constituents == "Xã Hương Vĩ (07279): sản lượng lúa"
    assert value(out, BO_HA, "2024-H1", "rice_area").status == "remapped"


def test_a_constituent_absent_for_the_whole_period_is_named():
    units = {k: v for k, v in UNITS.items() if k != BO_HA}
    out = remap(frame(units), crosswalk=NONE)
    assert set(out.status) == {"incomplete"}
    assert set(out.missing_constituents) == {
        "Thị trấn Bố Hạ (07294)",
        "Thị trấn Bố Hạ (07294): sản lượng lúa, diện tích lúa",
        "Thị trấn Bố Hạ (07294): đơn thư đã giải quyết, đơn thư tiếp nhận",
    } | {""}  # ethnic_groups: not additive, nothing "missing"


def test_component_derived_from_a_reported_ratio_is_estimated():
    # like the reference Đông Sơn 2024-H1: yield and area reported, output not
    units = {k: dict(v) for k, v in UNITS.items()}
    del units[DONG_SON]["rice_output"]
    out = remap(frame(units), crosswalk=NONE)
    y = value(out, BO_HA, "2024-H1", "rice_yield")
    derived = 219.5 * 58.0 / 10  # output = yield × area / 10
    assert y.value == pytest.approx((derived + 1400 + 300) / 529.5 * 10)
    assert y.status == "estimated" and "Xã Đông Sơn (07273)" in y.note
    assert value(out, BO_HA, "2024-H1", "rice_output").status == "estimated"
    strict = remap(frame(units), crosswalk=NONE, derive=False)
    assert value(strict, BO_HA, "2024-H1", "rice_yield").status == "incomplete"


def test_split_apportioned_by_weights_and_marked_estimated(tmp_path):
    # legacy 00988 was divided between 2025 units 00994 and 00700; 00700 also took legacy 00700
    legacy = frame(
        {
            "00988": dict(rice_area=100.0, rice_output=500.0, rice_yield=50.0),
            "00700": dict(rice_area=40.0, rice_output=240.0, rice_yield=60.0),
        }
    )
    path = crosswalk_file(
        tmp_path,
        "00988,00700,2025-07-01,split,0.25,population,QĐ thử,,",
        "00988,00994,2025-07-01,split,0.75,population,QĐ thử,,",
    )
    out = remap(legacy, crosswalk=path)
    area = value(out, "00700", "2024-H1", "rice_area")
    assert area.value == pytest.approx(40 + 0.25 * 100)
    assert area.status == "estimated" and "× 0,25" in area.constituents
    y = value(out, "00700", "2024-H1", "rice_yield")
    assert y.value == pytest.approx((240 + 125) / (40 + 25) * 10)
    # 00994 also has legacy 00994 and 01009 as constituents, absent here: incomplete
    other = value(out, "00994", "2024-H1", "rice_area")
    assert other.status == "incomplete" and "00994" in other.missing_constituents
    # without weights in the crosswalk: the area proxy of the package
    proxy = value(remap(legacy, crosswalk=NONE), "00700", "2024-H1", "rice_area")
    assert proxy.value == pytest.approx(40 + 100 * 98.07 / (98.07 + 159.34))
    assert proxy.status == "estimated"


def test_later_split_from_the_crosswalk(tmp_path):
    path = crosswalk_file(
        tmp_path,
        "07294,07294,2026-01-01,split,0.6,population,NQ thử,,",
        "07294,99001,2026-01-01,split,0.4,population,NQ thử,Xã Thử Nghiệm,",
    )
    out = remap(frame({BO_HA: UNITS[BO_HA]}, period="2025-H2"), to="2026-H1", crosswalk=path)
    assert value(out, "99001", "2025-H2", "households").value == pytest.approx(0.4 * 2400)
    assert value(out, BO_HA, "2025-H2", "households").value == pytest.approx(0.6 * 2400)
    # a yield keeps its level when both components are shared alike
    assert value(out, "99001", "2025-H2", "rice_yield").value == pytest.approx(50.0)
    assert value(out, "99001", "2025-H2", "rice_yield").status == "estimated"


def test_two_step_chain_through_the_crosswalk(tmp_path):
    path = crosswalk_file(
        tmp_path, "07294,99001,2026-01-01,reclassify,,,NQ thử nghiệm,Phường Bố Hạ,"
    )
    df = pd.concat(
        [
            frame(UNITS),
            frame({BO_HA: dict(households=7900, rice_yield=57.0)}, period="2025-H2"),
            frame({"99001": dict(households=7950)}, period="2026-H1"),
        ]
    )
    out = remap(df, to="2026-H1", crosswalk=path)
    assert set(out.commune_code) == {"99001"}
    assert value(out, "99001", "2024-H1", "households").value == 7863
    assert value(out, "99001", "2024-H1", "rice_yield").value == pytest.approx(2973.1 / 52.95)
    # one whole unit becoming another passes its values unchanged, ratios included
    kept = value(out, "99001", "2025-H2", "rice_yield")
    assert (kept.value, kept.status, kept.constituents) == (57.0, "remapped", "Xã Bố Hạ (07294)")
    assert value(out, "99001", "2026-H1", "households").status == "reported"
    with pytest.raises(LineageError, match="99001"):
        remap(df, to="2025", crosswalk=path)


def test_target_units_pass_through_and_dtypes_are_kept():
    df = read_observations()
    out = remap(df, crosswalk=NONE)
    assert list(out.columns) == [*df.columns, "status", "constituents", "missing_constituents"]
    assert out["period"].dtype == df["period"].dtype
    for col in ("commune_code", "indicator", "unit", "status"):
        assert isinstance(out[col].dtype, pd.CategoricalDtype), col
    new = df[df.period.isin(["2025-H2", "2026-H1"])].reset_index(drop=True)
    passed = out[out.status == "reported"].reset_index(drop=True)
    pd.testing.assert_series_equal(passed["value"], new["value"])
    # a value built partly from synthetic rows is flagged synthetic
    assert is_synthetic(out[out.status != "reported"]).all()


def test_demo_gives_continuous_series_for_the_five_yen_the_communes():
    df = read_observations()
    faults = pd.read_csv(DATA_DIR / "demo_faults.csv", dtype=str)
    missing = faults[(faults.fault == "missing") & faults.indicator.isin(["*", "agriculture"])]
    out = remap(df, crosswalk=NONE)
    rice = out[out.indicator == "rice_area"]
    expected = [p.code for p in period_range("2019-H1", "2026-H1")]
    from dvcq_lib.lineage import trace

    gaps = {
        (trace(c, p, "2025", NONE)[0].target, p)
        for c, p in zip(missing.commune_code, missing.period, strict=True)
    }
    assert gaps  # the demo plants a whole missing period (07255, 2021-H1)
    for code in ("07246", "07264", "07282", "07288", "07294"):
        s = rice[rice.commune_code == code].set_index(
            rice.period.astype(str)[rice.commune_code == code]
        )
        assert list(s.index) == expected, code
        for p in expected:
            if (code, p) in gaps:
                assert s.loc[p, "status"] == "incomplete" and pd.isna(s.loc[p, "value"])
            else:
                assert pd.notna(s.loc[p, "value"]), (code, p)
    # a remapped value equals the sum of its constituents' rows in the data
    src = df[(df.indicator == "rice_area") & (df.period == "2020-H1")]
    want = src[src.commune_code.isin(["07243", "07246", "07249"])]["value"].sum()
    assert value(out, "07246", "2020-H1", "rice_area").value == pytest.approx(want)


def test_series_for_bo_ha_marks_the_reform():
    s = series_for("Bố Hạ", indicator="rice_yield", crosswalk=NONE)
    assert list(s.period.astype(str)) == [p.code for p in period_range("2019-H1", "2026-H1")]
    assert s.attrs["reform_period"] == "2025-H2" and s.attrs["commune"] == BO_HA
    assert s.attrs["constituents"] == [
        "Xã Đông Sơn (07273)",
        "Xã Hương Vĩ (07279)",
        "Thị trấn Bố Hạ (07294)",
    ]
    assert list(s.after_reform) == [False] * 13 + [True] * 2
    assert set(s.status[~s.after_reform]) <= {"remapped", "estimated"}
    assert value(s, BO_HA, "2024-H1", "rice_yield").status == "estimated"  # derived Đông Sơn
    assert set(s.status[s.after_reform]) == {"reported"}


def test_series_for_unknown_commune_and_missing_columns():
    from dvcq_lib.exceptions import CommuneNotFoundError

    with pytest.raises(CommuneNotFoundError):
        series_for("Không Có Xã Này", df=frame(UNITS), crosswalk=NONE)
    with pytest.raises(LineageError, match="value"):
        remap(frame(UNITS).drop(columns="value"), crosswalk=NONE)


def test_statuses_are_labelled_in_vietnamese():
    assert set(STATUS_LABELS_VI) == set(STATUSES)


# ---------------------------------------------------------------------------------------------
# seasons: the key includes the season (made-up test values)
# ---------------------------------------------------------------------------------------------
def seasonal_frame(rows: list[tuple[str, str, str, str, float]]) -> pd.DataFrame:
    """(commune, period, indicator, season, value) → observations with a season column."""
    return pd.DataFrame(
        [(c, p, i, s, v, "test") for c, p, i, s, v in rows],
        columns=["commune_code", "period", "indicator", "season", "value", "source"],
    )


def seasonal_value(out, code, period, indicator, season):
    row = out[
        (out.commune_code == code)
        & (out.period == period)
        & (out.indicator == indicator)
        & (out.season == season)
    ]
    assert len(row) == 1, (code, period, indicator, season, len(row))
    return row.iloc[0]


def test_seasons_are_summed_with_the_same_season_only():
    rows = [
        (u, "2024-H1", ind, season, v)
        for u, (dx, x) in {
            DONG_SON: (200.0, 20.0),
            HUONG_VI: (240.0, 10.0),
            BO_HA: (60.0, 0.0),
        }.items()
        for ind, season, v in (("rice_area", "dong_xuan", dx), ("rice_area", "xuan", x))
    ]
    out = remap(seasonal_frame(rows), crosswalk=NONE)
    assert seasonal_value(out, BO_HA, "2024-H1", "rice_area", "dong_xuan").value == 500.0
    assert seasonal_value(out, BO_HA, "2024-H1", "rice_area", "xuan").value == 30.0
    # one year of seasons says nothing about which make H1: no whole-period total is made
    assert set(out.season) == {"dong_xuan", "xuan"}


def test_a_season_missing_in_one_constituent_is_incomplete_not_partial():
    rows = [
        (DONG_SON, "2024-H1", "rice_area", "dong_xuan", 200.0),
        (DONG_SON, "2024-H1", "rice_area", "", 200.0),
        (HUONG_VI, "2024-H1", "rice_area", "", 250.0),
        (BO_HA, "2024-H1", "rice_area", "", 60.0),
    ]
    out = remap(seasonal_frame(rows), crosswalk=NONE)
    assert seasonal_value(out, BO_HA, "2024-H1", "rice_area", "").value == 510.0
    part = seasonal_value(out, BO_HA, "2024-H1", "rice_area", "dong_xuan")
    assert part.status == "incomplete" and pd.isna(part.value)


def test_a_constituents_total_completed_from_its_seasons_is_said():
    rows = []
    for period in ("2023-H1", "2024-H1"):
        rows += [
            (DONG_SON, period, "rice_area", "dong_xuan", 200.0),
            (DONG_SON, period, "rice_area", "xuan", 19.5),
            (HUONG_VI, period, "rice_area", "", 250.0),
            (BO_HA, period, "rice_area", "", 60.0),
        ]
    out = remap(seasonal_frame(rows), crosswalk=NONE)
    whole = seasonal_value(out, BO_HA, "2024-H1", "rice_area", "")
    assert whole.value == pytest.approx(529.5) and whole.status == "remapped"
    assert "Xã Đông Sơn (07273)" in whole.note and "computed from seasons" in whole.note


def test_frame_without_seasons_comes_back_without_the_column():
    assert "season" not in remap(frame(UNITS), crosswalk=NONE).columns


# ---------------------------------------------------------------------------------------------
# the vectorised remap gives the frame of the implementation it replaced (issue #17)
# ---------------------------------------------------------------------------------------------
def _module(path):
    import importlib.util

    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def reference():
    """The remap of before issue #17, kept in benchmarks/ as the reference."""
    from dvcq_lib.paths import ROOT

    return _module(ROOT / "benchmarks" / "remap_reference.py").remap


@pytest.fixture(scope="module")
def generated() -> pd.DataFrame:
    """Two legacy districts of the SYNTHETIC scale set (Yên Thế: merges only; Hoàng Mai: every
    unit divided among several 2025 units), every indicator, with 3 % of the rows dropped at
    random so that values are incomplete and components are derived from ratios."""
    import numpy as np

    from dvcq_lib.paths import ROOT

    gen = _module(ROOT / "scripts" / "generate_demo_data.py")
    frames = [
        part
        for district in ("Yên Thế", "Hoàng Mai")
        for part in gen.generate_scale("district", district, "all").values()
    ]
    df = pd.concat(frames, ignore_index=True).assign(source="synthetic-scale (test)")
    keep = np.random.default_rng(17).random(len(df)) > 0.03
    return df[keep].reset_index(drop=True)


def _categorical(df: pd.DataFrame) -> pd.DataFrame:
    """The columns `load()` may give as categoricals, as categoricals."""
    from dvcq_lib.periods import period_dtype

    out = df.copy()
    for c in ("commune_code", "indicator", "unit", "source"):
        if c in out:
            out[c] = out[c].astype(str).astype("category")
    out["period"] = pd.Categorical(
        out["period"].astype(str), dtype=period_dtype(out["period"].astype(str))
    )
    return out


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Every text column as Python objects (no categorical, no string dtype)."""
    return df.astype({c: object for c in df.columns if c not in ("value", "synthetic")})


@pytest.mark.parametrize("dtypes", [_categorical, _plain])
def test_vectorised_remap_gives_the_reference_frame_on_generated_data(generated, reference, dtypes):
    df = dtypes(generated)
    expected = reference(df, to="2025", crosswalk=NONE)
    assert (expected["status"] == "incomplete").any() and (expected["status"] == "estimated").any()
    pd.testing.assert_frame_equal(remap(df, to="2025", crosswalk=NONE), expected)


@pytest.mark.parametrize("dtypes", [lambda d: d, _plain])
def test_vectorised_remap_gives_the_reference_frame_on_bundled_data(reference, tmp_path, dtypes):
    df = dtypes(read_observations())
    later = crosswalk_file(
        tmp_path,
        "07294,99001,2026-07-01,merge,1,,NQ test,Xã Thử Nghiệm,",
        "07288,99002,2026-07-01,split,0.4,population,NQ test,Xã Thử Một,",
        "07288,99003,2026-07-01,split,0.6,population,NQ test,Xã Thử Hai,",
    )
    for to, cw, derive in (("2025", NONE, True), ("2026-H2", later, True), ("2025", NONE, False)):
        expected = reference(df, to=to, crosswalk=cw, derive=derive)
        got = remap(df, to=to, crosswalk=cw, derive=derive)
        pd.testing.assert_frame_equal(got, expected)


def test_vectorised_remap_gives_the_reference_values_to_the_last_bit(generated, reference):
    # the values were summed as floats (compensated), or as Python objects (plainly) when
    # derivation found nothing to derive: either way the totals, ratios and notes are those of
    # before, to the last bit — with components derived, without derivation, without any
    from dvcq_lib.catalogue import catalogue

    df = _categorical(generated)
    ratios = [i.code for i in catalogue() if i.aggregation == "formula"]
    no_ratio = df[~df["indicator"].isin(ratios)]  # nothing to derive a component from
    assert len(no_ratio) < len(df)
    for frame in (df, no_ratio):
        for derive in (True, False):
            expected = reference(frame, to="2025", crosswalk=NONE, derive=derive)
            got = remap(frame, to="2025", crosswalk=NONE, derive=derive)
            pd.testing.assert_frame_equal(got, expected, check_exact=True)


@pytest.mark.parametrize("how", ["inner", "left"])
@pytest.mark.parametrize("unique_right", [True, False])
def test_merging_on_codes_gives_what_pandas_merge_gives(how, unique_right):
    """The integer-key merge (a look-up when the right side has one row per key) keeps merge's
    rows, order, columns and dtypes: unmatched left rows, ints and bools of a left join."""
    from dvcq_lib.remap import _merge_on_codes

    cats = pd.CategoricalDtype(["a", "b", "c", "d"])
    left = pd.DataFrame(
        {
            "k": pd.Categorical(["c", "a", "d", "a", "b"], dtype=cats),
            "j": pd.Categorical(["x", "x", "y", "y", "x"]),
            "v": [1.5, 2.0, 3.0, 4.0, 5.0],
        }
    )
    keys = ["a", "b", "c"] if unique_right else ["a", "b", "a"]
    right = pd.DataFrame(
        {
            "k": pd.Categorical(keys, dtype=cats),
            "j": pd.Categorical(["x", "x", "x"], dtype=left["j"].dtype),
            "n": [10, 20, 30],
            "flag": [True, False, True],
        }
    )
    got = _merge_on_codes(left, right, ["k", "j"], how=how)
    pd.testing.assert_frame_equal(got, left.merge(right, on=["k", "j"], how=how))
