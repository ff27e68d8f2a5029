"""`parse_numbers` (vectorised) reads every cell as `parse_number` does, bad cells included."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dvcq_lib.exceptions import NumberFormatError
from dvcq_lib.numbers import CONVENTIONS, parse_number, parse_numbers

#: Characters of figures and of what is mistaken for them: signs, both separators, spaces
#: (ordinary, no-break, narrow), exponents, NaN/inf letters, underscores, a non-ASCII digit.
ALPHABET = "0123456789.,-+ \u00a0\u202fe_naifINF\u0663"


def _grouped(n: int, sep: str) -> str:
    text = str(n)
    groups = []
    while text:
        groups.insert(0, text[-3:])
        text = text[:-3]
    return sep.join(groups)


@st.composite
def written(draw) -> str:
    """A figure as some file might write it: well formed in one convention or another, or
    slightly off (a leading zero group, a sign, spaces, a trailing separator, a stray group)."""
    n = draw(st.integers(min_value=0, max_value=10**22))
    group, dec = draw(st.sampled_from([(".", ","), (",", "."), ("", "."), ("", ",")]))
    text = _grouped(n, group) if group else str(n)
    if draw(st.booleans()):
        text += dec + draw(st.text("0123456789", min_size=0, max_size=20))
    prefix = draw(st.sampled_from(["", "", "-", "+", " ", "0", "00", "\u00a0", ","]))
    suffix = draw(st.sampled_from(["", "", "", " ", ",", ".", "0", "e5", "\u202f"]))
    return prefix + text + suffix


CELLS = st.one_of(written(), st.text(ALPHABET, max_size=12))


def _one_by_one(cells: list, convention: str) -> list[float]:
    out = []
    for c in cells:
        try:
            out.append(parse_number(c, convention))
        except NumberFormatError:
            out.append(math.nan)
    return out


def _same(got: pd.Series, want: list[float]) -> bool:
    return np.array_equal(got.to_numpy(), np.array(want, dtype=float), equal_nan=True)


@settings(max_examples=300, deadline=None)
@given(
    cells=st.lists(CELLS, min_size=1, max_size=40), convention=st.sampled_from(list(CONVENTIONS))
)
def test_parse_numbers_gives_what_parse_number_gives_cell_by_cell(cells, convention):
    want = _one_by_one(cells, convention)
    for dtype in ("str", object, "category"):
        got = parse_numbers(pd.Series(cells, dtype=dtype), convention)
        assert _same(got, want), (dtype, cells, got.tolist(), want)


def test_valid_figures_are_never_nan_so_nan_marks_the_bad_cells():
    cells = ["2.706,51", "105.000", "08", "-1.234", "+5", " 12 ", ",5", "12.5", "", "1e5", "nan"]
    got = parse_numbers(pd.Series(cells, dtype="str"))
    assert got.isna().tolist() == [False] * 7 + [True] * 4
    assert got.iloc[:7].tolist() == [2706.51, 105000.0, 8.0, -1234.0, 5.0, 12.0, 0.5]


def test_typed_cells_keep_their_numbers_and_bools_are_refused():
    cells = pd.Series([1.234, 7, "1.234", True, float("nan"), float("inf"), None], dtype=object)
    got = parse_numbers(cells, "vi")
    assert _same(got, [1.234, 7.0, 1234.0, math.nan, math.nan, math.nan, math.nan])


def test_unknown_convention_reads_nothing():
    assert parse_numbers(pd.Series(["1"]), "fr").isna().all()


def test_the_index_is_kept():
    got = parse_numbers(pd.Series(["1", "x"], index=[10, 20]), "plain")
    assert got.index.tolist() == [10, 20]
    with pytest.raises(NumberFormatError):
        parse_number("x", "plain")


def test_numeric_and_bool_columns_of_typed_files():
    got = parse_numbers(pd.Series([1.5, float("nan"), float("inf"), 2.0]), "vi")
    assert _same(got, [1.5, math.nan, math.nan, 2.0])
    assert _same(parse_numbers(pd.Series([3, 4]), "vi"), [3.0, 4.0])
    assert parse_numbers(pd.Series([True, False]), "vi").isna().all()
