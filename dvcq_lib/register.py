"""The commune register: every commune (xã, phường, thị trấn) by its official code, for the
legacy units (before 1 July 2025, ~10,000 under 63 provinces and their districts) and the 2025
units (3,321 under 34 provinces, no districts), with the legacy → 2025 mapping.

All of it comes from the `vietnamadminunits` package (its database and its 2025 conversion
tables), never typed by hand. A code alone does not say which system it belongs to — 07294 is
the legacy town Bố Hạ and also the 2025 commune Bố Hạ — so the system comes from the period:
periods ending on or after 1 July 2025 use the 2025 units.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import pandas as pd
from vietnamadminunits.converter import converter_2025 as _conv
from vietnamadminunits.database import query as _query

from dvcq_lib.exceptions import AmbiguousCommuneError, CommuneNotFoundError
from dvcq_lib.periods import Period

LEGACY = "legacy"
NEW = "2025"
SYSTEMS = (LEGACY, NEW)
SYSTEM_LABELS_VI = {LEGACY: "trước 01/7/2025", NEW: "từ 01/7/2025"}

_UNIT_PREFIX = re.compile(r"^(xã|phường|thị trấn|tt\.?|p\.|x\.)\s+", re.IGNORECASE)
_DISTRICT_PREFIX = re.compile(
    r"^(huyện|quận|thị xã|thành phố|tp\.?|h\.|q\.|tx\.?)\s+", re.IGNORECASE
)
_PROVINCE_PREFIX = re.compile(r"^(tỉnh|thành phố|tp\.?)\s+", re.IGNORECASE)


def _nfc(text: object) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).strip().split())


def _name_key(text: object, prefix: re.Pattern) -> str:
    """Casefolded name without its type prefix; diacritics kept (Đông Sơn ≠ Đồng Sơn)."""
    return prefix.sub("", _nfc(text).casefold()).strip()


def ascii_fold(text: str) -> str:
    """Vietnamese text without diacritics.

    >>> ascii_fold("Đông Sơn"), ascii_fold("Hương Vĩ")
    ('Dong Son', 'Huong Vi')
    """
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def slugify(text: str) -> str:
    """A file-name slug (the unit type dropped).

    >>> slugify("Xã Đông Sơn"), slugify("Thị trấn Bố Hạ")
    ('dong-son', 'bo-ha')
    """
    short = _UNIT_PREFIX.sub("", _nfc(text))
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(short).lower()).strip("-")


def normalize_code(code: object) -> str:
    """Official codes are five digits; restore zeros lost on the way (a spreadsheet drops them).

    >>> normalize_code(7273), normalize_code("7273.0"), normalize_code("07273")
    ('07273', '07273', '07273')
    """
    text = str(code).strip()
    if text.endswith(".0"):
        text = text[:-2]
    return text.zfill(5) if text.isdigit() and len(text) <= 5 else text


def is_code(text: object) -> bool:
    """Whether a commune query is a code rather than a name.

    >>> is_code("07273"), is_code(7273), is_code("Đông Sơn")
    (True, True, False)
    """
    return isinstance(text, int) or str(text).strip().removesuffix(".0").isdigit()


@dataclass(frozen=True)
class Commune:
    """One commune (xã, phường, thị trấn) of one register.

    >>> c = get("07273", period="2024-H1")
    >>> c.short_name, c.district, c.key, c.slug
    ('Đông Sơn', 'Huyện Yên Thế', 'legacy:07273', 'dong-son')
    """

    code: str
    system: str  # "legacy" or "2025"
    name: str  # with its type: "Xã Đông Sơn"
    short_name: str  # "Đông Sơn"
    unit_type: str  # "Xã", "Phường", "Thị trấn"
    province: str
    province_code: str
    district: str | None = None  # legacy units only
    district_code: str | None = None

    @property
    def slug(self) -> str:
        """The name as a file-name part: "dong-son"."""
        return slugify(self.short_name)

    @property
    def key(self) -> str:
        """Unique across systems: "legacy:07273", "2025:07294"."""
        return f"{self.system}:{self.code}"

    def describe(self) -> str:
        """Name, district, province, code and register, for a message a user reads.

        >>> get("07273", period="2024-H1").describe()
        'Xã Đông Sơn, Huyện Yên Thế, Tỉnh Bắc Giang — mã 07273 (trước 01/7/2025)'
        """
        parts = [self.name]
        if self.district:
            parts.append(self.district)
        parts.append(self.province)
        return f"{', '.join(parts)} — mã {self.code} ({SYSTEM_LABELS_VI[self.system]})"


@cache
def legacy_units() -> pd.DataFrame:
    """Every legacy commune, one row each, indexed by code.

    >>> legacy_units().loc["07273", ["name", "district", "province"]].tolist()
    ['Xã Đông Sơn', 'Huyện Yên Thế', 'Tỉnh Bắc Giang']
    """
    rows = _query(
        "SELECT wardCode AS code, ward AS name, wardShort AS short_name, wardType AS unit_type, "
        "district, districtShort AS district_short, districtCode AS district_code, "
        "province, provinceShort AS province_short, provinceCode AS province_code, "
        "provinceKey || '_' || districtKey || '_' || wardKey AS key "
        "FROM admin_units_legacy WHERE wardCode IS NOT NULL"
    )
    return pd.DataFrame(rows).drop_duplicates("code").set_index("code", drop=False)


@cache
def new_units() -> pd.DataFrame:
    """Every 2025 commune (and ward, special zone), indexed by code.

    >>> len(new_units()), new_units().loc["07294", ["name", "province"]].tolist()
    (3321, ['Xã Bố Hạ', 'Tỉnh Bắc Ninh'])
    """
    rows = _query(
        "SELECT wardCode AS code, ward AS name, wardShort AS short_name, wardType AS unit_type, "
        "province, provinceShort AS province_short, provinceCode AS province_code, "
        "wardAreaKm2 AS area_km2, provinceKey AS province_key, wardKey AS ward_key "
        "FROM admin_units WHERE wardCode IS NOT NULL"
    )
    return pd.DataFrame(rows).drop_duplicates("code").set_index("code", drop=False)


@cache
def legacy_to_2025() -> pd.DataFrame:
    """The conversion table of `vietnamadminunits`: one row per (legacy code, 2025 code).

    Columns: legacy_code, new_code, split (the legacy unit was divided among several 2025 units),
    default (the package's default successor of a divided unit), new_area_km2.

    >>> m = legacy_to_2025()
    >>> m[m["legacy_code"] == "07273"][["new_code", "split"]].values.tolist()
    [['07294', False]]
    """
    new = new_units().set_index(["province_key", "ward_key"])["code"]
    old = legacy_units().set_index("key")["code"]
    rows = []
    for prov, wards in _conv.DICT_PROVINCE_WARD_NO_DIVIDED.items():
        for ward_key, old_keys in wards.items():
            new_code = new.get((prov, ward_key))
            for k in old_keys:
                if k in old.index and new_code is not None:
                    rows.append((old[k], new_code, False, True))
    for prov, divided in _conv.DICT_PROVINCE_WARD_DIVIDED.items():
        for k, targets in divided.items():
            for t in targets:
                new_code = new.get((prov, t["newWardKey"]))
                if k in old.index and new_code is not None:
                    rows.append((old[k], new_code, True, bool(t["isDefaultNewWard"])))
    out = pd.DataFrame(rows, columns=["legacy_code", "new_code", "split", "default"])
    out = out.drop_duplicates(["legacy_code", "new_code"]).reset_index(drop=True)
    out["new_area_km2"] = out["new_code"].map(new_units()["area_km2"])
    return out


def _commune_from_row(row: pd.Series, system: str) -> Commune:
    return Commune(
        code=row["code"],
        system=system,
        name=row["name"],
        short_name=row["short_name"],
        unit_type=row["unit_type"],
        province=row["province"],
        province_code=row["province_code"],
        district=row.get("district") if system == LEGACY else None,
        district_code=row.get("district_code") if system == LEGACY else None,
    )


def _table(system: str) -> pd.DataFrame:
    return legacy_units() if system == LEGACY else new_units()


def system_for(period: object) -> str:
    """Which register a period's data refers to: periods ending on or after 1 July 2025 use the
    2025 units.

    >>> system_for("2025-H1"), system_for("2025-H2"), system_for("2025")
    ('legacy', '2025', '2025')
    """
    return NEW if Period.parse(period).after_reform else LEGACY


def get(code: object, system: str | None = None, *, period: object = None) -> Commune:
    """The commune with this official code; the system comes from `system` or `period`.

    >>> get("07294", period="2024-H1").name, get("07294", period="2026-H1").name
    ('Thị trấn Bố Hạ', 'Xã Bố Hạ')
    >>> get("07294")
    Traceback (most recent call last):
    dvcq_lib.exceptions.AmbiguousCommuneError: Tên '07294' ứng với 2 đơn vị; ...
    """
    code = normalize_code(code)
    if system is None and period is not None:
        system = system_for(period)
    systems = [system] if system else list(SYSTEMS)
    found = [_commune_from_row(_table(s).loc[code], s) for s in systems if code in _table(s).index]
    if not found:
        raise CommuneNotFoundError(code, scope="trong danh mục mã đơn vị hành chính")
    if len(found) > 1:
        raise AmbiguousCommuneError(code, [c.describe() for c in found])
    return found[0]


def successors(code: object) -> list[tuple[Commune, bool]]:
    """The 2025 unit(s) a legacy commune became, with whether it was split among several.

    >>> [(c.name, split) for c, split in successors("07273")]
    [('Xã Bố Hạ', False)]
    """
    m = legacy_to_2025()
    hits = m[m["legacy_code"] == normalize_code(code)]
    return [(get(r.new_code, NEW), bool(r.split)) for r in hits.itertuples()]


def constituents(code: object) -> list[Commune]:
    """The legacy communes (wholly or in part) that formed a 2025 unit.

    >>> [c.name for c in constituents("07294")]
    ['Xã Đông Sơn', 'Xã Hương Vĩ', 'Thị trấn Bố Hạ']
    """
    m = legacy_to_2025()
    hits = m[m["new_code"] == normalize_code(code)]
    return [get(c, LEGACY) for c in hits["legacy_code"]]


def _former_districts(code: str) -> set[str]:
    """The districts (name keys) of the legacy units a 2025 unit was formed from."""
    return set(_former_district_keys().get(normalize_code(code), ()))


@cache
def _former_district_keys() -> dict[str, frozenset[str]]:
    """2025 code → its constituents' district keys, for every unit at once: a district's 2025
    communes are found by one pass over the conversion table, not one query per unit."""
    m = legacy_to_2025()
    district = m["legacy_code"].map(legacy_units()["district"])
    keys = district.map(lambda d: _name_key(d, _DISTRICT_PREFIX) if isinstance(d, str) else "")
    table = pd.DataFrame({"new": m["new_code"], "key": keys})
    table = table[table["key"] != ""]
    return {code: frozenset(g) for code, g in table.groupby("new")["key"]}


def find(
    query: object,
    *,
    district: str | None = None,
    province: str | None = None,
    system: str | None = None,
    period: object = None,
) -> list[Commune]:
    """Every commune matching a name (with or without "Xã"/"Phường") or a code.

    `district` narrows legacy units by their district and 2025 units by their constituents'
    districts; `province` matches a unit's own province or (for legacy units) its 2025 one.

    >>> [c.key for c in find("Bố Hạ")]
    ['legacy:07294', '2025:07294']
    >>> [c.key for c in find("Xã Bố Hạ", period="2026-H1")]
    ['2025:07294']
    """
    if system is None and period is not None:
        system = system_for(period)
    systems = [system] if system else list(SYSTEMS)
    out: list[Commune] = []
    for s in systems:
        table = _table(s)
        if is_code(query):
            code = normalize_code(query)
            hits = table.loc[[code]] if code in table.index else table.iloc[0:0]
        else:
            key = _name_key(query, _UNIT_PREFIX)
            full = _nfc(query).casefold()
            hits = table[
                (table["short_name"].str.casefold() == key) | (table["name"].str.casefold() == full)
            ]
        for _, row in hits.iterrows():
            c = _commune_from_row(row, s)
            if district and not _district_matches(c, district):
                continue
            if province and not _province_matches(c, province):
                continue
            out.append(c)
    return out


def _district_matches(c: Commune, district: str) -> bool:
    want = _name_key(district, _DISTRICT_PREFIX)
    if c.system == LEGACY:
        return _name_key(c.district, _DISTRICT_PREFIX) == want
    return want in _former_districts(c.code)


def _province_matches(c: Commune, province: str) -> bool:
    want = _name_key(province, _PROVINCE_PREFIX)
    names = {_name_key(c.province, _PROVINCE_PREFIX)}
    if c.system == LEGACY:
        names |= {_name_key(s.province, _PROVINCE_PREFIX) for s, _ in successors(c.code)}
    return want in names


def lookup(
    query: object,
    *,
    district: str | None = None,
    province: str | None = None,
    system: str | None = None,
    period: object = None,
) -> Commune:
    """Exactly one commune for a name or code, or an error listing candidates / suggestions.

    >>> lookup("Đông Sơn", district="Yên Thế").code
    '07273'
    >>> lookup("Dong Son", district="Yên Thế")
    Traceback (most recent call last):
    dvcq_lib.exceptions.CommuneNotFoundError: ... 'Dong Son' ... Có phải: Đông Sơn; ...
    """
    hits = find(query, district=district, province=province, system=system, period=period)
    if len(hits) == 1:
        return hits[0]
    scope = ", ".join(x for x in (district, province) if x)
    if not hits:
        raise CommuneNotFoundError(str(query), _suggest(str(query)), scope=scope)
    raise AmbiguousCommuneError(str(query), [c.describe() for c in hits])


def _suggest(query: str, n: int = 5) -> list[str]:
    """Names close to the query, diacritics ignored: "Dong Son" suggests Đông Sơn and Đồng Sơn."""
    names = sorted(set(legacy_units()["short_name"]) | set(new_units()["short_name"]))
    folded: dict[str, list[str]] = {}
    for name in names:
        folded.setdefault(ascii_fold(name).casefold(), []).append(name)
    key = ascii_fold(_UNIT_PREFIX.sub("", _nfc(query))).casefold()
    close = difflib.get_close_matches(key, list(folded), n=n, cutoff=0.8)
    return [name for c in close for name in folded[c]][: n * 2]


def communes(
    system: str = LEGACY, *, district: str | None = None, province: str | None = None
) -> pd.DataFrame:
    """The register of one system as a frame, optionally narrowed to a district or province
    (the 2025 units of a legacy district: those formed from its communes).

    >>> len(communes(district="Yên Thế")), communes(NEW, district="Yên Thế")["name"].tolist()
    (17, ['Xã Xuân Lương', 'Xã Tam Tiến', 'Xã Đồng Kỳ', 'Xã Yên Thế', 'Xã Bố Hạ'])
    """
    return _communes(system, district, province).copy()


@cache
def _communes(system: str, district: str | None, province: str | None) -> pd.DataFrame:
    table = _table(system)
    mask = pd.Series(True, index=table.index)
    if district:
        if system == LEGACY:
            mask &= table["district_short"].map(lambda d: _name_key(d, _DISTRICT_PREFIX)) == (
                _name_key(district, _DISTRICT_PREFIX)
            )
        else:
            mask &= table["code"].map(
                lambda c: _name_key(district, _DISTRICT_PREFIX) in _former_districts(c)
            )
    if province:
        want = _name_key(province, _PROVINCE_PREFIX)
        mask &= table["province_short"].map(lambda p: _name_key(p, _PROVINCE_PREFIX)) == want
    return table[mask].drop(columns=[c for c in ("key", "province_key", "ward_key") if c in table])
