"""Running report plans: every page of them rendered by a pool of warm kernels (or on a Dask
cluster), incrementally, with faults kept to their own page (`dvcq render`, `dvcq report`).

A job is one commune × period: all its notebooks run one after the other in one worker's warm
kernel. Pages whose inputs are unchanged since their last successful render are skipped (see
`dvcq_lib.render.incremental`); `--force` renders them again. At the end: a summary table, the index
page (`outputs/index.html`), and exit status 1 if any page failed.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from dvcq_lib.checks import checks_for_folder
from dvcq_lib.files import sweep_temporary
from dvcq_lib.observations import hand_over, read_observations
from dvcq_lib.paths import OUTPUTS_DIR
from dvcq_lib.render.documents import render_documents
from dvcq_lib.render.engine import DONE, FAILED, SKIPPED, PageResult, render_report
from dvcq_lib.render.executors import make_executor
from dvcq_lib.render.incremental import InputIndex, is_current, previous_state
from dvcq_lib.render.index import write_index
from dvcq_lib.render.kernels import DEFAULT_TIMEOUT, warm_up
from dvcq_lib.render.plan import ReportPlan
from dvcq_lib.render.scratch import run_dir


@dataclass(frozen=True)
class Job:
    """One commune × period: the notebooks to render and the hash of each one's inputs."""

    plan: ReportPlan
    notebooks: tuple[str, ...]
    inputs: dict[str, str] = field(hash=False)
    timeout: float | None = DEFAULT_TIMEOUT


def render_job(job: Job) -> list[PageResult]:
    """Run in a worker (a kernel thread, a pool process or Dask): the job's pages in that
    worker's warm kernel."""
    return render_report(job.plan, list(job.notebooks), timeout=job.timeout, inputs=job.inputs)


@dataclass(frozen=True)
class BatchOptions:
    outputs_dir: Path = OUTPUTS_DIR
    data_dir: Path | None = None
    executor: str = "local"
    workers: int | None = None
    scheduler: str | None = None
    force: bool = False
    timeout: float | None = DEFAULT_TIMEOUT
    progress: bool = True
    write_index: bool = True
    #: Also write each report's slide deck / Excel workbook (`dvcq_lib.render.documents`).
    deck: bool = False
    xlsx: bool = False


@dataclass
class BatchResult:
    results: list[PageResult]
    seconds: float
    index: Path | None = None

    @property
    def counts(self) -> Counter:
        return Counter(r.status for r in self.results)

    @property
    def failures(self) -> list[PageResult]:
        return [r for r in self.results if r.status == FAILED]

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0


# ---------------------------------------------------------------------------------------------
# running them
# ---------------------------------------------------------------------------------------------
def make_jobs(
    plans: Iterable[ReportPlan], options: BatchOptions
) -> tuple[list[Job], list[PageResult]]:
    """Split pages into work to do and pages skipped because their inputs are unchanged."""
    index = InputIndex(
        read_observations(options.data_dir), lambda: checks_for_folder(options.data_dir)
    )
    jobs, skipped = [], []
    for plan in plans:
        todo, inputs = [], {}
        for name in plan.notebooks:
            digest = index.page_digest(plan, name)
            if not options.force and is_current(plan, name, digest):
                state = previous_state(plan, name) or {}
                skipped.append(
                    PageResult(
                        period=plan.period,
                        commune_code=plan.commune.code,
                        commune_key=str(plan.commune.key),
                        notebook=name,
                        status=SKIPPED,
                        page=state.get("page", ""),
                        rendered_at=state.get("rendered_at", ""),
                        inputs=digest,
                    )
                )
                continue
            todo.append(name)
            inputs[name] = digest
        if todo:
            jobs.append(Job(plan, tuple(todo), inputs, options.timeout))
    return jobs, skipped


def _crashed(job: Job, exc: BaseException) -> list[PageResult]:
    """A worker died under a job (not a notebook failure: those are results)."""
    return [
        PageResult(
            period=job.plan.period,
            commune_code=job.plan.commune.code,
            commune_key=str(job.plan.commune.key),
            notebook=name,
            status=FAILED,
            kind="worker",
            error=f"{type(exc).__name__}: {exc}",
            inputs=job.inputs[name],
        )
        for name in job.notebooks
    ]


def run_plans(plans: list[ReportPlan], options: BatchOptions) -> BatchResult:
    """Render the pages of these reports; returns every page's result (skipped ones too)."""
    start = time.perf_counter()
    sweep_temporary(options.outputs_dir) if Path(options.outputs_dir).exists() else None
    executor = make_executor(options.executor, workers=options.workers, scheduler=options.scheduler)
    # the hand-over pickle lives in this run's folder: removed below, or by the next run if
    # this one is killed
    handover = Path(tempfile.mkdtemp(prefix="batch-", dir=run_dir()))
    try:
        if _never_rendered(plans, options):
            # a first (or forced) batch: workers start their kernels while this process hashes
            # every page's inputs; a batch of unchanged pages starts no kernel at all
            cwd = str(next(iter(plans[0].notebooks.values())).parent)
            data_dir = str(options.data_dir) if options.data_dir else None
            handed = _hand_over(options, handover / "observations.pickle")
            executor.start(warm_up, (data_dir, cwd, handed))
        results = _run_jobs(plans, options, executor)
        kinds = [k for k in ("deck", "xlsx") if getattr(options, k)]
        if kinds:
            results += render_documents(
                plans, kinds, data_dir=options.data_dir, force=options.force
            )
    finally:
        shutil.rmtree(handover, ignore_errors=True)
    outcome = BatchResult(results, time.perf_counter() - start)
    if options.write_index:
        outcome.index = write_index(options.outputs_dir, data_dir=options.data_dir)
    return outcome


def _hand_over(options: BatchOptions, path: Path) -> str:
    """The checked observations, written for the local kernels to take over instead of reading
    and checking every file again ("" for a remote cluster or a single kernel started on
    demand, or if they cannot be written)."""
    if options.executor in ("dask", "serial"):
        return ""
    try:
        return str(hand_over(options.data_dir, path))
    except Exception:  # noqa: BLE001 — the kernels then read the files themselves
        return ""


def _run_jobs(plans: list[ReportPlan], options: BatchOptions, executor) -> list[PageResult]:
    jobs, results = make_jobs(plans, options)
    pages = sum(len(j.notebooks) for j in jobs)
    counts = Counter({SKIPPED: len(results)})
    with tqdm(
        total=pages,
        unit="trang",
        desc="Dựng báo cáo",
        disable=not options.progress,
        dynamic_ncols=True,
    ) as bar:
        bar.set_postfix(counts_postfix(counts))
        for job, res, exc in executor.run(render_job, jobs):
            page_results = res if exc is None else _crashed(job, exc)
            results.extend(page_results)
            counts.update(r.status for r in page_results)
            bar.update(len(page_results))
            bar.set_postfix(counts_postfix(counts))
    return results


def _never_rendered(plans: list[ReportPlan], options: BatchOptions) -> bool:
    """Whether some page surely needs rendering: forced, or never rendered successfully."""
    if not plans:
        return False
    if options.force:
        return True
    for plan in plans:
        for name in plan.notebooks:
            state = previous_state(plan, name)
            if not state or state.get("status") != DONE:
                return True
    return False


def counts_postfix(counts: Counter) -> dict[str, int]:
    return {"xong": counts[DONE], "lỗi": counts[FAILED], "bỏ qua": counts[SKIPPED]}


def summary_text(outcome: BatchResult) -> str:
    """The closing table: counts, time per page, each failure, the index."""
    from rich.console import Console
    from rich.table import Table

    counts = outcome.counts
    rendered = [r for r in outcome.results if r.status in (DONE, FAILED)]
    table = Table(title="Kết quả dựng báo cáo (render summary)")
    for col in ("Trạng thái (status)", "Số trang (pages)"):
        table.add_column(col)
    for status, label in (
        (DONE, "xong (done)"),
        (FAILED, "lỗi (failed)"),
        (SKIPPED, "bỏ qua — không đổi (skipped, unchanged)"),
    ):
        table.add_row(label, str(counts[status]))
    console = Console(record=True, width=110, file=io.StringIO())
    console.print(table)
    per_page = outcome.seconds / len(rendered) if rendered else 0.0
    console.print(
        f"Thời gian (time): {outcome.seconds:.1f} s"
        + (f", {per_page:.2f} s/trang dựng" if rendered else "")
    )
    if outcome.failures:
        fail = Table(title="Trang lỗi (failed pages)", show_lines=False)
        for col in ("Kỳ", "Mã xã", "Notebook", "Loại", "Lỗi", "Notebook đã chạy"):
            fail.add_column(col, overflow="fold")
        for r in outcome.failures:
            fail.add_row(
                r.period, r.commune_code, r.notebook, r.kind, r.error[:200], r.failed_notebook
            )
        console.print(fail)
    if outcome.index:
        console.print(f"Trang mục lục (index): {outcome.index}")
    return console.export_text()


def report_outcome(outcome: BatchResult) -> int:
    print(summary_text(outcome))
    return outcome.exit_code
