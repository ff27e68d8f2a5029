"""Half-year trends: changes against the previous half and against the same half of the previous
year ("so với cùng kỳ năm trước"), same-half series over the years and their average growth,
structure and shares, a commune's rank among its peers, attainment of targets.

Seasons: `panel` and `cross_section` hold whole periods only — the reported totals, or the sums
over seasons that `totals.whole_period` allows; a season's figure never stands for the period.
A season is compared with the same season (`season_panel`, `season_changes`). A change against
the previous half-year is made only for indicators whose catalogue `compare_previous` is 1 (H1
against the previous H2 compares two different crop seasons otherwise). Quarters, nine months
and month ranges are compared only with the same months of another year.

Every function is pure: it takes a wide frame (one row per period, or per commune, columns =
indicator codes; see `panel` and `cross_section`) and returns a new value or frame. A missing
period is a gap (NaN), never a zero. Ratios and yields are recomputed from their components with
the catalogue's formula, never averaged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dvcq_lib import datasets
from dvcq_lib.catalogue import catalogue, evaluate
from dvcq_lib.exceptions import ArgumentError, DataValidationError, Problem
from dvcq_lib.numbers import parse_number
from dvcq_lib.periods import Period, period_range
from dvcq_lib.seasons import WHOLE, has_seasons, season_column, season_name, season_order
from dvcq_lib.totals import computed_from_seasons, season_totals, whole_period

#: How an indicator is compared with the past: "previous" half-year or "same_period_last_year".
BASES = ("same_period_last_year", "previous")
#: Denominators for rates used in rankings: code, multiplier, label (vi, en).
RATES: dict[str, tuple[str, float, str, str]] = {
    "per_1000_people": ("population", 1000.0, "trên 1.000 nhân khẩu", "per 1,000 people"),
    "per_ha": ("natural_area", 1.0, "trên 1 ha đất tự nhiên", "per ha of land"),
}
#: Production value components, in the order a report lists them.
VALUE_COMPONENTS = ("crop_value", "livestock_value", "forestry_value")
TARGET_COLUMNS = ("commune_code", "period", "indicator", "target")


# ---------------------------------------------------------------------------------------------
# frames
# ---------------------------------------------------------------------------------------------
def panel(df: pd.DataFrame) -> pd.DataFrame:
    """One commune's tidy rows → a wide frame indexed by period code (calendar order), whole
    periods only: season rows enter as their reported total or their sum (`totals`).

    Raises ArgumentError if the rows hold more than one commune."""
    if df["commune_code"].nunique() > 1:
        raise ArgumentError(
            "panel() cần số liệu của một xã (one commune only)",
            value=sorted(map(str, df["commune_code"].unique())),
        )
    return _periods_wide(whole_period(df) if has_seasons(df) else df)


def season_panel(df: pd.DataFrame, season: str) -> pd.DataFrame:
    """One commune's rows of one season (a code of seasons.csv; "" = the whole period as
    reported, without sums) → a wide frame indexed by period code."""
    if df["commune_code"].nunique() > 1:
        raise ArgumentError(
            "season_panel() cần số liệu của một xã (one commune only)",
            value=sorted(map(str, df["commune_code"].unique())),
        )
    return _periods_wide(df[season_column(df) == season])


def _periods_wide(df: pd.DataFrame) -> pd.DataFrame:
    out = df.pivot_table(
        index="period", columns="indicator", values="value", aggfunc="first", observed=True
    )
    out.columns = out.columns.astype(str)
    out.columns.name = None
    out.index = pd.Index([str(p) for p in out.index], name="period")
    return out.loc[sorted(out.index, key=Period.parse)]


def cross_section(df: pd.DataFrame, period: object) -> pd.DataFrame:
    """Tidy rows → a wide frame of one period, indexed by commune code."""
    p = Period.parse(period)
    periods = df["period"].astype(str)
    rows = df[periods == p.code]
    if has_seasons(rows):
        # which seasons make the period is learnt from the same months of other years
        span = {x: Period.parse(x).month_span == p.month_span for x in periods.unique()}
        same = periods.map(span).astype(bool) & df["commune_code"].isin(rows["commune_code"])
        whole = whole_period(df[same])
        rows = whole[whole["period"].astype(str) == p.code]
    out = rows.pivot_table(
        index="commune_code", columns="indicator", values="value", aggfunc="first", observed=True
    )
    out.columns = out.columns.astype(str)
    out.columns.name = None
    out.index = out.index.astype(str)
    return out


def value(wide: pd.DataFrame, indicator: str, row: object) -> float:
    """One cell, NaN when the row or the column is absent."""
    key = Period.parse(row).code if isinstance(row, Period) else str(row)
    if indicator not in wide.columns or key not in wide.index:
        return math.nan
    v = wide.at[key, indicator]
    return float(v) if pd.notna(v) else math.nan


def recomputed(wide: pd.DataFrame, indicator: str) -> pd.Series:
    """A formula indicator recomputed from its components in every row (NaN when one lacks)."""
    ind = catalogue()[indicator]
    if not ind.formula:
        raise ArgumentError(f"{indicator} không có công thức (no formula)", value=indicator)
    return evaluate(ind.formula, wide)


def with_recomputed(wide: pd.DataFrame) -> pd.DataFrame:
    """Formula indicators filled from their components where the data does not give them.

    A reported value always wins: the figure is printed as the commune wrote it."""
    out = wide.copy()
    for ind in catalogue():
        if ind.aggregation == "formula" and ind.formula and set(ind.components) <= set(out):
            computed = evaluate(ind.formula, out)
            out[ind.code] = out[ind.code].fillna(computed) if ind.code in out else computed
    return out


def annual_from_halves(wide: pd.DataFrame) -> pd.DataFrame:
    """Whole years built from a period-indexed frame of half-years, where a year has no row of
    its own: flows are H1 + H2 (both needed), stocks are the value at the end of H2, ratios are
    recomputed from those components. A year given in the data is kept as given."""
    cat = catalogue()
    halves = {Period.parse(p): p for p in wide.index}
    rows = {}
    for year in sorted({p.year for p in halves if p.is_half}):
        h1, h2 = Period(year, 1).code, Period(year, 2).code
        if h1 not in wide.index or h2 not in wide.index or Period(year) in halves:
            continue
        row = {}
        for code in wide.columns:
            kind = cat[code].kind if code in cat else "stock"
            if kind == "flow":
                row[code] = wide.at[h1, code] + wide.at[h2, code]  # NaN if either half lacks
            elif kind == "stock":
                row[code] = wide.at[h2, code]
        rows[str(year)] = row
    years = pd.DataFrame.from_dict(rows, orient="index", columns=list(wide.columns))
    for ind in cat:
        if ind.kind == "ratio" and ind.code in years and set(ind.components) <= set(years):
            years[ind.code] = evaluate(ind.formula, years)
    given = wide.loc[[p for p in wide.index if Period.parse(p).is_year]]
    out = pd.concat([given, years.astype("float64")])
    out.index.name = "period"
    return out.loc[sorted(out.index, key=Period.parse)]


def output_from_yield(wide: pd.DataFrame, yield_code: str) -> pd.Series:
    """Output computed from area × yield (e.g. rice 219,5 ha × 58 tạ/ha = 1.273,1 tấn).

    The catalogue defines the yield as output / area × k; the output is yield × area / k."""
    ind = catalogue()[yield_code]
    if len(ind.components) != 2:
        raise ArgumentError(
            f"{yield_code} không phải năng suất = sản lượng / diện tích (not a yield)",
            value=yield_code,
        )
    output, area = ind.components
    k = ind.compute({output: 1.0, area: 1.0})
    nan = pd.Series(math.nan, index=wide.index)
    y = wide[yield_code] if yield_code in wide else nan
    a = wide[area] if area in wide else nan
    return (y * a / k).astype("float64")


def aggregate(cross: pd.DataFrame) -> pd.Series:
    """Totals over communes: flows and stocks summed (min_count=1 so all-missing stays NaN),
    ratios recomputed from the summed components, `none` indicators left out."""
    cat = catalogue()
    sums = {c: cross[c].sum(min_count=1) for c in cross if c in cat and cat[c].aggregation == "sum"}
    total = pd.DataFrame([sums])
    for ind in cat:
        if ind.aggregation == "formula" and ind.formula and set(ind.components) <= set(total):
            total[ind.code] = evaluate(ind.formula, total)
    return total.iloc[0]


# ---------------------------------------------------------------------------------------------
# change
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """A value against a base period: absolute and percent change (NaN when one side lacks)."""

    indicator: str
    period: str
    base_period: str
    value: float
    base: float
    #: Why there is no base, when the comparison is not made (Vietnamese).
    note: str = ""

    @property
    def absolute(self) -> float:
        return self.value - self.base

    @property
    def percent(self) -> float:
        if math.isnan(self.value) or math.isnan(self.base) or self.base == 0:
            return math.nan
        return (self.value - self.base) / self.base * 100

    @property
    def direction(self) -> int:
        """+1 up, -1 down, 0 equal, 0 also when not comparable (see `comparable`)."""
        if not self.comparable or self.absolute == 0:
            return 0
        return 1 if self.absolute > 0 else -1

    @property
    def comparable(self) -> bool:
        return not (math.isnan(self.value) or math.isnan(self.base))


def base_period(period: object, against: str = "same_period_last_year") -> Period:
    p = Period.parse(period)
    if against not in BASES:
        raise ArgumentError(
            f"against={against!r} không hợp lệ (unknown basis)", value=against, accepted=BASES
        )
    return p.same_period_last_year() if against == "same_period_last_year" else p.previous()


def change(
    wide: pd.DataFrame, indicator: str, period: object, against: str = "same_period_last_year"
) -> Change:
    """The change of one indicator in a period-indexed wide frame.

    >>> w = pd.DataFrame({"rice_area": [215.0, 219.5]}, index=["2023-H1", "2024-H1"])
    >>> round(change(w, "rice_area", "2024-H1").percent, 2)
    2.09
    """
    p = Period.parse(period)
    b = base_period(p, against)
    v = value(wide, indicator, p.code)
    if against == "previous" and not _compares_previous(indicator):
        return Change(indicator, p.code, b.code, v, math.nan, NO_PREVIOUS_VI)
    return Change(indicator, p.code, b.code, v, value(wide, indicator, b.code))


#: Why a seasonal flow has no change against the previous half-year.
NO_PREVIOUS_VI = "không so với kỳ liền trước: hai kỳ là hai vụ khác nhau"


def _compares_previous(indicator: str) -> bool:
    cat = catalogue()
    return cat[indicator].compare_previous if indicator in cat else True


def changes(
    wide: pd.DataFrame,
    period: object,
    indicators: list[str] | tuple[str, ...],
    against: str = "same_period_last_year",
) -> pd.DataFrame:
    """Changes of several indicators: indicator, value, base, absolute, percent."""
    rows = [change(wide, c, period, against) for c in indicators]
    return pd.DataFrame(
        {
            "indicator": [r.indicator for r in rows],
            "value": [r.value for r in rows],
            "base": [r.base for r in rows],
            "absolute": [r.absolute for r in rows],
            "percent": [r.percent for r in rows],
        }
    )


def season_changes(
    df: pd.DataFrame, period: object, indicators: list[str] | tuple[str, ...] | None = None
) -> pd.DataFrame:
    """One commune's figures of a period by season, each against the same season of the same
    months a year before — the table a page shows where the data has seasons.

    Args:
        df: the commune's tidy rows (several years), with or without a `season` column.
        period: the period shown.
        indicators: codes to show (default: every seasonal indicator with season rows).

    Returns:
        indicator, season ("" = whole period first, then seasons in calendar order),
        season_name, value, base, base_period, absolute, percent, computed (the whole-period
        value is a sum over seasons, not reported), note. Empty when there are no seasons.
    """
    p = Period.parse(period)
    b = p.same_period_last_year()
    seasons = season_column(df)
    periods = df["period"].astype(str)
    shown = periods.isin([p.code, b.code])
    here = df[(periods == p.code) & (seasons != WHOLE)]
    codes = (
        list(indicators)
        if indicators is not None
        else list(dict.fromkeys(str(c) for c in here["indicator"]))
    )
    whole_rows = whole_period(df)
    whole = _periods_wide(whole_rows) if len(whole_rows) else pd.DataFrame()
    mine = whole_rows["period"].astype(str) == p.code
    computed = set(
        whole_rows.loc[computed_from_seasons(whole_rows) & mine, "indicator"].astype(str)
    )
    totals = season_totals(df)  # why a whole-period value is absent, in words
    why = {
        str(i): n
        for i, n, per in zip(totals["indicator"], totals["note"], totals["period"], strict=True)
        if per == p.code
    }
    rows = []
    for code in codes:
        have = set(seasons[(df["indicator"].astype(str) == code) & shown])
        for season in season_order(have | {WHOLE}):
            w = whole if season == WHOLE else season_panel(df, season)
            ch = change(w, code, p)
            note = ch.note
            if season == WHOLE and math.isnan(ch.value) and code in why:
                note = why[code]
            rows.append(
                {
                    "indicator": code,
                    "season": season,
                    "season_name": season_name(season) if season else "",
                    "value": ch.value,
                    "base": ch.base,
                    "base_period": b.code,
                    "absolute": ch.absolute,
                    "percent": ch.percent,
                    "computed": season == WHOLE and code in computed,
                    "note": note,
                }
            )
    cols = [
        "indicator", "season", "season_name", "value", "base", "base_period", "absolute",
        "percent", "computed", "note",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


# ---------------------------------------------------------------------------------------------
# same-half series
# ---------------------------------------------------------------------------------------------
def same_half_series(
    wide: pd.DataFrame, indicator: str, period: object, first: object | None = None
) -> pd.Series:
    """Every period of the same months (every H1, every year, every Q3, every "5 tháng đầu năm")
    up to `period`, from the first year with data (or `first`); years without data are NaN
    gaps, never zeros."""
    p = Period.parse(period)
    same = [Period.parse(x) for x in wide.index]
    same = [x for x in same if x.month_span == p.month_span and x <= p]
    start = Period.parse(first) if first is not None else (min(same) if same else p)
    years = [p.in_year(y) for y in range(start.year, p.year + 1)]
    s = pd.Series(
        [value(wide, indicator, x.code) for x in years],
        index=pd.Index([x.code for x in years], name="period"),
        name=indicator,
        dtype="float64",
    )
    return s


def series(wide: pd.DataFrame, indicator: str, first: object, last: object) -> pd.Series:
    """Every half-year from first to last (gaps NaN)."""
    periods = period_range(first, last)
    return pd.Series(
        [value(wide, indicator, x.code) for x in periods],
        index=pd.Index([x.code for x in periods], name="period"),
        name=indicator,
        dtype="float64",
    )


def cagr(s: pd.Series) -> float:
    """Average annual growth in % between the first and last available points of a same-half
    series (index = period codes); NaN with fewer than two points or a non-positive start."""
    points = s.dropna()
    if len(points) < 2:
        return math.nan
    p0, p1 = Period.parse(points.index[0]), Period.parse(points.index[-1])
    years = p1.year - p0.year
    v0, v1 = float(points.iloc[0]), float(points.iloc[-1])
    if years <= 0 or v0 <= 0 or v1 < 0:
        return math.nan
    return ((v1 / v0) ** (1 / years) - 1) * 100


# ---------------------------------------------------------------------------------------------
# structure
# ---------------------------------------------------------------------------------------------
def shares(
    wide: pd.DataFrame, period: object, components: tuple[str, ...] = VALUE_COMPONENTS
) -> pd.DataFrame:
    """Structure of a total: indicator, value, share in % of the sum of the available parts.

    Missing parts stay NaN and are left out of the total (the frame says which)."""
    key = Period.parse(period).code
    values = [value(wide, c, key) for c in components]
    total = sum(v for v in values if not math.isnan(v))
    have = any(not math.isnan(v) for v in values)
    return pd.DataFrame(
        {
            "indicator": list(components),
            "value": values,
            "share": [
                v / total * 100 if have and total and not math.isnan(v) else math.nan
                for v in values
            ],
        }
    )


# ---------------------------------------------------------------------------------------------
# rank among peers
# ---------------------------------------------------------------------------------------------
def rate(cross: pd.DataFrame, indicator: str, per: str | None = None) -> pd.Series:
    """The indicator per commune, optionally as a rate (see RATES); NaN where it lacks."""
    nan = pd.Series(math.nan, index=cross.index, dtype="float64")
    v = cross[indicator].astype("float64") if indicator in cross else nan
    if per is None:
        return v
    if per not in RATES:
        raise ArgumentError(f"per={per!r} không hợp lệ (unknown rate)", value=per, accepted=RATES)
    denom_code, mult, _, _ = RATES[per]
    d = cross[denom_code].astype("float64") if denom_code in cross else nan
    return (v / d.where(d > 0) * mult).astype("float64")


def league(
    cross: pd.DataFrame, indicator: str, per: str | None = None, ascending: bool = False
) -> pd.DataFrame:
    """Communes ranked on an indicator (largest = 1 unless `ascending`): commune_code, value,
    rank (ties share the best rank), percentile (share of peers at or below, in %).

    Communes without the value are listed last with rank NaN."""
    v = rate(cross, indicator, per)
    have = v.dropna()
    rank = have.rank(ascending=ascending, method="min")
    pct = have.rank(ascending=not ascending, method="max", pct=True) * 100
    out = pd.DataFrame({"commune_code": v.index.astype(str), "value": v.to_numpy()})
    out["rank"] = out["commune_code"].map(rank)
    out["percentile"] = out["commune_code"].map(pct)
    out["peers"] = len(have)
    return out.sort_values(["rank", "commune_code"], na_position="last").reset_index(drop=True)


@dataclass(frozen=True)
class Rank:
    commune_code: str
    indicator: str
    value: float
    rank: float
    peers: int
    percentile: float


def rank(
    cross: pd.DataFrame,
    indicator: str,
    commune_code: str,
    per: str | None = None,
    ascending: bool = False,
) -> Rank:
    """One commune's place in `league`; rank NaN when it has no value."""
    table = league(cross, indicator, per, ascending).set_index("commune_code")
    n = int(table["peers"].iloc[0]) if len(table) else 0
    if commune_code not in table.index:
        return Rank(commune_code, indicator, math.nan, math.nan, n, math.nan)
    r = table.loc[commune_code]
    return Rank(
        commune_code, indicator, float(r["value"]), float(r["rank"]), n, float(r["percentile"])
    )


# ---------------------------------------------------------------------------------------------
# targets
# ---------------------------------------------------------------------------------------------
def _targets(raw: pd.DataFrame) -> pd.DataFrame:
    """Rows of a targets file its contract (`contracts.Targets`) accepted, typed."""
    from dvcq_lib.register import normalize_code

    return pd.DataFrame(
        {
            "commune_code": raw["commune_code"].map(normalize_code),
            "period": raw["period"].map(lambda p: Period.parse(p).code),
            "indicator": raw["indicator"],
            "target": raw["target"].map(lambda t: parse_number(t, "plain")),
        },
        columns=list(TARGET_COLUMNS),
    )


def read_targets(path: Path | str) -> pd.DataFrame:
    """Targets from a CSV file or every CSV of a folder (e.g. data/targets/):
    commune_code, period, indicator, target (dot decimal). Every problem is reported at once.

    Raises DataValidationError naming file, row and value."""

    path = Path(path)
    files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
    frames, problems = [], []
    for f in files:
        try:
            raw = datasets.frame("targets", f)
        except FileNotFoundError:
            problems.append(Problem(str(f), None, "", str(f), "không tìm thấy tệp (not found)"))
            continue
        except datasets.READ_ERRORS as e:
            problems.append(
                Problem(str(f), None, "", type(e).__name__, f"không đọc được tệp CSV UTF-8: {e}")
            )
            continue
        if found := datasets.problems("targets", raw, lookups={"catalogue": catalogue}):
            problems += found
            continue
        frames.append(_targets(raw))
    if problems:
        raise DataValidationError(problems, context="chỉ tiêu kế hoạch (targets)")
    if not frames:
        return pd.DataFrame(columns=list(TARGET_COLUMNS))
    return pd.concat(frames, ignore_index=True)


def attainment(
    wide: pd.DataFrame, targets: pd.DataFrame, commune_code: str, period: object
) -> pd.DataFrame:
    """ "Đạt x % kế hoạch": indicator, value, target, percent (value / target × 100)."""
    key = Period.parse(period).code
    t = targets[(targets["commune_code"] == commune_code) & (targets["period"] == key)]
    vals = [value(wide, c, key) for c in t["indicator"]]
    out = pd.DataFrame(
        {
            "indicator": t["indicator"].to_numpy(),
            "value": vals,
            "target": t["target"].astype("float64").to_numpy(),
        }
    )
    out["percent"] = (out["value"] / out["target"].where(out["target"] > 0) * 100).astype("float64")
    return out.reset_index(drop=True)
