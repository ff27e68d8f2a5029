"""Khám phá số liệu trong notebook (exploring in a notebook): a few functions for an analyst's
own questions in JupyterLab, on top of `load`, `series_for` and the trends, checks and charts
of the suite.

- `series(commune, indicator)`: one commune's figures over the periods. A 2025 commune gets a
  continuous series: before 1 July 2025 its constituents re-aggregated (see `series_for`).
- `compare(indicator, period, ...)`: communes ranked on an indicator in one period (a list, a
  district, the communes merged into a 2025 commune), optionally per 1.000 people or per ha.
- `coverage(...)`: which commune × period has data, real or synthetic.
- `findings(...)` and `evidence(finding)`: the data-quality findings of a selection and the
  figures (with their quotes) one finding is about.
- `chart(frame)`: a matplotlib Figure in the suite's style (Vietnamese numbers, title, source
  note, the synthetic label) for any frame above.
- `table(frame)`: the frame as JupyterLab shows it best — Vietnamese column labels and numbers
  written the Vietnamese way (1.028; 2.706,5) — while its values stay as they are.

Frames carry what a chart needs in `attrs` (kind, commune, period…). The words of charts and
tables come from `data/catalogue/explore_labels.csv` and the catalogues.

>>> s = series("Bố Hạ", "rice_yield", half=1)
>>> s["period"].astype(str).tolist()[-3:]
['2024-H1', '2025-H1', '2026-H1']
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from dvcq_lib import communes as communes_
from dvcq_lib import datasets, register
from dvcq_lib.catalogue import catalogue
from dvcq_lib.exceptions import AmbiguousCommuneError, CommuneNotFoundError, ExploreError
from dvcq_lib.numbers import format_number
from dvcq_lib.observations import commune_keys, is_synthetic, load, read_observations
from dvcq_lib.paths import CATALOGUE_FILES
from dvcq_lib.periods import Period, period_dtype, period_range
from dvcq_lib.register import CommuneKey
from dvcq_lib.remap import REPORTED, STATUS_LABELS_VI, series_for

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from pandas.io.formats.style import Styler

LABELS_FILE = CATALOGUE_FILES["explore_labels"]
#: Colours of the coverage cells: the Okabe–Ito blue (real), orange (synthetic), green (both).
COVERAGE_COLOURS = {"real": 0, "synthetic": 1, "mixed": 2}
#: Bar labels keep this many decimals when the values are not whole numbers: a yield of
#: 52,923135 tạ/ha reads 52,9 on a chart (the table keeps every digit).
CHART_DECIMALS = 1

DataDir = Path | str | None


# ---------------------------------------------------------------------------------------------
# words
# ---------------------------------------------------------------------------------------------
@cache
def _labels() -> dict[tuple[str, str], tuple[str, str]]:
    df = datasets.read("explore_labels", LABELS_FILE)
    return {(r.kind, r.code): (r.vi, r.en) for r in df.itertuples(index=False)}


def label(kind: str, code: str, lang: str = "vi") -> str:
    """The word for a column, a coverage code or a chart text; the code itself if none.

    >>> label("column", "period"), label("coverage", "synthetic")
    ('Kỳ báo cáo', 'giả lập')
    """
    vi, en = _labels().get((kind, str(code)), (str(code), str(code)))
    return en if lang == "en" else vi


def _codes(indicator: str | Iterable[str]) -> list[str]:
    codes = [indicator] if isinstance(indicator, str) else list(indicator)
    for c in codes:
        catalogue()[c]  # an unknown code raises CatalogueError naming it
    return codes


# ---------------------------------------------------------------------------------------------
# which commune
# ---------------------------------------------------------------------------------------------
def _resolve(
    commune: object,
    df: pd.DataFrame,
    district: str | None,
    province: str | None,
    at: object = None,
) -> register.Commune:
    """The commune a name or code means in the data (`communes.resolve`): a 2025 unit when the
    data have one (its series goes back through its constituents), else the legacy one; `at` a
    period: the unit of that period's register."""
    return communes_.resolve(
        commune,
        district=district,
        province=province,
        system=register.system_for(at) if at is not None else None,
        data=df,
        prefer=register.NEW,
    )


def _half(half: object) -> int | None:
    if half is None:
        return None
    text = str(half).strip().upper().removeprefix("H")
    if text not in ("1", "2"):
        raise ExploreError("half", half, "1 (6 tháng đầu năm) hoặc 2 (6 tháng cuối năm)")
    return int(text)


# ---------------------------------------------------------------------------------------------
# frames
# ---------------------------------------------------------------------------------------------
def series(
    commune: object,
    indicator: str | Iterable[str],
    *,
    half: int | str | None = None,
    at: object = None,
    district: str | None = None,
    province: str | None = None,
    data_dir: DataDir = None,
) -> pd.DataFrame:
    """Một xã qua các kỳ (one commune over the periods).

    A 2025 commune (from 1 July 2025) gets a continuous series: before the reform, the figures
    of the communes it was formed from, re-aggregated (`status` says how: reported, remapped,
    estimated, incomplete). A legacy commune gets its own figures.

    Args:
        commune: name ("Bố Hạ", "Đông Sơn") or code ("07294"); a name that is a legacy and a
            2025 unit means the 2025 one (its series includes the legacy one).
        indicator: a catalogue code or a list of them.
        half: 1 or "H1" (every first half-year: the same half across years), 2, or None (all).
        at: a period: the commune as it was then — "07282" at "2023-H1" is the legacy Xã Đồng
            Kỳ, not the 2025 commune of the same code (a finding's commune and period).
        district, province: narrow an ambiguous name.
        data_dir: folder holding `observations/` (default: the bundled data).

    Returns:
        commune_code, commune, period (ordered), indicator, value, unit, status, synthetic,
        source, constituents — by indicator (in the order asked), then period. `attrs`: kind
        "series", commune, commune_name, system, lineage_vi.

    Raises:
        CommuneNotFoundError / AmbiguousCommuneError: the commune; CatalogueError: a code.

    >>> s = series("Đông Sơn", "rice_area", district="Yên Thế")
    >>> s.attrs["commune_name"], len(s), s["synthetic"].sum()
    ('Xã Đông Sơn', 13, np.int64(12))
    >>> s[s["period"] == "2024-H1"][["value", "source"]].values.tolist()
    [[219.5, 'data/raw/dong-son_2024-H1.txt']]
    """
    codes = _codes(indicator)
    h = _half(half)
    df = read_observations(data_dir)
    target = _resolve(commune, df, district, province, at)
    lineage_vi = ""
    if communes_.formed_from(target.key):
        rows = series_for(target, df, codes)
        if not rows["after_reform"].all():
            lineage_vi = rows.attrs.get("lineage_vi", "")
    else:
        keep = (commune_keys(df) == str(target.key)) & df["indicator"].astype(str).isin(codes)
        rows = df[keep].assign(status=REPORTED, constituents="")
    out = pd.DataFrame(
        {
            "commune_code": target.code,
            "commune": target.name,
            "period": rows["period"].astype(str),
            "indicator": rows["indicator"].astype(str),
            "value": rows["value"].astype("float64"),
            "unit": rows["unit"].astype(str),
            "status": rows["status"].astype(str),
            "synthetic": is_synthetic(rows).astype(bool),
            "source": rows["source"].astype(str),
            "constituents": rows["constituents"].astype(str),
        }
    )
    if h is not None:
        out = out[out["period"].map(lambda p: Period.parse(p).half == h)]
    out["period"] = pd.Categorical(out["period"], dtype=period_dtype(out["period"].unique()))
    order = out["indicator"].map({c: i for i, c in enumerate(codes)})
    out = out.assign(_order=order).sort_values(["_order", "period"], kind="stable")
    out = out.drop(columns="_order").reset_index(drop=True)
    out.attrs.update(
        kind="series",
        commune=target.code,
        commune_name=target.name,
        system=target.system,
        lineage_vi=lineage_vi,
    )
    return out


def compare(
    indicator: str | Iterable[str],
    period: object,
    communes: Iterable[object] | None = None,
    *,
    district: str | None = None,
    province: str | None = None,
    merged_into: object = None,
    per: str | None = None,
    data_dir: DataDir = None,
) -> pd.DataFrame:
    """So sánh các xã (communes ranked on an indicator in one period).

    Args:
        indicator: a catalogue code or a list of them (one ranking each: small multiples).
        period: "2024-H1", "6 tháng đầu năm 2024" or a Period.
        communes: names or codes; default every commune of `district` / `province`, or of the
            data.
        merged_into: a 2025 commune: compare the legacy communes it was formed from (the period
            must be before 1 July 2025).
        per: None, "per_1000_people" or "per_ha" (the rates of `trends.RATES`).
        data_dir: folder holding `observations/`.

    Returns:
        commune_code, commune, indicator, value, unit, rank (1 = largest; ties share it),
        percentile, peers, synthetic, source — by indicator, then rank; communes without the figure
        last. `attrs`: kind "compare", period, indicators, per, scope.

    Raises:
        ExploreError: `per` unknown, `merged_into` with a period after the reform.

    >>> c = compare("rice_yield", "2024-H1", merged_into="Bố Hạ")
    >>> c[["commune", "value", "rank"]].values.tolist()
    [['Hương Vĩ', 58.4, 1.0], ['Đông Sơn', 58.0, 2.0], ['Bố Hạ', 22.0, 3.0]]
    """
    from dvcq_lib import trends

    codes = _codes(indicator)
    p = Period.parse(period)
    if per is not None and per not in trends.RATES:
        raise ExploreError("per", per, "None, " + ", ".join(trends.RATES))
    scope = ", ".join(str(x) for x in (district, province) if x)
    if merged_into is not None:
        if p.after_reform:
            raise ExploreError(
                "period", p.code, "một kỳ trước 01/7/2025 (các xã hợp thành chỉ có đến 2025-H1)"
            )
        new = communes_.resolve(merged_into, system=register.NEW, province=province)
        communes = [k.code for k in communes_.constituents(new.key)]
        scope = f"{label('column', 'constituents')}: {new.name}"
        district = province = None
    rows = load(
        commune=list(communes) if communes is not None else None,
        period=p,
        district=district,
        province=province,
        data_dir=data_dir,
    )
    cross = trends.cross_section(rows, p)
    names = {c: _short_name(c, p) for c in cross.index}
    unit_per = f" {trends.RATES[per][2]}" if per else ""
    frames = []
    for code in codes:
        table = trends.league(cross, code, per)
        used = (code, trends.RATES[per][0]) if per else (code,)
        fake = rows[rows["indicator"].astype(str).isin(used) & is_synthetic(rows)]
        table.insert(1, "commune", table["commune_code"].map(names))
        table.insert(2, "indicator", code)
        table.insert(4, "unit", catalogue()[code].unit + unit_per)
        table["synthetic"] = table["commune_code"].isin(set(fake["commune_code"].astype(str)))
        table["source"] = table["commune_code"].map(_sources_by_commune(rows, used))
        frames.append(table)
    out = pd.concat(frames, ignore_index=True)
    out.attrs.update(kind="compare", period=p.code, indicators=codes, per=per, scope=scope)
    return out


def _sources_by_commune(rows: pd.DataFrame, codes: tuple[str, ...]) -> dict[str, str]:
    used = rows[rows["indicator"].astype(str).isin(codes)]
    return {
        str(c): "; ".join(dict.fromkeys(g.astype(str)))
        for c, g in used.groupby("commune_code", observed=True)["source"]
    }


def _short_name(code: str, period: Period) -> str:
    try:
        return register.get(code, period=period).short_name
    except (CommuneNotFoundError, AmbiguousCommuneError):
        return code


def coverage(
    commune: object = None,
    period: object = None,
    *,
    district: str | None = None,
    province: str | None = None,
    domain: str | None = None,
    data_dir: DataDir = None,
) -> pd.DataFrame:
    """Số liệu có ở đâu (which commune × period has data, real or synthetic).

    Args: as for `load` (commune, period, domain, district, province, data_dir).

    Returns:
        One row per commune (index commune_code, commune — a legacy unit and a 2025 unit of the
        same code are two rows), one column per period in calendar order; each cell "real",
        "synthetic", "mixed" (both) or "none". `attrs`: kind "coverage", real and synthetic
        (numbers of figures).

    >>> cov = coverage(period=["2024-H1", "2026-H1"])
    >>> cov.loc[("07273", "Xã Đông Sơn")].tolist()
    ['real', 'none']
    >>> cov.loc[("07294", "Xã Bố Hạ")].tolist()
    ['none', 'synthetic']
    """
    rows = load(
        commune=commune,
        period=period,
        domain=domain,
        district=district,
        province=province,
        data_dir=data_dir,
    )
    fake = is_synthetic(rows)
    marks = (
        rows.assign(_key=commune_keys(rows), _fake=fake, period=rows["period"].astype(str))
        .groupby(["_key", "period"])["_fake"]
        .agg(["any", "all"])
    )
    cell = pd.Series("mixed", index=marks.index)
    cell[marks["all"]] = "synthetic"
    cell[~marks["any"]] = "real"
    grid = cell.unstack("period")
    periods = sorted(grid.columns, key=Period.parse)
    keys = sorted(grid.index, key=lambda k: (CommuneKey.parse(k).system != register.LEGACY, k))
    grid = grid.reindex(index=keys, columns=periods).fillna("none")
    communes = [communes_.get(k) for k in grid.index]
    grid.index = pd.MultiIndex.from_tuples(
        [(c.code, c.name) for c in communes], names=["commune_code", "commune"]
    )
    grid.columns = pd.Index(periods, name="period")
    grid.attrs.update(kind="coverage", real=int((~fake).sum()), synthetic=int(fake.sum()))
    return grid


def findings(
    commune: object = None,
    period: object = None,
    *,
    district: str | None = None,
    province: str | None = None,
    indicator: str | None = None,
    kind: str | None = None,
    data_dir: DataDir = None,
) -> pd.DataFrame:
    """Kết quả kiểm tra số liệu (the data-quality findings of a selection).

    The checks run once on every observation of the data folder — outliers need a commune's
    history and its peers — and the findings of the selection are returned.

    Args:
        commune, period, district, province: the selection (as for `load`).
        indicator: only findings that involve this code.
        kind: rule, unit, outlier_time, outlier_peer, missing_indicator or unreported.

    Returns:
        The findings frame (`dvcq_lib.checks.findings.COLUMNS`) with a `commune` name after the
        code, most serious first.

    >>> f = findings("Đông Sơn", "2024-H1", district="Yên Thế", kind="rule")
    >>> f.loc[0, "message_vi"][:60]
    'Báo cáo nêu tổng 1.028 hồ sơ tiếp nhận và giải quyết qua dịc'
    """
    from dvcq_lib.checks import checks_for_folder
    from dvcq_lib.checks.findings import KINDS

    if kind is not None and kind not in KINDS:
        raise ExploreError("kind", kind, ", ".join(KINDS))
    found = checks_for_folder(data_dir)
    systems = found["period"].map({p: register.system_for(p) for p in found["period"].unique()})
    keys = systems.astype(str) + ":" + found["commune_code"].astype(str)
    mask = pd.Series(True, index=found.index)
    if period is not None:
        mask &= found["period"] == Period.parse(period).code
    if commune is not None:
        target = _resolve(commune, read_observations(data_dir), district, province)
        # a 2025 unit: also the findings of the units it was formed from (lineage)
        wanted = {str(k) for k in (target.key, *communes_.formed_from(target.key))}
        mask &= keys.isin(wanted)
    elif district or province:
        scope = load(district=district, province=province, data_dir=data_dir)
        mask &= keys.isin(set(commune_keys(scope).unique()))
    if indicator is not None:
        _codes(indicator)
        mask &= found["indicators"].str.split().map(lambda codes: indicator in codes)
    if kind is not None:
        mask &= found["kind"] == kind
    out = found[mask.fillna(False).astype(bool)].reset_index(drop=True)
    names = {
        (c, p): _short_name(c, Period.parse(p))
        for c, p in set(zip(out["commune_code"], out["period"], strict=True))
    }
    out.insert(
        1,
        "commune",
        [names[k] for k in zip(out["commune_code"], out["period"], strict=True)],
    )
    out.attrs.update(kind="findings")
    return out


def evidence(finding: pd.Series | pd.DataFrame, data_dir: DataDir = None) -> pd.DataFrame:
    """Số liệu làm căn cứ (the figures a finding is about, with their source and quote).

    Args:
        finding: one row of `findings()` (a Series, or a one-row frame).

    Returns:
        period, indicator, value, unit, source, quote, note, synthetic for the finding's
        commune and its indicators — in its period, and for an outlier over time also the same
        half of the year before.

    >>> f = findings("Đông Sơn", "2024-H1", district="Yên Thế", kind="rule")
    >>> evidence(f.iloc[0])[["indicator", "value"]].values.tolist()
    [['dossiers_online', 1028.0], ['dossiers_on_time', 1021.0], ['dossiers_overdue', 6.0]]
    """
    if isinstance(finding, pd.DataFrame):
        if len(finding) != 1:
            raise ExploreError("finding", f"{len(finding)} dòng", "một dòng của findings()")
        finding = finding.iloc[0]
    codes = str(finding["indicators"]).split() or [str(finding["indicator"])]
    p = Period.parse(str(finding["period"]))
    periods = [p.code]
    if finding["kind"] == "outlier_time":
        periods.insert(0, p.same_period_last_year().code)
    df = read_observations(data_dir)
    system = register.system_for(p)
    keep = (
        (commune_keys(df) == f"{system}:{finding['commune_code']}")
        & df["period"].astype(str).isin(periods)
        & df["indicator"].astype(str).isin(codes)
    )
    rows = df[keep]
    cols = ["period", "indicator", "value", "unit", "source", "quote", "note"]
    out = rows[cols].assign(synthetic=is_synthetic(rows).astype(bool)).reset_index(drop=True)
    for c in ("period", "indicator", "unit"):
        out[c] = out[c].astype(str)
    return out


# ---------------------------------------------------------------------------------------------
# display
# ---------------------------------------------------------------------------------------------
def _value_formatter(column: str, series: pd.Series, lang: str, decimals: int | None):
    if column == "indicator":
        cat = catalogue()
        return lambda c: cat[c].name(lang) if c in cat else c
    if column == "status":
        return lambda s: STATUS_LABELS_VI.get(s, s) if lang == "vi" else s
    if column in ("severity", "kind"):
        from dvcq_lib.checks.findings import KIND_LABELS_VI, SEVERITY_LABELS_VI

        words = SEVERITY_LABELS_VI if column == "severity" else KIND_LABELS_VI
        return lambda s: words.get(s, s) if lang == "vi" else s
    if pd.api.types.is_bool_dtype(series):
        if column == "synthetic":
            return lambda b: label("flag", "true" if b else "false", lang)
        return lambda b: label("flag", "yes" if b else "no", lang)
    if pd.api.types.is_numeric_dtype(series):
        return lambda v: format_number(v, decimals, lang)
    return None


def _column_label(column: object, lang: str) -> str:
    text = str(column)
    if ("column", text) in _labels():
        return label("column", text, lang)
    if text in catalogue():
        ind = catalogue()[text]
        return f"{ind.name(lang)} ({ind.unit})"
    return text


def table(frame: pd.DataFrame, lang: str = "vi", decimals: int | None = None) -> Styler:
    """Bảng hiển thị (the frame as JupyterLab shows it): Vietnamese column labels, indicator
    and status names, numbers written the Vietnamese way ("1.028", "2.706,5"), synthetic
    figures labelled. Only the display changes: `table(df).data` holds the same values.

    Args:
        frame: any frame of this module, of `load`/`wide`, or of the checks.
        lang: "vi" (default) or "en".
        decimals: fix the decimals of every number (default: as stored).

    Returns:
        A pandas Styler (JupyterLab renders it; `.to_html()` gives the HTML).

    >>> t = table(series("Đông Sơn", "rice_area", district="Yên Thế"))
    >>> "Diện tích lúa" in t.to_html() and "219,5" in t.to_html()
    True
    >>> t.data["value"].iloc[10]  # the value itself is unchanged
    np.float64(219.5)
    """
    if frame.attrs.get("kind") == "coverage":
        return _coverage_table(frame, lang)
    shown = frame.copy()
    shown.index.names = [_column_label(n, lang) if n else n for n in shown.index.names]
    style = shown.style
    formats = {}
    for col in shown.columns:
        fmt = _value_formatter(str(col), shown[col], lang, decimals)
        if fmt is not None:
            formats[col] = fmt
    style = style.format(formats, na_rep=label("chart", "missing", lang))
    style = style.relabel_index([_column_label(c, lang) for c in shown.columns], axis="columns")
    if isinstance(shown.index, pd.RangeIndex):
        style = style.hide(axis="index")
    return style


def _coverage_table(frame: pd.DataFrame, lang: str) -> Styler:
    from dvcq_lib.page import charts

    shown = frame.copy()
    shown.index.names = [_column_label(n, lang) for n in shown.index.names]
    colours = {code: charts.OKABE_ITO[i] for code, i in COVERAGE_COLOURS.items()}
    style = shown.style.format(lambda c: label("coverage", c, lang))
    return style.map(lambda c: f"background-color: {colours[c]}33" if c in colours else "")


# ---------------------------------------------------------------------------------------------
# charts
# ---------------------------------------------------------------------------------------------
@cache
def _figure_class() -> type:
    """A matplotlib Figure that shows itself in a notebook (as a PNG at the suite's dpi), made
    outside pyplot so that it is displayed once, when returned, and never twice."""
    import io

    import matplotlib
    from matplotlib.figure import Figure

    from dvcq_lib.page import charts

    class ExploreFigure(Figure):
        def _repr_png_(self) -> bytes:
            out = io.BytesIO()
            with matplotlib.rc_context(charts.STYLE):
                self.savefig(out, format="png", dpi=charts.DPI)
            return out.getvalue()

    return ExploreFigure


def _new_figure(size: tuple[float, float]) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from dvcq_lib.page import charts

    fig = _figure_class()(figsize=size, dpi=charts.DPI)
    FigureCanvasAgg(fig)
    return fig


def _finish(fig: Figure, title: str, subtitle: str, source: str) -> None:
    """Title, subtitle and source placed in inches from the edges (as the report charts)."""
    h = fig.get_figheight()
    fig.text(0.01, 1 - 0.12 / h, title, ha="left", va="top", fontsize=18, fontweight="bold")
    if subtitle:
        fig.text(0.01, 1 - 0.55 / h, subtitle, ha="left", va="top", fontsize=14, color="#333333")
    if source:
        fig.text(0.01, 0.06 / h, source, ha="left", va="bottom", fontsize=10.5, color="#444444")
    fig.subplots_adjust(top=1 - 1.25 / h, bottom=1.1 / h, left=0.1, right=0.98)
    fig.canvas.draw()  # ticks are made now, in the suite's style


def _source_note(frame: pd.DataFrame, lang: str) -> str:
    """ "Nguồn: a; b [DỮ LIỆU GIẢ LẬP]" from the `source` column (or the synthetic flags)."""
    found: dict[str, None] = {}
    if "source" in frame:
        for text in frame["source"].dropna().astype(str):
            for part in text.split("; "):
                found.setdefault(part.strip(), None)
    tag = label("chart", "synthetic", lang)
    parts = [f"{s} [{tag}]" if s.startswith("synthetic") else s for s in found if s]
    if not parts and "synthetic" in frame and frame["synthetic"].any():
        parts = [tag]
    return f"{label('chart', 'source', lang)}: " + "; ".join(parts) if parts else ""


def _decimals(values: Iterable[float], unit: str = "") -> int | None:
    vals = [v for v in values if not math.isnan(v)]
    if unit == "%" or any(v != round(v) for v in vals):
        return CHART_DECIMALS
    return None


def _bar_labels(ax, xs, values, decimals, lang: str, top: float) -> None:
    from dvcq_lib.page import charts

    for x, v in zip(xs, values, strict=True):
        if math.isnan(v):
            ax.text(
                x,
                top * 0.02,
                label("chart", "missing", lang),
                rotation=90,
                ha="center",
                va="bottom",
                fontsize=11,
                color=charts.MISSING_GREY,
            )
            continue
        ax.annotate(
            format_number(v, decimals, lang),
            (x, v),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=12,
        )


def _one_indicator(frame: pd.DataFrame, kind: str) -> str:
    codes = list(dict.fromkeys(frame["indicator"].astype(str)))
    if len(codes) != 1:
        raise ExploreError("frame", ", ".join(codes), f"một chỉ tiêu cho biểu đồ '{kind}'")
    return codes[0]


def _gapless(frame: pd.DataFrame) -> pd.Series:
    """Values by period with the missing periods in between as NaN (a gap, never a zero)."""
    values = frame.set_index(frame["period"].astype(str))["value"].astype("float64")
    periods = [Period.parse(p) for p in values.index]
    if not periods:
        return values
    halves = {p.half for p in periods}
    if len(halves) == 1:  # one half (or whole years): step a year at a time
        full = [Period(y, periods[0].half) for y in range(min(periods).year, max(periods).year + 1)]
    elif None not in halves:
        full = period_range(min(periods), max(periods))
    else:
        full = sorted(periods)
    return values.reindex([p.code for p in full])


def _series_titles(frame: pd.DataFrame, code: str, lang: str) -> tuple[str, str]:
    ind = catalogue()[code]
    name = frame.attrs.get("commune_name") or (
        frame["commune"].iloc[0] if "commune" in frame and len(frame) else ""
    )
    periods = [Period.parse(p) for p in frame["period"].astype(str)]
    halves = {p.half for p in periods}
    span = f"{min(periods).year}–{max(periods).year}" if periods else ""
    when = (
        f"{label('chart', f'half_{halves.pop()}', lang)} {label('chart', 'years', lang)} {span}"
        if len(halves) == 1 and None not in halves
        else span
    )
    return f"{ind.name(lang)} ({ind.unit})", " · ".join(x for x in (name, when) if x)


def _reform_x(periods: list[str]) -> float | None:
    after = [Period.parse(p).after_reform for p in periods]
    return after.index(True) - 0.5 if any(after) and not all(after) else None


def _draw_bars(frame, *, title, subtitle, highlight, lang) -> Figure:
    import matplotlib

    from dvcq_lib.page import charts

    code = _one_indicator(frame, "bars")
    values = _gapless(frame)
    labels = list(values.index)
    periods = [Period.parse(p) for p in labels]
    one_half = len({p.half for p in periods}) == 1
    ticks = [str(p.year) if one_half else p.code for p in periods]
    highlight = labels[-1] if highlight is None and labels else str(highlight)
    vals = [float(v) for v in values]
    top = max([v for v in vals if not math.isnan(v)], default=1.0) or 1.0
    auto_title, auto_sub = _series_titles(frame, code, lang)
    with matplotlib.rc_context(charts.STYLE):
        fig = _new_figure(charts.SIZE)
        ax = fig.add_subplot()
        colours = [charts.HIGHLIGHT if p == highlight else charts.BASE for p in labels]
        xs = list(range(len(vals)))
        ax.bar(xs, [0 if math.isnan(v) else v for v in vals], color=colours, width=0.7)
        _bar_labels(ax, xs, vals, _decimals(vals, catalogue()[code].unit), lang, top)
        rotated = not one_half and len(xs) > 8
        ax.set_xticks(xs, ticks, rotation=45 if rotated else 0)
        ax.yaxis.set_major_formatter(charts.vn_formatter(lang))
        ax.set_ylabel(catalogue()[code].unit)
        ax.margins(y=0.15)
        if (x := _reform_x(labels)) is not None and frame.attrs.get("lineage_vi"):
            ax.axvline(x, color=charts.MARKER, ls="--", linewidth=2.5)
            ax.annotate(
                label("chart", "reform", lang),
                (x, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(-6, -4),
                textcoords="offset points",
                ha="right",
                va="top",
                fontsize=13,
                fontweight="bold",
            )
        _finish(fig, title or auto_title, subtitle or auto_sub, _source_note(frame, lang))
        if rotated:  # the slanted period codes need the room above the source note
            fig.subplots_adjust(bottom=1.75 / fig.get_figheight())
    return fig


def _draw_line(frame, *, title, subtitle, highlight, lang) -> Figure:
    import matplotlib

    from dvcq_lib.page import charts

    codes = list(dict.fromkeys(frame["indicator"].astype(str)))
    units = {catalogue()[c].unit for c in codes}
    if len(units) > 1:
        raise ExploreError("frame", ", ".join(sorted(units)), "các chỉ tiêu cùng một đơn vị")
    auto_title, auto_sub = _series_titles(frame[frame["indicator"] == codes[0]], codes[0], lang)
    if len(codes) > 1:
        auto_title = f"{' · '.join(catalogue()[c].name(lang) for c in codes)} ({units.pop()})"
    with matplotlib.rc_context(charts.STYLE):
        fig = _new_figure(charts.SIZE)
        ax = fig.add_subplot()
        labels: list[str] = []
        for i, code in enumerate(codes):
            values = _gapless(frame[frame["indicator"] == code])
            labels = labels or list(values.index)
            values = values.reindex(labels)
            ax.plot(
                range(len(values)),
                values.to_numpy(),
                marker="o",
                linewidth=2.5,
                color=charts.OKABE_ITO[i % len(charts.OKABE_ITO)],
                label=catalogue()[code].name(lang),
            )
        step = max(1, math.ceil(len(labels) / 8))  # at most 8 period codes under the axis
        ax.set_xticks(range(0, len(labels), step), labels[::step])
        ax.yaxis.set_major_formatter(charts.vn_formatter(lang))
        ax.set_ylabel(catalogue()[codes[0]].unit)
        if len(codes) > 1:
            ax.legend(loc="best", frameon=False)
        if (x := _reform_x(labels)) is not None and frame.attrs.get("lineage_vi"):
            ax.axvline(x, color=charts.MARKER, ls="--", linewidth=2)
        _finish(fig, title or auto_title, subtitle or auto_sub, _source_note(frame, lang))
    return fig


def _compare_titles(frame: pd.DataFrame, lang: str) -> str:
    p = frame.attrs.get("period")
    parts = [Period.parse(p).label(lang) if p else "", frame.attrs.get("scope", "")]
    return " · ".join(x for x in parts if x)


def _draw_rank(frame, *, title, subtitle, highlight, lang) -> Figure:
    import matplotlib

    from dvcq_lib.page import charts

    code = _one_indicator(frame, "rank")
    names = frame["commune"].astype(str).tolist()
    vals = frame["value"].astype("float64").tolist()
    unit = str(frame["unit"].iloc[0]) if len(frame) else catalogue()[code].unit
    height = max(4.0, 1.2 + 0.42 * len(vals))
    top = max([v for v in vals if not math.isnan(v)], default=1.0) or 1.0
    decimals = _decimals(vals, unit)
    with matplotlib.rc_context(charts.STYLE):
        fig = _new_figure((charts.SIZE[0], height))
        ax = fig.add_subplot()
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        ys = list(range(len(vals)))[::-1]
        colours = [charts.HIGHLIGHT if n == highlight else charts.BASE for n in names]
        ax.barh(ys, [0 if math.isnan(v) else v for v in vals], color=colours, height=0.7)
        for y, v in zip(ys, vals, strict=True):
            text = (
                label("chart", "missing", lang)
                if math.isnan(v)
                else format_number(v, decimals, lang)
            )
            ax.text(
                (0 if math.isnan(v) else v) + top * 0.01,
                y,
                text,
                va="center",
                fontsize=12,
                color=charts.MISSING_GREY if math.isnan(v) else "#000000",
            )
        ax.set_yticks(ys, names)
        ax.xaxis.set_major_formatter(charts.vn_formatter(lang))
        ax.set_xlabel(unit)
        ax.set_xlim(0, top * 1.18)
        auto_title = f"{catalogue()[code].name(lang)}: {label('chart', 'rank_title', lang)}"
        _finish(
            fig,
            title or auto_title,
            subtitle or _compare_titles(frame, lang),
            _source_note(frame, lang),
        )
        fig.subplots_adjust(top=1 - 1.25 / height, bottom=1.0 / height, left=0.24)
    return fig


def _draw_multiples(frame, *, title, subtitle, highlight, lang) -> Figure:
    import matplotlib

    from dvcq_lib.page import charts

    codes = list(dict.fromkeys(frame["indicator"].astype(str)))
    # every panel in the order of the first one's ranking (as `compare` sorts it)
    names = list(dict.fromkeys(frame.loc[frame["indicator"] == codes[0], "commune"].astype(str)))
    names += [n for n in dict.fromkeys(frame["commune"].astype(str)) if n not in names]
    columns = 2 if len(codes) > 1 else 1
    rows = math.ceil(len(codes) / columns)
    height = 2.2 + rows * (0.8 + 0.3 * len(names))
    with matplotlib.rc_context(charts.STYLE):
        fig = _new_figure((charts.SIZE[0] * 1.3, height))
        axes = fig.subplots(rows, columns, squeeze=False, sharey=True)
        ys = list(range(len(names)))[::-1]
        for i, ax in enumerate(axes.flat):
            if i >= len(codes):
                ax.set_visible(False)
                continue
            part = frame[frame["indicator"] == codes[i]].set_index("commune")["value"]
            vals = [float(part.get(n, math.nan)) for n in names]
            colours = [charts.HIGHLIGHT if n == highlight else charts.BASE for n in names]
            ax.barh(ys, [0 if math.isnan(v) else v for v in vals], color=colours, height=0.7)
            unit = frame.loc[frame["indicator"] == codes[i], "unit"].iloc[0]
            ax.set_title(f"{catalogue()[codes[i]].name(lang)} ({unit})", fontsize=13, loc="left")
            ax.set_yticks(ys, names, fontsize=11)
            ax.xaxis.set_major_formatter(charts.vn_formatter(lang))
            ax.tick_params(axis="x", labelsize=10)
            ax.grid(axis="y", visible=False)
            ax.grid(axis="x", visible=True)
        _finish(
            fig, title or _compare_titles(frame, lang), subtitle or "", _source_note(frame, lang)
        )
        fig.subplots_adjust(
            top=1 - 1.45 / height,
            bottom=0.75 / height,
            left=0.16,
            hspace=0.9 / (0.8 + 0.3 * len(names)),
            wspace=0.12,
        )
    return fig


def _draw_coverage(frame, *, title, subtitle, highlight, lang) -> Figure:
    import matplotlib
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from dvcq_lib.page import charts

    codes = ["none", *COVERAGE_COLOURS]
    colours = ["#FFFFFF", *(charts.OKABE_ITO[i] for i in COVERAGE_COLOURS.values())]
    grid = frame.map(codes.index).to_numpy()
    names = [f"{name} ({code})" for code, name in frame.index]
    height = max(4.0, 2.4 + 0.32 * len(names))
    with matplotlib.rc_context(charts.STYLE):
        fig = _new_figure((charts.SIZE[0] * 1.2, height))
        ax = fig.add_subplot()
        ax.pcolormesh(
            grid,
            cmap=ListedColormap(colours),
            vmin=-0.5,
            vmax=len(codes) - 0.5,
            edgecolors="#DDDDDD",
            linewidth=0.5,
        )
        ax.set_xticks(
            [i + 0.5 for i in range(len(frame.columns))],
            list(frame.columns),
            rotation=60,
            fontsize=10,
        )
        ax.set_yticks([i + 0.5 for i in range(len(names))], names, fontsize=10)
        ax.invert_yaxis()
        ax.grid(False)
        handles = [
            Patch(facecolor=c, edgecolor="#767676", label=label("coverage", k, lang))
            for k, c in zip(codes, colours, strict=True)
        ]
        ax.legend(
            handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=11
        )
        _finish(
            fig,
            title or label("chart", "coverage_title", lang),
            subtitle or label("chart", "coverage_subtitle", lang),
            "",
        )
        fig.subplots_adjust(top=1 - 1.25 / height, bottom=1.2 / height, left=0.3, right=0.8)
    return fig


#: kind → drawing function; `chart` picks one from the frame when `kind` is not given.
CHART_KINDS: dict[str, Callable[..., Figure]] = {
    "bars": _draw_bars,
    "line": _draw_line,
    "rank": _draw_rank,
    "multiples": _draw_multiples,
    "coverage": _draw_coverage,
}


def _default_kind(frame: pd.DataFrame) -> str:
    kind = frame.attrs.get("kind")
    if kind == "coverage":
        return "coverage"
    if "value" not in frame or "indicator" not in frame:
        raise ExploreError(
            "frame", ", ".join(map(str, frame.columns)), "một bảng của series, compare, coverage"
        )
    several = "indicator" in frame and frame["indicator"].nunique() > 1
    if kind == "compare" or ("commune" in frame and "period" not in frame):
        return "multiples" if several else "rank"
    return "line" if several else "bars"


def chart(
    frame: pd.DataFrame,
    kind: str | None = None,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    highlight: str | None = None,
    lang: str = "vi",
) -> Figure:
    """Biểu đồ (a chart of a frame, in the suite's style), as a matplotlib Figure.

    Args:
        frame: from `series` (bars, or lines for several indicators), `compare` (ranked bars,
            small multiples for several indicators) or `coverage`.
        kind: "bars", "line", "rank", "multiples" or "coverage" (default: from the frame).
        title, subtitle: override the ones made from the catalogue and the frame.
        highlight: the period (bars) or commune name (rank, multiples) drawn in the highlight
            colour; bars highlight the last period by default.
        lang: "vi" or "en".

    Returns:
        A Figure; a notebook shows it when it is a cell's last value; `fig.savefig(path)`
        writes it.

    Raises:
        ExploreError: an unknown kind, or a frame the kind cannot draw.

    >>> fig = chart(series("Bố Hạ", "rice_yield", half=1))
    >>> fig.texts[0].get_text(), fig.texts[1].get_text()
    ('Năng suất lúa (tạ/ha)', 'Xã Bố Hạ · 6 tháng đầu năm các năm 2019–2026')
    >>> fig.texts[2].get_text()[:60]
    'Nguồn: synthetic-demo [DỮ LIỆU GIẢ LẬP]; data/raw/dong-son_2'
    >>> try:
    ...     chart(series("Bố Hạ", "rice_yield"), kind="pie")
    ... except ExploreError as err:
    ...     print(err.expected)
    bars, line, rank, multiples, coverage
    """
    kind = kind or _default_kind(frame)
    if kind not in CHART_KINDS:
        raise ExploreError("kind", kind, ", ".join(CHART_KINDS))
    return CHART_KINDS[kind](frame, title=title, subtitle=subtitle, highlight=highlight, lang=lang)


__all__ = ["series", "compare", "coverage", "findings", "evidence", "chart", "table", "label"]
