"""How long `dvcq ingest` takes on a 50-page report (the reference report, repeated with its
figures varied), against the issue's goal of one second, and side by side with a naive reading
that calls the extractor once per paragraph (no shared context, as a per-sentence tool would).

Then, for reports as they arrive (issue 13), seconds per page: a PDF printed from Word by
LibreOffice (text layer, pdfminer.six layout), and the same pages as a 300-dpi image-only PDF
read by Tesseract `vie` (pages side by side, one single-threaded Tesseract per core).

Run: python benchmarks/ingest_speed.py [--ocr-pages 3] [--no-formats]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from dvcq_lib.ingest import document_from_text, extract, ingest_report
from dvcq_lib.ingest.terms import vocabulary
from dvcq_lib.paths import RAW_DIR

#: A printed page of a commune report holds about this many characters.
CHARS_PER_PAGE = 3000
PAGES = 50
GOAL_SECONDS = 1.0
REPEAT = 5


def fifty_pages() -> str:
    text = (RAW_DIR / "dong-son_2024-H1.txt").read_text(encoding="utf-8")
    parts, i = [], 0
    while sum(map(len, parts)) < PAGES * CHARS_PER_PAGE:
        # vary every number a little so repeated sections are not identical; the closing
        # sentence names the period ("Trên đây là báo cáo … 6 tháng đầu năm 2024"): kept
        parts.append(
            "\n".join(
                line
                if line.startswith("Trên đây là báo cáo")
                else re.sub(r"\d+", lambda m, k=i: str(int(m.group()) + k % 3), line)
                for line in text.split("\n")
            )
        )
        i += 1
    return "\n".join(parts)


def best_of(fn) -> float:
    times = []
    for _ in range(REPEAT):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def make_pdfs(tmp: Path, ocr_pages: int) -> tuple[Path, Path, int]:
    """The reference report as a text PDF (python-docx → LibreOffice) and its first pages as a
    300-dpi image-only PDF (pdftoppm → Pillow)."""
    import docx
    from PIL import Image

    from dvcq_lib.ingest.office import convert

    d = docx.Document()
    for line in (RAW_DIR / "dong-son_2024-H1.txt").read_text(encoding="utf-8").splitlines():
        if line.strip():
            d.add_paragraph(line)
    d.save(tmp / "bao-cao.docx")
    pdf = convert(tmp / "bao-cao.docx", "pdf", tmp)
    subprocess.run(
        ["pdftoppm", "-r", "300", "-gray", "-png", "-l", str(ocr_pages), str(pdf), str(tmp / "p")],
        check=True,
    )
    pages = [Image.open(p).convert("L") for p in sorted(tmp.glob("p-*.png"))]
    scan = tmp / "ban-quet.pdf"
    pages[0].save(scan, save_all=True, append_images=pages[1:], resolution=300)
    return pdf, scan, len(pages)


def formats(ocr_pages: int) -> None:
    from dvcq_lib.ingest import ocr, read_report

    missing = [t for t in ("soffice", "pdftoppm", "tesseract") if shutil.which(t) is None]
    if missing:
        print(f"Bỏ qua PDF/OCR: thiếu {', '.join(missing)} (skipped: tools missing)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        pdf, scan, n_scan = make_pdfs(Path(tmp), ocr_pages)
        doc = read_report(pdf)
        n_pdf = len(doc.pages)
        text_pdf = best_of(lambda: read_report(pdf))
        t = time.perf_counter()
        read_report(scan)
        ocr_total = time.perf_counter() - t
    print(f"PDF có lớp chữ (text PDF, {n_pdf} trang): {text_pdf / n_pdf:.2f} s/trang")
    print(
        f"Bản quét 300 dpi, OCR Tesseract vie ({n_scan} trang, {ocr.WORKERS} trang song song "
        f"trên {os.cpu_count()} lõi): {ocr_total / n_scan:.1f} s/trang"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ocr-pages", type=int, default=3, help="pages OCR'd (default 3)")
    parser.add_argument("--no-formats", action="store_true", help="skip the PDF and OCR timings")
    args = parser.parse_args()
    vocabulary()  # loaded once per process, as in the CLI
    text = fifty_pages()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bao-cao-50-trang.txt"
        path.write_text(text, encoding="utf-8")
        ingest_report(path)  # warm caches (register, catalogue)
        ours = best_of(lambda: ingest_report(path))
    paragraphs = [p for p in text.split("\n") if p.strip()]
    naive = best_of(lambda: [extract(document_from_text(p)) for p in paragraphs])
    print(f"Báo cáo {PAGES} trang ({len(text):,} ký tự) — 50-page report")
    print(f"  dvcq ingest (cả tệp, whole file):            {ours:.3f} s")
    print(
        f"  từng đoạn riêng (naive, per paragraph):      {naive:.3f} s "
        f"(×{naive / ours:.1f} so với dvcq ingest)"
    )
    print(
        f"  mục tiêu (goal) {GOAL_SECONDS:.1f} s: dvcq ingest dùng {ours / GOAL_SECONDS:.0%} "
        f"— {'ĐẠT (met)' if ours < GOAL_SECONDS else 'CHƯA ĐẠT (missed)'}"
    )
    if not args.no_formats:
        formats(max(1, args.ocr_pages))


if __name__ == "__main__":
    main()
