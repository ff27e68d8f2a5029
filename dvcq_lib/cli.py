"""The `dvcq` command. Each sub-command lives in the module of its concept and registers here by
name (a small registry, as papermill's engines do): `COMMANDS[name] = "module:configure"`, where
`configure(subparsers)` adds the sub-parser and sets `func` to the function that runs it."""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys
from pathlib import Path

from dvcq_lib.exceptions import DvcqError, UsageError

#: name → "module:configure"; each module adds its own sub-parser.
COMMANDS: dict[str, str] = {
    "summary": "dvcq_lib.summary:configure",
    "report": "dvcq_lib.summary:configure_report",
    "ingest": "dvcq_lib.ingest.cli:configure",
    "template": "dvcq_lib.ingest.cli:configure_template",
    "check": "dvcq_lib.checks.cli:configure",
    "render": "dvcq_lib.render.report:configure",
    "deck": "dvcq_lib.render.report:configure_deck",
}


# ---------------------------------------------------------------------------------------------
# argument checks shared by the sub-commands: ranges at parse time (argparse `type=`), places to
# write before any work starts — every refusal names what was given and what is accepted
# ---------------------------------------------------------------------------------------------
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dvcq",
        description="dvcq — phân tích báo cáo 6 tháng của xã, phường "
        "(Vietnamese commune half-year reporting)",
    )
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", required=True)
    for target in COMMANDS.values():
        module, func = target.split(":")
        getattr(importlib.import_module(module), func)(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except DvcqError as err:
        print(f"Lỗi: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Đã dừng (interrupted).", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
