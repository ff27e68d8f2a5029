"""Page blocks: context resolution, header, banner, sources, tables, scorecard, ranks — each
block's view data, and its HTML rendering."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from dvcq_lib.exceptions import CatalogueError, CommuneNotFoundError, PeriodError
from dvcq_lib.page import blocks, figures
from dvcq_lib.page import html as pages
from dvcq_lib.page.meta import section, sections
from dvcq_lib.paths import DATA_DIR


@pytest.fixture(scope="module")
def agri():
    return pages.context(7273, "2024-H1", notebook="agriculture")


@pytest.fixture
def real_only(tmp_path):
    """A data folder holding only the real reference report."""
    shutil.copytree(DATA_DIR / "observations" / "reference", tmp_path / "observations" / "ref")
    return tmp_path


def test_context_resolves_int_code_name_and_district(agri):
    assert agri.commune.code == "07273" and agri.commune.system == "legacy"
    # "Đông Sơn" names several communes in the country but one in the data
    assert pages.context("Đông Sơn", "6 tháng đầu năm 2024").commune.code == "07273"
    assert pages.context("xã Đông Sơn", "2024-H1", district="Yên Thế").commune.code == "07273"
    assert max(agri.wide.index) == "2024-H1"  # nothing after the report period


def test_context_errors_are_clear():
    with pytest.raises(CommuneNotFoundError):
        pages.context("Không Có Xã Này", "2024-H1")
    with pytest.raises(PeriodError):
        pages.context(7273, "2024-H3")
    with pytest.raises(ValueError):
        pages.context(7273, "2024-H1", lang="fr")


def test_header_names_commune_period_sources_and_synthetic_banner(agri):
    h = pages.header(agri).data
    assert "Nông nghiệp: Xã Đông Sơn" in h and "6 tháng đầu năm 2024" in h
    assert "DỮ LIỆU GIẢ LẬP" in h and 'class="dvcq-synthetic"' in h
    assert "data/raw/dong-son_2024-H1.txt" in h and "synthetic-demo" in h
    assert "số liệu thật" in h
    assert "http" not in h  # works offline


def test_no_banner_when_every_value_is_real(real_only):
    ctx = pages.context("07273", "2024-H1", data_dir=real_only, notebook="overview")
    h = pages.header(ctx).data
    assert 'class="dvcq-synthetic"' not in h and "số liệu thật" in h


def test_indicator_table_prints_figures_as_in_the_data(agri):
    t = blocks.indicator_table(agri, section("agriculture", "crops").indicators).frame()
    row = t.set_index("indicator")
    assert row.loc["Diện tích lúa", "value"] == "219,5"
    assert row.loc["Tổng sản lượng cây có hạt", "value"] == "1.320,7"
    assert row.loc["Sản lượng lúa", "value"] == "không có số liệu"
    assert "1.273,1" in row.loc["Sản lượng lúa", "note"]  # area × yield beside it
    assert "tấn/ha" in row.loc["Tổng sản lượng cây có hạt", "note"]
    assert row.loc["Diện tích lúa", "source"] == "báo cáo"
    html = pages.indicator_table(agri, "crops").data
    assert "Cùng kỳ năm trước" in html and "219,5" in html


def test_computed_outputs_show_the_grain_gap(agri):
    h = pages.computed_outputs(agri).data
    assert "1.273,1" in h and "89,2" in h and "1.362,3" in h and "1.320,7" in h


def test_findings_appear_next_to_the_figure():
    # the checks run on the data folder (dvcq_lib.checks); nothing is passed by hand
    ctx = pages.context(7273, "2024-H1", notebook="agriculture")
    note = blocks.indicator_table(ctx, ["grain_output"]).frame().iloc[0]["note"]
    assert "⚠ Cảnh báo" in note and "1.362,3" in note and "3,1 %" in note
    assert "tấn/ha" in note
    block = pages.findings_block(ctx).data
    assert "1.362,3" in block and "1.027" not in block  # dossiers are not an agriculture finding
    overview = pages.findings_block(
        pages.context(7273, "2024-H1", notebook="overview"), domains=()
    ).data
    assert "1.021 + 6 = 1.027" in overview and "1.362,3" in overview


def test_findings_can_be_given_explicitly():
    findings = pd.DataFrame(
        {
            "commune_code": ["07273"],
            "period": ["2024-H1"],
            "indicator": ["rice_area"],
            "indicators": ["rice_area"],
            "kind": ["rule"],
            "severity": ["error"],
            "message_vi": ["một phát hiện thử"],
        }
    )
    ctx = pages.context(7273, "2024-H1", notebook="agriculture", findings=findings)
    note = blocks.indicator_table(ctx, ["rice_area"]).frame().iloc[0]["note"]
    assert "⚠ Lỗi: một phát hiện thử" in note
    assert "⚠" not in blocks.indicator_table(ctx, ["grain_output"]).frame().iloc[0]["note"]


def test_2025_commune_reaches_back_through_its_constituents():
    ctx = pages.context("Bố Hạ", "2026-H1", notebook="agriculture")
    assert "Xã Đông Sơn (07273)" in ctx.lineage_vi and "Thị trấn Bố Hạ (07294)" in ctx.lineage_vi
    assert "2019-H1" in ctx.wide.index and "2026-H1" in ctx.wide.index
    chart = pages.trend_chart(ctx, "rice_area", show=False)
    assert chart.labels[0] == "2019-H1" and chart.labels[-1] == "2026-H1"
    assert figures.reform_marker(ctx, list(chart.labels)) == (6.5, "Sáp nhập 01/7/2025")
    assert "các xã hợp thành" in pages.header(ctx).data
    # the remapped 2024-H1 rice area is the sum of the three constituents' figures
    raw = pd.read_csv("data/observations/demo/yen-the_synthetic.csv", dtype=str)
    ref = pd.read_csv("data/observations/reference/dong-son_2024-H1.csv", dtype=str)
    rows = pd.concat([raw, ref])
    parts = rows[
        (rows.period == "2024-H1")
        & (rows.indicator == "rice_area")
        & rows.commune_code.isin(["07273", "07279", "07294"])
    ]
    assert len(parts) == 3
    assert ctx.wide.loc["2024-H1", "rice_area"] == pytest.approx(parts.value.astype(float).sum())
    # a legacy commune's report does not reach across the reform
    assert pages.context(7273, "2024-H1").lineage_vi == ""


def test_scorecard_arrows_against_same_period_last_year(agri):
    h = pages.scorecard(agri, ["rice_area", "pig_head", "dossiers_received"]).data
    assert "▼" in h and "▲" in h and "không có số liệu" in h


def test_profile_and_structure(agri):
    p = pages.profile(agri).data
    for text in ("2.706,51", "2.363", "8.093", "25,5", "604"):
        assert text in p
    s = pages.structure(agri).data
    assert "32,5" in s and "56,8 %" in s and "84,5" in s


def test_rank_among_district_peers():
    ctx = pages.context(7273, "2024-H1", notebook="petitions")
    assert len(pages.peer_codes(ctx)) == 17
    assert set(pages.peer_codes(ctx, "constituents")) == {"07273", "07279", "07294"}
    h = pages.rank_table(ctx, ["petitions_received"]).data
    assert "/17" in h and "trên 1.000 nhân khẩu" in h


def test_2025_commune_renders_its_own_and_its_constituents_periods():
    ctx = pages.context("Bố Hạ", "2026-H1", notebook="district")
    assert ctx.commune.system == "2025" and ctx.scope == "province"
    assert {"2019-H1", "2025-H1", "2025-H2", "2026-H1"} <= set(ctx.wide.index)
    h = pages.league_table(ctx, "rice_area").data
    assert "Bố Hạ" in h and "Tổng" in h
    assert "Tổng hợp các xã Tỉnh Bắc Ninh" in pages.header(ctx).data


def test_sections_file_is_checked(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text(
        "notebook,section,title_vi,title_en,indicators\nx,y,Z,Z,rice_area no_such\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError, match="no_such"):
        sections(f)
    with pytest.raises(CatalogueError):
        section("agriculture", "nothing")


def test_vietnamese_sort_puts_d_stroke_after_d():
    names = ["Đồng Tâm", "Bố Hạ", "Dương Hưu", "Xuân Lương", "Đông Sơn"]
    assert sorted(names, key=pages.vi_sort_key) == [
        "Bố Hạ",
        "Dương Hưu",
        "Đông Sơn",
        "Đồng Tâm",
        "Xuân Lương",
    ]


def test_year_report_is_built_from_the_halves_and_marked():
    ctx = pages.context("07261", "2024", notebook="agriculture")
    assert list(ctx.wide.index)[-1] == "2024"
    row = blocks.indicator_table(ctx, ["rice_yield"]).frame().iloc[0]
    assert row["value"].count(",") == 1 and len(row["value"].split(",")[1]) == 1
    assert row["source"] == "giả lập"
    assert "năm 2024" in pages.header(ctx).data


def test_english_labels():
    ctx = pages.context(7273, "2024-H1", notebook="overview", lang="en")
    h = pages.header(ctx).data
    assert "Commune overview: Xã Đông Sơn" in h and "H1 2024" in h and "SYNTHETIC DATA" in h
    assert "Rice area" in pages.narrative_text(ctx)


def test_pre_reform_series_of_a_2025_commune_extends_its_trend():
    from dvcq_lib.observations import load

    earlier = load(commune="07273", period=["2023-H1", "2024-H1"], indicator="rice_area")
    ctx = pages.context("07294", "2026-H1", notebook="agriculture", pre_reform=earlier)
    assert {"2023-H1", "2024-H1", "2026-H1"} <= set(ctx.wide.index)
    chart = pages.trend_chart(ctx, "rice_area", show=False)
    assert chart.labels == ("2023-H1", "2024-H1", "2025-H1", "2026-H1")  # 2025-H1 is a gap
    assert "data/raw/dong-son_2024-H1.txt" in pages.header(ctx).data


def test_targets_block_reads_data_targets(real_only):
    (real_only / "targets").mkdir()
    (real_only / "targets" / "plan.csv").write_text(
        "commune_code,period,indicator,target\n07273,2024-H1,rice_area,250\n", encoding="utf-8"
    )
    ctx = pages.context(7273, "2024-H1", data_dir=real_only, notebook="overview")
    h = pages.targets_block(ctx).data
    assert "Đạt (% kế hoạch)" in h and "87,8 %" in h and "250" in h
    assert blocks.targets(pages.context(7273, "2024-H1", notebook="overview")) is None


def test_district_page_redraws_a_legacy_period_on_the_2025_communes():
    ctx = pages.context(7273, "2023-H1", notebook="district")
    h = pages.merged_units_table(ctx).data
    for name in ("Bố Hạ", "Đồng Kỳ", "Tam Tiến", "Xuân Lương", "Yên Thế"):
        assert name in h
    # Bố Hạ's rice area = Đông Sơn + Hương Vĩ + Thị trấn Bố Hạ in 2023-H1, computed from the file
    raw = pd.read_csv("data/observations/demo/yen-the_synthetic.csv", dtype=str)
    parts = raw[
        (raw.period == "2023-H1")
        & (raw.indicator == "rice_area")
        & raw.commune_code.isin(["07273", "07279", "07294"])
    ]
    assert len(parts) == 3
    from dvcq_lib.numbers import format_number

    assert format_number(round(parts.value.astype(float).sum(), 6)) in h
    # 2025 communes have no legacy view
    boha = pages.context("Bố Hạ", "2026-H1", notebook="district")
    assert blocks.merged_units_table(boha) is None and pages.merged_units_table(boha).data == ""


# ---------------------------------------------------------------------------------------------
# defects of issue 14, each with its test
# ---------------------------------------------------------------------------------------------
def _svg_texts(svg: bytes) -> list[str]:
    import re

    return [t for t in re.findall(r">([^<>]+)</text>", svg.decode("utf-8")) if t.strip()]


def test_computed_outputs_headers_name_area_and_yield_in_full(agri):
    labels = [c.label for c in blocks.computed_outputs(agri).columns]
    assert labels[1] == "Diện tích (ha)" and labels[2] == "Năng suất (tạ/ha)"
    assert not any("Diện (" in x for x in labels)
    en = pages.context(7273, "2024-H1", notebook="agriculture", lang="en")
    assert [c.label for c in blocks.computed_outputs(en).columns][1] == "Area (ha)"


def test_computed_values_on_charts_carry_the_units_precision_and_equal_the_table(agri):
    table = blocks.computed_outputs(agri)
    computed = [c for c in table.column("computed")[:-1] if c.is_number]
    spec = figures.outputs(agri)
    drawn = dict(zip(spec.categories, spec.series[1].texts, strict=True))
    for row, cell in zip(table.rows, table.column("computed"), strict=True):
        if cell.is_number and row.key in ("rice_output", "maize_output"):
            assert drawn[agri.name(row.key)] == cell.text
    assert [c.text for c in computed] == ["1.273,1", "89,2"]
    assert all(c.decimals == 1 and "computed" in c.flags for c in computed)
    texts = _svg_texts(figures.draw(spec).svg)
    assert "1.273,1" in texts and not any(t.startswith("1.273,1") and t != "1.273,1" for t in texts)


def test_one_minus_sign_in_tables_and_charts(agri):
    import re

    t = blocks.indicator_table(agri, "crops")
    diffs = [c.text for c in t.column("diff") + t.column("pct") if c.text]
    assert any(x.startswith("\u2212") for x in diffs)
    assert not any("-" in x for x in diffs)
    spec = figures.scorecard(pages.context(7273, "2024-H1", notebook="overview"))
    assert any(x.startswith("\u2212") for x in spec.series[0].texts)
    texts = _svg_texts(figures.draw(spec).svg)
    assert any("\u2212" in x for x in texts)  # value labels and axis ticks
    assert not any(re.search(r"-\d", x) for x in texts), texts


def test_one_title_per_notebook_everywhere():
    from dvcq_lib.page import meta
    from dvcq_lib.render.plan import ReportPlan

    ctx = pages.context(7273, "2024-H1", notebook="overview")
    assert blocks.header(ctx).title == meta.title("overview") == "Tổng quan xã"
    plan = ReportPlan(ctx.commune, "2024-H1", {}, DATA_DIR)
    assert plan.title("overview").startswith(meta.title("overview") + " — ")
    assert "Tổng quan xã" in _index_of_one_page()


def _index_of_one_page() -> str:
    from dvcq_lib.render.index import build_index

    states = pd.DataFrame(
        [
            {
                "period": "2024-H1",
                "commune_code": "07273",
                "commune_key": "legacy:07273",
                "notebook": "overview",
                "status": "done",
                "seconds": 1.25,
                "page": "2024-H1/07273-dong-son/overview.html",
                "error": "",
                "failed_notebook": "",
                "rendered_at": "",
                "synthetic": True,
            }
        ]
    )
    return build_index(states, {})


def test_index_is_rendered_from_its_template_with_vietnamese_numbers():
    h = _index_of_one_page()
    assert '<td class="num">1,2</td>' in h or '<td class="num">1,3</td>' in h
    assert 'class="fake">giả lập' in h and "DỮ LIỆU GIẢ LẬP" in h
    assert "style=" not in h.split("</style>")[1]  # no inline style after the stylesheet


def test_recomputed_ratios_are_shown_with_the_precision_of_reported_ones():
    ctx = pages.context("Bố Hạ", "2026-H1", notebook="agriculture")
    assert ("rice_yield", "2025-H1") in ctx.computed
    row = blocks.indicator_table(ctx, ["rice_yield"]).rows[0]
    value, base = row.cells[2], row.cells[3]
    assert base.decimals == 1 and "computed" in base.flags
    assert len(base.text.split(",")[-1]) == 1
    assert "computed" not in value.flags  # the reported 2026-H1 figure stays as reported
    spec = figures.trend(ctx, "rice_yield")
    for key, text in zip(spec.keys, spec.series[0].texts, strict=True):
        if (("rice_yield", key) in ctx.computed) and "," in text:
            assert len(text.split(",")[-1]) == 1, (key, text)
    text = pages.narrative_text(ctx, ["rice_yield"])
    assert (
        "," not in text.split("đạt ")[1].split(" tạ/ha")[0]
        or len(text.split("đạt ")[1].split(" tạ/ha")[0].split(",")[-1]) <= 2
    )


def test_no_half_on_half_change_for_seasonal_crop_flows():
    ctx = pages.context("Bố Hạ", "2026-H1", notebook="agriculture")
    crops = blocks.indicator_table(ctx, "crops")
    assert "prev_pct" not in [c.key for c in crops.columns]
    assert "% so với kỳ trước" not in pages.indicator_table(ctx, "crops").data
    petitions = blocks.indicator_table(
        pages.context("Bố Hạ", "2026-H1", notebook="petitions"), "petitions"
    )
    assert "prev_pct" in [c.key for c in petitions.columns]


def test_english_page_has_no_vietnamese_heading():
    import unicodedata

    from dvcq_lib.page.labels import labels

    def vietnamese(text: str) -> bool:
        return any(
            unicodedata.combining(ch) or ch in "đĐ" for ch in unicodedata.normalize("NFD", text)
        )

    en = labels()["en"]
    assert not [k for k, v in en.items() if vietnamese(v)]
    for nb in ("agriculture", "petitions", "dossiers", "overview", "district"):
        ctx = pages.context(7273, "2024-H1", notebook=nb, lang="en")
        h = blocks.header(ctx)
        assert not vietnamese(h.title.replace(ctx.commune.district, "")), h.title
        for (notebook, name), _ in sections().items():
            if notebook == nb:
                assert not vietnamese(blocks.heading(ctx, name).title)
    ctx = pages.context(7273, "2024-H1", notebook="agriculture", lang="en")
    for name in ("crops", "fruit", "value"):
        t = blocks.indicator_table(ctx, name)
        assert not any(vietnamese(c.label) for c in t.columns)
        assert not any(vietnamese(r.cells[0].text) for r in t.rows)


def test_labels_file_needs_both_languages(tmp_path):
    from dvcq_lib.page.labels import labels

    vi, en = labels()["vi"], labels()["en"]
    assert vi.keys() == en.keys() and all(vi.values()) and all(en.values())
    f = tmp_path / "labels.csv"
    f.write_text("key,vi,en\nmissing,không có số liệu,\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="missing"):
        labels(f)


def test_a_block_lists_one_row_per_indicator_and_season(agri):
    import dataclasses

    rows = agri.rows.copy()
    rows["season"] = ""
    extra = rows[(rows["indicator"] == "rice_area") & (rows["period"] == "2024-H1")].copy()
    spring = extra.assign(season="dong_xuan", value=150.0)
    summer = extra.assign(season="mua", value=69.5)
    ctx = dataclasses.replace(agri, rows=pd.concat([rows, spring, summer], ignore_index=True))
    t = blocks.indicator_table(ctx, ["rice_area"])
    assert [r.key for r in t.rows] == ["rice_area"] * 3
    assert t.rows[0].cells[2].text == "219,5"  # the whole period comes first, unchanged
    names = [r.cells[0].text for r in t.rows[1:]]
    assert names[0].startswith("Diện tích lúa — ") and "Đông Xuân" in names[0].title()
    assert [r.cells[2].text for r in t.rows[1:]] == ["150", "69,5"]
    assert all("season" in r.flags for r in t.rows[1:])
    # without the column, or with only "" in it, one row per indicator
    assert (
        len(blocks.indicator_table(dataclasses.replace(agri, rows=rows), ["rice_area"]).rows) == 1
    )


def test_views_hold_raw_numbers_beside_their_text(agri):
    t = blocks.indicator_table(agri, "crops")
    rice = t.rows[0].cells[2]
    assert rice.value == pytest.approx(219.5) and rice.text == "219,5" and rice.decimals == 1
    missing = [c for c in t.column("value") if "missing" in c.flags]
    assert missing and all(c.value is None and c.text == "không có số liệu" for c in missing)
    s = blocks.scorecard(agri, ["rice_area", "pig_head"])
    assert [c.direction for c in s.cards] == ["down", "down"] or s.cards[0].arrow in "▲▼"
    league = blocks.league_table(pages.context(7273, "2024-H1", notebook="district"), "rice_area")
    assert sum("mine" in r.flags for r in league.rows) == 1 and "total" in league.rows[-1].flags


def test_no_html_string_building_left_in_python():
    from pathlib import Path

    import dvcq_lib

    root = Path(dvcq_lib.__file__).parent
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "html.escape" in p.read_text(encoding="utf-8")
        or "style=" in p.read_text(encoding="utf-8")
    ]
    assert not offenders


def test_index_links_a_reports_deck_and_workbook(tmp_path):
    from dvcq_lib.render.index import build_index

    folder = tmp_path / "2024-H1" / "07273-dong-son"
    folder.mkdir(parents=True)
    (folder / "report.pptx").write_bytes(b"x")
    states = pd.DataFrame(
        [
            {
                "period": "2024-H1",
                "commune_code": "07273",
                "commune_key": "legacy:07273",
                "notebook": "overview",
                "status": "done",
                "seconds": 1.0,
                "page": "2024-H1/07273-dong-son/overview.html",
                "error": "",
                "failed_notebook": "",
                "rendered_at": "",
                "synthetic": False,
            }
        ]
    )
    h = build_index(states, {}, tmp_path)
    assert 'href="2024-H1/07273-dong-son/report.pptx">trình chiếu' in h
    assert "report.xlsx" not in h


def test_a_reports_pages_share_frames_until_a_data_file_changes(real_only):
    """The notebooks of one report read the same frames (built once), peers ranked once for
    the district's communes; a changed data file gives new ones, with the new figure."""
    first = pages.context("07273", "2024-H1", data_dir=real_only, notebook="agriculture")
    again = pages.context("07273", "2024-H1", data_dir=real_only, notebook="overview")
    assert again.rows is first.rows and again.full is first.full
    assert again.shared is first.shared and again.memo is not first.memo
    other = pages.context("07273", "2024-H1", data_dir=real_only, notebook="district")
    assert blocks.page_peers(other) is blocks._shared_peers(again, None)
    [csv] = (real_only / "observations").rglob("*.csv")
    table = pd.read_csv(csv, dtype=str, keep_default_na=False)
    rice = table["indicator"] == "rice_area"
    table.loc[rice, "value"] = "999"
    table.to_csv(csv, index=False)
    changed = pages.context("07273", "2024-H1", data_dir=real_only, notebook="agriculture")
    assert changed.rows is not first.rows and changed.shared is not first.shared
    assert changed.wide.loc["2024-H1", "rice_area"] == 999
    assert first.wide.loc["2024-H1", "rice_area"] != 999  # a page's frames never change
