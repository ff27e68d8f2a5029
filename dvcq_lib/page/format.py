"""The one number formatting of every rendering (page, charts, slides, workbook).

Babel patterns in the page's language ("1.332,6" in Vietnamese, "1,332.6" in English), one minus
sign everywhere (U+2212, as in print), a missing value in words. A figure taken from the data is
shown as it was reported (every decimal it has, up to six); a value the suite computed (area ×
yield, a ratio recomputed from summed components) with the catalogue's precision for its unit
(`data/catalogue/precision.csv`).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from pathlib import Path

from babel.numbers import format_decimal

from dvcq_lib import datasets
from dvcq_lib.page.labels import label

MINUS = "\u2212"
#: Decimals of a computed value whose unit the precision catalogue does not list.
DEFAULT_DECIMALS = 1
#: Places kept of a reported figure: float noise beyond that is not part of the figure.
REPORTED_PLACES = 6
LOCALES = {"vi": "vi", "en": "en"}


@cache
def precision(path: Path | None = None) -> dict[str, int]:
    """Decimals of a computed value per unit."""
    df = datasets.read("precision", path)
    return dict(zip(df["unit"], df["decimals"].astype(int), strict=True))


def decimals_for(unit: str) -> int:
    """Decimals of a computed value in `unit`."""
    return precision().get(unit, DEFAULT_DECIMALS)


def reported_places(value: float) -> int:
    """How many decimals a reported figure carries (2706.51 → 2)."""
    d = Decimal(str(round(float(value), REPORTED_PLACES))).normalize()
    return max(0, -d.as_tuple().exponent)


def pattern(decimals: int) -> str:
    """The Babel (and Excel) pattern of a number with `decimals` places: "#,##0.0"."""
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def number(value: float | None, decimals: int | None = None, lang: str = "vi") -> str:
    """ "1.028", "2.706,51", "−3,2"; `decimals` None = as reported; NaN = "không có số liệu".

    >>> number(-1331.547, 1)
    '−1.331,5'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return label("missing", lang)
    return _number(float(value), decimals, lang)


@lru_cache(maxsize=65536)
def _number(v: float, decimals: int | None, lang: str) -> str:
    """`number` of a float, kept: a page prints the same few figures in its tables, charts
    and ticks (Babel's formatting is ≈ 0,1 ms a number)."""
    places = reported_places(v) if decimals is None else decimals
    # half away from zero, as reports round (2,25 → 2,3), on the shortest decimal of the float
    d = Decimal(repr(v)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    d = d if d != 0 else Decimal(0).quantize(d)  # no "−0"
    text = format_decimal(d, format=pattern(places), locale=LOCALES.get(lang, "vi"))
    return text.replace("-", MINUS)


def computed(value: float | None, unit: str, lang: str = "vi") -> str:
    """A value the suite computed, with its unit's precision."""
    return number(value, decimals_for(unit), lang)


def signed(value: float, decimals: int | None, lang: str = "vi", suffix: str = "") -> str:
    """ "+2,1 %", "−0,3": an explicit sign, then the magnitude; "" when missing."""
    if value is None or math.isnan(value):
        return ""
    places = decimals if decimals is not None else min(reported_places(abs(value)), 2)
    magnitude = float(
        Decimal(repr(abs(float(value)))).quantize(
            Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
        )
    )
    if magnitude == 0:
        return number(0.0, places, lang) + suffix
    sign = "+" if value > 0 else MINUS
    return f"{sign}{number(magnitude, places, lang)}{suffix}"


def percent(value: float | None, decimals: int = 1, lang: str = "vi") -> str:
    """A percentage value (80 means 80 %): "80,0 %"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return label("missing", lang)
    return f"{number(value, decimals, lang)} %"
