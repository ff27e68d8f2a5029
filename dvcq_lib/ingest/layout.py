"""From positioned lines on pages (a PDF's text layer, Tesseract's words) to the blocks of a
Document: paragraphs rebuilt from lines broken at the margin, a paragraph carried over a column
or a page joined again, cells laid side by side read as one table row, page numbers dropped.

The reading order of the boxes is the engine's (pdfminer's layout analysis, Tesseract's page
segmentation); this module only decides where a paragraph starts and ends."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from dvcq_lib.ingest.text import Document, Page, TextBuilder

#: (confidence 0..1, box) of an OCR word; None for text from a PDF's text layer.
OcrInfo = tuple[float, tuple[int, int, int, int]] | None
Piece = tuple[str, OcrInfo]

#: A line ending this far (share of the box width) short of the right edge may end a paragraph.
SHORT_LINE = 0.15
#: A line starting this far right of the box's left edge is indented (a first line).
INDENT = 0.04
#: Boxes in the top or bottom margin (share of the page height) may be page furniture.
MARGIN = 0.08
#: Two single-line boxes overlapping this much vertically lie on one table row.
ROW_OVERLAP = 0.5
#: Inside one OCR line, a gap between words wider than this many line heights separates two
#: table cells (a space between words is about a third of a line height).
CELL_GAP = 2.0
_TERMINAL = ".!?…:;"
_PAGE_NUMBER = re.compile(r"^\s*(?:trang\s*)?[-–]?\s*\d{1,3}\s*(?:/\s*\d{1,3})?\s*[-–]?\s*$", re.I)
_LIST_START = re.compile(r"^(?:[-–•*+]\s|\d{1,2}(?:\.\d{1,2})*\s*[.)]\s|[IVX]{1,5}\s*[.)]\s)")


@dataclass
class Line:
    pieces: list[Piece]
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.pieces)


@dataclass
class Box:
    lines: list[Line]
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class PageLayout:
    """The boxes of one page in reading order, and how the page was read."""

    number: int
    method: str  # "pdf" or "ocr"
    width: float
    height: float
    boxes: list[Box]
    image: bytes = b""


@dataclass
class _Block:
    pieces: list[Piece]
    kind: str
    page: int
    starts: list[tuple[int, int]] = field(default_factory=list)  # (piece index, page)

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.pieces)


def _strip_pieces(pieces: list[Piece]) -> list[Piece]:
    """Leading and trailing blanks removed (the text of a word piece is never cut)."""
    out = list(pieces)
    while out and not out[0][0].strip() and out[0][1] is None:
        out.pop(0)
    while out and not out[-1][0].strip() and out[-1][1] is None:
        out.pop()
    if out and out[0][1] is None:
        out[0] = (out[0][0].lstrip(), None)
    if out and out[-1][1] is None:
        out[-1] = (out[-1][0].rstrip(), None)
    return [p for p in out if p[0]]


def _glue(left: str, right: str) -> tuple[str, bool]:
    """How a line continues the one before: "" (a word broken at a hyphen), or " ".
    Returns the glue and whether the left line's last character (a soft hyphen) is dropped."""
    left = left.rstrip()
    if left.endswith("\u00ad"):
        return "", True
    if re.search(r"[^\W\d_]-$", left) and right[:1].isalpha():
        # "Niu-" / "cát-xon": Vietnamese writes hyphens inside loan words; keep it, no space
        return "", False
    return " ", False


def join_lines(lines: list[Line]) -> list[Piece]:
    """The lines of one paragraph as one run of text."""
    out: list[Piece] = []
    for line in lines:
        pieces = _strip_pieces(line.pieces)
        if not pieces:
            continue
        if out:
            glue, drop = _glue("".join(t for t, _ in out), pieces[0][0])
            if drop:
                t, info = out[-1]
                out[-1] = (t.rstrip()[:-1], info)
            if glue:
                out.append((glue, None))
        out += pieces
    return out


def _starts_new(text: str) -> bool:
    text = text.lstrip()
    return bool(text[:1].isupper() or _LIST_START.match(text))


def split_paragraphs(box: Box) -> list[list[Line]]:
    """A box's lines cut where a line ends short of the margin (or the next is indented) and the
    text says a new paragraph begins."""
    width = max(box.x1 - box.x0, 1.0)
    groups: list[list[Line]] = [[box.lines[0]]] if box.lines else []
    for prev, line in zip(box.lines, box.lines[1:], strict=False):
        prev_text, text = prev.text.rstrip(), line.text.lstrip()
        short = prev.x1 < box.x1 - SHORT_LINE * width
        indented = line.x0 > box.x0 + INDENT * width
        ends = prev_text[-1:] in _TERMINAL
        if (short and (ends or _starts_new(text))) or (indented and ends and _starts_new(text)):
            groups.append([line])
        else:
            groups[-1].append(line)
    return groups


def cells(line: Line) -> list[list[Piece]]:
    """An OCR line cut where the gap between two words is a table column's."""
    height = max(line.bottom - line.top, 1.0)
    out: list[list[Piece]] = [[]]
    last = None
    for text, info in line.pieces:
        if info is not None:
            if last is not None and info[1][0] - last > CELL_GAP * height:
                out.append([])
            last = info[1][2]
        out[-1].append((text, info))
    return [c for c in (_strip_pieces(c) for c in out) if c]


def _split_table_lines(box: Box) -> list[Box | list[list[Piece]]]:
    """A box's runs of prose lines, and its lines laid out as table cells (as lists of cells)."""
    out: list[Box | list[list[Piece]]] = []
    run: list[Line] = []
    for line in box.lines:
        row = cells(line)
        if len(row) > 1:
            if run:
                out.append(Box(run, box.x0, run[0].top, box.x1, run[-1].bottom))
                run = []
            out.append(row)
        else:
            run.append(line)
    if run:
        out.append(Box(run, box.x0, run[0].top, box.x1, run[-1].bottom))
    return out


def _is_furniture(box: Box, height: float) -> bool:
    in_margin = box.bottom < MARGIN * height or box.top > (1 - MARGIN) * height
    text = " ".join(line.text for line in box.lines)
    return in_margin and bool(_PAGE_NUMBER.match(text))


def _rows(boxes: list[Box]) -> list[list[Box] | Box]:
    """Single-line boxes side by side on one row (table cells) grouped, in reading order."""
    singles = [i for i, b in enumerate(boxes) if len(b.lines) == 1]
    group_of: dict[int, int] = {}
    groups: list[list[int]] = []
    for i in sorted(singles, key=lambda k: boxes[k].top):
        b = boxes[i]
        for gi, g in enumerate(groups):
            ref = boxes[g[0]]
            overlap = min(b.bottom, ref.bottom) - max(b.top, ref.top)
            height = min(b.bottom - b.top, ref.bottom - ref.top)
            apart = all(b.x0 >= boxes[j].x1 or b.x1 <= boxes[j].x0 for j in g)
            if height > 0 and overlap >= ROW_OVERLAP * height and apart:
                g.append(i)
                group_of[i] = gi
                break
        else:
            group_of[i] = len(groups)
            groups.append([i])
    out: list[list[Box] | Box] = []
    done: set[int] = set()
    for i, b in enumerate(boxes):
        if i in done:
            continue
        g = groups[group_of[i]] if i in group_of else [i]
        if len(g) > 1:
            out.append(sorted((boxes[j] for j in g), key=lambda x: x.x0))
            done |= set(g)
        else:
            out.append(b)
    return out


def _row_pieces(texts: list[list[Piece]]) -> list[Piece]:
    """A table row read as "cell 1: cell 2 cell 3", as rows of a .docx table are."""
    texts = [t for t in (_strip_pieces(t) for t in texts) if t]
    if not texts:
        return []
    head = texts[0]
    if head[-1][1] is None and head[-1][0].endswith(":"):
        head = head[:-1] + [(head[-1][0][:-1], None)] if head[-1][0][:-1] else head[:-1]
    out = list(head)
    for i, cell in enumerate(texts[1:]):
        out.append((": " if i == 0 else " ", None))
        out += cell
    return out


def _continues(prev: _Block, nxt: _Block) -> bool:
    """A paragraph cut by a column or page break: no full stop before, lower case after."""
    if prev.kind != "paragraph" or nxt.kind != "paragraph":
        return False
    left, right = prev.text.rstrip(), nxt.text.lstrip()
    return bool(left) and left[-1] not in _TERMINAL and right[:1].islower()


def build(pages: list[PageLayout], source: str, method: str) -> Document:
    """The Document of laid-out pages (see the module docstring)."""
    blocks: list[_Block] = []
    for page in pages:
        boxes = [b for b in page.boxes if b.lines and not _is_furniture(b, page.height)]
        items: list[Box | list[list[Piece]]] = []
        for item in _rows(boxes):
            if isinstance(item, list):
                items.append([c.lines[0].pieces for c in item])
            else:
                items += _split_table_lines(item)
        for item in items:
            if isinstance(item, list):
                pieces = _row_pieces(item)
                if pieces:
                    blocks.append(_Block(pieces, "table_row", page.number))
                continue
            for lines in split_paragraphs(item):
                pieces = join_lines(lines)
                if not pieces:
                    continue
                block = _Block(pieces, "paragraph", page.number)
                if blocks and _continues(blocks[-1], block):
                    prev = blocks[-1]
                    glue, drop = _glue(prev.text, block.text.lstrip())
                    if drop:
                        t, info = prev.pieces[-1]
                        prev.pieces[-1] = (t.rstrip()[:-1], info)
                    prev.pieces.append((glue, None))
                    prev.starts.append((len(prev.pieces), page.number))
                    prev.pieces += pieces
                else:
                    blocks.append(block)
    out = TextBuilder()
    page_starts: dict[int, int] = {}
    for block in blocks:
        # a block carried over to a later page: that page starts inside it
        cuts = [0, *[i for i, _ in block.starts], len(block.pieces)]
        numbers = [block.page, *[p for _, p in block.starts]]
        offset = out.pos
        for a, b, number in zip(cuts, cuts[1:], numbers, strict=False):
            page_starts.setdefault(number, offset)
            offset += sum(len(t) for t, _ in block.pieces[a:b])
        out.add(block.pieces, block.kind, block.page)
    doc_pages, start = [], out.pos
    for page in reversed(pages):  # a page with no text starts where the next text does
        start = page_starts.get(page.number, start)
        doc_pages.append(Page(page.number, start, page.method, page.width, page.height, page.image))
    doc = out.document(source, method, tuple(reversed(doc_pages)))
    return _words_on_their_pages(doc)


def _words_on_their_pages(doc: Document) -> Document:
    """OCR words keep the page they were read on (a block's page is where it starts)."""
    if not doc.words:
        return doc
    words = []
    for w in doc.words:
        page = doc.page_at(w.start)
        words.append(replace(w, page=page.number) if page else w)
    return replace(doc, words=tuple(words))
