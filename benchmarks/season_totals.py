"""How long the period totals of seasonal indicators take (`totals.season_totals`,
`totals.whole_period`), and what a `trends.panel` of one commune costs with seasons.

    python benchmarks/season_totals.py            # a SYNTHETIC frame of season rows

The frame is made up (500 communes, 12 half-years, 10 seasonal indicators, two seasons each,
random values); it measures speed only.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dvcq_lib import trends  # noqa: E402
from dvcq_lib.periods import period_range  # noqa: E402
from dvcq_lib.totals import season_totals, whole_period  # noqa: E402

INDICATORS = (
    "rice_area", "rice_output", "rice_yield", "maize_area", "maize_output", "maize_yield",
    "peanut_area", "peanut_output", "grain_output", "vegetable_area",
)  # fmt: skip
SEASONS = {"H1": ("dong_xuan", "xuan"), "H2": ("mua", "dong")}


def synthetic_frame(communes: int = 500, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    periods = [p.code for p in period_range("2019-H1", "2024-H2")]
    rows = [
        (f"{c:05d}", p, i, s)
        for c in range(communes)
        for p in periods
        for i in INDICATORS
        for s in SEASONS[p[-2:]]
    ]
    df = pd.DataFrame(rows, columns=["commune_code", "period", "indicator", "season"])
    return df.assign(value=rng.integers(1, 100, len(df)).astype(float), source="synthetic bench")


def timed(label: str, fn, *args) -> object:
    t = time.perf_counter()
    out = fn(*args)
    print(f"{label:<34} {time.perf_counter() - t:6.2f} s")
    return out


def main() -> None:
    df = synthetic_frame()
    print(f"{len(df):,} season rows (synthetic)")
    season_totals(df.head(200))  # imports and catalogues loaded before timing
    t = timed("season_totals", season_totals, df)
    print("  statuses:", t["status"].value_counts().to_dict())
    timed("whole_period", whole_period, df)
    one = df[df["commune_code"] == "00001"]
    timed("trends.panel, one commune", trends.panel, one)


if __name__ == "__main__":
    main()
