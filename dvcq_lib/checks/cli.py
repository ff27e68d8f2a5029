"""`dvcq check`: run the data-quality checks, print the findings, write them as CSV.

Exit status: 1 when any error-severity finding is in the selection, 0 otherwise (2 on bad input,
from the main CLI). The checks always run on the whole data folder — outliers need history and
peers, balances the previous period — and the selection only chooses which findings to show.
A selection that holds no data is an error saying so (and what the data do hold), never "no
findings": nothing was checked.
"""

from __future__ import annotations

import argparse
import sys
from functools import cache
from pathlib import Path

import pandas as pd

from dvcq_lib import communes, register
from dvcq_lib.catalogue import catalogue
from dvcq_lib.checks.findings import KIND_LABELS_VI, SEVERITIES, SEVERITY_LABELS_VI
from dvcq_lib.checks.runner import run_checks
from dvcq_lib.exceptions import NoDataError
from dvcq_lib.files import write_csv_atomic
from dvcq_lib.observations import (
    commune_keys,
    read_observations,
    require_observations,
    resolve_communes,
    scope_keys,
)
from dvcq_lib.options import add_options, non_negative_int, unwritable, writable_file
from dvcq_lib.paths import OUTPUTS_DIR
from dvcq_lib.periods import Period

#: Rows printed on screen; the CSV always holds every finding.
DEFAULT_LIMIT = 40
CHECKS_OUTPUT_DIR = "checks"
_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def selection_keys(
    data: pd.DataFrame,
    *,
    communes: list[str] | None = None,
    district: str | None = None,
    province: str | None = None,
    periods: list[str] | None = None,
) -> tuple[set[str] | None, list[str]]:
    """(commune keys or None for every commune, period codes) of a selection.

    Raises CommuneNotFoundError / AmbiguousCommuneError / PlaceNotFoundError for a query that
    designates nothing."""
    codes = [Period.parse(p).code for p in periods or []]
    keys: set[str] | None = None
    if communes:
        keys = set()
        for q in communes:
            keys |= resolve_communes(
                data,
                q,
                district=district,
                province=province,
                period=codes[0] if len(codes) == 1 else None,
            )
    elif district or province:
        keys = scope_keys(district, province)
    return keys, codes


def _selected(frame: pd.DataFrame, keys: set[str] | None, codes: list[str]) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    if not len(frame):
        return mask
    if codes:
        mask &= frame["period"].astype(str).isin(codes)
    if keys is not None:
        mask &= commune_keys(frame).isin(keys)
    return mask


def select(
    findings: pd.DataFrame,
    data: pd.DataFrame,
    *,
    communes: list[str] | None = None,
    district: str | None = None,
    province: str | None = None,
    periods: list[str] | None = None,
) -> pd.DataFrame:
    """The findings of the communes (names or codes) / district / province and periods asked for.

    Raises CommuneNotFoundError / AmbiguousCommuneError for a commune query."""
    keys, codes = selection_keys(
        data, communes=communes, district=district, province=province, periods=periods
    )
    return findings[_selected(findings, keys, codes)].reset_index(drop=True)


def require_data(data: pd.DataFrame, args: argparse.Namespace) -> None:
    """The selection holds data, else a NoDataError saying what the data do hold."""
    folder = args.data or "data/"
    require_observations(data, args.data)
    keys, codes = selection_keys(
        data,
        communes=args.commune,
        district=args.district,
        province=args.province,
        periods=args.period,
    )
    if _selected(data, keys, codes).any():
        return
    periods = sorted(set(data["period"].astype(str)), key=Period.parse)
    if keys is not None:
        present = commune_keys(data)
        mine = data[present.isin(keys)]
        if len(mine):
            periods = sorted(set(mine["period"].astype(str)), key=Period.parse)
            raise NoDataError(
                f"Không có số liệu của {_selection_text(args)} kỳ {', '.join(codes)} (no data "
                "for this selection); các kỳ có số liệu của lựa chọn này: " + ", ".join(periods),
                value=codes,
            )
        raise NoDataError(
            f"Không có số liệu của {_selection_text(args)} trong {folder} (no data for this "
            "selection); có số liệu của:",
            value=args.commune or args.district or args.province,
            candidates=_places_with_data(data),
        )
    raise NoDataError(
        f"Không có số liệu kỳ {', '.join(codes)} (no data for this period); các kỳ có số liệu: "
        + ", ".join(periods),
        value=codes,
    )


def _selection_text(args: argparse.Namespace) -> str:
    parts = [f"xã {c}" for c in args.commune or []]
    parts += [f"huyện {args.district}"] if args.district else []
    parts += [f"tỉnh {args.province}"] if args.province else []
    return ", ".join(parts)


def _places_with_data(data: pd.DataFrame) -> list[str]:
    """Districts (legacy units) and provinces (2025 units) that hold data, with unit counts."""
    out: dict[str, set[str]] = {}
    for key in set(commune_keys(data)):
        try:
            unit = communes.get(key)
        except register.CommuneNotFoundError:
            continue
        place = (
            f"{unit.district}, {unit.province} (trước 01/7/2025)"
            if unit.district
            else f"{unit.province} (từ 01/7/2025)"
        )
        out.setdefault(place, set()).add(unit.code)
    return [f"{p}: {len(codes)} xã/phường" for p, codes in sorted(out.items())]


def default_csv_path(args: argparse.Namespace) -> Path:
    parts = [register.slugify(str(c)) or str(c) for c in args.commune or []]
    parts += [register.slugify(x) for x in (args.district, args.province) if x]
    parts += [Period.parse(p).code for p in args.period or []]
    name = "_".join(parts) if parts else "all"
    return OUTPUTS_DIR / CHECKS_OUTPUT_DIR / f"findings_{name}.csv"


def write_csv(findings: pd.DataFrame, path: Path) -> Path:
    """UTF-8 with BOM so that Excel shows Vietnamese correctly; never overwrites a directory."""
    writable_file(path, "tệp phát hiện (findings CSV)")
    try:
        write_csv_atomic(findings, path, encoding="utf-8-sig")
    except OSError as exc:
        raise unwritable(path, "tệp phát hiện (findings CSV)", exc) from None
    return path


@cache
def _commune_label(code: str, period: str) -> str:
    try:
        return f"{communes.get(code, period=period).short_name} ({code})"
    except register.CommuneNotFoundError:
        return code


def _rows(findings: pd.DataFrame) -> list[tuple[str, ...]]:
    cat = catalogue()
    out = []
    for r in findings.itertuples(index=False):
        commune = _commune_label(r.commune_code, r.period)
        if r.synthetic:
            commune += " [giả lập]"
        indicator = cat[r.indicator].name_vi if r.indicator in cat else ""
        out.append(
            (
                str(r.severity),
                commune,
                r.period,
                indicator,
                KIND_LABELS_VI.get(r.kind, r.kind),
                r.message_vi,
            )
        )
    return out


def print_plain(findings: pd.DataFrame, out=None) -> None:
    out = out or sys.stdout  # looked up now: the stream may have been replaced since import
    for sev, commune, period, indicator, kind, text in _rows(findings):
        head = " · ".join(x for x in (commune, period, indicator, kind) if x)
        print(f"[{SEVERITY_LABELS_VI[sev]}] {head}\n    {text}", file=out)


def print_rich(findings: pd.DataFrame) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(
        show_lines=True, expand=True, title="Kết quả kiểm tra số liệu (data-quality findings)"
    )
    widths = {
        "Mức độ": 1,
        "Xã/phường": 2,
        "Kỳ": 1,
        "Chỉ tiêu": 2,
        "Loại kiểm tra": 2,
        "Nội dung": 6,
    }
    for name, ratio in widths.items():
        table.add_column(name, overflow="fold", ratio=ratio)
    for sev, *cells in _rows(findings):
        table.add_row(f"[{_STYLE[sev]}]{SEVERITY_LABELS_VI[sev]}[/]", *cells)
    console.print(table)


def summary_line(findings: pd.DataFrame) -> str:
    counts = findings["severity"].value_counts()
    parts = [f"{int(counts.get(s, 0))} {SEVERITY_LABELS_VI[s].lower()}" for s in SEVERITIES]
    return f"Tổng cộng {len(findings)} phát hiện: " + ", ".join(parts) + "."


def run(args: argparse.Namespace) -> int:
    if not (args.commune or args.district or args.province or args.period or args.all):
        print(
            "Lỗi: hãy chọn --commune, --district, --province, --period, hoặc --all để kiểm "
            "tra toàn bộ dữ liệu (choose a selection or --all).",
            file=sys.stderr,
        )
        return 2
    csv_path = writable_file(args.csv or default_csv_path(args), "tệp phát hiện (findings CSV)")
    data = read_observations(args.data)
    require_data(data, args)
    findings = run_checks(data, district=args.district, province=args.province)
    chosen = select(
        findings,
        data,
        communes=args.commune,
        district=args.district,
        province=args.province,
        periods=args.period,
    )
    shown = chosen.head(args.limit) if args.limit > 0 else chosen
    if len(shown):
        (print_plain if args.plain else print_rich)(shown)
    if len(chosen) > len(shown):
        print(f"… và {len(chosen) - len(shown)} phát hiện khác (xem tệp CSV).")
    print(summary_line(chosen) if len(chosen) else "Không có phát hiện nào (no findings).")
    if chosen["synthetic"].any():
        print("Lưu ý: có phát hiện trên DỮ LIỆU GIẢ LẬP (synthetic demo data), đánh dấu [giả lập].")
    path = write_csv(chosen, csv_path)
    print(f"Đã ghi các phát hiện vào (findings written to): {path}")
    return 1 if (chosen["severity"] == "error").any() else 0


def configure(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="kiểm tra chất lượng số liệu (data-quality checks)",
        description="Kiểm tra tính nhất quán, số liệu bất thường và mức độ đầy đủ. Thoát với "
        "mã 1 khi có lỗi (error). Exit 1 when any error-severity rule fails.",
    )
    add_options(
        p,
        "commune",
        "district",
        "province",
        "period",
        repeat={"commune", "period"},
        help={
            "commune": "tên hoặc mã xã/phường (lặp lại được)",
            "district": "huyện (đơn vị cũ) — mọi xã của huyện",
            "province": "tỉnh — mọi xã của tỉnh",
            "period": 'kỳ báo cáo: "2024-H1" hoặc "6 tháng đầu năm 2024" (lặp lại được)',
        },
    )
    p.add_argument("--all", action="store_true", help="toàn bộ dữ liệu")
    p.add_argument(
        "--csv",
        type=Path,
        metavar="TỆP",
        help=f"nơi ghi CSV (mặc định: outputs/{CHECKS_OUTPUT_DIR}/findings_….csv)",
    )
    p.add_argument("--plain", action="store_true", help="in dạng văn bản thường, không kẻ bảng")
    p.add_argument(
        "--limit",
        type=non_negative_int,
        default=DEFAULT_LIMIT,
        help=f"số dòng in ra màn hình (mặc định {DEFAULT_LIMIT}; 0 = tất cả)",
    )
    add_options(p, "data")
    p.set_defaults(func=run)
