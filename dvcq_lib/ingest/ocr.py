"""Scanned pages and photographs (.png, .jpg, .tif, and PDF pages without a text layer) read
with Tesseract and its Vietnamese model (`vie`).

Before Tesseract sees a page it is made grey, brought to about 300 dpi (Vietnamese stacks two
marks on a letter, "ệ", "ẫ": below about 250 dpi they merge and Tesseract reads the wrong
vowel; far above 400 dpi it only gets slower) and straightened (the angle whose rows of ink are
sharpest, within ±5°). Every word keeps its box and Tesseract's confidence; the page keeps a
small preview image so the review page can outline where a figure was read."""

from __future__ import annotations

import io
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from dvcq_lib.exceptions import DvcqError, MissingToolError, ReportReadError
from dvcq_lib.ingest.layout import Box, Line, PageLayout, build
from dvcq_lib.ingest.text import Document

LANG = "vie"
INSTALL_TESSERACT = "apt-get install tesseract-ocr tesseract-ocr-vie"
INSTALL_VIE = (
    "apt-get install tesseract-ocr-vie (hoặc đặt vie.traineddata vào thư mục TESSDATA_PREFIX)"
)
#: Resolution Tesseract reads at (dots per inch), and the band left as it is.
TARGET_DPI = 300
MIN_DPI, MAX_DPI = 250, 450
#: Upscaling a small photo more than this invents nothing but blur.
MAX_UPSCALE = 3.0
#: The long side of a report page (A4, as Vietnamese offices print): the resolution of an
#: image that does not say its own.
PAGE_LONG_SIDE_INCHES = 11.69
#: Straightening: angles tried (degrees), coarse then fine.
MAX_SKEW = 5.0
#: Larger images are refused (a page at 600 dpi is 35 million pixels).
MAX_PIXELS = 80_000_000
MAX_PAGES = 100
#: Seconds Tesseract may spend on one page.
PAGE_TIMEOUT = 180
#: Pages read at once; each Tesseract runs single-threaded (OMP_THREAD_LIMIT=1), which is
#: faster in total than one multi-threaded Tesseract per page on a small machine.
WORKERS = max(1, min(4, os.cpu_count() or 1))
#: Preview of an OCR'd page on the review page (pixels wide, JPEG quality).
PREVIEW_WIDTH = 1100
PREVIEW_QUALITY = 60
TESSERACT_CONFIG = "--oem 1 --psm 3 -c tessedit_do_invert=0"  # no inverted-text pass: faster
#: PDFium is not thread-safe: pages are rendered one at a time, read by Tesseract side by side.
_PDFIUM_LOCK = threading.Lock()


def check_tesseract(file: str) -> None:
    """Tesseract and its Vietnamese model are installed, or MissingToolError says what to do."""
    import pytesseract

    try:
        pytesseract.get_tesseract_version()
    except (pytesseract.TesseractNotFoundError, OSError):
        raise MissingToolError(file, "Tesseract OCR", INSTALL_TESSERACT) from None
    try:
        languages = pytesseract.get_languages(config="")
    except Exception:  # noqa: BLE001 — an unusable tessdata folder reads as "no model"
        languages = []
    if LANG not in languages:
        raise MissingToolError(file, "mô hình tiếng Việt của Tesseract (vie)", INSTALL_VIE)


def _scale_for(dpi: float) -> float:
    if dpi < MIN_DPI:
        return min(TARGET_DPI / dpi, MAX_UPSCALE)
    if dpi > MAX_DPI:
        return TARGET_DPI / dpi
    return 1.0


def _dpi_of(image, declared: float | None) -> float:
    if declared and 50 <= declared <= 1200:
        return float(declared)
    return max(image.size) / PAGE_LONG_SIDE_INCHES


def skew_angle(gray) -> float:
    """The rotation (degrees) that makes the rows of ink sharpest: a projection profile."""
    import numpy as np
    from PIL import Image

    small = gray.copy()
    small.thumbnail((900, 900))
    arr = np.asarray(small, dtype=np.uint8)
    threshold = min(160, int(arr.mean()) - 30) if arr.size else 128
    ink = Image.fromarray(((arr < threshold) * 255).astype(np.uint8))

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.NEAREST), dtype=np.float64).sum(axis=1)
        return float(np.var(np.diff(rows)))

    if (arr < threshold).mean() < 0.001:  # a blank page: nothing to straighten
        return 0.0
    coarse = [a / 2 for a in range(int(-2 * MAX_SKEW), int(2 * MAX_SKEW) + 1)]
    best = max(coarse, key=sharpness)
    fine = [best + a / 10 for a in range(-5, 6)]
    best = max(fine, key=sharpness)
    # no rotation unless it makes the rows clearly sharper
    return best if sharpness(best) > 1.01 * sharpness(0.0) else 0.0


def prepare(image, declared_dpi: float | None = None):
    """Grey, about 300 dpi, straightened. Returns the image Tesseract reads."""
    from PIL import Image, ImageOps

    gray = ImageOps.exif_transpose(image).convert("L")
    scale = _scale_for(_dpi_of(gray, declared_dpi))
    if abs(scale - 1) > 0.05:
        size = (round(gray.width * scale), round(gray.height * scale))
        gray = gray.resize(size, Image.LANCZOS)
    angle = skew_angle(gray)
    if abs(angle) >= 0.1:
        gray = gray.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
    return gray


def _preview(gray) -> bytes:
    small = gray.copy()
    small.thumbnail((PREVIEW_WIDTH, PREVIEW_WIDTH * 2))
    buf = io.BytesIO()
    small.save(buf, "JPEG", quality=PREVIEW_QUALITY, optimize=True)
    return buf.getvalue()


def _boxes(data: dict) -> list[Box]:
    """Tesseract's words grouped by paragraph and line, in its reading order."""
    pars: dict[tuple[int, int], dict[int, list[int]]] = {}
    for i, text in enumerate(data["text"]):
        if not str(text).strip() or float(data["conf"][i]) < 0:
            continue
        key = (data["block_num"][i], data["par_num"][i])
        pars.setdefault(key, {}).setdefault(data["line_num"][i], []).append(i)
    boxes = []
    for lines_of in pars.values():
        lines = []
        for idx in lines_of.values():
            pieces = []
            for k, i in enumerate(idx):
                box = (
                    int(data["left"][i]),
                    int(data["top"][i]),
                    int(data["left"][i]) + int(data["width"][i]),
                    int(data["top"][i]) + int(data["height"][i]),
                )
                if k:
                    pieces.append((" ", None))
                pieces.append((str(data["text"][i]), (float(data["conf"][i]) / 100, box)))
            x0 = min(p[1][1][0] for p in pieces if p[1])
            top = min(p[1][1][1] for p in pieces if p[1])
            x1 = max(p[1][1][2] for p in pieces if p[1])
            bottom = max(p[1][1][3] for p in pieces if p[1])
            lines.append(Line(pieces, x0, top, x1, bottom))
        boxes.append(
            Box(
                lines,
                min(ln.x0 for ln in lines),
                min(ln.top for ln in lines),
                max(ln.x1 for ln in lines),
                max(ln.bottom for ln in lines),
            )
        )
    return boxes


def ocr_page(image, number: int, file: str, declared_dpi: float | None = None) -> PageLayout:
    """One page image read by Tesseract (`vie`)."""
    import pytesseract

    if image.width * image.height > MAX_PIXELS:
        raise ReportReadError(
            file,
            f"trang {number}: ảnh {image.width}×{image.height} điểm ảnh, quá lớn "
            f"(> {MAX_PIXELS:,}); hãy quét ở 300 dpi",
        )
    gray = prepare(image, declared_dpi)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        data = pytesseract.image_to_data(
            gray,
            lang=LANG,
            config=TESSERACT_CONFIG,
            output_type=pytesseract.Output.DICT,
            timeout=PAGE_TIMEOUT,
        )
    except RuntimeError as exc:  # pytesseract's time-out
        raise ReportReadError(file, f"trang {number}: OCR quá {PAGE_TIMEOUT} s ({exc})") from None
    except pytesseract.TesseractError as exc:
        raise ReportReadError(file, f"trang {number}: Tesseract báo lỗi: {exc}") from None
    return PageLayout(number, "ocr", gray.width, gray.height, _boxes(data), _preview(gray))


def _read_all(jobs: list, file: str) -> list[PageLayout]:
    """Pages OCR'd side by side (jobs: (number, loader) with loader() → (image, dpi))."""

    def one(job):
        number, load = job
        image, dpi = load()
        return ocr_page(image, number, file, dpi)

    if len(jobs) == 1 or WORKERS == 1:
        return [one(j) for j in jobs]
    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(one, jobs))


def read_image(path: Path) -> Document:
    """A photographed or scanned page (.png, .jpg, .tif — a multi-page TIFF is several pages)."""
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    check_tesseract(str(path))
    try:
        with Image.open(path) as im:
            frames = getattr(im, "n_frames", 1)
            if frames > MAX_PAGES:
                raise ReportReadError(str(path), f"{frames} trang ảnh (> {MAX_PAGES})")
            pages = []
            for i in range(frames):
                im.seek(i)
                if im.width * im.height > MAX_PIXELS:
                    raise ReportReadError(
                        str(path),
                        f"ảnh {im.width}×{im.height} điểm ảnh, quá lớn (> {MAX_PIXELS:,}); "
                        "hãy quét ở 300 dpi",
                    )
                dpi = im.info.get("dpi", (None,))[0]
                pages.append((im.copy(), float(dpi) if dpi else None))
    except DvcqError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ReportReadError(
            str(path), f"không mở được ảnh ({type(exc).__name__}): tệp hỏng hoặc không phải ảnh"
        ) from None
    jobs = [(n, (lambda p=p: p)) for n, p in enumerate(pages, start=1)]
    return build(_read_all(jobs, str(path)), str(path), "ocr")


def _pdf_page_loader(path: Path, index: int):
    """Render one PDF page at the resolution of its scan (or 300 dpi), as a PIL image."""

    def load():
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c

        with _PDFIUM_LOCK:
            return _render(pdfium, pdfium_c, path, index)

    return load


def _render(pdfium, pdfium_c, path: Path, index: int):
    """One page as a grey image at its scan's resolution (300–450 dpi), and that dpi."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[index]
        width_pt, height_pt = page.get_size()
        images = list(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)))
        dpi = float(TARGET_DPI)
        if images:  # the scan's own resolution, kept within the band Tesseract reads well
            px = max(img.get_px_size()[0] for img in images)
            dpi = px / (width_pt / 72)
        dpi = min(max(dpi, TARGET_DPI), MAX_DPI)
        if (width_pt * dpi / 72) * (height_pt * dpi / 72) > MAX_PIXELS:
            dpi = TARGET_DPI
        image = page.render(scale=dpi / 72, grayscale=True).to_pil()
        return image, dpi
    finally:
        pdf.close()


def ocr_pdf_pages(path: Path, numbers: list[int]) -> list[PageLayout]:
    """The given pages (1-based) of a PDF read by OCR."""
    check_tesseract(str(path))
    jobs = [(n, _pdf_page_loader(path, n - 1)) for n in numbers]
    return _read_all(jobs, str(path))
