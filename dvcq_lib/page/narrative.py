"""A short narrative generated from the data, in the words a commune report uses, that a
report writer can paste: "Diện tích lúa đạt 219,5 ha, tăng 2,1 % so với cùng kỳ năm trước."

Percent indicators change in percentage points ("điểm phần trăm"), not in percent of percent.
A missing value is skipped (or said to be missing); a missing base drops only the comparison.
Words come from `data/catalogue/labels.csv` (keys `narrative.*`); numbers from the one page
formatter (`dvcq_lib.page.format`): a figure as reported, a computed one with its unit's
precision.
"""

from __future__ import annotations

import math
from collections.abc import Collection

import pandas as pd

from dvcq_lib.catalogue import catalogue
from dvcq_lib.page import format as fmt
from dvcq_lib.page.labels import label
from dvcq_lib.trends import Change, change

#: Decimals of a percent change in prose: one, as reports write "tăng 2,1 %".
CHANGE_DECIMALS = 1
#: A ratio with more decimals than this was computed, not reported (reports carry at most two).
REPORTED_RATIO_PLACES = 2


def _w(key: str, lang: str) -> str:
    return label(f"narrative.{key}", lang)


def _unit(code: str) -> str:
    return catalogue()[code].unit


def _amount(
    v: float, code: str, lang: str, period: str = "", computed: Collection = frozenset()
) -> str:
    """The figure as reported; a computed one (listed in `computed`, or a ratio with more
    decimals than a report writes) with the unit's precision."""
    unit = _unit(code)
    is_computed = (code, period) in computed or (
        catalogue()[code].kind == "ratio" and fmt.reported_places(v) > REPORTED_RATIO_PLACES
    )
    text = fmt.computed(v, unit, lang) if is_computed else fmt.number(v, None, lang)
    return f"{text} {unit}".strip()


def phrase_change(ch: Change, lang: str = "vi", against: str = "same_period_last_year") -> str:
    """ "tăng 2,1 % so với cùng kỳ năm trước" (or "giảm 3,0 điểm phần trăm …", "bằng cùng kỳ
    năm trước"); "" when not comparable."""
    if not ch.comparable:
        return ""
    if ch.absolute == 0:
        return f"{_w('same', lang)} {_w('same_base_' + against, lang)}"
    word = _w("up", lang) if ch.absolute > 0 else _w("down", lang)
    if _unit(ch.indicator) == "%":
        amount = f"{fmt.number(abs(ch.absolute), CHANGE_DECIMALS, lang)} {_w('points', lang)}"
    elif math.isnan(ch.percent):
        amount = _amount(abs(ch.absolute), ch.indicator, lang)
    else:
        amount = f"{fmt.number(abs(ch.percent), CHANGE_DECIMALS, lang)} %"
    return f"{word} {amount} {_w(against, lang)}"


def sentence(
    wide: pd.DataFrame,
    indicator: str,
    period: object,
    *,
    lang: str = "vi",
    against: str = "same_period_last_year",
    say_missing: bool = False,
    computed: Collection = frozenset(),
) -> str:
    """One sentence on one indicator; "" for a missing value unless `say_missing`.
    `computed`: (indicator, period) pairs whose values the suite computed.

    >>> w = pd.DataFrame({"rice_area": [215.0, 219.5]}, index=["2023-H1", "2024-H1"])
    >>> sentence(w, "rice_area", "2024-H1")
    'Diện tích lúa đạt 219,5 ha, tăng 2,1 % so với cùng kỳ năm trước.'
    """
    name = catalogue()[indicator].name(lang)
    ch = change(wide, indicator, period, against)
    if math.isnan(ch.value):
        return f"{name}: {_w('missing', lang)}." if say_missing else ""
    amount = _amount(ch.value, indicator, lang, ch.period, computed)
    text = f"{name} {_w('reaches', lang)} {amount}"
    phrase = phrase_change(ch, lang, against)
    if phrase:
        text += f", {phrase}"
    return text + "."


def paragraph(
    wide: pd.DataFrame,
    indicators: list[str] | tuple[str, ...],
    period: object,
    *,
    lang: str = "vi",
    against: str = "same_period_last_year",
    computed: Collection = frozenset(),
) -> str:
    """Sentences for the indicators that have a value, joined; missing ones are skipped."""
    parts = [
        sentence(wide, c, period, lang=lang, against=against, computed=computed) for c in indicators
    ]
    return " ".join(p for p in parts if p)
