"""The checks before issue #17 (pandas groupby of strings, set operations per period), kept as
the reference that `benchmarks/checks_speed.py` times beside `dvcq_lib.checks` and that
`tests/test_checks_vectorised.py` compares them with (the same frame, the same findings).

Only the functions that were rewritten are kept here; the helpers, messages and thresholds they
share with the library are imported from it, so that both read the same rules and constants.
Not part of the library: nothing imports it but the benchmark and the tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dvcq_lib import communes, register
from dvcq_lib.catalogue import DOMAIN_LABELS_VI, catalogue, evaluate
from dvcq_lib.checks.completeness import (
    EXPECTED_OWN_SHARE,
    EXPECTED_PEER_SHARE,
    MIN_GROUP_COVERAGE,
    MIN_OTHER_PEERS,
    SEVERITY_DOMAIN,
    SEVERITY_SOME,
    SEVERITY_UNREPORTED,
    _commune_name,
    _group_members,
    _missing_seasons,
)
from dvcq_lib.checks.findings import as_findings
from dvcq_lib.checks.outliers import (
    MIN_CHANGE_MAD,
    MIN_CHANGES,
    MIN_LEVEL,
    MIN_PEER_HISTORY,
    MIN_PEER_MAD,
    MIN_PEER_MAD_NO_HISTORY,
    MIN_PEERS,
    MODIFIED_Z_THRESHOLD,
    SEVERITY_STRONG,
    SEVERITY_WEAK,
    STRONG_Z,
    _basis_table,
    _from_change,
    _group_label,
    _in_season,
    _leave_one_out_medians,
    _next_year,
    _value_text,
    modified_z,
)
from dvcq_lib.checks.rules import (
    _KEYS,
    FLOAT_NOISE,
    OPERATORS,
    PREV,
    PREV_PY,
    WHOLE,
    Rule,
    _gap_allowed,
    _present,
    _previous_in_same_register,
    _py,
    _reads_seasonal,
    check_season_parts,
    message,
    rules,
)
from dvcq_lib.numbers import format_number, format_percent
from dvcq_lib.periods import Period
from dvcq_lib.seasons import season_column


# ---------------------------------------------------------------------------------------------
# outliers
# ---------------------------------------------------------------------------------------------
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


def _long(df: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "commune_code": df["commune_code"].astype(str),
            "period": df["period"].astype(str),
            "indicator": df["indicator"].astype(str),
            "value": df["value"].astype("float64"),
            "season": season_column(df),
        }
    )
    spans = {
        p: "-".join(f"{m:02d}" for m in Period.parse(p).month_span) for p in out["period"].unique()
    }
    out["span"] = out["period"].map(spans)
    # the peer group of each commune × period, looked up once per pair (not per row)
    pairs = out[["commune_code", "period"]].drop_duplicates()
    groups = _peer_group(pairs["commune_code"], pairs["period"])
    out = out.merge(pd.concat([pairs, groups], axis=1), on=["commune_code", "period"], how="left")
    keys = ["system", "commune_code", "season", "indicator"]
    level = out["value"].abs().groupby([out[k] for k in keys], sort=False).median().rename("level")
    ok = _level_enough(level.reset_index(), catalogue())
    return out[out[keys].merge(ok, on=keys, how="left")["ok"].to_numpy(dtype=bool)]


def _level_enough(level: pd.DataFrame, cat) -> pd.DataFrame:
    """Per (system, commune, season, indicator): whether its components' usual levels (median
    |value|; the indicator's own when none of its components is there) reach MIN_LEVEL."""
    keys = ["system", "commune_code", "season"]
    parts = pd.DataFrame(
        [(i.code, c) for i in cat for c in i.components], columns=["indicator", "component"]
    )
    pairs = level.merge(parts, on="indicator", how="inner")
    known = pairs.merge(
        level.rename(columns={"indicator": "component", "level": "component_level"}),
        on=[*keys, "component"],
        how="inner",
    )
    known["enough"] = known["component_level"] >= MIN_LEVEL
    by_parts = known.groupby([*keys, "indicator"], sort=False)["enough"].all().rename("by_parts")
    out = level.merge(by_parts.reset_index(), on=[*keys, "indicator"], how="left")
    own = out["level"] >= MIN_LEVEL
    out["ok"] = out["by_parts"].astype("boolean").fillna(own).astype(bool)
    return out[[*keys, "indicator", "ok"]]


def same_half_changes(df: pd.DataFrame) -> pd.DataFrame:
    """Each value against the same half of the previous year, same commune and register.

    `change` is the symmetric relative change (v − v₀) / ((|v| + |v₀|) / 2): bounded, defined
    when one value is 0, and the same size up and down."""
    s = _long(df)
    last_year = {p: Period.parse(p).same_period_last_year().code for p in s["period"].unique()}
    s["period_ly"] = s["period"].map(last_year)
    before = s[["commune_code", "system", "period", "season", "indicator", "value"]].rename(
        columns={"period": "period_ly", "value": "value_ly"}
    )
    s = s.merge(
        before, on=["commune_code", "system", "period_ly", "season", "indicator"], how="inner"
    )
    mean = (s["value"].abs() + s["value_ly"].abs()) / 2
    s["change"] = np.where(mean > 0, (s["value"] - s["value_ly"]) / mean.where(mean > 0), 0.0)
    return s


def time_outliers(df: pd.DataFrame, threshold: float = MODIFIED_Z_THRESHOLD) -> pd.DataFrame:
    """Findings (kind "outlier_time"): same-half changes far from the commune's own changes.

    Args:
        df: observations with the commune's history (several years of the same half).
        threshold: |modified z| above which a change is reported.
    """
    s = same_half_changes(df)
    if s.empty:
        return as_findings([])
    keys = ["system", "commune_code", "span", "season", "indicator"]
    grouped = s.groupby(keys)["change"]
    s["n"] = grouped.transform("size")
    s["center"] = grouped.transform("median")
    s["mad"] = _group_mad(s["change"], s["center"], [s[k] for k in keys])
    s = s[s["n"] >= MIN_CHANGES].copy()
    s["z"] = modified_z(s["change"], s["center"], s["mad"], MIN_CHANGE_MAD)
    peers = s.groupby(["system", "group", "period", "season", "indicator"])["change"]
    s["peer_n"] = peers.transform("size")
    s["peer_change"] = peers.transform("median")
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
            f" {format_percent(abs(pct))}" if r.value_ly else " từ 0"
        )
        typical = format_percent((_from_change(1.0, r.center) - 1) * 100)
        text = (
            f"{ind.name_vi} {_value_text(r.value, r.indicator)}, {move} so với cùng kỳ năm "
            f"trước ({_value_text(r.value_ly, r.indicator)}); thay đổi thường thấy của xã "
            f"khoảng {typical} mỗi năm"
        )
        if r.spike:
            text += ", và kỳ cùng kỳ năm sau trở lại mức cũ: có thể ghi nhầm số liệu kỳ này"
        text += f" (điểm z hiệu chỉnh {format_number(round(abs(r.z), 1))})."
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


def peer_positions(df: pd.DataFrame) -> pd.DataFrame:
    """Each figure on its peer basis, its log position among peers (`rel`) and the commune's
    usual position (`usual`, the median of its positions; 0 with a short history)."""
    s = _long(df).merge(_basis_table(), on="indicator", how="inner")
    bases = pd.DataFrame(
        {
            "commune_code": df["commune_code"].astype(str),
            "period": df["period"].astype(str),
            "basis": df["indicator"].astype(str),
            "basis_value": df["value"].astype("float64"),
        }
    )
    bases = bases[(season_column(df) == WHOLE).to_numpy()].drop_duplicates(
        ["commune_code", "period", "basis"]
    )
    s = s.merge(bases, on=["commune_code", "period", "basis"], how="left")
    s["basis_value"] = s["basis_value"].where(s["basis"].notna(), 1.0)
    s["per_basis"] = s["value"] / s["basis_value"] * s["scale"]
    s = s[(s["per_basis"] > 0) & np.isfinite(s["per_basis"])].copy()
    s["x"] = np.log(s["per_basis"])
    peers = s.groupby(["system", "group", "period", "season", "indicator"])["x"]
    s["peer_n"] = peers.transform("size")
    s["peer_center"] = peers.transform("median")
    s = s[s["peer_n"] >= MIN_PEERS].copy()
    s["rel"] = s["x"] - s["peer_center"]
    own = s.groupby(["system", "commune_code", "span", "season", "indicator"])["rel"]
    s["history"] = own.transform("size") - 1
    own_id = own.ngroup().to_numpy()
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
    center = s.groupby(["system", "group", "period", "season", "indicator"])["resid"].transform(
        "median"
    )
    spread = (
        (s["resid"] - center)
        .abs()
        .groupby([s["system"], s["group"], s["span"], s["season"], s["indicator"]])
        .transform("median")
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
            here += f" ({format_number(round(r.per_basis, 2))} {r.basis_label})"
        text = (
            f"{ind.name_vi} {here}: gấp {format_number(round(times, 2))} lần trung vị "
            f"{_group_label(r.system)} cùng kỳ ({format_number(round(peer_level, 2))} "
            f"{r.basis_label})"
        )
        if r.history >= MIN_PEER_HISTORY:
            text += f", trong khi thường xã ở mức {format_number(round(np.exp(r.usual), 2))} lần"
        text += f" — khác thường (điểm z hiệu chỉnh {format_number(round(abs(r.z), 1))})."
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


# ---------------------------------------------------------------------------------------------
# rules
# ---------------------------------------------------------------------------------------------
def _wide_by_season(df: pd.DataFrame) -> pd.DataFrame:
    """Indicators as columns, one row per commune × period × season; the whole period's stocks
    (not seasonal) copied into each season's row, since a level holds whatever the season."""
    long = pd.DataFrame(
        {
            "commune_code": df["commune_code"].astype(str).to_numpy(),
            "period": df["period"].astype(str).to_numpy(),
            "season": season_column(df).to_numpy(),
            "indicator": df["indicator"].astype(str).to_numpy(),
            "value": df["value"].astype("float64").to_numpy(),
        }
    )
    w = long.pivot_table(
        index=_KEYS, columns="indicator", values="value", aggfunc="first"
    ).reset_index()
    w.columns.name = None
    parts = w["season"] != WHOLE
    if not parts.any():
        return w
    cat = catalogue()
    stocks = [c for c in w.columns if c in cat and cat[c].kind == "stock" and not cat[c].seasonal]
    level = w.loc[~parts, ["commune_code", "period", *stocks]]
    seasons = w[parts].drop(columns=stocks).merge(level, on=["commune_code", "period"], how="left")
    return pd.concat([w[~parts], seasons], ignore_index=True)


def rule_frame(df: pd.DataFrame) -> pd.DataFrame:
    """One row per commune × period × season ("" = the whole period): every indicator, and
    `prev__<code>` for the previous period of the same kind, commune and season in the same
    register (NaN where it was not reported)."""
    w = _wide_by_season(df)
    codes = [c for c in w.columns if c not in _KEYS]
    prev_of = {p: _previous_in_same_register(p) for p in w["period"].unique()}
    w["_prev_period"] = w["period"].map(prev_of)
    previous = w[[*_KEYS, *codes]].rename(
        columns={"period": "_prev_period", **{c: PREV_PY + c for c in codes}}
    )
    return w.merge(previous, on=["commune_code", "_prev_period", "season"], how="left").drop(
        columns="_prev_period"
    )


def applicable(rule: Rule, frame: pd.DataFrame) -> pd.Series:
    """Where the rule can be evaluated under its missing-value strategy and condition (season
    rows only for rules that read a seasonal indicator)."""
    ok = pd.Series(True, index=frame.index)
    if "season" in frame and not _reads_seasonal(rule):
        ok &= frame["season"].fillna(WHOLE) == WHOLE
    if rule.missing == "skip":
        ok &= _present(frame, rule.codes).all(axis=1)
    else:  # zero: a missing part is none, but a side with nothing reported says nothing
        for side in (rule.left_codes, rule.right_codes):
            if side:
                ok &= _present(frame, side).any(axis=1)
    if rule.only_when_missing:
        ok &= ~_present(frame, rule.only_when_missing).all(axis=1)
    return ok


def evaluate_rule(rule: Rule, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of `rule_frame` that break the rule, with `_left` and `_right` values."""
    cols = [_py(c) for c in rule.codes]
    values = frame.reindex(columns=cols)
    if rule.missing == "zero":
        values = values.fillna(0.0)
    left = evaluate(_py(rule.left), values)
    right = evaluate(_py(rule.right), values)
    ok = applicable(rule, frame) & left.notna() & right.notna()
    broken = ok & OPERATORS[rule.operator](left, right, _gap_allowed(rule, left, right))
    keys = [k for k in _KEYS if k in frame]
    out = frame.loc[broken, [*keys, *[c for c in cols if c in frame]]].copy()
    out["_left"] = left[broken]
    out["_right"] = right[broken]
    return out


def check_rules(df: pd.DataFrame, rule_set: tuple[Rule, ...] | None = None) -> pd.DataFrame:
    """Findings of every rule on a tidy observations frame (kind "rule").

    Args:
        df: observations from `load()`; pass the previous periods too, or `prev:` rules skip.
        rule_set: rules to apply (default: data/catalogue/rules.csv, and then the check that
            a period's seasons do not add up to more than its reported total).
    """
    if df.empty:
        return as_findings([])
    frame = rule_frame(df)
    records = []
    for rule in rule_set if rule_set is not None else rules():
        involved = " ".join(dict.fromkeys(c.removeprefix(PREV) for c in rule.codes))
        for _, row in evaluate_rule(rule, frame).iterrows():
            left, right = float(row["_left"]), float(row["_right"])
            season = row.get("season", WHOLE) or WHOLE
            text = message(rule, row)
            records.append(
                {
                    "commune_code": row["commune_code"],
                    "period": row["period"],
                    "season": season,
                    "indicator": rule.indicator,
                    "indicators": involved,
                    "check": rule.id,
                    "kind": "rule",
                    "severity": rule.severity,
                    "message_vi": _in_season(season, text),
                    "left": left,
                    "right": right,
                    "score": abs(left - right) / max(abs(right), FLOAT_NOISE),
                }
            )
    if rule_set is None:
        records += check_season_parts(df)
    return as_findings(records)


# ---------------------------------------------------------------------------------------------
# completeness
# ---------------------------------------------------------------------------------------------
def _frame(df: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "commune_code": df["commune_code"].astype(str),
            "period": df["period"].astype(str),
            "indicator": df["indicator"].astype(str),
        }
    )
    periods = {p: Period.parse(p) for p in out["period"].unique()}
    out["system"] = out["period"].map({p: register.system_for(x) for p, x in periods.items()})
    # reports of one kind are alike: halves with halves, quarters with quarters
    out["kind"] = out["period"].map({p: x.kind for p, x in periods.items()})
    return out


def missing_indicators(df: pd.DataFrame) -> pd.DataFrame:
    """Findings (kind "missing_indicator"): expected indicators absent from a commune's report,
    one finding per commune × period × domain."""
    s = _frame(df)
    if s.empty:
        return as_findings([])
    present = (
        s.groupby(["system", "commune_code", "kind", "period", "indicator"], sort=True)
        .size()
        .unstack("indicator", fill_value=0)
        .gt(0)
    )
    present.columns.name = None
    present = present.reindex(columns=catalogue().codes, fill_value=False).astype(int)
    keys = present.index.to_frame(index=False)
    # own history of the same kind of period, leaving this period out
    own = ["system", "commune_code", "kind"]
    own_n = keys.groupby(own)["period"].transform("size").to_numpy() - 1
    own_sum = present.groupby(level=own).transform("sum") - present
    own_share = own_sum.div(pd.Series(own_n, index=present.index).where(own_n > 0), axis=0)
    # peers of the same group and period, leaving this commune out
    unit_keys = keys["system"] + ":" + keys["commune_code"]
    groups = communes.peer_groups(unit_keys.unique())  # once per commune, not per row
    keys["group"] = unit_keys.map(groups).fillna("")
    by = [keys["system"].to_numpy(), keys["group"].to_numpy(), keys["period"].to_numpy()]
    peer_sum = present.groupby(by).transform("sum") - present
    peer_n = present.iloc[:, 0].groupby(by).transform("size").to_numpy() - 1
    peer_share = peer_sum.div(
        pd.Series(peer_n, index=present.index).where(peer_n >= MIN_OTHER_PEERS), axis=0
    )
    expected = own_share.ge(EXPECTED_OWN_SHARE) | peer_share.ge(EXPECTED_PEER_SHARE)
    missing = expected & present.eq(0)
    cat = catalogue()
    records = []
    for (system, code, kind, period), row in missing[missing.to_numpy().any(axis=1)].iterrows():
        codes = [
            c
            for c in row.index[row.to_numpy()]
            if not (
                cat[c].components
                and all(present.loc[(system, code, kind, period), x] for x in cat[c].components)
            )
        ]
        reported = present.loc[(system, code, kind, period)]
        by_domain: dict[str, list[str]] = {}
        for c in codes:
            by_domain.setdefault(cat[c].domain, []).append(c)
        for domain, found in by_domain.items():
            whole = not any(reported[i.code] for i in cat.in_domain(domain))
            names = ", ".join(cat[c].name_vi for c in found)
            label = DOMAIN_LABELS_VI[domain]
            text = (
                f"Không báo cáo mục {label} (các kỳ khác hoặc các xã khác có: {names})."
                if whole
                else f"Thiếu {len(found)} chỉ tiêu {label} thường có: {names}."
            )
            records.append(
                {
                    "commune_code": code,
                    "period": period,
                    "indicator": found[0],
                    "indicators": " ".join(found),
                    "check": f"missing_{domain}",
                    "kind": "missing_indicator",
                    "severity": SEVERITY_DOMAIN if whole else SEVERITY_SOME,
                    "message_vi": text,
                    "left": float(reported.sum()),
                    "right": float(reported.sum() + len(found)),
                    "score": float(len(found)),
                }
            )
    return as_findings(records + _missing_seasons(df))


def unreported_communes(
    df: pd.DataFrame, *, district: str | None = None, province: str | None = None
) -> pd.DataFrame:
    """Findings (kind "unreported"): communes with no figure at all for a period.

    Args:
        df: observations (several communes of a district or province).
        district, province: the scope whose every commune is expected (communes.units);
            without them, each district present in the data, if mostly reported.
    """
    s = _frame(df)
    if s.empty:
        return as_findings([])
    reported = s.groupby(["system", "period"])["commune_code"].agg(set)
    explicit = bool(district or province)
    scope_members = (
        {
            system: set(communes.units(system, district=district, province=province).index)
            for system in reported.index.get_level_values("system").unique()
        }
        if explicit
        else {}
    )
    records = []
    # each commune's groups, each group's members and name: looked up once, not per period
    groups: dict[tuple[str, str], tuple[str, ...]] = {}
    member_sets: dict[tuple[str, str], set[str]] = {}
    names: dict[str, str] = {}

    def scope(g: str, period: str) -> tuple[str, set[str]]:
        if (g, period) not in member_sets:
            member_sets[(g, period)] = _group_members(g, period)
        if g not in names:
            names[g] = communes.group_name(g)
        return names[g], member_sets[(g, period)]

    def groups_in(codes: set[str], system: str) -> set[str]:
        new = [c for c in codes if (c, system) not in groups]
        if new:  # one look-up for every commune not seen yet, not one per commune
            found = communes.peer_groups([communes.CommuneKey(system, c) for c in new])
            for c in new:
                g = found[str(communes.CommuneKey(system, c))]
                groups[(c, system)] = (g,) if g else ()
        return {g for c in codes for g in groups[(c, system)]}

    for (system, period), have in reported.items():
        if explicit:
            members = scope_members[system]
            scopes = {f"thuộc {district or province}": members} if members & have else {}
        else:
            where = "cùng huyện" if system == register.LEGACY else "cùng tỉnh"
            scopes = {
                f"{where} {name}": group
                for name, group in (scope(g, period) for g in groups_in(have, system))
            }
        seen: set[str] = set()
        for where, members in scopes.items():
            coverage = len(members & have) / len(members) if members else 0.0
            if not explicit and coverage < MIN_GROUP_COVERAGE:
                continue
            for code in sorted(members - have - seen):
                seen.add(code)
                label = Period.parse(period).label_vi
                records.append(
                    {
                        "commune_code": code,
                        "period": period,
                        "indicator": "",
                        "indicators": "",
                        "check": "unreported",
                        "kind": "unreported",
                        "severity": SEVERITY_UNREPORTED,
                        "message_vi": (
                            f"{_commune_name(code, system)} chưa có số liệu {label}: "
                            f"{len(members & have)}/{len(members)} xã {where} đã "
                            "báo cáo."
                        ),
                        "left": 0.0,
                        "right": float("nan"),
                        "score": coverage,
                    }
                )
    return as_findings(records)
