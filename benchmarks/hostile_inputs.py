"""Hostile inputs: how long each takes and how much memory, or whether it is refused.

Issue 12 found inputs that took minutes and gigabytes: a 92 kB line holding 4,000 figures
(12 s), a 5 MB report on one line (over 300 s), a 691 kB `.docx` of 6 million empty paragraphs
(over 300 s, 4.6 GB), a 409 kB zip-bomb `.xlsx` among the observations (1.1 GB before it was
refused). Each must now finish in a few seconds or be refused with a clear message.

Every case is built in a temporary folder, then run in a fresh Python process (so that its peak
memory is its own), under a wall-clock limit and an address-space limit so that a case that
still explodes cannot take the machine down with it. Printed: case, seconds, outcome, peak
memory (maximum resident set of the process).

Run: python benchmarks/hostile_inputs.py [--timeout 20] [--memory-limit 3072] [CASE ...]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

#: A case "finishes in a few seconds" when it takes at most this long.
GOAL_SECONDS = 5.0


# ---------------------------------------------------------------------------------------------
# building the cases (in the parent, not timed)
# ---------------------------------------------------------------------------------------------
def build_line_of_figures(folder: Path) -> Path:
    """One 92 kB line holding 4,000 figures, each a catalogue phrase with a number and a unit."""
    parts = [f"trồng lúa {1000 + i},5 ha; " for i in range(4000)]  # 24 bytes each
    path = folder / "mot-dong-4000-so.txt"
    path.write_text("Xã Đông Sơn, 6 tháng đầu năm 2024: " + "".join(parts), encoding="utf-8")
    return path


def build_single_line_report(folder: Path, size: int = 5 * 1024 * 1024) -> Path:
    """The reference report, its line breaks taken out, repeated up to 5 MB on one line."""
    root = Path(__file__).resolve().parent.parent
    text = (root / "data" / "raw" / "dong-son_2024-H1.txt").read_text(encoding="utf-8")
    one_line = " ".join(text.split())
    path = folder / "bao-cao-mot-dong-5mb.txt"
    path.write_text((one_line + " ") * (size // len(one_line.encode("utf-8")) + 1), "utf-8")
    return path


def build_empty_paragraphs_docx(folder: Path, paragraphs: int = 6_000_000) -> Path:
    """A small `.docx` whose body is 6 million empty paragraphs."""
    import docx

    good = folder / "good.docx"
    d = docx.Document()
    d.add_paragraph("Xã Đông Sơn — báo cáo 6 tháng đầu năm 2024")
    d.save(good)
    path = folder / "sau-trieu-doan-rong.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                head, sep, tail = data.partition(b"<w:body>")
                data = head + sep + b"<w:p/>" * paragraphs + tail
            dst.writestr(item.filename, data, compresslevel=9)
    good.unlink()
    return path


def build_zip_bomb_xlsx(folder: Path, inflated: int = 420 * 1024 * 1024) -> Path:
    """A real workbook in `observations/` whose sheet is padded with 420 MB of blanks (a zip
    bomb of about 400 kB)."""
    import pandas as pd

    obs = folder / "observations"
    obs.mkdir(parents=True, exist_ok=True)
    good = folder / "good.xlsx"
    pd.DataFrame(
        {
            "commune_code": ["07273"],
            "period": ["2024-H1"],
            "indicator": ["rice_area"],
            "value": [378.0],
            "unit": ["ha"],
        }
    ).to_excel(good, index=False)
    path = obs / "bom-giai-nen.xlsx"
    chunk = b" " * (8 * 1024 * 1024)
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if not item.filename.endswith("sheet1.xml"):
                dst.writestr(item.filename, data)
                continue
            with dst.open(item.filename, "w", force_zip64=True) as out:
                out.write(data)
                for _ in range(inflated // len(chunk)):
                    out.write(chunk)
    good.unlink()
    return folder


# ---------------------------------------------------------------------------------------------
# running the cases (in the child)
# ---------------------------------------------------------------------------------------------
def run_extract_text(path: str) -> str:
    from dvcq_lib.ingest import document_from_text, extract

    text = Path(path).read_text(encoding="utf-8")
    found = extract(document_from_text(text, path))
    return f"đọc xong: {len(found.proposals)} số liệu đề xuất, {len(found.skipped)} bỏ qua"


def run_read_report(path: str) -> str:
    from dvcq_lib.ingest import extract, read_report

    found = extract(read_report(path))
    return f"đọc xong: {len(found.proposals)} số liệu đề xuất"


def run_load(folder: str) -> str:
    from dvcq_lib.observations import read_observations

    return f"nạp xong: {len(read_observations(folder))} dòng"


#: name → (what it is, builder, runner)
CASES: dict[str, tuple[str, Callable[[Path], Path], Callable[[str], str]]] = {
    "line_4000_figures": (
        "một dòng 92 kB, 4.000 số (dvcq_lib.ingest.extract)",
        build_line_of_figures,
        run_extract_text,
    ),
    "single_line_5mb": (
        "báo cáo 5 MB trên một dòng (dvcq_lib.ingest.extract)",
        build_single_line_report,
        run_extract_text,
    ),
    "docx_6m_empty_paragraphs": (
        ".docx 6 triệu đoạn rỗng (read_report + extract)",
        build_empty_paragraphs_docx,
        run_read_report,
    ),
    "xlsx_zip_bomb": (
        ".xlsx bom giải nén trong observations/ (read_observations)",
        build_zip_bomb_xlsx,
        run_load,
    ),
}


def child(case: str, target: str) -> None:
    """Run one case and print its outcome and the seconds it took as one JSON line (a refusal
    is an outcome too). The library is imported and its catalogues read before the clock
    starts: what is timed is the input, not Python's start."""
    import dvcq_lib.ingest  # noqa: F401
    from dvcq_lib import register
    from dvcq_lib.catalogue import catalogue
    from dvcq_lib.exceptions import DvcqError
    from dvcq_lib.ingest.terms import vocabulary

    catalogue(), vocabulary(), register.legacy_units(), register.new_units()
    start = time.perf_counter()
    try:
        outcome = "ok — " + CASES[case][2](target)
    except DvcqError as err:
        outcome = "từ chối (refused) — " + " ".join(str(err).split())[:300]
    except MemoryError:
        outcome = "HẾT BỘ NHỚ (MemoryError: over the address-space limit)"
    seconds = time.perf_counter() - start
    print(json.dumps({"outcome": outcome, "seconds": seconds}, ensure_ascii=False))


def _limit_memory(megabytes: int) -> Callable[[], None]:
    def apply() -> None:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def measure(case: str, target: Path, timeout: float, memory_mb: int) -> tuple[float, str, float]:
    """(seconds, outcome, peak MiB) of one case in a fresh process; the seconds are the case's
    own (from the child) or, when it was killed, the whole time until it was."""
    cmd = [sys.executable, __file__, "--child", case, str(target)]
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_limit_memory(memory_mb),  # noqa: PLW1509 — no threads in this process
    )
    timed_out = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - start > timeout:
            proc.send_signal(signal.SIGKILL)
            _, status, usage = os.wait4(proc.pid, 0)
            timed_out = True
            break
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    out, err = proc.communicate()
    peak = usage.ru_maxrss / 1024  # kB on Linux
    if timed_out:
        return seconds, f"QUÁ GIỜ (killed after {timeout:.0f} s)", peak
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (err.strip().splitlines() or ["?"])[-1]
        return seconds, f"LỖI (exit {proc.returncode}): {tail[:200]}", peak
    result = json.loads(lines[-1])
    return result["seconds"], result["outcome"], peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="*", help=f"default: every case ({', '.join(CASES)})")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds per case")
    parser.add_argument("--memory-limit", type=int, default=3072, help="MiB per case")
    parser.add_argument("--child", nargs=2, metavar=("CASE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    names = args.cases or list(CASES)
    if unknown := [n for n in names if n not in CASES]:
        parser.error(f"không có trường hợp {', '.join(unknown)}; có: {', '.join(CASES)}")
    print(f"{'trường hợp (case)':<28} {'giây':>7} {'bộ nhớ đỉnh':>12}  kết quả (outcome)")
    slow = []
    with tempfile.TemporaryDirectory(prefix="dvcq-hostile-") as tmp:
        for name in names:
            label, build, _ = CASES[name]
            folder = Path(tmp) / name
            folder.mkdir()
            target = build(folder)
            size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
            seconds, outcome, peak = measure(name, target, args.timeout, args.memory_limit)
            print(f"{name:<28} {seconds:7.2f} {peak:9.0f} MiB  {outcome}")
            kb = f"{size / 1024:,.0f}".replace(",", ".")
            print(f"{'':<28} {label}; tệp {kb} kB")
            if seconds > GOAL_SECONDS and not outcome.startswith("từ chối"):
                slow.append(name)
    if slow:
        print(f"\nChưa đạt (over {GOAL_SECONDS:.0f} s and not refused): {', '.join(slow)}")
    else:
        print(f"\nMọi trường hợp xong trong {GOAL_SECONDS:.0f} s hoặc bị từ chối (all bounded).")


if __name__ == "__main__":
    main()
