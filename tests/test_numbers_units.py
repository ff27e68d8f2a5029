import pytest

from dvcq_lib.exceptions import NumberFormatError, UnitError
from dvcq_lib.numbers import format_number, format_percent, parse_number
from dvcq_lib.units import convert, normalize_unit, units


@pytest.mark.parametrize(
    "text, value",
    [
        ("2.706,51", 2706.51),
        ("105.000", 105000),
        ("1028", 1028),
        ("08", 8),
        ("2215,37", 2215.37),
        ("1.234.567", 1234567),
    ],
)
def test_vietnamese_numbers(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["12.5", "1.234,5.6", "1.2345", "abc", "", "12,3,4"])
def test_ambiguous_or_malformed_numbers_are_errors_not_guesses(text):
    with pytest.raises(NumberFormatError) as err:
        parse_number(text)
    assert repr(text) in str(err.value)


def test_declared_conventions():
    assert parse_number("12.5", "plain") == 12.5
    assert parse_number("1,234.5", "en") == 1234.5
    with pytest.raises(NumberFormatError):
        parse_number("1.234,5", "plain")


def test_formatting_the_vietnamese_way():
    assert format_number(1028) == "1.028"
    assert format_number(2706.51) == "2.706,51"
    assert format_number(219.5) == "219,5"
    assert format_number(1273.1, 1) == "1.273,1"
    assert format_percent(80) == "80,0 %"
    assert format_number(None) == "không có số liệu"


def test_units_and_conversion():
    assert normalize_unit("ta/ha") == "tạ/ha"
    assert normalize_unit(" Tấn ") == "tấn"
    assert convert(1.5, "tấn/ha", "tạ/ha") == pytest.approx(15)
    assert convert(580, "tạ", "tấn") == pytest.approx(58)
    assert convert(32500, "triệu đồng", "tỷ đồng") == pytest.approx(32.5)
    with pytest.raises(UnitError) as err:
        convert(1, "tấn/ha", "tấn")
    assert "tấn/ha" in str(err.value)
    with pytest.raises(UnitError):
        normalize_unit("furlong")


def test_unit_file_is_consistent():
    table = units()
    by_dim: dict[str, list[float]] = {}
    for u in table.values():
        assert u.factor > 0 and u.name_vi and u.name_en
        by_dim.setdefault(u.dimension, []).append(u.factor)
    # every dimension has exactly one base unit (factor 1)
    assert all(factors.count(1.0) == 1 for factors in by_dim.values()), by_dim
    spellings = [s.casefold() for u in table.values() for s in (u.unit, *u.aliases)]
    assert len(spellings) == len(set(spellings)), "an alias names two units"


@pytest.mark.parametrize("convention", ["vi", "en", "plain"])
@pytest.mark.parametrize("text", ["NaN", "nan", "inf", "-inf", "Infinity", "1e5", "1E5", "12_000"])
def test_non_finite_exponent_and_underscore_refused_in_every_convention(text, convention):
    with pytest.raises(NumberFormatError) as err:
        parse_number(text, convention)
    assert repr(text) in str(err.value) and "hữu hạn" in err.value.expected


def test_numbers_are_taken_as_numbers_without_a_convention():
    import numpy as np

    assert parse_number(1.234) == 1.234  # not 1234: no Vietnamese reading of a number
    assert parse_number(np.float64(12.345)) == 12.345
    assert parse_number(np.int64(52)) == 52.0
    for bad in (float("nan"), float("inf"), np.float64("-inf"), True):
        with pytest.raises(NumberFormatError):
            parse_number(bad)
