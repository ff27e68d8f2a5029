"""Charts: SVG (a PNG ≥ 150 dpi only when asked), Vietnamese labels and numbers, drawn once per
content, saved once, reproducible."""

from __future__ import annotations

import io
import math

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from dvcq_lib.page import charts

S = pd.Series([1028.0, math.nan, 2706.51], index=["2022-H1", "2023-H1", "2024-H1"])


def draw(**kw) -> charts.Chart:
    if "formats" in kw:  # the formats a test asks for, through the environment (as a batch)
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv(charts.FORMATS_ENV, ",".join(kw.pop("formats")))
            return draw(**kw)
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
    chart = draw(formats=("svg", "png"))
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


def test_only_the_svg_unless_the_png_is_asked_for(monkeypatch):
    chart = draw()
    assert chart.png == b"" and chart.svg.startswith(b"<?xml")
    assert (chart.width, chart.height) == (1500, 840)  # the page shows it as the 150 dpi PNG
    assert draw(formats=("png",)).png.startswith(b"\x89PNG")  # SVG always, PNG when asked
    monkeypatch.setenv(charts.FORMATS_ENV, "svg,gif")
    with pytest.raises(ValueError, match="gif"):
        charts.formats()


def test_the_svg_keeps_a_leading_space_and_falls_back_to_a_sans_serif():
    c = charts.small_multiples(
        pd.DataFrame({"a": [math.nan, 2.0]}, index=["Đông Sơn", "Bố Hạ"]),
        name="m",
        title="So sánh",
        panel_titles=["A"],
    )
    svg = c.svg.decode()
    assert "\u00a0không có số liệu" in svg  # SVG would collapse an ordinary leading space
    assert "font-family: 'DejaVu Sans'" in svg and "sans-serif" in svg


def test_svg_text_metrics_cached_across_charts_equal_matplotlib_s(monkeypatch):
    from matplotlib.backends.backend_svg import RendererSVG
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(family="DejaVu Sans", size=14)
    renderer = RendererSVG(10, 5, io.StringIO())
    assert RendererSVG.get_text_width_height_descent(
        renderer, "Đông Sơn 1.028", prop, False
    ) == renderer._dvcq_metrics("Đông Sơn 1.028", prop, False)


def test_the_256_colour_png_looks_like_the_full_colour_drawing(monkeypatch):
    figures = []
    monkeypatch.setattr(
        charts, "render", lambda fig, name, labels=(), formats=None: figures.append(fig)
    )
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
    assert draw().svg == draw().svg
    assert draw(formats=("png",)).png == draw(formats=("png",)).png


def test_vietnamese_axis_formatter():
    f = charts.vn_formatter()
    assert f(1500.0, 0) == "1.500" and f(2.5, 0) == "2,5"


def test_save_writes_svg_and_asked_png_only_with_output_dir(tmp_path):
    chart = draw()
    assert charts.save(chart, "", "agriculture") == []
    paths = charts.save(chart, tmp_path, "agriculture")
    assert [p.name for p in paths] == ["agriculture-trend-x.svg"]
    assert paths[0].read_bytes() == chart.svg
    both = draw(formats=("svg", "png"))
    paths = charts.save(both, tmp_path / "b", "agriculture")
    assert [p.name for p in paths] == ["agriculture-trend-x.svg", "agriculture-trend-x.png"]
    assert paths[1].read_bytes() == both.png


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
    assert c.svg.startswith(b"<?xml") and "Đông Sơn" in c.svg.decode()


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


def test_a_chart_of_the_same_content_is_drawn_once_per_process(monkeypatch):
    from dvcq_lib.page import figures

    drawn = []
    real = figures._draw
    monkeypatch.setattr(figures, "_draw", lambda spec: drawn.append(spec) or real(spec))
    monkeypatch.setattr(figures, "_DRAWN", type(figures._DRAWN)())
    series = (figures.Series("x", (1.0, math.nan), ("1", "")),)
    spec = figures.ChartSpec("hbars", "league-x", "Xếp hạng", ("Đông Sơn", "Bố Hạ"), series)
    first = figures.draw(spec)
    same = (figures.Series("x", (1.0, float("nan")), ("1", "")),)  # another NaN object
    again = figures.ChartSpec("hbars", "league-x", "Xếp hạng", ("Đông Sơn", "Bố Hạ"), same)
    assert figures.draw(again) is first and len(drawn) == 1  # equal content (NaN too): reused
    other = figures.draw(figures.ChartSpec(**{**spec.__dict__, "highlight": "Bố Hạ"}))
    assert other is not first and len(drawn) == 2 and other.svg != first.svg
    monkeypatch.setenv(charts.FORMATS_ENV, "svg,png")  # other formats: drawn again, with PNG
    assert figures.draw(spec).png and len(drawn) == 3


def test_publish_shows_the_svg_with_its_labels_and_size(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: shown.append((a, k)))
    chart = charts.publish(draw())
    (data,), kw = shown[0]
    assert kw["raw"] and data["image/svg+xml"] == chart.svg.decode()
    meta = kw["metadata"]["image/svg+xml"]
    assert meta["dvcq_chart"] == "trend-x" and meta["labels"][-1] == "2024-H1"
    assert (meta["width"], meta["height"]) == (1500, 840) and "Diện tích lúa" in meta["alt"]


def test_the_svg_has_the_ticks_the_150_dpi_png_had():
    # a 3.25 in value axis measures 233.99999 pt at the SVG's 72 dpi in matplotlib's own
    # reckoning: one tick fewer (0, 250 … 1.500) than the PNG drew (0, 200 … 1.600)
    values = pd.Series(
        [1226.7, 1352.2, 1400.1, 1444.2, 1415.6, 1320.7],
        index=[f"{y}-H1" for y in range(2019, 2025)],
    )
    chart = charts.bars(values, name="t", title="Tổng sản lượng cây có hạt (tấn)", unit="tấn")
    svg = chart.svg.decode()
    assert all(f">{t}<" in svg for t in ("0", "200", "800", "1.400", "1.600"))
    assert ">1.250<" not in svg and ">1.500<" not in svg


def _fresh(fn, **kw) -> charts.Chart:
    charts._POOL.__dict__.clear()  # no figure to reuse: a new one
    return fn(**kw)


#: Charts of every kind whose content differs in what a reused figure could carry over: more
#: or fewer bars (ticks made earlier), a highlighted (bold) tick at another place, missing values,
#: a marker line, a legend, negative changes, hidden panels.
REUSE_SEQUENCE = [
    (charts.bars, dict(values=S, name="a", title="A", tick_labels=["x", "y", "z"])),
    (
        charts.bars,
        dict(
            values=pd.Series([5.0, 7.0, 9.5, 12.0, 3.0], index=list("abcde")),
            name="b",
            title="B",
            unit="tấn",
            highlight="a",
            marker=(2.5, "Sáp nhập"),
        ),
    ),
    (charts.bars, dict(values=S * 1000, name="c", title="C", source="Nguồn: thử")),
    (
        charts.hbars,
        dict(
            values=pd.Series([3.0, 2.0, 1.0], index=["X", "Y", "Z"]),
            name="h",
            title="H",
            highlight="X",
        ),
    ),
    (
        charts.hbars,
        dict(
            values=pd.Series([9.0, math.nan, 1.0], index=["P", "Q", "R"]),
            name="h2",
            title="H2",
            highlight="R",
            percent=True,
        ),
    ),
    (
        charts.changes,
        dict(values=pd.Series([2.5, -4.0, math.nan], index=["u", "v", "w"]), name="k", title="K"),
    ),
    (
        charts.changes,
        dict(values=pd.Series([-1.0, 8.0, 3.0], index=["u", "v", "w"]), name="k2", title="K2"),
    ),
    (
        charts.grouped,
        dict(
            frame=pd.DataFrame({"a": [1.0, 2.0], "b": [2.0, math.nan]}, index=["m", "n"]),
            name="g",
            title="G",
        ),
    ),
    (
        charts.grouped,
        dict(
            frame=pd.DataFrame({"a": [4.0, 1.0], "b": [3.0, 5.0]}, index=["m", "n"]),
            name="g2",
            title="G2",
        ),
    ),
    (
        charts.small_multiples,
        dict(
            frame=pd.DataFrame(
                {"a": [1.0, 2.0], "b": [3.0, 4.0], "c": [1.0, math.nan]}, index=["X", "Y"]
            ),
            name="m",
            title="M",
            panel_titles=["a", "b", "c"],
            highlight="X",
        ),
    ),
    (
        charts.small_multiples,
        dict(
            frame=pd.DataFrame(
                {"a": [7.0, 2.0], "b": [math.nan, 4.0], "c": [1.0, 9.0]}, index=["X", "Y"]
            ),
            name="m2",
            title="M2",
            panel_titles=["a", "b", "c"],
            highlight="Y",
        ),
    ),
]


def test_a_reused_figure_draws_the_same_bytes_as_a_new_one():
    """Figures are reused per kind and size: whatever the charts drawn before, in any order,
    a chart's SVG is the one a new figure gives."""
    expected = [_fresh(fn, **kw).svg for fn, kw in REUSE_SEQUENCE]
    charts._POOL.__dict__.clear()
    for order in (REUSE_SEQUENCE, REUSE_SEQUENCE[::-1]):
        got = {kw["name"]: fn(**kw).svg for fn, kw in order}
        for (_, kw), svg in zip(REUSE_SEQUENCE, expected, strict=True):
            assert got[kw["name"]] == svg, kw["name"]
    assert len(charts._POOL.figures) < len(REUSE_SEQUENCE)  # reused, not all new


def test_figures_kept_for_reuse_are_bounded(monkeypatch):
    monkeypatch.setattr(charts, "REUSE_MAX", 2)
    charts._POOL.__dict__.clear()
    for n in range(3, 8):  # five heights of league chart: five sizes
        s = pd.Series([float(i) for i in range(n)], index=[f"c{i}" for i in range(n)])
        charts.hbars(s, name="h", title="H")
    assert len(charts._POOL.figures) == 2


def test_cached_font_heights_draw_the_same_svg_as_matplotlib_s(monkeypatch):
    """The SVG renderer's font heights, read once per font and size, are the ones
    matplotlib reads from the font file for every text: the same bytes for every kind."""
    with_cache = [_fresh(fn, **kw).svg for fn, kw in REUSE_SEQUENCE]
    monkeypatch.delattr(charts.backend_svg.RendererSVG, "_get_font_height_metrics")
    without = [_fresh(fn, **kw).svg for fn, kw in REUSE_SEQUENCE]
    assert with_cache == without
    assert charts._svg_font_height.cache_info().hits > 0


def test_ticks_worked_out_once_per_drawing_give_matplotlib_s_bytes(monkeypatch):
    """Ticks and tick-label boxes kept for the rest of one drawing: every kind of chart (one
    axis, shared panels, hidden panels, a highlighted tick) is the SVG plain matplotlib draws,
    with fewer tick computations, and nothing is kept once the drawing ends."""
    from matplotlib.ticker import Formatter

    plain_format = Formatter.format_ticks
    computed = []

    def counted(self, values):
        computed.append(len(values))
        return plain_format(self, values)

    monkeypatch.setattr(Formatter, "format_ticks", counted)
    monkeypatch.setattr(charts, "MEMO_PER_DRAWING", False)
    without = [_fresh(fn, **kw).svg for fn, kw in REUSE_SEQUENCE]
    plain_count, computed[:] = len(computed), []
    monkeypatch.setattr(charts, "MEMO_PER_DRAWING", True)
    with_memo = [_fresh(fn, **kw).svg for fn, kw in REUSE_SEQUENCE]
    assert with_memo == without
    assert len(computed) < plain_count / 2
    assert getattr(charts._DRAWING, "memo", None) is None


def test_the_style_set_for_its_own_keys_draws_what_rc_context_draws(monkeypatch):
    """`styled` sets and restores only the style's keys: the same SVG as matplotlib's
    `rc_context(STYLE)`, and every rcParam as it was afterwards, even after an error."""
    import matplotlib
    import matplotlib.pyplot as plt

    before = dict(matplotlib.rcParams)
    ours = [_fresh(fn, **kw).svg for fn, kw in REUSE_SEQUENCE]
    assert dict(matplotlib.rcParams) == before
    with pytest.raises(ZeroDivisionError), charts.styled():
        assert matplotlib.rcParams["font.size"] == charts.STYLE["font.size"]
        1 / 0  # noqa: B018
    assert dict(matplotlib.rcParams) == before
    monkeypatch.setattr(charts, "styled", lambda: plt.rc_context(charts.STYLE))
    assert [_fresh(fn, **kw).svg for fn, kw in REUSE_SEQUENCE] == ours


def test_the_svg_written_as_text_is_the_bytes_matplotlib_writes_to_a_binary_file():
    """A chart's SVG is drawn into text and encoded once: the bytes matplotlib writes into a
    binary file (through its UTF-8 stream writer), Vietnamese text included."""
    for fn, kw in REUSE_SEQUENCE:
        chart = _fresh(fn, **kw)
        fig = charts._POOL.figures.popitem()[1]  # the figure it was just drawn on
        binary = io.BytesIO()
        with charts.styled():
            fig.savefig(binary, format="svg", metadata={"Date": None, "Creator": None})
        assert chart.svg == binary.getvalue(), kw["name"]
