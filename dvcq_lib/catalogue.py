"""The indicator catalogue: what each indicator code means, its unit, kind and how it adds up
across communes. Read from `data/catalogue/indicators.csv`; notebooks take names and units from
here, never from string literals.

Aggregation across communes (and across merged units): flows and stocks are summed; ratios,
rates and yields are recomputed from their formula over summed components, never averaged.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from dvcq_lib import units as units_mod
from dvcq_lib.exceptions import CatalogueError
from dvcq_lib.paths import CATALOGUE_DIR

DOMAINS = ("profile", "agriculture", "dossiers", "petitions")
KINDS = ("flow", "stock", "ratio")
AGGREGATIONS = ("sum", "formula", "none")
DOMAIN_LABELS_VI = {
    "profile": "Khái quát",
    "agriculture": "Nông nghiệp",
    "dossiers": "Thủ tục hành chính",
    "petitions": "Tiếp dân, đơn thư",
}
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


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


def formula_codes(formula: str) -> tuple[str, ...]:
    """The names a formula reads, in order of appearance.

    >>> formula_codes("dossiers_on_time / dossiers_resolved * 100")
    ('dossiers_on_time', 'dossiers_resolved')
    """
    names = [n.id for n in ast.walk(ast.parse(formula, mode="eval")) if isinstance(n, ast.Name)]
    return tuple(dict.fromkeys(names))


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
        """The indicators of one domain (profile, agriculture, dossiers, petitions).

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


def validate(cat: Catalogue) -> list[str]:
    """Every inconsistency in the catalogue, as messages (empty when valid).

    >>> validate(catalogue())
    []
    >>> bad = Indicator("Rice", "farming", "Lúa", "Rice", "sào", "ratio", "sum")
    >>> for message in validate(Catalogue((bad,))):
    ...     print(message)
    indicators.csv [Rice]: mã phải là chữ thường ascii và _ (snake_case)
    indicators.csv [Rice]: domain 'farming' ∉ ('profile', 'agriculture', 'dossiers', 'petitions')
    indicators.csv [Rice]: đơn vị 'sào' không có trong units.csv
    indicators.csv [Rice]: chỉ tiêu tỷ lệ phải tính lại bằng công thức (formula)
    """
    problems = []
    seen: set[str] = set()
    known_units = units_mod.units()
    for i in cat.indicators:
        where = f"indicators.csv [{i.code}]"
        if i.code in seen:
            problems.append(f"{where}: mã trùng (duplicate code)")
        seen.add(i.code)
        if not _CODE.match(i.code):
            problems.append(f"{where}: mã phải là chữ thường ascii và _ (snake_case)")
        if i.domain not in DOMAINS:
            problems.append(f"{where}: domain {i.domain!r} ∉ {DOMAINS}")
        if i.kind not in KINDS:
            problems.append(f"{where}: kind {i.kind!r} ∉ {KINDS}")
        if i.aggregation not in AGGREGATIONS:
            problems.append(f"{where}: aggregation {i.aggregation!r} ∉ {AGGREGATIONS}")
        if i.unit not in known_units:
            problems.append(f"{where}: đơn vị {i.unit!r} không có trong units.csv")
        if not i.name_vi or not i.name_en:
            problems.append(f"{where}: thiếu tên tiếng Việt hoặc tiếng Anh")
        if i.kind == "ratio" and (i.aggregation != "formula" or not i.formula):
            problems.append(f"{where}: chỉ tiêu tỷ lệ phải tính lại bằng công thức (formula)")
        if i.aggregation == "formula" and not i.formula:
            problems.append(f"{where}: aggregation=formula nhưng thiếu formula")
        if i.formula:
            try:
                codes = formula_codes(i.formula)
            except SyntaxError:
                problems.append(f"{where}: công thức không đọc được: {i.formula!r}")
                continue
            problems += [
                f"{where}: công thức dùng mã không tồn tại {c!r}"
                for c in codes
                if c not in {x.code for x in cat.indicators}
            ]
    return problems


def _flag(text: str, code: str, column: str) -> bool:
    if text.strip() not in ("0", "1"):
        raise CatalogueError(
            f"indicators.csv [{code}]: cột {column} phải là 0 hoặc 1, không phải {text!r}",
            code=code,
        )
    return text.strip() == "1"


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
    df = pd.read_csv(path or CATALOGUE_DIR / "indicators.csv", dtype=str, keep_default_na=False)
    cat = Catalogue(
        tuple(
            Indicator(
                code=r.code.strip(),
                domain=r.domain.strip(),
                name_vi=r.name_vi.strip(),
                name_en=r.name_en.strip(),
                unit=r.unit.strip(),
                kind=r.kind.strip(),
                aggregation=r.aggregation.strip(),
                formula=r.formula.strip() or None,
                seasonal=_flag(r.seasonal, r.code, "seasonal"),
                compare_previous=_flag(r.compare_previous, r.code, "compare_previous"),
                lower_is_better=_flag(
                    getattr(r, "lower_is_better", "") or "0", r.code, "lower_is_better"
                ),
            )
            for r in df.itertuples(index=False)
        )
    )
    if problems := validate(cat):
        raise CatalogueError("Danh mục chỉ tiêu không hợp lệ:\n  - " + "\n  - ".join(problems))
    return cat
