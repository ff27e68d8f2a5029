"""The review sheet, and merging what the analyst accepted.

`write_review` writes a CSV that opens cleanly in Excel (UTF-8 with BOM): one row per proposed
figure, confident rows accepted ("1") by default, flagged rows not ("0"). `accept_review` merges
the accepted rows into `observations/ingested/<commune>_<period>.csv` of the data folder:

- a row already present with the same value (in any observations file) adds nothing, so
  re-ingesting a report changes nothing;
- a row whose value differs from one already present is a conflict: every conflict is listed
  and nothing is merged, unless `replace=True`; then the old value is removed from its file and
  kept in `history/ingest_history.csv` (outside observations/, so it is never loaded as data);
- the merged folder is checked with the observations loader before the command ends; if it
  fails, every file is restored.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd
import yaml

from dvcq_lib import register
from dvcq_lib.catalogue import catalogue
from dvcq_lib.exceptions import (
    DataValidationError,
    DvcqError,
    MergeConflictError,
    NumberFormatError,
    Problem,
)
from dvcq_lib.files import write_atomic, write_csv_atomic
from dvcq_lib.ingest.extract import Proposal
from dvcq_lib.ingest.numerals import read_number
from dvcq_lib.observations import (
    COLUMNS,
    DuplicateRowWarning,
    observation_files,
    read_observations,
    read_raw,
    validate_frame,
)
from dvcq_lib.paths import DATA_DIR, OBSERVATIONS_SUBDIR
from dvcq_lib.periods import Period

REVIEW_COLUMNS = (
    "accept",
    "status",
    "indicator",
    "name_vi",
    "value",
    "unit",
    "value_written",
    "unit_written",
    "quote",
    "confidence",
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
#: What an analyst may type in the accept column.
YES = {"1", "x", "có", "co", "yes", "y", "true", "đồng ý", "ok"}
NO = {"", "0", "không", "khong", "no", "n", "false"}
INGESTED_SUBDIR = "ingested"
HISTORY_FILE = Path("history") / "ingest_history.csv"
REVIEW_SUBDIR = "review"
HISTORY_COLUMNS = (
    "time",
    "commune_code",
    "period",
    "indicator",
    "old_value",
    "new_value",
    "unit",
    "old_file",
    "old_source",
    "old_quote",
    "new_source",
    "review_file",
)


def plain(value: float) -> str:
    """A value as the observation files store it: dot decimal, no grouping, no exponent."""
    text = format(Decimal(repr(float(value))).normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def default_review_path(
    commune: register.Commune, period: Period, data_dir: Path | None = None
) -> Path:
    return Path(data_dir or DATA_DIR) / REVIEW_SUBDIR / f"{commune.slug}_{period.code}.review.csv"


def review_rows(
    proposals: list[Proposal], commune: register.Commune, period: Period, source: str
) -> pd.DataFrame:
    """Proposals as review-sheet rows (strings), confident ones accepted by default."""
    cat = catalogue()
    rows = [
        {
            "accept": "0" if p.review else "1",
            "status": "",
            "indicator": p.indicator,
            "name_vi": cat[p.indicator].name_vi,
            "value": plain(p.value),
            "unit": p.unit,
            "value_written": p.value_written,
            "unit_written": p.unit_written,
            "quote": p.quote,
            "confidence": f"{p.confidence:.2f}",
            "note": ("CẦN RÀ SOÁT: " if p.review else "") + p.note,
            "read_as": p.read_as,
            "commune_code": commune.code,
            "commune_name": commune.name,
            "period": period.code,
            "source": source,
            "start": str(p.start) if p.end else "",
            "end": str(p.end) if p.end else "",
            "page": str(p.page) if p.page else "",
            "method": p.method,
            "ocr_confidence": "" if p.ocr_confidence is None else f"{p.ocr_confidence:.2f}",
        }
        for p in proposals
    ]
    return pd.DataFrame(rows, columns=list(REVIEW_COLUMNS))


def mark_status(rows: pd.DataFrame, data_dir: Path | None = None) -> pd.DataFrame:
    """Fill `status`: new, already present, or in conflict with the data folder."""
    out = rows.copy()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DuplicateRowWarning)
            existing = read_observations(data_dir)
    except DvcqError:
        out["status"] = "chưa kiểm tra (dữ liệu hiện có lỗi)"
        return out
    index = {
        (str(r.commune_code), str(r.period), str(r.indicator)): (r.value, r.source)
        for r in existing.itertuples()
    }
    status = []
    for r in out.itertuples():
        old = index.get((r.commune_code, r.period, r.indicator))
        if old is None:
            status.append("mới")
        elif _same(old[0], float(r.value)):
            status.append("đã có")
        else:
            status.append(f"xung đột: đang có {plain(old[0])} ({old[1]})")
    out["status"] = status
    return out


def write_review(rows: pd.DataFrame, path: Path) -> Path:
    """Write the review sheet as UTF-8 with BOM (Excel opens it with its diacritics)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_csv_atomic(rows, path, encoding="utf-8-sig")


# ---------------------------------------------------------------------------------------------
# accept → merge
# ---------------------------------------------------------------------------------------------
@dataclass
class MergeResult:
    added: list[tuple[str, str, str]] = field(default_factory=list)
    unchanged: list[tuple[str, str, str]] = field(default_factory=list)
    replaced: list[tuple[str, str, str]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    history: Path | None = None


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


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


def read_review(path: Path) -> pd.DataFrame:
    """The accepted rows of a review sheet as a raw observations frame (_file, _row...).

    Raises DataValidationError listing every malformed cell."""
    path = Path(path)
    try:
        sheet = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataValidationError(
            [
                Problem(
                    str(path),
                    None,
                    "",
                    type(exc).__name__,
                    "cần bảng rà soát CSV do `dvcq ingest` tạo",
                )
            ]
        ) from None
    sheet.columns = [c.strip() for c in sheet.columns]
    needed = ("accept", "indicator", "value", "unit", "commune_code", "period")
    problems = [
        Problem(str(path), 1, c, c, "thiếu cột bắt buộc của bảng rà soát")
        for c in needed
        if c not in sheet
    ]
    if problems:
        raise DataValidationError(problems)
    sheet["_row"] = range(2, len(sheet) + 2)
    flags = sheet["accept"].str.strip().str.lower()
    bad = sheet[~flags.isin(YES | NO)]
    problems += [
        Problem(
            str(path),
            int(r["_row"]),
            "accept",
            r["accept"],
            "cột accept: 1 (nhận) hoặc 0/để trống (bỏ qua)",
        )
        for r in bad.to_dict("records")
    ]
    if problems:
        raise DataValidationError(problems)
    acc = sheet[flags.isin(YES)].copy()
    for col in ("source", "quote", "unit_written", "note"):
        if col not in acc:
            acc[col] = ""
    acc["value"] = acc["value"].map(_normalize_value)
    acc["_file"] = str(path)
    acc["_number_format"] = "plain"
    acc["source"] = acc["source"].where(acc["source"].str.len() > 0, path.name)
    acc["note"] = acc["note"].str.replace("CẦN RÀ SOÁT: ", "", regex=False)
    return acc[[*COLUMNS, "_file", "_row", "_number_format"]].reset_index(drop=True)


def _existing_rows(data_dir: Path | None) -> dict[tuple[str, str, str], tuple[Path, int, dict]]:
    """Where each existing observation is written: key → (file, 0-based row, raw row)."""
    out = {}
    for path in observation_files(data_dir):
        try:
            raw = read_raw(path)
        except Exception:  # noqa: BLE001 — unreadable files are reported by the loader
            continue
        for i, r in enumerate(raw.to_dict("records")):
            try:
                key = (
                    register.normalize_code(r["commune_code"]),
                    Period.parse(r["period"]).code,
                    str(r["indicator"]).strip(),
                )
            except (DvcqError, KeyError):
                continue
            out.setdefault(key, (path, i, r))
    return out


def _target(data_dir: Path, code: str, period: str) -> Path:
    try:
        slug = register.get(code, period=period).slug
    except DvcqError:
        slug = code
    return data_dir / OBSERVATIONS_SUBDIR / INGESTED_SUBDIR / f"{slug}_{period}.csv"


def _read_csv(path: Path) -> pd.DataFrame:
    if path.exists():
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return pd.DataFrame(columns=list(COLUMNS))


def accept_review(
    review: Path | str, data_dir: Path | str | None = None, *, replace: bool = False
) -> MergeResult:
    """Merge the accepted rows of a review sheet into the data folder.

    Args:
        review: the review CSV written by `dvcq ingest` and edited by the analyst.
        data_dir: the data folder (holding observations/); default the project's data/.
        replace: overwrite values that differ from existing ones (old values go to history).

    Returns:
        What was added, left unchanged (already present) and replaced, and the files written.

    Raises:
        DataValidationError: malformed rows of the sheet, every one with its row.
        MergeConflictError: accepted values that differ from existing ones (without replace).
    """
    review = Path(review)
    data_dir = Path(data_dir or DATA_DIR)
    raw = read_review(review)
    result = MergeResult()
    if raw.empty:
        return result
    new = validate_frame(raw)  # every problem of the sheet at once (also two values for a key)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DuplicateRowWarning)
        existing = read_observations(data_dir)
    where = _existing_rows(data_dir)
    old_values = {
        (str(r.commune_code), str(r.period), str(r.indicator)): r for r in existing.itertuples()
    }
    raw_by_key = {
        (
            register.normalize_code(r["commune_code"]),
            Period.parse(r["period"]).code,
            r["indicator"].strip(),
        ): r
        for r in raw.to_dict("records")
    }
    to_add, conflicts, replaced = [], [], []
    for r in new.itertuples():
        key = (str(r.commune_code), str(r.period), str(r.indicator))
        old = old_values.get(key)
        if old is None:
            to_add.append(r)
        elif _same(old.value, r.value):
            result.unchanged.append(key)
        else:
            src = raw_by_key[key]
            file = where.get(key, (Path(str(old.source)), 0, {}))[0]
            conflicts.append(
                Problem(
                    str(review),
                    int(src["_row"]),
                    "value",
                    plain(r.value),
                    f"đã có {plain(old.value)} {old.unit} cho {key[2]} "
                    f"({key[0]}, {key[1]}) trong {file}",
                )
            )
            replaced.append((r, old, where.get(key)))
    if conflicts and not replace:
        raise MergeConflictError(conflicts)
    # ---- write: new rows into the ingested file, replaced rows out of their old file --------
    backups: dict[Path, bytes | None] = {}

    def backup(path: Path) -> None:
        if path not in backups:
            backups[path] = path.read_bytes() if path.exists() else None

    history_rows = []
    for r, old, loc in replaced:
        if loc is None or loc[0].suffix.lower() != ".csv":
            raise MergeConflictError(
                [
                    Problem(
                        str(loc[0] if loc else old.source),
                        None,
                        "value",
                        plain(old.value),
                        "chỉ ghi đè được tệp CSV; hãy sửa tệp này bằng tay",
                    )
                ]
            )
        path, i, raw_row = loc
        backup(path)
        frame = _read_csv(path)
        frame = frame.drop(index=i).reset_index(drop=True)
        write_csv_atomic(frame, path, encoding=_encoding(path))
        history_rows.append(
            {
                "time": dt.datetime.now().isoformat(timespec="seconds"),
                "commune_code": str(r.commune_code),
                "period": str(r.period),
                "indicator": str(r.indicator),
                "old_value": plain(old.value),
                "new_value": plain(r.value),
                "unit": str(r.unit),
                "old_file": str(path),
                "old_source": str(old.source),
                "old_quote": str(old.quote or ""),
                "new_source": str(r.source),
                "review_file": str(review),
            }
        )
        result.replaced.append((str(r.commune_code), str(r.period), str(r.indicator)))
        to_add.append(r)
        # a later row of the same file moved up by one
        where = {k: (p, j - 1 if p == path and j > i else j, rr) for k, (p, j, rr) in where.items()}
    groups: dict[Path, list] = {}
    for r in to_add:
        groups.setdefault(_target(data_dir, str(r.commune_code), str(r.period)), []).append(r)
    for path, rows in groups.items():
        backup(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        frame = _read_csv(path)
        add = pd.DataFrame(
            [
                {
                    "commune_code": str(r.commune_code),
                    "period": str(r.period),
                    "indicator": str(r.indicator),
                    "value": plain(r.value),
                    "unit": str(r.unit),
                    "source": str(r.source),
                    "quote": str(r.quote or ""),
                    "unit_written": str(r.unit_written or ""),
                    "note": str(r.note or ""),
                }
                for r in rows
            ]
        )
        frame = pd.concat([frame, add], ignore_index=True)[list(COLUMNS)]
        write_csv_atomic(frame, path)
        meta = path.with_name(path.name + ".meta.yml")
        if not meta.exists():
            write_atomic(
                meta,
                yaml.safe_dump(
                    {
                        "number_format": "plain",
                        "synthetic": False,
                        "description": (
                            "Số liệu nhập từ báo cáo qua `dvcq ingest` và đã được rà soát"
                        ),
                    },
                    allow_unicode=True,
                ),
            )
        result.files.append(path)
        result.added += [
            (str(r.commune_code), str(r.period), str(r.indicator))
            for r in rows
            if (str(r.commune_code), str(r.period), str(r.indicator)) not in result.replaced
        ]
    if history_rows:
        hist = data_dir / HISTORY_FILE
        backup(hist)
        hist.parent.mkdir(parents=True, exist_ok=True)
        write_csv_atomic(
            pd.concat(
                [_read_csv_cols(hist, HISTORY_COLUMNS), pd.DataFrame(history_rows)],
                ignore_index=True,
            ),
            hist,
            encoding="utf-8-sig",
        )
        result.history = hist
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DuplicateRowWarning)
            read_observations(data_dir)
    except DataValidationError:
        for path, content in backups.items():
            if content is None:
                path.unlink(missing_ok=True)
            else:
                write_atomic(path, content)
        raise
    return result


def _read_csv_cols(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    if path.exists():
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return pd.DataFrame(columns=list(columns))


def _encoding(path: Path) -> str:
    with open(path, "rb") as f:
        return "utf-8-sig" if f.read(3) == b"\xef\xbb\xbf" else "utf-8"
