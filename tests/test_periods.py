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


# ---------------------------------------------------------------------------------------------
# quarters, nine months, month ranges
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, code, kind",
    [
        ("2025-Q3", "2025-Q3", "quarter"),
        ("2025q3", "2025-Q3", "quarter"),
        ("Q3 2025", "2025-Q3", "quarter"),
        ("quý III năm 2025", "2025-Q3", "quarter"),
        ("Quý IV năm 2024", "2024-Q4", "quarter"),
        ("quý 3/2025", "2025-Q3", "quarter"),
        ("quý I - 2025", "2025-Q1", "quarter"),
        ("2025-9M", "2025-9M", "nine_months"),
        ("9 tháng đầu năm 2025", "2025-9M", "nine_months"),
        ("chín tháng năm 2025", "2025-9M", "nine_months"),
        ("2025-07..2025-10", "2025-07..2025-10", "range"),
        ("từ ngày 01/7 đến 31/10/2025", "2025-07..2025-10", "range"),
        ("Từ ngày 01/7/2025 đến ngày 31/10/2025", "2025-07..2025-10", "range"),
        ("từ ngày 01 tháng 7 đến ngày 31 tháng 10 năm 2025", "2025-07..2025-10", "range"),
        ("5 tháng đầu năm 2025", "2025-01..2025-05", "range"),
        ("tháng 1 đến tháng 5 năm 2025", "2025-01..2025-05", "range"),
        ("từ tháng 01/2025 đến hết tháng 5/2025", "2025-01..2025-05", "range"),
        ("tháng 5/2025", "2025-05..2025-05", "range"),
    ],
)
def test_parse_new_forms(text, code, kind):
    p = Period.parse(text)
    assert (p.code, p.kind) == (code, kind)
    assert Period.parse(p.code) == p  # the code reads back as the same period


@pytest.mark.parametrize(
    "text, code",
    [
        # a span that is exactly a half, quarter, nine months or year is that period: one code
        ("2025-07..2025-09", "2025-Q3"),
        ("2025-01..2025-06", "2025-H1"),
        ("2025-01..2025-09", "2025-9M"),
        ("2025-01..2025-12", "2025"),
        ("6 tháng đầu năm 2025", "2025-H1"),
        ("từ ngày 01/01 đến 30/6/2024", "2024-H1"),
        ("3 tháng cuối năm 2024", "2024-Q4"),
        ("12 tháng năm 2024", "2024"),
        # the official cut-off (Nghị định 09/2019): 15th of the month before → 14th
        ("từ ngày 15/12/2024 đến ngày 14/6/2025", "2025-H1"),
        ("từ ngày 15/6 đến ngày 14/9/2025", "2025-Q3"),
    ],
)
def test_one_span_one_code(text, code):
    assert Period.parse(text).code == code


@pytest.mark.parametrize(
    "bad",
    [
        "2025-Q5",
        "quý V năm 2025",
        "2025-10..2025-07",  # backwards
        "2024-10..2025-03",  # across two years: a code holds one year
        "từ ngày 05/7 đến 31/10/2025",  # not whole months
        "từ ngày 01/7 đến 30/10/2025",  # 30 October is not the end of October
        "13 tháng đầu năm 2025",
    ],
)
def test_malformed_new_forms(bad):
    with pytest.raises(PeriodError) as err:
        Period.parse(bad)
    assert "2025-07..2025-10" in err.value.accepted


def test_existing_codes_unchanged():
    for code in ("2024-H1", "2024-H2", "2024"):
        assert Period.parse(code).code == code
    assert Period(2024, 1) == Period.months(2024, 1, 6)
    assert Period(2024).is_year and not Period(2024).is_half
    assert Period(2024, 2).sort_key < Period(2024).sort_key


def test_months_dates_and_labels():
    r = Period.parse("2025-07..2025-10")
    assert r.month_span == (7, 10) and r.n_months == 4
    assert (r.start, r.end) == (dt.date(2025, 7, 1), dt.date(2025, 10, 31))
    assert r.stock_date == dt.date(2025, 10, 31)
    assert r.label_vi == "từ tháng 7 đến tháng 10 năm 2025"
    assert r.label_en == "Jul–Oct 2025"
    assert Period.parse("2025-Q3").label_vi == "quý III năm 2025"
    assert Period.parse("2025-9M").label_vi == "9 tháng đầu năm 2025"
    assert Period.parse("2025-01..2025-05").label_vi == "5 tháng đầu năm 2025"
    assert Period.parse("2024-02..2024-02").end == dt.date(2024, 2, 29)
    assert Period.parse("2025-Q2").after_reform is False
    assert Period.parse("2025-Q3").after_reform is True


def test_ordering_of_every_kind():
    codes = ["2025-H1", "2024", "2024-Q4", "2024-H2", "2024-9M", "2024-Q3", "2024-07..2024-10"]
    col = as_period_column(codes)
    assert list(col.categories) == [
        "2024-Q3",
        "2024-9M",
        "2024-07..2024-10",
        "2024-Q4",
        "2024-H2",
        "2024",
        "2025-H1",
    ]
    assert col.ordered


def test_neighbours_of_quarters_and_refusals():
    from dvcq_lib.exceptions import PeriodComparisonError

    assert Period.parse("2025-Q1").previous().code == "2024-Q4"
    assert Period.parse("2024-Q4").next().code == "2025-Q1"
    assert Period.parse("2025-Q3").same_period_last_year().code == "2024-Q3"
    for code in ("2025-9M", "2025-07..2025-10"):
        with pytest.raises(PeriodComparisonError, match="cùng kỳ năm trước"):
            Period.parse(code).previous()
    # like for like: the same months of the year before, never a half-year
    assert Period.parse("2025-07..2025-10").same_period_last_year().code == "2024-07..2024-10"
    assert Period.parse("2025-9M").same_period_last_year().code == "2024-9M"


def test_comparable_flows_same_months_stocks_same_end():
    r, h2 = Period.parse("2025-07..2025-10"), Period.parse("2024-H2")
    assert r.comparable(r.same_period_last_year(), "flow")
    assert not r.comparable(h2, "flow")  # four months are not a half-year
    assert not r.comparable(Period.parse("2024-07..2024-09"), "ratio")
    # stocks are taken at the end: 31/10 against 31/10, 31/12 against 31/12
    assert r.comparable(Period.parse("2024-07..2024-10"), "stock")
    assert not r.comparable(h2, "stock")
    assert Period.parse("2024-Q4").comparable(Period.parse("2024"), "stock")
    assert Period.parse("2024-H1").contains(Period.parse("2024-Q2"))


def test_period_range_by_kind():
    assert [p.code for p in period_range("2024-Q3", "2025-Q1")] == ["2024-Q3", "2024-Q4", "2025-Q1"]
    assert [p.code for p in period_range("2023-9M", "2025-9M")] == ["2023-9M", "2024-9M", "2025-9M"]
    with pytest.raises(PeriodError):
        period_range("2024-H2", "2025-Q1")
    with pytest.raises(PeriodError):
        period_range("2024-07..2024-10", "2025-07..2025-09")
