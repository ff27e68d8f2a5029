"""The commands that render: `dvcq render` (one report, or `--all` of them), `dvcq deck` (the
slide deck / workbook of one report) and `dvcq report` (the main job of `make report`: the data
summary, then every report and the index). They parse options, plan (`dvcq_lib.render.plan`)
and run (`dvcq_lib.render.run`); nothing else.

`dvcq render --commune "Đông Sơn" --district "Yên Thế" --period 2024-H1` renders one report;
`dvcq render --all [--period ...] [--district ...]` every report the filters select.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from dvcq_lib.exceptions import ReportError, UsageError
from dvcq_lib.options import add_options, positive_int, positive_seconds, writable_dir
from dvcq_lib.paths import OUTPUTS_DIR
from dvcq_lib.periods import Period
from dvcq_lib.render.documents import document_path, render_documents
from dvcq_lib.render.executors import CHOICES, default_workers
from dvcq_lib.render.kernels import DEFAULT_TIMEOUT
from dvcq_lib.render.plan import LANGUAGES, ReportPlan, plan_batch, plan_report
from dvcq_lib.render.run import BatchOptions, report_outcome, run_plans
from dvcq_lib.summary import run_summary


# ---------------------------------------------------------------------------------------------
# options
# ---------------------------------------------------------------------------------------------
def add_report_arguments(p: argparse.ArgumentParser) -> None:
    """Which report(s): the shared place/period/folder options, and the notebooks."""
    add_options(
        p,
        "commune",
        "district",
        "province",
        "period",
        "data",
        "outputs",
        repeat={"period"},
        help={
            "district": "huyện (cũ) — phân biệt tên trùng / lọc (legacy district)",
            "period": "kỳ báo cáo, vd. 2024-H1 (có thể lặp lại với --all)",
        },
    )
    p.add_argument(
        "--notebook",
        action="append",
        help="chỉ notebook này (tên tệp, vd. agriculture; có thể lặp lại)",
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


def add_batch_arguments(p: argparse.ArgumentParser) -> None:
    """How to run: incremental or forced, which executor, how many kernels, which documents."""
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


def _plan_one(args: argparse.Namespace, what: str) -> ReportPlan:
    if not args.commune or not args.period or len(args.period) != 1:
        raise ReportError(what)
    return plan_report(
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


# ---------------------------------------------------------------------------------------------
# dvcq render
# ---------------------------------------------------------------------------------------------
def run_render(args: argparse.Namespace) -> int:
    check_render_arguments(args)
    if args.all:
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
        return report_outcome(run_plans(plans, options_from_args(args, single=len(plans) == 1)))
    plan = _plan_one(
        args,
        "Cần --commune và một --period, hoặc --all (need --commune and one --period, or --all)",
    )
    print(f"Báo cáo {plan.commune.describe()}, {Period.parse(plan.period).label_vi}")
    return report_outcome(run_plans([plan], options_from_args(args, single=True)))


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
    add_report_arguments(p)
    add_batch_arguments(p)
    p.set_defaults(func=run_render)


# ---------------------------------------------------------------------------------------------
# dvcq deck
# ---------------------------------------------------------------------------------------------
def run_deck(args: argparse.Namespace) -> int:
    """`dvcq deck --commune … --period …`: the slide deck (and with --xlsx the workbook) of one
    report, without rendering its pages."""
    plan = _plan_one(args, "Cần --commune và một --period (need --commune and one --period)")
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
    add_report_arguments(p)
    p.add_argument("--xlsx", action="store_true", help="thêm bảng tính .xlsx (also a workbook)")
    p.add_argument("--force", action="store_true", help="viết lại dù không đổi (write again)")
    p.set_defaults(func=run_deck)


# ---------------------------------------------------------------------------------------------
# dvcq report
# ---------------------------------------------------------------------------------------------
def run_report(args: argparse.Namespace) -> int:
    """The summary of the data, then every report of it rendered (incrementally) + the index."""
    writable_dir(args.outputs or OUTPUTS_DIR, "thư mục kết quả (outputs)")
    run_summary(args)
    print()
    plans = plan_batch(data_dir=args.data, outputs_dir=args.outputs)
    print(
        f"Dựng {len(plans)} báo cáo xã × kỳ, {len(plans[0].notebooks)} trang mỗi báo cáo "
        f"(rendering {len(plans)} commune × period reports)"
    )
    options = BatchOptions(
        outputs_dir=plans[0].outputs_dir, data_dir=args.data, workers=args.workers, force=args.force
    )
    return report_outcome(run_plans(plans, options))


def configure_report(sub: argparse._SubParsersAction) -> None:
    """`dvcq report`: the main job of `make report` — the data summary, then every report."""
    p = sub.add_parser(
        "report",
        help="việc chính của `make report`: tóm tắt dữ liệu rồi dựng "
        "mọi báo cáo và trang mục lục (the main job)",
    )
    add_options(p, "data", "outputs", help={"outputs": "thư mục kết quả (outputs/)"})
    p.add_argument(
        "--workers", type=positive_int, default=None, help="số kernel chạy song song (≥ 1)"
    )
    p.add_argument("--force", action="store_true", help="dựng lại cả trang không đổi")
    p.set_defaults(func=run_report)
