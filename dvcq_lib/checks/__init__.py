"""Data-quality checks: consistency rules (data/catalogue/rules.csv), implausible units,
outliers over time and among peers, completeness — all returned as one findings frame.

Public API (stable, used by the report pages and the index page):

- `run_checks(df) -> findings`: every check on an observations frame.
- `findings_for(findings, commune_code, period, indicator=None) -> findings`: one commune-period,
  optionally the findings involving one indicator (to show beside that figure).
- `findings_summary(findings) -> frame`: counts by severity per commune × period.
- `checks_for_folder(data_dir) -> findings`: every finding of a data folder, cached per state
  of its files (what report pages and the index read).
"""

from dvcq_lib.checks.findings import (
    COLUMNS,
    KIND_LABELS_VI,
    SEVERITIES,
    SEVERITY_LABELS_VI,
    findings_for,
    findings_summary,
)
from dvcq_lib.checks.runner import CHECKS, checks_for_folder, run_checks

__all__ = [
    "run_checks",
    "checks_for_folder",
    "findings_for",
    "findings_summary",
    "CHECKS",
    "COLUMNS",
    "SEVERITIES",
    "SEVERITY_LABELS_VI",
    "KIND_LABELS_VI",
]
