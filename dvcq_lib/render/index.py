"""The index page `outputs/index.html`: every commune × period rendered, with links to its pages,
render status, when it was rendered and how long it took, and the data-quality flags; grouped by
province and district, latest period first. One self-contained file (inline CSS, no script, no
network), rebuilt from the render state files after every batch.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from dvcq_lib import register
from dvcq_lib.files import write_atomic
from dvcq_lib.periods import Period
from dvcq_lib.render.report import NOTEBOOK_LABELS_VI, STATE_DIR

INDEX_NAME = "index.html"
STATUS_VI = {"done": "xong", "failed": "lỗi", "partial": "lỗi một phần"}

CSS = """
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; margin: 2em auto;
       max-width: 1200px; color: #222; font-size: 16px; }
h1 { font-size: 1.8em; } h2 { margin-top: 1.6em; border-bottom: 2px solid #0072B2; }
h3 { margin: 1.2em 0 .4em; color: #0072B2; } h4 { margin: .8em 0 .3em; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1em; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f0f4f8; } td.num { text-align: right; }
.failed { color: #fff; background: #B2182B; padding: 1px 6px; border-radius: 3px; }
.done { color: #1b5e20; } a { color: #0b4f8a; margin-right: .6em; }
.meta { color: #555; font-size: .9em; }
.synthetic { border: 4px solid #D55E00; background: #FFF1E6; padding: 10px 14px;
             font-weight: bold; margin: 1em 0; }
.fake { color: #fff; background: #D55E00; padding: 1px 6px; border-radius: 3px;
        font-size: .85em; }
"""


def read_states(outputs_dir: Path) -> pd.DataFrame:
    """Every page's last render state (one row per commune × period × notebook)."""
    rows = []
    for f in sorted((Path(outputs_dir) / STATE_DIR).rglob("*.json")):
        try:
            rows.append(json.loads(f.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue  # a state file being replaced right now; the next index has it
    cols = [
        "period",
        "commune_code",
        "commune_key",
        "notebook",
        "status",
        "seconds",
        "page",
        "error",
        "failed_notebook",
        "rendered_at",
        "synthetic",
    ]
    return pd.DataFrame(rows, columns=cols) if rows else pd.DataFrame(columns=cols)


def _local_time(stamp: str) -> str:
    if not stamp:
        return ""
    when = dt.datetime.fromisoformat(stamp).astimezone()
    return when.strftime("%H:%M %d/%m/%Y")


def _flags(data_dir: Path | None) -> Mapping[tuple[str, str], str]:
    """Data-quality findings (`dvcq_lib.checks`) per commune × period, as "1 lỗi · 2 cảnh báo"."""
    from dvcq_lib.checks import SEVERITY_LABELS_VI, checks_for_folder, findings_summary

    summary = findings_summary(checks_for_folder(data_dir))
    out = {}
    for r in summary.itertuples(index=False):
        parts = [
            f"{int(getattr(r, s))} {SEVERITY_LABELS_VI[s].lower()}"
            for s in ("error", "warning", "info")
            if getattr(r, s)
        ]
        out[(str(r.commune_code), str(r.period))] = " · ".join(parts)
    return out


def _unit_row(rows: pd.DataFrame, unit: register.Commune, flags, synthetic: bool = False) -> str:
    links, status = [], "done"
    for r in rows.sort_values("notebook").itertuples():
        label = html.escape(NOTEBOOK_LABELS_VI.get(r.notebook, r.notebook))
        if r.status == "done":
            links.append(f'<a href="{html.escape(r.page)}">{label}</a>')
        else:
            status = (
                "partial" if status == "done" and (rows["status"] == "done").any() else "failed"
            )
            err = html.escape(str(r.failed_notebook).removesuffix(".ipynb") + ".error.txt")
            links.append(
                f'<span class="failed" title="{html.escape(str(r.error))}">{label}: '
                f'lỗi</span> <a href="{err}">chi tiết</a>'
            )
    period = rows["period"].iloc[0]
    flag_text = "chưa kiểm tra" if flags is None else (flags.get((unit.code, period)) or "0")
    seconds = pd.to_numeric(rows["seconds"], errors="coerce").fillna(0).sum()
    when = max((_local_time(s) for s in rows["rendered_at"] if s), default="")
    css = "done" if status == "done" else "failed"
    return (
        f"<tr><td>{html.escape(unit.name)} <span class=meta>({unit.code})</span>"
        + (' <span class="fake">giả lập</span>' if synthetic else "")
        + "</td>"
        f"<td>{' '.join(links)}</td><td><span class={css}>{STATUS_VI[status]}</span></td>"
        f"<td>{when}</td><td class=num>{seconds:.1f}</td><td class=num>{flag_text}</td></tr>"
    )


def _group_label(unit: register.Commune) -> tuple[str, str]:
    if unit.system == register.LEGACY:
        return unit.province, unit.district or ""
    return unit.province, "Đơn vị hành chính từ 01/7/2025"


def build_index(states: pd.DataFrame, flags: Mapping[tuple[str, str], str] | None = None) -> str:
    """The index page's HTML from the render states; reports whose pages show synthetic demo
    values are marked (a banner says so, and each such row)."""
    fake = states["synthetic"].fillna(False).astype(bool) if len(states) else pd.Series()
    parts = [
        "<!DOCTYPE html>",
        '<html lang="vi"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Báo cáo 6 tháng các xã, phường — mục lục</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>Báo cáo 6 tháng các xã, phường — mục lục</h1>",
    ]
    if fake.any():
        parts.append(
            '<div class="synthetic" role="alert">⚠ DỮ LIỆU GIẢ LẬP — các báo cáo đánh dấu '
            "<b>giả lập</b> có số liệu tạo ra để minh hoạ, không phải số liệu thật (synthetic "
            "demo data)</div>"
        )
    if states.empty:
        parts.append("<p>Chưa có báo cáo nào được dựng (no report rendered yet).</p>")
    total = len(states)
    failed = int((states["status"] == "failed").sum()) if total else 0
    parts.append(
        f"<p class=meta>{total} trang, {failed} trang lỗi. Mở được khi không có mạng "
        "(works offline).</p>"
    )
    periods = sorted(states["period"].unique(), key=Period.parse, reverse=True) if total else []
    for period in periods:
        in_period = states[states["period"] == period]
        units = {
            k: register.get(k.split(":")[1], k.split(":")[0])
            for k in in_period["commune_key"].unique()
        }
        parts.append(
            f'<h2 id="{html.escape(period)}">{html.escape(Period.parse(period).label_vi)}'
            f" <span class=meta>({html.escape(period)})</span></h2>"
        )
        grouped: dict[tuple[str, str], list[str]] = {}
        for key, unit in units.items():
            grouped.setdefault(_group_label(unit), []).append(key)
        last_province = None
        for (province, district), keys in sorted(grouped.items()):
            if province != last_province:
                parts.append(f"<h3>{html.escape(province)}</h3>")
                last_province = province
            parts.append(
                f"<h4>{html.escape(district)}</h4><table><tr><th>Xã, phường</th>"
                "<th>Các trang báo cáo</th><th>Trạng thái</th><th>Dựng lúc</th>"
                "<th>Thời gian dựng (giây)</th><th>Kiểm tra số liệu</th></tr>"
            )
            for key in sorted(keys, key=lambda k: units[k].name):
                rows = in_period[in_period["commune_key"] == key]
                parts.append(_unit_row(rows, units[key], flags, bool(fake[rows.index].any())))
            parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_index(outputs_dir: Path | str, *, data_dir: Path | str | None = None) -> Path:
    """Rebuild `outputs/index.html` from every render state; returns its path."""
    outputs_dir = Path(outputs_dir)
    states = read_states(outputs_dir)
    return write_atomic(outputs_dir / INDEX_NAME, build_index(states, _flags(data_dir)))
