"""Every command (except `dvcq ingest`, see test_ingest_*) with every bad argument a careless
user gives: a non-zero exit, a Vietnamese message naming the problem, never a traceback.

Each case runs the real command line (`python -m dvcq_lib …`) in a fresh process, as a user
would; the cases are run concurrently in pairs to keep the file short on a small machine.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dvcq_lib.paths import ROOT

#: Letters only Vietnamese text has (NFC): a message holding none was not written for the user.
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)


def _cases(tmp: Path) -> dict[str, tuple[list[str], str]]:
    """case name → (arguments, a phrase the message must hold)."""
    empty = tmp / "empty"
    (empty / "observations").mkdir(parents=True)
    a_file = tmp / "a-file"
    a_file.write_text("x", encoding="utf-8")
    under_file = str(a_file / "out")
    missing = str(tmp / "no-such-folder")
    small = tmp / "small"  # a tiny data folder: the cases that read data read it fast
    (small / "observations").mkdir(parents=True)
    (small / "observations" / "a.csv").write_text(
        "commune_code,period,indicator,value,unit,source\n"
        "07273,2024-H1,rice_area,378,ha,synthetic-test\n"
        "07273,2023-H2,rice_area,370,ha,synthetic-test\n",
        encoding="utf-8",
    )
    data = ["--data", str(small)]
    cases = {
        # summary
        "summary_missing_data_folder": (["summary", "--data", missing], "không tồn tại"),
        "summary_empty_data_folder": (["summary", "--data", str(empty)], "Không có số liệu"),
        # report (make report)
        "report_missing_data_folder": (["report", "--data", missing], "không tồn tại"),
        "report_workers_0": (["report", "--workers", "0"], "số nguyên ≥ 1"),
        "report_unwritable_outputs": (["report", "--outputs", under_file], "Không ghi được"),
        # check
        "check_no_selection": (["check"], "hãy chọn"),
        "check_commune_without_data": (
            ["check", "--commune", "07273", "--period", "2019-H1"],
            "các kỳ có số liệu của lựa chọn này: 2023-H2, 2024-H1",
        ),
        "check_unknown_district": (
            ["check", "--district", "Không Có Huyện"],
            "Không có huyện 'Không Có Huyện'",
        ),
        "check_period_without_data": (
            ["check", "--period", "2030-H1"],
            "Không có số liệu kỳ 2030-H1",
        ),
        "check_all_on_empty_folder": (
            ["check", "--all", "--data", str(empty)],
            "Không có số liệu nào",
        ),
        "check_missing_data_folder": (["check", "--all", "--data", missing], "không tồn tại"),
        "check_unwritable_csv": (
            ["check", "--all", "--csv", str(a_file / "f.csv")],
            "Không ghi được",
        ),
        "check_csv_is_a_folder": (["check", "--all", "--csv", str(tmp)], "là một thư mục"),
        "check_negative_limit": (["check", "--all", "--limit", "-1"], "số nguyên ≥ 0"),
        "check_malformed_period": (["check", "--period", "2024-H3"], "Kỳ báo cáo không hợp lệ"),
        # render
        "render_workers_0": (["render", "--all", "--workers", "0"], "số nguyên ≥ 1"),
        "render_timeout_negative": (["render", "--all", "--timeout", "-1"], "số giây > 0"),
        "render_timeout_zero": (["render", "--all", "--timeout", "0"], "số giây > 0"),
        "render_timeout_not_a_number": (["render", "--all", "--timeout", "nan"], "không phải"),
        "render_unwritable_outputs": (
            ["render", "--all", "--outputs", under_file],
            "Không ghi được",
        ),
        "render_missing_data_folder": (["render", "--all", "--data", missing], "không tồn tại"),
        "render_empty_data_folder": (["render", "--all", "--data", str(empty)], "Không có"),
        "render_unknown_district": (
            ["render", "--all", "--district", "Không Có Huyện"],
            "Không có huyện",
        ),
        "render_period_without_data": (
            ["render", "--all", "--period", "2030-H1"],
            "Không có số liệu kỳ 2030-H1",
        ),
        "render_unknown_commune": (
            ["render", "--commune", "Không Có Xã Này", "--period", "2024-H1"],
            "Không tìm thấy",
        ),
        "render_commune_without_period": (["render", "--commune", "07273"], "Cần --commune"),
        "render_scheduler_without_dask": (
            ["render", "--all", "--scheduler", "tcp://127.0.0.1:1"],
            "--executor dask",
        ),
        "render_unknown_notebook": (
            ["render", "--all", "--notebook", "khong-co"],
            "Không có notebook",
        ),
        # template
        "template_out_is_a_folder": (["template", "--out", str(tmp)], "là một thư mục"),
        "template_unwritable_out": (
            ["template", "--out", str(a_file / "m.xlsx")],
            "Không ghi được",
        ),
    }
    # every case that does not name its own data folder reads the tiny one
    return {
        name: (args if "--data" in args or args[0] == "template" else [*args, *data], phrase)
        for name, (args, phrase) in cases.items()
    }


def _run(args: list[str], outputs: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DVCQ_OUTPUTS": str(outputs)}
    return subprocess.run(
        [sys.executable, "-m", "dvcq_lib", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli-errors")
    cases = _cases(tmp)
    outputs = tmp / "outputs"
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = pool.map(lambda a: _run(a, outputs), [a for a, _ in cases.values()])
        runs = dict(zip(cases, done, strict=True))
    return cases, runs


def _case_names() -> list[str]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return list(_cases(Path(tmp)))


@pytest.mark.parametrize("case", _case_names())
def test_bad_argument_is_a_clear_vietnamese_error_without_traceback(outcomes, case):
    cases, runs = outcomes
    args, phrase = cases[case]
    run = runs[case]
    said = run.stderr + run.stdout
    assert run.returncode != 0, f"{args}: exit 0\n{said}"
    assert "Traceback" not in said, f"{args}:\n{said}"
    assert VIETNAMESE.search(run.stderr), f"{args}: no Vietnamese message\n{said}"
    assert phrase in said, f"{args}: expected {phrase!r} in\n{said}"


def test_errors_exit_2(outcomes):
    """Bad input is exit 2 (1 is kept for error-severity findings and failed pages)."""
    _, runs = outcomes
    assert {name: r.returncode for name, r in runs.items() if r.returncode != 2} == {}


def test_the_shared_options_are_the_same_in_every_command():
    """`--data`, `--outputs`, `--commune`, `--district`, `--province`, `--period`: one
    definition (dvcq_lib.options), so one type and one metavar wherever a command takes them."""
    import argparse

    from dvcq_lib.cli import build_parser
    from dvcq_lib.options import OPTIONS

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    seen: dict[str, set[str]] = {name: set() for name in OPTIONS}
    for command, parser in sub.choices.items():
        for action in parser._actions:
            name = action.dest
            if f"--{name}" not in action.option_strings or name not in OPTIONS:
                continue
            seen[name].add(command)
            expected = OPTIONS[name]
            assert action.type is expected.get("type"), (command, name)
            assert action.metavar == expected.get("metavar"), (command, name)
            assert action.default is None, (command, name)
    assert {"summary", "report", "ingest", "check", "render", "deck"} <= seen["data"]
    assert {"ingest", "check", "render", "deck"} <= seen["commune"] & seen["period"]
    assert {"report", "render", "deck"} <= seen["outputs"]
