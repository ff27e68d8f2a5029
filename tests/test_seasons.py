import pytest

from dvcq_lib.exceptions import CatalogueError
from dvcq_lib.seasons import WHOLE, season_code, season_name, seasons


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
