"""How long `remap` takes, beside a naive per-commune loop doing only the sums.

    python benchmarks/remap_speed.py            # bundled data + a SYNTHETIC national frame

The national frame is made up (every legacy commune, 4 half-years, 5 indicators, random values);
it measures speed only.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dvcq_lib import register  # noqa: E402
from dvcq_lib.lineage import Crosswalk, lineage  # noqa: E402
from dvcq_lib.observations import read_observations  # noqa: E402
from dvcq_lib.remap import remap  # noqa: E402

INDICATORS = ("households", "rice_area", "rice_output", "rice_yield", "petitions_received")
PERIODS = ("2023-H1", "2023-H2", "2024-H1", "2024-H2")


def national_frame(seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    codes = register.legacy_to_2025()["legacy_code"].unique()
    idx = pd.MultiIndex.from_product(
        [codes, PERIODS, INDICATORS], names=["commune_code", "period", "indicator"]
    )
    df = idx.to_frame(index=False)
    df["value"] = rng.uniform(10, 1000, len(df)).round(1)
    df["source"] = "synthetic-benchmark"
    return df


def naive(df: pd.DataFrame) -> pd.DataFrame:
    """The alternative: loop over target units, sum weighted constituents (sums only)."""
    lin = lineage(Crosswalk())
    rows = []
    targets = {
        (link.target, p)
        for c, p in df[["commune_code", "period"]].drop_duplicates().itertuples(index=False)
        for link in lin.trace(c, p, "2025")
    }
    by_key = df.set_index(["commune_code", "period", "indicator"])["value"].to_dict()
    for target, period in targets:
        links = lin.sources(target, period, "2025")
        for ind in INDICATORS:
            vals = [by_key.get((x.source, period, ind)) for x in links]
            if all(v is not None for v in vals):
                rows.append(
                    (
                        target,
                        period,
                        ind,
                        sum(v * x.weight for v, x in zip(vals, links, strict=True)),
                    )
                )
    return pd.DataFrame(rows, columns=["commune_code", "period", "indicator", "value"])


def timed(fn, *args, **kw) -> float:
    t = time.perf_counter()
    fn(*args, **kw)
    return time.perf_counter() - t


def main() -> None:
    bundled = read_observations()
    lineage(Crosswalk()).trace("07273", "2024-H1")  # warm the register
    print(f"bundled data: {len(bundled)} rows, remap {timed(remap, bundled):.2f} s")
    big = national_frame()
    t_remap = timed(remap, big, crosswalk=Crosswalk())
    t_naive = timed(naive, big)
    print(f"national SYNTHETIC frame: {len(big)} rows")
    print(f"  remap (all kinds, notes, constituents): {t_remap:.2f} s")
    print(f"  naive loop (sums only):                 {t_naive:.2f} s")
    print(f"  ratio naive / remap: {t_naive / t_remap:.2f}")


if __name__ == "__main__":
    main()
