"""How long `remap` takes, beside the implementation it replaced (issue #17) and a naive
per-commune loop doing only the sums.

    python benchmarks/remap_speed.py                 # bundled data + a SYNTHETIC national frame
    python benchmarks/remap_speed.py --data DIR      # old and new side by side on a scale set

The national frame is made up (every legacy commune, 4 half-years, 5 indicators, random values);
it measures speed only. With --data the set is loaded once, then the old implementation
(benchmarks/remap_reference.py) and today's `remap` are timed on it, their peak memory measured
in a fresh process each, and their frames compared (`assert_frame_equal`).
"""

from __future__ import annotations

import argparse
import json
import subprocess
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


HERE = Path(__file__).resolve().parent
# One implementation on one data folder in a fresh process: seconds of the step alone (the
# load is not timed) and the process's peak memory.
_ONE = """
import json, resource, sys, time
sys.path.insert(0, {root!r}); sys.path.insert(0, {here!r})
from dvcq_lib.observations import read_observations
from dvcq_lib.lineage import lineage
df = read_observations({data!r}); lineage()
if {old!r}:
    from remap_reference import remap
else:
    from dvcq_lib.remap import remap
t = time.perf_counter(); out = remap(df, to="2025"); s = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
if {keep!r}:
    out.to_pickle({keep!r})
print("RESULT " + json.dumps(dict(seconds=s, peak_gib=peak, rows=len(out))))
"""


def one(data: Path, old: bool, keep: str = "") -> dict:
    code = _ONE.format(root=str(HERE.parent), here=str(HERE), data=str(data), old=old, keep=keep)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line.removeprefix("RESULT "))
    raise SystemExit(proc.stderr[-2000:])


def side_by_side(data: Path) -> None:
    """Old and new remap on a scale set: time, peak memory, ratio, same frame."""
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="remap-speed-"))
    old = one(data, True, str(tmp / "old.pkl"))
    new = one(data, False, str(tmp / "new.pkl"))
    pd.testing.assert_frame_equal(pd.read_pickle(tmp / "new.pkl"), pd.read_pickle(tmp / "old.pkl"))
    print(f"scale set {data}: {new['rows']} rows out, same frame from both")
    print(f"  old remap (before #17): {old['seconds']:8.2f} s  peak {old['peak_gib']:.2f} GiB")
    print(f"  remap today:            {new['seconds']:8.2f} s  peak {new['peak_gib']:.2f} GiB")
    print(f"  ratio old / new: {old['seconds'] / new['seconds']:.2f}")
    for f in tmp.iterdir():
        f.unlink()
    tmp.rmdir()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="a scale set: old and new side by side")
    args = parser.parse_args()
    if args.data:
        side_by_side(args.data)
        return
    sys.path.insert(0, str(HERE))
    from remap_reference import remap as old_remap

    bundled = read_observations()
    lineage(Crosswalk()).trace("07273", "2024-H1")  # warm the register
    t_old, t_new = timed(old_remap, bundled), timed(remap, bundled)
    print(f"bundled data: {len(bundled)} rows, remap {t_new:.2f} s (before #17: {t_old:.2f} s)")
    big = national_frame()
    t_old = timed(old_remap, big, crosswalk=Crosswalk())
    t_remap = timed(remap, big, crosswalk=Crosswalk())
    t_naive = timed(naive, big)
    print(f"national SYNTHETIC frame: {len(big)} rows")
    print(f"  remap before #17:                       {t_old:.2f} s")
    print(f"  remap (all kinds, notes, constituents): {t_remap:.2f} s")
    print(f"  ratio before / now: {t_old / t_remap:.2f}")
    print(f"  naive loop (sums only):                 {t_naive:.2f} s")
    print(f"  ratio naive / remap: {t_naive / t_remap:.2f}")


if __name__ == "__main__":
    main()
