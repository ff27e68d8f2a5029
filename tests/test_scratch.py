"""The run folder: a killed batch's temporary files (data hand-over, kernel connection files
with their keys, sockets) are removed by the next run once their owner is gone — never while
it lives."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from dvcq_lib.paths import ROOT
from dvcq_lib.render import scratch


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _stale_folder(root, pid: int, started: str = "") -> object:
    """A run folder as a SIGKILLed batch leaves it."""
    folder = root / f"{scratch.PREFIX}{pid}"
    (folder / "batch-x").mkdir(parents=True)
    (folder / "batch-x" / "observations.pickle").write_bytes(b"data")
    (folder / "kernel-1.json").write_text('{"key": "secret"}')
    (folder / "kernel-1-1").write_bytes(b"")  # an ipc socket path
    (folder / scratch.OWNER_FILE).write_text(f"{pid} {started}")
    return folder


def _python(code: str, tmp) -> subprocess.CompletedProcess:
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )


def test_stale_folder_of_a_dead_pid_is_removed_by_the_next_run(tmp_path):
    stale = _stale_folder(tmp_path, _dead_pid())
    out = _python("from dvcq_lib.render.scratch import run_dir; print(run_dir())", tmp_path)
    assert not stale.exists()
    # and the new run's own folder is gone once it exited normally
    assert not os.path.exists(out.stdout.strip())
    assert list(tmp_path.glob(f"{scratch.PREFIX}*")) == []


def test_folder_of_a_live_owner_is_kept(tmp_path):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        time.sleep(0.2)
        started = scratch._start_time(sleeper.pid)
        live = _stale_folder(tmp_path, sleeper.pid, str(started))
        assert scratch.sweep_stale(tmp_path) == []
        assert (live / "kernel-1.json").exists()
    finally:
        sleeper.kill()
        sleeper.wait()
    assert scratch.sweep_stale(tmp_path) == [live]
    assert not live.exists()


def test_a_reused_pid_does_not_keep_a_stale_folder(tmp_path):
    # our own pid is alive, but not the process that made the folder (another start time)
    stale = _stale_folder(tmp_path, os.getpid(), "12345.0")
    assert scratch.sweep_stale(tmp_path) == [stale]


def test_folders_not_ours_are_left_alone(tmp_path):
    other = tmp_path / f"{scratch.PREFIX}notes"
    other.mkdir()
    unrelated = tmp_path / "something-else"
    unrelated.mkdir()
    assert scratch.sweep_stale(tmp_path) == []
    assert other.exists() and unrelated.exists()


def test_killed_kernel_driver_leaves_its_files_in_its_run_folder_only(tmp_path):
    """A process drives a warm kernel and is SIGKILLed: its kernel's connection file and sockets
    are in its run folder (nothing in Jupyter's runtime folder or loose in $TMPDIR), and the
    next run removes the folder."""
    code = (
        "import os, signal, nbformat\n"
        "from dvcq_lib.render.kernels import WarmKernel\n"
        "from dvcq_lib.render.scratch import run_dir\n"
        "k = WarmKernel()\n"
        "k.execute(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')]))\n"
        "print(run_dir(), k.km.connection_file, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert run.returncode == -9, run.stderr
    folder, connection = run.stdout.split()
    assert connection.startswith(folder + "/") and os.path.exists(connection)
    loose = [p.name for p in tmp_path.iterdir() if not p.name.startswith(scratch.PREFIX)]
    assert loose == []
    time.sleep(2)  # the orphaned kernel notices its parent is gone and exits
    _python("from dvcq_lib.render.scratch import run_dir; run_dir()", tmp_path)
    assert not os.path.exists(folder)
