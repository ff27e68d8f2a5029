"""Render speed, side by side, in one run: N demo reports rendered

1. the naive way — a shell loop of `papermill` + `jupyter nbconvert --to html` processes;
2. by dvcq's batch engine with its default settings (warm kernels, one per core);
3. by a plain-Python script running the same notebook code (same charts, same tables) in
   2 processes with no kernel and no nbconvert — the floor;

and prints seconds per report and the two ratios against the goal of issue 17 (≥ 30× the naive
loop; within 1.3× of plain Python), then the peak memory (RSS of the whole process tree: the batch
and its kernels) of the engine for 20 and for 200 reports. The engine and plain Python are timed
in several rounds, taking turns to go first; the floor ratio is the median of the rounds'.

    python benchmarks/render_speed.py                       # the stand-in notebook
    python benchmarks/render_speed.py notebooks/*.ipynb     # a report = these notebooks
    python benchmarks/render_speed.py -n 100 --naive 4 --rounds 3 --memory 20 200
"""

from __future__ import annotations

import argparse
import base64
import io
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import redirect_stdout
from pathlib import Path
from statistics import median

import nbformat
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dvcq_lib import register  # noqa: E402
from dvcq_lib.observations import commune_keys, read_observations  # noqa: E402
from dvcq_lib.render.plan import ReportPlan  # noqa: E402
from dvcq_lib.render.run import BatchOptions, run_plans  # noqa: E402

STANDIN = ROOT / "tests" / "data" / "notebooks" / "standin.ipynb"
GOAL_NAIVE, GOAL_FLOOR = 30.0, 1.3
BIN = Path(sys.executable).parent


def report_keys(n: int) -> list[tuple[str, str]]:
    """N (commune key, period) pairs of the bundled data, in a fixed order."""
    df = read_observations()
    pairs = sorted(set(zip(commune_keys(df), df["period"].astype(str), strict=True)))
    if n > len(pairs):
        raise SystemExit(f"only {len(pairs)} commune × period reports in the data (asked {n})")
    step = len(pairs) / n
    return [pairs[int(i * step)] for i in range(n)]


def plans_for(keys, notebooks: dict[str, Path], out: Path) -> list[ReportPlan]:
    return [
        ReportPlan(
            commune=register.get(k.split(":")[1], k.split(":")[0]),
            period=p,
            notebooks=notebooks,
            outputs_dir=out,
        )
        for k, p in keys
    ]


class PeakRSS:
    """Samples the RSS of this process and all its descendants; keeps the peak."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval, self.peak, self._stop = interval, 0, threading.Event()

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for p in [me, *me.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(self.interval)

    def __enter__(self):
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its ended children — the kernels and
    pool workers are stopped and reaped at the end of each way, so a difference of two readings
    is that way's whole CPU cost, whatever else the machine runs meanwhile."""
    me, children = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


# ---------------------------------------------------------------------------------------------
# 1. the naive shell loop
# ---------------------------------------------------------------------------------------------
def naive(plans: list[ReportPlan], work: Path) -> float:
    lines = ["set -e"]
    for i, plan in enumerate(plans):
        for name, path in plan.notebooks.items():
            out = work / f"{i}-{name}.ipynb"
            params = " ".join(f"-p {k} '{v}'" for k, v in plan.parameters.items())
            lines.append(
                f"{BIN}/papermill -k python3 --no-progress-bar '{path}' '{out}' "
                f"{params} 2>/dev/null"
            )
            lines.append(f"{BIN}/jupyter nbconvert --to html --no-input '{out}' 2>/dev/null")
    script = work / "loop.sh"
    script.write_text("\n".join(lines))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PATH": f"{BIN}:{os.environ['PATH']}"}
    start = time.perf_counter()
    subprocess.run(["bash", str(script)], check=True, env=env, cwd=work)
    return time.perf_counter() - start


# ---------------------------------------------------------------------------------------------
# 2. the engine
# ---------------------------------------------------------------------------------------------
def engine(plans: list[ReportPlan], out: Path) -> tuple[float, int]:
    with PeakRSS() as rss:
        start = time.perf_counter()
        outcome = run_plans(
            plans, BatchOptions(outputs_dir=out, force=True, progress=False, write_index=False)
        )
        seconds = time.perf_counter() - start
    if outcome.failures:
        raise SystemExit(f"engine failures: {[r.error for r in outcome.failures][:3]}")
    return seconds, rss.peak


# ---------------------------------------------------------------------------------------------
# 3. plain Python: the notebooks' own code, exec'd, no kernel, no nbconvert
# ---------------------------------------------------------------------------------------------
def _plain_report(task: tuple[dict, dict[str, str], str]) -> None:
    import IPython.display as ipd

    params, notebooks, out = task
    for name, path in notebooks.items():
        shown: list[str] = []

        def display(*objs, shown=shown, **_):
            for obj in objs:
                if isinstance(obj, dict) and "image/svg+xml" in obj:  # a chart (raw display)
                    shown.append(
                        '<img src="data:image/svg+xml;base64,'
                        + base64.b64encode(obj["image/svg+xml"].encode()).decode()
                        + '">'
                    )
                elif isinstance(obj, ipd.Image):
                    shown.append(
                        '<img src="data:image/png;base64,'
                        + base64.b64encode(obj.data).decode()
                        + '">'
                    )
                elif hasattr(obj, "_repr_html_"):
                    shown.append(obj._repr_html_() or "")
                else:
                    shown.append(f"<pre>{obj!r}</pre>")

        ipd.display = display
        nb = nbformat.read(path, as_version=4)
        namespace: dict = {}
        with redirect_stdout(io.StringIO()):
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                exec(compile(cell.source, name, "exec"), namespace)
                if "parameters" in cell.metadata.get("tags", []):
                    namespace.update(params)
        page = Path(out) / f"{params['commune']}-{params['period']}-{name}.html"
        page.write_text("<html><body>" + "\n".join(shown) + "</body></html>", encoding="utf-8")


def plain(plans: list[ReportPlan], out: Path, processes: int = 2) -> float:
    out.mkdir(parents=True, exist_ok=True)
    tasks = [
        (
            {**p.parameters, "output_dir": str(out / f"{i}")},
            {k: str(v) for k, v in p.notebooks.items()},
            str(out),
        )
        for i, p in enumerate(plans)
    ]
    start = time.perf_counter()
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(processes) as pool:
        pool.map(_plain_report, tasks, chunksize=1)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "notebooks",
        nargs="*",
        type=Path,
        default=[STANDIN],
        help="the notebook(s) of one report (default: the stand-in)",
    )
    ap.add_argument("-n", type=int, default=20, help="reports for the engine and plain Python")
    ap.add_argument(
        "--naive",
        type=int,
        default=6,
        help="reports for the naive loop (it is slow; s/report is what counts)",
    )
    ap.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="the engine and plain Python are timed this many times, taking turns to go first "
        "(a shared machine's speed drifts); the ratio reported is the median of the rounds'",
    )
    ap.add_argument(
        "--memory",
        type=int,
        nargs="*",
        default=[20, 200],
        help="report counts for the peak-memory measurement",
    )
    args = ap.parse_args(argv)
    notebooks = {p.stem: p.resolve() for p in args.notebooks}
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    work = Path(tempfile.mkdtemp(prefix="dvcq-bench-"))
    read_observations()  # warm the parent's cache for all three: not what is measured
    try:
        print(
            f"{os.cpu_count()} cores; a report = {', '.join(notebooks)}; "
            f"engine workers: default ({os.cpu_count()})"
        )
        keys = report_keys(args.n)
        (work / "naive").mkdir()
        naive_plans = plans_for(keys[: args.naive], notebooks, work / "engine")
        t_naive = naive(naive_plans, work / "naive") if args.naive else 0
        s_naive = t_naive / args.naive if args.naive else float("nan")
        print(
            f"naive shell loop (papermill + nbconvert CLIs): {s_naive:6.2f} s/report "
            f"({args.naive} reports, {t_naive:.1f} s)"
        )
        s_engine, s_plain, ratios = [], [], []
        cpu: dict[str, list[float]] = {"engine": [], "plain": []}
        for r in range(args.rounds):
            timed: dict[str, float] = {}
            order = ("engine", "plain") if r % 2 == 0 else ("plain", "engine")
            for who in order:
                out = work / f"{who}{r}"
                plans = plans_for(keys, notebooks, out)
                before = cpu_seconds()
                timed[who] = engine(plans, out)[0] if who == "engine" else plain(plans, out)
                timed[who] /= args.n
                cpu[who].append((cpu_seconds() - before) / args.n)
                shutil.rmtree(out, ignore_errors=True)
            s_engine.append(timed["engine"])
            s_plain.append(timed["plain"])
            ratios.append(timed["engine"] / timed["plain"])
            print(
                f"round {r + 1} ({' first, '.join(order)} second): dvcq {timed['engine']:.3f} "
                f"s/report (CPU {cpu['engine'][-1]:.2f} s), plain Python {timed['plain']:.3f} "
                f"s/report (CPU {cpu['plain'][-1]:.2f} s) → {ratios[-1]:.2f}×"
            )
        e, p, r_floor = median(s_engine), median(s_plain), median(ratios)
        print(
            f"dvcq batch engine (default settings):         {e:6.2f} s/report, "
            f"CPU {median(cpu['engine']):.2f} s/report ({args.n} reports, median of {args.rounds})"
        )
        print(
            f"plain Python, same charts, 2 processes:       {p:6.2f} s/report, "
            f"CPU {median(cpu['plain']):.2f} s/report ({args.n} reports, median of {args.rounds})"
        )
        r_naive = s_naive / e
        print(
            f"engine vs naive loop: {r_naive:5.1f}× faster   (goal ≥ {GOAL_NAIVE:.0f}×: "
            f"{'met' if r_naive >= GOAL_NAIVE else 'NOT met'})"
        )
        print(
            f"engine vs plain Python: {r_floor:4.2f}× the floor (goal ≤ {GOAL_FLOOR}×: "
            f"{'met' if r_floor <= GOAL_FLOOR else 'NOT met'}; rounds: "
            f"{', '.join(f'{x:.2f}' for x in ratios)})"
        )
        for n in args.memory:
            out = work / f"mem{n}"
            t, peak = engine(plans_for(report_keys(n), notebooks, out), out)
            print(
                f"peak memory, {n:4d} reports: {peak / 2**20:7.0f} MiB (process tree), "
                f"{t / n:.2f} s/report"
            )
            shutil.rmtree(out, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
