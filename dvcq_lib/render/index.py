"""The index page `outputs/index.html`: every commune × period rendered, with links to its pages,
render status, when it was rendered and how long it took, and the data-quality flags; grouped by
province and district, latest period first. One self-contained file (the suite's stylesheet
inline, no script, no network), rebuilt from the render state files after every batch, from
the template `dvcq_lib/templates/index.html.j2`.

When the pages span more than one province (a national batch: 3,321 communes, their legacy
history three times as many), one page of every commune would be megabytes: `index.html` is then
the national page of provinces (`index_provinces.html.j2`: communes, pages, failures, periods,
checks per province), each linking to its province's page `index-<province>.html` beside it,
built as the single page is and linking back.
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


def _units(keys) -> dict[str, register.Commune]:
    return {k: communes.get(k) for k in keys}


def build_index(
    states: pd.DataFrame,
    flags: Mapping[tuple[str, str], str] | None = None,
    outputs_dir: Path | None = None,
    *,
    province: str | None = None,
    back: str | None = None,
) -> str:
    """The index page's HTML from the render states; reports whose pages show synthetic demo
    values are marked (a banner says so, and each such row). Rendered from
    `dvcq_lib/templates/index.html.j2`."""
    fake = states["synthetic"].fillna(False).astype(bool) if len(states) else pd.Series()
    total = len(states)
    failed = int((states["status"] == "failed").sum()) if total else 0
    periods = []
    codes = sorted(states["period"].unique(), key=Period.parse, reverse=True) if total else []
    units = _units(states["commune_key"].unique()) if total else {}
    for period in codes:
        in_period = states[states["period"] == period]
        by_key = dict(iter(in_period.groupby("commune_key", sort=False)))
        grouped: dict[tuple[str, str], list[str]] = {}
        for key in by_key:
            grouped.setdefault(_group_label(units[key]), []).append(key)
        groups, last_province = [], None
        for (province_name, district), keys in sorted(grouped.items()):
            views = []
            for key in sorted(keys, key=lambda k: units[k].name):
                rows = by_key[key]
                views.append(
                    _unit_view(rows, units[key], flags, bool(fake[rows.index].any()), outputs_dir)
                )
            groups.append(
                {
                    "province": province_name,
                    "province_first": province_name != last_province,
                    "district": district,
                    "units": views,
                }
            )
            last_province = province_name
        periods.append({"code": period, "label": Period.parse(period).label_vi, "groups": groups})
    return render(
        "index.html.j2",
        w=words("vi"),
        css=css(),
        synthetic=bool(fake.any()),
        total=total,
        counts=label("index_counts").format(total=total, failed=failed),
        periods=periods,
        province=province,
        back=back,
    )


def province_page_name(province: str) -> str:
    """The file of a province's index page: `index-bac-giang.html`."""
    return f"index-{register.slugify(province)}.html"


def provinces_of(states: pd.DataFrame) -> pd.Series:
    """The province (as the register names it: the legacy one for a legacy unit) of each row."""
    units = _units(states["commune_key"].unique())
    return states["commune_key"].map({k: u.province for k, u in units.items()})


def build_national_index(
    states: pd.DataFrame, flags: Mapping[tuple[str, str], str] | None = None
) -> str:
    """The national page: one row per province with its counts, linking to its page."""
    fake = states["synthetic"].fillna(False).astype(bool)
    province = provinces_of(states)
    rows = []
    for name, part in states.groupby(province, sort=True):
        codes = sorted(part["period"].unique(), key=Period.parse, reverse=True)
        findings = (
            [
                flags.get((str(c), str(p)), "")
                for c, p in part[["commune_code", "period"]]
                .drop_duplicates()
                .itertuples(index=False)
            ]
            if flags is not None
            else []
        )
        rows.append(
            {
                "name": name,
                "href": province_page_name(str(name)),
                "units": part["commune_key"].nunique(),
                "pages": len(part),
                "failed": int((part["status"] == "failed").sum()),
                "periods": ", ".join(codes),
                "synthetic": bool(fake[part.index].any()),
                "flags": label("index_not_checked")
                if flags is None
                else sum(1 for f in findings if f),
            }
        )
    total = len(states)
    failed = int((states["status"] == "failed").sum())
    return render(
        "index_provinces.html.j2",
        w=words("vi"),
        css=css(),
        synthetic=bool(fake.any()),
        counts=label("index_counts").format(total=total, failed=failed),
        provinces=rows,
    )


def write_index(outputs_dir: Path | str, *, data_dir: Path | str | None = None) -> Path:
    """Rebuild `outputs/index.html` from every render state (and, for more than one province,
    a page per province beside it); returns the path of index.html."""
    outputs_dir = Path(outputs_dir)
    states = read_states(outputs_dir)
    flags = _flags(data_dir)
    province = provinces_of(states) if len(states) else pd.Series(dtype=object)
    if province.nunique() <= 1:
        return write_atomic(outputs_dir / INDEX_NAME, build_index(states, flags, outputs_dir))
    for name, part in states.groupby(province, sort=True):
        page = build_index(part, flags, outputs_dir, province=str(name), back=INDEX_NAME)
        write_atomic(outputs_dir / province_page_name(str(name)), page)
    return write_atomic(outputs_dir / INDEX_NAME, build_national_index(states, flags))
