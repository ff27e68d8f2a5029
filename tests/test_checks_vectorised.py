"""The checks on integer codes (issue #17) give the findings of the implementation they replaced
(benchmarks/checks_reference.py): the same rows in the same order, the same messages, values
and scores — on SYNTHETIC frames built to hold what the grouping must get right: ties, missing
values, seasons (one written with stray spaces), duplicated rows, a second kind of period,
a commune alone in its district, absent rows and communes, and planted faults."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest

from dvcq_lib.checks import CHECKS
from dvcq_lib.checks.codes import (
    combine,
    group_ids,
    group_median,
    group_size,
    inner_join,
    lookup,
    season_codes,
    sorted_within,
    text_codes,
)
from dvcq_lib.observations import load
from dvcq_lib.paths import ROOT
from dvcq_lib.periods import period_dtype
from dvcq_lib.seasons import season_column


def _module(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def reference():
    """name → the check before issue #17 (as `benchmarks/checks_speed.py` pairs them)."""
    return _module(ROOT / "benchmarks" / "checks_speed.py").REFERENCE


def _seasons(df: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Rice figures of the legacy half-years also given by season (vụ Đông Xuân, vụ Mùa… as
    seasons.csv codes), the whole period's figure kept for some and dropped for others."""
    rice = df[df["indicator"].isin(["rice_area", "rice_output"]) & (df["period"] < "2025-H2")]
    rice = rice[rng.random(len(rice)) < 0.5]
    first = rice.assign(season="dong_xuan", value=(rice["value"] * 0.6).round(1))
    second = rice.assign(season="he_thu", value=(rice["value"] * 0.4).round(1))
    second.loc[second.index[:7], "season"] = " he_thu "  # read as "he_thu", as season_column
    drop_whole = rice.index[rng.random(len(rice)) < 0.3]
    return pd.concat([df.drop(drop_whole), first, second], ignore_index=True)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """Two legacy districts of the SYNTHETIC scale set (Yên Thế, Hoàng Mai) and one commune of a
    third (alone: no peers), with faults planted and rows taken away."""
    gen = _module(ROOT / "scripts" / "generate_demo_data.py")
    frames = [
        part
        for district in ("Yên Thế", "Hoàng Mai", "Lục Nam")
        for part in gen.generate_scale("district", district, "demo").values()
    ]
    df = pd.concat(frames, ignore_index=True).assign(
        season="", source="synthetic-scale (test)", quote="", unit_written="", note=""
    )
    lonely = df[df["commune_code"].isin(["07444"])]  # one commune of Lục Nam
    others = df[
        df["commune_code"].isin(
            gen.generate_scale("district", "Lục Nam", "demo")["legacy/bac-giang"][
                "commune_code"
            ].unique()
        )
    ]
    df = pd.concat([df.drop(others.index), lonely], ignore_index=True)
    rng = np.random.default_rng(17)
    df["value"] = df["value"].round(0)  # ties: many equal figures, equal changes, equal medians
    df = _seasons(df, rng)
    faults = rng.choice(len(df), 60, replace=False)
    df.loc[faults[:40], "value"] *= 10  # digit slips: outliers over time and among peers
    df.loc[faults[40:50], "value"] *= 0.1
    df.loc[faults[50:], "value"] = np.nan  # a cell without a figure
    in_season = rng.choice(np.flatnonzero(df["season"] != ""), 8, replace=False)
    df.loc[in_season, "value"] *= 10  # a season more than its period's total
    df = df[rng.random(len(df)) > 0.03]  # indicators not reported
    first = df["commune_code"].iloc[0]
    df = df[~((df["commune_code"] == first) & (df["period"] == "2024-H1"))]  # a commune absent
    twice = df.sample(25, random_state=3).assign(value=lambda d: d["value"] + 1)
    quarters = df[(df["period"] == "2024-H1") & (df["commune_code"] < "07300")].assign(
        period="2024-Q2"
    )
    return pd.concat([df, twice, quarters], ignore_index=True)


def _categorical(df: pd.DataFrame) -> pd.DataFrame:
    """The dtypes `load()` gives: categoricals, an ordered period, seasons as strings."""
    out = df.copy()
    for c in ("commune_code", "indicator", "unit", "source"):
        out[c] = out[c].astype(str).astype("category")
    out["period"] = pd.Categorical(
        out["period"].astype(str), dtype=period_dtype(out["period"].astype(str))
    )
    out["season"] = out["season"].astype("string")
    return out


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Every text column as Python objects, seasons as categories (another way in)."""
    out = df.astype({c: object for c in df.columns if c not in ("value", "season")})
    out["season"] = out["season"].astype("category")
    return out


@pytest.mark.parametrize("name", list(CHECKS))
@pytest.mark.parametrize("dtypes", [_categorical, _plain])
def test_each_check_gives_the_reference_findings(frame, reference, name, dtypes):
    df = dtypes(frame)
    expected = reference[name](df)
    if name != "units":  # no unit slips in made-up numbers; every other check finds some
        assert len(expected) > 0
    pd.testing.assert_frame_equal(CHECKS[name](df), expected)


def test_the_frame_holds_what_the_grouping_must_get_right(frame, reference):
    found = reference["outlier_peer"](frame)
    assert "07444" not in set(found["commune_code"])  # alone in its district: no peers
    assert {"dong_xuan", "he_thu"} <= set(season_column(frame))
    assert frame.duplicated(["commune_code", "period", "indicator", "season"]).any()
    assert frame["value"].isna().any() and frame["value"].duplicated().any()
    assert set(reference["unreported"](frame)["kind"]) == {"unreported"}
    in_seasons = {n for n, check in reference.items() if (check(frame)["season"] != "").any()}
    assert "outlier_peer" in in_seasons
    assert "season_parts_le_total" in set(reference["rules"](frame)["check"])


@pytest.mark.parametrize("dtypes", [lambda d: d, _plain])
def test_each_check_gives_the_reference_findings_on_the_bundled_data(reference, dtypes):
    df = dtypes(load())
    for name, check in CHECKS.items():
        pd.testing.assert_frame_equal(check(df), reference[name](df), obj=name)


# ---------------------------------------------------------------------------------------------
# the integer keys
# ---------------------------------------------------------------------------------------------
def test_text_codes_read_cells_as_astype_str_does():
    for column in (
        pd.Series(["b", "a", None, "b", np.nan], dtype=object),
        pd.Series(["b", "a", None, "b"], dtype="category"),
        pd.Series(["x", "y", pd.NA], dtype="string"),
        pd.Series([3, 1, 3]),
    ):
        codes, texts = text_codes(column)
        assert (
            texts[codes].tolist()
            == column.astype(object)
            .map(lambda v: "nan" if v is None or v is pd.NA or v != v else str(v))
            .tolist()
            or texts[codes].tolist() == column.astype(str).tolist()
        )
        assert len(set(texts)) == len(texts)


def test_season_codes_are_season_column():
    for season in (
        pd.Series(["", " xuan", "xuan", None, "he_thu "], dtype=object),
        pd.Series(["", " xuan", "xuan", None], dtype="category"),
        pd.Series(["", "xuan", pd.NA], dtype="string"),
    ):
        df = pd.DataFrame({"season": season})
        codes, texts = season_codes(df)
        assert texts[codes].tolist() == season_column(df).tolist()
    codes, texts = season_codes(pd.DataFrame({"value": [1.0, 2.0]}))
    assert texts[codes].tolist() == ["", ""]


def test_group_medians_and_sizes_are_those_of_pandas_groupby():
    rng = np.random.default_rng(5)
    keys = pd.DataFrame({"a": rng.integers(0, 30, 4000), "b": rng.integers(-1, 4, 4000)})
    x = rng.integers(0, 6, 4000).astype(float)  # ties everywhere
    x[rng.random(4000) < 0.05] = np.nan
    ids = group_ids(keys["a"].to_numpy(), keys["b"].to_numpy())
    frame = keys.assign(x=x).replace({"b": {-1: np.nan}})
    g = frame.groupby(["a", "b"])["x"]
    np.testing.assert_array_equal(group_median(x, ids), g.transform("median").to_numpy())
    np.testing.assert_array_equal(
        group_size(ids), frame.groupby(["a", "b"])["a"].transform("size").to_numpy(dtype=float)
    )
    assert (ids[keys["b"] < 0] == -1).all()


def test_joins_on_one_integer_key_pair_rows_as_merge_does():
    rng = np.random.default_rng(9)
    left = rng.integers(-1, 40, 500)
    right = rng.integers(0, 40, 300)  # duplicated keys: several matches for one row
    got = inner_join(left, right)
    a = pd.DataFrame({"k": left, "l": np.arange(500)})
    b = pd.DataFrame({"k": right, "r": np.arange(300)})
    m = a[a["k"] >= 0].merge(b, on="k", how="inner")
    assert got[0].tolist() == m["l"].tolist() and got[1].tolist() == m["r"].tolist()
    unique = np.unique(right)
    rows, at = inner_join(left, unique)
    assert (unique[at] == left[rows]).all() and (left[np.setdiff1d(np.arange(500), rows)] < 0).sum()
    first = lookup(left, right)
    for i, k in enumerate(left):
        hits = np.flatnonzero(right == k)
        assert first[i] == (hits[0] if k >= 0 and len(hits) else -1)


def test_combined_keys_are_equal_exactly_when_every_key_is():
    rng = np.random.default_rng(2)
    a, b = rng.integers(0, 7, 300), rng.integers(-1, 5, 300)
    key = combine([a, b], [7, 5])
    for i in range(0, 300, 7):
        same = (a == a[i]) & (b == b[i])
        assert ((key == key[i]) == same).all() or b[i] < 0
    assert (key[b < 0] == -1).all()


def test_rows_sorted_within_groups_as_lexsort_sorts_them():
    rng = np.random.default_rng(11)
    groups, values = rng.integers(0, 50, 3000), rng.integers(0, 8, 3000).astype(float)
    values[rng.random(3000) < 0.05] = np.nan  # last in their group, as lexsort puts them
    np.testing.assert_array_equal(sorted_within(groups, values), np.lexsort((values, groups)))
