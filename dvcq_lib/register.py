"""The commune register: every commune (xã, phường, thị trấn) by its official code, for the
legacy units (before 1 July 2025, ~10,000 under 63 provinces and their districts) and the 2025
units (3,321 under 34 provinces, no districts), with the legacy → 2025 mapping.

All of it comes from the `vietnamadminunits` package (its database and its 2025 conversion
tables), never typed by hand. A code alone does not say which system it belongs to — 07294 is
the legacy town Bố Hạ and also the 2025 commune Bố Hạ — so the system comes from the period:
periods ending on or after 1 July 2025 use the 2025 units.

This module keeps the unit tables and the record of one unit (`Commune`, `CommuneKey`). Finding
a commune by name, its peers and who formed whom live in `dvcq_lib.communes` (over `lineage`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import pandas as pd
from vietnamadminunits.converter import converter_2025 as _conv
from vietnamadminunits.database import query as _query

from dvcq_lib.exceptions import AmbiguousCommuneError, CommuneNotFoundError, LineageError
from dvcq_lib.periods import Period

LEGACY = "legacy"
NEW = "2025"
SYSTEMS = (LEGACY, NEW)
SYSTEM_LABELS_VI = {LEGACY: "trước 01/7/2025", NEW: "từ 01/7/2025"}

UNIT_PREFIX = re.compile(r"^(xã|phường|thị trấn|tt\.?|p\.|x\.)\s+", re.IGNORECASE)
DISTRICT_PREFIX = re.compile(
    r"^(huyện|quận|thị xã|thành phố|tp\.?|h\.|q\.|tx\.?)\s+", re.IGNORECASE
)
PROVINCE_PREFIX = re.compile(r"^(tỉnh|thành phố|tp\.?)\s+", re.IGNORECASE)


def nfc(text: object) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).strip().split())


def name_key(text: object, prefix: re.Pattern) -> str:
    """Casefolded name without its type prefix; diacritics kept (Đông Sơn ≠ Đồng Sơn)."""
    return prefix.sub("", nfc(text).casefold()).strip()


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
    short = UNIT_PREFIX.sub("", nfc(text))
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


@dataclass(frozen=True, eq=False)
class CommuneKey(str):
    """A unit of one register: (system, code). A code alone is ambiguous across registers; the
    key is not. The key *is* its "system:code" text (`str()`), the form of files, frames and
    digests: it compares, hashes, sorts and serialises as that text, so frames of text keys,
    JSON state files and CSV manifests need no conversion; `.system` and `.code` replace
    `key.split(":")`.

    >>> k = CommuneKey.parse("legacy:07273")
    >>> k.system, k.code, str(k), k == "legacy:07273", CommuneKey("2025", 7294)
    ('legacy', '07273', 'legacy:07273', True, CommuneKey(system='2025', code='07294'))
    """

    system: str
    code: str

    def __new__(cls, system: str, code: object) -> CommuneKey:
        if system not in SYSTEMS:
            raise LineageError(
                f"Hệ đơn vị {system!r} không có; cần {' hoặc '.join(SYSTEMS)} "
                "(unknown register system)"
            )
        return super().__new__(cls, f"{system}:{normalize_code(code)}")

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", normalize_code(self.code))

    def __getnewargs__(self) -> tuple[str, str]:  # pickling (process pools) rebuilds the key
        return (self.system, self.code)

    def __str__(self) -> str:
        return str.__str__(self)

    @classmethod
    def parse(cls, key: object) -> CommuneKey:
        """A key from its text form ("2025:07294") or a key."""
        if isinstance(key, CommuneKey):
            return key
        system, sep, code = str(key).partition(":")
        if not sep:
            raise LineageError(f"Khoá đơn vị {key!r} cần dạng hệ:mã, vd. legacy:07273")
        return cls(system, code)

    @classmethod
    def at(cls, code: object, period: object) -> CommuneKey:
        """The key of a code as reported for a period (its register: `system_for`)."""
        return cls(system_for(period), code)


@dataclass(frozen=True)
class Commune:
    """One commune (xã, phường, thị trấn) of one register.

    >>> c = get("07273", period="2024-H1")
    >>> c.short_name, c.district, c.key, c.slug
    ('Đông Sơn', 'Huyện Yên Thế', CommuneKey(system='legacy', code='07273'), 'dong-son')
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
    def key(self) -> CommuneKey:
        """Unique across systems: str() gives "legacy:07273", "2025:07294"."""
        return CommuneKey(self.system, self.code)

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
    units = new_units()
    # plain dicts: one look-up per entry of the package's tables, not a pandas index each
    new = dict(
        zip(zip(units["province_key"], units["ward_key"], strict=True), units["code"], strict=True)
    )
    legacy = legacy_units()
    old = dict(zip(legacy["key"], legacy["code"], strict=True))
    rows = []
    for prov, wards in _conv.DICT_PROVINCE_WARD_NO_DIVIDED.items():
        for ward_key, old_keys in wards.items():
            new_code = new.get((prov, ward_key))
            for k in old_keys:
                if k in old and new_code is not None:
                    rows.append((old[k], new_code, False, True))
    for prov, divided in _conv.DICT_PROVINCE_WARD_DIVIDED.items():
        for k, targets in divided.items():
            for t in targets:
                new_code = new.get((prov, t["newWardKey"]))
                if k in old and new_code is not None:
                    rows.append((old[k], new_code, True, bool(t["isDefaultNewWard"])))
    out = pd.DataFrame(rows, columns=["legacy_code", "new_code", "split", "default"])
    out = out.drop_duplicates(["legacy_code", "new_code"]).reset_index(drop=True)
    out["new_area_km2"] = out["new_code"].map(new_units()["area_km2"])
    return out


def from_row(row: pd.Series, system: str) -> Commune:
    """The record of one row of `legacy_units()` / `new_units()`."""
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


def table(system: str) -> pd.DataFrame:
    """The unit table of a register: `legacy_units()` or `new_units()`."""
    return legacy_units() if system == LEGACY else new_units()


@cache
def records(system: str) -> dict[str, Commune]:
    """Every unit of a register as its `Commune` record (`from_row` of each row), built once:
    `get` is then a look-up, not a row of a frame per call (planning asks for 3,321 of them).

    >>> records(NEW)["07294"].name
    'Xã Bố Hạ'
    """
    t = table(system)
    return {
        code: from_row(row, system) for code, row in zip(t.index, t.to_dict("records"), strict=True)
    }


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
    found = [records(s)[code] for s in systems if code in records(s)]
    if not found:
        raise CommuneNotFoundError(code, scope="trong danh mục mã đơn vị hành chính")
    if len(found) > 1:
        raise AmbiguousCommuneError(code, [c.describe() for c in found])
    return found[0]
