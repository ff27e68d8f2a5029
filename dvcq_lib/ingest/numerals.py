"""Numbers as reports write them, read tolerantly but explicitly: each number records how it
was read ("2.706,51" Vietnamese grouping, "5.4" a decimal dot, "08" zero-padded, "60 nghìn"
a multiplier), and the unit written after it ("845con", "52 ta/ha", "21.450.000.000đ").

Strict conventions stay in `dvcq_lib.numbers`; this module decides which convention a report's
number follows from its shape, and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dvcq_lib.exceptions import NumberFormatError
from dvcq_lib.ingest.terms import Vocabulary
from dvcq_lib.numbers import parse_number

#: How a number was read, in the words the review sheet shows.
READ_AS = {
    "vi_grouped": "dấu chấm phân nhóm nghìn, dấu phẩy thập phân",
    "vi_decimal": "dấu phẩy thập phân, không phân nhóm",
    "dot_decimal": "dấu chấm là dấu thập phân (cần kiểm tra)",
    "en_grouped": "dấu phẩy phân nhóm nghìn, dấu chấm thập phân (kiểu Anh)",
    "zero_padded": "số có số 0 đứng đầu",
    "plain": "số nguyên",
}
_NUMBER = re.compile(
    r"(?<![\d.,])(?:"
    r"(?P<vi_grouped>\d{1,3}(?:\.\d{3})+(?:,\d+)?)(?![\d.]\d)"
    r"|(?P<en_grouped>\d{1,3}(?:,\d{3})+\.\d+)"
    r"|(?P<vi_decimal>\d+,\d+)"
    r"|(?P<dot_decimal>\d+\.\d+)"
    r"|(?P<int>\d+)"
    r")(?!\d)"
)
_MULTIPLIER = re.compile(r"\s{0,2}(nghìn|ngàn|triệu|vạn)(?!\w)")
#: At most this many digits: longer runs are identifiers (phone numbers, codes), not figures.
MAX_DIGITS = 15


@dataclass(frozen=True)
class Numeral:
    start: int  # offsets of the number in the text
    end: int
    text: str
    value: float
    read_as: str  # a key of READ_AS
    unit: str | None = None  # canonical unit of the catalogue, if a known one follows
    unit_text: str = ""  # the unit as written (with a multiplier word, if any)
    unit_end: int = 0  # end of the unit (== end when no unit)
    multiplier: float = 1.0

    @property
    def span_end(self) -> int:
        return max(self.end, self.unit_end)

    @property
    def how_read(self) -> str:
        note = f"'{self.text}' → {self.value:g} ({READ_AS[self.read_as]})"
        if self.multiplier != 1:
            note += f", nhân {self.multiplier:g}"
        return note


def read_number(text: str) -> tuple[float, str]:
    """One number in any form reports use → (value, how it was read); NumberFormatError else.

    >>> read_number("2215,37")
    (2215.37, 'vi_decimal')
    """
    m = _NUMBER.fullmatch(text.strip())
    if not m or sum(c.isdigit() for c in text) > MAX_DIGITS:
        raise NumberFormatError(text, "report", "cần một số như 2.706,51; 105.000; 2215,37; 5.4")
    kind = m.lastgroup
    s = m.group(kind)
    if kind in ("vi_grouped", "vi_decimal"):
        return parse_number(s, "vi"), kind
    if kind == "en_grouped":
        return parse_number(s, "en"), kind
    if kind == "dot_decimal":
        return parse_number(s, "plain"), kind
    return float(s), "zero_padded" if len(s) > 1 and s.startswith("0") else "plain"


def _unit_after(
    text: str, lower: str, pos: int, vocab: Vocabulary, end: int
) -> tuple[str | None, str, int, float]:
    """The unit written at `pos` (a multiplier first, as in "60 nghìn con"), or none."""
    mult = 1.0
    at = pos
    if m := _MULTIPLIER.match(lower, pos, end):
        u = vocab.unit_re.match(lower, m.end(), end)
        if u and vocab.unit_of.get(" ".join(u.group().split())) and not _money(vocab, u.group()):
            mult = vocab.multipliers.get(m.group(1), 1.0)
            at = m.end()
    u = vocab.unit_re.match(lower, at, end)
    if not u:
        return None, "", pos, 1.0
    spelled = " ".join(u.group().split())
    unit = vocab.unit_of.get(spelled)
    if unit is None:
        return None, "", pos, 1.0
    unit_start = u.start() + (len(u.group()) - len(u.group().lstrip()))
    if vocab.cues["unit_blockers"].match(lower, unit_start, end):
        return None, "", pos, 1.0
    return unit, text[pos : u.end()].strip(), u.end(), mult


def _money(vocab: Vocabulary, spelled: str) -> bool:
    from dvcq_lib.units import units

    unit = vocab.unit_of.get(" ".join(spelled.split()))
    return bool(unit) and units()[unit].dimension == "money"


def count_numbers(text: str, stop: int, start: int = 0, end: int | None = None) -> int:
    """How many numbers text[start:end] holds, counting no further than `stop` (one cheap pass)."""
    count = 0
    for _ in _NUMBER.finditer(text, start, len(text) if end is None else end):
        count += 1
        if count >= stop:
            break
    return count


def find_numerals(text: str, lower: str, start: int, end: int, vocab: Vocabulary) -> list[Numeral]:
    """Every number in text[start:end] with the unit written after it (if a known one)."""
    out = []
    for m in _NUMBER.finditer(text, start, end):
        if sum(c.isdigit() for c in m.group()) > MAX_DIGITS:
            continue
        try:
            value, kind = read_number(m.group())
        except NumberFormatError:
            continue
        unit, unit_text, unit_end, mult = _unit_after(text, lower, m.end(), vocab, end)
        out.append(
            Numeral(
                m.start(),
                m.end(),
                m.group(),
                value * mult,
                kind,
                unit,
                unit_text,
                unit_end if unit else m.end(),
                mult,
            )
        )
    return out
