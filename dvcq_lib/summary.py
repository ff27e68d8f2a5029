"""A summary of what the data folder holds: communes, periods, indicators, sources."""

from __future__ import annotations

import argparse

import pandas as pd

from dvcq_lib import register
from dvcq_lib.catalogue import catalogue
from dvcq_lib.observations import (
    commune_keys,
    is_synthetic,
    read_observations,
    require_observations,
)
from dvcq_lib.options import add_options


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
    add_options(p, "data")
    p.set_defaults(func=run_summary)
