"""Test files made from the reference report, once per test session (LibreOffice and OCR are
slow): a .docx written with python-docx (its livestock paragraph as a table, as communes often
write it), then through LibreOffice a text PDF, a .doc and an .odt; the PDF's pages as 300-dpi
PNG images (pdftoppm) assembled into an image-only PDF ("clean scan"), and a copy degraded as a
phone photo would be (slight rotation, blur, uneven light, sensor noise, JPEG) assembled the
same way.

Nothing here is hand-edited: every file is generated from data/raw/dong-son_2024-H1.txt."""

from __future__ import annotations

import atexit
import functools
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from dvcq_lib.paths import RAW_DIR, ROOT

REPORT = RAW_DIR / "dong-son_2024-H1.txt"
REFERENCE_CSV = ROOT / "data" / "observations" / "reference" / "dong-son_2024-H1.csv"
TOOLS = {
    "soffice": "libreoffice-writer-nogui",
    "pdftoppm": "poppler-utils",
    "tesseract": "tesseract-ocr tesseract-ocr-vie",
}
#: The phone-photo degradation: rotation (degrees, alternating sign), blur radius (pixels at
#: 300 dpi), shadow, noise (grey levels, standard deviation), JPEG quality.
PHOTO_ROTATION = 1.2
PHOTO_BLUR = 1.0
PHOTO_NOISE = 12.0
PHOTO_SHADOW = 70.0  # grey levels lost by the paper at the far edge
PHOTO_JPEG_QUALITY = 40


def need_tools(*names: str) -> None:
    """Skip (locally) or fail (in CI, which installs them: .ci/run) when a tool is missing."""
    missing = [n for n in names if shutil.which(n) is None]
    if missing:
        msg = (
            "cần " + ", ".join(missing) + ": apt-get install " + " ".join(TOOLS[n] for n in missing)
        )
        if os.environ.get("CI"):
            raise RuntimeError(msg)
        pytest.skip(msg)


@functools.cache
def workdir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="dvcq-formats-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def _docx(path: Path, columns: bool = False) -> Path:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    lines = [ln for ln in REPORT.read_text(encoding="utf-8").splitlines() if ln.strip()]
    livestock = next(ln for ln in lines if ln.startswith("Chăn nuôi:"))
    d = docx.Document()
    if columns:  # the agriculture paragraphs alone, laid out in two columns
        first = next(i for i, ln in enumerate(lines) if ln.startswith("Trông trông"))
        lines = lines[:6] + lines[first : first + 5]
        sec = d.sections[0]
        cols = sec._sectPr.xpath("./w:cols")
        c = cols[0] if cols else OxmlElement("w:cols")
        c.set(qn("w:num"), "2")
        if not cols:
            sec._sectPr.append(c)
    for ln in lines:
        if ln == livestock and not columns:
            t = d.add_table(rows=4, cols=3)
            rows = [
                ("Chỉ tiêu", "Số lượng", "Đơn vị"),
                ("Tổng đàn trâu bò", "420", "con"),
                ("Đàn lợn", "2650", "con"),
                ("Đàn gia cầm", "105.000", "con"),
            ]
            for row, values in zip(t.rows, rows, strict=True):
                for cell, v in zip(row.cells, values, strict=True):
                    cell.text = v
            d.add_paragraph("Giá trị sản xuất từ chăn nuôi ước đạt 48 tỷ đồng.")
        else:
            d.add_paragraph(ln)
    d.save(path)
    return path


def _degrade(image, i: int, rng):
    import numpy as np
    from PIL import Image, ImageFilter

    angle = PHOTO_ROTATION if i % 2 else -PHOTO_ROTATION * 0.7
    r = image.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
    r = r.filter(ImageFilter.GaussianBlur(PHOTO_BLUR))
    a = np.asarray(r, dtype=np.float32)
    # a shadow across the page: paper from white to grey, ink unchanged
    shade = np.linspace(0, PHOTO_SHADOW, a.shape[1], dtype=np.float32)[None, :]
    a = a - shade * (a / 255)
    a = a + rng.normal(0, PHOTO_NOISE, size=a.shape)
    r = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    r.save(buf, "JPEG", quality=PHOTO_JPEG_QUALITY)
    buf.seek(0)
    return Image.open(buf).convert("L")


@functools.cache
def made() -> dict[str, Path]:
    """name → generated file: docx, pdf, doc, odt, columns_pdf, png1 (page 1), scan (every
    page), photo (the pages holding figures); pages (count), photo_pages (their numbers)."""
    import numpy as np
    from PIL import Image

    from dvcq_lib.ingest.office import convert

    need_tools("soffice", "pdftoppm")
    root = workdir()
    out = {"docx": _docx(root / "dong-son.docx")}
    for suffix in ("pdf", "doc", "odt"):
        out[suffix] = convert(out["docx"], suffix, root)
    cols = _docx(root / "hai-cot.docx", columns=True)
    out["columns_pdf"] = convert(cols, "pdf", root)
    subprocess.run(
        ["pdftoppm", "-r", "300", "-gray", "-png", str(out["pdf"]), str(root / "trang")],
        check=True,
    )
    pngs = sorted(root.glob("trang-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
    out["png1"] = pngs[0]
    pages = [Image.open(p).convert("L") for p in pngs]
    out["scan"] = root / "ban-quet.pdf"
    pages[0].save(out["scan"], save_all=True, append_images=pages[1:], resolution=300)
    rng = np.random.default_rng(20240603)
    # the photographed copy holds the pages where poppler finds a reference quote (half the
    # report: OCR of degraded pages is the slowest step of the tests)
    keep = figure_pages(out["pdf"], len(pages))
    photos = [_degrade(pages[n - 1], i, rng) for i, n in enumerate(keep)]
    out["photo_pages"] = keep
    out["photo"] = root / "anh-chup.pdf"
    photos[0].save(out["photo"], save_all=True, append_images=photos[1:], resolution=300)
    out["pages"] = len(pages)
    return out


def figure_pages(pdf: Path, count: int) -> list[int]:
    """Pages (1-based) whose text, as pdftotext reads it, holds a quote of the reference."""
    import pandas as pd

    quotes = pd.read_csv(REFERENCE_CSV, dtype=str)["quote"].tolist()
    keep = []
    for n in range(1, count + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        flat = " ".join(text.split())
        if any(" ".join(q.split()) in flat for q in quotes):
            keep.append(n)
    return keep


@functools.cache
def ingested(name: str):
    """The IngestResult of one generated file (OCR runs once per session)."""
    from dvcq_lib.ingest import ingest_report

    if name in ("scan", "photo", "png1"):
        need_tools("tesseract")
    return ingest_report(made()[name])
