"""Planning reports: which commune × period, which notebooks, which parameters, and where the
pages go — all decided and checked BEFORE any kernel starts, so that a typo in a commune name
costs a clear message, not a kernel start. One selection (`select_reports`) serves one report
(`plan_report`) and a batch (`plan_batch`) alike.

Layout: `outputs/<period>/<commune-code>-<slug>/<notebook>.html`, charts in `charts/` beside.
The notebooks' parameters are declared here once (`PARAMETERS`): the notebook builder writes
them (`parameters_cell`), the planner injects them, the tests check the notebooks against them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import nbformat
import pandas as pd
import papermill

from dvcq_lib import communes, register
from dvcq_lib.exceptions import ReportError
from dvcq_lib.observations import commune_keys, read_observations, resolve_communes, scope_keys
from dvcq_lib.page import meta
from dvcq_lib.paths import NOTEBOOKS_DIR, OUTPUTS_DIR
from dvcq_lib.periods import Period


@dataclass(frozen=True)
class NotebookParameter:
    """One name of a report notebook's `parameters` cell: its type, default (Python source) and
    the comment a reader sees (no "=" in it: papermill skips a line with two "=")."""

    name: str
    type: str
    default: str
    help: str

    @property
    def line(self) -> str:
        return f"{self.name}: {self.type} = {self.default}  # {self.help}"


#: The contract between the notebooks and the engine: the only names it may inject.
PARAMETERS = (
    NotebookParameter("commune", "str", '"07273"', "mã hoặc tên xã/phường (code or name)"),
    NotebookParameter("period", "str", '"2024-H1"', "kỳ báo cáo: 2024-H1, 2024-H2, 2024"),
    NotebookParameter(
        "district",
        "str",
        '""',
        "huyện cũ, để phân biệt tên trùng (legacy district, to disambiguate)",
    ),
    NotebookParameter("province", "str", '""', "tỉnh (province)"),
    NotebookParameter("data_dir", "str", '""', "thư mục dữ liệu; để trống: data/ của dự án"),
    NotebookParameter(
        "output_dir",
        "str",
        '""',
        "thư mục của trang báo cáo; biểu đồ lưu vào output_dir/charts/; để trống: không lưu",
    ),
    NotebookParameter("lang", "str", '"vi"', "ngôn ngữ: vi hoặc en"),
)
PARAMETER_NAMES = tuple(p.name for p in PARAMETERS)
LANGUAGES = ("vi", "en")
#: Folders of `outputs/` that are not periods.
FAILED_DIR = "_failed"
STATE_DIR = "_state"


def parameters_cell() -> str:
    """The source of every report notebook's `parameters` cell (scripts/build_notebooks.py)."""
    return "\n".join(p.line for p in PARAMETERS)


# ---------------------------------------------------------------------------------------------
# notebooks
# ---------------------------------------------------------------------------------------------
def notebook_set(notebooks_dir: Path | str | None = None) -> dict[str, Path]:
    """Every report notebook: the `*.ipynb` files of `notebooks/`, by file stem."""
    folder = Path(notebooks_dir or NOTEBOOKS_DIR)
    return {p.stem: p for p in sorted(folder.glob("*.ipynb")) if not p.name.startswith(".")}


def select_notebooks(
    names: Iterable[str] | None = None, notebooks_dir: Path | str | None = None
) -> dict[str, Path]:
    """The notebooks named (all when None); an unknown name is an error listing the known ones."""
    available = notebook_set(notebooks_dir)
    if not available:
        raise ReportError(
            f"Không có notebook báo cáo nào trong {notebooks_dir or NOTEBOOKS_DIR} "
            "(no report notebooks found)",
            value=str(notebooks_dir),
        )
    if names is None:
        return available
    names = list(names)
    unknown = [n for n in names if n not in available]
    if unknown:
        raise ReportError(
            f"Không có notebook {', '.join(map(repr, unknown))} (unknown notebook); "
            "các notebook có:",
            value=unknown,
            candidates=list(available),
        )
    return {n: available[n] for n in names}


def _assigned_names(source: str) -> list[str]:
    """Top-level names assigned in a cell (what papermill misses: it skips any line with a
    second "=", e.g. in a comment)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names = []
    for node in tree.body:
        targets = [node.target] if isinstance(node, ast.AnnAssign) else getattr(node, "targets", [])
        names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names


@cache
def _declared(path: str, mtime: float) -> tuple[str, ...]:
    names = list(papermill.inspect_notebook(path))
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    extra = _assigned_names(cells[0].source) if cells else []
    return tuple(names + [n for n in extra if n not in names])


def declared_parameters(path: Path) -> tuple[str, ...]:
    """The names in a notebook's `parameters` cell (papermill.inspect_notebook, completed by
    the cell's own assignments; cached by mtime)."""
    return _declared(str(path), path.stat().st_mtime)


def check_parameters(notebooks: dict[str, Path], parameters: dict[str, object]) -> None:
    """Every parameter we pass must be declared by every notebook (papermill only warns)."""
    problems = []
    for path in notebooks.values():
        declared = declared_parameters(path)
        if not declared:
            problems.append(f"{path}: không có ô được gắn thẻ 'parameters' (no parameters cell)")
            continue
        problems += [
            f"{path}: tham số {k!r} không có trong ô parameters (khai báo: {', '.join(declared)})"
            for k in parameters
            if k not in declared
        ]
    if problems:
        raise ReportError(
            "Tham số không khớp với notebook (unknown parameter):",
            value=sorted(parameters),
            candidates=problems,
        )


# ---------------------------------------------------------------------------------------------
# one report
# ---------------------------------------------------------------------------------------------
def report_folder(outputs_dir: Path, period: str, commune: register.Commune) -> Path:
    return Path(outputs_dir) / period / f"{commune.code}-{commune.slug}"


@dataclass(frozen=True)
class ReportPlan:
    """Everything a worker needs to render one commune × period (no data, only names)."""

    commune: register.Commune
    period: str  # canonical code: "2024-H1"
    notebooks: dict[str, Path] = field(hash=False)
    outputs_dir: Path
    data_dir: Path | None = None
    lang: str = "vi"

    @property
    def folder(self) -> Path:
        return report_folder(self.outputs_dir, self.period, self.commune)

    @property
    def relative_folder(self) -> str:
        return f"{self.period}/{self.commune.code}-{self.commune.slug}"

    def page(self, notebook: str) -> Path:
        return self.folder / f"{notebook}.html"

    def failed_notebook(self, notebook: str) -> Path:
        return self.outputs_dir / FAILED_DIR / self.relative_folder / f"{notebook}.ipynb"

    def state_file(self, notebook: str) -> Path:
        return self.outputs_dir / STATE_DIR / self.relative_folder / f"{notebook}.json"

    @property
    def parameters(self) -> dict[str, str]:
        """What is injected (names of `PARAMETERS`): the code (unambiguous with the period),
        never a name."""
        return {
            "commune": self.commune.code,
            "period": self.period,
            "data_dir": str(self.data_dir) if self.data_dir else "",
            "output_dir": str(self.folder),
            "lang": self.lang,
        }

    def title(self, notebook: str) -> str:
        """The page's <title>: notebook title (notebooks.csv), commune, period in words."""
        label = meta.title(notebook, self.lang)
        return f"{label} — {self.commune.name}, {Period.parse(self.period).label(self.lang)}"


# ---------------------------------------------------------------------------------------------
# which reports: one selection for one report and for a batch
# ---------------------------------------------------------------------------------------------
def resolve_periods(periods: Sequence[object], df: pd.DataFrame) -> list[str]:
    """The canonical period codes; a period without data is an error listing those with data."""
    present = [str(p) for p in df["period"].cat.remove_unused_categories().cat.categories]
    codes = [Period.parse(p).code for p in periods]
    missing = [c for c in codes if c not in present]
    if missing:
        raise ReportError(
            f"Không có số liệu kỳ {', '.join(missing)} (no data for this period); "
            f"các kỳ có số liệu: {', '.join(present) or 'không có'}",
            value=missing[0] if len(missing) == 1 else missing,
        )
    return codes


def resolve_commune(
    df: pd.DataFrame,
    commune: object,
    period: str,
    *,
    district: str | None = None,
    province: str | None = None,
) -> register.Commune:
    """The one commune of the data that a name or code designates for this period.

    Codes that lost their leading zero (papermill's `-p commune 07273` gives 7273) are accepted;
    a name ambiguous in the country but unique in the data is fine.
    """
    return communes.resolve(
        commune, district=district, province=province, period=period, data=df, in_period=True
    )


def select_reports(
    df: pd.DataFrame,
    *,
    periods: Sequence[object] | None = None,
    commune: object = None,
    district: str | None = None,
    province: str | None = None,
    single: bool = False,
) -> list[tuple[register.Commune, str]]:
    """The commune × period pairs of the data that the filters designate, by period then key.

    `single`: exactly one report — one period, and the commune must designate one unit of the
    data in it (`resolve_commune`); otherwise a commune name keeps every unit it designates.
    A filter that matches nothing is an error (a typo should not render nothing silently).
    """
    # the key depends on the code and the period only: made for each distinct pair, not per row
    units = df[["commune_code", "period"]].drop_duplicates()
    pairs = pd.DataFrame(
        {"key": commune_keys(units).to_numpy(), "period": units["period"].astype(str).to_numpy()}
    ).drop_duplicates()
    if periods:
        pairs = pairs[pairs["period"].isin(resolve_periods(periods, df))]
    if single:
        (period,) = periods  # type: ignore[misc]
        one = resolve_commune(
            df, commune, Period.parse(period).code, district=district, province=province
        )
        pairs = pairs[pairs["key"] == one.key]
    elif commune is not None:
        keys = resolve_communes(df, commune, district=district, province=province)
        pairs = pairs[pairs["key"].isin(keys)]
    elif district or province:
        pairs = pairs[pairs["key"].isin(scope_keys(district, province))]
    if pairs.empty:
        raise ReportError(
            "Không có báo cáo nào khớp bộ lọc (no commune × period matches the filters)",
            value={
                "period": periods,
                "commune": commune,
                "district": district,
                "province": province,
            },
        )
    ordered = sorted(
        pairs.itertuples(index=False, name=None), key=lambda kp: (Period.parse(kp[1]), kp[0])
    )
    return [(communes.get(k), p) for k, p in ordered]


def plan_reports(
    *,
    periods: Sequence[object] | None = None,
    commune: object = None,
    district: str | None = None,
    province: str | None = None,
    notebooks: Sequence[str] | None = None,
    notebooks_dir: Path | str | None = None,
    data_dir: Path | str | None = None,
    outputs_dir: Path | str | None = None,
    lang: str = "vi",
    single: bool = False,
) -> list[ReportPlan]:
    """The selected reports as plans, their notebooks and parameters checked."""
    if lang not in LANGUAGES:
        raise ReportError(
            f"Ngôn ngữ {lang!r} không hỗ trợ (unsupported language)",
            value=lang,
            candidates=list(LANGUAGES),
        )
    df = read_observations(data_dir)
    chosen = select_reports(
        df,
        periods=periods,
        commune=commune,
        district=district,
        province=province,
        single=single,
    )
    books = select_notebooks(notebooks, notebooks_dir)
    plans = [
        ReportPlan(
            commune=unit,
            period=period,
            notebooks=books,
            outputs_dir=Path(outputs_dir or OUTPUTS_DIR),
            data_dir=Path(data_dir) if data_dir else None,
            lang=lang,
        )
        for unit, period in chosen
    ]
    check_parameters(books, plans[0].parameters)
    return plans


def plan_report(
    commune: object,
    period: object,
    *,
    district: str | None = None,
    province: str | None = None,
    notebooks: Sequence[str] | None = None,
    notebooks_dir: Path | str | None = None,
    data_dir: Path | str | None = None,
    outputs_dir: Path | str | None = None,
    lang: str = "vi",
) -> ReportPlan:
    """Resolve and check one report before anything runs.

    Args:
        commune: name ("Đông Sơn"), code ("07273") or a code that lost its zero (7273).
        period: "2024-H1", "6 tháng đầu năm 2024", ...
        district, province: narrow a commune name.
        notebooks: names (file stems) to render; all of `notebooks/` when None.
        data_dir, outputs_dir, notebooks_dir: folders (defaults: the project's).
        lang: vi or en.

    Raises:
        PeriodError: a malformed period.
        ReportError: no data for the period or commune, an unknown notebook or parameter.
        CommuneNotFoundError / AmbiguousCommuneError: the commune query.

    >>> plan_report("Đông Sơn", "2024-H1", district="Yên Thế").folder.name
    '07273-dong-son'
    """
    (plan,) = plan_reports(
        periods=[period],
        commune=commune,
        district=district,
        province=province,
        notebooks=notebooks,
        notebooks_dir=notebooks_dir,
        data_dir=data_dir,
        outputs_dir=outputs_dir,
        lang=lang,
        single=True,
    )
    return plan


def plan_batch(
    *,
    periods: Sequence[object] | None = None,
    commune: object = None,
    district: str | None = None,
    province: str | None = None,
    notebooks: Sequence[str] | None = None,
    notebooks_dir: Path | str | None = None,
    data_dir: Path | str | None = None,
    outputs_dir: Path | str | None = None,
    lang: str = "vi",
) -> list[ReportPlan]:
    """Every commune × period of the data, narrowed by the filters, as report plans (a commune
    name keeps every unit it designates; district/province alone keep their communes).

    Raises ReportError when a filter matches nothing (a typo should not render nothing silently).
    """
    return plan_reports(
        periods=periods,
        commune=commune,
        district=district,
        province=province,
        notebooks=notebooks,
        notebooks_dir=notebooks_dir,
        data_dir=data_dir,
        outputs_dir=outputs_dir,
        lang=lang,
    )
