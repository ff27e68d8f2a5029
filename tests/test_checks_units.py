"""Implausible units recorded at ingest (`unit_written`) — SYNTHETIC rows."""

from __future__ import annotations

import pandas as pd

from dvcq_lib.checks.units import check_units


def obs(rows) -> pd.DataFrame:
    df = pd.DataFrame(
        rows, columns=["commune_code", "period", "indicator", "value", "unit_written"]
    )
    return df.assign(unit="", source="synthetic-test", quote="", note="synthetic")


def test_output_written_as_a_yield_is_reported_and_kept():
    df = obs([("07273", "2024-H1", "grain_output", 1320.7, "tấn/ha")])
    f = check_units(df)
    assert list(f["check"]) == ["unit_dimension"] and f["severity"].iloc[0] == "warning"
    assert f["left"].iloc[0] == 1320.7  # reported, never fixed
    assert "“tấn/ha” — đơn vị của năng suất" in f["message_vi"].iloc[0]
    assert df["value"].iloc[0] == 1320.7


def test_same_kind_of_unit_written_differently_is_fine():
    df = obs(
        [
            ("07273", "2024-H1", "rice_output", 12316.0, "tạ"),
            ("07273", "2024-H1", "crop_value", 32500.0, "triệu đồng"),
            ("07273", "2024-H1", "rice_area", 219.5, ""),
        ]
    )
    assert check_units(df).empty


def test_unknown_written_unit_is_reported():
    f = check_units(obs([("07273", "2024-H1", "pig_head", 2650.0, "ổ")]))
    assert len(f) == 1 and "không có trong danh mục" in f["message_vi"].iloc[0]
