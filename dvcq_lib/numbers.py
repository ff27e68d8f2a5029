"""Numbers written the Vietnamese way — "2.706,51", "105.000" — read strictly and written back.

Reading never guesses: under the Vietnamese convention "12.5" is an error, not 125 (Babel's
lenient parser would say 125). A file that writes dot decimals declares `number_format: plain`
(or `en`) in its sidecar. The conventions concern text only: a number that already is a number
(a numeric spreadsheet or Parquet cell) is taken as it is. Whatever its form, a value must be a
finite figure written with digits: NaN, infinities, exponents ("1e5") and underscores ("12_000")
are refused — Python and Babel would accept them all.
"""

from __future__ import annotations

import math
import numbers
import re
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from babel.numbers import NumberFormatError as BabelNumberFormatError
from babel.numbers import format_decimal, parse_decimal

from dvcq_lib.exceptions import NumberFormatError

#: Accepted conventions and what each expects, for error messages.
CONVENTIONS: dict[str, str] = {
    "vi": "dấu chấm phân nhóm nghìn, dấu phẩy thập phân (1.234,5; 105.000; 2215,37)",
    "en": "comma thousands, dot decimal (1,234.5)",
    "plain": "không phân nhóm, dấu chấm thập phân (1234.5)",
}
_LOCALE = {"vi": "vi", "en": "en"}
_PLAIN = re.compile(r"^[+-]?\d+(\.\d+)?$")
#: What a written figure may hold at all, whatever the convention: a sign, digits, separators.
#: Python's float() and Babel also take "nan", "inf", "1e5" and "12_000"; a report never means them.
_WRITTEN = re.compile(r"^[+-]?[\d.,]*\d[\d.,]*$")
#: Why a value that is not written with digits is refused.
NOT_FINITE = "cần một số hữu hạn viết bằng chữ số (không nhận NaN, vô cực, dạng mũ 1e5, dấu _)"
BLANK = "ô trống: cần một số"


def parse_number(value: object, convention: str = "vi") -> float:
    """One figure, strictly: a number as it is, a text under `convention`; raises
    NumberFormatError (with what was expected) for anything else.

    >>> parse_number("2.706,51")
    2706.51
    >>> parse_number(1.234)  # a numeric cell: no convention applies
    1.234
    """
    if convention not in CONVENTIONS:
        raise NumberFormatError(
            value, convention, "quy ước phải là một trong " + ", ".join(CONVENTIONS)
        )
    if isinstance(value, bool):
        raise NumberFormatError(value, convention, "cần một số, không phải giá trị đúng/sai")
    if isinstance(value, numbers.Real):
        return _finite(value, float(value), convention)
    s = str(value).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not s:
        raise NumberFormatError(value, convention, BLANK)
    if not _WRITTEN.match(s):
        raise NumberFormatError(value, convention, f"{NOT_FINITE}; {CONVENTIONS[convention]}")
    if convention == "plain":
        if not _PLAIN.match(s):
            raise NumberFormatError(value, convention, CONVENTIONS[convention])
        return _finite(value, float(s), convention)
    try:
        parsed = float(parse_decimal(s, locale=_LOCALE[convention], strict=True))
    except (BabelNumberFormatError, ValueError, ArithmeticError):
        raise NumberFormatError(value, convention, CONVENTIONS[convention]) from None
    return _finite(value, parsed, convention)


#: Texts whose reading is plain arithmetic on the characters, by convention: (pattern,
#: group symbol, decimal symbol). `parse_numbers` reads a text matching it with a vectorised
#: cast (group symbols removed, decimal symbol → "."), the same figure `parse_number` gives;
#: any other text (a sign "+", spaces, ",5", a stray group, NaN, bad text) goes through
#: `parse_number` itself, once per distinct text. Grouped figures must be grouped as Babel
#: formats them (the strict check of `parse_number`): 1-3 digits, no leading zero, then groups
#: of three.
_FAST: dict[str, tuple[str, str, str]] = {
    "plain": (r"^-?\d+(\.\d+)?$", "", "."),
    "vi": (r"^-?(\d+|[1-9]\d{0,2}(\.\d{3})+)(,\d+)?$", ".", ","),
    "en": (r"^-?(\d+|[1-9]\d{0,2}(,\d{3})+)(\.\d+)?$", ",", "."),
}


#: Longer texts are left to `parse_number`: Babel's strict check formats the figure again in
#: Decimal's 28-digit context, so a grouped text of more digits is refused there.
_FAST_LEN = 24


def parse_numbers(values: pd.Series, convention: str | pd.Series = "vi") -> pd.Series:
    """Every cell of `values` read as `parse_number(cell, convention)` reads it, at once: a
    float Series (same index), NaN where `parse_number` raises — a figure it accepts is never
    NaN, so the NaN mask is the mask of unreadable cells. `convention` is one for every cell,
    or a Series giving each cell's (the files of a table may differ). Text is read by a
    vectorised cast where its form is unambiguous (`_FAST`), by `parse_number` once per
    distinct text elsewhere; a cell that is a number (typed files) by `parse_number`.

    >>> parse_numbers(pd.Series(["2.706,51", "12.5", "", "1e5"])).tolist()
    [2706.51, nan, nan, nan]
    >>> parse_numbers(pd.Series(["12.5", "12.5"]), pd.Series(["plain", "vi"])).tolist()
    [12.5, nan]
    """
    if isinstance(convention, pd.Series):
        return _by_convention(values, convention)
    out = np.full(len(values), np.nan)
    if convention not in CONVENTIONS or not len(values):
        return pd.Series(out, index=values.index)
    if isinstance(values.dtype, pd.CategoricalDtype):  # each category once
        cats = parse_numbers(pd.Series(values.cat.categories.astype(object)), convention)
        codes = values.cat.codes.to_numpy()
        out = np.where(codes >= 0, cats.to_numpy()[codes], np.nan)
        return pd.Series(out, index=values.index)
    if pd.api.types.is_bool_dtype(values.dtype):  # true/false is not a figure
        return pd.Series(out, index=values.index)
    if pd.api.types.is_numeric_dtype(values.dtype):  # a typed column: numbers as they are
        numbers_ = values.to_numpy(dtype=float, na_value=np.nan)
        return pd.Series(np.where(np.isfinite(numbers_), numbers_, np.nan), index=values.index)
    if values.dtype == object:
        text = np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values))
        if not text.all():  # numbers of typed files (and bools, refused): one by one
            others = np.flatnonzero(~text)
            out[others] = [_or_nan(values.iat[i], convention) for i in others]
        if not text.any():
            return pd.Series(out, index=values.index)
        where = np.flatnonzero(text)
        arrow = pa.array(values.iloc[where].to_numpy(object), type=pa.large_string())
    else:
        where = None
        arrow = pa.array(values.astype("str"), type=pa.large_string())
    out_text = _parse_texts(arrow, convention)
    if where is None:
        out = out_text
    else:
        out[where] = out_text
    return pd.Series(out, index=values.index)


def _by_convention(values: pd.Series, conventions: pd.Series) -> pd.Series:
    if isinstance(conventions.dtype, pd.CategoricalDtype):
        kinds, names = conventions.cat.codes.to_numpy(), list(conventions.cat.categories)
    else:
        kinds, names = pd.factorize(conventions, use_na_sentinel=False)

    def name(k: int) -> str:  # a missing convention (-1, NaN) reads nothing, like an unknown one
        return names[k] if k >= 0 and isinstance(names[k], str) else ""

    present = np.unique(kinds)
    if len(present) == 1:
        return parse_numbers(values, name(present[0]))
    out = np.full(len(values), np.nan)
    for k in present:
        rows = np.flatnonzero(kinds == k)
        out[rows] = parse_numbers(values.iloc[rows], name(k)).to_numpy()
    return pd.Series(out, index=values.index)


def _parse_texts(arrow: pa.Array, convention: str) -> np.ndarray:
    pattern, group, decimal = _FAST[convention]
    arrow = pc.fill_null(arrow, "")
    fast = pc.and_(
        pc.match_substring_regex(arrow, pattern), pc.less_equal(pc.utf8_length(arrow), _FAST_LEN)
    ).to_numpy(zero_copy_only=False)
    out = np.full(len(arrow), np.nan)
    if fast.any():
        text = pc.filter(arrow, pa.array(fast))
        if group:
            text = pc.replace_substring(text, group, "")
        if decimal != ".":
            text = pc.replace_substring(text, decimal, ".")
        out[fast] = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
    if not fast.all():
        rest = np.flatnonzero(~fast)
        slow = pd.Series(pc.take(arrow, pa.array(rest)).to_numpy(zero_copy_only=False))
        codes, uniques = pd.factorize(slow)
        parsed = np.array([_or_nan(u, convention) for u in uniques], dtype=float)
        out[rest] = parsed[codes]
    return out


def _or_nan(value: object, convention: str) -> float:
    try:
        return parse_number(value, convention)
    except NumberFormatError:
        return math.nan


def _finite(value: object, x: float, convention: str) -> float:
    if math.isnan(x):
        raise NumberFormatError(
            value, convention, BLANK if isinstance(value, float) else NOT_FINITE
        )
    if math.isinf(x):
        raise NumberFormatError(value, convention, NOT_FINITE)
    return x


def format_number(value: float | None, decimals: int | None = None, lang: str = "vi") -> str:
    """Vietnamese formatting: 1028 → "1.028", 2706.51 → "2.706,51", decimals fixes the digits.

    Without `decimals` the value is shown as exactly as it is stored (up to 6 places), so a
    figure reads as it was reported. A missing value reads "không có số liệu".
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "không có số liệu" if lang == "vi" else "no data"
    locale = "vi" if lang == "vi" else "en"
    if decimals is None:
        d = Decimal(str(round(float(value), 6))).normalize()
        places = max(0, -d.as_tuple().exponent)
        fmt = "#,##0" + ("." + "0" * places if places else "")
    else:
        fmt = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=fmt, locale=locale)


def format_percent(value: float | None, decimals: int = 1, lang: str = "vi") -> str:
    """A percentage value (80 means 80 %): "80,0 %" in Vietnamese."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return format_number(None, lang=lang)
    return f"{format_number(value, decimals, lang)} %"
