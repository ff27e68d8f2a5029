"""Loading the observations: the code before the vectorised loader and the code now, side by
side on the same SYNTHETIC set (issue #17, item 3).

    python benchmarks/load_speed.py                       # a generated legacy province (24)
    python benchmarks/load_speed.py --province 26         # another one
    python benchmarks/load_speed.py --data DIR            # an existing set (DIR/observations/)
    python benchmarks/load_speed.py --data DIR --no-before   # the current code only (the old
                                                          # one takes minutes on the country)

The code before is the package as of `--before` (default: where this branch leaves main,
`git merge-base HEAD main`), exported by `git archive` into a temporary folder and imported
from there; the code now is this checkout. The set is copied into a temporary folder (each
load writes its store there, never into DIR). Each measurement runs in a fresh process:

- first load: `read_observations` with the store cleared (read, check, type, store written);
- unchanged load: `read_observations` again in a new process (the store read back);
- peak: that process's `ru_maxrss`.

Both results are compared (same rows, columns and values; `source` is a category now, text
before). `uptime`'s load average is printed: on a shared machine times are longer.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "scripts" / "generate_demo_data.py"

STEP = """
import json, os, pickle, resource, sys, time
sys.path.insert(0, os.environ["LOAD_CODE"])
from dvcq_lib import observations, store
if os.environ["LOAD_STEP"] == "first":
    store.clear(os.environ["LOAD_DATA"])
t = time.perf_counter()
df = observations.read_observations(os.environ["LOAD_DATA"])
seconds = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
if os.environ.get("LOAD_OUT"):
    df.to_pickle(os.environ["LOAD_OUT"])
print("RESULT " + json.dumps({"seconds": seconds, "peak": peak, "rows": len(df)}))
"""


def _run(code: Path, data: Path, step: str, out: Path | None = None) -> dict:
    env = {
        **os.environ,
        "LOAD_CODE": str(code),
        "LOAD_DATA": str(data),
        "LOAD_STEP": step,
        "LOAD_OUT": str(out or ""),
        "PYTHONPATH": str(code),
    }
    run = subprocess.run(
        [sys.executable, "-c", STEP], env=env, capture_output=True, text=True, cwd=code
    )
    if run.returncode:
        raise SystemExit(f"{step} load failed ({code}):\n{run.stderr[-3000:]}")
    line = next(x for x in run.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def _export(rev: str, into: Path) -> Path:
    """The package (and its catalogue) as of `rev`, in a folder of its own."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", rev, "dvcq_lib", "data/catalogue"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    into.mkdir(parents=True)
    tar = into / "code.tar"
    tar.write_bytes(archive)
    with tarfile.open(tar) as t:
        t.extractall(into, filter="data")
    tar.unlink()
    return into


def _base() -> str:
    return subprocess.run(
        ["git", "merge-base", "HEAD", "main"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()


def _same(before: Path, now: Path) -> str:
    import pandas as pd

    a, b = pd.read_pickle(before), pd.read_pickle(now)
    b = b.assign(source=b["source"].astype("string"))
    try:
        pd.testing.assert_frame_equal(a, b)
    except AssertionError as exc:
        return f"KHÁC (differ): {str(exc)[:300]}"
    return "giống nhau (same table; source: category now, string before)"


def _gib(n: int) -> str:
    return f"{n / 2**30:.2f} GiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", default="24", help="legacy province to generate")
    parser.add_argument("--data", type=Path, help="an existing set (DIR/observations/)")
    parser.add_argument("--before", help="the code before (a git revision; default merge-base)")
    parser.add_argument("--no-before", action="store_true", help="measure the current code only")
    args = parser.parse_args()
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    with tempfile.TemporaryDirectory(prefix="dvcq-load-") as tmp:
        tmp = Path(tmp)
        data = tmp / "data"
        if args.data:
            shutil.copytree(args.data / "observations", data / "observations")
        else:
            subprocess.run(
                [sys.executable, str(GENERATOR), "--scale", "province", "--code", args.province]
                + ["--out", str(data)],
                check=True,
                cwd=ROOT,
            )
        codes = {"now": ROOT}
        if not args.no_before:
            rev = args.before or _base()
            codes = {f"before ({rev[:8]})": _export(rev, tmp / "before"), **codes}
        results, tables = {}, {}
        for name, code in codes.items():
            tables[name] = tmp / f"{len(tables)}.pkl"
            t = time.perf_counter()
            first = _run(code, data, "first", tables[name])
            unchanged = _run(code, data, "unchanged")
            results[name] = (first, unchanged)
            print(
                f"{name:>20}: first load {first['seconds']:7.2f} s (peak {_gib(first['peak'])}), "
                f"unchanged {unchanged['seconds']:5.2f} s (peak {_gib(unchanged['peak'])}), "
                f"{first['rows']:,} rows  [{time.perf_counter() - t:.0f} s with start-up]"
            )
        if len(results) == 2:
            (b1, b2), (n1, n2) = results.values()
            speed = b1["seconds"] / n1["seconds"]
            print(f"{'ratio':>20}: first load {speed:.1f}× faster, ", end="")
            print(f"unchanged {b2['seconds'] / n2['seconds']:.1f}×")
            print(f"{'result':>20}: {_same(*tables.values())}")


if __name__ == "__main__":
    main()
