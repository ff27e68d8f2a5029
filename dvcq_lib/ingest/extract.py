"""Figures found in a report's text: for every number with a unit, the indicator its words name,
its value in the catalogue's unit, the exact quote and offsets, a confidence, and whether a
person must check it.

How a number is read, sentence by sentence:
1. Distractors are set aside with a reason: dates, document numbers ("145/KH-UBND"), changes
   ("tăng 42 con"), percents of plan ("103,2% so với kế hoạch"), targets ("phấn đấu …"),
   ratios ("530/480 = 110,4%"); in "128/130 ha" the second number is the plan or total.
2. The words between the previous figure and this one (its left context), the unit as written
   and the words right after it name the subject (a crop, an animal) and the measure.
3. A subject written beside the number is used as it is — a part ("trâu 120 con") is never taken
   for its total ("tổng đàn trâu, bò"). With no subject beside it, the subject carries from the
   sentence or paragraph before ("Cây lạc: diện tích 40 ha, năng suất 28 tạ/ha").
4. What a person would infer ("105.000 con" after buffalo and pigs) is proposed with low
   confidence and flagged for review.
5. One indicator with two different values in one report is flagged, never silently chosen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from dvcq_lib.catalogue import catalogue
from dvcq_lib.ingest.numerals import Numeral, find_numerals
from dvcq_lib.ingest.terms import Rule, Vocabulary, vocabulary
from dvcq_lib.ingest.text import Document, sentences
from dvcq_lib.units import conversion_factor, units

# Confidence of a proposal by how its indicator was found (0..1).
CONF_LOCAL = 0.95  # subject and words written beside the number
CONF_WORDS = 0.9  # named by words only (counts: hồ sơ, đơn, hộ)
CONF_SHARE = 0.85  # a percent tied to the figure just before it
CONF_CARRIED = 0.85  # subject carried from earlier in the same paragraph
CONF_CARRIED_FAR = 0.7  # subject carried from an earlier paragraph
CONF_PARENT = 0.6  # subject's group (vải → cây ăn quả) carried from before
CONF_UNIT_SLIP = 0.55  # unit corrected ("sản lượng … tấn/ha" read as tấn)
CONF_INFERRED = 0.4  # inferred from position ("105.000 con" after trâu bò, lợn)
CONF_CONFLICT = 0.4  # the report gives this indicator two different values
#: Below this a proposal is flagged for review and not accepted by default.
REVIEW_THRESHOLD = 0.75
#: Why a figure read by OCR is never accepted by default.
OCR_REASON = "đọc bằng OCR từ ảnh quét: đối chiếu với bản gốc trước khi nhận"
PENALTY_APPROX = 0.05  # "khoảng", "trên", "gần": recorded as written, noted
PENALTY_DOT_DECIMAL = 0.1  # "5.4 ha": a dot read as the decimal mark
#: Right context longer than this (words) is not read: it belongs to what comes next.
MAX_RIGHT_WORDS = 6
#: Quotes keep at most this many words before the number.
MAX_QUOTE_WORDS = 16

SKIP_REASONS = {
    "date": "ngày tháng",
    "document": "số hiệu văn bản",
    "ratio": "phép tính tỷ lệ (a/b = c%)",
    "denominator": "số sau dấu / (kế hoạch hoặc tổng số)",
    "calendar": "số chỉ thời gian hoặc thứ tự (năm, tháng, điều…)",
    "no_unit": "không có đơn vị",
    "target": "chỉ tiêu, kế hoạch, phấn đấu (không phải kết quả)",
    "change": "mức tăng/giảm, không phải số liệu của kỳ",
    "percent_of_plan": "tỷ lệ so với kế hoạch hoặc cùng kỳ",
    "percent_unnamed": "tỷ lệ không rõ của chỉ tiêu nào",
    "part": "một phần (vd. chỉ trâu, rừng tự nhiên), không phải tổng của chỉ tiêu",
    "no_indicator": "không ứng với chỉ tiêu nào trong danh mục",
    "carried_taken": "chỉ tiêu suy ra từ ngữ cảnh đã có giá trị khác trong đoạn",
    "season_part": "số của một vụ, báo cáo đã có số chung của kỳ",
}

_DATE = re.compile(
    r"\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}\b"
    r"|\b\d{1,2}\s*/\s*(?:19|20)\d\d\b"
    r"|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?"
)
_RATIO = re.compile(
    r"\d[\d.,]*\s*/\s*\d[\d.,]*\s*(?:[^\W\d_]+(?:/[^\W\d_]+)?\s*)?"
    r"=\s*\d[\d.,]*\s*%"
)
_DOC_AFTER = re.compile(r"\s?[/-]\s?[^\W\d_]")
_PUNCT = re.compile(r"[,;:.()\[\]\n!?]")
_STRIP = " \t,;:.()-–—•*\n"


@dataclass(frozen=True)
class Proposal:
    """One figure proposed for review."""

    indicator: str
    value: float  # in the catalogue's unit
    unit: str  # the catalogue's unit
    value_written: str
    unit_written: str
    quote: str
    start: int  # offsets of the quote in the document text
    end: int
    confidence: float
    note: str = ""
    read_as: str = ""
    season: str = ""
    number_start: int = 0
    # where it was read (docs engineer, issue 13): page of a PDF or scan, how the text was
    # obtained ("text", "docx", "pdf", "ocr"), Tesseract's confidence in the number's words
    page: int | None = None
    method: str = "text"
    ocr_confidence: float | None = None

    @property
    def review(self) -> bool:
        """True when a person must check it before it is accepted. A figure read by OCR always
        is (OCR_REASON): one misread digit is a wrong number that looks right."""
        return self.confidence < REVIEW_THRESHOLD or self.method == "ocr"


@dataclass(frozen=True)
class Skipped:
    """A number set aside, with the reason (a key of SKIP_REASONS)."""

    text: str
    start: int
    reason: str


@dataclass(frozen=True)
class Extraction:
    proposals: tuple[Proposal, ...]
    skipped: tuple[Skipped, ...]


@dataclass
class _State:
    carry: str | None = None
    carry_block: int = -1
    block: int = 0
    plan_section: bool = False
    taken: dict[str, float] = field(default_factory=dict)  # in the current block
    list_left: str = ""  # words that opened the list the current figure belongs to


def lowered(text: str) -> str:
    """Lower-case text with the same length (offsets stay valid)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def extract(doc: Document, vocab: Vocabulary | None = None) -> Extraction:
    """Every catalogue figure the report states, reconciled (see the module docstring).

    >>> from dvcq_lib.ingest.text import document_from_text
    >>> [p.indicator for p in extract(document_from_text("Lạc 27,5ha.")).proposals]
    ['peanut_area']
    """
    vocab = vocab or vocabulary()
    lower = lowered(doc.text)
    state = _State()
    found: list[Proposal] = []
    skipped: list[Skipped] = []
    for bi, block in enumerate(doc.blocks):
        state.block, state.taken = bi, {}
        if block.kind == "paragraph" and doc.is_heading(block):
            line = lower[block.start : block.end]
            if re.match(r"\s*[ivx]{1,5}\s*[.)]", line):
                state.plan_section = bool(vocab.cues["plan_heading"].search(line))
            state.carry = None
        for s0, s1 in sentences(doc, block):
            _sentence(doc.text, lower, s0, s1, vocab, state, found, skipped)
    kept, season_parts = _reconcile(found)
    skipped += [Skipped(p.value_written, p.number_start, "season_part") for p in season_parts]
    return Extraction(tuple(kept), tuple(sorted(skipped, key=lambda s: s.start)))


# ---------------------------------------------------------------------------------------------
# one sentence
# ---------------------------------------------------------------------------------------------
def _spans(pattern: re.Pattern, text: str, s0: int, s1: int) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text, s0, s1)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _sentence(
    text: str,
    lower: str,
    s0: int,
    s1: int,
    vocab: Vocabulary,
    state: _State,
    found: list[Proposal],
    skipped: list[Skipped],
) -> None:
    nums = find_numerals(text, lower, s0, s1, vocab)
    dates = _spans(_DATE, lower, s0, s1)
    ratios = _spans(_RATIO, lower, s0, s1)
    denominators: dict[int, Numeral] = {}
    for a, b in zip(nums, nums[1:], strict=False):
        if re.fullmatch(r"\s*/\s*", text[a.end : b.start]) and not _inside(a.start, dates):
            denominators[a.start] = b
    denominator_starts = {b.start for b in denominators.values()}
    prev: Proposal | None = None
    prev_end = s0
    state.list_left = ""
    pos_scanned = s0
    for n in nums:
        if n.start < pos_scanned:  # read with the number before it ("128/130 ha")
            if n.start in denominator_starts:
                skipped.append(Skipped(n.text, n.start, "denominator"))
            continue
        reason = None
        if _inside(n.start, dates):
            reason = "date"
        elif _inside(n.start, ratios):
            reason = "ratio"
        elif n.start in denominator_starts:
            reason = "denominator"
        elif _is_document(lower, s0, n, vocab):
            reason = "document"
        elif _last_word_in(
            lower, max(s0, n.start - 20), n.start, vocab.cues["not_quantity_before"]
        ):
            reason = "calendar"
        if n.start in denominators:  # "128/130 ha": the unit is written after the plan/total
            d = denominators[n.start]
            n = replace(n, unit=d.unit, unit_text=d.unit_text, unit_end=d.unit_end)
            total = d
        else:
            total = None
        if reason is None and n.unit is None:
            reason = "no_unit"
        if reason is None:
            reason = _distractor(lower, s0, prev_end, n, vocab, state)
        if reason:
            skipped.append(Skipped(n.text, n.start, reason))
            continue
        p, consumed = _resolve(text, lower, s0, s1, prev_end, prev, n, total, nums, vocab, state)
        if isinstance(p, str):
            skipped.append(Skipped(n.text, n.start, p))
        else:
            found.append(p)
            state.taken.setdefault(p.indicator, p.value)
            prev = p
        prev_end = max(n.span_end, consumed)
        pos_scanned = n.span_end
    found.extend(_zeros(text, lower, s0, s1, vocab))
    # subjects named after the last figure carry to what follows ("Lâm nghiệp: … rừng …")
    last = None
    for m in vocab.subject_re.finditer(lower, prev_end, s1):
        last = vocab.subject_at(m.group()) or last
    if last:
        state.carry, state.carry_block = last, state.block


def _is_document(lower: str, s0: int, n: Numeral, vocab: Vocabulary) -> bool:
    if n.unit is None and _DOC_AFTER.match(lower, n.end):
        return True
    before = lower[max(s0, n.start - 30) : n.start]
    return bool(re.search(rf"(?:{vocab.cues['document'].pattern})(?:\s+số)?\s*$", before))


def _last_word_in(lower: str, a: int, b: int, cue: re.Pattern) -> bool:
    tail = lower[a:b].rstrip()
    m = re.search(r"[^\W\d_]+$", tail)
    return bool(m) and bool(cue.fullmatch(m.group()))


def _tail_words(lower: str, a: int, b: int, k: int) -> str:
    words = lower[a:b].split()
    return " ".join(words[-k:]) if words else ""


def _distractor(
    lower: str, s0: int, prev_end: int, n: Numeral, vocab: Vocabulary, state: _State
) -> str | None:
    if state.plan_section:
        return "target"
    prefix = lower[s0 : n.start]
    targets = [m.end() for m in vocab.cues["target"].finditer(prefix)]
    if targets:
        ends = [m.end() for m in vocab.cues["target_end"].finditer(prefix)]
        if not ends or max(ends) < max(targets):
            return "target"
    tail = _tail_words(lower, prev_end, n.start, 3)
    tail = vocab.cues["approximate"].sub(" ", tail)
    if vocab.cues["change_before"].search(tail):
        return "change"
    if n.unit == "%":
        after = lower[n.span_end : n.span_end + 30].lstrip(" \t,")
        if vocab.cues["comparison_after"].match(after):
            return "percent_of_plan"
    return None


def _right(text: str, lower: str, n: Numeral, nums: list[Numeral], s1: int) -> tuple[int, bool]:
    """End of the words right after the unit, and whether they can be read (they end at
    punctuation, not at the next number, and are short)."""
    stop = s1
    nxt = [m.start for m in nums if m.start >= n.span_end]
    if nxt:
        stop = min(stop, nxt[0])
    pm = _PUNCT.search(lower, n.span_end, stop)
    end = pm.start() if pm else stop
    short = len(lower[n.span_end : end].split()) <= MAX_RIGHT_WORDS
    usable = (pm is not None or stop == s1) and short
    return end, usable


def _subject(vocab: Vocabulary, lower: str, a: int, b: int, last: bool) -> str | None:
    hits = [vocab.subject_at(m.group()) for m in vocab.subject_re.finditer(lower, a, b)]
    hits = [h for h in hits if h]
    if not hits:
        return None
    return hits[-1] if last else hits[0]


def _dimension(unit: str) -> str:
    return units()[unit].dimension


def _rules_for(vocab: Vocabulary, dimension: str) -> list[Rule]:
    cat = catalogue()
    return [r for r in vocab.rules if _dimension(cat[r.indicator].unit) == dimension]


def _resolve(
    text: str,
    lower: str,
    s0: int,
    s1: int,
    prev_end: int,
    prev: Proposal | None,
    n: Numeral,
    total: Numeral | None,
    nums: list[Numeral],
    vocab: Vocabulary,
    state: _State,
) -> tuple[Proposal | str, int]:
    """The proposal for one number with a unit (or the reason it is not one), and the end of
    the text it read."""
    p, local, consumed = _resolve_one(
        text, lower, s0, s1, prev_end, prev, n, total, nums, vocab, state
    )
    left = lower[prev_end : n.start]
    state.list_left = state.list_left if _continues(left) else left
    if local:
        state.carry, state.carry_block = local, state.block
    return p, consumed


def _resolve_one(text, lower, s0, s1, prev_end, prev, n, total, nums, vocab, state):
    cat = catalogue()
    left = lower[prev_end : n.start]
    right_end, right_ok = _right(text, lower, n, nums, s1)
    area = (
        left
        + " | "
        + lower[n.end : n.span_end]
        + " | "
        + (lower[n.span_end : right_end] if right_ok else "")
    )
    notes: list[str] = []
    dimension, unit = _dimension(n.unit), n.unit
    # "Tổng sản lượng … 1320,7 tấn/ha": a yield unit written for an output
    if (
        dimension == "yield"
        and vocab.cues["output_words"].search(left)
        and not vocab.cues["yield_words"].search(left)
    ):
        unit = n.unit.split("/")[0]
        dimension = _dimension(unit)
        notes.append(f'báo cáo ghi "{n.unit_text}" cho một sản lượng: ghi nhận là {unit}')
    local = _subject(vocab, lower, prev_end, n.start, last=True)
    consumed = n.span_end
    if local is None and right_ok:
        local = _subject(vocab, lower, n.end, right_end, last=False)
    if right_ok:
        consumed = right_end
    conf, rule = 0.0, None
    if unit == "%":
        rule, conf = _percent(vocab, left, prev, cat)
        if rule is None:
            return "percent_unnamed", local, consumed
    else:
        rules = _rules_for(vocab, dimension)
        subject_rules = [r for r in rules if r.subject]
        if local and subject_rules:
            rule = next((r for r in subject_rules if r.subject == local and r.matches(area)), None)
            if rule is None and not any(r.subject is None for r in rules):
                return "part", local, consumed
            conf = CONF_LOCAL
        if rule is None and not local and state.carry and subject_rules:
            rule, conf = _carried(vocab, state, subject_rules, area, n.value)
            if rule == "taken":
                rule, conf = _inferred(vocab, state, subject_rules, n.value), CONF_INFERRED
                if rule is None:
                    return "carried_taken", local, consumed
                notes.append("không ghi tên; suy ra từ vị trí trong đoạn (cần rà soát)")
        if rule is None and not local:
            rule = next((r for r in rules if r.subject is None and r.matches(area)), None)
            if rule is None and state.list_left and _continues(left):
                # "có 11 thôn, 1.902 hộ": a list goes on with the words that opened it
                wider = state.list_left + " | " + area
                rule = next((r for r in rules if r.subject is None and r.matches(wider)), None)
            conf = CONF_WORDS
        if rule is None and dimension == "head" and not local:
            rule, conf = _inferred(vocab, state, subject_rules, n.value), CONF_INFERRED
            if rule is not None:
                notes.append("không ghi tên vật nuôi; suy ra từ vị trí (cần rà soát)")
        if rule is None:
            return "no_indicator", local, consumed
    if notes and notes[0].startswith("báo cáo ghi"):
        conf = min(conf, CONF_UNIT_SLIP)
    ind = cat[rule.indicator]
    value = n.value * conversion_factor(unit, ind.unit)
    tail = _tail_words(lower, prev_end, n.start, 2)
    if approx := vocab.cues["approximate"].search(tail):
        notes.append(f'số ước tính hoặc xấp xỉ ("{approx.group()}")')
        conf -= PENALTY_APPROX
    if n.read_as == "dot_decimal":
        notes.append(f"đọc '{n.text}' với dấu chấm là dấu thập phân")
        conf -= PENALTY_DOT_DECIMAL
    if total is not None:
        notes.append(f"số sau dấu / ({total.text}) là kế hoạch hoặc tổng số, không ghi nhận")
    seasons = list(vocab.cues["season"].finditer(lower, s0, n.start))
    season = seasons[-1] if seasons else None
    q_start, q_end = _quote_span(text, prev_end, n, right_end if right_ok else n.span_end)
    return (
        Proposal(
            indicator=ind.code,
            value=round(value, 9),
            unit=ind.unit,
            value_written=text[n.start : (total.end if total else n.end)],
            unit_written=n.unit_text,
            quote=text[q_start:q_end],
            start=q_start,
            end=q_end,
            confidence=round(conf, 2),
            note="; ".join(notes),
            read_as=n.how_read,
            season=season.group() if season else "",
            number_start=n.start,
        ),
        local,
        consumed,
    )


#: Words that only link a figure to the one before ("… 24 buổi với 37 lượt").
_LINKERS = {"và", "với", "cùng", "gồm", "là", "trong đó", "còn lại"}


def _continues(left: str) -> bool:
    """True when the words before a figure only continue the list of the figure before."""
    words = left.strip(_STRIP)
    return not words or words in _LINKERS


def _quote_span(text: str, prev_end: int, n: Numeral, end: int) -> tuple[int, int]:
    start = prev_end
    if (paren := text.rfind(")", prev_end, n.start)) >= 0:  # "(Kinh, Tày…), với 604 hộ"
        start = paren + 1
    words = list(re.finditer(r"\S+", text[start : n.start]))
    if len(words) > MAX_QUOTE_WORDS:
        start += words[-MAX_QUOTE_WORDS].start()
    while start < n.start and text[start] in _STRIP:
        start += 1
    while end > n.span_end and text[end - 1] in _STRIP:
        end -= 1
    return start, max(end, n.span_end)


def _carried(vocab: Vocabulary, state: _State, rules: list[Rule], area: str, value: float):
    chain = vocab.chain(state.carry)
    for depth, key in enumerate(chain):
        rule = next((r for r in rules if r.subject == key and r.matches(area)), None)
        if rule is None:
            continue
        if rule.indicator in state.taken and abs(state.taken[rule.indicator] - value) > 1e-9:
            return "taken", 0.0
        if depth:
            return rule, CONF_PARENT
        return rule, CONF_CARRIED if state.carry_block == state.block else CONF_CARRIED_FAR
    return None, 0.0


def _inferred(vocab: Vocabulary, state: _State, rules: list[Rule], value: float) -> Rule | None:
    """The first rule of the carried sector not yet given a value in this paragraph."""
    chain = vocab.chain(state.carry)
    sector = chain[-1] if chain else None
    if sector is None:
        return None
    for r in rules:
        if r.indicator in state.taken or not r.subject:
            continue
        if sector in vocab.chain(r.subject) and not r.require:
            return r
    return None


def _percent(vocab: Vocabulary, left: str, prev: Proposal | None, cat):
    for r in vocab.rules:
        if cat[r.indicator].unit != "%" or not r.matches(left):
            continue
        topic = vocab.percent_topics.get(r.indicator)
        if topic is None or topic.search(left):
            return r, CONF_LOCAL
    if prev is None or len(left.split()) > 6:
        return None, 0.0
    stripped = left.strip(_STRIP)
    if stripped and not vocab.cues["share_link"].search(left) and "=" not in left:
        return None, 0.0
    for ind in cat:
        if ind.unit == "%" and ind.components and ind.components[0] == prev.indicator:
            return Rule(ind.code), CONF_SHARE
    return None, 0.0


def _zeros(text: str, lower: str, s0: int, s1: int, vocab: Vocabulary) -> list[Proposal]:
    """ "không có đơn thư vượt cấp" → petitions_beyond_level = 0 (only words-named counts)."""
    cat = catalogue()
    out = []
    for m in vocab.cues["zero"].finditer(lower, s0, s1):
        u = vocab.unit_re.match(lower, m.end(), s1)
        if not u or not u.group().strip():
            continue
        unit = vocab.unit_of.get(" ".join(u.group().split()))
        if unit is None or vocab.cues["unit_blockers"].match(lower, u.start() + 1, s1):
            continue
        pm = _PUNCT.search(lower, u.end(), s1)
        end = pm.start() if pm else s1
        area = lower[u.start() : end]
        rules = [r for r in _rules_for(vocab, _dimension(unit)) if r.require and not r.subject]
        rule = next((r for r in rules if r.matches(area)), None)
        if rule is None:
            continue
        ind = cat[rule.indicator]
        q_end = end
        while q_end > u.end() and text[q_end - 1] in _STRIP:
            q_end -= 1
        out.append(
            Proposal(
                ind.code,
                0.0,
                ind.unit,
                m.group(),
                text[u.start() : u.end()].strip(),
                text[m.start() : q_end],
                m.start(),
                q_end,
                CONF_SHARE,
                f'"{text[m.start() : m.end()]}": ghi nhận là 0',
                "không có → 0",
                number_start=m.start(),
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# one report
# ---------------------------------------------------------------------------------------------
def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _reconcile(found: list[Proposal]) -> tuple[list[Proposal], list[Proposal]]:
    """One proposal per indicator and value; different values for one indicator are flagged."""
    by_ind: dict[str, list[Proposal]] = {}
    for p in sorted(found, key=lambda p: p.number_start):
        by_ind.setdefault(p.indicator, []).append(p)
    kept, season_parts = [], []
    for group in by_ind.values():
        distinct: list[list[Proposal]] = []
        for p in group:
            for d in distinct:
                if _same(d[0].value, p.value):
                    d.append(p)
                    break
            else:
                distinct.append([p])
        best = []
        for d in distinct:
            top = max(d, key=lambda p: p.confidence)
            if len(d) > 1:
                top = replace(
                    top,
                    note="; ".join(x for x in (top.note, f"báo cáo nhắc lại {len(d)} lần") if x),
                )
            best.append(top)
        if len(best) > 1:
            plain = [p for p in best if not p.season]
            if len(plain) == 1:
                season_parts += [p for p in best if p.season]
                best = plain
            else:
                values = ", ".join(p.value_written for p in best)
                best = [
                    replace(
                        p,
                        confidence=min(p.confidence, CONF_CONFLICT),
                        note="; ".join(
                            x
                            for x in (
                                p.note,
                                "báo cáo ghi nhiều giá trị "
                                f"khác nhau cho chỉ tiêu này ({values}): chọn một",
                            )
                            if x
                        ),
                    )
                    for p in best
                ]
        kept += best
    return sorted(kept, key=lambda p: p.start), season_parts
