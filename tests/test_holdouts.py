"""The held-out ingest sets stay valid: each set's own check_truth.py passes on its files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
CHECKERS = sorted(DATA.glob("ingest_holdout*/check_truth.py"))


def test_the_held_out_sets_with_a_checker_are_found():
    assert {path.parent.name for path in CHECKERS} >= {
        "ingest_holdout3",
        "ingest_holdout4",
        "ingest_holdout5",
    }


@pytest.mark.parametrize("checker", CHECKERS, ids=lambda path: path.parent.name)
def test_held_out_truth_matches_its_texts_and_the_catalogue(checker):
    done = subprocess.run(
        [sys.executable, str(checker)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
