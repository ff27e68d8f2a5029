"""Completeness: what a commune usually reports but did not, and which communes of its peer
group (`communes.peer_group`: a legacy district, or a 2025 commune's province) have not reported
a period at all.

"Expected" is learnt from the data, never from a fixed list: an indicator is expected of a commune
in a period when the commune reported it in most of its other periods of the same kind (its
half-year reports for a half-year, its quarter reports for a quarter), or when most of its peers
reported it in that period. A ratio that can be computed from reported components is not missing.

Seasons: an indicator is reported when any season or the whole period has it. A season that the
commune reports in the same months of other years but not in this one, when the report gives no
total either, is a finding of its own (`missing_season`): the period's total cannot be summed
(see `dvcq_lib.totals`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dvcq_lib import communes, register
from dvcq_lib.catalogue import DOMAIN_LABELS_VI, catalogue
from dvcq_lib.checks.codes import combine, group_ids, text_codes
from dvcq_lib.checks.findings import as_findings
from dvcq_lib.exceptions import CommuneNotFoundError
from dvcq_lib.periods import Period
from dvcq_lib.seasons import season_name
from dvcq_lib.totals import MISSING_SEASON, season_totals

#: Expected when the commune reported it in at least this share of its other periods.
EXPECTED_OWN_SHARE = 0.5
#: …or when at least this share of the other communes of its group reported it this period.
EXPECTED_PEER_SHARE = 0.5
#: Fewest other communes whose reports can set an expectation.
MIN_OTHER_PEERS = 2
#: Without an explicit district/province, a group's missing communes are reported only when at
#: least this share of the group reported the period — a data folder holding one commune of a
#: district does not make the other sixteen "late".
MIN_GROUP_COVERAGE = 0.5
SEVERITY_DOMAIN = "warning"  # a whole section of the report is absent
SEVERITY_SOME = "info"  # a few figures are absent
SEVERITY_UNREPORTED = "warning"
SEVERITY_SEASON = "info"  # one season's figures absent: the period's total is not summed


def groups_of(code: str, system: str) -> tuple[str, ...]:
    """Peer group of a commune (`communes.peer_group`: its legacy district, or its province
    for a 2025 commune); () for a unit without peers."""
    group = communes.peer_groups([communes.CommuneKey(system, code)])
    return tuple(g for g in group.values() if g)


def _group_members(group: str, period: str) -> set[str]:
    return set(communes.group_member_codes(group, period=period))


def _frame(df: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Integer codes (`codes.text_codes`) of each row's commune, period, indicator, and of its
    period's register (`system`) and kind of period: reports of one kind are alike (halves
    with halves, quarters with quarters)."""
    period, period_texts = text_codes(df["period"])
    periods = [Period.parse(p) for p in period_texts]
    system_of, system_texts = pd.factorize(
        pd.Index([register.system_for(x) for x in periods], dtype=object)
    )
    kind_of, kind_texts = pd.factorize(pd.Index([x.kind for x in periods], dtype=object))
    return {
        "commune_code": text_codes(df["commune_code"]),
        "period": (period, period_texts),
        "indicator": text_codes(df["indicator"]),
        "system": (system_of[period], np.asarray(system_texts, dtype=object)),
        "kind": (kind_of[period], np.asarray(kind_texts, dtype=object)),
    }


def _ranks(texts: np.ndarray) -> np.ndarray:
    """The place of each text in sorted order (as pandas sorts group keys)."""
    ranks = np.empty(len(texts), dtype=np.int64)
    ranks[np.argsort(texts.astype(str), kind="stable")] = np.arange(len(texts))
    return ranks


def _sorted_rows(s: dict, keys: list[str]) -> tuple[np.ndarray, list[np.ndarray]]:
    """The row (0 … n − 1) of each observation among the distinct `keys` sorted by their texts,
    and each row's codes of every key."""
    ranks = [_ranks(s[k][1]) for k in keys]
    widths = [len(s[k][1]) for k in keys]
    key = combine([r[s[k][0]] for r, k in zip(ranks, keys, strict=True)], widths)
    distinct, row = np.unique(key, return_inverse=True)
    codes = []
    for i, (r, w) in enumerate(zip(ranks, widths, strict=True)):
        inner = int(np.prod(widths[i + 1 :], dtype=np.int64))
        codes.append(np.argsort(r)[(distinct // inner) % w])
    return row, codes


def _others(grid: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row of a 0/1 grid: the column sums over the other rows of its group (`ids`),
    and how many other rows the group has."""
    order = np.argsort(ids, kind="stable")
    sizes = np.bincount(ids)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    sums = np.add.reduceat(grid[order], starts[sizes > 0], axis=0)
    full = np.zeros((len(sizes), grid.shape[1]), dtype=grid.dtype)
    full[sizes > 0] = sums
    return full[ids] - grid, sizes[ids] - 1


def missing_indicators(df: pd.DataFrame) -> pd.DataFrame:
    """Findings (kind "missing_indicator"): expected indicators absent from a commune's report,
    one finding per commune × period × domain."""
    if df.empty:
        return as_findings([])
    s = _frame(df)
    cat = catalogue()
    # a dense grid: commune × kind × period (sorted as their texts) × catalogue indicator
    row, (system, commune, kind, period) = _sorted_rows(
        s, ["system", "commune_code", "kind", "period"]
    )
    codes = list(cat.codes)
    col = pd.Index(codes, dtype=object).get_indexer(s["indicator"][1])[s["indicator"][0]]
    present = np.zeros((len(system), len(codes)), dtype=np.int64)
    present[row[col >= 0], col[col >= 0]] = 1
    # own history of the same kind of period, leaving this period out
    own_sum, own_n = _others(present, group_ids(system, commune, kind))
    with np.errstate(divide="ignore", invalid="ignore"):
        own_share = own_sum / np.where(own_n > 0, own_n, np.nan)[:, None]
    # peers of the same group and period, leaving this commune out
    system_texts, commune_texts = s["system"][1], s["commune_code"][1]
    unit_keys = system_texts[system] + ":" + commune_texts[commune]
    groups = communes.peer_groups(pd.unique(unit_keys))  # once per commune, not per row
    group, _ = pd.factorize(pd.Index([groups.get(k, "") or "" for k in unit_keys], dtype=object))
    peer_sum, peer_n = _others(present, group_ids(system, group, period))
    with np.errstate(divide="ignore", invalid="ignore"):
        peer_share = peer_sum / np.where(peer_n >= MIN_OTHER_PEERS, peer_n, np.nan)[:, None]
    expected = (own_share >= EXPECTED_OWN_SHARE) | (peer_share >= EXPECTED_PEER_SHARE)
    missing = expected & (present == 0)
    col_of = {c: j for j, c in enumerate(codes)}
    records = []
    for r in np.flatnonzero(missing.any(axis=1)):
        reported = present[r]
        found_codes = [
            c
            for c in (codes[j] for j in np.flatnonzero(missing[r]))
            if not (cat[c].components and all(reported[col_of[x]] for x in cat[c].components))
        ]
        by_domain: dict[str, list[str]] = {}
        for c in found_codes:
            by_domain.setdefault(cat[c].domain, []).append(c)
        for domain, found in by_domain.items():
            whole = not any(reported[col_of[i.code]] for i in cat.in_domain(domain))
            names = ", ".join(cat[c].name_vi for c in found)
            label = DOMAIN_LABELS_VI[domain]
            text = (
                f"Không báo cáo mục {label} (các kỳ khác hoặc các xã khác có: {names})."
                if whole
                else f"Thiếu {len(found)} chỉ tiêu {label} thường có: {names}."
            )
            records.append(
                {
                    "commune_code": commune_texts[commune[r]],
                    "period": s["period"][1][period[r]],
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


def _missing_seasons(df: pd.DataFrame) -> list[dict]:
    """One finding per commune × period × indicator whose total cannot be summed because a
    season it reports in the same months of other years is absent (and no total is given)."""
    t = season_totals(df)
    t = t[t["status"] == MISSING_SEASON]
    cat = catalogue()
    records = []
    for r in t.itertuples(index=False):
        absent = [c for c in r.missing_seasons.split("+") if c]
        if not absent:
            continue  # a ratio whose components lack a total: said on the components
        names = ", ".join(season_name(c) for c in absent)
        have = ", ".join(season_name(c) for c in r.seasons.split("+") if c)
        records.append(
            {
                "commune_code": r.commune_code,
                "period": r.period,
                "season": absent[0],
                "indicator": r.indicator,
                "indicators": r.indicator,
                "check": "missing_season",
                "kind": "missing_indicator",
                "severity": SEVERITY_SEASON,
                "message_vi": (
                    f"{cat[r.indicator].name_vi}: không có số liệu {names} (các năm khác cùng "
                    f"kỳ có), chỉ có {have}; báo cáo không nêu số tổng nên không cộng được tổng "
                    "của kỳ."
                ),
                "left": float(len(r.seasons.split("+"))),
                "right": float(len(r.seasons.split("+")) + len(absent)),
                "score": float(len(absent)),
            }
        )
    return records


def _commune_name(code: str, system: str) -> str:
    try:
        return communes.get(code, system).name
    except CommuneNotFoundError:
        return f"Xã mã {code}"


def unreported_communes(
    df: pd.DataFrame, *, district: str | None = None, province: str | None = None
) -> pd.DataFrame:
    """Findings (kind "unreported"): communes with no figure at all for a period.

    Args:
        df: observations (several communes of a district or province).
        district, province: the scope whose every commune is expected (communes.units);
            without them, each district present in the data, if mostly reported.
    """
    if df.empty:
        return as_findings([])
    s = _frame(df)
    (system, system_texts), (period, period_texts) = s["system"], s["period"]
    commune, commune_texts = s["commune_code"]
    # the communes that reported each period: one sorted pass over (period, commune) codes
    pairs = np.unique(combine([period, commune], [len(period_texts), len(commune_texts)]))
    pair_period, pair_commune = pairs // len(commune_texts), pairs % len(commune_texts)
    system_of = np.zeros(len(period_texts), dtype=np.int64)
    system_of[period] = system
    starts = np.flatnonzero(np.r_[True, pair_period[1:] != pair_period[:-1]])
    reported = dict(
        sorted(
            (
                (system_texts[system_of[pair_period[i]]], period_texts[pair_period[i]]),
                set(commune_texts[pair_commune[i:j]]),
            )
            for i, j in zip(starts, [*starts[1:], len(pairs)], strict=True)
        )
    )
    explicit = bool(district or province)
    scope_members = (
        {
            system: set(communes.units(system, district=district, province=province).index)
            for system in dict.fromkeys(k[0] for k in reported)
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
