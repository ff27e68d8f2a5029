"""The page context: a commune, a period and its data, loaded once per page and frozen.

A 2025 commune's series reaches back before the 1 July 2025 reform through its constituents
(`dvcq_lib.remap.series_for`); the ratios of those earlier periods are recomputed from summed
components and marked computed (`Context.computed`), so that they are shown with the
catalogue's precision for their unit, not as if reported.

Observations may carry a `season` column ("" = the whole period): the period-indexed frames
(`wide`, `full`) hold whole-period figures (`trends.panel`: the reported total, or the sum of
the seasons); season figures stay in `rows`.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from dvcq_lib import checks, communes, register, trends
from dvcq_lib.catalogue import catalogue
from dvcq_lib.lineage import lineage
from dvcq_lib.observations import commune_keys, files_signature, read_observations
from dvcq_lib.page import meta
from dvcq_lib.page.labels import label, words
from dvcq_lib.periods import Period
from dvcq_lib.remap import REPORTED, series_for


@dataclass(frozen=True)
class Context:
    """Everything a page needs, loaded once: the commune, the period, its rows up to the period
    (`rows`, its own register key), the same as a period-indexed wide frame (`wide`: as reported;
    `full`: ratios filled from components where not reported) and the data of its peers."""

    commune: register.Commune
    period: Period
    notebook: str
    lang: str
    data: pd.DataFrame = field(repr=False)  # every observation (all communes), read once
    rows: pd.DataFrame = field(repr=False)  # this commune's rows, periods up to `period`
    wide: pd.DataFrame = field(repr=False)
    full: pd.DataFrame = field(repr=False)
    output_dir: Path | None = None
    data_dir: Path | None = None
    #: Data-quality findings (`dvcq_lib.checks` columns) shown next to figures.
    findings: pd.DataFrame | None = field(default=None, repr=False)
    #: Pre-reform series of a 2025 commune rebuilt from its constituents (`remap` columns).
    pre_reform: pd.DataFrame | None = field(default=None, repr=False)
    #: "Xã Bố Hạ (07294) được hình thành … từ: …" for a 2025 commune with constituents.
    lineage_vi: str = ""
    #: (indicator, period) whose value the suite computed rather than a report gave.
    computed: frozenset[tuple[str, str]] = frozenset()
    #: Frames computed once per page (peer rows by scope); the context itself never changes.
    memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    #: Views computed once per report — from this commune's rows only, not the notebook (the
    #: header's sources and banner) — shared by the pages of the report (`context`).
    shared: dict = field(default_factory=dict, repr=False, compare=False)
    #: Which state of which data folder `data` was read from (None: a frame given otherwise),
    #: the key of what pages of different reports share (`blocks.page_peers`).
    data_key: tuple | None = field(default=None, repr=False, compare=False)

    @property
    def words(self) -> dict[str, str]:
        return words(self.lang)

    def label(self, key: str) -> str:
        return label(key, self.lang)

    @property
    def scope(self) -> str:
        """Peers: the legacy district, or the province for a 2025 unit
        (`communes.default_scope`)."""
        return communes.default_scope(self.commune.system)

    @property
    def meta(self) -> meta.NotebookMeta:
        return meta.notebook(self.notebook)

    def name(self, code: str) -> str:
        return catalogue()[code].name(self.lang)

    def is_computed(self, code: str, period: str) -> bool:
        return (code, period) in self.computed


def whole_period(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows of whole-period figures as reported (season ""): all of them when there is no
    `season` column. (Totals computed from seasons: `dvcq_lib.totals.whole_period`.)"""
    if "season" not in rows.columns:
        return rows
    return rows[rows["season"].fillna("").astype(str) == ""]


def season_codes(rows: pd.DataFrame) -> list[str]:
    """The non-empty season codes of the rows, in the order of seasons.csv."""
    if "season" not in rows.columns:
        return []
    present = set(rows["season"].fillna("").astype(str)) - {""}
    if not present:
        return []
    from dvcq_lib import seasons

    order = list(seasons.seasons())
    return sorted(present, key=lambda s: (order.index(s) if s in order else len(order), s))


def context(
    commune: object,
    period: object,
    *,
    district: str = "",
    province: str = "",
    data_dir: str | Path = "",
    output_dir: str | Path = "",
    lang: str = "vi",
    notebook: str = "",
    findings: pd.DataFrame | None = None,
    pre_reform: pd.DataFrame | None = None,
) -> Context:
    """Resolve the commune (name or code; int codes such as 7273 are understood), parse the
    period and load the data once.

    Args:
        commune: "Đông Sơn", "Xã Đông Sơn", "07273" or 7273.
        period: "2024-H1", "6 tháng đầu năm 2024", "2024".
        district, province: disambiguate a name ("" = not given).
        data_dir: folder holding observations/ ("" = the project's data/).
        output_dir: where the page goes; charts are saved to output_dir/charts ("" = not saved).
        lang: "vi" or "en".
        notebook: the notebook's name (its metadata: notebooks.csv), prefixing chart files.
        findings, pre_reform: see `Context`.

    Raises:
        PeriodError, CommuneNotFoundError, AmbiguousCommuneError, DataValidationError.

    >>> ctx = context(7273, "2024-H1")
    >>> ctx.commune.code, ctx.period.code
    ('07273', '2024-H1')
    """
    words(lang)  # an unknown language is an error before anything is read
    p = Period.parse(period)
    data = read_observations(data_dir or None)
    c = communes.resolve(commune, district=district, province=province, period=p, data=data)
    if findings is None:
        findings = checks.checks_for_folder(data_dir or None)
    if pre_reform is None:
        # the notebooks of one report read the same frames: built once per state of the files
        # (frames are copy-on-write: a page that changes one changes its own copy)
        data_key = (files_signature(data_dir or None), str(data_dir))
        key = (*data_key, str(c.key), p.code, lineage())
        frames = _FRAMES.get(key)
        if frames is None:
            frames = _FRAMES[key] = _frames(c, p, data, data_dir or None, None)
            while len(_FRAMES) > FRAMES_MAX:
                _FRAMES.popitem(last=False)
        else:
            _FRAMES.move_to_end(key)
    else:
        data_key, frames = None, _frames(c, p, data, data_dir or None, pre_reform)
    mine, wide, full, computed, pre_reform, lineage_vi, shared = frames
    return Context(
        commune=c,
        period=p,
        notebook=notebook,
        lang=lang,
        data=data,
        rows=mine,
        wide=wide,
        full=full,
        output_dir=Path(output_dir) if output_dir else None,
        data_dir=Path(data_dir) if data_dir else None,
        findings=findings,
        pre_reform=pre_reform,
        lineage_vi=lineage_vi,
        computed=frozenset(computed),
        shared=shared,
        data_key=data_key,
    )


#: The frames of a commune × period (`_frames`), by the state of the data files: the five
#: notebooks of a report share them. Bounded: a kernel renders report after report.
_FRAMES: OrderedDict[tuple, tuple] = OrderedDict()
FRAMES_MAX = 16


def _frames(
    c: register.Commune,
    p: Period,
    data: pd.DataFrame,
    data_dir: str | Path | None,
    pre_reform: pd.DataFrame | None,
) -> tuple:
    """(rows, wide, full, computed, pre_reform, lineage_vi, shared) of a context (see
    `Context`)."""
    lineage_vi = ""
    if pre_reform is None and communes.formed_from(c.key):
        pre_reform, lineage_vi = _pre_reform(c, data_dir)
    mine = data[(commune_keys(data) == str(c.key)).to_numpy()]
    mine = mine[[Period.parse(x) <= p for x in mine["period"].astype(str)]]
    computed: set[tuple[str, str]] = set()
    if pre_reform is not None and len(pre_reform):
        # A 2025 commune's series rebuilt from the units it was formed from: earlier periods
        # and rows not reported by the unit itself (remapped, or a given pre-reform frame),
        # under the commune's own code so the series reads as one.
        periods = [Period.parse(x) for x in pre_reform["period"].astype(str)]
        if "status" in pre_reform:
            own = (pre_reform["status"].astype(str) == REPORTED).to_numpy()
        else:
            own = np.array([x.after_reform for x in periods], dtype=bool)
        earlier = pre_reform[np.array([x < p for x in periods], dtype=bool) & ~own]
        earlier = earlier.dropna(subset=["value"])
        computed = {
            (str(i), str(q))
            for i, q in zip(earlier["indicator"], earlier["period"], strict=True)
            if catalogue()[str(i)].kind == "ratio"
        }
        earlier = earlier[[col for col in mine.columns if col in earlier.columns]]
        mine = pd.concat(
            [
                earlier.astype({"commune_code": str, "period": str}).assign(commune_code=c.code),
                mine.astype({"commune_code": str, "period": str}),
            ]
        )
    mine = mine.reset_index(drop=True)
    # whole periods: reported totals, or the sums over seasons that `totals` allows
    wide = trends.panel(mine) if len(mine) else pd.DataFrame(index=pd.Index([], name="period"))
    if not p.is_half:  # a year report: years as given, or built from their two halves
        wide = trends.annual_from_halves(wide) if len(wide) else wide
        mine = mine[[Period.parse(x).year <= p.year for x in mine["period"].astype(str)]]
    else:
        wide = wide.loc[[x for x in wide.index if Period.parse(x).is_half]]
    full = trends.with_recomputed(wide)
    return mine, wide, full, frozenset(computed), pre_reform, lineage_vi, {}


@cache
def _pre_reform_of_files(
    files: tuple, data_dir: str | None, code: str, lin: object
) -> tuple[pd.DataFrame, str]:
    s = series_for(code, df=read_observations(data_dir))
    s = s[s["status"].astype(str) != REPORTED].drop(columns="after_reform")
    constituents = s.attrs.get("constituents") or []
    return s, (s.attrs.get("lineage_vi", "") if constituents else "")


def _pre_reform(c: register.Commune, data_dir: str | None) -> tuple[pd.DataFrame, str]:
    """A 2025 (or later) commune's periods before it existed, re-aggregated from the units it
    was formed from (`lineage`: the reform and the crosswalk), computed once per state of the
    data files and of the crosswalk."""
    frame, text = _pre_reform_of_files(files_signature(data_dir), data_dir, c.code, lineage())
    return frame.copy(), text


# ---------------------------------------------------------------------------------------------
# peers
# ---------------------------------------------------------------------------------------------
def peer_codes(ctx: Context, scope: str | None = None) -> list[str]:
    """Codes of the commune's peers (itself included) in a named scope of `communes.peers`:
    "district", "province", "former_district" or "constituents" (default: `ctx.scope`)."""
    return [k.code for k in peer_keys(ctx, scope)]


def peer_keys(ctx: Context, scope: str | None = None) -> list[communes.CommuneKey]:
    """The peers' keys (`communes.peers`, in force in the report period)."""
    return communes.peers(ctx.commune.key, scope or ctx.scope, period=ctx.period.code)


def peer_rows(ctx: Context, scope: str | None = None) -> pd.DataFrame:
    """Tidy rows of the peers in the report period."""
    key = ("peer_rows", scope or ctx.scope)
    if key not in ctx.memo:
        d = ctx.data
        rows = d[d["period"].astype(str) == ctx.period.code]
        want = {str(k) for k in peer_keys(ctx, scope)}
        ctx.memo[key] = rows[commune_keys(rows).isin(want).to_numpy()]
    return ctx.memo[key]


def peers(ctx: Context, scope: str | None = None) -> pd.DataFrame:
    """Wide frame of the peers with data in the period, indexed by commune code, ratios
    filled from components where not reported."""
    return trends.with_recomputed(trends.cross_section(peer_rows(ctx, scope), ctx.period))


def vi_sort_key(name: str) -> tuple[str, str]:
    """Alphabetical order as Vietnamese readers expect it: Đ right after D, tones ignored first."""
    folded = register.ascii_fold(name.replace("Đ", "D~").replace("đ", "d~")).casefold()
    return folded, name


@cache
def short_name(code: str, system: str) -> str:
    return communes.get(code, system).short_name


def page_rows(ctx: Context) -> pd.DataFrame:
    """Rows a page shows: the commune's series, plus its peers on pages that rank."""
    frames = [ctx.rows]
    if ctx.meta.peers:
        frames.append(peer_rows(ctx))
    return pd.concat(frames, ignore_index=True) if any(len(f) for f in frames) else ctx.rows


def yield_pairs() -> dict[str, tuple[str, str]]:
    """Yield code → (output, area), read from the catalogue's formulas ("rice_output /
    rice_area * 10"): every ratio whose formula divides a `…_output` by a `…_area`."""
    out = {}
    for ind in catalogue():
        comps = ind.components
        if ind.kind == "ratio" and len(comps) == 2:
            output, area = comps
            if output.endswith("_output") and area.endswith("_area"):
                out[ind.code] = (output, area)
    return out


def yield_of_output() -> dict[str, str]:
    """Output code → the yield indicator whose formula links it to an area."""
    return {output: y for y, (output, _area) in yield_pairs().items()}


def denominator(code: str) -> str | None:
    """The indicator a ratio is divided by (its formula's second code), None for other kinds."""
    ind = catalogue()[code]
    return ind.components[1] if ind.kind == "ratio" and len(ind.components) >= 2 else None
