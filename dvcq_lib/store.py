"""The store — a columnar copy (Parquet) of the observations as `load()` read and checked them,
so that a process which finds the data folder unchanged reads one file instead of parsing and
checking every observation again (the country: 6 million rows, minutes → a second or two).

The copy lives in the data folder's regenerable `processed/store/` (ignored by git, removed
by `make clean`) and is named by a digest of everything the checked table depends on: every
observation file's and sidecar's path, size and modification time, the number convention
asked for, the catalogue files and dvcq's code. Any change gives another
name, so a stale copy is never read; older copies of the same folder are removed when a new
one is written. Categorical codes (commune, period, indicator, unit) are kept as categories.

The data-quality findings of the whole folder (`checks.checks_for_folder`, which planning a
batch and the index need) are stored the same way (`cached_findings`), their name digesting the
check modules' code as well.

The store is an optimisation only: a folder it cannot write (read-only, full disk), a copy it
cannot read, or `DVCQ_STORE=0` in the environment, and the observations are read and checked
as always. A table with problems is never stored: its DataValidationError is raised each time.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

import pandas as pd

from dvcq_lib.paths import CATALOGUE_DIR, OBSERVATIONS_SUBDIR

#: The store's folder inside the data folder (beside observations/, never inside it).
STORE_SUBDIR = Path("processed") / "store"
#: Bump when the stored layout changes: every existing copy is then ignored.
FORMAT = 1
#: `DVCQ_STORE=0` (or off, no, false) turns the store off for this process.
ENV = "DVCQ_STORE"
#: Which code decides a stored table: every module of the package (reading, checking and their
#: helpers live in several, and move), so that any change of dvcq invalidates every copy.
_PACKAGE = Path(__file__).resolve().parent

Files = Sequence[tuple[str, float, int]]


#: Off for a block of code (`with store.off():`), e.g. a check of files not yet committed.
_OFF: ContextVar[bool] = ContextVar("dvcq_store_off", default=False)


def enabled() -> bool:
    if _OFF.get():
        return False
    return os.environ.get(ENV, "1").strip().lower() not in ("0", "off", "no", "false")


@contextmanager
def off() -> Iterator[None]:
    """Read and check without the store (nothing read from it, nothing written): for files a
    transaction has not committed yet, whose copy would be of a state that may never exist."""
    token = _OFF.set(True)
    try:
        yield
    finally:
        _OFF.reset(token)


@cache
def code_digest() -> str:
    """The package's code and the catalogue (read once per process)."""
    h = hashlib.sha256(f"format {FORMAT}".encode())
    for path in sorted(_PACKAGE.rglob("*.py")):
        h.update(str(path.relative_to(_PACKAGE)).encode() + path.read_bytes())
    for path in sorted(CATALOGUE_DIR.glob("*")):
        if path.is_file():
            h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


def folder_for(files: Files) -> Path | None:
    """The store folder of the data folder holding `files`: `<data>/processed/store/`, where
    `<data>` is the folder whose observations/ holds them. None when there is none to use (no
    files, or files outside an observations/ folder: the store would then sit among them)."""
    roots = set()
    for name, _, _ in files:
        parts = Path(name).resolve().parts
        if OBSERVATIONS_SUBDIR not in parts:
            return None
        i = len(parts) - 1 - parts[::-1].index(OBSERVATIONS_SUBDIR)
        roots.add(Path(*parts[:i]))
    if len(roots) != 1:
        return None
    return roots.pop() / STORE_SUBDIR


def key(files: Files, number_format: str | None) -> str:
    """The name of the copy for these files as they are now (see the module docstring)."""
    h = hashlib.sha256(code_digest().encode())
    h.update(repr((tuple(tuple(f) for f in files), number_format)).encode())
    return h.hexdigest()[:32]


def path_for(files: Files, number_format: str | None, kind: str = "observations") -> Path | None:
    folder = folder_for(files)
    name = f"{kind}-{key(files, number_format)}.parquet"
    return None if folder is None else folder / name


def _read(path: Path) -> pd.DataFrame | None:
    try:
        return pd.read_parquet(path)
    except FileNotFoundError:  # replaced by another process a moment ago: read the sources
        return None
    except (OSError, ValueError) as exc:  # torn or foreign file: read the sources instead
        warnings.warn(f"Bỏ qua bản lưu hỏng {path}: {exc}", RuntimeWarning, stacklevel=3)
        return None


def _write(frame: pd.DataFrame, path: Path, kind: str = "observations") -> None:
    """Write atomically (a reader never sees half a file), then remove the older copies."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        frame.to_parquet(tmp, index=False, compression="zstd")
        os.replace(tmp, path)
        for old in path.parent.glob(f"{kind}-*.parquet"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        return  # a read-only or full data folder: the store is only an optimisation


def cached(
    files: Files, number_format: str | None, build: Callable[[Files, str | None], pd.DataFrame]
) -> pd.DataFrame:
    """The checked observations of `files`: the stored copy when there is a current one, else
    `build(files, number_format)` (read and check), stored for the next process."""
    path = path_for(files, number_format) if enabled() and files else None
    if path is not None and path.is_file() and (frame := _read(path)) is not None:
        return frame
    frame = build(files, number_format)
    if path is not None:
        _write(frame, path)
    return frame


def cached_findings(files: Files, build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """The findings of every check on a folder's observations: the stored copy when current,
    else `build()`, stored for the next process."""
    path = path_for(files, None, "findings") if enabled() and files else None
    if path is not None and path.is_file() and (frame := _read(path)) is not None:
        return frame
    frame = build()
    if path is not None:
        _write(frame.reset_index(drop=True), path, "findings")
    return frame


def clear(data_dir: Path | str) -> int:
    """Remove every stored copy of a data folder; returns how many there were."""
    folder = Path(data_dir) / STORE_SUBDIR
    gone = 0
    for old in folder.glob("*.parquet") if folder.is_dir() else ():
        old.unlink(missing_ok=True)
        gone += 1
    return gone
