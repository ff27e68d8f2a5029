"""The analyst's desk: the exploration API (dvcq_lib.explore) on the bundled data and on tiny
data folders, and the three exploration notebooks executed with nbclient."""

from __future__ import annotations

import importlib.util
import json

import matplotlib.colors as mcolors
import nbformat
import pandas as pd
import pytest
from matplotlib.figure import Figure
from nbclient import NotebookClient

import dvcq_lib as dvcq
from dvcq_lib import communes, explore, register
from dvcq_lib.exceptions import (
    CatalogueError,
    CommuneNotFoundError,
    ExploreError,
)
from dvcq_lib.numbers import format_number
from dvcq_lib.page import charts
from dvcq_lib.paths import NOTEBOOKS_DIR, ROOT
from dvcq_lib.render.plan import notebook_set
from tests.conftest import HEADER, REFERENCE_CSV

EXPLORE_DIR = NOTEBOOKS_DIR / "explore"
EXPLORE_NOTEBOOKS = ("01_bat_dau", "02_so_sanh_xa", "03_kiem_tra_so_lieu")


def reference() -> pd.DataFrame:
    return pd.read_csv(REFERENCE_CSV, dtype={"commune_code": str})


def reference_value(indicator: str) -> float:
    ref = reference()
    return float(ref.loc[ref["indicator"] == indicator, "value"].iloc[0])


# ---------------------------------------------------------------------------------------------
# series
# ---------------------------------------------------------------------------------------------
def test_series_of_a_legacy_commune_keeps_the_real_figure_and_labels_the_rest():
    s = dvcq.series("Đông Sơn", "rice_area", district="Yên Thế")
    assert s.attrs["commune"] == "07273" and s.attrs["system"] == register.LEGACY
    periods = s["period"].astype(str).tolist()
    assert periods == sorted(periods, key=dvcq.Period.parse)  # calendar order
    real = s[~s["synthetic"]]
    assert real["period"].astype(str).tolist() == ["2024-H1"]
    assert real["value"].iloc[0] == reference_value("rice_area")
    assert s.loc[s["synthetic"], "source"].str.startswith("synthetic").all()
    assert set(s["status"]) == {"reported"}


def test_series_of_a_2025_commune_adds_up_its_constituents_before_the_reform():
    s = dvcq.series("Bố Hạ", "rice_area")
    assert s.attrs["system"] == register.NEW and "Đông Sơn" in s.attrs["lineage_vi"]
    members = [k.code for k in communes.constituents("2025:07294")]
    old = dvcq.load(commune=members, period="2023-H2", indicator="rice_area")
    row = s[s["period"] == "2023-H2"].iloc[0]
    assert row["value"] == pytest.approx(old["value"].sum())
    assert row["status"] != "reported" and row["synthetic"]
    after = s[s["period"].astype(str).isin(["2025-H2", "2026-H1"])]
    assert len(after) == 2 and set(after["status"]) == {"reported"}


def test_series_same_half_across_years_and_at_a_period():
    s = dvcq.series("07282", "pig_head", half="H1", at="2023-H1")
    assert s.attrs["commune_name"] == "Xã Đồng Kỳ" and s.attrs["system"] == register.LEGACY
    assert {dvcq.Period.parse(p).half for p in s["period"].astype(str)} == {1}
    assert s["period"].astype(str).max() == "2025-H1"  # the legacy unit ends at the reform
    with pytest.raises(ExploreError, match="half"):
        dvcq.series("Đông Sơn", "rice_area", half=3, district="Yên Thế")


def test_series_errors_name_what_is_wrong(write_data):
    with pytest.raises(CatalogueError, match="rice_areas"):
        dvcq.series("Đông Sơn", "rice_areas", district="Yên Thế")
    with pytest.raises(CommuneNotFoundError, match="Dong Sonn"):
        dvcq.series("Dong Sonn", "rice_area")
    data = write_data({"a.csv": HEADER + '07273,2024-H1,rice_area,"219,5",ha,r,q\n'})
    assert dvcq.series("07273", "rice_area", data_dir=data)["value"].tolist() == [219.5]
    with pytest.raises(CommuneNotFoundError, match="chưa có số liệu"):
        dvcq.series("07279", "rice_area", data_dir=data)  # in the register, not in the data


# ---------------------------------------------------------------------------------------------
# compare
# ---------------------------------------------------------------------------------------------
def test_compare_ranks_every_commune_of_the_district():
    c = dvcq.compare("rice_yield", "2024-H1", district="Yên Thế")
    cross = dvcq.wide(dvcq.load(district="Yên Thế", period="2024-H1"))["rice_yield"]
    assert len(c) == len(cross) and set(c["commune_code"]) == set(cross.index.get_level_values(0))
    assert c["value"].iloc[0] == cross.max() and c["rank"].iloc[0] == 1
    assert c["value"].is_monotonic_decreasing
    dong_son = c[c["commune_code"] == "07273"].iloc[0]
    assert dong_son["commune"] == "Đông Sơn" and not dong_son["synthetic"]
    assert dong_son["value"] == reference_value("rice_yield")


def test_compare_per_1000_people_divides_by_population():
    c = dvcq.compare("petitions_received", "2024-H1", district="Yên Thế", per="per_1000_people")
    w = dvcq.wide(dvcq.load(commune="07279", period="2024-H1")).iloc[0]
    row = c[c["commune_code"] == "07279"].iloc[0]
    assert row["value"] == pytest.approx(w["petitions_received"] / w["population"] * 1000)
    assert "1.000 nhân khẩu" in row["unit"]
    with pytest.raises(ExploreError, match="per"):
        dvcq.compare("rice_area", "2024-H1", per="per_km")


def test_compare_merged_into_lists_exactly_the_constituents():
    c = dvcq.compare(["rice_area", "rice_yield"], "2025-H1", merged_into="Bố Hạ")
    members = {k.code for k in communes.constituents("2025:07294")}
    assert set(c["commune_code"]) == members and len(c) == 2 * len(members)
    assert c.attrs["indicators"] == ["rice_area", "rice_yield"]
    with pytest.raises(ExploreError, match="01/7/2025"):
        dvcq.compare("rice_area", "2026-H1", merged_into="Bố Hạ")


# ---------------------------------------------------------------------------------------------
# coverage, findings, evidence
# ---------------------------------------------------------------------------------------------
def test_coverage_marks_real_synthetic_mixed_and_none(write_data):
    data = write_data(
        {
            "real.csv": HEADER
            + "07273,2024-H1,rice_area,219,ha,report,q\n"
            + "07279,2024-H1,rice_area,100,ha,report,q\n",
            "fake.csv": HEADER
            + "07279,2024-H1,maize_area,10,ha,synthetic-demo,\n"
            + "07279,2023-H1,maize_area,9,ha,synthetic-demo,\n",
        }
    )
    cov = dvcq.coverage(data_dir=data)
    assert list(cov.columns) == ["2023-H1", "2024-H1"]
    assert cov.loc[("07273", "Xã Đông Sơn")].tolist() == ["none", "real"]
    assert cov.loc[("07279", "Xã Hương Vĩ")].tolist() == ["synthetic", "mixed"]
    assert cov.attrs["real"] == 2 and cov.attrs["synthetic"] == 2
    html = dvcq.table(cov).to_html()
    assert "thật + giả lập" in html and "giả lập" in html


def test_findings_and_evidence_of_the_real_report():
    f = dvcq.findings("Đông Sơn", "2024-H1", district="Yên Thế", kind="rule")
    assert len(f) and set(f["kind"]) == {"rule"} and set(f["commune"]) == {"Đông Sơn"}
    totals = f[f["message_vi"].str.contains("1.028")].iloc[0]
    ev = dvcq.evidence(totals)
    ref = reference().set_index("indicator")
    for r in ev.itertuples():
        assert r.value == ref.loc[r.indicator, "value"] and r.quote == ref.loc[r.indicator, "quote"]
    assert set(ev["indicator"]) == set(totals["indicators"].split())
    assert dvcq.evidence(f.iloc[[0]]).equals(dvcq.evidence(f.iloc[0]))
    with pytest.raises(ExploreError, match="finding"):
        dvcq.evidence(f)
    with pytest.raises(ExploreError, match="kind"):
        dvcq.findings(kind="outliers")


def test_evidence_of_an_outlier_over_time_shows_the_year_before():
    row = dvcq.findings(district="Yên Thế", kind="outlier_time").iloc[0]
    ev = dvcq.evidence(row)
    p = dvcq.Period.parse(row["period"])
    assert ev["period"].tolist() == [p.same_period_last_year().code, p.code]
    assert ev["value"].iloc[1] == row["left"]


# ---------------------------------------------------------------------------------------------
# chart
# ---------------------------------------------------------------------------------------------
def _colour(patch) -> str:
    return mcolors.to_hex(patch.get_facecolor()).upper()


def test_chart_of_a_series_is_a_figure_in_the_suite_style():
    s = dvcq.series("Bố Hạ", "rice_yield", half=1)
    fig = dvcq.chart(s)
    assert isinstance(fig, Figure)
    title, subtitle, source = (t.get_text() for t in fig.texts[:3])
    assert title == "Năng suất lúa (tạ/ha)" and "Bố Hạ" in subtitle
    assert "DỮ LIỆU GIẢ LẬP" in source and "dong-son_2024-H1.txt" in source
    bars = fig.axes[0].patches
    assert len(bars) == len(s)
    assert [_colour(b) for b in bars].count(charts.HIGHLIGHT.upper()) == 1
    assert _colour(bars[-1]) == charts.HIGHLIGHT.upper()  # the latest period
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert "Sáp nhập 01/7/2025" in labels
    assert any("," in t for t in labels)  # 52,9: Vietnamese decimals
    png = fig._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_chart_shows_a_missing_period_as_a_gap(write_data):
    data = write_data(
        {
            "a.csv": HEADER
            + "07273,2022-H1,rice_area,200,ha,r,\n"
            + "07273,2024-H1,rice_area,219,ha,r,\n"
        }
    )
    fig = dvcq.chart(dvcq.series("07273", "rice_area", half=1, data_dir=data))
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == ["2022", "2023", "2024"]
    assert fig.axes[0].patches[1].get_height() == 0
    assert "không có số liệu" in [t.get_text() for t in fig.axes[0].texts]


def test_chart_kinds_of_compare_and_coverage():
    c = dvcq.compare("rice_yield", "2024-H1", district="Yên Thế")
    fig = dvcq.chart(c, highlight="Đông Sơn")
    ax = fig.axes[0]
    names = [t.get_text() for t in ax.get_yticklabels()]
    colours = [_colour(b) for b in ax.patches]
    assert colours[names.index("Đông Sơn")] == charts.HIGHLIGHT.upper()
    several = dvcq.compare(["rice_area", "pig_head", "maize_area"], "2024-H1", district="Yên Thế")
    assert len([a for a in dvcq.chart(several).axes if a.get_visible()]) == 3
    cov = dvcq.chart(dvcq.coverage(period=["2024-H1", "2026-H1"]))
    assert cov.texts[0].get_text() == explore.label("chart", "coverage_title")
    with pytest.raises(ExploreError, match="kind"):
        dvcq.chart(c, kind="pie")
    with pytest.raises(ExploreError, match="đơn vị"):
        dvcq.chart(dvcq.series("Bố Hạ", ["rice_area", "pig_head"]), kind="line")


# ---------------------------------------------------------------------------------------------
# table
# ---------------------------------------------------------------------------------------------
def test_table_formats_the_vietnamese_way_without_changing_values():
    df = dvcq.load(commune="07273", period="2024-H1")
    before = df.copy()
    t = dvcq.table(df)
    html = t.to_html()
    assert "Chỉ tiêu" in html and "Kỳ báo cáo" in html and "Đơn vị" in html
    assert "2.706,51" in html and "Diện tích đất tự nhiên" in html  # 2706.51, natural_area
    pd.testing.assert_frame_equal(df, before)  # the caller's frame untouched
    assert t.data["value"].tolist() == df["value"].tolist()
    w = dvcq.table(dvcq.wide(df)).to_html()
    assert "Số nhân khẩu (người)" in w and "8.093" in w
    assert "value" in dvcq.table(df, lang="en").to_html().lower()


# ---------------------------------------------------------------------------------------------
# exports and notebooks
# ---------------------------------------------------------------------------------------------
def test_the_exploration_functions_are_exported():
    for name in ("series", "compare", "coverage", "findings", "evidence", "chart", "table"):
        assert getattr(dvcq, name) is getattr(explore, name) and name in dvcq.__all__
    assert {"load", "wide", "remap", "series_for", "catalogue", "Period"} <= set(dvcq.__all__)


def test_exploration_notebooks_stay_out_of_the_batch():
    batch = set(notebook_set().values())
    assert not any(p.parent == EXPLORE_DIR for p in batch)
    assert {p.stem for p in EXPLORE_DIR.glob("*.ipynb")} == set(EXPLORE_NOTEBOOKS)


@pytest.mark.parametrize("name", EXPLORE_NOTEBOOKS)
def test_exploration_notebook_is_stored_without_outputs_and_matches_its_builder(name):
    path = EXPLORE_DIR / f"{name}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    assert nb["cells"][0]["cell_type"] == "markdown"
    first = "".join(nb["cells"][0]["source"])
    assert "Thật" in first and "GIẢ LẬP" in first
    source = "\n".join("".join(c["source"]) for c in code)
    assert "def " not in source and "import dvcq_lib as dvcq" in source
    assert "pages." not in source and "._" not in source  # public functions only
    spec = importlib.util.spec_from_file_location(
        "build_explore_notebooks", ROOT / "scripts" / "build_explore_notebooks.py"
    )
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    assert nbformat.writes(builder.build(name)).rstrip("\n") == path.read_text("utf-8").rstrip("\n")


@pytest.mark.parametrize("name", EXPLORE_NOTEBOOKS)
def test_exploration_notebook_runs_and_draws(name, tmp_path):
    nb = nbformat.read(EXPLORE_DIR / f"{name}.ipynb", as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 1
    html = "\n".join(o["data"].get("text/html", "") for o in outputs if "data" in o)
    headers = {explore.label("column", c) for c in ("commune", "value", "indicator", "kind")}
    assert any(f">{h}</th>" in html for h in headers)  # tables shown with Vietnamese labels


def test_chart_refuses_a_frame_it_cannot_draw_and_keeps_the_order_asked():
    with pytest.raises(ExploreError, match="frame"):
        dvcq.chart(dvcq.findings("Đông Sơn", "2024-H1", district="Yên Thế"))
    s = dvcq.series("Bố Hạ", ["rice_area", "maize_area"])
    assert list(dict.fromkeys(s["indicator"])) == ["rice_area", "maize_area"]
    fig = dvcq.chart(s)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [
        "Diện tích lúa",
        "Diện tích ngô",
    ]
    assert len(fig.axes[0].get_xticklabels()) <= 8


def test_exploration_parameters_are_documented_and_other_values_run(tmp_path):
    import papermill as pm

    for name in EXPLORE_NOTEBOOKS:
        params = pm.inspect_notebook(str(EXPLORE_DIR / f"{name}.ipynb"))
        assert params and all(
            p["inferred_type_name"] == "str" and p["help"] for p in params.values()
        )
    nb = pm.execute_notebook(
        str(EXPLORE_DIR / "01_bat_dau.ipynb"),
        str(tmp_path / "01_bat_dau.ipynb"),
        parameters={"commune": "Bố Hạ", "period": "2026-H1", "indicator": "pig_head"},
        cwd=str(ROOT),
        kernel_name="python3",
        progress_bar=False,
    )
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert len([o for o in outputs if "image/png" in o.get("data", {})]) >= 3
    html = "\n".join(o["data"].get("text/html", "") for o in outputs if "data" in o)
    s = dvcq.series("Bố Hạ", "pig_head", half=1)
    latest = s[s["period"] == "2026-H1"]["value"].iloc[0]
    assert "2026-H1" in html and f">{format_number(latest)}<" in html  # e.g. 4.816, Vietnamese
