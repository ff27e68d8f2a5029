"""Commune and period from a report's heading, title and date."""

import pytest

from dvcq_lib.exceptions import AmbiguousCommuneError, HeaderNotFoundError
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
    "title", ["Kết quả 9 tháng đầu năm 2024", "Báo cáo quý I năm 2024", "Một văn bản không có kỳ"]
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
