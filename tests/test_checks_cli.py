"""`dvcq check` end to end: table, CSV that Excel opens (BOM), exit status."""

from __future__ import annotations

import pandas as pd
import pytest

from dvcq_lib.cli import main

HEADER = "commune_code,period,indicator,value,unit,source\n"


def data_dir(tmp_path, rows: list[str]):
    folder = tmp_path / "data" / "observations"
    folder.mkdir(parents=True)
    (folder / "test.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return tmp_path / "data"


FRUIT = [
    "07243,2023-H2,lychee_longan_area,178,ha,synthetic-test",
    "07243,2023-H2,other_fruit_area,200,ha,synthetic-test",
]


def test_reference_report_exits_1_and_writes_the_csv(tmp_path, capsys):
    out = tmp_path / "f.csv"
    code = main(
        ["check", "--commune", "07273", "--period", "2024-H1", "--csv", str(out), "--plain"]
    )
    assert code == 1
    printed = capsys.readouterr().out
    assert "[Lỗi] Đông Sơn (07273) · 2024-H1" in printed
    assert "1.021 + 6 = 1.027" in printed and str(out) in printed
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    f = pd.read_csv(out, encoding="utf-8-sig", dtype={"commune_code": str})
    assert set(f["commune_code"]) == {"07273"} and set(f["period"]) == {"2024-H1"}
    assert {"dossiers_online_total_parts", "grain_output_area_yield", "unit_dimension"} <= set(
        f["check"]
    )


def test_clean_data_exits_0(tmp_path, capsys):
    data = data_dir(tmp_path, [*FRUIT, "07243,2023-H2,fruit_area,378,ha,synthetic-test"])
    code = main(["check", "--all", "--data", str(data), "--csv", str(tmp_path / "f.csv")])
    assert code == 0
    assert "Không có phát hiện nào" in capsys.readouterr().out
    assert len(pd.read_csv(tmp_path / "f.csv", encoding="utf-8-sig")) == 0


def test_error_rule_exits_1_and_warning_alone_exits_0(tmp_path, capsys):
    data = data_dir(tmp_path, [*FRUIT, "07243,2023-H2,fruit_area,428,ha,synthetic-test"])
    assert main(["check", "--all", "--data", str(data), "--csv", str(tmp_path / "a.csv")]) == 1
    out = capsys.readouterr().out
    assert "1 lỗi" in out and "DỮ LIỆU GIẢ LẬP" in out
    warn = data_dir(tmp_path / "w", ['07243,2023-H2,rice_yield,"5,8",tạ/ha,synthetic-test'])
    assert main(["check", "--all", "--data", str(warn), "--csv", str(tmp_path / "b.csv")]) == 0


def test_selection_filters_and_is_required(tmp_path, capsys):
    rows = [*FRUIT, "07243,2023-H2,fruit_area,428,ha,synthetic-test"]
    data = data_dir(tmp_path, [*rows, "07246,2023-H2,rice_area,300,ha,synthetic-test"])
    args = ["check", "--data", str(data), "--csv", str(tmp_path / "f.csv")]
    assert main([*args, "--commune", "07246"]) == 0  # another commune: no error there
    assert main([*args, "--district", "Yên Thế", "--period", "2023-H2"]) == 1
    assert main(args) == 2
    assert "--all" in capsys.readouterr().err


def test_selection_without_data_says_so_not_no_findings(tmp_path, capsys):
    data = data_dir(tmp_path, [*FRUIT, "07243,2023-H2,fruit_area,428,ha,synthetic-test"])
    args = ["check", "--data", str(data), "--csv", str(tmp_path / "f.csv")]
    assert main([*args, "--period", "2024-H1"]) == 2
    out = capsys.readouterr()
    assert "Không có số liệu kỳ 2024-H1" in out.err and "2023-H2" in out.err
    assert "Không có phát hiện nào" not in out.out
    assert main([*args, "--commune", "07246"]) == 2  # a commune of the district without data
    assert "Không có số liệu của xã 07246" in capsys.readouterr().err
    assert main([*args, "--commune", "07243", "--period", "2024-H1"]) == 2
    assert "các kỳ có số liệu của lựa chọn này: 2023-H2" in capsys.readouterr().err
    assert main([*args, "--district", "Chương Mỹ"]) == 2
    assert "Huyện Yên Thế" in capsys.readouterr().err  # what the data do hold
    assert not (tmp_path / "f.csv").exists()  # nothing checked, nothing written


def test_unknown_district_is_an_error_with_close_names(tmp_path, capsys):
    data = data_dir(tmp_path, FRUIT)
    args = ["check", "--data", str(data), "--csv", str(tmp_path / "f.csv")]
    assert main([*args, "--district", "Không Có Huyện"]) == 2
    assert "Không có huyện 'Không Có Huyện'" in capsys.readouterr().err
    assert main([*args, "--district", "Yen The"]) == 2
    assert "Có phải: Yên Thế" in capsys.readouterr().err


def test_check_all_on_an_empty_folder_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "data" / "observations").mkdir(parents=True)
    assert main(["check", "--all", "--data", str(tmp_path / "data")]) == 2
    assert "Không có số liệu nào trong" in capsys.readouterr().err


def test_unwritable_csv_is_refused_before_checking(tmp_path, capsys):
    data = data_dir(tmp_path, FRUIT)
    (tmp_path / "a-file").write_text("x")
    for bad in (tmp_path / "a-file" / "f.csv", tmp_path):
        assert main(["check", "--all", "--data", str(data), "--csv", str(bad)]) == 2
        assert "Không ghi được tệp phát hiện (findings CSV) vào" in capsys.readouterr().err


def test_unknown_commune_is_a_clear_error(tmp_path, capsys):
    data = data_dir(tmp_path, FRUIT)
    code = main(
        [
            "check",
            "--commune",
            "Không Có Xã Này",
            "--data",
            str(data),
            "--csv",
            str(tmp_path / "f.csv"),
        ]
    )
    assert code == 2
    assert "Không tìm thấy" in capsys.readouterr().err


@pytest.mark.parametrize("plain", [True, False])
def test_table_output_both_ways(tmp_path, capsys, plain):
    data = data_dir(tmp_path, [*FRUIT, "07243,2023-H2,fruit_area,428,ha,synthetic-test"])
    main(
        ["check", "--all", "--data", str(data), "--csv", str(tmp_path / "f.csv")]
        + (["--plain"] if plain else [])
    )
    out = capsys.readouterr().out
    assert "Đồng Tiến (07243) [giả lập]" in out if plain else "╇" in out  # rich draws a table
    assert "Lỗi" in out and "428 ha" in out and "DỮ LIỆU GIẢ LẬP" in out
