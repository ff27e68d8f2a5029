"""Numbers written the Vietnamese way — "2.706,51", "105.000" — read strictly and written back.

Reading never guesses: under the Vietnamese convention "12.5" is an error, not 125 (Babel's
lenient parser would say 125). A file that writes dot decimals declares `number_format: plain`
(or `en`) in its sidecar.
"""

from __future__ import annotations

import math
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


def parse_number(text: object, convention: str = "vi") -> float:
    """Parse one number strictly under a convention; raises NumberFormatError.

    >>> parse_number("2.706,51")
    2706.51
    """
    if convention not in CONVENTIONS:
        raise NumberFormatError(
            text, convention, "quy ước phải là một trong " + ", ".join(CONVENTIONS)
        )
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        if isinstance(text, float) and math.isnan(text):
            raise NumberFormatError(text, convention, "ô trống: cần một số")
        return float(text)
    s = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if not s:
        raise NumberFormatError(text, convention, "ô trống: cần một số")
    if convention == "plain":
        if not _PLAIN.match(s):
            raise NumberFormatError(text, convention, CONVENTIONS[convention])
        return float(s)
    try:
        return float(parse_decimal(s, locale=_LOCALE[convention], strict=True))
    except (BabelNumberFormatError, ValueError, ArithmeticError):
        raise NumberFormatError(text, convention, CONVENTIONS[convention]) from None


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
