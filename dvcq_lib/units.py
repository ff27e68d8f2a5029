"""Units of measure, read from `data/catalogue/units.csv`, and conversion between them.

Each unit belongs to a dimension (area, mass, yield, money, a kind of count) with a factor to the
dimension's base unit; two units convert only when they share a dimension.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from dvcq_lib import datasets
from dvcq_lib.exceptions import UnitError


@dataclass(frozen=True)
class Unit:
    """A unit of measure and how it converts within its dimension.

    >>> units()["tấn/ha"].dimension, units()["tấn/ha"].factor / units()["tạ/ha"].factor
    ('yield', 10.0)
    """

    unit: str
    dimension: str
    factor: float  # multiply by this to get the dimension's base unit
    name_vi: str
    name_en: str
    aliases: tuple[str, ...]


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).strip().casefold().split())


@cache
def units(path: Path | None = None) -> dict[str, Unit]:
    """Every known unit by its canonical spelling.

    >>> units()["tạ"].dimension, units()["tạ"].factor
    ('mass', 0.1)
    """
    df = datasets.read("units", path)
    out = {}
    for r in df.itertuples(index=False):
        aliases = tuple(a for a in r.aliases.split("|") if a)
        out[r.unit] = Unit(r.unit, r.dimension, float(r.factor), r.name_vi, r.name_en, aliases)
    return out


@cache
def _alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for u in units().values():
        for spelling in (u.unit, *u.aliases):
            index.setdefault(_key(spelling), u.unit)
    return index


def normalize_unit(text: str) -> str:
    """The canonical spelling of a unit written any known way ("ta/ha" → "tạ/ha").

    >>> normalize_unit("Héc ta"), normalize_unit("ta/ha")
    ('ha', 'tạ/ha')
    >>> normalize_unit("sào")
    Traceback (most recent call last):
    dvcq_lib.exceptions.UnitError: Đơn vị không hợp lệ 'sào': ...
    """
    try:
        return _alias_index()[_key(text)]
    except KeyError:
        raise UnitError(
            str(text), None, "đơn vị không có trong danh mục; các đơn vị: " + ", ".join(units())
        ) from None


def is_known_unit(text: str) -> bool:
    """Whether a unit is in units.csv under any of its spellings.

    >>> is_known_unit("tấn"), is_known_unit("sào")
    (True, False)
    """
    return _key(text) in _alias_index()


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Factor f so that value_in_to = value_in_from × f; raises UnitError across dimensions.

    >>> conversion_factor("tạ", "tấn")
    0.1
    >>> conversion_factor("ha", "tấn")
    Traceback (most recent call last):
    dvcq_lib.exceptions.UnitError: Đơn vị không hợp lệ 'ha': không đổi được sang 'tấn' ...
    """
    a, b = units()[normalize_unit(from_unit)], units()[normalize_unit(to_unit)]
    if a.dimension != b.dimension:
        raise UnitError(
            from_unit,
            to_unit,
            f"không đổi được sang {to_unit!r} ({a.dimension} ≠ {b.dimension}); "
            f"cần một đơn vị {b.dimension}: "
            + ", ".join(u.unit for u in units().values() if u.dimension == b.dimension),
        )
    return a.factor / b.factor


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert one value.

    >>> convert(1.5, "tấn/ha", "tạ/ha"), convert(2_500, "triệu đồng", "tỷ đồng")
    (15.0, 2.5)
    """
    return value * conversion_factor(from_unit, to_unit)
