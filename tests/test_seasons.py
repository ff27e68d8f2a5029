import pandas as pd
import pytest

from dvcq_lib.exceptions import CatalogueError
from dvcq_lib.seasons import (
    WHOLE,
    has_seasons,
    season_code,
    season_column,
    season_label,
    season_name,
    season_order,
    seasons,
)


def test_the_six_seasons_of_the_catalogue():
    assert list(seasons()) == ["dong_xuan", "xuan", "he_thu", "thu_dong", "mua", "dong"]


@pytest.mark.parametrize(
    "written, code",
    [
        ("Vụ Đông Xuân", "dong_xuan"),
        ("vụ đông - xuân", "dong_xuan"),
        ("vụ chiêm xuân", "xuan"),
        ("Vụ Hè Thu", "he_thu"),
        ("vụ thu đông", "thu_dong"),
        ("Vụ Mùa", "mua"),
        ("vụ Đông", "dong"),
        ("he_thu", "he_thu"),
    ],
)
def test_season_written_any_known_way(written, code):
    assert season_code(written) == code


def test_unknown_season_names_the_known_ones():
    with pytest.raises(CatalogueError, match="vụ Hè Thu"):
        season_code("vụ ba")


def test_names_for_readers():
    assert season_name("mua") == "vụ Mùa"
    assert season_name("mua", "en") == "main (monsoon) crop"
    assert season_name(WHOLE) == ""


def test_season_column_of_any_frame():
    assert list(season_column(pd.DataFrame({"value": [1, 2]}))) == ["", ""]
    df = pd.DataFrame({"season": ["he_thu", None, float("nan"), " "]})
    assert list(season_column(df)) == ["he_thu", "", "", ""]
    assert has_seasons(df) and not has_seasons(pd.DataFrame({"season": ["", ""]}))


def test_order_and_labels():
    assert season_order({"mua", "", "dong_xuan"}) == ["", "dong_xuan", "mua"]
    assert season_label("") == "cả kỳ" and season_label("mua") == "vụ Mùa"
