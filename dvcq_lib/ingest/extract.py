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
   A subject written right after the unit is that figure's ("450 ha bắp và 120 ha đậu": 120 is
   beans, never maize). A deadline word holds only in its clause ("chưa có hồ sơ trễ hạn; còn
   24 hồ sơ …, đều chưa đến hạn"); one named ethnic group ("dân tộc Khmer có 4.876 hộ") is never
   the ethnic minorities nor the commune. A plan section opens only at a heading that names the
   plan alone, never at a title that also names the results.
4. What a person would infer ("105.000 con" after buffalo and pigs) is proposed with low
   confidence and flagged for review.
5. One indicator with two different values in one report is flagged, never silently chosen; a
   crop season's figure keeps its season code (`dvcq_lib.seasons`), so two seasons never collide
   and a season is never the period's total.
   A whole-period word ("cả năm", "tính chung", "lũy kế", "tổng") ends the season; a season
   carried from an earlier sentence to another crop is reviewed.
6. Each proposal gets a confidence class (`klass`) from its evidence — how its indicator was found
   (words beside the number, a list, carried context, inference), trap words near it ("trong
   đó", "bình quân", "kế hoạch"…), a competing reading, a unit slip — and the Vietnamese reasons
   for every flag. Only the classes in PRE_ACCEPTED (measured ≥ 99 % right by
   `benchmarks/ingest_quality.py`) are accepted without review, and only when every check of
   `evidence.py` finds its positive evidence (name beside the number, the commune, the period,
   a fitting unit, a single reading, a plain figure, labels above it that say nothing else);
   else the figure is reviewed (`_vet`). Then the report's own figures must agree: a
   pre-accepted figure in a consistency rule they break (`agreement.py`) or beyond one commune's
   size or its whole in the report (`bounds.py`) is reviewed (`_agreed`).
7. What the sentence says around a figure can make it doubtful; it is then proposed but reviewed,
   with its reason (`_CONTEXT_CHECKS`): an approximation ("khoảng", "gần", "trên", "hơn"; an
   estimate of the period, "ước đạt", is not one), a plan word earlier in the sentence ("Theo kế
   hoạch, …", "sẽ"), another year or a part of the period ("Năm 2023 …" in a 2024 report, "tháng
   5", "quý II", "9 tháng" in a report of the year — `extract(doc, period=…)` knows the period),
   a merger's old communes, a district or province ("toàn huyện"), one named village,
   cooperative, farm or model ("thôn Đông", "HTX …", "mô hình"), a running total ("lũy kế",
   "từ năm 2020 đến nay", "từ đầu năm" in a second-half report), a unit that does not fit its
   measure word ("sản lượng … ha"), a harvested area, a qualifier after the unit ("… ha được hỗ
   trợ"). Set aside outright: one end of a range ("từ 5 - 7 tấn/ha"), the old value of a change
   ("từ 1.200 hộ lên …"), the earlier period's figure ("(cùng kỳ 2.950 con)"), animals
   vaccinated, treated or sold ("tiêm phòng cho 3.500 con"). A "không có …" zero is reviewed,
   as are the zeros written after a kind ("khiếu nại: không", "tố cáo không").
8. Words that govern a number: the nearest activity before it, never a word inside a qualifier
   ("trồng lại rừng sau khai thác 385 ha" is planting, `_governing`); "cấy"/"gieo cấy" with no
   crop is rice, unless a sub-count after it names other crops (then the sown area); sectors
   listed together ("trồng trọt, chăn nuôi", "nông, lâm nghiệp") are their sum, never one
   sector's value; land held ("lúa hai vụ", "đất chuyên lúa", "còn 45 ha") is no sown area.
   Reviewed: "a/b ha" below its plan (progress), "theo kế hoạch" right before a number, a
   sub-count whose owner or origin follows it ("trong đó 4 đơn do huyện chuyển sang") or that
   reads a pending count in a flow ("tiếp nhận 20 đơn, trong đó 6 đơn còn tồn"), "quá hạn N hồ
   sơ" in a sentence that resolves nothing (read as pending past the deadline). "Hòa giải thành
   5/6 vụ việc" gives both the successful cases and the cases; counts written in words ("mười
   một đơn") are read (`numerals.py`).

Cost is linear in the text: each numeral's context is read once, from bounded windows
(MAX_LEFT_CHARS) and cue positions found once per sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace

from dvcq_lib import seasons as seasons_mod
from dvcq_lib.catalogue import catalogue
from dvcq_lib.ingest import agreement, bounds, evidence, table
from dvcq_lib.ingest.numerals import Numeral, count_numbers, find_numerals
from dvcq_lib.ingest.terms import Rule, Vocabulary, season_code, vocabulary
from dvcq_lib.ingest.text import Document, document_from_text, sentences
from dvcq_lib.periods import Period
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
MAX_RIGHT_WORDS = 8
#: Quotes keep at most this many words before the number.
MAX_QUOTE_WORDS = 16
#: The left context of a number is read back at most this far (characters): beyond it the words
#: belong to earlier figures, and the bound keeps extraction linear on hostile one-line files.
MAX_LEFT_CHARS = 400
#: A loss ("bị thiệt hại", "tiêu hủy") named this close before a number, in its clause, makes
#: it a loss.
DAMAGE_WORDS = 8
#: A procedure or field named this close before a dossier count makes it that procedure's.
PROCEDURE_WORDS = 8
#: A sentence with more numbers than this is a table or pasted data, not prose (the longest
#: sentences of real reports hold a few dozen): its numbers are set aside unread, with a reason,
#: which bounds the cost of hostile one-line files (a 5 MB line is set aside in about a second).
MAX_SENTENCE_NUMBERS = 300
#: Words between a number and the words before it that name its indicator beyond which they
#: are "far" (a weaker class, reviewed): "diện tích lúa bị ngập do mưa lũ 35 ha".
NEAR_WORDS = 5

#: Confidence classes (Proposal.klass) and what each means, in the words the review sheet shows.
CLASSES = {
    "explicit": "tên chỉ tiêu và đơn vị ghi ngay cạnh số",
    "explicit_far": "tên chỉ tiêu ghi xa số (nhiều chữ ở giữa)",
    "list": "tiếp nối danh sách mở đầu bằng tên chỉ tiêu",
    "carried": "đối tượng lấy từ câu trước trong cùng đoạn",
    "carried_far": "đối tượng lấy từ đoạn trước",
    "parent": "chỉ tiêu của nhóm (vd. cây ăn quả) suy từ đối tượng trước",
    "share": "tỷ lệ gắn với số liệu ngay trước",
    "zero": '"không có …" ghi nhận là 0',
    "inferred": "không ghi tên; suy ra từ vị trí trong đoạn",
    "implied_unit": "không ghi đơn vị cạnh số; đơn vị lấy từ câu",
    "trap": "có từ dễ gây nhầm cạnh số (trong đó, bình quân, kế hoạch…)",
    "competing": "có cách đọc khác (nhiều đối tượng cạnh số)",
    "unit_slip": "đơn vị ghi sai loại, đã sửa",
    "dot_decimal": "dấu chấm đọc là dấu thập phân",
    "space_grouped": "dấu cách đọc là dấu phân nhóm nghìn (1 234)",
    "doubt": "từ có thể chỉ một phần của chỉ tiêu",
    "conflict": "báo cáo ghi nhiều giá trị khác nhau cho chỉ tiêu này",
    "season_carried": "vụ lấy từ câu trước (số có thể là của cả kỳ)",
    "approximate": "số ước chừng (khoảng, gần, trên, hơn…): báo cáo không ghi số chính xác",
    "plan_context": "câu nói về kế hoạch, chỉ tiêu hoặc dự kiến: số có thể không phải kết quả",
    "other_year": "câu nói về năm khác với năm của báo cáo",
    "other_scope": "số có thể của huyện, tỉnh hoặc của một thôn, mô hình, hộ (không phải cả xã)",
    "cumulative": "số lũy kế: có thể gồm cả thời gian ngoài kỳ báo cáo",
    "season_span": "số của nhiều vụ gộp lại hoặc của cả năm, dài hơn kỳ báo cáo",
    "partial_harvest": "năng suất, sản lượng ước của phần đã thu hoạch, chưa phải của cả vụ",
    "petition_kind": "đơn thư kiến nghị, phản ánh: tổng số đơn thư hay chỉ một loại đơn?",
    "table": "đọc từ một bảng: cột kết quả của kỳ đoán theo tiêu đề cột",
    "total_of_part": "tổng số sau dấu / của một phần (5/29 thôn): có phải của cả xã?",
    "competence_resolved": "số đơn đã giải quyết sau số đơn thuộc thẩm quyền: của các đơn thuộc "
    "thẩm quyền hay của tất cả?",
    # a figure of a pre-accepted class that lacks one piece of positive evidence (evidence.py)
    "unproven_near": "tên chỉ tiêu không ghi ngay cạnh số, trong cùng vế câu",
    "unproven_commune": "câu có thể nói về một phần của xã hoặc nơi khác",
    "unproven_period": "câu có thể nói về thời gian khác, kế hoạch hoặc dự kiến",
    "unproven_unit": "đơn vị không ghi hoặc không hợp loại chỉ tiêu",
    "unproven_single": "báo cáo có giá trị khác cho chỉ tiêu này",
    "unproven_plain": "số có thể là mức thay đổi, bình quân, thứ hạng hoặc giới hạn",
    "unproven_consistent": "tỷ lệ không khớp với các số khác của báo cáo",
    "unproven_base": "số viết trên một tổng khác số của báo cáo: có thể chỉ của một phần",
    "unproven_label": "dòng tiêu đề phía trên nói về nơi khác, thời gian khác hoặc kế hoạch",
    # a pre-accepted figure in a consistency rule the report's own figures break (agreement.py)
    "unproven_rules": "các số của chính báo cáo không khớp nhau theo quy tắc nhất quán",
    # a pre-accepted figure too large for one commune or for its whole in the report (bounds.py)
    "unproven_size": "số lớn bất thường cho một xã hoặc lớn hơn tổng của nó trong báo cáo",
}
#: Classes accepted without review: each measured at ≥ 99 % right on the reference report, the
#: real excerpts and the trap tests (benchmarks/ingest_quality.py --classes).
PRE_ACCEPTED = frozenset({"explicit", "list", "share", "carried"})

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
    "per_head": "số bình quân (đầu người, mỗi hộ), không phải tổng",
    "yield_unit": "năng suất ghi bằng đơn vị khối lượng: không rõ là năng suất hay sản lượng",
    "subcount": "số của một phần (trong đó, thuộc thẩm quyền…), không phải tổng",
    "procedure": "hồ sơ của một thủ tục hoặc lĩnh vực, không phải tổng số hồ sơ",
    "damage": "diện tích, vật nuôi bị thiệt hại, sâu bệnh, tiêu hủy hoặc vi phạm: không phải số "
    "của kỳ",
    "crowded": "câu có quá nhiều số (bảng hoặc dữ liệu dán vào): cả câu không đọc",
    "ethnic_group": "số của một dân tộc (vd. Khmer, Mông), không phải số hộ dân tộc thiểu số "
    "hay của cả xã",
    "range": "một đầu của khoảng giá trị (từ … đến …) hoặc giá trị cũ (từ … lên …)",
    "previous": "số của cùng kỳ, năm trước hoặc kỳ trước, không phải số của kỳ báo cáo",
    "treated": "vật nuôi được tiêm phòng, điều trị, xuất chuồng hoặc giết mổ: không phải tổng đàn",
    "traded": "khối lượng mua bán, cung ứng, hỗ trợ hoặc sử dụng, không phải sản lượng",
    "out_of_scope": "chỉ tiêu ngân sách, thu nhập, hộ nghèo: không đọc từ văn bản (nhập từ bảng số "
    "liệu)",
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
#: Between a part and its total: "5/6 vụ việc", "9 trên 13 vụ".
_OF_TOTAL = re.compile(r"\s*(?:/|\s(?:trên|trong số)\s)\s*")
#: A part read over its total ("hòa giải thành 5/6 vụ việc") names the total too: the indicator
#: of the number after "/" (or "trên").
TOTAL_OF_PART = {"mediation_successful": "mediation_cases"}
_DOC_AFTER = re.compile(r"\s?[/-]\s?[^\W\d_]")
#: "450 kg/người/năm", "2,5 tấn/hộ": a figure per head or per household (not a plan "/KH").
_PER_AFTER = re.compile(r"\s?/\s?(?!kh\b|kế hoạch)([^\W\d_]+)")
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
    season: str = ""  # a season code of data/catalogue/seasons.csv; "" = the whole period
    number_start: int = 0
    klass: str = ""  # a key of CLASSES ("" = not classified: the confidence decides)
    reasons: tuple[str, ...] = ()  # why it needs review, in Vietnamese
    # where it was read (issue 13): page of a PDF or scan, how the text was obtained
    # ("text", "docx", "pdf", "ocr"), Tesseract's confidence in the number's words
    page: int | None = None
    method: str = "text"
    ocr_confidence: float | None = None

    @property
    def review(self) -> bool:
        """True when a person must check it before it is accepted. A figure read by OCR always
        is: one misread digit is a wrong number that looks right."""
        if self.reasons or self.method == "ocr":
            return True
        if self.klass and self.klass not in PRE_ACCEPTED:
            return True
        return self.confidence < REVIEW_THRESHOLD


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
    #: (indicator, season) → value, in the current block
    taken: dict[tuple[str, str], float] = field(default_factory=dict)
    list_left: str = ""  # words that opened the list the current figure belongs to
    season: str = ""  # season code set by a season heading, for the blocks after it
    block_season: str = ""  # season code named earlier in the current block
    block_whole: bool = False  # an earlier sentence of the block named the whole period
    season_subject: str | None = None  # the subject of the sentence that named block_season
    how: str = ""  # how the last indicator was found (a key of CLASSES)
    #: where the sentence's clause about one procedure's dossiers began (-1: none); it holds to
    #: the end of the sentence, or to a ";" ("…, chủ yếu ở lĩnh vực đất đai; đang giải quyết …")
    procedure_at: int = -1
    sentence_years: tuple[str, ...] = ()  # years the sentence names ("năm 2022 … năm 2024")
    sentence_start: int = 0
    sentence_minority: bool = False  # the sentence says "dân tộc thiểu số"
    text: str = ""  # the document's text as written (capitals tell a name: "thôn Đông")
    period: Period | None = None  # the report's period, when known (its year, its months)
    cues: _Cues | None = None  # the cues of the current sentence
    subpart: bool = False  # the figures being read are parts of a total ("trong đó …")
    carry_part: str = ""  # a part named since the carried subject ("trong đó lúa lai …")
    carry_outer: str | None = None  # the subject carried before the sub-count opened
    #: the season the previous block named last, with the subject of its sentence
    prev_block_season: tuple[str, str | None] = ("", None)
    #: words of a harvest still under way named earlier in the block ("đã thu hoạch được 70%")
    partial_harvest: str = ""


def lowered(text: str) -> str:
    """Lower-case text with the same length (offsets stay valid)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def extract(
    doc: Document, vocab: Vocabulary | None = None, period: Period | None = None
) -> Extraction:
    """Every catalogue figure the report states, reconciled (see the module docstring). With
    the report's `period`, a sentence about another year or a running total that starts
    before the period is reviewed.

    >>> from dvcq_lib.ingest.text import document_from_text
    >>> [p.indicator for p in extract(document_from_text("Lạc 27,5ha.")).proposals]
    ['peanut_area']
    """
    vocab = vocab or vocabulary()
    lower = lowered(doc.text)
    state = _State(text=doc.text, period=period)
    found: list[Proposal] = []
    skipped: list[Skipped] = []
    spans: list[tuple[int, int]] = []
    columns: table.Columns | None = None  # the table whose rows follow, if any
    row_above: set[tuple[str, str]] = set()  # what the last full row of that table gave
    item_season = ""  # the season a list item named, for its sub-items
    for bi, block in enumerate(doc.blocks):
        row = table.cells(doc.text, block.start, block.end)
        if columns is not None and len(row) == columns.width:
            spans.append((block.start, block.end))
            read = _table_row(doc.text, block.start, block.end, row, columns, vocab, period)
            if table.is_sub_row(row[columns.name].text):
                # "Trong đó: trâu cày kéo | con | 120": a part of the row above, never its total
                read = [p for p in read if (p.indicator, p.season) not in row_above]
            else:
                row_above = {(p.indicator, p.season) for p in read}
            found += read
            continue
        columns, row_above = table.header_columns(row), set()
        if columns is not None:
            spans.append((block.start, block.end))
            continue
        state.prev_block_season = _season_to_next_block(state) if bi else ("", None)
        state.block, state.taken, state.block_season, state.carry_part = bi, {}, "", ""
        state.block_whole, state.season_subject = False, None
        state.partial_harvest = ""
        heading = block.kind == "paragraph" and doc.is_heading(block)
        line = lower[block.start : block.end]
        if heading:
            if _MAJOR_HEADING.match(line):
                state.plan_section = _plan_alone(vocab, line)
            elif _plan_alone(vocab, line) and _PLAN_OPENS.match(line):
                state.plan_section = True  # "PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM"
            state.carry = None
            state.season = ""
        if _season_heading(line) and (code := _season_in(vocab, line)):
            state.season = code  # "b) Vụ Hè Thu:" names the season of what follows
        heading_season = state.season
        sub_item = bool(_SUB_ITEM.match(line))
        if sub_item and item_season:
            state.season = item_season  # "- Vụ Đông Xuân: 326,5 ha⏎  + Lúa: 142 ha": its season
        for s0, s1 in sentences(doc, block):
            spans.append((s0, s1))
            _sentence(doc.text, lower, s0, s1, vocab, state, found, skipped)
        if sub_item:
            state.season = heading_season
        elif _ITEM.match(line):
            item_season = "" if state.block_whole else state.block_season
        else:
            item_season = ""
    kept = _vet(
        _label_seasons(_reconcile(found), lower, vocab),
        lower,
        evidence.Sentences(spans),
        vocab,
        period,
    )
    kept = _petition_kind(kept, lower, vocab)
    kept = _resolved_within_competence(kept, evidence.Sentences(spans))
    skipped += [
        Skipped(p.quote, p.number_start, "out_of_scope")
        for p in kept
        if p.indicator in vocab.not_read
    ]
    kept = [p for p in kept if p.indicator not in vocab.not_read]
    kept = _agreed(kept, period)
    return Extraction(tuple(kept), tuple(sorted(skipped, key=lambda s: s.start)))


TABLE_REASON = 'đọc từ bảng, cột "{header}": kiểm tra đúng cột kết quả của kỳ và đơn vị'


def _table_row(
    text: str,
    start: int,
    end: int,
    row: list[table.Cell],
    columns: table.Columns,
    vocab: Vocabulary,
    period: Period | None,
) -> list[Proposal]:
    """The figure of one row of a table (`ingest/table.py`), read as the phrase "name value
    unit" ("Tổng đàn lợn 3.920 con"), pointing at the value cell; always reviewed."""
    name, value = row[columns.name].text, row[columns.result]
    unit = row[columns.unit].text if columns.unit is not None else ""
    if not re.search(r"\d", value.text) or not re.search(r"[^\W\d_]", name):
        return []
    at = len(name) + 1
    phrase = f"{name} {value.text} {unit}".rstrip() + "."
    out = []
    for p in extract(document_from_text(phrase), vocab, period).proposals:
        if not at <= p.number_start < at + len(value.text):
            continue  # a number of the name cell, not the figure
        out.append(
            replace(
                p,
                quote=text[start:end],
                start=start,
                end=end,
                number_start=value.start + p.number_start - at,
                klass="table",
                reasons=(*p.reasons, TABLE_REASON.format(header=columns.header)),
                confidence=round(min(p.confidence, REVIEW_THRESHOLD - 0.05), 2),
            )
        )
    return out


def _vet(
    kept: list[Proposal],
    lower: str,
    spans: evidence.Sentences,
    vocab: Vocabulary,
    period: Period | None,
) -> list[Proposal]:
    """Each figure that would be accepted without review, reviewed instead when one check of
    evidence.CHECKS does not find its positive evidence, with every reason in words."""
    out: list[Proposal] = []
    for p in kept:
        if p.review:
            out.append(p)
            continue
        s0, s1 = spans.around(p.number_start)
        lacking = evidence.missing(evidence.Evidence(lower, s0, s1, p, vocab, period, kept))
        if p.klass == "share" and _share_of_accepted(p, out, s0):
            # "Tiếp nhận 1.250 hồ sơ trực tuyến, chiếm 80,5%": the words of the figure it is a
            # share of name it, and that figure is accepted
            lacking = [(name, why) for name, why in lacking if name != "near"]
        if lacking:
            p = replace(
                p,
                klass=evidence.FAILED_CLASS[lacking[0][0]],
                reasons=tuple(why for _, why in lacking),
                confidence=round(min(p.confidence, REVIEW_THRESHOLD - 0.05), 2),
            )
        out.append(p)
    return out


def _label_seasons(kept: list[Proposal], lower: str, vocab: Vocabulary) -> list[Proposal]:
    """A seasonal crop's figure of a list item that its own words give no season takes the one
    season its label names ("a) Vụ Đông Xuân 2021: tổng diện tích 186,5 ha, cụ thể:⏎- Lúa: 64
    ha"): that season's, not the period's. A season of its own words is kept (evidence's label
    check reviews it when the label names another)."""
    cat = catalogue()
    out = []
    for p in kept:
        if not p.season and p.indicator in cat and cat[p.indicator].seasonal:
            if code := evidence.label_season(lower, p.number_start, vocab):
                p = replace(p, season=code)
        out.append(p)
    return out


def _agreed(kept: list[Proposal], period: Period | None) -> list[Proposal]:
    """Each pre-accepted figure that the report's own figures contradict reviewed instead, with
    the evidence in words: a consistency rule they break (`agreement.py`, class
    unproven_rules), or a size beyond one commune's or beyond its whole in the report
    (`bounds.py`, class unproven_size)."""
    found = agreement.disagreements(kept, period)
    exceeded = bounds.wholes_exceeded(kept)
    out = []
    for p in kept:
        if not p.review:
            rules = [agreement.reason(d) for d in agreement.involved(p, found)]
            size = bounds.beyond(p, kept) + exceeded.get((p.indicator, p.value), [])
            if rules or size:
                p = replace(
                    p,
                    klass="unproven_rules" if rules else "unproven_size",
                    reasons=(*p.reasons, *rules, *size),
                    confidence=round(min(p.confidence, REVIEW_THRESHOLD - 0.05), 2),
                )
        out.append(p)
    return out


def _petition_kind(kept: list[Proposal], lower: str, vocab: Vocabulary) -> list[Proposal]:
    """ "Tiếp nhận 9 đơn kiến nghị" in a report that gives no petitions total and no figure of
    another kind of petition but zeros ("không có đơn khiếu nại, tố cáo"; a heading "giải quyết
    khiếu nại, tố cáo" counts nothing): the recommendations are then all the petitions, so the
    figure is also proposed as the petitions received, reviewed. Written "đơn thư kiến nghị,
    phản ánh" (the usual name of all petitions), the recommendations are reviewed too: all the
    petitions, or only that kind?"""
    catch_all = vocab.cues.get("petition_catch_all")
    if catch_all is None:
        return kept
    if any(
        p.indicator == "petitions_received" or (p.indicator in _OTHER_PETITION_KINDS and p.value)
        for p in kept
    ):
        return kept
    kinds = [p for p in kept if p.indicator == "recommendations_received"]
    if len(kinds) != 1:
        return kept
    (rec,) = kinds
    conf = round(min(rec.confidence, REVIEW_THRESHOLD - 0.05), 2)
    total = replace(
        rec,
        indicator="petitions_received",
        klass="petition_kind",
        reasons=(
            *rec.reasons,
            "báo cáo không nêu loại đơn nào khác (khiếu nại, tố cáo): số đơn kiến nghị, phản ánh "
            "cũng là tổng số đơn thư tiếp nhận — kiểm tra",
        ),
        confidence=conf,
    )
    out = []
    for p in kept:
        if p is rec and catch_all.search(lower[max(0, p.number_start - 60) : p.end]):
            p = replace(
                p,
                klass="petition_kind",
                reasons=(
                    *p.reasons,
                    '"đơn thư kiến nghị, phản ánh": có thể là tổng số đơn thư, không chỉ đơn kiến '
                    "nghị, phản ánh",
                ),
                confidence=conf,
            )
        out.append(p)
        if p.number_start == rec.number_start and p.indicator == rec.indicator:
            out.append(total)
    return out


def _resolved_within_competence(kept: list[Proposal], spans: evidence.Sentences) -> list[Proposal]:
    """ "Tiếp nhận 11 đơn, trong đó 7 đơn thuộc thẩm quyền, đã giải quyết 5 đơn": a count of
    petitions resolved written after the count of those within the commune's competence, in the
    same sentence, is most often of those (5 of the 7), but may be of all: proposed as the
    resolved within competence when it is no more than them, reviewed either way."""
    out = []
    for p in kept:
        if p.indicator == "petitions_resolved":
            s0, s1 = spans.around(p.number_start)
            own = [
                q
                for q in kept
                if q.indicator == "petitions_commune_authority"
                and s0 <= q.number_start < p.number_start
            ]
            if own:
                p = replace(
                    p,
                    indicator=(
                        "petitions_commune_authority_resolved"
                        if p.value <= own[-1].value
                        else p.indicator
                    ),
                    klass="competence_resolved",
                    reasons=(
                        *p.reasons,
                        f"viết sau {own[-1].value_written} đơn thuộc thẩm quyền: là số đơn thuộc "
                        "thẩm quyền đã giải quyết hay tổng số đơn đã giải quyết? — kiểm tra",
                    ),
                    confidence=round(min(p.confidence, REVIEW_THRESHOLD - 0.05), 2),
                )
        out.append(p)
    return out


#: The kinds of petition other than recommendations: a figure of one names the kinds.
_OTHER_PETITION_KINDS = ("complaints_received", "denunciations_received")


def _share_of_accepted(p: Proposal, vetted: list[Proposal], s0: int) -> bool:
    """True when the figure a share is of (its formula's numerator) is the figure right before
    it, in its sentence, and is accepted."""
    numerator = next(iter(catalogue()[p.indicator].components), None)
    before = [q for q in vetted if s0 <= q.number_start < p.number_start]
    if len(before) > 1 and TOTAL_OF_PART.get(before[-2].indicator) == before[-1].indicator:
        before = before[:-1]  # "hòa giải thành 11/13 vụ việc, đạt 84,6%": the part, not the 13
    return bool(before) and before[-1].indicator == numerator and not before[-1].review


def _season_to_next_block(state: _State) -> tuple[str, str | None]:
    """The season a block hands to the next one, with its subject: the one it named, or the one
    it carried on for the same subject ("Vụ đông xuân trồng 59 ha ngô.⏎Năng suất ước 48
    tạ/ha.⏎Sản lượng ước 283 tấn."); none after a whole-period word."""
    if state.block_whole:
        return "", None
    if state.block_season:
        return state.block_season, state.season_subject
    if state.prev_block_season[1] and state.carry == state.prev_block_season[1]:
        return state.prev_block_season
    return "", None


#: A heading of the report's top level ("II.", "Phần thứ hai"): it opens or closes a plan section.
_MAJOR_HEADING = re.compile(r"\s*(?:[ivx]{1,5}\s*[.)/-]|phần\s+(?:thứ\s+)?\w+\b)")
#: An unnumbered heading that opens with the plan's words opens a plan section too.
_PLAN_OPENS = re.compile(
    r"[\s\W\d]*(?:[a-zđ]\s*[.)]\s*)?(?:phương hướng|nhiệm vụ|kế hoạch|mục tiêu|giải pháp)"
)


def _plan_alone(vocab: Vocabulary, line: str) -> bool:
    """True when a heading names the plan and nothing else: a title or heading that also names
    the results ("tình hình thực hiện …, phương hướng, nhiệm vụ 6 tháng cuối năm") is not a plan
    section — most real titles read so."""
    if not vocab.cues["plan_heading"].search(line):
        return False
    results = vocab.cues.get("result_heading")
    if results is None:
        return True
    means = vocab.cues.get("plan_means")
    rest = means.sub(" ", line) if means else line
    return not results.search(rest)


#: A season that heads a list: a colon after it, maybe after its year ("vụ Đông Xuân 2024 - 2025:")
_SEASON_COLON = re.compile(r"[\s\d–-]*(?:năm\s+[\d\s–-]+)?:")

#: A list item ("- Vụ Đông Xuân: …") and an item under it ("  + Lúa: 142 ha", or any marker
#: indented under an unindented one): the sub-items are of the season their item named.
_ITEM = re.compile(r"[-–•*]\s")
_SUB_ITEM = re.compile(r"\s*\+\s|\s{2,}[-–•*]\s")


#: A block this short that names a season is a season heading (its season carries on).
SEASON_HEADING_CHARS = 60


def _season_heading(line: str) -> bool:
    """A short line with no figure in it ("b) Vụ Hè Thu 2024:"): what follows is that season's."""
    body = re.sub(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*|[a-zđ]|[ivx]{1,5})\s*[.)/-]", "", line)
    return len(line.strip()) <= SEASON_HEADING_CHARS and not re.search(
        r"\d", re.sub(r"\b(?:19|20)\d\d\b", "", body)
    )


def _season_in(vocab: Vocabulary, text: str) -> str:
    """The season code of the last season phrase in a text ("" when none)."""
    phrases = vocab.cues["season"].findall(text)
    return season_code(phrases[-1]) if phrases else ""


# ---------------------------------------------------------------------------------------------
# one sentence
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Cues:
    """Positions of the cues of one sentence, found once (bisect finds the ones before a number)."""

    dates: list[tuple[int, int]]
    ratios: list[tuple[int, int]]
    targets: list[int]  # ends of strong target cues ("phấn đấu")
    weak_targets: list[int]  # ends of weak ones ("chỉ tiêu")
    target_ends: list[int]
    result_ends: list[int]  # "đạt và vượt": ends weak targets only
    seasons: list[tuple[int, str]]  # (end, season code)
    scopes: list[tuple[int, str]]  # (end, scope phrase): "thuộc thẩm quyền cấp xã"
    wholes: list[int]  # ends of whole-period words ("cả năm", "tính chung", "lũy kế")
    weak_wholes: list[int]  # ends of "tổng": whole period unless a season is named after it
    plans: list[int] = field(default_factory=list)  # plan words not comparing with the plan
    areas: list[int] = field(default_factory=list)  # "toàn huyện", "thôn Đông", "mô hình"
    commune: list[int] = field(default_factory=list)  # "toàn xã": the commune again
    cumulative: list[int] = field(default_factory=list)  # "lũy kế", "từ đầu nhiệm kỳ"
    since_start: list[int] = field(default_factory=list)  # "từ đầu năm"
    #: (end, year) of the years named ("năm 2023"), not those of a comparison ("so với cùng kỳ
    #: năm 2023") nor of a date ("ngày 5 tháng 6 năm 2024")
    years: list[tuple[int, str]] = field(default_factory=list)
    #: (end, (first, last month)) of a month or quarter named ("tháng 5", "quý II"), not of a
    #: run of months ("6 tháng đầu năm") nor of a date
    months: list[tuple[int, tuple[int, int]]] = field(default_factory=list)
    #: (end, (first, last month)) of a run of months ("9 tháng đầu năm", "6 tháng cuối năm")
    runs: list[tuple[int, tuple[int, int]]] = field(default_factory=list)
    mergers: list[int] = field(default_factory=list)  # "xã cũ", "trước khi sáp nhập"


def _sentence_cues(
    text: str, lower: str, s0: int, s1: int, vocab: Vocabulary, figures: bool = True
) -> _Cues:
    """The cues of a sentence. With no figure to read (figures=False) only those the reading
    state needs after it (seasons, whole-period words) are looked for: most sentences of a
    report hold no number."""

    def ends(cue: str) -> list[int]:
        return [m.end() for m in vocab.cues[cue].finditer(lower, s0, s1)]

    seasons = sorted(
        (m.end(), code)
        for cue in ("season", "crop_season")
        for m in vocab.cues[cue].finditer(lower, s0, s1)
        if (code := season_code(m.group()))
    )
    wholes = ends("whole_period") if "whole_period" in vocab.cues else []
    weak_wholes = ends("whole_weak") if "whole_weak" in vocab.cues else []
    if not figures:
        return _Cues([], [], [], [], [], [], seasons, [], wholes, weak_wholes)
    return _Cues(
        _spans(_DATE, lower, s0, s1),
        _spans(_RATIO, lower, s0, s1),
        ends("target"),
        [
            m.end()
            for m in vocab.cues["target_weak"].finditer(lower, s0, s1)
            # "hoàn thành 17/19 chỉ tiêu": a count of targets met, not a target
            if not re.search(r"\d\s*$", lower[max(s0, m.start() - 12) : m.start()])
        ],
        ends("target_end"),
        ends("result_words"),
        seasons,
        [(m.end(), m.group()) for m in vocab.cues["scope"].finditer(lower, s0, s1)],
        wholes,
        weak_wholes,
        _plan_words(lower, s0, s1, vocab),
        sorted(ends("other_area") + _named_units(text, lower, s0, s1, vocab)),
        ends("commune_words"),
        sorted(ends("cumulative") + [m.end() for m in _SINCE_YEAR.finditer(lower, s0, s1)]),
        ends("since_year_start"),
        _years_named(lower, s0, s1),
        _months_named(lower, s0, s1),
        _month_runs(lower, s0, s1),
        ends("before_merger"),
    )


def _years_named(lower: str, s0: int, s1: int) -> list[tuple[int, str]]:
    """(end, year) of each year a sentence names ("năm 2023"; both of "năm 2025 - 2026"), not
    those of a comparison ("so với cùng kỳ năm 2023") nor of a date ("tháng 6 năm 2024")."""
    out = []
    for m in _YEAR.finditer(lower, s0, s1):
        if re.search(
            r"(?:cùng kỳ|so với|tháng\s*\d{1,2})\s*$", lower[max(s0, m.start() - 20) : m.start()]
        ):
            continue
        out.append((m.end(), m.group(1)))
        if span := _YEAR_SPAN.match(lower, m.end(), s1):
            out.append((m.end(), span.group(1)))
    return out


#: "năm 2025 - 2026": the second year of a span.
_YEAR_SPAN = re.compile(r"\s*[-–]\s*((?:19|20)\d\d)(?!\d)")


#: "từ năm 2020 đến nay", "sau 5 năm": a count over several years ("giai đoạn" is a cue word;
#: "vụ Đông Xuân 2025 - 2026" is one season).
_SINCE_YEAR = re.compile(r"(?<!\w)(?:từ\s+(?:năm\s+)?(?:19|20)\d\d|sau\s+\d{1,2}\s+năm)")
#: "tháng 5", "trong tháng 11", "quý II": one month or quarter (not "6 tháng", not a date).
_MONTH = re.compile(
    r"(?<![\d/.-])(?<!\d\s)(?<!ngày\s)\b(tháng|quý)\s+(\d{1,2}|iv|i{1,3})\b(?!\s*[/.-]\s*\d)"
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


#: "9 tháng đầu năm", "6 tháng cuối năm", "9 tháng": a run of months of the year.
_MONTH_RUN = re.compile(r"(?<![\d/.,])\b(\d{1,2})\s+tháng(?:\s+(đầu|cuối)\s+năm)?(?!\w)")


def _month_runs(lower: str, s0: int, s1: int) -> list[tuple[int, tuple[int, int]]]:
    """(end, (first, last month)) of each run of months a sentence names: "9 tháng đầu năm" and
    "9 tháng" are 1–9, "6 tháng cuối năm" is 7–12."""
    out = []
    for m in _MONTH_RUN.finditer(lower, s0, s1):
        k = int(m.group(1))
        if 1 <= k <= 12:
            out.append((m.end(), (13 - k, 12) if m.group(2) == "cuối" else (1, k)))
    return out


def _months_named(lower: str, s0: int, s1: int) -> list[tuple[int, tuple[int, int]]]:
    """(end, (first, last month)) of each month or quarter a sentence names."""
    out = []
    for m in _MONTH.finditer(lower, s0, s1):
        word, num = m.group(1), m.group(2)
        k = int(num) if num.isdigit() else _ROMAN[num]
        if word == "tháng" and 1 <= k <= 12:
            out.append((m.end(), (k, k)))
        elif word == "quý" and 1 <= k <= 4:
            out.append((m.end(), (3 * k - 2, 3 * k)))
    return out


def _plan_words(lower: str, s0: int, s1: int, vocab: Vocabulary) -> list[int]:
    """Ends of the plan words of a sentence ("Theo kế hoạch, vụ mùa …") that do not compare a
    result with the plan ("đạt 98% kế hoạch", "vượt kế hoạch") and are no document's name."""
    out = []
    compared = vocab.cues["plan_compared"]
    for m in vocab.cues["plan_context"].finditer(lower, s0, s1):
        before = lower[max(s0, m.start() - 16) : m.start()].rstrip()
        if before.endswith(("%", "/")) or any(
            c.end() == len(before) for c in compared.finditer(before)
        ):
            continue
        if re.match(r"\s*(?:số\b|\d|[/-])", lower[m.end() : m.end() + 6]):
            continue  # "Kế hoạch số 145/KH-UBND", "KH-UBND"
        out.append(m.end())
    return out


#: The next word of a village or cooperative named: a capital, a number ("thôn 3", "HTX Đồng Tâm").
_NAME_AFTER = re.compile(r"\s+(?:\d|[^\W\d_])")


def _named_units(text: str, lower: str, s0: int, s1: int, vocab: Vocabulary) -> list[int]:
    """Ends of a named village, cooperative or farm ("thôn Đông", "HTX Thành Công") and of the
    words that always mean only part of the commune ("mô hình", "cánh đồng mẫu lớn")."""
    out = [m.end() for m in vocab.cues["part_of_commune"].finditer(lower, s0, s1)]
    for m in vocab.cues["named_unit"].finditer(lower, s0, s1):
        nxt = _NAME_AFTER.match(lower, m.end(), s1)
        if nxt and (nxt.group()[-1].isdigit() or text[nxt.end() - 1].isupper()):
            out.append(m.end())
    return sorted(out)


#: Why a season carried from an earlier sentence is checked by a person.
SEASON_CARRIED_REASON = "vụ lấy từ câu trước: số có thể là của cả kỳ hoặc của vụ khác"


def _season_before(cues: _Cues, state: _State, lower: str, pos: int) -> tuple[str, bool]:
    """The season of a figure at pos and whether it is carried from an earlier clause. A
    season named in the sentence holds unless a whole-period word ("cả năm", "tính chung",
    "lũy kế") follows it. In a sentence of clauses of several seasons, a clause that names none
    has the last season carried, unless a colon made that season the list's ("vụ Đông Xuân
    182 ha lúa; vụ Hè Thu 165 ha; bắp 6 ha": bắp's season?, but "Vụ Hè Thu: lúa 165 ha; bắp 6
    ha"). With none named, any whole-period word ("tổng" too)
    means the whole period, else the season of the block's earlier sentences or of the heading
    carries."""
    named = [(end, code) for end, code in cues.seasons if end <= pos]
    strong = _last_before(cues.wholes, pos)
    if named:
        end, code = named[-1]
        if strong > end:
            return seasons_mod.WHOLE, False
        weak = _last_before(cues.weak_wholes, pos)
        if weak > end and ";" in lower[end:weak]:
            # "…, trong đó lúa mùa 62 ha; lúa nương 58 ha; tổng sản lượng thóc 745,2 tấn": a
            # total in a later clause is of the whole period, not of the season named before
            return seasons_mod.WHOLE, False
        several = len({c for _, c in named}) > 1
        return code, several and ";" in lower[end:pos] and not _SEASON_COLON.match(lower, end)
    if strong >= 0 or _last_before(cues.weak_wholes, pos) >= 0 or state.block_whole:
        return seasons_mod.WHOLE, False
    if state.block_season:
        return state.block_season, True
    return state.season, False


def _spans(pattern: re.Pattern, text: str, s0: int, s1: int) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text, s0, s1)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    """True when pos lies in one of the (sorted, non-overlapping) spans."""
    i = bisect_right(spans, (pos, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def _last_before(ends: list[int], pos: int) -> int:
    """The largest end ≤ pos, or -1."""
    i = bisect_right(ends, pos)
    return ends[i - 1] if i else -1


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
    if count_numbers(text, MAX_SENTENCE_NUMBERS + 1, s0, s1) > MAX_SENTENCE_NUMBERS:
        # one entry for the whole sentence: its numbers are not read one by one
        skipped.append(Skipped(text[s0 : min(s1, s0 + 80)], s0, "crowded"))
        return
    nums = find_numerals(text, lower, s0, s1, vocab)
    cues = _sentence_cues(text, lower, s0, s1, vocab, figures=bool(nums))
    state.cues = cues
    reader = _Reader(text, lower, vocab, state, cues)
    denominators: dict[int, Numeral] = {}
    for a, b in zip(nums, nums[1:], strict=False):
        if _OF_TOTAL.fullmatch(text, a.end, b.start) and not _inside(a.start, cues.dates):
            denominators[a.start] = b
    denominator_starts = {b.start for b in denominators.values()}
    starts = [m.start for m in nums]
    prev: Proposal | None = None
    prev_end = s0
    state.list_left = ""
    _enter_or_leave_subpart(state, False)
    state.procedure_at = -1
    state.sentence_years = tuple(sorted(set(_YEAR.findall(lower, s0, s1))))
    state.sentence_start = s0
    minority = vocab.cues.get("ethnic_minority")
    state.sentence_minority = bool(minority and minority.search(lower, s0, s1))
    pos_scanned = s0
    sentence_taken: dict[tuple[str, str], float] = {}
    zeros = _zeros(text, lower, s0, s1, vocab)
    # a zero in words ends the left context of the figure after it ("tố cáo không, kiến nghị 3 đơn")
    zero_ends = sorted(z.end for z in zeros if z.value_written.lower() == "không")
    for i, n in enumerate(nums):
        if n.start < pos_scanned:  # read with the number before it ("128/130 ha")
            if n.start in denominator_starts:
                skipped.append(Skipped(n.text, n.start, "denominator"))
            continue
        reason = None
        if _inside(n.start, cues.dates):
            reason = "date"
        elif _inside(n.start, cues.ratios):
            reason = "ratio"
        elif n.start in denominator_starts:
            reason = "denominator"
        elif _is_document(lower, s0, n, vocab):
            reason = "document"
        elif _last_word_in(
            lower, max(s0, n.start - 20), n.start, vocab.cues["not_quantity_before"]
        ) and not _calendar_exception(lower, s0, n, vocab):
            reason = "calendar"
        elif _crop_cycles(lower, s0, n, vocab):
            reason = "calendar"  # "lúa 2 vụ", "đất ba vụ": cycles a year, part of the words
        if n.start in denominators:  # "128/130 ha": the unit is written after the plan/total
            d = denominators[n.start]
            n = replace(n, unit=d.unit, unit_text=d.unit_text, unit_end=d.unit_end)
            total = d
        else:
            total = None
        implied = False
        if reason is None and n.unit is None:
            unit = _implied_unit(lower, s0, prev_end, n, vocab) or _unit_of_list_head(
                lower, nums, i
            )
            if unit:
                n, implied = replace(n, unit=unit, unit_end=n.end), True
            else:
                reason = "no_unit"
        if reason is None:
            n = _per_head(lower, prev_end, n, vocab)
            reason = _distractor(lower, s0, prev_end, n, vocab, state, cues)
        if reason:
            skipped.append(Skipped(n.text, n.start, reason))
            continue
        j = bisect_left(starts, n.span_end, i + 1)
        nxt = starts[j] if j < len(starts) else s1
        start = max(prev_end, n.start - MAX_LEFT_CHARS, _last_before(zero_ends, n.start + 1))
        p, consumed = _resolve(reader, _Number(n, s0, s1, start, nxt, prev, total))
        if isinstance(p, Proposal):
            p = _classify(p, lower, prev_end, n, vocab, state, implied, sentence_taken, prev)
        elif p == "no_indicator" and (
            whole := _sum_of_parts(text, lower, prev_end, n, vocab, sentence_taken, prev)
        ):
            p = whole  # "kỳ trước chuyển sang 214 hồ sơ, tiếp nhận mới 9.632, tổng số 9.846 hồ sơ"
        elif (
            p == "no_indicator" and total is not None and (of := _total_of_counted(text, n, total))
        ):
            p = of  # "5/29 thôn đạt chuẩn": 29 villages in all, reviewed
        elif p == "no_indicator" and _one_ethnic_group(
            vocab, lower, state, _ETHNIC_UNIT_TOTALS.get(n.unit or "", ""), n.start
        ):
            p = "ethnic_group"  # "Dân tộc Thái có 1.240 hộ": the reason a person can act on
        if isinstance(p, str):
            skipped.append(Skipped(n.text, n.start, p))
        else:
            found.append(p)
            if total is not None and (of := TOTAL_OF_PART.get(p.indicator)):
                found.append(_total_of(p, of, total))
            elif total is None and (twin := _received_and_resolved(lower, prev_end, n, p)):
                found.append(twin)
            state.taken.setdefault((p.indicator, p.season), p.value)
            sentence_taken.setdefault((p.indicator, p.season), p.value)
            prev = p
        prev_end = max(n.span_end, consumed)
        pos_scanned = n.span_end
    found.extend(zeros)
    if words := _partial_harvest_in(vocab, lower[s0:s1]):
        state.partial_harvest = words  # for the yields of the next sentences of the block
    # subjects named after the last figure carry to what follows ("Lâm nghiệp: … rừng …")
    last = None
    for m in vocab.subject_re.finditer(lower, prev_end, s1):
        last = vocab.subject_at(m.group()) or last
    if last:
        state.carry, state.carry_block, state.carry_part = last, state.block, ""
    _enter_or_leave_subpart(state, False)
    last_season = cues.seasons[-1][0] if cues.seasons else -1
    last_whole = max(cues.wholes[-1] if cues.wholes else -1, _last_before(cues.weak_wholes, s1))
    if last_whole > last_season:  # "Tính chung cả năm, …": what follows is the whole period
        state.block_season, state.block_whole, state.season = "", True, ""
    elif cues.seasons:
        state.block_season, state.block_whole = cues.seasons[-1][1], False
        state.season_subject = state.carry


#: A total a sentence states right after its parts, by the words "tổng số", "tổng cộng" alone:
#: total ← the parts it is the sum of (the catalogue's rule of the same name).
TOTAL_OF_PARTS = {"dossiers_to_handle": ("dossiers_carried_over", "dossiers_received")}
#: The words alone that introduce such a total.
_TOTAL_WORDS = re.compile(r"[\s,;:(]*(?:và\s+)?(?:tổng số|tổng cộng|tổng|cộng)(?:\s+là|\s+có)?\s*$")


def _sum_of_parts(
    text: str,
    lower: str,
    prev_end: int,
    n: Numeral,
    vocab: Vocabulary,
    taken: dict[tuple[str, str], float],
    prev: Proposal | None,
) -> Proposal | None:
    """A number named only "tổng số" after its parts in the sentence, equal to their sum: the
    total they make ("tiếp nhận mới 9.632 hồ sơ, kỳ trước chuyển sang 214 hồ sơ, tổng số 9.846
    hồ sơ" → dossiers_to_handle); the evidence checks then decide whether it is reviewed. None
    when the words say more than "tổng số" or the number is not the sum."""
    if prev is None or n.unit is None or not _TOTAL_WORDS.fullmatch(lower, prev_end, n.start):
        return None
    for total, parts in TOTAL_OF_PARTS.items():
        ind = catalogue()[total]
        if _dimension(n.unit) != _dimension(ind.unit):
            continue
        values = [taken.get((code, "")) for code in parts]
        if None in values:
            continue
        value = n.value * conversion_factor(n.unit, ind.unit)
        if _same(sum(values), value):
            start, end = _quote_span(text, prev_end, n, n.span_end)
            return replace(
                prev,
                indicator=total,
                value=round(value, 9),
                unit=ind.unit,
                value_written=n.text,
                unit_written=n.unit_text,
                quote=text[start:end],
                start=start,
                end=end,
                number_start=n.start,
                note=f"tổng của {' + '.join(parts)} nêu trước trong câu",
                read_as=n.how_read,
                season="",
                klass="explicit",
                reasons=(),
            )
    return None


#: "tiếp nhận và giải quyết 1.326 hồ sơ": the count received is also the count resolved.
RESOLVED_WITH = {
    "dossiers_received": "dossiers_resolved",
    "petitions_received": "petitions_resolved",
}
_RECEIVED_AND_RESOLVED = re.compile(
    r"(?<!\w)tiếp nhận\s*(?:,|và)\s*(?:đã\s+)?(?:giải quyết|xử lý)(?:\s+(?:xong|được))?\s*$"
)
RESOLVED_WITH_REASON = (
    '"tiếp nhận và giải quyết": số đã giải quyết ghi bằng số tiếp nhận — kiểm tra đã giải '
    "quyết hết chưa"
)


def _received_and_resolved(lower: str, prev_end: int, n: Numeral, p: Proposal) -> Proposal | None:
    """The resolved twin of a count received "and resolved" in one verb phrase, reviewed."""
    code = RESOLVED_WITH.get(p.indicator)
    if code is None or not _RECEIVED_AND_RESOLVED.search(
        lower, max(prev_end, n.start - 60), n.start
    ):
        return None
    return replace(
        p,
        indicator=code,
        klass="doubt",
        reasons=(*p.reasons, RESOLVED_WITH_REASON),
        confidence=round(min(p.confidence, REVIEW_THRESHOLD - 0.05), 2),
    )


def _total_of(p: Proposal, indicator: str, total: Numeral) -> Proposal:
    """The total after "/" of a part read with it ("hòa giải thành 5/6 vụ việc": 6 cases)."""
    ind = catalogue()[indicator]
    value = total.value * conversion_factor(total.unit or ind.unit, ind.unit)
    note = f"số sau dấu / ({total.text}) là tổng số của {p.indicator}"
    return replace(
        p,
        indicator=indicator,
        value=round(value, 9),
        value_written=total.text,
        number_start=total.start,
        note=note,
        read_as=total.how_read,
    )


#: Units in which the total after "/" of an unnamed part is the commune's own total ("5/29
#: thôn đạt chuẩn nông thôn mới": 29 villages): unit → indicator.
TOTAL_OF_COUNTED = {"thôn": "villages"}
TOTAL_OF_PART_REASON = (
    "số sau dấu / của một phần ({part}/{total}): có phải tổng số của cả xã không? — kiểm tra"
)


def _total_of_counted(text: str, n: Numeral, total: Numeral) -> Proposal | None:
    """The total after "/" of a part no rule names, when its unit counts the commune's own
    units ("5/29 thôn đạt chuẩn": 29 villages): reviewed, the part may be of a subset."""
    code = TOTAL_OF_COUNTED.get(total.unit or "")
    if code is None or total.value < n.value:
        return None
    return Proposal(
        code,
        total.value,
        catalogue()[code].unit,
        total.text,
        total.unit_text,
        text[n.start : total.span_end],
        n.start,
        total.span_end,
        CONF_CARRIED_FAR,
        f"số sau dấu / ({total.text}) là tổng số",
        total.how_read,
        number_start=total.start,
        klass="total_of_part",
        reasons=(TOTAL_OF_PART_REASON.format(part=n.text, total=total.text),),
    )


def _crop_cycles(lower: str, s0: int, n: Numeral, vocab: Vocabulary) -> bool:
    """ "diện tích lúa 2 vụ là 410 ha": "2 vụ" right after a crop or "đất" counts the crops a
    year, not cases; it stays in the words of the figure after it."""
    if n.unit != "vụ" or lower.startswith("việc", n.span_end + 1):
        return False
    before = lower[max(s0, n.start - 20) : n.start].rstrip()
    words = before.split()
    if not words:
        return False
    return words[-1] == "đất" or bool(
        (m := list(vocab.subject_re.finditer(before))) and m[-1].end() == len(before)
    )


def _calendar_exception(lower: str, s0: int, n: Numeral, vocab: Vocabulary) -> bool:
    """ "cả năm 420 ha", "cây điều 200 ha": the calendar word belongs to a longer phrase."""
    before = lower[max(s0, n.start - 30) : n.start].rstrip(" \t:")
    if re.search(rf"(?:{vocab.cues['not_calendar'].pattern})$", before):
        return True
    if n.unit and _dimension(n.unit) in BARE_DIMENSIONS and vocab.bare_subject(before):
        return True  # "điều 520 ha": cashew, not an article of a law
    return any(m.end() == len(before) for m in vocab.subject_re.finditer(before))


def _implied_unit(lower: str, s0: int, prev_end: int, n: Numeral, vocab: Vocabulary):
    """ "các hồ sơ …, có tổng số 2.760," — a count with its unit named before "tổng số"."""
    a = max(prev_end, n.start - MAX_LEFT_CHARS)
    tail = _tail_words(lower, a, n.start, IMPLIED_WORDS)
    if vocab.cues["implied_total"].search(_tail_words(lower, a, n.start, 3)):
        left = lower[a : n.start]  # "các hồ sơ …, có tổng số 2.760"
    else:
        left = tail  # "hồ sơ trực tuyến 2.980": the unit named just before
    after = lower[n.end : n.end + 2]
    if after[:1].isalnum() or after.strip()[:1] in ("%", "/"):
        return None
    found = None
    for m in vocab.unit_re.finditer(left):
        unit = vocab.unit_of.get(" ".join(m.group().split()))
        if unit and _dimension(unit) in IMPLIED_DIMENSIONS:
            found = unit
    return found


#: What opens a list of the parts of the count before it: "(", "trong đó", "gồm", ":".
_PARTS_OPEN = re.compile(r"\(|:|(?<!\w)(?:trong đó|gồm|gồm có|bao gồm|phân loại)(?!\w)")
#: Words of one part named before its bare number ("khiếu nại 5", "trực tuyến 2.190").
PART_NAME_WORDS = 4


def _unit_of_list_head(lower: str, nums: list[Numeral], i: int) -> str | None:
    """The count unit of the figure that opens a list of its parts, for a bare number of that
    list: "tiếp nhận 27 đơn, trong đó khiếu nại 5, tố cáo 1, kiến nghị 21" (đơn), "tiếp nhận
    2.418 hồ sơ (trực tuyến 2.190, trực tiếp 228)" (hồ sơ). Only dossiers and petitions; the
    list ends at ";", "." or a closed bracket, and each part is named by a few words."""
    n = nums[i]
    after = lower[n.end : n.end + 2]
    if after[:1].isalnum() or after.strip()[:1] in ("%", "/"):
        return None
    head = next((m for m in reversed(nums[:i]) if m.unit is not None), None)
    if head is None or _dimension(head.unit) not in IMPLIED_DIMENSIONS:
        return None
    between = lower[head.span_end : n.start]
    opened = _PARTS_OPEN.search(between)
    if opened is None or re.search(r";|\.(?!\d)", between) or ")" in between[opened.start() :]:
        return None
    if opened.group() == "(" and ")" not in lower[n.end : n.end + 80]:
        return None
    # each item since the opener: a few words, then its bare number
    items = re.split(r"[,(:]|(?<!\w)(?:và|trong đó)(?!\w)", between[opened.end() :])
    name = items[-1].strip(_STRIP) if items else ""
    if not name or len(name.split()) > PART_NAME_WORDS or re.search(r"\d", name):
        return None
    return head.unit


#: A count unit this close before a bare number is its unit ("hồ sơ trực tuyến 2.980").
IMPLIED_WORDS = 4
#: Dimensions in which an unnamed figure may be inferred from its place in a list of the sector
#: ("105.000 con" after trâu bò and lợn: gia cầm); an area or a mass is never inferred.
INFERRED_DIMENSIONS = ("head",)
#: Dimensions whose measure word ("giá trị sản xuất") may open a sentence that then lists each
#: subject beside its number.
LISTED_MEASURE_DIMENSIONS = ("money",)
#: "a/b" counts read as a part of a total ("giải quyết 120/125 hồ sơ"); in other units an a/b
#: is the progress of a plan ("đã gieo sạ 402/410 ha"), reviewed — unless the plan is reached
#: ("53,5/52 ha": the result, the plan after it).
PROGRESS_OK_DIMENSIONS = ("dossier", "petition", "case", "percent")
#: "1.809,5/75 triệu đồng": a result this many times its plan is not read as plainly reached.
FAR_BEYOND = 1.5
#: A part named by a word alone right after its total in the same sentence ("hòa giải 8 vụ,
#: thành 6 vụ"): total → (part, the words).
PART_AFTER_TOTAL = {
    "mediation_cases": (
        "mediation_successful",
        re.compile(r"(?:trong đó\s+)?(?:thành|thành công)"),
    ),
}
#: A commune's area is written in km² ("có diện tích 32,6 km2", "rộng 281,7 km²").
AREA_OF_COMMUNE_UNIT = "km2"
_AREA_WORDS = re.compile(r"(?<!\w)(?:diện tích|rộng|rộng hơn|rộng gần)(?!\w)")
#: Where the own clause of a count opens: punctuation, or "với", "có", "gồm" ("là xã vùng cao
#: của huyện với 6 thôn").
_CLAUSE_OPENS = re.compile(r"[,;:(]|(?<=\s)(?:với|có|gồm)(?=\s)")
#: Counts whose unit says what they are once their sentence names the activity ("lượt" in a
#: sentence about receiving citizens): the rule is read in the whole sentence so far.
SENTENCE_NAMED_DIMENSIONS = ("visit",)
#: Counts named by their unit alone ("12 bản") whose rule is read in the number's own clause
#: when words of an earlier clause exclude it.
CLAUSE_ONLY_DIMENSIONS = ("village",)
#: Units in which a bare subject word right before the number names it ("điều 520 ha").
BARE_DIMENSIONS = ("area", "mass", "yield")
#: Counts whose unit a sentence may name once before a bare number (hồ sơ, đơn).
IMPLIED_DIMENSIONS = ("dossier", "petition")


def _is_document(lower: str, s0: int, n: Numeral, vocab: Vocabulary) -> bool:
    if n.unit is None and _DOC_AFTER.match(lower, n.end):
        return True
    before = lower[max(s0, n.start - 30) : n.start]
    if n.unit is not None and _as_planned(vocab, before):
        return False  # "khai thác theo kế hoạch 412 ha": no document number
    return bool(re.search(rf"(?:{vocab.cues['document'].pattern})(?:\s+số)?\s*$", before))


def _as_planned(vocab: Vocabulary, before: str) -> str:
    """ "theo kế hoạch" right before a number ("khai thác theo kế hoạch 412 ha"): done as
    planned, an actual figure rather than the plan — the words, or "" when not."""
    m = re.search(rf"(?:{vocab.cues['as_planned'].pattern})\W*$", before)
    return m.group().strip() if m else ""


def _last_word_in(lower: str, a: int, b: int, cue: re.Pattern) -> bool:
    tail = lower[a:b].rstrip()
    m = re.search(r"[^\W\d_]+$", tail)
    return bool(m) and bool(cue.fullmatch(m.group()))


def _tail_words(lower: str, a: int, b: int, k: int) -> str:
    a = max(a, b - 40 * k)
    words = lower[a:b].split()
    return " ".join(words[-k:]) if words else ""


def _distractor(
    lower: str,
    s0: int,
    prev_end: int,
    n: Numeral,
    vocab: Vocabulary,
    state: _State,
    cues: _Cues,
) -> str | None:
    if state.plan_section:
        return "target"
    strong = _last_before(cues.targets, n.start)
    weak = _last_before(cues.weak_targets, n.start)
    end = _last_before(cues.target_ends, n.start)
    result = _last_before(cues.result_ends, n.start)
    if strong >= 0 and end < strong:
        return "target"
    if weak >= 0 and max(end, result) < weak and ";" not in lower[weak : n.start]:
        return "target"  # a weak target word ends with its clause
    tail = _tail_words(lower, prev_end, n.start, 3)
    if re.search(
        rf"(?:{vocab.cues['plan_before'].pattern})\W*$", _tail_words(lower, prev_end, n.start, 2)
    ) and not _as_planned(vocab, _tail_words(lower, prev_end, n.start, 4)):
        return "target"  # "221 ha/KH 225,5 ha": the plan
    tail = vocab.cues["estimate"].sub(" ", vocab.cues["approximate"].sub(" ", tail))
    if vocab.cues["change_before"].search(tail) and not _level_after_change(vocab, tail):
        return "change"
    if _range_end(lower, s0, n, vocab):
        return "range"
    clause = re.split(r"[,;:.()]", _tail_words(lower, prev_end, n.start, DAMAGE_WORDS))[-1]
    # "… so với cùng kỳ năm 2023 (2.900 con)": a bracket goes on with the words before it
    tail = _tail_words(lower, prev_end, n.start, DAMAGE_WORDS)
    between = _previous_between(vocab, re.split(r"[,;:.)]", tail)[-1])
    if between is not None and len(between.split()) <= PREVIOUS_WORDS:
        named = (vocab.subject_at(m.group()) for m in vocab.subject_re.finditer(between))
        if not any(k and k not in vocab.groups for k in named):  # "năm trước cấy 515 ha"
            return "previous"  # "(cùng kỳ năm 2023 là 410 ha)", "cùng kỳ năm trước tiếp nhận …"
    if n.unit == "%":
        after = lower[n.span_end : n.span_end + 30].lstrip(" \t,")
        if vocab.cues["comparison_after"].match(after):
            return "percent_of_plan"
    per_head_unit = _dimension(n.unit) in per_head_dimensions(vocab)
    if per_head_unit and _PER_MONTH.match(lower, n.span_end):
        return "per_head"  # "4,2 triệu đồng/người/tháng": a month's, not the year's per head
    if _PER_AFTER.match(lower, n.span_end) and n.unit != "%" and not per_head_unit:
        return "per_head"
    near = lower[max(prev_end, n.start - 60) : n.start]
    if vocab.cues["per_head"].search(near) and not per_head_unit:
        return "per_head"
    if vocab.cues["damage"].search(clause) or vocab.cues["damage"].match(_after_unit(lower, n)):
        return "damage"  # "… bị thiệt hại 35 ha", "65 ha bị ngập úng"
    if _dimension(n.unit) == "head" and vocab.cues["treated_animals"].search(clause):
        return "treated"  # "tiêm phòng cho 3.500 con trâu, bò": not the herd
    if _dimension(n.unit) == "mass" and vocab.cues["traded_mass"].search(clause):
        return "traded"  # "thu mua 120 tấn lúa", "cung ứng 15 tấn phân bón": not an output
    return None


#: "/tháng", "/quý" after a per-head unit: of a month or a quarter, not the year's.
_PER_MONTH = re.compile(r"\s*/\s*(?:tháng|quý)(?!\w)")


def _group_listed(vocab: Vocabulary, lower: str, s0: int, at: int, own: str) -> str:
    """The ethnic group a count of people is of when the words before it only name it in a list
    ("Xã có 3 dân tộc cùng sinh sống: Kinh 1.200 người, Tày 850 người": a group's name alone, in
    a sentence that named the ethnic groups before it) or only link it to the group named before
    in its clause ("Đồng bào Thái chiếm 78% dân số với 4.120 người"): "dân tộc <name>", or ""."""
    names = vocab.cues.get("ethnic_group_names")
    group = vocab.cues.get("ethnic_group")
    if names is None or group is None:
        return ""
    clause = re.split(r"[,;:(]", own)[-1].strip(_STRIP + " ")
    if _continues(own):
        start = max(s0, lower.rfind(";", s0, at) + 1)
        text = re.sub(r"\([^()]*\)", lambda m: " " * len(m.group()), lower[start:at])
        found = list(group.finditer(text))  # "(trong đó 7 làng đồng bào Jrai)" names no one
        coded = [
            r
            for code in vocab.cue_terms.get("ethnic_group_codes", ())
            for r in vocab.rules_by_indicator.get(code, ())
        ]
        if (
            len(found) == 1
            and any(r.matches(found[0].group()) for r in coded)
            and not re.search(r"\d[\d.,]*\s*(?:người|khẩu|nhân khẩu|hộ)", text[found[0].end() :])
        ):
            return found[0].group()
        return ""
    if not clause or not names.fullmatch(clause):
        return ""
    before = lower[s0 : max(s0, lower.rfind(clause, s0, at))]
    return "dân tộc " + clause if re.search(r"(?<!\w)(?:dân tộc|đồng bào)(?!\w)", before) else ""


def _level_after_change(vocab: Vocabulary, tail: str) -> bool:
    """True when the words right before the number say the level a change reached ("tỷ lệ hộ
    nghèo giảm còn 3,2%", "giảm xuống còn 142 hộ"): the figure is the level, not the change."""
    cue = vocab.cues.get("change_to_level")
    return bool(cue and re.search(rf"(?:{cue.pattern})\W*$", tail))


def per_head_dimensions(vocab: Vocabulary) -> frozenset[str]:
    """The dimensions of the per-head units (income per person, grain per person): a figure in
    them is per head by its unit, and its per-head words are its own name."""
    return frozenset(_dimension(u) for u, _, _ in vocab.per_head_units)


#: Characters before a number searched for the per-person words of a per-head figure.
PER_HEAD_CHARS = 60


def _per_head(lower: str, prev_end: int, n: Numeral, vocab: Vocabulary) -> Numeral:
    """The numeral read in a per-head unit when it is written in the plain unit of one right
    after per-person words that name what it is of ("thu nhập bình quân đầu người đạt 52 triệu
    đồng" → 52 triệu đồng/người/năm); else unchanged. Its written unit stays as written."""
    if n.unit is None or not vocab.per_head_units:
        return n
    near = lower[max(prev_end, n.start - PER_HEAD_CHARS) : n.start]
    person = vocab.cues.get("per_person")
    if person is None or not person.search(near):
        return n
    for unit, plain, words in vocab.per_head_units:
        if _dimension(n.unit) == _dimension(plain) and words.search(near):
            value = n.value * conversion_factor(n.unit, plain)
            return replace(n, unit=unit, value=round(value, 9))
    return n


def _after_unit(lower: str, n: Numeral) -> str:
    """The words right after a number's unit, up to punctuation (at most 40 characters)."""
    after = lower[n.span_end : n.span_end + 40]
    return _PUNCT.split(after, maxsplit=1)[0].lstrip()


#: At most this many words between "cùng kỳ" and a number make it the earlier period's figure
#: (set aside); more, or a subject named between them, make it only doubtful (reviewed).
PREVIOUS_WORDS = 4


def _previous_between(vocab: Vocabulary, clause: str) -> str | None:
    """The words between the last "cùng kỳ", "năm trước"… of a clause and its end (None when
    the clause names no earlier period; "kỳ trước chuyển sang" names the dossiers carried)."""
    found = None
    for m in vocab.cues["previous_before"].finditer(clause):
        if not vocab.cues["previous_ok_after"].match(clause[m.end() :].lstrip()):
            found = clause[m.end() :]
    return found


#: Characters read around a number for the other end of a range ("từ 800 đến 1.000 hồ sơ").
RANGE_CHARS = 40


def _range_end(lower: str, s0: int, n: Numeral, vocab: Vocabulary) -> bool:
    """True when the number is one end of a range ("từ 5 - 7 tấn/ha", "từ 55 đến 60 tạ/ha") or
    the old value of a change ("từ 1.200 hộ lên 1.350 hộ"); the new value is kept."""
    links = vocab.cues["range_links"].pattern
    before = lower[max(s0, n.start - RANGE_CHARS) : n.start]
    if re.search(rf"\d[\d.,]*\s*(?:[^\W\d_]+\s*){{0,2}}(?:{links})\s*$", before):
        return True  # the upper end
    if not re.search(r"(?<!\w)từ\s*$", before):
        return False
    after = lower[n.span_end : n.span_end + RANGE_CHARS]
    return bool(
        re.match(
            rf"\s*(?:[^\W\d_]+\s*){{0,2}}(?:{links}|(?<!\w)(?:lên|xuống)(?:\s+còn)?(?!\w))\s*\d",
            after,
        )
    )


#: "năm 2022", "năm 2024": a sentence naming two years may hold another year's figure.
_YEAR = re.compile(r"(?<!\w)năm\s+((?:19|20)\d\d)(?!\d)")
_COMMA_GOES_ON = re.compile(r"\s*(?:" + vocabulary().cues["comma_continues"].pattern + ")")


def _right(lower: str, n: Numeral, nxt: int, s1: int) -> tuple[int, bool]:
    """End of the words right after the unit, and whether they can be read (they end at
    punctuation, not at the next number, and are short)."""
    stop = min(s1, max(nxt, n.span_end))
    if _YEAR_NEXT.match(lower, stop) and lower[max(n.span_end, stop - 5) : stop].rstrip().endswith(
        "năm"
    ):
        # "2 đơn chuyển sang năm 2013 tiếp tục giải quyết": a year is part of the words after
        closing = _PUNCT.search(lower, stop, s1)
        stop = closing.end() if closing else s1
    pm = _PUNCT.search(lower, n.span_end, stop)
    while pm and pm.group() == "," and _COMMA_GOES_ON.match(lower, pm.end(), stop):
        pm = _PUNCT.search(lower, pm.end(), stop)  # "8 đơn khiếu nại, tố cáo"
    end = pm.start() if pm else stop
    linked = None if pm else _LINK_BEFORE_NEXT.search(lower, n.span_end, stop)
    if linked:  # "gồm 15 đơn kiến nghị, phản ánh và 5 đơn khiếu nại": ends at "và"
        end = linked.start()
    short = len(lower[n.span_end : end].split()) <= MAX_RIGHT_WORDS
    usable = (pm is not None or stop == s1 or linked is not None) and short
    return end, usable


#: Words before a number that name nothing of it ("ngoài ra, có 6 đơn do …").
_EMPTY_LEFT = frozenset({"", "có", "và", "với", "cùng", "là"})


def _long_right(lower: str, a: int, b: int) -> str:
    """The words after a unit up to the first punctuation, when they are too many to name the
    figure (else "")."""
    pm = _PUNCT.search(lower, a, b)
    words = lower[a : pm.start() if pm else b]
    return words if len(words.split()) > MAX_RIGHT_WORDS else ""


_YEAR_NEXT = re.compile(r"(?:19|20)\d\d(?!\d)")


#: A linking word right before the next number ends the words after a unit.
_LINK_BEFORE_NEXT = re.compile(r"\s(?:và|với|cùng)\s*$")


def _subject(vocab: Vocabulary, lower: str, a: int, b: int, last: bool) -> str | None:
    """The subject named in lower[a:b] (the last or the first); a group ("gieo trồng",
    "lương thực") yields to a specific subject beside it ("cây ngô gieo trồng 5 ha")."""
    found = [
        (vocab.subject_at(m.group()), m.start()) for m in vocab.subject_re.finditer(lower, a, b)
    ]
    found = [(h, at) for h, at in found if h]
    if not found:
        return None
    hits = [h for h, _ in found]
    chosen = hits[-1] if last else hits[0]
    # a specific subject of an earlier clause (before ";") is not "beside" the group: "…, bưởi,
    # nhãn; tổng diện tích cây ăn quả toàn xã là 1.401 ha" is the fruit area
    clause = lower.rfind(";", a, b) + 1 if last else a
    specific = [h for h, at in found if h not in vocab.groups and at >= clause]
    if specific and chosen in vocab.groups:
        return specific[-1] if last else specific[0]
    return chosen


#: "gieo cấy" (rice) and "gieo trồng" (all crops): the subjects of data/catalogue/ingest_terms.yml
TRANSPLANTED, SOWN = "transplanted", "sown"


def _parts_beyond_rice(vocab: Vocabulary, lower: str, a: int, s1: int) -> bool:
    """True when a sub-count after a "gieo cấy" figure names a crop other than rice: the figure
    is then the area sown to all crops."""
    sub = vocab.cues["subcount"].search(lower, a, s1)
    if sub is None:
        return False
    rice = {"rice", "rice_part", TRANSPLANTED}
    named = (vocab.subject_at(m.group()) for m in vocab.subject_re.finditer(lower, sub.end(), s1))
    return any(k and k not in rice and k in vocab.subjects for k in named)


def _listed_before(r: _Reader, x: _Number, dimension: str) -> bool:
    """True when the sentence gave a figure of the same dimension before this number, and no
    per-head word: the number goes on a list of values ("… 210 tỷ đồng, trong đó trồng trọt 132
    tỷ đồng"), not "giá trị sản xuất bình quân trên 1 ha đất trồng trọt 125 triệu đồng"."""
    cues = r.vocab.cues
    if cues["per_head"].search(r.lower, x.s0, x.n.start) or cues["average"].search(
        r.lower, x.s0, x.n.start
    ):
        return False
    before = find_numerals(r.text, r.lower, x.s0, x.n.start, r.vocab)
    return any(b.unit and _dimension(b.unit) == dimension for b in before)


def _sector_list(vocab: Vocabulary, left: str) -> bool:
    """True when the words before a number list two sectors or more ("trồng trọt, chăn nuôi",
    "nông nghiệp (trồng trọt, chăn nuôi, lâm nghiệp)"): a value of them all."""
    sectors = vocab.cues["sector_words"]
    hits = list(sectors.finditer(left))
    for a, b in zip(hits, hits[1:], strict=False):
        if a.group() != b.group() and _LIST_GAP.fullmatch(left, a.end(), b.start()):
            return True
    return False


#: What separates the items of a list of sectors.
_LIST_GAP = re.compile(r"\s*(?:,|và|-|–|;|\(|&|cùng)?\s*")


def _last_subject_end(vocab: Vocabulary, lower: str, a: int, b: int) -> int:
    """Where the last subject named in lower[a:b] ends (b when none)."""
    ends = [m.end() for m in vocab.subject_re.finditer(lower, a, b) if vocab.subject_at(m.group())]
    return ends[-1] if ends else b


def _governing(vocab: Vocabulary, clause: str) -> str:
    """The clause before a number without the qualifier that ends it: in "trồng lại rừng sau
    khai thác 385 ha" the activity is "trồng lại rừng"; "sau khai thác" does not govern. A
    phrase of time ("chuyển kỳ sau") is no qualifier; a clause that is only a qualifier stays."""
    cut = max(clause.rfind(c) for c in ",;:()|")
    for m in reversed(list(vocab.cues["qualifier_opens"].finditer(clause, cut + 1))):
        before = clause[cut + 1 : m.start()].split()
        if len(clause[m.end() :].split()) > QUALIFIER_WORDS:
            break
        if not before or vocab.cues["qualifier_not_after"].fullmatch(before[-1]):
            continue
        return clause[: m.start()]
    return clause


#: A qualifier ("sau khai thác", "do mưa lũ") is at most this many words before its number.
QUALIFIER_WORDS = 4


def _own_clause(vocab: Vocabulary, left: str) -> str:
    """The left context with the deadline words of earlier clauses blanked: in "chưa có hồ sơ
    trễ hạn; còn 24 hồ sơ" the 24 are not overdue ("trễ hạn" ends at ";" or ",")."""
    cue = vocab.cues.get("overdue_words")
    cut = max(left.rfind(";"), left.rfind(","))
    if cue is None or cut < 0:
        return left
    return cue.sub(lambda m: " " * len(m.group()), left[:cut]) + left[cut:]


def _status_after(vocab: Vocabulary, lower: str, end: int, s1: int) -> tuple[str, int]:
    """The deadline words of the short clause right after a figure ("…, đều chưa đến hạn"),
    when that clause names no count of its own (no number, no "hồ sơ", no "không có"), and the
    end of that clause (0 when there are none)."""
    cue = vocab.cues.get("status_after")
    if cue is None or lower[end : end + 1] != ",":
        return "", 0
    stop = _PUNCT.search(lower, end + 1, s1)
    clause_end = stop.start() if stop else s1
    clause = lower[end + 1 : clause_end]
    if re.search(r"\d|hồ sơ", clause) or vocab.cues["zero"].search(clause):
        return "", 0
    words = "".join(" " + m.group() for m in cue.finditer(clause))
    return words, (clause_end if words else 0)


def _after_own_unit(vocab: Vocabulary, n: Numeral) -> int:
    """Where the subject written after a number is looked for: right after the number, so that
    a unit holding a subject counts ("1.450 tấn quả tươi"); after the unit when the unit as
    written is itself a subject's word ("9 khóm" are villages, "80 ha khóm" is pineapple)."""
    if vocab.subject_at(n.unit_text.lower()):
        return n.span_end
    return n.end


def _subject_after(vocab: Vocabulary, lower: str, n: Numeral) -> tuple[str, int] | None:
    """The subject written right after the unit ("450 ha bắp và …") and the end of its words,
    or None when the words after the unit do not open with a subject."""
    pos = n.span_end
    while pos < len(lower) and lower[pos] in " \t":
        pos += 1
    m = vocab.subject_re.match(lower, pos)
    if not m or not (key := vocab.subject_at(m.group())):
        return None
    return key, m.end()


def _dimension(unit: str) -> str:
    return units()[unit].dimension


def _rules_for(vocab: Vocabulary, dimension: str) -> list[Rule]:
    return vocab.rules_by_dimension.get(dimension, [])


@dataclass(frozen=True)
class _Reader:
    """What every number of a sentence is read with: the document's text (as written and
    lower-cased), the vocabulary, the reading state and the sentence's cues."""

    text: str
    lower: str
    vocab: Vocabulary
    state: _State
    cues: _Cues


@dataclass(frozen=True)
class _Number:
    """One number with a unit and where it sits: its sentence [s0, s1), the start of its left
    context (the previous figure, at most MAX_LEFT_CHARS back), the next number's start, the
    figure before it in the sentence and, in "128/130 ha", the plan or total after "/"."""

    n: Numeral
    s0: int
    s1: int
    start: int
    nxt: int
    prev: Proposal | None = None
    total: Numeral | None = None


@dataclass(frozen=True)
class _Words:
    """The words read around a number: its left context, the words right after its unit (when
    readable), the text its rules are matched against, the subject written beside it, the unit
    it is read in (a yield unit written for an output is read as the mass) and where reading
    ended."""

    left: str
    right_end: int
    right_ok: bool
    area: str
    local: str | None
    unit: str
    dimension: str
    consumed: int
    status_end: int
    notes: tuple[str, ...] = ()
    #: the words after the unit when too long to name the figure: they can still exclude a
    #: rule ("3 đơn hướng dẫn công dân gửi đến cơ quan có thẩm quyền" are no count of them)
    beyond: str = ""


def _resolve(r: _Reader, x: _Number) -> tuple[Proposal | str, int]:
    """The proposal for one number with a unit (or the reason it is not one), and the end of
    the text it read."""
    state = r.state
    left = r.lower[x.start : x.n.start]
    _enter_or_leave_subpart(state, _in_subpart(r.vocab, left, state.subpart))
    p, local, consumed = _resolve_one(r, x)
    if not (_continues(left) or x.n.unit == "%"):  # "(chiếm 44,9%) với 8.245 khẩu": a share
        state.list_left = left  # in brackets does not open a list
    if local:
        state.carry, state.carry_block = local, state.block
    return p, consumed


def _enter_or_leave_subpart(state: _State, inside: bool) -> None:
    """ "…, trong đó đậu phộng 215 ha, năng suất 3,5 tấn/ha": within a sub-count the part named
    carries; once it closes (";", ")") the subject before it carries again, and what is read
    with it is reviewed ("trong đó lúa chất lượng cao 1.040 ha; năng suất 63,8 tạ/ha": of all
    the rice, or of the part?)."""
    if inside and not state.subpart:
        state.carry_outer = state.carry
    elif state.subpart and not inside:
        if state.carry_outer and state.carry != state.carry_outer:
            state.carry_part, state.carry = state.carry or "", state.carry_outer
        state.carry_outer = None
    state.subpart = inside


def _in_subpart(vocab: Vocabulary, left: str, before: bool) -> bool:
    """True while figures are the parts of a total ("trong đó …", "(lúa ruộng 706 ha, lúa nương
    238 ha)"): from a sub-count word or "(" to ")" or ";"."""
    subs = (m.end() for m in vocab.cues["subcount"].finditer(left))
    opened = max(left.rfind("("), max(subs, default=-1))
    closed = max(left.rfind(")"), left.rfind(";"))
    if opened >= 0 or closed >= 0:
        return opened > closed
    return before


def _resolve_one(r: _Reader, x: _Number) -> tuple[Proposal | str, str | None, int]:
    """One number: its words, the rule that names its indicator, the proposal (or the reason
    it is none); with the subject written beside it and the end of what was read."""
    words = _read_words(r, x)
    if isinstance(words, tuple):
        return words
    season_here, season_carried = _season_before(r.cues, r.state, r.lower, x.n.start)
    found = _find_rule(r, x, words, season_here)
    if isinstance(found, str):
        return found, words.local, words.consumed
    rule, conf, how, notes = found
    p = _proposal(r, x, words, rule, conf, how, notes, season_here, season_carried)
    return p, words.local, words.consumed


def _read_words(r: _Reader, x: _Number) -> _Words | tuple[str, None, int]:
    """The words around a number (see _Words), or a skip reason when the words alone set it
    aside: a mass after "năng suất" (yield or output?), a dossier of one procedure."""
    lower, vocab, state, n = r.lower, r.vocab, r.state, x.n
    left = lower[x.start : n.start]
    right_end, right_ok = _right(lower, n, x.nxt, x.s1)
    right = lower[n.span_end : right_end] if right_ok else ""
    # the scope of the sentence so far ("Riêng các hồ sơ thuộc thẩm quyền cấp xã, …")
    scope = " ".join(ph for end, ph in r.cues.scopes if end <= n.start)
    _, status_end = _status_after(vocab, lower, right_end, x.s1) if right_ok else ("", 0)
    # a status clause after the count ("…, đều chưa đến hạn") is quoted but does not name the
    # indicator: the words before the number do ("còn 24 hồ sơ đang giải quyết" = pending)
    # the words of an earlier clause (before ";") name nothing of this figure: "không phát sinh
    # đơn khiếu nại, tố cáo; nhận 01 đơn kiến nghị" is a recommendation
    own = left[left.rfind(";") + 1 :]
    area = _governing(vocab, _own_clause(vocab, own)) + " | " + lower[n.end : n.span_end]
    area += " | " + right
    if right and _dimension(n.unit) == "person":
        area += " | " + lower[n.end : n.span_end].strip() + " " + right.strip()
    if _dimension(n.unit) == "person" and (name := _group_listed(vocab, lower, x.s0, n.start, own)):
        area += " | " + name  # "các dân tộc cùng sinh sống: Kinh 1.200 người, Tày …"
    area += " || " + scope
    area = vocab.cues["rest_of_list"].sub(lambda m: " " * len(m.group()), area)
    notes: list[str] = []
    dimension, unit = _dimension(n.unit), n.unit
    # "Tổng sản lượng … 1320,7 tấn/ha": a yield unit written for an output
    last_measure = _last_measure(vocab, left)
    if dimension == "yield" and last_measure == "output":
        unit = n.unit.split("/")[0]
        dimension = _dimension(unit)
        notes.append(f'báo cáo ghi "{n.unit_text}" cho một sản lượng: ghi nhận là {unit}')
    elif dimension == "mass" and last_measure == "yield":
        return "yield_unit", None, n.span_end
    near = _tail_words(lower, x.start, n.start, PROCEDURE_WORDS).split(";")[-1]
    if dimension == "dossier" and (
        (state.procedure_at >= 0 and ";" not in lower[state.procedure_at : n.start])
        or vocab.cues["one_procedure"].search(near + " | " + right)
    ):
        state.procedure_at = n.start  # "Lĩnh vực đất đai tiếp nhận 212 …, giải quyết 198 …"
        return "procedure", None, n.span_end
    local = _subject(vocab, lower, x.start, n.start, last=True)
    consumed = n.span_end
    if (
        local
        and right_ok
        and _PUNCT.search(lower, _last_subject_end(vocab, lower, x.start, n.start), n.start)
    ):
        # "Bên cạnh cây lúa, xã duy trì 1.185 ha cây ăn trái": the subject of an earlier
        # clause yields to the one written right after the unit
        local = _subject(vocab, lower, _after_own_unit(vocab, n), right_end, last=False) or local
    if local is None and dimension in BARE_DIMENSIONS:
        local = vocab.bare_subject(left)  # "điều 520 ha", "mì 610 ha"
    if local == TRANSPLANTED and _parts_beyond_rice(vocab, lower, n.span_end, x.s1):
        local = SOWN  # "gieo cấy 1.300 ha, trong đó lúa 1.150 ha, ngô 150 ha": all crops
    if (local is None or local in vocab.groups) and right_ok:
        # "gieo cấy được 356,8 ha lúa": the crop named after the unit
        local = _subject(vocab, lower, _after_own_unit(vocab, n), right_end, last=False) or local
    elif (local is None or local in vocab.groups) and (after := _subject_after(vocab, lower, n)):
        # "gieo trồng 450 ha bắp và 120 ha đậu các loại": the crop right after the unit is this
        # figure's, never the next one's
        local, consumed = after
    if right_ok:
        consumed = right_end
    beyond = _long_right(lower, n.span_end, right_end) if not right_ok else ""
    return _Words(
        left,
        right_end,
        right_ok,
        area,
        local,
        unit,
        dimension,
        consumed,
        status_end,
        tuple(notes),
        beyond,
    )


def _find_rule(
    r: _Reader, x: _Number, w: _Words, season: str
) -> tuple[Rule, float, str, list[str]] | str:
    """The rule naming the number's indicator, its confidence, how it was found (a key of
    CLASSES) and notes — from the subject beside it, the subject carried from before, the
    words alone, the list it continues, or inferred from position; or a skip reason."""
    vocab, state, cat = r.vocab, r.state, catalogue()
    notes = list(w.notes)
    if w.unit == "%" and (part := _rate_of_part(vocab, state, x.prev, x.n.value, cat)):
        return part, CONF_SHARE, "share", notes
    if w.unit == "%":
        rule, conf, how = _percent(vocab, w.left, w.area, x.prev, cat)
        return (rule, conf, how, notes) if rule is not None else "percent_unnamed"
    conf, rule, how = 0.0, None, ""
    local, area = w.local, w.area
    rules = _rules_for(vocab, w.dimension)
    if w.beyond:
        rules = [ru for ru in rules if not (ru.exclude_re and ru.exclude_re.search(w.beyond))]
        if not local and re.split(r"[,;:(]", w.left)[-1].strip(_STRIP) in _EMPTY_LEFT:
            # "…; 7 đơn không thuộc thẩm quyền đã chuyển đến cơ quan chức năng": only the long
            # words after it name the figure; their first words may ("có 6 đơn do các xã cũ
            # bàn giao chưa giải quyết xong"), far from the number: reviewed
            head = " ".join(w.beyond.split()[:MAX_RIGHT_WORDS])
            rule = next((ru for ru in rules if ru.subject is None and ru.matches(head)), None)
            if rule is None:
                return "no_indicator"
            return rule, CONF_CARRIED_FAR, "explicit_far", notes
    subject_rules = [ru for ru in rules if ru.subject]
    if local and not vocab.subjects[local].sectors and _sector_list(vocab, w.left):
        return "part"  # "giá trị sản xuất trồng trọt, chăn nuôi 150 tỷ đồng": the sectors' sum
    if local and subject_rules:
        rule = next((ru for ru in subject_rules if ru.subject == local and ru.matches(area)), None)
        how = "explicit"
        if (
            rule is None
            and w.dimension in LISTED_MEASURE_DIMENSIONS
            and _listed_before(r, x, w.dimension)
        ):
            # "Giá trị sản xuất …, trong đó trồng trọt 132 tỷ đồng, chăn nuôi 68 tỷ đồng": the
            # measure opened the sentence, each sector is named beside its number
            wider = area + " | " + r.lower[x.s0 : x.start]
            rule = next(
                (ru for ru in subject_rules if ru.subject == local and ru.matches(wider)), None
            )
            how = "list"
        if rule is None and not any(ru.subject is None for ru in rules):
            return "part"
        conf = CONF_LOCAL
    if rule is None and not local and w.unit == AREA_OF_COMMUNE_UNIT and _AREA_WORDS.search(area):
        # "Xã Ô Diên có diện tích 32,6 km2": km² measure a commune, not a crop; reviewed
        return Rule("natural_area"), CONF_CARRIED_FAR, "explicit_far", notes
    if rule is None and not local and state.carry and subject_rules:
        rule, conf = _carried(vocab, state, subject_rules, area, x.n.value, season)
        how = {CONF_PARENT: "parent", CONF_CARRIED: "carried"}.get(conf, "carried_far")
        if rule == "taken" and w.dimension not in INFERRED_DIMENSIONS:
            return "carried_taken"  # "gieo sạ 3.200 ha, đã thu hoạch 1.100 ha": never maize
        if rule == "taken":
            rule = _inferred(vocab, state, subject_rules, season)
            conf, how = CONF_INFERRED, "inferred"
            if rule is None:
                return "carried_taken"
            notes.append("không ghi tên; suy ra từ vị trí trong đoạn (cần rà soát)")
    if rule is None and not local:
        rule = next((ru for ru in rules if ru.subject is None and ru.matches(area)), None)
        conf, how = CONF_WORDS, "explicit"
        if state.list_left and _continues(w.left) and not w.beyond:
            # "có 11 thôn, 1.902 hộ": a list goes on with the words that opened it, and they
            # name its items ("đồng bào dân tộc thiểu số có 1.870 hộ với 7.350 khẩu")
            wider = state.list_left + " | " + area
            listed = next((ru for ru in rules if ru.subject is None and ru.matches(wider)), None)
            if listed is not None and (rule is None or listed.indicator != rule.indicator):
                rule, how = listed, "list"
    if rule is None and not local and x.prev is not None and x.prev.indicator in PART_AFTER_TOTAL:
        # "đã hòa giải 8 vụ, thành 6 vụ": the part named by one word right after its total
        code, words = PART_AFTER_TOTAL[x.prev.indicator]
        if words.fullmatch(w.left.strip(_STRIP)):
            return Rule(code), CONF_CARRIED, "list", notes
    if rule is None and not local and w.dimension in SENTENCE_NAMED_DIMENSIONS:
        # "tiếp công dân định kỳ 6 buổi, đột xuất 2 buổi với 19 lượt người": the sentence's
        # words name the count its unit measures, reviewed
        said = r.lower[x.s0 : x.n.start] + " | " + w.area
        rule = next((ru for ru in rules if ru.subject is None and ru.matches(said)), None)
        conf, how = CONF_CARRIED_FAR, "explicit_far"
    if rule is None and not local and w.dimension in CLAUSE_ONLY_DIMENSIONS:
        # "Lũng Cú là xã vùng cao …, có 12 bản với 1.100 hộ": a word excluding the count in an
        # earlier clause ("vùng") may not be about it: read the number's own clause, reviewed
        opens = list(_CLAUSE_OPENS.finditer(w.left))
        cut = opens[-1].end() - 1 if opens else -1
        if cut >= 0:
            own = w.left[cut + 1 :] + w.area[len(_governing(vocab, _own_clause(vocab, w.left))) :]
            # the words right before the clause still govern it: "đã làm việc với bốn thôn"
            governs = " ".join(re.split(r"[,;:(]", w.left[: cut + 1])[-1].split()[-3:])
            rule = next(
                (
                    ru
                    for ru in rules
                    if ru.subject is None and ru.matches(own) and ru.matches(governs + " | " + own)
                ),
                None,
            )
            conf, how = CONF_CARRIED_FAR, "explicit_far"
    if rule is None and w.dimension == "head" and not local:
        rule = _inferred(vocab, state, subject_rules, season)
        conf, how = CONF_INFERRED, "inferred"
        if rule is not None:
            notes.append("không ghi tên vật nuôi; suy ra từ vị trí (cần rà soát)")
    if rule is None:
        return "no_indicator"
    if notes and notes[0].startswith("báo cáo ghi"):
        conf, how = min(conf, CONF_UNIT_SLIP), "unit_slip"
    return rule, conf, how, notes


def _proposal(
    r: _Reader,
    x: _Number,
    w: _Words,
    rule: Rule,
    conf: float,
    how: str,
    notes: list[str],
    season_here: str,
    season_carried: bool,
) -> Proposal:
    """The proposal of a number read by a rule: its value in the catalogue's unit, the notes
    on how it was written (approximate, dot decimal, a plan after "/"), its season and the
    reasons it is reviewed that the words beside it give."""
    text, lower, vocab, state, n = r.text, r.lower, r.vocab, r.state, x.n
    ind = catalogue()[rule.indicator]
    value = n.value * conversion_factor(w.unit, ind.unit)
    tail = _tail_words(lower, x.start, n.start, 2)
    approx = vocab.cues["approximate"].search(tail)
    if approx:
        notes.append(f'số ước chừng ("{approx.group()}")')
        conf -= PENALTY_APPROX
    elif estimate := vocab.cues["estimate"].search(tail):
        notes.append(f'số ước tính của kỳ ("{estimate.group()}")')
    if n.read_as == "dot_decimal":
        notes.append(f"đọc '{n.text}' với dấu chấm là dấu thập phân")
        conf -= PENALTY_DOT_DECIMAL
    progress: tuple[str, ...] = ()
    if x.total is not None:
        notes.append(f"số sau dấu / ({x.total.text}) là kế hoạch hoặc tổng số, không ghi nhận")
        if w.dimension not in PROGRESS_OK_DIMENSIONS and n.value < x.total.value:
            progress = (
                f"tiến độ so với kế hoạch ({n.text}/{x.total.text}): số đã làm đến lúc báo cáo, "
                "có thể không phải số của cả kỳ",
            )
        elif w.dimension not in PROGRESS_OK_DIMENSIONS and n.value > FAR_BEYOND * x.total.value:
            progress = (
                f"số vượt xa số sau dấu / ({n.text}/{x.total.text}): kế hoạch của thời gian khác "
                "hoặc số viết nhầm, kiểm tra",
            )
    if ind.seasonal and w.right_ok:  # "640 ha lúa xuân"
        after = lower[n.end : w.right_end]
        named = [m.group() for m in vocab.cues["crop_season"].finditer(after)]
        named += [m.group() for m in vocab.cues["season"].finditer(after)]
        if named and (code := season_code(named[0])):
            season_here = code
            season_carried = False
    prev_season, prev_subject = state.prev_block_season
    if (
        not season_here
        and how == "carried_far"
        and prev_season
        and rule.subject
        and rule.subject == prev_subject
        and state.carry_block < state.block
    ):
        season_here = prev_season  # "Vụ đông xuân trồng 59 ha ngô.⏎Năng suất ước 48 tạ/ha."
    season = _season_for(ind.code, season_here)
    reasons: tuple[str, ...] = progress
    subj, earlier = rule.subject or "", state.season_subject or ""
    if season and season_carried and not (subj == earlier or vocab.related(subj, [earlier])):
        reasons = (SEASON_CARRIED_REASON,)  # "Vụ mùa … 520 ha lúa. Cây ngô 75 ha": ngô's season?
    if approx:
        reasons = (*reasons, f'số ước chừng ("{approx.group()}"): báo cáo không ghi số chính xác')
    if how in ("carried", "carried_far", "parent") and state.carry_part:
        part = state.carry_part
        reasons = (*reasons, f'sau một phần ("{part}") được nêu: số có thể là của phần đó')
    q_end_at = max(w.right_end, w.status_end) if w.right_ok else w.consumed
    q_start, q_end = _quote_span(text, x.start, n, q_end_at)
    state.how = how
    return Proposal(
        indicator=ind.code,
        value=round(value, 9),
        unit=ind.unit,
        value_written=text[n.start : (x.total.end if x.total else n.end)],
        unit_written=n.unit_text,
        quote=text[q_start:q_end],
        start=q_start,
        end=q_end,
        confidence=round(conf, 2),
        note="; ".join(notes),
        read_as=n.how_read,
        season=season,
        number_start=n.start,
        klass=how,
        reasons=reasons,
    )


def _last_measure(vocab: Vocabulary, left: str, with_area: bool = False) -> str:
    """ "output" or "yield" (or "area"): the measure word nearest before the number ("" when
    none)."""
    best, kind = -1, ""
    names = [("output_words", "output"), ("yield_words", "yield")]
    for cue, name in names + ([("area_words", "area")] if with_area else []):
        for m in vocab.cues[cue].finditer(left):
            if m.start() > best:
                best, kind = m.start(), name
    return kind


def _classify(
    p: Proposal,
    lower: str,
    prev_end: int,
    n: Numeral,
    vocab: Vocabulary,
    state: _State,
    implied: bool,
    sentence_taken: dict[tuple[str, str], float],
    prev: Proposal | None = None,
) -> Proposal | str:
    """The proposal with its confidence class and the reasons it needs review (or a skip
    reason when it is a sub-count of a total already read in the sentence)."""
    a = max(prev_end, n.start - MAX_LEFT_CHARS)
    left = lower[a : n.start]
    klass = p.klass or "explicit"
    reasons: list[str] = list(p.reasons)
    taken = sentence_taken.get((p.indicator, p.season))
    if klass == "list" and taken is not None and not _same(taken, p.value):
        return "no_indicator"  # a list names different things, never one thing twice
    if (
        p.indicator == "dossiers_on_time"
        and ("dossiers_before_deadline", "") in sentence_taken
        and not vocab.cues["on_time_both"].search(lower[a : max(p.end, n.span_end)])
    ):
        return "subcount"  # "trước hạn 1.102 hồ sơ, đúng hạn 390 hồ sơ": the part on the day
    if _one_ethnic_group(vocab, lower, state, p.indicator, n.start):
        return "ethnic_group"
    # a sub-count ("trong đó 30 hồ sơ …") read as the total it is part of; a word inside a
    # subject's name ("sầu riêng") or the indicator's own words ("thuộc thẩm quyền 15 đơn" of
    # petitions_commune_authority) is none
    subs = list(
        vocab.cues["subcount"].finditer(
            _blank_own(vocab, p.indicator, _blank_subjects(vocab, left))
        )
    )
    if subs:
        sub = subs[-1]
        key = (p.indicator, p.season)
        if key in sentence_taken and not _same(sentence_taken[key], p.value):
            return "subcount"
        after = left[sub.end() :] + " | " + lower[n.end : max(p.end, n.span_end)]
        named_after = (
            vocab.subject_re.search(after)
            or vocab.cues["season"].search(after)
            or _rule_words_in(vocab, p.indicator, after)
        )
        if not named_after:
            reasons.append(f'có "{sub.group()}" trước số: có thể chỉ là một phần')
        elif origin := _subcount_origin(vocab, lower, n, p):
            # "trong đó 4 đơn do huyện chuyển sang": whose or from where, a part of the total
            reasons.append(f'"{sub.group()}" … "{origin}": số của một phần, không phải tổng')
        elif _stock_of_flow(p, sentence_taken):
            # "tiếp nhận 20 đơn, trong đó 6 đơn còn tồn": left pending now, or carried in?
            reasons.append(
                f'"{sub.group()}" sau số tiếp nhận: số còn tồn cuối kỳ hay tồn từ kỳ trước?'
            )
    if _dimension(p.unit) == "area" and (held := _land_held(vocab, left)):
        reasons.append(
            f'có chữ "{held}" trước số: có thể là đất hiện có, không phải diện tích của kỳ'
        )
    if p.indicator == "dossiers_overdue":
        late, pending = _late_or_pending(vocab, lower, a, n, p, state.sentence_start)
        if late:  # "đang giải quyết 117 hồ sơ, trong đó … đã quá hạn 8 hồ sơ": pending
            p = replace(p, indicator="dossiers_pending_overdue")
        if late and not pending:
            reasons.append(
                f'"{late}" không kèm "giải quyết": ghi nhận là hồ sơ còn tồn quá hạn; nếu là '
                "hồ sơ đã giải quyết quá hạn, sửa thành dossiers_overdue"
            )
    if as_planned := _as_planned(vocab, _tail_words(lower, a, n.start, 4)):
        reasons.append(f'"{as_planned}": số thực hiện theo kế hoạch hay số kế hoạch? Kiểm tra')
    elif state.subpart and _stock_of_flow(p, sentence_taken):
        # "tiếp nhận 16 đơn, trong đó 2 đơn gửi nhiều nơi, 14 đơn còn tồn": still a part
        reasons.append(
            "trong một danh sách con sau số tiếp nhận: số còn tồn cuối kỳ hay tồn từ kỳ trước?"
        )
    clause = re.split(r"[,;:.()]", _tail_words(lower, a, n.start, 6))[-1]
    clause = _blank_own(vocab, p.indicator, _blank_subjects(vocab, clause))
    trap_words = {m.group() for m in vocab.cues["trap"].finditer(clause)}
    if _dimension(p.unit) in ("yield", "percent"):
        trap_words -= set(vocab.cue_terms.get("trap_ok_for_ratios", ()))
    if _dimension(p.unit) in per_head_dimensions(vocab):
        trap_words -= set(vocab.cue_terms.get("trap_ok_per_head", ()))
    if trap_words:
        reasons.append("có từ " + ", ".join(f'"{w}"' for w in sorted(trap_words)) + " cạnh số")
    if p.indicator in vocab.cue_terms["plain_totals"]:
        after = lower[n.span_end : max(p.end, n.span_end)] or _words_to_next(lower, n.span_end)
        extra = vocab.cues["total_after_ok"].sub(" ", after).strip(_STRIP + " |")
        if extra:
            reasons.append(f'có chữ sau số ("{extra}"): có thể chỉ là một phần, không phải tổng')
    years = state.sentence_years
    if len(years) > 1 and p.unit != "%":
        reasons.append(f"câu nêu nhiều năm ({', '.join(years)}): số có thể thuộc năm khác")
    named_right = _rule_words_in(vocab, p.indicator, lower[n.end : max(p.end, n.span_end)])
    if (
        klass == "explicit"
        and not named_right
        and _words_since_name(vocab, p.indicator, left) > NEAR_WORDS
    ):
        klass = "explicit_far"
    if implied:
        klass = "implied_unit"
    subjects = [
        s
        for m in vocab.subject_re.finditer(left)
        if (s := vocab.subject_at(m.group())) and s not in vocab.groups
    ]
    distinct = [s for s in dict.fromkeys(subjects) if not vocab.related(s, subjects)]
    if len(distinct) > 1:
        reasons.append("nhiều đối tượng cạnh số: " + ", ".join(distinct))
        klass = "competing"
    doubt = [s for s in dict.fromkeys(subjects) if vocab.subjects[s].doubt]
    if doubt:
        reasons.append(vocab.subjects[doubt[-1]].doubt)
        klass = "doubt"
    if klass == "share" and prev is not None and prev.review:
        reasons.append(f"tỷ lệ của số liệu trước ({prev.value_written}) cũng cần rà soát")
    context = _context(vocab, lower, state, p, n)
    reasons += [why for _, why in context]
    if reasons == [SEASON_CARRIED_REASON] and klass in PRE_ACCEPTED:
        klass = "season_carried"
    elif klass in ("competing", "doubt", "season_carried"):
        pass
    elif any(r.startswith("số ước chừng") for r in reasons):
        klass = "approximate"
    elif context:
        klass = context[0][0]
    elif reasons:
        klass = "trap"
    if p.note.startswith("báo cáo ghi"):
        klass = "unit_slip"
    if n.read_as == "dot_decimal":
        klass = "dot_decimal"
        reasons.append(f"đọc '{n.text}' với dấu chấm là dấu thập phân")
    if n.read_as == "space_grouped":
        klass = "space_grouped"
        reasons.append(f"đọc '{n.text}' là một số, dấu cách phân nhóm nghìn: không phải hai số?")
    if klass not in PRE_ACCEPTED and not reasons:
        reasons.append(CLASSES[klass])
    conf = p.confidence if not reasons else min(p.confidence, REVIEW_THRESHOLD - 0.05)
    return replace(p, klass=klass, reasons=tuple(reasons), confidence=round(conf, 2))


#: The words after a count up to the next number or punctuation: "45 hộ nuôi 1.200 con bò".
_TO_NEXT = re.compile(r"[^\d,;:.()\n]{0,60}")
_LINK_OPENS = re.compile(
    r"\s*(?:với|và|cùng|gồm|trong đó|là|ở|tại|thuộc|trên|trong|của|sinh sống|cư trú)(?!\w)"
)


def _words_to_next(lower: str, end: int) -> str:
    """The words between a count and the next number or punctuation, when they do not link it
    to the next count ("1.520 hộ với 6.200 nhân khẩu"): "nuôi" in "45 hộ nuôi 1.200 con bò"
    makes the households a part."""
    words = _TO_NEXT.match(lower, end).group()
    return "" if not words.strip() or _LINK_OPENS.match(words) else words


def _stock_of_flow(p: Proposal, sentence_taken: dict[tuple[str, str], float]) -> bool:
    """True when a stock count (pending) is read in a sub-count of a flow of the same unit
    read before it in the sentence (dossiers or petitions received, resolved)."""
    cat = catalogue()
    if cat[p.indicator].kind != "stock" or _dimension(p.unit) not in ("dossier", "petition"):
        return False
    return any(cat[ind].kind == "flow" and cat[ind].unit == p.unit for ind, _ in sentence_taken)


def _subcount_origin(vocab: Vocabulary, lower: str, n: Numeral, p: Proposal) -> str:
    """The origin or owner word right after a sub-count's unit ("4 đơn do huyện chuyển sang",
    "2 hồ sơ của công dân …"), or "" when none."""
    right = lower[n.span_end : max(p.end, n.span_end)]
    m = re.match(rf"\s*(?:[^\W\d_]+\s+){{0,1}}({vocab.cues['subcount_origin'].pattern})", right)
    return m.group(1) if m else ""


def _late_or_pending(
    vocab: Vocabulary, lower: str, a: int, n: Numeral, p: Proposal, sentence_start: int
) -> tuple[str, bool]:
    """ "quá hạn 8 hồ sơ" read as resolved late: the word "quá hạn" when the count is rather
    pending past the deadline, and whether the sentence says so ("số hồ sơ đang giải quyết: 117
    hồ sơ, trong đó … đã quá hạn 8 hồ sơ") or only does not say it was resolved (reviewed).
    ("", False) when the sentence resolves them ("đã giải quyết 1.320 hồ sơ, trong đó … quá hạn
    02 hồ sơ") or the word is "trễ hạn", said of dossiers resolved late."""
    clause = re.split(r"[,;:()]", lower[a : n.start])[-1] + " " + lower[n.span_end : p.end]
    word = vocab.cues["overdue_ambiguous"].search(clause)
    if word is None:
        return "", False
    pending = [
        m.start() for m in vocab.cues["pending_words"].finditer(lower, sentence_start, p.end)
    ]
    resolved = [
        m.start()
        for m in vocab.cues["resolved_words"].finditer(lower, sentence_start, p.end)
        if not any(m.start() - 12 <= q <= m.start() for q in pending)
    ]
    if pending and (not resolved or max(pending) > max(resolved)):
        return word.group(), True
    if resolved:
        return "", False
    return word.group(), False


def _land_held(vocab: Vocabulary, left: str) -> str:
    """ "xã còn 92 ha", "ngoài ra … còn 45 ha": land held, not the area of the period — the
    words, or "" when the number's clause has none."""
    clause = re.split(r"[;:()]", left)[-1]
    found = list(vocab.cues["land_held"].finditer(clause))
    return found[-1].group() if found else ""


def _context(
    vocab: Vocabulary, lower: str, state: _State, p: Proposal, n: Numeral
) -> list[tuple[str, str]]:
    """(class, reason) for what the sentence around a figure says that makes it perhaps not the
    commune's result of the period: a plan, another year or a part of the period, a district or
    one village, a running total, a unit that does not fit its measure word, a qualifier after
    the unit. Cue positions are the sentence's (found once); each test is a bisect or reads a
    bounded window."""
    if state.cues is None:
        return []
    f = _Figure(vocab, lower, state, state.cues, p, n)
    out: list[tuple[str, str]] = []
    for check in _CONTEXT_CHECKS:
        out += check(f)
    return out


@dataclass(frozen=True)
class _Figure:
    """A proposal with what its context checks read: the vocabulary, the text, the reading state
    and the cues of its sentence, the numeral."""

    vocab: Vocabulary
    lower: str
    state: _State
    cues: _Cues
    p: Proposal
    n: Numeral

    @property
    def clause(self) -> str:
        """The number's own clause, up to DAMAGE_WORDS words before it."""
        tail = _tail_words(self.lower, self.state.sentence_start, self.n.start, DAMAGE_WORDS)
        return re.split(r"[,;:.)]", tail)[-1]

    @property
    def local(self) -> str:
        """The words of the number's clause before it, at most MAX_LEFT_CHARS."""
        a = max(self.state.sentence_start, self.n.start - MAX_LEFT_CHARS)
        return re.split(r"[,;:()]", self.lower[a : self.n.start])[-1]


def _plan_reason(f: _Figure) -> list[tuple[str, str]]:
    """ "Theo kế hoạch, vụ mùa năm 2026 gieo cấy 2.800 ha": a plan word earlier in the sentence
    and no result word ("thực hiện", "đạt được") between it and the number."""
    at, cues = f.n.start, f.cues
    plan = _last_before(cues.plans, at)
    if (
        plan < 0
        or max(_last_before(cues.target_ends, at), _last_before(cues.result_ends, at)) > plan
    ):
        return []
    word = "".join(f.vocab.cues["plan_context"].findall(f.lower, max(0, plan - 24), plan)[-1:])
    return [("plan_context", f'câu nói về kế hoạch ("{word}"): số có thể không phải kết quả')]


def _year_reason(f: _Figure) -> list[tuple[str, str]]:
    """ "cùng kỳ năm trước với …", "Năm 2023 …" in a 2024 report, "Tháng 5 tiếp nhận 180 hồ sơ"
    in a half-year report: another period's figure, or a part of this one."""
    out, period = [], f.state.period
    if _previous_between(f.vocab, f.clause) is not None:
        out.append(("other_year", "câu nhắc cùng kỳ hoặc năm trước: số có thể của kỳ đó"))
    if _last_before(f.cues.mergers, f.n.start) >= 0:
        out.append(
            ("other_year", "số của xã cũ hoặc trước khi sáp nhập, không phải của xã hiện nay")
        )
    years = sorted({y for end, y in f.cues.years if end <= f.n.start})
    if period is not None and years and str(period.year) not in years and f.p.unit != "%":
        why = f"câu nói về năm {', '.join(years)}, báo cáo là của năm {period.year}"
        out.append(("other_year", why))
    if crop_year := _crop_year_before(f):
        out.append(
            ("other_year", f"số của niên vụ {crop_year} (một năm cây trồng, không phải kỳ báo cáo)")
        )
    flow = catalogue()[f.p.indicator].kind == "flow"
    months = [m for end, m in f.cues.months if end <= f.n.start]
    runs = [m for end, m in f.cues.runs if end <= f.n.start]
    if months and flow:
        first, last = min(m[0] for m in months), max(m[1] for m in months)
        if period is None or (first, last) != period.month_span:
            out.append(
                ("other_year", "câu nói về một tháng hoặc một quý: số có thể chỉ của phần đó")
            )
    elif runs and flow and period is not None and runs[-1] != period.month_span:
        # "Sản lượng lúa 9 tháng đạt 11.200 tấn" in a report of the year or of a half; a run
        # is compared only with a known period (most reports name their own half)
        why = f"số của tháng {runs[-1][0]}–{runs[-1][1]}, báo cáo là của kỳ {period.code}"
        out.append(("other_year", why))
    return out


#: "niên vụ 2022 - 2023", "vụ mía 2019 - 2020": a crop year, from one harvest to the next
_CROP_YEAR = re.compile(
    r"\b(?:niên vụ|vụ)\s+(?P<what>[^\d.;:,]{0,24}?)\s*(?:năm\s+)?"
    r"(?P<first>(?:19|20)\d\d)\s*[-–/]\s*(?P<last>(?:19|20)\d\d)\b"
)


def _crop_year_before(f: _Figure) -> str:
    """The crop year named before the number in its sentence ("Niên vụ 2022 - 2023, sản lượng cà
    phê đạt 3.240 tấn"; "" when none). A season spanning two years ("vụ Đông Xuân 2018 - 2019")
    is a season of the report, not a crop year."""
    left = f.lower[f.state.sentence_start : f.n.start]
    for m in reversed(list(_CROP_YEAR.finditer(left[left.rfind(";") + 1 :]))):
        if m.group(0).startswith("niên") or not season_code("vụ " + m.group("what").strip()):
            return f"{m.group('first')}–{m.group('last')}"
    return ""


def _scope_reason(f: _Figure) -> list[tuple[str, str]]:
    """ "Toàn huyện gieo cấy 5.600 ha", "thôn Đông có 350 hộ", "mô hình lúa … 50 ha": not the
    commune's, unless the commune is named again before the number ("…, riêng xã 420 ha")."""
    at, lower = f.n.start, f.lower
    own = _own_spans(f.vocab, f.p.indicator, lower, f.state.sentence_start, at)
    areas = [
        a
        for a in f.cues.areas[: bisect_right(f.cues.areas, at)]
        if not _inside_end(a, own) and not _AFTER_NUMBER.search(lower, max(0, a - 24), a)
    ]
    area = areas[-1] if areas else -1
    if area < 0 or area < _last_before(f.cues.commune, at) or ";" in lower[area:at]:
        return []
    if _dimension(f.p.unit) in ("dossier", "petition") and lower.rfind(",", area, at) >= 0:
        return []  # "Thực hiện chỉ đạo của huyện, xã tiếp nhận …": the commune's own dossiers
    words = " ".join(lower[max(f.state.sentence_start, area - 24) : area].split()[-3:])
    return [("other_scope", f'số có thể không phải của cả xã ("{words}" trước số)')]


#: A cue that is the unit and words of an earlier number ("67 hộ nghèo (…), 98 hộ cận nghèo"):
#: that figure's, not a part of the commune named for this one.
_AFTER_NUMBER = re.compile(r"\d\s+[^\W\d_]+(?:\s+[^\W\d_]+){0,2}$")


def _own_spans(
    vocab: Vocabulary, indicator: str, lower: str, a: int, b: int
) -> list[tuple[int, int]]:
    """Spans of lower[a:b] that are the required words of the indicator's own rules ("hộ nghèo"
    names poor_households: it is no part of the commune for that figure)."""
    out = []
    for r in vocab.rules_by_indicator.get(indicator, ()):
        for rx in r.require_re:
            out += [(m.start(), m.end()) for m in rx.finditer(lower, a, b)]
    return out


def _inside_end(end: int, spans: list[tuple[int, int]]) -> bool:
    """True when a cue ending at `end` ends inside one of the spans."""
    return any(s < end <= e for s, e in spans)


def _blank_own(vocab: Vocabulary, indicator: str, text: str) -> str:
    """The text with the indicator's own required words blanked (same length)."""
    for r in vocab.rules_by_indicator.get(indicator, ()):
        for rx in r.require_re:
            text = rx.sub(lambda m: " " * len(m.group()), text)
    return text


def _blank_subjects(vocab: Vocabulary, text: str) -> str:
    """The text with every subject phrase blanked ("sầu riêng" holds no "riêng")."""
    return vocab.subject_re.sub(
        lambda m: " " * len(m.group()) if vocab.subject_at(m.group()) else m.group(), text
    )


def _measure_reason(f: _Figure) -> list[tuple[str, str]]:
    """ "Sản lượng lúa 420 ha": the unit does not fit the measure word before it; "đã thu hoạch
    860 ha": a harvested area, not the area sown."""
    out, local, dim = [], f.local, _dimension(f.p.unit)
    measure = _last_measure(f.vocab, local, with_area=True)
    fits = {"output": "mass", "yield": "yield", "area": "area"}
    if measure and dim in fits.values() and dim != fits[measure]:
        if not f.p.note.startswith("báo cáo ghi"):  # "sản lượng … tấn/ha" is a unit slip
            out.append(("unit_slip", f'đơn vị "{f.n.unit_text}" không hợp với chữ trước số'))
    if dim == "area" and f.vocab.cues["harvest_words"].search(local):
        why = "diện tích thu hoạch hoặc cho sản phẩm: có thể khác diện tích gieo trồng"
        out.append(("doubt", why))
    return out


def _after_reason(f: _Figure) -> list[tuple[str, str]]:
    """ "420 ha bị ngập", "80 ha áp dụng VietGAP", "lúa được bảo hiểm 300 ha": only some of it."""
    right = f.lower[f.n.span_end : max(f.p.end, f.n.span_end)]
    cues = f.vocab.cues
    hit = (
        cues["damage"].search(right)
        or cues["part_of_commune"].search(right)
        or cues["qualifier_after"].search(right)
    )
    if hit:
        return [("other_scope", f'có chữ "{hit.group()}" sau số: có thể chỉ là một phần')]
    before = cues["qualifier_before"].search(
        _tail_words(f.lower, f.state.sentence_start, f.n.start, 8)
    )
    if before and not re.search(r"[,;:()]", f.lower[before.end() : f.n.start]):
        return [("other_scope", f'có chữ "{before.group()}" trước số: có thể chỉ là một phần')]
    return []


def _cumulative_reason(f: _Figure) -> list[tuple[str, str]]:
    """ "Lũy kế …", "Từ năm 2020 đến nay …", or "từ đầu năm" in a report of the second half: a
    flow that may count time outside the period."""
    if catalogue()[f.p.indicator].kind != "flow":
        return []
    at, period = f.n.start, f.state.period
    if _last_before(f.cues.cumulative, at) >= 0:
        return [("cumulative", "số lũy kế: có thể gồm cả thời gian ngoài kỳ báo cáo")]
    if _last_before(f.cues.since_start, at) >= 0 and period is not None and period.first_month != 1:
        why = f"số tính từ đầu năm: kỳ báo cáo {period.code} không bắt đầu từ tháng 1"
        return [("cumulative", why)]
    return []


def _season_span_reason(f: _Figure) -> list[tuple[str, str]]:
    """ "gieo cấy 2 vụ lúa với tổng diện tích 742 ha", "năng suất bình quân cả năm": a crop
    figure of several seasons together, or of the whole year, is the period's total only when
    the report's period is the year; in a report of a half, a quarter or nine months it may be
    the year's (reviewed). A count of seasons ("2 vụ lúa … tổng diện tích") is reviewed even in a
    report of the year: the same fields counted once a season, or the year's rice area? Subjects
    are blanked first: "đất lúa 2 vụ" is land, not seasons."""
    period = f.state.period
    if period is None or not catalogue()[f.p.indicator].seasonal:
        return []
    left = f.lower[max(f.state.sentence_start, f.n.start - MAX_LEFT_CHARS) : f.n.start]
    left = _blank_subjects(f.vocab, left[left.rfind(";") + 1 :])
    year = period.month_span == (1, 12)
    for name in ("several_seasons",) if year else ("several_seasons", "whole_year"):
        cue = f.vocab.cues.get(name)
        found = [m.group() for m in cue.finditer(left)] if cue is not None else []
        if found and year:
            why = f'tổng của nhiều vụ ("{found[-1]}"): cộng các vụ của cùng diện tích, kiểm tra'
            return [("season_span", why)]
        if found:
            why = f'số của nhiều vụ hoặc cả năm ("{found[-1]}"), báo cáo là của kỳ {period.code}'
            return [("season_span", why + ": kiểm tra")]
    return []


def _partial_harvest_reason(f: _Figure) -> list[tuple[str, str]]:
    """ "Đến nay đã thu hoạch được 70% diện tích, năng suất ước đạt 62 tạ/ha": a yield (or an
    output) of a harvest still under way is an estimate from part of the crop (reviewed). The
    harvest may be named earlier in the paragraph."""
    if _dimension(f.p.unit) not in ("yield", "mass") or not catalogue()[f.p.indicator].seasonal:
        return []
    text = f.lower[max(f.state.sentence_start, f.n.start - MAX_LEFT_CHARS) : f.n.start]
    words = (
        _partial_harvest_in(f.vocab, text)
        or _harvested_area_below_sown(f.vocab, f.state, text)
        or f.state.partial_harvest
    )
    if not words:
        return []
    return [("partial_harvest", f'"{words}": số ước của phần đã thu hoạch, chưa phải của cả vụ')]


def _partial_harvest_in(vocab: Vocabulary, text: str) -> str:
    """The words of a harvest still under way in text ("đã thu hoạch được 70%", "đang thu
    hoạch"), or ""."""
    ongoing = vocab.cues.get("harvest_ongoing")
    if ongoing is not None and (m := ongoing.search(text)):
        return m.group()
    harvest = vocab.cues.get("harvest_words")
    for m in harvest.finditer(text) if harvest is not None else ():
        share = _PARTIAL_SHARE.match(text, m.end())
        if share and float(share.group(1).replace(".", "").replace(",", ".")) < 100:
            return text[m.start() : share.end()].strip()
    return ""


def _harvested_area_below_sown(vocab: Vocabulary, state: _State, text: str) -> str:
    """ "gieo cấy 1.025 ha; đã thu hoạch 310 ha, năng suất ước đạt 68 tạ/ha": the words of an
    area harvested so far when it is below every area sown read in the paragraph (or when no
    area sown was read), or "". "đã thu hoạch 1.025/1.025 ha" (all of it) is no part."""
    harvest = vocab.cues.get("harvest_words")
    if harvest is None:
        return ""
    sown = [v for (code, _), v in state.taken.items() if code.endswith("_area") and v > 0]
    for m in harvest.finditer(text):
        area = _HARVESTED_AREA.match(text, m.end())
        if not area:
            continue
        value = area.group(1).replace(".", "").replace(",", ".")
        try:
            ha = float(value)
        except ValueError:
            continue
        if not sown or all(ha < v - 1e-9 for v in sown):
            return text[m.start() : area.end()].strip()
    return ""


#: "đã thu hoạch 310 ha": an area harvested so far.
_HARVESTED_AREA = re.compile(r"\s*(?:được|xong|đạt|khoảng|trên|gần)?\s*(\d[\d.,]*)\s*ha(?!\w)")
#: "đã thu hoạch được 70%", "thu hoạch 85 % diện tích": a share of the crop harvested so far.
_PARTIAL_SHARE = re.compile(r"\s*(?:được|đạt|khoảng|trên|gần)?\s*(\d[\d.,]*)\s*%")


_CONTEXT_CHECKS = (
    _plan_reason,
    _year_reason,
    _scope_reason,
    _measure_reason,
    _after_reason,
    _cumulative_reason,
    _season_span_reason,
    _partial_harvest_reason,
)


#: The commune total a count in this unit would be, for the reason a figure is set aside.
_ETHNIC_UNIT_TOTALS = {"hộ": "households", "người": "population"}


def _one_ethnic_group(vocab: Vocabulary, lower: str, state: _State, indicator: str, pos: int):
    """True when a figure of the commune's households, people or minorities follows the name of
    one ethnic group in its sentence ("đồng bào dân tộc Khmer có 4.876 hộ"), and the sentence does
    not say "dân tộc thiểu số"."""
    group = vocab.cues.get("ethnic_group")
    if group is None or state.sentence_minority:
        return False
    if indicator not in vocab.cue_terms.get("ethnic_totals", ()):
        return False
    clause = max(state.sentence_start, lower.rfind(";", state.sentence_start, pos) + 1)
    if group.search(lower, clause, pos):  # "Người Hoa có 210 hộ; toàn xã có 2.300 hộ"
        return True
    return _named_group(state.text, clause, pos)


#: "đồng bào Ca Dong", "dân tộc Xinh Mun": the words naming people, then a name
_GROUP_OPENS = re.compile(r"(?i:đồng bào|dân tộc|bà con)(?:\s+(?i:dân tộc))?\s+(?=\w)")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_SPACES = re.compile(r"\s+")
_NEXT_IN_LIST = re.compile(r"\s*(?:,|và\b|;|-)\s*([^\W\d_])")  # "Kinh, Hoa", "Kinh và Khmer"


def _named_group(text: str, start: int, end: int) -> bool:
    """True when the words naming people are followed by a capitalised name that is not a list
    of names ("đồng bào Ca Dong có 96 hộ", a group the vocabulary does not list), in the
    original text: "đồng bào Dân tộc thiểu số" and "dân tộc Kinh, Hoa, Khmer" are not one group."""
    for m in _GROUP_OPENS.finditer(text, start, end):
        first = _WORD.match(text, m.end(), end)
        if first is None or not first.group()[0].isupper():
            continue
        if first.group().lower() in ("dân", "thiểu"):
            continue
        at = first.end()
        while (gap := _SPACES.match(text, at, end)) and (nxt := _WORD.match(text, gap.end(), end)):
            if not nxt.group()[0].isupper():
                break
            at = nxt.end()  # "Ca Dong", "Xơ Đăng": a name of several words
        listed = _NEXT_IN_LIST.match(text, at, end)
        if listed is None or not listed.group(1).isupper():
            return True
    return False


def _words_since_name(vocab: Vocabulary, indicator: str, left: str) -> int:
    """Words between the last word that names the indicator (its rule's required words or a
    subject) and the number; all of the left context when nothing before it names it."""
    last = -1
    for r in vocab.rules_by_indicator.get(indicator, ()):
        for rx in r.require_re:
            for m in rx.finditer(left):
                last = max(last, m.end())
        if r.subject:
            for m in vocab.subject_re.finditer(left):
                if vocab.subject_at(m.group()) in (r.subject, *vocab.groups):
                    last = max(last, m.end())
    return len(left[last:].split()) if last >= 0 else len(left.split())


def _rule_words_in(vocab: Vocabulary, indicator: str, text: str) -> bool:
    """True when a rule of the indicator finds its required words in the text."""
    return any(
        r.require_re and r.matches(text) for r in vocab.rules_by_indicator.get(indicator, ())
    )


#: Words that only link a figure to the one before ("… 24 buổi với 37 lượt"). "trong đó" and
#: "còn lại" are not among them: what follows them is a part, never the total.
_LINKERS = {"và", "với", "cùng", "gồm", "là"}


def _continues(left: str) -> bool:
    """True when the words before a figure only continue the list of the figure before; a
    semicolon ends the list ("trễ hạn 25 hồ sơ; 6 hồ sơ đang giải quyết": not overdue)."""
    if ";" in left:
        return False
    words = left.strip(_STRIP)
    return not words or words in _LINKERS


def _quote_span(text: str, prev_end: int, n: Numeral, end: int) -> tuple[int, int]:
    start = max(prev_end, n.start - MAX_LEFT_CHARS)
    if (paren := text.rfind(")", start, n.start)) >= 0:  # "(Kinh, Tày…), với 604 hộ"
        start = paren + 1
    words = list(re.finditer(r"\S+", text[start : n.start]))
    if len(words) > MAX_QUOTE_WORDS:
        start += words[-MAX_QUOTE_WORDS].start()
    while start < n.start and text[start] in _STRIP:
        start += 1
    while end > n.span_end and text[end - 1] in _STRIP:
        end -= 1
    return start, max(end, n.span_end)


def _season_for(indicator: str, season: str) -> str:
    """The season a figure of this indicator keeps ("" unless the indicator is seasonal)."""
    return season if catalogue()[indicator].seasonal else seasons_mod.WHOLE


def _carried(
    vocab: Vocabulary, state: _State, rules: list[Rule], area: str, value: float, season: str
):
    chain = vocab.chain(state.carry)
    for depth, key in enumerate(chain):
        rule = next((r for r in rules if r.subject == key and r.matches(area)), None)
        if rule is None and depth == 0 and key not in vocab.groups and key in _coded(vocab):
            # "sầu riêng 450 ha, trong đó diện tích cho thu hoạch 200 ha", "thanh long 85 ha,
            # sản lượng 2.300 tấn": a part with codes of its own is never read as its group
            # (cây ăn quả) when none of its rules fits
            return None, 0.0
        if rule is None:
            continue
        taken = state.taken.get((rule.indicator, _season_for(rule.indicator, season)))
        if taken is not None and abs(taken - value) > 1e-9:
            return "taken", 0.0
        if depth:
            return rule, CONF_PARENT
        return rule, CONF_CARRIED if state.carry_block == state.block else CONF_CARRIED_FAR
    return None, 0.0


def _coded(vocab: Vocabulary) -> frozenset[str]:
    """The subjects some rule reads (a crop, an animal with an indicator of its own)."""
    return frozenset(r.subject for r in vocab.rules if r.subject)


def _inferred(vocab: Vocabulary, state: _State, rules: list[Rule], season: str) -> Rule | None:
    """The next rule of the carried sector after those given a value in this paragraph
    ("105.000 con" after trâu bò and lợn: gia cầm)."""
    chain = vocab.chain(state.carry)
    sector = chain[-1] if chain else None
    if sector is None:
        return None
    in_sector = [
        r for r in rules if r.subject and not r.require and sector in vocab.chain(r.subject)
    ]

    def given(r: Rule) -> bool:
        return (r.indicator, _season_for(r.indicator, season)) in state.taken

    taken = [i for i, r in enumerate(in_sector) if given(r)]
    for r in in_sector[(max(taken) + 1) if taken else 0 :]:
        if not given(r):
            return r
    return None


#: "14/15": a part written over its total.
_PART_OVER_TOTAL = re.compile(r"\s*\d[\d.,]*\s*/\s*\d[\d.,]*\s*")
#: How far part / total × 100 may be from the percent written after it (rounded to 0,1).
PART_RATE_TOLERANCE = 0.11


def _rate_of_part(vocab: Vocabulary, state: _State, prev: Proposal | None, pct: float, cat):
    """ "thuộc thẩm quyền 15 đơn, đã giải quyết 14/15 đơn, đạt 93,3%": a percent right after a
    figure is its rate over the total it was computed with — the ratio of the catalogue whose
    denominator is an indicator read earlier in the paragraph with exactly that value (14 / 15
    = 93,3 %), when the figure is written over that total ("14/15") and exactly one ratio has
    it as denominator (a ratio with the figure as numerator first). None otherwise: the usual
    share reading applies ("đúng hạn 805 hồ sơ, đạt 99,1%" stays the on-time rate even though
    805 / 812 received is 99,1 %)."""
    if prev is None or pct <= 0 or prev.value <= 0:
        return None
    if not _PART_OVER_TOTAL.fullmatch(prev.value_written) and not _own_rate_misfits(
        state, prev, pct, cat
    ):
        return None
    named = {
        code
        for (code, _season), v in state.taken.items()
        if code != prev.indicator
        and v > 0
        and abs(prev.value / v * 100 - pct) <= PART_RATE_TOLERANCE
    }
    if not named:
        return None
    ratios = [
        ind
        for ind in cat
        if ind.unit == "%" and len(ind.components) == 2 and ind.components[1] in named
    ]
    own = [ind for ind in ratios if ind.components[0] == prev.indicator]
    chosen = own if own else ratios
    return Rule(chosen[0].code) if len(chosen) == 1 else None


def _own_rate_misfits(state: _State, prev: Proposal, pct: float, cat) -> bool:
    """True when the figure's own rates (it is their numerator) all have their denominator read
    in the paragraph and none fits the percent ("nhận 31 đơn … thuộc thẩm quyền 24 đơn; đã giải
    quyết 22 đơn, đạt 91,7%": 22 / 31 is 71 %, so 91,7 % is of another total)."""
    own = [i for i in cat if i.unit == "%" and len(i.components) == 2]
    own = [i for i in own if i.components[0] == prev.indicator]
    if not own:
        return False
    for ind in own:
        given = [v for (code, _), v in state.taken.items() if code == ind.components[1] and v > 0]
        if not given or any(abs(prev.value / v * 100 - pct) <= 1.0 for v in given):
            return False
    return True


def _percent(vocab: Vocabulary, left: str, area: str, prev: Proposal | None, cat):
    for text in (left, area):
        for r in vocab.rules:
            if cat[r.indicator].unit != "%" or not r.matches(text):
                continue
            topic = vocab.percent_topics.get(r.indicator)
            if topic is None or topic.search(text):
                return r, CONF_LOCAL, "explicit"
    if prev is None or len(left.split()) > 6:
        return None, 0.0, ""
    stripped = left.strip(_STRIP)
    if stripped and not vocab.cues["share_link"].search(left) and "=" not in left:
        return None, 0.0, ""
    for ind in cat:
        if ind.unit == "%" and ind.components and ind.components[0] == prev.indicator:
            return Rule(ind.code), CONF_SHARE, "share"
    return None, 0.0, ""


#: Why "không có …" read as 0 is reviewed: the words may name a part of the indicator or
#: another one ("chưa có hồ sơ trễ hạn": resolved late, or pending past the deadline?).
ZERO_REASON = '"không có …" ghi nhận là 0: kiểm tra báo cáo có ý nói số 0 của chỉ tiêu này'


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
        kinds, stop = _zero_kinds(vocab, lower, u.start(), end, s1)
        wider = next((r for r in rules if r.matches(lower[u.start() : stop])), None)
        one = kinds and wider is not None and wider.indicator not in PETITION_KINDS
        if one:  # "… tố cáo, khiếu nại vượt cấp": one count
            ind = cat[wider.indicator]
        if kinds:  # "… khiếu nại, tố cáo": the quote holds every kind
            q_end = stop
            while q_end > u.end() and text[q_end - 1] in _STRIP:
                q_end -= 1
        for code in [ind.code] if one or not kinds else kinds:
            out.append(_zero(text, m, u, q_end, cat[code]))
    out += _kind_then_zero(text, lower, s0, s1, vocab)
    return out


def _zero_kinds(vocab: Vocabulary, lower: str, a: int, end: int, s1: int) -> tuple[list[str], int]:
    """ "không phát sinh đơn thư khiếu nại, tố cáo": each kind the words list is 0 (when they
    list more than one), and the end of the words."""
    stop = end
    while stop < s1 and lower[stop] == "," and _COMMA_GOES_ON.match(lower, stop + 1, s1):
        pm = _PUNCT.search(lower, stop + 1, s1)
        stop = pm.start() if pm else s1
    words = lower[a:stop]
    kinds = [c for c, cue in _kinds(vocab) if cue.search(words)]
    return (kinds, stop) if len(kinds) > 1 else ([], end)


def _kinds(vocab: Vocabulary) -> list[tuple[str, re.Pattern]]:
    """(indicator, its kind's words) of the petition kinds: khiếu nại, tố cáo, kiến nghị."""
    out = []
    for r in _rules_for(vocab, "petition"):
        if r.indicator in PETITION_KINDS and r.require_re and not r.subject:
            out.append((r.indicator, r.require_re[0]))
    return out


#: The petitions by kind, each named by its rule's first words.
PETITION_KINDS = ("complaints_received", "denunciations_received", "recommendations_received")
_KIND_ZERO = re.compile(r"\s*:?\s*không(?!\w)(?=\s*(?:[,;.)]|và\b|$))")


def _kind_then_zero(text: str, lower: str, s0: int, s1: int, vocab: Vocabulary) -> list[Proposal]:
    """ "khiếu nại: không", "tố cáo không": the kind, then its zero in words."""
    cat, out = catalogue(), []
    for code, cue in _kinds(vocab):
        for m in cue.finditer(lower, s0, s1):
            z = _KIND_ZERO.match(lower, m.end(), s1)
            if not z or not z.group().strip(" :"):
                continue
            zm = re.search(r"không", lower[z.start() : z.end()])
            at = z.start() + zm.start()
            out.append(
                replace(
                    _zero(text, m, m, z.end(), cat[code]),
                    value_written=text[at : at + len(zm.group())],
                    unit_written="đơn",
                )
            )
    return out


def _zero(text: str, m: re.Match, u: re.Match, q_end: int, ind) -> Proposal:
    """A count written as "không có …" (or "…: không"), read as 0 and reviewed."""
    return Proposal(
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
        klass="zero",
        reasons=(ZERO_REASON,),
    )


# ---------------------------------------------------------------------------------------------
# one report
# ---------------------------------------------------------------------------------------------
def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


#: A conflict note lists at most this many of the values.
MAX_LISTED_VALUES = 5


def _reconcile(found: list[Proposal]) -> list[Proposal]:
    """One proposal per indicator, season and value; different values for one indicator and
    season are flagged. A season's figure is its own (season code), never the period's."""
    by_key: dict[tuple[str, str], list[Proposal]] = {}
    for p in sorted(found, key=lambda p: p.number_start):
        by_key.setdefault((p.indicator, p.season), []).append(p)
    kept = []
    for group in by_key.values():
        by_value: dict[float, list[Proposal]] = {}  # values equal up to float noise
        for p in group:
            by_value.setdefault(round(p.value, 6), []).append(p)
        distinct = list(by_value.values())
        best = []
        for d in distinct:
            top = max(d, key=lambda p: (not p.review, p.confidence))
            if len(d) > 1:
                top = replace(
                    top,
                    note="; ".join(x for x in (top.note, f"báo cáo nhắc lại {len(d)} lần") if x),
                )
            best.append(top)
        if len(best) > 1:
            values = ", ".join(p.value_written for p in best[:MAX_LISTED_VALUES])
            if len(best) > MAX_LISTED_VALUES:
                values += f"… ({len(best)} giá trị)"
            why = f"báo cáo ghi nhiều giá trị khác nhau cho chỉ tiêu này ({values}): chọn một"
            best = [
                replace(
                    p,
                    confidence=min(p.confidence, CONF_CONFLICT),
                    note="; ".join(x for x in (p.note, why) if x),
                    klass="conflict",
                    reasons=(*p.reasons, why),
                )
                for p in best
            ]
        kept += best
    return sorted(kept, key=lambda p: p.start)
