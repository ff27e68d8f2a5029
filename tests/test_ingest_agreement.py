"""The report's own figures must agree (dvcq_lib/ingest/agreement.py): a pre-accepted figure in
a consistency rule of rules.csv that the report's figures break is reviewed, with the rule's
message. Sentences written for these tests in the style of commune reports."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from dvcq_lib.checks.rules import rules
from dvcq_lib.contracts import PREV
from dvcq_lib.ingest import agreement
from dvcq_lib.ingest.extract import CLASSES, PRE_ACCEPTED, extract
from dvcq_lib.ingest.text import document_from_text
from dvcq_lib.periods import Period


def proposals(text: str, period: str = "2025-H1") -> dict[tuple[str, str], object]:
    ps = extract(document_from_text(text), period=Period.parse(period)).proposals
    return {(p.indicator, p.season): p for p in ps}


def fig(indicator: str, value: float, season: str = "", review: bool = False):
    return SimpleNamespace(indicator=indicator, value=value, season=season, review=review)


def test_a_yield_read_as_an_output_breaks_area_times_yield():
    got = proposals("Diện tích lúa 200 ha, năng suất 58 tạ/ha, sản lượng 1.500 tấn.")
    for code in ("rice_area", "rice_output"):
        p = got[(code, "")]
        assert p.review and p.klass == "unproven_rules" and p.klass not in PRE_ACCEPTED
        assert any("rice_output_area_yield" in r and "1.160" in r for r in p.reasons), p.reasons
    assert got[("rice_yield", "")].review  # the ratio itself: evidence.check_consistent
    assert "unproven_rules" in CLASSES


def test_figures_that_agree_stay_pre_accepted():
    got = proposals("Diện tích lúa 200 ha, năng suất 58 tạ/ha, sản lượng 1.160 tấn.")
    assert {k: p.review for k, p in got.items()} == {
        ("rice_area", ""): False,
        ("rice_yield", ""): False,
        ("rice_output", ""): False,
    }


def test_people_of_another_unit_break_the_household_size():
    got = proposals("Toàn xã có 2.310 hộ với 25.400 nhân khẩu.")
    assert all(p.klass == "unproven_rules" for p in got.values())
    assert any("household_size_max" in r for r in got[("population", "")].reasons)
    got = proposals("Toàn xã có 2.310 hộ với 9.040 nhân khẩu.")
    assert not any(p.review for p in got.values())


def test_a_sub_count_above_its_total_is_reviewed_on_both_sides():
    got = proposals("Trung tâm tiếp nhận 820 hồ sơ; tiếp nhận trực tuyến 910 hồ sơ.")
    assert {k[0] for k, p in got.items() if p.klass == "unproven_rules"} == {
        "dossiers_received",
        "dossiers_online",
    }


def test_a_rule_holds_season_by_season():
    got = proposals(
        "Vụ đông xuân gieo cấy 200 ha lúa, năng suất 58 tạ/ha, sản lượng 1.160 tấn. "
        "Vụ mùa gieo cấy 180 ha lúa, năng suất 50 tạ/ha, sản lượng 1.400 tấn."
    )
    assert not got[("rice_area", "dong_xuan")].review
    assert not got[("rice_output", "dong_xuan")].review
    mua = got[("rice_output", "mua")]
    assert mua.klass == "unproven_rules" and any("Vụ Mùa" in r for r in mua.reasons)


def test_a_figure_the_report_does_not_give_accuses_nothing():
    # resolved ≤ on time + overdue (missing = zero) would fire with the on-time count absent
    got = proposals("Trung tâm đã giải quyết 830 hồ sơ, có 6 hồ sơ quá hạn.")
    assert not got[("dossiers_resolved", "")].review
    found = agreement.disagreements(
        [fig("dossiers_resolved", 830), fig("dossiers_on_time", 700), fig("dossiers_overdue", 6)]
    )
    assert [d.rule for d in found] == ["dossiers_resolved_unclassified"]


def test_one_report_runs_no_previous_period_nor_information_rule():
    used = agreement.within_report_rules()
    assert used and all(r.severity in agreement.SEVERITIES for r in used)
    assert not any(c.startswith(PREV) for r in used for c in r.codes)
    assert not {r.id for r in used} & agreement.NOT_WITHIN_REPORT
    assert len(used) < len(rules())


def test_competing_values_are_left_to_the_single_check():
    found = agreement.disagreements(
        [
            fig("households", 2310),
            fig("population", 25400, review=True),
            fig("population", 9040, review=True),
        ]
    )
    assert found == []  # which population? evidence.check_single reviews both already


def test_the_pre_accepted_value_is_the_one_checked():
    figures = [
        fig("households", 2310),
        fig("population", 9040),
        fig("population", 25400, review=True),
    ]
    assert agreement.disagreements(figures) == []


@pytest.mark.parametrize("season", ["", "dong_xuan"])
def test_involved_names_the_figures_of_the_broken_rule(season):
    figures = [
        fig("rice_area", 200, season),
        fig("rice_yield", 58, season),
        fig("rice_output", 1500, season),
        fig("households", 2310),
    ]
    found = agreement.disagreements(figures)
    flagged = [p.indicator for p in figures if agreement.involved(p, found)]
    assert flagged == ["rice_area", "rice_yield", "rice_output"]
    assert agreement.reason(found[0]).startswith("các số của chính báo cáo không khớp nhau")


def test_seasons_adding_up_to_more_than_the_total_flag_total_and_seasons():
    figures = [
        fig("rice_area", 300),
        fig("rice_area", 200, "dong_xuan"),
        fig("rice_area", 180, "he_thu"),
    ]
    (d,) = agreement.disagreements(figures)
    assert d.rule == "season_parts_le_total" and "380 ha" in d.message
    assert [p.value for p in figures if agreement.involved(p, [d])] == [300, 200, 180]
    figures[0] = fig("rice_area", 380)  # the total of its seasons: they agree
    assert agreement.disagreements(figures) == []


def test_a_season_already_reviewed_accuses_no_total():
    # "Cây vụ đông: 35 ha" misread as rice (reviewed) must not send the right rice figures away
    figures = [
        fig("rice_area", 408.5),
        fig("rice_area", 210.5, "xuan"),
        fig("rice_area", 198, "mua"),
        fig("rice_area", 35, "dong", review=True),
    ]
    assert agreement.disagreements(figures) == []


def test_a_total_may_hold_kinds_its_listed_parts_do_not_name():
    # mango and plum beside "nhãn, vải" and "cây ăn quả khác": the total is not their sum
    figures = [
        fig("fruit_area", 1085),
        fig("lychee_longan_area", 310),
        fig("other_fruit_area", 170),
        fig("mango_area", 420),
    ]
    assert agreement.disagreements(figures) == []
    figures[3] = fig("mango_area", 1420)  # one kind above the total: no reading makes it right
    assert [d.rule for d in agreement.disagreements(figures)] == ["fruit_kinds_le_fruit_area"]
