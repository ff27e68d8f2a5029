"""Numbers as reports write them, read tolerantly but explicitly: each number records how it
was read ("2.706,51" Vietnamese grouping, "5.4" a decimal dot, "08" zero-padded, "60 nghìn"
a multiplier), and the unit written after it ("845con", "52 ta/ha", "21.450.000.000đ").

Strict conventions stay in `dvcq_lib.numbers`; this module decides which convention a report's
number follows from its shape, and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

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
    "words": "số viết bằng chữ",
    "space_grouped": "dấu cách phân nhóm nghìn (cần kiểm tra: không phải hai số)",
}
_NUMBER = re.compile(
    r"(?<![\d.,])(?:"
    r"(?P<vi_grouped>\d{1,3}(?:\.\d{3})+(?:,\d+)?)(?![\d.]\d)"
    r"|(?P<en_grouped>\d{1,3}(?:,\d{3})+\.\d+)"
    r"|(?P<vi_decimal>\d+,\d+)"
    r"|(?P<dot_decimal>\d+\.\d+)"
    r"|(?P<space_grouped>\d{1,3}(?:[ \u00a0\u202f]\d{3})+)(?![\d.,]\d)"
    r"|(?P<int>\d+)"
    r")(?!\d)"
)
#: A label right before "3 120 hộ" makes it two numbers: "thôn 3" then "120 hộ".
_LABEL_BEFORE = re.compile(
    r"(?<!\w)(?:thôn|xóm|bản|ấp|buôn|bon|sóc|làng|khu|khóm|tổ|đội|số|lần|đợt|lô|khoản|điều|"
    r"mục|điểm|ngày|tháng|năm|quý|vụ|kỳ|giai đoạn|phòng|trường|lớp|cấp|hạng|top|km|quốc lộ|"
    r"tỉnh lộ|đường|phụ lục|biểu|bảng|mẫu|nghị định|thông tư|quyết định)\s*$"
)
_INT = re.compile(r"\d+")
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
    if kind == "space_grouped":
        return float(re.sub(r"\D", "", s)), kind
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
    for m in _matches(text, lower, start, end, vocab):
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
    words = _word_numerals(text, lower, start, end, vocab)
    return sorted(out + words, key=lambda n: n.start) if words else out


def _matches(text: str, lower: str, start: int, end: int, vocab: Vocabulary):
    """The numbers of text[start:end]; "1 234 hồ sơ" grouped by a space is one number when its
    unit follows, unless a label is written before it ("thôn 3 120 hộ", "năm 2024 150 hộ"):
    else two numbers (cells of a table row: "hộ 950 962")."""
    for m in _NUMBER.finditer(text, start, end):
        if m.lastgroup == "space_grouped" and (
            _LABEL_BEFORE.search(lower, max(start, m.start() - 20), m.start())
            or _unit_after(text, lower, m.end(), vocab, end)[0] is None
        ):
            yield from _INT.finditer(text, m.start(), m.end())
        else:
            yield m


def word_value(words: list[str], digits: dict[str, int]) -> int | None:
    """ "mười một" → 11, "hai mươi lăm" → 25, "ba" → 3; None when the words are no number.

    >>> word_value(["hai", "mươi", "mốt"], {"hai": 2, "mươi": 10, "mốt": 1})
    21
    """
    if not words or any(w not in digits for w in words):
        return None
    if "mươi" in words:
        i = words.index("mươi")
        if i != 1 or words[0] in ("mười", "mươi", "mốt", "lăm", "nhăm", "linh", "lẻ"):
            return None
        rest = words[2:]
        tens = digits[words[0]] * 10
    elif words[0] == "mười":
        rest, tens = words[1:], 10
    else:
        rest, tens = words, 0
    if len(rest) > 1 or (rest and rest[0] in ("mười", "mươi")):
        return None
    if rest and rest[0] in ("mốt", "tư", "lăm", "nhăm") and not tens:
        return None  # "mốt", "lăm" only follow a ten
    if rest and rest[0] in ("linh", "lẻ"):
        return None
    value = tens + (digits[rest[0]] if rest else 0)
    return value or None


def _word_numerals(text: str, lower: str, start: int, end: int, vocab: Vocabulary) -> list:
    """Counts written in words before a count unit ("mười một đơn", "hai lượt công dân")."""
    digits = vocab.number_words
    units_re = vocab.cues.get("number_word_units")
    if not digits or units_re is None:
        return []
    out = []
    pattern = _words_pattern(tuple(digits))
    for m in pattern.finditer(lower, start, end):
        u = units_re.match(lower, m.end() + 1, end) if lower[m.end() : m.end() + 1] == " " else None
        if not u:
            continue
        before = lower[max(start, m.start() - 12) : m.start()].split()
        not_after = vocab.cues.get("number_word_not_after")
        if before and not_after is not None and not_after.fullmatch(before[-1]):
            continue
        value = word_value(m.group().split(), digits)
        if value is None:
            continue
        unit, unit_text, unit_end, _ = _unit_after(text, lower, m.end(), vocab, end)
        if unit is None:
            continue
        out.append(
            Numeral(
                m.start(),
                m.end(),
                text[m.start() : m.end()],
                float(value),
                "words",
                unit,
                unit_text,
                unit_end,
            )
        )
    return out


@cache
def _words_pattern(words: tuple[str, ...]) -> re.Pattern:
    alt = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    return re.compile(rf"(?<![\w\d])(?:{alt})(?:\s+(?:{alt})){{0,2}}(?![\w\d])")
