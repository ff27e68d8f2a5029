import pandas as pd
import pytest

from dvcq_lib.exceptions import CatalogueError
from dvcq_lib.seasons import has_seasons, season_code, season_column, season_label, season_order


def test_codes_and_names():
    assert season_code("Vụ Đông Xuân") == "dong_xuan"
    assert season_code("vụ chiêm xuân") == "xuan"
    with pytest.raises(CatalogueError, match="seasons.csv"):
        season_code("vụ không có")


def test_season_column_of_any_frame():
    assert list(season_column(pd.DataFrame({"value": [1, 2]}))) == ["", ""]
    df = pd.DataFrame({"season": ["he_thu", None, float("nan"), " "]})
    assert list(season_column(df)) == ["he_thu", "", "", ""]
    assert has_seasons(df) and not has_seasons(pd.DataFrame({"season": ["", ""]}))


def test_order_and_labels():
    assert season_order({"mua", "", "dong_xuan"}) == ["", "dong_xuan", "mua"]
    assert season_label("") == "cả kỳ" and season_label("mua") == "vụ Mùa"
