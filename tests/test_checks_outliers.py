"""Outliers over time and among peers, on small SYNTHETIC series (fixed seed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dvcq_lib.checks.outliers import (
    MODIFIED_Z_THRESHOLD,
    modified_z,
    peer_outliers,
    time_outliers,
)
from dvcq_lib.periods import period_range

SOURCE = "synthetic-test"
YEN_THE = ["07243", "07246", "07249", "07252", "07255", "07258"]  # legacy, one district
PERIODS = [p.code for p in period_range("2019-H1", "2025-H1")]


def series(
    code: str, indicator: str, level: float, rng, *, growth=0.02, noise=0.02, periods=PERIODS
) -> list[tuple]:
    out = []
    for i, p in enumerate(periods):
        out.append(
            (code, p, indicator, round(level * (1 + growth) ** (i / 2) * rng.normal(1, noise), 1))
        )
    return out


def obs(rows) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["commune_code", "period", "indicator", "value"])
    return df.assign(unit="", source=SOURCE, quote="", unit_written="", note="synthetic")


def setv(df, code, period, indicator, fn) -> pd.DataFrame:
    m = (df.commune_code == code) & (df.period == period) & (df.indicator == indicator)
    assert m.sum() == 1
    return df.assign(value=df["value"].where(~m, fn(df.loc[m, "value"].iloc[0])))


def test_modified_z_is_robust_and_floored():
    x = pd.Series([1.0, 1.1, 0.9, 1.0, 10.0])
    med = x.median()
    mad = (x - med).abs().median()
    z = modified_z(x, med, mad, floor=0.0)
    assert z.iloc[-1] == pytest.approx(0.6745 * 9 / 0.1)
    assert (z.abs().iloc[:-1] < MODIFIED_Z_THRESHOLD).all()
    flat = modified_z(pd.Series([1.0, 1.0, 1.03]), 1.0, 0.0, floor=0.05)
    assert flat.abs().max() < MODIFIED_Z_THRESHOLD  # a flat history does not make 3 % extreme


def test_time_spike_is_reported_once_at_the_period_that_holds_it():
    rng = np.random.default_rng(1)
    df = obs(series("07282", "pig_head", 2600, rng))
    assert time_outliers(df).empty
    spiked = setv(df, "07282", "2023-H1", "pig_head", lambda v: v * 10)
    f = time_outliers(spiked)
    assert list(zip(f["period"], f["indicator"], f["severity"], strict=True)) == [
        ("2023-H1", "pig_head", "warning")
    ]
    assert "cùng kỳ năm sau trở lại mức cũ" in f["message_vi"].iloc[0]
    assert f["score"].iloc[0] > 7


def test_time_needs_enough_history():
    rng = np.random.default_rng(2)
    short = obs(series("07282", "pig_head", 2600, rng, periods=PERIODS[:6]))  # 4 changes max
    short = setv(short, "07282", "2021-H2", "pig_head", lambda v: v * 10)
    assert time_outliers(short[short.period != "2019-H2"]).empty  # 3 changes: not judged


def test_time_change_shared_by_the_district_is_information():
    rng = np.random.default_rng(3)
    rows = [r for c in YEN_THE for r in series(c, "pig_head", 2600, rng)]
    df = obs(rows)
    for c in YEN_THE:  # a swine-fever half-year everywhere
        df = setv(df, c, "2021-H2", "pig_head", lambda v: v * 0.5)
    f = time_outliers(df)
    assert len(f) and set(f["severity"]) == {"info"}
    assert f["message_vi"].str.contains("cũng biến động tương tự").all()


def test_peer_outlier_relative_to_the_communes_usual_place():
    rng = np.random.default_rng(4)
    levels = dict(zip(YEN_THE, [40, 50, 55, 60, 65, 20], strict=True))  # 07258: a town
    rows = [r for c, lv in levels.items() for r in series(c, "rice_yield", lv, rng)]
    df = obs(rows)
    assert peer_outliers(df).empty  # structural differences are not news
    jumped = setv(df, "07249", "2022-H1", "rice_yield", lambda v: v * 1.3)
    f = peer_outliers(jumped)
    assert list(zip(f["commune_code"], f["period"], strict=True)) == [("07249", "2022-H1")]
    assert f["kind"].iloc[0] == "outlier_peer"
    assert "trung vị các xã cùng huyện" in f["message_vi"].iloc[0]


def test_peer_per_capita_without_history_flags_only_gross_slips():
    new = ["07246", "07264", "07282", "07288", "07294"]  # the 2025 communes of Yên Thế
    rows = []
    for i, c in enumerate(new):
        pop = 20000 + 3000 * i
        rows += [(c, "2025-H2", "population", pop), (c, "2025-H2", "pig_head", pop * 0.3)]
    df = obs(rows)
    assert peer_outliers(df).empty
    assert peer_outliers(setv(df, "07288", "2025-H2", "pig_head", lambda v: v * 1.6)).empty
    f = peer_outliers(setv(df, "07288", "2025-H2", "pig_head", lambda v: v * 10))
    assert list(f["commune_code"]) == ["07288"]
    assert "con/1.000 dân" in f["message_vi"].iloc[0]
    assert f["indicators"].iloc[0] == "pig_head population"


def test_peer_needs_enough_peers():
    rows = [
        ("07243", "2022-H1", "rice_yield", 60),
        ("07246", "2022-H1", "rice_yield", 600),
        ("07249", "2022-H1", "rice_yield", 58),
    ]
    assert peer_outliers(obs(rows)).empty


# --- seasons and periods beyond halves ------------------------------------------------------
def seasonal_series(code, season, level, rng, periods=PERIODS) -> pd.DataFrame:
    df = obs(series(code, "rice_area", level, rng, growth=0.0, periods=periods))
    return df.assign(season=season)


def test_a_season_is_judged_against_its_own_history_only():
    rng = np.random.default_rng(3)
    h1 = [p for p in PERIODS if p.endswith("H1")]
    # vụ Đông Xuân ~ 200 ha, vụ Xuân ~ 40 ha: two steady histories
    df = pd.concat(
        [
            seasonal_series("07282", "dong_xuan", 200, rng, h1),
            seasonal_series("07282", "xuan", 40, rng, h1),
        ],
        ignore_index=True,
    )
    assert time_outliers(df).empty  # mixing them would make every year look wild
    m = (df.season == "xuan") & (df.period == "2023-H1")
    spiked = df.assign(value=df["value"].where(~m, df["value"] * 5))
    f = time_outliers(spiked)
    assert list(zip(f["period"], f["season"], strict=True)) == [("2023-H1", "xuan")]
    assert f.iloc[0]["message_vi"].startswith("Vụ Xuân: ")


def test_quarters_and_halves_are_two_histories():
    rng = np.random.default_rng(4)
    quarters = [f"{y}-Q2" for y in range(2019, 2025)]
    halves = [f"{y}-H1" for y in range(2019, 2025)]
    df = pd.concat(
        [
            obs(series("07282", "dossiers_received", 300, rng, growth=0, periods=quarters)),
            obs(series("07282", "dossiers_received", 650, rng, growth=0, periods=halves)),
        ],
        ignore_index=True,
    )
    assert time_outliers(df).empty  # a quarter is never "down 50 %" on a half-year
