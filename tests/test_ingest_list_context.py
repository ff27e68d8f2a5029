"""What a figure takes from the lines around it: the season of the line that opens its list, the
plan section a lettered heading opens, the whole period of a later "tổng" clause, and "… khác"
(the rest of a group, not its total). SYNTHETIC sentences, written for these tests."""

from __future__ import annotations

from dvcq_lib.ingest import document_from_text, extract
from dvcq_lib.ingest.evidence import OTHER_REASON


def _proposals(text: str):
    return extract(document_from_text(text)).proposals


def _by_value(text: str):
    return {p.value: p for p in _proposals(text)}


def test_items_of_a_list_take_the_one_season_of_the_line_that_opens_it():
    got = _by_value(
        "Tổng diện tích gieo trồng vụ xuân đạt 286,5 ha, bằng 101,2% kế hoạch. Cụ thể:\n"
        "- Cây ngô: trồng được 178 ha, năng suất 38 tạ/ha.\n"
        "- Đậu tương 24,5 ha; lạc 6 ha.\n"
        "Vụ mùa: đã cấy được 96 ha lúa."
    )
    assert (got[178].indicator, got[178].season) == ("maize_area", "xuan")
    assert (got[24.5].indicator, got[24.5].season) == ("soybean_area", "xuan")
    assert (got[6].indicator, got[6].season) == ("peanut_area", "xuan")
    assert got[96].season == "mua"  # the list ended: the next line names its own season


def test_the_season_of_a_list_stops_at_the_first_line_that_is_not_an_item():
    got = _by_value(
        "Vụ xuân toàn xã gieo trồng 286,5 ha, cụ thể:\n"
        "- Lạc 6 ha.\n"
        "Chăn nuôi phát triển ổn định.\n"
        "- Đàn trâu 310 con."
    )
    assert got[6].season == "xuan"
    assert got[310].season == ""


def test_a_lettered_plan_heading_opens_a_plan_section():
    ps = _by_value(
        "A. KẾT QUẢ THỰC HIỆN 6 THÁNG ĐẦU NĂM\n"
        "Toàn xã gieo cấy 412 ha lúa vụ đông xuân.\n"
        "B. PHƯƠNG HƯỚNG 6 THÁNG CUỐI NĂM\n"
        "Xuống giống vụ Hè Thu 330 ha lúa."
    )
    assert not ps[412].review
    assert 330 not in ps or ps[330].review  # a target of the plan, not a result


def test_a_total_in_a_later_clause_is_of_the_whole_period_not_of_the_season_before():
    got = _by_value(
        "Lúa ruộng 2 vụ 96 ha, trong đó lúa mùa 62 ha; lúa nương 58 ha; "
        "tổng sản lượng thóc 745,2 tấn."
    )
    assert (got[745.2].indicator, got[745.2].season) == ("rice_output", "")
    same_clause = _by_value("Vụ mùa cấy 62 ha, tổng sản lượng thóc 310 tấn.")
    assert same_clause[310].season == "mua"  # no ";": the season still governs


def test_the_rest_of_a_group_is_not_read_as_the_group_total():
    ps = _by_value("Cây ăn trái khác: 342 ha.")
    assert ps[342].indicator == "other_fruit_area"  # the southern word for cây ăn quả khác
    rest = _by_value("Cây lâu năm gồm cà phê 1.200 ha, hồ tiêu 80 ha, cây lâu năm khác 45 ha.")
    assert 45 not in rest or rest[45].review
    after = _by_value("Xã còn 45 ha cây lâu năm khác.")
    assert 45 not in after or (after[45].review and OTHER_REASON in after[45].reason)
