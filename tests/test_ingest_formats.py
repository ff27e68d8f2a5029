"""Reports as they arrive: a PDF printed from Word, a .doc and an .odt, a clean scan and a
phone-photo copy, all made in the tests from the reference report (tests/_formats_support.py),
each read to the same figures as the .txt; a folder of them at once; the tools' absence said
clearly; the bounds on .docx inflation; the layout rules on small hand-laid pages."""

from __future__ import annotations

import shutil
import subprocess
import zipfile

import pandas as pd
import pytest

from dvcq_lib.cli import main
from dvcq_lib.exceptions import MissingToolError, ReportReadError
from dvcq_lib.ingest import ingest_report, read_report
from dvcq_lib.ingest import text as text_mod
from dvcq_lib.ingest.layout import Box, Line, PageLayout, build
from dvcq_lib.ingest.review import review_rows
from dvcq_lib.paths import ROOT
from tests import _formats_support as support

REFERENCE = ROOT / "data" / "observations" / "reference" / "dong-son_2024-H1.csv"
#: The issue's bar for a clean 300-dpi scan.
MIN_CLEAN_SCAN_CORRECT = 34


def expected() -> dict[str, tuple[float, str]]:
    ref = pd.read_csv(REFERENCE, dtype={"commune_code": str})
    return {r.indicator: (float(r.value), r.unit) for r in ref.itertuples()}


def correct(proposals) -> tuple[list[str], list]:
    """Indicators proposed once with the reference value, and proposals that are wrong."""
    want = expected()
    by: dict[str, list] = {}
    for p in proposals:
        by.setdefault(p.indicator, []).append(p)
    good = [
        k
        for k, (v, u) in want.items()
        if len(by.get(k, [])) == 1 and by[k][0].value == pytest.approx(v) and by[k][0].unit == u
    ]
    wrong = [
        p
        for p in proposals
        if p.indicator not in want
        or p.value != pytest.approx(want[p.indicator][0])
        or p.unit != want[p.indicator][1]
    ]
    return good, wrong


@pytest.fixture(scope="session")
def made():
    return support.made()


# ---------------------------------------------------------------------------------------------
# text PDF, .doc, .odt: the 36 reference figures, as from .txt
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["pdf", "doc", "odt"])
def test_text_pdf_doc_odt_give_all_36_reference_figures(made, name):
    res = support.ingested(name)
    assert (res.commune.code, res.period.code) == ("07273", "2024-H1")
    good, wrong = correct(res.proposals)
    assert len(good) == 36 and wrong == []
    txt = {p.indicator: (p.value, p.unit) for p in ingest_report(support.REPORT).proposals}
    assert {p.indicator: (p.value, p.unit) for p in res.proposals} == txt
    doc = res.document
    assert all(doc.text[p.start : p.end] == p.quote for p in res.proposals)
    assert {p.method for p in res.proposals} == {"pdf" if name == "pdf" else "docx"}


def test_every_pdf_figure_keeps_its_page(made):
    """The page of each figure is the page where poppler's pdftotext finds its quote."""
    res = support.ingested("pdf")
    pages = []
    for n in range(1, made["pages"] + 1):
        out = subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(made["pdf"]), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        pages.append(" ".join(out.split()))
    assert all(p.page is not None for p in res.proposals)
    for p in res.proposals:
        number = p.quote[p.number_start - p.start :].split()[0]
        assert number in pages[p.page - 1], (p.indicator, p.page, p.quote)
    assert len({p.page for p in res.proposals}) >= 3  # the figures are spread over pages
    assert not any(p.review for p in res.proposals if p.indicator == "natural_area")


def test_lines_broken_mid_sentence_are_one_paragraph_again(made):
    doc = support.ingested("pdf").document
    txt = read_report(support.REPORT)
    # every paragraph of the .txt long enough to wrap is one block of the PDF's text
    long_paragraphs = [txt.block_text(b) for b in txt.blocks if len(txt.block_text(b)) > 300]
    pdf_blocks = {" ".join(doc.block_text(b).split()) for b in doc.blocks}
    joined = " ".join(pdf_blocks)
    for para in long_paragraphs:
        assert " ".join(para.split()) in joined
    rows = [doc.block_text(b) for b in doc.blocks if b.kind == "table_row"]
    assert "Tổng đàn trâu bò: 420 con" in rows and "Đàn gia cầm: 105.000 con" in rows


def test_two_column_pdf_is_read_column_by_column(made):
    res = ingest_report(made["columns_pdf"])
    txt = {p.indicator: (p.value, p.unit) for p in ingest_report(support.REPORT).proposals}
    got = {p.indicator: (p.value, p.unit) for p in res.proposals}
    agriculture = {
        k
        for k in txt
        if k.split("_")[0]
        in {
            "rice",
            "maize",
            "grain",
            "peanut",
            "vegetable",
            "fruit",
            "lychee",
            "other",
            "crop",
            "buffalo",
            "pig",
            "poultry",
            "livestock",
            "forest",
            "forestry",
        }
    }
    assert len(agriculture) == 19
    assert {k: got.get(k) for k in agriculture} == {k: txt[k] for k in agriculture}


# ---------------------------------------------------------------------------------------------
# scans: OCR, never pre-accepted
# ---------------------------------------------------------------------------------------------
def test_clean_scan_gives_at_least_34_of_36_and_nothing_pre_accepted(made):
    res = support.ingested("scan")
    good, wrong = correct(res.proposals)
    print(f"\nbản quét sạch (clean 300-dpi scan): {len(good)}/36 đúng, {len(wrong)} sai")
    assert len(good) >= MIN_CLEAN_SCAN_CORRECT
    rows = review_rows(list(res.proposals), res.commune, res.period, "scan")
    assert (rows["accept"] == "0").all() and (rows["method"] == "ocr").all()
    for p in res.proposals:
        assert p.review and p.method == "ocr" and p.page is not None
        assert 0 < p.ocr_confidence <= 1
    assert res.document.words and res.document.pages[0].image[:2] == b"\xff\xd8"  # a JPEG


def test_degraded_photo_scan_recall_printed_and_nothing_pre_accepted(made):
    res = support.ingested("photo")
    good, wrong = correct(res.proposals)
    print(
        f"\nảnh chụp (phone-photo copy of pages {made['photo_pages']}): "
        f"recall {len(good)}/36 = {len(good) / 36:.0%}, "
        f"{len(wrong)} đề xuất sai (wrong proposals), không đề xuất nào được nhận sẵn"
    )
    assert (res.commune.code, res.period.code) == ("07273", "2024-H1")
    assert res.proposals and all(p.review for p in res.proposals)
    wrong_accepted = [p for p in wrong if not p.review]
    assert wrong_accepted == []


def test_pdf_with_a_scanned_page_among_text_pages(made, tmp_path):
    """Pages 1-2 from the text PDF, page 3 (the agriculture figures) from the scan: each figure
    says how its page was read; only the OCR ones lose their default accept."""
    import pypdfium2 as pdfium

    support.need_tools("tesseract")
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(pdfium.PdfDocument(str(made["pdf"])), [0, 1])
    mixed.import_pages(pdfium.PdfDocument(str(made["scan"])), [2])
    path = tmp_path / "mot-trang-quet.pdf"
    mixed.save(str(path))
    res = ingest_report(path)
    methods = {p.page: p.method for p in res.proposals}
    assert methods == {1: "pdf", 3: "ocr"}
    assert all(p.review for p in res.proposals if p.method == "ocr")
    assert not any(p.review for p in res.proposals if p.indicator == "natural_area")
    good, wrong = correct(res.proposals)
    assert "rice_area" in good and wrong == []


def test_missing_tesseract_says_what_to_install(made, monkeypatch):
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/khong-co/tesseract")
    with pytest.raises(MissingToolError) as err:
        read_report(made["png1"])
    assert "apt-get install tesseract-ocr tesseract-ocr-vie" in str(err.value)
    # a text PDF needs no Tesseract: nothing else breaks
    assert read_report(made["pdf"]).method == "pdf"


def test_missing_vietnamese_model_says_what_to_install(made, monkeypatch, tmp_path):
    support.need_tools("tesseract")
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    with pytest.raises(MissingToolError) as err:
        read_report(made["png1"])
    assert "tesseract-ocr-vie" in str(err.value) and "vie" in err.value.tool


def test_missing_libreoffice_is_a_clear_error(made, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on it
    assert main(["ingest", str(made["doc"]), "--data", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "LibreOffice" in err and "apt-get install libreoffice-writer-nogui" in err
    assert "Traceback" not in err


def test_broken_pdf_and_image_are_clear_errors(tmp_path):
    for name, data in [("hong.pdf", b"%PDF-1.4\n garbage"), ("hong.png", b"\x89PNG\r\n junk")]:
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(ReportReadError):
            read_report(path)


# ---------------------------------------------------------------------------------------------
# a folder at once
# ---------------------------------------------------------------------------------------------
def test_folder_of_reports_four_sheets_two_refusals_a_table_and_a_failing_exit(
    made, tmp_path, capsys
):
    support.need_tools("tesseract")
    folder = tmp_path / "bao-cao"
    (folder / "cu").mkdir(parents=True)
    shutil.copy(made["pdf"], folder / "dong-son.pdf")
    shutil.copy(made["png1"], folder / "ban-quet-trang-1.png")
    shutil.copy(made["doc"], folder / "cu" / "dong-son.doc")
    shutil.copy(made["docx"], folder / "dong-son.docx")
    (folder / "anh.bin").write_bytes(bytes(range(256)) * 20)
    (folder / "rong.txt").write_bytes(b"")
    data = tmp_path / "data"
    data.mkdir()  # --data must name an existing folder (a typo never makes one)
    code = main(["ingest", str(folder), "--data", str(data)])
    out = capsys.readouterr().out
    assert code == 1
    sheets = sorted((data / "review").glob("*.review.csv"))
    assert len(sheets) == 4
    assert len(sorted((data / "review").glob("*.review.html"))) == 4
    refusals = [ln for ln in out.splitlines() if ln.startswith("Bỏ qua")]
    assert len(refusals) == 2
    assert any("anh.bin" in ln and "không hỗ trợ" in ln for ln in refusals)
    assert any("rong.txt" in ln and "rỗng" in ln for ln in refusals)
    table = out[out.index("tệp (file)") :]
    for name in ("dong-son.pdf", "ban-quet-trang-1.png", "cu/dong-son.doc", "dong-son.docx"):
        line = next(ln for ln in table.splitlines() if ln.startswith(name + " "))
        assert "07273" in line and "2024-H1" in line and "đã đọc" in line
    assert sum(ln.endswith("không đọc được") for ln in table.splitlines()) == 2
    scan_sheet = next(
        pd.read_csv(s, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for s in sheets
        if "ban-quet" in pd.read_csv(s, dtype=str, encoding="utf-8-sig")["source"].iloc[0]
    )
    assert (scan_sheet["accept"] == "0").all() and (scan_sheet["method"] == "ocr").all()


# ---------------------------------------------------------------------------------------------
# bounded .docx (issue 12, item 5)
# ---------------------------------------------------------------------------------------------
def _fake_docx(path, body: bytes):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document><w:body>" + body + b"</w:body></w:document>")
    return path


def test_docx_with_millions_of_empty_paragraphs_is_refused_before_parsing(tmp_path):
    path = _fake_docx(tmp_path / "bom.docx", b"<w:p/>" * 3_000_000)
    assert path.stat().st_size < 200_000  # small on disk, 18 MB inflated
    with pytest.raises(ReportReadError) as err:
        read_report(path)
    assert "3,000,000 đoạn văn" in str(err.value)


def test_docx_whose_xml_inflates_past_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(text_mod, "MAX_DOCX_XML", 1_000_000)
    path = _fake_docx(
        tmp_path / "to.docx", b"<w:p><w:r><w:t>" + b"a" * 2_000_000 + b"</w:t></w:r></w:p>"
    )
    with pytest.raises(ReportReadError) as err:
        read_report(path)
    assert "word/document.xml" in str(err.value) and "giải nén" in str(err.value)


def test_paragraph_count_is_exact_across_read_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(text_mod, "MAX_DOCX_PARAGRAPHS", 299_999)
    # 6-byte tags do not divide 1 MiB chunks: some tags are cut between two reads
    path = _fake_docx(tmp_path / "ranh-gioi.docx", b"<w:p/>" * 300_000)
    with pytest.raises(ReportReadError, match="300,000 đoạn văn"):
        read_report(path)
    monkeypatch.setattr(text_mod, "MAX_DOCX_PARAGRAPHS", 300_000)
    with pytest.raises(ReportReadError) as err:  # passes the bound; python-docx then refuses it
        read_report(path)
    assert "đoạn văn" not in str(err.value)


# ---------------------------------------------------------------------------------------------
# layout rules on hand-laid pages (no tools needed)
# ---------------------------------------------------------------------------------------------
def line(text, x0=50, top=0.0, x1=500):
    return Line([(text, None)], x0, top, x1, top + 10)


def box(*lines):
    return Box(
        list(lines),
        min(ln.x0 for ln in lines),
        lines[0].top,
        max(ln.x1 for ln in lines),
        lines[-1].bottom,
    )


def page(number, *boxes, height=800):
    return PageLayout(number, "pdf", 600, height, list(boxes))


def test_hyphenated_and_soft_hyphenated_line_ends():
    doc = build(
        [
            page(
                1,
                box(
                    line("duy trì vùng an toàn dịch bệnh Niu-", top=100),
                    line("cát-xon đối với đàn gà; phát triển bền vững, hiệu quả kinh tế", top=112),
                    line("đạt chuẩn Viet\u00ad", top=124),
                    line("Gap và nhiều hơn nữa.", top=136, x1=200),
                ),
            )
        ],
        "t",
        "pdf",
    )
    assert doc.block_text(doc.blocks[0]) == (
        "duy trì vùng an toàn dịch bệnh Niu-cát-xon đối với đàn gà; phát triển bền vững, "
        "hiệu quả kinh tế đạt chuẩn VietGap và nhiều hơn nữa."
    )


def test_paragraph_carried_over_a_page_is_joined_and_page_numbers_dropped():
    doc = build(
        [
            page(
                1,
                box(line("Diện tích lúa ước đạt 219,5 ha năng suất đạt 58", top=700)),
                box(line("1", x0=290, top=770, x1=300)),
            ),
            page(
                2,
                box(line("2", x0=290, top=20, x1=300)),
                box(line("tạ/ha, ngô 19,4ha.", top=100, x1=200)),
            ),
        ],
        "t",
        "pdf",
    )
    assert [doc.block_text(b) for b in doc.blocks] == [
        "Diện tích lúa ước đạt 219,5 ha năng suất đạt 58 tạ/ha, ngô 19,4ha."
    ]
    start = doc.text.index("tạ/ha")
    assert doc.page_at(0).number == 1 and doc.page_at(start).number == 2


def test_cells_on_one_row_are_a_table_row_and_short_lines_end_paragraphs():
    doc = build(
        [
            page(
                1,
                box(
                    line("Chăn nuôi phát triển ổn định.", top=100, x1=250),
                    line("Đàn lợn tăng so với cùng kỳ năm trước và đạt kế hoạch", top=112),
                ),
                box(line("Tổng đàn trâu bò", x0=50, top=200, x1=180)),
                box(line("420", x0=250, top=201, x1=280)),
                box(line("con", x0=350, top=200, x1=380)),
            )
        ],
        "t",
        "pdf",
    )
    blocks = [(b.kind, doc.block_text(b)) for b in doc.blocks]
    assert blocks == [
        ("paragraph", "Chăn nuôi phát triển ổn định."),
        ("paragraph", "Đàn lợn tăng so với cùng kỳ năm trước và đạt kế hoạch"),
        ("table_row", "Tổng đàn trâu bò: 420 con"),
    ]


# ---------------------------------------------------------------------------------------------
# page preparation for OCR (no Tesseract needed)
# ---------------------------------------------------------------------------------------------
def _text_page(angle: float):
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("DejaVuSans.ttf", 36)
    img = Image.new("L", (2480, 1600), 255)
    draw = ImageDraw.Draw(img)
    for k in range(20):
        draw.text(
            (150, 100 + 70 * k), "Diện tích lúa ước đạt 219,5 ha, năng suất 58 tạ/ha " * 2, 0, font
        )
    return img.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)


@pytest.mark.parametrize("angle", [-2.5, 1.2, 0.0])
def test_skew_is_measured_and_undone(angle):
    from dvcq_lib.ingest.ocr import prepare, skew_angle

    pytest.importorskip("PIL.ImageFont")
    try:
        page = _text_page(angle)
    except OSError:
        pytest.skip("DejaVu fonts are not installed (fonts-dejavu-core)")
    assert skew_angle(page) == pytest.approx(-angle, abs=0.25)
    assert skew_angle(prepare(page, 300)) == pytest.approx(0, abs=0.25)


def test_resolution_is_brought_to_about_300_dpi():
    from PIL import Image

    from dvcq_lib.ingest.ocr import prepare

    small = Image.new("L", (1240, 1754), 255)  # an A4 page at 150 dpi
    assert prepare(small, 150).width == 2480
    assert prepare(Image.new("L", (2480, 3508), 255), 300).width == 2480  # left as it is
    assert prepare(Image.new("L", (4960, 7016), 255), 600).width == 2480
    assert prepare(Image.new("L", (1240, 1754), 255), None).width == pytest.approx(2480, abs=10)


def test_blank_page_of_a_text_pdf_needs_no_tesseract(made, tmp_path, monkeypatch):
    import pypdfium2 as pdfium
    import pytesseract

    doc = pdfium.PdfDocument(str(made["pdf"]))
    doc.new_page(595, 842)  # a blank last page, no picture on it
    path = tmp_path / "trang-trang.pdf"
    doc.save(str(path))
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/khong-co/tesseract")
    read = read_report(path)
    assert read.method == "pdf" and len(read.pages) == made["pages"] + 1
    assert {p.method for p in read.pages} == {"pdf"}
