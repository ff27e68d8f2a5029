"""The contract of every table dvcq reads: one pandera `DataFrameModel` per data set of
`datasets.py`, checked lazily so that every bad cell is reported at once.

A table is read as text (`datasets.py` holds the reader options), so every column is a string
column and each check says what its cells must hold. What a check expects is said in its
`error=` (Vietnamese, for the reader of the message); `datasets.problems` turns each failure into
a `Problem` (file, row, column, value, expected). A check whose expectation depends on the row
(which codes of a formula are unknown) has an `explain(row)` in `EXPLAIN`.

The vocabularies the tables draw on (domains, kinds, severities, operators…) live here, beside
the contract that enforces them; the modules that use them import them from here.

A check that looks into another table (an indicator's unit is in units.csv, an observation's
commune is in the register…) imports nothing that reads tables: the module reading the table
gives what it refers to, as functions (`datasets.read(name, lookups={...})`, names in
`LOOKUPS`), and the checks call them while the table is validated (`given`). So the modules
reading tables (`catalogue`, `units`, `seasons`, `lineage`, …) read them through `datasets`,
which validates with this module, and nothing here reads them back: no import cycle.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from dvcq_lib.exceptions import DvcqError, PeriodError

# ---------------------------------------------------------------------------------------------
# vocabularies
# ---------------------------------------------------------------------------------------------
#: Indicator domains (indicators.csv `domain`, rules.csv `domain`, notebooks.csv `domains`).
DOMAINS = ("profile", "agriculture", "dossiers", "petitions", "budget")
#: How an indicator adds up: a flow over the period, a stock at its end, a ratio.
KINDS = ("flow", "stock", "ratio")
AGGREGATIONS = ("sum", "formula", "none")
#: Most serious first; `error` means the figures cannot all be right.
SEVERITIES = ("error", "warning", "info")
#: What kind of check produced a finding.
FINDING_KINDS = ("rule", "unit", "outlier_time", "outlier_peer", "missing_indicator", "unreported")
#: Spellings of a rule's operator accepted in rules.csv → canonical operator.
OPERATOR_ALIASES = {
    "=": "=",
    "==": "=",
    "≈": "≈",
    "~": "≈",
    "<=": "<=",
    "≤": "<=",
    ">=": ">=",
    "≥": ">=",
}
#: How a rule treats a figure the report does not give.
MISSING_STRATEGIES = ("skip", "zero")
#: Fixed placeholders of a rule's message; the codes the rule reads are placeholders too.
MESSAGE_FIELDS = ("left", "right", "diff", "pct")
#: The `accept` column of a review sheet: these words take the row, these leave it.
ACCEPT_YES = frozenset({"1", "x", "có", "co", "yes", "y", "true", "đồng ý", "ok"})
ACCEPT_NO = frozenset({"", "0", "không", "khong", "no", "n", "false"})
#: How a commune changed after the 2025 reform (crosswalk.csv `kind`).
CHANGE_KINDS = ("rename", "reclassify", "split", "merge")
#: The season of a figure for the whole period (observations `season`): an empty cell.
WHOLE = ""
#: Kinds of explore_labels.csv.
LABEL_KINDS = ("column", "coverage", "chart", "flag", "kind")
FLAGS = ("0", "1")

SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
PLACEHOLDER = re.compile(r"\{([a-z_:]+)\}")
PREV = "prev:"
PREV_RE = re.compile(r"\bprev:([a-z][a-z0-9_]*)")
PREV_PY = "prev__"
_CODE_TEXT = r"\s*\d{1,5}(\.0)?\s*"

_NONEMPTY = "không được để trống"


# ---------------------------------------------------------------------------------------------
# lookups into other tables, given by the module that reads a table
# ---------------------------------------------------------------------------------------------
#: What a check may look up, by name: the function the reader of a table gives.
LOOKUPS: dict[str, str] = {
    "units": "units.units(): every unit of units.csv by code",
    "catalogue": "catalogue.catalogue(): the indicator catalogue",
    "normalize_unit": "units.normalize_unit(text): a unit's code, DvcqError when unknown",
    "is_known_unit": "units.is_known_unit(text)",
    "conversion_factor": "units.conversion_factor(from, to), DvcqError when not convertible",
    "seasons": "seasons.seasons(): every season by code",
    "season_of": "seasons.season_of(text): the season code a cell designates, or None",
    "season_column": "seasons.season_column(df): the season code of every row",
    "commune_exists": "communes.exists(code, period); PeriodError for a bad period",
}
_GIVEN: ContextVar[Mapping[str, Callable] | None] = ContextVar(
    "dvcq_contract_lookups", default=None
)


@contextmanager
def given(lookups: Mapping[str, Callable]) -> Iterator[None]:
    """The checks run inside see these lookups (`datasets.problems` validates inside).

    >>> with given({"units": lambda: {"ha": None}}):
    ...     sorted(_lookup("units")())
    ['ha']
    """
    unknown = set(lookups) - set(LOOKUPS)
    if unknown:
        raise KeyError(f"không có tra cứu {sorted(unknown)}; có: {', '.join(LOOKUPS)}")
    token = _GIVEN.set({**(_GIVEN.get() or {}), **lookups})
    try:
        yield
    finally:
        _GIVEN.reset(token)


def _lookup(name: str) -> Callable:
    try:
        return (_GIVEN.get() or {})[name]
    except KeyError:
        raise KeyError(
            f"kiểm tra cần tra cứu {name!r} ({LOOKUPS[name]}): bảng phải được đọc với "
            f"datasets.read(..., lookups={{{name!r}: ...}})"
        ) from None


def _catalogue():
    return _lookup("catalogue")()


def _filled(s: pd.Series) -> pd.Series:
    return s.str.strip() != ""


def _words_in(s: pd.Series, allowed) -> pd.Series:
    return s.map(lambda text: all(w in allowed for w in str(text).split()))


def _number(text: str) -> float | None:
    try:
        return float(text) if str(text).strip() else None
    except ValueError:
        return float("nan")


# ---------------------------------------------------------------------------------------------
# expressions (indicator formulas, rule sides)
# ---------------------------------------------------------------------------------------------
def formula_codes(formula: str) -> tuple[str, ...]:
    """The names a formula reads, in order of appearance.

    >>> formula_codes("dossiers_on_time / dossiers_resolved * 100")
    ('dossiers_on_time', 'dossiers_resolved')
    """
    names = [n.id for n in ast.walk(ast.parse(formula, mode="eval")) if isinstance(n, ast.Name)]
    return tuple(dict.fromkeys(names))


def expression_codes(expression: str) -> tuple[str, ...]:
    """Codes an expression reads, `prev:` kept: "a + prev:b" → ("a", "prev:b"); SyntaxError
    when it is not arithmetic."""
    names = formula_codes(PREV_RE.sub(rf"{PREV_PY}\1", expression))
    return tuple(PREV + n.removeprefix(PREV_PY) if n.startswith(PREV_PY) else n for n in names)


def _parses(expression: str) -> bool:
    try:
        expression_codes(expression)
        return True
    except SyntaxError:
        return False


def _unknown_codes(expression: str) -> list[str]:
    """Codes of an expression (or a space-separated list) not in the catalogue."""
    try:
        codes = expression_codes(expression) if expression.strip() else ()
    except SyntaxError:
        return []  # the parse check says so
    known = _catalogue()
    return [c for c in codes if c.removeprefix(PREV) not in known]


def _known_code_list(text: str) -> list[str]:
    known = _catalogue()
    return [c for c in str(text).split() if c.removeprefix(PREV) not in known]


# ---------------------------------------------------------------------------------------------
# the catalogue tables
# ---------------------------------------------------------------------------------------------
class Units(pa.DataFrameModel):
    """data/catalogue/units.csv: each unit, its dimension and factor to the dimension's base."""

    unit: Series[str] = pa.Field(unique=True)
    dimension: Series[str]
    factor: Series[str]
    name_vi: Series[str]
    name_en: Series[str]
    aliases: Series[str] | None

    @pa.check("unit", "dimension", "name_vi", "name_en", name="filled", error=_NONEMPTY)
    def _filled(cls, s: Series[str]) -> Series[bool]:
        return _filled(s)

    @pa.check(
        "dimension", name="dimension_code", error="mã thứ nguyên viết thường ascii (vd. area)"
    )
    def _dimension(cls, s: Series[str]) -> Series[bool]:
        return s.str.fullmatch(r"[a-z][a-z0-9_]*")

    @pa.check("factor", name="positive_number", error="một số > 0, dấu chấm thập phân (vd. 0.1)")
    def _factor(cls, s: Series[str]) -> Series[bool]:
        return s.map(lambda t: (v := _number(t)) is not None and v > 0)


class Indicators(pa.DataFrameModel):
    """data/catalogue/indicators.csv: what each indicator code means and how it adds up."""

    code: Series[str] = pa.Field(unique=True)
    domain: Series[str] = pa.Field(isin=DOMAINS)
    name_vi: Series[str]
    name_en: Series[str]
    unit: Series[str]
    kind: Series[str] = pa.Field(isin=KINDS)
    aggregation: Series[str] = pa.Field(isin=AGGREGATIONS)
    formula: Series[str]
    seasonal: Series[str] = pa.Field(isin=FLAGS)
    compare_previous: Series[str] = pa.Field(isin=FLAGS)
    lower_is_better: Series[str] | None = pa.Field(isin=(*FLAGS, ""))

    @pa.check("code", name="snake_case", error="mã phải là chữ thường ascii và _ (snake_case)")
    def _code(cls, s: Series[str]) -> Series[bool]:
        return s.str.fullmatch(SNAKE.pattern)

    @pa.check("name_vi", "name_en", name="filled", error="thiếu tên tiếng Việt hoặc tiếng Anh")
    def _names(cls, s: Series[str]) -> Series[bool]:
        return _filled(s)

    @pa.check("unit", name="unit_known", error="đơn vị không có trong units.csv")
    def _unit(cls, s: Series[str]) -> Series[bool]:
        return s.isin(list(_lookup("units")()))

    @pa.check("formula", name="formula_parses", error="công thức không đọc được")
    def _formula(cls, s: Series[str]) -> Series[bool]:
        return s.map(lambda f: not f.strip() or _parses(f))

    @pa.dataframe_check(
        name="ratio_by_formula", error="chỉ tiêu tỷ lệ phải tính lại bằng công thức (formula)"
    )
    def _ratio(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["kind"] != "ratio") | ((df["aggregation"] == "formula") & _filled(df["formula"]))

    @pa.dataframe_check(name="formula_given", error="aggregation=formula nhưng thiếu formula")
    def _formula_given(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["aggregation"] != "formula") | _filled(df["formula"])


class Seasons(pa.DataFrameModel):
    """data/catalogue/seasons.csv: crop seasons, their names and the ways reports write them."""

    code: Series[str] = pa.Field(unique=True)
    name_vi: Series[str]
    name_en: Series[str]
    aliases: Series[str]

    @pa.check("code", name="snake_case", error="mã vụ viết thường ascii và _ (vd. dong_xuan)")
    def _code(cls, s: Series[str]) -> Series[bool]:
        return s.str.fullmatch(SNAKE.pattern)

    @pa.check("name_vi", "name_en", name="filled", error=_NONEMPTY)
    def _names(cls, s: Series[str]) -> Series[bool]:
        return _filled(s)


class Labels(pa.DataFrameModel):
    """data/catalogue/labels.csv: the interface words of every rendering, in both languages."""

    key: Series[str] = pa.Field(unique=True)
    vi: Series[str]
    en: Series[str]

    @pa.check("key", "vi", "en", name="filled", error="cần cả tiếng Việt (vi) và tiếng Anh (en)")
    def _filled(cls, s: Series[str]) -> Series[bool]:
        return _filled(s)


class ExploreLabels(pa.DataFrameModel):
    """data/catalogue/explore_labels.csv: words of the exploration helpers, by kind and code."""

    kind: Series[str] = pa.Field(isin=LABEL_KINDS)
    code: Series[str]
    vi: Series[str]
    en: Series[str]

    @pa.check("code", name="filled", error=_NONEMPTY)
    def _filled(cls, s: Series[str]) -> Series[bool]:
        return _filled(s)  # a word may be empty: a flag that is false says nothing

    class Config:
        unique = ["kind", "code"]


class Notebooks(pa.DataFrameModel):
    """data/catalogue/notebooks.csv: each report notebook's titles, domains and peers."""

    notebook: Series[str] = pa.Field(unique=True)
    title_vi: Series[str]
    title_en: Series[str]
    domains: Series[str]
    reads: Series[str]
    peers: Series[str] = pa.Field(isin=FLAGS)

    @pa.check("notebook", name="snake_case", error="tên notebook viết thường ascii và _")
    def _name(cls, s: Series[str]) -> Series[bool]:
        return s.str.fullmatch(SNAKE.pattern)

    @pa.check("title_vi", "title_en", name="filled", error=_NONEMPTY)
    def _titles(cls, s: Series[str]) -> Series[bool]:
        return _filled(s)

    @pa.check(
        "domains",
        "reads",
        name="domain_list",
        error="các lĩnh vực cách nhau bởi dấu cách, mỗi lĩnh vực là một trong "
        + ", ".join(DOMAINS),
    )
    def _domains(cls, s: Series[str]) -> Series[bool]:
        return _words_in(s, DOMAINS)


class ReportSections(pa.DataFrameModel):
    """data/catalogue/report_sections.csv: which indicators each block of a report shows."""

    notebook: Series[str]
    section: Series[str]
    title_vi: Series[str]
    title_en: Series[str]
    indicators: Series[str]

    @pa.check("notebook", "section", "title_vi", "title_en", name="filled", error=_NONEMPTY)
    def _filled(cls, s: Series[str]) -> Series[bool]:
        return _filled(s)

    @pa.check(
        "indicators",
        name="codes_known",
        error="mã chỉ tiêu không có trong danh mục data/catalogue/indicators.csv",
    )
    def _codes(cls, s: Series[str]) -> Series[bool]:
        return s.map(lambda t: not _known_code_list(t))

    class Config:
        unique = ["notebook", "section"]


class Precision(pa.DataFrameModel):
    """data/catalogue/precision.csv: decimals of a value the suite computes, per unit."""

    unit: Series[str] = pa.Field(unique=True)
    decimals: Series[str] = pa.Field(str_matches=r"^\d+$")
    why: Series[str] | None


class CommuneBounds(pa.DataFrameModel):
    """data/catalogue/commune_bounds.csv: how large one commune's figure can plausibly be (in the
    indicator's catalogue unit), and the figure of the same report it cannot exceed."""

    indicator: Series[str] = pa.Field(unique=True)
    max: Series[str]
    whole: Series[str]
    whole_factor: Series[str]
    rationale: Series[str]

    @pa.check("indicator", "whole", name="code_known", error="mã chỉ tiêu không có trong danh mục")
    def _codes(cls, s: Series[str]) -> Series[bool]:
        return s.map(lambda t: not _known_code_list(t))

    @pa.check("max", "whole_factor", name="positive_number", error="để trống hoặc một số > 0")
    def _numbers(cls, s: Series[str]) -> Series[bool]:
        return s.map(lambda t: (v := _number(t)) is None or v > 0)

    @pa.check("rationale", name="filled", error="một câu giải thích mức giới hạn")
    def _rationale(cls, s: Series[str]) -> Series[bool]:
        return _filled(s)

    @pa.dataframe_check(name="a_bound", error="cần max hoặc whole (mỗi dòng một giới hạn)")
    def _a_bound(cls, df: pd.DataFrame) -> Series[bool]:
        return _filled(df["max"]) | _filled(df["whole"])


class Rules(pa.DataFrameModel):
    """data/catalogue/rules.csv: consistency rules between indicators (see rules.md)."""

    id: Series[str] = pa.Field(unique=True)
    domain: Series[str] = pa.Field(isin=DOMAINS)
    left: Series[str]
    operator: Series[str] = pa.Field(isin=list(OPERATOR_ALIASES))
    right: Series[str]
    rel_tol: Series[str]
    abs_tol: Series[str]
    severity: Series[str] = pa.Field(isin=SEVERITIES)
    missing: Series[str] = pa.Field(isin=MISSING_STRATEGIES)
    only_when_missing: Series[str]
    decimals: Series[str] = pa.Field(str_matches=r"^\d+$")
    message_vi: Series[str]
    rationale: Series[str] | None

    @pa.check("id", name="snake_case", error="mã quy tắc viết thường ascii và _ (snake_case)")
    def _id(cls, s: Series[str]) -> Series[bool]:
        return s.str.fullmatch(SNAKE.pattern)

    @pa.check(
        "left",
        "right",
        name="expression",
        error="biểu thức số học trên mã chỉ tiêu (+ - * / và số)",
    )
    def _expression(cls, s: Series[str]) -> Series[bool]:
        return s.map(_parses)

    @pa.check("left", "right", name="codes_known", error="mã chỉ tiêu không có trong danh mục")
    def _codes(cls, s: Series[str]) -> Series[bool]:
        return s.map(lambda e: not _unknown_codes(e))

    @pa.check(
        "only_when_missing", name="code_list_known", error="mã chỉ tiêu không có trong danh mục"
    )
    def _only_when(cls, s: Series[str]) -> Series[bool]:
        return s.map(lambda t: not _known_code_list(t))

    @pa.check("rel_tol", "abs_tol", name="tolerance", error="một số ≥ 0 (dấu chấm thập phân)")
    def _tolerance(cls, s: Series[str]) -> Series[bool]:
        return s.map(lambda t: (v := _number(t)) is None or v >= 0)

    @pa.check("message_vi", name="filled", error="một thông điệp tiếng Việt")
    def _message(cls, s: Series[str]) -> Series[bool]:
        return _filled(s)

    @pa.dataframe_check(
        name="message_placeholders",
        error="chỉ dùng {left} {right} {diff} {pct} hoặc {mã} mà quy tắc đọc",
    )
    def _placeholders(cls, df: pd.DataFrame) -> Series[bool]:
        return df.apply(lambda r: not _unknown_placeholders(r), axis=1).astype(bool)

    @pa.dataframe_check(
        name="exact_without_tolerance", error="'=' là bằng đúng: quy tắc có dung sai phải dùng '≈'"
    )
    def _exact(cls, df: pd.DataFrame) -> Series[bool]:
        return ~((df["operator"].map(OPERATOR_ALIASES.get) == "=") & _tolerated(df))

    @pa.dataframe_check(
        name="approx_needs_tolerance", error="'≈' cần dung sai rel_tol hoặc abs_tol > 0"
    )
    def _approx(cls, df: pd.DataFrame) -> Series[bool]:
        readable = df[["rel_tol", "abs_tol"]].map(lambda t: _number(t) == _number(t)).all(axis=1)
        return ~((df["operator"].map(OPERATOR_ALIASES.get) == "≈") & readable & ~_tolerated(df))


def _tolerated(df: pd.DataFrame) -> pd.Series:
    return df[["rel_tol", "abs_tol"]].map(lambda t: bool(_number(t))).any(axis=1)


def _unknown_placeholders(row: pd.Series) -> list[str]:
    allowed = set(MESSAGE_FIELDS)
    for side in ("left", "right"):
        try:
            allowed |= set(expression_codes(row[side]))
        except SyntaxError:
            pass
    return [p for p in PLACEHOLDER.findall(row["message_vi"]) if p not in allowed]


# ---------------------------------------------------------------------------------------------
# data the user writes: targets, crosswalk rows, review sheets, findings written by `dvcq check`
# ---------------------------------------------------------------------------------------------
def _period_ok(text: str) -> bool:
    from dvcq_lib.periods import Period

    try:
        Period.parse(text)
        return True
    except DvcqError:
        return False


def _indicator_known(s: pd.Series) -> pd.Series:
    codes = set(_catalogue().codes)
    return each_value(s, lambda v: v in codes)


class Targets(pa.DataFrameModel):
    """data/targets/*.csv: the plan figures a commune sets itself (Đạt x % kế hoạch)."""

    commune_code: Series[str] = pa.Field(str_matches=_CODE_TEXT)
    period: Series[str]
    indicator: Series[str]
    target: Series[str]

    @pa.check("period", name="period_format", error="cần kỳ dạng 2024-H1")
    def _period(cls, s: Series[str]) -> Series[bool]:
        return s.map(_period_ok)

    @pa.check("indicator", name="indicator_known", error="chỉ tiêu không có trong danh mục")
    def _indicator(cls, s: Series[str]) -> Series[bool]:
        return _indicator_known(s)

    @pa.check("target", name="plain_number", error="cần một số, dấu chấm thập phân (1234.5)")
    def _target(cls, s: Series[str]) -> Series[bool]:
        from dvcq_lib.numbers import parse_number

        def ok(t: str) -> bool:
            try:
                parse_number(t, "plain")
                return True
            except DvcqError:
                return False

        return s.map(ok)


def _iso_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        return None


class Crosswalk(pa.DataFrameModel):
    """data/catalogue/crosswalk.csv: changes of communes after the 2025 reform (one a row).
    That split weights add up to 1 and a unit has one fate per date are cross-row rules:
    `lineage.load_crosswalk` checks them."""

    from_code: Series[str]
    to_code: Series[str]
    effective_date: Series[str]
    kind: Series[str]
    weight: Series[str] | None
    weight_basis: Series[str] | None
    legal_basis: Series[str]
    to_name: Series[str] | None
    note: Series[str] | None

    @pa.check("from_code", "to_code", name="unit_code", error="cần mã đơn vị hành chính 5 chữ số")
    def _code(cls, s: Series[str]) -> Series[bool]:
        return s.str.fullmatch(r"\s*\d{1,5}\s*")

    @pa.check("effective_date", name="iso_date", error="cần ngày dạng YYYY-MM-DD (vd. 2026-01-01)")
    def _date(cls, s: Series[str]) -> Series[bool]:
        return s.map(lambda t: _iso_date(t) is not None)

    @pa.check(
        "effective_date",
        name="after_reform",
        error="ngày hiệu lực phải từ 2025-07-01 trở đi (thay đổi trước đó đã có trong danh mục "
        "vietnamadminunits)",
    )
    def _after(cls, s: Series[str]) -> Series[bool]:
        from dvcq_lib.periods import REFORM_DATE

        return s.map(lambda t: (d := _iso_date(t)) is None or d >= REFORM_DATE)

    @pa.check("kind", name="change_kind", error="cần một trong rename, reclassify, split, merge")
    def _kind(cls, s: Series[str]) -> Series[bool]:
        return s.str.strip().isin(CHANGE_KINDS)

    @pa.check(
        "weight",
        name="weight",
        error="trọng số là số trong (0, 1], viết dấu chấm thập phân (vd. 0.35)",
    )
    def _weight(cls, s: Series[str]) -> Series[bool]:
        return s.map(lambda t: (v := _number(t)) is None or 0 < v <= 1)

    @pa.check("legal_basis", name="filled", error="cần căn cứ pháp lý (số nghị quyết, quyết định)")
    def _basis(cls, s: Series[str]) -> Series[bool]:
        return _filled(s)

    @pa.dataframe_check(name="split_weight", error="chia tách cần trọng số (weight)")
    def _split(cls, df: pd.DataFrame) -> Series[bool]:
        weight = df["weight"] if "weight" in df else pd.Series("", index=df.index)
        return (df["kind"].str.strip() != "split") | _filled(weight)

    class Config:
        strict = True  # a column the crosswalk does not have is a typo, not extra data


class Review(pa.DataFrameModel):
    """A review sheet of `dvcq ingest` (data/review/*.review.csv): the figures read from a
    report, with `accept` filled in by the person who checked them. The figures themselves are
    checked as observations when the accepted rows are merged."""

    accept: Series[str]
    indicator: Series[str]
    value: Series[str]
    unit: Series[str]
    commune_code: Series[str]
    period: Series[str]

    @pa.check("accept", name="accept", error="cột accept: 1 (nhận) hoặc 0/để trống (bỏ qua)")
    def _accept(cls, s: Series[str]) -> Series[bool]:
        return s.str.strip().str.lower().isin(ACCEPT_YES | ACCEPT_NO)


class History(pa.DataFrameModel):
    """The ingest history of a data folder (history/ingest_history.csv): one row per value
    merged or replaced, with the old value kept."""

    time: Series[str]
    transaction: Series[str]
    action: Series[str]
    commune_code: Series[str]
    period: Series[str]
    indicator: Series[str]

    @pa.check("time", "transaction", "action", name="filled", error=_NONEMPTY)
    def _filled(cls, s: Series[str]) -> Series[bool]:
        return _filled(s)


class Findings(pa.DataFrameModel):
    """A findings CSV written by `dvcq check` (outputs/checks/findings_*.csv)."""

    commune_code: Series[str] = pa.Field(str_matches=_CODE_TEXT)
    period: Series[str]
    indicator: Series[str]
    check: Series[str]
    kind: Series[str] = pa.Field(isin=FINDING_KINDS)
    severity: Series[str] = pa.Field(isin=SEVERITIES)
    message_vi: Series[str]
    left: Series[str] | None
    right: Series[str] | None
    score: Series[str] | None

    @pa.check("period", name="period_format", error="cần kỳ dạng 2024-H1")
    def _period(cls, s: Series[str]) -> Series[bool]:
        return s.map(_period_ok)

    @pa.check("check", "message_vi", name="filled", error=_NONEMPTY)
    def _filled(cls, s: Series[str]) -> Series[bool]:
        return _filled(s)

    @pa.check(
        "left", "right", "score", name="number", error="một số (dấu chấm thập phân) hoặc trống"
    )
    def _numbers(cls, s: Series[str]) -> Series[bool]:
        return s.map(lambda t: (v := _number(t)) is None or v == v)


# ---------------------------------------------------------------------------------------------
# observations (the rows of data/observations/*, as read, before units are converted)
# ---------------------------------------------------------------------------------------------
def distinct(s: pd.Series) -> tuple[np.ndarray, list]:
    """Each row's position in the list of the column's distinct values, and that list (a
    missing cell is a value too): a category's code and the categories, else `factorize`."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes, values = s.cat.codes.to_numpy(), list(s.cat.categories)
        if (codes < 0).any():
            codes = np.where(codes < 0, len(values), codes)
            values.append(None)
        return codes, values
    codes, uniques = pd.factorize(s, use_na_sentinel=False)
    return codes, list(uniques)


def combinations(columns: list[pd.Series]) -> tuple[np.ndarray, list[tuple]]:
    """The distinct combinations of values the rows hold in `columns` (those present only),
    and each row's position in that list: what a check or a conversion computes once per
    combination, however many rows share it."""
    parts = [distinct(c) for c in columns]
    if len(parts) == 1:
        codes, values = parts[0]
        present = np.flatnonzero(np.bincount(codes, minlength=len(values)))
        if len(present) < len(values):
            renumber = np.full(len(values), -1, dtype=np.int64)
            renumber[present] = np.arange(len(present))
            codes = renumber[codes]
        return codes, [(values[i],) for i in present]
    combined = _combined(parts)
    row = np.empty(int(combined.max()) + 1 if len(combined) else 0, dtype=np.int64)
    row[combined] = np.arange(len(combined))  # a row holding each combination
    return combined, [tuple(values[codes[r]] for codes, values in parts) for r in row]


def identities(columns: list[pd.Series]) -> np.ndarray:
    """A number per row, the same for rows holding the same values in `columns` (the
    identity of an observation, for duplicates), with no Python per row."""
    return _combined([distinct(c) for c in columns])


#: Below this many possible combinations, a row's combination is computed by arithmetic on
#: the codes (mixed radix) and renumbered by a count; above, by hashing (`factorize`).
_RADIX_LIMIT = 50_000_000


def _combined(parts: list[tuple[np.ndarray, list]]) -> np.ndarray:
    size = int(np.prod([max(len(values), 1) for _, values in parts], dtype=float))
    if size <= _RADIX_LIMIT:
        combined = np.zeros(len(parts[0][0]), dtype=np.int64)
        for codes, values in parts:
            combined = combined * max(len(values), 1) + codes
        present = np.flatnonzero(np.bincount(combined, minlength=size))
        renumber = np.zeros(size, dtype=np.int64)
        renumber[present] = np.arange(len(present))
        return renumber[combined]
    combined = np.zeros(len(parts[0][0]), dtype=np.int64)
    for codes, values in parts:
        combined, _ = pd.factorize(combined * max(len(values), 1) + codes)
    return combined


def each_row(columns: list[pd.Series], fn: Callable[..., object], dtype=bool) -> np.ndarray:
    """`fn(*values)` of every row, called once per distinct combination (`combinations`)."""
    codes, combos = combinations(columns)
    out = np.array([fn(*c) for c in combos], dtype=dtype)
    return out[codes] if len(out) else np.zeros(len(codes), dtype=dtype)


def each_value(s: pd.Series, fn: Callable[[object], object]) -> pd.Series:
    """`fn` of every cell as a bool Series, `fn` called once per distinct value: a check on
    millions of rows does as much Python as there are distinct codes, periods or units."""
    return pd.Series(each_row([s], lambda v: bool(fn(v))), index=s.index)


def each_pair(df: pd.DataFrame, a: str, b: str, fn: Callable[[object, object], object]):
    """`fn(row[a], row[b])` of every row as a bool Series, called once per distinct pair."""
    return pd.Series(each_row([df[a], df[b]], lambda x, y: bool(fn(x, y))), index=df.index)


def each_object(s: pd.Series, fn: Callable[[object], object]) -> pd.Series:
    """`fn` of every cell, called once per distinct object (by identity: True is not 1 here,
    and a value need not be hashable) — for a column of a few objects repeated (a sidecar's
    flag on each row of its file)."""
    cells = s.to_numpy(dtype=object)
    ids, uniques = pd.factorize(np.fromiter(map(id, cells), dtype=np.int64, count=len(cells)))
    where = np.empty(len(uniques), dtype=np.int64)
    where[ids] = np.arange(len(cells))  # a row holding each object
    ok = np.array([bool(fn(cells[i])) for i in where], dtype=bool)
    return pd.Series(ok[ids] if len(ok) else np.zeros(len(s), bool), index=s.index)


def _each_unique(fn: Callable[[object], object]) -> Callable[[pd.Series], pd.Series]:
    """A check of each distinct value once: it holds where `fn` does not raise a DvcqError."""

    def ok(x) -> bool:
        try:
            fn(x)
            return True
        except DvcqError:
            return False

    return lambda s: each_value(s, ok)


def _commune_exists(code: str, period: str) -> bool:
    try:
        return _lookup("commune_exists")(code, period)
    except PeriodError:
        return True  # the period check reports it


def values_of(df: pd.DataFrame) -> pd.Series:
    """Every row's `value` as a number (NaN: not one, by its file's convention); the column
    `_number` when the reader parsed them already (`observations`, which parses each value
    once for this check and for the table)."""
    if "_number" in df:
        return df["_number"]
    from dvcq_lib.numbers import parse_numbers

    return parse_numbers(df["value"], df["_number_format"])


def _unit_convertible(unit: str, code: str) -> bool:
    cat = _catalogue()
    if code not in cat or not _lookup("is_known_unit")(unit):
        return True  # the indicator / unit_known checks report it
    try:
        _lookup("conversion_factor")(unit, cat[code].unit)
        return True
    except DvcqError:
        return False


def season_text(df: pd.DataFrame) -> pd.Series:
    """The season code as written in every row ("" = the whole period), as categories: the
    `season_column` lookup applied to each distinct cell once."""
    if "season" not in df:  # a file without the column holds whole-period figures
        return pd.Series(pd.Categorical.from_codes(np.zeros(len(df), np.int8), [WHOLE]), df.index)
    codes, values = distinct(df["season"])
    text = _lookup("season_column")(pd.DataFrame({"season": pd.Series(values, dtype=object)}))
    new, cats = pd.factorize(text.to_numpy(dtype=object))
    out = pd.Categorical.from_codes(new[codes] if len(new) else codes, list(cats))
    return pd.Series(out, index=df.index)


_CODE_FORMAT = re.compile(r"\d{1,5}(\.0)?", re.ASCII)


#: What each check of an observation row expects, for the message a user reads.
OBS_EXPECTED = {
    "commune_code_format": "cần mã đơn vị hành chính 5 chữ số (vd. 07273)",
    "commune_known": "mã xã/phường không có trong danh mục đơn vị hành chính của kỳ này "
    "(trước 01/7/2025: mã cũ; từ 01/7/2025: mã mới)",
    "period_format": "cần kỳ báo cáo dạng 2024-H1, 2024-H2, 2024 hoặc '6 tháng đầu năm 2024'",
    "indicator_known": "chỉ tiêu không có trong danh mục data/catalogue/indicators.csv",
    "unit_known": "đơn vị không có trong data/catalogue/units.csv",
    "unit_convertible": "đơn vị không đổi được sang đơn vị của chỉ tiêu trong danh mục",
    "value_number": "cần một số viết đúng quy ước của tệp",
    "number_format": "quy ước số (number_format) phải là vi, en hoặc plain",
    "season_known": "cần mã vụ của data/catalogue/seasons.csv hoặc để trống (cả kỳ)",
    "season_allowed": "chỉ tiêu này không theo vụ (seasonal = 0 trong danh mục): để trống "
    "cột season",
    "synthetic_flag": "synthetic: trong tệp .meta.yml phải là true hoặc false",
}


class Observations(pa.DataFrameModel):
    """Rows of the observation files as read (text; `value` keeps the numbers of a typed
    file), with where each came from (`_file`, `_row`), its file's number convention and its
    sidecar's `synthetic:` flag. Duplicates and negative values are checked once parsed.

    A text column holds str, or categories of str (the reader gives categories: millions of
    rows, a few thousand distinct codes); each check computes on the distinct values once
    (`each_value`, `each_pair`), and `value` is read by the vectorised `parse_numbers`.
    Frame-wide checks say `ignore_na=False`: pandera would otherwise test every cell of the
    frame for NaN to pass a row whose cells are all missing (one always has `_file`, `_row`)."""

    commune_code: Series[Any]
    period: Series[Any]
    indicator: Series[Any]
    value: Series[Any] = pa.Field(nullable=True)  # text, or a number from a typed file
    unit: Series[Any]
    number_format_: Series[Any] = pa.Field(alias="_number_format")

    @pa.check("commune_code", name="commune_code_format", error=OBS_EXPECTED["commune_code_format"])
    def _code(cls, s: Series[str]) -> Series[bool]:
        return each_value(s, lambda v: _CODE_FORMAT.fullmatch(str(v).strip()) is not None)

    @pa.check("period", name="period_format", error=OBS_EXPECTED["period_format"])
    def _period(cls, s: Series[str]) -> Series[bool]:
        from dvcq_lib.periods import Period

        return _each_unique(Period.parse)(s)

    @pa.check("indicator", name="indicator_known", error=OBS_EXPECTED["indicator_known"])
    def _indicator(cls, s: Series[str]) -> Series[bool]:
        return _indicator_known(s)

    @pa.check("unit", name="unit_known", error=OBS_EXPECTED["unit_known"])
    def _unit(cls, s: Series[str]) -> Series[bool]:
        return _each_unique(_lookup("normalize_unit"))(s)

    @pa.check("_number_format", name="number_format", error=OBS_EXPECTED["number_format"])
    def _convention(cls, s: Series[str]) -> Series[bool]:
        from dvcq_lib.numbers import CONVENTIONS

        return each_value(s, lambda v: v in CONVENTIONS)

    @pa.dataframe_check(ignore_na=False, name="commune_known", error=OBS_EXPECTED["commune_known"])
    def _commune(cls, df: pd.DataFrame) -> Series[bool]:
        return each_pair(df, "commune_code", "period", _commune_exists)

    @pa.dataframe_check(ignore_na=False, name="value_number", error=OBS_EXPECTED["value_number"])
    def _value(cls, df: pd.DataFrame) -> Series[bool]:
        return values_of(df).notna()

    @pa.dataframe_check(
        ignore_na=False, name="unit_convertible", error=OBS_EXPECTED["unit_convertible"]
    )
    def _convertible(cls, df: pd.DataFrame) -> Series[bool]:
        return each_pair(df, "unit", "indicator", _unit_convertible)

    @pa.dataframe_check(ignore_na=False, name="season_known", error=OBS_EXPECTED["season_known"])
    def _season(cls, df: pd.DataFrame) -> Series[bool]:
        season_of = _lookup("season_of")
        return each_value(season_text(df), lambda t: season_of(t) is not None)

    @pa.dataframe_check(
        ignore_na=False, name="season_allowed", error=OBS_EXPECTED["season_allowed"]
    )
    def _season_allowed(cls, df: pd.DataFrame) -> Series[bool]:
        cat = _catalogue()
        whole = (season_text(df) == WHOLE).to_numpy()
        seasonal = each_value(df["indicator"], lambda c: c not in cat or cat[c].seasonal)
        return whole | seasonal

    @pa.dataframe_check(
        ignore_na=False, name="synthetic_flag", error=OBS_EXPECTED["synthetic_flag"]
    )
    def _synthetic(cls, df: pd.DataFrame) -> Series[bool]:
        if "_synthetic" not in df:
            return pd.Series(True, index=df.index)
        return each_object(df["_synthetic"], lambda v: v is None or isinstance(v, bool))


def _explain_value(row: pd.Series) -> str:
    from dvcq_lib.exceptions import NumberFormatError
    from dvcq_lib.numbers import CONVENTIONS, parse_number

    conv = row.get("_number_format", "vi")
    try:
        parse_number(row.get("value"), conv)
    except NumberFormatError as err:
        reason = err.expected
    else:  # pragma: no cover — the check failed, so parsing does
        reason = CONVENTIONS.get(conv, "")
    return f"{OBS_EXPECTED['value_number']} '{conv}': {reason}"


def _with_indicator(check: str, before: bool) -> Callable[[pd.Series], str]:
    def explain(row: pd.Series) -> str:
        text, code, cat = OBS_EXPECTED[check], row.get("indicator"), _catalogue()
        if code not in cat:
            return text
        return f"{code}: {text}" if before else f"{text} ({cat[code].unit})"

    return explain


# ---------------------------------------------------------------------------------------------
# what a failure says when it depends on the row
# ---------------------------------------------------------------------------------------------
def _explain_codes(column: str) -> Callable[[pd.Series], str]:
    def explain(row: pd.Series) -> str:
        unknown = _unknown_codes(str(row.get(column, "")))
        return "mã chỉ tiêu không có trong danh mục: " + ", ".join(unknown)

    return explain


def _explain_list(row: pd.Series, column: str) -> str:
    return "mã chỉ tiêu không có trong danh mục: " + ", ".join(_known_code_list(row[column]))


#: (model, check name, column) → the expectation for one failing row.
EXPLAIN: dict[tuple[str, str, str], Callable[[pd.Series], str]] = {
    ("Observations", "value_number", "value"): _explain_value,
    ("Observations", "season_allowed", "season"): _with_indicator("season_allowed", True),
    ("Observations", "unit_convertible", "unit"): _with_indicator("unit_convertible", False),
    ("Observations", "season_known", "season"): lambda r: OBS_EXPECTED["season_known"].replace(
        "seasons.csv", "seasons.csv (" + ", ".join(_season_codes()) + ")"
    ),
    ("Rules", "codes_known", "left"): _explain_codes("left"),
    ("Rules", "codes_known", "right"): _explain_codes("right"),
    ("Rules", "code_list_known", "only_when_missing"): lambda r: _explain_list(
        r, "only_when_missing"
    ),
    ("Rules", "message_placeholders", "message_vi"): lambda r: (
        "chỉ dùng {left} {right} {diff} {pct} hoặc {mã} mà quy tắc đọc; không biết: "
        + ", ".join(_unknown_placeholders(r))
    ),
    ("ReportSections", "codes_known", "indicators"): lambda r: (
        "mã chỉ tiêu không có trong danh mục data/catalogue/indicators.csv: "
        + ", ".join(_known_code_list(r["indicators"]))
    ),
}

#: (model, frame-wide check) → the column whose cell a failure points at.
CHECK_COLUMN: dict[tuple[str, str], str] = {
    ("Observations", "commune_known"): "commune_code",
    ("Observations", "value_number"): "value",
    ("Observations", "unit_convertible"): "unit",
    ("Observations", "season_known"): "season",
    ("Observations", "season_allowed"): "season",
    ("Observations", "synthetic_flag"): "synthetic",
    ("Indicators", "ratio_by_formula"): "aggregation",
    ("Indicators", "formula_given"): "formula",
    ("Rules", "message_placeholders"): "message_vi",
    ("Rules", "exact_without_tolerance"): "operator",
    ("Rules", "approx_needs_tolerance"): "operator",
    ("Crosswalk", "split_weight"): "weight",
}

#: model → the column naming a row, said beside a problem in another column of that row.
ROW_KEY: dict[str, str] = {
    "Indicators": "code",
    "Units": "unit",
    "Seasons": "code",
    "Labels": "key",
    "Notebooks": "notebook",
    "Precision": "unit",
    "Rules": "id",
}

#: (model, column) → the column holding the value a problem in that column shows.
VALUE_COLUMN: dict[tuple[str, str], str] = {("Observations", "synthetic"): "_synthetic"}


def _season_codes() -> list[str]:
    return list(_lookup("seasons")())
