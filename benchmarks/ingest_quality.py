"""How well `dvcq ingest` reads real reports: recall, precision over all proposals and over the
pre-accepted ones (`not p.review`), and how much of the truth the catalogue can hold at all.

A folder holds, for each document NN: `NN.txt` (two leading `#` lines, stripped before reading),
`NN.truth.csv` (`indicator,value,unit,quote` and an optional `season` column) and one `meta.csv`
(`file,commune_code,period,note`), the layout of `../shared/real-reports/`. The commune code and
period of meta.csv are passed as hints, as `--commune/--period` would be.

A proposal is right when a truth row has the same indicator, the same value (equal once rounded
to the decimals the truth writes) and, when the truth has a `season` column, the same season.
Truth codes `x_<code>` stand for `<code>` once the catalogue holds it.

When the report's header contradicts a hint, extraction still runs, with the period the
report's own header gives (so that its year and months are known to the context checks).

Run: python benchmarks/ingest_quality.py [FOLDER ...] [--reference] [--classes]
         [--sentences tests/data/ingest_corpus.csv --sentences tests/data/ingest_traps.csv
          --sentences tests/data/ingest_review_traps.csv]
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dvcq_lib.catalogue import catalogue
from dvcq_lib.exceptions import DvcqError
from dvcq_lib.ingest import document_from_text, ingest_document
from dvcq_lib.ingest.extract import Proposal, extract
from dvcq_lib.ingest.header import detect_header
from dvcq_lib.paths import RAW_DIR, ROOT
from dvcq_lib.periods import Period
from dvcq_lib.units import conversion_factor, is_known_unit

DEFAULT_FOLDER = ROOT.parent / "shared" / "real-reports"
REFERENCE_TEXT = RAW_DIR / "dong-son_2024-H1.txt"
REFERENCE_TRUTH = ROOT.parent / "shared" / "seed" / "dong-son_2024-H1.figures.csv"
#: Truth codes written before the catalogue held them, under another name.
TRUTH_ALIASES = {
    "x_planted_forest_total_area": "planted_forest_area",
    "x_commune_authority_dossiers": "dossiers_commune_authority",
    "x_commune_authority_dossiers_on_time": "dossiers_commune_authority_on_time",
    "x_commune_authority_on_time_rate": "dossiers_commune_authority_on_time_rate",
    "x_poverty_rate": "poor_household_rate",
    "x_petitions_within_competence": "petitions_commune_authority",
    "x_thai_population": "population_thai",
    "x_khmer_population": "population_khmer",
    "x_hmong_population": "population_hmong",
}


@dataclass(frozen=True)
class Truth:
    indicator: str  # normalised (x_ dropped when the catalogue holds the code)
    written_code: str
    value: float
    decimals: int
    season: str | None  # None: the truth file says nothing about seasons
    quote: str

    @property
    def coded(self) -> bool:
        return self.indicator in catalogue()


@dataclass
class DocScore:
    name: str
    truths: list[Truth]
    proposals: list[Proposal]
    matched: list[tuple[Truth, Proposal]] = field(default_factory=list)
    misses: list[Truth] = field(default_factory=list)
    wrong: list[Proposal] = field(default_factory=list)
    error: str = ""

    @property
    def accepted(self) -> list[Proposal]:
        return [p for p in self.proposals if not p.review]

    @property
    def right_accepted(self) -> int:
        return sum(1 for _, p in self.matched if not p.review)


def normalise_code(code: str) -> str:
    """The catalogue code a truth row means."""
    code = code.strip()
    if code in TRUTH_ALIASES and TRUTH_ALIASES[code] in catalogue():
        return TRUTH_ALIASES[code]
    if code.startswith("x_") and code[2:] in catalogue():
        return code[2:]
    return code


def _decimals(text: str) -> int:
    text = text.strip()
    return len(text.split(".")[1]) if "." in text else 0


def in_catalogue_unit(code: str, value: float, decimals: int, unit: str) -> tuple[float, int]:
    """The value (and its decimals) in the catalogue's unit of the code, when the truth wrote it
    in another unit of the same dimension (an `x_` row written before the catalogue held the
    code keeps the unit as written: "3.1254 tỷ đồng" is 3125.4 triệu đồng)."""
    if code not in catalogue() or not unit.strip() or not is_known_unit(unit):
        return value, decimals
    try:
        factor = conversion_factor(unit, catalogue()[code].unit)
    except DvcqError:
        return value, decimals
    if math.isclose(factor, 1.0):
        return value, decimals
    shift = round(math.log10(factor))
    return round(value * factor, 9), max(0, decimals - shift)


def read_truth(path: Path) -> list[Truth]:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    has_season = "season" in df.columns
    out = []
    for _, r in df.iterrows():
        code = normalise_code(r["indicator"])
        value, decimals = in_catalogue_unit(
            code, float(r["value"]), _decimals(r["value"]), r.get("unit", "")
        )
        season = r["season"].strip() if has_season else None
        out.append(Truth(code, r["indicator"], value, decimals, season, r.get("quote", "")))
    return out


def same_value(truth: Truth, value: float) -> bool:
    """Equal once rounded to the decimals the truth writes (and within float noise)."""
    if math.isclose(truth.value, value, rel_tol=1e-9, abs_tol=1e-9):
        return True
    return math.isclose(round(value, truth.decimals), truth.value, rel_tol=1e-9, abs_tol=1e-9)


def matches(truth: Truth, p: Proposal) -> bool:
    if truth.indicator != p.indicator or not same_value(truth, p.value):
        return False
    return truth.season is None or truth.season == p.season


def score(name: str, truths: list[Truth], proposals: list[Proposal], error: str = "") -> DocScore:
    """One document: every truth row matched at most once, best (pre-accepted) proposal first."""
    s = DocScore(name, truths, list(proposals), error=error)
    free = sorted(s.proposals, key=lambda p: (p.review, p.start))
    for t in truths:
        hit = next((p for p in free if matches(t, p)), None)
        if hit is None:
            s.misses.append(t)
        else:
            s.matched.append((t, hit))
            free.remove(hit)
    s.wrong = sorted(free, key=lambda p: p.start)
    return s


def strip_header(text: str) -> str:
    """The excerpt without its two leading `#` lines."""
    lines = text.split("\n")
    i = 0
    while i < len(lines) and i < 2 and lines[i].startswith("#"):
        i += 1
    return "\n".join(lines[i:]).lstrip("\n")


def propose(text: str, source: str, commune: str | None, period: str | None):
    """Proposals for one text with the hints; extraction alone when the header is refused."""
    doc = document_from_text(text, source)
    try:
        return list(ingest_document(doc, commune=commune, period=period).proposals), ""
    except DvcqError as exc:
        return list(extract(doc, period=_own_period(doc, commune, period)).proposals), (
            f"tiêu đề: {exc}"
        )


def _own_period(doc, commune: str | None, period: str | None) -> Period | None:
    """The period the report's header gives (the hint contradicted it), else the hint's."""
    for hints in ({"commune": commune}, {}):
        try:
            return detect_header(doc, **hints).period
        except DvcqError:
            continue
    try:
        return Period.parse(period) if period else None
    except DvcqError:
        return None


def score_folder(folder: Path) -> list[DocScore]:
    """Every NN.txt of a folder with its truth and meta.csv hints."""
    folder = Path(folder)
    meta_path = folder / "meta.csv"
    meta = (
        pd.read_csv(meta_path, dtype=str, keep_default_na=False).set_index("file")
        if meta_path.exists()
        else pd.DataFrame()
    )
    out = []
    for txt in sorted(folder.glob("*.txt")):
        name = txt.name.removesuffix(".txt")
        truth_path = folder / f"{name}.truth.csv"
        if not truth_path.exists():
            continue
        row = meta.loc[name] if name in meta.index else None
        commune = (row["commune_code"] or None) if row is not None else None
        period = (row["period"] or None) if row is not None else None
        text = strip_header(txt.read_text(encoding="utf-8"))
        proposals, error = propose(text, txt.name, commune, period)
        out.append(score(name, read_truth(truth_path), proposals, error))
    return out


def score_sentences(path: Path) -> list[DocScore]:
    """A CSV of sentences (`sentence,expected`, as tests/data/ingest_corpus.csv): each sentence
    is one document; expected = "indicator[@season]=value" joined by ";"."""
    df = pd.read_csv(path, comment="#", dtype=str, keep_default_na=False)
    out = []
    for i, r in enumerate(df.itertuples(index=False), start=1):
        truths = []
        for kv in (x for x in r.expected.split(";") if x):
            code, value = kv.split("=")
            indicator, _, season = code.partition("@")
            truths.append(Truth(indicator, code, float(value), _decimals(value), season, ""))
        proposals = list(extract(document_from_text(r.sentence)).proposals)
        out.append(score(f"{path.stem}:{i}", truths, proposals))
    return out


def score_reference() -> DocScore:
    text = REFERENCE_TEXT.read_text(encoding="utf-8")
    proposals, error = propose(text, REFERENCE_TEXT.name, None, None)
    return score("reference", read_truth(REFERENCE_TRUTH), proposals, error)


@dataclass(frozen=True)
class Totals:
    truth: int
    coded: int
    found: int
    found_coded: int
    proposals: int
    right: int
    accepted: int
    right_accepted: int

    @property
    def recall(self) -> float:
        return self.found / self.truth if self.truth else 1.0

    @property
    def recall_coded(self) -> float:
        return self.found_coded / self.coded if self.coded else 1.0

    @property
    def precision(self) -> float:
        return self.right / self.proposals if self.proposals else 1.0

    @property
    def precision_accepted(self) -> float:
        return self.right_accepted / self.accepted if self.accepted else 1.0

    @property
    def coverage(self) -> float:
        return self.coded / self.truth if self.truth else 1.0


def totals(scores: list[DocScore]) -> Totals:
    return Totals(
        truth=sum(len(s.truths) for s in scores),
        coded=sum(sum(t.coded for t in s.truths) for s in scores),
        found=sum(len(s.matched) for s in scores),
        found_coded=sum(sum(t.coded for t, _ in s.matched) for s in scores),
        proposals=sum(len(s.proposals) for s in scores),
        right=sum(len(s.matched) for s in scores),
        accepted=sum(len(s.accepted) for s in scores),
        right_accepted=sum(s.right_accepted for s in scores),
    )


def class_table(scores: list[DocScore]) -> dict[str, tuple[int, int]]:
    """Per confidence class: (proposals, right)."""
    right: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for s in scores:
        good = {id(p) for _, p in s.matched}
        for p in s.proposals:
            k = getattr(p, "klass", "") or "-"
            seen[k] += 1
            right[k] += id(p) in good
    return {k: (seen[k], right[k]) for k in sorted(seen)}


def _fmt(p: Proposal) -> str:
    flag = "rà soát" if p.review else "nhận sẵn"
    klass = getattr(p, "klass", "")
    season = f" [{p.season}]" if p.season else ""
    return (
        f"{p.indicator}{season} = {p.value:g} ({flag}{', ' + klass if klass else ''}) « {p.quote} »"
    )


def report(
    title: str, scores: list[DocScore], classes: bool = False, per_document: bool = True
) -> Totals:
    print(f"\n=== {title}")
    print(
        f"{'tài liệu':<10}{'thật':>5}{'mã':>5}{'tìm':>5}{'đề xuất':>8}{'đúng':>6}"
        f"{'nhận sẵn':>9}{'đúng':>6}  recall  prec  prec(nhận sẵn)"
    )
    for s in scores if per_document else []:
        t = totals([s])
        print(
            f"{s.name:<10}{t.truth:>5}{t.coded:>5}{t.found:>5}{t.proposals:>8}{t.right:>6}"
            f"{t.accepted:>9}{t.right_accepted:>6}  {t.recall:6.2f} {t.precision:5.2f} "
            f"{t.precision_accepted:6.2f}"
        )
    t = totals(scores)
    print(
        f"{'tổng':<10}{t.truth:>5}{t.coded:>5}{t.found:>5}{t.proposals:>8}{t.right:>6}"
        f"{t.accepted:>9}{t.right_accepted:>6}  {t.recall:6.2f} {t.precision:5.2f} "
        f"{t.precision_accepted:6.2f}"
    )
    print(
        f"recall {t.recall:.3f} (trên số có mã danh mục: {t.recall_coded:.3f}); "
        f"precision {t.precision:.3f}; precision nhận sẵn {t.precision_accepted:.3f} "
        f"({t.right_accepted}/{t.accepted}); độ phủ danh mục {t.coverage:.1%} ({t.coded}/{t.truth})"
    )
    for s in scores:
        if s.error:
            print(f"  {s.name}: {s.error}")
        for m in s.misses:
            tag = "" if m.coded else " (chưa có mã trong danh mục)"
            season = f" [{m.season}]" if m.season else ""
            print(f"  {s.name} THIẾU  {m.written_code}{season} = {m.value:g}{tag} « {m.quote} »")
        for p in s.wrong:
            print(f"  {s.name} SAI    {_fmt(p)}")
    if classes:
        print("  lớp tin cậy (class): đề xuất / đúng")
        for k, (n, r) in class_table(scores).items():
            print(f"    {k:<24}{n:>5}{r:>6}  {r / n:.3f}")
    return t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Chất lượng đọc số liệu (ingest quality)")
    ap.add_argument("folders", nargs="*", type=Path, help=f"mặc định: {DEFAULT_FOLDER}")
    ap.add_argument("--reference", action="store_true", help="chấm cả báo cáo mẫu Đông Sơn")
    ap.add_argument("--classes", action="store_true", help="độ chính xác theo lớp tin cậy")
    ap.add_argument(
        "--sentences",
        type=Path,
        action="append",
        default=[],
        help="CSV câu (sentence,expected) như tests/data/ingest_corpus.csv; lặp lại được",
    )
    args = ap.parse_args(argv)
    ok = True
    for path in args.sentences:
        report(str(path), score_sentences(path), args.classes, per_document=False)
    for folder in args.folders or ([] if args.sentences else [DEFAULT_FOLDER]):
        if not folder.is_dir():
            print(f"Không có thư mục {folder}", file=sys.stderr)
            return 2
        report(str(folder), score_folder(folder), args.classes)
    if args.reference:
        ref = score_reference()
        t = report("báo cáo mẫu (reference)", [ref], args.classes)
        ok = t.found == t.truth and t.right == t.proposals
        print(f"báo cáo mẫu: {t.found}/{t.truth}, {t.proposals - t.right} đề xuất sai")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
