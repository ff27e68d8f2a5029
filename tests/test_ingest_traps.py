"""The traps real reports set for a reader, one test per trap. Every sentence is written for
these tests in the way commune reports write (not copied from any report): the figure a careful
analyst records is proposed, the number that only looks like it is not, and what is pre-accepted
is right."""

from __future__ import annotations

import pytest

from dvcq_lib.ingest import document_from_text, extract


def read(text: str):
    return extract(document_from_text(text)).proposals


def figures(text: str) -> dict[str, float]:
    """Every proposal as "indicator" or "indicator@season" → value."""
    return {(f"{p.indicator}@{p.season}" if p.season else p.indicator): p.value for p in read(text)}


def expect(text: str, expected: dict[str, float]) -> None:
    got = figures(text)
    assert got == pytest.approx(expected), (text, got)


# --- per-head figures are never totals ---------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Bình quân lương thực đầu người đạt 450 kg/người/năm.", {}),
        ("Lương thực bình quân đầu người ước đạt 512 kg.", {}),
        (
            "Tổng sản lượng lương thực cả năm đạt 2.150 tấn, bình quân 480 kg/người.",
            {"grain_output": 2150},
        ),
        ("Mỗi hộ nuôi bình quân 2,5 con bò.", {}),
        ("Sản lượng lúa bình quân mỗi hộ 1,8 tấn.", {}),
    ],
)
def test_per_head_figure_is_never_a_total(text, expected):
    expect(text, expected)


# --- yield and output when the sentence names both ---------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Lúa cả năm gieo cấy 210 ha, năng suất bình quân 55 tạ/ha, sản lượng đạt 1.155 tấn.",
            {"rice_area": 210, "rice_yield": 55, "rice_output": 1155},
        ),
        (
            "Sản lượng lúa đạt 1.232 tấn, năng suất đạt 5,6 tấn/ha.",
            {"rice_output": 1232, "rice_yield": 56},
        ),
        # a yield written in tonnes (the "/ha" missing) is neither a yield nor an output
        ("Năng suất, sản lượng lúa đều tăng, năng suất lúa đạt 6,1 tấn.", {}),
    ],
)
def test_yield_and_output_are_not_swapped(text, expected):
    expect(text, expected)


# --- land-use categories are never the natural area -------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Tổng diện tích tự nhiên 4.512,3 ha, trong đó đất nông nghiệp 3.120 ha, đất lâm "
            "nghiệp 950,5 ha, đất phi nông nghiệp 400 ha.",
            {"natural_area": 4512.3, "agricultural_land_area": 3120, "forest_land_area": 950.5},
        ),
        ("Diện tích đất nông nghiệp của xã là 1.250 ha.", {"agricultural_land_area": 1250}),
        ("Xã có 800 ha đất sản xuất nông nghiệp, 120 ha đất ở.", {}),
        (
            "Diện tích tự nhiên 2.300 ha. Đất chưa sử dụng còn 35 ha.",
            {"natural_area": 2300},
        ),
    ],
)
def test_land_categories_are_never_the_natural_area(text, expected):
    expect(text, expected)


# --- counts of some villages or people are never the commune's total ------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Xã có 12 thôn, trong đó 9 thôn có điện lưới quốc gia.", {"villages": 12}),
        ("Toàn xã còn 3 thôn đặc biệt khó khăn.", {}),
        ("Đến nay 7 thôn có đường bê tông đến trung tâm.", {}),
        (
            "Toàn xã có 1.540 hộ, 6.210 nhân khẩu; người dân tộc Mường 2.300 người.",
            {"households": 1540, "population": 6210},
        ),
        ("Đồng bào dân tộc Thái có 1.870 người.", {}),
    ],
)
def test_some_villages_or_people_are_never_the_total(text, expected):
    expect(text, expected)


# --- mediation and one procedure's dossiers are never petitions or all dossiers -------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Các tổ hòa giải ở cơ sở tiếp nhận 14 vụ việc, hòa giải thành 12 vụ việc.",
            {"mediation_cases": 14, "mediation_successful": 12},
        ),
        ("Công tác hòa giải: tiếp nhận 9 đơn, hòa giải thành 7 đơn.", {}),
        ("Lĩnh vực hộ tịch tiếp nhận 320 hồ sơ.", {}),
        (
            "Bộ phận một cửa tiếp nhận 1.200 hồ sơ, trong đó lĩnh vực đất đai 150 hồ sơ.",
            {"dossiers_received": 1200},
        ),
        ("Chứng thực bản sao 2.450 hồ sơ.", {}),
    ],
)
def test_mediation_and_one_procedure_are_not_totals(text, expected):
    expect(text, expected)


# --- sub-counts are never the total ------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Tiếp nhận 18 đơn, trong đó 12 đơn thuộc thẩm quyền.", {"petitions_received": 18}),
        ("Tổng số hồ sơ tiếp nhận 860 hồ sơ, trong đó 540 hồ sơ.", {"dossiers_received": 860}),
        ("Hồ sơ thuộc thẩm quyền cấp tỉnh: tiếp nhận 300 hồ sơ.", {}),
        (
            "Tiếp nhận 25 đơn, trong đó khiếu nại 5 đơn, tố cáo 2 đơn, kiến nghị, phản ánh 18 đơn.",
            {
                "petitions_received": 25,
                "complaints_received": 5,
                "denunciations_received": 2,
                "recommendations_received": 18,
            },
        ),
        (
            "Tổng đàn trâu, bò 1.640 con, trong đó bò sữa 230 con.",
            {"buffalo_cattle_head": 1640},
        ),
        ("Đàn lợn 4.200 con, trong đó lợn nái 380 con.", {"pig_head": 4200}),
    ],
)
def test_sub_counts_are_never_the_total(text, expected):
    expect(text, expected)


def test_a_sub_count_of_a_named_total_keeps_its_own_code():
    got = {
        p.indicator: p for p in read("Riêng hồ sơ thuộc thẩm quyền cấp xã, tiếp nhận 640 hồ sơ.")
    }
    assert set(got) == {"dossiers_commune_authority"}
    assert got["dossiers_commune_authority"].value == 640


# --- seasons: a season's figure is never the period's, two seasons never collide ----------------
@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Diện tích lúa cả năm 420 ha, trong đó vụ chiêm xuân 215 ha, vụ mùa 205 ha.",
            {"rice_area": 420, "rice_area@xuan": 215, "rice_area@mua": 205},
        ),
        (
            "Vụ Đông Xuân gieo sạ 1.200 ha lúa; vụ Hè Thu gieo sạ 1.150 ha.",
            {"rice_area@dong_xuan": 1200, "rice_area@he_thu": 1150},
        ),
        (
            "Vụ Hè Thu, toàn xã xuống giống 980 ha lúa, năng suất bình quân 58 tạ/ha.",
            {"rice_area@he_thu": 980, "rice_yield@he_thu": 58},
        ),
        (
            "b) Vụ Mùa:\nDiện tích lúa 300 ha, năng suất 52 tạ/ha.",
            {"rice_area@mua": 300, "rice_yield@mua": 52},
        ),
        # a stock has no season: the herd is the herd
        ("Vụ đông năm nay, đàn trâu có 410 con.", {"buffalo_head": 410}),
    ],
)
def test_season_figures_keep_their_season(text, expected):
    expect(text, expected)


def test_two_seasons_are_both_pre_accepted_not_a_conflict():
    ps = read("Vụ xuân năng suất lúa 62 tạ/ha, vụ mùa năng suất lúa 54 tạ/ha.")
    assert {(p.season, p.value) for p in ps} == {("xuan", 62), ("mua", 54)}
    assert not any(p.review for p in ps)


# --- plans, targets, changes and percent of plan are never figures ------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Kế hoạch năm 2025 gieo trồng 600 ha lúa.", {}),
        (
            "Diện tích ngô 120 ha, đạt 105% kế hoạch, tăng 8 ha so với cùng kỳ.",
            {"maize_area": 120},
        ),
        ("Chỉ tiêu đàn lợn giao 3.000 con.", {}),
        ("Dự kiến thu hoạch 250 tấn cà phê.", {}),
        ("Sản lượng lúa đạt 1.800 tấn/KH 1.750 tấn.", {"rice_output": 1800}),
        ("Diện tích sắn 95/100 ha, đạt 95% KH.", {"cassava_area": 95}),
        ("Phấn đấu đến cuối năm đàn bò đạt 700 con.", {}),
        (
            "Các chỉ tiêu đạt và vượt kế hoạch như: sản lượng lương thực đạt 1.340 tấn.",
            {"grain_output": 1340},
        ),
    ],
)
def test_plans_changes_and_percent_of_plan_are_not_figures(text, expected):
    expect(text, expected)


# --- confidence: every flag has its reason ---------------------------------------------
def test_trap_word_beside_a_figure_is_flagged_with_its_reason():
    (p,) = read("Diện tích lúa dự ước 350 ha.")
    assert p.review and p.klass == "trap" and any("dự ước" in r for r in p.reasons)


def test_two_subjects_beside_one_number_is_a_competing_reading():
    (p,) = read("Diện tích lúa, ngô 300 ha.")
    assert p.review and p.klass == "competing" and p.reasons


def test_a_figure_named_beside_its_number_is_pre_accepted():
    (p,) = read("Đàn dê 230 con.")
    assert (p.indicator, p.klass, p.review, p.reasons) == ("goat_head", "explicit", False, ())
