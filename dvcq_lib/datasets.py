"""The catalogue of data sets: every table dvcq reads, by name — where it lives (`paths.py`),
how it is read (once, here), and its contract (a pandera model of `contracts.py`).

>>> dataset("units").path.name, dataset("units").model
('units.csv', 'Units')
>>> read("units").loc[0, "unit"]
'ha'

`read(name, path=...)` reads a table as text and checks it lazily: a table that breaks its
contract raises `DataValidationError` with every problem at once, each a `Problem` naming the
file, the row (as a spreadsheet numbers it: header = 1), the column, the value and what was
expected, in Vietnamese. `frame` reads without checking; `problems` checks a frame already read
(a sheet whose rows come from several places, an in-memory catalogue).

A contract that looks into other tables (an indicator's unit is in units.csv) is given them by
the module that reads the table: `read(name, path, lookups={"units": units.units})`; each data
set names the lookups it needs (`Dataset.lookups`, the names of `contracts.LOOKUPS`). The
contracts import no module that reads a table, so none imports back into this one.

Rules across rows that a contract cannot say (a split's weights adding up to 1, a formula naming
another row's code) stay as named checks beside the module that reads the table.
"""

from __future__ import annotations

import csv
import sys
import types
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from dvcq_lib import paths
from dvcq_lib.exceptions import CatalogueTableError, DataValidationError, Problem

#: Errors of reading a file as a table (missing, unreadable, not text, not CSV).
READ_ERRORS = (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError)


@dataclass(frozen=True)
class Dataset:
    """One named table: its default path, its contract and how it is read."""

    name: str
    title_vi: str
    #: The file (or the folder of files) read when no path is given.
    path: Path
    #: The class name of its pandera model in `contracts.py`.
    model: str
    #: Strip every cell (catalogue tables); data a person wrote keep their text as written.
    strip: bool = False
    #: Leading `#` lines are a comment (crosswalk.csv): skipped, counted in row numbers.
    comments: bool = False
    #: A catalogue table: a broken one is a CatalogueError as well as a DataValidationError.
    catalogue: bool = False
    #: What its contract looks up in other tables (`contracts.LOOKUPS`), given to read it.
    lookups: tuple[str, ...] = ()
    #: Read by pyarrow when asked for categories (`frame(..., categories=True)`), every column
    #: but these as categories (few distinct texts, each held once): the observations,
    #: millions of rows. None: always read by pandas.
    plain_columns: tuple[str, ...] | None = None
    #: pandas.read_csv options, the same for every table unless said otherwise.
    options: dict = field(
        default_factory=lambda: {"dtype": str, "keep_default_na": False, "encoding": "utf-8-sig"}
    )


def _catalogue(name: str, title: str, model: str, **kw) -> Dataset:
    return Dataset(
        name, title, paths.CATALOGUE_FILES[name], model, strip=True, catalogue=True, **kw
    )


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            "observations",
            "số liệu (observations)",
            paths.DATA_DIR / paths.OBSERVATIONS_SUBDIR,
            "Observations",
            plain_columns=("value",),
            lookups=(
                "catalogue",
                "normalize_unit",
                "is_known_unit",
                "conversion_factor",
                "seasons",
                "season_of",
                "season_column",
                "commune_exists",
            ),
        ),
        _catalogue("indicators", "danh mục chỉ tiêu", "Indicators", lookups=("units",)),
        _catalogue("units", "danh mục đơn vị đo", "Units"),
        _catalogue("seasons", "danh mục mùa vụ", "Seasons"),
        _catalogue("rules", "quy tắc nhất quán", "Rules", lookups=("catalogue",)),
        _catalogue("crosswalk", "bảng chuyển đổi đơn vị hành chính", "Crosswalk", comments=True),
        _catalogue("report_sections", "mục báo cáo", "ReportSections", lookups=("catalogue",)),
        _catalogue("notebooks", "danh mục notebook báo cáo", "Notebooks"),
        _catalogue("labels", "nhãn giao diện", "Labels"),
        _catalogue("explore_labels", "nhãn khám phá dữ liệu", "ExploreLabels"),
        _catalogue("precision", "số chữ số thập phân", "Precision"),
        _catalogue(
            "commune_bounds",
            "giới hạn hợp lý của số liệu một xã",
            "CommuneBounds",
            lookups=("catalogue",),
        ),
        Dataset(
            "targets",
            "chỉ tiêu kế hoạch (targets)",
            paths.DATA_DIR / paths.TARGETS_SUBDIR,
            "Targets",
            lookups=("catalogue",),
        ),
        Dataset("review", "bảng rà soát", paths.DATA_DIR / paths.REVIEW_SUBDIR, "Review"),
        Dataset("history", "lịch sử gộp số liệu", paths.DATA_DIR / paths.HISTORY_FILE, "History"),
        Dataset(
            "findings", "kết quả kiểm tra", paths.OUTPUTS_DIR / paths.CHECKS_SUBDIR, "Findings"
        ),
    )
}


def dataset(name: str) -> Dataset:
    try:
        return DATASETS[name]
    except KeyError:
        raise KeyError(f"không có bảng dữ liệu {name!r}; có: {', '.join(DATASETS)}") from None


@cache
def schema(name: str) -> pa.DataFrameSchema:
    """The contract of a data set as a pandera schema."""
    from dvcq_lib import contracts

    with _pandas_only():
        return getattr(contracts, dataset(name).model).to_schema()


@contextmanager
def _pandas_only():
    """Build pandas models without importing Dask. To build a DataFrameModel, pandera lists
    the index types of every backend it finds installed, and finding Dask's imports
    dask.dataframe: 1.5 s in every process that reads a table (a report's kernels), for
    contracts that are pandas only. Unless Dask is already imported, pandera is told here that
    its Dask typing is absent; its lists of types are cached, so this holds for the process."""
    if "dask.dataframe" in sys.modules or "pandera.typing.dask" in sys.modules:
        yield
        return
    absent = types.ModuleType("pandera.typing.dask")
    absent.DASK_INSTALLED = False
    sys.modules["pandera.typing.dask"] = absent
    try:
        yield
    finally:
        del sys.modules["pandera.typing.dask"]


# ---------------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------------
def _comment_lines(path: Path) -> int:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    skip = 0
    while skip < len(lines) and lines[skip].lstrip().startswith("#"):
        skip += 1
    return skip


def frame(name: str, path: Path | str | None = None, *, categories: bool = False) -> pd.DataFrame:
    """A table as text, unchecked: column names stripped (and cells, for catalogue tables).
    `attrs` hold the file and the row number of its first line of data. Reading errors
    (READ_ERRORS) are raised as they are. `categories`: a data set read by pyarrow
    (`Dataset.plain_columns`) gives its text columns as categories (the observations loader
    asks so); otherwise every column is str, as a caller that rewrites the file expects."""
    spec = dataset(name)
    path = Path(path or spec.path)
    skip = _comment_lines(path) if spec.comments else 0
    df = _read_arrow(path, spec, skip) if categories and spec.plain_columns is not None else None
    if df is None:
        df = pd.read_csv(path, skiprows=skip, **spec.options)
    df.columns = [str(c).strip() for c in df.columns]
    if spec.strip and len(df.columns):
        df = df.apply(lambda s: s.str.strip())
    df.attrs.update(file=str(path), first_row=skip + 2)
    return df


def _header(path: Path, skip: int) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        for _ in range(skip):
            f.readline()
        return next(csv.reader(f), [])


def _read_arrow(path: Path, spec: Dataset, skip: int) -> pd.DataFrame | None:
    """The table read by pyarrow's CSV reader (multithreaded, no Python object per cell) as
    pandas reads it with `spec.options` — every cell as text, an empty cell "" — but with the
    columns not in `spec.plain_columns` as categories. None for a file it reads otherwise than
    pandas would (a row with too few or too many cells, text that is not UTF-8, a repeated
    column name): pandas reads those, as it always has, and says what is wrong."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        names = _header(path, skip)
    except (OSError, UnicodeDecodeError):
        return None
    if not names or len(set(names)) != len(names):
        return None
    plain = set(spec.plain_columns or ())
    types_ = {
        n: pa.string() if n.strip() in plain else pa.dictionary(pa.int32(), pa.string())
        for n in names
    }
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(skip_rows=skip, encoding="utf8"),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=types_, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, OSError):
        return None
    if table.column_names != names:
        return None
    return table.to_pandas()


def read(
    name: str, path: Path | str | None = None, *, lookups: Mapping[str, Callable] | None = None
) -> pd.DataFrame:
    """A table as text, checked against its contract (`lookups`: see `problems`).

    Raises:
        DataValidationError: every problem of the table (an unreadable file is one problem);
            for a catalogue table, also a CatalogueError.
    """
    spec = dataset(name)
    where = str(path or spec.path)
    try:
        df = frame(name, path)
    except READ_ERRORS as exc:
        found = [Problem(where, None, "", type(exc).__name__, f"không đọc được tệp CSV: {exc}")]
        raise _error(spec, found) from None
    if found := problems(name, df, lookups=lookups):
        raise _error(spec, found)
    return df


def _error(spec: Dataset, found: list[Problem]) -> DataValidationError:
    cls = CatalogueTableError if spec.catalogue else DataValidationError
    return cls(found, context=spec.title_vi)


# ---------------------------------------------------------------------------------------------
# the contract's failures as Problems (the one translation)
# ---------------------------------------------------------------------------------------------
def problems(
    name: str,
    df: pd.DataFrame,
    *,
    file: str | None = None,
    lookups: Mapping[str, Callable] | None = None,
) -> list[Problem]:
    """Every way `df` breaks the contract of data set `name`, as Problems sorted by file, row
    and column. A frame with `_file`/`_row` columns (rows of several files) names each row's
    own; otherwise `file` (default: the file `frame` read) and the row from its position.

    `lookups` gives the functions its contract looks up in other tables, by the names of
    `contracts.LOOKUPS`; those the data set needs (`Dataset.lookups`) must be given.

    >>> problems("rules", frame("rules"))
    Traceback (most recent call last):
    TypeError: bảng 'rules' cần tra cứu: catalogue (datasets.problems(..., lookups=...))
    """
    from dvcq_lib import contracts

    spec, lookups = dataset(name), dict(lookups or {})
    if missing := [k for k in spec.lookups if k not in lookups]:
        raise TypeError(
            f"bảng {name!r} cần tra cứu: {', '.join(missing)} (datasets.problems(..., lookups=...))"
        )
    with contracts.given(lookups):
        try:
            schema(name).validate(df, lazy=True)
        except pa.errors.SchemaErrors as err:
            found = translate(err, df, spec.model, file=file)
            return sorted(found, key=lambda p: (p.file, p.row or 0, p.column))
    return []


def _where(df: pd.DataFrame, index, file: str | None) -> tuple[str, int | None]:
    default = file or df.attrs.get("file", "")
    if index is None or index not in df.index:
        return default, None
    if "_row" in df:
        row = df.loc[index]
        return str(row.get("_file", default)), int(row["_row"])
    return default, int(df.index.get_loc(index)) + int(df.attrs.get("first_row", 2))


def _files(df: pd.DataFrame, file: str | None) -> str:
    if "_file" in df and len(df):
        return ", ".join(dict.fromkeys(df["_file"].astype(str)))
    return file or df.attrs.get("file", "")


def _check_of(schema_: pa.DataFrameSchema, r) -> pa.Check | None:
    if pd.isna(r.check_number):
        return None
    number = int(r.check_number)
    if r.schema_context == "Column" and r.column in schema_.columns:
        checks = schema_.columns[r.column].checks
    else:
        checks = schema_.checks
    return checks[number] if number < len(checks) else None


def _builtin(check: str, chk: pa.Check | None) -> str:
    """What a built-in pandera check expects, in Vietnamese."""
    stats = chk.statistics if chk is not None else {}
    name = chk.name if chk is not None else check
    if name == "isin":
        return "một trong: " + ", ".join(
            repr(v) if v == "" else str(v) for v in stats["allowed_values"]
        )
    if name == "str_matches":
        return f"dạng {stats['pattern']}"
    if check in ("field_uniqueness", "multiple_fields_uniqueness") or check.startswith("unique"):
        return "không được trùng với dòng khác (duplicate)"
    if check == "column_in_dataframe":
        return "thiếu cột bắt buộc"
    if check == "column_in_schema":
        return "cột không có trong bảng"
    if check == "not_nullable":
        return "không được để trống"
    if check.startswith("dtype"):
        return f"kiểu dữ liệu {check}"
    return chk.error if chk is not None and chk.error else check


def translate(
    err: pa.errors.SchemaErrors, df: pd.DataFrame, model: str, *, file: str | None = None
) -> list[Problem]:
    """pandera's failure cases as Problems: the cell (file, row, column), what it holds and
    what the contract expects there."""
    from dvcq_lib.contracts import CHECK_COLUMN, EXPLAIN, ROW_KEY, VALUE_COLUMN

    schema_ = err.schema if isinstance(err.schema, pa.DataFrameSchema) else None
    fc = err.failure_cases
    missing = set(fc.loc[fc["check"] == "column_in_dataframe", "failure_case"].astype(str))
    out: list[Problem] = []
    for r in fc.itertuples(index=False):
        chk = _check_of(schema_, r) if schema_ is not None else None
        check = chk.name if chk is not None and chk.name else str(r.check)
        index = None if r.index is None or pd.isna(r.index) else r.index
        if r.check == "column_in_dataframe":
            out.append(Problem(_files(df, file), 1, str(r.failure_case), "", _builtin(check, chk)))
            continue
        if index is None and missing:
            continue  # a check that could not run for want of a column already reported
        if r.schema_context == "Column":
            column = str(r.column)
        else:
            column = CHECK_COLUMN.get((model, check), "")
        where, row_no = _where(df, index, file)
        if index is None:
            out.append(
                Problem(_files(df, file), None, column, r.failure_case, _builtin(check, chk))
            )
            continue
        row = df.loc[index]
        expected = (
            chk.error
            if chk is not None
            and chk.error
            and chk.name
            not in (
                "isin",
                "str_matches",
            )
            else _builtin(check, chk)
        )
        if explain := EXPLAIN.get((model, check, column)):
            expected = explain(row)
        holder = VALUE_COLUMN.get((model, column), column)
        value = row[holder] if holder in row.index else r.failure_case
        key = ROW_KEY.get(model)
        if key and key != column and key in row.index and str(row[key]).strip():
            expected += f" ({key} {row[key]!r})"
        out.append(Problem(where, row_no, column, value, expected))
    # a frame-wide check reports a failing row once per column: one problem per cell
    return list(dict.fromkeys(out))
