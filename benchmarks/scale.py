"""dvcq at national size (issue #17): every step on a SYNTHETIC scale set, beside its goal.

    python benchmarks/scale.py                        # the country (6.4 million rows; ~15 min)
    python benchmarks/scale.py --province 24          # one legacy province (Bắc Giang), quick
    python benchmarks/scale.py --district "Yên Thế"   # one legacy district, quicker
    python benchmarks/scale.py --data DIR             # an existing set (DIR/observations/)

The set is generated into a temporary folder (`scripts/generate_demo_data.py --scale`, made-up
figures labelled synthetic) and removed afterwards (`--keep` keeps it). Each step runs in a
fresh process, so that its time includes no warm cache but the store's and its peak memory is
its own (`ru_maxrss` of that process):

- load (first): read and check every file, write the store;
- load (unchanged): the store read back;
- remap to the 2025 units; every check (`run_checks`);
- planning `dvcq render --all --period 2026-H1`: the plans and every page's input digest;
- the index: built from one render state per planned page, the national page and the largest
  province page opened in Chromium (when installed);
- render sample (`--render N`, default 0): N reports rendered on the set, giving the per-page
  cost from which a national half-year batch on W workers is estimated.

The goals are for the country on a quiet 2-core machine; a province or a district shows the
trend, not the goal. `uptime`'s load average is printed: on a shared machine, times are longer.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "scripts" / "generate_demo_data.py"
PERIOD = "2026-H1"
#: step → (goal in seconds or None, what the goal says)
GOALS = {
    "generate": (None, ""),
    "load_first": (20.0, "≤ 20 s"),
    "load_unchanged": (3.0, "≤ 3 s"),
    "remap": (20.0, "≤ 20 s"),
    "checks": (60.0, "≤ 60 s"),
    "plan": (15.0, "≤ 15 s"),
    "index": (None, ""),
    "index_open_national": (1.0, "< 1 s"),
    "index_open_province": (1.0, "< 1 s"),
}
PEAK_GOAL_GIB = 4.0
#: A national half-year batch: every 2025 commune × the five notebooks.
NATIONAL_PAGES = 3321 * 5

# Each step: Python code run in a fresh process with DATA, OUT set; prints a JSON line.
_PRELUDE = f"""
import json, os, resource, sys, time
sys.path.insert(0, {str(ROOT)!r})
DATA, OUT = os.environ["SCALE_DATA"], os.environ["SCALE_OUT"]
def done(seconds, **extra):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print("RESULT " + json.dumps(dict(seconds=seconds, peak=peak, **extra)))
"""
STEPS = {
    "load_first": """
from dvcq_lib import store
store.clear(DATA)
from dvcq_lib.observations import read_observations
t = time.perf_counter(); df = read_observations(DATA); s = time.perf_counter() - t
done(s, rows=len(df))
""",
    "load_unchanged": """
from dvcq_lib.observations import read_observations
t = time.perf_counter(); df = read_observations(DATA); s = time.perf_counter() - t
done(s, rows=len(df))
""",
    "remap": """
from dvcq_lib.observations import read_observations
from dvcq_lib.remap import remap
from dvcq_lib.lineage import lineage
df = read_observations(DATA); lineage()
t = time.perf_counter(); out = remap(df, to="2025"); s = time.perf_counter() - t
done(s, rows=len(out))
""",
    "checks": """
from dvcq_lib import store
from dvcq_lib.observations import files_signature, read_observations
from dvcq_lib.checks import CHECKS, checks_for_folder
from dvcq_lib.checks.findings import combine, mark_synthetic
df = read_observations(DATA)
each = {}
def timed(name, fn):
    t1 = time.perf_counter(); out = fn(df); each[name] = round(time.perf_counter() - t1, 2)
    return out
# every check, timed one by one, then stored as `checks_for_folder` stores them (planning and
# the index read them from the store)
t = time.perf_counter()
frames = [timed(n, lambda d, fn=fn: fn(d)) for n, fn in CHECKS.items()]
s = time.perf_counter() - t
store.cached_findings(files_signature(DATA), lambda: mark_synthetic(combine(frames), df))
done(s, each=each)
""",
    "plan": f"""
from dvcq_lib.observations import read_observations
read_observations(DATA)  # the store: what `dvcq render` finds on a second run
from pathlib import Path
t = time.perf_counter()
from dvcq_lib.render import plan as batch_plan, run as batch
plans = batch_plan.plan_batch(periods=[{PERIOD!r}], data_dir=DATA, outputs_dir=OUT)
t_plans = time.perf_counter() - t
options = batch.BatchOptions(outputs_dir=Path(OUT), data_dir=Path(DATA), progress=False)
jobs, skipped = batch.make_jobs(plans, options)
s = time.perf_counter() - t
pages = sum(len(j.notebooks) for j in jobs) + len(skipped)
done(s, plans=len(plans), pages=pages, plans_seconds=round(t_plans, 2))
""",
    "index": f"""
import json
from pathlib import Path
from dvcq_lib.render import index, plan as batch_plan
from dvcq_lib.render.plan import STATE_DIR
plans = batch_plan.plan_batch(periods=[{PERIOD!r}], data_dir=DATA, outputs_dir=OUT)
n = 0
for plan in plans:
    for name in plan.notebooks:
        f = plan.state_file(name)
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(dict(period=plan.period, commune_code=plan.commune.code,
            commune_key=str(plan.commune.key), notebook=name, status="done", seconds=1.0,
            page=str(plan.page(name).relative_to(Path(OUT))), error="", failed_notebook="",
            rendered_at="", synthetic=True)), encoding="utf-8")
        n += 1
t = time.perf_counter(); path = index.write_index(OUT, data_dir=DATA); s = time.perf_counter() - t
pages = sorted(Path(OUT).glob("index*.html"), key=lambda p: p.stat().st_size)
kb = lambda p: round(p.stat().st_size / 1024)
done(s, states=n, files=len(pages), national=str(path), largest=str(pages[-1]),
     national_kb=kb(path), largest_kb=kb(pages[-1]))
""",
    "render": """
from pathlib import Path
from dvcq_lib.render import plan as batch_plan, run as batch
plans = batch_plan.plan_batch(periods=[PERIOD_], data_dir=DATA, outputs_dir=OUT)[:N_]
options = batch.BatchOptions(outputs_dir=Path(OUT) / "render", data_dir=Path(DATA),
                             progress=False, write_index=False, force=True)
t = time.perf_counter(); out = batch.run_plans(plans, options); s = time.perf_counter() - t
done(s, pages=len(out.results), failed=len(out.failures))
""",
}


def run_step(name: str, data: Path, out: Path, code: str | None = None) -> dict:
    env = {**os.environ, "SCALE_DATA": str(data), "SCALE_OUT": str(out)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    proc = subprocess.run(
        [sys.executable, "-c", _PRELUDE + (code or STEPS[name])],
        env=env,
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
    )
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line.removeprefix("RESULT "))
    tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-8:])
    return {"seconds": float("nan"), "peak": 0, "error": tail}


def open_in_browser(paths: list[Path]) -> list[float]:
    """Seconds until each page's load event in headless Chromium (NaN without one)."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return [float("nan")] * len(paths)
    if not Path(chromium).exists():
        return [float("nan")] * len(paths)
    times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium)
        page = browser.new_page()
        page.goto("about:blank")
        for path in paths:
            t = time.perf_counter()
            page.goto(path.as_uri(), wait_until="load")
            times.append(time.perf_counter() - t)
        browser.close()
    return times


def generate(where: Path, args: argparse.Namespace) -> tuple[float, str]:
    if args.province:
        scale = ["--scale", "province", "--code", args.province]
    elif args.district:
        scale = ["--scale", "district", "--code", args.district]
    else:
        scale = ["--scale", "nation"]
    cmd = [sys.executable, str(GENERATOR), *scale, "--indicators", args.indicators]
    t = time.perf_counter()
    proc = subprocess.run([*cmd, "--out", str(where)], capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(proc.stderr)
    return time.perf_counter() - t, proc.stdout.strip()


def _fmt(seconds: float) -> str:
    return "—" if seconds != seconds else f"{seconds:8.2f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--province", help="one legacy province (code or name)")
    group.add_argument("--district", help="one legacy district (code or name)")
    group.add_argument("--data", type=Path, help="an existing scale set (not generated)")
    parser.add_argument("--indicators", choices=("demo", "all"), default="demo")
    parser.add_argument("--render", type=int, default=0, help="reports to render (per-page cost)")
    parser.add_argument("--workers", type=int, nargs="*", default=[2, 8, 32])
    parser.add_argument("--keep", action="store_true", help="keep the generated set")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="dvcq-scale-"))
    data, out = (args.data or tmp / "data"), tmp / "outputs"
    size = (
        f"province {args.province}"
        if args.province
        else f"district {args.district}"
        if args.district
        else "nation"
    )
    uptime = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    print(f"dvcq scale benchmark — {size}, indicators {args.indicators}, {os.cpu_count()} cores")
    print(f"load average before: {' '.join(uptime)}")
    results: dict[str, dict] = {}
    try:
        if args.data is None:
            seconds, said = generate(data, args)
            results["generate"] = {"seconds": seconds, "peak": 0, "said": said}
            print(f"generated: {said}")
        for name in ("load_first", "load_unchanged", "remap", "checks", "plan", "index"):
            results[name] = run_step(name, data, out)
            r = results[name]
            print(f"  {name}: {_fmt(r['seconds'])}", r.get("error", ""), flush=True)
        idx = results["index"]
        if "national" in idx:
            opened = open_in_browser([Path(idx["national"]), Path(idx["largest"])])
            results["index_open_national"] = {"seconds": opened[0], "peak": 0}
            results["index_open_province"] = {"seconds": opened[1], "peak": 0}
        if args.render:
            code = STEPS["render"].replace("PERIOD_", repr(PERIOD)).replace("N_", str(args.render))
            results["render"] = run_step("render", data, out, code)
    finally:
        if not args.keep and args.data is None:
            shutil.rmtree(tmp, ignore_errors=True)
        elif args.keep:
            print(f"kept: {tmp}")

    print()
    print(f"{'step':<22}{'measured':>12}{'goal':>10}{'peak memory':>14}  note")
    worst = 0.0
    for name, r in results.items():
        goal, goal_text = GOALS.get(name, (None, ""))
        peak = r.get("peak", 0) / 2**30
        worst = max(worst, peak)
        ok = (
            ""
            if goal is None or r["seconds"] != r["seconds"]
            else ("ok" if r["seconds"] <= goal else f"{r['seconds'] / goal:.1f}× goal")
        )
        extra = {k: v for k, v in r.items() if k not in ("seconds", "peak", "error", "said")}
        note = " ".join(f"{k}={v}" for k, v in extra.items() if k not in ("national", "largest"))
        print(
            f"{name:<22}{_fmt(r['seconds']):>12}{goal_text:>10}"
            f"{(f'{peak:.2f} GiB' if peak else ''):>14}  {ok} {note}".rstrip()
        )
    print(f"{'peak memory (max)':<22}{worst:>10.2f} GiB  goal ≤ {PEAK_GOAL_GIB:.0f} GiB")
    if "render" in results and results["render"].get("pages"):
        r = results["render"]
        per_page = r["seconds"] / r["pages"]  # kernel start included: an upper bound
        pages = NATIONAL_PAGES
        print(
            f"\nrender sample: {r['pages']} pages in {r['seconds']:.1f} s on this machine "
            f"({per_page:.2f} s per page, both cores)"
        )
        for w in args.workers:
            # the sample ran on every core of this machine: per-core cost × pages / workers
            hours = per_page * (os.cpu_count() or 1) * pages / w / 3600
            print(
                f"  {pages} pages (the country, one half-year) on {w} single-core workers: "
                f"~{hours:.1f} h"
            )
    load_after = Path("/proc/loadavg").read_text().split()[:3] if uptime else []
    print(f"load average after: {' '.join(load_after)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
