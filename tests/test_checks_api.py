"""The public API the report pages use: run_checks, findings_for, findings_summary."""

from __future__ import annotations

import pandas as pd
import pytest

from dvcq_lib.checks import COLUMNS, findings_for, findings_summary, run_checks


def obs(rows) -> pd.DataFrame:  # SYNTHETIC
    df = pd.DataFrame(rows, columns=["commune_code", "period", "indicator", "value"])
    return df.assign(unit="", source="synthetic-test", quote="", unit_written="", note="")


@pytest.fixture()
def findings() -> pd.DataFrame:
    return run_checks(
        obs(
            [
                ("07243", "2023-H2", "fruit_area", 428),
                ("07243", "2023-H2", "lychee_longan_area", 178),
                ("07243", "2023-H2", "other_fruit_area", 200),
                ("07243", "2023-H2", "rice_yield", 5.8),
                ("07246", "2023-H2", "petitions_received", 10),
                ("07246", "2023-H2", "petitions_resolved", 8),
                ("07246", "2023-H2", "petitions_resolution_rate", 60),
            ]
        )
    )


def test_run_checks_returns_the_findings_table(findings):
    assert tuple(findings.columns) == COLUMNS
    assert list(findings["severity"].astype(str)) == ["error", "warning", "warning"]
    assert findings["synthetic"].all()


def test_findings_for_one_commune_period_and_indicator(findings):
    mine = findings_for(findings, "07243", "2023-H2")
    assert set(mine["check"]) == {"fruit_area_parts", "rice_yield_min"}
    beside = findings_for(findings, "07243", "2023-H2", "other_fruit_area")
    assert list(beside["check"]) == ["fruit_area_parts"]
    assert findings_for(findings, "07243", "2024-H1").empty


def test_findings_summary_counts_by_severity(findings):
    s = findings_summary(findings)
    assert s.to_dict("records") == [
        {
            "commune_code": "07243",
            "period": "2023-H2",
            "error": 1,
            "warning": 1,
            "info": 0,
            "total": 2,
        },
        {
            "commune_code": "07246",
            "period": "2023-H2",
            "error": 0,
            "warning": 1,
            "info": 0,
            "total": 1,
        },
    ]
    assert findings_summary(findings.iloc[0:0]).empty


def test_unknown_check_name_is_an_error():
    with pytest.raises(ValueError, match="Không có kiểm tra"):
        run_checks(obs([("07243", "2023-H2", "fruit_area", 1)]), checks=["nope"])


def test_the_data_are_not_changed():
    df = obs(
        [
            ("07243", "2023-H2", "fruit_area", 428),
            ("07243", "2023-H2", "lychee_longan_area", 178),
            ("07243", "2023-H2", "other_fruit_area", 200),
        ]
    )
    before = df.copy()
    run_checks(df)
    pd.testing.assert_frame_equal(df, before)
