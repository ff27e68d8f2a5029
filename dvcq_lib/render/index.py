"""The index page `outputs/index.html`: every commune × period rendered, with links to its pages,
render status, when it was rendered and how long it took, and the data-quality flags; grouped by
province and district, latest period first. One self-contained file (the suite's stylesheet
inline, no script, no network), rebuilt from the render state files after every batch, from
the template `dvcq_lib/templates/index.html.j2`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from dvcq_lib import communes, register
from dvcq_lib.files import write_atomic
from dvcq_lib.page import format as fmt
from dvcq_lib.page import meta
from dvcq_lib.page.labels import label, words
from dvcq_lib.page.templates import css, render
from dvcq_lib.periods import Period
from dvcq_lib.render.plan import STATE_DIR

INDEX_NAME = "index.html"
#: Files written beside a report's pages when asked for (`--deck`, `--xlsx`), linked from the index.
DECK_NAME, WORKBOOK_NAME = "report.pptx", "report.xlsx"


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


def _unit_view(rows: pd.DataFrame, unit: register.Commune, flags, synthetic: bool, folder: Path):
    links, status = [], "done"
    for r in rows.sort_values("notebook").itertuples():
        item = {"label": meta.title(r.notebook), "done": r.status == "done", "page": r.page}
        if r.status != "done":
            status = (
                "partial" if status == "done" and (rows["status"] == "done").any() else "failed"
            )
            item["error"] = str(r.error)
            item["error_file"] = str(r.failed_notebook).removesuffix(".ipynb") + ".error.txt"
        links.append(item)
    if links and folder is not None:
        report_dir = Path(str(links[0]["page"])).parent
        for key, name in (("deck", DECK_NAME), ("xlsx", WORKBOOK_NAME)):
            if (folder / report_dir / name).exists():
                links[-1][key] = str(report_dir / name)
    period = rows["period"].iloc[0]
    flag_text = (
        label("index_not_checked") if flags is None else (flags.get((unit.code, period)) or "0")
    )
    seconds = float(pd.to_numeric(rows["seconds"], errors="coerce").fillna(0).sum())
    return {
        "name": unit.name,
        "code": unit.code,
        "synthetic": synthetic,
        "links": links,
        "status": status,
        "status_label": label(f"status.{status}"),
        "when": max((_local_time(s) for s in rows["rendered_at"] if s), default=""),
        "seconds": fmt.number(seconds, 1),
        "flags": flag_text,
    }


def _group_label(unit: register.Commune) -> tuple[str, str]:
    if unit.system == register.LEGACY:
        return unit.province, unit.district or ""
    return unit.province, label("index_new_units")


def build_index(
    states: pd.DataFrame,
    flags: Mapping[tuple[str, str], str] | None = None,
    outputs_dir: Path | None = None,
) -> str:
    """The index page's HTML from the render states; reports whose pages show synthetic demo
    values are marked (a banner says so, and each such row). Rendered from
    `dvcq_lib/templates/index.html.j2`."""
    fake = states["synthetic"].fillna(False).astype(bool) if len(states) else pd.Series()
    total = len(states)
    failed = int((states["status"] == "failed").sum()) if total else 0
    periods = []
    codes = sorted(states["period"].unique(), key=Period.parse, reverse=True) if total else []
    for period in codes:
        in_period = states[states["period"] == period]
        units = {k: communes.get(k) for k in in_period["commune_key"].unique()}
        grouped: dict[tuple[str, str], list[str]] = {}
        for key, unit in units.items():
            grouped.setdefault(_group_label(unit), []).append(key)
        groups, last_province = [], None
        for (province, district), keys in sorted(grouped.items()):
            views = []
            for key in sorted(keys, key=lambda k: units[k].name):
                rows = in_period[in_period["commune_key"] == key]
                views.append(
                    _unit_view(rows, units[key], flags, bool(fake[rows.index].any()), outputs_dir)
                )
            groups.append(
                {
                    "province": province,
                    "province_first": province != last_province,
                    "district": district,
                    "units": views,
                }
            )
            last_province = province
        periods.append({"code": period, "label": Period.parse(period).label_vi, "groups": groups})
    return render(
        "index.html.j2",
        w=words("vi"),
        css=css(),
        synthetic=bool(fake.any()),
        total=total,
        counts=label("index_counts").format(total=total, failed=failed),
        periods=periods,
    )


def write_index(outputs_dir: Path | str, *, data_dir: Path | str | None = None) -> Path:
    """Rebuild `outputs/index.html` from every render state; returns its path."""
    outputs_dir = Path(outputs_dir)
    states = read_states(outputs_dir)
    return write_atomic(
        outputs_dir / INDEX_NAME, build_index(states, _flags(data_dir), outputs_dir)
    )
