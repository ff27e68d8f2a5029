"""Shared fixtures: tiny data folders written in tmp_path, the repo's bundled data."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed"
REFERENCE_CSV = ROOT / "data" / "observations" / "reference" / "dong-son_2024-H1.csv"

HEADER = "commune_code,period,indicator,value,unit,source,quote\n"

# tests/data holds fixtures, and scripts that check them (each held-out set has its own
# check_truth.py, run by tests/test_holdouts.py): none is a test module to collect.
collect_ignore = ["data"]


@pytest.fixture
def write_data(tmp_path):
    """Write observation files into tmp_path/observations and return the data folder."""

    def write(files: dict[str, str]) -> Path:
        for name, text in files.items():
            path = tmp_path / "observations" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return tmp_path

    return write
