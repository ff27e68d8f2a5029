"""Rendering the notebooks of one report in a warm kernel: parameterise (papermill), execute
(nbclient, per-cell timeout), export (nbconvert, in-process) and write atomically.

A notebook that raises, hangs past the timeout or kills its kernel fails that page only: the
executed notebook is kept under `outputs/_failed/` with the error and the failing cell, the
kernel is replaced when it is dead or stuck, and the next notebook runs.

`render_plain` is the ordinary way (papermill.execute_notebook + nbconvert, a new kernel per
notebook), kept for the benchmark and as a reference.
"""

from __future__ import annotations

import ast
import copy
import datetime as dt
import json
import time
import traceback
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import nbformat
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from papermill.parameterize import parameterize_notebook

from dvcq_lib.exceptions import RenderError
from dvcq_lib.files import write_atomic
from dvcq_lib.render.export import to_html
from dvcq_lib.render.kernels import DEFAULT_TIMEOUT, WarmKernel, thread_kernel
from dvcq_lib.render.plan import ReportPlan

DONE, FAILED, SKIPPED = "done", "failed", "skipped"
#: The class of the banner the page header (templates/header.html.j2) puts on a synthetic page.
SYNTHETIC_MARK = 'class="dvcq-synthetic"'


@dataclass(frozen=True)
class PageResult:
    """What happened to one page (commune × period × notebook)."""

    period: str
    commune_code: str
    commune_key: str
    notebook: str
    status: str  # done | failed | skipped
    seconds: float = 0.0
    page: str = ""  # relative to the outputs folder
    error: str = ""
    kind: str = ""  # error | timeout | kernel_died | export | internal
    cell_index: int | None = None
    failed_notebook: str = ""
    rendered_at: str = ""
    inputs: str = ""  # hash of the inputs (see dvcq_lib.render.incremental)
    synthetic: bool = False  # the page carries the synthetic-data banner
    extra: dict = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True)


@cache
def _template(path: str, mtime: float) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:  # papermill expects every cell to carry a tags list
        cell.metadata.setdefault("tags", [])
    nb.metadata.setdefault("papermill", {})
    return nb


def _binds_literals_only(source: str) -> bool:
    """Whether all a cell does is bind names to literals (`x = 1`, `x: str = "a"`): nothing
    called, imported or shown that running it as a cell of its own could matter for."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Name) for t in stmt.targets):
            value = stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            value = stmt.value
        else:
            return False
        try:
            ast.literal_eval(value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return False
    return True


@cache
def _defaults_cell(path: str, mtime: float) -> tuple[int, str] | None:
    for index, cell in enumerate(_template(path, mtime).cells):
        if "parameters" in cell.metadata.get("tags", []):
            return (index, cell.source) if _binds_literals_only(cell.source) else None
    return None


def defaults_cell(path: Path) -> tuple[int, str] | None:
    """(index, source) of a notebook's `parameters` cell when all it does is bind names to
    literal defaults: it shows nothing and calls nothing, so the engine runs it together with
    the kernel reset, in one silent request, instead of as a cell of its own."""
    return _defaults_cell(str(path), path.stat().st_mtime)


def prepared_notebook(path: Path, parameters: dict) -> nbformat.NotebookNode:
    """The notebook with papermill's injected-parameters cell (read once per process).

    Cells without an id (older notebooks) and the injected cell get ids from their position,
    not random ones, so the same inputs give the same page.
    """
    source = _template(str(path), path.stat().st_mtime)
    nb = copy.deepcopy(source)
    known = {c.get("id") for c in nb.cells if c.get("id")}
    nb = parameterize_notebook(nb, parameters, kernel_name="python3", language="python")
    for i, cell in enumerate(nb.cells):
        if cell.get("id") not in known:
            cell["id"] = f"dvcq-{i}"
    return nb


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _failure(
    exc: BaseException, nb: nbformat.NotebookNode, name: str, cell_index: int | None
) -> RenderError:
    cell = nb.cells[cell_index] if cell_index is not None and cell_index < len(nb.cells) else None
    source = cell.source if cell is not None else ""
    if isinstance(exc, CellTimeoutError):
        return RenderError(
            name,
            "timeout",
            f"ô chạy quá thời gian cho phép (cell timed out): {str(exc).splitlines()[0]}",
            cell_index=cell_index,
            cell_source=source,
        )
    if isinstance(exc, DeadKernelError):
        return RenderError(
            name,
            "kernel_died",
            "kernel đã chết khi chạy ô (the kernel died)",
            cell_index=cell_index,
            cell_source=source,
        )
    if isinstance(exc, CellExecutionError):
        return RenderError(
            name, "error", f"{exc.ename}: {exc.evalue}", cell_index=cell_index, cell_source=source
        )
    return RenderError(
        name, "internal", f"{type(exc).__name__}: {exc}", cell_index=cell_index, cell_source=source
    )


def _keep_failed(
    plan: ReportPlan, name: str, nb: nbformat.NotebookNode, err: RenderError, tb: str
) -> Path:
    """The executed notebook (outputs up to the failing cell) and a readable error beside it."""
    target = plan.failed_notebook(name)
    nb.metadata["dvcq_error"] = {
        "kind": err.kind,
        "message": str(err),
        "cell_index": err.cell_index,
        "cell_source": err.cell_source,
    }
    write_atomic(target, nbformat.writes(nb))
    text = (
        f"{err}\n\nÔ lỗi (failing cell) #{err.cell_index}:\n{err.cell_source}\n\n"
        f"Chi tiết (traceback):\n{tb}"
    )
    write_atomic(target.with_suffix(".error.txt"), text)
    return target


def _clear_failed(plan: ReportPlan, name: str) -> None:
    target = plan.failed_notebook(name)
    target.unlink(missing_ok=True)
    target.with_suffix(".error.txt").unlink(missing_ok=True)


def render_notebook(
    plan: ReportPlan,
    name: str,
    kernel: WarmKernel,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    inputs: str = "",
) -> PageResult:
    """Run one notebook of a report in `kernel` and write its page; never raises for a
    notebook's own failure (returns a failed result instead)."""
    start = time.perf_counter()
    base = dict(
        period=plan.period,
        commune_code=plan.commune.code,
        commune_key=str(plan.commune.key),
        notebook=name,
        inputs=inputs,
    )
    nb = prepared_notebook(plan.notebooks[name], plan.parameters)
    current: list[int | None] = [None]
    try:
        kernel.execute(
            nb,
            timeout=timeout,
            on_cell=lambda i: current.__setitem__(0, i),
            defaults=defaults_cell(plan.notebooks[name]),
            reset=True,
        )
        html = to_html(nb, plan.title(name), plan.lang)
    except Exception as exc:  # noqa: BLE001 — a fault stays local to its page
        if isinstance(exc, (CellTimeoutError, DeadKernelError)) or not kernel.alive:
            kernel.restart()  # stuck or dead: the next notebook gets a fresh kernel
        err = _failure(exc, nb, name, current[0])
        tb = exc.args[0] if isinstance(exc, CellExecutionError) else traceback.format_exc()
        kept = _keep_failed(plan, name, nb, err, str(tb))
        result = PageResult(
            **base,
            status=FAILED,
            seconds=time.perf_counter() - start,
            error=str(err),
            kind=err.kind,
            cell_index=err.cell_index,
            failed_notebook=_relative(kept, plan.outputs_dir),
            rendered_at=_now(),
        )
    else:
        page = write_atomic(plan.page(name), html)
        _clear_failed(plan, name)
        result = PageResult(
            **base,
            status=DONE,
            seconds=time.perf_counter() - start,
            page=_relative(page, plan.outputs_dir),
            rendered_at=_now(),
            synthetic=SYNTHETIC_MARK in html,
        )
    write_atomic(plan.state_file(name), result.to_json())
    return result


def render_report(
    plan: ReportPlan,
    names: list[str] | None = None,
    *,
    kernel: WarmKernel | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    inputs: dict[str, str] | None = None,
) -> list[PageResult]:
    """Every notebook of one report, one after the other in one (warm) kernel."""
    kernel = kernel or thread_kernel(cwd=str(next(iter(plan.notebooks.values())).parent))
    inputs = inputs or {}
    return [
        render_notebook(plan, name, kernel, timeout=timeout, inputs=inputs.get(name, ""))
        for name in (names or list(plan.notebooks))
    ]


# ---------------------------------------------------------------------------------------------
# the plain way, for comparison
# ---------------------------------------------------------------------------------------------
def render_plain(plan: ReportPlan, name: str, *, timeout: float | None = DEFAULT_TIMEOUT) -> Path:
    """papermill.execute_notebook (its own kernel, graceful shutdown) + a fresh nbconvert
    exporter: what a script would do without this engine."""
    import papermill
    from nbconvert import HTMLExporter

    executed = papermill.execute_notebook(
        str(plan.notebooks[name]),
        None,
        parameters=plan.parameters,
        progress_bar=False,
        execution_timeout=timeout,
        kernel_name="python3",
    )
    body, _ = HTMLExporter(template_name="lab", exclude_input=True).from_notebook_node(executed)
    return write_atomic(plan.page(name), body)
