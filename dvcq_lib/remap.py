"""Re-aggregation across boundary changes: observations of old units → observations of the units
in force at a later date (by default the 2025 units), so that a 2025 commune has a series back
to 2019 built from its constituents.

How each indicator is carried over follows its catalogue `aggregation`:

* `sum` (flows and stocks): Σ weight × value over the constituents;
* `formula` (ratios, rates, yields): recomputed from the summed components — rice yield =
  Σ output / Σ area × 10, resolution rate = Σ resolved / Σ received × 100 — never averaged;
* `none` (e.g. the number of ethnic groups): not added up; left missing with a note.

A value is `incomplete` (value missing, the partial total kept in the note) when a constituent
has no figure for it — it is never summed from the rest as if whole — and `missing_constituents`
says which unit (and which component) is missing. Shares of split units and components derived
from a reported ratio make a value `estimated`. Observations already of the target units pass
through as `reported`. A unit that became one target unit whole and alone passes every value
(ratios and `none` included) unchanged, as `remapped`.

Derived components: a constituent that reports a ratio and all but one of its components (the
reference Đông Sơn 2024-H1 has rice yield and area but not output) gets the missing component
solved from the formula (output = yield × area / 10), marked estimated and named in the note.
Pass `derive=False` to mark such values incomplete instead.

The `source` of a remapped value lists its constituents' sources, synthetic ones first, so that
`is_synthetic()` flags any value built partly from made-up data.

Seasons: the key of a value is (unit, period, indicator, season), so a constituent's vụ Đông
Xuân figure is added only to the other constituents' vụ Đông Xuân figures. Before adding up, a
constituent's whole-period total is completed from its seasons where `totals` allows it (no
season missing); the note then names the constituents whose part was `computed from seasons`.
A frame without a `season` column is read as whole periods and comes back without one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from dvcq_lib import communes, register
from dvcq_lib.catalogue import catalogue, evaluate
from dvcq_lib.exceptions import LineageError
from dvcq_lib.lineage import BASIS_LABELS_VI, Crosswalk, Lineage, as_date, describe, lineage
from dvcq_lib.numbers import format_number
from dvcq_lib.observations import COLUMNS, is_synthetic, is_synthetic_source
from dvcq_lib.periods import REFORM_DATE, Period, period_dtype
from dvcq_lib.seasons import COLUMN as SEASON
from dvcq_lib.totals import COMPUTED_MARK, computed_from_seasons, with_season_totals

REPORTED, REMAPPED, ESTIMATED, INCOMPLETE = "reported", "remapped", "estimated", "incomplete"
STATUSES = (REPORTED, REMAPPED, ESTIMATED, INCOMPLETE)
STATUS_LABELS_VI = {
    REPORTED: "số báo cáo",
    REMAPPED: "cộng từ các xã cũ",
    ESTIMATED: "ước tính (chia theo trọng số hoặc suy ra)",
    INCOMPLETE: "thiếu số liệu thành phần",
}
NEW_COLUMNS = ("status", "constituents", "missing_constituents")
BASE_COLUMNS = COLUMNS  # the observations table's columns
#: What the re-aggregation reads of the rows that move (with_season_totals keeps them as are).
MOVING_COLUMNS = (
    "commune_code",
    "period",
    "indicator",
    "value",
    "unit",
    "season",
    "source",
    "note",
    "synthetic",
)
#: A derived component must reproduce the reported ratio this closely (relative), else it is not
#: used: the solver assumes the formula is linear in the component or in its inverse.
SOLVE_TOLERANCE = 1e-9

CrosswalkArg = Crosswalk | Path | str | None


# ---------------------------------------------------------------------------------------------
# the public entry points
# ---------------------------------------------------------------------------------------------
def remap(
    df: pd.DataFrame,
    to: object = register.NEW,
    crosswalk: CrosswalkArg = None,
    *,
    derive: bool = True,
) -> pd.DataFrame:
    """Observations of old units as observations of the units in force at `to`.

    Args:
        df: observations (as from `load()`): commune_code, period, indicator, value, and
            optionally unit, source, quote, unit_written, note.
        to: "2025" (the units of 1 July 2025), a date, a Period or a period text ("2026-H1":
            the units in force at its end).
        crosswalk: a Crosswalk or the path of a crosswalk file (default: the bundled one).
        derive: solve a constituent's missing component from its reported ratio (estimated);
            with False such values are incomplete.

    Returns:
        The frame's columns and dtypes (commune_code category, period ordered category, …)
        plus `status` (reported | remapped | estimated | incomplete), `constituents` ("Xã Đông
        Sơn (07273) + Xã Hương Vĩ (07279) + …") and `missing_constituents`.

    Raises:
        LineageError: a unit cannot be followed to `to` (a later unit asked at an earlier date),
            listing every such unit and period.

    >>> from dvcq_lib.observations import load
    >>> out = remap(load(period="2024-H1"), to="2025")
    >>> sorted(out["commune_code"].astype(str).unique())
    ['07246', '07264', '07282', '07288', '07294']
    """
    lin = lineage(crosswalk)
    frame = _with_base_columns(df)
    links, pair = _links(frame, lin, to)
    identity = links.groupby("pair", sort=False)["identity"].all()
    passing = np.isin(pair, identity.index[identity.to_numpy()])
    kept = frame[passing].assign(status=REPORTED, constituents="", missing_constituents="")
    # held by nobody but _remap_moved, which lets go of it once its integer table is made
    moved = _remap_moved(_moving(frame, ~passing), links[~links["identity"]], lin, to, derive)
    return _typed(_concat(kept, moved), frame, SEASON in df)


def series_for(
    commune: object,
    df: pd.DataFrame | None = None,
    indicator: object = None,
    *,
    at: object = None,
    crosswalk: CrosswalkArg = None,
    derive: bool = True,
) -> pd.DataFrame:
    """A continuous series for one current commune: its own figures after the reform and, before
    it, the figures of its constituents re-aggregated (see `remap`).

    Args:
        commune: a 2025 commune's name ("Bố Hạ"), code ("07294") or `register.Commune`.
        df: observations (default: every bundled observation, as `load()` reads them).
        indicator: an indicator code or a list of them (default: all).
        at: the date at which the commune is meant (default: the end of the last period).
        crosswalk, derive: as for `remap`.

    Returns:
        `remap`'s columns for this commune only, plus `after_reform` (the period ends on or
        after 1 July 2025). `attrs` holds `commune` (code), `commune_name`, `reform_date`,
        `reform_period` (first period of the new units, "2025-H2"), `lineage_vi` (a sentence
        naming the constituents) and `constituents` (their labels).

    >>> s = series_for("Bố Hạ", indicator="rice_yield")
    >>> s["period"].astype(str).iloc[-1]
    '2026-H1'
    """
    if df is None:
        from dvcq_lib.observations import read_observations

        df = read_observations()
    lin = lineage(crosswalk)
    code = _commune_code(commune)
    periods = [str(p) for p in df["period"].astype(str).unique()]
    # the commune as known at the end of the data, and at least as a 2025 unit
    when = at if at is not None else max([REFORM_DATE, *(Period.parse(p).end for p in periods)])
    codes = None
    if indicator is not None:
        codes = [indicator] if isinstance(indicator, str) else list(indicator)
        needed = {x for c in codes for x in (c, *catalogue()[c].components)}  # validates too
        df = df[df["indicator"].astype(str).isin(needed)]
    wanted = {(link.source, p) for p in periods for link in lin.sources(code, p, when)}
    pairs = pd.MultiIndex.from_frame(df[["commune_code", "period"]].astype(str))
    subset = df[pairs.isin(list(wanted))]
    out = remap(subset, to=when, crosswalk=lin.crosswalk, derive=derive)
    out = out[out["commune_code"].astype(str) == code]
    if codes is not None:
        out = out[out["indicator"].astype(str).isin(codes)]
        out["indicator"] = out["indicator"].cat.remove_unused_categories()
    out = out.reset_index(drop=True)
    out["commune_code"] = out["commune_code"].cat.remove_unused_categories()
    out["after_reform"] = out["period"].astype(str).map(lambda p: Period.parse(p).after_reform)
    out = out.sort_values(["indicator", "period"], kind="stable").reset_index(drop=True)
    first_new = min(
        (Period.parse(p) for p in periods if Period.parse(p).after_reform),
        default=Period(REFORM_DATE.year, 2),
    )
    since = max(
        (Period.parse(p) for p in periods if not Period.parse(p).after_reform),
        default=Period(REFORM_DATE.year, 1),
    )
    out.attrs.update(
        commune=code,
        commune_name=lin.name(code, when),
        reform_date=REFORM_DATE,
        reform_period=first_new.code,
        lineage_vi=describe(code, to=when, since=since, cw=lin.crosswalk),
        constituents=[lin.label(link.source, since) for link in lin.sources(code, since, when)],
    )
    return out


# ---------------------------------------------------------------------------------------------
# lineage of the rows
# ---------------------------------------------------------------------------------------------
def _commune_code(commune: object) -> str:
    if isinstance(commune, register.Commune):
        return commune.code
    if register.is_code(commune):
        return register.normalize_code(commune)
    return communes.resolve(commune, system=register.NEW).code


def _links(frame: pd.DataFrame, lin: Lineage, to: object) -> tuple[pd.DataFrame, np.ndarray]:
    """One row per (commune_code, period, target) with the share and whether nothing changed,
    and the pair id of each row of the frame. Each distinct (code, epoch) is traced once."""
    code, period = frame["commune_code"], frame["period"]
    n_periods = len(period.cat.categories)
    pair_of_row, pairs = pd.factorize(
        code.cat.codes.to_numpy(np.int64) * n_periods + period.cat.codes.to_numpy(np.int64)
    )
    codes = np.asarray(code.cat.categories, dtype=object)[pairs // n_periods]
    periods = np.asarray(period.cat.categories, dtype=object)[pairs % n_periods]
    epoch_of = {p: lin.epoch(p) for p in period.cat.categories}
    target_epoch = lin.epoch(to)
    rows, backwards, unknown = [], [], []
    traced: dict[tuple[str, int], tuple | None] = {}
    for i, (c, p) in enumerate(zip(codes, periods, strict=True)):
        e = epoch_of[p]
        if e > target_epoch:
            backwards.append(f"{c} ({p})")
            continue
        if (c, e) not in traced:
            try:
                traced[(c, e)] = lin.trace(c, p, to)
            except LineageError:
                traced[(c, e)] = None
        links = traced[(c, e)]
        if links is None:
            unknown.append(f"{c} ({p})")
            continue
        for link in links:
            rows.append((i, c, p, link.target, link.weight, link.target == c and not link.steps))
    if backwards:
        raise LineageError(
            f"Không chuyển được số liệu về địa giới ngày {as_date(to):%d/%m/%Y}: "
            f"{len(backwards)} đơn vị × kỳ thuộc địa giới sau mốc đó (không tách ngược được): "
            + ", ".join(backwards[:20])
            + (" …" if len(backwards) > 20 else "")
            + ". Hãy chọn mốc `to` muộn hơn (units later than the target date)"
        )
    if unknown:
        raise LineageError(
            f"{len(unknown)} đơn vị × kỳ không có trong danh mục đơn vị hành chính của kỳ đó "
            "(mã cũ trước 01/7/2025, mã mới hoặc mã trong bảng chuyển đổi sau đó): "
            + ", ".join(unknown[:20])
            + (" …" if len(unknown) > 20 else "")
            + " (units not in the register of their period)"
        )
    columns = ["pair", "commune_code", "period", "target", "weight", "identity"]
    return pd.DataFrame(rows, columns=columns), pair_of_row


def _expected(targets: pd.DataFrame, lin: Lineage, to: object) -> pd.DataFrame:
    """Every constituent each (target, period) should have, whether or not it reported; the
    constituents and their labels depend on the period's epoch only, so are listed once each."""
    rows = []
    known: dict[tuple[str, int], list[tuple]] = {}
    epoch_of = {p: lin.epoch(p) for p in targets["period"].unique()}
    for target, period in zip(targets["target"], targets["period"], strict=True):
        slot = (target, epoch_of[period])
        if slot not in known:
            known[slot] = [
                (link.source, link.weight, link.estimated, _share_label(lin, link, period))
                for link in lin.sources(target, period, to)
            ]
        rows += [(target, period, *x) for x in known[slot]]
    out = pd.DataFrame(rows, columns=["target", "period", "src", "weight", "est", "label"])
    out["label"] = out["label"].astype(object).astype("category")  # texts by code downstream
    return out


def _share_label(lin: Lineage, link, period: str) -> str:
    text = lin.label(link.source, period)
    if not link.whole:
        basis = BASIS_LABELS_VI.get(link.basis, link.basis)
        text += f" × {format_number(link.weight, 4)} (theo {basis})"
    return text


# ---------------------------------------------------------------------------------------------
# re-aggregation
# ---------------------------------------------------------------------------------------------
def _moving(frame: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """The rows that move, with only the columns the sums read (no copy of their quotes and
    notes), whole-period totals completed from seasons."""
    moving = frame.loc[rows, [c for c in MOVING_COLUMNS if c in frame]]
    if (moving[SEASON] != "").any():
        moving = with_season_totals(moving)
    return moving


def _remap_moved(
    frame: pd.DataFrame, links: pd.DataFrame, lin: Lineage, to: object, derive: bool
) -> pd.DataFrame:
    if frame.empty:
        return frame.assign(
            status=pd.Series(dtype=object), constituents="", missing_constituents=""
        )
    cat = catalogue()
    data = pd.DataFrame(
        {
            "src": _codes_of(frame["commune_code"]),
            "period": _codes_of(frame["period"]),
            "indicator": _codes_of(frame["indicator"]),
            "value": frame["value"].astype("float64").to_numpy(),
            "source": _codes_of(frame["source"]),
            "synthetic": _synthetic(frame),
            "season": _codes_of(frame[SEASON]),  # made plain by _with_base_columns
            "from_seasons": computed_from_seasons(frame).to_numpy(),
            "derived": False,
        }
    )
    del frame  # peak memory: the rows are in `data` now
    compensated = True  # how the totals are added: see _weighted_totals
    if derive:
        derived = _derived_components(data)
        compensated = len(derived) > 0
        if compensated:  # an empty frame would make every column of the concat object
            data, derived = _same_dtypes(data, derived)
            data = pd.concat([data, derived], ignore_index=True)
    targets = links[["target", "period"]].drop_duplicates()
    expected = _expected(targets, lin, to)
    # Keys as categoricals sharing their categories: every merge and group below then works on
    # integer codes rather than on millions of strings.
    units = pd.CategoricalDtype(
        sorted({*_texts(data["src"]), *expected["src"], *expected["target"]})
    )
    periods = pd.CategoricalDtype(sorted(_texts(data["period"])))
    data["src"] = _recoded(data["src"], units)
    data["period"] = _recoded(data["period"], periods)
    indicators = pd.CategoricalDtype(
        [*cat.codes, *sorted(set(_texts(data["indicator"])) - set(cat.codes))]
    )
    data["indicator"] = _recoded(data["indicator"], indicators)
    expected = expected.astype({"target": units, "src": units, "period": periods})
    attached = _merge_on_codes(data, expected[["target", "period", "src"]], ["src", "period"])
    del data
    present = _distinct(attached[["target", "period", "indicator", "season"]])
    found = set(_texts(present["indicator"]))
    ratios = [i for i in cat if i.aggregation == "formula" and i.code in found]
    extra = [
        (lambda rows, c: rows.assign(indicator=pd.Categorical([c] * len(rows), dtype=indicators)))(
            present[present["indicator"] == r.code], c
        )
        for r in ratios
        for c in r.components
    ]
    needed = _distinct(pd.concat([present, *extra], ignore_index=True))
    full = _merge_on_codes(
        _merge_on_codes(needed, expected, ["target", "period"]),
        attached,
        ["target", "period", "src", "indicator", "season"],
        how="left",
    )
    del attached, needed, present, extra
    full["wv"] = full["weight"] * full["value"]
    full["is_missing"] = full["value"].isna()
    full["synthetic"] = full["synthetic"].astype("boolean").fillna(False).astype(bool)
    full["est_any"] = (full["weight"] != 1) | full["est"] | full["derived"].fillna(False)
    agg = _aggregate(full, compensated=compensated)
    agg = _apply_kinds(agg, full)
    agg = agg[agg["n_present"] > 0].reset_index(drop=True)
    return pd.DataFrame(
        {
            "commune_code": agg["target"],
            "period": agg["period"],
            "indicator": agg["indicator"],
            "season": agg["season"],
            "value": agg["result"],
            "unit": agg["indicator"].map({i.code: i.unit for i in cat}),
            "source": agg["sources"],
            "synthetic": agg["synthetic"],
            "quote": "",
            "unit_written": "",
            "note": agg["note"],
            "status": agg["status"],
            "constituents": agg["constituents"],
            "missing_constituents": agg["missing"],
        }
    )


def _same_dtypes(data: pd.DataFrame, more: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two frames of the same columns with the dtypes of `data`, categoricals over the union of
    their texts (so that their concat keeps codes, not a Python string per row)."""
    data, more = data.copy(deep=False), more.copy(deep=False)
    for c in data.columns:
        if isinstance(data[c].dtype, pd.CategoricalDtype):
            cats = data[c].cat.categories
            extra = pd.Index(pd.unique(more[c].astype(object)), dtype=object).difference(cats)
            if len(extra):
                data[c] = data[c].cat.add_categories(extra)
            more[c] = pd.Categorical(more[c].astype(object), dtype=data[c].dtype)
        else:
            more[c] = more[c].astype(data[c].dtype)
    return data, more


def _codes_key(frames: list[pd.DataFrame], on: list[str]) -> list[np.ndarray] | None:
    """One int64 key per row of each frame over the categorical columns `on` (missing cells
    a value of their own, as merge matches them), comparable between the frames; None unless
    every column is a categorical of the same dtype in each frame."""
    dtypes = [frames[0][c].dtype for c in on]
    for frame in frames:
        if [frame[c].dtype for c in on] != dtypes or not all(
            isinstance(d, pd.CategoricalDtype) for d in dtypes
        ):
            return None
    widths = [len(d.categories) + 1 for d in dtypes]
    if float(np.prod(widths, dtype=np.float64)) >= 2.0**62:
        return None
    keys = []
    for frame in frames:
        key = np.zeros(len(frame), dtype=np.int64)
        for c, w in zip(on, widths, strict=True):
            key = key * w + frame[c].cat.codes.to_numpy().astype(np.int64) + 1
        keys.append(key)
    return keys


def _merge_on_codes(
    left: pd.DataFrame, right: pd.DataFrame, on: list[str], how: str = "inner"
) -> pd.DataFrame:
    """`left.merge(right, on=on, how=how)` — the same rows, order and columns — matched on one
    integer key made of the categorical codes instead of several categorical columns."""
    keys = _codes_key([left, right], on)
    if keys is None:
        return left.merge(right, on=on, how=how)
    index = pd.Index(keys[1])
    if how in ("left", "inner") and index.is_unique:
        # one right row at most for each left row: a look-up, not a join (left's order kept)
        at = index.get_indexer(keys[0])
        rows = left.reset_index(drop=True)
        if how == "inner":
            rows, at = rows[at >= 0].reset_index(drop=True), at[at >= 0]
        other = right.drop(columns=on).reset_index(drop=True).reindex(at).reset_index(drop=True)
        return pd.concat([rows, other], axis=1)
    out = left.assign(_key=keys[0]).merge(
        right.drop(columns=on).assign(_key=keys[1]), on="_key", how=how
    )
    return out.drop(columns="_key")


def _distinct(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame.drop_duplicates()` of categorical columns, on one integer key per row."""
    keys = _codes_key([frame], list(frame.columns))
    if keys is None:
        return frame.drop_duplicates()
    return frame[~pd.Series(keys[0]).duplicated().to_numpy()]


def _synthetic(frame: pd.DataFrame) -> np.ndarray:
    """`is_synthetic` of each row, asked once per distinct (source, synthetic) pair."""
    codes, sources = pd.factorize(frame["source"], use_na_sentinel=False)  # by codes, if any
    sources = np.asarray(sources, dtype=object)
    if "synthetic" in frame:
        flags, marks = pd.factorize(frame["synthetic"], use_na_sentinel=False)
        marks = np.asarray(marks, dtype=object)
    else:
        flags, marks = np.zeros(len(frame), dtype=np.int64), None
    pair, pairs = pd.factorize(
        codes.astype(np.int64) * (len(marks) if marks is not None else 1) + flags
    )
    width = len(marks) if marks is not None else 1
    distinct = pd.DataFrame({"source": pd.Series(sources.take(pairs // width), dtype=object)})
    distinct["source"] = distinct["source"].astype(str)
    if marks is not None:
        distinct["synthetic"] = pd.Series(marks.take(pairs % width), dtype=object).to_numpy()
    return is_synthetic(distinct).to_numpy(dtype=bool)[pair]


def _join_unique(values: pd.Series) -> str:
    return " + ".join(dict.fromkeys(v for v in values if isinstance(v, str) and v))


def _grouped_text(frame: pd.DataFrame, keys: list[str], column: str, join) -> pd.Series:
    """`join` of each group's `column`: a group with one distinct text takes it as it is (no
    Python call per group); `join` runs only for the groups with several."""
    cells = frame[[*keys, column]]
    cells = cells[cells[column].notna() & (cells[column].astype(str) != "")]
    cells = cells.drop_duplicates()
    if cells.empty:
        return pd.Series(dtype=object, index=pd.MultiIndex.from_tuples([], names=keys))
    g = cells.groupby(keys, sort=False)[column]
    n = g.transform("size")
    single = cells[n == 1].set_index(keys)[column].astype(object)
    several = cells[n > 1]
    if several.empty:
        return single
    return pd.concat([single, several.groupby(keys, sort=False)[column].agg(join)])


def _sources_text(values: pd.Series) -> str:
    """Distinct sources, synthetic first so that a value built partly on made-up data is flagged
    by `is_synthetic()`."""
    found = {v for v in values if isinstance(v, str) and v}
    return "; ".join(sorted(found, key=lambda s: (not is_synthetic_source(s), s)))


def _group_numbers(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """The group number of each row by categorical `keys`, in the order groups first appear (as
    `groupby(sort=False)` numbers them); −1 for a row with a missing key (in no group)."""
    codes = [frame[k].cat.codes.to_numpy().astype(np.int64) for k in keys]
    widths = [len(frame[k].cat.categories) for k in keys]
    key = np.zeros(len(frame), dtype=np.int64)
    for c, w in zip(codes, widths, strict=True):
        key = key * max(w, 1) + np.maximum(c, 0)
    missing = np.any([c < 0 for c in codes], axis=0) if codes else np.zeros(len(frame), bool)
    number = np.full(len(frame), -1, dtype=np.int64)
    number[~missing] = pd.factorize(key[~missing])[0]
    return number


def _texts_by_group(groups: np.ndarray, column: pd.Series, n: int, join) -> np.ndarray:
    """`join` of the distinct non-empty texts of each group (in the order they first appear in
    it) for the rows with a group number ≥ 0; a group with one text takes it as it is, without
    a Python call; "" for a group without any. `column` is categorical: texts by code."""
    texts = np.asarray([str(t) for t in column.cat.categories], dtype=object)
    codes = column.cat.codes.to_numpy().astype(np.int64)
    usable = (groups >= 0) & (codes >= 0)
    usable[usable] &= texts[codes[usable]] != ""
    key = groups[usable] * len(texts) + codes[usable]
    distinct, first = np.unique(key, return_index=True)
    distinct = distinct[np.argsort(first, kind="stable")]  # in the order they first appear
    group, code = distinct // len(texts), distinct % len(texts)
    order = np.argsort(group, kind="stable")
    group, code = group[order], code[order]
    out = np.full(n, "", dtype=object)
    counts = np.bincount(group, minlength=n)
    single = counts[group] == 1
    out[group[single]] = texts[code[single]]
    several = ~single
    if several.any():
        g, c = group[several], texts[code[several]]
        starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
        for i, j in zip(starts, [*starts[1:], len(g)], strict=True):
            out[g[i]] = join(list(c[i:j]))
    return out


def _weighted_totals(
    full: pd.DataFrame, number: np.ndarray, n_groups: int, compensated: bool
) -> np.ndarray:
    """Σ weight × value of each group (NaN without any value), to the last bit as before: with
    pandas' compensated float sum, unless derivation was asked for and derived nothing — then
    added plainly in the order of the rows, the way pandas adds Python objects, which the
    values were after the concat with an empty frame of derived components."""
    wv = full["wv"].to_numpy(dtype="float64")
    if compensated:
        return pd.Series(wv).groupby(number, sort=True).sum(min_count=1).to_numpy()
    counted = ~np.isnan(wv)
    total = np.bincount(number, weights=np.where(counted, wv, 0.0), minlength=n_groups)
    return np.where(np.bincount(number, weights=counted, minlength=n_groups) > 0, total, np.nan)


def _aggregate(full: pd.DataFrame, compensated: bool) -> pd.DataFrame:
    """One row per (target, period, indicator, season), as `groupby(sort=False)` orders them:
    counts, the weighted total and the texts of its constituents, by group number."""
    keys = ["target", "period", "indicator", "season"]
    number = _group_numbers(full, keys)
    full = full[number >= 0] if (number < 0).any() else full
    number = number[number >= 0]
    n_groups = int(number.max()) + 1 if len(number) else 0
    first = np.empty(n_groups, dtype=np.int64)
    first[number[::-1]] = np.arange(len(number))[::-1]  # the last write of each group wins
    agg = full.iloc[first][keys].reset_index(drop=True)
    agg["n"] = np.bincount(number, minlength=n_groups)
    agg["n_present"] = np.bincount(number, weights=full["value"].notna(), minlength=n_groups)
    agg["n_present"] = agg["n_present"].astype(np.int64)
    agg["estimated"] = np.bincount(number, weights=full["est_any"], minlength=n_groups) > 0
    weight = full["weight"].to_numpy(dtype="float64")
    agg["weight"] = weight[first]  # every constituent has its weight: the first is there
    agg["synthetic"] = np.bincount(number, weights=full["synthetic"], minlength=n_groups) > 0
    agg["total"] = _weighted_totals(full, number, n_groups, compensated)
    label = full["label"]
    flags = {
        "missing": full["is_missing"].to_numpy(dtype=bool),
        "derived_from": full["derived"].fillna(False).to_numpy(dtype=bool),
        "from_seasons": full["from_seasons"].fillna(False).to_numpy(dtype=bool),
    }
    for name, rows in flags.items():
        agg[name] = _texts_by_group(np.where(rows, number, -1), label, n_groups, _join_unique)
    agg["sources"] = _texts_by_group(number, full["source"], n_groups, _sources_text)
    # every indicator of a (target, period) has the same constituents: join their labels once
    pair = _group_numbers(full, ["target", "period"])
    n_pairs = int(pair.max()) + 1 if len(pair) else 0
    constituents = _texts_by_group(pair, label, n_pairs, _join_unique)
    agg["constituents"] = constituents[pair[first]]
    agg["whole_single"] = (agg["n"] == 1) & (agg["weight"] == 1)
    return agg


def _apply_kinds(agg: pd.DataFrame, full: pd.DataFrame) -> pd.DataFrame:
    """The value, status and note of each (target, period, indicator) by its aggregation, on
    arrays: a ratio's components found by one integer key per row, not by index look-ups."""
    cat = catalogue()
    agg = agg.copy()
    indicators = [str(c) for c in agg["indicator"].cat.categories]
    ind = agg["indicator"].cat.codes.to_numpy().astype(np.int64)
    ind_text = np.asarray(indicators, dtype=object)[ind]
    complete = (agg["n_present"] == agg["n"]).to_numpy()
    agg["complete"] = complete
    total = agg["total"].to_numpy(dtype="float64")
    result = np.where(complete, total, np.nan)
    whole_single = agg["whole_single"].to_numpy(dtype=bool)
    note = np.where(
        whole_single, "Số của đơn vị cũ, giữ nguyên", "Tổng số liệu của các xã thành phần"
    ).astype(object)
    missing = agg["missing"].to_numpy(dtype=object).copy()
    incomplete = ~complete
    gone = np.flatnonzero(incomplete)  # the partial totals are written out for these rows only
    partial = np.asarray(
        [
            f"{format_number(v)} {cat[c].unit}" if pd.notna(v) else "không có"
            for v, c in zip(total[gone], ind_text[gone], strict=True)
        ],
        dtype=object,
    )
    note[gone] = (
        "Thiếu số liệu của "
        + missing[gone]
        + " — tổng của các đơn vị còn lại là "
        + partial
        + ", không phải số của cả xã"
    )
    # none: never added up, unless one unit became the target whole and alone
    kind = {i.code: i.aggregation for i in cat}
    none = np.asarray([kind.get(c) == "none" for c in indicators], dtype=bool)[ind] & ~whole_single
    result[none] = np.nan
    missing[none] = ""
    note[none] = "Chỉ tiêu không cộng được giữa các xã (not additive); xem số của từng xã cũ"
    incomplete |= none
    # formula: recomputed from the summed components (read as they were before this loop)
    estimated = agg["estimated"].to_numpy(dtype=bool).copy()
    derived_from = agg["derived_from"].to_numpy(dtype=object).copy()
    missing_before, estimated_before = missing.copy(), estimated.copy()
    derived_before = derived_from.copy()
    keys = ["target", "period", "season"]
    codes = [agg[k].cat.codes.to_numpy().astype(np.int64) for k in keys]
    widths = [len(agg[k].cat.categories) for k in keys] + [len(indicators)]
    table = pd.Index(_combined([*codes, ind], widths))  # one hash table for every look-up
    code_of = {c: i for i, c in enumerate(indicators)}
    for formula in (i for i in cat if i.aggregation == "formula"):
        if formula.code not in code_of:
            continue
        rows = np.flatnonzero((ind == code_of[formula.code]) & ~whole_single)
        if not len(rows):
            continue
        comps = {}
        ok_all = np.ones(len(rows), dtype=bool)
        gaps: dict[int, dict[str, list[str]]] = {}  # only rows with a component missing
        est = np.zeros(len(rows), dtype=bool)
        derived = np.full(len(rows), "", dtype=object)
        for c in formula.components:
            of = np.full(len(rows), code_of.get(c, -1), dtype=np.int64)
            at = _position(_combined([x[rows] for x in codes] + [of], widths), table)
            found = at >= 0
            where = np.maximum(at, 0)
            comps[c] = np.where(found, total[where], np.nan)
            ok_all &= found & complete[where]
            name = cat[c].name_vi.lower()
            texts = np.where(found, missing_before[where], "")
            for i in np.flatnonzero(texts != ""):
                gap = gaps.setdefault(int(i), {})
                for unit in filter(None, texts[i].split(" + ")):
                    gap.setdefault(unit, []).append(name)
            est |= found & estimated_before[where]
            part = np.where(found, derived_before[where], "")
            derived = np.asarray(
                [f"{a} + {b}".strip(" +") for a, b in zip(derived, part, strict=True)],
                dtype=object,
            )
        value = evaluate(formula.formula, pd.DataFrame(comps)).where(ok_all).to_numpy()
        gap_texts = _gap_texts(gaps, len(rows))
        result[rows] = value
        missing[rows] = np.where(~ok_all, gap_texts, "")
        estimated[rows] = est & ok_all
        derived_from[rows] = derived
        names = " và ".join(cat[c].name_vi.lower() for c in formula.components)
        note[rows] = np.where(
            ok_all,
            f"Tính lại từ tổng {names} của các xã thành phần",
            "Thiếu thành phần để tính lại: " + gap_texts,
        )
        incomplete[rows] = ~ok_all
    status = np.select([incomplete, estimated], [INCOMPLETE, ESTIMATED], REMAPPED)
    constituents = agg["constituents"].to_numpy(dtype=object)
    shared = (status == ESTIMATED) & np.asarray([" × " in t for t in constituents], dtype=bool)
    note[shared] += "; ước tính: phần của xã bị chia tính theo trọng số"
    derived = (derived_from != "") & (status == ESTIMATED)
    note[derived] += (
        "; ước tính: thành phần suy ra từ tỷ lệ đã báo cáo của " + derived_from[derived]
    )
    from_seasons = agg["from_seasons"].to_numpy(dtype=object)
    summed = (from_seasons != "") & (status != INCOMPLETE)
    note[summed] += "; số của " + from_seasons[summed] + f" cộng từ các vụ ({COMPUTED_MARK})"
    agg["result"] = result
    agg["missing"] = pd.Series(missing, index=agg.index, dtype=object)
    agg["estimated"] = estimated
    agg["derived_from"] = pd.Series(derived_from, index=agg.index, dtype=object)
    agg["note"] = pd.Series(note, index=agg.index, dtype=object)
    agg["status"] = status
    return agg


def _combined(keys: list[np.ndarray], widths: list[int]) -> np.ndarray:
    """Integer keys as one int64 per row (−1 where any is −1): equal exactly when all are."""
    out = np.zeros(len(keys[0]), dtype=np.int64)
    for key, width in zip(keys, widths, strict=True):
        out = out * max(width, 1) + np.maximum(key, 0)
    out[np.any([k < 0 for k in keys], axis=0)] = -1
    return out


def _position(keys: np.ndarray, table: pd.Index) -> np.ndarray:
    """Where each key is in `table` (distinct keys), −1 where it is not (or is −1)."""
    pos = table.get_indexer(keys)
    pos[keys < 0] = -1
    return pos


def _gap_texts(gaps: dict[int, dict[str, list[str]]], n: int) -> np.ndarray:
    """ "unit: component, component + unit: …" for the rows with gaps, "" for the others."""
    out = np.full(n, "", dtype=object)
    for i, g in gaps.items():
        out[i] = " + ".join(f"{u}: {', '.join(names)}" for u, names in g.items())
    return out


def _derived_components(data: pd.DataFrame) -> pd.DataFrame:
    """A constituent's component solved from its reported ratio and the other components."""
    cat = catalogue()
    wide = data.pivot_table(
        index=["src", "period", "season"], columns="indicator", values="value", aggfunc="first"
    )
    first = data.drop_duplicates(["src", "period", "season", "indicator"]).set_index(
        ["src", "period", "season", "indicator"]
    )
    src, fake = first["source"], first["synthetic"]
    out = []
    for ind in (i for i in cat if i.aggregation == "formula"):
        if ind.code not in wide:
            continue
        for c in ind.components:
            others = [o for o in ind.components if o != c]
            mask = wide[ind.code].notna() & (wide[c].isna() if c in wide else True)
            for o in others:
                mask &= wide[o].notna() if o in wide else False
            if not mask.any():
                continue
            sub = wide.loc[mask].copy()
            solved = _solve(ind.formula, c, sub, sub[ind.code])
            solved = solved[solved.notna() & (solved >= 0)]
            for (s, p, season), x in solved.items():
                key = (s, p, season, ind.code)
                made_up = bool(fake.get(key))
                out.append((s, p, c, float(x), src.get(key, ""), made_up, season, False, True))
    cols = [
        "src",
        "period",
        "indicator",
        "value",
        "source",
        "synthetic",
        "season",
        "from_seasons",
        "derived",
    ]
    found = pd.DataFrame(out, columns=cols).drop_duplicates(
        ["src", "period", "season", "indicator"]
    )
    return found


def _solve(formula: str, var: str, frame: pd.DataFrame, target: pd.Series) -> pd.Series:
    """x such that formula(var=x) == target, for formulas linear in x or in 1/x; else NaN."""

    def at(x):
        return evaluate(formula, frame.assign(**{var: x}))

    f1, f2 = at(1.0), at(2.0)
    linear = 1.0 + (target - f1) / (f2 - f1)
    inverse = f1 / target
    out = pd.Series(np.nan, index=frame.index)
    for guess in (inverse, linear):
        check = at(guess)
        ok = (check - target).abs() <= SOLVE_TOLERANCE * target.abs().clip(lower=1.0)
        out = out.where(~(ok & out.isna()), guess)
    return out


# ---------------------------------------------------------------------------------------------
# shapes
# ---------------------------------------------------------------------------------------------
def _with_base_columns(df: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("commune_code", "period", "indicator", "value") if c not in df]
    if missing:
        raise LineageError(
            "Bảng số liệu thiếu cột "
            + ", ".join(missing)
            + " (cần commune_code, period, indicator, value)"
        )
    out = df.copy(deep=False)  # columns are replaced, never written into
    out["commune_code"] = _per_value(out["commune_code"], register.normalize_code)
    out["period"] = _per_value(out["period"], lambda p: Period.parse(p).code)
    out[SEASON] = (
        _per_value(out[SEASON], str.strip, missing="")  # as season_column reads it
        if SEASON in out
        else pd.Series(pd.Categorical.from_codes(np.zeros(len(out), int), [""]), index=out.index)
    )
    cat = catalogue()
    for c in ("unit", "source", "quote", "unit_written", "note"):
        if c not in out:
            out[c] = out["indicator"].map(lambda i: cat[str(i)].unit) if c == "unit" else ""
    return out


def _codes_of(column: pd.Series) -> pd.Categorical:
    """A column as a categorical (a categorical column as it is)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.array
    return pd.Categorical(column.to_numpy(dtype=object))


def _per_value(column: pd.Series, fn, missing: str | None = None) -> pd.Series:
    """`fn` of each cell as text, computed once per distinct value, as a categorical (integer
    codes: no string per row). A missing cell reads "nan", as astype(str) gives it, or else
    `missing` as it is."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        texts = [fn(str(v)) for v in column.cat.categories]
        if (codes < 0).any():
            codes = np.where(codes < 0, len(texts), codes)
            texts.append(fn("nan") if missing is None else missing)
    else:
        codes, uniques = _distinct_cells(column)
        texts = [missing if missing is not None and pd.isna(v) else fn(str(v)) for v in uniques]
    mapped, merged = pd.factorize(pd.Index(texts, dtype=object))
    return pd.Series(
        pd.Categorical.from_codes(mapped[codes], categories=merged), index=column.index
    )


def _distinct_cells(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct cells (as objects, in order of appearance, a missing cell as the
    dtype gives it) of a column that is not categorical — by the column's own factorize, so that
    a text column of millions of rows is not turned into Python objects first."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    return codes, np.asarray(uniques, dtype=object)


def _texts(column: pd.Series) -> list[str]:
    """The distinct cells of a column as text (a categorical's categories in use)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        used = np.unique(column.cat.codes.to_numpy())
        cats = column.cat.categories
        return [str(cats[i]) if i >= 0 else "nan" for i in used]
    return [str(v) for v in _distinct_cells(column)[1]]


def _recoded(column: pd.Series, dtype: pd.CategoricalDtype) -> pd.Categorical:
    """A column as a categorical of `dtype`, by its distinct texts (never a string per row)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        texts = [str(v) for v in column.cat.categories] + ["nan"]
    else:
        codes, uniques = _distinct_cells(column)
        texts = [str(v) for v in uniques] + ["nan"]
    to = dtype.categories.get_indexer(pd.Index(texts, dtype=object))
    return pd.Categorical.from_codes(to[codes], dtype=dtype)


#: The text columns of a remapped frame (the "string" dtype, "" for none).
TEXT_COLUMNS = ("source", "quote", "unit_written", "note", "constituents", "missing_constituents")


def _concat(kept: pd.DataFrame, moved: pd.DataFrame) -> pd.DataFrame:
    """The rows passed through and the rows re-aggregated as one frame, each column of one dtype
    before the concat (categoricals over the union of their texts, texts as "string"), so that
    no column of millions of rows becomes Python objects on the way."""
    kept, moved = kept.copy(deep=False), moved.copy(deep=False)
    for c in kept.columns.intersection(moved.columns):
        a, b = kept[c], moved[c]
        if c in TEXT_COLUMNS:
            kept[c], moved[c] = a.fillna("").astype("string"), b.fillna("").astype("string")
        elif isinstance(a.dtype, pd.CategoricalDtype) and isinstance(b.dtype, pd.CategoricalDtype):
            if not a.cat.ordered and not b.cat.ordered and a.dtype != b.dtype:
                cats = a.cat.categories.union(b.cat.categories)
                kept[c], moved[c] = a.cat.set_categories(cats), b.cat.set_categories(cats)
    return pd.concat([kept, moved], ignore_index=True)


def _typed(out: pd.DataFrame, original: pd.DataFrame, seasons: bool) -> pd.DataFrame:
    cat = catalogue()
    periods = {*_texts(original["period"]), *_texts(out["period"])}
    out["commune_code"] = _recoded(
        out["commune_code"], pd.CategoricalDtype(sorted(_texts(out["commune_code"])))
    )
    out["period"] = _recoded(out["period"], period_dtype(periods))
    indicators = pd.CategoricalDtype(cat.codes)
    out["indicator"] = _recoded(out["indicator"], indicators).remove_unused_categories()
    out["value"] = out["value"].astype("float64")
    out["unit"] = _recoded(out["unit"], pd.CategoricalDtype(sorted(_texts(out["unit"]))))
    for c in TEXT_COLUMNS:
        out[c] = out[c].fillna("").astype("string")
    out["status"] = pd.Categorical(out["status"], categories=STATUSES)
    if "synthetic" in out:
        out["synthetic"] = out["synthetic"].astype("boolean").fillna(False).astype(bool)
    cols = [c for c in original.columns if c in out] + [
        c for c in BASE_COLUMNS if c not in original.columns
    ]
    if not seasons:
        cols = [c for c in cols if c != SEASON]  # a frame without seasons comes back without
    else:
        out[SEASON] = out[SEASON].fillna("").astype(str)
    out = out[cols + list(NEW_COLUMNS)]
    keys = ["commune_code", "period", "indicator", *([SEASON] if seasons else [])]
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


__all__ = [
    "remap",
    "series_for",
    "STATUSES",
    "STATUS_LABELS_VI",
    "REPORTED",
    "REMAPPED",
    "ESTIMATED",
    "INCOMPLETE",
]
