"""Check the held-out set 7 files with the shared checker (`../holdout_truth.py`): layout, codes,
units, seasons, values and quotes.

Run: python tests/data/ingest_holdout7/check_truth.py  (prints a summary; exit 1 on any problem)
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from holdout_truth import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(HERE))
