"""How long each check takes, beside the implementation it replaced (issue #17), on one frame.

    python benchmarks/checks_speed.py                    # the bundled data
    python benchmarks/checks_speed.py --data DIR         # a scale set (DIR/observations/)
    python benchmarks/checks_speed.py --data DIR --only outlier_peer rules

The frame is loaded once; then each check runs old (benchmarks/checks_reference.py) and new
(`dvcq_lib.checks.CHECKS`) on the same frame, their findings are compared — the same rows with
the same messages, values and scores, or the benchmark stops with the difference — and both
times are printed with their ratio. Times include nothing but the check itself (both are
warmed first on a few rows).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from dvcq_lib.checks import CHECKS  # noqa: E402
from dvcq_lib.checks.findings import as_findings  # noqa: E402
from dvcq_lib.observations import read_observations  # noqa: E402


def _reference():
    """benchmarks/checks_reference.py, read by path (it is no package's module)."""
    spec = importlib.util.spec_from_file_location("checks_reference", HERE / "checks_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


old = _reference()
#: name → the check before issue #17 (units did not change: it is its own reference).
REFERENCE: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "rules": old.check_rules,
    "units": CHECKS["units"],
    "outlier_time": old.time_outliers,
    "outlier_peer": old.peer_outliers,
    "missing_indicator": old.missing_indicators,
    "unreported": old.unreported_communes,
}

#: Rows both implementations run on, untimed, before each is timed: the register, catalogue
#: and lineage tables are read once per process, and neither should pay for it.
WARM_ROWS = 2000


def canonical(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings in one order whatever order a check produced them in (every column a key)."""
    f = as_findings(findings)
    keys = [c for c in f.columns if c != "severity"]
    f = f.assign(_sev=f["severity"].cat.codes)
    return f.sort_values([*keys, "_sev"], kind="stable").drop(columns="_sev").reset_index(drop=True)


def assert_same_findings(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """The same findings, row for row (order aside): messages, values and scores alike."""
    pd.testing.assert_frame_equal(canonical(got), canonical(expected), check_exact=False)


def timed(fn: Callable[[pd.DataFrame], pd.DataFrame], df: pd.DataFrame):
    t = time.perf_counter()
    out = fn(df)
    return out, time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="a data folder (default: the bundled data)")
    parser.add_argument("--only", nargs="*", choices=list(CHECKS), help="checks to time")
    args = parser.parse_args(argv)
    df = read_observations(args.data)
    print(f"{len(df)} rows from {args.data or 'the bundled data'}")
    print(f"{'check':<20}{'before #17':>12}{'now':>10}{'ratio':>8}{'findings':>10}")
    total_old = total_new = 0.0
    for name in args.only or list(CHECKS):
        for fn in (REFERENCE[name], CHECKS[name]):  # warm: registers, catalogue, lineage
            fn(df.head(WARM_ROWS))
        expected, t_old = timed(REFERENCE[name], df)
        got, t_new = timed(CHECKS[name], df)
        assert_same_findings(got, expected)
        total_old, total_new = total_old + t_old, total_new + t_new
        print(f"{name:<20}{t_old:>10.2f} s{t_new:>8.2f} s{t_old / t_new:>7.1f}×{len(got):>10}")
    print(f"{'all':<20}{total_old:>10.2f} s{total_new:>8.2f} s{total_old / total_new:>7.1f}×")
    print("same findings from both (rows, messages, values, scores)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
