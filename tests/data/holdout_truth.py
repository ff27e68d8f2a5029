"""Check a held-out set's files: layout, codes, units, seasons, values and quotes (one checker
for sets 5 onwards; each set's `check_truth.py` runs it on its own folder).

Run: python tests/data/ingest_holdoutN/check_truth.py  (prints a summary; exit 1 on any problem)
It reads only that folder, data/catalogue/indicators.csv and units.csv; it runs no extraction code.
"""

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "data" / "catalogue" / "indicators.csv"

# Out of scope for text reading (as in ../shared/real-reports/): the texts mention them, the
# truth must not record them.
OUT_OF_SCOPE = {
    "budget_revenue",
    "budget_expenditure",
    "income_per_capita",
    "poor_households",
    "near_poor_households",
    "poor_household_rate",
}
SEASONS = {"", "dong_xuan", "xuan", "he_thu", "thu_dong", "mua", "dong"}
PERIOD = re.compile(r"^\d{4}(-H[12]|-Q[1-4]|-9M|-\d{2}\.\.\d{4}-\d{2})?$")
NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")
DIGITS = {
    "một": 1,
    "mốt": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "tư": 4,
    "năm": 5,
    "lăm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
}
NUMBER_WORDS = set(DIGITS) | {"mười", "mươi", "trăm", "linh", "lẻ"}
# "3 tỷ 250 triệu đồng" is one amount: 3,25 tỷ đồng.
TY_TRIEU = re.compile(r"(\d+(?:,\d+)?)\s*(?:tỷ|tỉ)\s+(\d{1,3})\s*triệu")
UNITS = ROOT / "data" / "catalogue" / "units.csv"


def words_value(words: list[str]) -> float:
    """The value of a run of Vietnamese number words ("ba mươi lăm" → 35, "một trăm linh tám")."""
    total, current = 0, 0
    for w in words:
        if w in DIGITS:
            current += DIGITS[w]
        elif w == "mười":
            current += 10
        elif w == "mươi":
            current = current * 10
        elif w == "trăm":
            total += current * 100
            current = 0
    return float(total + current)


def numbers_in(quote: str) -> list[float]:
    """Numbers written in a quote, read in Vietnamese format ("1.234,5" → 1234.5), in words
    ("mười hai" → 12) and as "X tỷ Y triệu" (→ X + Y/1000 tỷ)."""
    found = [float(m.replace(".", "").replace(",", ".")) for m in NUMBER.findall(quote)]
    found += [
        float(a.replace(",", ".")) + float(b) / 1000 for a, b in TY_TRIEU.findall(quote.lower())
    ]
    run: list[str] = []
    for token in re.findall(r"\w+", quote.lower()) + [""]:
        if token in NUMBER_WORDS:
            run.append(token)
            continue
        if run:
            found += [words_value(run), *(words_value([w]) for w in run if w in DIGITS)]
        run = []
    if re.search(r"(?<!\w)(không|chưa)(?!\w)", quote.lower()):
        found.append(0.0)
    return found


def factors_for(unit: str, quote: str, units: dict[str, tuple[str, float]]) -> set[float]:
    """Factors from a number written in the quote to the value in `unit`: the conversions within
    the unit's dimension (tỷ → triệu đồng, km² → ha, tấn/ha → tạ/ha), and "nghìn"/"triệu" written
    as words after a count ("1,12 triệu lượt")."""
    factors = {1.0}
    if unit in units:
        dimension, factor = units[unit]
        factors |= {f / factor for d, f in units.values() if d == dimension}
    low = quote.lower()
    if "nghìn" in low or "ngàn" in low:
        factors.add(1e3)
    if "triệu" in low and (unit not in units or units[unit][0] != "money"):
        factors.add(1e6)
    return factors


def value_in_quote(value: float, quote: str, factors: set[float]) -> bool:
    return any(
        abs(value - n * f) <= 1e-9 * max(1.0, abs(value))
        for n in numbers_in(quote)
        for f in factors
    )


def main(here: Path) -> int:
    """Print the summary of the set in folder `here` and every problem; 1 when there is one."""
    units = {r["code"]: r["unit"] for r in csv.DictReader(CATALOGUE.open(encoding="utf-8"))}
    dims = {
        r["unit"]: (r["dimension"], float(r["factor"]))
        for r in csv.DictReader(UNITS.open(encoding="utf-8"))
    }
    meta = {r["file"]: r for r in csv.DictReader((here / "meta.csv").open(encoding="utf-8"))}
    problems: list[str] = []
    total = 0
    for nn, m in meta.items():
        if not PERIOD.match(m["period"]):
            problems.append(f"meta.csv {nn}: period {m['period']!r}")
        if not re.fullmatch(r"\d{5}", m["commune_code"]):
            problems.append(f"meta.csv {nn}: commune code {m['commune_code']!r}")
        if None in m:  # more fields than the header: a comma in an unquoted note
            problems.append(f"meta.csv {nn}: {len(m[None])} fields too many (quote the note)")
    for txt in sorted(here.glob("[0-9][0-9].txt")):
        nn = txt.stem
        lines = txt.read_text(encoding="utf-8").split("\n")
        if not (lines[0].startswith("# ") and lines[1].startswith("# ") and lines[2] == ""):
            problems.append(f"{nn}: header must be two '#' lines and a blank line")
        if "synthetic" not in (lines[0] + lines[1]).lower():
            problems.append(f"{nn}: header does not say the text is synthetic")
        body = "\n".join(lines[3:])
        if "giả lập" not in (lines[0] + lines[1]).lower():
            problems.append(f"{nn}: header does not say giả lập")
        if nn not in meta:
            problems.append(f"{nn}: missing from meta.csv")
        if not (here / f"{nn}.notes.txt").exists():
            problems.append(f"{nn}: no notes file")
        rows = list(csv.DictReader((here / f"{nn}.truth.csv").open(encoding="utf-8")))
        seen: set[tuple[str, str, str]] = set()
        for i, r in enumerate(rows, start=2):
            code, quote, season = r["indicator"], r["quote"], r.get("season") or ""
            if list(r) not in (
                ["indicator", "value", "unit", "quote"],
                ["indicator", "value", "unit", "quote", "season"],
            ):
                problems.append(f"{nn}.truth.csv:{i}: columns {list(r)}")
            if not code.startswith("x_") and code not in units:
                problems.append(f"{nn}.truth.csv:{i}: unknown code {code!r}")
            if code in OUT_OF_SCOPE:
                problems.append(f"{nn}.truth.csv:{i}: {code} is out of scope for text reading")
            if code in units and r["unit"] != units[code]:
                problems.append(f"{nn}.truth.csv:{i}: unit {r['unit']!r}, not {units[code]!r}")
            if season not in SEASONS:
                problems.append(f"{nn}.truth.csv:{i}: season {season!r}")
            try:
                value = float(r["value"])
            except ValueError:
                problems.append(f"{nn}.truth.csv:{i}: value {r['value']!r} is not a plain decimal")
                value = None
            if quote not in body:
                problems.append(f"{nn}.truth.csv:{i}: quote not in text: {quote!r}")
            elif body.count(quote) > 1:
                problems.append(f"{nn}.truth.csv:{i}: quote occurs {body.count(quote)} times")
            elif value is not None and not value_in_quote(
                value, quote, factors_for(r["unit"], quote, dims)
            ):
                problems.append(f"{nn}.truth.csv:{i}: value {value} not written in {quote!r}")
            if (code, quote, season) in seen:
                problems.append(f"{nn}.truth.csv:{i}: duplicate row {code} / {quote!r}")
            seen.add((code, quote, season))
        total += len(rows)
        print(f"{nn}: {len(rows)} figures")
    print(f"{len(meta)} documents in meta.csv, {total} figures")
    for p in problems:
        print("PROBLEM", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]).resolve()))
