"""The vocabulary `dvcq ingest` reads reports with, loaded from `data/catalogue/ingest_terms.yml`
into frozen dataclasses: subjects (crops, animals, sectors), rules (indicator ← subject + words)
and cues (distractors: changes, targets, document numbers...). Words are data, never literals in
the extractor."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import yaml

from dvcq_lib import seasons as seasons_mod
from dvcq_lib.catalogue import catalogue
from dvcq_lib.exceptions import CatalogueError
from dvcq_lib.paths import CATALOGUE_DIR
from dvcq_lib.seasons import seasons
from dvcq_lib.units import units

TERMS_FILE = CATALOGUE_DIR / "ingest_terms.yml"
CUE_NAMES = (
    "change_before",
    "comparison_after",
    "target",
    "target_end",
    "plan_heading",
    "document",
    "not_quantity_before",
    "approximate",
    "season",
    "zero",
    "unit_blockers",
    "output_words",
    "yield_words",
    "share_link",
    "not_subject",
    "target_weak",
    "result_words",
    "plan_before",
    "per_head",
    "per_person",
    "change_to_level",
    "subcount",
    "trap",
    "trap_ok_for_ratios",
    "one_procedure",
    "scope",
    "implied_total",
    "not_calendar",
    "plain_totals",
    "total_after_ok",
    "damage",
    "crop_season",
    "comma_continues",
    "on_time_both",
    "rest_of_list",
)


def split_terms(text: str | None) -> tuple[str, ...]:
    """ "a|b|c" → ("a", "b", "c"), lower-cased, blanks dropped."""
    return tuple(t.strip().lower() for t in str(text or "").split("|") if t.strip())


def phrase_regex(terms: tuple[str, ...] | list[str]) -> re.Pattern:
    """One regex for whole-word phrases, longest first (so "trâu bò" wins over "trâu")."""
    if not terms:
        return re.compile(r"(?!x)x")  # matches nothing
    alts = sorted(set(terms), key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(w) for w in t.split()) for t in alts)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


@dataclass(frozen=True)
class Subject:
    key: str
    terms: tuple[str, ...]
    parent: str | None = None
    sector: bool = False
    #: a group of other subjects (gia súc, diện tích gieo trồng): never a competing reading
    group: bool = False
    #: why a figure named by this subject needs review ("thủy cầm" may be only part of poultry)
    doubt: str = ""
    #: the subject itself names several sectors ("nông, lâm, thủy sản"): a list of sectors
    #: in its words is its own name, not a sum of other subjects
    sectors: bool = False
    #: words that name this subject only right before its number ("điều 520 ha", "mì 610 ha"):
    #: anywhere else they are other words ("Điều 5", "bánh mì"), never carried
    bare: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    indicator: str
    subject: str | None = None
    require: tuple[tuple[str, ...], ...] = ()  # every group must match; a group is alternatives
    exclude: tuple[str, ...] = ()
    require_re: tuple[re.Pattern, ...] = field(default=(), compare=False, repr=False)
    exclude_re: re.Pattern | None = field(default=None, compare=False, repr=False)

    def matches(self, text: str) -> bool:
        """True when every required group and no excluded word is in the (lower-cased) text."""
        if any(not r.search(text) for r in self.require_re):
            return False
        return not (self.exclude_re and self.exclude_re.search(text))


@dataclass(frozen=True)
class Vocabulary:
    subjects: dict[str, Subject]
    rules: tuple[Rule, ...]
    percent_topics: dict[str, re.Pattern]
    cues: dict[str, re.Pattern]
    cue_terms: dict[str, tuple[str, ...]]
    multipliers: dict[str, float]
    subject_re: re.Pattern = field(compare=False, repr=False)
    subject_of: dict[str, str | None] = field(compare=False, repr=False)
    unit_re: re.Pattern = field(compare=False, repr=False)
    unit_of: dict[str, str] = field(compare=False, repr=False)
    #: digits written in words ("mười một đơn"): word → its digit (mười = 10, mươi = ×10)
    number_words: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    #: per-head units a figure written in a plain unit is read in, when the words before it say
    #: per person ("thu nhập bình quân đầu người 52 triệu đồng"): (per-head unit, the plain unit
    #: of the same scale, the words that name what it is of)
    per_head_units: tuple[tuple[str, str, re.Pattern], ...] = field(
        default=(), compare=False, repr=False
    )
    #: codes recognised but not proposed from narrative text (`not_read` in the terms file)
    not_read: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    @cached_property
    def bare_of(self) -> dict[str, str]:
        """Each bare word of a subject (Subject.bare) → the subject."""
        return {w: s.key for s in self.subjects.values() for w in s.bare}

    @cached_property
    def bare_re(self) -> re.Pattern:
        """A bare subject word ending the text, an approximation word allowed after it: "điều",
        "mì khoảng" right before a number."""
        if not self.bare_of:
            return re.compile(r"(?!x)x")
        words = phrase_regex(list(self.bare_of)).pattern
        approx = self.cues.get("approximate")
        tail = rf"(?:\s+(?:{approx.pattern}))?" if approx else ""
        return re.compile(rf"({words})\s*:?{tail}\s*$")

    def bare_subject(self, before: str) -> str | None:
        """The subject a bare word right at the end of `before` names, or None."""
        m = self.bare_re.search(before)
        return self.bare_of.get(" ".join(m.group(1).split())) if m else None

    def subject_at(self, match_text: str) -> str | None:
        return self.subject_of.get(" ".join(match_text.split()))

    @cached_property
    def rules_by_dimension(self) -> dict[str, list[Rule]]:
        """The rules whose indicator is measured in each unit dimension, in file order."""
        cat, out = catalogue(), {}
        for r in self.rules:
            out.setdefault(units()[cat[r.indicator].unit].dimension, []).append(r)
        return out

    @cached_property
    def rules_by_indicator(self) -> dict[str, list[Rule]]:
        out: dict[str, list[Rule]] = {}
        for r in self.rules:
            out.setdefault(r.indicator, []).append(r)
        return out

    @cached_property
    def groups(self) -> frozenset[str]:
        """Subjects that stand for several others (parents, sectors, declared groups)."""
        parents = {s.parent for s in self.subjects.values() if s.parent}
        return frozenset(k for k, s in self.subjects.items() if s.sector or s.group or k in parents)

    def related(self, key: str, others: list[str]) -> bool:
        """True when another subject of the list is the key's parent or child."""
        return any(o != key and (key in self.chain(o) or o in self.chain(key)) for o in others)

    def chain(self, key: str | None) -> list[str]:
        """A subject and its parents: lychee_longan → fruit → crop."""
        out: list[str] = []
        while key and key not in out:
            out.append(key)
            key = self.subjects[key].parent if key in self.subjects else None
        return out


def _unit_spellings() -> dict[str, str]:
    """Every spelling of every catalogue unit, lower-cased → canonical unit."""
    out: dict[str, str] = {}
    for u in units().values():
        for s in (u.unit, *u.aliases):
            out.setdefault(" ".join(s.lower().split()), u.unit)
    return out


def _pattern(pattern_text: str) -> re.Pattern:
    return re.compile(rf"(?<!\w)(?:{pattern_text})(?!\w)")


@cache
def vocabulary(path: Path | None = None) -> Vocabulary:
    """The ingest vocabulary, loaded once; raises CatalogueError listing every inconsistency."""
    raw = yaml.safe_load(Path(path or TERMS_FILE).read_text(encoding="utf-8")) or {}
    subjects = {
        s["key"]: Subject(
            s["key"],
            split_terms(s.get("terms")),
            s.get("parent"),
            bool(s.get("sector", False)),
            bool(s.get("group", False)),
            str(s.get("doubt") or ""),
            bool(s.get("sectors", False)),
            split_terms(s.get("bare")),
        )
        for s in raw.get("subjects", [])
    }
    rules = []
    for r in raw.get("rules", []):
        require = tuple(split_terms(g) for g in str(r.get("require") or "").split("+") if g.strip())
        exclude = split_terms(r.get("exclude"))
        rules.append(
            Rule(
                r["indicator"],
                r.get("subject"),
                require,
                exclude,
                tuple(phrase_regex(g) for g in require),
                phrase_regex(exclude) if exclude else None,
            )
        )
    cues_raw = raw.get("cues", {}) or {}
    mappings = ("multipliers", "number_words")
    cue_terms = {k: split_terms(v) for k, v in cues_raw.items() if k not in mappings}
    # every spelling of every season of data/catalogue/seasons.csv is a season cue
    cue_terms["season"] = tuple(
        dict.fromkeys(
            cue_terms.get("season", ())
            + tuple(a for s in seasons().values() for a in (s.name_vi.lower(), *s.aliases))
        )
    )
    cue_terms["crop_season"] = tuple(
        dict.fromkeys(cue_terms.get("crop_season", ()) + _crop_seasons(cue_terms))
    )
    cues = {k: phrase_regex(v) for k, v in cue_terms.items() if k != "plan_heading"}
    cues["plan_heading"] = re.compile(str(cues_raw.get("plan_heading", "(?!x)x")).lower())
    if "ethnic_group_names" in cue_terms:  # "dân tộc Khmer", "đồng bào Mông", "người Hoa"
        before = cues.get("ethnic_group_before", re.compile("dân tộc"))
        names = cues["ethnic_group_names"]
        cues["ethnic_group"] = re.compile(
            rf"(?:{before.pattern})\s+(?:{names.pattern})"
            # a list of groups ("dân tộc Kinh, Khmer, Hoa") is the commune's people, not one group
            rf"(?!\s*(?:,|và|;)\s*(?:{names.pattern}))"
        )
    subject_of: dict[str, str | None] = {}
    for s in subjects.values():
        for t in s.terms:
            subject_of.setdefault(" ".join(t.split()), s.key)
    for t in cue_terms.get("not_subject", ()):
        subject_of[" ".join(t.split())] = None
    unit_of = _unit_spellings()
    for unit, spellings in (raw.get("unit_aliases") or {}).items():
        for spelling in split_terms(spellings):  # regional words for a unit ("14 ấp", "8 buôn")
            unit_of.setdefault(" ".join(spelling.split()), str(unit))
    vocab = Vocabulary(
        subjects=subjects,
        rules=tuple(rules),
        percent_topics={
            k: phrase_regex(split_terms(v)) for k, v in (raw.get("percent_topics") or {}).items()
        },
        cues=cues,
        cue_terms=cue_terms,
        multipliers={
            str(k).lower(): float(v) for k, v in (cues_raw.get("multipliers") or {}).items()
        },
        number_words={
            str(k).lower(): int(v) for k, v in (cues_raw.get("number_words") or {}).items()
        },
        subject_re=phrase_regex(list(subject_of)),
        subject_of=subject_of,
        unit_re=re.compile(
            r"\s{0,2}(?:"
            + "|".join(
                r"\s*".join(re.escape(w) for w in s.split())
                for s in sorted(unit_of, key=len, reverse=True)
            )
            + r")(?!\w)"
        ),
        unit_of=unit_of,
        per_head_units=tuple(
            (str(u["unit"]), str(u["from"]), phrase_regex(split_terms(u.get("words"))))
            for u in (raw.get("per_head_units") or [])
        ),
        not_read=frozenset(split_terms(raw.get("not_read"))),
    )
    if problems := validate_vocabulary(vocab):
        raise CatalogueError(
            "Từ vựng nhập báo cáo không hợp lệ (ingest_terms.yml):\n  - " + "\n  - ".join(problems)
        )
    return vocab


def validate_vocabulary(vocab: Vocabulary) -> list[str]:
    """Every inconsistency between the vocabulary and the catalogue (empty when valid)."""
    cat = catalogue()
    problems = []
    for s in vocab.subjects.values():
        if s.parent and s.parent not in vocab.subjects:
            problems.append(f"subject {s.key}: parent {s.parent!r} không tồn tại")
        if not s.terms:
            problems.append(f"subject {s.key}: thiếu từ (terms)")
    for r in vocab.rules:
        if r.indicator not in cat:
            problems.append(f"rule {r.indicator}: chỉ tiêu không có trong danh mục")
        if r.subject and r.subject not in vocab.subjects:
            problems.append(f"rule {r.indicator}: subject {r.subject!r} không tồn tại")
    for code in sorted(vocab.not_read - set(cat.codes)):
        problems.append(f"not_read {code}: chỉ tiêu không có trong danh mục")
    for spelling, unit in vocab.unit_of.items():
        if unit not in units():
            problems.append(f"unit_aliases {spelling!r}: đơn vị {unit!r} không có trong danh mục")
    for unit, plain, _ in vocab.per_head_units:
        for u in (unit, plain):
            if u not in units():
                problems.append(f"per_head_units: đơn vị {u!r} không có trong danh mục")
    for code in vocab.percent_topics:
        if code not in cat or cat[code].unit != "%":
            problems.append(f"percent_topics {code}: cần một chỉ tiêu tính bằng %")
    missing = [c for c in CUE_NAMES if c not in vocab.cue_terms]
    problems += [f"cues: thiếu {c!r}" for c in missing]
    return problems


def _crop_seasons(cue_terms: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """ "đậu tương xuân", "khoai lang đông": each seasonal crop's word followed by the bare word
    of a season (its spellings in data/catalogue/seasons.csv without "vụ")."""
    bare = {
        a.removeprefix("vụ ").strip()
        for s in seasons().values()
        for a in (s.name_vi.lower(), *s.aliases)
        if a.startswith("vụ ")
    } - {"cây vụ đông"}
    return tuple(
        f"{crop} {season}" for crop in cue_terms.get("seasonal_crop", ()) for season in sorted(bare)
    )


def season_code(phrase: str) -> str:
    """The season code of a season phrase ("vụ hè thu", or "lúa xuân" read as "vụ xuân")."""
    words = phrase.split()
    # "lúa xuân", "đậu tương xuân", "khoai lang đông": the season is the longest tail
    for candidate in (phrase, *("vụ " + " ".join(words[i:]) for i in range(1, len(words)))):
        try:
            return seasons_mod.season_code(candidate)
        except CatalogueError:
            continue
    return ""
