"""`dvcq ingest REPORT...` → review sheet; `dvcq ingest --accept REVIEW.csv` → merge;
`dvcq template` → the Excel workbook communes fill.

Every path ends in a message: a wrong folder, file or option is an error (exit 2) that names
what was given and what exists, never a traceback, and never creates a data folder."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from dvcq_lib.exceptions import DataFolderError, DvcqError, IngestUsageError, ReportReadError
from dvcq_lib.ingest import ingest_report
from dvcq_lib.ingest.review import (
    accept_review,
    default_review_path,
    read_sheet,
    review_rows,
    save_review,
)
from dvcq_lib.ingest.review_page import write_review_page
from dvcq_lib.options import add_options, writable_file
from dvcq_lib.paths import DATA_DIR, OBSERVATIONS_SUBDIR

#: Options that only mean something when reading reports (not with --accept), and back.
READING_ONLY = ("commune", "district", "province", "period", "review", "override")
ACCEPT_ONLY = ("replace",)


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _data_folders_near(path: Path) -> list[str]:
    """Data folders (holding observations/) beside or inside the nearest existing parent."""
    base = path.absolute()
    while not base.exists() and base != base.parent:
        base = base.parent
    candidates = [base, *(sorted(base.iterdir())[:200] if base.is_dir() else [])]
    found = [str(c) for c in candidates if (c / OBSERVATIONS_SUBDIR).is_dir()]
    default = str(DATA_DIR) + " (mặc định, không cần --data)"
    return [*found[:10], default] if DATA_DIR.is_dir() else found[:10]


def check_data_folder(given: Path | None, *, merging: bool) -> Path:
    """The data folder `--data` names; an error (nothing created) when there is none.

    Reading reports needs an existing folder (the review sheet goes into its review/); merging
    needs a data folder, one holding observations/."""
    if given is None:
        return DATA_DIR
    path = Path(given)
    if not path.exists():
        raise DataFolderError(str(given), "không có thư mục này", _data_folders_near(path))
    if not path.is_dir():
        raise DataFolderError(
            str(given), "là một tệp, không phải thư mục", _data_folders_near(path)
        )
    if merging and not (path / OBSERVATIONS_SUBDIR).is_dir():
        raise DataFolderError(
            str(given),
            f"không có thư mục con {OBSERVATIONS_SUBDIR}/ (nếu đây là thư mục dữ liệu mới, tạo "
            f"nó trước: mkdir -p {path / OBSERVATIONS_SUBDIR})",
            _data_folders_near(path),
        )
    return path


def check_options(args: argparse.Namespace) -> None:
    """Options that do not go together are errors, not silently ignored."""
    if args.accept is not None:
        if args.reports:
            raise IngestUsageError(
                "--accept",
                "nhận một bảng rà soát, không kèm báo cáo ("
                + ", ".join(map(str, args.reports))
                + ")",
            )
        wrong = [_flag(o) for o in READING_ONLY if getattr(args, o, None) not in (None, False)]
        if wrong:
            raise IngestUsageError(", ".join(wrong), "chỉ dùng khi đọc báo cáo, không với --accept")
        return
    wrong = [_flag(o) for o in ACCEPT_ONLY if getattr(args, o, False)]
    if wrong:
        raise IngestUsageError(", ".join(wrong), "chỉ dùng với --accept BẢNG_RÀ_SOÁT.csv")
    if not args.reports:
        raise ReportReadError(
            "(không có tệp)",
            "cần ít nhất một báo cáo: dvcq ingest BAOCAO.docx "
            "hoặc dvcq ingest --accept BANG_RA_SOAT.csv",
        )


def run_ingest(args: argparse.Namespace) -> int:
    check_options(args)
    if args.accept is not None:
        return _accept(args)
    data = check_data_folder(args.data, merging=False)
    if any(Path(p).is_dir() for p in args.reports):
        from dvcq_lib.ingest.folder import run_folder  # a folder of reports (issue 13)

        return run_folder(args)
    if args.review is not None and Path(args.review).is_dir():
        raise IngestUsageError("--review", f"{args.review} là một thư mục; cần đường dẫn tệp .csv")
    if not (data / OBSERVATIONS_SUBDIR).is_dir():
        print(f"Lưu ý: {data} chưa có {OBSERVATIONS_SUBDIR}/ — mọi số liệu được đánh dấu 'mới'")
    sheets, errors = [], []
    for path in args.reports:
        read = _read_one(path, args, errors)
        if read is not None and args.review is None:
            rows, res = read
            _save(rows, default_review_path(res.commune, res.period, data), data, res)
        elif read is not None:
            sheets.append(read)
    if args.review is not None and sheets:
        one = sheets[0][1] if len(sheets) == 1 else None  # a review page shows one report
        _save(pd.concat([r for r, _ in sheets], ignore_index=True), args.review, data, one)
    if len(errors) == 1 and len(args.reports) == 1:
        raise errors[0][1]  # one report: its own error, as it is
    if errors:
        lines = [f"{path}: {err}" for path, err in errors]
        raise ReportReadError(f"{len(errors)} tệp", "\n  - " + "\n  - ".join(lines))
    print("Sửa cột accept (1 = nhận, 0 = bỏ), rồi chạy: dvcq ingest --accept <bảng rà soát>")
    return 0


def _read_one(path: Path, args: argparse.Namespace, errors: list[tuple[Path, DvcqError]]):
    """One report as (review rows, commune, period); a bad file is noted, the others go on."""
    try:
        res = ingest_report(
            path,
            commune=args.commune,
            period=args.period,
            district=args.district,
            province=args.province,
            override=args.override,
        )
    except DvcqError as err:
        errors.append((path, err))
        return None
    rows = review_rows(list(res.proposals), res.commune, res.period, str(path))
    flagged = int((rows["accept"] == "0").sum())
    print(
        f"{path}: {res.commune.describe()}, kỳ {res.period.label_vi} — "
        f"{len(rows)} số liệu đề xuất, {flagged} cần rà soát "
        f"({len(rows)} figures proposed, {flagged} flagged)"
    )
    return rows, res


def _save(rows: pd.DataFrame, path: Path, data: Path, res=None) -> None:
    written, note = save_review(rows, path, data)
    print(f"  Bảng rà soát (review sheet): {written}")
    if note:
        print(f"  ({note})")
    if res is not None:
        page = write_review_page(res, read_sheet(written), written)  # the sheet as saved
        print(f"  Trang rà soát (review page): {page}")


def _accept(args: argparse.Namespace) -> int:
    data = check_data_folder(args.data, merging=True)
    try:
        res = accept_review(args.accept, data, replace=args.replace)
    except KeyboardInterrupt:
        print("Đã dừng khi đang gộp: mọi tệp dữ liệu vẫn như trước (nothing merged).")
        raise
    for f in res.recovered:
        print(f"  Đã khôi phục sau lần gộp bị dừng (restored after an interrupted merge): {f}")
    print(
        f"Đã gộp (merged): {len(res.added)} mới, {len(res.unchanged)} đã có (không đổi), "
        f"{len(res.replaced)} ghi đè (added, unchanged, replaced)"
    )
    if res.overridden:
        print(
            f"  {len(res.overridden)} giá trị của reference/ hoặc demo/ được thay bằng dòng "
            "trong ingested/ (các thư mục đó không bị sửa)"
        )
    for f in res.files:
        print(f"  Tệp dữ liệu (data file): {f}")
    if res.history:
        print(f"  Giá trị cũ lưu tại (history): {res.history}")
    return 0


def configure(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ingest",
        help="đọc báo cáo (.txt/.md/.docx/.pdf/ảnh quét/.doc/.odt/.xlsx hoặc một thư mục), "
        "đề xuất số liệu để rà soát, rồi gộp "
        "(read reports, review, merge)",
    )
    p.add_argument(
        "reports",
        nargs="*",
        type=Path,
        metavar="BÁO_CÁO",
        help="tệp báo cáo (.txt, .md, .docx, .pdf, ảnh quét .png/.jpg/.tif, .doc, .odt, .rtf, "
        "mẫu Excel đã điền) hoặc một thư mục báo cáo",
    )
    add_options(
        p,
        "commune",
        "district",
        "province",
        "period",
        help={
            "commune": "xã/phường (tên hoặc mã) nếu báo cáo không ghi rõ",
            "district": "huyện, để phân biệt các xã trùng tên",
            "province": "tỉnh, để phân biệt các xã trùng tên",
            "period": "kỳ báo cáo, vd. 2024-H1 (nếu tiêu đề không ghi rõ)",
        },
    )
    p.add_argument(
        "--override",
        action="store_true",
        help="cho phép --commune/--period khác với tiêu đề của báo cáo (mặc định: báo lỗi)",
    )
    p.add_argument(
        "--review",
        type=Path,
        default=None,
        help="nơi ghi bảng rà soát (mặc định: data/review/<mã>_<xã>_<kỳ>.review.csv); "
        "bảng đã có được gộp, không bị ghi đè; với một thư mục báo cáo: thư mục ghi các bảng",
    )
    p.add_argument(
        "--accept",
        type=Path,
        default=None,
        metavar="BẢNG_RÀ_SOÁT",
        help="gộp các dòng đã nhận của bảng rà soát vào dữ liệu",
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="thay giá trị khác đã có (giá trị cũ được lưu vào history/)",
    )
    add_options(p, "data")
    p.set_defaults(func=run_ingest)


def run_template(args: argparse.Namespace) -> int:
    from dvcq_lib.ingest.excel import write_template

    writable_file(args.out, "mẫu Excel (template)")  # not a folder, its folder writable
    print(f"Mẫu Excel (template): {write_template(args.out)}")
    return 0


def configure_template(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("template", help="tạo mẫu Excel cho xã điền số liệu (Excel template)")
    p.add_argument(
        "--out",
        type=Path,
        default=Path("mau_bao_cao_xa.xlsx"),
        help="tệp .xlsx sẽ tạo (default: mau_bao_cao_xa.xlsx)",
    )
    p.set_defaults(func=run_template)
