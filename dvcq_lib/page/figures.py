"""Chart specs: what a chart shows — categories, series of values with the texts the tables
print for them, title, subtitle, source, unit — computed from the page context; and their
drawing with matplotlib (`draw`, through `page.charts`). The slide deck draws the same specs
as native PowerPoint charts, so a chart, its table and its slide agree number for number.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from dvcq_lib import trends
from dvcq_lib.catalogue import catalogue
from dvcq_lib.observations import is_synthetic
from dvcq_lib.page import charts
from dvcq_lib.page import format as fmt
from dvcq_lib.page.blocks import computed_cell, figure, page_league, page_peers, rows_of
from dvcq_lib.page.context import Context, peer_rows, short_name, vi_sort_key, yield_pairs
from dvcq_lib.page.meta import section
from dvcq_lib.periods import Period


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]
    texts: tuple[str, ...]  # the value labels, as the tables print them


@dataclass(frozen=True)
class ChartSpec:
    kind: str  # bars, hbars, changes, grouped, multiples
    name: str
    title: str
    categories: tuple[str, ...]  # what the axis shows ("2024", "Đông Sơn")
    series: tuple[Series, ...]
    subtitle: str = ""
    source: str = ""
    unit: str = ""
    lang: str = "vi"
    keys: tuple[str, ...] = ()  # periods or communes the categories stand for
    highlight: str | None = None  # the key drawn in the highlight colour
    marker: tuple[float, str] | None = None
    panel_titles: tuple[str, ...] = field(default_factory=tuple)
    percent: bool = False


#: Charts drawn in this process, by their content: a chart whose spec (kind, data, texts,
#: labels, titles, highlight) and formats were drawn before — on another page of the report, e.g.
#: a league chart the district page shows too, or in another report the same kernel renders —
#: is not drawn again. Keyed by the spec's repr (a NaN is "nan" there, equal to any other NaN).
#: Bounded: a chart is ≈ 15 KB.
_DRAWN: OrderedDict[tuple[str, tuple[str, ...]], charts.Chart] = OrderedDict()
DRAWN_MAX = 512


def draw(spec: ChartSpec) -> charts.Chart:
    """The spec drawn by matplotlib (SVG; PNG too when asked: `charts.formats()`), once per
    content in a process."""
    key = (repr(spec), charts.formats())
    chart = _DRAWN.get(key)
    if chart is None:
        chart = _DRAWN[key] = _draw(spec)
        if len(_DRAWN) > DRAWN_MAX:
            _DRAWN.popitem(last=False)
    else:
        _DRAWN.move_to_end(key)
    return chart


def _draw(spec: ChartSpec) -> charts.Chart:
    common = dict(
        name=spec.name,
        title=spec.title,
        subtitle=spec.subtitle,
        source=spec.source,
        lang=spec.lang,
    )
    keys = list(spec.keys or spec.categories)
    if spec.kind == "bars":
        s = spec.series[0]
        return charts.bars(
            pd.Series(s.values, index=keys, dtype="float64"),
            unit=spec.unit,
            tick_labels=list(spec.categories),
            highlight=spec.highlight,
            marker=spec.marker,
            texts=list(s.texts),
            **common,
        )
    if spec.kind == "hbars":
        s = spec.series[0]
        return charts.hbars(
            pd.Series(s.values, index=keys, dtype="float64"),
            unit=spec.unit,
            highlight=spec.highlight,
            percent=spec.percent,
            texts=list(s.texts),
            **common,
        )
    if spec.kind == "changes":
        s = spec.series[0]
        return charts.changes(
            pd.Series(s.values, index=keys, dtype="float64"), texts=list(s.texts), **common
        )
    if spec.kind == "grouped":
        frame = pd.DataFrame({s.name: list(s.values) for s in spec.series}, index=keys)
        return charts.grouped(
            frame, unit=spec.unit, texts=[list(s.texts) for s in spec.series], **common
        )
    if spec.kind == "multiples":
        frame = pd.DataFrame({s.name: list(s.values) for s in spec.series}, index=keys)
        return charts.small_multiples(
            frame, panel_titles=list(spec.panel_titles), highlight=spec.highlight, **common
        )
    raise ValueError(f"không có loại biểu đồ {spec.kind!r}")


# ---------------------------------------------------------------------------------------------
# specs
# ---------------------------------------------------------------------------------------------
def source_note(ctx: Context, rows: pd.DataFrame) -> str:
    """ "Nguồn: <source> (<first>–<last>) [synthetic]; …": the lines of `sources_table(rows)`,
    once per frame of a page (the league charts of a page share their peers' rows)."""
    key = ("source_note", id(rows))
    kept = ctx.memo.get(key)
    if kept is not None and kept[0] is rows:
        return kept[1]
    parts = []
    for source, synthetic, first, last in _sources(rows):
        span = first if first == last else f"{first}–{last}"
        tag = f" [{ctx.label('synthetic')}]" if synthetic else ""
        parts.append(f"{source} ({span}){tag}")
    note = f"{ctx.label('chart_source')}: " + ("; ".join(parts) if parts else ctx.label("missing"))
    ctx.memo[key] = (rows, note)  # the frame kept with it: its id stays its own
    return note


def _sources(rows: pd.DataFrame) -> list[tuple[str, bool, str, str]]:
    """(source, synthetic, first period, last period) as `blocks.sources_table` orders them —
    synthetic last, then by source — in plain Python: a chart's rows are a few dozen, where a
    pandas group-by costs more than the chart's own spec."""
    if rows.empty:
        return []
    spans: dict[tuple[bool, str], list[str]] = {}
    periods = rows["period"].astype(str).tolist()
    sort_key = {p: Period.parse(p).sort_key for p in set(periods)}
    for source, fake, period in zip(
        rows["source"].tolist(), is_synthetic(rows).tolist(), periods, strict=True
    ):
        if source is None or source is pd.NA:
            continue
        span = spans.setdefault((bool(fake), str(source)), [period, period])
        if sort_key[period] < sort_key[span[0]]:
            span[0] = period
        if sort_key[period] > sort_key[span[1]]:
            span[1] = period
    return [(src, fake, first, last) for (fake, src), (first, last) in sorted(spans.items())]


def reform_marker(ctx: Context, periods: list[str]) -> tuple[float, str] | None:
    """Where the 1 July 2025 reform falls among a 2025 commune's bars (between two bars)."""
    if not ctx.lineage_vi:
        return None
    after = [Period.parse(p).after_reform for p in periods]
    if not any(after) or all(after):
        return None
    return after.index(True) - 0.5, ctx.label("reform")


def _texts(cells) -> tuple[str, ...]:
    return tuple(c.text for c in cells)


def trend(ctx: Context, code: str) -> ChartSpec:
    """The same-half series of one indicator over the years up to the period."""
    ind = catalogue()[code]
    s = trends.same_half_series(ctx.full, code, ctx.period)
    used = rows_of(ctx, (code, *ind.components), [str(p) for p in s.index])
    years = [Period.parse(x).year for x in s.index]
    if ctx.lang == "vi":
        half = (
            ("6 tháng đầu" if ctx.period.half == 1 else "6 tháng cuối") if ctx.period.half else ""
        )
    else:
        half = f"H{ctx.period.half}" if ctx.period.half else ""
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else f"{years[0]}" if years else ""
    subtitle = (
        f"{ctx.commune.name} · {half} {ctx.label('years')} {span}".replace("  ", " ")
        + f" · {ctx.label('period')}: {ctx.period.label(ctx.lang)}"
    )
    cells = [figure(ctx, code, p, float(v)) for p, v in s.items()]
    return ChartSpec(
        kind="bars",
        name=f"trend-{code}",
        title=f"{ind.name(ctx.lang)} ({ind.unit})",
        categories=tuple(str(y) for y in years),
        keys=tuple(str(p) for p in s.index),
        series=(Series(ind.name(ctx.lang), tuple(float(v) for v in s), _texts(cells)),),
        subtitle=subtitle,
        source=source_note(ctx, used),
        unit=ind.unit,
        lang=ctx.lang,
        highlight=ctx.period.code,
        marker=reform_marker(ctx, list(s.index)),
    )


def trends_of(ctx: Context, codes: Sequence[str] | str = "trend") -> list[ChartSpec]:
    """A trend chart for each indicator of a section that has any data."""
    if isinstance(codes, str):
        codes = section(ctx.notebook, codes).indicators
    return [trend(ctx, c) for c in codes if c in ctx.full and ctx.full[c].notna().any()]


def outputs(ctx: Context) -> ChartSpec:
    """Reported output beside area × yield for the crops with a yield."""
    p = ctx.period.code
    pairs = yield_pairs()
    crops = section(ctx.notebook or "agriculture", "crops").indicators
    yields = [c for c in crops if c in pairs]
    reported, computed, names = [], [], []
    for yield_code in yields:
        output, _ = pairs[yield_code]
        c = trends.output_from_yield(ctx.wide, yield_code)
        names.append(ctx.name(output))
        reported.append(figure(ctx, output, p, trends.value(ctx.wide, output, p)))
        computed.append(
            computed_cell(float(c.get(p, math.nan)) if len(c) else math.nan, "tấn", ctx.lang)
        )
    used = ctx.rows[ctx.rows["period"].astype(str) == p]
    vals = lambda cells: tuple(math.nan if c.value is None else c.value for c in cells)  # noqa: E731
    return ChartSpec(
        kind="grouped",
        name="outputs",
        title=f"{ctx.label('reported')} / {ctx.label('area_x_yield')} (tấn)",
        categories=tuple(names),
        series=(
            Series(ctx.label("reported"), vals(reported), _texts(reported)),
            Series(ctx.label("area_x_yield"), vals(computed), _texts(computed)),
        ),
        subtitle=f"{ctx.commune.name} · {ctx.period.label(ctx.lang)}",
        source=source_note(ctx, used),
        unit="tấn",
        lang=ctx.lang,
    )


def structure(ctx: Context) -> ChartSpec:
    t = trends.shares(ctx.wide, ctx.period)
    used = ctx.rows[
        (ctx.rows["period"].astype(str) == ctx.period.code)
        & ctx.rows["indicator"].astype(str).isin(trends.VALUE_COMPONENTS)
    ]
    cells = [figure(ctx, r.indicator, ctx.period, r.value) for r in t.itertuples()]
    return ChartSpec(
        kind="bars",
        name="structure",
        title=f"{ctx.label('value')} (tỷ đồng)",
        categories=tuple(ctx.name(c) for c in t["indicator"]),
        series=(Series(ctx.label("value"), tuple(float(v) for v in t["value"]), _texts(cells)),),
        subtitle=f"{ctx.commune.name} · {ctx.period.label(ctx.lang)}",
        source=source_note(ctx, used),
        unit="tỷ đồng",
        lang=ctx.lang,
        highlight="",
    )


def scorecard(ctx: Context, codes: Sequence[str] | None = None) -> ChartSpec:
    """The scorecard's changes against the same period last year in % (rates, in percentage
    points, are left to the cards)."""
    codes = codes or section("overview", "scorecard").indicators
    names, values, texts = [], [], []
    for code in codes:
        if catalogue()[code].unit == "%":
            continue
        ch = trends.change(ctx.full, code, ctx.period)
        v = ch.percent if ch.comparable else math.nan
        names.append(ctx.name(code))
        values.append(v)
        texts.append(fmt.signed(v, 1, ctx.lang, " %") if not math.isnan(v) else "")
    used = ctx.rows[
        ctx.rows["period"]
        .astype(str)
        .isin((ctx.period.code, ctx.period.same_period_last_year().code))
    ]
    return ChartSpec(
        kind="changes",
        name="scorecard",
        title=ctx.label("change_chart"),
        categories=tuple(names),
        series=(Series(ctx.label("pct"), tuple(values), tuple(texts)),),
        subtitle=f"{ctx.commune.name} · {ctx.period.label(ctx.lang)}",
        source=source_note(ctx, used),
        unit="%",
        lang=ctx.lang,
    )


def league(ctx: Context, code: str, scope: str | None = None) -> ChartSpec:
    ind = catalogue()[code]
    t = page_league(ctx, code, scope)
    names = tuple(short_name(c, ctx.commune.system) for c in t["commune_code"])
    values = tuple(float(v) for v in t["value"])
    percent = ind.unit == "%"
    texts = tuple(
        ""
        if math.isnan(v)
        else (fmt.number(v, 1, ctx.lang) + " %" if percent else fmt.number(v, None, ctx.lang))
        for v in values
    )
    return ChartSpec(
        kind="hbars",
        name=f"league-{code}",
        title=f"{ind.name(ctx.lang)} ({ind.unit})",
        categories=names,
        series=(Series(ind.name(ctx.lang), values, texts),),
        subtitle=f"{ctx.label('peers_' + (scope or ctx.scope))} · "
        f"{ctx.period.label(ctx.lang)} · {ctx.commune.name}",
        source=source_note(ctx, peer_rows(ctx, scope)),
        unit=ind.unit,
        lang=ctx.lang,
        highlight=ctx.commune.short_name,
        percent=percent,
    )


def leagues(ctx: Context, codes: str = "league") -> list[ChartSpec]:
    return [league(ctx, c) for c in section(ctx.notebook, codes).indicators]


def multiples(ctx: Context, codes: str = "multiples", scope: str | None = None) -> ChartSpec:
    """Small multiples: one panel per indicator, every peer, the commune highlighted."""
    sec = section(ctx.notebook, codes)
    cross = page_peers(ctx, scope)
    order = sorted(cross.index, key=lambda c: vi_sort_key(short_name(c, ctx.commune.system)))
    names = tuple(short_name(c, ctx.commune.system) for c in order)
    series = []
    for c in sec.indicators:
        vals = tuple(
            float(cross.at[x, c]) if c in cross and not pd.isna(cross.at[x, c]) else math.nan
            for x in order
        )
        series.append(
            Series(
                c,
                vals,
                tuple(fmt.number(v, None, ctx.lang) if not math.isnan(v) else "" for v in vals),
            )
        )
    return ChartSpec(
        kind="multiples",
        name="multiples",
        title=f"{sec.title(ctx.lang)} — {ctx.period.label(ctx.lang)}",
        categories=names,
        series=tuple(series),
        subtitle=f"{ctx.label('peers_' + (scope or ctx.scope))} · {ctx.commune.name}",
        source=source_note(ctx, peer_rows(ctx, scope)),
        lang=ctx.lang,
        highlight=ctx.commune.short_name,
        panel_titles=tuple(f"{ctx.name(c)} ({catalogue()[c].unit})" for c in sec.indicators),
    )


def section_bars(ctx: Context, name: str) -> ChartSpec:
    """Bars of a section's indicators in the period (e.g. reception sessions by kind)."""
    sec = section(ctx.notebook, name)
    p = ctx.period.code
    units = {catalogue()[c].unit for c in sec.indicators}
    cells = [figure(ctx, c, p, trends.value(ctx.full, c, p)) for c in sec.indicators]
    used = ctx.rows[
        (ctx.rows["period"].astype(str) == p)
        & ctx.rows["indicator"].astype(str).isin(sec.indicators)
    ]
    unit = units.pop() if len(units) == 1 else ""
    return ChartSpec(
        kind="bars",
        name=name,
        title=f"{sec.title(ctx.lang)} ({unit})" if unit else sec.title(ctx.lang),
        categories=tuple(ctx.name(c) for c in sec.indicators),
        series=(
            Series(
                sec.title(ctx.lang),
                tuple(math.nan if c.value is None else c.value for c in cells),
                _texts(cells),
            ),
        ),
        subtitle=f"{ctx.commune.name} · {ctx.period.label(ctx.lang)}",
        source=source_note(ctx, used),
        unit=unit,
        lang=ctx.lang,
        highlight="",
    )
