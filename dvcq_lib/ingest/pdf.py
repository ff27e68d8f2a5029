"""PDF reports: the text layer read page by page with pdfminer.six's layout analysis (boxes of
lines in reading order, columns kept apart), rebuilt into paragraphs and table rows by
`ingest/layout.py`. A page without a text layer (a scan inside the PDF) is read by OCR
(`ingest/ocr.py`); a PDF of scans only is an OCR document.

Why pdfminer.six (the engine under pdfplumber) and not pypdf or PyMuPDF: see the README,
"Nhập báo cáo của xã". In short: it keeps every line's position (needed to rebuild paragraphs,
join lines broken mid-sentence and put table cells back on their row), orders two-column pages
column by column, maps ligatures and combining marks through the fonts' ToUnicode tables, and
is pure Python under the MIT licence. Its cost is speed (benchmarks/ingest_speed.py)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from dvcq_lib.exceptions import DvcqError, ReportReadError
from dvcq_lib.ingest.layout import Box, Line, PageLayout, build
from dvcq_lib.ingest.text import Document

#: Larger PDFs are refused: a commune report has a few dozen pages.
MAX_PAGES = 300
#: A page with a picture and fewer visible characters in its text layer is taken to be a scan.
MIN_TEXT_CHARS = 20
#: Presentation forms (ligatures) some producers leave in the text layer.
_LIGATURES = {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0xFB00, 0xFB07)}
_LIGATURE_RE = re.compile("[\ufb00-\ufb06]")


def _clean(text: str) -> str:
    text = _LIGATURE_RE.sub(lambda m: _LIGATURES[m.group()], text)
    return unicodedata.normalize("NFC", text.replace("\n", " "))


def _page_boxes(layout_page) -> list[Box]:
    from pdfminer.layout import LTTextBox, LTTextLine

    height = layout_page.height
    boxes = []
    for el in layout_page:
        if not isinstance(el, LTTextBox):
            continue
        lines = []
        for ln in el:
            if isinstance(ln, LTTextLine):
                text = _clean(ln.get_text())
                if text.strip():
                    lines.append(Line([(text, None)], ln.x0, height - ln.y1, ln.x1, height - ln.y0))
        if lines:
            boxes.append(Box(lines, el.x0, height - el.y1, el.x1, height - el.y0))
    return boxes


def _has_image(item) -> bool:
    """Whether a layout element holds a picture (a scanned page is one)."""
    from pdfminer.layout import LTContainer, LTImage

    if isinstance(item, LTImage):
        return True
    return isinstance(item, LTContainer) and any(_has_image(x) for x in item)


def _visible_chars(boxes: list[Box]) -> int:
    return sum(len(line.text.replace(" ", "")) for b in boxes for line in b.lines)


def read_pdf(path: Path) -> Document:
    """A PDF report: text layer where there is one, OCR for scanned pages.

    Raises:
        ReportReadError: a broken, encrypted or over-long PDF.
        MissingToolError: a scanned page and no Tesseract (or no Vietnamese model).
    """
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams
    from pdfminer.pdfpage import PDFPage

    path = Path(path)
    try:
        with open(path, "rb") as f:
            count = sum(1 for _ in PDFPage.get_pages(f))
        if count > MAX_PAGES:
            raise ReportReadError(
                str(path), f"PDF có {count} trang (> {MAX_PAGES}); một báo cáo xã không dài vậy"
            )
        layouts = list(extract_pages(str(path), laparams=LAParams()))
    except DvcqError:
        raise
    except Exception as exc:  # noqa: BLE001 — pdfminer raises many kinds on broken files
        name = type(exc).__name__
        why = (
            "PDF có mật khẩu; hãy gửi bản không khoá"
            if "Password" in name or "Encrypt" in name
            else "tệp hỏng hoặc không phải PDF"
        )
        raise ReportReadError(str(path), f"không mở được tệp PDF ({name}): {why}") from None
    if not layouts:
        raise ReportReadError(str(path), "PDF không có trang nào (no pages)")
    pages, scanned = [], []
    for number, lp in enumerate(layouts, start=1):
        boxes = _page_boxes(lp)
        if _visible_chars(boxes) < MIN_TEXT_CHARS and _has_image(lp):
            scanned.append(number)  # a blank page stays a (blank) text page
        pages.append(PageLayout(number, "pdf", lp.width, lp.height, boxes))
    if scanned:
        from dvcq_lib.ingest.ocr import ocr_pdf_pages

        for layout in ocr_pdf_pages(path, scanned):
            pages[layout.number - 1] = layout
    method = "ocr" if len(scanned) == len(pages) else "pdf"
    return build(pages, str(path), method)
