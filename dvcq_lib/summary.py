"""A summary of what the data folder holds: communes, periods, indicators, sources."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from dvcq_lib import register
from dvcq_lib.catalogue import catalogue
from dvcq_lib.cli import positive_int, writable_dir
from dvcq_lib.observations import (
    commune_keys,
    is_synthetic,
    read_observations,
    require_observations,
)
from dvcq_lib.paths import OUTPUTS_DIR


def summarize(df: pd.DataFrame) -> dict[str, pd.DataFrame | int | list[str]]:
    """Counts by system, period, domain and source of a tidy observations frame."""
    keys = commune_keys(df)
    cat = catalogue()
    by_source = (
        df.assign(synthetic=is_synthetic(df), unit_key=keys)
        .groupby(["source", "synthetic"], observed=True)
        .agg(rows=("value", "size"), communes=("unit_key", "nunique"))
        .reset_index()
    )
    domains = df["indicator"].astype(str).map(lambda c: cat[c].domain)
    return {
        "rows": len(df),
        "communes_legacy": keys[keys.str.startswith(register.LEGACY)].nunique(),
        "communes_2025": keys[keys.str.startswith(register.NEW)].nunique(),
        "periods": [str(p) for p in df["period"].cat.categories if (df["period"] == p).any()],
        "indicators": int(df["indicator"].nunique()),
        "by_domain": domains.value_counts().rename_axis("domain").reset_index(name="rows"),
        "by_source": by_source,
    }


def format_summary(s: dict) -> str:
    periods = s["periods"]
    lines = [
        "Dữ liệu đã nạp (loaded data)",
        f"  Số dòng (rows): {s['rows']:,}".replace(",", "."),
        f"  Xã/phường (communes): {s['communes_legacy']} đơn vị cũ (trước 01/7/2025), "
        f"{s['communes_2025']} đơn vị mới (từ 01/7/2025)",
        f"  Kỳ báo cáo (periods): {len(periods)}"
        + (f" — từ {periods[0]} đến {periods[-1]}" if periods else ""),
        f"  Chỉ tiêu (indicators): {s['indicators']} / {len(catalogue())} trong danh mục",
        "  Theo lĩnh vực (by domain): "
        + ", ".join(f"{r.domain} {r.rows}" for r in s["by_domain"].itertuples()),
        "  Nguồn (sources):",
    ]
    for r in s["by_source"].itertuples():
        flag = " [DỮ LIỆU GIẢ LẬP — synthetic]" if r.synthetic else " [số liệu thật — real]"
        lines.append(f"    - {r.source}: {r.rows} dòng, {r.communes} xã{flag}")
    return "\n".join(lines)


def run_summary(args: argparse.Namespace) -> int:
    df = require_observations(read_observations(args.data), args.data)
    print(format_summary(summarize(df)))
    return 0


def configure(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("summary", help="tóm tắt dữ liệu đã nạp (summary of the loaded data)")
    p.add_argument("--data", type=Path, default=None, help="thư mục dữ liệu (default: data/)")
    p.set_defaults(func=run_summary)


def run_report(args: argparse.Namespace) -> int:
    """The summary of the data, then every report of it rendered (incrementally) + the index."""
    from dvcq_lib.render import batch

    writable_dir(args.outputs or OUTPUTS_DIR, "thư mục kết quả (outputs)")
    run_summary(args)
    print()
    plans = batch.plan_batch(data_dir=args.data, outputs_dir=args.outputs)
    print(
        f"Dựng {len(plans)} báo cáo xã × kỳ, {len(plans[0].notebooks)} trang mỗi báo cáo "
        f"(rendering {len(plans)} commune × period reports)"
    )
    options = batch.BatchOptions(
        outputs_dir=plans[0].outputs_dir, data_dir=args.data, workers=args.workers, force=args.force
    )
    return batch.report_outcome(batch.run_plans(plans, options))


def configure_report(sub: argparse._SubParsersAction) -> None:
    """`dvcq report`: the main job of `make report` — the data summary, then every report."""
    p = sub.add_parser(
        "report",
        help="việc chính của `make report`: tóm tắt dữ liệu rồi dựng "
        "mọi báo cáo và trang mục lục (the main job)",
    )
    p.add_argument("--data", type=Path, default=None, help="thư mục dữ liệu (default: data/)")
    p.add_argument("--outputs", type=Path, default=None, help="thư mục kết quả (outputs/)")
    p.add_argument(
        "--workers", type=positive_int, default=None, help="số kernel chạy song song (≥ 1)"
    )
    p.add_argument("--force", action="store_true", help="dựng lại cả trang không đổi")
    p.set_defaults(func=run_report)
