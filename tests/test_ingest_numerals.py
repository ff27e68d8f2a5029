"""Every number form real reports use, read with its unit and how it was read."""

import pytest

from dvcq_lib.exceptions import NumberFormatError
from dvcq_lib.ingest.extract import lowered
from dvcq_lib.ingest.numerals import find_numerals, read_number
from dvcq_lib.ingest.terms import vocabulary


def first(text):
    nums = find_numerals(text, lowered(text), 0, len(text), vocabulary())
    return nums[0]


@pytest.mark.parametrize(
    "text, value, unit, read_as",
    [
        ("2.706,51 ha", 2706.51, "ha", "vi_grouped"),
        ("105.000 con", 105000, "con", "vi_grouped"),
        ("2215,37 ha", 2215.37, "ha", "vi_decimal"),
        ("5.4 ha", 5.4, "ha", "dot_decimal"),
        ("08 đơn", 8, "đơn", "zero_padded"),
        ("21.450.000.000đ", 21_450_000_000, "đồng", "vi_grouped"),
        ("32,5 tỷ đồng", 32.5, "tỷ đồng", "vi_decimal"),
        ("60 nghìn con", 60_000, "con", "plain"),
        ("310 ha", 310, "ha", "plain"),
        ("845con", 845, "con", "plain"),
        ("52tạ/ha", 52, "tạ/ha", "plain"),
        ("52 ta/ha", 52, "tạ/ha", "plain"),
        ("4,8 tấn/ha", 4.8, "tấn/ha", "vi_decimal"),
        ("1320,7 tấn/ha", 1320.7, "tấn/ha", "vi_decimal"),
        ("25,5%", 25.5, "%", "vi_decimal"),
        ("8.093 nhân khẩu", 8093, "người", "vi_grouped"),
        ("14 thôn, bản", 14, "thôn", "plain"),
        ("1 234 hồ sơ", 1234, "hồ sơ", "space_grouped"),
        ("12 450 nhân khẩu", 12450, "người", "space_grouped"),
        ("2\u00a0350 con", 2350, "con", "space_grouped"),
    ],
)
def test_number_forms(text, value, unit, read_as):
    n = first(text)
    assert n.value == pytest.approx(value)
    assert n.unit == unit
    assert n.read_as == read_as
    assert text[n.start : n.end] == n.text  # offsets point at the number as written
    assert n.text in n.how_read


@pytest.mark.parametrize("text", ["15 đơn vị", "3 con số", "5 đồng chí", "12 km"])
def test_words_that_look_like_units_are_not(text):
    assert first(text).unit is None


@pytest.mark.parametrize("text", ["", "abc", "1.2.3,4,5", "12345678901234567890"])
def test_read_number_rejects_non_numbers(text):
    with pytest.raises(NumberFormatError):
        read_number(text)


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("mười một đơn", 11, "đơn"),
        ("hai lượt công dân", 2, "lượt"),
        ("ba vụ việc", 3, "vụ"),
        ("mười hai ha", 12, "ha"),
        ("hai mươi lăm hồ sơ", 25, "hồ sơ"),
        ("mười lăm đơn", 15, "đơn"),
        ("bốn mươi mốt hồ sơ", 41, "hồ sơ"),
    ],
)
def test_counts_written_in_words_are_read(text, value, unit):
    n = first(text)
    assert (n.value, n.unit, n.read_as) == (value, unit, "words")


@pytest.mark.parametrize(
    "text",
    [
        "trong năm hồ sơ được giải quyết",  # "trong năm": the year, not five
        "lần thứ hai đơn",  # an order, not a count
        "một số hồ sơ",  # "some", no unit after the word
        "hai mươi",  # no unit
        "tư hồ sơ",  # "tư" is 4 only after a ten
    ],
)
def test_words_that_are_no_count_are_not_read(text):
    nums = find_numerals(text, lowered(text), 0, len(text), vocabulary())
    assert [n for n in nums if n.read_as == "words"] == []


@pytest.mark.parametrize(
    "text, values",
    [
        ("Thôn 3 120 hộ", [3, 120]),  # a label before: the village's number, then its count
        ("năm 2024 150 hộ", [2024, 150]),
        ("Tháng 6 120 ha", [6, 120]),
        ("hộ 950 962", [950, 962]),  # no unit after: cells of a table row
        ("1 234 hồ sơ", [1234]),
    ],
)
def test_a_space_groups_thousands_only_before_a_unit_and_after_no_label(text, values):
    nums = find_numerals(text, lowered(text), 0, len(text), vocabulary())
    assert [n.value for n in nums] == values
