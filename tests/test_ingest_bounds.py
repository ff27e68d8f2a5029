"""Plausible size for one commune (dvcq_lib/ingest/bounds.py, data/catalogue/commune_bounds.csv):
a pre-accepted figure beyond one commune's size, or beyond its whole in the same report, is
reviewed. Sentences written for these tests in the style of commune reports."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from dvcq_lib import datasets
from dvcq_lib.catalogue import catalogue
from dvcq_lib.exceptions import DataValidationError
from dvcq_lib.ingest import bounds
from dvcq_lib.ingest.extract import CLASSES, extract
from dvcq_lib.ingest.text import document_from_text
from dvcq_lib.paths import CATALOGUE_FILES
from dvcq_lib.periods import Period


def proposals(text: str, period: str = "2025-H1") -> dict[tuple[str, str], object]:
    ps = extract(document_from_text(text), period=Period.parse(period)).proposals
    return {(p.indicator, p.season): p for p in ps}


def test_a_district_s_area_is_too_large_for_a_commune():
    (p,) = proposals("Diện tích gieo trồng lúa đạt 75.000 ha.").values()
    assert p.review and p.klass == "unproven_size" and "unproven_size" in CLASSES
    assert any("lớn bất thường cho một xã" in r and "60.000 ha" in r for r in p.reasons)
    (p,) = proposals("Diện tích gieo trồng lúa đạt 750 ha.").values()
    assert not p.review


def test_a_crop_area_above_the_natural_area_reviews_both():
    got = proposals("Xã có diện tích tự nhiên 2.950 ha. Diện tích dứa 15.000 ha.")
    for key in (("natural_area", ""), ("pineapple_area", "")):
        assert got[key].klass == "unproven_size"
        assert any("lớn hơn diện tích đất tự nhiên 2.950 ha" in r for r in got[key].reasons)
    got = proposals("Xã có diện tích tự nhiên 2.950 ha. Diện tích dứa 150 ha.")
    assert not any(p.review for p in got.values())


def test_one_season_stays_within_the_land_a_year_within_three_seasons():
    got = proposals("Vụ đông xuân gieo cấy 2.000 ha lúa. Xã có diện tích tự nhiên 1.500 ha.")
    assert got[("rice_area", "dong_xuan")].klass == "unproven_size"
    got = proposals("Năm 2025 gieo cấy 4.000 ha lúa. Xã có diện tích tự nhiên 1.500 ha.", "2025")
    assert not got[("rice_area", "")].review  # three crops a year: up to 4.500 ha sown
    got = proposals("Năm 2025 gieo cấy 5.000 ha lúa. Xã có diện tích tự nhiên 1.500 ha.", "2025")
    assert any("× 3 vụ" in r for r in got[("rice_area", "")].reasons)


def test_a_rate_above_a_hundred_percent_is_no_share():
    why = bounds.beyond(_fig("dossiers_on_time_rate", 101.5), [])
    assert why == ["tỷ lệ 101,5% lớn hơn 100%: không thể là tỷ lệ"]
    assert bounds.beyond(_fig("dossiers_on_time_rate", 99.2), []) == []


def test_a_reviewed_figure_accuses_no_whole():
    whole = _fig("natural_area", 2950)
    part = _fig("pineapple_area", 15000, review=True)
    assert bounds.wholes_exceeded([whole, part]) == {}
    part = _fig("pineapple_area", 15000)
    assert list(bounds.wholes_exceeded([whole, part])) == [("natural_area", 2950)]


def _fig(indicator, value, season="", review=False):
    return SimpleNamespace(indicator=indicator, value=value, season=season, review=review)


# --- the file and its contract ----------------------------------------------------------------
def test_every_bound_is_of_a_catalogue_code_with_its_rationale():
    table = bounds.commune_bounds()
    cat = catalogue()
    assert len(table) > 50
    for b in table.values():
        assert b.indicator in cat and (b.max is not None or b.whole)
        if b.whole:  # a part is in the unit of its whole
            assert cat[b.whole].unit == cat[b.indicator].unit


@pytest.mark.parametrize(
    ("column", "value", "word"),
    [
        ("indicator", "no_such_code", "danh mục"),
        ("max", "-5", "> 0"),
        ("rationale", "", "giải thích"),
    ],
)
def test_a_bad_row_is_a_problem_naming_its_cell(tmp_path, column, value, word):
    df = pd.read_csv(CATALOGUE_FILES["commune_bounds"], dtype=str, keep_default_na=False)
    df.loc[2, column] = value
    path = tmp_path / "commune_bounds.csv"
    df.to_csv(path, index=False)
    with pytest.raises(DataValidationError) as err:
        datasets.read("commune_bounds", path, lookups={"catalogue": catalogue})
    (problem,) = err.value.problems
    assert (problem.row, problem.column, problem.value) == (4, column, value)
    assert word in problem.expected


def test_a_row_without_any_bound_is_a_problem(tmp_path):
    df = pd.read_csv(CATALOGUE_FILES["commune_bounds"], dtype=str, keep_default_na=False)
    df.loc[0, "max"] = ""
    path = tmp_path / "commune_bounds.csv"
    df.to_csv(path, index=False)
    with pytest.raises(DataValidationError) as err:
        datasets.read("commune_bounds", path, lookups={"catalogue": catalogue})
    assert any("max hoặc whole" in p.expected for p in err.value.problems)


def test_a_yield_beyond_any_field_s_is_an_output_or_another_unit():
    got = proposals("Cây sắn trồng 95 ha, năng suất 1.520 tạ/ha.")
    p = got[("cassava_yield", "")]
    assert p.klass == "unproven_size" and any("sản lượng" in r for r in p.reasons), p.reasons
    assert not got[("cassava_area", "")].review
    assert not proposals("Cây sắn trồng 95 ha, năng suất 160 tạ/ha.")[("cassava_yield", "")].review
