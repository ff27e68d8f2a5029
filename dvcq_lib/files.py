"""Writing files so that a killed run never leaves a half-written one — pages, charts, review
sheets, merged observations: write a temporary file beside the target, then rename it over the
target (atomic on POSIX). No fsync: a killed process
cannot tear a renamed file, and after a power cut a page is simply rendered again."""

from __future__ import annotations

import os
from pathlib import Path

#: Temporary files carry this marker so a later run can sweep the ones a killed run left.
TMP_MARK = ".dvcq-tmp-"


def write_atomic(path: Path | str, data: bytes | str) -> Path:
    """Write `data` to `path` through a temporary file and a rename; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}{TMP_MARK}{os.getpid()}")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with open(tmp, "wb") as fh:
        fh.write(payload)
    os.replace(tmp, path)
    return path


def write_csv_atomic(frame, path: Path | str, *, encoding: str = "utf-8") -> Path:
    """A DataFrame as CSV (no index), written atomically; "utf-8-sig" adds the BOM Excel wants."""
    return write_atomic(path, frame.to_csv(index=False).encode(encoding))


def sweep_temporary(root: Path | str) -> list[Path]:
    """Remove the temporary files a killed run left under `root`; returns what was removed."""
    removed = []
    for tmp in Path(root).rglob(f".*{TMP_MARK}*"):
        tmp.unlink(missing_ok=True)
        removed.append(tmp)
    return removed
