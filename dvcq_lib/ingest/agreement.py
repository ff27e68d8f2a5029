"""The report's own figures must agree: a safety net that does not depend on sentence shapes.

Before a figure is accepted without review, the catalogue's consistency rules
(`data/catalogue/rules.csv`, evaluated by `dvcq_lib.checks.rules` — the one rule evaluator)
run over the document's own proposals, as one commune and one period, per season where a rule
reads a seasonal indicator. A pre-accepted figure that takes part in a violated rule of
severity error or warning is reviewed, with the rule's message as the reason. A yield read as
an output, a sub-count read as the total (online above received), households or people of
another unit (size of a household), a yield in the wrong unit: each breaks a rule the report's
right figures keep, so every figure of the rule is flagged — the text alone cannot say which
one is wrong.

Which rules run on one report:
- no `prev:` rule (one report has no previous period);
- a rule whose missing parts count as none (`missing = zero`) runs only when every code of the
  side that bounds the other is given: a figure the report does not give cannot accuse the
  figures it gives ("resolved ≤ on time + overdue" says nothing when only the overdue count is
  written);
- not the rules of NOT_WITHIN_REPORT (each with why);
- and the check that a crop's seasons do not add up to more than the period's total the
  report gives (`checks.rules.check_season_parts`), over the pre-accepted figures only (a
  season misread, already reviewed, would accuse every right figure of its crop): the total
  and every season are flagged.

One value per indicator and season: the pre-accepted one when they all agree, else the one
value of all the proposals; an indicator with competing values is left out (its figures are
already reviewed by `evidence.check_single`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

import pandas as pd

from dvcq_lib.catalogue import catalogue
from dvcq_lib.checks.rules import Rule, check_rules, check_season_parts, rules
from dvcq_lib.contracts import PREV
from dvcq_lib.periods import Period

#: Severities of a rule whose violation sends a pre-accepted figure to review.
SEVERITIES = ("error", "warning")
#: Rules of rules.csv that do not hold within one report's own words, and why.
NOT_WITHIN_REPORT = {
    # Under the Land Law the agricultural land group (nhóm đất nông nghiệp) includes forestry
    # land (đất lâm nghiệp): reports write both, and their sum exceeds the natural area in most
    # real reports whose every figure is right (four of four in the development sets). Each
    # category against the natural area is in `bounds.py`.
    "land_categories_le_natural",
    # Reads the on-time and overdue counts as the breakdown of the online total whenever the
    # report gives no resolved total (the reference's wording). Reports whose breakdown is of all
    # the dossiers resolved, the resolved total left unwritten, break it with every figure right
    # (three of three in the development sets).
    "dossiers_online_total_parts",
    # The fruit area equals lychee-and-longan plus "other fruit" only when the report lists no
    # other kind; reports list mango, plum, citrus beside them ("Xoài: 420 ha; Nhãn, vải: 310 ha;
    # Mận hậu: 185 ha; Cây ăn quả khác: 170 ha"). Kinds above the total stay a disagreement
    # (fruit_kinds_le_fruit_area).
    "fruit_area_parts",
}
#: The commune and period the rule frame is keyed by: one report is one of each.
_COMMUNE = "report"
_PERIOD_WHEN_UNKNOWN = "2000-H1"  # any period: no `prev:` rule runs


class Figure(Protocol):
    """What the rules read of a proposal (extract.Proposal has it)."""

    indicator: str
    value: float
    season: str
    review: bool


@dataclass(frozen=True)
class Disagreement:
    """A rule the report's figures break: its id, its message, and the figures it reads."""

    rule: str
    message: str
    season: str
    cells: frozenset[tuple[str, str, float]]  # (indicator, season, value)


def _bounding_side(rule: Rule) -> tuple[str, ...]:
    """The codes that must be given for a violation to mean something when missing parts count
    as none: the side a `<=` compares with (its right), of a `>=` its left, both of `=`/`≈`."""
    if rule.operator == "<=":
        return rule.right_codes
    if rule.operator == ">=":
        return rule.left_codes
    return rule.left_codes + rule.right_codes


@cache
def within_report_rules() -> tuple[Rule, ...]:
    """The rules of rules.csv that one report's figures are checked with."""
    return tuple(
        r
        for r in rules()
        if r.severity in SEVERITIES
        and r.id not in NOT_WITHIN_REPORT
        and not any(c.startswith(PREV) for c in r.codes)
    )


def _applies(rule: Rule, given: set[str]) -> bool:
    """True when the report gives what the rule needs (the engine would skip it otherwise;
    leaving it out first keeps one report's check to the few rules it can break)."""
    if rule.missing != "zero":
        return all(c in given for c in rule.codes)
    return all(c in given for c in _bounding_side(rule)) and any(c in given for c in rule.codes)


def values(figures: Sequence[Figure]) -> dict[tuple[str, str], float]:
    """One value per (indicator, season): the pre-accepted one, or the only one."""
    by: dict[tuple[str, str], list[Figure]] = {}
    for p in figures:
        by.setdefault((p.indicator, p.season), []).append(p)
    out = {}
    for key, ps in by.items():
        accepted = {p.value for p in ps if not p.review}
        found = accepted or {p.value for p in ps}
        if len(found) == 1:
            out[key] = found.pop()
    return out


def disagreements(figures: Sequence[Figure], period: Period | None = None) -> list[Disagreement]:
    """Every rule the document's own figures break (see the module docstring).

    >>> from types import SimpleNamespace as F
    >>> found = disagreements([F(indicator="rice_area", value=200.0, season="", review=False),
    ...     F(indicator="rice_yield", value=58.0, season="", review=False),
    ...     F(indicator="rice_output", value=58.0, season="", review=False)])
    >>> [d.rule for d in found]
    ['rice_output_area_yield']
    """
    cells = values(figures)
    if not cells:
        return []
    given = {ind for ind, _ in cells}
    # a rule that reads no pre-accepted figure could send nothing to review: not run
    accepted = {p.indicator for p in figures if not p.review}
    rule_set = tuple(
        r for r in within_report_rules() if _applies(r, given) and accepted.intersection(r.codes)
    )
    seasons = any(season for _, season in cells) and any(
        (ind, "") in cells and ind in accepted for ind, season in cells if season
    )
    if not rule_set and not seasons:
        return []
    frame = pd.DataFrame(
        [
            {
                "commune_code": _COMMUNE,
                "period": period.code if period is not None else _PERIOD_WHEN_UNKNOWN,
                "season": season,
                "indicator": ind,
                "value": value,
            }
            for (ind, season), value in cells.items()
        ]
    )
    out = []
    for f in check_rules(frame, rule_set).itertuples(index=False):
        season = f.season or ""
        read = frozenset(
            (code, s, cells[(code, s)])
            for code in f.indicators.split()
            for s in {season, ""}
            if (code, s) in cells and (s == season or not _seasonal(code))
        )
        out.append(Disagreement(f.check, f.message_vi, season, read))
    # the seasons add up to more than the total: the total and every season of the crop. Only
    # pre-accepted figures here: a season misread (reviewed) would accuse its crop's every figure
    accepted_cells = {(p.indicator, p.season) for p in figures if not p.review}
    keys = zip(frame["indicator"], frame["season"], strict=True)
    parts = frame[[key in accepted_cells for key in keys]]
    for f in check_season_parts(parts) if seasons else ():
        read = frozenset(
            (ind, s, v)
            for (ind, s), v in cells.items()
            if ind == f["indicator"] and (ind, s) in accepted_cells
        )
        out.append(Disagreement(f["check"], f["message_vi"], "", read))
    return out


def _seasonal(code: str) -> bool:
    cat = catalogue()
    return code in cat and cat[code].seasonal


def reason(d: Disagreement) -> str:
    """The review reason of a figure in a broken rule (Vietnamese, quoting the rule)."""
    return f"các số của chính báo cáo không khớp nhau (quy tắc {d.rule}): {d.message}"


def involved(p: Figure, found: Sequence[Disagreement]) -> list[Disagreement]:
    """The broken rules that read this figure (its indicator, season and value)."""
    return [d for d in found if (p.indicator, p.season, p.value) in d.cells]
