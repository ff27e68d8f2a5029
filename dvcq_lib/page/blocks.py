"""Page blocks as data: each block is a pure function of the page context returning a small
view — a title, columns, rows whose cells carry both the raw number and its formatted text,
units, notes and flags. The HTML page (`page.html`), the slide deck (`page.deck`) and the Excel
workbook (`page.workbook`) render the same views.

Figures are printed as they are in the data; a value the suite computed (area × yield, a ratio
recomputed from components) with the catalogue's precision for its unit; a missing figure reads
"không có số liệu". Which indicators a block shows is data: `report_sections.csv`.
"""

from __future__ import annotations

import hashlib
import math
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dvcq_lib import checks, communes, register, trends
from dvcq_lib.catalogue import catalogue
from dvcq_lib.observations import is_synthetic
from dvcq_lib.page import format as fmt
from dvcq_lib.page import narrative
from dvcq_lib.page.context import (
    Context,
    page_rows,
    peer_keys,
    peer_rows,
    peers,
    season_codes,
    short_name,
    vi_sort_key,
    whole_period,
    yield_of_output,
    yield_pairs,
)
from dvcq_lib.page.labels import has, label
from dvcq_lib.page.meta import section
from dvcq_lib.paths import DATA_DIR
from dvcq_lib.periods import Period
from dvcq_lib.remap import remap


# ---------------------------------------------------------------------------------------------
# views
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    """One cell: the text shown and, for a number, the number itself and its decimals."""

    text: str
    value: float | None = None
    decimals: int | None = None
    unit: str = ""
    #: "missing", "computed", "synthetic", "up", "down", "same"
    flags: frozenset[str] = frozenset()
    detail: str = ""  # a second, smaller line (the constituents a value lacks)

    @property
    def is_number(self) -> bool:
        return self.value is not None and not math.isnan(self.value)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = False


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    key: str = ""  # the indicator (or commune) code of the row
    flags: frozenset[str] = frozenset()  # "mine" (the report's commune), "total", "season"


@dataclass(frozen=True)
class Table:
    kind: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()
    empty_text: str = ""  # said instead of the table when it has no rows
    heading: bool = False  # the title is shown above the table

    def index(self, key: str) -> int:
        return [c.key for c in self.columns].index(key)

    def column(self, key: str) -> list[Cell]:
        i = self.index(key)
        return [r.cells[i] for r in self.rows]

    def frame(self) -> pd.DataFrame:
        """The texts, one column per column key (for tests and quick looks)."""
        return pd.DataFrame(
            [[c.text for c in r.cells] for r in self.rows], columns=[c.key for c in self.columns]
        )


@dataclass(frozen=True)
class Source:
    source: str
    synthetic: bool
    first: str
    last: str
    rows: int

    @property
    def span(self) -> str:
        return self.first if self.first == self.last else f"{self.first} … {self.last}"


@dataclass(frozen=True)
class Banner:
    text: str
    periods: str  # "2019-H1 … 2023-H1"
    count: int
    detail: str  # "Số liệu giả lập ở các kỳ: … (n số liệu)"


@dataclass(frozen=True)
class Header:
    title: str
    commune: str
    place: str
    code: str
    system: str
    period: str
    period_label: str
    lineage: str
    banner: Banner | None
    sources: tuple[Source, ...]
    lang: str = "vi"

    @property
    def synthetic(self) -> bool:
        return self.banner is not None


@dataclass(frozen=True)
class Card:
    code: str
    name: str
    value: Cell
    unit: str
    arrow: str
    change: str
    direction: str  # "up", "down", "same", "none"


@dataclass(frozen=True)
class Scorecard:
    title: str
    cards: tuple[Card, ...]
    against: str

    def table(self, lang: str = "vi") -> Table:
        cols = (
            Column("indicator", label("indicator", lang)),
            Column("value", label("value", lang), True),
            Column("unit", label("unit", lang)),
            Column("change", label("diff", lang) + f" ({self.against})"),
        )
        rows = tuple(
            Row(
                (
                    Cell(c.name),
                    c.value,
                    Cell(c.unit),
                    Cell(f"{c.arrow} {c.change}".strip(), flags=frozenset({c.direction})),
                ),
                key=c.code,
            )
            for c in self.cards
        )
        return Table("scorecard", self.title, cols, rows)


@dataclass(frozen=True)
class Narrative:
    title: str
    text: str
    sentences: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (code, sentence)


@dataclass(frozen=True)
class Heading:
    title: str
    intro: str = ""


# ---------------------------------------------------------------------------------------------
# numbers
# ---------------------------------------------------------------------------------------------
def _reported(ctx: Context) -> dict[tuple[str, str], int]:
    """(indicator, period) → position in `ctx.rows` of its whole-period row (once per page)."""
    if "reported" not in ctx.memo:
        rows = whole_period(ctx.rows)
        keys = zip(rows["indicator"].astype(str), rows["period"].astype(str), strict=True)
        positions = [ctx.rows.index.get_loc(i) for i in rows.index]
        ctx.memo["reported"] = {k: p for k, p in zip(keys, positions, strict=True)}
    return ctx.memo["reported"]


def _row_of(ctx: Context, code: str, period: str) -> pd.Series | None:
    pos = _reported(ctx).get((code, period))
    return ctx.rows.iloc[pos] if pos is not None else None


def figure(ctx: Context, code: str, period: Period | str, v: float) -> Cell:
    """A value as printed on a page: exactly as in the data when a report gives it; a value the
    suite computed (a ratio not reported, or recomputed from constituents) with the unit's
    precision."""
    p = Period.parse(period)
    unit = catalogue()[code].unit
    if v is None or math.isnan(v):
        return Cell(label("missing", ctx.lang), None, None, unit, frozenset({"missing"}))
    computed = ctx.is_computed(code, p.code) or (
        (code, p.code) not in _reported(ctx) and catalogue()[code].kind == "ratio"
    )
    if computed:
        d = fmt.decimals_for(unit)
        return Cell(fmt.number(v, d, ctx.lang), float(v), d, unit, frozenset({"computed"}))
    d = fmt.reported_places(v)
    return Cell(fmt.number(v, None, ctx.lang), float(v), d, unit)


def computed_cell(v: float, unit: str, lang: str) -> Cell:
    if v is None or math.isnan(v):
        return Cell(label("missing", lang), None, None, unit, frozenset({"missing"}))
    d = fmt.decimals_for(unit)
    return Cell(fmt.number(v, d, lang), float(v), d, unit, frozenset({"computed"}))


def reported_cell(v: float, unit: str, lang: str) -> Cell:
    if v is None or math.isnan(v):
        return Cell(label("missing", lang), None, None, unit, frozenset({"missing"}))
    return Cell(fmt.number(v, None, lang), float(v), fmt.reported_places(v), unit)


def _signed_cell(v: float, decimals: int | None, lang: str, suffix: str = "") -> Cell:
    if v is None or math.isnan(v):
        return Cell("")
    text = fmt.signed(v, decimals, lang, suffix)
    d = decimals if decimals is not None else min(fmt.reported_places(abs(v)), 2)
    return Cell(text, round(float(v), d), d)


def text_cell(text: str) -> Cell:
    return Cell(str(text))


def page_peers(ctx: Context, scope: str | None = None) -> pd.DataFrame:
    """`context.peers` once per page and scope: a district page's seven league tables, seven
    league charts and small multiples, a page's rank table and league chart share them."""
    key = ("page_peers", scope or ctx.scope)
    if key not in ctx.memo:
        ctx.memo[key] = _shared_peers(ctx, scope)
    return ctx.memo[key]


#: `context.peers` by data state, period and the peers' keys: every commune of a district
#: ranks among the same peers in a period, page after page, report after report. Bounded.
_PEERS: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
PEERS_MAX = 16


def _shared_peers(ctx: Context, scope: str | None) -> pd.DataFrame:
    if ctx.data_key is None:  # data not read from a folder by `context`: nothing to share
        return peers(ctx, scope)
    keys = tuple(sorted(str(k) for k in peer_keys(ctx, scope)))
    key = (*ctx.data_key, ctx.period.code, keys)
    if key in _PEERS:
        _PEERS.move_to_end(key)
        return _PEERS[key]
    frame = _PEERS[key] = peers(ctx, scope)
    while len(_PEERS) > PEERS_MAX:
        _PEERS.popitem(last=False)
    return frame


def page_league(ctx: Context, code: str, scope: str | None = None) -> pd.DataFrame:
    """`trends.league` of the page's peers on one indicator, once per page: a district page's
    league table and league chart of an indicator rank the same peers."""
    key = ("page_league", code, scope or ctx.scope)
    if key not in ctx.memo:
        ascending = catalogue()[code].lower_is_better
        ctx.memo[key] = trends.league(page_peers(ctx, scope), code, ascending=ascending)
    return ctx.memo[key]


def page_totals(ctx: Context, scope: str | None = None) -> pd.Series:
    """`trends.aggregate` of the page's peers, once per page and scope: the total row of each of
    a district page's league tables."""
    key = ("page_totals", scope or ctx.scope)
    if key not in ctx.memo:
        ctx.memo[key] = trends.aggregate(page_peers(ctx, scope))
    return ctx.memo[key]


# ---------------------------------------------------------------------------------------------
# header, sources, banner
# ---------------------------------------------------------------------------------------------
def sources_table(rows: pd.DataFrame) -> pd.DataFrame:
    """source, synthetic, periods (first–last), rows — one line per source."""
    if rows.empty:
        return pd.DataFrame(columns=["source", "synthetic", "first", "last", "rows"])
    periods = rows["period"].astype(str)
    order = {p: Period.parse(p).sort_key for p in periods.unique()}
    code_of = {key: p for p, key in order.items()}
    g = rows.assign(synthetic=is_synthetic(rows), o=periods.map(order))
    out = (
        g.groupby(["source", "synthetic"], observed=True)
        .agg(first=("o", "min"), last=("o", "max"), rows=("value", "size"))
        .reset_index()
    )
    out["first"] = [code_of[tuple(k)] for k in out["first"]]
    out["last"] = [code_of[tuple(k)] for k in out["last"]]
    return out.sort_values(["synthetic", "source"]).reset_index(drop=True)


def sources(ctx: Context, rows: pd.DataFrame | None = None) -> tuple[Source, ...]:
    table = sources_table(page_rows(ctx) if rows is None else rows)
    return tuple(
        Source(str(r.source), bool(r.synthetic), str(r.first), str(r.last), int(r.rows))
        for r in table.itertuples(index=False)
    )


def banner(ctx: Context, rows: pd.DataFrame | None = None) -> Banner | None:
    """The synthetic-data banner when any value on the page is synthetic; None otherwise."""
    rows = page_rows(ctx) if rows is None else rows
    fake = rows[is_synthetic(rows)] if len(rows) else rows
    if fake.empty:
        return None
    periods = sorted(set(fake["period"].astype(str)), key=Period.parse)
    span = periods[0] if len(periods) == 1 else f"{periods[0]} … {periods[-1]}"
    detail = (
        f"{ctx.label('banner_periods')}: {span} "
        f"({fmt.number(len(fake), 0, ctx.lang)} {ctx.label('figures')})"
    )
    return Banner(ctx.label("banner"), span, len(fake), detail)


def page_title(ctx: Context) -> str:
    title = ctx.meta.title(ctx.lang)
    if ctx.notebook == "district":  # the page is about the district (or 2025 province)
        c = ctx.commune
        title = f"{title} {c.district or c.province}"
    return title


def header(ctx: Context) -> Header:
    """Title naming page, commune and period in words; place; sources; synthetic banner."""
    c = ctx.commune
    if ctx.meta.peers:
        rows = page_rows(ctx)
        shown = banner(ctx, rows), sources(ctx, rows)
    else:  # the commune's own rows: the same for every page of the report
        key = ("header", ctx.lang)
        if key not in ctx.shared:
            ctx.shared[key] = banner(ctx, ctx.rows), sources(ctx, ctx.rows)
        shown = ctx.shared[key]
    return Header(
        title=page_title(ctx),
        commune=c.name,
        place=", ".join(x for x in (c.district, c.province) if x),
        code=c.code,
        system=ctx.label(f"system.{c.system}"),
        period=ctx.period.code,
        period_label=ctx.period.label(ctx.lang),
        lineage=ctx.lineage_vi,
        banner=shown[0],
        sources=shown[1],
        lang=ctx.lang,
    )


def heading(ctx: Context, name: str) -> Heading:
    """A section's heading and its one-line introduction, in the page's language."""
    key = f"{ctx.notebook}.{name}"
    if has(f"heading.{key}"):
        title = ctx.label(f"heading.{key}")
    else:
        title = section(ctx.notebook, name).title(ctx.lang)
    intro = ctx.label(f"intro.{key}") if has(f"intro.{key}") else ""
    return Heading(title, intro)


# ---------------------------------------------------------------------------------------------
# indicator tables
# ---------------------------------------------------------------------------------------------
def _notes(ctx: Context, code: str, row: pd.Series | None) -> str:
    notes = []
    if row is not None and not _row_columns(ctx)[3][_reported(ctx)[(code, ctx.period.code)]]:
        note = str(row.get("note") or "")
        if note and note != "<NA>":
            notes.append(note)
        written = str(row.get("unit_written") or "")
        if written and written != "<NA>":
            notes.append(f"{ctx.label('unit_written')}: {written}")
    yields = yield_of_output()
    if code in yields and row is None:
        computed = trends.output_from_yield(ctx.wide, yields[code])
        v = float(computed.get(ctx.period.code, math.nan)) if len(computed) else math.nan
        if not math.isnan(v):
            unit = catalogue()[code].unit
            notes.append(f"{ctx.label('area_x_yield')}: {fmt.computed(v, unit, ctx.lang)} {unit}")
    if ctx.findings is not None and len(ctx.findings) and len(_page_findings(ctx)):
        hit = checks.findings_for(_page_findings(ctx), ctx.commune.code, ctx.period.code, code)
        notes += [
            f"⚠ {ctx.label('severity.' + str(f.severity))}: {f.message_vi}"
            for f in hit.itertuples()
            if f.kind != "missing_indicator"
        ]
    return "; ".join(notes)


def _page_findings(ctx: Context) -> pd.DataFrame:
    """The findings of the page's commune and period, picked once per page (a table's notes
    look up each of its indicators among them)."""
    if "page_findings" not in ctx.memo:
        ctx.memo["page_findings"] = checks.findings_for(
            ctx.findings, ctx.commune.code, ctx.period.code
        )
    return ctx.memo["page_findings"]


def _row_columns(ctx: Context) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray]:
    """indicator, season ("" for none; None without the column), period as text and the
    synthetic mark of `ctx.rows`, as arrays computed once per page."""
    if "row_columns" not in ctx.memo:
        r = ctx.rows
        season = (
            r["season"].fillna("").astype(str).to_numpy(dtype=object)
            if "season" in r.columns
            else None
        )
        ctx.memo["row_columns"] = (
            r["indicator"].astype(str).to_numpy(dtype=object),
            season,
            r["period"].astype(str).to_numpy(dtype=object),
            is_synthetic(r).to_numpy(dtype=bool) if len(r) else np.zeros(0, dtype=bool),
        )
    return ctx.memo["row_columns"]


def rows_of(ctx: Context, codes: Sequence[str], periods: Sequence[str]) -> pd.DataFrame:
    """The commune's rows (`ctx.rows`, in their order) of these indicators in these periods,
    picked with the page's arrays (a chart's rows: its indicator and the components)."""
    indicator, _seasons, period, _fake = _row_columns(ctx)
    wanted, when = set(codes), set(periods)
    mask = np.fromiter(
        (i in wanted and q in when for i, q in zip(indicator, period, strict=True)),
        bool,
        len(indicator),
    )
    return ctx.rows[mask]


def _synthetic_in(ctx: Context, code: str, p: Period, season: str = "") -> bool:
    """Whether the value of `code` in `p` (or, for a year built from halves, in its halves)
    comes from synthetic rows."""
    indicator, seasons, periods, fake = _row_columns(ctx)
    mask = indicator == code
    if seasons is not None:
        mask &= seasons == season
    when = periods == p.code
    if not p.is_half:
        year = f"{p.year}-"
        when |= np.fromiter((x.startswith(year) for x in periods), bool, len(periods))
    return bool(fake[mask & when].any())


def _change_cells(ctx: Context, code: str, same: trends.Change, prev) -> tuple[Cell, Cell, Cell]:
    ind = catalogue()[code]
    percent = ind.unit == "%"
    lang = ctx.lang
    diff = _signed_cell(
        same.absolute, 1 if percent else None, lang, f" {ctx.label('points')}" if percent else ""
    )
    pct = Cell("") if percent else _signed_cell(same.percent, 1, lang, " %")
    if percent or prev is None or not ind.compare_previous:
        prev_pct = Cell("")
    else:
        prev_pct = _signed_cell(prev.percent, 1, lang, " %")
    return diff, pct, prev_pct


def _season_rows(ctx: Context, code: str) -> list[tuple[str, list[Cell]]]:
    """One row per season of `code` in the period when the data gives season figures."""
    indicator, seasons, _periods, _fake = _row_columns(ctx)
    if seasons is None or not any(seasons):
        return []  # no season figures on this page (`season_codes` would find none)
    rows = ctx.rows[indicator == code]
    out = []
    for s in season_codes(rows):
        from dvcq_lib.seasons import season_name

        mine = rows[rows["season"].fillna("").astype(str) == s]
        by_period = {str(p): float(v) for p, v in zip(mine["period"], mine["value"], strict=True)}
        p = ctx.period
        v = by_period.get(p.code, math.nan)
        base_p = p.same_period_last_year()
        base = by_period.get(base_p.code, math.nan)
        if math.isnan(v) and math.isnan(base):
            continue
        same = trends.Change(code, p.code, base_p.code, v, base)
        diff, pct, _prev = _change_cells(ctx, code, same, None)
        source = ctx.label("fake") if _synthetic_in(ctx, code, p, s) else ctx.label("from_report")
        ind = catalogue()[code]
        cells = [
            Cell(f"{ind.name(ctx.lang)} — {season_name(s, ctx.lang)}"),
            Cell(ind.unit),
            reported_cell(v, ind.unit, ctx.lang),
            reported_cell(base, ind.unit, ctx.lang),
            diff,
            pct,
            Cell(""),
            Cell(source if not math.isnan(v) else ""),
            Cell(""),
        ]
        out.append((s, cells))
    return out


def indicator_table(ctx: Context, codes: Sequence[str] | str) -> Table:
    """A table of indicators for the period, beside the same period last year; ratios not
    reported but computable are computed and marked so. `codes` may be a section name of this
    notebook (see report_sections.csv). With season figures in the data, one row per
    (indicator, season) follows the indicator's whole-period row."""
    title = ""
    if isinstance(codes, str):
        sec = section(ctx.notebook, codes)
        codes, title = sec.indicators, sec.title(ctx.lang)
    p, lang = ctx.period, ctx.lang
    body: list[Row] = []
    for code in codes:
        ind = catalogue()[code]
        row = _row_of(ctx, code, p.code)
        reported = trends.value(ctx.wide, code, p.code)
        v = trends.value(ctx.full, code, p.code)
        same = trends.change(ctx.full, code, p)
        prev = trends.change(ctx.full, code, p, "previous") if p.is_half else None
        if math.isnan(v):
            value, source = figure(ctx, code, p, v), ""
        elif math.isnan(reported):
            value, source = computed_cell(v, ind.unit, lang), ctx.label("computed")
        else:
            value = figure(ctx, code, p, v)
            if _synthetic_in(ctx, code, p):
                source = ctx.label("fake")
            elif row is not None:
                source = ctx.label("from_report")
            elif _season_rows(ctx, code):
                source = ctx.label("from_seasons")
            else:
                source = ctx.label("from_halves")
        base = (
            figure(ctx, code, Period.parse(same.base_period), same.base)
            if not math.isnan(same.base)
            else figure(ctx, code, p, math.nan)
        )
        diff, pct, prev_pct = _change_cells(ctx, code, same, prev)
        cells = (
            Cell(ind.name(lang)),
            Cell(ind.unit),
            value,
            base,
            diff,
            pct,
            prev_pct,
            Cell(source),
            Cell(_notes(ctx, code, row)),
        )
        body.append(Row(cells, key=code))
        for _s, season_cells in _season_rows(ctx, code):
            body.append(Row(tuple(season_cells), key=code, flags=frozenset({"season"})))
    columns = [
        Column("indicator", ctx.label("indicator")),
        Column("unit", ctx.label("unit")),
        Column("value", p.label(lang), True),
        Column("base", ctx.label("same"), True),
        Column("diff", ctx.label("diff"), True),
        Column("pct", ctx.label("pct"), True),
        Column("prev_pct", ctx.label("prev_pct"), True),
        Column("source", ctx.label("source")),
        Column("note", ctx.label("note")),
    ]
    # "% so với kỳ trước" only where a half-on-half change means something (compare_previous)
    keep_prev = p.is_half and any(catalogue()[c].compare_previous for c in codes)
    table = Table("indicators", title, tuple(columns), tuple(body))
    return table if keep_prev else drop_column(table, "prev_pct")


def drop_column(table: Table, key: str) -> Table:
    i = table.index(key)
    return Table(
        table.kind,
        table.title,
        table.columns[:i] + table.columns[i + 1 :],
        tuple(Row(r.cells[:i] + r.cells[i + 1 :], r.key, r.flags) for r in table.rows),
        table.notes,
        table.empty_text,
        table.heading,
    )


def computed_outputs(ctx: Context, yields: Sequence[str] | None = None) -> Table:
    """Reported output beside area × yield, per crop of the page's crops section that has a
    yield (pairs read from the catalogue's formulas), and the grain total beside the sum of the
    grains."""
    lang, p = ctx.lang, ctx.period.code
    pairs = yield_pairs()
    if yields is None:
        crops = section(ctx.notebook or "agriculture", "crops").indicators
        yields = [c for c in crops if c in pairs]
    grains = set(catalogue()["grain_output"].components) if "grain_output" in catalogue() else set()
    body = []
    total_computed, any_grain = 0.0, False
    for yield_code in yields:
        output, area = pairs[yield_code]
        computed = (
            float(trends.output_from_yield(ctx.wide, yield_code).get(p, math.nan))
            if p in ctx.wide.index
            else math.nan
        )
        reported = trends.value(ctx.wide, output, p)
        in_grain = output in grains or (not grains and yield_code != "peanut_yield")
        if in_grain and not math.isnan(computed):
            total_computed += computed
            any_grain = True
        gap = (
            (reported - computed) / computed * 100
            if computed and not (math.isnan(reported) or math.isnan(computed))
            else math.nan
        )
        unit = catalogue()[output].unit
        body.append(
            Row(
                (
                    Cell(ctx.name(output)),
                    figure(ctx, area, p, trends.value(ctx.wide, area, p)),
                    figure(ctx, yield_code, p, trends.value(ctx.wide, yield_code, p)),
                    figure(ctx, output, p, reported),
                    computed_cell(computed, unit, lang),
                    _signed_cell(gap, 1, lang, " %"),
                ),
                key=output,
            )
        )
    grain = trends.value(ctx.wide, "grain_output", p)
    gap = (
        (grain - total_computed) / total_computed * 100
        if any_grain and total_computed and not math.isnan(grain)
        else math.nan
    )
    body.append(
        Row(
            (
                Cell(ctx.name("grain_output")),
                Cell(""),
                Cell(""),
                figure(ctx, "grain_output", p, grain),
                computed_cell(total_computed if any_grain else math.nan, "tấn", lang),
                _signed_cell(gap, 1, lang, " %"),
            ),
            key="grain_output",
            flags=frozenset({"total"}),
        )
    )
    area_unit = catalogue()[pairs[yields[0]][1]].unit if yields else "ha"
    yield_unit = catalogue()[yields[0]].unit if yields else "tạ/ha"
    columns = (
        Column("indicator", ctx.label("indicator")),
        Column("area", f"{ctx.label('area')} ({area_unit})", True),
        Column("yield", f"{ctx.label('yield')} ({yield_unit})", True),
        Column("reported", f"{ctx.label('reported')} (tấn)", True),
        Column("computed", f"{ctx.label('area_x_yield')} (tấn)", True),
        Column("gap", ctx.label("gap"), True),
    )
    return Table("computed_outputs", ctx.label("area_x_yield"), columns, tuple(body))


def profile(ctx: Context) -> Table:
    """The commune's profile: area, villages, households, population, ethnic minority share."""
    lang = ctx.lang
    body = []
    for code in section("overview", "profile").indicators:
        ind = catalogue()[code]
        # Profile figures are stocks: the latest value known up to the period.
        col = ctx.wide[code].dropna() if code in ctx.wide else pd.Series(dtype="float64")
        if len(col):
            v, when = float(col.iloc[-1]), str(col.index[-1])
            cell = figure(ctx, code, when, v)
            text = f"{cell.text} {ind.unit}"
            if when != ctx.period.code:
                text += f" ({Period.parse(when).label(lang)})"
            cell = Cell(text, cell.value, cell.decimals, ind.unit, cell.flags)
        else:
            cell = figure(ctx, code, ctx.period, math.nan)
        body.append(Row((Cell(ind.name(lang)), cell), key=code))
    columns = (
        Column("indicator", ctx.label("indicator")),
        Column("value", ctx.label("value"), True),
    )
    return Table("profile", section("overview", "profile").title(lang), columns, tuple(body))


def scorecard(ctx: Context, codes: Sequence[str] | None = None) -> Scorecard:
    """Cards: name, value with unit, ▲/▼ and the change against the same period last year."""
    codes = codes or section("overview", "scorecard").indicators
    lang = ctx.lang
    cards = []
    for code in codes:
        ind = catalogue()[code]
        ch = trends.change(ctx.full, code, ctx.period)
        value = figure(ctx, code, ctx.period, ch.value)
        if not ch.comparable:
            arrow, text, direction = "–", ctx.label("no_base"), "none"
        elif ch.direction == 0:
            arrow, text, direction = "■", ctx.label("unchanged"), "same"
        else:
            up = ch.direction > 0
            arrow, direction = ("▲", "up") if up else ("▼", "down")
            text = (
                fmt.signed(ch.absolute, 1, lang, f" {ctx.label('points')}")
                if ind.unit == "%"
                else fmt.signed(ch.percent, 1, lang, " %")
            )
        cards.append(Card(code, ind.name(lang), value, ind.unit, arrow, text, direction))
    return Scorecard(
        section("overview", "scorecard").title(lang), tuple(cards), ctx.label("same").lower()
    )


def structure(ctx: Context) -> Table:
    """Production value by crops / livestock / forestry and their shares."""
    lang, p = ctx.lang, ctx.period
    t = trends.shares(ctx.wide, p)
    body = [
        Row(
            (
                Cell(ctx.name(r.indicator)),
                figure(ctx, r.indicator, p, r.value),
                Cell(fmt.percent(r.share, 1, lang), r.share, 1, "%"),
            ),
            key=r.indicator,
        )
        for r in t.itertuples()
    ]
    total = float(t["value"].sum(min_count=1))
    hundred = 100.0 if not math.isnan(total) else math.nan
    body.append(
        Row(
            (
                Cell(ctx.label("total")),
                reported_cell(total, "tỷ đồng", lang),
                Cell(fmt.percent(hundred, 1, lang), hundred, 1, "%"),
            ),
            key="total",
            flags=frozenset({"total"}),
        )
    )
    columns = (
        Column("indicator", ctx.label("indicator")),
        Column("value", f"{ctx.label('value')} (tỷ đồng)", True),
        Column("share", ctx.label("share"), True),
    )
    return Table("structure", section("agriculture", "value").title(lang), columns, tuple(body))


def rank_table(
    ctx: Context, codes: Sequence[str] | str = "rank", scope: str | None = None
) -> Table:
    """The commune's rank among its peers on totals and per 1.000 people."""
    title = ""
    if isinstance(codes, str):
        sec = section(ctx.notebook, codes)
        codes, title = sec.indicators, sec.title(ctx.lang)
    lang = ctx.lang
    cross = page_peers(ctx, scope)
    body = []
    for code in codes:
        ind = catalogue()[code]
        asc = ind.lower_is_better
        pers = [None] if ind.unit == "%" else [None, "per_1000_people"]
        for per in pers:
            r = trends.rank(cross, code, ctx.commune.code, per, ascending=asc)
            name = ind.name(lang) + (
                "" if per is None else f" ({trends.RATES[per][2 if lang == 'vi' else 3]})"
            )
            value = (
                figure(ctx, code, ctx.period, r.value)
                if per is None
                else computed_cell(r.value, "", lang)
            )
            rank = (
                Cell(ctx.label("missing"), flags=frozenset({"missing"}))
                if math.isnan(r.rank)
                else Cell(f"{int(r.rank)}{ctx.label('of')}{r.peers}", float(r.rank), 0)
            )
            pct = (
                Cell("")
                if math.isnan(r.percentile)
                else Cell(fmt.number(r.percentile, 0, lang), float(r.percentile), 0)
            )
            order = ctx.label("lowest") if asc else ctx.label("highest")
            body.append(Row((Cell(name), value, rank, pct, Cell(order)), key=code))
    scope_word = ctx.label("peers_" + (scope or ctx.scope))
    columns = (
        Column("indicator", ctx.label("indicator")),
        Column("value", ctx.label("value"), True),
        Column("rank", f"{ctx.label('rank')} ({scope_word})", True),
        Column("percentile", ctx.label("percentile"), True),
        Column("order", ""),
    )
    return Table("rank", title, columns, tuple(body))


def league_table(ctx: Context, code: str, scope: str | None = None) -> Table:
    """All peers on one indicator, ranked, the commune highlighted, the total recomputed."""
    lang = ctx.lang
    ind = catalogue()[code]
    cross = page_peers(ctx, scope)
    t = page_league(ctx, code, scope)
    body = []
    for r in t.itertuples(index=False):
        flags = frozenset({"mine"}) if r.commune_code == ctx.commune.code else frozenset()
        rank = Cell("") if math.isnan(r.rank) else Cell(str(int(r.rank)), float(r.rank), 0)
        value = reported_cell(r.value, ind.unit, lang)
        if ind.kind == "ratio" and value.is_number and fmt.reported_places(r.value) > 2:
            value = computed_cell(r.value, ind.unit, lang)  # recomputed from components
        body.append(
            Row(
                (rank, Cell(short_name(r.commune_code, ctx.commune.system)), value),
                key=str(r.commune_code),
                flags=flags,
            )
        )
    if ind.aggregation != "none":
        total = page_totals(ctx, scope).get(code, math.nan) if len(cross) else math.nan
        cell = (
            reported_cell(total, ind.unit, lang)
            if ind.aggregation == "sum"
            else computed_cell(total, ind.unit, lang)
        )
        body.append(
            Row((Cell(""), Cell(ctx.label("total")), cell), key="total", flags=frozenset({"total"}))
        )
    columns = (
        Column("rank", ctx.label("rank"), True),
        Column("commune", ctx.label("commune")),
        Column("value", f"{ind.name(lang)} ({ind.unit})", True),
    )
    return Table("league", f"{ind.name(lang)} ({ind.unit})", columns, tuple(body))


def league_tables(ctx: Context, codes: str = "league") -> list[Table]:
    return [league_table(ctx, c) for c in section(ctx.notebook, codes).indicators]


#: The district's rows of a period remapped on the 2025 communes, by a digest of those rows:
#: every commune of the district shows the same table, remapped once per kernel.
_REMAPPED: dict[tuple[str, str], pd.DataFrame] = {}


def _district_on_2025_map(ctx: Context) -> pd.DataFrame:
    rows = whole_period(peer_rows(ctx, "district"))
    digest = pd.util.hash_pandas_object(rows.astype(str), index=False).to_numpy().tobytes()
    key = (ctx.period.code, hashlib.sha1(digest).hexdigest())
    if key not in _REMAPPED:
        if len(_REMAPPED) > 64:
            _REMAPPED.clear()
        _REMAPPED[key] = remap(rows, to=register.NEW)
    return _REMAPPED[key]


def merged_units_table(ctx: Context, codes: str = "league") -> Table | None:
    """The district's communes of a period before 1 July 2025 redrawn on the 2025 communes they
    became (`remap`): flows and stocks summed, ratios recomputed; a value with a constituent
    missing reads "không đủ số liệu" and names it. None for a 2025 commune's page."""
    if ctx.commune.system != register.LEGACY:
        return None
    lang = ctx.lang
    indicators = section(ctx.notebook, codes).indicators
    new = _district_on_2025_map(ctx)
    if new.empty:
        return None
    mine = {k.code for k in communes.successors(ctx.commune.key)}
    units = sorted(
        set(new["commune_code"].astype(str)),
        key=lambda c: vi_sort_key(short_name(c, register.NEW)),
    )
    body = []
    for code in units:
        sel = new[new["commune_code"].astype(str) == code]
        rows = sel.set_index(sel["indicator"].astype(str))
        cells = [Cell(short_name(code, register.NEW))]
        for ind in indicators:
            unit = catalogue()[ind].unit
            r = rows.loc[ind] if ind in rows.index else None
            if r is None:
                cells.append(Cell(ctx.label("missing"), flags=frozenset({"missing"})))
            elif r["status"] == "incomplete":
                cells.append(
                    Cell(
                        ctx.label("incomplete"),
                        flags=frozenset({"missing"}),
                        detail=str(r["missing_constituents"] or ""),
                    )
                )
            elif catalogue()[ind].kind == "ratio":  # recomputed, not reported
                cells.append(computed_cell(float(r["value"]), unit, lang))
            else:
                cells.append(reported_cell(float(r["value"]), unit, lang))
        flags = frozenset({"mine"}) if code in mine else frozenset()
        body.append(Row(tuple(cells), key=code, flags=flags))
    columns = (Column("commune", ctx.label("new_commune")),) + tuple(
        Column(c, f"{ctx.name(c)} ({catalogue()[c].unit})", True) for c in indicators
    )
    return Table("merged", ctx.label("merged_units"), columns, tuple(body), heading=True)


# ---------------------------------------------------------------------------------------------
# narrative, targets
# ---------------------------------------------------------------------------------------------
def narrative_view(ctx: Context, codes: Sequence[str] | None = None) -> Narrative:
    """The generated narrative (a sentence per indicator with a value), to copy from."""
    codes = codes or section("overview", "narrative").indicators
    sentences = tuple(
        (c, s)
        for c in codes
        if (s := narrative.sentence(ctx.full, c, ctx.period, lang=ctx.lang, computed=ctx.computed))
    )
    text = " ".join(s for _, s in sentences) or ctx.label("missing")
    return Narrative(ctx.label("narrative"), text, sentences)


def targets(ctx: Context) -> Table | None:
    """ "Đạt x % kế hoạch" for the indicators a targets file gives (data/targets/*.csv:
    commune_code, period, indicator, target); None when there is no targets folder."""
    folder = (ctx.data_dir or DATA_DIR) / "targets"
    if not folder.is_dir():
        return None
    t = trends.attainment(ctx.full, trends.read_targets(folder), ctx.commune.code, ctx.period)
    if t.empty:
        return None
    lang = ctx.lang
    body = [
        Row(
            (
                Cell(ctx.name(r.indicator)),
                figure(ctx, r.indicator, ctx.period, r.value),
                reported_cell(r.target, catalogue()[r.indicator].unit, lang),
                Cell(fmt.percent(r.percent, 1, lang), r.percent, 1, "%"),
            ),
            key=r.indicator,
        )
        for r in t.itertuples()
    ]
    columns = (
        Column("indicator", ctx.label("indicator")),
        Column("value", ctx.label("value"), True),
        Column("target", ctx.label("target"), True),
        Column("attained", ctx.label("attained"), True),
    )
    return Table("targets", ctx.label("target"), columns, tuple(body))


# ---------------------------------------------------------------------------------------------
# data-quality findings
# ---------------------------------------------------------------------------------------------
def findings(ctx: Context, domains: Sequence[str] | str | None = None) -> Table:
    """The data-quality findings of the commune and period (`dvcq_lib.checks`), most serious
    first; `domains` keeps those about indicators of these domains (default: the page's)."""
    if isinstance(domains, str):
        domains = (domains,)
    if domains is None:
        domains = ctx.meta.domains
    f = (
        checks.findings_for(ctx.findings, ctx.commune.code, ctx.period.code)
        if ctx.findings is not None
        else pd.DataFrame()
    )
    if domains and len(f):
        f = f[
            [
                bool(i) and catalogue()[i].domain in domains if i in catalogue() else False
                for i in f["indicator"].astype(str)
            ]
        ]
    body = tuple(
        Row(
            (
                Cell(ctx.label(f"severity.{r.severity}")),
                Cell(ctx.name(r.indicator) if r.indicator in catalogue() else ""),
                Cell(ctx.label(f"kind.{r.kind}") if has(f"kind.{r.kind}") else str(r.kind)),
                Cell(str(r.message_vi)),
            ),
            key=str(r.indicator),
            flags=frozenset({str(r.severity)}),
        )
        for r in f.itertuples()
    )
    columns = (
        Column("severity", ctx.label("severity")),
        Column("indicator", ctx.label("indicator")),
        Column("check", ctx.label("check")),
        Column("message", ctx.label("message")),
    )
    return Table(
        "findings",
        ctx.label("findings"),
        columns,
        body,
        empty_text=ctx.label("no_findings"),
        heading=True,
    )


def findings_counts(ctx: Context) -> Table:
    """How many findings each commune of the page's peers has in the period, by severity."""
    codes = sorted(set(peer_rows(ctx)["commune_code"].astype(str)))  # peers with data
    f = ctx.findings if ctx.findings is not None else pd.DataFrame()
    summary = (
        checks.findings_summary(
            f[
                (f["period"].astype(str) == ctx.period.code)
                & f["commune_code"].astype(str).isin(codes)
            ]
        )
        if len(f)
        else pd.DataFrame(columns=["commune_code", "error", "warning", "info"])
    )
    counts = summary.set_index("commune_code") if len(summary) else summary
    system = ctx.commune.system
    body = []
    for code in sorted(codes, key=lambda c: vi_sort_key(short_name(c, system))):
        row = counts.loc[code] if code in getattr(counts, "index", []) else None
        cells = [Cell(short_name(code, system))]
        for s in ("error", "warning", "info"):
            n = int(row[s]) if row is not None else 0
            cells.append(Cell(str(n), float(n), 0))
        flags = frozenset({"mine"}) if code == ctx.commune.code else frozenset()
        body.append(Row(tuple(cells), key=code, flags=flags))
    columns = (Column("commune", ctx.label("commune")),) + tuple(
        Column(s, ctx.label(f"severity.{s}"), True) for s in ("error", "warning", "info")
    )
    return Table("findings_counts", ctx.label("findings"), columns, tuple(body), heading=True)
