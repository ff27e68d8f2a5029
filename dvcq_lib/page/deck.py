"""The slide deck of a report (python-pptx), from the same views as the page: a title slide
(commune, period, date), one slide per key chart as a native, editable PowerPoint chart (its
data inside) with a one-line takeaway from the narrative, the changes against the same period
last year, a scorecard slide, a data-quality findings slide and a sources slide with the
synthetic-data mark where it applies. 16:9, fonts readable from the back of a room.

Value labels are written as text (the page's "1.332,6"), so that they read the same on an
English-language Office; the chart keeps the numbers themselves for editing.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
from pptx.enum.text import MSO_ANCHOR
from pptx.util import Emu, Inches, Pt

from dvcq_lib.files import write_atomic
from dvcq_lib.page import format as fmt
from dvcq_lib.page.figures import ChartSpec
from dvcq_lib.page.labels import label
from dvcq_lib.page.report import ReportViews

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.6)
FONT = "Arial"  # every Office has it, with the Vietnamese letters
TITLE_PT, BODY_PT, SMALL_PT, LABEL_PT = 36, 22, 16, 18
#: Findings listed on their slide (the rest is counted): more would not be readable.
MAX_FINDINGS = 5
#: A finding's message is cut to this many characters on a slide (the page has it whole).
MESSAGE_CHARS = 150
HIGHLIGHT, BASE, INK, ALERT = "D55E00", "9DB9D3", "222222", "D55E00"
UP, DOWN = "0072B2", "B04A00"


def _text(slide, x, y, w, h, text: str, size: int, bold=False, color=INK, align=None):
    box = slide.shapes.add_textbox(x, y, w, h)
    tf = box.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = MSO_ANCHOR.TOP
    for i, line in enumerate(text.split("\n")):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.text = line
        p.font.size, p.font.bold, p.font.name = Pt(size), bold, FONT
        p.font.color.rgb = RGBColor.from_string(color)
        if align:
            p.alignment = align
    return box


def _title(slide, text: str) -> None:
    _text(slide, MARGIN, Inches(0.35), WIDTH - 2 * MARGIN, Inches(1.0), text, TITLE_PT, True)


def _footer(slide, views: ReportViews) -> None:
    h = views.header
    text = f"{h.commune} · {h.period_label}"
    if views.synthetic:
        text += " · " + label("deck_synthetic_short", views.lang)
    color = ALERT if views.synthetic else "555555"
    _text(
        slide,
        MARGIN,
        HEIGHT - Inches(0.55),
        WIDTH - 2 * MARGIN,
        Inches(0.4),
        text,
        14,
        False,
        color,
    )


def _synthetic_box(slide, views: ReportViews, y) -> None:
    box = _text(
        slide,
        MARGIN,
        y,
        WIDTH - 2 * MARGIN,
        Inches(1.1),
        "⚠ " + views.header.banner.text,
        BODY_PT,
        True,
        "000000",
    )
    box.fill.solid()
    box.fill.fore_color.rgb = RGBColor.from_string("FFF1E6")
    box.line.color.rgb = RGBColor.from_string(ALERT)
    box.line.width = Pt(4)


def _values(series) -> list[float | None]:
    return [None if v is None or math.isnan(v) else float(v) for v in series.values]


def chart_data(spec: ChartSpec) -> CategoryChartData:
    """The spec's numbers as the chart's own data (editable in PowerPoint)."""
    data = CategoryChartData()
    data.categories = list(spec.categories)
    for s in spec.series:
        data.add_series(s.name, _values(s), number_format="#,##0.0##")
    return data


def add_chart(slide, spec: ChartSpec, x, y, w, h):
    """A native chart of the spec: bars (columns, or horizontal for changes and leagues), value
    labels the page's texts, the highlighted category in the highlight colour."""
    kind = {
        "bars": XL_CHART_TYPE.COLUMN_CLUSTERED,
        "grouped": XL_CHART_TYPE.COLUMN_CLUSTERED,
        "hbars": XL_CHART_TYPE.BAR_CLUSTERED,
        "changes": XL_CHART_TYPE.BAR_CLUSTERED,
    }[spec.kind]
    if spec.kind in ("hbars", "changes"):  # PowerPoint draws bars bottom-up: keep the order
        spec = _reversed(spec)
    chart = slide.shapes.add_chart(kind, x, y, w, h, chart_data(spec)).chart
    chart.font.size, chart.font.name = Pt(SMALL_PT), FONT
    chart.has_legend = len(spec.series) > 1
    chart.has_title = False  # the slide title names the chart
    chart.value_axis.visible = False
    chart.value_axis.has_major_gridlines = False
    chart.category_axis.tick_labels.font.size = Pt(SMALL_PT)
    keys = list(spec.keys or spec.categories)
    plot = chart.plots[0]
    plot.gap_width = 60
    for j, series in enumerate(spec.series):
        ps = plot.series[j]
        for i, point in enumerate(ps.points):
            v = series.values[i]
            if spec.kind == "changes":
                colour = UP if (v or 0) >= 0 else DOWN
            elif len(spec.series) > 1:
                colour = (UP, "E69F00", "009E73")[j % 3]
            else:
                colour = HIGHLIGHT if keys[i] == spec.highlight else BASE
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = RGBColor.from_string(colour)
            text = (
                series.texts[i] if not (v is None or math.isnan(v)) else label("missing", spec.lang)
            )
            tf = point.data_label.text_frame
            tf.text = text
            tf.paragraphs[0].font.size = Pt(LABEL_PT)
            tf.paragraphs[0].font.name = FONT
            point.data_label.position = XL_LABEL_POSITION.OUTSIDE_END
    return chart


def _reversed(spec: ChartSpec) -> ChartSpec:
    from dataclasses import replace

    from dvcq_lib.page.figures import Series

    return replace(
        spec,
        categories=spec.categories[::-1],
        keys=(spec.keys or spec.categories)[::-1],
        series=tuple(Series(s.name, s.values[::-1], s.texts[::-1]) for s in spec.series),
    )


def _table(slide, columns: list[str], rows: list[list[str]], y, size=SMALL_PT, widths=None):
    n = len(rows) + 1
    height = Inches(0.5) * n
    shape = slide.shapes.add_table(n, len(columns), MARGIN, y, WIDTH - 2 * MARGIN, height)
    table = shape.table
    total = WIDTH - 2 * MARGIN
    if widths:
        for j, share in enumerate(widths):
            table.columns[j].width = Emu(int(total * share))
    for r, values in enumerate([columns, *rows]):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = value
            for p in cell.text_frame.paragraphs:
                p.font.size, p.font.name = Pt(size), FONT
                p.font.bold = r == 0
            cell.text_frame.word_wrap = True
    return table


def build(views: ReportViews) -> Presentation:
    """The deck of a report's views."""
    lang, h = views.lang, views.header
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    blank = prs.slide_layouts[6]

    # 1. title
    s = prs.slides.add_slide(blank)
    _text(
        s,
        MARGIN,
        Inches(1.3),
        WIDTH - 2 * MARGIN,
        Inches(1.2),
        f"{label('deck_title', lang)}: {h.commune}",
        44,
        True,
    )
    _text(
        s,
        MARGIN,
        Inches(2.6),
        WIDTH - 2 * MARGIN,
        Inches(0.8),
        f"{label('period', lang)}: {h.period_label}",
        30,
    )
    _text(s, MARGIN, Inches(3.4), WIDTH - 2 * MARGIN, Inches(0.8), h.place, BODY_PT, color="444444")
    _text(
        s,
        MARGIN,
        Inches(4.1),
        WIDTH - 2 * MARGIN,
        Inches(0.6),
        f"{label('made_on', lang)}: {views.made_on:%d/%m/%Y}",
        BODY_PT,
        color="444444",
    )
    if views.synthetic:
        _synthetic_box(s, views, Inches(5.1))

    # 2. key charts, each with its takeaway
    for key in views.charts:
        s = prs.slides.add_slide(blank)
        _title(s, key.spec.title)
        _text(
            s,
            MARGIN,
            Inches(1.2),
            WIDTH - 2 * MARGIN,
            Inches(0.5),
            key.spec.subtitle,
            SMALL_PT,
            color="444444",
        )
        add_chart(s, key.spec, MARGIN, Inches(1.7), WIDTH - 2 * MARGIN, Inches(4.2))
        _text(
            s,
            MARGIN,
            Inches(6.0),
            WIDTH - 2 * MARGIN,
            Inches(0.9),
            key.takeaway,
            BODY_PT,
            True,
            "0B4F8A",
        )
        _footer(s, views)

    # 3. changes against the same period last year
    s = prs.slides.add_slide(blank)
    _title(s, views.changes.title)
    add_chart(s, views.changes, MARGIN, Inches(1.4), WIDTH - 2 * MARGIN, Inches(5.3))
    _footer(s, views)

    # 4. scorecard
    s = prs.slides.add_slide(blank)
    _title(s, views.scorecard.title)
    rows = [
        [
            c.name,
            f"{c.value.text} {c.unit}".strip() if c.value.is_number else c.value.text,
            f"{c.arrow} {c.change}",
        ]
        for c in views.scorecard.cards
    ]
    _table(
        s,
        [
            label("indicator", lang),
            label("value", lang),
            f"{label('diff', lang)} ({views.scorecard.against})",
        ],
        rows,
        Inches(1.4),
        size=16,
        widths=(0.5, 0.22, 0.28),
    )
    _footer(s, views)

    # 5. data-quality findings
    s = prs.slides.add_slide(blank)
    _title(s, views.findings.title)
    f = views.findings
    if not f.rows:
        _text(s, MARGIN, Inches(1.6), WIDTH - 2 * MARGIN, Inches(1), f.empty_text, BODY_PT)
    else:
        shown = f.rows[:MAX_FINDINGS]
        rows = [[r.cells[0].text, r.cells[1].text, _cut(r.cells[3].text)] for r in shown]
        _table(
            s,
            [f.columns[0].label, f.columns[1].label, f.columns[3].label],
            rows,
            Inches(1.4),
            size=14,
            widths=(0.13, 0.25, 0.62),
        )
        if len(f.rows) > MAX_FINDINGS:
            more = label("deck_more_findings", lang).format(
                n=fmt.number(len(f.rows) - MAX_FINDINGS, 0, lang)
            )
            _text(
                s,
                MARGIN,
                HEIGHT - Inches(1.1),
                WIDTH - 2 * MARGIN,
                Inches(0.5),
                more,
                SMALL_PT,
                color="444444",
            )
    _footer(s, views)

    # 6. sources
    s = prs.slides.add_slide(blank)
    _title(s, label("sources", lang))
    lines = [
        f"{src.source} — "
        f"{label('synthetic', lang) if src.synthetic else label('real', lang)}; {src.span}; "
        f"{fmt.number(src.rows, 0, lang)} {label('figures', lang)}"
        for src in views.sources
    ] or [label("missing", lang)]
    _text(s, MARGIN, Inches(1.4), WIDTH - 2 * MARGIN, Inches(3.2), "\n".join(lines), BODY_PT)
    if views.synthetic:
        _synthetic_box(s, views, Inches(4.9))
    _footer(s, views)
    return prs


def _cut(text: str) -> str:
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 1].rstrip() + "…"


def write(views: ReportViews, path: Path | str) -> Path:
    """Write the deck atomically (a killed run leaves no half-written file)."""
    buf = io.BytesIO()
    build(views).save(buf)
    return write_atomic(Path(path), buf.getvalue())
