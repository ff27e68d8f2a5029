"""The command-line options several `dvcq` commands share (`--data`, `--outputs`, `--commune`,
`--district`, `--province`, `--period`), defined once, and the checks of option values: ranges
at parse time (argparse `type=`), places to write before any work starts — every refusal names
what was given and what is accepted.

    >>> import argparse
    >>> p = argparse.ArgumentParser()
    >>> add_options(p, "data", "commune", "period", repeat={"period"})
    >>> p.parse_args(["--period", "2024-H1", "--period", "2024-H2"]).period
    ['2024-H1', '2024-H2']
"""

from __future__ import annotations

import argparse
import errno
import os
from collections.abc import Collection, Mapping
from pathlib import Path

from dvcq_lib.exceptions import UsageError

#: name → (argparse settings, default help); a command may say more in its own help.
OPTIONS: dict[str, dict] = {
    "data": {"type": Path, "default": None, "help": "thư mục dữ liệu (mặc định: data/)"},
    "outputs": {
        "type": Path,
        "default": None,
        "help": "thư mục kết quả (mặc định: outputs/, hoặc $DVCQ_OUTPUTS)",
    },
    "commune": {"metavar": "XÃ", "help": "tên hoặc mã xã/phường (name or code)"},
    "district": {"metavar": "HUYỆN", "help": "huyện (đơn vị cũ) — phân biệt tên trùng / lọc"},
    "province": {"metavar": "TỈNH", "help": "tỉnh (province)"},
    "period": {"metavar": "KỲ", "help": "kỳ báo cáo, vd. 2024-H1"},
}


def add_options(
    parser: argparse.ArgumentParser,
    *names: str,
    repeat: Collection[str] = (),
    help: Mapping[str, str] | None = None,
) -> None:
    """Add the shared options `names` to a command's parser; those in `repeat` may be given
    several times (a list); `help` replaces the default help of some of them."""
    unknown = [n for n in names if n not in OPTIONS]
    if unknown:
        raise ValueError(f"unknown shared option(s): {unknown}; known: {list(OPTIONS)}")
    for name in names:
        settings = dict(OPTIONS[name])
        if name in repeat:
            settings["action"] = "append"
        if help and name in help:
            settings["help"] = help[name]
        parser.add_argument(f"--{name}", **settings)


def _number(text: str, kind: type, minimum: float, what: str) -> float:
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"{text!r} không phải số ({what})")
    if value < minimum:
        raise argparse.ArgumentTypeError(f"{text!r} không hợp lệ: {what}")
    return value


def positive_int(text: str) -> int:
    """`--workers`: a whole number ≥ 1."""
    return int(_number(text, int, 1, "cần một số nguyên ≥ 1"))


def non_negative_int(text: str) -> int:
    """`--limit`: a whole number ≥ 0 (0 = every row)."""
    return int(_number(text, int, 0, "cần một số nguyên ≥ 0 (0 = tất cả)"))


def positive_seconds(text: str) -> float:
    """`--timeout`: seconds > 0."""
    value = _number(text, float, 0, "cần số giây > 0")
    if value == 0:
        raise argparse.ArgumentTypeError(f"{text!r} không hợp lệ: cần số giây > 0")
    return value


def _nearest_existing(path: Path) -> Path | None:
    return next((p for p in (path, *path.parents) if p.exists()), None)


def writable_dir(path: Path | str, what: str) -> Path:
    """A folder that exists or can be made, and can be written (checked by writing to it)."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".dvcq-write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise unwritable(path, what, exc) from None
    return path


def writable_file(path: Path | str, what: str) -> Path:
    """A file path whose folder can be written, and that is not a folder itself."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(
            f"Không ghi được {what} vào {path}: đó là một thư mục, cần đường dẫn của một tệp "
            "trong thư mục đó (is a directory)",
            value=str(path),
        )
    writable_dir(path.parent, what)
    return path


#: Why a place cannot be written, for the errors a user meets most.
_OS_REASONS_VI = {
    errno.ENOTDIR: "một phần của đường dẫn là tệp, không phải thư mục",
    errno.EEXIST: "đã có một tệp cùng tên",
    errno.EACCES: "không có quyền ghi",
    errno.EPERM: "không có quyền ghi",
    errno.EROFS: "hệ thống tệp chỉ đọc",
    errno.ENOSPC: "ổ đĩa hết chỗ trống",
    errno.EISDIR: "đó là một thư mục",
}


def unwritable(path: Path, what: str, exc: OSError) -> UsageError:
    """The error for a place that cannot be written: the reason and what exists on the way."""
    there = _nearest_existing(path)
    kind = "là một tệp, không phải thư mục" if there is not None and there.is_file() else "có"
    hint = [f"phần có thật của đường dẫn: {there} ({kind})"] if there is not None else []
    reason = _OS_REASONS_VI.get(exc.errno, "")
    reason = f"{reason} ({exc.strerror})" if reason else str(exc.strerror or exc)
    return UsageError(
        f"Không ghi được {what} vào {path}: {reason} (cannot write)",
        value=str(path),
        candidates=hint,
    )
