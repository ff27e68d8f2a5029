"""A short narrative generated from the data, in the words a commune report uses, that a
report writer can paste: "Diện tích lúa đạt 219,5 ha, tăng 2,1 % so với cùng kỳ năm trước."

Percent indicators change in percentage points ("điểm phần trăm"), not in percent of percent.
A missing value is skipped (or said to be missing); a missing base drops only the comparison.
"""

from __future__ import annotations

import math

import pandas as pd

from dvcq_lib.catalogue import catalogue
from dvcq_lib.numbers import format_number
from dvcq_lib.trends import Change, change

#: Decimals of a percent change in prose: one, as reports write "tăng 2,1 %".
CHANGE_DECIMALS = 1
#: At most this many decimals for a figure in prose (reported figures never carry more).
AMOUNT_DECIMALS = 2

_WORDS = {
    "vi": {
        "reaches": "đạt",
        "up": "tăng",
        "down": "giảm",
        "same": "bằng",
        "points": "điểm phần trăm",
        "same_period_last_year": "so với cùng kỳ năm trước",
        "previous": "so với kỳ trước",
        "same_base_same_period_last_year": "cùng kỳ năm trước",
        "same_base_previous": "kỳ trước",
        "missing": "không có số liệu",
        "no_base": "chưa có số liệu cùng kỳ để so sánh",
    },
    "en": {
        "reaches": "was",
        "up": "up",
        "down": "down",
        "same": "unchanged from",
        "points": "percentage points",
        "same_period_last_year": "on the same period last year",
        "previous": "on the previous half-year",
        "same_base_same_period_last_year": "the same period last year",
        "same_base_previous": "the previous half-year",
        "missing": "no data",
        "no_base": "no data for the same period last year",
    },
}


def _unit(code: str) -> str:
    unit = catalogue()[code].unit
    return unit


def _amount(v: float, code: str, lang: str) -> str:
    """The figure as reported (reports carry at most two decimals; a computed ratio is cut
    to two, e.g. a yield recomputed from output and area)."""
    return f"{format_number(round(v, AMOUNT_DECIMALS), lang=lang)} {_unit(code)}".strip()


def phrase_change(ch: Change, lang: str = "vi", against: str = "same_period_last_year") -> str:
    """ "tăng 2,1 % so với cùng kỳ năm trước" (or "giảm 3,0 điểm phần trăm …", "bằng cùng kỳ
    năm trước"); "" when not comparable."""
    w = _WORDS[lang]
    if not ch.comparable:
        return ""
    if ch.absolute == 0:
        return f"{w['same']} {w['same_base_' + against]}"
    word = w["up"] if ch.absolute > 0 else w["down"]
    if _unit(ch.indicator) == "%":
        amount = f"{format_number(abs(ch.absolute), CHANGE_DECIMALS, lang)} {w['points']}"
    elif math.isnan(ch.percent):
        amount = _amount(abs(ch.absolute), ch.indicator, lang)
    else:
        amount = f"{format_number(abs(ch.percent), CHANGE_DECIMALS, lang)} %"
    return f"{word} {amount} {w[against]}"


def sentence(
    wide: pd.DataFrame,
    indicator: str,
    period: object,
    *,
    lang: str = "vi",
    against: str = "same_period_last_year",
    say_missing: bool = False,
) -> str:
    """One sentence on one indicator; "" for a missing value unless `say_missing`.

    >>> w = pd.DataFrame({"rice_area": [215.0, 219.5]}, index=["2023-H1", "2024-H1"])
    >>> sentence(w, "rice_area", "2024-H1")
    'Diện tích lúa đạt 219,5 ha, tăng 2,1 % so với cùng kỳ năm trước.'
    """
    w = _WORDS[lang]
    name = catalogue()[indicator].name(lang)
    ch = change(wide, indicator, period, against)
    if math.isnan(ch.value):
        return f"{name}: {w['missing']}." if say_missing else ""
    text = f"{name} {w['reaches']} {_amount(ch.value, indicator, lang)}"
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
) -> str:
    """Sentences for the indicators that have a value, joined; missing ones are skipped."""
    parts = [sentence(wide, c, period, lang=lang, against=against) for c in indicators]
    return " ".join(p for p in parts if p)
