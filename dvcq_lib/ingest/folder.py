"""`dvcq ingest REPORTS_DIR/`: every file of a folder (and its sub-folders) read as a report —
commune and period detected in each, one review sheet (and review page) per report, one line
per file that cannot be read saying why, then a table: file, commune, period, figures, flagged,
status. Exit status 1 when some files could not be read."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from dvcq_lib.exceptions import DvcqError, ReportReadError
from dvcq_lib.ingest import IngestResult, ingest_report
from dvcq_lib.ingest.review import (
    default_review_path,
    mark_status,
    read_sheet,
    review_rows,
    save_review,
)

#: A progress bar is shown from this many files on.
PROGRESS_FROM = 4
STATUS_OK = "đã đọc"
STATUS_FAILED = "không đọc được"


@dataclass(frozen=True)
class Outcome:
    """What became of one file of the folder."""

    path: Path
    commune: str = ""
    period: str = ""
    figures: int = 0
    flagged: int = 0
    review: Path | None = None
    page: Path | None = None
    error: str = ""

    @property
    def status(self) -> str:
        return STATUS_FAILED if self.error else STATUS_OK


def report_files(folder: Path, skip: Path | None = None) -> list[Path]:
    """Every file under `folder`, sorted; files under `skip` (where sheets are written) left out."""
    out = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        if skip is not None and path.resolve().is_relative_to(skip.resolve()):
            continue
        out.append(path)
    return out


def _sheet_path(res: IngestResult, args: argparse.Namespace, taken: set[Path]) -> Path:
    """Where one report's sheet goes: --review names a folder here; two reports of the same
    commune and period in one folder get numbered sheets, never one over the other."""
    if args.review is not None:
        base = Path(args.review) / default_review_path(res.commune, res.period).name
    else:
        base = default_review_path(res.commune, res.period, args.data)
    path, n = base, 2
    while path in taken:
        path = base.with_name(base.name.replace(".review.csv", f".{n}.review.csv"))
        n += 1
    taken.add(path)
    return path


def ingest_one(path: Path, args: argparse.Namespace, taken: set[Path]) -> Outcome:
    from dvcq_lib.ingest.review_page import write_review_page

    try:
        res = ingest_report(
            path,
            commune=args.commune,
            period=args.period,
            district=args.district,
            province=args.province,
            override=args.override,
        )
    except ReportReadError as err:  # the path is on the line already
        return Outcome(path, error=" ".join(err.expected.split()))
    except DvcqError as err:
        return Outcome(path, error=" ".join(str(err).split()))
    rows = mark_status(
        review_rows(list(res.proposals), res.commune, res.period, str(path)), args.data
    )
    # an earlier sheet of this report is merged, never overwritten (the analyst's edits kept)
    sheet, _ = save_review(rows, _sheet_path(res, args, taken), args.data)
    page = write_review_page(res, read_sheet(sheet), sheet)  # the sheet as saved (merged)
    return Outcome(
        path,
        f"{res.commune.name} ({res.commune.code})",
        res.period.code,
        len(rows),
        int((rows["accept"] == "0").sum()),
        sheet,
        page,
    )


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for k, r in enumerate(rows):
        lines.append(
            "  ".join(
                c.ljust(w) if i < 3 else c.rjust(w) if i < 5 else c
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            ).rstrip()
        )
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def summary_table(outcomes: list[Outcome], folder: Path) -> str:
    head = ["tệp (file)", "xã (commune)", "kỳ (period)", "số liệu", "cần rà soát", "trạng thái"]
    rows = [head]
    for o in outcomes:
        name = str(o.path.relative_to(folder)) if o.path.is_relative_to(folder) else str(o.path)
        rows.append(
            [
                name,
                o.commune or "—",
                o.period or "—",
                str(o.figures) if not o.error else "—",
                str(o.flagged) if not o.error else "—",
                o.status,
            ]
        )
    return _table(rows)


def run_folder(args: argparse.Namespace) -> int:
    """Every report of the folder(s) given; 1 when some file could not be read."""
    files: list[Path] = []
    roots: list[Path] = []
    for given in args.reports:
        given = Path(given)
        if given.is_dir():
            roots.append(given)
            files += report_files(given, skip=args.review)
        else:
            files.append(given)
    taken: set[Path] = set()
    outcomes: list[Outcome] = []
    bar = tqdm(
        files,
        desc="Đọc báo cáo",
        unit="tệp",
        file=sys.stderr,
        disable=len(files) < PROGRESS_FROM,
        leave=False,
    )
    for path in bar:
        bar.set_postfix_str(path.name[-30:], refresh=False)
        o = ingest_one(path, args, taken)
        outcomes.append(o)
        if o.error:
            tqdm.write(f"Bỏ qua (skipped) {path}: {o.error}", file=sys.stdout)
    bar.close()
    root = roots[0] if len(roots) == 1 else Path(".")
    print(summary_table(outcomes, root))
    failed = sum(1 for o in outcomes if o.error)
    done = len(outcomes) - failed
    print(
        f"{done} báo cáo đã đọc, {failed} tệp không đọc được ({done} read, {failed} failed). "
        "Bảng rà soát (review sheets): "
        + (str(Path(args.review)) if args.review else str(default_review_dir(args)))
    )
    if done:
        print("Sửa cột accept (1 = nhận, 0 = bỏ), rồi chạy: dvcq ingest --accept <bảng rà soát>")
    return 1 if failed else 0


def default_review_dir(args: argparse.Namespace) -> Path:
    from dvcq_lib.ingest.review import REVIEW_SUBDIR
    from dvcq_lib.paths import DATA_DIR

    return Path(args.data or DATA_DIR) / REVIEW_SUBDIR
