"""Planning one report: which commune, which period, which notebooks, which parameters, and
where the pages go — all decided and checked BEFORE any kernel starts, so that a typo in a
commune name costs a clear message, not a kernel start.

Layout: `outputs/<period>/<commune-code>-<slug>/<notebook>.html`, charts in `charts/` beside.
`dvcq render --commune "Đông Sơn" --district "Yên Thế" --period 2024-H1` renders one report;
`dvcq render --all [...]` hands over to `dvcq_lib.render.batch`.
"""

from __future__ import annotations

import argparse
import ast
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import nbformat
import pandas as pd
import papermill

from dvcq_lib import register
from dvcq_lib.cli import positive_seconds, writable_dir
from dvcq_lib.exceptions import (
    AmbiguousCommuneError,
    CommuneNotFoundError,
    ReportError,
    UsageError,
)
from dvcq_lib.observations import commune_keys, read_observations, resolve_communes
from dvcq_lib.page import meta
from dvcq_lib.paths import NOTEBOOKS_DIR, OUTPUTS_DIR
from dvcq_lib.periods import Period

#: The only names the engine may inject (the contract between notebooks and engine).
PARAMETER_NAMES = ("commune", "period", "district", "province", "data_dir", "output_dir", "lang")
LANGUAGES = ("vi", "en")
#: Folders of `outputs/` that are not periods.
FAILED_DIR = "_failed"
STATE_DIR = "_state"


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
        """What is injected: the code (unambiguous with the period), never a name."""
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


def resolve_period(period: object, df: pd.DataFrame) -> str:
    """The canonical period code; a period without data is an error listing those with data."""
    code = Period.parse(period).code
    present = [str(p) for p in df["period"].cat.categories if (df["period"] == p).any()]
    if code not in present:
        raise ReportError(
            f"Không có số liệu kỳ {code} (no data for this period); "
            f"các kỳ có số liệu: {', '.join(present) or 'không có'}",
            value=period,
        )
    return code


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
    if isinstance(commune, float) and commune.is_integer():
        commune = int(commune)
    rows = df[df["period"].astype(str) == period]
    keys = resolve_communes(
        rows, commune, district=district or None, province=province or None, period=period
    )
    present = set(commune_keys(rows).unique())
    in_data = sorted(keys & present)
    if not in_data:
        found = [register.get(k.split(":")[1], k.split(":")[0]) for k in sorted(keys)]
        names = ", ".join(c.describe() for c in found) or str(commune)
        have = sorted(
            {
                str(p)
                for k, p in zip(commune_keys(df), df["period"].astype(str), strict=True)
                if k in keys
            }
        )
        raise ReportError(
            f"Không có số liệu của {names} kỳ {period} (no data for this commune and "
            f"period); các kỳ có số liệu của xã: {', '.join(have) or 'không có'}",
            value=commune,
        )
    if len(in_data) > 1:
        found = [register.get(k.split(":")[1], k.split(":")[0]) for k in in_data]
        raise AmbiguousCommuneError(str(commune), [c.describe() for c in found])
    system, code = in_data[0].split(":")
    return register.get(code, system)


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
    if lang not in LANGUAGES:
        raise ReportError(
            f"Ngôn ngữ {lang!r} không hỗ trợ (unsupported language)",
            value=lang,
            candidates=list(LANGUAGES),
        )
    df = read_observations(data_dir)
    code = resolve_period(period, df)
    unit = resolve_commune(df, commune, code, district=district, province=province)
    chosen = select_notebooks(notebooks, notebooks_dir)
    plan = ReportPlan(
        commune=unit,
        period=code,
        notebooks=chosen,
        outputs_dir=Path(outputs_dir or OUTPUTS_DIR),
        data_dir=Path(data_dir) if data_dir else None,
        lang=lang,
    )
    check_parameters(chosen, plan.parameters)
    return plan


# ---------------------------------------------------------------------------------------------
# the command
# ---------------------------------------------------------------------------------------------
def add_common_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--commune", help="tên hoặc mã xã/phường (name or code)")
    p.add_argument("--district", help="huyện (cũ) — phân biệt tên trùng / lọc (legacy district)")
    p.add_argument("--province", help="tỉnh (province)")
    p.add_argument(
        "--period", action="append", help="kỳ báo cáo, vd. 2024-H1 (có thể lặp lại với --all)"
    )
    p.add_argument(
        "--notebook",
        action="append",
        help="chỉ notebook này (tên tệp, vd. agriculture; có thể lặp lại)",
    )
    p.add_argument("--data", type=Path, default=None, help="thư mục dữ liệu (default: data/)")
    p.add_argument(
        "--outputs",
        type=Path,
        default=None,
        help="thư mục kết quả (default: outputs/, or $DVCQ_OUTPUTS)",
    )
    p.add_argument(
        "--notebooks-dir", type=Path, default=None, help="thư mục notebook (default: notebooks/)"
    )
    p.add_argument("--lang", default="vi", choices=LANGUAGES, help="ngôn ngữ (vi, en)")
    p.add_argument(
        "--timeout",
        type=positive_seconds,
        default=None,
        help="giới hạn giây cho mỗi ô, > 0 (per-cell timeout, default 600)",
    )


def check_render_arguments(args: argparse.Namespace) -> None:
    """What argparse cannot check alone, before any data is read: combinations of options, and
    that the outputs folder can be written (not found out after the first page)."""
    if args.scheduler and args.executor != "dask":
        raise UsageError(
            f"--scheduler {args.scheduler} chỉ dùng với --executor dask (đang chọn: "
            f"{args.executor or 'local'}) (--scheduler needs --executor dask)",
            value=args.scheduler,
        )
    writable_dir(args.outputs or OUTPUTS_DIR, "thư mục kết quả (outputs)")


def run_render(args: argparse.Namespace) -> int:
    check_render_arguments(args)
    if args.all:
        from dvcq_lib.render.batch import run_from_args

        return run_from_args(args)
    if not args.commune or not args.period or len(args.period) != 1:
        raise ReportError(
            "Cần --commune và một --period, hoặc --all (need --commune and one --period, or --all)"
        )
    from dvcq_lib.render import batch

    plan = plan_report(
        args.commune,
        args.period[0],
        district=args.district,
        province=args.province,
        notebooks=args.notebook,
        notebooks_dir=args.notebooks_dir,
        data_dir=args.data,
        outputs_dir=args.outputs,
        lang=args.lang,
    )
    print(f"Báo cáo {plan.commune.describe()}, {Period.parse(plan.period).label_vi}")
    return batch.report_outcome(batch.run_plans([plan], args))


def run_deck(args: argparse.Namespace) -> int:
    """`dvcq deck --commune … --period …`: the slide deck (and with --xlsx the workbook) of one
    report, without rendering its pages."""
    if not args.commune or not args.period or len(args.period) != 1:
        raise ReportError("Cần --commune và một --period (need --commune and one --period)")
    from dvcq_lib.render.documents import document_path, render_documents

    plan = plan_report(
        args.commune,
        args.period[0],
        district=args.district,
        province=args.province,
        notebooks=args.notebook,
        notebooks_dir=args.notebooks_dir,
        data_dir=args.data,
        outputs_dir=args.outputs,
        lang=args.lang,
    )
    kinds = ["deck", "xlsx"] if args.xlsx else ["deck"]
    results = render_documents([plan], kinds, data_dir=plan.data_dir, force=args.force)
    for r in results:
        print(
            f"{r.status}: {document_path(plan, r.notebook)}" + (f" — {r.error}" if r.error else "")
        )
    return 1 if any(r.status == "failed" for r in results) else 0


def configure_deck(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "deck",
        help="bản trình chiếu .pptx của một báo cáo (slide deck of a report)",
        description='dvcq deck --commune "Đông Sơn" --period 2024-H1 [--xlsx]',
    )
    add_common_arguments(p)
    p.add_argument("--xlsx", action="store_true", help="thêm bảng tính .xlsx (also a workbook)")
    p.add_argument("--force", action="store_true", help="viết lại dù không đổi (write again)")
    p.set_defaults(func=run_deck)


def configure(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "render",
        help="dựng trang báo cáo HTML (render HTML reports)",
        description='dvcq render --commune "Đông Sơn" --district "Yên Thế" '
        "--period 2024-H1   |   dvcq render --all [--period ...]",
    )
    p.add_argument(
        "--all",
        action="store_true",
        help="mọi xã × kỳ × notebook có số liệu (every commune × period with data)",
    )
    add_common_arguments(p)
    from dvcq_lib.render.batch import add_batch_arguments

    add_batch_arguments(p)
    p.set_defaults(func=run_render)


__all__ = [
    "ReportPlan",
    "plan_report",
    "notebook_set",
    "select_notebooks",
    "check_parameters",
    "declared_parameters",
    "CommuneNotFoundError",
]
