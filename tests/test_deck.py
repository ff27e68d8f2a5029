"""The slide deck of a report: python-pptx, native charts whose data equal the page's tables,
Vietnamese value labels, converted by LibreOffice headless with the expected slides and texts;
a rendered slide kept as a PNG artefact in a temporary folder."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from pptx import Presentation
from pptx.util import Emu

from dvcq_lib import cli
from dvcq_lib.page import blocks, deck
from dvcq_lib.page.context import context
from dvcq_lib.page.meta import section
from dvcq_lib.page.report import report_views
from tests._browser import artefact_folder
from tests._office import convert

CASES = {"dong-son": (7273, "2024-H1"), "bo-ha": ("Bố Hạ", "2026-H1")}


@pytest.fixture(scope="module", params=list(CASES))
def built(request, tmp_path_factory):
    commune, period = CASES[request.param]
    views = report_views(commune, period, made_on=dt.date(2026, 12, 2))
    folder = tmp_path_factory.mktemp(f"deck-{request.param}")
    path = deck.write(views, folder / "report.pptx")
    return views, path, folder


def _native_charts(prs):
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_chart:
                yield slide, shape.chart


def test_slides_are_16_9_and_in_the_agreed_order(built):
    views, path, _ = built
    prs = Presentation(str(path))
    assert (
        prs.slide_width * 9 == prs.slide_height * 16
        or abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.01
    )
    assert len(prs.slides) == 1 + len(views.charts) + 4  # title, charts, changes, 4 more
    texts = [
        "\n".join(s.text_frame.text for s in sl.shapes if s.has_text_frame) for sl in prs.slides
    ]
    assert views.header.commune in texts[0] and views.header.period_label in texts[0]
    assert "02/12/2026" in texts[0]
    assert "Nguồn số liệu" in texts[-1]
    if views.synthetic:
        assert "DỮ LIỆU GIẢ LẬP" in texts[0] and "DỮ LIỆU GIẢ LẬP" in texts[-1]


def test_native_charts_hold_the_page_table_values_and_vietnamese_labels(built):
    views, path, _ = built
    prs = Presentation(str(path))
    charts = list(_native_charts(prs))
    assert len(charts) == len(views.charts) + 1
    ctx = context(views.header.code, views.header.period, notebook="overview")
    for (slide, chart), key in zip(charts, views.charts, strict=False):
        values = list(chart.plots[0].series[0].values)
        labels = [p.data_label.text_frame.text for p in chart.plots[0].series[0].points]
        # the last bar is the report period: the same number and text as the page's table
        cell = blocks.indicator_table(ctx, [key.code]).rows[0].cells[2]
        if cell.is_number:
            assert values[-1] == pytest.approx(cell.value)
            assert labels[-1] == cell.text
        assert list(chart.plots[0].categories) == list(key.spec.categories)
        assert all("." not in t or "," in t or t.count(".") >= 1 for t in labels)
        takeaway = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert key.takeaway in takeaway
    # nothing leaves the slide
    for slide in prs.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= prs.slide_width + Emu(1)
            assert shape.top + shape.height <= prs.slide_height + Emu(1)


def test_key_indicators_are_data():
    assert "rice_area" in section("overview", "deck").indicators


def test_libreoffice_converts_the_deck_with_every_slide_and_text(built):
    import pypdf

    views, path, folder = built
    pdf = convert(path, "pdf", folder / "pdf")
    reader = pypdf.PdfReader(str(pdf))
    assert len(reader.pages) == 1 + len(views.charts) + 4
    box = reader.pages[0].mediabox
    assert float(box.width) / float(box.height) == pytest.approx(16 / 9, abs=0.01)
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert views.header.commune in text and views.header.period_label in text
    assert views.charts[0].takeaway.split(",")[0] in text.replace("\n", " ")
    assert "Kiểm tra số liệu" in text and "Nguồn số liệu" in text
    # a rendered slide kept as a test artefact (a temporary folder left in place)
    if shutil.which("pdftoppm"):
        kept = artefact_folder(f"slides-{views.header.code}")
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "2", "-l", "2", str(pdf), str(kept / "slide")],
            check=True,
            timeout=120,
        )
        pngs = list(kept.glob("slide*.png"))
        assert pngs and pngs[0].stat().st_size > 5000


def test_dvcq_deck_writes_once_then_skips_and_isolates_a_failure(tmp_path, monkeypatch, capsys):
    args = ["deck", "--commune", "07273", "--period", "2024-H1", "--outputs", str(tmp_path)]
    assert cli.main(args) == 0
    out = tmp_path / "2024-H1" / "07273-dong-son" / "report.pptx"
    assert out.exists() and "done" in capsys.readouterr().out
    stamp = out.stat().st_mtime_ns
    assert cli.main(args) == 0 and "skipped" in capsys.readouterr().out
    assert out.stat().st_mtime_ns == stamp

    def broken(views, path):
        raise RuntimeError("hỏng")

    monkeypatch.setattr(deck, "write", broken)
    assert cli.main([*args, "--force"]) == 1
    assert "hỏng" in capsys.readouterr().out
    assert out.stat().st_mtime_ns == stamp  # the old deck is still whole
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]


def test_render_takes_deck_and_xlsx_into_the_batch():
    from dvcq_lib.render.cli import options_from_args

    args = cli.build_parser().parse_args(["render", "--all", "--deck", "--xlsx"])
    options = options_from_args(args)
    assert options.deck and options.xlsx
    assert not options_from_args(cli.build_parser().parse_args(["render", "--all"])).deck
