"""Tables written as text rows, cells split by "|" ("STT | Chỉ tiêu | ĐVT | Kế hoạch | Thực
hiện 5 tháng | Cùng kỳ"), as reports pasted from a spreadsheet or a summary table are: which cell
names the figure, which holds its unit and which holds the result of the period (not the plan,
not the same period last year, not a comparison).

The extractor reads each row of such a table as the short phrase "name value unit" and keeps
the offsets of the value cell, so every figure still points at where it is written. Figures
read from a table are always reviewed: the column they come from is a guess from its header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A row is a table row when it has at least this many cells.
MIN_CELLS = 2
_CELL_SPLIT = re.compile(r"\|")
#: Header of the cell naming each row's figure.
_NAME_HEAD = re.compile(r"^(?:chỉ tiêu|nội dung|danh mục|hạng mục|tên chỉ tiêu|lĩnh vực)\b")
#: Header of the unit cell.
_UNIT_HEAD = re.compile(r"^(?:đvt|đơn vị tính|đơn vị|đv tính)$")
#: Header of the cell with the result of the period.
_RESULT_HEAD = re.compile(
    r"^(?:ước\s+)?(?:thực hiện|th|kết quả|ước th|ước đạt|số lượng|số liệu|giá trị)\b"
)
#: Words in a header that make its column no result of the period.
_NOT_RESULT = re.compile(
    r"(?<!\w)(?:kế hoạch|kh|cùng kỳ|so sánh|so với|tỷ lệ|tỉ lệ|%|năm trước|kỳ trước|chỉ tiêu|"
    r"mục tiêu|dự kiến|ghi chú)(?!\w)"
)


#: A row naming a part of the row above ("Trong đó: nhãn", "- trâu cày kéo").
_SUB_ROW = re.compile(r"^\s*(?:trong đó|[-+–]\s|riêng\b|gồm\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Cell:
    start: int  # offsets of the cell's text (stripped) in the document
    end: int
    text: str


@dataclass(frozen=True)
class Columns:
    """Where a table's cells are: the name, the unit (or None) and the result, by index; the
    result column's header as written."""

    name: int
    unit: int | None
    result: int
    header: str
    width: int


def cells(text: str, start: int, end: int) -> list[Cell]:
    """The cells of text[start:end] split by "|", with their offsets (empty when no "|")."""
    line = text[start:end]
    if "|" not in line:
        return []
    out, pos = [], 0
    for piece in [*_CELL_SPLIT.split(line)]:
        lead = len(piece) - len(piece.lstrip())
        body = piece.strip()
        a = start + pos + lead
        out.append(Cell(a, a + len(body), body))
        pos += len(piece) + 1
    return out


def header_columns(row: list[Cell]) -> Columns | None:
    """The columns of a table whose header row this is, or None: a name column and exactly one
    result column are needed."""
    if len(row) < MIN_CELLS:
        return None
    heads = [" ".join(c.text.lower().split()) for c in row]
    names = [i for i, h in enumerate(heads) if _NAME_HEAD.match(h)]
    results = [
        i for i, h in enumerate(heads) if _RESULT_HEAD.match(h) and not _NOT_RESULT.search(h)
    ]
    if len(names) != 1 or len(results) != 1 or results[0] <= names[0]:
        return None
    units = [i for i, h in enumerate(heads) if _UNIT_HEAD.match(h)]
    return Columns(
        names[0], units[0] if len(units) == 1 else None, results[0], row[results[0]].text, len(row)
    )


def is_sub_row(name: str) -> bool:
    """True when a row's name cell names a part of the row above ("Trong đó: nhãn")."""
    return bool(_SUB_ROW.match(name))
