"""How long `dvcq ingest` takes on a 50-page report (the reference report, repeated with its
figures varied), against the issue's goal of one second, and side by side with a naive reading
that calls the extractor once per paragraph (no shared context, as a per-sentence tool would).

Run: python benchmarks/ingest_speed.py
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

from dvcq_lib.ingest import document_from_text, extract, ingest_report
from dvcq_lib.ingest.terms import vocabulary
from dvcq_lib.paths import RAW_DIR

#: A printed page of a commune report holds about this many characters.
CHARS_PER_PAGE = 3000
PAGES = 50
GOAL_SECONDS = 1.0
REPEAT = 5


def fifty_pages() -> str:
    text = (RAW_DIR / "dong-son_2024-H1.txt").read_text(encoding="utf-8")
    parts, i = [], 0
    while sum(map(len, parts)) < PAGES * CHARS_PER_PAGE:
        # vary every number a little so repeated sections are not identical
        parts.append(re.sub(r"\d+", lambda m, k=i: str(int(m.group()) + k % 3), text))
        i += 1
    return "\n".join(parts)


def best_of(fn) -> float:
    times = []
    for _ in range(REPEAT):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    vocabulary()  # loaded once per process, as in the CLI
    text = fifty_pages()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bao-cao-50-trang.txt"
        path.write_text(text, encoding="utf-8")
        ingest_report(path)  # warm caches (register, catalogue)
        ours = best_of(lambda: ingest_report(path))
    paragraphs = [p for p in text.split("\n") if p.strip()]
    naive = best_of(lambda: [extract(document_from_text(p)) for p in paragraphs])
    print(f"Báo cáo {PAGES} trang ({len(text):,} ký tự) — 50-page report")
    print(f"  dvcq ingest (cả tệp, whole file):            {ours:.3f} s")
    print(
        f"  từng đoạn riêng (naive, per paragraph):      {naive:.3f} s "
        f"(×{naive / ours:.1f} so với dvcq ingest)"
    )
    print(
        f"  mục tiêu (goal) {GOAL_SECONDS:.1f} s: dvcq ingest dùng {ours / GOAL_SECONDS:.0%} "
        f"— {'ĐẠT (met)' if ours < GOAL_SECONDS else 'CHƯA ĐẠT (missed)'}"
    )


if __name__ == "__main__":
    main()
