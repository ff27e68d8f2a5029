"""`dvcq ingest` with every bad argument a careless user gives: a Vietnamese message, a non-zero
exit, no traceback, and nothing created. Run as users run it, `python -m dvcq_lib ingest ...`:
in a new process for one case, and through `runpy` (what `-m` does) for every case, so that the
matrix does not pay the start-up of the whole command line each time."""

import contextlib
import io
import os
import runpy
import subprocess
import sys
import traceback

import pandas as pd
import pytest

from dvcq_lib import files
from dvcq_lib.cli import main
from dvcq_lib.paths import RAW_DIR, ROOT

REPORT = RAW_DIR / "dong-son_2024-H1.txt"


@pytest.fixture(scope="module")
def place(tmp_path_factory):
    """A data folder, a review sheet of the bundled report, and bad inputs beside them."""
    root = tmp_path_factory.mktemp("cli")
    data = root / "data"
    (data / "observations").mkdir(parents=True)
    sheet = root / "review.csv"
    assert main(["ingest", str(REPORT), "--review", str(sheet), "--data", str(data)]) == 0
    df = pd.read_csv(sheet, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df.assign(accept="0").to_csv(root / "none.csv", index=False, encoding="utf-8-sig")
    df.iloc[:0].to_csv(root / "header_only.csv", index=False, encoding="utf-8-sig")
    (root / "empty.csv").write_bytes(b"")
    (root / "junk.csv").write_bytes(bytes(range(256)) * 40)
    (root / "folder.csv").mkdir()
    (root / "plain_dir").mkdir()
    (root / "a_file").write_text("x", encoding="utf-8")
    return root


#: case → (arguments, a fragment of the Vietnamese message); names are where in `place`.
CASES = {
    "accept_into_a_typo_folder": (
        ["--accept", "review.csv", "--data", "typo"],
        "không có thư mục này",
    ),
    "accept_into_a_folder_without_observations": (
        ["--accept", "review.csv", "--data", "plain_dir"],
        "không có thư mục con observations/",
    ),
    "accept_into_a_file": (["--accept", "review.csv", "--data", "a_file"], "là một tệp"),
    "accept_a_missing_sheet": (["--accept", "nope.csv", "--data", "data"], "không có tệp này"),
    "accept_a_folder": (["--accept", "folder.csv", "--data", "data"], "là một thư mục"),
    "accept_an_empty_file": (["--accept", "empty.csv", "--data", "data"], "không đọc được"),
    "accept_binary_junk": (["--accept", "junk.csv", "--data", "data"], "không đọc được"),
    "accept_nothing_accepted": (
        ["--accept", "none.csv", "--data", "data"],
        "không có dòng nào được nhận",
    ),
    "accept_a_sheet_with_no_rows": (
        ["--accept", "header_only.csv", "--data", "data"],
        "không có dòng nào được nhận",
    ),
    "accept_with_a_report": (["--accept", "review.csv", str(REPORT)], "không kèm báo cáo"),
    "accept_with_reading_options": (
        ["--accept", "review.csv", "--period", "2024-H1", "--data", "data"],
        "chỉ dùng khi đọc báo cáo",
    ),
    "replace_without_accept": ([str(REPORT), "--replace", "--data", "data"], "chỉ dùng với"),
    "read_into_a_typo_folder": ([str(REPORT), "--data", "typo"], "không có thư mục này"),
    "review_sheet_is_a_folder": (
        [str(REPORT), "--review", "plain_dir", "--data", "data"],
        "là một thư mục",
    ),
    "review_sheet_under_a_file": (
        [str(REPORT), "--review", "a_file/review.csv", "--data", "data"],
        "không ghi được",
    ),
    "no_report_at_all": (["--data", "data"], "cần ít nhất một báo cáo"),
    "period_hint_contradicts_the_report": (
        [str(REPORT), "--period", "2024-H2", "--data", "data"],
        "--override",
    ),
}


def listing(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def python_m(args: list[str], cwd) -> tuple[int, str]:
    """`python -m dvcq_lib ARGS` in this process: exit code and everything written to stderr
    (an exception that escapes is printed as Python would, as a traceback)."""
    err = io.StringIO()
    old_argv, old_cwd = sys.argv, os.getcwd()
    sys.argv = ["dvcq", *args]
    os.chdir(cwd)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                runpy.run_module("dvcq_lib", run_name="__main__", alter_sys=True)
                code = 0
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else 1
            except BaseException:  # noqa: BLE001 — what a user would see
                traceback.print_exc()
                code = 1
    finally:
        sys.argv = old_argv
        os.chdir(old_cwd)
    return code, err.getvalue()


@pytest.mark.parametrize("case", list(CASES))
def test_bad_argument_is_a_clear_error(place, case):
    args, message = CASES[case]
    before = listing(place)
    code, err = python_m(["ingest", *args], place)
    assert code == 2, err
    assert "Traceback" not in err and "Lỗi:" in err
    assert message in err
    assert listing(place) == before  # nothing created: no data tree, no sheet, no history


def test_a_typo_folder_in_a_new_process_names_the_data_folders_that_exist(place):
    run = subprocess.run(
        [sys.executable, "-m", "dvcq_lib", "ingest", "--accept", "review.csv", "--data", "dta"],
        cwd=place,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2 and "'dta'" in run.stderr and "Traceback" not in run.stderr
    assert str(place / "data") in run.stderr  # the data folder beside it
    assert not (place / "dta").exists()


def test_a_disk_that_fails_during_the_merge_is_said_and_nothing_merged(
    place, tmp_path, monkeypatch, capsys
):
    data = tmp_path / "data"
    (data / "observations").mkdir(parents=True)

    def full(path, payload):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(files, "_write", full)
    assert main(["ingest", "--accept", str(place / "review.csv"), "--data", str(data)]) == 2
    err = capsys.readouterr().err
    assert "Không ghi được" in err and "No space left" in err and "như trước" in err
    assert not (data / "observations" / "ingested").exists()
