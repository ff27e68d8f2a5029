"""Every error dvcq raises. Each carries its evidence (file, row, value, candidates) so a
message can say what was found, what was expected and how to fix it — in Vietnamese first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class DvcqError(Exception):
    """Base of every dvcq error."""


@dataclass(frozen=True)
class Problem:
    """One problem in one input cell: where it is, what it holds, what was expected."""

    file: str
    row: int | None  # line number as a spreadsheet shows it (header = 1); None if not row-bound
    column: str
    value: object
    expected: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}, dòng {self.row}"
        return f"{where}, cột {self.column}: {self.value!r} — {self.expected}"


class DataValidationError(DvcqError, ValueError):
    """Input data broke the table contract. Carries every problem found, not just the first."""

    def __init__(self, problems: Sequence[Problem], *, context: str = "") -> None:
        self.problems = list(problems)
        head = f"Dữ liệu không hợp lệ{(' (' + context + ')') if context else ''}: "
        head += f"{len(self.problems)} lỗi (invalid data: {len(self.problems)} problem(s))"
        lines = [head] + [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class PeriodError(DvcqError, ValueError):
    """A period string that is not one of the accepted forms."""

    def __init__(self, value: object, accepted: Sequence[str]) -> None:
        self.value = value
        self.accepted = list(accepted)
        super().__init__(
            f"Kỳ báo cáo không hợp lệ: {value!r}. Các dạng được chấp nhận: "
            + "; ".join(self.accepted)
            + f" (malformed period {value!r})"
        )


class PeriodComparisonError(DvcqError, ValueError):
    """Two periods that cannot be compared like for like (a range against a half-year), or a
    neighbour asked of a period that has none of its kind (the period before "9 tháng")."""

    def __init__(self, period: str, other: str, reason: str) -> None:
        self.period = period
        self.other = other
        self.reason = reason
        super().__init__(f"Không so sánh được kỳ {period} ({other}): {reason}")


class NumberFormatError(DvcqError, ValueError):
    """A number that does not follow the declared number convention."""

    def __init__(self, value: object, convention: str, expected: str) -> None:
        self.value = value
        self.convention = convention
        self.expected = expected
        super().__init__(f"Số không hợp lệ {value!r} theo quy ước '{convention}': {expected}")


class UnitError(DvcqError, ValueError):
    """A unit that is unknown or cannot be converted to the one required."""

    def __init__(self, unit: str, target: str | None, expected: str) -> None:
        self.unit = unit
        self.target = target
        self.expected = expected
        super().__init__(f"Đơn vị không hợp lệ {unit!r}: {expected}")


class CatalogueError(DvcqError, ValueError):
    """The indicator catalogue or unit list is inconsistent, or a code is not in it."""

    def __init__(self, message: str, *, code: str | None = None) -> None:
        self.code = code
        super().__init__(message)


class CatalogueTableError(DataValidationError, CatalogueError):
    """A table of data/catalogue/ that breaks its contract: every problem, with file and row."""


class CommuneNotFoundError(DvcqError, LookupError):
    """No commune matches the name or code; carries close suggestions."""

    def __init__(self, query: str, suggestions: Sequence[str] = (), *, scope: str = "") -> None:
        self.query = query
        self.suggestions = list(suggestions)
        msg = f"Không tìm thấy xã/phường {query!r}{(' ' + scope) if scope else ''}"
        if self.suggestions:
            msg += ". Có phải: " + "; ".join(self.suggestions) + "?"
        super().__init__(msg + " (commune not found)")


class AmbiguousCommuneError(DvcqError, LookupError):
    """Several communes match a name; carries every candidate with district, province, code."""

    def __init__(self, query: str, candidates: Sequence[str]) -> None:
        self.query = query
        self.candidates = list(candidates)
        super().__init__(
            f"Tên {query!r} ứng với {len(self.candidates)} đơn vị; hãy chỉ rõ huyện/tỉnh hoặc "
            "dùng mã (ambiguous commune name):\n" + "\n".join(f"  - {c}" for c in self.candidates)
        )


class LineageError(DvcqError, ValueError):
    """A unit cannot be followed to the date asked (e.g. back in time across a merger), or it is
    not in the register of the period it is reported for."""


# ---------------------------------------------------------------------------------------------
# ingest (dvcq ingest, dvcq template)
# ---------------------------------------------------------------------------------------------
class IngestError(DvcqError):
    """Base of the errors of reading reports and merging review sheets."""


class ReportReadError(IngestError, ValueError):
    """A report that cannot be read: missing, binary, too large, a broken .docx/.xlsx."""

    def __init__(self, file: str, expected: str) -> None:
        self.file = file
        self.expected = expected
        super().__init__(f"Không đọc được báo cáo {file}: {expected}")


class MissingToolError(ReportReadError):
    """A program needed to read a format is not installed (Tesseract and its Vietnamese model,
    LibreOffice); says exactly what to install."""

    def __init__(self, file: str, tool: str, install: str) -> None:
        self.tool = tool
        self.install = install
        super().__init__(file, f"cần {tool} để đọc tệp này; hãy cài: {install} ({tool} missing)")


class HeaderNotFoundError(IngestError, LookupError):
    """The commune or the period of a report cannot be determined; says what was found."""

    def __init__(self, file: str, what: str, evidence: Sequence[str] = (), hint: str = "") -> None:
        self.file = file
        self.what = what
        self.evidence = list(evidence)
        msg = f"{file}: không xác định được {what}"
        if self.evidence:
            msg += " — đã thấy: " + "; ".join(self.evidence)
        msg += f". {hint}" if hint else ""
        super().__init__(msg)


class HeaderConflictError(IngestError, ValueError):
    """A commune or period given by hand that contradicts what the report's own header says;
    carries every contradiction (what, what the text says, what was given)."""

    def __init__(self, file: str, conflicts: Sequence[tuple[str, str, str]]) -> None:
        self.file = file
        self.conflicts = list(conflicts)
        lines = [
            f"{file}: tham số khác với tiêu đề của báo cáo; chưa đọc gì. Sửa tham số, hoặc dùng "
            "--override nếu chắc chắn tham số đúng (the hint contradicts the report's header)"
        ]
        lines += [
            f"  - {what}: báo cáo ghi {found}, tham số cho {given}"
            for what, found, given in self.conflicts
        ]
        super().__init__("\n".join(lines))


class MergeConflictError(IngestError):
    """Accepted values differ from values already in the data; nothing was merged."""

    def __init__(self, conflicts: Sequence[Problem]) -> None:
        self.conflicts = list(conflicts)
        lines = [
            f"Xung đột: {len(self.conflicts)} giá trị khác với dữ liệu đã có; chưa gộp gì. "
            "Sửa bảng rà soát hoặc dùng --replace để ghi đè (giá trị cũ được lưu vào tệp "
            f"lịch sử) (merge conflicts: {len(self.conflicts)})"
        ]
        lines += [f"  - {c}" for c in self.conflicts]
        super().__init__("\n".join(lines))


class ReportError(DvcqError, ValueError):
    """A report that cannot be planned: no data for the commune or period, an unknown notebook,
    or a parameter the notebook does not declare. Raised before any kernel starts."""

    def __init__(
        self, message: str, *, value: object = None, candidates: Sequence[str] = ()
    ) -> None:
        self.value = value
        self.candidates = list(candidates)
        if self.candidates:
            message += "\n" + "\n".join(f"  - {c}" for c in self.candidates)
        super().__init__(message)


class CommuneWithoutDataError(CommuneNotFoundError, ReportError):
    """The register knows the commune, the data have nothing of it (for the period asked):
    carries the communes meant and the periods that do have data."""

    def __init__(
        self,
        query: str,
        candidates: Sequence[str],
        *,
        period: str = "",
        periods_with_data: Sequence[str] = (),
    ) -> None:
        self.query = self.value = query
        self.suggestions = self.candidates = list(candidates)
        self.period = period
        self.periods_with_data = list(periods_with_data)
        names = ", ".join(self.candidates) or query
        have = ", ".join(self.periods_with_data) or "không có"
        if period:
            msg = (
                f"Không có số liệu của {names} kỳ {period} (no data for this commune and "
                f"period); các kỳ có số liệu của xã: {have}"
            )
        else:
            msg = (
                f"Không tìm thấy xã/phường {query!r} trong số liệu đã nạp ({names}: có trong danh "
                "mục nhưng chưa có số liệu) (commune not in the data)"
            )
        Exception.__init__(self, msg)


class RenderError(DvcqError, RuntimeError):
    """Executing or exporting one notebook failed; keeps the failing cell and the traceback."""

    def __init__(
        self,
        notebook: str,
        kind: str,
        message: str,
        *,
        cell_index: int | None = None,
        cell_source: str = "",
    ) -> None:
        self.notebook = notebook
        self.kind = kind  # "error", "timeout", "kernel_died", "export"
        self.cell_index = cell_index
        self.cell_source = cell_source
        where = f", ô {cell_index}" if cell_index is not None else ""
        super().__init__(f"{notebook}{where}: {kind} — {message}")


# ---------------------------------------------------------------------------------------------
# ingest: the data folder, review sheets, merging (dvcq ingest --accept)
# ---------------------------------------------------------------------------------------------
def _listing(message: str, title: str, items: Sequence[str]) -> str:
    """A message followed by what exists, one item a line."""
    if not items:
        return message
    return "\n".join([message, f"  {title}:", *(f"  - {i}" for i in items)])


class DataFolderError(IngestError, LookupError):
    """`--data` names no data folder (a folder holding observations/); nothing is created.
    Carries what was given and the data folders that do exist nearby."""

    def __init__(self, given: str, problem: str, existing: Sequence[str] = ()) -> None:
        self.given, self.problem, self.existing = given, problem, list(existing)
        msg = f"Thư mục dữ liệu {given!r}: {problem}; không tạo gì (data folder not found)"
        super().__init__(_listing(msg, "Thư mục dữ liệu có sẵn (existing)", self.existing))


class ReviewSheetError(IngestError, ValueError):
    """A review sheet that cannot be merged: missing, unreadable, not a review sheet, or with no
    accepted row. Carries the file and the review sheets that exist."""

    def __init__(self, file: str, problem: str, existing: Sequence[str] = ()) -> None:
        self.file, self.problem, self.existing = file, problem, list(existing)
        msg = f"Bảng rà soát {file}: {problem}"
        super().__init__(_listing(msg, "Bảng rà soát có sẵn (review sheets)", self.existing))


class MergeWriteError(IngestError, OSError):
    """Writing the merge failed (disk full, no permission...). Says whether every file was
    restored, or where the journal is that the next merge restores them from."""

    def __init__(self, file: str, cause: str, *, restored: bool, journal: str = "") -> None:
        self.file = file
        self.cause = cause
        self.restored = restored
        state = (
            "mọi tệp vẫn như trước khi gộp (every file as before)"
            if restored
            else f"lần chạy sau sẽ khôi phục các tệp từ {journal} (restored on the next run)"
        )
        super().__init__(f"Không ghi được {file}: {cause}; chưa gộp gì, {state}")


class IngestUsageError(IngestError, ValueError):
    """Options of `dvcq ingest` that do not go together, or a value out of range."""

    def __init__(self, option: str, expected: str) -> None:
        self.option = option
        self.expected = expected
        super().__init__(f"Tuỳ chọn {option}: {expected}")


# ---------------------------------------------------------------------------------------------
# bounded inputs, command-line arguments, library calls (issue 12)
# ---------------------------------------------------------------------------------------------
class InputTooLargeError(DvcqError, ValueError):
    """An input file that would cost more than its limit to read (a zip bomb, a huge table);
    refused before it is parsed."""

    def __init__(self, file: str, size: int, limit: int, what: str) -> None:
        self.file = file
        self.size = size
        self.limit = limit
        self.what = what
        size_vi, limit_vi = (f"{n:,}".replace(",", ".") for n in (size, limit))
        self.expected = (
            f"{what} là {size_vi} vượt giới hạn {limit_vi}; tệp bị từ chối trước khi đọc "
            "(input too large, refused before parsing)"
        )
        super().__init__(f"{file}: {self.expected}")


class UsageError(DvcqError, ValueError):
    """A command-line argument that cannot be used: a folder that does not exist, a place that
    cannot be written, a number out of range, a selection that holds no data. Names what was
    given and what exists."""

    def __init__(self, message: str, *, value: object = None, candidates: Sequence[str] = ()):
        self.value = value
        self.candidates = list(candidates)
        if self.candidates:
            message += "\n" + "\n".join(f"  - {c}" for c in self.candidates)
        super().__init__(message)


class NoDataError(UsageError):
    """A selection (commune, district, period…) for which the data hold nothing: said as such,
    never as "no findings"."""


class ArgumentError(DvcqError, ValueError):
    """A library function called with an argument outside what it accepts (an unknown check,
    comparison basis or rate; a frame of several communes where one is needed)."""

    def __init__(self, message: str, *, value: object = None, accepted: Sequence[str] = ()):
        self.value = value
        self.accepted = list(accepted)
        if self.accepted:
            message += " (có: " + ", ".join(map(str, self.accepted)) + ")"
        super().__init__(message)


class PlaceNotFoundError(UsageError, LookupError):
    """A district or province name that matches no unit of either register; carries close
    names."""

    def __init__(self, kind: str, query: str, suggestions: Sequence[str] = ()) -> None:
        self.kind = kind
        self.query = query
        self.suggestions = list(suggestions)
        msg = f"Không có {kind} {query!r} trong danh mục đơn vị hành chính"
        if self.suggestions:
            msg += ". Có phải: " + "; ".join(self.suggestions) + "?"
        super().__init__(msg + f" ({'district' if kind == 'huyện' else 'province'} not found)")


# ---------------------------------------------------------------------------------------------
# exploring in a notebook (dvcq_lib.explore)
# ---------------------------------------------------------------------------------------------
class ExploreError(DvcqError, ValueError):
    """An argument of an exploration function that it cannot use; says what it accepts."""

    def __init__(self, argument: str, value: object, expected: str) -> None:
        self.argument = argument
        self.value = value
        self.expected = expected
        super().__init__(f"Giá trị không hợp lệ cho {argument}: {value!r} — cần {expected}")
