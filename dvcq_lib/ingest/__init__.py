"""`dvcq ingest`: read reports as communes write them (.txt, .md, .docx, a filled .xlsx
template, PDF, scanned pages, .doc/.odt/.rtf), propose every catalogue figure with its quote
for review, then merge what the analyst accepted.

    >>> from dvcq_lib.paths import RAW_DIR
    >>> result = ingest_report(RAW_DIR / "dong-son_2024-H1.txt")
    >>> result.commune.code, result.period.code, len(result.proposals)
    ('07273', '2024-H1', 36)
"""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path

from dvcq_lib.exceptions import DvcqError, ReportReadError
from dvcq_lib.ingest.extract import OCR_REASON, Extraction, Proposal, Skipped, extract
from dvcq_lib.ingest.header import detect_header
from dvcq_lib.ingest.result import IngestResult
from dvcq_lib.ingest.text import Document, document_from_text, read_report


def where_read(doc: Document, p: Proposal) -> Proposal:
    """A proposal with the page it is on, how its text was read and, for OCR, the lowest
    confidence Tesseract gave the words of its number (and why it needs review)."""
    at = p.number_start or p.start
    page = doc.page_at(at)
    method = doc.method_at(at)
    changes: dict = {"page": page.number if page else None, "method": method}
    if method == "ocr":
        words = doc.words_in(at, at + max(len(p.value_written), 1))
        changes["ocr_confidence"] = round(min(w.confidence for w in words), 2) if words else 0.0
        if "reasons" in {f.name for f in fields(p)}:
            changes["reasons"] = (*p.reasons, OCR_REASON)
        else:
            changes["note"] = OCR_REASON + (f"; {p.note}" if p.note else "")
    return replace(p, **changes)


def ingest_document(
    doc: Document,
    *,
    commune: str | None = None,
    period: str | None = None,
    district: str | None = None,
    province: str | None = None,
    override: bool = False,
) -> IngestResult:
    """Header + figures of a document already read; `override` lets commune=/period= replace
    what the report's own header says."""
    header = detect_header(
        doc, commune=commune, period=period, district=district, province=province, override=override
    )
    ex = extract(doc, period=header.period)
    proposals = tuple(where_read(doc, p) for p in ex.proposals)
    return IngestResult(doc.source, header.commune, header.period, proposals, ex.skipped, doc)


def ingest_report(
    path: Path | str,
    *,
    commune: str | None = None,
    period: str | None = None,
    district: str | None = None,
    province: str | None = None,
    override: bool = False,
) -> IngestResult:
    """Read one report (.txt/.md/.docx/.xlsx, .pdf, a scan, .doc/.odt/.rtf) and propose its
    figures.

    Raises:
        ReportReadError: the file cannot be read (missing, binary, broken, unsupported).
        HeaderNotFoundError: commune or period cannot be determined (use commune=/period=).
        CommuneNotFoundError / AmbiguousCommuneError: the commune name in the register.
    """
    path = Path(path)
    try:
        if path.suffix.lower() == ".xlsx":
            from dvcq_lib.ingest.excel import read_workbook  # openpyxl (~0.5 s) only when needed

            return read_workbook(
                path, commune=commune, period=period, district=district, province=province
            )
        return ingest_document(
            read_report(path),
            commune=commune,
            period=period,
            district=district,
            province=province,
            override=override,
        )
    except DvcqError:
        raise
    except Exception as exc:  # noqa: BLE001 — last line of defence: never a traceback
        # a bug of ours on an unusual input: say which file, keep the cause for a report
        raise ReportReadError(str(path), f"lỗi khi đọc ({type(exc).__name__}: {exc})") from exc


__all__ = [
    "ingest_report",
    "ingest_document",
    "IngestResult",
    "extract",
    "Extraction",
    "Proposal",
    "Skipped",
    "read_report",
    "document_from_text",
]
