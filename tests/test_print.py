"""The report page printed to PDF by headless Chromium (`--print-to-pdf`), checked with pypdf:
A4 pages, every section starting on a new page, no chart split across a page break, and the
commune and period on every page."""

from __future__ import annotations

import subprocess

import pytest

from tests._browser import artefact_folder, need_chromium, render_reference

pypdf = pytest.importorskip("pypdf")

A4 = (595.3, 841.9)  # points


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    out = tmp_path_factory.mktemp("print_out")
    plan = render_reference(out)
    name = "agriculture" if "agriculture" in plan.notebooks else next(iter(plan.notebooks))
    pdf = artefact_folder("print") / f"{name}.pdf"
    chromium = need_chromium()
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--user-data-dir={out / 'profile'}",
            f"--print-to-pdf={pdf}",
            plan.page(name).as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return plan, name, pypdf.PdfReader(str(pdf))


def _images(page) -> list[tuple[float, float]]:
    """(bottom, top) in points of every image drawn on a page: the bitmaps (`Do`), and the
    charts, which are SVG images and print as vector drawings with their text as text — each
    in its own coordinate system, its lowest text the source line ("Nguồn: …") and its highest
    the title: their extent is the chart's."""
    boxes = []
    charts: dict[tuple, list[float]] = {}
    sources: set[tuple] = set()

    def visit(op, args, cm, tm):
        if op == b"Do":
            _a, _b, _c, d, _e, f = cm
            boxes.append((f, f + d))

    def text(t, cm, tm, _font, _size):
        if t.strip():
            key = tuple(round(float(x), 2) for x in cm)
            charts.setdefault(key, []).append(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])
            if t.strip().startswith("Nguồn: "):
                sources.add(key)

    page.extract_text(visitor_operand_before=visit, visitor_text=text)
    return boxes + [(min(charts[k]), max(charts[k])) for k in sources]


def test_a4_pages_with_commune_and_period_on_each(printed):
    plan, name, reader = printed
    assert len(reader.pages) >= 2
    for i, page in enumerate(reader.pages):
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert (w, h) == pytest.approx(A4, abs=2), i
        text = page.extract_text()
        assert "Đông Sơn" in text and "6 tháng đầu năm 2024" in text, (i, text[:200])


def test_no_chart_split_across_pages(printed):
    plan, name, reader = printed
    images = 0
    for page in reader.pages:
        h = float(page.mediabox.height)
        for bottom, top in _images(page):
            images += 1
            # an image cut by a page break runs off the page: whole ones lie inside it
            assert bottom >= -1 and top <= h + 1, (bottom, top, h)
    if plan.notebooks.get("agriculture"):
        assert images >= 3


def test_each_section_starts_a_page(printed):
    plan, name, reader = printed
    if name != "agriculture":
        pytest.skip("the stand-in notebook has no sections")
    from dvcq_lib.page.labels import label

    starts = [label(f"heading.agriculture.{s}") for s in ("crops", "fruit", "livestock")]
    for heading in starts:
        pages = [i for i, p in enumerate(reader.pages) if heading in p.extract_text()]
        assert pages, heading
        lines = [x for x in reader.pages[pages[0]].extract_text().splitlines() if x.strip()]
        # the running header line comes first, the section heading right after it
        assert heading in "\n".join(lines[:3]), (heading, lines[:4])
