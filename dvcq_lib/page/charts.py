"""Charts in one style for a meeting-room projector and for print: large fonts, DejaVu Sans
(it has every Vietnamese glyph), numbers formatted the Vietnamese way on axes and labels, a
title naming commune and period, a source footnote, the Okabe–Ito colour-blind-safe palette,
value labels on bars and the latest period highlighted. Value labels are the texts the page's
tables print (`texts`, from `dvcq_lib.page.figures`), so a chart and its table agree; every
number, ticks included, comes from the one formatter (one minus sign, U+2212).

A chart is drawn once, as SVG: the page shows it as an image (`<img>` of the SVG, sized as the
150 dpi PNG it replaces: 10 in → 1500 px wide), crisp on any projector, a third of the bytes of a
PNG and less than half its cost to draw (benchmarks/render_speed.py; measured per chart: build
≈ 30 %, SVG ≈ 70 %, a 256-colour PNG would cost 1.8× the SVG). `publish` writes
`<output_dir>/charts/<notebook>-<name>.svg` beside the page (the same bytes) and displays the SVG
(with the periods it shows in the output's metadata, so tests can read them). A PNG (150 dpi)
is drawn and written beside it only when asked: `formats=("svg", "png")`, or
`DVCQ_CHART_FORMATS=svg,png` in the environment of the kernels (they inherit the batch's).
A figure is reused by the next chart of the same kind and size in a thread (`_canvas`): its
axes, ticks and grid stay, what the last chart drew goes; the bytes are those of a new figure.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import io
import math
import os
import textwrap
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.axis import Axis  # noqa: E402
from matplotlib.backends import backend_svg  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.textpath import text_to_path  # noqa: E402
from matplotlib.ticker import AutoLocator, FuncFormatter  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402
from PIL import Image  # noqa: E402

from dvcq_lib.files import write_atomic  # noqa: E402
from dvcq_lib.page.format import number as format_number  # noqa: E402
from dvcq_lib.page.format import signed  # noqa: E402
from dvcq_lib.page.labels import label  # noqa: E402

#: Okabe & Ito (2008), distinguishable with every common colour-vision deficiency.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
BASE = "#9DB9D3"  # earlier periods: a light tint of the Okabe–Ito blue
HIGHLIGHT = OKABE_ITO[5]  # the latest period / the commune of the report (vermillion)
MISSING_GREY = "#767676"
MARKER = "#000000"  # a boundary drawn across the bars (the 2025 reform): black, dashed
#: Resolution of the PNG: 150 dpi is the minimum for print; 10 × 5,6 in → 1500 × 840 px.
DPI = 150
SIZE = (10.0, 5.6)
STYLE = {
    # DejaVu Sans has every Vietnamese glyph; an SVG opened where it is not installed falls back
    # to the nearest sans-serif (Bitstream Vera, Verdana, Arial: the same metrics family).
    "font.family": ["DejaVu Sans", "sans-serif"],
    "font.size": 14,
    "axes.titlesize": 18,
    "axes.titleweight": "bold",
    "axes.labelsize": 14,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "legend.fontsize": 13,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#DDDDDD",
    "axes.prop_cycle": matplotlib.cycler(color=list(OKABE_ITO)),
    # Glyphs laid out without hinting: at 150 dpi the text looks the same, and FreeType's
    # layout is most of the cost of a chart (≈ 15 % less time per chart).
    "text.hinting": "no_hinting",
    # Reproducible files: the same inputs give byte-identical SVG (no date, fixed ids).
    "svg.hashsalt": "dvcq",
    "svg.fonttype": "none",  # text stays text: searchable, pasteable into a report
}
#: STYLE as matplotlib stores it, validated once (`rcParams.update` validates on every call).
_STYLE_RC = dict(matplotlib.RcParams(STYLE).items())


@contextlib.contextmanager
def styled():
    """What `plt.rc_context(STYLE)` does for the style's own keys: set (validated once), then
    put back as they were. The other ≈ 300 rcParams, which nothing here changes, are neither
    copied nor restored (≈ 3 % of a chart; a chart enters the style four times)."""
    rc = matplotlib.rcParams
    saved = {k: dict.__getitem__(rc, k) for k in _STYLE_RC}
    dict.update(rc, _STYLE_RC)
    try:
        yield
    finally:
        dict.update(rc, saved)


#: The flat colours of the style: a 256-colour PNG keeps each of them exactly (see `_png`).
PURE_COLOURS = (
    "#FFFFFF",
    "#000000",
    "#DDDDDD",
    "#333333",
    "#444444",
    BASE,
    MISSING_GREY,
    *OKABE_ITO,
)
_PURE_RGB = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in PURE_COLOURS])


#: The formats a chart is written in; the page shows the SVG. Override: `DVCQ_CHART_FORMATS`.
FORMATS = ("svg",)
KNOWN_FORMATS = ("svg", "png")
FORMATS_ENV = "DVCQ_CHART_FORMATS"


def formats() -> tuple[str, ...]:
    """The formats asked for: `DVCQ_CHART_FORMATS` ("svg,png") or `FORMATS`; SVG always."""
    asked = [f.strip().lower() for f in os.environ.get(FORMATS_ENV, "").split(",") if f.strip()]
    unknown = [f for f in asked if f not in KNOWN_FORMATS]
    if unknown:
        raise ValueError(
            f"{FORMATS_ENV}: định dạng biểu đồ không biết {unknown} (unknown chart format); "
            f"có: {', '.join(KNOWN_FORMATS)}"
        )
    return tuple(dict.fromkeys(("svg", *(asked or FORMATS))))


@dataclass(frozen=True)
class Chart:
    name: str
    png: bytes  # b"" unless the PNG was asked for
    svg: bytes
    labels: tuple[str, ...] = field(default_factory=tuple)  # periods or communes shown
    alt: str = ""  # the text a screen reader says: title and subtitle
    width: int = 0  # pixels at `DPI`: the size the page shows it at (as the PNG was)
    height: int = 0

    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg).decode("ascii")


class Ticks(AutoLocator):
    """matplotlib's automatic ticks, with the room for them measured in inches of the figure,
    whatever the resolution it is drawn at. matplotlib measures it through the display
    transform: a 3.25 in axis is 234 pt at 150 dpi but 233.99999 pt at the 72 dpi of an SVG,
    where one tick fewer fits (0, 250 … 1.500 instead of the PNG's 0, 200 … 1.600)."""

    def _raw_ticks(self, vmin: float, vmax: float):
        axis = self.axis
        if self._nbins != "auto" or axis is None:
            return super()._raw_ticks(vmin, vmax)
        box = axis.axes.get_position()
        fig = axis.get_figure(root=False)
        if axis.axis_name == "x":  # the heuristics of XAxis / YAxis.get_tick_space
            length, size = box.width * fig.get_figwidth() * 72, axis._get_tick_label_size("x") * 3
        else:
            length, size = box.height * fig.get_figheight() * 72, axis._get_tick_label_size("y") * 2
        room = math.floor(length / size + 1e-6) if size > 0 else 9
        self._nbins = int(np.clip(room, max(1, self._min_n_ticks - 1), 9))
        try:
            return super()._raw_ticks(vmin, vmax)
        finally:
            self._nbins = "auto"


def vn_formatter(lang: str = "vi", decimals: int | None = None) -> FuncFormatter:
    """Axis ticks as "1.028", "2.706,5"."""
    return FuncFormatter(lambda x, _pos: format_number(_tidy(x), decimals, lang))


def _tidy(x: float) -> float:
    return round(x, 6) if not math.isnan(x) else x


def _figure(size: tuple[float, float] = SIZE) -> Figure:
    """A figure outside pyplot (nothing to register, show or close), on an Agg canvas."""
    with styled():
        fig = Figure(figsize=size, dpi=DPI)
        FigureCanvasAgg(fig)
    return fig


#: Figures kept for the next chart of the same kind, size and layout, per thread (a kernel
#: draws in one thread): a figure and its axes — spines, grid, tick objects — are a quarter of a
#: chart's cost to build, and the same for every chart of a kind. A figure taken again has every
#: artist of its last chart removed and its data limits forgotten, so that it draws what a new
#: one would, byte for byte (tests/test_charts.py compares them). Bounded per thread.
REUSE_MAX = 24
_POOL = threading.local()


def _canvas(
    kind: str, size: tuple[float, float] = SIZE, rows: int = 1, columns: int = 1, panels: int = 1
) -> tuple[Figure, list]:
    """A figure and its axes (row by row) for a chart of `kind`: a figure drawn before with the
    same layout, cleared (`_clear`), or a new one."""
    pool: OrderedDict = _POOL.__dict__.setdefault("figures", OrderedDict())
    key = (kind, size, rows, columns, panels)
    fig = pool.pop(key, None)
    if fig is not None:
        _clear(fig)
    else:
        fig = _figure(size)
        with styled():
            if rows == columns == 1:
                fig.add_subplot()
            else:
                fig.subplots(rows, columns, squeeze=False, sharey=True)
    pool[key] = fig  # the most recently used last
    while len(pool) > REUSE_MAX:
        pool.popitem(last=False)
    return fig, list(fig.axes)


def _clear(fig: Figure) -> None:
    """Remove what the last chart added to a figure (texts, bars, lines, legend), forget its
    data limits and the bold of a highlighted tick label: axes, ticks and grid stay."""
    for text in list(fig.texts):
        text.remove()
    normal = matplotlib.rcParams["font.weight"]
    for ax in fig.axes:
        for artist in (*ax.patches, *ax.texts, *ax.lines, *ax.collections):
            artist.remove()
        ax.containers.clear()
        if ax.legend_ is not None:
            ax.legend_.remove()
        ax.dataLim.set_points(Bbox.null().get_points())
        ax.ignore_existing_data_limits = True
        ax.set_autoscalex_on(True)
        ax.set_autoscaley_on(True)
        ax._request_autoscale_view()
        for tick in (*ax.xaxis.majorTicks, *ax.yaxis.majorTicks):
            tick.label1.set_fontweight(normal)


@functools.lru_cache(maxsize=8192)
def _svg_text_metrics(s: str, prop, ismath) -> tuple[float, float, float]:
    return text_to_path.get_text_width_height_descent(s, prop, ismath)


def _cached_svg_metrics(self, s, prop, ismath):
    """Width, height, descent of a text in an SVG: they depend on the text and the font only
    (the SVG renderer measures them at a fixed 72 dpi with a TextToPath of its own), yet
    matplotlib caches them per renderer, i.e. per file: across the charts of a page the tick
    labels, years and commune names are measured again and again (≈ 15 % of an SVG)."""
    return _svg_text_metrics(s, prop.copy(), ismath)


@functools.lru_cache(maxsize=256)
def _svg_font_height(prop) -> tuple[float | None, float | None, float | None]:
    """Ascent, descent and line gap of a font at 72 dpi, from its OS/2 or hhea table: what
    `Text._get_layout` reads from the font file for every text it lays out (and again for every
    file), measured once per font and size."""
    from matplotlib.font_manager import fontManager, get_font

    font = get_font(fontManager._find_fonts_by_props(prop))
    for table_name, gap, ascent, descent in (
        ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
        ("hhea", "lineGap", "ascent", "descent"),
    ):
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points()
        return table[ascent] * scale, -table[descent] * scale, table[gap] * scale
    return None, None, None


def _cached_svg_font_height(self, prop):
    """The SVG renderer draws at 72 dpi (`print_svg` sets the figure's dpi to 72 while it
    draws): the font's vertical metrics at that resolution, once per font and size."""
    return _svg_font_height(prop.copy())


if not hasattr(backend_svg.RendererSVG, "_get_font_height_metrics"):
    backend_svg.RendererSVG._get_font_height_metrics = _cached_svg_font_height

if not hasattr(backend_svg.RendererSVG, "_dvcq_metrics"):
    backend_svg.RendererSVG._dvcq_metrics = backend_svg.RendererSVG.get_text_width_height_descent
    backend_svg.RendererSVG.get_text_width_height_descent = _cached_svg_metrics


#: Within one drawing of a figure (one file), an axis works out its ticks and the boxes of its
#: tick labels again for every part that needs them — the axis itself, its label, the spines,
#: the shared axes of a panel — three times on average, each time with the same result: nothing
#: they depend on (limits, locator, formatter, texts, size) changes while a figure is drawn.
#: `_one_drawing` keeps the first result for the rest of that drawing only (≈ 12 % of an SVG);
#: outside of it matplotlib works as it always does. Per thread: a kernel draws in one thread.
_DRAWING = threading.local()
MEMO_PER_DRAWING = True


@contextlib.contextmanager
def _one_drawing():
    """Axes' ticks and tick-label boxes worked out once while a figure is drawn (see above)."""
    outer = getattr(_DRAWING, "memo", None)
    if outer is None and MEMO_PER_DRAWING:
        _DRAWING.memo = {}
    try:
        yield
    finally:
        if outer is None:
            _DRAWING.memo = None


def _once_per_drawing(method):
    @functools.wraps(method)
    def memoised(self, *args):
        memo = getattr(_DRAWING, "memo", None)
        if memo is None:
            return method(self, *args)
        # ids of live objects: the memo holds them (below) until the drawing ends
        key = (method.__name__, id(self), *(id(a) for a in args))
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = (method(self, *args), self, args)
        return hit[0]

    memoised._dvcq_plain = method
    return memoised


if not hasattr(Axis._update_ticks, "_dvcq_plain"):
    Axis._update_ticks = _once_per_drawing(Axis._update_ticks)
    Axis._get_ticklabel_bboxes = _once_per_drawing(Axis._get_ticklabel_bboxes)


def _finish(fig: Figure, title: str, subtitle: str, source: str) -> None:
    """Title, subtitle and source placed in inches from the edges, whatever the height."""
    h = fig.get_figheight()
    fig.text(0.01, 1 - 0.12 / h, title, ha="left", va="top", fontsize=18, fontweight="bold")
    if subtitle:
        fig.text(0.01, 1 - 0.55 / h, subtitle, ha="left", va="top", fontsize=14, color="#333333")
    if source:
        fig.text(
            0.01,
            0.06 / h,
            source,
            ha="left",
            va="bottom",
            fontsize=10.5,
            color="#444444",
            wrap=True,
        )
    fig.subplots_adjust(top=1 - 1.25 / h, bottom=1.1 / h, left=0.1, right=0.98)


def _png(fig: Figure) -> bytes:
    """The figure as a 256-colour PNG at `DPI`.

    A chart has a few flat colours and the anti-aliased shades between them: 256 colours keep
    it as it looks (a test compares it with the full-colour drawing) in a third of the bytes of
    an RGBA PNG, and encoding a palette image is cheaper than an RGBA one. Smaller images also
    make lighter pages to open at a meeting. The fast octree quantiser averages each colour
    with its neighbours; the palette entries it leaves next to a colour of the style (white
    background, Okabe–Ito bars) are set back to that exact colour.
    """
    fig.set_dpi(DPI)
    fig.canvas.draw()
    rgba = Image.frombuffer(
        "RGBA", fig.canvas.get_width_height(physical=True), fig.canvas.buffer_rgba(), "raw"
    )
    palette = rgba.convert("RGB").quantize(
        256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    )
    entries = np.array(palette.getpalette(), dtype=int).reshape(-1, 3)
    distance = np.abs(entries[:, None, :] - _PURE_RGB[None, :, :]).max(axis=2)
    near = distance.min(axis=1) <= 4
    entries[near] = _PURE_RGB[distance.argmin(axis=1)[near]]
    palette.putpalette(entries.flatten().tolist())
    out = io.BytesIO()
    # zlib level 3: a quarter of the encoding time of the default 6 for a few % more bytes
    palette.save(out, format="png", compress_level=3, dpi=(DPI, DPI))
    return out.getvalue()


def render(
    fig: Figure, name: str, labels: Sequence[str] = (), formats: Sequence[str] | None = None
) -> Chart:
    """The figure drawn once as SVG (and as PNG too when `formats` asks, default `formats()`).
    The figure's first two texts (title, subtitle) become the image's alternative text."""
    alt = " — ".join(t.get_text() for t in fig.texts[:2] if t.get_text())
    wanted = formats if formats is not None else globals()["formats"]()
    with styled():
        with _one_drawing():
            png = _png(fig) if "png" in wanted else b""
        # written as text, encoded once: into a binary file matplotlib writes through a UTF-8
        # stream writer, one encode per XML fragment (the same bytes, ≈ 2 % of a chart more)
        svg = io.StringIO()
        with _one_drawing():
            fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    w, h = (round(x * DPI) for x in fig.get_size_inches())
    return Chart(name, png, svg.getvalue().encode("utf-8"), tuple(labels), alt, w, h)


def save(chart: Chart, output_dir: Path | str | None, notebook: str) -> list[Path]:
    """Write charts/<notebook>-<name>.svg (and .png when it was drawn) under output_dir
    (nothing if it is empty)."""
    if not output_dir:
        return []
    folder = Path(output_dir) / "charts"
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{notebook}-{chart.name}" if notebook else chart.name
    paths = [folder / f"{stem}.svg"] + ([folder / f"{stem}.png"] if chart.png else [])
    write_atomic(paths[0], chart.svg)  # a killed batch leaves no half-written chart
    if chart.png:
        write_atomic(paths[1], chart.png)
    return paths


def publish(
    chart: Chart, output_dir: Path | str | None = None, notebook: str = "", show: bool = True
) -> Chart:
    """Save the chart beside the report and display its SVG once (the page's template shows it
    as an image of the chart's pixel size: `templates/report.html.j2`)."""
    save(chart, output_dir, notebook)
    if show:
        from IPython.display import display

        display(
            {"image/svg+xml": chart.svg.decode("utf-8")},
            raw=True,  # no SVG object: it would parse the whole file to find its root
            metadata={
                "image/svg+xml": {
                    "dvcq_chart": chart.name,
                    "alt": chart.alt,
                    "labels": list(chart.labels),
                    "width": chart.width,
                    "height": chart.height,
                }
            },
        )
    return chart


def _bar_labels(
    ax, bars, values: Sequence[float], lang: str, texts: Sequence[str] | None = None
) -> None:
    top = max([v for v in values if not math.isnan(v)], default=1.0) or 1.0
    for i, (bar, v) in enumerate(zip(bars, values, strict=True)):
        x = bar.get_x() + bar.get_width() / 2
        if math.isnan(v):
            ax.text(
                x,
                top * 0.02,
                label("missing", lang),
                rotation=90,
                ha="center",
                va="bottom",
                fontsize=11,
                color=MISSING_GREY,
            )
            continue
        text = texts[i] if texts is not None else format_number(_tidy(v), lang=lang)
        ax.annotate(
            text,
            (x, v),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=12.5,
        )


def bars(
    values: pd.Series,
    *,
    name: str,
    title: str,
    subtitle: str = "",
    source: str = "",
    unit: str = "",
    tick_labels: Sequence[str] | None = None,
    highlight: str | None = None,
    lang: str = "vi",
    marker: tuple[float, str] | None = None,
    texts: Sequence[str] | None = None,
) -> Chart:
    """Vertical bars (a series over periods, gaps shown as "không có số liệu"), the
    `highlight` label (default: the last one) in the highlight colour; `marker` (x, text) draws
    a dashed line between bars, e.g. the 1 July 2025 reform."""
    labels = [str(i) for i in values.index]
    ticks = list(tick_labels) if tick_labels is not None else labels
    highlight = labels[-1] if highlight is None and labels else highlight
    vals = [float(v) for v in values]
    with styled():
        fig, (ax,) = _canvas("bars")
        colors = [HIGHLIGHT if lab == highlight else BASE for lab in labels]
        drawn = ax.bar(
            range(len(vals)), [0 if math.isnan(v) else v for v in vals], color=colors, width=0.7
        )
        _bar_labels(ax, drawn, vals, lang, texts)
        ax.set_xticks(range(len(vals)), ticks)
        ax.yaxis.set_major_locator(Ticks())
        ax.yaxis.set_major_formatter(vn_formatter(lang))
        ax.set_ylabel(unit)
        ax.margins(y=0.15)
        if marker is not None:
            ax.axvline(marker[0], color=MARKER, ls="--", linewidth=2.5)
            ax.annotate(
                marker[1],
                (marker[0], 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(-6, -4),
                textcoords="offset points",
                ha="right",
                va="top",
                fontsize=13,
                color=MARKER,
                fontweight="bold",
            )
        _finish(fig, title, subtitle, source)
    return render(fig, name, labels)


def hbars(
    values: pd.Series,
    *,
    name: str,
    title: str,
    subtitle: str = "",
    source: str = "",
    unit: str = "",
    highlight: str | None = None,
    lang: str = "vi",
    percent: bool = False,
    texts: Sequence[str] | None = None,
) -> Chart:
    """Horizontal bars in the given order (a league table), `highlight` in the highlight colour."""
    labels = [str(i) for i in values.index]
    vals = [float(v) for v in values]
    height = max(4.0, 1.2 + 0.42 * len(vals))
    with styled():
        fig, (ax,) = _canvas("hbars", (SIZE[0], height))
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        colors = [HIGHLIGHT if lab == highlight else BASE for lab in labels]
        y = list(range(len(vals)))[::-1]
        drawn = ax.barh(y, [0 if math.isnan(v) else v for v in vals], color=colors, height=0.7)
        top = max([v for v in vals if not math.isnan(v)], default=1.0) or 1.0
        for i, (bar, v) in enumerate(zip(drawn, vals, strict=True)):
            cy = bar.get_y() + bar.get_height() / 2
            text = (
                label("missing", lang)
                if math.isnan(v)
                else texts[i]
                if texts is not None
                else format_number(_tidy(v), 1 if percent else None, lang)
                + (" %" if percent else "")
            )
            ax.text(
                (0 if math.isnan(v) else v) + top * 0.01,
                cy,
                text,
                va="center",
                fontsize=12,
                color=MISSING_GREY if math.isnan(v) else "#000000",
            )
        ax.set_yticks(y, labels)
        for tick in ax.get_yticklabels():
            if tick.get_text() == highlight:
                tick.set_fontweight("bold")
        ax.xaxis.set_major_locator(Ticks())
        ax.xaxis.set_major_formatter(vn_formatter(lang))
        ax.set_xlabel(unit)
        ax.set_xlim(0, top * 1.18)
        _finish(fig, title, subtitle, source)
        fig.subplots_adjust(top=1 - 1.25 / height, bottom=1.0 / height, left=0.24)
    return render(fig, name, labels)


def changes(
    values: pd.Series,
    *,
    name: str,
    title: str,
    subtitle: str = "",
    source: str = "",
    lang: str = "vi",
    texts: Sequence[str] | None = None,
) -> Chart:
    """Diverging horizontal bars of changes in percent (▲ blue, ▼ vermillion), in the given
    order, each labelled "+2,1 %"; a missing change reads "không có số liệu"."""
    labels = [str(i) for i in values.index]
    vals = [float(v) for v in values]
    height = max(4.0, 2.2 + 0.62 * len(vals))
    with styled():
        fig, (ax,) = _canvas("changes", (SIZE[0], height))
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        y = list(range(len(vals)))[::-1]
        colors = [OKABE_ITO[0] if v >= 0 else HIGHLIGHT for v in vals]
        ax.barh(y, [0 if math.isnan(v) else v for v in vals], color=colors, height=0.65)
        ax.axvline(0, color="#333333", linewidth=1.2)
        span = max([abs(v) for v in vals if not math.isnan(v)], default=1.0) or 1.0
        for i, (cy, v) in enumerate(zip(y, vals, strict=True)):
            if math.isnan(v):
                ax.text(
                    span * 0.02,
                    cy,
                    label("missing", lang),
                    va="center",
                    fontsize=12,
                    color=MISSING_GREY,
                )
                continue
            text = texts[i] if texts is not None else signed(v, 1, lang, " %")
            ax.text(
                v + span * 0.02 * (1 if v >= 0 else -1),
                cy,
                text,
                va="center",
                ha="left" if v >= 0 else "right",
                fontsize=12.5,
            )
        ax.set_yticks(y, [textwrap.fill(lab, 28) for lab in labels])
        ax.xaxis.set_major_locator(Ticks())
        ax.xaxis.set_major_formatter(
            FuncFormatter(lambda x, _pos: format_number(_tidy(x), None, lang) + " %")
        )
        ax.set_xlim(-span * 1.35, span * 1.35)
        _finish(fig, title, subtitle, source)
        fig.subplots_adjust(top=1 - 1.25 / height, bottom=1.0 / height, left=0.3)
    return render(fig, name, labels)


def grouped(
    frame: pd.DataFrame,
    *,
    name: str,
    title: str,
    subtitle: str = "",
    source: str = "",
    unit: str = "",
    lang: str = "vi",
    texts: Sequence[Sequence[str]] | None = None,
) -> Chart:
    """Side-by-side bars: one group per row, one colour per column (e.g. reported vs computed)."""
    labels = [str(i) for i in frame.index]
    n = len(frame.columns)
    width = 0.8 / max(n, 1)
    with styled():
        fig, (ax,) = _canvas("grouped")
        for j, col in enumerate(frame.columns):
            vals = [float(v) for v in frame[col]]
            xs = [i - 0.4 + width * (j + 0.5) for i in range(len(labels))]
            drawn = ax.bar(
                xs,
                [0 if math.isnan(v) else v for v in vals],
                width=width * 0.95,
                color=OKABE_ITO[j % len(OKABE_ITO)],
                label=str(col),
            )
            _bar_labels(ax, drawn, vals, lang, texts[j] if texts is not None else None)
        ax.set_xticks(range(len(labels)), labels)
        ax.yaxis.set_major_locator(Ticks())
        ax.yaxis.set_major_formatter(vn_formatter(lang))
        ax.set_ylabel(unit)
        ax.margins(y=0.18)
        ax.legend(loc="upper right", frameon=False)
        _finish(fig, title, subtitle, source)
    return render(fig, name, labels)


def small_multiples(
    frame: pd.DataFrame,
    *,
    name: str,
    title: str,
    panel_titles: Sequence[str],
    subtitle: str = "",
    source: str = "",
    highlight: str | None = None,
    lang: str = "vi",
    columns: int = 2,
) -> Chart:
    """One small horizontal bar panel per column of `frame` (rows = communes, same order in
    every panel), `highlight` row in the highlight colour."""
    labels = [str(i) for i in frame.index]
    k = len(frame.columns)
    rows = math.ceil(k / columns)
    height = 2.2 + rows * (0.8 + 0.3 * len(labels))
    with styled():
        fig, axes = _canvas("multiples", (SIZE[0] * 1.3, height), rows, columns, k)
        y = list(range(len(labels)))[::-1]
        for idx, ax in enumerate(axes):
            if idx >= k:
                ax.set_visible(False)
                continue
            vals = [float(v) for v in frame.iloc[:, idx]]
            colors = [HIGHLIGHT if lab == highlight else BASE for lab in labels]
            ax.barh(y, [0 if math.isnan(v) else v for v in vals], color=colors, height=0.7)
            for yy, v in zip(y, vals, strict=True):
                if math.isnan(v):
                    ax.text(
                        0,
                        yy,
                        "\u00a0" + label("missing", lang),  # a space SVG keeps
                        va="center",
                        fontsize=10,
                        color=MISSING_GREY,
                    )
            ax.set_title(panel_titles[idx], fontsize=13, loc="left")
            ax.set_yticks(y, labels, fontsize=11)
            ax.xaxis.set_major_locator(Ticks())
            ax.xaxis.set_major_formatter(vn_formatter(lang))
            ax.tick_params(axis="x", labelsize=10)
            ax.grid(axis="y", visible=False)
            ax.grid(axis="x", visible=True)
        _finish(fig, title, subtitle, source)
        fig.subplots_adjust(
            top=1 - 1.45 / height,
            bottom=0.75 / height,
            left=0.16,
            hspace=0.9 / (0.8 + 0.3 * len(labels)),
            wspace=0.12,
        )
    return render(fig, name, labels)
