"""Page blocks the report notebooks call: a context (commune, period, data loaded once), the
header (title, period in words, sources, synthetic banner), formatted tables, a scorecard with
arrows, the profile, trend and league charts, rank tables and the narrative.

Every block returns an IPython HTML object (or displays a chart) so that it survives an export
that hides all code. Figures are printed as they are in the data, the Vietnamese way; a missing
figure reads "không có số liệu". Which indicators a section shows is data:
`data/catalogue/report_sections.csv`.

Data-quality findings (`dvcq_lib.checks`) are shown next to the figure they concern and listed
in a findings block; a 2025 commune's series reaches back before the 1 July 2025 reform through
its constituents (`dvcq_lib.remap.series_for`), the reform marked on its charts.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from dvcq_lib import charts, checks, narrative, register, trends
from dvcq_lib.catalogue import DOMAIN_LABELS_VI, catalogue
from dvcq_lib.exceptions import AmbiguousCommuneError, CatalogueError, CommuneNotFoundError
from dvcq_lib.numbers import format_number, format_percent
from dvcq_lib.observations import (
    commune_keys,
    files_signature,
    is_synthetic,
    read_observations,
    resolve_communes,
)
from dvcq_lib.paths import CATALOGUE_DIR, DATA_DIR
from dvcq_lib.periods import Period
from dvcq_lib.remap import remap, series_for

PAGE_TITLES = {
    "vi": {
        **{d: DOMAIN_LABELS_VI[d] for d in ("agriculture", "petitions", "dossiers")},
        "overview": "Tổng quan",
        "district": "Tổng hợp các xã",
    },
    "en": {
        "agriculture": "Agriculture",
        "petitions": "Citizen reception and petitions",
        "dossiers": "Administrative procedures",
        "overview": "Overview",
        "district": "All communes",
    },
}
#: Interface words; Vietnamese first, English when lang="en".
WORDS = {
    "vi": {
        "lineage": "Các kỳ trước 01/7/2025 được cộng từ số liệu của các xã hợp thành:",
        "change_chart": "Tăng, giảm so với cùng kỳ năm trước (%)",
        "merged_units": "Cùng kỳ, vẽ lại trên địa giới các xã mới (từ 01/7/2025)",
        "new_commune": "Xã mới",
        "incomplete": "không đủ số liệu",
        "reform": "Sáp nhập 01/7/2025",
        "findings": "Kiểm tra số liệu",
        "no_findings": "Không phát hiện vấn đề nào về số liệu của kỳ này.",
        "severity": "Mức độ",
        "check": "Loại kiểm tra",
        "message": "Nội dung",
        "period": "Kỳ báo cáo",
        "code": "mã",
        "sources": "Nguồn số liệu",
        "real": "số liệu thật",
        "synthetic": "DỮ LIỆU GIẢ LẬP",
        "indicator": "Chỉ tiêu",
        "unit": "Đơn vị",
        "same": "Cùng kỳ năm trước",
        "diff": "Tăng/giảm",
        "pct": "% so với cùng kỳ",
        "prev_pct": "% so với kỳ trước",
        "source": "Nguồn",
        "note": "Ghi chú",
        "from_report": "báo cáo",
        "fake": "giả lập",
        "from_halves": "cộng hai nửa năm",
        "target": "Kế hoạch",
        "attained": "Đạt (% kế hoạch)",
        "computed": "tính từ số liệu thành phần",
        "banner": "DỮ LIỆU GIẢ LẬP — trang này có số liệu tạo ra để minh hoạ, không phải số "
        "liệu thật; không dùng để báo cáo",
        "banner_periods": "Số liệu giả lập ở các kỳ",
        "no_base": "chưa có số liệu cùng kỳ",
        "unchanged": "không đổi",
        "points": "điểm %",
        "rank": "Thứ hạng",
        "of": "/",
        "percentile": "Bách phân vị",
        "total": "Tổng",
        "per": "Tính",
        "value": "Giá trị",
        "reported": "Theo báo cáo",
        "area_x_yield": "Diện tích × năng suất",
        "gap": "Chênh lệch",
        "share": "Tỷ trọng",
        "commune": "Xã/phường",
        "chart_source": "Nguồn",
        "years": "các năm",
        "peers_district": "các xã cùng huyện",
        "peers_province": "các xã cùng tỉnh",
        "peers_constituents": "các xã hợp thành",
        "missing": "không có số liệu",
        "highest": "cao nhất = 1",
        "lowest": "thấp nhất = 1",
    },
    "en": {
        "lineage": "Periods before 1 July 2025 are summed from the constituent communes:",
        "change_chart": "Change against the same period last year (%)",
        "merged_units": "The same period redrawn on the 2025 communes",
        "new_commune": "2025 commune",
        "incomplete": "incomplete",
        "reform": "2025 merger",
        "findings": "Data-quality checks",
        "no_findings": "No data-quality problem found for this period.",
        "severity": "Severity",
        "check": "Check",
        "message": "Finding",
        "period": "Period",
        "code": "code",
        "sources": "Data sources",
        "real": "real figures",
        "synthetic": "SYNTHETIC DATA",
        "indicator": "Indicator",
        "unit": "Unit",
        "same": "Same period last year",
        "diff": "Change",
        "pct": "% vs same period",
        "prev_pct": "% vs previous half",
        "source": "Source",
        "note": "Note",
        "from_report": "report",
        "fake": "synthetic",
        "from_halves": "sum of the halves",
        "target": "Target",
        "attained": "Attained (% of target)",
        "computed": "computed from components",
        "banner": "SYNTHETIC DATA — this page shows made-up figures for demonstration; "
        "not for reporting",
        "banner_periods": "Synthetic figures in periods",
        "no_base": "no base",
        "unchanged": "unchanged",
        "points": "pp",
        "rank": "Rank",
        "of": "/",
        "percentile": "Percentile",
        "total": "Total",
        "per": "Per",
        "value": "Value",
        "reported": "Reported",
        "area_x_yield": "Area × yield",
        "gap": "Gap",
        "share": "Share",
        "commune": "Commune",
        "chart_source": "Source",
        "years": "years",
        "peers_district": "communes of the district",
        "peers_province": "communes of the province",
        "peers_constituents": "constituent communes",
        "missing": "no data",
        "highest": "highest = 1",
        "lowest": "lowest = 1",
    },
}
#: Indicators where a smaller value ranks first (fewer overdue dossiers, fewer pending petitions).
LOWER_IS_BETTER = frozenset(
    {"dossiers_overdue", "dossiers_pending", "petitions_pending", "petitions_beyond_level"}
)
#: Output code → the yield indicator whose formula links it to an area.
_YIELD_OF_OUTPUT = {
    "rice_output": "rice_yield",
    "maize_output": "maize_yield",
    "peanut_output": "peanut_yield",
}
_TABLE = (
    'style="border-collapse:collapse;font-size:15px;margin:8px 0 16px 0;'
    "font-family:'DejaVu Sans',Arial,sans-serif\""
)
_TH = 'style="text-align:left;border-bottom:2px solid #333;padding:4px 10px;background:#f2f2f2"'
_TD = 'style="padding:4px 10px;border-bottom:1px solid #ddd;text-align:left"'
_TDR = 'style="padding:4px 10px;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap"'


# ---------------------------------------------------------------------------------------------
# sections (data)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Section:
    notebook: str
    section: str
    title_vi: str
    title_en: str
    indicators: tuple[str, ...]

    def title(self, lang: str = "vi") -> str:
        return self.title_en if lang == "en" else self.title_vi


@cache
def sections(path: Path | None = None) -> dict[tuple[str, str], Section]:
    """The report sections, keyed by (notebook, section); every code must be in the catalogue."""
    df = pd.read_csv(
        path or CATALOGUE_DIR / "report_sections.csv", dtype=str, keep_default_na=False
    )
    cat = catalogue()
    out, bad = {}, []
    for i, r in enumerate(df.itertuples(index=False), start=2):
        codes = tuple(r.indicators.split())
        bad += [f"report_sections.csv dòng {i}: {c!r}" for c in codes if c not in cat]
        out[(r.notebook, r.section)] = Section(r.notebook, r.section, r.title_vi, r.title_en, codes)
    if bad:
        raise CatalogueError(
            "Mục báo cáo dùng mã chỉ tiêu không có trong danh mục: " + "; ".join(bad)
        )
    return out


def section(notebook: str, name: str) -> Section:
    try:
        return sections()[(notebook, name)]
    except KeyError:
        raise CatalogueError(f"Không có mục {notebook}/{name} trong report_sections.csv") from None


# ---------------------------------------------------------------------------------------------
# context
# ---------------------------------------------------------------------------------------------
@dataclass
class Context:
    """Everything a page needs, loaded once: the commune, the period, its rows up to the period
    (`rows`, its own register key), the same as a period-indexed wide frame (`wide`: as reported;
    `full`: ratios filled from components where not reported) and the data of its peers."""

    commune: register.Commune
    period: Period
    notebook: str
    lang: str
    data: pd.DataFrame  # every observation (all communes), read once
    rows: pd.DataFrame  # this commune's rows, periods up to `period`
    wide: pd.DataFrame
    full: pd.DataFrame
    output_dir: Path | None = None
    data_dir: Path | None = None
    #: Data-quality findings (`dvcq_lib.checks` columns) shown next to figures.
    findings: pd.DataFrame | None = None
    #: Pre-reform series of a 2025 commune rebuilt from its constituents (`remap` columns).
    pre_reform: pd.DataFrame | None = None
    #: "Xã Bố Hạ (07294) được hình thành … từ: …" for a 2025 commune with constituents.
    lineage_vi: str = ""
    #: Frames computed once per page (peer rows by scope).
    memo: dict = field(default_factory=dict, repr=False)

    @property
    def words(self) -> dict[str, str]:
        return WORDS.get(self.lang, WORDS["vi"])

    @property
    def scope(self) -> str:
        """Peers: the legacy district, or the province for a 2025 unit."""
        return "district" if self.commune.system == register.LEGACY else "province"

    def name(self, code: str) -> str:
        return catalogue()[code].name(self.lang)


def _resolve(
    df: pd.DataFrame, commune: object, period: Period, district: str, province: str
) -> register.Commune:
    system = register.system_for(period)
    keys = resolve_communes(
        df, commune, district=district or None, province=province or None, period=period
    )
    keys = {k for k in keys if k.startswith(system + ":")}
    if not keys:
        raise CommuneNotFoundError(str(commune), scope=f"({register.SYSTEM_LABELS_VI[system]})")
    if len(keys) > 1:
        cands = [register.get(k.split(":")[1], system).describe() for k in sorted(keys)]
        raise AmbiguousCommuneError(str(commune), cands)
    return register.get(next(iter(keys)).split(":")[1], system)


def context(
    commune: object,
    period: object,
    *,
    district: str = "",
    province: str = "",
    data_dir: str | Path = "",
    output_dir: str | Path = "",
    lang: str = "vi",
    notebook: str = "",
    findings: pd.DataFrame | None = None,
    pre_reform: pd.DataFrame | None = None,
) -> Context:
    """Resolve the commune (name or code; int codes such as 7273 are understood), parse the
    period and load the data once.

    Args:
        commune: "Đông Sơn", "Xã Đông Sơn", "07273" or 7273.
        period: "2024-H1", "6 tháng đầu năm 2024", "2024".
        district, province: disambiguate a name ("" = not given).
        data_dir: folder holding observations/ ("" = the project's data/).
        output_dir: where the page goes; charts are saved to output_dir/charts ("" = not saved).
        lang: "vi" or "en".
        notebook: the notebook's name, prefixing saved chart files.
        findings, pre_reform: see `Context`.

    Raises:
        PeriodError, CommuneNotFoundError, AmbiguousCommuneError, DataValidationError.

    >>> ctx = context(7273, "2024-H1")  # doctest: +SKIP
    """
    if lang not in WORDS:
        raise ValueError(f"lang phải là 'vi' hoặc 'en', không phải {lang!r}")
    p = Period.parse(period)
    data = read_observations(data_dir or None)
    c = _resolve(data, commune, p, district, province)
    if findings is None:
        findings = checks.checks_for_folder(data_dir or None)
    lineage_vi = ""
    if pre_reform is None and c.system == register.NEW:
        pre_reform, lineage_vi = _pre_reform(c, data_dir or None)
    mine = data[(commune_keys(data) == c.key).to_numpy()]
    mine = mine[[Period.parse(x) <= p for x in mine["period"].astype(str)]]
    if pre_reform is not None and len(pre_reform):
        # A 2025 commune's series rebuilt from its constituents: earlier periods only, under
        # the commune's own code so the series reads as one.
        earlier = pre_reform[
            [
                Period.parse(x) < p and not Period.parse(x).after_reform
                for x in pre_reform["period"].astype(str)
            ]
        ]
        earlier = earlier.dropna(subset=["value"])[list(mine.columns)]
        mine = pd.concat(
            [
                earlier.astype({"commune_code": str, "period": str}).assign(commune_code=c.code),
                mine.astype({"commune_code": str, "period": str}),
            ]
        )
    mine = mine.reset_index(drop=True)
    wide = trends.panel(mine) if len(mine) else pd.DataFrame(index=pd.Index([], name="period"))
    if not p.is_half:  # a year report: years as given, or built from their two halves
        wide = trends.annual_from_halves(wide) if len(wide) else wide
        mine = mine[[Period.parse(x).year <= p.year for x in mine["period"].astype(str)]]
    else:
        wide = wide.loc[[x for x in wide.index if Period.parse(x).is_half]]
    ctx = Context(
        commune=c,
        period=p,
        notebook=notebook,
        lang=lang,
        data=data,
        rows=mine,
        wide=wide,
        full=trends.with_recomputed(wide),
        output_dir=Path(output_dir) if output_dir else None,
        data_dir=Path(data_dir) if data_dir else None,
        findings=findings,
        pre_reform=pre_reform,
        lineage_vi=lineage_vi,
    )
    return ctx


#: Decimals kept for a ratio recomputed from summed components (yields in tạ/ha, rates in %).
RATIO_DECIMALS = 2


@cache
def _pre_reform_of_files(files: tuple, data_dir: str | None, code: str) -> tuple[pd.DataFrame, str]:
    s = series_for(code, df=read_observations(data_dir))
    s = s[~s["after_reform"]].drop(columns="after_reform")
    ratio = s["indicator"].astype(str).map(lambda i: catalogue()[i].kind == "ratio")
    s["value"] = s["value"].where(~ratio, s["value"].round(RATIO_DECIMALS))
    constituents = s.attrs.get("constituents") or []
    return s, (s.attrs.get("lineage_vi", "") if constituents else "")


def _pre_reform(c: register.Commune, data_dir: str | None) -> tuple[pd.DataFrame, str]:
    """A 2025 commune's periods before 1 July 2025, re-aggregated from its constituents
    (computed once per state of the data files)."""
    frame, text = _pre_reform_of_files(files_signature(data_dir), data_dir, c.code)
    return frame.copy(), text


# ---------------------------------------------------------------------------------------------
# peers
# ---------------------------------------------------------------------------------------------
def peer_codes(ctx: Context, scope: str | None = None) -> list[str]:
    """Codes of the commune's peers (itself included): its legacy district, its province, or
    the legacy communes that formed the same 2025 commune ("constituents")."""
    scope = scope or ctx.scope
    c = ctx.commune
    if scope == "district":
        table = register.communes(register.LEGACY, district=c.district, province=c.province)
    elif scope == "province":
        table = register.communes(c.system, province=c.province)
    elif scope == "constituents":
        if c.system == register.LEGACY:
            new = [s.code for s, _ in register.successors(c.code)]
            return sorted({x.code for n in new for x in register.constituents(n)} | {c.code})
        return sorted(x.code for x in register.constituents(c.code))
    else:
        raise ValueError("scope phải là district, province hoặc constituents")
    return sorted(table.index)


def peer_rows(ctx: Context, scope: str | None = None) -> pd.DataFrame:
    """Tidy rows of the peers in the report period (same register system)."""
    key = ("peer_rows", scope or ctx.scope)
    if key not in ctx.memo:
        d = ctx.data
        rows = d[d["period"].astype(str) == ctx.period.code]
        keys = commune_keys(rows)
        want = {f"{ctx.commune.system}:{x}" for x in peer_codes(ctx, scope)}
        ctx.memo[key] = rows[keys.isin(want).to_numpy()]
    return ctx.memo[key]


def peers(ctx: Context, scope: str | None = None) -> pd.DataFrame:
    """Wide frame of the peers with data in the period, indexed by commune code, ratios
    filled from components where not reported."""
    rows = peer_rows(ctx, scope)
    return trends.with_recomputed(trends.cross_section(rows, ctx.period))


def vi_sort_key(name: str) -> tuple[str, str]:
    """Alphabetical order as Vietnamese readers expect it: Đ right after D, tones ignored first."""
    folded = register.ascii_fold(name.replace("Đ", "D~").replace("đ", "d~")).casefold()
    return folded, name


@cache
def _short_name(code: str, system: str) -> str:
    return register.get(code, system).short_name


# ---------------------------------------------------------------------------------------------
# header, sources, banner
# ---------------------------------------------------------------------------------------------
def _page_rows(ctx: Context) -> pd.DataFrame:
    """Rows a page shows: the commune's series, plus its peers on pages that rank."""
    frames = [ctx.rows]
    if ctx.notebook in ("petitions", "dossiers", "district"):
        frames.append(peer_rows(ctx))
    return pd.concat(frames, ignore_index=True) if any(len(f) for f in frames) else ctx.rows


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


def banner(ctx: Context, rows: pd.DataFrame | None = None) -> HTML:
    """The synthetic-data banner when any value on the page is synthetic; empty otherwise."""
    rows = _page_rows(ctx) if rows is None else rows
    fake = rows[is_synthetic(rows)] if len(rows) else rows
    if fake.empty:
        return HTML("")
    w = ctx.words
    periods = sorted(set(fake["period"].astype(str)), key=Period.parse)
    span = periods[0] if len(periods) == 1 else f"{periods[0]} … {periods[-1]}"
    return HTML(
        '<div class="dvcq-synthetic" role="alert" style="border:4px solid #D55E00;'
        "background:#FFF1E6;color:#000;padding:12px 16px;margin:12px 0;font-size:18px;"
        f'font-weight:bold">⚠ {html.escape(w["banner"])}<br><span style="font-weight:normal;'
        f'font-size:15px">{html.escape(w["banner_periods"])}: {html.escape(span)} '
        f"({len(fake)} số liệu)</span></div>"
    )


def header(ctx: Context) -> HTML:
    """Title naming page, commune and period in words; place; sources; synthetic banner."""
    w, c = ctx.words, ctx.commune
    title = PAGE_TITLES[ctx.lang].get(ctx.notebook, "")
    place = ", ".join(x for x in (c.district, c.province) if x)
    if ctx.notebook == "district":  # the page is about the district (or 2025 province)
        title = f"{title} {c.district or c.province}"
    system = register.SYSTEM_LABELS_VI[c.system]
    rows = _page_rows(ctx)
    parts = [
        '<div class="dvcq-header" style="font-family:\'DejaVu Sans\',Arial,sans-serif">',
        f'<h1 style="margin-bottom:4px">{html.escape(title)}: {html.escape(c.name)}</h1>',
        f'<div style="font-size:16px;color:#333">{html.escape(place)} — {w["code"]} '
        f"{c.code} ({system})</div>",
        f'<h2 style="margin-top:8px">{w["period"]}: {html.escape(ctx.period.label(ctx.lang))}</h2>',
        (
            f'<div class="dvcq-lineage" style="font-size:15px;border-left:4px solid #0072B2;'
            f'padding:4px 10px;margin:8px 0">{html.escape(w["lineage"])} '
            f"{html.escape(ctx.lineage_vi)}</div>"
            if ctx.lineage_vi
            else ""
        ),
        banner(ctx, rows).data,
        sources_block(ctx, rows).data,
        "</div>",
    ]
    return HTML("\n".join(parts))


def sources_block(ctx: Context, rows: pd.DataFrame | None = None) -> HTML:
    w = ctx.words
    table = sources_table(_page_rows(ctx) if rows is None else rows)
    items = []
    for r in table.itertuples(index=False):
        kind = (
            f'<strong style="color:#B04A00">{w["synthetic"]}</strong>'
            if r.synthetic
            else f"<strong>{w['real']}</strong>"
        )
        span = r.first if r.first == r.last else f"{r.first} … {r.last}"
        items.append(
            f"<li>{html.escape(str(r.source))} — {kind}; {html.escape(span)}; {r.rows} số liệu</li>"
        )
    if not items:
        items = [f"<li>{w['missing']}</li>"]
    return HTML(
        f'<div class="dvcq-sources"><strong>{w["sources"]}:</strong><ul '
        f'style="margin:4px 0">{"".join(items)}</ul></div>'
    )


# ---------------------------------------------------------------------------------------------
# tables
# ---------------------------------------------------------------------------------------------
def _html_table(
    head: list[str],
    body: list[list[str]],
    right: set[int],
    css: str = "",
    bold_rows: set[int] | None = None,
) -> HTML:
    th = "".join(f"<th {_TH}>{h}</th>" for h in head)
    trs = []
    for i, row in enumerate(body):
        tds = "".join(
            f"<td {_TDR if j in right else _TD}>{cell}</td>" for j, cell in enumerate(row)
        )
        style = (
            ' style="font-weight:bold;background:#FFF1E6"' if bold_rows and i in bold_rows else ""
        )
        trs.append(f"<tr{style}>{tds}</tr>")
    return HTML(
        f'<table class="dvcq-table {css}" {_TABLE}><thead><tr>{th}</tr></thead><tbody>'
        + "".join(trs)
        + "</tbody></table>"
    )


def _row_of(ctx: Context, code: str, period: str) -> pd.Series | None:
    r = ctx.rows[
        (ctx.rows["indicator"].astype(str) == code) & (ctx.rows["period"].astype(str) == period)
    ]
    return r.iloc[0] if len(r) else None


def figure(ctx: Context, code: str, period: Period, v: float) -> str:
    """A value as printed on a page: exactly as in the data when a row gives it; a ratio the
    page computed (e.g. a year from its halves) with one decimal."""
    if _row_of(ctx, code, period.code) is None and catalogue()[code].kind == "ratio":
        return format_number(v, 1, ctx.lang)
    return (
        format_number(round(v, 6), lang=ctx.lang)
        if not math.isnan(v)
        else format_number(v, lang=ctx.lang)
    )


def _fmt(v: float, lang: str) -> str:
    return format_number(v, lang=lang)


def _signed(v: float, decimals: int | None, lang: str, suffix: str = "") -> str:
    """ "+2,1 %", "−0,3": a sign, then the magnitude (None = as many decimals as it has)."""
    if math.isnan(v):
        return ""
    sign = "+" if v > 0 else ("−" if v < 0 else "")
    # Differences of figures with at most two decimals: float noise beyond that is cut.
    return f"{sign}{format_number(round(abs(v), 2), decimals, lang)}{suffix}"


def _notes(ctx: Context, code: str, row: pd.Series | None) -> str:
    notes = []
    if row is not None and not is_synthetic(row.to_frame().T).iloc[0]:
        note = str(row.get("note") or "")
        if note and note != "<NA>":
            notes.append(note)
        written = str(row.get("unit_written") or "")
        if written and written != "<NA>":
            notes.append(f"đơn vị ghi trong báo cáo: {written}")
    if code in _YIELD_OF_OUTPUT and row is None:
        computed = trends.output_from_yield(ctx.wide, _YIELD_OF_OUTPUT[code])
        v = float(computed.get(ctx.period.code, math.nan)) if len(computed) else math.nan
        if not math.isnan(v):
            notes.append(
                f"{ctx.words['area_x_yield']}: {format_number(v, 1, ctx.lang)} "
                f"{catalogue()[code].unit}"
            )
    if ctx.findings is not None and len(ctx.findings):
        hit = checks.findings_for(ctx.findings, ctx.commune.code, ctx.period.code, code)
        notes += [
            f"⚠ {checks.SEVERITY_LABELS_VI[str(f.severity)]}: {f.message_vi}"
            for f in hit.itertuples()
            if f.kind != "missing_indicator"
        ]
    return "; ".join(html.escape(n) for n in notes)


def _synthetic_in(ctx: Context, code: str, p: Period) -> bool:
    """Whether the value of `code` in `p` (or, for a year built from halves, in its halves)
    comes from synthetic rows."""
    r = ctx.rows[ctx.rows["indicator"].astype(str) == code]
    periods = r["period"].astype(str)
    r = r[(periods == p.code) | (periods.str.startswith(f"{p.year}-") & (not p.is_half))]
    return bool(is_synthetic(r).any()) if len(r) else False


def indicator_rows(ctx: Context, codes: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """The figures of a table as text: indicator, unit, value, base, diff, pct, prev_pct,
    source, note — values as in the data; ratios not reported but computable are computed
    and marked so."""
    w, lang, p = ctx.words, ctx.lang, ctx.period
    out = []
    for code in codes:
        ind = catalogue()[code]
        row = _row_of(ctx, code, p.code)
        reported = trends.value(ctx.wide, code, p.code)
        v = trends.value(ctx.full, code, p.code)
        same = trends.change(ctx.full, code, p)
        prev = trends.change(ctx.full, code, p, "previous") if p.is_half else None
        if math.isnan(v):
            value_text, source = w["missing"], ""
        elif math.isnan(reported):
            value_text = format_number(v, 1, lang)
            source = w["computed"]
        else:
            value_text = figure(ctx, code, p, v)
            source = (
                w["fake"]
                if _synthetic_in(ctx, code, p)
                else (w["from_report"] if row is not None else w["from_halves"])
            )
        percent = ind.unit == "%"
        out.append(
            {
                "indicator": ind.name(lang),
                "unit": ind.unit,
                "value": value_text,
                "base": figure(ctx, code, Period.parse(same.base_period), same.base)
                if not math.isnan(same.base)
                else w["missing"],
                "diff": _signed(
                    same.absolute,
                    1 if percent else None,
                    lang,
                    f" {w['points']}" if percent else "",
                ),
                "pct": "" if percent else _signed(same.percent, 1, lang, " %"),
                "prev_pct": "" if percent or prev is None else _signed(prev.percent, 1, lang, " %"),
                "source": source,
                "note": _notes(ctx, code, row),
            }
        )
    return pd.DataFrame(out)


def indicator_table(ctx: Context, codes: tuple[str, ...] | list[str] | str) -> HTML:
    """A table of indicators for the period, beside the same period last year.

    `codes` may be a section name of this notebook (see report_sections.csv)."""
    if isinstance(codes, str):
        codes = section(ctx.notebook, codes).indicators
    w = ctx.words
    t = indicator_rows(ctx, codes)
    head = [
        w["indicator"],
        w["unit"],
        html.escape(ctx.period.label(ctx.lang)),
        w["same"],
        w["diff"],
        w["pct"],
    ]
    cols = ["indicator", "unit", "value", "base", "diff", "pct"]
    if ctx.period.is_half:
        head.append(w["prev_pct"])
        cols.append("prev_pct")
    head += [w["source"], w["note"]]
    cols += ["source", "note"]
    body = [
        [html.escape(str(r[c])) if c != "note" else r[c] for c in cols] for _, r in t.iterrows()
    ]
    return _html_table(head, body, right={2, 3, 4, 5, 6})


def profile(ctx: Context) -> HTML:
    """The commune's profile: area, villages, households, population, ethnic minority share."""
    w, lang = ctx.words, ctx.lang
    codes = section("overview", "profile").indicators
    body = []
    for code in codes:
        ind = catalogue()[code]
        # Profile figures are stocks: the latest value known up to the period.
        col = ctx.wide[code].dropna() if code in ctx.wide else pd.Series(dtype="float64")
        if len(col):
            v, when = float(col.iloc[-1]), str(col.index[-1])
            text = f"{_fmt(v, lang)} {ind.unit}"
            if when != ctx.period.code:
                text += f" ({Period.parse(when).label(lang)})"
        else:
            text = w["missing"]
        body.append([html.escape(ind.name(lang)), html.escape(text)])
    return _html_table([w["indicator"], w["value"]], body, right={1})


def scorecard(ctx: Context, codes: tuple[str, ...] | list[str] | None = None) -> HTML:
    """Cards: name, value with unit, ▲/▼ and the change against the same period last year."""
    codes = codes or section("overview", "scorecard").indicators
    w, lang = ctx.words, ctx.lang
    cards = []
    for code in codes:
        ind = catalogue()[code]
        ch = trends.change(ctx.full, code, ctx.period)
        reported = not math.isnan(trends.value(ctx.wide, code, ctx.period.code))
        if math.isnan(ch.value):
            val = w["missing"]
        else:
            shown = (
                figure(ctx, code, ctx.period, ch.value)
                if reported
                else format_number(ch.value, 1, lang)
            )
            val = f"{shown} {ind.unit}"
        if not ch.comparable:
            arrow, text, color = "–", w["no_base"], "#555"
        elif ch.direction == 0:
            arrow, text, color = "■", w["unchanged"], "#555"
        else:
            up = ch.direction > 0
            arrow, color = ("▲", "#0072B2") if up else ("▼", "#B04A00")
            text = (
                _signed(ch.absolute, 1, lang, f" {w['points']}")
                if ind.unit == "%"
                else _signed(ch.percent, 1, lang, " %")
            )
        cards.append(
            '<div class="dvcq-card" style="display:inline-block;vertical-align:top;width:230px;'
            'margin:6px;padding:10px 12px;border:1px solid #bbb;border-radius:6px">'
            f'<div style="font-size:14px;color:#333">{html.escape(ind.name(lang))}</div>'
            f'<div style="font-size:22px;font-weight:bold">{html.escape(val)}</div>'
            f'<div style="font-size:15px;color:{color}">{arrow} {html.escape(text)} '
            f'<span style="color:#555">({html.escape(w["same"].lower())})</span></div></div>'
        )
    return HTML('<div class="dvcq-scorecard">' + "".join(cards) + "</div>")


def scorecard_chart(
    ctx: Context, codes: tuple[str, ...] | list[str] | None = None, show: bool = True
) -> charts.Chart:
    """The scorecard's changes against the same period last year as one chart (in %; rates in
    percentage points are left to the cards)."""
    codes = codes or section("overview", "scorecard").indicators
    changes = {}
    for code in codes:
        if catalogue()[code].unit == "%":
            continue
        ch = trends.change(ctx.full, code, ctx.period)
        changes[ctx.name(code)] = ch.percent if ch.comparable else math.nan
    used = ctx.rows[
        ctx.rows["period"]
        .astype(str)
        .isin((ctx.period.code, ctx.period.same_period_last_year().code))
    ]
    w = ctx.words
    chart = charts.changes(
        pd.Series(changes, dtype="float64"),
        name="scorecard",
        title=w["change_chart"],
        subtitle=f"{ctx.commune.name} · {ctx.period.label(ctx.lang)}",
        source=_source_note(ctx, used),
        lang=ctx.lang,
    )
    return charts.publish(chart, ctx.output_dir, ctx.notebook, show)


def computed_outputs(ctx: Context) -> HTML:
    """Reported output beside area × yield, per crop, and the grain total beside the sum."""
    w, lang, p = ctx.words, ctx.lang, ctx.period.code
    body = []
    total_computed = 0.0
    for yield_code in ("rice_yield", "maize_yield", "peanut_yield"):
        output, area = catalogue()[yield_code].components
        computed = (
            float(trends.output_from_yield(ctx.wide, yield_code).get(p, math.nan))
            if p in ctx.wide.index
            else math.nan
        )
        reported = trends.value(ctx.wide, output, p)
        if yield_code != "peanut_yield" and not math.isnan(computed):
            total_computed += computed
        gap = (
            (reported - computed) / computed * 100
            if computed and not (math.isnan(reported) or math.isnan(computed))
            else math.nan
        )
        body.append(
            [
                html.escape(ctx.name(output)),
                _fmt(trends.value(ctx.wide, area, p), lang),
                _fmt(trends.value(ctx.wide, yield_code, p), lang),
                _fmt(reported, lang),
                format_number(computed, 1, lang),
                _signed(gap, 1, lang, " %"),
            ]
        )
    grain = trends.value(ctx.wide, "grain_output", p)
    gap = (
        (grain - total_computed) / total_computed * 100
        if total_computed and not math.isnan(grain)
        else math.nan
    )
    body.append(
        [
            html.escape(ctx.name("grain_output")),
            "",
            "",
            _fmt(grain, lang),
            format_number(total_computed or math.nan, 1, lang),
            _signed(gap, 1, lang, " %"),
        ]
    )
    head = [
        w["indicator"],
        f"{ctx.name('rice_area').split()[0]} (ha)",
        "tạ/ha",
        f"{w['reported']} (tấn)",
        f"{w['area_x_yield']} (tấn)",
        w["gap"],
    ]
    return _html_table(head, body, right={1, 2, 3, 4, 5})


def structure(ctx: Context) -> HTML:
    """Production value by crops / livestock / forestry and their shares."""
    w, lang = ctx.words, ctx.lang
    t = trends.shares(ctx.wide, ctx.period)
    body = [
        [html.escape(ctx.name(r.indicator)), _fmt(r.value, lang), format_percent(r.share, 1, lang)]
        for r in t.itertuples()
    ]
    total = t["value"].sum(min_count=1)
    body.append(
        [
            w["total"],
            _fmt(float(total), lang),
            format_percent(100.0 if not math.isnan(total) else math.nan, 1, lang),
        ]
    )
    return _html_table(
        [w["indicator"], f"{w['value']} (tỷ đồng)", w["share"]],
        body,
        right={1, 2},
        bold_rows={len(body) - 1},
    )


def rank_table(
    ctx: Context, codes: tuple[str, ...] | list[str] | str = "rank", scope: str | None = None
) -> HTML:
    """The commune's rank among its peers on totals and per 1.000 people."""
    if isinstance(codes, str):
        codes = section(ctx.notebook, codes).indicators
    w, lang = ctx.words, ctx.lang
    cross = peers(ctx, scope)
    body = []
    for code in codes:
        ind = catalogue()[code]
        asc = code in LOWER_IS_BETTER
        pers = [None] if ind.unit == "%" else [None, "per_1000_people"]
        for per in pers:
            r = trends.rank(cross, code, ctx.commune.code, per, ascending=asc)
            label = ind.name(lang) + (
                "" if per is None else f" ({trends.RATES[per][2 if lang == 'vi' else 3]})"
            )
            body.append(
                [
                    html.escape(label),
                    format_number(r.value, None if per is None else 1, lang)
                    if per is None
                    else format_number(r.value, 1, lang),
                    w["missing"] if math.isnan(r.rank) else f"{int(r.rank)}{w['of']}{r.peers}",
                    "" if math.isnan(r.percentile) else format_number(r.percentile, 0, lang),
                    w["lowest"] if asc else w["highest"],
                ]
            )
    scope_word = w["peers_" + (scope or ctx.scope)]
    head = [w["indicator"], w["value"], f"{w['rank']} ({scope_word})", w["percentile"], ""]
    return _html_table(head, body, right={1, 2, 3})


# ---------------------------------------------------------------------------------------------
# charts
# ---------------------------------------------------------------------------------------------
def _source_note(ctx: Context, rows: pd.DataFrame) -> str:
    w = ctx.words
    parts = []
    for r in sources_table(rows).itertuples(index=False):
        span = r.first if r.first == r.last else f"{r.first}–{r.last}"
        tag = f" [{w['synthetic']}]" if r.synthetic else ""
        parts.append(f"{r.source} ({span}){tag}")
    return f"{w['chart_source']}: " + ("; ".join(parts) if parts else w["missing"])


def _reform_marker(ctx: Context, periods: list[str]) -> tuple[float, str] | None:
    """Where the 1 July 2025 reform falls among a 2025 commune's bars (between two bars)."""
    if not ctx.lineage_vi:
        return None
    after = [Period.parse(p).after_reform for p in periods]
    if not any(after) or all(after):
        return None
    return after.index(True) - 0.5, ctx.words["reform"]


def trend_chart(ctx: Context, code: str, show: bool = True) -> charts.Chart:
    """The same-half series of one indicator over the years up to the period, the report
    period highlighted; saved and displayed once."""
    ind = catalogue()[code]
    s = trends.same_half_series(ctx.full, code, ctx.period)
    used = ctx.rows[
        ctx.rows["indicator"].astype(str).isin((code, *ind.components))
        & ctx.rows["period"].astype(str).isin(s.index)
    ]
    years = [Period.parse(x).year for x in s.index]
    half = (
        ("6 tháng đầu" if ctx.period.half == 1 else "6 tháng cuối")
        if ctx.lang == "vi"
        else (f"H{ctx.period.half}" if ctx.period.half else "")
    )
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else f"{years[0]}"
    subtitle = (
        f"{ctx.commune.name} · {half} {ctx.words['years']} {span}".replace("  ", " ")
        + f" · {ctx.words['period']}: {ctx.period.label(ctx.lang)}"
    )
    chart = charts.bars(
        s,
        name=f"trend-{code}",
        title=f"{ind.name(ctx.lang)} ({ind.unit})",
        subtitle=subtitle,
        source=_source_note(ctx, used),
        unit=ind.unit,
        tick_labels=[str(y) for y in years],
        highlight=ctx.period.code,
        lang=ctx.lang,
        marker=_reform_marker(ctx, list(s.index)),
    )
    return charts.publish(chart, ctx.output_dir, ctx.notebook, show)


def trend_charts(ctx: Context, codes: tuple[str, ...] | list[str] | str = "trend") -> list:
    """A trend chart for each indicator of a section that has any data."""
    if isinstance(codes, str):
        codes = section(ctx.notebook, codes).indicators
    return [trend_chart(ctx, c) for c in codes if c in ctx.full and ctx.full[c].notna().any()]


def output_chart(ctx: Context, show: bool = True) -> charts.Chart:
    """Reported output beside area × yield for rice, maize and peanut."""
    w, p = ctx.words, ctx.period.code
    rows = {}
    for yield_code in ("rice_yield", "maize_yield", "peanut_yield"):
        output, _ = catalogue()[yield_code].components
        computed = trends.output_from_yield(ctx.wide, yield_code)
        rows[ctx.name(output)] = {
            w["reported"]: trends.value(ctx.wide, output, p),
            w["area_x_yield"]: float(computed.get(p, math.nan)) if len(computed) else math.nan,
        }
    frame = pd.DataFrame(rows).T
    used = ctx.rows[ctx.rows["period"].astype(str) == p]
    chart = charts.grouped(
        frame,
        name="outputs",
        title=f"{w['reported']} / {w['area_x_yield']} (tấn)",
        subtitle=f"{ctx.commune.name} · {ctx.period.label(ctx.lang)}",
        source=_source_note(ctx, used),
        unit="tấn",
        lang=ctx.lang,
    )
    return charts.publish(chart, ctx.output_dir, ctx.notebook, show)


def structure_chart(ctx: Context, show: bool = True) -> charts.Chart:
    t = trends.shares(ctx.wide, ctx.period)
    s = pd.Series(t["value"].to_numpy(), index=[ctx.name(c) for c in t["indicator"]])
    used = ctx.rows[
        (ctx.rows["period"].astype(str) == ctx.period.code)
        & ctx.rows["indicator"].astype(str).isin(trends.VALUE_COMPONENTS)
    ]
    chart = charts.bars(
        s,
        name="structure",
        title=f"{ctx.words['value']} (tỷ đồng)",
        subtitle=f"{ctx.commune.name} · {ctx.period.label(ctx.lang)}",
        source=_source_note(ctx, used),
        unit="tỷ đồng",
        highlight="",
        lang=ctx.lang,
    )
    return charts.publish(chart, ctx.output_dir, ctx.notebook, show)


def league_table(ctx: Context, code: str, scope: str | None = None) -> HTML:
    """All peers on one indicator, ranked, the commune highlighted, the total recomputed."""
    w, lang = ctx.words, ctx.lang
    cross = peers(ctx, scope)
    asc = code in LOWER_IS_BETTER
    t = trends.league(cross, code, ascending=asc)
    body, mine = [], set()
    for i, r in enumerate(t.itertuples(index=False)):
        if r.commune_code == ctx.commune.code:
            mine.add(i)
        body.append(
            [
                "" if math.isnan(r.rank) else str(int(r.rank)),
                html.escape(_short_name(r.commune_code, ctx.commune.system)),
                _fmt(r.value, lang),
            ]
        )
    total = trends.aggregate(cross).get(code, math.nan) if len(cross) else math.nan
    if catalogue()[code].aggregation != "none":
        body.append(
            [
                "",
                w["total"],
                format_number(total, None if catalogue()[code].aggregation == "sum" else 1, lang),
            ]
        )
    ind = catalogue()[code]
    head = [w["rank"], w["commune"], f"{html.escape(ind.name(lang))} ({ind.unit})"]
    return _html_table(head, body, right={0, 2}, bold_rows=mine)


def league_chart(
    ctx: Context, code: str, scope: str | None = None, show: bool = True
) -> charts.Chart:
    ind = catalogue()[code]
    cross = peers(ctx, scope)
    t = trends.league(cross, code, ascending=code in LOWER_IS_BETTER)
    names = [_short_name(c, ctx.commune.system) for c in t["commune_code"]]
    s = pd.Series(t["value"].to_numpy(), index=names)
    chart = charts.hbars(
        s,
        name=f"league-{code}",
        title=f"{ind.name(ctx.lang)} ({ind.unit})",
        subtitle=f"{ctx.words['peers_' + (scope or ctx.scope)]} · "
        f"{ctx.period.label(ctx.lang)} · {ctx.commune.name}",
        source=_source_note(ctx, peer_rows(ctx, scope)),
        unit=ind.unit,
        highlight=ctx.commune.short_name,
        lang=ctx.lang,
        percent=ind.unit == "%",
    )
    return charts.publish(chart, ctx.output_dir, ctx.notebook, show)


def league_charts(ctx: Context, codes: str = "league") -> list:
    return [league_chart(ctx, c) for c in section(ctx.notebook, codes).indicators]


def league_tables(ctx: Context, codes: str = "league") -> HTML:
    return HTML("".join(league_table(ctx, c).data for c in section(ctx.notebook, codes).indicators))


def multiples_chart(
    ctx: Context, codes: str = "multiples", scope: str | None = None, show: bool = True
) -> charts.Chart:
    """Small multiples: one panel per indicator, every peer, the commune highlighted."""
    sec = section(ctx.notebook, codes)
    cross = peers(ctx, scope)
    order = sorted(cross.index, key=lambda c: vi_sort_key(_short_name(c, ctx.commune.system)))
    frame = pd.DataFrame(
        {c: cross[c] if c in cross else math.nan for c in sec.indicators}, index=cross.index
    ).loc[order]
    frame.index = [_short_name(c, ctx.commune.system) for c in frame.index]
    titles = [f"{ctx.name(c)} ({catalogue()[c].unit})" for c in sec.indicators]
    chart = charts.small_multiples(
        frame,
        name="multiples",
        title=f"{sec.title(ctx.lang)} — {ctx.period.label(ctx.lang)}",
        panel_titles=titles,
        subtitle=f"{ctx.words['peers_' + (scope or ctx.scope)]} · {ctx.commune.name}",
        source=_source_note(ctx, peer_rows(ctx, scope)),
        highlight=ctx.commune.short_name,
        lang=ctx.lang,
    )
    return charts.publish(chart, ctx.output_dir, ctx.notebook, show)


def merged_units_table(ctx: Context, codes: str = "league") -> HTML:
    """The district's communes of a period before 1 July 2025 redrawn on the 2025 communes they
    became (`remap`): flows and stocks summed, ratios recomputed; a value with a constituent
    missing reads "không đủ số liệu" and names it. Nothing for a 2025 commune's page."""
    if ctx.commune.system != register.LEGACY:
        return HTML("")
    w, lang = ctx.words, ctx.lang
    indicators = section(ctx.notebook, codes).indicators
    new = remap(peer_rows(ctx, "district"), to=register.NEW)
    if new.empty:
        return HTML("")
    mine = {s.code for s, _ in register.successors(ctx.commune.code)}
    body, bold = [], set()
    units = sorted(
        set(new["commune_code"].astype(str)),
        key=lambda c: vi_sort_key(_short_name(c, register.NEW)),
    )
    for i, code in enumerate(units):
        rows = new[new["commune_code"].astype(str) == code].set_index(
            new.loc[new["commune_code"].astype(str) == code, "indicator"].astype(str)
        )
        cells = []
        for ind in indicators:
            r = rows.loc[ind] if ind in rows.index else None
            if r is None:
                cells.append(w["missing"])
            elif r["status"] == "incomplete":
                missing = str(r["missing_constituents"] or "")
                cells.append(
                    f'{w["incomplete"]}<br><span style="font-size:13px;color:#555">'
                    f"{html.escape(missing)}</span>"
                )
            elif catalogue()[ind].kind == "ratio":  # recomputed, not reported: one decimal
                cells.append(format_number(float(r["value"]), 1, lang))
            else:
                cells.append(_fmt(float(r["value"]), lang))
        if code in mine:
            bold.add(i)
        body.append([html.escape(_short_name(code, register.NEW))] + cells)
    head = [w["new_commune"]] + [
        f"{html.escape(ctx.name(c))} ({catalogue()[c].unit})" for c in indicators
    ]
    return HTML(
        f"<h3>{html.escape(w['merged_units'])}</h3>"
        + _html_table(head, body, right=set(range(1, len(head))), bold_rows=bold).data
    )


# ---------------------------------------------------------------------------------------------
# narrative
# ---------------------------------------------------------------------------------------------
def narrative_text(ctx: Context, codes: tuple[str, ...] | list[str] | None = None) -> str:
    codes = codes or section("overview", "narrative").indicators
    return narrative.paragraph(ctx.full, codes, ctx.period, lang=ctx.lang)


def narrative_block(ctx: Context, codes: tuple[str, ...] | list[str] | None = None) -> HTML:
    """The generated narrative, in a box a report writer can copy from."""
    text = narrative_text(ctx, codes) or ctx.words["missing"]
    return HTML(
        '<blockquote class="dvcq-narrative" style="font-size:16px;line-height:1.5;'
        'border-left:4px solid #0072B2;padding:8px 14px;margin:8px 0;background:#F4F8FB">'
        f"{html.escape(text)}</blockquote>"
    )


def section_title(ctx: Context, name: str) -> HTML:
    return HTML(f"<h3>{html.escape(section(ctx.notebook, name).title(ctx.lang))}</h3>")


def section_chart(ctx: Context, name: str, show: bool = True) -> charts.Chart:
    """Bars of a section's indicators in the period (e.g. reception sessions by kind)."""
    sec = section(ctx.notebook, name)
    p = ctx.period.code
    units = {catalogue()[c].unit for c in sec.indicators}
    s = pd.Series(
        [trends.value(ctx.full, c, p) for c in sec.indicators],
        index=[ctx.name(c) for c in sec.indicators],
    )
    used = ctx.rows[
        (ctx.rows["period"].astype(str) == p)
        & ctx.rows["indicator"].astype(str).isin(sec.indicators)
    ]
    unit = units.pop() if len(units) == 1 else ""
    chart = charts.bars(
        s,
        name=name,
        title=f"{sec.title(ctx.lang)} ({unit})" if unit else sec.title(ctx.lang),
        subtitle=f"{ctx.commune.name} · {ctx.period.label(ctx.lang)}",
        source=_source_note(ctx, used),
        unit=unit,
        highlight="",
        lang=ctx.lang,
    )
    return charts.publish(chart, ctx.output_dir, ctx.notebook, show)


def targets_block(ctx: Context) -> HTML:
    """ "Đạt x % kế hoạch" for the indicators a targets file gives (data/targets/*.csv:
    commune_code, period, indicator, target); nothing when there is no targets folder."""
    folder = (ctx.data_dir or DATA_DIR) / "targets"
    if not folder.is_dir():
        return HTML("")
    t = trends.attainment(ctx.full, trends.read_targets(folder), ctx.commune.code, ctx.period)
    if t.empty:
        return HTML("")
    w = ctx.words
    head = [w["indicator"], w["value"], w["target"], w["attained"]]
    body = [
        [
            html.escape(ctx.name(r.indicator)),
            _fmt(r.value, ctx.lang),
            _fmt(r.target, ctx.lang),
            format_percent(r.percent, 1, ctx.lang),
        ]
        for r in t.itertuples()
    ]
    return _html_table(head, body, right={1, 2, 3})


# ---------------------------------------------------------------------------------------------
# data-quality findings
# ---------------------------------------------------------------------------------------------
def findings_block(ctx: Context, domains: tuple[str, ...] | str | None = None) -> HTML:
    """The data-quality findings of the commune and period (`dvcq_lib.checks`), most serious
    first; `domains` keeps those about indicators of these domains (default: the page's)."""
    w = ctx.words
    if isinstance(domains, str):
        domains = (domains,)
    if domains is None and ctx.notebook in ("agriculture", "petitions", "dossiers"):
        domains = (ctx.notebook,)
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
    title = f'<h3 style="margin-bottom:4px">{html.escape(w["findings"])}</h3>'
    if f is None or not len(f):
        return HTML(f'{title}<p class="dvcq-findings-none">{html.escape(w["no_findings"])}</p>')
    body = [
        [
            html.escape(x)
            for x in (
                checks.SEVERITY_LABELS_VI[str(r.severity)],
                ctx.name(r.indicator) if r.indicator in catalogue() else "",
                checks.KIND_LABELS_VI.get(str(r.kind), str(r.kind)),
                str(r.message_vi),
            )
        ]
        for r in f.itertuples()
    ]
    head = [w["severity"], w["indicator"], w["check"], w["message"]]
    return HTML(title + _html_table(head, body, set(), css="dvcq-findings").data)


def findings_counts(ctx: Context) -> HTML:
    """How many findings each commune of the page's peers has in the period, by severity."""
    w = ctx.words
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
    for code in sorted(codes, key=lambda c: vi_sort_key(_short_name(c, system))):
        row = counts.loc[code] if code in getattr(counts, "index", []) else None
        body.append(
            [_short_name(code, system)]
            + [str(int(row[s])) if row is not None else "0" for s in ("error", "warning", "info")]
        )
    head = [w["commune"]] + [checks.SEVERITY_LABELS_VI[s] for s in ("error", "warning", "info")]
    return HTML(
        f'<h3 style="margin-bottom:4px">{html.escape(w["findings"])}</h3>'
        + _html_table(head, body, {1, 2, 3}, css="dvcq-findings").data
    )
