"""Consistency rules read from `data/catalogue/rules.csv` (documented in `rules.md` beside it)
and evaluated per commune × period × season on the wide frame, across consecutive periods with
`prev:`.

Seasons: a rule that reads a seasonal indicator is evaluated on every season's figures as well
as on the whole period's (rice output ≈ area × yield holds for vụ Đông Xuân alone); the
commune's stocks (households, natural area) hold in every season. A rule reading no seasonal
indicator is evaluated on the whole period only. `prev:` reads the previous period of the same
kind (H1 → H2 before, Q3 → Q2) and the same season; nine months and ranges have none.

Expressions are evaluated by the catalogue's own formula evaluator (`catalogue.evaluate`), so
rules and indicator formulas share one grammar: arithmetic over codes and numbers, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from dvcq_lib import datasets
from dvcq_lib.catalogue import catalogue, evaluate
from dvcq_lib.checks.codes import as_category, combine, lookup, season_codes, text_codes
from dvcq_lib.checks.findings import as_findings, number_text, percent_text
from dvcq_lib.contracts import OPERATOR_ALIASES, PREV, PREV_PY, PREV_RE, expression_codes
from dvcq_lib.contracts import PLACEHOLDER as _PLACEHOLDER
from dvcq_lib.exceptions import PeriodComparisonError
from dvcq_lib.paths import CATALOGUE_FILES
from dvcq_lib.periods import Period
from dvcq_lib.register import system_for
from dvcq_lib.seasons import WHOLE, season_name
from dvcq_lib.totals import REPORTED, season_totals

RULES_FILE = CATALOGUE_FILES["rules"]
#: Comparisons of floats: a gap this small is arithmetic noise, never a finding.
FLOAT_NOISE = 1e-6
#: The seasons of a period may add up to a little more than its reported total by rounding
#: (each season written to one decimal): beyond this share it is a finding.
SEASON_PARTS_TOLERANCE = 0.005


@dataclass(frozen=True)
class Rule:
    id: str
    domain: str
    left: str
    operator: str  # canonical: =, ≈, <=, >=
    right: str
    rel_tol: float
    abs_tol: float
    severity: str
    missing: str
    only_when_missing: tuple[str, ...]
    decimals: int
    message_vi: str
    rationale: str = ""

    @property
    def left_codes(self) -> tuple[str, ...]:
        return expression_codes(self.left)

    @property
    def right_codes(self) -> tuple[str, ...]:
        return expression_codes(self.right)

    @property
    def codes(self) -> tuple[str, ...]:
        """Every code the rule reads, `prev:` ones included, in order of appearance."""
        return tuple(dict.fromkeys(self.left_codes + self.right_codes))

    @property
    def indicator(self) -> str:
        """The code a finding sits beside: the first current-period code of the left side."""
        current = [c for c in self.left_codes if not c.startswith(PREV)]
        return (current or [c.removeprefix(PREV) for c in self.codes] or [""])[0]


def _py(expression: str) -> str:
    """The expression with `prev:code` renamed to a Python name the evaluator accepts."""
    return PREV_RE.sub(rf"{PREV_PY}\1", expression)


# ---------------------------------------------------------------------------------------------
# the file
# ---------------------------------------------------------------------------------------------
def _float(text: str) -> float:
    return float(text) if text.strip() else 0.0


def _rule(r) -> Rule:
    """One row of rules.csv, checked by its contract (`contracts.Rules`), as a Rule."""
    return Rule(
        id=r.id,
        domain=r.domain,
        left=r.left,
        operator=OPERATOR_ALIASES[r.operator],
        right=r.right,
        rel_tol=_float(r.rel_tol),
        abs_tol=_float(r.abs_tol),
        severity=r.severity,
        missing=r.missing,
        only_when_missing=tuple(r.only_when_missing.split()),
        decimals=int(r.decimals),
        message_vi=r.message_vi,
        rationale=getattr(r, "rationale", ""),
    )


def read_rules(path: Path | str | None = None) -> tuple[Rule, ...]:
    """Every rule of a rules file, checked; raises DataValidationError listing every problem.

    Args:
        path: a rules CSV (default: data/catalogue/rules.csv).

    Raises:
        DataValidationError: each bad cell with file, row (header = 1), value and expectation.
    """
    table = datasets.read("rules", path or RULES_FILE, lookups={"catalogue": catalogue})
    return tuple(_rule(r) for r in table.itertuples(index=False))


@cache
def rules() -> tuple[Rule, ...]:
    """The project's rules (data/catalogue/rules.csv), read once."""
    return read_rules(RULES_FILE)


# ---------------------------------------------------------------------------------------------
# evaluation
# ---------------------------------------------------------------------------------------------
def _previous_in_same_register(period: str) -> str | None:
    """The previous half-year, unless it belongs to the other register (2025-H2 → None)."""
    p = Period.parse(period)
    try:
        prev = p.previous()
    except PeriodComparisonError:
        return None  # nine months, ranges: no period of their kind just before
    return prev.code if system_for(prev) == system_for(p) else None


_KEYS = ["commune_code", "period", "season"]


def _ranks(texts: np.ndarray) -> np.ndarray:
    """The place of each text in sorted order (pandas sorts group keys by their text)."""
    ranks = np.empty(len(texts), dtype=np.int64)
    ranks[np.argsort(texts.astype(str), kind="stable")] = np.arange(len(texts))
    return ranks


def _wide_by_season(df: pd.DataFrame) -> pd.DataFrame:
    """Indicators as columns, one row per commune × period × season; the whole period's stocks
    (not seasonal) copied into each season's row, since a level holds whatever the season.

    The pivot of `pivot_table(aggfunc="first")`, on integer codes: rows sorted by commune,
    period and season text, the first value of each cell that is not missing, rows and columns
    without any value left out; the whole period's rows first, then the seasons'."""
    commune, commune_texts = text_codes(df["commune_code"])
    period, period_texts = text_codes(df["period"])
    season, season_texts = season_codes(df)
    indicator, indicator_texts = text_codes(df["indicator"])
    value = df["value"].to_numpy(dtype="float64")
    has = ~np.isnan(value)
    c_rank, p_rank, s_rank = _ranks(commune_texts), _ranks(period_texts), _ranks(season_texts)
    row_key = combine(
        [c_rank[commune[has]], p_rank[period[has]], s_rank[season[has]]],
        [len(commune_texts), len(period_texts), len(season_texts)],
    )
    keys, row = np.unique(row_key, return_inverse=True)  # sorted as the texts sort
    col_rank = _ranks(indicator_texts)
    used = np.unique(col_rank[indicator[has]])
    col = np.searchsorted(used, col_rank[indicator[has]])
    wide = np.full((len(keys), len(used)), np.nan)
    cell, first = np.unique(row * len(used) + col, return_index=True)  # the first of each cell
    wide.flat[cell] = value[has][first]
    # the texts of each row's keys, back from their ranks
    by_rank = [np.argsort(r) for r in (c_rank, p_rank, s_rank)]
    widths = [len(period_texts) * len(season_texts), len(season_texts)]
    row_c = by_rank[0][keys // widths[0]]
    row_p = by_rank[1][(keys // widths[1]) % len(period_texts)]
    row_s = by_rank[2][keys % len(season_texts)]
    codes = list(indicator_texts[np.argsort(col_rank)][used])
    parts = season_texts[row_s] != WHOLE
    if parts.any():
        cat = catalogue()
        stocks = [
            j
            for j, c in enumerate(codes)
            if c in cat and cat[c].kind == "stock" and not cat[c].seasonal
        ]
        whole_key = combine([row_c, row_p], [len(commune_texts), len(period_texts)])
        table = np.where(parts, -1, whole_key)
        at = lookup(whole_key[parts], table)
        level = np.full((int(parts.sum()), len(stocks)), np.nan)
        level[at >= 0] = wide[np.ix_(at[at >= 0], stocks)]
        seasonal = wide[parts]
        seasonal[:, stocks] = level
        order = np.concatenate([np.flatnonzero(~parts), np.flatnonzero(parts)])
        wide = np.concatenate([wide[~parts], seasonal])
        row_c, row_p, row_s = row_c[order], row_p[order], row_s[order]
    out = pd.DataFrame(wide, columns=codes)
    out.insert(0, "commune_code", as_category(row_c, commune_texts))
    out.insert(1, "period", as_category(row_p, period_texts))
    out.insert(2, "season", as_category(row_s, season_texts))
    return out


def rule_frame(df: pd.DataFrame) -> pd.DataFrame:
    """One row per commune × period × season ("" = the whole period): every indicator, and
    `prev__<code>` for the previous period of the same kind, commune and season in the same
    register (NaN where it was not reported)."""
    w = _wide_by_season(df)
    codes = [c for c in w.columns if c not in _KEYS]
    periods = pd.Index(w["period"].cat.categories, dtype=object)
    prev = periods.get_indexer(
        pd.Index([_previous_in_same_register(p) for p in periods], dtype=object)
    )
    commune, period, season = (w[k].cat.codes.to_numpy().astype(np.int64) for k in _KEYS)
    widths = [len(w[k].cat.categories) for k in _KEYS]
    at = lookup(
        combine([commune, prev[period], season], widths), combine([commune, period, season], widths)
    )
    values = w[codes].to_numpy(dtype="float64")
    before = np.full(values.shape, np.nan)
    before[at >= 0] = values[at[at >= 0]]
    previous = pd.DataFrame(before, columns=[PREV_PY + c for c in codes], index=w.index)
    return pd.concat([w, previous], axis=1)


@cache
def _reads_seasonal(rule: Rule) -> bool:
    cat = catalogue()
    return any(
        c.removeprefix(PREV) in cat and cat[c.removeprefix(PREV)].seasonal for c in rule.codes
    )


def _gap_allowed(rule: Rule, left: pd.Series, right: pd.Series) -> pd.Series:
    scale = np.maximum(left.abs(), right.abs())
    return np.maximum(np.maximum(rule.rel_tol * scale, rule.abs_tol), FLOAT_NOISE)


#: operator → (left, right, allowed gap) → violated?  A small registry, not an if/elif chain.
OPERATORS = {
    "=": lambda left, right, tol: (left - right).abs() > tol,
    "≈": lambda left, right, tol: (left - right).abs() > tol,
    "<=": lambda left, right, tol: left - right > tol,
    ">=": lambda left, right, tol: right - left > tol,
}


def _present(frame: pd.DataFrame, codes: tuple[str, ...]) -> pd.DataFrame:
    cols = [_py(c) for c in codes]
    return frame.reindex(columns=cols).notna()


def applicable(rule: Rule, frame: pd.DataFrame) -> pd.Series:
    """Where the rule can be evaluated under its missing-value strategy and condition (season
    rows only for rules that read a seasonal indicator)."""
    ok = pd.Series(True, index=frame.index)
    if "season" in frame and not _reads_seasonal(rule):
        ok &= frame["season"].isna() | (frame["season"] == WHOLE)
    if rule.missing == "skip":
        ok &= _present(frame, rule.codes).all(axis=1)
    else:  # zero: a missing part is none, but a side with nothing reported says nothing
        for side in (rule.left_codes, rule.right_codes):
            if side:
                ok &= _present(frame, side).any(axis=1)
    if rule.only_when_missing:
        ok &= ~_present(frame, rule.only_when_missing).all(axis=1)
    return ok


def evaluate_rule(rule: Rule, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of `rule_frame` that break the rule, with `_left` and `_right` values."""
    cols = [_py(c) for c in rule.codes]
    values = frame.reindex(columns=cols)
    if rule.missing == "zero":
        values = values.fillna(0.0)
    left = evaluate(_py(rule.left), values)
    right = evaluate(_py(rule.right), values)
    ok = applicable(rule, frame) & left.notna() & right.notna()
    broken = ok & OPERATORS[rule.operator](left, right, _gap_allowed(rule, left, right))
    keys = [k for k in _KEYS if k in frame]
    out = frame.loc[broken, [*keys, *[c for c in cols if c in frame]]].copy()
    out["_left"] = left[broken]
    out["_right"] = right[broken]
    return out


def _format_side(expression: str, value: float, decimals: int) -> str:
    """A single code shows as reported; a computed side is rounded to the rule's decimals."""
    if _py(expression).strip().isidentifier():
        return number_text(value)
    return number_text(round(value, decimals))


def message(rule: Rule, row: pd.Series) -> str:
    """The rule's Vietnamese message with the numbers of one violation filled in."""
    left, right = float(row["_left"]), float(row["_right"])
    gap = abs(left - right)
    fields = {
        "left": _format_side(rule.left, left, rule.decimals),
        "right": _format_side(rule.right, right, rule.decimals),
        "diff": number_text(round(gap, rule.decimals)),
        "pct": percent_text(gap / abs(right) * 100) if right else "không xác định",
    }
    for code in rule.codes:
        fields[code] = number_text(row.get(_py(code), float("nan")))
    return _PLACEHOLDER.sub(lambda m: fields.get(m.group(1), m.group(0)), rule.message_vi)


def _in_season(season: str, text: str) -> str:
    """The message, prefixed with the season it is about ("Vụ Đông Xuân: …")."""
    if not season:
        return text
    name = season_name(season)
    return f"{name[:1].upper()}{name[1:]}: {text}"


def check_season_parts(df: pd.DataFrame) -> list[dict]:
    """Findings (rule `season_parts_le_total`): the seasons of a period add up to more than the
    total the report gives — a total and its parts cannot both be right (seasons may be fewer
    than the total's: a season not written out)."""
    t = season_totals(df)
    t = t[(t["status"] == REPORTED) & t["parts_sum"].notna()]
    over = t["parts_sum"] - t["value"] > np.maximum(
        SEASON_PARTS_TOLERANCE * t["value"].abs(), FLOAT_NOISE
    )
    cat = catalogue()
    records = []
    for r in t[over].itertuples(index=False):
        ind = cat[r.indicator]
        names = " + ".join(season_name(c) for c in r.seasons.split("+"))
        records.append(
            {
                "commune_code": r.commune_code,
                "period": r.period,
                "season": WHOLE,
                "indicator": r.indicator,
                "indicators": r.indicator,
                "check": "season_parts_le_total",
                "kind": "rule",
                "severity": "warning",
                "message_vi": (
                    f"{ind.name_vi}: các vụ ({names}) cộng lại {number_text(r.parts_sum)} "
                    f"{ind.unit}, nhiều hơn số tổng của kỳ {number_text(r.value)} {ind.unit}."
                ),
                "left": float(r.parts_sum),
                "right": float(r.value),
                "score": float((r.parts_sum - r.value) / max(abs(r.value), FLOAT_NOISE)),
            }
        )
    return records


def check_rules(df: pd.DataFrame, rule_set: tuple[Rule, ...] | None = None) -> pd.DataFrame:
    """Findings of every rule on a tidy observations frame (kind "rule").

    Args:
        df: observations from `load()`; pass the previous periods too, or `prev:` rules skip.
        rule_set: rules to apply (default: data/catalogue/rules.csv, and then the check that
            a period's seasons do not add up to more than its reported total).
    """
    if df.empty:
        return as_findings([])
    frame = rule_frame(df)
    records = []
    for rule in rule_set if rule_set is not None else rules():
        involved = " ".join(dict.fromkeys(c.removeprefix(PREV) for c in rule.codes))
        for _, row in evaluate_rule(rule, frame).iterrows():
            left, right = float(row["_left"]), float(row["_right"])
            season = row.get("season", WHOLE) or WHOLE
            text = message(rule, row)
            records.append(
                {
                    "commune_code": row["commune_code"],
                    "period": row["period"],
                    "season": season,
                    "indicator": rule.indicator,
                    "indicators": involved,
                    "check": rule.id,
                    "kind": "rule",
                    "severity": rule.severity,
                    "message_vi": _in_season(season, text),
                    "left": left,
                    "right": right,
                    "score": abs(left - right) / max(abs(right), FLOAT_NOISE),
                }
            )
    if rule_set is None:
        records += check_season_parts(df)
    return as_findings(records)
