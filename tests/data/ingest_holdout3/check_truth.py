"""Check the held-out set 3 files: layout, codes, units and that every quote is in its text.

Run: python tests/data/ingest_holdout3/check_truth.py  (prints a summary; exit 1 on any problem)
It reads only this folder and data/catalogue/indicators.csv; it runs no extraction code.
"""

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CATALOGUE = HERE.parents[2] / "data" / "catalogue" / "indicators.csv"


def main() -> int:
    units = {r["code"]: r["unit"] for r in csv.DictReader(CATALOGUE.open(encoding="utf-8"))}
    meta = {r["file"]: r for r in csv.DictReader((HERE / "meta.csv").open(encoding="utf-8"))}
    problems: list[str] = []
    total = 0
    for txt in sorted(HERE.glob("[0-9][0-9].txt")):
        nn = txt.stem
        lines = txt.read_text(encoding="utf-8").split("\n")
        if not (lines[0].startswith("# ") and lines[1].startswith("# ") and lines[2] == ""):
            problems.append(f"{nn}: header must be two '#' lines and a blank line")
        body = "\n".join(lines[3:])
        if nn not in meta:
            problems.append(f"{nn}: missing from meta.csv")
        if not (HERE / f"{nn}.notes.txt").exists():
            problems.append(f"{nn}: no notes file")
        rows = list(csv.DictReader((HERE / f"{nn}.truth.csv").open(encoding="utf-8")))
        seen: set[tuple[str, str]] = set()
        for i, r in enumerate(rows, start=2):
            code, quote = r["indicator"], r["quote"]
            if list(r) != ["indicator", "value", "unit", "quote"]:
                problems.append(f"{nn}.truth.csv:{i}: columns {list(r)}")
            if not code.startswith("x_") and code not in units:
                problems.append(f"{nn}.truth.csv:{i}: unknown code {code!r}")
            if code in units and r["unit"] != units[code]:
                problems.append(f"{nn}.truth.csv:{i}: unit {r['unit']!r}, not {units[code]!r}")
            try:
                float(r["value"])
            except ValueError:
                problems.append(f"{nn}.truth.csv:{i}: value {r['value']!r} is not a plain decimal")
            if quote not in body:
                problems.append(f"{nn}.truth.csv:{i}: quote not in text: {quote!r}")
            if (code, quote) in seen:
                problems.append(f"{nn}.truth.csv:{i}: duplicate row {code} / {quote!r}")
            seen.add((code, quote))
        total += len(rows)
        print(f"{nn}: {len(rows)} figures")
    print(f"{len(meta)} documents in meta.csv, {total} figures")
    for p in problems:
        print("PROBLEM", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
