"""Observations — the tidy table every part of dvcq reads: one row per commune × period ×
indicator, with its value in the catalogue's unit, its source and the quote it came from.

`load()` reads every CSV, Parquet and Excel file under the data folder's `observations/`,
parses Vietnamese numbers strictly, converts units to the catalogue's, and checks the table
contract (pandera, lazily) so that every problem in every file is reported at once, each with
its file, row and value. Nothing is dropped silently.

At national size (6 million rows) nothing is done per row in Python: a CSV is read by pyarrow
with its text columns as categories, each value is parsed once, vectorised
(`numbers.parse_numbers`), and every check, code, period and unit conversion is computed once
per distinct value or combination (`contracts.combinations`) and spread to the rows by codes.

Numbers by type: a numeric cell of a workbook or a Parquet file is a number as it is; the file's
number convention applies to text cells only (a CSV holds only text). NaN, infinities, exponents
and underscores are refused in every format.

The identity of an observation is (commune_code, period, indicator, season): `season` is "" for
the whole period or a season code of `data/catalogue/seasons.csv`, the latter only for an
indicator the catalogue marks `seasonal`. A file without the column holds whole-period figures.

A file may have a sidecar `<name>.meta.yml` declaring `number_format` (vi, en, plain),
`source` (for rows that name none) and `synthetic` (true: made-up figures). The sidecar's
`synthetic` decides the mark; a source named "synthetic…" is the fallback when it says nothing.
"""

from __future__ import annotations

import difflib
import math
import numbers
import pickle
import warnings
import zipfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import yaml
from pandas.api.types import union_categoricals

from dvcq_lib import communes, contracts, datasets, register, seasons, store
from dvcq_lib.catalogue import DOMAINS, catalogue
from dvcq_lib.contracts import OBS_EXPECTED, combinations, each_row, each_value, identities
from dvcq_lib.exceptions import (
    AmbiguousCommuneError,
    DataValidationError,
    InputTooLargeError,
    NoDataError,
    PlaceNotFoundError,
    Problem,
    UsageError,
)
from dvcq_lib.numbers import parse_numbers
from dvcq_lib.paths import DATA_DIR, OBSERVATIONS_SUBDIR
from dvcq_lib.periods import Period, period_dtype
from dvcq_lib.synthetic import is_synthetic, is_synthetic_source
from dvcq_lib.totals import whole_period
from dvcq_lib.units import conversion_factor, is_known_unit, normalize_unit

REQUIRED = ("commune_code", "period", "indicator", "value", "unit")
OPTIONAL = ("season", "source", "quote", "unit_written", "note")
#: The columns of an observation file, and of the loaded table (which adds `synthetic`).
COLUMNS = REQUIRED + OPTIONAL
#: Loaded, not written: whether the row's figures are made up (see `is_synthetic`).
DERIVED = ("synthetic",)
TABLE_COLUMNS = COLUMNS + DERIVED
#: What identifies one observation: duplicates, merges, checks and trends key on it.
IDENTITY = ("commune_code", "period", "indicator", "season")
#: A workbook is a zip: its members may inflate to at most this many bytes in all. The bundled
#: and generated workbooks hold well under 1 MB; 200 MB is far beyond any commune's table and
#: far below what would exhaust the machine (a 409 kB zip bomb inflates to gigabytes).
MAX_XLSX_INFLATED = 200 * 1024 * 1024
#: A Parquet file may declare at most this many rows, and this many bytes once decoded (both
#: read from its footer before any data): the bundled demo data are 11,000 rows, 1 MB.
MAX_PARQUET_ROWS = 5_000_000
MAX_PARQUET_BYTES = 1024 * 1024 * 1024


def _is_blank(v: object) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def _as_text(v: object) -> str:
    """A cell of a typed column as the text a CSV would hold (7273.0 → "7273")."""
    if _is_blank(v):
        return ""
    if isinstance(v, numbers.Integral) and not isinstance(v, bool):
        return str(int(v))
    if isinstance(v, numbers.Real) and not isinstance(v, bool) and float(v).is_integer():
        return str(int(v))
    return str(v)


def _as_value(v: object) -> object:
    """A `value` cell: a number stays a number, text stays text, an empty cell is NaN."""
    if _is_blank(v) or (isinstance(v, str) and not v.strip()):
        return math.nan
    return v


def _typed_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells of a typed file (Excel, Parquet): `value` keeps numbers as numbers — no string
    round trip, so a numeric 1.234 stays 1.234 — every other column becomes text."""
    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        name = str(col).strip()
        cells = frame[col].astype(object)
        out[name] = cells.map(_as_value) if name == "value" else cells.map(_as_text)
    return out


def check_xlsx_size(path: Path, limit: int | None = None) -> None:
    """Refuse a workbook whose members would inflate beyond `limit` (MAX_XLSX_INFLATED) before
    parsing it. The sizes are read from the zip's directory, nothing is inflated; they bound
    what is read, since Python's zipfile (openpyxl's reader) stops a member at its declared
    size."""
    limit = MAX_XLSX_INFLATED if limit is None else limit
    try:
        with zipfile.ZipFile(path) as z:
            inflated = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile:
        return  # not a zip: openpyxl says what is wrong with it
    if inflated > limit:
        raise InputTooLargeError(
            _display(path), inflated, limit, "dung lượng giải nén của tệp .xlsx (inflated size)"
        )


def check_parquet_size(path: Path) -> None:
    """Refuse a Parquet file whose footer declares more than MAX_PARQUET_ROWS rows or
    MAX_PARQUET_BYTES decoded bytes, before reading any of its data."""
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    decoded = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if meta.num_rows > MAX_PARQUET_ROWS:
        raise InputTooLargeError(
            _display(path), meta.num_rows, MAX_PARQUET_ROWS, "số dòng của tệp .parquet (rows)"
        )
    if decoded > MAX_PARQUET_BYTES:
        raise InputTooLargeError(
            _display(path), decoded, MAX_PARQUET_BYTES, "dung lượng giải nén của tệp .parquet"
        )


def _read_xlsx(path: Path) -> pd.DataFrame:
    check_xlsx_size(path)
    return _typed_cells(pd.read_excel(path, dtype=object, keep_default_na=False))


def _read_parquet(path: Path) -> pd.DataFrame:
    check_parquet_size(path)
    return _typed_cells(pd.read_parquet(path))


READERS = {
    ".csv": lambda p: datasets.frame("observations", p, categories=True),
    ".parquet": _read_parquet,
    ".xlsx": _read_xlsx,
}


class DuplicateRowWarning(UserWarning):
    """The same figure (same value) appears in more than one row; one copy is kept."""


# ---------------------------------------------------------------------------------------------
# reading files
# ---------------------------------------------------------------------------------------------
def data_root(data_dir: Path | str | None = None) -> Path:
    """The data folder (default: the project's data/); one that does not exist is an error, not
    an empty table — a typo must not look like a folder without data."""
    root = Path(data_dir or DATA_DIR)
    if root.is_dir():
        return root
    there = next((p for p in root.parents if p.exists()), None)
    hint = [f"thư mục dữ liệu mặc định: {DATA_DIR}"]
    if there is not None and there.is_dir():  # data folders beside the one asked for
        near = sorted(p for p in there.iterdir() if (p / OBSERVATIONS_SUBDIR).is_dir())
        hint += [f"thư mục dữ liệu có trong {there}: {p}" for p in near[:5]]
    what = "không phải thư mục" if root.exists() else "không tồn tại"
    raise UsageError(
        f"Thư mục dữ liệu {root} {what} (no such data folder); cần thư mục chứa "
        f"{OBSERVATIONS_SUBDIR}/",
        value=str(root),
        candidates=hint,
    )


def require_observations(df: pd.DataFrame, data_dir: Path | str | None = None) -> pd.DataFrame:
    """`df` if it holds rows; for a data folder without observation files, a NoDataError
    saying so (a command asked to work on nothing must not report success)."""
    if len(df):
        return df
    folder = data_root(data_dir)
    raise NoDataError(
        f"Không có số liệu nào trong {folder}: không có tệp .csv, .xlsx, .parquet nào trong "
        f"{folder / OBSERVATIONS_SUBDIR} (no observation files)",
        value=str(folder),
    )


def observation_files(data_dir: Path | str | None = None) -> list[Path]:
    root = data_root(data_dir)
    folder = root / OBSERVATIONS_SUBDIR if (root / OBSERVATIONS_SUBDIR).is_dir() else root
    return sorted(
        p
        for p in folder.rglob("*")
        if p.suffix.lower() in READERS and p.is_file() and not p.name.startswith(("~$", "."))
    )


def _sidecars(path: Path) -> list[Path]:
    """The sidecar of a data file: `<file>.meta.yml`, else `<stem>.meta.yml` (zero or one)."""
    for side in (path.with_name(path.name + ".meta.yml"), path.with_suffix(".meta.yml")):
        if side.is_file():
            return [side]
    return []


def file_meta(path: Path) -> dict:
    """The sidecar `<file>.meta.yml` of a data file, or {}."""
    found = _sidecars(path)
    return (yaml.safe_load(found[0].read_text(encoding="utf-8")) or {}) if found else {}


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_raw(path: Path, *, number_format: str | None = None) -> pd.DataFrame:
    """One file as text cells (numbers kept in `value` of typed files), plus where each row
    came from (_file, _row), its number convention and its sidecar's synthetic mark. Text
    columns of a CSV are categories (`datasets`); what is the same on every row is one too."""
    raw = READERS[path.suffix.lower()](path)
    raw.columns = [str(c).strip() for c in raw.columns]
    meta = file_meta(path)
    n = len(raw)
    raw["_file"] = _constant(_display(path), n)
    raw["_row"] = np.arange(2, n + 2)  # as a spreadsheet numbers it: header is row 1
    raw["_number_format"] = _constant(number_format or meta.get("number_format", "vi"), n)
    raw["_synthetic"] = pd.Series([meta.get("synthetic")] * n, index=raw.index, dtype=object)
    if "source" not in raw or meta.get("source"):
        default = meta.get("source", path.name)
        if "source" in raw:
            raw["source"] = recode([raw["source"]], lambda s: default if s == "" else s)
        else:
            raw["source"] = _constant(default, n)
    return raw


def _constant(value: object, n: int) -> pd.Categorical:
    """One value on each of n rows, held once (a category)."""
    try:
        return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), [value])
    except (TypeError, ValueError):  # not a category (a list in a sidecar): as it is
        return pd.Series([value] * n, dtype=object).array


def recode(columns: list[pd.Series], fn) -> pd.Series:
    """`fn(*values)` of every row as categories, called once per distinct combination."""
    codes, combos = combinations(columns)
    new, cats = pd.factorize(pd.Series([fn(*c) for c in combos], dtype=object))
    out = pd.Categorical.from_codes(new[codes] if len(new) else codes, cats.astype(object))
    return pd.Series(out, index=columns[0].index)


# ---------------------------------------------------------------------------------------------
# the contract: each row by `contracts.Observations` (through `datasets.problems`); the typed
# table by TABLE_SCHEMA; duplicates and signs, once values are parsed, by the checks below
# ---------------------------------------------------------------------------------------------
TABLE_SCHEMA = pa.DataFrameSchema(
    {
        "commune_code": pa.Column("category"),
        "period": pa.Column("category"),
        "indicator": pa.Column("category"),
        "value": pa.Column(float, pa.Check.ge(0, name="non_negative")),
        "unit": pa.Column("category"),
        "source": pa.Column("category"),
        "quote": pa.Column("string", nullable=True),
    },
    # No `unique=IDENTITY` here: `_duplicates` has enforced it on the identity codes just
    # before (pandera's check would hash the four columns of millions of rows once more).
    strict=False,
    name="observations",
)

#: What the checks of this module expect (those of each row: `contracts.OBS_EXPECTED`).
EXPECTED = {
    **OBS_EXPECTED,
    "non_negative": "số liệu không được âm",
    "duplicate_conflict": "trùng xã × kỳ × chỉ tiêu × vụ với một dòng khác nhưng khác giá trị",
    "column_in_schema": "cột không có trong bảng (cần: " + ", ".join(COLUMNS) + ")",
    "column_missing": "thiếu cột bắt buộc (cần: " + ", ".join(REQUIRED) + ")",
}


#: What the contract of a row looks up in the other tables (`contracts.LOOKUPS`).
LOOKUPS = {
    "catalogue": catalogue,
    "normalize_unit": normalize_unit,
    "is_known_unit": is_known_unit,
    "conversion_factor": conversion_factor,
    "seasons": seasons.seasons,
    "season_of": seasons.season_of,
    "season_column": seasons.season_column,
    "commune_exists": communes.exists,
}


def _structure_problems(raw: pd.DataFrame, path: Path) -> list[Problem]:
    cols = [c for c in raw.columns if not c.startswith("_")]
    out = [
        Problem(_display(path), 1, c, c, EXPECTED["column_missing"])
        for c in REQUIRED
        if c not in cols
    ]
    out += [
        Problem(_display(path), 1, c, c, EXPECTED["column_in_schema"])
        for c in cols
        if c not in COLUMNS
    ]
    return out


def _parse(raw: pd.DataFrame) -> pd.DataFrame:
    """Valid raw strings → typed values in the catalogue's units; every conversion computed
    once per distinct code, period, unit (or pair of them), not once per row."""
    cat = catalogue()
    df = raw.copy(deep=False)
    df["commune_code"] = recode([df["commune_code"]], register.normalize_code)
    df["period"] = recode([df["period"]], lambda p: Period.parse(p).code)
    written = recode([df["unit"]], str.strip)
    df["unit"] = recode([written], normalize_unit)
    target = recode([df["indicator"]], lambda c: cat[c].unit)
    factor = each_row([df["unit"], target], conversion_factor, dtype=float)
    df["value"] = _numbers(df) * factor
    # The unit as the source wrote it is kept when it differs (a checked slip is evidence).
    given = df["unit_written"] if "unit_written" in df else pd.Series(_constant("", len(df)))
    df["unit_written"] = recode(
        [given.set_axis(df.index), written, target],
        lambda g, w, t: g if isinstance(g, str) and g else (w if w != t else ""),
    )
    df["unit"] = target
    with contracts.given(LOOKUPS):
        df["season"] = recode([contracts.season_text(df)], seasons.season_of)
    by_source = each_row([df["source"]], lambda s: is_synthetic_source(str(s)))
    sidecar = df["_synthetic"].to_numpy(dtype=object) if "_synthetic" in df else None
    if sidecar is None:
        df["synthetic"] = by_source
    else:  # the contract let through only True, False and None (the sidecar says nothing)
        df["synthetic"] = np.where(pd.isna(sidecar), by_source, sidecar == True)  # noqa: E712
    return df


def _numbers(df: pd.DataFrame) -> np.ndarray:
    """The values as numbers (parsed once: `_number` holds them when the check parsed them)."""
    return contracts.values_of(df).to_numpy(dtype=float)


def _duplicates(df: pd.DataFrame) -> tuple[list[Problem], pd.DataFrame]:
    """Conflicting duplicates are problems; identical ones are collapsed with a warning."""
    key = list(IDENTITY)
    ids = pd.Series(identities([df[c] for c in key]))
    repeated = ids.duplicated(keep=False).to_numpy()
    if not repeated.any():
        return [], df
    dup = df[repeated]
    problems = []
    for _, group in dup.groupby(key, sort=False, observed=True):
        if group["value"].nunique() > 1:
            where = "; ".join(
                f"{f} dòng {r} = {v:g}"
                for f, r, v in zip(group["_file"], group["_row"], group["value"], strict=True)
            )
            for f, r, v in zip(group["_file"], group["_row"], group["value"], strict=True):
                problems.append(
                    Problem(f, int(r), "value", v, f"{EXPECTED['duplicate_conflict']} ({where})")
                )
        else:
            where = ", ".join(
                f"{f} dòng {r}" for f, r in zip(group["_file"], group["_row"], strict=True)
            )
            warnings.warn(
                f"Dòng trùng lặp cùng giá trị, giữ một: {where}", DuplicateRowWarning, stacklevel=3
            )
    return problems, df[~ids.duplicated(keep="first").to_numpy()]


#: The folder of observations/ whose rows replace the same observation held elsewhere:
#: `dvcq ingest --accept --replace` writes there, never into reference/ or demo/.
OVERRIDE_SUBDIR = "ingested"


def _is_override_file(name: str) -> bool:
    parts = Path(name).resolve().parts
    return any(
        (a, b) == (OBSERVATIONS_SUBDIR, OVERRIDE_SUBDIR)
        for a, b in zip(parts, parts[1:], strict=False)
    )


def apply_overrides(df: pd.DataFrame) -> pd.DataFrame:
    """A row of observations/ingested/ replaces the rows of the same observation (commune,
    period, indicator, season) in other folders; the kept row's note says which value it
    replaced. Two rows on one side still meet the duplicate check."""
    override = each_value(df["_file"], lambda f: _is_override_file(str(f))).to_numpy()
    if not override.any() or override.all():
        return df
    key = [c for c in ("commune_code", "period", "indicator", "season") if c in df]
    ids = pd.MultiIndex.from_frame(df[key].astype(str))
    replaced = ~override & ids.isin(set(ids[override]))
    if not replaced.any():
        return df
    said: dict[tuple, list[str]] = {}
    gone = df[replaced]
    for k, f, r, v in zip(ids[replaced], gone["_file"], gone["_row"], gone["value"], strict=True):
        said.setdefault(k, []).append(f"{f} dòng {r} = {v:g}")
    out = df[~replaced].copy()
    notes = out["note"].astype(str).tolist() if "note" in out else [""] * len(out)
    for i, (k, over) in enumerate(zip(ids[~replaced], override[~replaced], strict=True)):
        if over and k in said:
            extra = f"thay cho {'; '.join(said[k])} (dvcq ingest --replace; xem history/)"
            notes[i] = f"{notes[i]}; {extra}" if notes[i] else extra
    out["note"] = notes
    return out


def validate_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """Check and type a raw frame (strings + _file/_row); raise DataValidationError with
    every problem at once."""
    raw = _with_numbers(_as_categories(raw))
    problems = datasets.problems("observations", raw, lookups=LOOKUPS)
    good = raw[~_rows_of(raw, problems)] if problems else raw
    parsed = _parse(good) if len(good) else good.assign(unit_written="", season="", synthetic=False)
    if len(parsed):
        negative = parsed[parsed["value"] < 0]
        problems += [
            Problem(f, int(r), "value", v, EXPECTED["non_negative"])
            for f, r, v in zip(negative["_file"], negative["_row"], negative["value"], strict=True)
        ]
        parsed = apply_overrides(parsed)
        dup_problems, parsed = _duplicates(parsed)
        problems += dup_problems
    if problems:
        problems.sort(key=lambda p: (p.file, p.row or 0, p.column))
        raise DataValidationError(problems)
    return _typed(parsed)


#: The text columns of a raw frame held as categories (few distinct values, millions of rows).
CATEGORY_COLUMNS = tuple(c for c in COLUMNS if c != "value") + ("_file", "_number_format")


def _as_categories(raw: pd.DataFrame) -> pd.DataFrame:
    """The raw frame with its text columns as categories (those of a CSV already are)."""
    todo = [
        c
        for c in CATEGORY_COLUMNS
        if c in raw and not isinstance(raw[c].dtype, pd.CategoricalDtype)
    ]
    if not todo:
        return raw
    return raw.assign(**{c: raw[c].astype("category") for c in todo})


def _with_numbers(raw: pd.DataFrame) -> pd.DataFrame:
    """`_number`: each value read once by its file's convention (NaN: unreadable), for the
    contract's `value_number` check and for the table."""
    if "_number" in raw or "value" not in raw or "_number_format" not in raw:
        return raw
    return raw.assign(_number=parse_numbers(raw["value"], raw["_number_format"]))


def _rows_of(raw: pd.DataFrame, problems: list[Problem]) -> np.ndarray:
    """Which rows of the raw frame the problems point at (file and row)."""
    bad: dict[str, set[int]] = {}
    for p in problems:
        if p.row is not None:
            bad.setdefault(p.file, set()).add(int(p.row))
    mask = np.zeros(len(raw), dtype=bool)
    for file, rows in bad.items():
        mask |= ((raw["_file"] == file) & raw["_row"].isin(rows)).to_numpy()
    return mask


def _sorted_categories(s: pd.Series) -> pd.Categorical:
    """The categories a row holds, in sorted order (what pd.Categorical(values) would give)."""
    c = pd.Categorical(s).remove_unused_categories()
    return c.reorder_categories(sorted(c.categories))


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    df = _as_categories(df)
    n = len(df)
    text = {
        c: df[c] if c in df else pd.Series(_constant("", n), index=df.index)
        for c in ("season", "quote", "unit_written", "note")
    }
    out = pd.DataFrame(
        {
            "commune_code": _sorted_categories(df["commune_code"]),
            "period": pd.Categorical(df["period"], dtype=period_dtype(_present(df["period"]))),
            "indicator": pd.Categorical(df["indicator"], categories=catalogue().codes),
            "value": df["value"].astype("float64").to_numpy(),
            "unit": _sorted_categories(df["unit"]),
            "season": _sorted_categories(text["season"]),
            "source": _sorted_categories(df["source"]),
            "quote": text["quote"].array,
            "unit_written": text["unit_written"].array,
            "note": text["note"].array,
            "synthetic": df.get("synthetic", pd.Series(False, index=df.index)).astype(bool),
        }
    )
    out["indicator"] = out["indicator"].cat.remove_unused_categories()
    keys = [out[c].cat.codes.to_numpy() for c in IDENTITY]  # categories in sorted order
    order = np.lexsort(keys[::-1])  # stable: as sort_values(IDENTITY, kind="stable")
    if (np.diff(order) != 1).any():
        out = out.take(order)  # codes are taken, not texts: free text becomes text after
    out = out.reset_index(drop=True)
    for c in ("season", "quote", "unit_written", "note"):
        out[c] = _as_string(out[c])
    TABLE_SCHEMA.validate(out)
    return out


def _present(s: pd.Series) -> list:
    if isinstance(s.dtype, pd.CategoricalDtype):
        return list(s.cat.remove_unused_categories().cat.categories)
    return list(s.unique())


def _as_string(s: pd.Series) -> pd.Series:
    """A text column as pandas "string" (the table's dtype for free text); a categorical one
    by arrow, from its codes and categories (no Python string per row)."""
    if not isinstance(s.dtype, pd.CategoricalDtype):
        return s.astype("string")
    import pyarrow as pa

    codes = s.cat.codes.to_numpy()
    cats = pa.array(list(s.cat.categories.astype(object)), type=pa.large_string())
    codes = pa.array(codes.astype(np.int32), mask=codes < 0)
    text = pa.DictionaryArray.from_arrays(codes, cats).cast(pa.large_string())
    return pd.Series(pd.arrays.ArrowStringArray(text), index=s.index)


#: Observations read and checked by this process, by (files signature, number format).
_CHECKED: dict[tuple, pd.DataFrame] = {}


def _load_cached(
    files: tuple[tuple[str, float, int], ...], number_format: str | None
) -> pd.DataFrame:
    key = (files, number_format)
    if key not in _CHECKED:
        _CHECKED[key] = store.cached(files, number_format, _read_and_check)
    return _CHECKED[key]


def _read_and_check(
    files: tuple[tuple[str, float, int], ...], number_format: str | None
) -> pd.DataFrame:
    """The validated table of the files of a signature (what a cache may keep)."""
    frames, problems = read_files(files, number_format)
    return check_frames(frames, problems)


def read_files(
    files: tuple[tuple[str, float, int], ...], number_format: str | None
) -> tuple[list[pd.DataFrame], list[Problem]]:
    """Every data file of a signature as a raw frame; a file that cannot be read, or whose
    columns are not the table's, is a problem instead (the others are still read)."""
    frames, problems = [], []
    for name, _, _ in files:
        path = Path(name)
        if path.suffix.lower() not in READERS:
            continue  # a sidecar: in the signature so that editing it invalidates the cache
        try:
            raw = read_raw(path, number_format=number_format)
        except InputTooLargeError as exc:
            problems.append(Problem(exc.file, None, "", exc.size, exc.expected))
            continue
        except Exception as exc:  # unreadable file: say which, keep checking the rest
            problems.append(
                Problem(_display(path), None, "", type(exc).__name__, f"không đọc được tệp: {exc}")
            )
            continue
        if structure := _structure_problems(raw, path):
            problems += structure
            continue
        frames.append(raw)
    return frames, problems


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The raw frames as one, each file's values parsed first (one convention per file), text
    columns staying categories (their union), a column some files lack missing there."""
    frames = [_with_numbers(_as_categories(f)) for f in frames]
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    columns = list(dict.fromkeys(c for f in frames for c in f.columns))
    out = {}
    for col in columns:
        parts = [f[col] if col in f else None for f in frames]
        if all(p is None or isinstance(p.dtype, pd.CategoricalDtype) for p in parts):
            out[col] = union_categoricals(
                [
                    _text_categories(p.array if p is not None else _missing(len(f)))
                    for p, f in zip(parts, frames, strict=True)
                ],
                ignore_order=True,
            )
        else:
            out[col] = pd.concat(
                [
                    p if p is not None else pd.Series([None] * len(f), dtype=object)
                    for p, f in zip(parts, frames, strict=True)
                ],
                ignore_index=True,
            ).array
    return pd.DataFrame(out)


def _missing(n: int) -> pd.Categorical:
    return pd.Categorical.from_codes(np.full(n, -1, dtype=np.int8), pd.Index([], dtype="str"))


def _text_categories(c: pd.Categorical) -> pd.Categorical:
    """The same categories as text ("str"), as pandas infers them for text: frames from a
    CSV, a workbook and a missing column then share one kind of categories."""
    if c.categories.dtype == "str":
        return c
    try:
        return c.rename_categories(pd.Index(c.categories, dtype="str"))
    except (TypeError, ValueError):  # not text, or two categories the same as text
        return c


def check_frames(frames: list[pd.DataFrame], problems: list[Problem]) -> pd.DataFrame:
    """The raw frames checked and typed as one table; DataValidationError with the problems
    already found and every problem of the rows."""
    if not frames and not problems:
        return _typed(pd.DataFrame(columns=[*COLUMNS, "_file", "_row"]).astype(str))
    table = None
    try:
        table = validate_frame(_concat(frames)) if frames else None
    except DataValidationError as err:
        problems = [*problems, *err.problems]
    if problems:
        raise DataValidationError(problems)
    return table


def files_signature(data_dir: Path | str | None = None) -> tuple[tuple[str, float, int], ...]:
    """(path, mtime, size) of every observation file and of its sidecar: the key of every cache
    derived from the data folder, so that a changed file invalidates them all."""
    out = []
    for p in observation_files(data_dir):
        for f in (p, *_sidecars(p)):
            st = f.stat()
            out.append((str(f), st.st_mtime, st.st_size))
    return tuple(out)


def read_observations(
    data_dir: Path | str | None = None, *, number_format: str | None = None
) -> pd.DataFrame:
    """Every observation in the data folder, checked and typed (cached until files change).
    The copy is shallow: pandas (3, copy-on-write) copies a column the caller changes, so the
    cached table stays as read without copying millions of rows at every call."""
    return _load_cached(files_signature(data_dir), number_format).copy(deep=False)


def hand_over(data_dir: Path | str | None, path: Path) -> Path:
    """Write the data folder's observations, as this process read and checked them, to `path`
    for `take_over` in another process of the same batch (a kernel), which then need not read
    and check every file again. `path` must be private to the batch: it is a pickle."""
    signature = files_signature(data_dir)
    frame = _load_cached(signature, None)
    str_dir = str(data_dir) if data_dir else None
    with open(path, "wb") as f:
        pickle.dump((str_dir, signature, frame), f, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def take_over(path: Path | str) -> bool:
    """Adopt the observations `hand_over` wrote, unless a file changed since it read them (then
    they are read again, as always). Returns whether they were adopted."""
    with open(path, "rb") as f:
        data_dir, signature, frame = pickle.load(f)  # noqa: S301 — written by our own batch
    if files_signature(data_dir) != signature:
        return False
    _CHECKED.setdefault((signature, None), frame)
    return True


# ---------------------------------------------------------------------------------------------
# the public entry point
# ---------------------------------------------------------------------------------------------
def _as_list(x) -> list | None:
    if x is None:
        return None
    return list(x) if isinstance(x, (list, tuple, set)) else [x]


def commune_keys(df: pd.DataFrame) -> pd.Series:
    """'legacy:07273' / '2025:07294' for each row: code + the register its period uses
    (`communes.keys`: the text form of `CommuneKey`)."""
    return communes.keys(df)


def scope_keys(district: str | None = None, province: str | None = None) -> set[str]:
    """The commune keys of every unit of a (legacy) district and/or a province, in both
    registers. A name that designates no unit is an error with close names."""
    keys: set[str] = set()
    for system in register.SYSTEMS:
        units = communes.units(system, district=district, province=province)
        keys |= {str(register.CommuneKey(system, c)) for c in units.index}
    if keys:
        return keys
    legacy, new = communes.units(register.LEGACY), communes.units(register.NEW)
    if district and not communes.units(register.LEGACY, district=district).shape[0]:
        raise PlaceNotFoundError("huyện", district, _close(district, legacy["district_short"]))
    if province and not communes.units(register.LEGACY, province=province).shape[0]:
        names = pd.concat([legacy["province_short"], new["province_short"]])
        raise PlaceNotFoundError("tỉnh", province, _close(province, names))
    raise UsageError(
        f"Không có xã/phường nào thuộc huyện {district!r} của tỉnh {province!r} (the district "
        "is not in that province)",
        value=(district, province),
    )


def _close(query: str, names: Iterable[str]) -> list[str]:
    """Names close to the query, diacritics and case ignored."""
    folded: dict[str, set[str]] = {}
    for name in set(names):
        folded.setdefault(register.ascii_fold(name).casefold(), set()).add(name)
    key = register.ascii_fold(str(query)).casefold()
    for prefix in ("huyen ", "quan ", "thi xa ", "thanh pho ", "tinh "):
        key = key.removeprefix(prefix)
    close = difflib.get_close_matches(key, list(folded), n=5, cutoff=0.8)
    return sorted({n for c in close for n in folded[c]})


def resolve_communes(
    df: pd.DataFrame,
    query: object,
    *,
    district: str | None = None,
    province: str | None = None,
    period: object = None,
) -> set[str]:
    """The commune keys in `df` that a name or code designates (every match when none has
    data); ambiguity inside the data is an error listing the candidates (a name ambiguous in the
    country may be unique in the data). See `communes.candidates`."""
    present = set(commune_keys(df).unique()) if len(df) else set()
    hits = communes.candidates(
        query, district=district, province=province, period=period, present=present
    )
    keys = {str(c.key) for c in hits}
    if len(keys & present) > 1 and not communes.is_code(query):
        raise AmbiguousCommuneError(str(query), [c.describe() for c in hits])
    return keys


def load(
    commune: object = None,
    period: object = None,
    domain: str | Iterable[str] | None = None,
    *,
    district: str | None = None,
    province: str | None = None,
    indicator: str | Iterable[str] | None = None,
    data_dir: Path | str | None = None,
    number_format: str | None = None,
) -> pd.DataFrame:
    """Observations from the data folder as a tidy DataFrame, filtered.

    Args:
        commune: name ("Đông Sơn", "Xã Đông Sơn"), code ("07273", 7273) or a list of them.
        period: "2024-H1", "6 tháng đầu năm 2024", a Period, or a list.
        domain: profile, agriculture, dossiers, petitions (or a list).
        district, province: narrow a commune name, or select all communes of one.
        indicator: code(s) from the catalogue.
        data_dir: folder holding `observations/` (default: the project's data/).
        number_format: override every file's declared number convention.

    Returns:
        commune_code, period (ordered), indicator (category), value (float, catalogue unit),
        unit, season ("" = whole period, else a season code), source, quote, unit_written,
        note, synthetic (bool: made-up figures).

    Raises:
        DataValidationError: every problem in every file, with file, row and value.
        CommuneNotFoundError / AmbiguousCommuneError: the commune query.

    >>> len(load(commune="Đông Sơn", period="2024-H1", district="Yên Thế"))
    36
    """
    df = read_observations(data_dir, number_format=number_format)
    return select(
        df,
        commune=commune,
        period=period,
        domain=domain,
        district=district,
        province=province,
        indicator=indicator,
    )


def select(
    df: pd.DataFrame,
    *,
    commune: object = None,
    period: object = None,
    domain: str | Iterable[str] | None = None,
    district: str | None = None,
    province: str | None = None,
    indicator: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """The rows of a loaded table that `load`'s filters keep (see `load`)."""
    periods = [Period.parse(p).code for p in _as_list(period) or []]
    mask = _period_mask(df, periods) & _domain_mask(df, domain) & _indicator_mask(df, indicator)
    mask &= _place_mask(df, mask, commune, periods, district, province)
    out = df[mask].reset_index(drop=True)
    for col in ("commune_code", "indicator", "unit"):
        out[col] = out[col].cat.remove_unused_categories()
    return out


def _period_mask(df: pd.DataFrame, periods: list[str]) -> pd.Series:
    if not periods:
        return pd.Series(True, index=df.index)
    return df["period"].astype(str).isin(periods)


def _domain_mask(df: pd.DataFrame, domain: str | Iterable[str] | None) -> pd.Series:
    if domain is None:
        return pd.Series(True, index=df.index)
    cat = catalogue()
    domains = _as_list(domain)
    for d in domains:
        cat.in_domain(d)  # validates the name
    return df["indicator"].astype(str).map(lambda c: cat[c].domain).isin(domains)


def _indicator_mask(df: pd.DataFrame, indicator: str | Iterable[str] | None) -> pd.Series:
    if indicator is None:
        return pd.Series(True, index=df.index)
    codes = _as_list(indicator)
    for c in codes:
        catalogue()[c]  # validates the code
    return df["indicator"].astype(str).isin(codes)


def _place_mask(
    df: pd.DataFrame,
    mask: pd.Series,
    commune: object,
    periods: list[str],
    district: str | None,
    province: str | None,
) -> pd.Series:
    """The rows of the communes asked for (a name is resolved among the rows `mask` keeps),
    or of every commune of a district / province."""
    if commune is None and not (district or province):
        return pd.Series(True, index=df.index)
    keys = commune_keys(df)
    if commune is None:
        return keys.isin(scope_keys(district, province))
    wanted: set[str] = set()
    for q in _as_list(commune):
        wanted |= resolve_communes(
            df[mask],
            q,
            district=district,
            province=province,
            period=periods[0] if len(periods) == 1 else None,
        )
    return keys.isin(wanted)


def wide(df: pd.DataFrame) -> pd.DataFrame:
    """Indicators as columns, one row per commune × period (values in catalogue units).

    Whole periods only (`totals.whole_period`): a season's figure never stands for the period;
    a period total is the reported one, or the sum of its seasons where none is missing.
    """
    df = whole_period(df)
    out = df.pivot_table(
        index=["commune_code", "period"],
        columns="indicator",
        values="value",
        aggfunc="first",
        observed=True,
    )
    out.columns = out.columns.astype(str)
    out.columns.name = None
    return out


def domain_of(df: pd.DataFrame) -> pd.Series:
    cat = catalogue()
    return df["indicator"].astype(str).map(lambda c: cat[c].domain)


__all__ = [
    "load",
    "wide",
    "read_observations",
    "validate_frame",
    "is_synthetic",
    "is_synthetic_source",
    "DOMAINS",
]
