"""`dvcq ingest --accept --replace`: the merge never loses a value, whatever happens.

Every test works on a copy of the bundled observations in tmp_path."""

import shutil

import pandas as pd
import pytest

from dvcq_lib.cli import main
from dvcq_lib.ingest.review import HISTORY_FILE
from dvcq_lib.observations import load
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
        df.loc[df["indicator"] == code, "value"] = value
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
