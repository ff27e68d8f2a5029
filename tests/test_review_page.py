"""The review page (`<name>.review.html`) opened in Debian's headless Chromium through
playwright: every highlighted span's text is the quote of its row in the review sheet, a click
toggles accept, "Lưu" downloads a CSV that `dvcq ingest --accept` takes, nothing is fetched
from the network, the console stays clean; for a scan, the page image with the figures' boxes.
Screenshots are kept in a temporary folder whose path is printed."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from dvcq_lib.cli import main
from dvcq_lib.ingest import document_from_text, ingest_document
from dvcq_lib.ingest.review import review_rows
from dvcq_lib.ingest.review_page import render_review_page
from dvcq_lib.observations import load
from tests import _formats_support as support

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
]
ARTIFACTS = Path(tempfile.mkdtemp(prefix="dvcq-review-page-artifacts-"))


def read_sheet(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise RuntimeError("CI needs chromium: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()
    print(f"\nẢnh chụp trang rà soát (review page screenshots): {ARTIFACTS}")


class Watched:
    """A page whose network requests and console errors are recorded."""

    def __init__(self, browser, downloads: bool = True):
        self.context = browser.new_context(
            accept_downloads=downloads, viewport={"width": 1280, "height": 900}
        )
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def external(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(("file:", "data:", "blob:"))]


SPAN_TEXT = """(rows) => rows.map((_, i) => Array.from(document.querySelectorAll('.fig'))
    .filter(el => el.dataset.rows.split(' ').includes(String(i)))
    .map(el => el.textContent).join(''))"""


def test_review_page_spans_toggles_and_saved_csv_is_accepted(browser, tmp_path):
    made = support.made()
    data = tmp_path / "data"
    (data / "observations").mkdir(parents=True)  # --accept needs a data folder
    sheet = tmp_path / "dong-son.review.csv"
    assert main(["ingest", str(made["pdf"]), "--review", str(sheet), "--data", str(data)]) == 0
    html = sheet.with_suffix(".html")
    assert html.exists()
    rows = read_sheet(sheet)
    w = Watched(browser)
    w.page.goto(html.as_uri())
    texts = w.page.evaluate(SPAN_TEXT, rows.to_dict("records"))
    assert texts == rows["quote"].tolist()  # every highlight is exactly its row's quote
    assert w.page.locator(".card").count() == len(rows)
    # toggle: one accepted figure rejected by clicking its highlight, the flagged one accepted
    first = rows.index[rows["accept"] == "1"][0]
    flagged = rows.index[rows["accept"] == "0"][0]
    w.page.locator(f'.fig[data-rows="{first}"]').first.click()
    w.page.locator(f"#card-{flagged} button.toggle").click()
    w.page.screenshot(path=str(ARTIFACTS / "review_page_pdf.png"), full_page=False)
    with w.page.expect_download() as dl:
        w.page.locator("#save").click()
    saved = tmp_path / "saved.review.csv"
    dl.value.save_as(saved)
    assert dl.value.suggested_filename == sheet.name
    assert saved.read_bytes()[:3] == b"\xef\xbb\xbf"
    edited = read_sheet(saved)
    assert list(edited.columns) == list(rows.columns)
    assert edited.drop(columns="accept").equals(rows.drop(columns="accept"))
    changed = edited.index[edited["accept"] != rows["accept"]].tolist()
    assert changed == sorted([first, flagged])
    assert main(["ingest", "--accept", str(saved), "--data", str(data)]) == 0
    merged = load(data_dir=data)
    accepted = edited[edited["accept"] == "1"]
    assert sorted(merged["indicator"].astype(str)) == sorted(accepted["indicator"])
    assert w.external() == [] and w.errors == []
    w.context.close()


def test_scan_review_page_shows_the_page_image_with_boxes(browser, tmp_path):
    support.need_tools("tesseract")
    made = support.made()
    sheet = tmp_path / "ban-quet.review.csv"
    data = tmp_path / "data"
    data.mkdir()  # --data names an existing folder
    assert main(["ingest", str(made["png1"]), "--review", str(sheet), "--data", str(data)]) == 0
    rows = read_sheet(sheet)
    w = Watched(browser)
    w.page.goto(sheet.with_suffix(".html").as_uri())
    decoded = w.page.evaluate("Array.from(document.images).map(i => i.naturalWidth)")
    assert decoded and all(x > 0 for x in decoded)
    assert w.page.locator(".scan .box").count() == len(rows)
    assert w.page.evaluate(SPAN_TEXT, rows.to_dict("records")) == rows["quote"].tolist()
    # each box lies on the image and is small (a number, not the page)
    boxes = w.page.evaluate(
        """Array.from(document.querySelectorAll('.scan .box')).map(b => {
             const r = b.getBoundingClientRect(), p = b.parentElement.getBoundingClientRect();
             return [(r.left - p.left) / p.width, (r.top - p.top) / p.height,
                     r.width / p.width, r.height / p.height]; })"""
    )
    for left, top, width, height in boxes:
        assert 0 <= left < 1 and 0 <= top < 1 and 0 < width < 0.3 and 0 < height < 0.05
    assert all(rows["accept"] == "0")
    w.page.locator(".scan img").scroll_into_view_if_needed()
    w.page.screenshot(path=str(ARTIFACTS / "review_page_scan.png"), full_page=False)
    assert w.external() == [] and w.errors == []
    w.context.close()


def test_report_text_is_escaped(browser):
    text = (
        "UBND XÃ ĐÔNG SƠN\nBáo cáo 6 tháng đầu năm 2024 của xã Đông Sơn, huyện Yên Thế.\n"
        'Diện tích lúa <script>window.pwned=1</script><img src=x onerror="window.pwned=2"> '
        "ước đạt 219,5 ha.\n"
    )
    res = ingest_document(document_from_text(text, "<thử>"), district="Yên Thế")
    rows = review_rows(list(res.proposals), res.commune, res.period, "<thử>")
    html = render_review_page(res, rows, "thu.review.csv")
    assert "<script>window.pwned" not in html and "&lt;script&gt;window.pwned" in html
    w = Watched(browser)
    w.page.set_content(html)
    assert w.page.evaluate("window.pwned === undefined")
    assert w.external() == [] and w.errors == []
    w.context.close()
