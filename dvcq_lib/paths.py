"""Where the project's files live. Everything else asks here, never builds paths of its own."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The data folder; DVCQ_DATA overrides it (tests, other deployments).
DATA_DIR = Path(os.environ.get("DVCQ_DATA", ROOT / "data"))
CATALOGUE_DIR = ROOT / "data" / "catalogue"
OBSERVATIONS_SUBDIR = "observations"
RAW_DIR = ROOT / "data" / "raw"
NOTEBOOKS_DIR = ROOT / "notebooks"
OUTPUTS_DIR = Path(os.environ.get("DVCQ_OUTPUTS", ROOT / "outputs"))
#: The reference report and its figures, kept read-only beside the project.
SHARED_SEED_DIR = ROOT.parent / "shared" / "seed"
#: Folders of a data folder: review sheets of `dvcq ingest`, plan figures (targets).
REVIEW_SUBDIR = "review"
TARGETS_SUBDIR = "targets"
#: The journal of `dvcq ingest --accept` in a data folder: every value merged or replaced.
HISTORY_FILE = Path("history") / "ingest_history.csv"
#: Where `dvcq check` writes its findings, under the outputs folder.
CHECKS_SUBDIR = "checks"
#: The catalogue tables (data sets of `datasets.py`), by name.
CATALOGUE_FILES = {
    name: CATALOGUE_DIR / f"{name}.csv"
    for name in (
        "indicators",
        "units",
        "seasons",
        "rules",
        "crosswalk",
        "report_sections",
        "notebooks",
        "labels",
        "explore_labels",
        "precision",
        "commune_bounds",
    )
}
