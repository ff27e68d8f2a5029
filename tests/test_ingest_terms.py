"""The ingest vocabulary is data: it loads, and agrees with the catalogue."""

from dataclasses import replace

import pytest

from dvcq_lib.catalogue import catalogue
from dvcq_lib.ingest.terms import Subject, validate_vocabulary, vocabulary


def test_vocabulary_is_consistent_with_the_catalogue():
    assert validate_vocabulary(vocabulary()) == []


def test_every_catalogue_indicator_can_be_extracted():
    ruled = {r.indicator for r in vocabulary().rules}
    derived = {i.code for i in catalogue() if i.unit == "%" and i.components}
    assert set(catalogue().codes) - ruled - derived == set()


def test_validation_reports_unknown_names():
    v = vocabulary()
    broken = replace(v, subjects={**v.subjects, "x": Subject("x", ("x",), parent="nope")})
    problems = validate_vocabulary(broken)
    assert any("nope" in p for p in problems)


def test_longest_subject_wins():
    v = vocabulary()
    hits = [v.subject_at(m.group()) for m in v.subject_re.finditer("tổng đàn trâu, bò và trâu")]
    assert hits == ["buffalo_cattle", "buffalo"]


# --- regional and alternative names: one sentence per variant (written for these tests) ---------
def _one(text: str):
    from dvcq_lib.ingest import document_from_text, extract

    return [(p.indicator, p.value) for p in extract(document_from_text(text), READ_ALL).proposals]


#: every code read, the `not_read` ones too: their words are tested like any other
READ_ALL = replace(vocabulary(), not_read=frozenset())


@pytest.mark.parametrize(
    "text, code, kept",
    [
        ("Tổng thu ngân sách trên địa bàn xã đạt 5.620 triệu đồng.", "budget_revenue", ()),
        ("Chi ngân sách 4.512 triệu đồng.", "budget_expenditure", ()),
        ("Thu nhập bình quân đầu người đạt 48 triệu đồng/người/năm.", "income_per_capita", ()),
        ("Tỷ lệ hộ nghèo giảm còn 3,2%.", "poor_household_rate", ()),
        # the poor households are still recognised: never read as the households
        (
            "Toàn xã có 2.363 hộ; hộ nghèo 142 hộ, hộ cận nghèo 85 hộ.",
            "poor_households",
            (("households", 2363),),
        ),
    ],
)
def test_budget_income_and_poverty_are_not_read_from_text(text, code, kept):
    """Out of what reports are read for (not_read): set aside with its reason, and what the
    sentence says of the codes that are read is unchanged."""
    from dvcq_lib.ingest import document_from_text, extract

    assert code in vocabulary().not_read
    assert code in {i for i, _ in _one(text)}  # the words know it
    ex = extract(document_from_text(text))
    assert [(p.indicator, p.value) for p in ex.proposals] == list(kept)
    assert "out_of_scope" in {s.reason for s in ex.skipped}


def test_not_read_codes_are_catalogue_codes():
    v = vocabulary()
    broken = replace(v, not_read=v.not_read | {"no_such_code"})
    assert any("no_such_code" in p for p in validate_vocabulary(broken))


@pytest.mark.parametrize(
    "text, indicator, value",
    [
        ("Diện tích đậu phụng 45 ha.", "peanut_area", 45),
        ("Cây đậu phộng trồng được 38,5 ha.", "peanut_area", 38.5),
        ("Bắp 120 ha, năng suất 62 tạ/ha.", "maize_area", 120),
        ("Diện tích bắp lai đạt 64 ha.", "maize_area", 64),
        ("Đàn heo 2.300 con.", "pig_head", 2300),
        ("Tổng đàn heo hiện có 5.120 con.", "pig_head", 5120),
        ("Đàn gà, vịt 15.000 con.", "poultry_head", 15000),
        ("Gia cầm, thủy cầm các loại có 28.400 con.", "poultry_head", 28400),
        ("Cây khoai mì 80 ha.", "cassava_area", 80),
        ("Diện tích sắn 210 ha, sản lượng 3.400 tấn.", "cassava_area", 210),
        ("Khoai lang 14 ha.", "sweet_potato_area", 14),
        ("Diện tích mía 36 ha.", "sugarcane_area", 36),
        ("Đậu nành 12 ha.", "soybean_area", 12),
        ("Cây đậu tương 9,5 ha.", "soybean_area", 9.5),
        ("Đỗ tương 7 ha.", "soybean_area", 7),
        ("Diện tích cây điều 200 ha.", "cashew_area", 200),
        ("Sản lượng hạt điều 180 tấn.", "cashew_output", 180),
        ("- Điều: 75 ha.", "cashew_area", 75),  # a list label, never "Điều 5" (an article)
        ("Diện tích hồ tiêu 50 ha.", "pepper_area", 50),
        ("Cây tiêu 42 ha.", "pepper_area", 42),
        ("Diện tích cao su 300 ha, sản lượng mủ 410 tấn.", "rubber_area", 300),
        ("Cà phê 1.200 ha.", "coffee_area", 1200),
        ("Diện tích chè 150 ha.", "tea_area", 150),
        ("Cây trà 95 ha.", "tea_area", 95),
        ("Sản lượng chè búp tươi 1.050 tấn.", "tea_output", 1050),
        ("Đàn bò 600 con.", "cattle_head", 600),
        ("Đàn trâu 300 con.", "buffalo_head", 300),
        ("Đàn dê 120 con.", "goat_head", 120),
        ("Diện tích nuôi trồng thủy sản 35 ha.", "aquaculture_area", 35),
        ("Sản lượng thủy sản nuôi trồng 120 tấn.", "aquaculture_output", 120),
        ("Xã có 6.652 lao động.", "labour_force", 6652),
        ("Trong kỳ tiếp nhận trực tiếp 500 hồ sơ.", "dossiers_received_direct", 500),
        ("Hồ sơ kỳ trước chuyển sang 25 hồ sơ.", "dossiers_carried_over", 25),
        ("Giải quyết trước hạn 300 hồ sơ.", "dossiers_before_deadline", 300),
        ("Còn 40 hồ sơ đang giải quyết trong hạn.", "dossiers_pending_in_time", 40),
        ("Còn 3 hồ sơ đang giải quyết quá hạn.", "dossiers_pending_overdue", 3),
        ("Đã số hóa 800 hồ sơ.", "dossiers_digitised", 800),
        ("Thanh toán trực tuyến 210 hồ sơ.", "dossiers_paid_online", 210),
        ("Tiếp nhận trực tuyến toàn trình 340 hồ sơ.", "dossiers_fully_online", 340),
        ("Tiếp nhận 4 đơn khiếu nại.", "complaints_received", 4),
        ("Nhận được 2 đơn tố cáo.", "denunciations_received", 2),
        ("Tiếp nhận 11 đơn kiến nghị, phản ánh.", "recommendations_received", 11),
        ("Tiếp nhận 6 đơn phản ánh.", "recommendations_received", 6),
        ("Hòa giải thành 9 vụ việc.", "mediation_successful", 9),
        ("Các tổ hoà giải tiếp nhận 11 vụ việc.", "mediation_cases", 11),
        # the codes of session 6 (#11): budget, poverty, per-head figures, fruit trees, sheep,
        # timber, one ethnic group's people, petitions of the commune's own authority
        ("Tổng thu ngân sách trên địa bàn xã đạt 5.620 triệu đồng.", "budget_revenue", 5620),
        ("Thu NSNN trên địa bàn 12,5 tỷ đồng.", "budget_revenue", 12500),
        ("Thu ngân sách xã 6 tháng ước đạt 3.125,4 triệu đồng.", "budget_revenue", 3125.4),
        ("Tổng chi ngân sách 4.512 triệu đồng.", "budget_expenditure", 4512),
        ("Chi ngân sách xã đạt 5,31 tỉ đồng.", "budget_expenditure", 5310),
        ("Toàn xã còn 142 hộ nghèo.", "poor_households", 142),
        ("Hộ nghèo theo chuẩn đa chiều còn 412 hộ.", "poor_households", 412),
        ("Hộ cận nghèo 85 hộ.", "near_poor_households", 85),
        ("Tỷ lệ hộ nghèo còn 1,9%.", "poor_household_rate", 1.9),
        ("Xã có 2.300 hộ, hộ nghèo 69 hộ, chiếm 3%.", "poor_household_rate", 3),
        ("Thu nhập bình quân đầu người 56 triệu đồng/người/năm.", "income_per_capita", 56),
        ("Thu nhập bình quân đầu người đạt 45 triệu đồng.", "income_per_capita", 45),
        ("Bình quân lương thực đầu người đạt 512 kg/người/năm.", "grain_per_capita", 512),
        ("Bình quân lương thực có hạt đầu người 612 kg.", "grain_per_capita", 612),
        (
            "Giá trị sản xuất nông, lâm nghiệp, thủy sản ước đạt 195,6 tỷ đồng.",
            "agriculture_value",
            195.6,
        ),
        ("Giá trị sản xuất nông nghiệp ước đạt 612 tỷ đồng.", "agriculture_value", 612),
        ("Giá trị sản xuất nông - lâm - ngư nghiệp đạt 210,5 tỷ đồng.", "agriculture_value", 210.5),
        ("Sản lượng gỗ khai thác 5.400 m³.", "timber_output", 5400),
        ("Khai thác 16.800 m3 gỗ rừng trồng.", "timber_output", 16800),
        ("Khai thác 5.000 khối gỗ rừng trồng.", "timber_output", 5000),
        ("Đàn cừu 6.420 con.", "sheep_head", 6420),
        ("Diện tích sầu riêng 450 ha, sản lượng 2.500 tấn.", "durian_area", 450),
        ("Diện tích sầu riêng 450 ha, sản lượng 2.500 tấn.", "durian_output", 2500),
        ("Vải thiều 230 ha, sản lượng 1.600 tấn.", "lychee_output", 1600),
        ("Cây vải 230 ha.", "lychee_area", 230),
        ("Cây nhãn 150 ha.", "longan_area", 150),
        ("Diện tích xoài 60 ha.", "mango_area", 60),
        ("Cây thanh long 120 ha.", "dragon_fruit_area", 120),
        ("Diện tích dứa 80 ha, sản lượng 2.400 tấn.", "pineapple_output", 2400),
        ("Cây thơm 75 ha.", "pineapple_area", 75),
        ("Diện tích trái khóm 90 ha.", "pineapple_area", 90),
        ("Trồng 80 ha khóm.", "pineapple_area", 80),  # "khóm" after an area, not "9 khóm"
        ("Diện tích mít 40 ha.", "jackfruit_area", 40),
        ("Diện tích dừa 25 ha.", "coconut_area", 25),
        ("Cây mắc ca 35 ha.", "macadamia_area", 35),
        ("Diện tích nho 12 ha.", "grape_area", 12),
        ("Dân tộc Thái 3.395 người.", "population_thai", 3395),
        ("Xã có 5.100 nhân khẩu, trong đó có 3.395 người Thái.", "population_thai", 3395),
        ("Đồng bào Mông có 1.240 người.", "population_hmong", 1240),
        ("Dân tộc Khmer 4.876 người.", "population_khmer", 4876),
        ("Dân tộc Tày 820 người, dân tộc Nùng 310 người.", "population_nung", 310),
        ("Dân tộc Mường 28 người, dân tộc Dao 15 người.", "population_dao", 15),
        ("Dân tộc Kinh 3 người, dân tộc khác 1 người.", "population_other_ethnic", 1),
        ("Xã có 3 dân tộc cùng sinh sống: Kinh 1.200 người, Tày 850 người.", "population_tay", 850),
        ("Người Khơ-me 300 người, người Nùng 120 khẩu.", "population_nung", 120),
        (
            "Tiếp nhận mới 2.145 hồ sơ, tổng số hồ sơ phải giải quyết 2.156 hồ sơ.",
            "dossiers_to_handle",
            2156,
        ),
        ("Kỳ trước chuyển sang 3 đơn.", "petitions_carried_over", 3),
        ("Tiếp nhận 19 đơn; thuộc thẩm quyền 15 đơn.", "petitions_commune_authority", 15),
        ("Đơn thuộc thẩm quyền đã giải quyết 14 đơn.", "petitions_commune_authority_resolved", 14),
        (
            "Tỷ lệ giải quyết đơn thuộc thẩm quyền đạt 93,3%.",
            "petitions_commune_authority_resolution_rate",
            93.3,
        ),
        (
            "Thuộc thẩm quyền 15 đơn, đã giải quyết 14/15 đơn, đạt 93,3%.",
            "petitions_commune_authority_resolution_rate",
            93.3,
        ),
        ("Tiếp nhận 27 vụ việc, hòa giải thành 23 vụ, đạt 85,2%.", "mediation_success_rate", 85.2),
        ("Tỷ lệ hòa giải thành đạt 85%.", "mediation_success_rate", 85),
        ("Xã tổ chức 6 cuộc tiếp công dân định kỳ.", "reception_sessions_periodic", 6),
        (
            "Hồ sơ thuộc thẩm quyền giải quyết của cấp xã 6.874 hồ sơ.",
            "dossiers_commune_authority",
            6874,
        ),
        ("Đã giải quyết 22 đơn; 2 đơn đang trong thời hạn giải quyết.", "petitions_pending", 2),
        (
            "Đã giải quyết 120 hồ sơ; 6 hồ sơ đang trong thời hạn giải quyết.",
            "dossiers_pending_in_time",
            6,
        ),
        # regional words for the villages of a commune (unit_aliases)
        ("Xã có 17 ấp với 5.200 hộ.", "villages", 17),
        ("Toàn xã có 13 buôn.", "villages", 13),
        ("Xã gồm 7 bon, 1.340 hộ.", "villages", 7),
        ("Xã có 10 sóc và 2 ấp.", "villages", 10),
        ("Thị trấn có 9 khóm.", "villages", 9),
        ("Phường có 12 khu phố.", "villages", 12),
        ("Thị trấn có 21 bản, tiểu khu.", "villages", 21),
        # bare words right before their number (Subject.bare): southern "mì", "điều"
        ("Cây hàng năm: mì 415 ha, bắp 120 ha.", "cassava_area", 415),
        ("Xã trồng lúa 800 ha, mì 235 ha.", "cassava_area", 235),
        ("Cây lâu năm: cao su 1.200 ha, điều 640 ha.", "cashew_area", 640),
        ("Cây công nghiệp chủ lực là điều: 375 ha.", "cashew_area", 375),
        ("Sản lượng thu hoạch: điều 910 tấn.", "cashew_output", 910),
        # the crops of a season together ("cây vụ đông"): the season's sown area
        ("Cây vụ đông: 42 ha.", "sown_area", 42),
        ("Diện tích cây trồng vụ đông 118 ha.", "sown_area", 118),
    ],
)
def test_regional_and_alternative_words(text, indicator, value):
    assert (indicator, value) in _one(text)


@pytest.mark.parametrize(
    "text",
    [
        "Hoàn thành 18 chỉ tiêu, tiêu thụ 30 tấn rau.",  # "tiêu" in chỉ tiêu/tiêu thụ: not pepper
        "Ứng dụng công nghệ cao trên 25 ha.",  # "nghệ" in công nghệ: not turmeric
        "Điều chỉnh quy hoạch 40 ha.",  # "điều" in điều chỉnh: not cashew
        "Theo Điều 5 của quy chế, chuyển đổi 40 ha.",  # an article of a rule: not cashew
        "Xã có 6 cơ sở làm bánh mì; chuyển đổi 12 ha đất lúa.",  # bánh mì: not cassava
        "Có nhiều điều cần rút kinh nghiệm. Chuyển đổi 15 ha đất lúa.",  # never carried
        "Đàn thủy cầm 4.000 con.",  # waterfowl: proposed only for review (below)
    ],
)
def test_words_inside_other_words_name_nothing_for_sure(text):
    from dvcq_lib.ingest import document_from_text, extract

    assert all(p.review for p in extract(document_from_text(text), READ_ALL).proposals)
    assert not {"pepper_output", "pepper_area", "turmeric_area", "cashew_area", "cassava_area"} & {
        i for i, _ in _one(text)
    }


def test_waterfowl_is_poultry_flagged_with_its_reason():
    from dvcq_lib.ingest import document_from_text, extract

    (p,) = extract(document_from_text("Đàn thủy cầm 4.000 con.")).proposals
    assert p.indicator == "poultry_head" and p.review and "thủy cầm" in p.reasons[0]


def test_season_words_come_from_the_seasons_catalogue():
    v = vocabulary()
    for phrase in ("vụ đông xuân", "vụ hè thu", "vụ thu đông", "vụ mùa", "vụ chiêm xuân"):
        assert v.cues["season"].fullmatch(phrase)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Diện tích bưởi 310 ha.", []),  # an uncoded fruit tree is no crop's
        ("Cây cà phê 900 ha. Diện tích chôm chôm 55 ha.", [("coffee_area", 900)]),
        ("Đàn dê, cừu 7.800 con.", []),  # goats and sheep together are neither herd
        ("Đàn lợn 2.000 con. Đàn ngựa 40 con.", [("pig_head", 2000)]),  # nor an uncoded animal
        ("Cây lúa 500 ha, trong đó lúa nếp 60 ha.", [("rice_area", 500)]),  # a kind is a part
    ],
)
def test_uncoded_crops_animals_and_kinds_block_their_figure(text, expected):
    assert _one(text) == expected


def test_a_unit_alias_must_name_a_catalogue_unit():
    v = vocabulary()
    broken = replace(v, unit_of={**v.unit_of, "ấp": "hamlet"})
    assert any("hamlet" in p for p in validate_vocabulary(broken))


@pytest.mark.parametrize(
    "text, rate",
    [
        ("Tỷ lệ hồ sơ giải quyết đúng và trước hạn đạt 98,5%.", 98.5),
        ("Tỷ lệ giải quyết hồ sơ trước và đúng hạn đạt 99,6%.", 99.6),
        ("Giải quyết đúng hạn 99,5% hồ sơ.", 99.5),
        ("Tỷ lệ giải quyết hồ sơ trước hạn đạt 61%.", None),  # before the deadline only
        ("Tỷ lệ hồ sơ giải quyết trước hẹn đạt 58,2%.", None),
    ],
)
def test_the_on_time_rate_counts_before_and_on_time_never_before_alone(text, rate):
    got = dict(_one(text)).get("dossiers_on_time_rate")
    assert got == (pytest.approx(rate) if rate is not None else None)
