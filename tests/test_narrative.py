"""The generated narrative: wording of increases, decreases, points, missing values."""

from __future__ import annotations

import math

import pandas as pd

from dvcq_lib.page import narrative

W = pd.DataFrame(
    {
        "rice_area": [215.0, 219.5],
        "pig_head": [2800.0, 2650.0],
        "crop_value": [32.5, 32.5],
        "petitions_resolution_rate": [100.0, 80.0],
        "fruit_area": [math.nan, 378.0],
        "poultry_head": [1.0, math.nan],
    },
    index=["2023-H1", "2024-H1"],
)


def test_increase_in_percent_with_vietnamese_numbers():
    assert narrative.sentence(W, "rice_area", "2024-H1") == (
        "Diện tích lúa đạt 219,5 ha, tăng 2,1 % so với cùng kỳ năm trước."
    )


def test_decrease_equal_and_percentage_points():
    assert narrative.sentence(W, "pig_head", "2024-H1") == (
        "Tổng đàn lợn đạt 2.650 con, giảm 5,4 % so với cùng kỳ năm trước."
    )
    assert narrative.sentence(W, "crop_value", "2024-H1").endswith("bằng cùng kỳ năm trước.")
    assert "giảm 20,0 điểm phần trăm" in narrative.sentence(
        W, "petitions_resolution_rate", "2024-H1"
    )


def test_missing_value_is_skipped_or_said_and_missing_base_drops_the_comparison():
    assert narrative.sentence(W, "poultry_head", "2024-H1") == ""
    assert narrative.sentence(W, "poultry_head", "2024-H1", say_missing=True) == (
        "Tổng đàn gia cầm: không có số liệu."
    )
    assert narrative.sentence(W, "fruit_area", "2024-H1") == "Tổng diện tích cây ăn quả đạt 378 ha."
    text = narrative.paragraph(W, ["rice_area", "poultry_head", "pig_head"], "2024-H1")
    assert text.count(".") >= 2 and "gia cầm" not in text


def test_english_wording():
    assert narrative.sentence(W, "rice_area", "2024-H1", lang="en") == (
        "Rice area was 219.5 ha, up 2.1 % on the same period last year."
    )
