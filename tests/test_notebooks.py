"""The five report notebooks: the parameters contract, and real executions with papermill
(each notebook once per case, in a module-scoped fixture: the machine is shared)."""

from __future__ import annotations

import csv
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from dvcq_lib.numbers import format_number
from dvcq_lib.paths import DATA_DIR, NOTEBOOKS_DIR, ROOT
from dvcq_lib.render.plan import PARAMETERS

NAMES = ("agriculture", "petitions", "dossiers", "overview", "district")
CONTRACT = {p.name: (p.type, p.default) for p in PARAMETERS}  # as the planner declares them
REFERENCE = DATA_DIR / "observations" / "reference" / "dong-son_2024-H1.csv"
DEMO = DATA_DIR / "observations" / "demo" / "yen-the_synthetic.csv"
DEMO_COMMUNE, DEMO_PERIOD = "07261", "2025-H1"  # synthetic, every H1 from 2019 to 2025


def run(name: str, out: Path, **params) -> nbformat.NotebookNode:
    out.mkdir(parents=True, exist_ok=True)
    return pm.execute_notebook(
        str(NOTEBOOKS_DIR / f"{name}.ipynb"),
        str(out / f"{name}.ipynb"),
        parameters=dict(params, output_dir=str(out)),
        cwd=str(ROOT),
        kernel_name="python3",
        progress_bar=False,
    )


def text_of(nb: nbformat.NotebookNode) -> str:
    """Everything the page shows: html, markdown and plain text outputs, markdown cells."""
    parts = [c.source for c in nb.cells if c.cell_type == "markdown"]
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            parts += [str(data.get(k, "")) for k in ("text/html", "text/markdown", "text/plain")]
            parts.append(str(o.get("text", "")))
    return "\n".join(parts)


def chart_labels(nb: nbformat.NotebookNode) -> dict[str, list[str]]:
    out = {}
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            meta = o.get("metadata", {}).get("image/svg+xml", {})
            if "dvcq_chart" in meta:
                out[meta["dvcq_chart"]] = meta["labels"]
    return out


@pytest.fixture(scope="module")
def dong_son(tmp_path_factory) -> dict[str, nbformat.NotebookNode]:
    out = tmp_path_factory.mktemp("dong-son")
    # papermill -p commune 07273 passes the int 7273: the library must restore the code
    return {n: run(n, out, commune=7273, period="2024-H1") for n in NAMES} | {"_dir": out}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict[str, nbformat.NotebookNode]:
    out = tmp_path_factory.mktemp("demo")
    return {n: run(n, out, commune=DEMO_COMMUNE, period=DEMO_PERIOD) for n in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_parameters_cell_honours_the_contract(name):
    params = pm.inspect_notebook(str(NOTEBOOKS_DIR / f"{name}.ipynb"))
    assert list(params) == list(CONTRACT)
    for key, (typ, default) in CONTRACT.items():
        assert params[key]["inferred_type_name"] == typ, key
        assert params[key]["default"] == default, key
        assert params[key]["help"], key


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_thin_and_stored_without_outputs(name):
    nb = nbformat.read(NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert sum("parameters" in c.metadata.get("tags", []) for c in nb.cells) == 1
    assert "parameters" in code[0].metadata.get("tags", [])
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert not any(
        "def " in c.source or "import random" in c.source or "datetime" in c.source for c in code
    )
    assert "page.context(" in code[1].source


def test_every_reference_figure_appears_vietnamese_formatted(dong_son):
    shown = "\n".join(text_of(nb) for k, nb in dong_son.items() if k != "_dir")
    with REFERENCE.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 36
    missing = [
        (r["indicator"], format_number(float(r["value"])))
        for r in rows
        if format_number(float(r["value"])) not in shown
    ]
    assert not missing
    assert "2.706,51" in shown and "105.000" in shown and "1.028" in shown


@pytest.mark.parametrize("name", NAMES)
def test_dong_son_pages_carry_title_banner_sources_and_missing(dong_son, name):
    text = text_of(dong_son[name])
    assert "Xã Đông Sơn" in text and "6 tháng đầu năm 2024" in text
    assert "DỮ LIỆU GIẢ LẬP" in text  # earlier periods of the series are synthetic
    assert "data/raw/dong-son_2024-H1.txt" in text
    assert "<script" not in text and "cdn" not in text.lower()


def test_dong_son_missing_figures_and_computed_output(dong_son):
    agri = text_of(dong_son["agriculture"])
    assert "không có số liệu" in agri and "1.273,1" in agri
    assert "không có số liệu" in text_of(dong_son["dossiers"])  # dossiers_received


def test_charts_saved_as_svg_beside_the_page_and_no_png_unless_asked(dong_son):
    charts = dong_son["_dir"] / "charts"
    svgs = sorted(p.stem for p in charts.glob("*.svg"))
    assert svgs and not list(charts.glob("*.png"))
    assert {p.split("-")[0] for p in svgs} == set(NAMES)
    assert "agriculture-trend-rice_area" in svgs
    shown = [
        o["data"]["image/svg+xml"]
        for c in dong_son["agriculture"].cells
        for o in c.get("outputs", [])
        if "image/svg+xml" in o.get("data", {})
    ]
    assert shown and "image/png" not in str(dong_son["agriculture"].cells)
    assert (charts / "agriculture-trend-rice_area.svg").read_text(encoding="utf-8") in shown


def test_demo_trend_charts_show_every_period(demo):
    expected = [f"{y}-H1" for y in range(2019, 2026)]
    for name in ("agriculture", "petitions", "dossiers"):
        labels = chart_labels(demo[name])
        trends = {k: v for k, v in labels.items() if k.startswith("trend-")}
        assert trends, name
        for chart, periods in trends.items():
            assert periods == expected, (name, chart)


def test_demo_narrative_change_equals_hand_computation(demo):
    values = {}
    with DEMO.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["commune_code"] == DEMO_COMMUNE and r["indicator"] == "rice_area":
                values[r["period"]] = float(r["value"])
    now, before = values[DEMO_PERIOD], values["2024-H1"]
    pct = (now - before) / before * 100
    word = "tăng" if pct > 0 else "giảm"
    by_hand = f"{abs(pct):.1f}".replace(".", ",")
    value = f"{now:g}".replace(".", ",")
    expected = f"Diện tích lúa đạt {value} ha, {word} {by_hand} % so với cùng kỳ năm trước."
    assert expected in text_of(demo["overview"])


def test_demo_district_highlights_the_commune(demo):
    text = text_of(demo["district"])
    assert "Tổng hợp các xã Huyện Yên Thế" in text
    assert '<tr class="mine">' in text


def test_2025_commune_renders_its_period_with_its_constituents_named(tmp_path):
    nb = run("overview", tmp_path, commune="Bố Hạ", period="2026-H1")
    text = text_of(nb)
    assert "Xã Bố Hạ" in text and "6 tháng đầu năm 2026" in text and "Tỉnh Bắc Ninh" in text
    assert "Xã Đông Sơn (07273)" in text and "Xã Hương Vĩ (07279)" in text
    assert list(chart_labels(nb)) == ["scorecard"]


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_matches_its_builder(name):
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_notebooks", ROOT / "scripts" / "build_notebooks.py"
    )
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    committed = (NOTEBOOKS_DIR / f"{name}.ipynb").read_text(encoding="utf-8")
    assert (
        nbformat.writes(builder.build(name)) + "\n" == committed
        or nbformat.writes(builder.build(name)) == committed
    )


def test_english_page_has_no_vietnamese_heading(tmp_path):
    import re
    import unicodedata

    nb = run("agriculture", tmp_path, commune="07273", period="2024-H1", lang="en")
    text = text_of(nb)
    headings = [
        re.sub(r"<[^>]+>", "", h)
        for h in re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", text, flags=re.S)
    ]
    assert len(headings) >= 8 and "Crops" in headings and "Period: H1 2024" in headings
    for h in headings:
        bare = h.replace("Xã Đông Sơn", "")
        nfd = unicodedata.normalize("NFD", bare)
        assert not any(unicodedata.combining(c) or c in "đĐ" for c in nfd), h
    assert "% vs same period" in text and "Source" in text
