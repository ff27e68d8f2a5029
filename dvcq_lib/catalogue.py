"""The indicator catalogue: what each indicator code means, its unit, kind and how it adds up
across communes. Read from `data/catalogue/indicators.csv`; notebooks take names and units from
here, never from string literals.

Aggregation across communes (and across merged units): flows and stocks are summed; ratios,
rates and yields are recomputed from their formula over summed components, never averaged.
"""

from __future__ import annotations

import ast
import dataclasses
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from dvcq_lib import datasets
from dvcq_lib.contracts import DOMAINS, formula_codes
from dvcq_lib.exceptions import CatalogueError, CatalogueTableError, Problem
from dvcq_lib.units import units

#: What the contract of indicators.csv looks up: the units of units.csv.
LOOKUPS = {"units": units}

#: The 0/1 columns of indicators.csv.
FLAG_COLUMNS = ("seasonal", "compare_previous", "lower_is_better")
DOMAIN_LABELS_VI = {
    "profile": "Khái quát",
    "agriculture": "Nông nghiệp",
    "dossiers": "Thủ tục hành chính",
    "petitions": "Tiếp dân, đơn thư",
    "budget": "Thu chi ngân sách",
}


@dataclass(frozen=True)
class Indicator:
    """One indicator of data/catalogue/indicators.csv.

    >>> rice = catalogue()["rice_area"]
    >>> rice.domain, rice.unit, rice.kind, rice.aggregation, rice.seasonal
    ('agriculture', 'ha', 'flow', 'sum', True)
    """

    code: str
    domain: str
    name_vi: str
    name_en: str
    unit: str
    kind: str
    aggregation: str
    formula: str | None = None
    #: Crop figures reported per season (vụ): the `season` column of observations applies.
    seasonal: bool = False
    #: A change against the previous half-year means something (False for seasonal crop
    #: flows, where H1 against the previous H2 compares two different crop seasons).
    compare_previous: bool = True
    #: A smaller value ranks first (fewer overdue dossiers, fewer pending petitions).
    lower_is_better: bool = False

    def name(self, lang: str = "vi") -> str:
        """The name for a reader.

        >>> catalogue()["rice_yield"].name(), catalogue()["rice_yield"].name("en")
        ('Năng suất lúa', 'Rice yield')
        """
        return self.name_en if lang == "en" else self.name_vi

    @property
    def components(self) -> tuple[str, ...]:
        """Indicator codes the formula reads, in order of appearance.

        >>> catalogue()["rice_yield"].components
        ('rice_output', 'rice_area')
        """
        return formula_codes(self.formula) if self.formula else ()

    def compute(self, values: dict[str, float]) -> float:
        """Evaluate the formula on component values; NaN when a component is missing or zero.

        >>> catalogue()["rice_yield"].compute({"rice_output": 1273.1, "rice_area": 219.5})
        58.0
        >>> catalogue()["rice_yield"].compute({"rice_output": 1273.1})
        nan
        """
        if not self.formula:
            raise CatalogueError(f"{self.code} không có công thức (no formula)", code=self.code)
        env = {c: float(values.get(c, float("nan"))) for c in self.components}
        try:
            return float(_eval(ast.parse(self.formula, mode="eval").body, env))
        except ZeroDivisionError:
            return float("nan")


_OPS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


def _eval(node: ast.AST, env: dict):
    """Arithmetic over names and numbers only: no calls, no attributes (formulas are data)."""
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_eval(node.left, env), _eval(node.right, env))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_eval(node.operand, env)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return node.value
    if isinstance(node, ast.Name):
        return env[node.id]
    raise CatalogueError(f"biểu thức không được phép trong công thức: {ast.dump(node)}")


def evaluate(formula: str, frame: pd.DataFrame) -> pd.Series:
    """Evaluate an arithmetic formula column-wise over a wide frame (columns = codes).

    A missing component gives NaN, and so does a zero denominator (never inf).

    >>> w = pd.DataFrame({"rice_output": [1273.1, 5.0], "rice_area": [219.5, 0.0]})
    >>> evaluate("rice_output / rice_area * 10", w).tolist()
    [58.0, nan]
    """
    nan = pd.Series(float("nan"), index=frame.index)
    env = {c: frame[c].astype("float64") if c in frame else nan for c in formula_codes(formula)}
    result = pd.Series(_eval(ast.parse(formula, mode="eval").body, env), index=frame.index)
    return result.astype("float64").replace([float("inf"), float("-inf")], float("nan"))


@dataclass(frozen=True)
class Catalogue:
    """Every indicator, looked up by code (`catalogue()` loads the bundled one).

    >>> cat = catalogue()
    >>> cat["dossiers_on_time_rate"].formula
    'dossiers_on_time / dossiers_resolved * 100'
    """

    indicators: tuple[Indicator, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {i.code: i for i in self.indicators})

    def __getitem__(self, code: str) -> Indicator:
        try:
            return self._by_code[code]  # type: ignore[attr-defined]
        except KeyError:
            raise CatalogueError(
                f"Chỉ tiêu {code!r} không có trong danh mục data/catalogue/indicators.csv "
                "(unknown indicator)",
                code=code,
            ) from None

    def __contains__(self, code: object) -> bool:
        return code in self._by_code  # type: ignore[attr-defined]

    def __iter__(self):
        return iter(self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)

    @property
    def codes(self) -> list[str]:
        """Every code, in the order of indicators.csv.

        >>> catalogue().codes[:3]
        ['natural_area', 'villages', 'households']
        """
        return [i.code for i in self.indicators]

    def in_domain(self, domain: str) -> list[Indicator]:
        """The indicators of one domain (profile, agriculture, dossiers, petitions, budget).

        >>> [i.code for i in catalogue().in_domain("petitions")][:2]
        ['petitions_received', 'petitions_resolved']
        >>> catalogue().in_domain("health")
        Traceback (most recent call last):
        dvcq_lib.exceptions.CatalogueError: Lĩnh vực 'health' không hợp lệ; ...
        """
        if domain not in DOMAINS:
            raise CatalogueError(f"Lĩnh vực {domain!r} không hợp lệ; cần một trong {DOMAINS}")
        return [i for i in self.indicators if i.domain == domain]

    def to_frame(self) -> pd.DataFrame:
        """The catalogue as a frame indexed by code.

        >>> catalogue().to_frame().loc["rice_yield", ["unit", "kind", "aggregation"]].tolist()
        ['tạ/ha', 'ratio', 'formula']
        """
        return pd.DataFrame([i.__dict__ for i in self.indicators]).set_index("code")


def validate(cat: Catalogue, file: str = "indicators.csv") -> list[str]:
    """Every inconsistency in the catalogue, as messages (empty when valid): the contract of
    indicators.csv (`contracts.Indicators`) and the one rule across rows, that a formula reads
    codes of the catalogue.

    >>> validate(catalogue())
    []
    >>> bad = Indicator("Rice", "farming", "Lúa", "Rice", "sào", "ratio", "sum")
    >>> for message in validate(Catalogue((bad,))):
    ...     print(message.split(", cột ")[1])
    aggregation: 'sum' — chỉ tiêu tỷ lệ phải tính lại bằng công thức (formula) (code 'Rice')
    code: 'Rice' — mã phải là chữ thường ascii và _ (snake_case)
    domain: 'farming' — một trong: profile, agriculture, dossiers, petitions, budget (code 'Rice')
    unit: 'sào' — đơn vị không có trong units.csv (code 'Rice')
    """
    found = datasets.problems("indicators", _as_table(cat), file=file, lookups=LOOKUPS)
    return [str(p) for p in found + formula_problems(cat, file)]


def _as_table(cat: Catalogue) -> pd.DataFrame:
    """The catalogue as indicators.csv holds it (text cells)."""
    rows = [
        {
            **{k: str(v or "") for k, v in i.__dict__.items() if isinstance(v, str) or v is None},
            **{k: str(int(getattr(i, k))) for k in FLAG_COLUMNS},
        }
        for i in cat.indicators
    ]
    columns = [f.name for f in dataclasses.fields(Indicator)]
    return pd.DataFrame(rows, columns=columns, dtype=str).fillna("")


def formula_problems(cat: Catalogue, file: str = "indicators.csv") -> list[Problem]:
    """Named check across rows: every code a formula reads is a code of the catalogue."""
    known = {i.code for i in cat.indicators}
    out = []
    for row, i in enumerate(cat.indicators, start=2):
        try:
            codes = formula_codes(i.formula) if i.formula else ()
        except SyntaxError:
            continue  # the contract says it does not read
        out += [
            Problem(file, row, "formula", i.formula, f"công thức dùng mã không tồn tại {c!r}")
            for c in codes
            if c not in known
        ]
    return out


@cache
def catalogue(path: Path | None = None) -> Catalogue:
    """The indicator catalogue, loaded once; raises CatalogueError if the file is inconsistent.

    >>> cat = catalogue()
    >>> cat["rice_yield"].unit, "rice_area" in cat
    ('tạ/ha', True)
    >>> cat["rice"]
    Traceback (most recent call last):
    dvcq_lib.exceptions.CatalogueError: Chỉ tiêu 'rice' không có trong danh mục ...
    """
    table = datasets.read("indicators", path, lookups=LOOKUPS)
    if "lower_is_better" not in table:
        table["lower_is_better"] = "0"
    flags = {c: table[c].replace("", "0") == "1" for c in FLAG_COLUMNS}
    cat = Catalogue(
        tuple(
            Indicator(
                code=r.code,
                domain=r.domain,
                name_vi=r.name_vi,
                name_en=r.name_en,
                unit=r.unit,
                kind=r.kind,
                aggregation=r.aggregation,
                formula=r.formula or None,
                **{c: bool(flags[c].iloc[n]) for c in FLAG_COLUMNS},
            )
            for n, r in enumerate(table.itertuples(index=False))
        )
    )
    if problems := formula_problems(cat, table.attrs["file"]):
        raise CatalogueTableError(problems, context="danh mục chỉ tiêu")
    return cat
