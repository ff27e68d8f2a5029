"""Findings — the one tidy table every check returns and every page reads.

One row per problem found: which commune and period, which indicator it sits beside, which check
found it, how serious it is, a Vietnamese message with the numbers filled in, the two values
compared and a score to rank by. Findings describe the data; they never change it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import lru_cache

import pandas as pd

from dvcq_lib import datasets
from dvcq_lib.contracts import FINDING_KINDS, SEVERITIES
from dvcq_lib.numbers import format_number, format_percent

#: What kind of check produced a finding (the vocabulary lives with the findings contract).
KINDS = FINDING_KINDS
SEVERITY_LABELS_VI = {"error": "Lỗi", "warning": "Cảnh báo", "info": "Thông tin"}
KIND_LABELS_VI = {
    "rule": "Quy tắc nhất quán",
    "unit": "Đơn vị đo",
    "outlier_time": "Bất thường theo thời gian",
    "outlier_peer": "Bất thường so với các xã",
    "missing_indicator": "Thiếu chỉ tiêu",
    "unreported": "Chưa báo cáo",
}
COLUMNS = (
    "commune_code",  # official code; its register (legacy / 2025) follows from the period
    "period",  # "2024-H1"
    "indicator",  # the code the finding sits beside ("" when it concerns a whole report)
    "indicators",  # every code involved, space-separated
    "check",  # rule id or check name
    "kind",  # one of KINDS
    "severity",  # one of SEVERITIES
    "message_vi",
    "left",  # the value as reported (rules: left side)
    "right",  # what it is compared with (rules: right side; outliers: the reference level)
    "score",  # how unusual: relative gap for rules, |modified z| for outliers
    "synthetic",  # the data concerned are synthetic demo data
    "season",  # the crop season of the figures ("" = the whole period; seasons.csv codes)
)
_SEVERITY_DTYPE = pd.CategoricalDtype(list(SEVERITIES), ordered=True)
#: Formatted numbers remembered for messages (a few MB at most): the findings of a country
#: repeat the same scores, shares and levels, and Babel takes ~0.1 ms to format one number.
REMEMBERED_NUMBERS = 2**17


def _remembered(fn: Callable[..., str]) -> Callable[..., str]:
    """`fn(value, *args)`, computed once per value, type, sign of zero and arguments."""

    @lru_cache(maxsize=REMEMBERED_NUMBERS)
    def by_key(kind: type, value: object, negative: bool, args: tuple) -> str:
        return fn(value, *args)

    def call(value: object, *args: object) -> str:
        negative = isinstance(value, float) and math.copysign(1.0, value) < 0
        return by_key(type(value), value, negative, args)

    call.__doc__ = f"`{fn.__name__}`, remembered per value (the checks' messages)."
    return call


#: `numbers.format_number` / `format_percent` (Vietnamese) for the messages of findings.
number_text = _remembered(format_number)
percent_text = _remembered(format_percent)


def empty() -> pd.DataFrame:
    """A findings frame with no rows and the right columns and types.

    >>> len(empty()), tuple(empty().columns) == COLUMNS
    (0, True)
    """
    return as_findings([])


def as_findings(records: Iterable[dict] | pd.DataFrame) -> pd.DataFrame:
    """Records (dicts with the COLUMNS keys) as a typed findings frame, most serious first.

    >>> found = as_findings([
    ...     {"commune_code": "07273", "period": "2024-H1", "check": "a", "kind": "rule",
    ...      "severity": "warning", "message_vi": "lệch 1 hồ sơ", "left": 1028, "right": 1027},
    ...     {"commune_code": "07273", "period": "2024-H1", "check": "b", "kind": "unit",
    ...      "severity": "error", "message_vi": "sai đơn vị"},
    ... ])
    >>> found[["severity", "check", "left"]].values.tolist()
    [['error', 'b', nan], ['warning', 'a', 1028.0]]
    """
    df = records.copy() if isinstance(records, pd.DataFrame) else pd.DataFrame(list(records))
    for col in COLUMNS:
        if col not in df:
            df[col] = pd.NA
    df = df[list(COLUMNS)]
    out = pd.DataFrame(
        {
            "commune_code": df["commune_code"].astype("string"),
            "period": df["period"].astype("string"),
            "indicator": df["indicator"].fillna("").astype("string"),
            "indicators": df["indicators"].fillna("").astype("string"),
            "check": df["check"].astype("string"),
            "kind": df["kind"].astype("string"),
            "severity": df["severity"].astype(_SEVERITY_DTYPE),
            "message_vi": df["message_vi"].astype("string"),
            "left": pd.to_numeric(df["left"], errors="coerce").astype("float64"),
            "right": pd.to_numeric(df["right"], errors="coerce").astype("float64"),
            "score": pd.to_numeric(df["score"], errors="coerce").astype("float64"),
            "synthetic": df["synthetic"].fillna(False).astype(bool),
            "season": df["season"].fillna("").astype("string"),
        }
    )
    return sort_findings(out)


def read_findings(path) -> pd.DataFrame:
    """A findings CSV written by `dvcq check --out`, checked (`contracts.Findings`) and typed.

    Raises:
        DataValidationError: every bad cell, with file, row and value.
    """
    table = datasets.read("findings", path)
    out = table.copy()
    for col in ("left", "right", "score"):
        if col in out:
            out[col] = pd.to_numeric(out[col].replace("", None))
    if "synthetic" in out:
        out["synthetic"] = out["synthetic"].str.strip().str.lower().isin(("true", "1"))
    return as_findings(out)


def sort_findings(findings: pd.DataFrame) -> pd.DataFrame:
    """Most serious first, then most unusual, then commune and period."""
    return findings.sort_values(
        ["severity", "score", "commune_code", "period", "check"],
        ascending=[True, False, True, True, True],
        na_position="last",
        kind="stable",
    ).reset_index(drop=True)


def combine(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Findings of several checks as one frame, most serious first (empty frames are dropped).

    >>> len(combine([empty(), empty()]))
    0
    """
    frames = [f for f in frames if len(f)]
    return as_findings(pd.concat(frames, ignore_index=True)) if frames else empty()


def findings_for(
    findings: pd.DataFrame, commune_code: str, period: str, indicator: str | None = None
) -> pd.DataFrame:
    """The findings of one commune and period, optionally only those involving one indicator.

    Args:
        findings: a frame from `run_checks`.
        commune_code: official code ("07273").
        period: period code ("2024-H1").
        indicator: a catalogue code; a finding matches when the code is among its `indicators`.

    >>> from dvcq_lib import load
    >>> from dvcq_lib.checks import run_checks
    >>> found = run_checks(load(commune="07273", period="2024-H1"), checks=["rules", "units"])
    >>> findings_for(found, "07273", "2024-H1", "grain_output")["check"].tolist()
    ['unit_dimension', 'grain_output_area_yield']
    """
    mask = (findings["commune_code"] == str(commune_code)) & (findings["period"] == str(period))
    if indicator is not None:
        mask &= findings["indicators"].str.split().map(lambda codes: indicator in codes)
    return findings[mask.fillna(False).astype(bool)].reset_index(drop=True)


def findings_summary(findings: pd.DataFrame) -> pd.DataFrame:
    """Counts of findings by severity for each commune × period (for the index page).

    Returns: commune_code, period, error, warning, info, total — one row per commune × period
    that has at least one finding, most errors first.

    >>> from dvcq_lib import load
    >>> from dvcq_lib.checks import run_checks
    >>> found = run_checks(load(commune="07273", period="2024-H1"), checks=["rules", "units"])
    >>> findings_summary(found).values.tolist()
    [['07273', '2024-H1', 1, 2, 0, 3]]
    """
    if findings.empty:
        return pd.DataFrame(columns=["commune_code", "period", *SEVERITIES, "total"])
    counts = (
        findings.groupby(["commune_code", "period", "severity"], observed=False)
        .size()
        .unstack("severity", fill_value=0)
        .reindex(columns=list(SEVERITIES), fill_value=0)
    )
    counts.columns = [str(c) for c in counts.columns]
    counts["total"] = counts.sum(axis=1)
    counts = counts[counts["total"] > 0].astype("int64").reset_index()
    return counts.sort_values(
        ["error", "warning", "total", "commune_code", "period"],
        ascending=[False, False, False, True, True],
    ).reset_index(drop=True)


def mark_synthetic(findings: pd.DataFrame, df: pd.DataFrame) -> pd.DataFrame:
    """Set `synthetic` on findings about synthetic demo data (pages must label them).

    A finding is synthetic when its commune-period has synthetic rows; a finding about a
    commune-period with no rows at all (unreported) takes the label of that period's data.

    >>> found = as_findings([{"commune_code": "07279", "period": "2024-H1", "check": "a",
    ...                       "kind": "rule", "severity": "info", "message_vi": "…"}])
    >>> rows = pd.DataFrame({"commune_code": ["07279"], "period": ["2024-H1"],
    ...                      "source": ["synthetic-demo"]})
    >>> mark_synthetic(found, rows)["synthetic"].tolist()
    [True]
    """
    from dvcq_lib.observations import is_synthetic

    if findings.empty:
        return findings
    flag = df.assign(_syn=is_synthetic(df))
    flag["commune_code"] = flag["commune_code"].astype(str)
    flag["period"] = flag["period"].astype(str)
    by_pair = flag.groupby(["commune_code", "period"])["_syn"].any()
    by_period = flag.groupby("period")["_syn"].any()
    pairs = list(zip(findings["commune_code"], findings["period"], strict=True))
    out = findings.copy()
    out["synthetic"] = [bool(by_pair.get(p, by_period.get(p[1], False))) for p in pairs]
    return out
