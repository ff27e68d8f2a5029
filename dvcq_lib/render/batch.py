"""`dvcq render --all`: every commune × period × notebook that has data, rendered by a pool of
warm kernels (or on a Dask cluster), incrementally, with faults kept to their own page.

A job is one commune × period: all its notebooks run one after the other in one worker's warm
kernel. Pages whose inputs are unchanged since their last successful render are skipped (see
`dvcq_lib.render.incremental`); `--force` renders them again. At the end: a summary table, the index
page (`outputs/index.html`), and exit status 1 if any page failed.
"""

from __future__ import annotations

import argparse
import io
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from dvcq_lib import communes
from dvcq_lib.checks import checks_for_folder
from dvcq_lib.cli import positive_int
from dvcq_lib.exceptions import ReportError
from dvcq_lib.files import sweep_temporary
from dvcq_lib.observations import (
    commune_keys,
    hand_over,
    read_observations,
    resolve_communes,
    scope_keys,
)
from dvcq_lib.paths import OUTPUTS_DIR
from dvcq_lib.periods import Period
from dvcq_lib.render.engine import DONE, FAILED, SKIPPED, PageResult, render_report
from dvcq_lib.render.executors import CHOICES, default_workers, make_executor
from dvcq_lib.render.incremental import InputIndex, is_current, previous_state
from dvcq_lib.render.kernels import DEFAULT_TIMEOUT, warm_up
from dvcq_lib.render.report import ReportPlan, check_parameters, select_notebooks
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
# which reports
# ---------------------------------------------------------------------------------------------
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
    """Every commune × period of the data, narrowed by the filters, as report plans.

    Raises ReportError when a filter matches nothing (a typo should not render nothing silently).
    """
    df = read_observations(data_dir)
    keys = commune_keys(df)
    pairs = pd.DataFrame({"key": keys, "period": df["period"].astype(str)}).drop_duplicates()
    if periods:
        wanted = [Period.parse(p).code for p in periods]
        missing = [p for p in wanted if p not in set(pairs["period"])]
        if missing:
            raise ReportError(
                f"Không có số liệu kỳ {', '.join(missing)} (no data for period); "
                "các kỳ có số liệu:",
                value=missing,
                candidates=sorted(set(pairs["period"])),
            )
        pairs = pairs[pairs["period"].isin(wanted)]
    if commune is not None:
        chosen = resolve_communes(df, commune, district=district, province=province)
        pairs = pairs[pairs["key"].isin(chosen)]
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
    chosen_notebooks = select_notebooks(notebooks, notebooks_dir)
    out_root = Path(outputs_dir or OUTPUTS_DIR)
    plans = []
    for key, period in sorted(
        pairs.itertuples(index=False, name=None), key=lambda kp: (Period.parse(kp[1]), kp[0])
    ):
        plans.append(
            ReportPlan(
                commune=communes.get(key),
                period=period,
                notebooks=chosen_notebooks,
                outputs_dir=out_root,
                data_dir=Path(data_dir) if data_dir else None,
                lang=lang,
            )
        )
    check_parameters(chosen_notebooks, plans[0].parameters)
    return plans


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


def run_plans(plans: list[ReportPlan], options: BatchOptions | argparse.Namespace) -> BatchResult:
    """Render the pages of these reports; returns every page's result (skipped ones too)."""
    if isinstance(options, argparse.Namespace):
        options = options_from_args(options, single=len(plans) == 1)
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
            from dvcq_lib.render.documents import render_documents

            results += render_documents(
                plans, kinds, data_dir=options.data_dir, force=options.force
            )
    finally:
        shutil.rmtree(handover, ignore_errors=True)
    outcome = BatchResult(results, time.perf_counter() - start)
    if options.write_index:
        from dvcq_lib.render.index import write_index

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


def options_from_args(args: argparse.Namespace, *, single: bool = False) -> BatchOptions:
    executor = args.executor or ("serial" if single else "local")
    return BatchOptions(
        outputs_dir=Path(args.outputs or OUTPUTS_DIR),
        data_dir=args.data,
        executor=executor,
        workers=args.workers,
        scheduler=args.scheduler,
        force=args.force,
        timeout=args.timeout or DEFAULT_TIMEOUT,
        progress=not args.no_progress,
        deck=bool(getattr(args, "deck", False)),
        xlsx=bool(getattr(args, "xlsx", False)),
    )


def report_outcome(outcome: BatchResult) -> int:
    print(summary_text(outcome))
    return outcome.exit_code


def run_from_args(args: argparse.Namespace) -> int:
    """`dvcq render --all [filters]`."""
    plans = plan_batch(
        periods=args.period,
        commune=args.commune,
        district=args.district,
        province=args.province,
        notebooks=args.notebook,
        notebooks_dir=args.notebooks_dir,
        data_dir=args.data,
        outputs_dir=args.outputs,
        lang=args.lang,
    )
    return report_outcome(run_plans(plans, args))


def add_batch_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--force",
        action="store_true",
        help="dựng lại cả trang không đổi (render unchanged pages again)",
    )
    p.add_argument(
        "--executor",
        choices=CHOICES,
        default=None,
        help="local (mặc định: mỗi lõi một kernel), threads, processes, serial, dask",
    )
    p.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        help=f"số kernel chạy song song (default: số lõi = {default_workers()})",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        help="địa chỉ Dask scheduler, vd. tcp://10.0.0.5:8786 (với --executor dask)",
    )
    p.add_argument("--no-progress", action="store_true", help="không hiện thanh tiến trình")
    p.add_argument(
        "--deck",
        action="store_true",
        help="thêm bản trình chiếu report.pptx cho mỗi báo cáo (also a slide deck per report)",
    )
    p.add_argument(
        "--xlsx",
        action="store_true",
        help="thêm bảng tính report.xlsx cho mỗi báo cáo (also an Excel workbook per report)",
    )
