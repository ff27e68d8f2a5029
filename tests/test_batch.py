"""`dvcq render --all`: faults stay local, an unchanged batch is skipped, one changed commune is
re-rendered alone (with the overviews that include it), a killed batch resumes, and a Dask
LocalCluster gives the same pages as the local pool. One worker each: the machine is small."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from dvcq_lib import cli
from dvcq_lib.files import TMP_MARK
from dvcq_lib.paths import ROOT
from dvcq_lib.render.engine import DONE, SKIPPED
from dvcq_lib.render.plan import plan_batch
from dvcq_lib.render.run import BatchOptions, run_plans
from tests._engine_support import change_value, complete_page, notebooks, slow_notebook, small_data

COMMUNES = ("07273", "07279", "07285")  # Đông Sơn, Hương Vĩ, An Thượng — all of Yên Thế


def batch(data, nbs, out, **options):
    plans = plan_batch(periods=["2024-H1"], notebooks_dir=nbs, data_dir=data, outputs_dir=out)
    opts = {"workers": 1, "progress": False, "timeout": 120, **options}
    return run_plans(plans, BatchOptions(outputs_dir=out, data_dir=data, **opts))


def statuses(outcome):
    return {(r.commune_code, r.notebook): r.status for r in outcome.results}


@pytest.fixture
def setup(tmp_path):
    data = small_data(tmp_path / "data", communes=COMMUNES)
    # overview reads only its commune; district compares it with its peers (see incremental.py)
    nbs = notebooks(tmp_path / "nbs", overview="standin", district="standin")
    return data, nbs, tmp_path / "out"


def test_filters_select_commune_period_and_notebook(setup):
    data, nbs, _ = setup
    plans = plan_batch(
        periods=["2024-H1"], commune=7279, notebooks=["district"], notebooks_dir=nbs, data_dir=data
    )
    assert [(p.commune.code, p.period, list(p.notebooks)) for p in plans] == [
        ("07279", "2024-H1", ["district"])
    ]
    assert len(plan_batch(district="Yên Thế", notebooks_dir=nbs, data_dir=data)) == 9


def test_unchanged_batch_is_skipped_and_one_changed_commune_rerenders_alone(setup):
    data, nbs, out = setup
    first = batch(data, nbs, out)
    assert set(statuses(first).values()) == {DONE} and len(first.results) == 6
    assert first.exit_code == 0 and (out / "index.html").exists()
    pages = {p: p.stat().st_mtime_ns for p in out.rglob("*.html") if p.name != "index.html"}

    second = batch(data, nbs, out)
    assert set(statuses(second).values()) == {SKIPPED}
    assert all(p.stat().st_mtime_ns == t for p, t in pages.items())  # not even rewritten

    change_value(data, "07279", "2024-H1", "rice_area")
    third = statuses(batch(data, nbs, out))
    assert third == {
        ("07279", "overview"): DONE,
        ("07279", "district"): DONE,
        ("07273", "district"): DONE,
        ("07285", "district"): DONE,  # overviews including it
        ("07273", "overview"): SKIPPED,
        ("07285", "overview"): SKIPPED,
    }
    assert set(statuses(batch(data, nbs, out, force=True)).values()) == {DONE}


def test_a_failing_notebook_among_good_ones(setup, capsys):
    data, nbs, out = setup
    notebooks(nbs, fragile="fragile")  # raises for An Thượng (07285) only
    code = cli.main(
        [
            "render",
            "--all",
            "--period",
            "2024-H1",
            "--data",
            str(data),
            "--outputs",
            str(out),
            "--notebooks-dir",
            str(nbs),
            "--workers",
            "1",
            "--no-progress",
        ]
    )
    assert code == 1
    printed = capsys.readouterr().out
    assert "lỗi (failed)" in printed and "07285" in printed and "ValueError" in printed
    assert "index.html" in printed
    assert (out / "_failed/2024-H1/07285-an-thuong/fragile.ipynb").exists()
    assert len(list(out.rglob("*.html"))) == 3 * 3 - 1 + 1  # every other page + the index
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "lỗi một phần" in index and "07285-an-thuong/fragile.error.txt" in index
    assert "Huyện Yên Thế" in index and "6 tháng đầu năm 2024" in index


def _run_cli(args, **kw):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "dvcq_lib", "render", "--all", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        **kw,
    )


def test_a_killed_batch_leaves_no_half_page_and_resumes(tmp_path):
    communes = ("07273", "07279", "07285", "07282", "07288", "07291")
    data = small_data(tmp_path / "data", communes=communes)
    nbs = slow_notebook(tmp_path / "nbs", seconds=0.4)
    out = tmp_path / "out"
    args = [
        "--period",
        "2024-H1",
        "--data",
        str(data),
        "--outputs",
        str(out),
        "--notebooks-dir",
        str(nbs),
        "--workers",
        "1",
        "--no-progress",
    ]
    proc = _run_cli(args)
    deadline = time.time() + 120
    while time.time() < deadline and len(list(out.glob("2024-H1/*/slow.html"))) < 2:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the batch, its workers and their kernels
    proc.wait()
    done_before = list(out.glob("2024-H1/*/slow.html"))
    assert 2 <= len(done_before) < len(communes), "kill the batch midway"
    assert all(complete_page(p) for p in done_before)  # renamed whole, never half-written

    rerun = _run_cli(args)
    assert rerun.wait(timeout=300) == 0
    pages = list(out.glob("2024-H1/*/slow.html"))
    assert len(pages) == len(communes) and all(complete_page(p) for p in pages)
    assert not list(out.rglob(f"*{TMP_MARK}*"))


def test_ctrl_c_stops_the_batch_at_once_and_leaves_no_kernel(tmp_path):
    data = small_data(tmp_path / "data", communes=("07273", "07279", "07285", "07282"))
    nbs = slow_notebook(tmp_path / "nbs", seconds=60)
    out = tmp_path / "out"
    args = ["--period", "2024-H1", "--data", str(data), "--outputs", str(out)]
    args += ["--notebooks-dir", str(nbs), "--workers", "2", "--no-progress"]
    proc = _run_cli(args)
    deadline = time.time() + 120
    kernels: list[psutil.Process] = []
    while time.time() < deadline and len(kernels) < 2:
        kernels = [
            p
            for p in psutil.Process(proc.pid).children(recursive=True)
            if "ipykernel_launcher" in " ".join(p.cmdline())
        ]
        time.sleep(0.1)
    assert len(kernels) == 2, "two kernels, one per worker thread"
    time.sleep(3)  # both are inside a 60-second cell now
    started = time.time()
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 130
    assert time.time() - started < 10, "Ctrl-C does not wait for the running cells"
    gone, alive = psutil.wait_procs(kernels, timeout=5)
    assert not alive, "no kernel outlives the batch"
    assert not list(out.rglob("*.html")) and not list(out.rglob(f"*{TMP_MARK}*"))


def test_the_process_pool_gives_the_same_pages_as_the_kernel_threads(setup):
    data, nbs, out = setup
    threads = batch(data, nbs, out / "threads", executor="threads", workers=2)
    processes = batch(data, nbs, out / "processes", executor="processes", workers=2)
    assert statuses(threads) == statuses(processes)
    assert set(statuses(processes).values()) == {DONE}
    pages = sorted((out / "threads").glob("2024-H1/*/*.html"))
    assert len(pages) == 6
    for page in pages:
        twin = out / "processes" / page.relative_to(out / "threads")
        assert twin.read_bytes() == page.read_bytes(), page.name


def test_local_cluster_gives_the_same_pages_as_the_local_pool(setup):
    distributed = pytest.importorskip("distributed")
    data, nbs, out = setup
    local = batch(data, nbs, out / "local")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        remote = batch(
            data, nbs, out / "dask", executor="dask", scheduler=cluster.scheduler_address
        )
    assert statuses(local) == statuses(remote) and set(statuses(remote).values()) == {DONE}
    for page in sorted((out / "local").glob("2024-H1/*/*.html")):
        twin = out / "dask" / page.relative_to(out / "local")
        assert twin.read_bytes() == page.read_bytes(), page.name
    assert len(list((out / "dask").glob("2024-H1/*/*.html"))) == 6


def test_dask_executor_needs_a_scheduler(setup):
    data, nbs, out = setup
    code = cli.main(
        [
            "render",
            "--all",
            "--executor",
            "dask",
            "--data",
            str(data),
            "--outputs",
            str(out),
            "--notebooks-dir",
            str(nbs),
            "--no-progress",
        ]
    )
    assert code == 2
