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
