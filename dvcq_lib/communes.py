"""Geography in one place: which commune a name or code means, which communes it is compared
with, and who formed whom.

* **One key** — `CommuneKey(system, code)`: a code alone is ambiguous across registers (07294
  is the legacy town Bố Hạ and the 2025 commune Bố Hạ); the key is its "system:code" text (a
  `str`), the form of files, frames and digests, with `.system` and `.code`.
* **One resolver** — `resolve(query, district=, province=, period=, data=)`: a name (with or
  without "Xã"/"Phường") or a code (7273 and "7273.0" are understood) → exactly one commune, or
  a Vietnamese error listing the candidates (`AmbiguousCommuneError`) or close names
  (`CommuneNotFoundError`). `candidates(...)` gives every match (a name may be unique in the data
  while ambiguous in the country). Units created after the reform by the crosswalk are found too.
* **One definition of peers** — named scopes (`SCOPES`):

  - `district`: the communes of the same legacy district (legacy communes only);
  - `province`: the communes of the same province *in the commune's own register*;
  - `former_district`: for a 2025 commune, the 2025 communes formed (partly) from communes of
    the legacy districts it was formed from; for a legacy commune, its district;
  - `constituents`: the legacy communes that formed the same 2025 commune(s).

  A commune's peers by default (`default_scope`) are its legacy **district**; a **2025
  commune's peers are the communes of its province in the 2025 map** (there are no districts
  after 1 July 2025, and a former district cuts across today's communes). Pages, the
  incremental digests and the checks all ask `peer_group` / `peer_groups` / `peers`.
* **Lineage, the only source of who formed whom** — `successors`, `constituents` and
  `formed_from` ask `dvcq_lib.lineage` (the reform tables of `vietnamadminunits` plus
  `data/catalogue/crosswalk.csv`), like `remap` does, so a crosswalk row changes pages, digests
  and remapped series together.

>>> c = resolve("Đông Sơn", district="Yên Thế")
>>> c.code, str(c.key), peer_group(c.key)
('07273', 'legacy:07273', 'legacy-district:215')
>>> [str(k) for k in successors(c.key)], peer_group(successors(c.key)[0])
(['2025:07294'], '2025-province:24')
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable
from dataclasses import replace
from functools import cache

import numpy as np
import pandas as pd

from dvcq_lib import register
from dvcq_lib.exceptions import (
    AmbiguousCommuneError,
    CommuneNotFoundError,
    CommuneWithoutDataError,
)
from dvcq_lib.lineage import Lineage, lineage
from dvcq_lib.periods import Period
from dvcq_lib.register import (
    DISTRICT_PREFIX,
    LEGACY,
    NEW,
    PROVINCE_PREFIX,
    SYSTEM_LABELS_VI,
    SYSTEMS,
    UNIT_PREFIX,
    Commune,
    CommuneKey,
    ascii_fold,
    is_code,
    name_key,
    nfc,
    normalize_code,
    system_for,
)

__all__ = [
    "LEGACY",
    "NEW",
    "SYSTEMS",
    "SCOPES",
    "Commune",
    "CommuneKey",
    "keys",
    "exists",
    "get",
    "find",
    "candidates",
    "resolve",
    "units",
    "default_scope",
    "scope_label",
    "peer_group",
    "peer_groups",
    "group_name",
    "group_members",
    "group_member_codes",
    "peers",
    "successors",
    "constituents",
    "formed_from",
    "normalize_code",
    "is_code",
    "system_for",
]

#: From this many rows, `keys` of a categorical frame is computed once per (code, period) pair.
KEYS_BY_PAIR = 10_000
#: The named peer scopes (see the module docstring).
SCOPES = ("district", "province", "former_district", "constituents")
#: Scopes that partition a register (each commune in exactly one group): `peer_group` works.
PARTITIONS = ("district", "province")
SCOPE_LABELS_VI = {
    "district": "các xã cùng huyện",
    "province": "các xã cùng tỉnh",
    "former_district": "các xã trên địa bàn huyện cũ",
    "constituents": "các xã hợp thành",
}


# ---------------------------------------------------------------------------------------------
# keys and units
# ---------------------------------------------------------------------------------------------
def keys(df: pd.DataFrame) -> pd.Series:
    """The text key ("legacy:07273", "2025:07294") of each row: code + the register of its
    period. Text, so that frames can be grouped and matched fast; `CommuneKey.parse` reads it."""
    code, period = df["commune_code"], df["period"]
    if len(df) < KEYS_BY_PAIR or not all(
        isinstance(c.dtype, pd.CategoricalDtype) for c in (code, period)
    ):
        period = period.astype(str)
        system = period.map({p: system_for(p) for p in period.unique()})
        return system.astype(str) + ":" + code.astype(str)
    # a big categorical frame: the text of each distinct (code, period) pair, taken per row
    n = len(period.cat.categories) + 1
    pair, pairs = pd.factorize(
        (code.cat.codes.to_numpy(np.int64) + 1) * n + period.cat.codes.to_numpy(np.int64) + 1
    )
    codes = np.asarray([np.nan, *code.cat.categories], dtype=object)[pairs // n]
    periods = np.asarray([np.nan, *period.cat.categories], dtype=object)[pairs % n]
    text = keys(pd.DataFrame({"commune_code": codes, "period": periods}))
    return text.take(pair).set_axis(df.index)


def _lin() -> Lineage:
    return lineage()


@cache
def _created_units(lin: Lineage) -> dict[str, Commune]:
    """Units only the crosswalk knows (created after the reform), their province inherited
    from the units they came from."""
    out: dict[str, Commune] = {}

    def build(code: str, name: str) -> Commune:
        if code in out:
            return out[code]
        province = province_code = ""
        for before in lin.predecessors(code):
            parent = unit_of(before)
            if parent is not None:
                province, province_code = parent.province, parent.province_code
                break
        m = UNIT_PREFIX.match(nfc(name))
        unit_type = m.group(1).capitalize() if m else "Xã"
        short = UNIT_PREFIX.sub("", nfc(name)).strip()
        out[code] = Commune(code, NEW, nfc(name), short, unit_type, province, province_code)
        return out[code]

    def unit_of(code: str) -> Commune | None:
        if code in register.new_units().index:
            return register.get(code, NEW)
        name = lin.created().get(code)
        return build(code, name) if name else None

    for code, name in lin.created().items():
        build(code, name)
    return out


def exists(code: object, period: object = None, system: str | None = None) -> bool:
    """Whether a code is a unit of the register of `system` (or of `period`): the legacy
    table, or the 2025 table plus the units the crosswalk created.

    >>> exists("07273", "2024-H1"), exists("99999", "2026-H1")
    (True, False)
    """
    system = system or system_for(period)
    code = normalize_code(code)
    if code in register.table(system).index:
        return True
    return system == NEW and code in _created_units(_lin())


def get(key: object, system: str | None = None, *, period: object = None) -> Commune:
    """The commune of a key (`CommuneKey`, "2025:07294") or of a code in a register (`system`,
    or the register of `period`); units created by the crosswalk included. With a period, a
    unit renamed by the crosswalk has the name of that period.

    >>> get("2025:07294").name, get("07294", period="2024-H1").name
    ('Xã Bố Hạ', 'Thị trấn Bố Hạ')
    """
    if isinstance(key, CommuneKey) or (isinstance(key, str) and ":" in key):
        k = CommuneKey.parse(key)
        system, code = k.system, k.code
    else:
        code = normalize_code(key)
    if system is None and period is not None:
        system = system_for(period)
    lin = _lin()
    created = _created_units(lin)
    if system == NEW and code in created:
        return created[code]
    if system is None and code in created and code not in register.new_units().index:
        return created[code]
    unit = register.get(code, system)
    if period is not None and unit.system == NEW and lin.epoch(period) > 0:
        renamed = lin.name(code, period)
        if renamed != unit.name:
            short = UNIT_PREFIX.sub("", nfc(renamed)).strip()
            unit = replace(unit, name=renamed, short_name=short)
    return unit


def _district_matches(c: Commune, district: str) -> bool:
    want = name_key(district, DISTRICT_PREFIX)
    if c.system == LEGACY:
        return name_key(c.district, DISTRICT_PREFIX) == want
    return want in _former_names(c.code, _lin())


def _province_matches(c: Commune, province: str) -> bool:
    want = name_key(province, PROVINCE_PREFIX)
    names = {name_key(c.province, PROVINCE_PREFIX)}
    if c.system == LEGACY:
        names |= {name_key(get(k).province, PROVINCE_PREFIX) for k in successors(c.key)}
    return want in names


def matches(c: Commune, *, district: str | None = None, province: str | None = None) -> bool:
    """Whether a commune lies in a (legacy) district and/or a province: a 2025 commune is in the
    districts of the legacy communes it was formed from; a legacy one in its own province and in
    the province of its 2025 successors."""
    return (not district or _district_matches(c, district)) and (
        not province or _province_matches(c, province)
    )


def find(
    query: object,
    *,
    district: str | None = None,
    province: str | None = None,
    system: str | None = None,
    period: object = None,
) -> list[Commune]:
    """Every commune matching a name (with or without "Xã"/"Phường") or a code, narrowed by
    district/province (`matches`) and by the register of `system` or `period` (with a period
    after the reform: the units in force then).

    >>> [str(c.key) for c in find("Bố Hạ")]
    ['legacy:07294', '2025:07294']
    >>> [str(c.key) for c in find("Xã Bố Hạ", period="2026-H1")]
    ['2025:07294']
    """
    if isinstance(query, float) and query.is_integer():
        query = int(query)
    if system is None and period is not None:
        system = system_for(period)
    lin = _lin()
    created = _created_units(lin)
    out: list[Commune] = []
    for s in [system] if system else list(SYSTEMS):
        table = register.table(s)
        if is_code(query):
            code = normalize_code(query)
            hits = table.loc[[code]] if code in table.index else table.iloc[0:0]
            extra = [created[code]] if s == NEW and code in created else []
        else:
            key = name_key(query, UNIT_PREFIX)
            full = nfc(query).casefold()
            hits = table[
                (table["short_name"].str.casefold() == key) | (table["name"].str.casefold() == full)
            ]
            extra = [
                c
                for c in (created.values() if s == NEW else ())
                if c.short_name.casefold() == key or c.name.casefold() == full
            ]
        found = [register.from_row(row, s) for _, row in hits.iterrows()] + extra
        if s == NEW and period is not None:
            in_force = lin.units_at(period)
            found = [get(c.key, period=period) for c in found if c.code in in_force]
        out += [c for c in found if matches(c, district=district, province=province)]
    return out


def _suggest(query: str, n: int = 5) -> list[str]:
    """Names close to the query, diacritics ignored: "Dong Son" suggests Đông Sơn and Đồng Sơn."""
    names = sorted(
        set(register.legacy_units()["short_name"])
        | set(register.new_units()["short_name"])
        | {c.short_name for c in _created_units(_lin()).values()}
    )
    folded: dict[str, list[str]] = {}
    for name in names:
        folded.setdefault(ascii_fold(name).casefold(), []).append(name)
    key = ascii_fold(UNIT_PREFIX.sub("", nfc(query))).casefold()
    close = difflib.get_close_matches(key, list(folded), n=n, cutoff=0.8)
    return [name for c in close for name in folded[c]][: n * 2]


def candidates(
    query: object,
    *,
    district: str | None = None,
    province: str | None = None,
    system: str | None = None,
    period: object = None,
    present: Collection[object] | None = None,
) -> list[Commune]:
    """Every commune a query designates (`find`), narrowed to those whose key is in `present`
    (the keys that have data) when some are.

    Raises:
        CommuneNotFoundError: nothing in the register matches; with close names.
    """
    hits = find(query, district=district, province=province, system=system, period=period)
    if not hits:
        scope = ", ".join(x for x in (district, province) if x)
        if system or period is not None:
            label = SYSTEM_LABELS_VI[system or system_for(period)]
            scope = f"{scope} ({label})".strip()
        raise CommuneNotFoundError(str(query), _suggest(str(query)), scope=scope)
    if present is not None:
        have = {str(k) for k in present}
        inside = [c for c in hits if str(c.key) in have]
        return inside or hits
    return hits


def resolve(
    query: object,
    *,
    district: str | None = None,
    province: str | None = None,
    period: object = None,
    system: str | None = None,
    data: pd.DataFrame | None = None,
    in_period: bool = False,
    prefer: str | None = None,
) -> Commune:
    """Exactly one commune for a name or code.

    Args:
        query: "Đông Sơn", "Xã Đông Sơn", "07273", 7273, 7273.0, or a `Commune` (returned).
        district, province: narrow a name ("" or None = not given).
        period: the register of that period (and, after the reform, the units then in force).
        system: a register ("legacy", "2025") when no period says it.
        data: observations: the commune must have rows there (a name ambiguous in the country
            may be unique in the data).
        in_period: only `data` rows of `period` count.
        prefer: when the data hold a legacy and a 2025 unit of that name, take this register's.

    Raises:
        CommuneNotFoundError: no such commune (with close names); CommuneWithoutDataError (a
            CommuneNotFoundError and a ReportError): in the register, not in the data;
        AmbiguousCommuneError: several, each described with district, province and code.

    >>> resolve(7273).name, resolve("Bố Hạ", period="2026-H1").describe()
    ('Xã Đông Sơn', 'Xã Bố Hạ, Tỉnh Bắc Ninh — mã 07294 (từ 01/7/2025)')
    >>> resolve("Bố Hạ")
    Traceback (most recent call last):
    dvcq_lib.exceptions.AmbiguousCommuneError: Tên 'Bố Hạ' ứng với 2 đơn vị; ...
    """
    if isinstance(query, Commune):
        return query
    district, province = district or None, province or None
    hits = candidates(query, district=district, province=province, system=system, period=period)
    if data is not None:
        rows = data
        if in_period and period is not None:
            rows = data[data["period"].astype(str) == Period.parse(period).code]
        present = set(keys(rows).unique()) if len(rows) else set()
        inside = [c for c in hits if str(c.key) in present]
        if not inside:
            have = set(keys(data)) if len(data) else set()
            periods = sorted(
                {
                    p
                    for k, p in zip(keys(data), data["period"].astype(str), strict=True)
                    if k in {str(c.key) for c in hits} and k in have
                },
                key=Period.parse,
            )
            raise CommuneWithoutDataError(
                str(query),
                [c.describe() for c in hits[:5]],
                period=Period.parse(period).code if in_period and period is not None else "",
                periods_with_data=periods,
            )
        hits = inside
    if prefer and len({c.system for c in hits}) > 1:
        hits = [c for c in hits if c.system == prefer]
    if len(hits) > 1:
        raise AmbiguousCommuneError(str(query), [c.describe() for c in hits])
    return hits[0]


def units(
    system: str = LEGACY, *, district: str | None = None, province: str | None = None
) -> pd.DataFrame:
    """The register of one system as a frame, optionally narrowed to a district or province
    (the 2025 units of a legacy district: those formed from its communes, by the lineage).

    >>> len(units(district="Yên Thế")), units(NEW, district="Yên Thế")["name"].tolist()
    (17, ['Xã Xuân Lương', 'Xã Tam Tiến', 'Xã Đồng Kỳ', 'Xã Yên Thế', 'Xã Bố Hạ'])
    """
    return _units(system, district, province, _lin()).copy()


def _created_table(lin: Lineage) -> pd.DataFrame:
    """The units the crosswalk created, as rows of `new_units()`."""
    rows = [
        {
            "code": c.code,
            "name": c.name,
            "short_name": c.short_name,
            "unit_type": c.unit_type,
            "province": c.province,
            "province_short": PROVINCE_PREFIX.sub("", c.province).strip(),
            "province_code": c.province_code,
        }
        for c in _created_units(lin).values()
    ]
    return pd.DataFrame(rows, columns=list(rows[0]) if rows else ["code"]).set_index(
        "code", drop=False
    )


def _former_names(code: str, lin: Lineage) -> frozenset[str]:
    """The legacy districts (name keys) a 2025-or-later unit was formed from."""
    former = _former_district_names()
    if code in former:
        return former[code]
    before = [c for s, c in lin.formed_from(code) if s == NEW]
    return frozenset().union(*(former.get(c, frozenset()) for c in before))


@cache
def _units(system: str, district: str | None, province: str | None, lin: Lineage) -> pd.DataFrame:
    table = register.table(system)
    if system == NEW and lin.created():
        table = pd.concat([table, _created_table(lin)])
    mask = pd.Series(True, index=table.index)
    if district:
        want = name_key(district, DISTRICT_PREFIX)
        if system == LEGACY:
            mask &= table["district_short"].map(lambda d: name_key(d, DISTRICT_PREFIX)) == want
        else:
            mask &= table["code"].map(lambda c: want in _former_names(c, lin))
    if province:
        want = name_key(province, PROVINCE_PREFIX)
        mask &= table["province_short"].map(lambda p: name_key(p, PROVINCE_PREFIX)) == want
    return table[mask].drop(columns=[c for c in ("key", "province_key", "ward_key") if c in table])


# ---------------------------------------------------------------------------------------------
# who formed whom (lineage)
# ---------------------------------------------------------------------------------------------
def successors(key: object) -> list[CommuneKey]:
    """The 2025 units a legacy commune became on 1 July 2025 (several when it was divided).

    >>> [str(k) for k in successors("legacy:07273")]
    ['2025:07294']
    """
    k = CommuneKey.parse(key)
    if k.system != LEGACY:
        return []
    return [CommuneKey(NEW, t) for t, _ in _lin().reform_successors(k.code)]


def constituents(key: object) -> list[CommuneKey]:
    """The legacy communes (wholly or in part) whose figures make up a 2025-or-later unit's
    series before the reform (through the crosswalk's later changes too).

    >>> [k.code for k in constituents("2025:07294")]
    ['07273', '07279', '07294']
    """
    return [k for k in formed_from(key) if k.system == LEGACY]


def formed_from(key: object) -> list[CommuneKey]:
    """Every earlier unit whose figures belong to this unit's series: its legacy constituents
    and, after a crosswalk change, the 2025 units it came from. [] for a legacy commune."""
    k = CommuneKey.parse(key)
    if k.system != NEW:
        return []
    return [CommuneKey(s, c) for s, c in _lin().formed_from(k.code)]


@cache
def _former_districts() -> dict[str, tuple[str, ...]]:
    """2025 code → the legacy district codes of the communes that formed it (the lineage of the
    reform), for every unit at once."""
    lin = _lin()
    district = register.legacy_units()["district_code"]
    out: dict[str, tuple[str, ...]] = {}
    for code in register.new_units().index:
        ds = {district.get(c) for c in lin.reform_constituents(code)} - {None}
        out[code] = tuple(sorted(ds))
    return out


@cache
def _former_district_names() -> dict[str, frozenset[str]]:
    short = (
        register.legacy_units()
        .drop_duplicates("district_code")
        .set_index("district_code")["district_short"]
    )
    return {
        c: frozenset(name_key(short[d], DISTRICT_PREFIX) for d in ds)
        for c, ds in _former_districts().items()
    }


# ---------------------------------------------------------------------------------------------
# peers
# ---------------------------------------------------------------------------------------------
def default_scope(system: str) -> str:
    """A legacy commune is compared with its district; a 2025 commune with its province."""
    return "district" if system == LEGACY else "province"


def scope_label(system: str, scope: str | None = None) -> str:
    """ "các xã cùng huyện" / "các xã cùng tỉnh": whom a commune is compared with, in words."""
    return SCOPE_LABELS_VI[scope or default_scope(system)]


def _check_scope(system: str, scope: str | None) -> str:
    scope = scope or default_scope(system)
    if scope not in SCOPES:
        raise ValueError(f"scope phải là một trong {', '.join(SCOPES)} (unknown peer scope)")
    if scope == "district" and system != LEGACY:
        raise ValueError(
            "Xã/phường từ 01/7/2025 không thuộc huyện nào: dùng scope 'province' hoặc "
            "'former_district' (no districts after the reform)"
        )
    return scope


def _province_code(system: str, code: str) -> str | None:
    table = register.table(system)
    if code in table.index:
        return str(table.at[code, "province_code"])
    unit = _created_units(_lin()).get(code) if system == NEW else None
    return unit.province_code if unit else None


def peer_group(key: object, scope: str | None = None) -> str:
    """The peer group of a commune in a partition scope (default: `default_scope`):
    "legacy-district:215", "legacy-province:24", "2025-province:24".

    >>> peer_group("2025:07294"), peer_group("legacy:07294", "province")
    ('2025-province:24', 'legacy-province:24')
    """
    k = CommuneKey.parse(key)
    return peer_groups([k], scope)[str(k)]


def peer_groups(keys_: Iterable[object], scope: str | None = None) -> dict[str, str]:
    """Text key → peer group for many communes at once (one table look-up per register): what
    the checks and the digests group by. Units unknown to the register get "" (no peers)."""
    out: dict[str, str] = {}
    legacy = register.legacy_units()
    for key in {str(k) for k in keys_}:
        k = CommuneKey.parse(key)
        sc = _check_scope(k.system, scope)
        if sc not in PARTITIONS:
            raise ValueError(f"scope {sc!r} không chia nhóm (not a partition): dùng peers()")
        if sc == "district":
            d = legacy["district_code"].get(k.code)
            out[key] = f"legacy-district:{d}" if d is not None else ""
        else:
            p = _province_code(k.system, k.code)
            out[key] = f"{k.system}-province:{p}" if p else ""
    return out


def group_name(group: str) -> str:
    """The short name of a peer group's district or province: "Yên Thế", "Bắc Ninh"."""
    kind, _, code = group.partition(":")
    system, _, level = kind.partition("-")
    table = register.table(system) if system in SYSTEMS else register.legacy_units()
    col, name = (
        ("district_code", "district_short")
        if level == "district"
        else (
            "province_code",
            "province_short",
        )
    )
    names = table.loc[table[col] == code, name]
    return str(names.iloc[0]) if len(names) else group


def group_members(group: str, *, period: object = None) -> list[CommuneKey]:
    """Every commune of a peer group (with a period after the reform: those then in force).

    >>> len(group_members("legacy-district:215"))
    17
    """
    kind, _, code = group.partition(":")
    system, _, level = kind.partition("-")
    return _members(system, level, code, period, _lin())


def group_member_codes(group: str, *, period: object = None) -> frozenset[str]:
    """The codes of `group_members` (the same communes), from a reverse map of the register
    built once: what the checks ask for every group and period of the country.

    >>> len(group_member_codes("legacy-district:215"))
    17
    """
    kind, _, code = group.partition(":")
    system, _, level = kind.partition("-")
    lin = _lin()
    codes = _member_map(system, level, lin).get(code, frozenset())
    if system == NEW:
        codes = codes & lin.units_at(period if period is not None else "latest")
    return codes


@cache
def _member_map(system: str, level: str, lin: Lineage) -> dict[str, frozenset[str]]:
    """District or province code → the codes of its units (created units included)."""
    table = register.table(system)
    col = "district_code" if level == "district" else "province_code"
    out: dict[str, set[str]] = {}
    for unit, group in zip(table.index, table[col], strict=True):
        out.setdefault(str(group), set()).add(unit)
    if system == NEW:
        for c, u in _created_units(lin).items():
            out.setdefault(u.province_code, set()).add(c)
    return {g: frozenset(v) for g, v in out.items()}


@cache
def _members(system: str, level: str, code: str, period: object, lin: Lineage) -> list[CommuneKey]:
    table = register.table(system)
    col = "district_code" if level == "district" else "province_code"
    codes = set(table.index[table[col] == code])
    if system == NEW:
        codes |= {c for c, u in _created_units(lin).items() if u.province_code == code}
        codes &= lin.units_at(period if period is not None else "latest")
    return sorted(CommuneKey(system, c) for c in codes)


def peers(key: object, scope: str | None = None, *, period: object = None) -> list[CommuneKey]:
    """The communes a commune is compared with (itself included), in a named scope (default:
    its district, or its province for a 2025 commune).

    >>> len(peers("legacy:07273")), len(peers("2025:07294", "former_district"))
    (17, 5)
    >>> [k.code for k in peers("legacy:07273", "constituents")]
    ['07273', '07279', '07294']
    """
    k = CommuneKey.parse(key)
    scope = _check_scope(k.system, scope)
    if scope in PARTITIONS:
        group = peer_group(k, scope)
        return group_members(group, period=period) if group else [k]
    if scope == "constituents":
        if k.system == LEGACY:
            out = {k} | {c for n in successors(k) for c in constituents(n)}
        else:
            out = set(constituents(k))
        return sorted(out)
    # former_district
    if k.system == LEGACY:
        return peers(k, "district")
    mine = set(_former_districts().get(k.code, ()))
    for before in formed_from(k):
        if before.system == NEW:
            mine |= set(_former_districts().get(before.code, ()))
    return sorted(
        CommuneKey(NEW, c) for c, ds in _former_districts().items() if mine & set(ds)
    ) or [k]
