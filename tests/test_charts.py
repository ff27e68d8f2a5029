"""Charts: PNG ≥ 150 dpi and SVG, Vietnamese labels and numbers, saved once, reproducible."""

from __future__ import annotations

import io
import math

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from dvcq_lib import charts

S = pd.Series([1028.0, math.nan, 2706.51], index=["2022-H1", "2023-H1", "2024-H1"])


def draw(**kw) -> charts.Chart:
    return charts.bars(
        S,
        name="trend-x",
        title="Diện tích lúa (ha)",
        subtitle="Xã Đông Sơn · 6 tháng đầu năm 2024",
        source="Nguồn: thử",
        unit="ha",
        tick_labels=["2022", "2023", "2024"],
        **kw,
    )


def test_png_at_150_dpi_and_svg_with_vietnamese_text_and_numbers():
    chart = draw()
    img = mpimg.imread(io.BytesIO(chart.png))
    assert img.shape[1] >= charts.SIZE[0] * 150 and img.shape[0] >= charts.SIZE[1] * 150
    svg = chart.svg.decode("utf-8")
    for text in (
        "Diện tích lúa (ha)",
        "Xã Đông Sơn",
        "1.028",
        "2.706,51",
        "không có số liệu",
        "Nguồn: thử",
        "2022",
        "2024",
    ):
        assert text in svg, text
    assert chart.labels == ("2022-H1", "2023-H1", "2024-H1")


def test_latest_period_highlighted():
    svg = draw().svg.decode("utf-8")
    assert charts.HIGHLIGHT.lower() in svg.lower()
    assert charts.HIGHLIGHT.lower() not in draw(highlight="none").svg.decode().lower()


def test_the_256_colour_png_looks_like_the_full_colour_drawing(monkeypatch):
    figures = []
    monkeypatch.setattr(charts, "render", lambda fig, name, labels=(): figures.append(fig))
    draw()
    fig = figures[0]
    palette = np.asarray(Image.open(io.BytesIO(charts._png(fig))).convert("RGB"), dtype=int)
    full = io.BytesIO()
    fig.savefig(full, format="png", dpi=charts.DPI)
    rgb = np.asarray(Image.open(full).convert("RGB"), dtype=int)
    assert palette.shape == rgb.shape
    diff = np.abs(palette - rgb)
    assert diff.mean() < 0.2 and np.percentile(diff, 99.9) <= 16  # anti-aliased edges only
    for colour in ("#FFFFFF", charts.HIGHLIGHT, charts.BASE):  # background, latest, earlier
        exact = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
        assert (palette == exact).all(axis=2).sum() > 1000, colour
    assert Image.open(io.BytesIO(charts._png(fig))).info["dpi"] == pytest.approx(
        (150, 150), abs=0.1
    )  # pHYs in dots per metre


def test_same_input_same_bytes():
    assert draw().svg == draw().svg and draw().png == draw().png


def test_vietnamese_axis_formatter():
    f = charts.vn_formatter()
    assert f(1500.0, 0) == "1.500" and f(2.5, 0) == "2,5"


def test_save_writes_png_and_svg_only_with_output_dir(tmp_path):
    chart = draw()
    assert charts.save(chart, "", "agriculture") == []
    paths = charts.save(chart, tmp_path, "agriculture")
    assert [p.name for p in paths] == ["agriculture-trend-x.png", "agriculture-trend-x.svg"]
    assert paths[0].read_bytes() == chart.png


@pytest.mark.parametrize("fn", ["hbars", "grouped", "small_multiples"])
def test_other_chart_kinds_render(fn):
    frame = pd.DataFrame({"a": [1.0, math.nan], "b": [3.0, 4.0]}, index=["Đông Sơn", "Bố Hạ"])
    if fn == "hbars":
        c = charts.hbars(frame["b"], name="l", title="Xếp hạng", highlight="Bố Hạ")
    elif fn == "grouped":
        c = charts.grouped(frame, name="g", title="Sản lượng")
    else:
        c = charts.small_multiples(
            frame, name="m", title="So sánh", panel_titles=["A", "B"], highlight="Đông Sơn"
        )
    assert c.png.startswith(b"\x89PNG") and "Đông Sơn" in c.svg.decode()


def test_one_minus_sign_and_given_value_labels():
    f = charts.vn_formatter()
    assert f(-1500.0, 0) == "\u22121.500" and "-" not in f(-2.5, 0)
    c = charts.changes(
        pd.Series([-3.25, 2.0], index=["Tổng đàn lợn", "Diện tích lúa"]), name="c", title="Tăng"
    )
    svg = c.svg.decode()
    assert "\u22123,3 %" in svg and "+2,0 %" in svg
    texts = ["1.273,1", "89,2"]
    b = charts.bars(pd.Series([1273.123, 89.2], index=["a", "b"]), name="b", title="t", texts=texts)
    assert "1.273,1" in b.svg.decode() and "1.273,123" not in b.svg.decode()
