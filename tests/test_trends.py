"""Trend functions: changes, same-half series, growth, structure, ranks, targets."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dvcq_lib import trends
from dvcq_lib.exceptions import DataValidationError


def tidy(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["commune_code", "period", "indicator", "value"])


@pytest.fixture
def wide() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rice_area": [200.0, 210.0, math.nan, 230.0, 250.0],
            "rice_output": [1000.0, 1100.0, 1150.0, 1300.0, 1450.0],
            "petitions_received": [10.0, 12.0, 8.0, 10.0, 20.0],
            "petitions_resolved": [8.0, 12.0, 8.0, 9.0, 15.0],
        },
        index=pd.Index(["2021-H1", "2022-H1", "2023-H1", "2023-H2", "2024-H1"], name="period"),
    )


def test_panel_orders_periods_by_calendar_and_rejects_two_communes():
    df = tidy(
        [
            ("07273", "2024-H1", "rice_area", 1.0),
            ("07273", "2023-H2", "rice_area", 2.0),
            ("07273", "2019-H2", "rice_area", 3.0),
        ]
    )
    assert list(trends.panel(df).index) == ["2019-H2", "2023-H2", "2024-H1"]
    two = pd.concat([df, tidy([("07276", "2024-H1", "rice_area", 1.0)])])
    with pytest.raises(ValueError):
        trends.panel(two)


def test_change_against_same_period_last_year_and_previous_half(wide):
    ch = trends.change(wide, "rice_output", "2024-H1")
    assert (ch.base_period, ch.value, ch.base) == ("2023-H1", 1450.0, 1150.0)
    assert ch.absolute == 300.0
    assert ch.percent == pytest.approx(300 / 1150 * 100)
    prev = trends.change(wide, "petitions_received", "2024-H1", against="previous")
    assert prev.base_period == "2023-H2" and prev.percent == pytest.approx(10 / 10 * 100)


def test_seasonal_flow_is_not_compared_with_the_previous_half(wide):
    # rice in H1 is the winter-spring crop, in H2 the main crop: compare_previous = 0
    prev = trends.change(wide, "rice_output", "2024-H1", against="previous")
    assert prev.base_period == "2023-H2" and not prev.comparable and math.isnan(prev.percent)
    assert "vụ" in prev.note


def test_change_with_a_missing_base_is_not_comparable_never_zero(wide):
    ch = trends.change(wide, "rice_area", "2024-H1")  # 2023-H1 rice_area is a gap
    assert not ch.comparable and math.isnan(ch.percent) and ch.direction == 0
    assert math.isnan(trends.change(wide, "pig_head", "2024-H1").value)
    with pytest.raises(ValueError):
        trends.change(wide, "rice_area", "2024-H1", against="last week")


def test_changes_frame_lists_each_indicator(wide):
    out = trends.changes(wide, "2024-H1", ["rice_output", "rice_area"])
    assert list(out["indicator"]) == ["rice_output", "rice_area"]
    assert out["absolute"].iloc[0] == 300.0 and math.isnan(out["percent"].iloc[1])


def test_same_half_series_keeps_gaps_as_nan(wide):
    s = trends.same_half_series(wide, "rice_area", "2024-H1")
    assert list(s.index) == ["2021-H1", "2022-H1", "2023-H1", "2024-H1"]
    assert math.isnan(s["2023-H1"]) and s.notna().sum() == 3
    later = trends.same_half_series(wide, "rice_area", "2023-H1")
    assert list(later.index) == ["2021-H1", "2022-H1", "2023-H1"]  # nothing after the period


def test_cagr_over_first_and_last_available_points(wide):
    s = trends.same_half_series(wide, "rice_area", "2024-H1")
    assert trends.cagr(s) == pytest.approx(((250 / 200) ** (1 / 3) - 1) * 100)
    assert math.isnan(trends.cagr(s.iloc[:1]))
    assert math.isnan(trends.cagr(pd.Series([0.0, 5.0], index=["2020-H1", "2021-H1"])))


def test_shares_of_production_value():
    w = pd.DataFrame(
        {"crop_value": [32.5], "livestock_value": [48.0], "forestry_value": [4.0]},
        index=["2024-H1"],
    )
    out = trends.shares(w, "2024-H1").set_index("indicator")
    assert out.loc["livestock_value", "share"] == pytest.approx(48 / 84.5 * 100)
    assert out["share"].sum() == pytest.approx(100)
    w2 = w.drop(columns="forestry_value")
    out2 = trends.shares(w2, "2024-H1").set_index("indicator")
    assert math.isnan(out2.loc["forestry_value", "share"])
    assert out2.loc["crop_value", "share"] == pytest.approx(32.5 / 80.5 * 100)


def test_output_from_yield_and_recomputed_ratios():
    w = pd.DataFrame({"rice_area": [219.5], "rice_yield": [58.0]}, index=["2024-H1"])
    assert trends.output_from_yield(w, "rice_yield").iloc[0] == pytest.approx(1273.1)
    w2 = pd.DataFrame(
        {
            "petitions_received": [10.0, 4.0],
            "petitions_resolved": [8.0, 4.0],
            "petitions_resolution_rate": [90.0, math.nan],
        },
        index=["a", "b"],
    )
    full = trends.with_recomputed(w2)
    assert list(full["petitions_resolution_rate"]) == [90.0, 100.0]  # reported value wins
    assert list(trends.recomputed(w2, "petitions_resolution_rate")) == [80.0, 100.0]
    with pytest.raises(ValueError):
        trends.recomputed(w2, "rice_area")


def test_aggregate_sums_flows_and_recomputes_ratios_never_averages():
    cross = pd.DataFrame(
        {
            "petitions_received": [10.0, 90.0],
            "petitions_resolved": [10.0, 45.0],
            "petitions_resolution_rate": [100.0, 50.0],
        },
        index=["a", "b"],
    )
    total = trends.aggregate(cross)
    assert total["petitions_received"] == 100.0
    assert total["petitions_resolution_rate"] == pytest.approx(55.0)  # not (100 + 50) / 2


def test_league_and_rank_with_ties_missing_and_rates():
    cross = pd.DataFrame(
        {
            "petitions_received": [10.0, 20.0, 20.0, math.nan],
            "population": [1000.0, 8000.0, 2000.0, 5000.0],
        },
        index=["07243", "07246", "07249", "07252"],
    )
    table = trends.league(cross, "petitions_received")
    assert list(table["commune_code"]) == ["07246", "07249", "07243", "07252"]
    assert list(table["rank"].iloc[:3]) == [1, 1, 3] and math.isnan(table["rank"].iloc[3])
    r = trends.rank(cross, "petitions_received", "07243")
    assert (r.rank, r.peers) == (3, 3) and r.percentile == pytest.approx(100 / 3)
    per = trends.rank(cross, "petitions_received", "07243", per="per_1000_people")
    assert per.value == 10.0 and per.rank == 1  # 10 per 1.000 people, tied with 07249
    low = trends.rank(cross, "petitions_received", "07243", ascending=True)
    assert low.rank == 1
    missing = trends.rank(cross, "petitions_received", "07252")
    assert math.isnan(missing.rank)
    with pytest.raises(ValueError):
        trends.rate(cross, "petitions_received", per="per_goat")


def test_targets_file_and_attainment(tmp_path):
    f = tmp_path / "targets.csv"
    f.write_text(
        "commune_code,period,indicator,target\n7273,2024-H1,rice_area,250\n", encoding="utf-8"
    )
    targets = trends.read_targets(tmp_path)
    assert targets.iloc[0]["commune_code"] == "07273"
    w = pd.DataFrame({"rice_area": [219.5]}, index=["2024-H1"])
    out = trends.attainment(w, targets, "07273", "2024-H1")
    assert out.iloc[0]["percent"] == pytest.approx(87.8)


def test_targets_file_reports_every_problem(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text(
        "commune_code,period,indicator,target\n07273,2024-H9,rice_area,1\n"
        '07273,2024-H1,rice_aera,1\n07273,2024-H1,rice_area,"1,5"\n',
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as err:
        trends.read_targets(f)
    assert [(p.row, p.column) for p in err.value.problems] == [
        (2, "period"),
        (3, "indicator"),
        (4, "target"),
    ]
    assert "rice_aera" in str(err.value)


def test_annual_from_halves_sums_flows_keeps_stocks_recomputes_ratios():
    w = pd.DataFrame(
        {
            "rice_area": [200.0, 100.0, 210.0],
            "rice_output": [1200.0, 500.0, 1300.0],
            "rice_yield": [60.0, 50.0, 61.9],
            "pig_head": [2000.0, 2500.0, 2600.0],
        },
        index=pd.Index(["2023-H1", "2023-H2", "2024-H1"], name="period"),
    )
    year = trends.annual_from_halves(w)
    assert list(year.index) == ["2023"]  # 2024 lacks its H2: no year
    assert year.at["2023", "rice_area"] == 300.0 and year.at["2023", "pig_head"] == 2500.0
    assert year.at["2023", "rice_yield"] == pytest.approx(1700 / 300 * 10)  # not (60 + 50) / 2
    w.loc["2023-H2", "rice_area"] = math.nan
    assert math.isnan(trends.annual_from_halves(w).at["2023", "rice_area"])  # never H1 alone


# ---------------------------------------------------------------------------------------------
# seasons and periods beyond halves (synthetic rows)
# ---------------------------------------------------------------------------------------------
def seasonal(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    """(period, indicator, season, value) of one commune → synthetic tidy rows."""
    return pd.DataFrame(
        [("07273", p, i, s, v) for p, i, s, v in rows],
        columns=["commune_code", "period", "indicator", "season", "value"],
    )


SEASONS = [
    ("2023-H1", "rice_area", "dong_xuan", 100.0),
    ("2023-H1", "rice_area", "xuan", 20.0),
    ("2024-H1", "rice_area", "dong_xuan", 110.0),
    ("2024-H1", "rice_area", "xuan", 30.0),
    ("2024-H1", "maize_area", "", 40.0),
    ("2024-H1", "maize_area", "dong_xuan", 25.0),
    ("2024-H1", "maize_area", "xuan", 15.0),
]


def test_panel_holds_whole_periods_never_a_season_alone():
    w = trends.panel(seasonal(SEASONS))
    assert w.at["2024-H1", "rice_area"] == 140.0  # sum of the two seasons, none missing
    assert w.at["2024-H1", "maize_area"] == 40.0  # the reported total, parts not added
    one = seasonal([("2024-H1", "rice_area", "dong_xuan", 110.0)])
    assert "rice_area" not in trends.panel(one)  # one season is not the half-year


def test_season_panel_and_changes_compare_a_season_with_the_same_season():
    df = seasonal(SEASONS)
    assert trends.season_panel(df, "xuan").at["2024-H1", "rice_area"] == 30.0
    t = trends.season_changes(df, "2024-H1", ["rice_area"])
    by = t.set_index("season")
    assert list(t["season"]) == ["", "dong_xuan", "xuan"]
    assert by.loc["xuan", "base"] == 20.0 and by.loc["xuan", "percent"] == pytest.approx(50.0)
    assert by.loc["dong_xuan", "base_period"] == "2023-H1"
    assert by.loc["", "value"] == 140.0 and by.loc["", "computed"]
    assert by.loc["xuan", "season_name"] == "vụ Xuân"


def test_cross_section_totals_seasons_from_the_same_months_of_other_years():
    df = seasonal(SEASONS)
    assert trends.cross_section(df, "2024-H1").at["07273", "rice_area"] == 140.0


def test_quarters_and_ranges_compared_like_for_like():
    w = pd.DataFrame(
        {"dossiers_received": [50.0, 60.0, 200.0, 70.0]},
        index=pd.Index(["2024-07..2024-10", "2025-07..2025-10", "2024-H2", "2025-Q3"]),
    )
    ch = trends.change(w, "dossiers_received", "2025-07..2025-10")
    assert (ch.base_period, ch.base) == ("2024-07..2024-10", 50.0)  # never the 2024-H2 figure
    assert trends.change(w, "dossiers_received", "2025-Q3").base_period == "2024-Q3"
    from dvcq_lib.exceptions import PeriodComparisonError

    with pytest.raises(PeriodComparisonError):
        trends.change(w, "dossiers_received", "2025-07..2025-10", against="previous")
    s = trends.same_half_series(w, "dossiers_received", "2025-07..2025-10")
    assert list(s.index) == ["2024-07..2024-10", "2025-07..2025-10"]


def test_season_changes_say_why_a_whole_period_value_is_absent():
    rows = [r for r in SEASONS if not (r[0] == "2024-H1" and r[2] == "xuan")]
    rows += [("2023-H2", "rice_area", "mua", 300.0)]  # another half's season is not listed
    t = trends.season_changes(seasonal(rows), "2024-H1", ["rice_area"])
    assert list(t["season"]) == ["", "dong_xuan", "xuan"]
    whole = t.set_index("season").loc[""]
    assert math.isnan(whole["value"]) and not whole["computed"]
    assert "thiếu vụ Xuân" in whole["note"]
