"""The traps real reports set for a reader, one test per trap. Every sentence is written for
these tests in the way commune reports write (not copied from any report): the figure a careful
analyst records is proposed, the number that only looks like it is not, and what is pre-accepted
is right."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from dvcq_lib.ingest import document_from_text, extract
from dvcq_lib.ingest.terms import vocabulary
from dvcq_lib.periods import Period

#: the vocabulary with every code read, the budget, income and poverty codes (`not_read`)
#: included: their words are tested here; that the default sets them aside is tested in
#: tests/test_ingest_terms.py.
READ_ALL = replace(vocabulary(), not_read=frozenset())


TRAPS = Path(__file__).parent / "data" / "ingest_traps.csv"


def read(text: str):
    return extract(document_from_text(text), READ_ALL).proposals


def figures(text: str) -> dict[str, float]:
    """Every proposal as "indicator" or "indicator@season" → value."""
    return {(f"{p.indicator}@{p.season}" if p.season else p.indicator): p.value for p in read(text)}


def expect(text: str, expected: dict[str, float]) -> None:
    got = figures(text)
    assert got == pytest.approx(expected), (text, got)


def rows(trap: str) -> list[dict]:
    df = pd.read_csv(TRAPS, comment="#", dtype=str, keep_default_na=False)
    out = df[df["trap"] == trap].to_dict("records")
    assert out, f"no sentence for trap {trap}"
    return out


def parse(expected: str) -> dict[str, float]:
    return {k: float(v) for k, v in (kv.split("=") for kv in expected.split(";") if kv)}


def check(row: dict) -> None:
    """Every figure of the sentence and nothing else; what is pre-accepted is right."""
    expected = parse(row["expected"])
    expect(row["sentence"], expected)
    for p in read(row["sentence"]):
        assert p.review == bool(p.reasons)


def _ids(row: dict) -> str:
    return row["sentence"][:50]


@pytest.mark.parametrize("row", rows("per_head"), ids=_ids)
def test_per_head_figure_is_never_a_total(row):
    check(row)


@pytest.mark.parametrize("row", rows("yield_output"), ids=_ids)
def test_yield_and_output_are_not_swapped(row):
    check(row)


@pytest.mark.parametrize("row", rows("land_category"), ids=_ids)
def test_land_categories_are_never_the_natural_area(row):
    check(row)


@pytest.mark.parametrize("row", rows("partial_count"), ids=_ids)
def test_some_villages_or_people_are_never_the_total(row):
    check(row)


@pytest.mark.parametrize("row", rows("mediation_procedure"), ids=_ids)
def test_mediation_and_one_procedure_are_not_totals(row):
    check(row)


@pytest.mark.parametrize("row", rows("subcount"), ids=_ids)
def test_sub_counts_are_never_the_total(row):
    check(row)


@pytest.mark.parametrize("row", rows("season"), ids=_ids)
def test_season_figures_keep_their_season(row):
    check(row)


@pytest.mark.parametrize("row", rows("plan_change"), ids=_ids)
def test_plans_changes_and_percent_of_plan_are_not_figures(row):
    check(row)


def test_a_sub_count_of_a_named_total_keeps_its_own_code():
    got = {
        p.indicator: p for p in read("Riêng hồ sơ thuộc thẩm quyền cấp xã, tiếp nhận 640 hồ sơ.")
    }
    assert set(got) == {"dossiers_commune_authority"}
    assert got["dossiers_commune_authority"].value == 640


def test_two_seasons_are_both_pre_accepted_not_a_conflict():
    ps = read("Vụ xuân năng suất lúa 62 tạ/ha, vụ mùa năng suất lúa 54 tạ/ha.")
    assert {(p.season, p.value) for p in ps} == {("xuan", 62), ("mua", 54)}
    assert not any(p.review for p in ps)


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


def test_a_qualified_count_is_flagged_never_pre_accepted():
    (p,) = read("Xã có 35 hộ làm du lịch cộng đồng.")
    assert p.indicator == "households" and p.review and "du lịch" in p.reasons[0]
    assert not any(x.review for x in read("Toàn xã có 2.410 hộ gia đình, 9.870 nhân khẩu."))


# --- a title that names results and plan is not a plan section ----------------------------
_TITLED = (
    "BÁO CÁO\n"
    "Tình hình thực hiện nhiệm vụ phát triển kinh tế - xã hội 6 tháng đầu năm, phương hướng, "
    "nhiệm vụ 6 tháng cuối năm 2026\n"
    "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ 6 THÁNG ĐẦU NĂM 2026 VÀ PHƯƠNG HƯỚNG 6 THÁNG CUỐI NĂM\n"
    "Tổng đàn trâu 415 con, đàn bò 1.230 con.\n"
    "II. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2026\n"
    "Duy trì tổng đàn bò 1.300 con.\n"
    "III. TỔ CHỨC THỰC HIỆN\n"
    "Đàn dê 230 con.\n"
)


def test_a_title_naming_results_and_plan_is_not_a_plan_section():
    assert figures(_TITLED) == {"buffalo_head": 415, "cattle_head": 1230, "goat_head": 230}


@pytest.mark.parametrize(
    "heading",
    [
        "II. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM",
        "PHẦN THỨ HAI: NHIỆM VỤ, GIẢI PHÁP THỰC HIỆN 6 THÁNG CUỐI NĂM 2026",
        "PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2027",
    ],
)
def test_a_heading_naming_the_plan_alone_starts_a_plan_section(heading):
    text = f"I. TÌNH HÌNH KINH TẾ\nĐàn trâu 415 con.\n{heading}\nĐàn trâu 450 con.\n"
    assert figures(text) == {"buffalo_head": 415}


@pytest.mark.parametrize("row", rows("whole_period"), ids=_ids)
def test_a_whole_period_word_ends_the_season(row):
    check(row)


def test_a_season_carried_to_another_crop_is_reviewed():
    ps = {p.indicator: p for p in read("Vụ Đông Xuân gieo cấy 640 ha lúa. Diện tích ngô 75 ha.")}
    assert not ps["rice_area"].review
    maize = ps["maize_area"]
    assert maize.season == "dong_xuan" and maize.review and "câu trước" in maize.reasons[0]


def test_a_season_carried_to_a_measure_of_the_same_crop_is_pre_accepted():
    ps = read("Vụ mùa cấy 520 ha lúa. Năng suất lúa đạt 55 tạ/ha.")
    assert [(p.indicator, p.season, p.review) for p in ps] == [
        ("rice_area", "mua", False),
        ("rice_yield", "mua", False),
    ]


@pytest.mark.parametrize("row", rows("crop_after_unit"), ids=_ids)
def test_a_crop_named_after_the_unit_wins_over_one_before(row):
    check(row)


def test_a_crop_after_the_unit_is_in_the_quote_and_sown_area_alone_is_reviewed():
    ps = {p.indicator: p for p in read("Vụ Đông Xuân gieo trồng 450 ha bắp và 120 ha đậu.")}
    assert ps["maize_area"].quote.endswith("450 ha bắp") and not ps["maize_area"].review
    (_, sown) = read("Vụ Đông Xuân gieo cấy 640 ha lúa. Gieo trồng 310 ha.")
    assert sown.indicator == "sown_area" and sown.review


@pytest.mark.parametrize("row", rows("clause_status"), ids=_ids)
def test_a_deadline_word_holds_only_in_its_clause(row):
    check(row)


@pytest.mark.parametrize("row", rows("budget"), ids=_ids)
def test_budget_plans_estimates_and_parts_are_not_the_revenue(row):
    """ "dự toán", "giao", "kế hoạch" or a percentage of the estimate is not the revenue or the
    spending; revenue from land or taxes, current spending, are parts."""
    check(row)


@pytest.mark.parametrize("row", rows("poverty"), ids=_ids)
def test_poverty_rate_change_and_parts(row):
    """ "giảm còn 3,2%" is the rate, "giảm 1,5%" a change; the poor households of the ethnic
    minorities only, those leaving poverty or receiving help, are not the commune's."""
    check(row)


@pytest.mark.parametrize("row", rows("ethnic_group"), ids=_ids)
def test_one_ethnic_group_is_not_all_ethnic_minorities(row):
    check(row)


def test_one_ethnic_group_is_set_aside_with_its_reason():
    """A group's households have no code, nor the people of a group outside the catalogue's
    eight; the people of one of the eight are that group's (population_thai), never the
    commune's population."""
    ex = extract(document_from_text("Dân tộc Thái có 1.240 hộ, 5.310 khẩu."))
    assert {s.text: s.reason for s in ex.skipped} == {"1.240": "ethnic_group"}
    assert [(p.indicator, p.value) for p in ex.proposals] == [("population_thai", 5310)]
    skipped = extract(document_from_text("Người Hoa có 120 hộ, 480 khẩu.")).skipped
    assert {s.text: s.reason for s in skipped} == {"120": "ethnic_group", "480": "ethnic_group"}


def test_a_group_the_vocabulary_does_not_list_is_one_group_by_its_capitalised_name():
    """ "đồng bào Xinh Mun": a named group, though not in ethnic_group_names; "Dân tộc thiểu số"
    capitalised, or a list of groups, is not one group."""
    skipped = extract(document_from_text("Đồng bào Xinh Mun có 85 hộ.")).skipped
    assert {s.text: s.reason for s in skipped} == {"85": "ethnic_group"}
    ps = extract(document_from_text("Đồng bào Dân tộc thiểu số có 640 hộ.")).proposals
    assert [(p.indicator, p.value) for p in ps] == [("ethnic_minority_households", 640)]
    listed = extract(document_from_text("Dân tộc Kinh, Mường có 1.200 hộ.")).skipped
    assert "ethnic_group" not in {s.reason for s in listed}


def test_the_sub_items_of_a_season_item_are_that_seasons():
    """ "- Vụ Hè Thu: …⏎  + Ngô: 20 ha": the sub-item is of its item's season; a sub-item naming
    its own season keeps it; an item without a season gives none to its sub-items."""
    text = (
        "- Vụ Hè Thu: gieo sạ 320 ha.\n  + Ngô: 20 ha.\n  + Lúa mùa 12 ha.\n"
        "- Cây màu khác:\n  + Lạc: 9 ha."
    )
    got = {(p.indicator, p.value): p.season for p in extract(document_from_text(text)).proposals}
    assert got[("maize_area", 20)] == "he_thu"
    assert got[("rice_area", 12)] == "mua"
    assert got[("peanut_area", 9)] == ""


# --- traps that make a figure doubtful: proposed but never pre-accepted ----------------------
REVIEW_TRAPS = Path(__file__).parent / "data" / "ingest_review_traps.csv"


def review_rows(trap: str) -> list[dict]:
    df = pd.read_csv(REVIEW_TRAPS, comment="#", dtype=str, keep_default_na=False)
    out = df[df["trap"] == trap].to_dict("records")
    assert out, f"no sentence for trap {trap}"
    return out


def check_reviewed(row: dict) -> None:
    """Every figure of the sentence and nothing else; exactly the listed ones are reviewed, each
    with a reason in words; the others are pre-accepted."""
    period = Period.parse(row["period"]) if row["period"] else None
    ps = extract(document_from_text(row["sentence"]), READ_ALL, period=period).proposals
    key = {p: (f"{p.indicator}@{p.season}" if p.season else p.indicator) for p in ps}
    assert {key[p]: p.value for p in ps} == pytest.approx(parse(row["expected"])), row
    want = set(parse(row["expected"])) if row["reviewed"] == "*" else set()
    want |= {x for x in row["reviewed"].split(";") if x and x != "*"}
    assert {key[p] for p in ps if p.review} == want, [(key[p], p.klass, p.reasons) for p in ps]
    assert all(p.reasons for p in ps if p.review)


REVIEW_TRAP_KINDS = [
    "approximate",
    "plan_context",
    "previous",
    "range",
    "other_year",
    "other_scope",
    "cumulative",
    "unit_fit",
    "unknown_subject",
    "subpart_carry",
    "zero",
    "set_aside",
    "season_span",
    "partial_harvest",
    "petition_kind",
    "budget_estimate",
    "part_of_total",
    "clause_ends_list",
    "long_words_after",
    "parts_listed",
    "handed_over",
    "rest_of_list",
    "space_grouped",
    "total_of_part",
    "other_period",
    "doers",
    "received_and_resolved",
    "clause_only",
    "year_after",
    "part_after_total",
    "sentence_named",
    "commune_area",
    "combined_sectors",
    "aquaculture_mixed",
    "as_planned",
    "clause_subject",
    "fish_output",
    "land_held",
    "mediation_of_total",
    "no_inference_area",
    "number_words",
    "overdue_words",
    "per_head",
    "percent_before",
    "petitions_pending",
    "plan_progress",
    "qualifier",
    "sector_list",
    "subcount_origin",
    "subcount_stock",
    "transplanted_part",
    "transplanted_rice",
    "transplanted_total",
    "villages_activity",
    "zero_words",
    "calendar_words",
    "crop_then_season",
    "season_clauses",
    "crop_year",
    "list_label",
    "report_disagrees",
    "commune_size",
    "label_season",
    "part_of_other_base",
]


@pytest.mark.parametrize(
    "row",
    [r for kind in REVIEW_TRAP_KINDS for r in review_rows(kind)],
    ids=lambda r: f"{r['trap']}: {r['sentence'][:45]}",
)
def test_doubtful_figures_are_reviewed_with_their_reason(row):
    check_reviewed(row)


def test_an_approximation_is_its_own_class():
    (p,) = read("Đàn gia cầm khoảng 52.000 con.")
    assert p.klass == "approximate" and p.review and "khoảng" in p.reasons[0]


def test_an_estimate_of_the_period_is_pre_accepted_with_a_note():
    (p,) = read("Sản lượng lương thực ước đạt 3.150 tấn.")
    assert not p.review and "ước" in p.note


def test_a_range_and_an_earlier_period_are_set_aside_with_their_reason():
    skipped = extract(document_from_text("Năng suất lạc từ 22 - 25 tạ/ha.")).skipped
    assert {s.text: s.reason for s in skipped}["25"] == "range"
    skipped = extract(document_from_text("Đàn lợn 3.100 con (cùng kỳ 2.950 con).")).skipped
    assert {s.text: s.reason for s in skipped}["2.950"] == "previous"


def test_vaccinated_animals_are_not_the_herd():
    text = "Đã tiêm phòng dịch tả cho 2.600 con lợn. Tổng đàn lợn 3.900 con."
    assert figures(text) == {"pig_head": 3900}
    skipped = extract(document_from_text(text)).skipped
    assert {s.text: s.reason for s in skipped}["2.600"] == "treated"


def test_a_year_that_is_not_the_reports_is_reviewed_only_when_the_period_is_known():
    text = "Năm 2022 toàn xã gieo trồng 95 ha lạc."
    (p,) = read(text)
    assert not p.review
    (p,) = extract(document_from_text(text), period=Period.parse("2024-H2")).proposals
    assert p.klass == "other_year" and "2022" in p.reasons[0]


def test_the_subject_before_a_sub_count_carries_again_after_it_closes():
    ps = {
        p.indicator: p
        for p in read("Lúa vụ xuân 450 ha, trong đó lúa thơm 90 ha; năng suất 64 tạ/ha.")
    }
    assert ps["rice_area"].value == 450 and not ps["rice_area"].review
    assert ps["rice_yield"].value == 64 and ps["rice_yield"].review  # of all rice, or the part?


def test_the_words_after_a_unit_end_at_a_linking_word_before_the_next_number():
    got = figures("Tiếp nhận 16 đơn, gồm 12 đơn kiến nghị, phản ánh và 4 đơn tố cáo.")
    assert got == {
        "petitions_received": 16,
        "recommendations_received": 12,
        "denunciations_received": 4,
    }


@pytest.mark.parametrize(
    "text, indicator",
    [
        # no more than those within competence: most often theirs
        (
            "Xã tiếp nhận 11 đơn, trong đó 7 đơn thuộc thẩm quyền, đã giải quyết 5 đơn.",
            "petitions_commune_authority_resolved",
        ),
        (
            "Tiếp nhận 9 đơn thư, trong đó thuộc thẩm quyền của xã 6 đơn, đã giải quyết 6/6 đơn.",
            "petitions_commune_authority_resolved",
        ),
        # more than them: all the petitions, still reviewed
        (
            "Xã tiếp nhận 20 đơn, trong đó thuộc thẩm quyền 12 đơn; đã giải quyết 18/20 đơn.",
            "petitions_resolved",
        ),
    ],
)
def test_resolved_after_a_count_within_competence_is_reviewed(text, indicator):
    """A sub-count ("thuộc thẩm quyền") changes what the next "đã giải quyết" counts: never
    pre-accepted as all the petitions resolved."""
    (p,) = [p for p in read(text) if "resolved" in p.indicator]
    assert p.indicator == indicator and p.review and p.klass == "competence_resolved"
    assert "thẩm quyền" in p.reasons[-1]


def test_without_a_count_within_competence_resolved_is_all():
    (p,) = [
        p for p in read("Xã tiếp nhận 14 đơn, đã giải quyết 12 đơn.") if "resolved" in p.indicator
    ]
    assert p.indicator == "petitions_resolved" and not p.review


@pytest.mark.parametrize(
    "text, period",
    [
        ("Chín tháng, xã tiếp nhận tổng cộng 13 đơn.", "2019-Q3"),
        ("Ba tháng đầu năm, xã tiếp nhận 4 đơn.", "2024-H1"),
        ("Mười tháng, Trung tâm tiếp nhận 1.250 hồ sơ.", "2024"),
    ],
)
def test_a_run_of_months_in_words_is_another_period(text, period):
    """ "Chín tháng" is "9 tháng": a figure of nine months is not the quarter's."""
    (p,) = extract(document_from_text(text), READ_ALL, period=Period.parse(period)).proposals
    assert p.review and p.klass == "unproven_period"


def test_a_run_of_months_in_words_that_is_the_period_is_no_doubt():
    text = "Sáu tháng đầu năm, xã tiếp nhận 14 đơn."
    (p,) = extract(document_from_text(text), READ_ALL, period=Period.parse("2024-H1")).proposals
    assert not p.review
