"""`dvcq ingest --accept --replace`: the merge never loses a value, whatever happens.

Every test works on a copy of the bundled observations in tmp_path."""

import errno
import os
import shutil
import signal
from pathlib import Path

import pandas as pd
import pytest

from dvcq_lib import files, store
from dvcq_lib.cli import main
from dvcq_lib.exceptions import DataValidationError, MergeConflictError, MergeWriteError, Problem
from dvcq_lib.ingest import merge
from dvcq_lib.ingest.merge import (
    Held,
    Incoming,
    Location,
    file_edits,
    ingested_file,
    plan_merge,
    recover_merge,
)
from dvcq_lib.ingest.review import HISTORY_FILE, accept_review
from dvcq_lib.observations import apply_overrides, load
from dvcq_lib.paths import RAW_DIR, ROOT

REPORT = RAW_DIR / "dong-son_2024-H1.txt"
BUNDLED = ROOT / "data" / "observations"
REFERENCE = "observations/reference/dong-son_2024-H1.csv"


@pytest.fixture
def data(tmp_path):
    """A data folder holding a copy of the bundled reference observations."""
    root = tmp_path / "data"
    shutil.copytree(BUNDLED / "reference", root / "observations" / "reference")
    return root


def review_sheet(tmp_path, data, **values):
    """The review sheet of the bundled report, with some values edited by the 'analyst'."""
    sheet = tmp_path / "review.csv"
    assert main(["ingest", str(REPORT), "--review", str(sheet), "--data", str(data)]) == 0
    df = pd.read_csv(sheet, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for code, value in values.items():
        df.loc[df["indicator"] == code, ["value", "accept"]] = [value, "1"]  # edited = checked
    df.to_csv(sheet, index=False, encoding="utf-8-sig")
    return sheet


def history(data) -> list[list[str]]:
    hist = pd.read_csv(data / HISTORY_FILE, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return hist[["indicator", "old_value", "new_value"]].values.tolist()


def test_replace_two_conflicts_in_one_file_replaces_both(tmp_path, data, capsys):
    before = (data / REFERENCE).read_bytes()
    sheet = review_sheet(tmp_path, data, villages="15", households="2400")
    assert main(["ingest", "--accept", str(sheet), "--data", str(data), "--replace"]) == 0
    assert "Traceback" not in capsys.readouterr().err
    df = load(data_dir=data).set_index("indicator")
    assert df.loc["villages", "value"] == 15 and df.loc["households", "value"] == 2400
    assert df.loc["population", "value"] == 8093 and len(df) == 36
    assert sorted(history(data)) == [["households", "2363", "2400"], ["villages", "14", "15"]]
    assert (data / REFERENCE).read_bytes() == before  # reference/ is never rewritten


def test_replace_when_second_conflict_is_the_files_last_row_loses_nothing(tmp_path, data, capsys):
    before = (data / REFERENCE).read_bytes()
    sheet = review_sheet(tmp_path, data, rice_area="230", petitions_beyond_level="1")
    assert main(["ingest", "--accept", str(sheet), "--data", str(data), "--replace"]) == 0
    assert "Traceback" not in capsys.readouterr().err
    df = load(data_dir=data).set_index("indicator")
    assert df.loc["rice_area", "value"] == 230 and df.loc["petitions_beyond_level", "value"] == 1
    assert len(df) == 36
    assert sorted(history(data)) == [
        ["petitions_beyond_level", "0", "1"],
        ["rice_area", "219.5", "230"],
    ]
    assert (data / REFERENCE).read_bytes() == before  # rice_area 219.5 is still in its file


# ---------------------------------------------------------------------------------------------
# the plan (pure)
# ---------------------------------------------------------------------------------------------
def held(key, value, file="observations/reference/x.csv", writable=False):
    return Held(key, value, "hộ", "báo cáo", "", (Location(Path(file), 0, writable),))


K1 = ("07273", "2024-H1", "households", "")
K2 = ("07273", "2024-H1", "villages", "")
K3 = ("07273", "2024-H1", "rice_output", "")


def test_plan_sorts_added_unchanged_and_conflicts():
    incoming = [Incoming(K1, 2363.0, "hộ"), Incoming(K2, 15.0, "thôn"), Incoming(K3, 9.0, "tấn")]
    current = {K1: held(K1, 2363.0), K2: held(K2, 14.0)}
    plan = plan_merge(incoming, current)
    assert [n.key for n in plan.added] == [K3] and plan.unchanged == (K1,)
    assert [c.new.key for c in plan.conflicts] == [K2] and plan.replacements == ()
    assert plan_merge(incoming, current, replace=True).replacements == plan.conflicts


def test_plan_overrides_reference_values_and_rewrites_ingested_ones(tmp_path):
    ingested = tmp_path / "observations" / "ingested" / "a.csv"
    current = {K1: held(K1, 2363.0), K2: held(K2, 14.0, ingested, writable=True)}
    plan = plan_merge(
        [Incoming(K1, 2400.0, "hộ"), Incoming(K2, 15.0, "thôn")], current, replace=True
    )
    edits = file_edits(plan, tmp_path)
    target = ingested_file(tmp_path, "07273", "2024-H1")
    assert target.name == "07273_dong-son_2024-H1.csv"  # keyed by code, then name
    assert [n.key for n in edits[target].append] == [K1]  # an override row, never reference/
    assert list(edits[ingested].rewrite) == [0] and not edits[ingested].append
    assert not any("reference" in p.parts for p in edits)


def test_two_communes_of_one_name_get_two_files(tmp_path):
    a = ingested_file(tmp_path, "07273", "2024-H1")  # Đông Sơn, Yên Thế
    b = ingested_file(tmp_path, "10027", "2024-H1")  # Đông Sơn, Chương Mỹ
    assert a != b and "dong-son" in a.name and "dong-son" in b.name


# ---------------------------------------------------------------------------------------------
# overrides: reference/ and demo/ are never rewritten; the loader prefers and says so
# ---------------------------------------------------------------------------------------------
def test_a_reference_value_is_replaced_by_an_override_the_loader_notes(tmp_path, data):
    sheet = review_sheet(tmp_path, data, households="2400")
    res = accept_review(sheet, data, replace=True)
    assert res.replaced == res.overridden == [K1]
    (ingested,) = (data / "observations" / "ingested").glob("*.csv")
    rows = pd.read_csv(ingested, dtype=str)
    assert rows[["indicator", "value"]].values.tolist() == [["households", "2400"]]
    row = load(data_dir=data).set_index("indicator").loc["households"]
    assert row["value"] == 2400 and "2363" in row["note"] and "reference" in row["note"]
    # a second replacement rewrites the override in its row, the history keeps both steps
    edit_value(sheet, "households", "2450")
    res = accept_review(sheet, data, replace=True)
    assert res.replaced == [K1] and res.overridden == []
    assert pd.read_csv(ingested, dtype=str)["value"].tolist() == ["2450"]
    assert history(data) == [["households", "2363", "2400"], ["households", "2400", "2450"]]
    assert load(data_dir=data).set_index("indicator").loc["households", "value"] == 2450


def test_demo_values_are_overridden_never_rewritten(tmp_path, data):
    shutil.copytree(BUNDLED / "demo", data / "observations" / "demo")
    demo = data / "observations" / "demo" / "yen-the_synthetic.csv"
    before = demo.read_bytes()
    sheet = hand_sheet(tmp_path, [("07243", "2019-H1", "rice_area", "300", "ha")])
    with pytest.raises(MergeConflictError) as err:
        accept_review(sheet, data)
    assert "285.5" in str(err.value) and "demo" in str(err.value)
    accept_review(sheet, data, replace=True)
    assert demo.read_bytes() == before
    df = load(data_dir=data, commune="07243", period="2019-H1", indicator="rice_area")
    assert df["value"].tolist() == [300] and "285.5" in df["note"].iloc[0]


def test_apply_overrides_keeps_the_ingested_row_and_says_which_it_replaced(tmp_path):
    ref = tmp_path / "observations" / "reference" / "a.csv"
    ing = tmp_path / "observations" / "ingested" / "a.csv"
    frame = pd.DataFrame(
        {
            "commune_code": ["07273", "07273", "07273"],
            "period": ["2024-H1"] * 3,
            "indicator": ["households", "households", "villages"],
            "value": [2363.0, 2400.0, 14.0],
            "note": ["", "", ""],
            "_file": [str(ref), str(ing), str(ref)],
            "_row": [2, 2, 3],
        }
    )
    out = apply_overrides(frame)
    assert out["value"].tolist() == [2400.0, 14.0]
    assert "a.csv dòng 2 = 2363" in out["note"].iloc[0] and out["note"].iloc[1] == ""
    assert apply_overrides(frame.iloc[[0, 2]]).equals(frame.iloc[[0, 2]])  # nothing to prefer


# ---------------------------------------------------------------------------------------------
# one transaction: a fault at any step leaves every file as before (or, after a kill and before
# the next run, each file as before or as after, the history first)
# ---------------------------------------------------------------------------------------------
class Killed(BaseException):  # noqa: N818 — the process is gone: nothing after it runs
    pass


STEPS = ("_write", "_fsync", "_rename", "_unlink")


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A data folder with reference/, an ingested file and a history, and a sheet that adds a
    value, rewrites an override, adds an override and creates a new ingested file."""
    root = tmp_path_factory.mktemp("merge")
    data = root / "data"
    shutil.copytree(BUNDLED / "reference", data / "observations" / "reference")
    first = hand_sheet(
        root,
        [
            ("07273", "2024-H1", "households", "2400", "hộ"),
            ("07273", "2024-H1", "rice_output", "1200", "tấn"),
        ],
        "first.csv",
    )
    accept_review(first, data, replace=True)
    sheet = hand_sheet(
        root,
        [
            ("07273", "2024-H1", "households", "2450", "hộ"),  # rewrite the override in place
            ("07273", "2024-H1", "villages", "15", "thôn"),  # a new override of reference/
            ("07273", "2024-H1", "maize_output", "80", "tấn"),  # a new value
            ("07273", "2024-H2", "rice_area", "200", "ha"),  # a new ingested file
        ],
    )
    return data, sheet


def snapshot(data, *, timeless: bool = False) -> dict[str, bytes]:
    """Every file's bytes (`timeless`: the history without its time and transaction id, which
    differ from one run to the next); not the store (`processed/`: a regenerable copy of what
    was read, named by the files it copies, never read for other files)."""
    out = {
        str(p.relative_to(data)): p.read_bytes()
        for p in sorted(data.rglob("*"))
        if p.is_file()
        and not p.name.endswith(".lock")
        and store.STORE_SUBDIR.parts[0] not in p.relative_to(data).parts
    }
    hist = str(HISTORY_FILE)
    if timeless and hist in out:
        frame = pd.read_csv(data / HISTORY_FILE, dtype=str, keep_default_na=False)
        out[hist] = frame.drop(columns=["time", "transaction"]).to_csv().encode()
    return out


def faulty(monkeypatch, k: int, mode: str) -> list[int]:
    """Make the k-th file-system step fail (error, Ctrl-C, SIGTERM) or kill (every later step
    fails too, the rollback included)."""
    calls = [0]
    for name in STEPS:
        real = getattr(files, name)

        def step(*args, _real=real):
            calls[0] += 1
            if calls[0] == k and mode == "sigterm":
                os.kill(os.getpid(), signal.SIGTERM)  # the handler raises right after
            elif calls[0] == k and mode == "error":
                raise OSError(errno.ENOSPC, "No space left on device", str(args[0]))
            elif calls[0] == k and mode == "interrupt":
                raise KeyboardInterrupt
            elif calls[0] >= k and mode == "kill":
                raise Killed
            return _real(*args)

        monkeypatch.setattr(files, name, step)
    return calls


def fresh(prepared, tmp_path):
    data, sheet = prepared
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    return copy, sheet


@pytest.fixture(scope="module")
def after(prepared, tmp_path_factory):
    """The folder as a clean merge leaves it, and how many steps that merge takes."""
    data, sheet = prepared
    copy = tmp_path_factory.mktemp("after") / "data"
    shutil.copytree(data, copy)
    with pytest.MonkeyPatch.context() as mp:
        calls = faulty(mp, 0, "count")
        res = accept_review(sheet, copy, replace=True)
    assert len(res.replaced) == 2 and len(res.added) == 2
    return snapshot(copy, timeless=True), calls[0]


def test_a_clean_merge_writes_history_and_every_file(prepared, after):
    state, steps = after
    before = snapshot(prepared[0])
    changed = {f for f in state if state[f] != before.get(f)}
    assert changed == {
        "history/ingest_history.csv",
        "observations/ingested/07273_dong-son_2024-H1.csv",
        "observations/ingested/07273_dong-son_2024-H2.csv",
        "observations/ingested/07273_dong-son_2024-H2.csv.meta.yml",
    }
    assert state["observations/reference/dong-son_2024-H1.csv"] == before[REFERENCE]
    hist = state["history/ingest_history.csv"].decode("utf-8-sig")
    assert "2400,2450" in hist and "14,15" in hist and steps > 10


@pytest.mark.parametrize("mode", ["error", "interrupt", "sigterm"])
def test_a_fault_at_any_step_leaves_every_file_as_before(prepared, after, tmp_path, mode):
    _, steps = after
    for k in range(1, steps + 1):
        data, sheet = fresh(prepared, tmp_path / str(k))
        before = snapshot(data)
        with pytest.MonkeyPatch.context() as mp:
            faulty(mp, k, mode)
            with pytest.raises((MergeWriteError, KeyboardInterrupt)):
                accept_review(sheet, data, replace=True)
        assert snapshot(data) == before, f"step {k}"
        assert not list(data.rglob(f"*{files.TMP_MARK}*")), f"step {k}"


def test_a_kill_at_any_step_is_undone_by_the_next_run(prepared, after, tmp_path):
    final, steps = after
    for k in range(1, steps + 1):
        data, sheet = fresh(prepared, tmp_path / str(k))
        before, timeless_before = snapshot(data), snapshot(data, timeless=True)
        with pytest.MonkeyPatch.context() as mp:
            faulty(mp, k, "kill")
            with pytest.raises(Killed):
                accept_review(sheet, data, replace=True)
        # what the dead process left: each file whole, as before or as after...
        left = snapshot(data, timeless=True)
        left = {f: b for f, b in left.items() if not f.startswith("history/.merge")}
        for f, content in left.items():
            assert content in (timeless_before.get(f), final.get(f)), f"step {k}: {f}"
        # ...never a data file changed before its history
        data_after = [f for f in left if f.startswith("observations") and left[f] != before.get(f)]
        if data_after:
            assert left[str(HISTORY_FILE)] == final[str(HISTORY_FILE)], f"step {k}"
        recover_merge(data)  # what the next `dvcq ingest --accept` does first
        assert snapshot(data) == before, f"step {k}"


def test_a_folder_that_fails_to_load_after_the_merge_is_restored(tmp_path, data, monkeypatch):
    sheet = review_sheet(tmp_path, data, households="2400")
    before = snapshot(data)

    def broken(_data_dir):
        def check():
            raise DataValidationError([Problem("x.csv", 2, "value", "?", "hỏng")])

        return check

    monkeypatch.setattr(merge, "_verify", broken)
    with pytest.raises(DataValidationError) as err:
        accept_review(sheet, data, replace=True)
    assert "khôi phục" in str(err.value)
    assert snapshot(data) == before


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
def edit_value(sheet, code, value):
    df = pd.read_csv(sheet, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df.loc[df["indicator"] == code, "value"] = value
    df.to_csv(sheet, index=False, encoding="utf-8-sig")


def hand_sheet(folder, rows, name="review.csv"):
    """A review sheet typed by hand: accepted rows (commune, period, indicator, value, unit)."""
    columns = ["commune_code", "period", "indicator", "value", "unit"]
    df = pd.DataFrame(rows, columns=columns).assign(accept="1", source="báo cáo gõ tay")
    path = folder / name
    df.to_csv(path, index=False, encoding="utf-8-sig")
    return path
