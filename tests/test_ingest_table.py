"""Tables written as "|" rows: the result column is read, never the plan or last year's."""

from __future__ import annotations

import pytest

from dvcq_lib.ingest import document_from_text, extract
from dvcq_lib.ingest.table import cells, header_columns
from dvcq_lib.periods import Period

TABLE = """Kết quả thực hiện một số chỉ tiêu chủ yếu:
TT | Chỉ tiêu | ĐVT | Kế hoạch năm | Ước thực hiện 6 tháng | Cùng kỳ năm trước
1 | Diện tích lúa vụ đông xuân | ha | 410 | 402,5 | 398
2 | Tổng đàn trâu | con | 900 | 865 | 912
3 | Trong đó: trâu cày kéo | con | - | 120 | 130
4 | Hồ sơ TTHC tiếp nhận | hồ sơ | - | 1.215 | 1.102
5 | Tỷ lệ hồ sơ giải quyết đúng hạn | % | 100 | 99,4 | 98,7
Sản xuất vụ mùa đang được triển khai."""


def _read(text: str, period: str = "2025-H1"):
    return extract(document_from_text(text), period=Period.parse(period)).proposals


def test_the_result_column_is_read_with_the_unit_of_its_row():
    got = {(p.indicator, p.season): p.value for p in _read(TABLE)}
    assert got[("rice_area", "dong_xuan")] == pytest.approx(402.5)
    assert got[("buffalo_head", "")] == 865
    assert got[("dossiers_received", "")] == 1215
    assert got[("dossiers_on_time_rate", "")] == pytest.approx(99.4)
    # never the plan, nor the same period last year
    assert not {410, 398, 900, 912, 1102, 98.7} & set(got.values())


def test_a_table_figure_points_at_its_cell_and_is_always_reviewed():
    ps = _read(TABLE)
    assert ps
    for p in ps:
        assert p.review and p.klass == "table"
        assert any("Ước thực hiện 6 tháng" in r for r in p.reasons)
        assert TABLE[p.number_start : p.number_start + len(p.value_written)] == p.value_written
        assert "|" in p.quote


def test_a_sub_row_is_not_its_total():
    got = {p.indicator: p.value for p in _read(TABLE)}
    assert got["buffalo_head"] == 865  # "Trong đó: trâu cày kéo 120" is no herd


@pytest.mark.parametrize(
    "header",
    [
        "TT | Chỉ tiêu | ĐVT | Kế hoạch | Cùng kỳ",  # no result column
        "TT | Chỉ tiêu | Thực hiện | Ước thực hiện",  # two: which one?
        "Thực hiện | Chỉ tiêu | ĐVT",  # the result before the name
        "Cập nhật: 05/10/2021 | Lượt xem: 214",  # a page's byline, no table
    ],
)
def test_a_header_without_one_result_column_after_the_name_is_no_table(header):
    assert header_columns(cells(header, 0, len(header))) is None


def test_rows_without_a_header_are_read_as_text():
    text = "Tổng đàn lợn | con | 4.500 | 3.920"
    assert all(p.klass != "table" for p in _read(text))
