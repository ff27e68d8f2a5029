"""The review sheet, and merging what the analyst accepted.

`write_review` writes a CSV that opens cleanly in Excel (UTF-8 with BOM): one row per proposed
figure, confident rows accepted ("1") by default, flagged rows not ("0"). A sheet already at
that place is never overwritten: the new reading is merged into it and the analyst's `accept`
and edited values are kept (a file there that is not a review sheet is left alone and a new
numbered sheet written beside it). Sheets are named by commune code, then name and period.

`accept_review` merges the accepted rows into `observations/ingested/` of the data folder
(`dvcq_lib.ingest.merge`):

- a row already present with the same value (in any observations file) adds nothing, so
  re-ingesting a report changes nothing;
- a row whose value differs from one already present is a conflict: every conflict is listed
  and nothing is merged, unless `replace=True`; then the old value is kept in
  `history/ingest_history.csv` (outside observations/, never loaded as data) and replaced —
  in its row when it is in `ingested/`, by an override row in `ingested/` when it is in
  `reference/` or `demo/` (never rewritten);
- everything is written as one transaction, checked with the observations loader before the
  command ends; on any error or interruption every file is as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dvcq_lib import datasets, paths, register
from dvcq_lib.catalogue import catalogue
from dvcq_lib.contracts import ACCEPT_NO, ACCEPT_YES
from dvcq_lib.exceptions import (
    CatalogueError,
    DataFolderError,
    DataValidationError,
    DvcqError,
    MergeConflictError,
    MergeWriteError,
    NumberFormatError,
    Problem,
    ReviewSheetError,
)
from dvcq_lib.files import write_csv_atomic
from dvcq_lib.ingest import merge
from dvcq_lib.ingest.extract import Proposal
from dvcq_lib.ingest.merge import (
    HISTORY_COLUMNS,
    HISTORY_FILE,
    INGESTED_SUBDIR,
    Incoming,
    Key,
    key_of,
    plain,
    same,
    text,
)
from dvcq_lib.ingest.numerals import read_number
from dvcq_lib.observations import COLUMNS, validate_frame
from dvcq_lib.paths import DATA_DIR, OBSERVATIONS_SUBDIR
from dvcq_lib.periods import Period
from dvcq_lib.seasons import season_code

REVIEW_COLUMNS = (
    "accept",
    "status",
    "indicator",
    "name_vi",
    "season",
    "value",
    "unit",
    "value_written",
    "unit_written",
    "quote",
    "confidence",
    "klass",
    "reasons",
    "note",
    "read_as",
    "commune_code",
    "commune_name",
    "period",
    "source",
    "start",
    "end",
    "page",
    "method",
    "ocr_confidence",
)
#: The columns a sheet must have to be merged (its contract: `contracts.Review`).
NEEDED = ("accept", "indicator", "value", "unit", "commune_code", "period")
#: Where a proposal comes from in its report: what matches a row of an earlier sheet to a new
#: reading whatever the analyst edited (the indicator helps tell two figures of one quote apart).
ORIGIN = ("quote", "start", "end", "value_written")
#: What an analyst may type in the accept column.
YES, NO = ACCEPT_YES, ACCEPT_NO
REVIEW_SUBDIR = paths.REVIEW_SUBDIR
REVIEW_PREFIX = "CẦN RÀ SOÁT: "
__all__ = [
    "HISTORY_COLUMNS",
    "HISTORY_FILE",
    "INGESTED_SUBDIR",
    "MergeResult",
    "accept_review",
    "plain",
    "read_review",
    "review_rows",
    "save_review",
    "write_review",
]


def default_review_path(
    commune: register.Commune, period: Period, data_dir: Path | None = None
) -> Path:
    """`review/<code>_<name>_<period>.review.csv`: keyed by code, since two communes may share a
    name (Đông Sơn, Yên Thế 07273 and Đông Sơn, Chương Mỹ 10027)."""
    name = f"{commune.code}_{commune.slug}_{period.code}.review.csv"
    return Path(data_dir or DATA_DIR) / REVIEW_SUBDIR / name


def _review_row(p: Proposal, commune: register.Commune, period: Period, source: str) -> dict:
    page = getattr(p, "page", None)
    ocr = getattr(p, "ocr_confidence", None)
    return {
        "accept": "0" if p.review else "1",
        "status": "",
        "indicator": p.indicator,
        "name_vi": catalogue()[p.indicator].name_vi,
        "season": getattr(p, "season", ""),
        "value": plain(p.value),
        "unit": p.unit,
        "value_written": p.value_written,
        "unit_written": p.unit_written,
        "quote": p.quote,
        "confidence": f"{p.confidence:.2f}",
        "klass": getattr(p, "klass", ""),
        "reasons": "; ".join(getattr(p, "reasons", ())),
        "note": (REVIEW_PREFIX if p.review else "") + p.note,
        "read_as": p.read_as,
        "commune_code": commune.code,
        "commune_name": commune.name,
        "period": period.code,
        "source": source,
        "start": str(p.start) if p.end else "",
        "end": str(p.end) if p.end else "",
        "page": "" if page is None else str(page),
        "method": getattr(p, "method", ""),
        "ocr_confidence": "" if ocr is None else f"{ocr:.2f}",
    }


def review_rows(
    proposals: list[Proposal], commune: register.Commune, period: Period, source: str
) -> pd.DataFrame:
    """Proposals as review-sheet rows (strings), confident ones accepted by default."""
    rows = [_review_row(p, commune, period, source) for p in proposals]
    return pd.DataFrame(rows, columns=list(REVIEW_COLUMNS))


def _sheet_key(r) -> Key | None:
    try:
        return key_of(r.commune_code, r.period, r.indicator, getattr(r, "season", ""))
    except DvcqError:
        return None


def mark_status(rows: pd.DataFrame, data_dir: Path | None = None) -> pd.DataFrame:
    """Fill `status`: new, already present, or in conflict with the data folder."""
    out = rows.copy()
    data_dir = Path(data_dir or DATA_DIR)
    if not (data_dir / OBSERVATIONS_SUBDIR).is_dir():
        out["status"] = f"mới ({data_dir} chưa có {OBSERVATIONS_SUBDIR}/)"
        return out
    try:
        held = merge.held_observations(data_dir, locate=False)
    except DvcqError:
        out["status"] = "chưa kiểm tra (dữ liệu hiện có lỗi)"
        return out
    status = []
    for r in out.itertuples():
        key = _sheet_key(r)
        old = held.get(key) if key else None
        try:
            value = float(r.value)
        except ValueError:
            value = None
        if old is None:
            status.append("mới")
        elif value is not None and same(old.value, value):
            status.append("đã có")
        else:
            status.append(f"xung đột: đang có {plain(old.value)} ({old.source})")
    out["status"] = status
    return out


# ---------------------------------------------------------------------------------------------
# writing a sheet: never over an analyst's work
# ---------------------------------------------------------------------------------------------
def write_review(rows: pd.DataFrame, path: Path) -> Path:
    """Write the review sheet as UTF-8 with BOM (Excel opens it with its diacritics)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_csv_atomic(rows, path, encoding="utf-8-sig", durable=True)  # analyst's work


@dataclass(frozen=True)
class SheetMerge:
    """How a new reading met the sheet already there."""

    kept: int = 0  # rows of the earlier sheet found again: the analyst's values kept
    added: int = 0  # rows the earlier sheet did not have (not accepted: check them)
    orphaned: int = 0  # rows of the earlier sheet the new reading did not propose (kept)
    remarks: tuple[str, ...] = ()  # for each row of the merged sheet, what to add to status

    def describe(self) -> str:
        return (
            f"đã có bảng rà soát: giữ {self.kept} dòng với cột accept và giá trị đã sửa, "
            f"thêm {self.added} dòng mới (chưa nhận), giữ {self.orphaned} dòng cũ không còn "
            "trong lần đọc này (merged with the existing sheet; the analyst's edits kept)"
        )


#: Columns of a kept row that the new reading may read differently: said in its status.
REREAD = ("indicator", "value", "unit")


def _origin(row: dict, with_indicator: bool) -> tuple:
    key = tuple(str(row.get(c, "")) for c in ORIGIN)
    return (*key, str(row.get("indicator", ""))) if with_indicator else key


def _match(old_rows: list[dict], new_rows: list[dict]) -> dict[int, int]:
    """new row → the earlier row it is (same origin; same indicator first, then any)."""
    found: dict[int, int] = {}
    used: set[int] = set()
    for with_indicator in (True, False):
        index: dict[tuple, list[int]] = {}
        for j, r in enumerate(old_rows):
            if j not in used:
                index.setdefault(_origin(r, with_indicator), []).append(j)
        for i, r in enumerate(new_rows):
            candidates = [] if i in found else index.get(_origin(r, with_indicator), [])
            if candidates:
                found[i] = j = candidates.pop(0)
                used.add(j)
    return found


def _reread(earlier: dict, new: dict) -> str:
    differs = [f"{c} {new[c]}" for c in REREAD if c in earlier and earlier[c] != new.get(c)]
    return ("lần đọc mới đề xuất " + ", ".join(differs)) if differs else ""


def merge_sheets(old: pd.DataFrame, new: pd.DataFrame) -> tuple[pd.DataFrame, SheetMerge]:
    """A new reading merged into an earlier sheet; pure.

    A new row found in the earlier sheet (same quote, offsets and written value) keeps every
    column the earlier sheet has — `accept`, values, units, notes the analyst edited — and takes
    only the columns it lacks from the new reading (a value read differently is said in its
    status). Rows the earlier sheet lacks come unaccepted ("0": the analyst may have deleted
    them); rows of the earlier sheet the new reading does not propose are kept as they were, at
    the end. Returns the sheet (columns of both) and what happened."""
    old_rows = old.fillna("").astype(str).to_dict("records")
    new_rows = new.fillna("").astype(str).to_dict("records")
    found = _match(old_rows, new_rows)
    merged, remarks = [], []
    for i, r in enumerate(new_rows):
        if i in found:
            earlier = old_rows[found[i]]
            merged.append({**r, **{c: v for c, v in earlier.items() if c != "status"}})
            remarks.append(_reread(earlier, r))
        else:
            merged.append({**r, "accept": "0"})
            remarks.append("mới trong lần đọc này: kiểm tra rồi ghi 1 để nhận")
    used = set(found.values())
    orphans = [r for j, r in enumerate(old_rows) if j not in used]
    remarks += ["không có trong lần đọc này"] * len(orphans)
    columns = list(dict.fromkeys([*new.columns, *old.columns]))
    sheet = pd.DataFrame([*merged, *orphans], columns=columns).fillna("")
    how = SheetMerge(len(found), len(new_rows) - len(found), len(orphans), tuple(remarks))
    return sheet, how


def _numbered(path: Path) -> Path:
    """The first free `<name>.<n>.review.csv` beside `path`."""
    stem = path.name.removesuffix(".review.csv").removesuffix(".csv")
    n = 2
    while (candidate := path.with_name(f"{stem}.{n}.review.csv")).exists():
        n += 1
    return candidate


def _earlier_sheet(path: Path) -> pd.DataFrame | None:
    """The review sheet at `path`, or None when what is there is not one."""
    try:
        sheet = datasets.frame("review", path)
    except datasets.READ_ERRORS:
        return None
    return sheet if all(c in sheet for c in (*NEEDED, *ORIGIN)) else None


def read_sheet(path: Path) -> pd.DataFrame:
    """A review sheet as written (strings), e.g. for the review page of what was saved."""
    return _load_sheet(Path(path), None)


def save_review(rows: pd.DataFrame, path: Path, data_dir: Path | None = None) -> tuple[Path, str]:
    """Write a review sheet without losing an earlier one at `path`; returns where it went and
    what happened to the earlier sheet ("" when there was none). `status` is filled here."""
    path = Path(path)
    if path.is_dir():
        raise ReviewSheetError(str(path), "là một thư mục; cần đường dẫn tệp .csv")
    note, remarks = "", ()
    if path.exists():
        earlier = _earlier_sheet(path)
        if earlier is None:
            note = f"tệp {path} đã có và không phải bảng rà soát: giữ nguyên, ghi bảng mới"
            path = _numbered(path)
        else:
            rows, how = merge_sheets(earlier, rows)
            note, remarks = how.describe(), how.remarks
    rows = mark_status(rows, data_dir)
    if remarks:
        rows["status"] = [
            f"{s} — {r}" if r else s for s, r in zip(rows["status"], remarks, strict=True)
        ]
    try:
        return write_review(rows, path), note
    except OSError as exc:
        raise ReviewSheetError(str(path), f"không ghi được ({exc.strerror or exc})") from None


# ---------------------------------------------------------------------------------------------
# reading a sheet
# ---------------------------------------------------------------------------------------------
def _normalize_value(text: str) -> str:
    """Plain numbers stay; "2706,51" or "2.706,51" typed in Excel are read the Vietnamese way."""
    s = str(text).strip()
    try:
        float(s)
        return s
    except ValueError:
        pass
    try:
        return plain(read_number(s)[0])
    except NumberFormatError:
        return s  # the validator reports it with its row


def existing_sheets(path: Path, data_dir: Path | None = None) -> list[str]:
    """Review sheets near `path` and in the data folder's review/, for a message."""
    places = {Path(path).parent, Path(data_dir or DATA_DIR) / REVIEW_SUBDIR}
    found = {str(p) for d in places if d.is_dir() for p in sorted(d.glob("*.csv"))}
    return sorted(found)[:20]


def _load_sheet(path: Path, data_dir: Path | None) -> pd.DataFrame:
    if not path.exists():
        raise ReviewSheetError(str(path), "không có tệp này", existing_sheets(path, data_dir))
    if path.is_dir():
        raise ReviewSheetError(str(path), "là một thư mục; cần tệp .csv do `dvcq ingest` tạo")
    try:
        return datasets.frame("review", path)
    except datasets.READ_ERRORS as exc:
        raise ReviewSheetError(
            str(path),
            f"không đọc được ({type(exc).__name__}); cần bảng rà soát CSV do `dvcq ingest` tạo",
        ) from None


def _season_problems(acc: pd.DataFrame, path: Path) -> list[Problem]:
    """A season must be known, for a seasonal indicator, and the loader must keep it."""
    cat = catalogue()
    out = []
    for i, code, written in zip(acc["_row"], acc["indicator"], acc["season"], strict=True):
        if not str(written).strip():
            continue
        try:
            season_code(written)
        except CatalogueError as err:
            out.append(Problem(str(path), int(i), "season", written, str(err)))
            continue
        if code in cat and not getattr(cat[code], "seasonal", True):
            out.append(Problem(str(path), int(i), "season", written, f"{code} không tính theo vụ"))
        elif not merge.SEASONS_IN_FILES:
            out.append(
                Problem(
                    str(path),
                    int(i),
                    "season",
                    written,
                    "tệp số liệu chưa có cột season: chưa gộp được số liệu theo vụ",
                )
            )
    return out


def read_review(path: Path, data_dir: Path | None = None) -> pd.DataFrame:
    """The accepted rows of a review sheet as a raw observations frame (_file, _row...).

    Raises:
        ReviewSheetError: no such file, not readable, or no row accepted.
        DataValidationError: malformed rows of the sheet, every one with its row.
    """
    path = Path(path)
    sheet = _load_sheet(path, data_dir)
    sheet["_row"] = range(2, len(sheet) + 2)
    if problems := datasets.problems("review", sheet, file=str(path)):
        raise DataValidationError(problems)
    acc = sheet[sheet["accept"].str.strip().str.lower().isin(YES)].copy()
    if acc.empty:
        raise ReviewSheetError(
            str(path),
            f"không có dòng nào được nhận trong {len(sheet)} dòng: ghi 1 vào cột accept "
            "ở những dòng cần gộp (no accepted row)",
        )
    for col in ("source", "quote", "unit_written", "note", "season"):
        if col not in acc:
            acc[col] = ""
    if problems := _season_problems(acc, path):
        raise DataValidationError(problems)
    acc["value"] = acc["value"].map(_normalize_value)
    acc["_file"] = str(path)
    acc["_number_format"] = "plain"
    acc["source"] = acc["source"].where(acc["source"].str.len() > 0, path.name)
    acc["note"] = acc["note"].str.replace(REVIEW_PREFIX, "", regex=False)
    keep = [*COLUMNS, *(["season"] if "season" not in COLUMNS else [])]
    return acc[[*keep, "_file", "_row", "_number_format"]].reset_index(drop=True)


def _typed_by_key(raw: pd.DataFrame) -> dict[Key, tuple]:
    """The rows as the observations validator types them (value in the catalogue's unit), by
    observation key. Raises DataValidationError with every problem of the sheet."""
    typed = validate_frame(raw)
    seasons = typed["season"].astype(str) if "season" in typed else [""] * len(typed)
    return {
        key_of(r.commune_code, r.period, r.indicator, s): r
        for r, s in zip(typed.itertuples(index=False), seasons, strict=True)
    }


def _lost(row: dict) -> Problem:
    """A sheet row the validator read as another observation: never guess which."""
    return Problem(
        row["_file"],
        int(row["_row"]),
        "season",
        row.get("season", ""),
        "dòng này không khớp quan sát nào sau khi kiểm tra",
    )


def incoming(raw: pd.DataFrame) -> list[Incoming]:
    """The accepted rows, checked and typed (value in the catalogue's unit), with their row.

    Raises DataValidationError with every problem of the sheet (also two values for a key)."""
    by_key = _typed_by_key(raw)
    out, seen, lost = [], set(), []
    for r in raw.to_dict("records"):
        key = key_of(r["commune_code"], r["period"], r["indicator"], r.get("season", ""))
        if key in seen:
            continue  # the same figure twice (same value: the validator allowed it)
        seen.add(key)
        t = by_key.get(key)
        if t is None:
            lost.append(_lost(r))
            continue
        out.append(
            Incoming(
                key,
                float(t.value),
                str(t.unit),
                text(t.source),
                text(t.quote),
                text(t.unit_written),
                text(t.note),
                int(r.get("_row", 0)),
            )
        )
    if lost:
        raise DataValidationError(lost)
    return out


# ---------------------------------------------------------------------------------------------
# accept → merge
# ---------------------------------------------------------------------------------------------
@dataclass
class MergeResult:
    added: list[Key] = field(default_factory=list)
    unchanged: list[Key] = field(default_factory=list)
    replaced: list[Key] = field(default_factory=list)
    overridden: list[Key] = field(default_factory=list)  # replaced by an override row
    files: list[Path] = field(default_factory=list)
    history: Path | None = None
    recovered: list[Path] = field(default_factory=list)  # restored from an interrupted merge


def _result(plan: merge.MergePlan, written: list[Path], data_dir: Path) -> MergeResult:
    hist = data_dir / HISTORY_FILE
    return MergeResult(
        added=[n.key for n in plan.added],
        unchanged=list(plan.unchanged),
        replaced=[r.new.key for r in plan.replacements],
        overridden=[r.new.key for r in plan.replacements if not r.in_place],
        files=[p for p in written if p != hist and p.suffix.lower() == ".csv"],
        history=hist if hist in written else None,
    )


def _apply(plan: merge.MergePlan, data_dir: Path, review: Path) -> list[Path]:
    try:
        return merge.apply_plan(plan, data_dir, review)
    except OSError as exc:
        journal = data_dir / merge.JOURNAL
        raise MergeWriteError(
            str(exc.filename or data_dir),
            exc.strerror or str(exc),
            restored=not (journal / "manifest.json").exists(),
            journal=str(journal),
        ) from None


def accept_review(
    review: Path | str, data_dir: Path | str | None = None, *, replace: bool = False
) -> MergeResult:
    """Merge the accepted rows of a review sheet into the data folder.

    Args:
        review: the review CSV written by `dvcq ingest` and edited by the analyst.
        data_dir: the data folder (holding observations/); default the project's data/.
        replace: replace values that differ from existing ones (old values go to history).

    Returns:
        What was added, left unchanged (already present) and replaced, the files written, and
        the files restored from an interrupted earlier merge.

    Raises:
        ReviewSheetError: the sheet is missing, unreadable or accepts no row.
        DataFolderError: `data_dir` holds no observations/ (nothing is created).
        DataValidationError: malformed rows of the sheet, every one with its row; or the data
            folder (before or after the merge: then every file was restored).
        MergeConflictError: accepted values that differ from existing ones (without replace).
        MergeWriteError: a file could not be written (every file restored).
    """
    review, data_dir = Path(review), Path(data_dir or DATA_DIR)
    if not (data_dir / OBSERVATIONS_SUBDIR).is_dir():  # a typo must not make a data folder
        raise DataFolderError(str(data_dir), f"không có thư mục con {OBSERVATIONS_SUBDIR}/")
    recovered = merge.recover_merge(data_dir)
    rows = incoming(read_review(review, data_dir))
    plan = merge.plan_merge(rows, merge.held_observations(data_dir), replace=replace)
    if plan.conflicts and not replace:
        raise MergeConflictError(merge.conflict_problems(plan, review))
    result = _result(plan, _apply(plan, data_dir, review), data_dir)
    result.recovered = recovered
    return result
