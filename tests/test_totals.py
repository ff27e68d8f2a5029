"""Period totals of seasonal indicators (synthetic test rows, not real figures)."""

import math

import pandas as pd
import pytest

from dvcq_lib.totals import (
    COMPUTED,
    MISSING_SEASON,
    REPORTED,
    UNKNOWN_SEASONS,
    computed_from_seasons,
    expected_seasons,
    season_totals,
    whole_period,
    with_season_totals,
)


def rows(*records):
    """(period, indicator, season, value) → a synthetic observations frame of one commune."""
    return pd.DataFrame(
        [
            {
                "commune_code": "07273",
                "period": p,
                "indicator": i,
                "season": s,
                "value": v,
                "source": "synthetic test",
                "note": "",
            }
            for p, i, s, v in records
        ]
    )


def total(df, period, indicator="rice_area"):
    t = season_totals(df)
    r = t[(t["period"] == period) & (t["indicator"] == indicator)]
    assert len(r) == 1
    return r.iloc[0]


HISTORY = [
    ("2023-H1", "rice_area", "dong_xuan", 100.0),
    ("2023-H1", "rice_area", "xuan", 20.0),
]


def test_reported_total_wins_and_parts_are_never_added_to_it():
    df = rows(
        *HISTORY,
        ("2024-H1", "rice_area", "", 130.0),
        ("2024-H1", "rice_area", "dong_xuan", 105.0),
        ("2024-H1", "rice_area", "xuan", 25.0),
    )
    r = total(df, "2024-H1")
    assert (r["status"], r["value"]) == (REPORTED, 130.0)  # not 130 + 105 + 25
    whole = whole_period(df)
    assert list(whole.loc[whole["period"] == "2024-H1", "value"]) == [130.0]
    added = with_season_totals(df)
    assert (added["period"] == "2024-H1").sum() == 3  # nothing added beside the reported total


def test_sum_over_seasons_when_none_is_missing():
    df = rows(
        *HISTORY,
        ("2024-H1", "rice_area", "dong_xuan", 110.0),
        ("2024-H1", "rice_area", "xuan", 25.0),
    )
    r = total(df, "2024-H1")
    assert (r["status"], r["value"], r["seasons"]) == (COMPUTED, 135.0, "dong_xuan+xuan")
    assert "computed from seasons" in r["note"]
    out = with_season_totals(df)
    new = out[computed_from_seasons(out)]
    assert list(zip(new["period"], new["season"], new["value"], strict=True)) == [
        ("2023-H1", "", 120.0),
        ("2024-H1", "", 135.0),
    ]
    assert set(new["source"]) == {"synthetic test"}  # the parts' sources travel with the sum
    assert len(out) == len(df) + 2  # input rows all kept


def test_missing_season_gives_no_total():
    df = rows(*HISTORY, ("2024-H1", "rice_area", "dong_xuan", 110.0))
    r = total(df, "2024-H1")
    assert r["status"] == MISSING_SEASON and math.isnan(r["value"])
    assert r["missing_seasons"] == "xuan" and "vụ Xuân" in r["note"]
    whole = whole_period(df)
    assert "2024-H1" not in set(whole["period"])  # no whole-period figure is made up


def test_one_year_alone_does_not_say_which_seasons_make_the_period():
    df = rows(("2024-H1", "rice_area", "dong_xuan", 110.0))
    r = total(df, "2024-H1")
    assert r["status"] == UNKNOWN_SEASONS and math.isnan(r["value"])
    assert with_season_totals(df).shape == df.shape


def test_seasons_are_learnt_for_the_same_months_only():
    # the quarters a commune reports teach nothing about its half-years
    df = rows(
        ("2023-Q2", "rice_area", "dong_xuan", 90.0),
        ("2023-Q2", "rice_area", "he_thu", 10.0),
        ("2024-H1", "rice_area", "dong_xuan", 110.0),
    )
    assert total(df, "2024-H1")["status"] == UNKNOWN_SEASONS
    exp = expected_seasons(df).set_index("period")
    assert exp.loc["2024-H1", "expected"] == ("dong_xuan",)
    assert exp.loc["2023-Q2", "expected"] == ("dong_xuan", "he_thu")


def test_yield_is_recomputed_from_totals_never_summed():
    df = rows(
        ("2023-H1", "rice_area", "dong_xuan", 100.0),
        ("2023-H1", "rice_area", "xuan", 20.0),
        ("2023-H1", "rice_output", "dong_xuan", 600.0),
        ("2023-H1", "rice_output", "xuan", 100.0),
        ("2023-H1", "rice_yield", "dong_xuan", 60.0),
        ("2023-H1", "rice_yield", "xuan", 50.0),
        ("2024-H1", "rice_area", "dong_xuan", 100.0),
        ("2024-H1", "rice_area", "xuan", 20.0),
        ("2024-H1", "rice_yield", "dong_xuan", 60.0),
        ("2024-H1", "rice_yield", "xuan", 50.0),
        ("2024-H1", "rice_output", "dong_xuan", 610.0),  # vụ Xuân output not given
    )
    r = total(df, "2023-H1", "rice_yield")
    assert r["status"] == COMPUTED
    assert r["value"] == pytest.approx(700 / 120 * 10)  # not 60 + 50, not their mean
    # 2024 has no vụ Xuân output: the yield total cannot be recomputed, and is not guessed
    r = total(df, "2024-H1", "rice_yield")
    assert r["status"] == MISSING_SEASON and math.isnan(r["value"])


def test_frame_without_season_column_is_unchanged():
    df = rows(("2024-H1", "rice_area", "", 130.0)).drop(columns="season")
    assert season_totals(df).empty
    pd.testing.assert_frame_equal(whole_period(df), df)


def test_typed_observations_keep_their_types():
    df = rows(
        *HISTORY, ("2024-H1", "rice_area", "dong_xuan", 1.0), ("2024-H1", "rice_area", "xuan", 2.0)
    )
    df["period"] = pd.Categorical(df["period"], categories=["2023-H1", "2024-H1"], ordered=True)
    df["indicator"] = pd.Categorical(df["indicator"])
    out = with_season_totals(df)
    assert out["period"].cat.ordered and list(out["period"].cat.categories) == [
        "2023-H1",
        "2024-H1",
    ]
    assert isinstance(out["indicator"].dtype, pd.CategoricalDtype)
