"""The remap implementation before issue #17 (per-row strings, per-group Python), kept as the
reference that `benchmarks/remap_speed.py` times beside `dvcq_lib.remap` and that
`tests/test_remap.py` compares it with (the same frame, on generated and bundled data).

Not part of the library: nothing imports it but the benchmark and the test.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from dvcq_lib import register
from dvcq_lib.catalogue import catalogue, evaluate
from dvcq_lib.exceptions import LineageError
from dvcq_lib.lineage import BASIS_LABELS_VI, Crosswalk, Lineage, as_date, lineage
from dvcq_lib.numbers import format_number
from dvcq_lib.observations import COLUMNS, is_synthetic, is_synthetic_source
from dvcq_lib.periods import Period, period_dtype
from dvcq_lib.seasons import COLUMN as SEASON
from dvcq_lib.seasons import season_column
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
    """
    lin = lineage(crosswalk)
    frame = _with_base_columns(df)
    links = _links(frame, lin, to)
    identity = links.groupby(["commune_code", "period"], observed=True)["identity"].all()
    keys = pd.MultiIndex.from_frame(frame[["commune_code", "period"]].astype(str))
    passing = keys.isin(identity[identity].index)
    kept = frame[passing].assign(status=REPORTED, constituents="", missing_constituents="")
    moving = with_season_totals(frame[~passing]) if (~passing).any() else frame[~passing]
    moved = _remap_moved(moving, links[~links["identity"]], lin, to, derive)
    return _typed(pd.concat([kept, moved], ignore_index=True), frame, SEASON in df)


# ---------------------------------------------------------------------------------------------
# lineage of the rows
# ---------------------------------------------------------------------------------------------
def _links(frame: pd.DataFrame, lin: Lineage, to: object) -> pd.DataFrame:
    """One row per (commune_code, period, target) with the share and whether nothing changed."""
    pairs = frame[["commune_code", "period"]].astype(str).drop_duplicates()
    rows, backwards, unknown = [], [], []
    target_epoch = lin.epoch(to)
    for code, period in zip(pairs["commune_code"], pairs["period"], strict=True):
        if lin.epoch(period) > target_epoch:
            backwards.append(f"{code} ({period})")
            continue
        try:
            links = lin.trace(code, period, to)
        except LineageError:
            unknown.append(f"{code} ({period})")
            continue
        for link in links:
            ident = link.target == code and not link.steps
            rows.append((code, period, link.target, link.weight, ident))
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
    return pd.DataFrame(rows, columns=["commune_code", "period", "target", "weight", "identity"])


def _expected(targets: pd.DataFrame, lin: Lineage, to: object) -> pd.DataFrame:
    """Every constituent each (target, period) should have, whether or not it reported."""
    rows = []
    for target, period in zip(targets["target"], targets["period"], strict=True):
        for link in lin.sources(target, period, to):
            rows.append(
                (
                    target,
                    period,
                    link.source,
                    link.weight,
                    link.estimated,
                    _share_label(lin, link, period),
                )
            )
    return pd.DataFrame(rows, columns=["target", "period", "src", "weight", "est", "label"])


def _share_label(lin: Lineage, link, period: str) -> str:
    text = lin.label(link.source, period)
    if not link.whole:
        basis = BASIS_LABELS_VI.get(link.basis, link.basis)
        text += f" × {format_number(link.weight, 4)} (theo {basis})"
    return text


# ---------------------------------------------------------------------------------------------
# re-aggregation
# ---------------------------------------------------------------------------------------------
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
            "season": _codes_of(season_column(frame)),
            "from_seasons": computed_from_seasons(frame).to_numpy(),
            "derived": False,
        }
    )
    if derive:
        data = pd.concat([data, _derived_components(data)], ignore_index=True)
    targets = links[["target", "period"]].drop_duplicates()
    expected = _expected(targets, lin, to)
    # Keys as categoricals sharing their categories: every merge and group below then works on
    # integer codes rather than on millions of strings.
    units = pd.CategoricalDtype(
        sorted({*data["src"].astype(str).unique(), *expected["src"], *expected["target"]})
    )
    periods = pd.CategoricalDtype(sorted({*data["period"].astype(str).unique()}))
    data["src"] = data["src"].astype(str).astype(units)
    data["period"] = data["period"].astype(str).astype(periods)
    expected = expected.astype({"target": units, "src": units, "period": periods})
    attached = data.merge(expected[["target", "period", "src"]], on=["src", "period"])
    present = attached[["target", "period", "indicator", "season"]].drop_duplicates()
    ratios = [i for i in cat if i.aggregation == "formula" and i.code in set(present.indicator)]
    extra = [
        present[present["indicator"] == r.code].assign(indicator=c)
        for r in ratios
        for c in r.components
    ]
    needed = pd.concat([present, *extra], ignore_index=True).drop_duplicates()
    full = needed.merge(expected, on=["target", "period"]).merge(
        attached, on=["target", "period", "src", "indicator", "season"], how="left"
    )
    full["wv"] = full["weight"] * full["value"]
    full["is_missing"] = full["value"].isna()
    full["synthetic"] = full["synthetic"].astype("boolean").fillna(False).astype(bool)
    full["est_any"] = (full["weight"] != 1) | full["est"] | full["derived"].fillna(False)
    agg = _aggregate(full)
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


def _synthetic(frame: pd.DataFrame) -> np.ndarray:
    """`is_synthetic` of each row, asked once per distinct (source, synthetic) pair."""
    cols = [c for c in ("source", "synthetic") if c in frame]
    pairs = frame[cols].astype({"source": str})
    distinct = pairs.drop_duplicates()
    flags = distinct.assign(_flag=is_synthetic(distinct).to_numpy())
    return pairs.merge(flags, on=cols, how="left")["_flag"].to_numpy(dtype=bool)


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


def _aggregate(full: pd.DataFrame) -> pd.DataFrame:
    keys = ["target", "period", "indicator", "season"]
    g = full.groupby(keys, sort=False)
    agg = g.agg(
        n=("src", "size"),
        n_present=("value", "count"),
        estimated=("est_any", "any"),
        weight=("weight", "first"),
        synthetic=("synthetic", "any"),  # made up if any constituent's figure is
    ).reset_index()
    agg["total"] = g["wv"].sum(min_count=1).to_numpy()
    missing = full[full["is_missing"]].groupby(keys, sort=False)["label"].agg(_join_unique)
    derived = full[full["derived"].fillna(False).astype(bool)].groupby(keys, sort=False)["label"]
    summed = full[full["from_seasons"].fillna(False).astype(bool)].groupby(keys, sort=False)
    for name, texts in (
        ("missing", missing),
        ("derived_from", derived.agg(_join_unique)),
        ("from_seasons", summed["label"].agg(_join_unique)),
    ):  # merged one by one: aligning them in one frame trips over categorical levels
        agg = agg.merge(texts.rename(name).reset_index(), on=keys, how="left")
    sources = _grouped_text(full, keys, "source", _sources_text).rename("sources")
    agg = agg.merge(sources.reset_index(), on=keys, how="left")
    # every indicator of a (target, period) has the same constituents: join their labels once
    labels = (
        full.drop_duplicates(["target", "period", "src"])
        .groupby(["target", "period"], sort=False)["label"]
        .agg(_join_unique)
        .rename("constituents")
    )
    agg = agg.merge(labels.reset_index(), on=["target", "period"], how="left")
    for col in ("missing", "derived_from", "from_seasons", "sources", "constituents"):
        agg[col] = agg[col].fillna("")
    agg["whole_single"] = (agg["n"] == 1) & (agg["weight"] == 1)
    return agg


def _apply_kinds(agg: pd.DataFrame, full: pd.DataFrame) -> pd.DataFrame:
    """The value, status and note of each (target, period, indicator) by its aggregation."""
    cat = catalogue()
    agg = agg.copy()
    agg["complete"] = agg["n_present"] == agg["n"]
    agg["result"] = agg["total"].where(agg["complete"])
    aggregation = agg["indicator"].map({i.code: i.aggregation for i in cat})
    agg["note"] = np.where(
        agg["whole_single"], "Số của đơn vị cũ, giữ nguyên", "Tổng số liệu của các xã thành phần"
    )
    incomplete = ~agg["complete"]
    gone = agg[incomplete]  # the partial totals are written out for these rows only
    partial = [
        f"{format_number(v)} {cat[c].unit}" if pd.notna(v) else "không có"
        for v, c in zip(gone["total"], gone["indicator"], strict=True)
    ]
    agg.loc[incomplete, "note"] = (
        "Thiếu số liệu của " + gone["missing"] + " — tổng của các "
        "đơn vị còn lại là " + pd.Series(partial, index=gone.index, dtype=object) + ", không "
        "phải số của cả xã"
    )
    # none: never added up, unless one unit became the target whole and alone
    none = (aggregation == "none") & ~agg["whole_single"]
    agg.loc[none, "result"] = np.nan
    agg.loc[none, "missing"] = ""
    agg.loc[none, "note"] = (
        "Chỉ tiêu không cộng được giữa các xã (not additive); xem số của từng xã cũ"
    )
    incomplete |= none
    # formula: recomputed from the summed components
    index = agg.set_index(["target", "period", "season", "indicator"])
    for ind in (i for i in cat if i.aggregation == "formula"):
        rows = (agg["indicator"] == ind.code) & ~agg["whole_single"]
        if not rows.any():
            continue
        keys = pd.MultiIndex.from_frame(agg.loc[rows, ["target", "period", "season"]])
        comps = pd.DataFrame(index=keys)
        complete = pd.Series(True, index=keys)
        gaps: list[dict[str, list[str]]] = [{} for _ in range(len(keys))]
        est = pd.Series(False, index=keys)
        derived_from = pd.Series("", index=keys)
        for c in ind.components:
            part = index.xs(c, level="indicator").reindex(keys)
            comps[c] = part["total"]
            ok = part["complete"].fillna(False).astype(bool)
            complete &= ok
            name = cat[c].name_vi.lower()
            for gap, text in zip(gaps, part["missing"].fillna(""), strict=True):
                for unit in filter(None, text.split(" + ")):
                    gap.setdefault(unit, []).append(name)
            est |= part["estimated"].fillna(False).astype(bool)
            derived_from = derived_from.str.cat(
                part["derived_from"].fillna(""), sep=" + "
            ).str.strip(" +")
        value = evaluate(ind.formula, comps).where(complete)
        missing = pd.Series(
            [" + ".join(f"{u}: {', '.join(n)}" for u, n in g.items()) for g in gaps], index=keys
        )
        agg.loc[rows, "result"] = value.to_numpy()
        agg.loc[rows, "missing"] = missing.where(~complete, "").to_numpy()
        agg.loc[rows, "estimated"] = est.to_numpy() & complete.to_numpy()
        agg.loc[rows, "derived_from"] = derived_from.to_numpy()
        names = " và ".join(cat[c].name_vi.lower() for c in ind.components)
        agg.loc[rows, "note"] = np.where(
            complete.to_numpy(),
            f"Tính lại từ tổng {names} của các xã thành phần",
            "Thiếu thành phần để tính lại: " + missing.to_numpy(),
        )
        incomplete.loc[rows] = ~complete.to_numpy()
    agg["status"] = np.select([incomplete, agg["estimated"]], [INCOMPLETE, ESTIMATED], REMAPPED)
    shared = (agg["status"] == ESTIMATED) & agg["constituents"].str.contains(" × ", regex=False)
    agg.loc[shared, "note"] += "; ước tính: phần của xã bị chia tính theo trọng số"
    derived = (agg["derived_from"] != "") & (agg["status"] == ESTIMATED)
    agg.loc[derived, "note"] += (
        "; ước tính: thành phần suy ra từ tỷ lệ đã báo cáo của " + agg.loc[derived, "derived_from"]
    )
    summed = (agg["from_seasons"] != "") & (agg["status"] != INCOMPLETE)
    agg.loc[summed, "note"] += (
        "; số của " + agg.loc[summed, "from_seasons"] + f" cộng từ các vụ ({COMPUTED_MARK})"
    )
    return agg


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
    out = df.copy()
    out["commune_code"] = _per_value(out["commune_code"], register.normalize_code)
    out["period"] = _per_value(out["period"], lambda p: Period.parse(p).code)
    out[SEASON] = season_column(out)
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


def _per_value(column: pd.Series, fn) -> pd.Series:
    """`fn` of each cell as text, computed once per distinct value."""
    text = column.astype(str)
    return text.map({v: fn(v) for v in text.unique()})


def _typed(out: pd.DataFrame, original: pd.DataFrame, seasons: bool) -> pd.DataFrame:
    cat = catalogue()
    periods = {*original["period"].astype(str).unique(), *out["period"].astype(str).unique()}
    dtype = (
        original["period"].dtype
        if isinstance(original["period"].dtype, pd.CategoricalDtype)
        and set(out["period"].astype(str)) <= set(original["period"].dtype.categories)
        else period_dtype(periods)
    )
    out["commune_code"] = pd.Categorical(out["commune_code"].astype(str))
    out["period"] = pd.Categorical(out["period"].astype(str), dtype=dtype)
    out["indicator"] = pd.Categorical(
        out["indicator"].astype(str), categories=cat.codes
    ).remove_unused_categories()
    out["value"] = out["value"].astype("float64")
    out["unit"] = pd.Categorical(out["unit"].astype(str))
    for c in ("source", "quote", "unit_written", "note", "constituents", "missing_constituents"):
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


__all__ = ["remap"]
