"""A report as text: .txt/.md read as they are, .docx paragraphs and table rows laid out as
lines, PDFs (`ingest/pdf.py`), scans and photos (`ingest/ocr.py`), .doc/.odt/.rtf
(`ingest/office.py`). Every block (paragraph, table row) keeps its character offsets in the
document text and the page it is on, so every figure can point back to where it was written; a
page read by OCR also keeps each word's box and confidence."""

from __future__ import annotations

import bisect
import importlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from dvcq_lib.exceptions import ReportReadError

#: Larger inputs are refused: a commune report is a few hundred kB; 50 MB is not a report.
MAX_BYTES = 50_000_000
#: Scans and photographed pages are larger: 30 pages at 300 dpi fit well under this.
MAX_SCAN_BYTES = 200_000_000
#: A .docx is a zip: its parts are measured inflated before any is parsed (issue 12). A commune
#: report's document.xml is well under 5 MB and holds a few thousand paragraphs; a 691 kB file
#: inflating to 6 million empty paragraphs took python-docx over 300 s and 4.6 GB.
MAX_DOCX_INFLATED = 200_000_000  # every part, images included
MAX_DOCX_XML = 20_000_000  # any one XML part
MAX_DOCX_PARAGRAPHS = 50_000
#: Share of control characters above which a "text" file is taken to be binary.
MAX_CONTROL_SHARE = 0.05
TEXT_SUFFIXES = (".txt", ".md", ".text")
_HEADING = re.compile(r"^\s*(?:[IVX]{1,5}\s*[.)]|\d{1,2}(?:\.\d{1,2})*\s*[.)]\s+\S|[*#]+)")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_PARAGRAPH_TAG = re.compile(rb"<w:p[ >/]")


@dataclass(frozen=True)
class Block:
    start: int
    end: int
    kind: str  # "paragraph", "table_row"
    page: int | None = None  # 1-based page the block starts on (PDFs, scans); None: no pages


@dataclass(frozen=True)
class Word:
    """A word read by OCR: its offsets in the text, its page, Tesseract's confidence (0..1) and
    its box on the page image (pixels: left, top, right, bottom)."""

    start: int
    end: int
    page: int
    confidence: float
    box: tuple[int, int, int, int]


@dataclass(frozen=True)
class Page:
    """One page of a PDF or scan: where its text starts, how it was read ("pdf": text layer,
    "ocr": Tesseract) and, for OCR pages, the size of the pixel grid the word boxes are in and
    a smaller preview image (JPEG) of the page as it was read (same proportions)."""

    number: int
    start: int
    method: str
    width: float = 0.0
    height: float = 0.0
    image: bytes = b""


@dataclass(frozen=True)
class Document:
    """The text of one report (NFC) and its blocks; offsets index into `text`.

    `method` says how the text was obtained ("text", "docx", "pdf", "ocr"); `pages` and
    `words` are empty for files without pages (.txt, .docx)."""

    text: str
    blocks: tuple[Block, ...]
    source: str
    method: str = "text"
    pages: tuple[Page, ...] = ()
    words: tuple[Word, ...] = ()

    def block_text(self, block: Block) -> str:
        return self.text[block.start : block.end]

    def page_at(self, offset: int) -> Page | None:
        """The page holding a character offset (None for files without pages)."""
        if not self.pages:
            return None
        i = bisect.bisect_right([p.start for p in self.pages], offset) - 1
        return self.pages[max(i, 0)]

    def method_at(self, offset: int) -> str:
        page = self.page_at(offset)
        return page.method if page else self.method

    def words_in(self, start: int, end: int) -> list[Word]:
        """OCR words overlapping [start, end)."""
        i = bisect.bisect_right([w.end for w in self.words], start)
        out = []
        for w in self.words[i:]:
            if w.start >= end:
                break
            out.append(w)
        return out

    def is_heading(self, block: Block) -> bool:
        line = self.block_text(block)
        if _HEADING.match(line):
            return True
        if len(line) >= 200:  # long lines are never upper-case headings (and cost nothing)
            return False
        letters = [c for c in line if c.isalpha()]
        return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def document_from_text(text: str, source: str = "<text>") -> Document:
    """Blocks are the non-empty lines of the text."""
    text = _nfc(text)
    blocks = []
    for m in re.finditer(r"[^\n]+", text):
        if m.group().strip():
            blocks.append(Block(m.start(), m.end(), "paragraph"))
    return Document(text, tuple(blocks), source)


def sentences(doc: Document, block: Block) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a block, in document offsets."""
    out, pos = [], block.start
    for m in _SENTENCE_END.finditer(doc.text, block.start, block.end):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < block.end:
        out.append((pos, block.end))
    return out


def _decode(data: bytes, path: Path) -> str:
    utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff")
    for enc in ("utf-8-sig", "utf-16") if utf16 else ("utf-8-sig",):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ReportReadError(
            str(path),
            "tệp không phải văn bản UTF-8 (not UTF-8 text); hãy lưu "
            "lại báo cáo dạng UTF-8 hoặc .docx",
        )
    head = text[:100_000]
    control = sum(1 for c in head if unicodedata.category(c) == "Cc" and c not in "\n\r\t")
    if text and control / min(len(text), 100_000) > MAX_CONTROL_SHARE:
        raise ReportReadError(
            str(path), "tệp có vẻ là tệp nhị phân, không phải văn bản (binary content)"
        )
    return text


class TextBuilder:
    """Blocks appended one after the other, one line each; offsets kept as they are added."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.blocks: list[Block] = []
        self.words: list[Word] = []

    def add(
        self,
        pieces: list[tuple[str, tuple[float, tuple[int, int, int, int]] | None]],
        kind: str = "paragraph",
        page: int | None = None,
    ) -> None:
        """One block from pieces of text; a piece with (confidence, box) is an OCR word."""
        start, written = self.pos, []
        for text, ocr in pieces:
            text = _nfc(text).replace("\n", " ")
            if ocr is not None and text and page is not None:
                self.words.append(Word(self.pos, self.pos + len(text), page, ocr[0], ocr[1]))
            written.append(text)
            self.pos += len(text)
        self.parts += written
        if "".join(written).strip():
            self.blocks.append(Block(start, self.pos, kind, page))
        self.parts.append("\n")
        self.pos += 1

    def document(self, source: str, method: str, pages: tuple[Page, ...] = ()) -> Document:
        return Document(
            "".join(self.parts), tuple(self.blocks), source, method, pages, tuple(self.words)
        )


def check_docx_size(path: Path) -> None:
    """Refuse a .docx whose parts inflate past the limits, before python-docx parses any."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            total = sum(i.file_size for i in infos)
            big = [i for i in infos if i.filename.endswith(".xml") and i.file_size > MAX_DOCX_XML]
            main = next((i for i in infos if i.filename == "word/document.xml"), None)
            paragraphs = 0
            if main is not None and not big and total <= MAX_DOCX_INFLATED:
                with z.open(main) as f:
                    tail = b""
                    while chunk := f.read(1 << 20):
                        buf = tail + chunk  # a tag cut between two chunks is counted once
                        paragraphs += len(_PARAGRAPH_TAG.findall(buf))
                        paragraphs -= len(_PARAGRAPH_TAG.findall(tail))
                        tail = buf[-5:]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ReportReadError(
            str(path),
            f"không mở được tệp .docx ({type(exc).__name__}): tệp hỏng hoặc không phải Word",
        ) from None
    if total > MAX_DOCX_INFLATED:
        raise ReportReadError(
            str(path),
            f"tệp .docx giải nén ra {total:,} byte (> {MAX_DOCX_INFLATED:,}); một báo cáo xã "
            "không lớn như vậy (inflated size over the limit)",
        )
    if big:
        raise ReportReadError(
            str(path),
            f"phần {big[0].filename} của tệp .docx giải nén ra {big[0].file_size:,} byte "
            f"(> {MAX_DOCX_XML:,}); một báo cáo xã không lớn như vậy (inflated XML over the limit)",
        )
    if paragraphs > MAX_DOCX_PARAGRAPHS:
        raise ReportReadError(
            str(path),
            f"tệp .docx có {paragraphs:,} đoạn văn (> {MAX_DOCX_PARAGRAPHS:,}); một báo cáo xã "
            "không dài như vậy (too many paragraphs)",
        )


def _docx_document(path: Path) -> Document:
    """Paragraphs and tables in body order; a table row reads "cell 1: cell 2 cell 3"."""
    import docx  # python-docx, only needed for .docx

    check_docx_size(path)
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        d = docx.Document(str(path))
    except Exception as exc:  # noqa: BLE001 — python-docx raises many kinds on broken files
        raise ReportReadError(
            str(path),
            f"không mở được tệp .docx ({type(exc).__name__}): tệp hỏng hoặc không phải Word",
        ) from None
    lines: list[tuple[str, str]] = []
    for item in d.iter_inner_content():
        if isinstance(item, Paragraph):
            lines.append((item.text, "paragraph"))
        elif isinstance(item, Table):
            for row in item.rows:
                cells: list[str] = []
                for c in row.cells:
                    t = " ".join(c.text.split())
                    if t and (not cells or cells[-1] != t):  # merged cells repeat their text
                        cells.append(t)
                if cells:
                    head = cells[0].rstrip(":")
                    rest = " ".join(cells[1:])
                    lines.append((f"{head}: {rest}" if rest else head, "table_row"))
    out = TextBuilder()
    for line, kind in lines:
        out.add([(line, None)], kind)
    return out.document(str(path), "docx")


#: Readers by file suffix: "module:function" taking a Path and returning a Document. The
#: heavier readers (PDF, OCR, LibreOffice) are imported only when a file needs them.
READERS: dict[str, str] = {
    **{suffix: "dvcq_lib.ingest.text:_plain_document" for suffix in TEXT_SUFFIXES},
    ".docx": "dvcq_lib.ingest.text:_docx_document",
    ".pdf": "dvcq_lib.ingest.pdf:read_pdf",
    **{
        suffix: "dvcq_lib.ingest.ocr:read_image"
        for suffix in (".png", ".jpg", ".jpeg", ".tif", ".tiff")
    },
    **{suffix: "dvcq_lib.ingest.office:read_office" for suffix in (".doc", ".odt", ".rtf")},
}
#: Formats read as scans (larger files allowed).
SCAN_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff")


def _plain_document(path: Path) -> Document:
    return document_from_text(_decode(path.read_bytes(), path), str(path))


def reader_for(suffix: str):
    """The reader function of a suffix (".pdf"), or None when the format is not read."""
    target = READERS.get(suffix.lower())
    if target is None:
        return None
    module, name = target.split(":")
    return getattr(importlib.import_module(module), name)


def read_report(path: Path | str) -> Document:
    """Read a report (.txt, .md, .docx, .pdf, a scan .png/.jpg/.tif, .doc/.odt/.rtf).

    Raises:
        ReportReadError: what was wrong and how to fix it (missing, too large, binary, broken,
            unsupported; MissingToolError when Tesseract or LibreOffice is not installed).

    >>> from dvcq_lib.paths import RAW_DIR
    >>> read_report(RAW_DIR / "dong-son_2024-H1.txt").blocks[0].kind
    'paragraph'
    """
    path = Path(path)
    if not path.is_file():
        raise ReportReadError(str(path), "không tìm thấy tệp (file not found)")
    suffix = path.suffix.lower()
    limit = MAX_SCAN_BYTES if suffix in SCAN_SUFFIXES else MAX_BYTES
    size = path.stat().st_size
    if size > limit:
        raise ReportReadError(
            str(path),
            f"tệp quá lớn ({size:,} byte > {limit:,}); một báo cáo xã không lớn như vậy",
        )
    if size == 0:
        raise ReportReadError(
            str(path), "tệp rỗng: không có nội dung để nhận ra xã và kỳ báo cáo (empty file)"
        )
    reader = reader_for(suffix)
    if reader is None:
        known = ", ".join(sorted({*READERS, ".xlsx"}))
        raise ReportReadError(
            str(path),
            f"định dạng không hỗ trợ; cần một trong {known} (unsupported format {suffix!r})",
        )
    return reader(path)
