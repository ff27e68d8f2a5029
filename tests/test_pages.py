"""Page blocks: context resolution, header, banner, sources, tables, scorecard, ranks."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from dvcq_lib import pages
from dvcq_lib.exceptions import CatalogueError, CommuneNotFoundError, PeriodError
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
    assert "DỮ LIỆU GIẢ LẬP" in h and "dvcq-synthetic" in h
    assert "data/raw/dong-son_2024-H1.txt" in h and "synthetic-demo" in h
    assert "số liệu thật" in h
    assert "http" not in h  # works offline


def test_no_banner_when_every_value_is_real(real_only):
    ctx = pages.context("07273", "2024-H1", data_dir=real_only, notebook="overview")
    h = pages.header(ctx).data
    assert "dvcq-synthetic" not in h and "số liệu thật" in h


def test_indicator_table_prints_figures_as_in_the_data(agri):
    t = pages.indicator_rows(agri, pages.section("agriculture", "crops").indicators)
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
    note = pages.indicator_rows(ctx, ["grain_output"]).iloc[0]["note"]
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
    assert "⚠ Lỗi: một phát hiện thử" in pages.indicator_rows(ctx, ["rice_area"]).iloc[0]["note"]
    assert "⚠" not in pages.indicator_rows(ctx, ["grain_output"]).iloc[0]["note"]


def test_2025_commune_reaches_back_through_its_constituents():
    ctx = pages.context("Bố Hạ", "2026-H1", notebook="agriculture")
    assert "Xã Đông Sơn (07273)" in ctx.lineage_vi and "Thị trấn Bố Hạ (07294)" in ctx.lineage_vi
    assert "2019-H1" in ctx.wide.index and "2026-H1" in ctx.wide.index
    chart = pages.trend_chart(ctx, "rice_area", show=False)
    assert chart.labels[0] == "2019-H1" and chart.labels[-1] == "2026-H1"
    assert pages._reform_marker(ctx, list(chart.labels)) == (6.5, "Sáp nhập 01/7/2025")
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
        pages.sections(f)
    with pytest.raises(CatalogueError):
        pages.section("agriculture", "nothing")


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
    row = pages.indicator_rows(ctx, ["rice_yield"]).iloc[0]
    assert row["value"].count(",") == 1 and len(row["value"].split(",")[1]) == 1
    assert row["source"] == "giả lập"
    assert "năm 2024" in pages.header(ctx).data


def test_english_labels():
    ctx = pages.context(7273, "2024-H1", notebook="overview", lang="en")
    h = pages.header(ctx).data
    assert "Overview: Xã Đông Sơn" in h and "H1 2024" in h and "SYNTHETIC DATA" in h
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
    assert pages.targets_block(pages.context(7273, "2024-H1", notebook="overview")).data == ""


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
    assert (
        pages.merged_units_table(pages.context("Bố Hạ", "2026-H1", notebook="district")).data == ""
    )
