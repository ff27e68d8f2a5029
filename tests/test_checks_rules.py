"""Consistency rules: the rules file, and each kind of rule on tiny SYNTHETIC frames."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from dvcq_lib.catalogue import catalogue
from dvcq_lib.checks.rules import (
    OPERATORS,
    PREV,
    RULES_FILE,
    check_rules,
    read_rules,
    rules,
)
from dvcq_lib.exceptions import DataValidationError

SOURCE = "synthetic-test"  # every frame below is made up


def obs(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    """A tidy observations frame from (commune_code, period, indicator, value) — SYNTHETIC."""
    df = pd.DataFrame(rows, columns=["commune_code", "period", "indicator", "value"])
    return df.assign(unit="", source=SOURCE, quote="", unit_written="", note="synthetic")


def by_id(rule_id: str):
    return next(r for r in rules() if r.id == rule_id)


def found(df: pd.DataFrame, rule_id: str) -> pd.DataFrame:
    f = check_rules(df, (by_id(rule_id),))
    return f[f["check"] == rule_id]


# --- the file -------------------------------------------------------------------------------
def test_rules_file_is_valid_and_complete():
    rs = read_rules(RULES_FILE)
    ids = [r.id for r in rs]
    assert len(ids) == len(set(ids))
    codes = set(catalogue().codes)
    for r in rs:
        assert r.operator in OPERATORS
        assert r.severity in ("error", "warning", "info")
        assert r.missing in ("skip", "zero")
        assert all(c.removeprefix(PREV) in codes for c in r.codes + r.only_when_missing)
        assert r.indicator in codes
    # the minimum set is there
    for needed in (
        "dossiers_timeliness_le_resolved",
        "dossiers_online_le_received",
        "dossiers_balance",
        "petitions_resolved_le_available",
        "petitions_resolution_rate",
        "petitions_balance",
        "rice_output_area_yield",
        "grain_output_sum",
        "fruit_area_parts",
        "ethnic_minority_share",
        "household_size_min",
        "household_size_max",
    ):
        assert needed in ids


def test_bad_rules_file_reports_every_problem_with_row(tmp_path):
    header = RULES_FILE.read_text(encoding="utf-8").splitlines()[0]
    bad = tmp_path / "rules.csv"
    bad.write_text(
        "\n".join(
            [
                header,
                "a_rule,dossiers,dossiers_online,<>,dossiers_received,0,0,error,skip,,0,x {left},",
                "a_rule,dossiers,no_such_code,<=,dossiers_received,0,0,fatal,skip,,0,x,",
                "b_rule,dossiers,dossiers_online,=,dossiers_received,0.1,0,error,maybe,,0,{nope},",
                "c_rule,dossiers,dossiers_online +,≈,dossiers_received,0,0,error,skip,,0,x,",
            ]
        ),
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as err:
        read_rules(bad)
    where = {(p.row, p.column) for p in err.value.problems}
    assert {
        (2, "operator"),
        (2, "id"),
        (3, "id"),
        (3, "left"),
        (3, "severity"),
        (4, "operator"),
        (4, "missing"),
        (4, "message_vi"),
        (5, "left"),
    } <= where
    assert "rules.csv" in str(err.value)


# --- each kind of rule ----------------------------------------------------------------------
def test_exact_sum_of_parts():
    ok = obs(
        [
            ("07243", "2023-H2", "fruit_area", 378),
            ("07243", "2023-H2", "lychee_longan_area", 178),
            ("07243", "2023-H2", "other_fruit_area", 200),
        ]
    )
    assert found(ok, "fruit_area_parts").empty
    bad = ok.assign(value=ok["value"].where(ok["indicator"] != "fruit_area", 428))
    f = found(bad, "fruit_area_parts")
    assert len(f) == 1 and f["severity"].iloc[0] == "error"
    assert f["message_vi"].iloc[0].startswith("Tổng diện tích cây ăn quả 428 ha")
    assert "= 378 ha (lệch 50 ha)" in f["message_vi"].iloc[0]


def test_approximately_equal_with_relative_tolerance():
    def grain(total):
        return obs(
            [
                ("07273", "2024-H1", c, v)
                for c, v in [
                    ("grain_output", total),
                    ("rice_area", 219.5),
                    ("rice_yield", 58),
                    ("maize_area", 19.4),
                    ("maize_yield", 46),
                ]
            ]
        )

    assert found(grain(1362.3 * 0.99), "grain_output_area_yield").empty  # 1 %: rounding
    f = found(grain(1320.7), "grain_output_area_yield")
    assert len(f) == 1
    assert f["right"].iloc[0] == pytest.approx(1362.34)
    assert "(lệch 3,1 %)" in f["message_vi"].iloc[0]


def test_fallback_applies_only_when_its_codes_are_missing():
    rows = [
        ("07273", "2024-H1", c, v)
        for c, v in [
            ("grain_output", 1320.7),
            ("rice_area", 219.5),
            ("rice_yield", 58),
            ("maize_area", 19.4),
            ("maize_yield", 46),
        ]
    ]
    with_outputs = obs(
        rows
        + [("07273", "2024-H1", "rice_output", 1231.6), ("07273", "2024-H1", "maize_output", 89.1)]
    )
    assert found(with_outputs, "grain_output_area_yield").empty
    online = obs(
        [
            ("07273", "2024-H1", "dossiers_online", 1028),
            ("07273", "2024-H1", "dossiers_on_time", 1021),
            ("07273", "2024-H1", "dossiers_overdue", 6),
        ]
    )
    assert len(found(online, "dossiers_online_total_parts")) == 1
    resolved = pd.concat([online, obs([("07273", "2024-H1", "dossiers_resolved", 1027)])])
    assert found(resolved, "dossiers_online_total_parts").empty


def test_at_most_with_missing_as_zero_and_skip():
    # overdue not reported: counts as none under missing=zero
    df = obs(
        [
            ("07285", "2021-H2", "dossiers_on_time", 900),
            ("07285", "2021-H2", "dossiers_resolved", 880),
        ]
    )
    f = found(df, "dossiers_timeliness_le_resolved")
    assert len(f) == 1 and f["left"].iloc[0] == 900
    assert "thừa 20 hồ sơ" in f["message_vi"].iloc[0]
    # no resolved total: the right side says nothing, the rule is skipped
    assert found(
        df[df["indicator"] != "dossiers_resolved"], "dossiers_timeliness_le_resolved"
    ).empty
    # missing=skip: online without received is not checked
    assert found(
        obs([("07285", "2021-H2", "dossiers_online", 5000)]), "dossiers_online_le_received"
    ).empty
    assert (
        len(
            found(
                obs(
                    [
                        ("07285", "2021-H2", "dossiers_online", 5000),
                        ("07285", "2021-H2", "dossiers_received", 4000),
                    ]
                ),
                "dossiers_online_le_received",
            )
        )
        == 1
    )


def test_at_least_range_rule():
    assert len(found(obs([("07291", "2022-H1", "rice_yield", 5.8)]), "rice_yield_min")) == 1
    assert found(obs([("07291", "2022-H1", "rice_yield", 58)]), "rice_yield_min").empty
    f = found(
        obs([("07273", "2024-H1", "population", 8093), ("07273", "2024-H1", "households", 5000)]),
        "household_size_min",
    )
    assert len(f) == 1 and "Bình quân 1,62 người/hộ" in f["message_vi"].iloc[0]


def test_balance_across_consecutive_periods():
    rows = [
        ("07249", "2022-H1", "petitions_pending", 4),
        ("07249", "2022-H2", "petitions_received", 11),
        ("07249", "2022-H2", "petitions_resolved", 13),
        ("07249", "2022-H2", "petitions_pending", 2),
    ]
    assert found(obs(rows), "petitions_balance").empty  # 4 + 11 − 13 = 2
    wrong = obs(rows[:-1] + [("07249", "2022-H2", "petitions_pending", 4)])
    f = found(wrong, "petitions_balance")
    assert len(f) == 1 and f["period"].iloc[0] == "2022-H2"
    assert "tồn kỳ trước 4 + tiếp nhận 11 − đã giải quyết 13 = 2" in f["message_vi"].iloc[0]
    # without the previous period the balance cannot be checked
    assert found(
        obs(rows[1:-1] + [("07249", "2022-H2", "petitions_pending", 4)]), "petitions_balance"
    ).empty


def test_previous_period_never_crosses_the_2025_reform():
    # 07294 is the legacy town Bố Hạ in 2025-H1 and the new commune Bố Hạ in 2025-H2
    rows = [
        ("07294", "2025-H1", "dossiers_pending", 500),
        ("07294", "2025-H2", "dossiers_received", 100),
        ("07294", "2025-H2", "dossiers_resolved", 90),
        ("07294", "2025-H2", "dossiers_pending", 10),
    ]
    assert found(obs(rows), "dossiers_balance").empty
    assert found(obs(rows), "dossiers_resolved_le_available").empty


def test_backlog_allows_resolving_more_than_received():
    rows = [
        ("07246", "2021-H2", "dossiers_pending", 30),
        ("07246", "2022-H1", "dossiers_received", 1000),
        ("07246", "2022-H1", "dossiers_resolved", 1020),
    ]
    assert found(obs(rows), "dossiers_resolved_le_available").empty
    assert found(obs(rows), "dossiers_resolved_le_received").empty  # previous period known
    f = found(obs(rows[1:]), "dossiers_resolved_le_received")
    assert len(f) == 1 and f["severity"].iloc[0] == "info"
    over = obs(rows[:2] + [("07246", "2022-H1", "dossiers_resolved", 1031)])
    assert len(found(over, "dossiers_resolved_le_available")) == 1


def test_stated_rate_within_rounding_and_a_tighter_tolerance_would_flag():
    df = obs(
        [
            ("07273", "2024-H1", "ethnic_minority_households", 604),
            ("07273", "2024-H1", "households", 2363),
            ("07273", "2024-H1", "ethnic_minority_household_share", 25.5),
        ]
    )
    rule = by_id("ethnic_minority_share")
    assert check_rules(df, (rule,)).empty
    strict = dataclasses.replace(rule, abs_tol=0.01)
    f = check_rules(df, (strict,))
    assert len(f) == 1 and "= 25,56 %" in f["message_vi"].iloc[0]


# --- seasons and periods beyond halves -------------------------------------------------------
def seasonal_obs(rows: list[tuple[str, str, str, str, float]]) -> pd.DataFrame:
    """(commune_code, period, indicator, season, value) — SYNTHETIC."""
    df = pd.DataFrame(rows, columns=["commune_code", "period", "indicator", "season", "value"])
    return df.assign(unit="", source=SOURCE, quote="", unit_written="", note="synthetic")


def test_output_area_yield_is_checked_per_season():
    df = seasonal_obs(
        [
            # vụ Đông Xuân consistent: 200 ha × 60 tạ/ha = 1.200 t
            ("07273", "2024-H1", "rice_area", "dong_xuan", 200.0),
            ("07273", "2024-H1", "rice_yield", "dong_xuan", 60.0),
            ("07273", "2024-H1", "rice_output", "dong_xuan", 1200.0),
            # vụ Xuân: 20 ha × 50 tạ/ha = 100 t, but 300 t written
            ("07273", "2024-H1", "rice_area", "xuan", 20.0),
            ("07273", "2024-H1", "rice_yield", "xuan", 50.0),
            ("07273", "2024-H1", "rice_output", "xuan", 300.0),
        ]
    )
    f = found(df, "rice_output_area_yield")
    assert list(f["season"]) == ["xuan"]
    assert f.iloc[0]["message_vi"].startswith("Vụ Xuân: ")
    assert "300" in f.iloc[0]["message_vi"]  # the season's own figures, not a mix of both


def test_rules_without_seasonal_indicators_run_once_per_period():
    df = seasonal_obs(
        [
            ("07273", "2024-H1", "households", "", 100.0),
            ("07273", "2024-H1", "ethnic_minority_households", "", 150.0),
            ("07273", "2024-H1", "rice_area", "dong_xuan", 20.0),
            ("07273", "2024-H1", "rice_area", "xuan", 5.0),
        ]
    )
    f = found(df, "ethnic_minority_le_households")
    assert len(f) == 1 and f.iloc[0]["season"] == ""


def test_balance_across_quarters_and_none_before_a_range():
    df = obs(
        [
            ("07273", "2024-Q1", "dossiers_pending", 10.0),
            ("07273", "2024-Q2", "dossiers_pending", 10.0),
            ("07273", "2024-Q2", "dossiers_received", 50.0),
            ("07273", "2024-Q2", "dossiers_resolved", 40.0),  # 10 + 50 − 40 = 20 ≠ 10
            ("07273", "2024-07..2024-10", "dossiers_pending", 99.0),
            ("07273", "2024-07..2024-10", "dossiers_received", 5.0),
            ("07273", "2024-07..2024-10", "dossiers_resolved", 5.0),
        ]
    )
    f = found(df, "dossiers_balance")
    assert list(f["period"]) == ["2024-Q2"]  # the range has no previous period to balance on


def test_seasons_adding_up_to_more_than_the_reported_total():
    rows = [
        ("07273", "2024-H1", "rice_area", "", 230.0),
        ("07273", "2024-H1", "rice_area", "dong_xuan", 200.0),
        ("07273", "2024-H1", "rice_area", "xuan", 50.0),  # 250 > 230
        ("07273", "2024-H1", "maize_area", "", 40.0),
        ("07273", "2024-H1", "maize_area", "dong_xuan", 30.0),  # fewer seasons than the total
    ]
    f = check_rules(seasonal_obs(rows))
    f = f[f["check"] == "season_parts_le_total"]
    assert list(f["indicator"]) == ["rice_area"]
    assert (f.iloc[0]["left"], f.iloc[0]["right"]) == (250.0, 230.0)
    assert "vụ Đông Xuân + vụ Xuân" in f.iloc[0]["message_vi"]


def test_dossier_balance_within_one_report():
    """Carried over + received = resolved + pending, from the report's own carried-over figure."""
    ok = obs(
        [
            ("07243", "2025-H2", "dossiers_carried_over", 37),
            ("07243", "2025-H2", "dossiers_received", 1905),
            ("07243", "2025-H2", "dossiers_resolved", 1860),
            ("07243", "2025-H2", "dossiers_pending", 82),
        ]
    )
    assert found(ok, "dossiers_carried_balance").empty
    bad = ok.assign(value=ok["value"].where(ok["indicator"] != "dossiers_pending", 90))
    f = found(bad, "dossiers_carried_balance")
    assert len(f) == 1 and f["severity"].iloc[0] == "error"
    assert "1.942" in f["message_vi"].iloc[0] and "lệch 8 hồ sơ" in f["message_vi"].iloc[0]
    # without the carried-over figure the rule says nothing (skip)
    assert found(bad[bad["indicator"] != "dossiers_carried_over"], "dossiers_carried_balance").empty


@pytest.mark.parametrize(
    "rule_id, ok, bad",
    [
        # poor + near-poor households are disjoint parts of the households
        (
            "poor_le_households",
            [("households", 2363), ("poor_households", 142), ("near_poor_households", 85)],
            [("households", 200), ("poor_households", 142), ("near_poor_households", 85)],
        ),
        # one group's people never add up to more than the population
        (
            "ethnic_populations_le_population",
            [("population", 3427), ("population_thai", 3395), ("population_muong", 28)],
            [("population", 3000), ("population_thai", 3395), ("population_muong", 28)],
        ),
        # dossiers to handle = carried over + received
        (
            "dossiers_to_handle_parts",
            [
                ("dossiers_to_handle", 2156),
                ("dossiers_carried_over", 11),
                ("dossiers_received", 2145),
            ],
            [
                ("dossiers_to_handle", 2165),
                ("dossiers_carried_over", 11),
                ("dossiers_received", 2145),
            ],
        ),
        # resolved petitions of the commune's authority are a part of them
        (
            "petitions_authority_resolved_le_authority",
            [("petitions_commune_authority", 15), ("petitions_commune_authority_resolved", 14)],
            [("petitions_commune_authority", 15), ("petitions_commune_authority_resolved", 16)],
        ),
        # a stated rate agrees with its formula within a percentage point
        (
            "mediation_success_rate",
            [
                ("mediation_cases", 27),
                ("mediation_successful", 23),
                ("mediation_success_rate", 85.2),
            ],
            [("mediation_cases", 27), ("mediation_successful", 23), ("mediation_success_rate", 92)],
        ),
        (
            "grain_per_capita",
            [("grain_output", 2150), ("population", 4480), ("grain_per_capita", 480)],
            [("grain_output", 2150), ("population", 4480), ("grain_per_capita", 612)],
        ),
        (
            "fruit_kinds_le_fruit_area",
            [("fruit_area", 620), ("lychee_area", 230), ("longan_area", 150), ("mango_area", 60)],
            [("fruit_area", 300), ("lychee_area", 230), ("longan_area", 150), ("mango_area", 60)],
        ),
    ],
)
def test_rules_of_the_session_6_codes(rule_id, ok, bad):
    """SYNTHETIC figures: the consistent set passes, the inconsistent one is found."""
    as_rows = lambda pairs: obs([("07273", "2024-H1", c, v) for c, v in pairs])  # noqa: E731
    assert found(as_rows(ok), rule_id).empty
    assert len(found(as_rows(bad), rule_id)) == 1
