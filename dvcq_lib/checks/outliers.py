"""Outliers: figures far from a commune's own history, or far from its peers in the same period.

Both use the modified z-score of Iglewicz & Hoaglin (1993), M = 0.6745 (x − median) / MAD,
which a single wild value cannot drag the way it drags a mean and a standard deviation — the
point when a commune has only a handful of half-years.

- Over time: the same-half change (2023-H1 against 2022-H1, so the season cancels) measured
  against the commune's own changes. A value that jumps up and straight back down is reported
  once, at the period that holds it. A change shared by the whole district (a swine-fever year)
  is reported as information, not as a warning.
- Among peers: the commune against the other communes of its district (legacy units) or province
  (2025 units) in the same period, on a per-capita, per-ha or ratio basis, relative to where the
  commune usually stands among them: a town always has little rice; that is not news, a
  sudden move away from its usual place is.

Seasons and kinds of period: a season's figure is compared only with the same season (its own
history, its peers' same season), and a period only with the same months (a commune's quarters
and its half-years are two histories, never one). The peer bases (population, natural area)
are the whole period's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dvcq_lib import communes
from dvcq_lib.catalogue import catalogue
from dvcq_lib.checks.codes import (
    as_category,
    combine,
    group_ids,
    group_median,
    group_size,
    inner_join,
    lookup,
    season_codes,
    sorted_within,
    text_codes,
)
from dvcq_lib.checks.findings import as_findings, number_text, percent_text
from dvcq_lib.periods import Period
from dvcq_lib.seasons import WHOLE, season_name
from dvcq_lib.units import units

#: |M| above this is an outlier (Iglewicz & Hoaglin's recommended cut-off).
MODIFIED_Z_THRESHOLD = 3.5
#: MAD × 1/0.6745 estimates the standard deviation of normal data.
MAD_FACTOR = 0.6745
#: A commune needs this many same-half changes before its own history can judge one.
MIN_CHANGES = 4
#: Floor on the MAD of changes (symmetric relative change): a commune whose figures barely move
#: would otherwise make a 3 % change look extreme. With the floor a change must sit ≥ ~26 %
#: away from the commune's usual change before it is flagged.
MIN_CHANGE_MAD = 0.05
#: Fewest communes (the commune included) for a peer comparison to mean anything.
MIN_PEERS = 5
#: Periods a commune needs before "where it usually stands among its peers" is estimated;
#: with fewer, it is compared with its peers directly.
MIN_PEER_HISTORY = 4
#: Floor on the MAD of positions among peers (log scale) once each commune's usual place is
#: known: 2 % is the rounding of a figure written to two or three digits.
MIN_PEER_MAD = 0.02
#: Floor when a commune has no history to say where it usually stands (a 2025 commune with two
#: half-years): communes genuinely differ 1,5–2× per capita or per ha, so only a figure ~5× off
#: its peers' median (log 0,3 × 3,5 / 0,6745 ≈ 1,56) is flagged — a slip of units or digits.
MIN_PEER_MAD_NO_HISTORY = 0.3
#: Series whose median is under this (about ten petitions a half-year, a backlog of a dozen
#: dossiers) move by a few units at a time, which is a large percentage that says nothing.
#: A ratio is judged by the level of its components (a rate over 10 petitions is as noisy).
MIN_LEVEL = 30.0
#: From this |modified z| an outlier is a warning (a digit too many, a unit slip: the planted
#: ×10 faults score 15–60); between the threshold and this it is information, because one
#: figure in a few hundred lands there by plain noise.
STRONG_Z = 7.0
SEVERITY_STRONG = "warning"
SEVERITY_WEAK = "info"
#: Basis of the peer comparison by unit dimension: code to divide by, display scale, label.
#: Ratios (yields, rates, shares) are compared as they are.
PEER_BASIS = {
    "area": ("natural_area", 100.0, "ha/100 ha đất tự nhiên"),
    "mass": ("natural_area", 100.0, "tấn/100 ha đất tự nhiên"),
    "money": ("population", 1000.0, "tỷ đồng/1.000 dân"),
    "head": ("population", 1000.0, "con/1.000 dân"),
    "household": ("population", 1000.0, "hộ/1.000 dân"),
    "village": ("population", 1000.0, "thôn/1.000 dân"),
    "dossier": ("population", 1000.0, "hồ sơ/1.000 dân"),
    "petition": ("population", 1000.0, "đơn/1.000 dân"),
    "session": ("population", 1000.0, "buổi/1.000 dân"),
    "visit": ("population", 1000.0, "lượt/1.000 dân"),
}
#: Indicators never compared among peers: the bases themselves, and counts of a kind of thing
#: (ethnic groups) that has no sensible per-capita reading.
PEER_SKIP = ("natural_area", "population", "ethnic_groups")


def modified_z(x: pd.Series, center: pd.Series, mad: pd.Series, floor: float) -> pd.Series:
    """Iglewicz–Hoaglin modified z-score, with a floor on the MAD (robust to flat histories)."""
    return MAD_FACTOR * (x - center) / np.maximum(mad, floor)


def _leave_one_out_median(s: pd.Series) -> pd.Series:
    """For each value, the median of the others: a suspect value does not set its own baseline."""
    return _leave_one_out_medians(s, np.zeros(len(s), dtype=np.int64))


def _leave_one_out_medians(values: pd.Series, groups: np.ndarray) -> pd.Series:
    """`_leave_one_out_median` within each group (integer group ids), for every group at once:
    values sorted within their group, the median of the others read at the rank it shifts to."""
    x = values.to_numpy(dtype="float64")
    order = sorted_within(groups, x)
    g, xs = groups[order], x[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    sizes = np.diff(np.r_[starts, len(g)])
    start = np.repeat(starts, sizes)
    n = np.repeat(sizes, sizes)
    rank = np.arange(len(g)) - start
    rest = n - 1  # how many others

    def other(j: np.ndarray) -> np.ndarray:
        """The j-th smallest of the others (j < rest): skip the value itself."""
        pos = start + j + (j >= rank)
        return xs[np.minimum(pos, len(xs) - 1)]

    mid = rest // 2
    upper = other(np.maximum(mid, 0))
    lower = other(np.maximum(mid - 1, 0))
    med = np.where(rest % 2 == 1, upper, (lower + upper) / 2)
    med = np.where(rest > 0, med, np.nan)
    out = np.empty(len(x))
    out[order] = med
    return pd.Series(out, index=values.index)


def _mad(s: pd.Series) -> float:
    return float((s - s.median()).abs().median())


def _group_mad(values: pd.Series, center: pd.Series, by: list) -> pd.Series:
    """`_mad` of every group at once: the median absolute deviation from its median `center`."""
    return (values - center).abs().groupby(by, observed=True, sort=False).transform("median")


def _peer_group(codes: pd.Series, periods: pd.Series) -> pd.DataFrame:
    """System and peer group (`communes.peer_groups`: the legacy district, or the province of
    a 2025 commune) of each row; None for a unit without peers."""
    keys = communes.keys(pd.DataFrame({"commune_code": codes, "period": periods}))
    groups = communes.peer_groups(keys.unique())
    system = keys.str.partition(":")[0]
    group = keys.map(lambda k: groups[k] or None)
    return pd.DataFrame({"system": system.values, "group": group.values}, index=codes.index)


def _codes(s: pd.DataFrame, cols: list[str]) -> np.ndarray:
    """Group ids of the rows of `_long`'s frame by its categorical columns (−1: in no group,
    as a missing peer group is in none)."""
    return group_ids(*(s[c].cat.codes.to_numpy() for c in cols))


def _key(s: pd.DataFrame, cols: list[str], **instead: np.ndarray) -> np.ndarray:
    """One int64 key per row of `_long`'s frame over `cols` (codes of a column replaced by
    `instead[col]`, in the same code space), comparable between frames of one `_long`."""
    keys = [instead[c] if c in instead else s[c].cat.codes.to_numpy() for c in cols]
    return combine(keys, [len(s[c].cat.categories) for c in cols])


def _recode(coded: tuple[np.ndarray, np.ndarray], like: pd.Series) -> np.ndarray:
    """Codes of `text_codes` as codes of the categorical `like` (−1: a text it lacks)."""
    codes, texts = coded
    return pd.Index(like.cat.categories, dtype=object).get_indexer(texts)[codes]


def _long(df: pd.DataFrame) -> pd.DataFrame:
    """Every row as categoricals over its distinct texts (commune_code, period, indicator,
    season, span, system and peer `group`, NaN for none) and its value; the series whose
    level is too low to judge (`_level_enough`) left out."""
    commune, commune_texts = text_codes(df["commune_code"])
    period, period_texts = text_codes(df["period"])
    indicator, indicator_texts = text_codes(df["indicator"])
    season, season_texts = season_codes(df)
    value = df["value"].to_numpy(dtype="float64")
    spans = ["-".join(f"{m:02d}" for m in Period.parse(p).month_span) for p in period_texts]
    span_of, span_texts = pd.factorize(pd.Index(spans, dtype=object))
    # the peer group of each commune × period, looked up once per pair (not per row)
    pair, pairs = pd.factorize(commune * len(period_texts) + period)
    groups = _peer_group(
        pd.Series(commune_texts[pairs // len(period_texts)]),
        pd.Series(period_texts[pairs % len(period_texts)]),
    )
    system_of, system_texts = pd.factorize(groups["system"].to_numpy(dtype=object))
    group_of, group_texts = pd.factorize(groups["group"].to_numpy(dtype=object))
    s = pd.DataFrame(
        {
            "commune_code": as_category(commune, commune_texts),
            "period": as_category(period, period_texts),
            "indicator": as_category(indicator, indicator_texts),
            "value": value,
            "season": as_category(season, season_texts),
            "span": as_category(span_of[period], np.asarray(span_texts, dtype=object)),
            "system": as_category(system_of[pair], np.asarray(system_texts, dtype=object)),
            "group": as_category(group_of[pair], np.asarray(group_texts, dtype=object)),
        },
        index=df.index,
    )
    keys = ["system", "commune_code", "season", "indicator"]
    level_of = _codes(s, keys)
    level = group_median(np.abs(value), level_of)
    ok = _level_enough(s, level_of, level)
    return s[ok[level_of]].reset_index(drop=True)


def _level_enough(s: pd.DataFrame, level_of: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Per level group (system, commune, season, indicator: `level_of`): whether its
    components' usual levels (median |value|; the indicator's own when none of its components
    is there) reach MIN_LEVEL."""
    n_groups = int(level_of.max()) + 1 if len(level_of) else 0
    first = np.zeros(n_groups, dtype=np.int64)
    first[level_of[::-1]] = np.arange(len(level_of))[::-1]  # a row of each group
    g = s.iloc[first]
    group_level = level[first]
    own = group_level >= MIN_LEVEL
    cols = ["system", "commune_code", "season", "indicator"]
    table = _key(g, cols)
    indicators = list(s["indicator"].cat.categories)
    code_of = {c: i for i, c in enumerate(indicators)}
    ind = g["indicator"].cat.codes.to_numpy()
    found = np.zeros(n_groups, dtype=bool)
    enough = np.ones(n_groups, dtype=bool)
    cat = catalogue()
    for i, code in enumerate(indicators):
        comps = cat[code].components if code in cat else ()
        rows = np.flatnonzero(ind == i)
        if not comps or not len(rows):
            continue
        for c in dict.fromkeys(comps):
            if c not in code_of:
                continue
            sub = g.iloc[rows]
            at = lookup(_key(sub, cols, indicator=np.full(len(rows), code_of[c])), table)
            hit = at >= 0
            found[rows[hit]] = True
            enough[rows[hit]] &= group_level[at[hit]] >= MIN_LEVEL
    return np.where(found, enough, own)


def _in_season(season: str, text: str) -> str:
    """The message, prefixed with the season it is about ("Vụ Mùa: …")."""
    if not season:
        return text
    name = season_name(season)
    return f"{name[:1].upper()}{name[1:]}: {text}"


def _group_label(system: str) -> str:
    return communes.scope_label(system)


def _value_text(value: float, code: str) -> str:
    unit = catalogue()[code].unit
    return percent_text(value) if unit == "%" else f"{number_text(round(value, 2))} {unit}"


# ---------------------------------------------------------------------------------------------
# over time
# ---------------------------------------------------------------------------------------------
def same_half_changes(df: pd.DataFrame) -> pd.DataFrame:
    """Each value against the same half of the previous year, same commune and register.

    `change` is the symmetric relative change (v − v₀) / ((|v| + |v₀|) / 2): bounded, defined
    when one value is 0, and the same size up and down."""
    s = _long(df)
    periods = list(s["period"].cat.categories)
    last_year = [Period.parse(p).same_period_last_year().code for p in periods]
    ly_code = pd.Index(periods, dtype=object).get_indexer(pd.Index(last_year, dtype=object))
    period = s["period"].cat.codes.to_numpy()
    keys = ["commune_code", "system", "period", "season", "indicator"]
    rows, before = inner_join(_key(s, keys, period=ly_code[period]), _key(s, keys))
    value_ly = s["value"].to_numpy()[before]
    s = s.iloc[rows].reset_index(drop=True)
    s["period_ly"] = pd.Categorical.from_codes(
        np.asarray(ly_code, dtype=np.int64)[period[rows]],
        categories=pd.Index(periods, dtype=object),
    )
    s["value_ly"] = value_ly
    mean = (s["value"].abs() + s["value_ly"].abs()) / 2
    s["change"] = np.where(mean > 0, (s["value"] - s["value_ly"]) / mean.where(mean > 0), 0.0)
    return s


def _next_year(period: str) -> str:
    p = Period.parse(period)
    return p.in_year(p.year + 1).code


def _from_change(value_ly: float, change: float) -> float:
    """The value that a symmetric change `change` from `value_ly` gives."""
    return value_ly * (2 + change) / (2 - change) if change != 2 else float("nan")


def time_outliers(df: pd.DataFrame, threshold: float = MODIFIED_Z_THRESHOLD) -> pd.DataFrame:
    """Findings (kind "outlier_time"): same-half changes far from the commune's own changes.

    Args:
        df: observations with the commune's history (several years of the same half).
        threshold: |modified z| above which a change is reported.
    """
    s = same_half_changes(df)
    if s.empty:
        return as_findings([])
    own = _codes(s, ["system", "commune_code", "span", "season", "indicator"])
    change = s["change"].to_numpy()
    s["n"] = group_size(own)
    s["center"] = group_median(change, own)
    s["mad"] = group_median(np.abs(change - s["center"].to_numpy()), own)
    s = s[s["n"] >= MIN_CHANGES].copy()
    s["z"] = modified_z(s["change"], s["center"], s["mad"], MIN_CHANGE_MAD)
    peers = _codes(s, ["system", "group", "period", "season", "indicator"])
    s["peer_n"] = group_size(peers)
    s["peer_change"] = group_median(s["change"].to_numpy(), peers)
    s["z_vs_peers"] = modified_z(s["change"] - s["peer_change"], 0.0, s["mad"], MIN_CHANGE_MAD)
    flagged = s[s["z"].abs() > threshold].copy()
    # A spike: up into period t, straight back down at t + 1 year → one finding, at t.
    nxt = flagged[["commune_code", "system", "season", "indicator", "period_ly", "z"]].rename(
        columns={"period_ly": "period", "z": "z_next"}
    )
    flagged = flagged.merge(
        nxt, on=["commune_code", "system", "season", "indicator", "period"], how="left"
    )
    flagged["spike"] = np.sign(flagged["z"]) == -np.sign(flagged["z_next"])
    echoes = {
        (r.commune_code, r.season, r.indicator, _next_year(r.period))
        for r in flagged[flagged["spike"]].itertuples()
    }
    cat = catalogue()
    records = []
    for r in flagged.itertuples(index=False):
        if (r.commune_code, r.season, r.indicator, r.period) in echoes:
            continue  # the way back from a spike, reported at the spike itself
        ind = cat[r.indicator]
        shared = r.peer_n >= MIN_PEERS and abs(r.z_vs_peers) <= threshold
        pct = (r.value / r.value_ly - 1) * 100 if r.value_ly else float("nan")
        move = ("tăng" if r.value > r.value_ly else "giảm") + (
            f" {percent_text(abs(pct))}" if r.value_ly else " từ 0"
        )
        typical = percent_text((_from_change(1.0, r.center) - 1) * 100)
        text = (
            f"{ind.name_vi} {_value_text(r.value, r.indicator)}, {move} so với cùng kỳ năm "
            f"trước ({_value_text(r.value_ly, r.indicator)}); thay đổi thường thấy của xã "
            f"khoảng {typical} mỗi năm"
        )
        if r.spike:
            text += ", và kỳ cùng kỳ năm sau trở lại mức cũ: có thể ghi nhầm số liệu kỳ này"
        text += f" (điểm z hiệu chỉnh {number_text(round(abs(r.z), 1))})."
        if shared:
            text += f" {_group_label(r.system).capitalize()} cũng biến động tương tự."
        records.append(
            {
                "commune_code": r.commune_code,
                "period": r.period,
                "season": r.season,
                "indicator": r.indicator,
                "indicators": r.indicator,
                "check": "outlier_time",
                "kind": "outlier_time",
                "severity": SEVERITY_STRONG
                if abs(r.z) >= STRONG_Z and not shared
                else SEVERITY_WEAK,
                "message_vi": _in_season(r.season, text),
                "left": r.value,
                "right": _from_change(r.value_ly, r.center),
                "score": abs(r.z),
            }
        )
    return as_findings(records)


# ---------------------------------------------------------------------------------------------
# among peers
# ---------------------------------------------------------------------------------------------
def _basis_table() -> pd.DataFrame:
    """Per indicator: basis code (or None for ratios), display scale and unit label."""
    rows = []
    for ind in catalogue():
        if ind.code in PEER_SKIP:
            continue
        if ind.kind == "ratio":
            rows.append((ind.code, None, 1.0, ind.unit))
            continue
        basis = PEER_BASIS.get(units()[ind.unit].dimension)
        if basis:
            rows.append((ind.code, *basis))
    return pd.DataFrame(rows, columns=["indicator", "basis", "scale", "basis_label"])


def peer_positions(df: pd.DataFrame) -> pd.DataFrame:
    """Each figure on its peer basis, its log position among peers (`rel`) and the commune's
    usual position (`usual`, the median of its positions; 0 with a short history)."""
    s = _long(df)
    table = _basis_table()
    row_of = pd.Index(table["indicator"], dtype=object).get_indexer(s["indicator"].cat.categories)
    row = row_of[s["indicator"].cat.codes.to_numpy()]
    s = s[row >= 0].reset_index(drop=True)
    row = row[row >= 0]
    for col in ("basis", "scale", "basis_label"):
        s[col] = table[col].to_numpy(dtype=object if col != "scale" else "float64")[row]
    # the whole period's basis (population, natural area) of the same commune and period
    season, season_texts = season_codes(df)
    whole = (season_texts == WHOLE)[season]
    cols = ["commune_code", "period", "indicator"]
    in_s = [_recode(text_codes(df[c]), s[c]) for c in cols]
    table_keys = _key(s, cols, **{c: k for c, k in zip(cols, in_s, strict=True)})
    table_keys[~whole] = -1
    indicators = pd.Index(s["indicator"].cat.categories, dtype=object)
    basis = indicators.get_indexer(pd.Index(s["basis"].to_numpy(dtype=object), dtype=object))
    basis[s["basis"].isna().to_numpy()] = -1
    at = lookup(_key(s, cols, indicator=basis), table_keys)
    values = df["value"].to_numpy(dtype="float64")
    s["basis_value"] = np.where(at >= 0, values[np.maximum(at, 0)], np.nan)
    s["basis_value"] = s["basis_value"].where(s["basis"].notna(), 1.0)
    s["per_basis"] = s["value"] / s["basis_value"] * s["scale"]
    s = s[(s["per_basis"] > 0) & np.isfinite(s["per_basis"])].copy()
    s["x"] = np.log(s["per_basis"])
    peers = _codes(s, ["system", "group", "period", "season", "indicator"])
    s["peer_n"] = group_size(peers)
    s["peer_center"] = group_median(s["x"].to_numpy(), peers)
    s = s[s["peer_n"] >= MIN_PEERS].copy()
    s["rel"] = s["x"] - s["peer_center"]
    own_id = _codes(s, ["system", "commune_code", "span", "season", "indicator"])
    s["history"] = group_size(own_id) - 1
    s["usual"] = np.where(
        s["history"] >= MIN_PEER_HISTORY, _leave_one_out_medians(s["rel"], own_id), 0.0
    )
    s["resid"] = s["rel"] - s["usual"]
    return s


def peer_outliers(df: pd.DataFrame, threshold: float = MODIFIED_Z_THRESHOLD) -> pd.DataFrame:
    """Findings (kind "outlier_peer"): a commune far from its district's (or 2025 province's)
    communes in one period, on a per-capita / per-ha / ratio basis, relative to its usual place.

    Args:
        df: observations of the commune's peers (the whole district) and, ideally, its history.
        threshold: |modified z| above which a figure is reported.
    """
    s = peer_positions(df)
    if s.empty:
        return as_findings([])
    # Centre: this period's peers. Spread: the indicator's spread among these peers over every
    # period (a dozen communes in one period give too shaky a MAD to judge one of them).
    resid = s["resid"].to_numpy()
    center = group_median(resid, _codes(s, ["system", "group", "period", "season", "indicator"]))
    spread = group_median(
        np.abs(resid - center), _codes(s, ["system", "group", "span", "season", "indicator"])
    )
    floor = np.where(s["history"] >= MIN_PEER_HISTORY, MIN_PEER_MAD, MIN_PEER_MAD_NO_HISTORY)
    s["z"] = modified_z(s["resid"], center, spread, floor)
    flagged = s[s["z"].abs() > threshold]
    cat = catalogue()
    records = []
    for r in flagged.itertuples(index=False):
        ind = cat[r.indicator]
        peer_level = float(np.exp(r.peer_center))
        times = float(np.exp(r.rel))
        here = _value_text(r.value, r.indicator)
        if isinstance(r.basis, str):
            here += f" ({number_text(round(r.per_basis, 2))} {r.basis_label})"
        text = (
            f"{ind.name_vi} {here}: gấp {number_text(round(times, 2))} lần trung vị "
            f"{_group_label(r.system)} cùng kỳ ({number_text(round(peer_level, 2))} "
            f"{r.basis_label})"
        )
        if r.history >= MIN_PEER_HISTORY:
            text += f", trong khi thường xã ở mức {number_text(round(np.exp(r.usual), 2))} lần"
        text += f" — khác thường (điểm z hiệu chỉnh {number_text(round(abs(r.z), 1))})."
        expected = r.value * float(np.exp(-r.resid))
        records.append(
            {
                "commune_code": r.commune_code,
                "period": r.period,
                "season": r.season,
                "indicator": r.indicator,
                "indicators": " ".join(x for x in (r.indicator, r.basis) if isinstance(x, str)),
                "check": "outlier_peer",
                "kind": "outlier_peer",
                "severity": SEVERITY_STRONG if abs(r.z) >= STRONG_Z else SEVERITY_WEAK,
                "message_vi": _in_season(r.season, text),
                "left": r.value,
                "right": expected,
                "score": abs(r.z),
            }
        )
    return as_findings(records)
