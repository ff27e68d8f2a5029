"""`dvcq ingest REPORT...` → review sheet; `dvcq ingest --accept REVIEW.csv` → merge;
`dvcq template` → the Excel workbook communes fill."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from dvcq_lib.exceptions import DvcqError, ReportReadError
from dvcq_lib.ingest import ingest_report
from dvcq_lib.ingest.review import (
    accept_review,
    default_review_path,
    mark_status,
    review_rows,
    write_review,
)
from dvcq_lib.ingest.review_page import write_review_page


def run_ingest(args: argparse.Namespace) -> int:
    if args.accept:
        if args.reports:
            raise ReportReadError(
                ", ".join(map(str, args.reports)),
                "--accept nhận một bảng rà soát, không kèm báo cáo",
            )
        return _accept(args)
    if not args.reports:
        raise ReportReadError(
            "(không có tệp)",
            "cần ít nhất một báo cáo: dvcq ingest BAOCAO.docx "
            "hoặc dvcq ingest --accept BANG_RA_SOAT.csv",
        )
    if any(Path(p).is_dir() for p in args.reports):
        from dvcq_lib.ingest.folder import run_folder  # a folder of reports (issue 13)

        return run_folder(args)
    sheets, errors = [], []
    for path in args.reports:
        try:
            res = ingest_report(
                path,
                commune=args.commune,
                period=args.period,
                district=args.district,
                province=args.province,
            )
        except DvcqError as err:  # report every bad file, keep going with the others
            errors.append(f"{path}: {err}")
            continue
        rows = mark_status(
            review_rows(list(res.proposals), res.commune, res.period, str(path)), args.data
        )
        flagged = int((rows["accept"] == "0").sum())
        print(
            f"{path}: {res.commune.describe()}, kỳ {res.period.label_vi} — "
            f"{len(rows)} số liệu đề xuất, {flagged} cần rà soát "
            f"({len(rows)} figures proposed, {flagged} flagged)"
        )
        if args.review is None:
            out = default_review_path(res.commune, res.period, args.data)
            print(f"  Bảng rà soát (review sheet): {write_review(rows, out)}")
            print(f"  Trang rà soát (review page): {write_review_page(res, rows, out)}")
        else:
            sheets.append((res, rows))
    if args.review is not None and sheets:
        out = write_review(pd.concat([rows for _, rows in sheets]), args.review)
        print(f"Bảng rà soát (review sheet): {out}")
        if len(sheets) == 1:  # a page shows one report
            print(f"Trang rà soát (review page): {write_review_page(*sheets[0], out)}")
    if errors:
        raise ReportReadError(f"{len(errors)} tệp", "\n  - " + "\n  - ".join(errors))
    print("Sửa cột accept (1 = nhận, 0 = bỏ), rồi chạy: dvcq ingest --accept <bảng rà soát>")
    return 0


def _accept(args: argparse.Namespace) -> int:
    res = accept_review(args.accept, args.data, replace=args.replace)
    print(
        f"Đã gộp (merged): {len(res.added)} mới, {len(res.unchanged)} đã có (không đổi), "
        f"{len(res.replaced)} ghi đè (added, unchanged, replaced)"
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
    p.add_argument("--commune", help="xã/phường (tên hoặc mã) nếu báo cáo không ghi rõ")
    p.add_argument("--district", help="huyện, để phân biệt các xã trùng tên")
    p.add_argument("--province", help="tỉnh, để phân biệt các xã trùng tên")
    p.add_argument("--period", help="kỳ báo cáo, vd. 2024-H1 (nếu tiêu đề không ghi rõ)")
    p.add_argument(
        "--review",
        type=Path,
        default=None,
        help="nơi ghi bảng rà soát (mặc định: data/review/<xã>_<kỳ>.review.csv); với một "
        "thư mục báo cáo: thư mục ghi các bảng",
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
        help="ghi đè giá trị khác đã có (giá trị cũ được lưu vào history)",
    )
    p.add_argument("--data", type=Path, default=None, help="thư mục dữ liệu (default: data/)")
    p.set_defaults(func=run_ingest)


def run_template(args: argparse.Namespace) -> int:
    from dvcq_lib.ingest.excel import write_template

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
