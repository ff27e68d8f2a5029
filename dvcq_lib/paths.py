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
