"""Writing files so that a killed run never leaves a half-written one — pages, charts, review
sheets, merged observations: write a temporary file beside the target, then rename it over the
target (atomic on POSIX). Pages and charts skip fsync: a killed process cannot tear a renamed
file, and after a power cut a page is simply rendered again.

Data that cannot be rendered again (merged observations, their history) is written by
`apply_transaction`: several files replaced as one change, durably (fsync), with a journal of
their previous contents, so that every file is found either as before or as after — on an
error, Ctrl-C or SIGTERM the files are restored at once; after a kill (or a power cut) the next
`recover` restores them."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover — not POSIX: no lock between processes
    fcntl = None

#: Temporary files carry this marker so a later run can sweep the ones a killed run left.
TMP_MARK = ".dvcq-tmp-"
#: In a journal: which files it restores, written last (a journal without it was never used).
MANIFEST = "manifest.json"


# The four system calls a durable write makes, one place each: fault-injection tests replace
# them to fail (or to "kill" the process) at every step.
def _write(path: Path, payload: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(payload)
        fh.flush()
        _fsync(fh.fileno())


def _fsync(fd: int) -> None:
    os.fsync(fd)


def _rename(src: Path, dst: Path) -> None:
    os.replace(src, dst)


def _unlink(path: Path) -> None:
    path.unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        _fsync(fd)
    finally:
        os.close(fd)


def _tmp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}{TMP_MARK}{os.getpid()}")


def write_atomic(path: Path | str, data: bytes | str, *, durable: bool = False) -> Path:
    """Write `data` to `path` through a temporary file and a rename; returns the path.

    `durable=True` also flushes the file and its folder to disk (survives a power cut)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_name(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if durable:
        try:
            _write(tmp, payload)
            _rename(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            raise
        _fsync_dir(path.parent)
        return path
    with open(tmp, "wb") as fh:
        fh.write(payload)
    os.replace(tmp, path)
    return path


def write_csv_atomic(
    frame, path: Path | str, *, encoding: str = "utf-8", durable: bool = False
) -> Path:
    """A DataFrame as CSV (no index), written atomically; "utf-8-sig" adds the BOM Excel wants."""
    return write_atomic(path, frame.to_csv(index=False).encode(encoding), durable=durable)


def sweep_temporary(root: Path | str) -> list[Path]:
    """Remove the temporary files a killed run left under `root`; returns what was removed."""
    removed = []
    for tmp in Path(root).rglob(f".*{TMP_MARK}*"):
        tmp.unlink(missing_ok=True)
        removed.append(tmp)
    return removed


# ---------------------------------------------------------------------------------------------
# transactions: several files, all as before or all as after
# ---------------------------------------------------------------------------------------------
class Interrupted(KeyboardInterrupt):
    """SIGTERM arrived while files were being replaced (they are restored before it spreads);
    a KeyboardInterrupt, so the command line stops as on Ctrl-C."""


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """Inside the block SIGTERM raises Interrupted (Ctrl-C already raises KeyboardInterrupt),
    so that the rollback runs; outside, the previous handler is back."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Interrupted(signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[list[int]]:
    """Inside the block SIGINT and SIGTERM are only noted (a rollback must not be cut short);
    the caller raises afterwards."""
    caught: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield caught
        return
    previous = {
        s: signal.signal(s, lambda signum, frame: caught.append(signum))
        for s in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield caught
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


@contextlib.contextmanager
def _locked(journal: Path) -> Iterator[None]:
    """One transaction at a time on a journal (another process waits)."""
    journal.parent.mkdir(parents=True, exist_ok=True)
    with open(journal.with_name(journal.name + ".lock"), "a+b") as fh:
        if fcntl is not None:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _write_journal(journal: Path, backups: dict[Path, bytes | None]) -> None:
    """The previous content of every file, durably, before any of them is touched."""
    draft = journal.with_name(journal.name + TMP_MARK + str(os.getpid()))
    shutil.rmtree(draft, ignore_errors=True)
    draft.mkdir(parents=True)
    entries = []
    for i, (path, content) in enumerate(backups.items()):
        copy = None
        if content is not None:
            copy = f"{i}.bak"
            _write(draft / copy, content)
        entries.append({"path": str(path.resolve()), "backup": copy})
    _write(draft / MANIFEST, json.dumps(entries, ensure_ascii=False, indent=1).encode("utf-8"))
    _fsync_dir(draft)
    _rename(draft, journal)
    _fsync_dir(journal.parent)


def _restore(backups: dict[Path, bytes | None], created: Sequence[Path]) -> None:
    for path, content in backups.items():
        if content is None:
            _unlink(path)
        elif not path.exists() or path.read_bytes() != content:
            write_atomic(path, content, durable=True)
    for folder in reversed(created):  # folders this transaction made, if left empty
        with contextlib.suppress(OSError):
            folder.rmdir()


def _discard(journal: Path) -> None:
    """Retire a journal: renamed first (atomic), then removed, so a kill midway never leaves a
    half-deleted journal that would look valid. The rename is the commit point of a
    transaction; not flushing it costs nothing but, after a power cut, a rollback."""
    if journal.exists():
        done = journal.with_name(journal.name + ".done")
        shutil.rmtree(done, ignore_errors=True)
        _rename(journal, done)
        shutil.rmtree(done, ignore_errors=True)


def recover(journal: Path | str) -> list[Path]:
    """Restore the files of a transaction a killed run left unfinished; returns them ([] when
    there was none). Leftovers of an unused or finished journal are removed. Waits for a
    transaction under way in another process (never undoes a live one)."""
    journal = Path(journal)
    if not journal.parent.is_dir():
        return []
    with _locked(journal):
        return _recover(journal)


def _recover(journal: Path) -> list[Path]:
    for left in journal.parent.glob(f"{journal.name}{TMP_MARK}*"):
        shutil.rmtree(left, ignore_errors=True)  # drafted, never used: no file was touched
    shutil.rmtree(journal.with_name(journal.name + ".done"), ignore_errors=True)
    manifest = journal / MANIFEST
    if not manifest.exists():
        return []
    entries = json.loads(manifest.read_text(encoding="utf-8"))
    backups = {
        Path(e["path"]): (journal / e["backup"]).read_bytes() if e["backup"] else None
        for e in entries
    }
    _restore(backups, ())
    for path in backups:  # the temporary files the killed run was writing
        for tmp in path.parent.glob(f".{path.name}{TMP_MARK}*"):
            tmp.unlink(missing_ok=True)
    _discard(journal)
    return list(backups)


def _missing_folders(paths: Sequence[Path]) -> list[Path]:
    """Folders that writing `paths` would create, outermost first."""
    out: list[Path] = []
    for path in paths:
        for folder in reversed(path.parents):
            if not folder.exists() and folder not in out:
                out.append(folder)
    return out


def apply_transaction(
    changes: Sequence[tuple[Path, bytes]],
    journal: Path | str,
    *,
    verify: Callable[[], None] | None = None,
) -> None:
    """Replace several files as one change: each file is found either as before or as after.

    Args:
        changes: (path, new content), written in this order (put the history first).
        journal: a folder for the previous contents (it must not hold a pending journal: call
            `recover` first); removed once the change is complete.
        verify: called once every file is written; an exception undoes the change.

    Raises:
        Whatever failed (OSError, the verifier's error, KeyboardInterrupt, Interrupted), after
        every file was restored. If even restoring fails, the journal stays for `recover`.
    """
    journal = Path(journal)
    paths = [Path(p) for p, _ in changes]
    with _locked(journal):
        _recover(journal)
        backups = {p: (p.read_bytes() if p.exists() else None) for p in paths}
        created = _missing_folders(paths)
        with _signals_raise():
            try:
                _write_journal(journal, backups)
                for path, content in changes:
                    write_atomic(path, content, durable=True)
                if verify is not None:
                    verify()
                _discard(journal)
            except BaseException as err:
                with _signals_deferred() as caught:
                    _undo(journal, backups, created, err)
                if caught:
                    raise Interrupted(caught[0]) from err
                raise


def _undo(
    journal: Path, backups: dict[Path, bytes | None], created: Sequence[Path], err: BaseException
) -> None:
    """Restore every file after `err`; if that fails too, the journal stays for `recover`."""
    try:
        if journal.exists():
            _restore(backups, created)
            _discard(journal)
        else:  # the journal was never complete: no file was touched
            for left in journal.parent.glob(f"{journal.name}{TMP_MARK}*"):
                shutil.rmtree(left, ignore_errors=True)
    except BaseException as undo_err:  # noqa: BLE001 — the first error is the one to report
        err.add_note(f"khôi phục chưa xong ({undo_err!r}); lần chạy sau sẽ khôi phục từ {journal}")
