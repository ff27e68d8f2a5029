"""Reporting periods: half-years (`2024-H1`, `2024-H2`), years (`2024`), quarters (`2025-Q3`),
nine months (`2025-9M`) and explicit month ranges (`2025-07..2025-10`, 1 July – 31 October).

pandas has no half-year frequency ("2024H1" parses as an hour), so a period is its own small
value type, and a column of them is an ordered Categorical of canonical codes.

A period is a run of whole months inside one calendar year: its identity is (year, first month,
last month), and its kind follows from that — a range that is exactly a half, a quarter, the
first nine months or the whole year *is* that period (`2025-07..2025-09` reads as `2025-Q3`), so
one span has one code.

Comparing periods (`comparable`): a flow (or a ratio of flows) over a span is comparable only
with the same span of another year — "5 tháng đầu năm 2025" with "5 tháng đầu năm 2024", never
with a half-year as if it were one. A stock is the value at the span's last day (`stock_date`):
the stock of a `2025-07..2025-10` report is the stock on 31/10/2025, comparable with any other
stock taken at the end of October (same end month), and a quarter-4 stock is the year-end stock.
`previous()` exists only for halves, quarters and years (the period just before, of the same
length); for nine months and ranges it refuses (PeriodComparisonError), because the months just
before are not a period anyone reports. `same_period_last_year()` is like-for-like for every kind.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache, total_ordering

import pandas as pd

from dvcq_lib.exceptions import PeriodComparisonError, PeriodError

ACCEPTED_FORMS = (
    "2024-H1",
    "2024-H2",
    "2024 (cả năm)",
    "H1 2024",
    "6 tháng đầu năm 2024",
    "6 tháng cuối năm 2024",
    "năm 2024",
    "cả năm 2024",
    "2025-Q3",
    "quý III năm 2025",
    "quý 3/2025",
    "2025-9M",
    "9 tháng đầu năm 2025",
    "2025-07..2025-10",
    "5 tháng đầu năm 2025",
    "tháng 1 đến tháng 5 năm 2025",
    "từ ngày 01/7 đến 31/10/2025",
)

#: The day the 2025 reform took effect: districts abolished, communes merged.
REFORM_DATE = dt.date(2025, 7, 1)

#: Kinds of period, in the order a reader thinks of them.
YEAR, HALF, QUARTER, NINE_MONTHS, RANGE = "year", "half", "quarter", "nine_months", "range"
KINDS = (YEAR, HALF, QUARTER, NINE_MONTHS, RANGE)
#: Catalogue kinds whose value is a level at a date (taken at the period's end), not a sum over it.
STOCK_KINDS = ("stock",)
#: Official cut-off days of a report (Nghị định 09/2019/NĐ-CP, art. 12): a reporting period runs
#: from the 15th of the month before its first month to the 14th of its last month.
CUTOFF_START_DAY, CUTOFF_END_DAY = 15, 14

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_VI_NUMBERS = {
    "một": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "tư": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
    "mười một": 11,
    "mười hai": 12,
}
_N = r"(\d{1,2}|mười một|mười hai|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)"
_CANONICAL = re.compile(r"^(\d{4})(?:\s*[-/ ]?\s*h([12]))?$")
_H_FIRST = re.compile(r"^h([12])\s*[-/ ]?\s*(\d{4})$")
_Q_CODE = re.compile(r"^(\d{4})\s*[-/ ]?\s*q([1-4])$")
_Q_FIRST = re.compile(r"^q([1-4])\s*[-/ ]?\s*(\d{4})$")
_9M_CODE = re.compile(r"^(\d{4})\s*[-/ ]?\s*9m$")
_9M_FIRST = re.compile(r"^9m\s*[-/ ]?\s*(\d{4})$")
_RANGE_CODE = re.compile(r"^(\d{4})-(\d{1,2})\s*\.\.\s*(\d{4})-(\d{1,2})$")
_VI_HALF = re.compile(r"^(?:báo cáo\s+)?6 tháng (đầu|cuối) năm (\d{4})$")
_VI_YEAR = re.compile(r"^(?:cả\s+)?năm (\d{4})$")
_VI_QUARTER = re.compile(r"^quý\s+(iv|i{1,3}|[1-4])\s*(?:năm\s+|[/-]\s*)(\d{4})$")
#: "5 tháng đầu năm 2025", "9 tháng năm 2025", "3 tháng cuối năm 2024".
_VI_FIRST_LAST = re.compile(r"^" + _N + r"\s+tháng\s+(?:(đầu|cuối)\s+)?năm\s+(\d{4})$")
#: "tháng 1 đến tháng 5 năm 2025", "từ tháng 01/2025 đến hết tháng 5/2025".
_VI_MONTHS = re.compile(
    r"^(?:từ\s+)?tháng\s+(\d{1,2})(?:\s*(?:/|năm)\s*(\d{4}))?\s*(?:đến|tới|-|–)\s*(?:hết\s+)?"
    r"tháng\s+(\d{1,2})\s*(?:/|năm)\s*(\d{4})$"
)
#: "tháng 5 năm 2025", "tháng 5/2025": one month.
_VI_MONTH = re.compile(r"^tháng\s+(\d{1,2})\s*(?:/|năm)\s*(\d{4})$")
#: "từ ngày 01/7 đến 31/10/2025", "từ 01/7/2025 đến ngày 31/10/2025".
_VI_DATES = re.compile(
    r"^(?:từ\s+)?(?:ngày\s+)?(\d{1,2})/(\d{1,2})(?:/(\d{4}))?\s*(?:đến|tới|-|–)\s*"
    r"(?:hết\s+)?(?:ngày\s+)?(\d{1,2})/(\d{1,2})/(\d{4})$"
)
#: "ngày 01 tháng 7 năm 2025" → "01/7/2025", so the date form reads both spellings.
_WORDY_DATE = re.compile(r"(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?")


@total_ordering
@dataclass(frozen=True, repr=False)
class Period:
    """A run of whole months of one year: a half (`half` 1/2), a year (nothing else given), a
    quarter (`quarter` 1–4), or any months (`first_month`, `last_month`; nine months = 1–9).

    >>> Period(2024, 1).code, Period(2025, quarter=3).code, Period.months(2025, 7, 10).code
    ('2024-H1', '2025-Q3', '2025-07..2025-10')
    """

    year: int
    half: int | None = None
    quarter: int | None = None
    first_month: int = 0  # 0 = follows from half / quarter / the whole year
    last_month: int = 0

    def __post_init__(self) -> None:
        if not 1900 <= self.year <= 2200:
            raise PeriodError(self.year, ACCEPTED_FORMS)
        if self.half not in (None, 1, 2) or self.quarter not in (None, 1, 2, 3, 4):
            raise PeriodError(f"{self.year}-H{self.half}-Q{self.quarter}", ACCEPTED_FORMS)
        spans = []
        if self.half is not None:
            spans.append((6 * self.half - 5, 6 * self.half))
        if self.quarter is not None:
            spans.append((3 * self.quarter - 2, 3 * self.quarter))
        if self.first_month or self.last_month:
            spans.append((self.first_month, self.last_month))
        first, last = spans[0] if spans else (1, 12)
        if len(set(spans)) > 1 or not 1 <= first <= last <= 12:
            raise PeriodError(
                f"{self.year}: tháng {self.first_month}–{self.last_month}"
                f" (H{self.half}, Q{self.quarter})",
                ACCEPTED_FORMS,
            )
        # one span, one value: every field canonical, so equal spans are equal periods
        half = (first + 5) // 6 if last - first == 5 and first in (1, 7) else None
        quarter = (first + 2) // 3 if last - first == 2 and first in (1, 4, 7, 10) else None
        object.__setattr__(self, "half", half)
        object.__setattr__(self, "quarter", quarter)
        object.__setattr__(self, "first_month", first)
        object.__setattr__(self, "last_month", last)

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def months(cls, year: int, first: int, last: int) -> Period:
        """The months first..last of a year (a half, quarter, 9M or year if that is what it is)."""
        return cls(year, first_month=first, last_month=last)

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
        text = text.removeprefix("báo cáo ").removeprefix("kỳ ").strip(" .,;:")
        for pattern, build in _FORMS:
            if m := pattern.match(text):
                try:
                    return build(m)
                except PeriodError:
                    break
        raise PeriodError(value, ACCEPTED_FORMS)

    # -- identity -----------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        """One of KINDS."""
        if self.half is not None:
            return HALF
        if self.quarter is not None:
            return QUARTER
        if (self.first_month, self.last_month) == (1, 12):
            return YEAR
        if (self.first_month, self.last_month) == (1, 9):
            return NINE_MONTHS
        return RANGE

    @property
    def code(self) -> str:
        return {
            YEAR: lambda: f"{self.year}",
            HALF: lambda: f"{self.year}-H{self.half}",
            QUARTER: lambda: f"{self.year}-Q{self.quarter}",
            NINE_MONTHS: lambda: f"{self.year}-9M",
            RANGE: lambda: f"{self.year}-{self.first_month:02d}..{self.year}-{self.last_month:02d}",
        }[self.kind]()

    def __str__(self) -> str:
        return self.code

    def __repr__(self) -> str:
        return f"Period({self.code!r})"

    @property
    def is_half(self) -> bool:
        return self.half is not None

    @property
    def is_year(self) -> bool:
        return self.kind == YEAR

    @property
    def is_quarter(self) -> bool:
        return self.quarter is not None

    @property
    def is_nine_months(self) -> bool:
        return self.kind == NINE_MONTHS

    @property
    def is_range(self) -> bool:
        return self.kind == RANGE

    @property
    def month_span(self) -> tuple[int, int]:
        """(first month, last month): what "the same period" of another year must match."""
        return (self.first_month, self.last_month)

    @property
    def n_months(self) -> int:
        return self.last_month - self.first_month + 1

    @property
    def sort_key(self) -> tuple[int, int, int]:
        # By end date, then the shorter first: H1 < H2 < the whole year (a year sorts after its
        # last half), Q3 < 9M, Q4 < H2 < year — the order of the codes before quarters existed.
        return (self.year, self.last_month, self.n_months)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self.sort_key < other.sort_key

    # -- calendar -----------------------------------------------------------------------------
    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.first_month, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, self.last_month, _last_day(self.year, self.last_month))

    @property
    def stock_date(self) -> dt.date:
        """The day a stock reported for this period is taken: its last day."""
        return self.end

    @property
    def after_reform(self) -> bool:
        """True when the period's communes are the 2025 units (it ends on/after 1 July 2025)."""
        return self.end >= REFORM_DATE

    def contains(self, other: Period) -> bool:
        """Every month of `other` lies in this period (H1 contains Q2; 9M contains Q3)."""
        return self.year == other.year and (
            self.first_month <= other.first_month and other.last_month <= self.last_month
        )

    # -- neighbours ---------------------------------------------------------------------------
    def previous(self) -> Period:
        """The period just before, of the same kind: H2 → H1, H1 → H2 of the year before, Q1 → Q4
        of the year before, a year → the year before.

        Raises PeriodComparisonError for nine months and ranges: no like-for-like period
        precedes them (use `same_period_last_year`)."""
        return self._step(-1)

    def next(self) -> Period:
        """The period just after, of the same kind (see `previous`)."""
        return self._step(+1)

    def _step(self, by: int) -> Period:
        if self.kind == YEAR:
            return Period(self.year + by)
        if self.kind in (HALF, QUARTER):
            n = self.n_months
            index = self.year * 12 + self.first_month - 1 + by * n
            year, first = divmod(index, 12)
            return Period.months(year, first + 1, first + n)
        raise PeriodComparisonError(
            self.code,
            "previous" if by < 0 else "next",
            f"{self.label_vi} không có kỳ liền {'trước' if by < 0 else 'sau'} cùng loại; "
            "chỉ so với cùng kỳ năm trước",
        )

    def same_period_last_year(self) -> Period:
        """ "Cùng kỳ năm trước": the same months one year earlier (for every kind)."""
        return self.in_year(self.year - 1)

    def in_year(self, year: int) -> Period:
        """The same months in another year (2025-07..2025-10 → 2024-07..2024-10 for 2024)."""
        return Period.months(year, self.first_month, self.last_month)

    def comparable(self, other: Period, kind: str = "flow") -> bool:
        """Whether a value of `kind` ("flow", "stock", "ratio") over this period may be compared
        with one over `other`: flows and ratios need the same months (of any year), stocks the
        same end month (a stock is taken at the period's last day)."""
        if kind in STOCK_KINDS:
            return self.last_month == other.last_month
        return self.month_span == other.month_span

    # -- labels -------------------------------------------------------------------------------
    @property
    def label_vi(self) -> str:
        k, y = self.kind, self.year
        if k == YEAR:
            return f"năm {y}"
        if k == HALF:
            return f"6 tháng {'đầu' if self.half == 1 else 'cuối'} năm {y}"
        if k == QUARTER:
            return f"quý {('I', 'II', 'III', 'IV')[self.quarter - 1]} năm {y}"
        if self.first_month == 1:
            return f"{self.n_months} tháng đầu năm {y}"
        if self.n_months == 1:
            return f"tháng {self.first_month} năm {y}"
        return f"từ tháng {self.first_month} đến tháng {self.last_month} năm {y}"

    @property
    def label_en(self) -> str:
        k, y = self.kind, self.year
        if k == YEAR:
            return f"{y}"
        if k == HALF:
            return f"H{self.half} {y}"
        if k == QUARTER:
            return f"Q{self.quarter} {y}"
        if k == NINE_MONTHS:
            return f"9M {y}"
        first = calendar.month_abbr[self.first_month]
        if self.n_months == 1:
            return f"{first} {y}"
        return f"{first}–{calendar.month_abbr[self.last_month]} {y}"

    def label(self, lang: str = "vi") -> str:
        return self.label_en if lang == "en" else self.label_vi


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _VI_NUMBERS[text]


def _first_last(m: re.Match) -> Period:
    n, side, year = _number(m.group(1)), m.group(2), int(m.group(3))
    if side == "cuối":
        return Period.months(year, 13 - n, 12)
    return Period.months(year, 1, n)


def _one_year(first_year: str | None, last_year: str) -> int:
    """Both ends of a range in one calendar year (the code holds one year)."""
    if first_year and int(first_year) != int(last_year):
        raise PeriodError(f"{first_year}..{last_year}", ACCEPTED_FORMS)
    return int(last_year)


def _range_code(m: re.Match) -> Period:
    year = _one_year(m.group(1), m.group(3))
    return Period.months(year, int(m.group(2)), int(m.group(4)))


def _month_range(m: re.Match) -> Period:
    year = _one_year(m.group(2), m.group(4))
    return Period.months(year, int(m.group(1)), int(m.group(3)))


def _date_range(m: re.Match) -> Period:
    """Whole months (1st → last day), or the official cut-off (15th of the month before → 14th)."""
    d1, m1, y1, d2, m2, y2 = m.groups()
    d1, m1, d2, m2, y2 = int(d1), int(m1), int(d2), int(m2), int(y2)
    y1 = int(y1) if y1 else (y2 if m1 <= m2 else y2 - 1)
    if not (1 <= m1 <= 12 and 1 <= m2 <= 12):
        raise PeriodError(m.group(), ACCEPTED_FORMS)
    if d1 == 1 and d2 == _last_day(y2, m2) and y1 == y2:
        return Period.months(y2, m1, m2)
    if d1 == CUTOFF_START_DAY and d2 == CUTOFF_END_DAY:
        first_year, first = (y1, m1 + 1) if m1 < 12 else (y1 + 1, 1)
        if first_year == y2:
            return Period.months(y2, first, m2)
    raise PeriodError(m.group(), ACCEPTED_FORMS)


def _dates(m: re.Match) -> str:
    return f"{m.group(1)}/{m.group(2)}" + (f"/{m.group(3)}" if m.group(3) else "")


class _Wordy:
    """The date form, after "01 tháng 7 năm 2025" is rewritten "01/7/2025"."""

    @staticmethod
    def match(text: str) -> re.Match | None:
        if "ngày" not in text and "/" not in text:
            return None
        return _VI_DATES.match(_WORDY_DATE.sub(_dates, text))


#: pattern → builder; the first pattern that matches decides.
_FORMS = (
    (_CANONICAL, lambda m: Period(int(m.group(1)), int(m.group(2)) if m.group(2) else None)),
    (_H_FIRST, lambda m: Period(int(m.group(2)), int(m.group(1)))),
    (_Q_CODE, lambda m: Period(int(m.group(1)), quarter=int(m.group(2)))),
    (_Q_FIRST, lambda m: Period(int(m.group(2)), quarter=int(m.group(1)))),
    (_9M_CODE, lambda m: Period.months(int(m.group(1)), 1, 9)),
    (_9M_FIRST, lambda m: Period.months(int(m.group(1)), 1, 9)),
    (_RANGE_CODE, _range_code),
    (_VI_HALF, lambda m: Period(int(m.group(2)), 1 if m.group(1) == "đầu" else 2)),
    (_VI_YEAR, lambda m: Period(int(m.group(1)))),
    (_VI_QUARTER, lambda m: Period(int(m.group(2)), quarter=_quarter(m.group(1)))),
    (_VI_FIRST_LAST, _first_last),
    (_VI_MONTHS, _month_range),
    (_VI_MONTH, lambda m: Period.months(int(m.group(2)), int(m.group(1)), int(m.group(1)))),
    (_Wordy, _date_range),
)


def _quarter(text: str) -> int:
    return _ROMAN[text] if text in _ROMAN else int(text)


@lru_cache(maxsize=4096)
def _parse_text(value: str) -> Period:
    """Parsing is pure: pages and checks parse the same few codes hundreds of thousands of
    times, so each distinct string is parsed once (errors are not cached, and re-raised)."""
    return Period._from_text(value)


def period_range(first: object, last: object) -> list[Period]:
    """Every period from first to last inclusive: half by half, quarter by quarter, year by year;
    nine months and ranges year by year over the same months."""
    a, b = Period.parse(first), Period.parse(last)
    if a.kind != b.kind or (a.kind in (NINE_MONTHS, RANGE) and a.month_span != b.month_span):
        raise PeriodError(
            f"{a}..{b}", ["hai kỳ cùng loại (two periods of the same kind and months)"]
        )
    if a.kind in (NINE_MONTHS, RANGE):
        return [a.in_year(y) for y in range(a.year, b.year + 1)]
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
