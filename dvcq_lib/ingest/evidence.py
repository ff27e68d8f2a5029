"""The positive evidence a figure needs before it is accepted without review.

The extractor (`extract.py`) finds a figure and its class from how its indicator was found, and
flags the traps it knows. A trap nobody listed would still slip through, so acceptance is turned
around: a figure of a pre-accepted class is accepted only when every check of CHECKS finds its
evidence in the text. Each check is a small function of one figure in its sentence; it returns
"" when the evidence is there, else the reason (in Vietnamese, for the review sheet):

- `near`: a word that names the indicator (its rule's words, its subject, or its unit when the
  unit names it: "11 thôn") is in the number's clause, close to it, with no other number between
  them; or right after the unit ("gieo cấy 356 ha lúa"); or the subject is the sentence's, named
  before in it, and the clause names the measure the unit fits ("Lúa 450 ha, năng suất 64 tạ/ha").
- `commune`: nothing before the number in its sentence, nor right after the unit, names a part
  of the commune or another place (a village, hộ, nhóm, dân tộc, HTX, trường, district, province,
  former commune), and its clause has no "trong đó / thuộc / gồm / của" of a sub-set.
- `period`: the sentence names no other year, month, quarter, run of months or date than the
  report's period, and no earlier period, plan, target or forecast word governs the number.
- `unit`: a unit is written beside the number and is of the dimension of the indicator's unit.
- `single`: no other figure of the report gives the same indicator and season another value.
- `plain`: the number is no change, per-head or per-ha figure, rank, range or bound.
- `consistent`: a ratio (rate, yield) agrees with its formula over the report's own figures of
  its components when the report gives them all (a rate of a part does not).
- `base`: a part written over its total ("6/6 đơn") is over the report's own figure of its
  base (the petitions received), else it is a part of something smaller.
- `label`: the labels governing a list item (a line of a higher level, the line opening the
  list or, for a plain line, the line right above ending with ":") name no other place, time,
  plan or season than the figure's ("- Kết quả của toàn huyện:⏎  + Lúa: 12.500 ha").

Two safety nets over the whole report follow the checks (extract._agreed): the report's own
figures must keep the consistency rules (`agreement.py`) and stay within one commune's size
(`bounds.py`).

Each check reads bounded windows of one sentence: the cost stays linear in the text.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from dvcq_lib.catalogue import catalogue
from dvcq_lib.exceptions import DvcqError
from dvcq_lib.ingest.terms import Vocabulary, season_code
from dvcq_lib.numbers import format_number, parse_number
from dvcq_lib.periods import Period
from dvcq_lib.seasons import season_name
from dvcq_lib.units import units

#: Words between the last word naming the indicator and the number beyond which it is not close.
NEAR_WORDS = 5
#: Words right after the unit read for the indicator's name or a part of the commune.
RIGHT_WORDS = 8
#: The left context is read back at most this far in the sentence (characters).
LEFT_CHARS = 400

#: Class of a figure that fails a check (a key of extract.CLASSES), by check.
FAILED_CLASS = {
    "near": "unproven_near",
    "commune": "unproven_commune",
    "period": "unproven_period",
    "unit": "unproven_unit",
    "single": "unproven_single",
    "plain": "unproven_plain",
    "consistent": "unproven_consistent",
    "label": "unproven_label",
    "base": "unproven_base",
}


class Figure(Protocol):
    """What the checks read of a proposal (extract.Proposal has it)."""

    indicator: str
    value: float
    unit: str
    unit_written: str
    value_written: str
    season: str
    number_start: int
    end: int


@dataclass(frozen=True)
class Evidence:
    """One figure in its sentence [s0, s1) of the text (lower-cased, offsets of the document)."""

    lower: str
    s0: int
    s1: int
    p: Figure
    vocab: Vocabulary
    period: Period | None
    others: Sequence[Figure]

    @property
    def at(self) -> int:
        return self.p.number_start

    @property
    def number_end(self) -> int:
        return self.at + len(self.p.value_written)

    @property
    def unit_end(self) -> int:
        """End of the unit written right after the number (the number's end when none)."""
        end = self.number_end
        written = self.p.unit_written.lower()
        rest = self.lower[end : end + len(written) + 3]
        i = rest.find(written) if written else -1
        return end + i + len(written) if 0 <= i <= 2 else end

    @property
    def left(self) -> str:
        """The sentence before the number (at most LEFT_CHARS)."""
        return self.lower[max(self.s0, self.at - LEFT_CHARS) : self.at]

    @property
    def since_number(self) -> str:
        """The left context after the last other number (numbers of a time phrase, "6 tháng",
        "năm 2025", and the part of "5/6" do not count: they are blanked)."""
        left = _PART_BEFORE.sub(lambda m: " " * len(m.group()), self.left)
        left = _TIME_PHRASE.sub(lambda m: " " * len(m.group()), left)
        digit = max((m.end() for m in _NUMBER.finditer(left)), default=0)
        return left[digit:]

    @property
    def clause(self) -> str:
        """The number's clause: the left context after the last , ; ( ) and the last number."""
        left = self.since_number
        return left[max(left.rfind(c) for c in ",;()\n") + 1 :]

    @property
    def unit_text(self) -> str:
        return self.lower[self.number_end : self.unit_end]

    @property
    def right(self) -> str:
        """The words right after the unit, up to punctuation (at most RIGHT_WORDS words)."""
        after = self.lower[self.unit_end : min(self.s1, self.unit_end + 80)]
        after = re.split(r"[,;:.()\n]|\d", after, maxsplit=1)[0]
        return " ".join(after.split()[:RIGHT_WORDS])


_NUMBER = re.compile(r"\d[\d.,]*")
#: Numbers that belong to a phrase of time, not to another figure: "6 tháng đầu năm", "năm
#: 2025", "vụ Đông Xuân 2025-2026", "quý III".
_TIME_PHRASE = re.compile(
    r"\b\d{1,2}\s+tháng(?:\s+(?:đầu|cuối)\s+năm)?(?!\w)|(?<![\d/.,])(?:19|20)\d\d"
    r"(?:\s*[-–]\s*(?:19|20)\d\d)?(?![\d/])|\b(?:tháng|quý)\s+(?:\d{1,2}|iv|i{1,3})\b"
)
#: "hòa giải thành 5/6 vụ việc": the part before "/" read with the total after it.
_PART_BEFORE = re.compile(r"\d[\d.,]*\s*(?:/|\strên\s)\s*$")


def _own_words(e: Evidence, text: str) -> str:
    """The text with the words that name the figure's own indicator blanked ("thẩm quyền cấp xã"
    names dossiers_commune_authority, "đồng bào dân tộc thiểu số" the minorities)."""
    vocab = e.vocab
    rules = vocab.rules_by_indicator.get(e.p.indicator, ())
    siblings = vocab.cue_terms.get("ethnic_group_codes", ())
    if e.p.indicator in siblings:  # "dân tộc Thái 3.395 người, dân tộc Mường 28 người"
        rules = [r for code in siblings for r in vocab.rules_by_indicator.get(code, ())]
    for r in rules:
        for rx in r.require_re:
            text = rx.sub(lambda m: " " * len(m.group()), text)
    if topic := vocab.percent_topics.get(e.p.indicator):
        text = topic.sub(lambda m: " " * len(m.group()), text)
    subjects = {r.subject for r in rules if r.subject}
    return vocab.subject_re.sub(
        lambda m: " " * len(m.group()) if vocab.subject_at(m.group()) in subjects else m.group(),
        text,
    )


def _cue(e: Evidence, name: str) -> re.Pattern:
    return e.vocab.cues.get(name) or re.compile(r"(?!x)x")


# ---------------------------------------------------------------------------------------------
# near: the indicator's words beside the number
# ---------------------------------------------------------------------------------------------
def _names(e: Evidence, text: str) -> list[int]:
    """Ends of the words in text that name the figure's indicator: its rules' required words and
    subjects (or a more specific subject of the same one)."""
    vocab, ends = e.vocab, []
    rules = vocab.rules_by_indicator.get(e.p.indicator, ())
    subjects = {r.subject for r in rules if r.subject}
    for r in rules:
        for rx in r.require_re:
            ends += [m.end() for m in rx.finditer(text)]
    for m in vocab.subject_re.finditer(text):
        key = vocab.subject_at(m.group())
        if key and (key in subjects or subjects & set(vocab.chain(key))):
            ends.append(m.end())
    if (bare := vocab.bare_re.search(text)) and vocab.bare_subject(text) in subjects:
        ends.append(bare.end(1))  # "điều 520 ha": the bare word right before the number
    return sorted(ends)


def _unit_names_it(e: Evidence) -> bool:
    """True when every rule of the indicator names it by its unit alone ("11 thôn", "3 lượt")."""
    rules = e.vocab.rules_by_indicator.get(e.p.indicator, ())
    return bool(rules) and all(not r.subject and not r.require for r in rules)


_MEASURE_OF_DIMENSION = {"area": "area_words", "yield": "yield_words", "mass": "output_words"}


#: "cây ăn trái khác", "các loại rau còn lại": the name is of the rest, not of the whole.
_OTHER_AFTER = re.compile(r"\s*(?:khác|còn lại)(?!\w)")
OTHER_REASON = "«… khác», «… còn lại» là phần còn lại của nhóm, không phải tổng của chỉ tiêu"


def check_near(e: Evidence) -> str:
    since = e.since_number
    cut = max(since.rfind(c) for c in ",;()\n")
    ends = [end for end in _names(e, since) if end > cut]  # a name may hold a comma: "trâu, bò"
    if ends and len(since[ends[-1] :].split()) <= NEAR_WORDS:
        return OTHER_REASON if _OTHER_AFTER.match(since, ends[-1]) else ""
    after = e.unit_text + " " + e.right
    if right_ends := _names(e, after):
        return OTHER_REASON if _OTHER_AFTER.match(after, right_ends[0]) else ""
    if _unit_names_it(e) and e.p.unit_written:
        return ""
    # "Lúa vụ xuân 450 ha, năng suất 64 tạ/ha": the sentence's subject, the clause's measure
    cue = _MEASURE_OF_DIMENSION.get(units()[e.p.unit].dimension)
    if cue and _cue(e, cue).search(e.clause) and _names(e, e.left):
        others = [
            k
            for m in e.vocab.subject_re.finditer(e.left[_names(e, e.left)[-1] :])
            if (k := e.vocab.subject_at(m.group())) and k not in e.vocab.groups
        ]
        if not others:
            return ""
    return "tên chỉ tiêu không ghi ngay cạnh số, trong cùng vế câu"


# ---------------------------------------------------------------------------------------------
# commune: the subject is the commune itself
# ---------------------------------------------------------------------------------------------
def _unit_of_a_number(text: str, start: int) -> bool:
    """True when the word at start is the unit of a number right before it ("11 thôn")."""
    return bool(re.search(r"\d\s*$", text[max(0, start - 4) : start]))


def check_commune(e: Evidence) -> str:
    left = _own_words(e, e.left)
    cut = left.rfind(";")  # a clause after ";" has its own subject
    left = left[cut + 1 :]
    commune = [m.end() for m in _cue(e, "commune_words").finditer(left)]
    for m in _cue(e, "not_commune").finditer(left):
        if _unit_of_a_number(left, m.start()) or any(c > m.end() for c in commune):
            continue
        return f'"{m.group()}" trước số: số có thể không phải của cả xã'
    if m := _FORMER.search(left):
        return f'"{m.group()}" trước số: số của xã cũ, không phải của xã hiện nay'
    own = re.split(r"[,;:()]", left)[-1]
    if m := _DOERS.search(own):
        return f'"{m.group().strip()}" trước số: số của các hộ, người đó, không phải của cả xã'
    clause = _own_words(e, e.clause)
    for m in _cue(e, "subset_words").finditer(clause):
        if _COMMUNE_AFTER.match(clause, m.end()):
            continue  # "của xã", "thuộc xã": the commune itself
        if _cue(e, "part_opens").fullmatch(m.group()) and _part_named(e, e.clause[m.end() :]):
            continue  # "trong đó trực tuyến 96 hồ sơ": a part that has its own code
        return f'"{m.group()}" trước số: số có thể chỉ của một phần'
    right = _own_words(e, e.right)
    for m in _cue(e, "not_commune").finditer(right):
        if not _SENT_TO.search(right[: m.start()]):
            return f'"{m.group()}" sau số: số có thể không phải của cả xã'
    for m in _cue(e, "subset_words").finditer(right):
        if not _COMMUNE_AFTER.match(right, m.end()):
            return f'"{m.group()}" sau số: số có thể chỉ của một phần'
    return ""


#: "45 hộ nuôi 1.200 con bò", "120 hộ trồng 85 ha chè": a count of households or people doing
#: something, then the number of what they do: theirs, not the commune's (a linking word
#: after the count, "1.520 hộ với 6.200 nhân khẩu", is no verb).
_DOERS = re.compile(
    r"\d[\d.,]*\s*(?:hộ|hộ gia đình|người|lao động|nhân khẩu|khẩu)\s+"
    r"(?!(?:với|và|cùng|gồm|là|trong|chiếm|của|thuộc|tại|ở|dân|gia đình)(?!\w))[^\W\d_]+"
)
#: "Xã Tân Lập cũ", "phường An Bình (cũ)": a former commune named, its name between the words.
_FORMER = re.compile(r"(?<!\w)(?:xã|phường|thị trấn)\s+(?:[^\W\d_]+\s+){1,3}\(?cũ\)?(?!\w)")
#: "của xã", "thuộc UBND xã": the commune itself after a sub-set word.
_COMMUNE_AFTER = re.compile(
    r"\s+(?:ubnd\s+|ủy ban nhân dân\s+|uỷ ban nhân dân\s+|cả\s+|toàn\s+)?"
    r"(?:xã|phường|thị trấn|địa phương)(?!\w)(?!\s+(?:cũ|bạn|lân cận))"
)
#: "gửi vượt cấp lên UBND tỉnh": where a petition was sent, not whose it is.
_SENT_TO = re.compile(r"(?<!\w)(?:lên|đến|tới|về)(?!\w)")


def _part_named(e: Evidence, after: str) -> bool:
    """True when the words after "trong đó"/"gồm" (and the unit, and the words after it) name the
    figure's own indicator, and that indicator is no total the sentence gave before it: a part
    with its own code ("trong đó đúng hạn 738 hồ sơ"), never "trong đó 30 đơn" read as all."""
    if not _names(e, after + " | " + e.unit_text + " " + e.right):
        return False
    before = [o for o in e.others if e.s0 <= o.number_start < e.at and o.indicator == e.p.indicator]
    return not before


# ---------------------------------------------------------------------------------------------
# period: the time of the clause is the report's period
# ---------------------------------------------------------------------------------------------
_YEAR = re.compile(r"(?<![\d/.,-])((?:19|20)\d\d)(?:\s*[-–]\s*((?:19|20)\d\d))?(?![\d/])")
_DATE = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*(?:19|20)\d\d)?(?![\d/])")
_MONTH = re.compile(r"(?<![\d/.,])(?<!\d\s)\b(tháng|quý)\s+(\d{1,2}|iv|i{1,3})\b(?!\s*/)")
#: a run of months written in words ("Chín tháng, xã tiếp nhận …"); "năm" (five or year) and
#: "tư" (four or fourth) are left out: "năm tháng" is too often something else
_MONTH_WORDS = {
    "một": 1, "hai": 2, "ba": 3, "bốn": 4, "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9,
    "mười": 10, "mười một": 11, "mười hai": 12,
}  # fmt: skip
_RUN = re.compile(
    r"(?<![\d/.,])\b(\d{1,2}|"
    + "|".join(sorted(_MONTH_WORDS, key=len, reverse=True))
    + r")\s+tháng(?:\s+(đầu|cuối)\s+năm)?(?!\w)"
    # "năm tháng đầu năm", "bốn tháng cuối năm": unambiguous with the half of the year named
    + r"|(?<!\w)(năm|tư)\s+tháng\s+(đầu|cuối)\s+năm(?!\w)"
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
#: Words naming the whole year before a number ("Cả năm 2025 ước tiếp nhận 1.900 hồ sơ").
_WHOLE_YEAR = re.compile(r"(?<!\w)(?:cả năm|toàn năm|suốt năm|tính chung cả năm)(?!\w)")
#: A point at the start or end of the year, not a run of months ("6 tháng đầu năm"), not a
#: running total ("từ đầu năm") nor "đầu năm nay đến nay".
_START_OF_YEAR = re.compile(r"(?<!tháng )(?<!từ )(?<!\w)đầu năm(?!\w)(?! (?:đến|tới) )")
_END_OF_YEAR = re.compile(r"(?<!tháng )(?<!\w)cuối năm(?!\w)")
_LAST_DAY = {3: 31, 6: 30, 9: 30, 12: 31}


def _without_closed_brackets(text: str) -> str:
    """The text with every bracket that closes in it blanked ("(cùng kỳ 760 con)")."""
    return re.sub(r"\([^()]*\)", lambda m: " " * len(m.group()), text)


def _years_ok(e: Evidence, text: str) -> str:
    years = []
    for m in _YEAR.finditer(text):
        first = int(m.group(1))
        last = int(m.group(2) or first)
        years.append((first, last, m.group()))
    if not years:
        return ""
    if e.period is None:
        distinct = {y[2] for y in years}
        return f"câu nêu nhiều năm ({', '.join(sorted(distinct))})" if len(distinct) > 1 else ""
    for first, last, written in years:
        if not first <= e.period.year <= last:
            return f"câu nêu năm {written}, báo cáo là của năm {e.period.year}"
    return ""


#: Words that make the "d/m" after them a date even when a count follows ("ngày 11/11 đơn vị").
_DATE_BEFORE = re.compile(r"(?:ngày|đến|từ|trước|sau|hết|cuối|đầu)\s*$")
_COUNTED = re.compile(r"\s*([^\W\d_]+(?:\s+[^\W\d_]+)?)")


def _part_of_total(e: Evidence, text: str, m: re.Match) -> bool:
    """ "đã giải quyết 11/11 đơn", "5/29 thôn": a part over its total, counted in the unit
    written right after it, not a date (no year after it, no date word before it, the part no
    larger than the total)."""
    if m.group().count("/") > 1 or int(m.group(1)) > int(m.group(2)):
        return False
    if _DATE_BEFORE.search(text, 0, m.start()):
        return False
    unit = e.vocab.unit_re.match(text, m.end())
    if not unit:
        return False
    after = _COUNTED.match(text, m.end())
    written = " ".join(unit.group().split())
    # "đơn vị" (a body), not "đơn" (petitions): the unit must be the whole word group written
    return after is not None and (
        after.group(1) == written or not after.group(1).startswith(written + " ")
    )


def _months_ok(e: Evidence, text: str) -> str:
    span = e.period.month_span if e.period is not None else None
    for m in _MONTH.finditer(text):
        k = int(m.group(2)) if m.group(2).isdigit() else _ROMAN[m.group(2)]
        named = (k, k) if m.group(1) == "tháng" else (3 * k - 2, 3 * k)
        if span is None or named != span:
            return f'câu nêu "{m.group()}": số có thể chỉ của phần đó của kỳ'
    for m in _RUN.finditer(text):
        if m.group(1) is None:  # "năm tháng đầu năm"
            k, half = {"năm": 5, "tư": 4}[m.group(3)], m.group(4)
        else:
            k, half = (
                (int(m.group(1)) if m.group(1).isdigit() else _MONTH_WORDS[m.group(1)]),
                m.group(2),
            )
        named = (13 - k, 12) if half == "cuối" else (1, k)
        if span is not None and named != span and 1 <= k <= 12:
            return f'câu nêu "{m.group()}", báo cáo là của kỳ {e.period.code}'
    for m in _DATE.finditer(text):
        day, month = int(m.group(1)), int(m.group(2))
        if not (1 <= month <= 12 and 1 <= day <= 31) or _part_of_total(e, text, m):
            continue
        if span is not None and (
            (month == span[1] and day == _LAST_DAY.get(month)) or (month == span[0] and day == 1)
        ):
            continue  # "tính đến 30/6", "từ ngày 01/7 đến ngày 30/9": the period's ends
        return f'câu nêu ngày "{m.group()}": số có thể là của một thời điểm hoặc khoảng khác'
    return ""


def _whole_year_ok(e: Evidence, left: str) -> str:
    """A figure of the whole year ("cả năm") in a report of part of it, or of a point of the
    year other than the period's end ("đầu năm 2025"), is not the report's. (A crop year, "niên
    vụ 2024-2025", is how perennial crops are reported: the report's own figure.)"""
    if m := _START_OF_YEAR.search(left):
        return f'câu nêu "{m.group()}": số của thời điểm đầu năm, không phải của kỳ báo cáo'
    if e.period is None:
        return ""
    if e.period.month_span[1] != 12 and (m := _END_OF_YEAR.search(left)):
        return f'câu nêu "{m.group()}", báo cáo là của kỳ {e.period.code}'
    if e.period.month_span == (1, 12):
        return ""
    if m := _WHOLE_YEAR.search(left):
        return f'câu nêu "{m.group()}", báo cáo là của kỳ {e.period.code}'
    return ""


#: "cây hằng năm", "cây trồng hàng năm": the annual crops (a kind of crop), before "hằng năm".
_CROP_KIND = re.compile(r"(?<!\w)cây(?:\s+trồng)?$")


def _plan_word(e: Evidence, text: str) -> str:
    """A plan, target or forecast word that does not compare a result with the plan."""
    compared = _cue(e, "plan_compared")
    for m in _cue(e, "not_this_period").finditer(text):
        before = text[max(0, m.start() - 16) : m.start()].rstrip()
        if before.endswith(("%", "/")):
            continue  # "đạt 96% kế hoạch": a result compared with the plan
        if any(c.end() == len(before) for c in compared.finditer(before)):
            continue
        if _CROP_KIND.search(before):
            continue  # "cây hằng năm": annual crops, a kind of crop, not every year
        if "so với" in text[max(0, m.start() - 40) : m.start()]:
            continue  # "tăng so với kế hoạch và cùng kỳ năm trước, với đàn trâu 368 con"
        if re.match(r"\s*(?:số\b|[/-]|\d+\s*/)", text[m.end() : m.end() + 8]):
            continue  # "Kế hoạch số 145/KH-UBND"
        if _cue(e, "previous_ok_after").match(text[m.end() :].lstrip()):
            continue  # "kỳ trước chuyển sang 11 hồ sơ, tổng số … 2.156 hồ sơ": carried over

        return m.group()
    return ""


def check_period(e: Evidence) -> str:
    left = _without_closed_brackets(e.left)
    left = left[left.rfind(";") + 1 :]
    text = left + " | " + e.right
    for test in (_years_ok, _months_ok):
        if why := test(e, text):
            return why
    if why := _whole_year_ok(e, left):
        return why
    if word := _plan_word(e, _own_words(e, left)):
        return f'có chữ "{word}" trước số: số có thể không phải kết quả của kỳ báo cáo'
    return ""


# ---------------------------------------------------------------------------------------------
# label: the lines that govern a list item say nothing against the commune or the period
# ---------------------------------------------------------------------------------------------
#: A list item's labels are looked for at most this many lines up.
LABEL_LINES = 15
#: The marker that opens a list item; its rank orders the levels of a list when items are not
#: indented ("1." above "-" above "+" above "*").
_MARKER = re.compile(
    r"(?P<indent>[ \t]*)(?:(?P<num>(?:\d{1,2}(?:\.\d{1,2})*|[a-zđ]|[ivx]{1,5})\s*[.)])"
    r"|(?P<dash>[-–])|(?P<plus>\+)|(?P<dot>[*•·]))\s"
)
_RANK = {"num": 0, "dash": 1, "plus": 2, "dot": 3}


def _level(line: str) -> tuple[int, int] | None:
    """(indentation, marker rank) of a list item's line; None for a line that is no item."""
    m = _MARKER.match(line)
    if not m:
        return None
    rank = next(_RANK[k] for k in _RANK if m.group(k))
    return len(m.group("indent").expandtabs(4)), rank


def _higher(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """True when level a is above level b (less indented, or as indented with an outer marker)."""
    return a[0] < b[0] or (a[0] == b[0] and a[1] < b[1])


def _label_of(line: str) -> str:
    """The words of a line that label what follows: before its ':' (or its first number)."""
    body = _MARKER.sub("", line, count=1)
    if ":" in body:
        return body[: body.index(":")]
    blank = _TIME_PHRASE.sub(lambda m: " " * len(m.group()), body)
    digit = _NUMBER.search(blank)
    return body[: digit.start()] if digit else body


def labels(lower: str, at: int) -> list[str]:
    """The labels governing the list item holding offset `at`, nearest first: walking up over
    its siblings, each line of a higher level ("- Kết quả của toàn huyện:" above "+ Lúa: …"),
    and the line that opens the list when it is no item ("Kế hoạch năm 2026 như sau:"). A line
    that is no item has the line right above for label when that one ends with ":"."""
    start = lower.rfind("\n", 0, at) + 1
    end = lower.find("\n", start)
    level = _level(lower[start : end if end >= 0 else len(lower)])
    if level is None:  # a plain line: the line right above governs it when it opens it (":")
        above = lower[: max(0, start - 1)].rstrip("\n \t")
        line = above[above.rfind("\n") + 1 :]
        return [_label_of(line)] if line.rstrip().endswith(":") and start else []
    found: list[str] = []
    for _ in range(LABEL_LINES):
        if start == 0:
            break
        prev_start = lower.rfind("\n", 0, start - 1) + 1
        line, start = lower[prev_start : start - 1], prev_start
        if not line.strip():
            continue
        up = _level(line)
        if up is None:  # the list's opening line, if it opens it
            if line.rstrip().endswith(":"):
                found.append(_label_of(line))
            break
        if _higher(up, level):
            found.append(_label_of(line))
            level = up
    return found


def check_label(e: Evidence) -> str:
    """A list item's figure is of what its labels name: a district, a village, another year, a
    quarter, the plan or last year's ("- Kế hoạch năm 2026:⏎  + Lúa: 250 ha") is reviewed."""
    for label in labels(e.lower, e.at):
        own = _own_words(e, label)
        commune = [m.end() for m in _cue(e, "commune_words").finditer(own)]
        for m in _cue(e, "not_commune").finditer(own):
            if not any(c > m.end() for c in commune) and not _unit_of_a_number(own, m.start()):
                return (
                    f'dòng trên "{label.strip()}" nêu "{m.group()}": số có thể không phải của cả xã'
                )
        if m := _FORMER.search(own):
            return f'dòng trên "{label.strip()}" nêu "{m.group()}": số của xã cũ'
        for test in (_years_ok, _months_ok, _whole_year_ok):
            if why := test(e, label):
                return f'dòng trên "{label.strip()}": {why}'
        if word := _plan_word(e, own):
            return (
                f'dòng trên "{label.strip()}" có chữ "{word}": số có thể không phải kết quả của kỳ '
                "báo cáo"
            )
        if why := _label_season(e, label):
            return why
    return ""


def label_season(lower: str, at: int, vocab: Vocabulary) -> str:
    """The one season the nearest label naming a season gives the list item at `at` ("" when
    none, or when it names several)."""
    season = vocab.cues.get("season")
    for label in labels(lower, at) if season is not None else ():
        named = {code for m in season.finditer(label) if (code := season_code(m.group()))}
        if named:
            return named.pop() if len(named) == 1 else ""
    return ""


def _label_season(e: Evidence, label: str) -> str:
    """A seasonal crop's figure under a label naming one season is that season's ("- Vụ Đông
    Xuân: 326,5 ha⏎  + Lúa: 142 ha" is no whole period's rice)."""
    cat = catalogue()
    if e.p.indicator not in cat or not cat[e.p.indicator].seasonal:
        return ""
    named = {code for m in _cue(e, "season").finditer(label) if (code := season_code(m.group()))}
    if len(named) == 1 and e.p.season not in named:
        (code,) = named
        return (
            f'dòng trên "{label.strip()}" nêu {season_name(code)}: số có thể là của vụ đó, '
            "không phải " + (season_name(e.p.season) if e.p.season else "của cả kỳ")
        )
    return ""


# ---------------------------------------------------------------------------------------------
# unit, single, plain
# ---------------------------------------------------------------------------------------------
def check_unit(e: Evidence) -> str:
    written = " ".join(e.p.unit_written.lower().split())
    if not written:
        return "không ghi đơn vị cạnh số"
    unit = e.vocab.unit_of.get(written) or _unit_from_written(e.vocab, written)
    want = units()[catalogue()[e.p.indicator].unit].dimension
    if unit is None or units()[unit].dimension != want:
        return f'đơn vị "{e.p.unit_written}" không hợp với loại chỉ tiêu'
    return ""


def _unit_from_written(vocab: Vocabulary, written: str) -> str | None:
    """The unit of a spelling with a multiplier word ("nghìn tấn" → tấn)."""
    words = written.split()
    if len(words) > 1 and words[0] in vocab.multipliers:
        return vocab.unit_of.get(" ".join(words[1:]))
    return None


def check_single(e: Evidence) -> str:
    values = {
        f"{o.value:g}"
        for o in e.others
        if o.indicator == e.p.indicator
        and o.season == e.p.season
        and abs(o.value - e.p.value) > 1e-9 * max(1.0, abs(o.value))
    }
    if values:
        return f"báo cáo có giá trị khác cho chỉ tiêu này ({', '.join(sorted(values))})"
    return ""


#: An average is the measure itself for these dimensions ("năng suất bình quân 60 tạ/ha").
AVERAGE_DIMENSIONS = ("yield", "percent")


def check_plain(e: Evidence) -> str:
    dim = units()[e.p.unit].dimension
    tail = " ".join(e.clause.split()[-4:])
    per_head = dim in {units()[u].dimension for u, _, _ in e.vocab.per_head_units}
    if dim in AVERAGE_DIMENSIONS or per_head:
        tail = re.sub(r"bình quân|trung bình", " ", tail)
    if per_head:  # "thu nhập bình quân đầu người 52 triệu đồng/người/năm": its own words
        tail = _cue(e, "per_person").sub(" ", tail)
    if m := _cue(e, "not_plain_before").search(tail):
        return (
            f'có chữ "{m.group()}" trước số: '
            "có thể là mức thay đổi, bình quân, thứ hạng hoặc giới hạn"
        )
    right = e.lower[e.unit_end : e.unit_end + 24]
    if re.match(r"\s*/\s*[^\W\d_]", right) and dim not in ("yield",):
        return "số tính trên một đơn vị khác (/người, /hộ, /ha): không phải tổng"
    if re.match(r"\s*(?:-|–|đến|tới)\s*\d", right):
        return "số là một đầu của khoảng giá trị"
    if m := _cue(e, "not_plain_after").match(e.right):
        return f'có chữ "{m.group()}" sau số: có thể là giới hạn hoặc so sánh'
    return ""


#: The checks, in the order their reasons are shown.
#: How far a ratio written in the text may be from its formula over the figures the report gives
#: (relative; the figures are rounded when written).
CONSISTENT_TOLERANCE = 0.02


def check_consistent(e: Evidence) -> str:
    """A ratio (a rate, a yield) agrees with its formula over the report's own figures of its
    components, when the report gives them all: "nhận 40 đơn … thuộc thẩm quyền 25 đơn, đã giải
    quyết 20/25 đơn, đạt 80%" is a rate of a part (20/25), not resolved / received (20/40)."""
    cat = catalogue()
    ind = cat[e.p.indicator] if e.p.indicator in cat else None
    if ind is None or not ind.formula:
        return ""
    values: dict[str, float] = {}
    for code in ind.components:
        given = {o.value for o in e.others if o.indicator == code and o.season == e.p.season}
        if len(given) != 1:
            return ""  # a component missing, or competing: nothing to compare with
        values[code] = given.pop()
    expected = ind.compute(values)
    if math.isnan(expected) or abs(expected - e.p.value) <= CONSISTENT_TOLERANCE * max(
        abs(expected), abs(e.p.value), 1.0
    ):
        return ""
    return (
        f"không khớp với các số của báo cáo ({ind.formula} = {expected:.1f}): "
        "có thể là tỷ lệ của một phần hoặc của kỳ khác"
    )


# ---------------------------------------------------------------------------------------------
# base: a part written over its total ("đã giải quyết 6/6 đơn") is over the report's own base
# ---------------------------------------------------------------------------------------------
_OVER = re.compile(r"\s*(?:/|trên\s+(?:tổng\s+số\s+)?|trong\s+(?:tổng\s+)?số\s+)(\d[\d.,]*)")


@cache
def _bases() -> dict[str, str]:
    """The indicator each count is a share of, by the catalogue's rates ("a / b * 100": a's
    base is b): resolved petitions of the petitions received, on-time dossiers of resolved."""
    out = {}
    for ind in catalogue():
        if (
            ind.formula
            and len(ind.components) == 2
            and ind.formula.replace(" ", "").endswith("*100")
        ):
            out.setdefault(ind.components[0], ind.components[1])
    return out


def check_base(e: Evidence) -> str:
    """ "Tiếp nhận 9 đơn … đã giải quyết 6/6 đơn": a part written over a total that is not the
    report's own figure of its base (the petitions received) is a part of something smaller —
    the petitions within the commune's competence, those due — not of the report's."""
    base = _bases().get(e.p.indicator)
    if base is None:
        return ""
    written, _, over = e.p.value_written.partition("/")  # "6/6" read as one numeral
    if not over:
        m = _OVER.match(e.lower, e.number_end)
        over = m.group(1).rstrip(".,") if m else ""
    if not over:
        return ""
    try:
        total = parse_number(over, "vi")
    except (DvcqError, ValueError):
        return ""
    given = {o.value for o in e.others if o.indicator == base and o.season == e.p.season}
    if len(given) == 1 and not math.isclose(total, (report := given.pop()), rel_tol=1e-9):
        name = catalogue()[base].name_vi.lower()
        return (
            f'số viết "{written}/{over}": tổng {over} khác {name} {format_number(report)} của '
            "báo cáo, số có thể chỉ của một phần"
        )
    return ""


CHECKS: dict[str, Callable[[Evidence], str]] = {
    "near": check_near,
    "commune": check_commune,
    "period": check_period,
    "unit": check_unit,
    "single": check_single,
    "plain": check_plain,
    "consistent": check_consistent,
    "label": check_label,
    "base": check_base,
}


def missing(e: Evidence) -> list[tuple[str, str]]:
    """(check, reason) for every check whose evidence the text lacks (empty: all found)."""
    return [(name, why) for name, check in CHECKS.items() if (why := check(e))]


class Sentences:
    """The sentence spans of a document, sorted; finds the one holding an offset."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]

    def around(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.starts, pos) - 1
        if i >= 0 and self.spans[i][0] <= pos < self.spans[i][1]:
            return self.spans[i]
        return (max(0, pos - LEFT_CHARS), pos + LEFT_CHARS)
