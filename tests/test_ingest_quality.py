"""benchmarks/ingest_quality.py scores a folder it is given: a tiny SYNTHETIC folder in the layout
of ../shared/real-reports (two `#` lines, truth with and without a season column, meta.csv)."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from dvcq_lib.paths import ROOT


@pytest.fixture(scope="module")
def quality():
    spec = importlib.util.spec_from_file_location(
        "ingest_quality", ROOT / "benchmarks" / "ingest_quality.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["ingest_quality"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def write(folder, name, text, truth):
    (folder / f"{name}.txt").write_text(
        f"# source: synthetic\n# commune: test; period: 2024-H1\n\n{text}", encoding="utf-8"
    )
    (folder / f"{name}.truth.csv").write_text(truth, encoding="utf-8")


@pytest.fixture
def folder(tmp_path):
    write(
        tmp_path,
        "01",
        "Đàn lợn 2.650 con. Diện tích lúa 219,5 ha. Đàn bò 300 con.",
        "indicator,value,unit,quote\n"
        "pig_head,2650,con,Đàn lợn 2.650 con\n"
        'rice_area,219.5,ha,"Diện tích lúa 219,5 ha"\n'
        "x_unknown_thing,12,con,không có trong văn bản\n",
    )
    write(
        tmp_path,
        "02",
        "Vụ xuân diện tích lúa 180 ha.\nDiện tích lúa dự ước 350 ha.",
        "indicator,value,unit,quote,season\n"
        "rice_area,180,ha,diện tích lúa 180 ha,mua\n"
        "rice_area,350,ha,diện tích lúa dự ước 350 ha,\n",
    )
    (tmp_path / "meta.csv").write_text(
        "file,commune_code,period,note\n01,07273,2024-H1,synthetic\n02,07273,2024-H1,synthetic\n",
        encoding="utf-8",
    )
    return tmp_path


def test_counts_of_a_tiny_folder(quality, folder):
    scores = {s.name: s for s in quality.score_folder(folder)}
    one, two = scores["01"], scores["02"]
    # 01: two of three found (the x_ code is not in the catalogue); the cattle figure is wrong
    assert len(one.truths) == 3 and len(one.matched) == 2
    assert [m.written_code for m in one.misses] == ["x_unknown_thing"]
    assert [p.indicator for p in one.wrong] == ["cattle_head"]
    # 02: the season must match: 180 ha is vụ xuân, the truth says vụ mùa → one miss, one wrong
    assert [m.value for m in two.misses] == [180]
    assert [(p.indicator, p.season) for p in two.wrong] == [("rice_area", "xuan")]
    t = quality.totals([one, two])
    assert (t.truth, t.coded, t.found, t.proposals, t.right) == (5, 4, 3, 5, 3)
    assert t.coverage == pytest.approx(4 / 5) and t.recall_coded == pytest.approx(3 / 4)
    # the approximate figure ("dự ước") is right but not pre-accepted
    assert t.accepted == t.proposals - 1 and t.right_accepted == 2


def test_x_codes_count_once_the_catalogue_holds_them(quality):
    assert quality.normalise_code("x_cassava_area") == "cassava_area"
    assert quality.normalise_code("x_not_a_code") == "x_not_a_code"


def test_the_command_line_scores_the_reference_perfectly(quality, capsys, folder):
    if not quality.REFERENCE_TRUTH.exists():
        pytest.skip("../shared/seed is not present")
    assert quality.main([str(folder), "--reference", "--classes"]) == 0
    out = capsys.readouterr().out
    assert "báo cáo mẫu: 36/36, 0 đề xuất sai" in out and "SAI    cattle_head" in out


def test_a_truth_in_another_unit_is_scored_in_the_catalogue_unit(quality, tmp_path):
    """An x_ row written before the catalogue held its code keeps the unit as written ("3.1254
    tỷ đồng"): it is compared in the catalogue's unit (3125.4 triệu đồng), with its decimals."""
    assert quality.in_catalogue_unit("budget_revenue", 3.1254, 4, "tỷ đồng") == (
        pytest.approx(3125.4),
        1,
    )
    assert quality.in_catalogue_unit("timber_output", 16800, 0, "m3") == (16800, 0)
    assert quality.in_catalogue_unit("x_not_a_code", 12, 0, "tỷ đồng") == (12, 0)
    write(
        tmp_path,
        "01",
        "Sản lượng lúa cả năm đạt 4.520,5 tấn.",
        'indicator,value,unit,quote\nrice_output,45205,tạ,"4.520,5 tấn"\n',
    )
    (one,) = quality.score_folder(tmp_path)
    assert len(one.matched) == 1 and not one.wrong and not one.misses
