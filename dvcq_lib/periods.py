"""Reporting periods: half-years (`2024-H1`, `2024-H2`) and years (`2024`).

pandas has no half-year frequency ("2024H1" parses as an hour), so a period is its own small
value type, and a column of them is an ordered Categorical of canonical codes.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache, total_ordering

import pandas as pd

from dvcq_lib.exceptions import PeriodError

ACCEPTED_FORMS = (
    "2024-H1",
    "2024-H2",
    "2024 (cả năm)",
    "H1 2024",
    "6 tháng đầu năm 2024",
    "6 tháng cuối năm 2024",
    "năm 2024",
    "cả năm 2024",
)

#: The day the 2025 reform took effect: districts abolished, communes merged.
REFORM_DATE = dt.date(2025, 7, 1)

_CANONICAL = re.compile(r"^(\d{4})(?:\s*[-/ ]?\s*h([12]))?$")
_H_FIRST = re.compile(r"^h([12])\s*[-/ ]?\s*(\d{4})$")
_VI_HALF = re.compile(r"^(?:báo cáo\s+)?6 tháng (đầu|cuối) năm (\d{4})$")
_VI_YEAR = re.compile(r"^(?:cả\s+)?năm (\d{4})$")


@total_ordering
@dataclass(frozen=True)
class Period:
    """A half-year (half = 1 or 2) or a whole year (half = None)."""

    year: int
    half: int | None = None

    def __post_init__(self) -> None:
        if not 1900 <= self.year <= 2200 or self.half not in (None, 1, 2):
            raise PeriodError(f"{self.year}-H{self.half}", ACCEPTED_FORMS)

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def parse(cls, value: object) -> Period:
        """Read any accepted form; raises PeriodError listing the accepted forms."""
        if isinstance(value, Period):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(value)
        if not isinstance(value, str):
            raise PeriodError(value, ACCEPTED_FORMS)
        return _parse_text(value)

    @classmethod
    def _from_text(cls, value: str) -> Period:
        text = " ".join(unicodedata.normalize("NFC", value).strip().lower().split())
        if m := _CANONICAL.match(text):
            return cls(int(m.group(1)), int(m.group(2)) if m.group(2) else None)
        if m := _H_FIRST.match(text):
            return cls(int(m.group(2)), int(m.group(1)))
        if m := _VI_HALF.match(text):
            return cls(int(m.group(2)), 1 if m.group(1) == "đầu" else 2)
        if m := _VI_YEAR.match(text):
            return cls(int(m.group(1)))
        raise PeriodError(value, ACCEPTED_FORMS)

    # -- identity -----------------------------------------------------------------------------
    @property
    def code(self) -> str:
        return f"{self.year}" if self.half is None else f"{self.year}-H{self.half}"

    def __str__(self) -> str:
        return self.code

    @property
    def is_half(self) -> bool:
        return self.half is not None

    @property
    def sort_key(self) -> tuple[int, int]:
        # H1 < H2 < the whole year: a year sorts after its last half, by its end date.
        return (self.year, 3 if self.half is None else self.half)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self.sort_key < other.sort_key

    # -- calendar -----------------------------------------------------------------------------
    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 7 if self.half == 2 else 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.half == 1 else dt.date(self.year, 12, 31)

    @property
    def after_reform(self) -> bool:
        """True when the period's communes are the 2025 units (it ends on/after 1 July 2025)."""
        return self.end >= REFORM_DATE

    # -- neighbours ---------------------------------------------------------------------------
    def previous(self) -> Period:
        """The period just before: H2 → H1 of the same year, H1 → H2 of the year before."""
        if self.half is None:
            return Period(self.year - 1)
        return Period(self.year, 1) if self.half == 2 else Period(self.year - 1, 2)

    def next(self) -> Period:
        if self.half is None:
            return Period(self.year + 1)
        return Period(self.year, 2) if self.half == 1 else Period(self.year + 1, 1)

    def same_period_last_year(self) -> Period:
        """ "Cùng kỳ năm trước": the same half (or year) one year earlier."""
        return Period(self.year - 1, self.half)

    # -- labels -------------------------------------------------------------------------------
    @property
    def label_vi(self) -> str:
        if self.half is None:
            return f"năm {self.year}"
        return f"6 tháng {'đầu' if self.half == 1 else 'cuối'} năm {self.year}"

    @property
    def label_en(self) -> str:
        return f"{self.year}" if self.half is None else f"H{self.half} {self.year}"

    def label(self, lang: str = "vi") -> str:
        return self.label_en if lang == "en" else self.label_vi


@lru_cache(maxsize=4096)
def _parse_text(value: str) -> Period:
    """Parsing is pure: pages and checks parse the same few codes hundreds of thousands of
    times, so each distinct string is parsed once (errors are not cached, and re-raised)."""
    return Period._from_text(value)


def period_range(first: object, last: object) -> list[Period]:
    """Every period from first to last inclusive, stepping half by half (or year by year)."""
    a, b = Period.parse(first), Period.parse(last)
    if a.is_half != b.is_half:
        raise PeriodError(f"{a}..{b}", ["two half-years or two years"])
    out = [a]
    while out[-1] < b:
        out.append(out[-1].next())
    return out


def period_dtype(periods: Iterable[object]) -> pd.CategoricalDtype:
    """An ordered categorical dtype holding the given periods in calendar order."""
    cats = sorted({Period.parse(p) for p in periods})
    return pd.CategoricalDtype([p.code for p in cats], ordered=True)


def as_period_column(values: Iterable[object]) -> pd.Categorical:
    """Canonical codes as an ordered Categorical that sorts in calendar order."""
    codes = [Period.parse(v).code for v in values]
    return pd.Categorical(codes, dtype=period_dtype(codes))
