"""The review page: `<name>.review.html` beside the review sheet `<name>.review.csv`.

The report's text with every proposed figure highlighted where it was written, coloured by
confidence; beside it one card per figure (indicator in Vietnamese, value, unit, why it is
flagged). A click on a highlight or on a card's button toggles accept; "Lưu bảng rà soát"
downloads the edited sheet as CSV (UTF-8 with BOM, the sheet's own columns), which
`dvcq ingest --accept` takes. For pages read by OCR, the page image with each figure's box
outlined. One self-contained file: no server, nothing loaded from the network (a Content
Security Policy forbids it), every text escaped by the template (autoescape on)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

import jinja2
import pandas as pd

from dvcq_lib.files import write_atomic
from dvcq_lib.ingest.extract import REVIEW_THRESHOLD, Proposal
from dvcq_lib.ingest.text import Document

TEMPLATE = "review_page.html.j2"
#: Confidence at and above which a highlight is green (below REVIEW_THRESHOLD: red).
HIGH_CONFIDENCE = 0.9
#: The marker the review sheet puts before the note of a flagged row.
REVIEW_MARK = "CẦN RÀ SOÁT:"


@dataclass(frozen=True)
class Segment:
    """A run of the report's text, and the figures (row indexes) whose quote covers it."""

    text: str
    rows: tuple[int, ...]
    level: str  # "", "high", "mid", "low" (the lowest confidence of its figures)


@dataclass(frozen=True)
class Outline:
    """A figure's box on an OCR page image, in percent of the image."""

    row: int
    left: float
    top: float
    width: float
    height: float
    level: str


@dataclass(frozen=True)
class PageView:
    number: int | None
    method: str
    segments: tuple[Segment, ...]
    image: str = ""  # data: URI of the OCR preview
    outlines: tuple[Outline, ...] = ()


def review_page_path(sheet: Path) -> Path:
    """`x.review.csv` → `x.review.html` (beside it)."""
    return Path(sheet).with_suffix(".html")


def level(confidence: float, review: bool) -> str:
    """Colour class: "low" under the review threshold; "mid" below HIGH_CONFIDENCE or flagged
    for another reason (read by OCR); "high" otherwise."""
    if confidence < REVIEW_THRESHOLD:
        return "low"
    return "high" if confidence >= HIGH_CONFIDENCE and not review else "mid"


def why(row: dict) -> str:
    """Why a row needs review, as the card says it (the sheet's note without its marker)."""
    note = str(row.get("note", "")).replace(REVIEW_MARK, "").strip()
    reasons = str(row.get("reasons", "")).strip()
    return "; ".join(x for x in (reasons, note) if x)


def _span(row: dict) -> tuple[int, int] | None:
    try:
        start, end = int(row["start"]), int(row["end"])
    except (KeyError, TypeError, ValueError):
        return None
    return (start, end) if end > start else None


def _levels(rows: list[dict]) -> list[str]:
    out = []
    for r in rows:
        try:
            conf = float(r.get("confidence") or 0)
        except ValueError:
            conf = 0.0
        out.append(level(conf, str(r.get("accept", "")).strip() != "1"))
    return out


def segments(text: str, spans: dict[int, tuple[int, int]], levels: list[str], cuts=()):
    """The text cut at every quote boundary (and at `cuts`, page starts): each piece knows
    which quotes cover it, so overlapping quotes stay exact."""
    bounds = {0, len(text), *cuts}
    for a, b in spans.values():
        bounds |= {max(0, min(a, len(text))), max(0, min(b, len(text)))}
    order = sorted(bounds)
    rank = {"low": 0, "mid": 1, "high": 2}
    out = []
    for a, b in zip(order, order[1:], strict=False):
        rows = tuple(i for i, (s, e) in spans.items() if s <= a and b <= e)
        lvl = min((levels[i] for i in rows), key=rank.__getitem__) if rows else ""
        out.append((a, Segment(text[a:b], rows, lvl)))
    return out


def _outlines(doc: Document, rows: list[dict], proposals: list[Proposal], levels: list[str]):
    """Boxes of each OCR figure's number (union of its words' boxes) by page."""
    by_key = {(p.indicator, p.start, p.end): p for p in proposals}
    out: dict[int, list[Outline]] = {}
    for i, r in enumerate(rows):
        span = _span(r)
        if span is None:
            continue
        p = by_key.get((r["indicator"], *span))
        at = (p.number_start or p.start) if p else span[0]
        length = len(p.value_written) if p else span[1] - span[0]
        words = doc.words_in(at, at + max(length, 1))
        page = doc.page_at(at)
        if not words or page is None or page.method != "ocr" or not page.width:
            continue
        x0 = min(w.box[0] for w in words)
        y0 = min(w.box[1] for w in words)
        x1 = max(w.box[2] for w in words)
        y1 = max(w.box[3] for w in words)
        pad = 4
        out.setdefault(page.number, []).append(
            Outline(
                i,
                100 * (x0 - pad) / page.width,
                100 * (y0 - pad) / page.height,
                100 * (x1 - x0 + 2 * pad) / page.width,
                100 * (y1 - y0 + 2 * pad) / page.height,
                levels[i],
            )
        )
    return out


def page_views(doc: Document | None, rows: list[dict], proposals: list[Proposal]):
    """The text as pages of segments (one view for files without pages)."""
    if doc is None:
        return []
    levels = _levels(rows)
    spans = {i: s for i, r in enumerate(rows) if (s := _span(r))}
    starts = [p.start for p in doc.pages]
    segs = segments(doc.text, spans, levels, starts)
    if not doc.pages:
        return [PageView(None, doc.method, tuple(s for _, s in segs))]
    outlines = _outlines(doc, rows, proposals, levels)
    views = []
    for k, page in enumerate(doc.pages):
        end = doc.pages[k + 1].start if k + 1 < len(doc.pages) else len(doc.text) + 1
        mine = tuple(s for a, s in segs if page.start <= a < end)
        image = (
            "data:image/jpeg;base64," + base64.b64encode(page.image).decode() if page.image else ""
        )
        views.append(
            PageView(page.number, page.method, mine, image, tuple(outlines.get(page.number, ())))
        )
    return views


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("dvcq_lib.ingest", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_review_page(result, rows: pd.DataFrame, sheet_name: str) -> str:
    """The HTML of the review page of one ingested report (an IngestResult)."""
    optional = dict.fromkeys(("status", "note", "reasons", "page", "method", "ocr_confidence"), "")
    records = [{**optional, **r} for r in rows.fillna("").astype(str).to_dict("records")]
    levels = _levels(records)
    views = page_views(getattr(result, "document", None), records, list(result.proposals))
    doc = getattr(result, "document", None)
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            commune=result.commune.describe(),
            period=result.period.label_vi,
            source=result.source,
            method=doc.method if doc is not None else "xlsx",
            sheet_name=sheet_name,
            columns=list(rows.columns),
            records=records,
            levels=levels,
            whys=[why(r) for r in records],
            views=views,
            flagged=sum(1 for r in records if str(r.get("accept", "")).strip() != "1"),
            threshold=REVIEW_THRESHOLD,
            high=HIGH_CONFIDENCE,
        )
    )


def write_review_page(result, rows: pd.DataFrame, sheet: Path) -> Path:
    """Write `<name>.review.html` beside the review sheet; returns its path."""
    path = review_page_path(sheet)
    write_atomic(path, render_review_page(result, rows, Path(sheet).name))
    return path
