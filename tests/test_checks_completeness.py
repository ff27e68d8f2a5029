"""Completeness: missing expected indicators and unreported communes (SYNTHETIC frames)."""

from __future__ import annotations

import pandas as pd

from dvcq_lib.checks.completeness import missing_indicators, unreported_communes
from dvcq_lib.communes import LEGACY
from dvcq_lib.communes import units as communes

SOURCE = "synthetic-test"
PERIODS = ["2022-H1", "2022-H2", "2023-H1", "2023-H2"]
YEN_THE = sorted(communes(LEGACY, district="Yên Thế").index)  # 17 legacy communes
FULL = {
    "petitions_received": 10,
    "petitions_resolved": 8,
    "petitions_resolution_rate": 80,
    "rice_area": 200,
    "rice_yield": 55,
}


def obs(rows) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["commune_code", "period", "indicator", "value"])
    return df.assign(unit="", source=SOURCE, quote="", unit_written="", note="synthetic")


def grid(codes=YEN_THE[:4], periods=PERIODS, values=FULL) -> pd.DataFrame:
    return obs([(c, p, k, v) for c in codes for p in periods for k, v in values.items()])


def drop(df, code, period, indicators) -> pd.DataFrame:
    m = (df.commune_code == code) & (df.period == period) & df.indicator.isin(indicators)
    return df[~m]


def test_nothing_missing_in_a_complete_grid():
    assert missing_indicators(grid()).empty


def test_missing_indicator_against_own_history_and_peers():
    df = drop(grid(), YEN_THE[1], "2023-H1", ["rice_yield"])
    f = missing_indicators(df)
    assert list(
        zip(f["commune_code"], f["period"], f["indicators"], f["severity"], strict=True)
    ) == [(YEN_THE[1], "2023-H1", "rice_yield", "info")]
    assert "Năng suất lúa" in f["message_vi"].iloc[0]


def test_a_ratio_that_can_be_computed_is_not_missing():
    df = drop(grid(), YEN_THE[1], "2023-H1", ["petitions_resolution_rate"])
    assert missing_indicators(df).empty  # 8 / 10 is there


def test_a_whole_domain_missing_is_a_warning():
    df = drop(
        grid(),
        YEN_THE[2],
        "2022-H2",
        ["petitions_received", "petitions_resolved", "petitions_resolution_rate"],
    )
    f = missing_indicators(df)
    assert list(f["check"]) == ["missing_petitions"]
    assert f["severity"].iloc[0] == "warning"
    assert f["message_vi"].iloc[0].startswith("Không báo cáo mục Tiếp dân, đơn thư")


def test_one_commune_one_period_expects_nothing():
    assert missing_indicators(grid(codes=YEN_THE[:1], periods=PERIODS[:1])).empty
    assert unreported_communes(grid(codes=YEN_THE[:1], periods=PERIODS[:1])).empty


def test_unreported_commune_of_a_mostly_reported_district():
    df = grid(codes=YEN_THE)
    df = df[~((df.commune_code == YEN_THE[4]) & (df.period == "2022-H2"))]
    f = unreported_communes(df)
    assert list(zip(f["commune_code"], f["period"], strict=True)) == [(YEN_THE[4], "2022-H2")]
    assert "16/17 xã cùng huyện Yên Thế" in f["message_vi"].iloc[0]


def test_unreported_with_explicit_district_lists_every_absent_commune():
    df = grid(codes=YEN_THE[:4], periods=PERIODS[:1])
    assert unreported_communes(df).empty  # 4 of 17: not assumed to be late
    f = unreported_communes(df, district="Yên Thế")
    assert sorted(f["commune_code"]) == YEN_THE[4:]
    assert set(f["period"]) == {"2022-H1"}


def test_a_missing_season_is_a_finding_and_no_total_is_summed():
    rows = [
        (YEN_THE[0], p, "rice_area", s, v)
        for p in ("2022-H1", "2023-H1")
        for s, v in (("dong_xuan", 200.0), ("xuan", 20.0))
    ] + [(YEN_THE[0], "2024-H1", "rice_area", "dong_xuan", 210.0)]
    df = pd.DataFrame(rows, columns=["commune_code", "period", "indicator", "season", "value"])
    df = df.assign(unit="", source=SOURCE, quote="", unit_written="", note="synthetic")
    f = missing_indicators(df)
    f = f[f["check"] == "missing_season"]
    assert list(zip(f["period"], f["season"], strict=True)) == [("2024-H1", "xuan")]
    assert "vụ Xuân" in f.iloc[0]["message_vi"] and "không cộng được" in f.iloc[0]["message_vi"]
    # with the total given, nothing is missing: the seasons are parts of it
    total = pd.DataFrame(
        [(YEN_THE[0], "2024-H1", "rice_area", "", 230.0)], columns=df.columns[:5]
    ).assign(unit="", source=SOURCE, quote="", unit_written="", note="synthetic")
    f = missing_indicators(pd.concat([df, total], ignore_index=True))
    assert "missing_season" not in set(f["check"])


def test_quarter_reports_are_expected_to_look_like_quarter_reports():
    # a commune's half-year reports carry rice; its quarter reports never do: not "missing"
    rows = [(YEN_THE[0], p, k, v) for p in PERIODS for k, v in FULL.items()]
    rows += [(YEN_THE[0], q, "petitions_received", 5.0) for q in ("2022-Q1", "2022-Q3", "2023-Q1")]
    f = missing_indicators(obs(rows))
    assert not f["period"].str.contains("Q").any()
