"""The one temporary folder of a run: `$TMPDIR/dvcq-run-<pid>/`.

Everything a batch puts in the temporary directory lives there: the data hand-over pickle, the
kernels' connection files (which hold their keys) and their ipc sockets. The folder is private
(mode 0700), made on first use and removed when its process exits. A run killed outright
(SIGKILL, a power cut) cannot remove it; the next run does, once the folder's owner is gone —
every process that makes its own folder first sweeps the folders of dead owners.

Each process has its own folder (a pool worker or a Dask worker drives its own kernels), so the
owner is always the process named in the folder. The owner's start time is recorded beside its
pid: a pid reused by an unrelated process does not keep a stale folder alive, and a folder whose
owner lives is never touched.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from pathlib import Path

import psutil

PREFIX = "dvcq-run-"
#: Inside each folder: "<pid> <start time>" of the process that owns it.
OWNER_FILE = "owner"

_LOCK = threading.Lock()
_MINE: dict[int, Path] = {}  # pid → folder (a forked child gets its own)


def _start_time(pid: int) -> float | None:
    try:
        return psutil.Process(pid).create_time()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None


def owner_alive(folder: Path) -> bool:
    """Whether the process that made `folder` still runs (the same process, not its pid
    reused). A folder without a readable owner file (one being made right now) is judged by
    the pid in its name alone."""
    try:
        pid_text, _, started = (folder / OWNER_FILE).read_text().partition(" ")
        pid = int(pid_text)
    except (OSError, ValueError):
        try:
            pid = int(folder.name.removeprefix(PREFIX))
        except ValueError:
            return True  # not one of ours
        started = ""
    now = _start_time(pid)
    if now is None:
        return False
    return not started or abs(float(started) - now) < 1.0


def sweep_stale(root: Path | str | None = None) -> list[Path]:
    """Remove the run folders under `root` (the temporary directory) whose owner is gone."""
    removed = []
    for folder in Path(root or tempfile.gettempdir()).glob(f"{PREFIX}*"):
        if folder.is_dir() and not folder.is_symlink() and not owner_alive(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def run_dir() -> Path:
    """This process's run folder, made (after sweeping stale ones) on first use."""
    pid = os.getpid()
    with _LOCK:
        folder = _MINE.get(pid)
        if folder is not None and folder.is_dir():
            return folder
        root = Path(tempfile.gettempdir())
        sweep_stale(root)
        folder = root / f"{PREFIX}{pid}"
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            folder.unlink()
        elif folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)  # left by a dead process of our pid
        folder.mkdir(mode=0o700)
        (folder / OWNER_FILE).write_text(f"{pid} {_start_time(pid) or ''}")
        _MINE[pid] = folder
        _hook_exit(pid)
        return folder


def remove_run_dir() -> None:
    """Remove this process's run folder now (at exit; a no-op if it has none)."""
    folder = _MINE.pop(os.getpid(), None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def _hook_exit(pid: int) -> None:
    """Remove the folder when this process exits — also in a forked pool worker, which skips
    atexit; after its kernels are killed (their finaliser has a higher priority)."""
    atexit.register(remove_run_dir)
    from multiprocessing import util

    util.Finalize(None, remove_run_dir, exitpriority=10)
