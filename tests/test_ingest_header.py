"""Commune and period from a report's heading, title and date."""

import pytest

from dvcq_lib.exceptions import AmbiguousCommuneError, HeaderConflictError, HeaderNotFoundError
from dvcq_lib.ingest.header import detect_commune, detect_header, detect_period
from dvcq_lib.ingest.text import document_from_text as doc

HEAD = "UBND XÃ ĐÔNG SƠN\nĐông Sơn, ngày 05 tháng 12 năm 2024\nBÁO CÁO\n"


@pytest.mark.parametrize(
    "title, code",
    [
        ("Kết quả công tác 6 tháng đầu năm 2024", "2024-H1"),
        ("Kết quả 6 tháng đầu năm, phương hướng nhiệm vụ 6 tháng cuối năm 2024", "2024-H1"),
        ("Tình hình kinh tế - xã hội 6 tháng cuối năm 2023", "2023-H2"),
        ("Tổng kết công tác năm 2024", "2024"),
    ],
)
def test_period_from_title(title, code):
    assert detect_period(doc(HEAD + title + "\nI. TÌNH HÌNH\n")).code == code


@pytest.mark.parametrize(
    "title, code",
    [
        ("Kết quả 9 tháng đầu năm 2024", "2024-9M"),
        ("Báo cáo quý I năm 2024", "2024-Q1"),
        ("Tình hình kinh tế - xã hội quý III năm 2024", "2024-Q3"),
        ("Báo cáo quý 3/2024", "2024-Q3"),
        ("Kết quả công tác từ ngày 01/7 đến 31/10/2024", "2024-07..2024-10"),
        ("Kết quả 5 tháng đầu năm 2024", "2024-01..2024-05"),
        ("Tình hình từ tháng 1 đến tháng 5 năm 2024", "2024-01..2024-05"),
        ("Kết quả 9 tháng đầu năm, phương hướng nhiệm vụ quý IV năm 2024", "2024-9M"),
        ("Kết quả thực hiện nhiệm vụ 6 tháng đầu năm 2024", "2024-H1"),
        ("Tổng kết năm 2024 so với năm 2023", "2024"),
        ("Báo cáo 6 tháng đầu năm 2024 (số liệu từ ngày 15/12/2023 đến 14/6/2024)", "2024-H1"),
    ],
)
def test_quarters_months_and_ranges_from_title(title, code):
    assert detect_period(doc(HEAD + title + "\nI. TÌNH HÌNH\n")).code == code


def test_year_of_a_phrase_without_one_comes_from_the_date():
    text = "UBND XÃ ĐÔNG SƠN\nĐông Sơn, ngày 05 tháng 10 năm 2025\nBáo cáo quý III\nI. X\n"
    assert detect_period(doc(text)).code == "2025-Q3"


def test_two_different_spans_in_the_title_are_not_guessed():
    with pytest.raises(HeaderNotFoundError, match="--period") as err:
        detect_period(doc(HEAD + "Báo cáo quý III và 9 tháng đầu năm 2024\nI. X\n"))
    assert any("2024-Q3" in e for e in err.value.evidence)
    assert any("2024-9M" in e for e in err.value.evidence)


@pytest.mark.parametrize(
    "title",
    ["Một văn bản không có kỳ", "Kết quả từ ngày 05/7 đến 20/10/2024", "Báo cáo 18 tháng năm 2024"],
)
def test_unsupported_or_missing_period_is_a_clear_error(title):
    with pytest.raises(HeaderNotFoundError, match="--period"):
        detect_period(doc("Đông Sơn\n" + title))


def test_commune_from_heading_and_district():
    text = HEAD + "Đông Sơn là xã miền núi phía đông huyện Yên Thế, giáp tỉnh Lạng Sơn."
    assert detect_commune(doc(text)).code == "07273"


def test_same_name_without_a_district_is_ambiguous():
    with pytest.raises(AmbiguousCommuneError) as err:
        detect_commune(doc(HEAD + "Báo cáo 6 tháng đầu năm 2024"))
    assert len(err.value.candidates) > 1


def test_overrides_win():
    h = detect_header(doc("Diện tích lúa 20 ha"), commune="07273", period="2024-H1")
    assert (h.commune.code, h.period.code) == ("07273", "2024-H1")


def test_no_commune_is_a_clear_error():
    with pytest.raises(HeaderNotFoundError, match="--commune"):
        detect_commune(doc("Diện tích lúa 20 ha"))


REPORT = (
    "UBND XÃ ĐÔNG SƠN\nĐông Sơn, ngày 03 tháng 06 năm 2024\nBÁO CÁO\n"
    "Kết quả công tác 6 tháng đầu năm 2024\nĐông Sơn là xã của huyện Yên Thế.\nI. X\n"
)


def test_hint_that_agrees_with_the_header_is_accepted():
    h = detect_header(doc(REPORT), commune="07273", period="6 tháng đầu năm 2024")
    assert (h.commune.code, h.period.code) == ("07273", "2024-H1")


def test_period_hint_contradicting_the_header_is_refused():
    with pytest.raises(HeaderConflictError) as err:
        detect_header(doc(REPORT), period="2024-H2")
    assert err.value.conflicts == [
        ("kỳ báo cáo", "6 tháng đầu năm 2024 (2024-H1)", "6 tháng cuối năm 2024 (2024-H2)")
    ]
    assert "--override" in str(err.value)


def test_commune_hint_contradicting_the_header_is_refused():
    with pytest.raises(HeaderConflictError) as err:
        detect_header(doc(REPORT), commune="Hương Vĩ", district="Yên Thế", period="2024-H2")
    whats = [c[0] for c in err.value.conflicts]
    assert whats == ["kỳ báo cáo", "xã/phường"]  # every contradiction at once
    assert "Đông Sơn" in err.value.conflicts[1][1] and "Hương Vĩ" in err.value.conflicts[1][2]


def test_override_uses_the_hints_and_says_so():
    h = detect_header(doc(REPORT), commune="Hương Vĩ", period="2024-H2", override=True)
    assert h.period.code == "2024-H2" and h.commune.short_name == "Hương Vĩ"
    assert any("--override" in e and "2024-H1" in e for e in h.evidence)


def test_hint_resolving_an_ambiguous_header_is_no_conflict():
    text = "UBND XÃ ĐÔNG SƠN\nBáo cáo 6 tháng đầu năm 2024\nI. X\n"  # two Đông Sơn in 2024
    assert detect_header(doc(text), commune="07273").commune.code == "07273"


def test_period_hint_inside_a_bare_year_refines_it():
    text = "UBND XÃ ĐÔNG SƠN\nBáo cáo năm 2024\nI. X\n"
    assert detect_header(doc(text), commune="07273", period="2024-H2").period.code == "2024-H2"
    with pytest.raises(HeaderConflictError):
        detect_header(doc(text), commune="07273", period="2023-H2")


def test_quarter_in_the_header_is_not_a_half_year():
    text = "UBND XÃ ĐÔNG SƠN\nBáo cáo quý III năm 2024\nI. X\n"
    with pytest.raises(HeaderConflictError, match="quý III năm 2024"):
        detect_header(doc(text), commune="07273", period="2024-H2")


def test_a_year_since_or_until_is_not_the_period():
    """ "Từ năm 2011, xã …" in a news item's lede is since when, not the period reported on: the
    year the text reports on is read instead."""
    text = (
        "Xã chuyển đổi ruộng trũng\n"
        "Từ năm 2011, xã mạnh dạn chuyển đổi sang mô hình cá - lúa. "
        "Theo UBND xã, năm 2013 toàn xã gieo cấy 712 ha lúa; mục tiêu đến năm 2020 là 800 ha.\n"
    )
    assert detect_period(doc(text)).code == "2013"
