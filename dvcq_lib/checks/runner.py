"""Run every check on an observations frame: a small registry of name → check function."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

import pandas as pd

from dvcq_lib import store
from dvcq_lib.checks.completeness import missing_indicators, unreported_communes
from dvcq_lib.checks.findings import combine, empty, mark_synthetic
from dvcq_lib.checks.outliers import peer_outliers, time_outliers
from dvcq_lib.checks.rules import check_rules
from dvcq_lib.checks.units import check_units
from dvcq_lib.exceptions import ArgumentError
from dvcq_lib.observations import files_signature, read_observations

#: name → function(df, **scope) → findings. Order is the order of the report.
CHECKS: dict[str, Callable[..., pd.DataFrame]] = {
    "rules": lambda df, **_: check_rules(df),
    "units": lambda df, **_: check_units(df),
    "outlier_time": lambda df, **_: time_outliers(df),
    "outlier_peer": lambda df, **_: peer_outliers(df),
    "missing_indicator": lambda df, **_: missing_indicators(df),
    "unreported": lambda df, district=None, province=None, **_: unreported_communes(
        df, district=district, province=province
    ),
}


def run_checks(
    df: pd.DataFrame,
    *,
    checks: Iterable[str] | None = None,
    district: str | None = None,
    province: str | None = None,
) -> pd.DataFrame:
    """Every data-quality finding on a tidy observations frame, most serious first.

    Pass the widest frame you have (the whole district, every period): outliers need a
    commune's history and its peers, balance rules the previous period. Then pick one commune's
    findings with `findings_for`. The data are never changed.

    Args:
        df: observations from `dvcq_lib.load()` (or `read_observations()`).
        checks: names from CHECKS to run (default: all).
        district, province: for "unreported": every commune of this scope is expected.

    Returns:
        The findings frame (see `dvcq_lib.checks.findings.COLUMNS`); empty for a frame without
        rows (nothing to check — a caller that selected nothing says so itself).

    Raises:
        ArgumentError: a name that is not in CHECKS.

    >>> from dvcq_lib import load
    >>> found = run_checks(load(commune="07273", period="2024-H1"), checks=["rules", "units"])
    >>> found["check"].tolist()
    ['dossiers_online_total_parts', 'unit_dimension', 'grain_output_area_yield']
    """
    names = list(checks) if checks is not None else list(CHECKS)
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        raise ArgumentError(
            f"Không có kiểm tra {', '.join(map(repr, unknown))} (unknown check)",
            value=unknown,
            accepted=list(CHECKS),
        )
    if df.empty:
        return empty()
    frames = [CHECKS[n](df, district=district, province=province) for n in names]
    return mark_synthetic(combine(frames), df)


@cache
def _checks_of_files(
    files: tuple[tuple[str, float, int], ...], data_dir: str | None
) -> pd.DataFrame:
    return store.cached_findings(files, lambda: run_checks(read_observations(data_dir)))


def checks_for_folder(data_dir: Path | str | None = None) -> pd.DataFrame:
    """`run_checks` on every observation of a data folder, computed once per state of its
    files — report pages of a batch reuse it instead of re-checking for every page."""
    return _checks_of_files(files_signature(data_dir), str(data_dir) if data_dir else None).copy()
