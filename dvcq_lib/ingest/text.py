"""A report as text: .txt/.md read as they are, .docx paragraphs and table rows laid out as
lines. Every block (paragraph, table row) keeps its character offsets in the document text, so
every figure can point back to where it was written."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from dvcq_lib.exceptions import ReportReadError

#: Larger inputs are refused: a commune report is a few hundred kB; 50 MB is not a report.
MAX_BYTES = 50_000_000
#: Share of control characters above which a "text" file is taken to be binary.
MAX_CONTROL_SHARE = 0.05
TEXT_SUFFIXES = (".txt", ".md", ".text")
_HEADING = re.compile(r"^\s*(?:[IVX]{1,5}\s*[.)]|\d{1,2}(?:\.\d{1,2})*\s*[.)]\s+\S|[*#]+)")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


@dataclass(frozen=True)
class Block:
    start: int
    end: int
    kind: str  # "paragraph", "table_row"


@dataclass(frozen=True)
class Document:
    """The text of one report (NFC) and its blocks; offsets index into `text`."""

    text: str
    blocks: tuple[Block, ...]
    source: str

    def block_text(self, block: Block) -> str:
        return self.text[block.start : block.end]

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


def _docx_document(path: Path) -> Document:
    """Paragraphs and tables in body order; a table row reads "cell 1: cell 2 cell 3"."""
    import docx  # python-docx, only needed for .docx
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
    text, blocks, pos = "", [], 0
    for line, kind in lines:
        line = _nfc(line).replace("\n", " ")
        if line.strip():
            blocks.append(Block(pos, pos + len(line), kind))
        text += line + "\n"
        pos = len(text)
    return Document(text, tuple(blocks), str(path))


def read_report(path: Path | str) -> Document:
    """Read a .txt/.md/.docx report; raises ReportReadError with what was wrong and how to fix it.

    >>> read_report("data/raw/dong-son_2024-H1.txt").blocks[0].kind  # doctest: +SKIP
    'paragraph'
    """
    path = Path(path)
    if not path.is_file():
        raise ReportReadError(str(path), "không tìm thấy tệp (file not found)")
    if path.stat().st_size > MAX_BYTES:
        raise ReportReadError(
            str(path),
            f"tệp quá lớn ({path.stat().st_size:,} byte > "
            f"{MAX_BYTES:,}); một báo cáo xã không lớn như vậy",
        )
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _docx_document(path)
    if suffix in TEXT_SUFFIXES:
        return document_from_text(_decode(path.read_bytes(), path), str(path))
    raise ReportReadError(
        str(path),
        f"định dạng không hỗ trợ; cần .txt, .md, .docx hoặc .xlsx (unsupported format {suffix!r})",
    )
