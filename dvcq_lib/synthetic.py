"""The synthetic mark: which figures are made up (demo data), the one test every module uses.

A loaded table's `synthetic` column decides (from each file's sidecar `synthetic:`); a frame
without it, or a row where it is missing, falls back on the source name.

>>> is_synthetic_source("synthetic demo; Báo cáo 6 tháng"), is_synthetic_source("Báo cáo")
(True, False)
"""

from __future__ import annotations

import pandas as pd

#: Fallback only — a source named so is made up when its file's sidecar does not say.
SYNTHETIC_PREFIX = "synthetic"


def is_synthetic_source(source: object) -> bool:
    """The fallback mark: a source (or a "; "-joined list of them) naming a synthetic one."""
    return any(s.strip().startswith(SYNTHETIC_PREFIX) for s in str(source).split(";"))


def is_synthetic(df: pd.DataFrame) -> pd.Series:
    """Which rows are made-up demo values — THE test of the synthetic mark, used everywhere.

    The loaded `synthetic` column decides (from the file's sidecar `synthetic:`, or its source
    name when the sidecar says nothing); a frame without it (or a row where it is missing) falls
    back on the source name.

    >>> rows = pd.DataFrame({"source": ["synthetic", "Báo cáo", "Báo cáo"],
    ...                      "synthetic": [None, True, False]})
    >>> is_synthetic(rows).tolist()
    [True, True, False]
    """
    by_source = df["source"].map(is_synthetic_source).astype(bool)
    if "synthetic" not in df:
        return by_source
    flag = pd.Series(df["synthetic"], dtype="boolean", index=df.index)
    return flag.fillna(by_source).astype(bool)
