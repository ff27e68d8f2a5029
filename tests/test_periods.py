import datetime as dt

import pandas as pd
import pytest

from dvcq_lib.exceptions import PeriodError
from dvcq_lib.periods import Period, as_period_column, period_range


@pytest.mark.parametrize(
    "text, code",
    [
        ("2024-H1", "2024-H1"),
        ("2024-h2", "2024-H2"),
        ("2024H1", "2024-H1"),
        ("H2 2023", "2023-H2"),
        ("2024", "2024"),
        (2024, "2024"),
        ("6 tháng đầu năm 2024", "2024-H1"),
        ("6 tháng cuối năm 2024", "2024-H2"),
        ("  6 Tháng  Đầu năm 2025 ", "2025-H1"),
        ("năm 2024", "2024"),
        ("cả năm 2024", "2024"),
    ],
)
def test_parse_accepted_forms(text, code):
    assert Period.parse(text).code == code


@pytest.mark.parametrize(
    "bad", ["2024-H3", "H1", "6 tháng giữa năm 2024", "", "2024-06", None, 2024.5]
)
def test_malformed_period_lists_accepted_forms(bad):
    with pytest.raises(PeriodError) as err:
        Period.parse(bad)
    assert "6 tháng đầu năm 2024" in str(err.value)
    assert "2024-H1" in err.value.accepted


def test_neighbours_and_dates():
    h1 = Period.parse("2024-H1")
    assert h1.previous() == Period(2023, 2)
    assert Period(2024, 2).previous() == h1
    assert h1.same_period_last_year() == Period(2023, 1)
    assert Period(2024).previous() == Period(2023)
    assert (h1.start, h1.end) == (dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    assert Period(2024, 2).start == dt.date(2024, 7, 1)
    assert Period(2024).end == dt.date(2024, 12, 31)


def test_labels():
    assert Period(2024, 1).label_vi == "6 tháng đầu năm 2024"
    assert Period(2024, 2).label_vi == "6 tháng cuối năm 2024"
    assert Period(2024, 1).label_en == "H1 2024"
    assert Period(2024).label("vi") == "năm 2024"


def test_reform_boundary():
    assert not Period(2025, 1).after_reform
    assert Period(2025, 2).after_reform


def test_ordering_and_pandas_column():
    assert Period(2023, 2) < Period(2024, 1) < Period(2024, 2) < Period(2024)
    col = as_period_column(["2024-H1", "2019-H2", "2020-H1", "2019-H1", "2024"])
    # A plain string sort would put "2024" before "2024-H1"; pandas would read "2024H1" as an hour.
    assert list(pd.Series(col).sort_values()) == [
        "2019-H1",
        "2019-H2",
        "2020-H1",
        "2024-H1",
        "2024",
    ]
    assert col.ordered


def test_period_range():
    assert [p.code for p in period_range("2024-H2", "2025-H2")] == ["2024-H2", "2025-H1", "2025-H2"]
