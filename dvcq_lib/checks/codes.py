"""Integer keys for the checks at national size (issue #17): a text column as integer codes
over its distinct texts, several codes as one group id, and group sizes and medians computed
from sorted integer keys — never a string per row, never a pandas groupby of texts.

Every function reads a column the way the checks always read it (`astype(str)`: a missing cell
is the text "nan"; seasons as `seasons.season_column` gives them), one call per distinct value.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from dvcq_lib.seasons import COLUMN as SEASON
from dvcq_lib.seasons import WHOLE


def text_codes(column: pd.Series, fn: Callable[[str], str] = str) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (int64, from 0) of `fn(str(cell))` for every cell, and the distinct texts
    they index (object array). A categorical column is read by its categories only; a missing
    cell (None or NaN) reads "nan" (the checks run on validated frames, where none is missing).

    >>> codes, texts = text_codes(pd.Series(["b", "a", "b", None]))
    >>> texts[codes].tolist()
    ['b', 'a', 'b', 'nan']
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        raw = column.cat.codes.to_numpy().astype(np.int64)
        texts = [fn(str(v)) for v in column.cat.categories]
        if (raw < 0).any():
            raw = np.where(raw < 0, len(texts), raw)
            texts.append(fn("nan"))
    else:
        raw, uniques = pd.factorize(column.to_numpy(dtype=object), use_na_sentinel=False)
        raw = raw.astype(np.int64)
        texts = [fn(_as_str(v)) for v in uniques]
    merged, distinct = pd.factorize(pd.Index(texts, dtype=object))
    return merged.astype(np.int64)[raw], np.asarray(distinct, dtype=object)


def _as_str(value: object) -> str:
    """`str` of a cell as `Series.astype(str)` writes it (a float NaN reads "nan")."""
    return "nan" if isinstance(value, float) and value != value else str(value)


def season_codes(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """`text_codes` of `seasons.season_column(df)`: "" for the whole period (no column, an
    empty or missing cell), else the stripped code."""
    if SEASON not in df:
        return np.zeros(len(df), dtype=np.int64), np.asarray([WHOLE], dtype=object)
    col = df[SEASON]
    if isinstance(col.dtype, pd.CategoricalDtype):
        if col.isna().any():  # a missing cell is the whole period, not the text "nan"
            col = col.cat.add_categories([WHOLE]) if WHOLE not in col.cat.categories else col
            col = col.fillna(WHOLE)
        return text_codes(col, str.strip)
    cells = col.to_numpy(dtype=object)
    missing = pd.isna(cells)
    if missing.any():
        cells = np.where(missing, WHOLE, cells)
    return text_codes(pd.Series(cells, dtype=object), str.strip)


def as_category(codes: np.ndarray, texts: np.ndarray) -> pd.Categorical:
    """Codes and their texts as a categorical (categories in the order of `texts`)."""
    return pd.Categorical.from_codes(codes, categories=pd.Index(texts, dtype=object))


def group_ids(*keys: np.ndarray) -> np.ndarray:
    """One id (0 … groups − 1) per distinct combination of integer keys, row by row; −1 where
    any key is negative (a missing key: the row is in no group, as pandas groupby drops it).

    >>> group_ids(np.array([0, 0, 1, 1]), np.array([2, 2, 2, -1])).tolist()
    [0, 0, 1, -1]
    """
    n = len(keys[0])
    keys = [np.asarray(key, dtype=np.int64) for key in keys]
    widths = [int(key.max()) + 1 if n else 1 for key in keys]
    if float(np.prod([max(w, 1) for w in widths], dtype=np.float64)) < 2.0**62:
        combined = combine(keys, widths)  # one key, numbered once
        ids = np.full(n, -1, dtype=np.int64)
        valid = combined >= 0
        ids[valid] = pd.factorize(combined[valid])[0]
        return ids
    missing = np.zeros(n, dtype=bool)
    combined = np.zeros(n, dtype=np.int64)
    for key in keys:
        key = np.asarray(key, dtype=np.int64)
        missing |= key < 0
        width = int(key.max()) + 1 if n else 1
        combined = combined * max(width, 1) + np.maximum(key, 0)
        # keep the combined key small: renumber the combinations seen so far
        combined = pd.factorize(combined)[0].astype(np.int64)
    if missing.any():
        combined[missing] = -1
        valid = ~missing
        combined[valid] = pd.factorize(combined[valid])[0]
    return combined


def group_size(ids: np.ndarray) -> np.ndarray:
    """Rows in each row's group (float: NaN for a row in no group)."""
    valid = ids >= 0
    counts = np.bincount(ids[valid]) if valid.any() else np.zeros(0, dtype=np.int64)
    out = np.full(len(ids), np.nan)
    out[valid] = counts[ids[valid]]
    return out


def sorted_within(groups: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The order of the rows by group, then value — `np.lexsort((values, groups))`, ties in the
    order of the rows — in two sorts: the values' ranks, then one integer key (about twice as
    fast as lexsort's two stable sorts on millions of rows)."""
    n = len(values)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(values, kind="stable")] = np.arange(n)
    return np.argsort(np.asarray(groups, dtype=np.int64) * max(n, 1) + rank)


def group_median(values: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The median of each row's group, NaN skipped (as pandas' groupby median): NaN for a row
    in no group or a group without a value. Sorted once by (group, value)."""
    x = np.asarray(values, dtype="float64")
    out = np.full(len(x), np.nan)
    valid = (ids >= 0) & ~np.isnan(x)
    if not valid.any():
        return out
    g, v = ids[valid], x[valid]
    order = sorted_within(g, v)
    gs, vs = g[order], v[order]
    groups = int(ids.max()) + 1
    counts = np.bincount(gs, minlength=groups)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    has = counts > 0
    med = np.full(groups, np.nan)
    lo = starts[has] + (counts[has] - 1) // 2
    hi = starts[has] + counts[has] // 2
    med[has] = (vs[lo] + vs[hi]) / 2
    in_group = ids >= 0
    out[in_group] = med[ids[in_group]]
    return out


def combine(keys: list[np.ndarray], widths: list[int]) -> np.ndarray:
    """Integer keys (each in 0 … width − 1, or −1 for none) as one int64 key per row, equal
    exactly when every key is; −1 where any key is −1. Rows of several frames coded over the
    same texts get comparable keys, so that a match is one hash look-up instead of a merge of
    text columns.

    >>> combine([np.array([0, 1, 1]), np.array([2, 0, -1])], [2, 3]).tolist()
    [2, 3, -1]
    """
    if float(np.prod([max(w, 1) for w in widths], dtype=np.float64)) >= 2.0**62:
        raise OverflowError("too many combinations for one int64 key")  # never at our sizes
    out = np.zeros(len(keys[0]), dtype=np.int64)
    missing = np.zeros(len(keys[0]), dtype=bool)
    for key, width in zip(keys, widths, strict=True):
        key = np.asarray(key, dtype=np.int64)
        missing |= key < 0
        out = out * max(width, 1) + np.maximum(key, 0)
    out[missing] = -1
    return out


def lookup(keys: np.ndarray, table: np.ndarray) -> np.ndarray:
    """For each key, the position of its first occurrence in `table` (−1 where it is absent,
    or the key is −1): a left join on one integer key, the first match kept."""
    distinct, first = np.unique(table, return_index=True)
    pos = np.searchsorted(distinct, keys)
    pos = np.minimum(pos, max(len(distinct) - 1, 0))
    found = (len(distinct) > 0) & (keys >= 0)
    if len(distinct):
        found &= distinct[pos] == keys
    out = np.full(len(keys), -1, dtype=np.int64)
    out[found] = first[pos[found]]
    return out


def inner_join(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions (left, right) of the pairs of equal keys, as `DataFrame.merge(how="inner")`
    pairs the rows: in the order of the left rows, a key matching several right rows once with
    each in their order. A key −1 matches nothing.

    >>> [a.tolist() for a in inner_join(np.array([5, 7, -1, 5]), np.array([7, 5, 9]))]
    [[0, 1, 3], [1, 0, 1]]
    """
    index = pd.Index(right)
    if index.is_unique:
        pos = index.get_indexer(left)
        pos[left < 0] = -1
        rows = np.flatnonzero(pos >= 0)
        return rows, pos[rows].astype(np.int64)
    a = pd.DataFrame({"k": left, "l": np.arange(len(left))})
    a = a[a["k"] >= 0]
    b = pd.DataFrame({"k": right, "r": np.arange(len(right))})
    m = a.merge(b, on="k", how="inner", sort=False)
    return m["l"].to_numpy(np.int64), m["r"].to_numpy(np.int64)
