"""A period's total of a seasonal indicator (rice area, maize output, …) from its season rows.

Rules, in order:

1. The total the report gives (the row with `season = ""`) is the total. Its season rows are
   parts of it; a total and its parts are never added together.
2. Otherwise the total is the sum over the seasons — only when no season is missing. Which
   seasons make the period is learnt from the commune itself: the seasons it reported for the
   same indicator in the same months of any year (every H1, every "9 tháng", …). At least
   MIN_YEARS years of season rows for those months are needed before a set of seasons is
   trusted; with fewer, nothing says whether a season is missing and no total is made
   (`unknown_seasons`). A season the commune reported in another year but not in this one makes
   the total `missing_season`. Such sums carry `computed from seasons` in their note.
3. A ratio (a yield) is never summed over seasons: it is recomputed from the totals of its
   components (output / area × 10), only when both totals exist.

Seasonal stocks (none in the catalogue today) are not summed either.

>>> rows = pd.DataFrame({"commune_code": "07273", "period": ["2023-H1"] * 2 + ["2024-H1"] * 2,
...     "indicator": "rice_area", "season": ["dong_xuan", "xuan"] * 2,
...     "value": [100.0, 20.0, 110.0, 25.0]})
>>> season_totals(rows)[["period", "value", "status"]].to_dict("records")[1]
{'period': '2024-H1', 'value': 135.0, 'status': 'computed_from_seasons'}
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from dvcq_lib.catalogue import catalogue, evaluate
from dvcq_lib.exceptions import CatalogueError
from dvcq_lib.periods import Period
from dvcq_lib.seasons import COLUMN, WHOLE, has_seasons, season_column, season_name, season_order
from dvcq_lib.seasons import seasons as seasons_catalogue
from dvcq_lib.synthetic import is_synthetic

#: What a season_totals row is.
REPORTED = "reported"  # the report gives the total
COMPUTED = "computed_from_seasons"  # summed over every season (or recomputed from such sums)
MISSING_SEASON = "missing_season"  # a season this commune reports in these months is absent
UNKNOWN_SEASONS = "unknown_seasons"  # too few years to know which seasons make the period
STATUSES = (REPORTED, COMPUTED, MISSING_SEASON, UNKNOWN_SEASONS)
STATUS_LABELS_VI = {
    REPORTED: "số tổng của báo cáo",
    COMPUTED: "cộng từ các vụ",
    MISSING_SEASON: "thiếu số liệu một vụ: không cộng",
    UNKNOWN_SEASONS: "chưa đủ số liệu để biết kỳ gồm những vụ nào: không cộng",
}
#: Marks a computed total in the `note` column (the words `computed from seasons` a reader and
#: `computed_from_seasons()` look for).
COMPUTED_MARK = "computed from seasons"
#: Years of season rows for the same months (this one included) before the seasons that make a
#: period are trusted: one year alone cannot tell "no vụ Mùa this year" from "vụ Mùa not given".
MIN_YEARS = 2
KEYS = ["commune_code", "period", "indicator"]
COLUMNS = (*KEYS, "value", "status", "seasons", "missing_seasons", "parts_sum", "note")


def _seasonal_codes() -> dict[str, str]:
    """Seasonal indicator code → how its total is made: "sum" (flows) or "formula" (ratios)."""
    out = {}
    for ind in catalogue():
        if not ind.seasonal:
            continue
        if ind.aggregation == "formula" and ind.formula:
            out[ind.code] = "formula"
        elif ind.aggregation == "sum" and ind.kind == "flow":
            out[ind.code] = "sum"
    return out


def _rows(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "commune_code": df["commune_code"].astype(str).to_numpy(),
            "period": df["period"].astype(str).to_numpy(),
            "indicator": df["indicator"].astype(str).to_numpy(),
            "season": season_column(df).to_numpy(),
            "value": df["value"].astype("float64").to_numpy(),
        }
    )


def _names(codes) -> str:
    return " + ".join(season_name(c) for c in season_order(set(codes)))


@cache
def _bits() -> dict[str, int]:
    """Season code → one bit, in calendar order: a set of seasons is an integer (fast groupby)."""
    return {c: 1 << i for i, c in enumerate(season_order(set(seasons_catalogue())))}


def _codes(mask: int) -> tuple[str, ...]:
    return tuple(c for c, b in _bits().items() if mask & b)


def _as_codes(masks: pd.Series) -> pd.Series:
    """Masks → tuples of codes, each distinct mask decoded once."""
    return masks.map({m: _codes(m) for m in masks.unique()})


def _with_masks(s: pd.DataFrame) -> pd.DataFrame:
    """Season rows (of `_rows`) of seasonal indicators with their bit, months span and year."""
    s = s[(s["season"] != WHOLE) & s["indicator"].isin(list(_seasonal_codes()))]
    bits = _bits()
    unknown = sorted(set(s["season"]) - set(bits))
    if unknown:
        raise CatalogueError(
            "mã vụ không có trong data/catalogue/seasons.csv: " + ", ".join(map(repr, unknown))
        )
    s = s.assign(bit=s["season"].map(bits).astype("int64"))
    spans = {p: Period.parse(p) for p in s["period"].unique()}
    s["span"] = s["period"].map(
        {p: f"{x.first_month:02d}-{x.last_month:02d}" for p, x in spans.items()}
    )
    s["year"] = s["period"].map({p: x.year for p, x in spans.items()})
    return s


def _learnt(s: pd.DataFrame) -> pd.DataFrame:
    """Per commune × period × indicator: the seasons reported (mask), the seasons reported in
    the same months of any year (expected mask) and how many such years."""
    by = ["commune_code", "span", "indicator"]
    one = s.drop_duplicates([*by, "year", "bit"])
    have = one.groupby([*KEYS, "span"], sort=False)["bit"].sum().rename("have").reset_index()
    seen = one.drop_duplicates([*by, "bit"]).groupby(by)["bit"].sum().rename("expected")
    years = one.drop_duplicates([*by, "year"]).groupby(by).size().rename("years")
    return have.merge(pd.concat([seen, years], axis=1).reset_index(), on=by, how="left")


def expected_seasons(df: pd.DataFrame) -> pd.DataFrame:
    """Which seasons each commune reports for each seasonal indicator in the months of each of
    its periods: commune_code, period, indicator, expected (tuple of codes, calendar order),
    years (how many years of those months have season rows)."""
    s = _with_masks(_rows(df))
    if s.empty:
        return pd.DataFrame(columns=[*KEYS, "expected", "years"])
    out = _learnt(s)
    out["expected"] = _as_codes(out["expected"])
    return out[[*KEYS, "expected", "years"]].reset_index(drop=True)


def season_totals(df: pd.DataFrame) -> pd.DataFrame:
    """The period total of every seasonal indicator that has season rows, and how it is made.

    Args:
        df: observations (commune_code, period, indicator, value, season); a frame without
            `season` has no season rows and gives an empty result.

    Returns:
        One row per commune × period × indicator with season rows: `value` (NaN unless
        reported or computed), `status` (one of STATUSES), `seasons` (the seasons reported,
        "+"-joined codes), `missing_seasons` (expected but absent), `parts_sum` (the sum of
        the season rows, for a check against a reported total; NaN for ratios), `note`
        (Vietnamese; a computed total says `computed from seasons`).
    """
    how = _seasonal_codes()
    if not has_seasons(df):
        return pd.DataFrame(columns=list(COLUMNS))
    s = _rows(df)
    parts = _with_masks(s)
    if parts.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    whole = s[(s["season"] == WHOLE) & s["indicator"].isin(list(how))]
    whole = whole.drop_duplicates(KEYS).set_index(KEYS)["value"]
    total = parts.groupby(KEYS, sort=False)["value"].sum(min_count=1).rename("total")
    out = _learnt(parts).merge(total.reset_index(), on=KEYS, how="left")
    out["missing"] = out["expected"] & ~out["have"]
    reported = whole.reindex(pd.MultiIndex.from_frame(out[KEYS])).to_numpy()
    has_total = ~np.isnan(reported)
    status = np.select(
        [has_total, out["years"] < MIN_YEARS, out["missing"] != 0],
        [REPORTED, UNKNOWN_SEASONS, MISSING_SEASON],
        COMPUTED,
    )
    out["status"] = status
    out["value"] = np.where(has_total, reported, np.where(status == COMPUTED, out["total"], np.nan))
    is_sum = out["indicator"].map(how) == "sum"
    out.loc[~is_sum & (out["status"] == COMPUTED), "value"] = np.nan  # ratios: below
    out["seasons"] = _as_codes(out["have"])
    out["missing"] = _as_codes(out["missing"])
    kinds = list(zip(out["status"], out["seasons"], out["missing"], strict=True))
    notes = {k: _note(*k) for k in set(kinds)}  # a few distinct notes, written once each
    out["note"] = [notes[k] for k in kinds]
    out = _ratios(out, whole, how)
    out["parts_sum"] = out["total"].where(is_sum)
    out["seasons"] = out["seasons"].map("+".join)
    out["missing_seasons"] = out["missing"].map("+".join)
    return out[list(COLUMNS)].reset_index(drop=True)


def _note(status: str, have: tuple[str, ...], missing: tuple[str, ...]) -> str:
    if status == REPORTED:
        return "Số tổng của báo cáo; các vụ là phần của số này, không cộng thêm"
    if status == COMPUTED:
        return f"Cộng từ các vụ: {_names(have)} ({COMPUTED_MARK})"
    if status == MISSING_SEASON:
        return f"Không có số tổng: thiếu {_names(missing)} (các năm khác có), chỉ có {_names(have)}"
    return (
        f"Không có số tổng: chỉ có {_names(have)}; chưa đủ {MIN_YEARS} năm số liệu cùng "
        "kỳ để biết kỳ gồm những vụ nào"
    )


def _ratios(out: pd.DataFrame, whole: pd.Series, how: dict[str, str]) -> pd.DataFrame:
    """Seasonal ratios (yields) recomputed from their components' period totals."""
    cat = catalogue()
    mine = out.set_index(KEYS)
    totals = pd.concat([whole, mine["value"].where(mine["status"] != REPORTED).dropna()])
    totals = totals[~totals.index.duplicated()].rename("v").reset_index()
    out = out.copy()
    for code in (c for c, h in how.items() if h == "formula"):
        rows = (out["indicator"] == code) & (out["status"] == COMPUTED)
        if not rows.any():
            continue
        ind = cat[code]
        at = out.loc[rows, KEYS[:2]]
        comps = pd.DataFrame(index=out.index[rows])
        for c in ind.components:
            part = totals[totals["indicator"] == c].drop(columns="indicator")
            comps[c] = at.merge(part, on=KEYS[:2], how="left")["v"].to_numpy()
        value = evaluate(ind.formula, comps)
        names = " / ".join(cat[c].name_vi.lower() for c in ind.components)
        out.loc[rows, "value"] = value
        out.loc[rows, "note"] = np.where(
            value.notna(),
            f"Tính lại từ tổng các vụ ({names}) ({COMPUTED_MARK})",
            f"Không có số tổng: thiếu tổng {names} của kỳ",
        )
        out.loc[rows & value.reindex(out.index).isna(), "status"] = MISSING_SEASON
    return out


def with_season_totals(df: pd.DataFrame) -> pd.DataFrame:
    """The observations plus a whole-period row (season "") for every total computed from
    seasons, its note saying so; every input row is kept unchanged, nothing is overwritten.

    The added rows take the catalogue unit and the sources of the season rows they sum."""
    t = season_totals(df)
    t = t[(t["status"] == COMPUTED) & t["value"].notna()].reset_index(drop=True)
    if t.empty:
        return df.copy()
    cat = catalogue()
    keys = pd.MultiIndex.from_frame(t[KEYS])
    sources = pd.Series("", index=keys, dtype=object)
    if "source" in df:
        src = _rows(df).assign(source=df["source"].astype(str).to_numpy())
        src = src[(src["season"] != WHOLE) & (src["source"] != "")]
        src = src.drop_duplicates([*KEYS, "source"])
        several = src.duplicated(KEYS, keep=False)  # joined only where sources differ
        one = src[~several].set_index(KEYS)["source"]
        joined = src[several].groupby(KEYS)["source"].agg("; ".join)
        sources = pd.concat([one, joined]).reindex(keys)
    fill = {
        "value": t["value"].astype("float64").to_numpy(),
        COLUMN: WHOLE,
        "unit": t["indicator"].map(lambda c: cat[c].unit).to_numpy(),
        "source": sources.fillna("").to_numpy(),
        "note": t["note"].to_numpy(),
    }
    if "synthetic" in df:  # a sum of made-up seasons is made up (unknown: say so too)
        fake = _rows(df).assign(synthetic=is_synthetic(df).to_numpy())
        fake = fake[fake["season"] != WHOLE].groupby(KEYS)["synthetic"].any()
        fill["synthetic"] = fake.reindex(keys).fillna(True).astype(bool).to_numpy()
    add = pd.DataFrame({k: t[k].to_numpy() for k in KEYS})
    for col in df.columns:
        if col not in add:
            add[col] = fill.get(col, False if df[col].dtype == bool else "")
    if "note" not in add:
        add["note"] = fill["note"]
    return _concat_typed(df, add)


def _concat_typed(df: pd.DataFrame, add: pd.DataFrame) -> pd.DataFrame:
    """df and new rows in one frame, categorical columns kept categorical (periods ordered)."""
    from dvcq_lib.periods import period_dtype

    cats = list(df.select_dtypes("category").columns)
    out = pd.concat([df.astype({c: object for c in cats}), add], ignore_index=True)
    for c in cats:
        if c == "period":
            out[c] = pd.Categorical(out[c].astype(str), dtype=period_dtype(out[c].astype(str)))
        else:
            known = list(df[c].cat.categories)
            extra = sorted(set(out[c].dropna().astype(str)) - set(map(str, known)))
            out[c] = pd.Categorical(out[c], categories=known + extra)
    for c in df.columns:
        if str(df[c].dtype) == "string":
            out[c] = out[c].astype("string")
    return out


def whole_period(df: pd.DataFrame) -> pd.DataFrame:
    """Whole-period rows only (season ""): the reported totals and the totals computed from
    seasons — what a one-row-per-period frame (`trends.panel`, `wide`) may be built from. A
    frame without season rows comes back as it is (a copy)."""
    if not has_seasons(df):
        return df.copy()
    out = with_season_totals(df)
    return out[season_column(out) == WHOLE].reset_index(drop=True)


def computed_from_seasons(df: pd.DataFrame) -> pd.Series:
    """Which rows are totals computed from seasons (their note carries the mark)."""
    if "note" not in df:
        return pd.Series(False, index=df.index)
    return df["note"].astype(str).str.contains(COMPUTED_MARK, regex=False)


__all__ = [
    "season_totals",
    "with_season_totals",
    "whole_period",
    "expected_seasons",
    "computed_from_seasons",
    "STATUSES",
    "STATUS_LABELS_VI",
    "COMPUTED_MARK",
]
