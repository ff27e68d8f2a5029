"""Lineage of communes across boundary changes: legacy units → the 2025 units → later changes.

Two sources, never typed by hand:

* the 1 July 2025 reform, from the commune register (`register.legacy_to_2025()`, i.e. the
  `vietnamadminunits` conversion tables). A legacy unit divided among several 2025 units
  (`split=True`) is apportioned by weights: those given in the crosswalk file for that unit, or
  else the area of each receiving 2025 unit (`new_area_km2`) — a proxy, so marked *estimated*;
* later changes (a commune reclassified as a ward, a split, a merger), from the crosswalk file
  `data/catalogue/crosswalk.csv`: from_code, to_code, effective_date, kind, weight, weight_basis,
  legal_basis, to_name, note.

A code alone is ambiguous across systems (07294 is the legacy town Bố Hạ and the 2025 commune Bố
Hạ), so every question is asked "at a date": a period's units are those in force at its end
(the rule of `Period.after_reform`), and a change effective on day d applies to every period
ending on or after d.

>>> [(link.target, link.weight) for link in trace("07273", "2024-H1", to="2025")]
[('07294', 1.0)]
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from dvcq_lib import datasets, register
from dvcq_lib.contracts import CHANGE_KINDS as KINDS
from dvcq_lib.exceptions import DataValidationError, LineageError, Problem
from dvcq_lib.numbers import format_number
from dvcq_lib.paths import CATALOGUE_DIR
from dvcq_lib.periods import REFORM_DATE, Period

CROSSWALK_FILE = CATALOGUE_DIR / "crosswalk.csv"
CROSSWALK_COLUMNS = (
    "from_code",
    "to_code",
    "effective_date",
    "kind",
    "weight",
    "weight_basis",
    "legal_basis",
    "to_name",
    "note",
)
CROSSWALK_REQUIRED = ("from_code", "to_code", "effective_date", "kind", "legal_basis")
KIND_LABELS_VI = {
    "rename": "đổi tên",
    "reclassify": "chuyển loại đơn vị",
    "split": "chia tách",
    "merge": "sáp nhập",
    "reform_2025": "sắp xếp đơn vị hành chính 01/7/2025",
}
#: Weights of one split must add up to 1; this much rounding (weights written to 6 places) is
#: tolerated.
WEIGHT_TOLERANCE = 1e-6
REFORM_BASIS_VI = "sắp xếp đơn vị hành chính cấp xã từ 01/7/2025 (dữ liệu vietnamadminunits)"
AREA_BASIS = "area_2025"
BASIS_LABELS_VI = {
    AREA_BASIS: "diện tích xã mới",
    "area": "diện tích",
    "population": "dân số",
    "households": "số hộ",
}


# ---------------------------------------------------------------------------------------------
# the crosswalk file
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """One row of the crosswalk: (part of) unit from_code became to_code on effective_date."""

    from_code: str
    to_code: str
    effective_date: dt.date
    kind: str
    weight: float = 1.0
    weight_basis: str = ""
    legal_basis: str = ""
    to_name: str = ""
    note: str = ""

    @property
    def is_reform_weight(self) -> bool:
        """A row dated 1 July 2025 only sets the weights of a legacy unit split by the reform."""
        return self.effective_date == REFORM_DATE


@dataclass(frozen=True)
class Crosswalk:
    changes: tuple[Change, ...] = ()
    source: str = ""

    @property
    def later(self) -> tuple[Change, ...]:
        """The changes after the reform, in date order."""
        return tuple(
            sorted(
                (c for c in self.changes if not c.is_reform_weight), key=lambda c: c.effective_date
            )
        )

    @property
    def dates(self) -> tuple[dt.date, ...]:
        return tuple(sorted({c.effective_date for c in self.later}))

    def reform_weights(self) -> dict[str, dict[str, Change]]:
        """legacy code → {2025 code: row} for the reform splits the file weighs."""
        out: dict[str, dict[str, Change]] = defaultdict(dict)
        for c in self.changes:
            if c.is_reform_weight:
                out[c.from_code][c.to_code] = c
        return dict(out)

    def names(self) -> dict[str, str]:
        return {c.to_code: c.to_name for c in self.changes if c.to_name}


def _read_crosswalk_rows(path: Path) -> tuple[pd.DataFrame, int]:
    """The rows of a crosswalk file, skipping the leading `#` comment lines (counted)."""
    df = datasets.frame("crosswalk", path)  # its rows are checked below (cross-row rules too)
    return df, df.attrs["first_row"] - 2


def load_crosswalk(path: Path | str | None = None) -> Crosswalk:
    r"""Read and check a crosswalk file; every problem is reported at once.

    Raises:
        DataValidationError: with file, row, column, value and what was expected.

    A later split of Xã Đồng Kỳ (a made-up example, written to a temporary folder):

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "crosswalk.csv"
    >>> _ = path.write_text(",".join(CROSSWALK_COLUMNS) + "\n"
    ...     "07282,99003,2026-01-01,split,0.6,population,NQ 3,Xã A,\n"
    ...     "07282,99004,2026-01-01,split,0.4,population,NQ 3,Xã B,\n", encoding="utf-8")
    >>> cw = load_crosswalk(path)
    >>> cw.dates, [(c.to_code, c.weight) for c in cw.later]
    ((datetime.date(2026, 1, 1),), [('99003', 0.6), ('99004', 0.4)])
    >>> _ = path.write_text(",".join(CROSSWALK_COLUMNS) + "\n"
    ...     "07282,99003,2026-13-01,merge,1,,NQ 1,Xã A,\n", encoding="utf-8")
    >>> load_crosswalk(path)
    Traceback (most recent call last):
    dvcq_lib.exceptions.DataValidationError: Dữ liệu không hợp lệ (...): 1 lỗi ...
      - ..., dòng 2, cột effective_date: '2026-13-01' — cần ngày dạng YYYY-MM-DD (vd. 2026-01-01)
    """
    path = Path(path or CROSSWALK_FILE)
    df, skip = _read_crosswalk_rows(path)
    name = str(path)
    problems = datasets.problems("crosswalk", df, file=name)  # the contract: columns and cells
    if any(p.row in (None, skip + 1) for p in problems):  # a column missing or unknown
        raise DataValidationError(problems, context=name)
    for c in CROSSWALK_COLUMNS:
        if c not in df:
            df[c] = ""
    broken = {
        p.row for p in problems if p.column in ("from_code", "to_code", "effective_date", "weight")
    }
    rows = [
        (line, _change(r))
        for line, r in enumerate(df.itertuples(index=False), start=skip + 2)
        if line not in broken
    ]
    problems += _consistency_problems(rows, name)  # cross-row rules: weights, one fate a date
    if problems:
        raise DataValidationError(
            sorted(problems, key=lambda p: (p.row or 0, p.column)), context=name
        )
    return Crosswalk(tuple(c for _, c in rows), source=name)


def _change(r) -> Change:
    """A crosswalk row the contract accepted, as a Change (blank weight = 1)."""
    weight = str(r.weight).strip()
    return Change(
        register.normalize_code(str(r.from_code).strip()),
        register.normalize_code(str(r.to_code).strip()),
        dt.date.fromisoformat(str(r.effective_date).strip()),
        str(r.kind).strip(),
        float(weight) if weight else 1.0,
        str(r.weight_basis).strip(),
        str(r.legal_basis).strip(),
        str(r.to_name).strip(),
        str(r.note).strip(),
    )


def _consistency_problems(rows: list[tuple[int, Change]], name: str) -> list[Problem]:
    """Codes known at their date, split weights summing to 1, one fate per unit and date."""
    problems = []
    legacy_map = register.legacy_to_2025()
    # the successors of the few units the reform-weight rows name, not a set for every unit
    named = {c.from_code for _, c in rows if c.is_reform_weight}
    of_named = legacy_map[legacy_map["legacy_code"].isin(named)]
    successors: dict[str, set[str]] = {}
    is_split: dict[str, bool] = {}
    for old, new, divided in of_named[["legacy_code", "new_code", "split"]].itertuples(index=False):
        successors.setdefault(old, set()).add(new)
        is_split[old] = is_split.get(old, False) or bool(divided)
    existing = set(register.new_units().index)
    for line, c in sorted(rows, key=lambda x: (x[1].effective_date, x[0])):
        if c.is_reform_weight:
            if not is_split.get(c.from_code, False):
                problems.append(
                    Problem(
                        name,
                        line,
                        "from_code",
                        c.from_code,
                        "dòng ngày 2025-07-01 chỉ dùng để cho trọng số một xã "
                        "cũ bị chia cho nhiều xã mới; mã này không phải xã cũ "
                        "bị chia",
                    )
                )
            elif c.to_code not in successors[c.from_code]:
                problems.append(
                    Problem(
                        name,
                        line,
                        "to_code",
                        c.to_code,
                        "không phải xã mới nhận một phần của xã cũ này (cần một "
                        f"trong {', '.join(sorted(successors[c.from_code]))})",
                    )
                )
            continue
        if c.from_code not in existing:
            problems.append(
                Problem(
                    name,
                    line,
                    "from_code",
                    c.from_code,
                    f"không có đơn vị mã này vào ngày {c.effective_date} (cần mã "
                    "xã/phường từ 01/7/2025 hoặc mã tạo bởi một dòng trước đó)",
                )
            )
        if c.to_code not in existing and not c.to_name:
            problems.append(
                Problem(
                    name,
                    line,
                    "to_name",
                    "",
                    "mã đơn vị mới chưa có trong danh mục: cần ghi tên (to_name)",
                )
            )
        existing.add(c.to_code)
    groups: dict[tuple[str, dt.date], list[tuple[int, Change]]] = defaultdict(list)
    for line, c in rows:
        groups[(c.from_code, c.effective_date)].append((line, c))
    for (code, date), group in groups.items():
        total = sum(c.weight for _, c in group)
        line = group[0][0]
        if len(group) > 1 or any(c.kind == "split" for _, c in group):
            if abs(total - 1) > WEIGHT_TOLERANCE:
                where = ", ".join(f"dòng {ln}: {c.to_code} × {c.weight:g}" for ln, c in group)
                problems.append(
                    Problem(
                        name,
                        line,
                        "weight",
                        f"{total:g}",
                        f"trọng số chia {code} ngày {date} phải cộng bằng 1 ({where})",
                    )
                )
        if len({c.to_code for _, c in group}) < len(group):
            problems.append(
                Problem(
                    name,
                    line,
                    "to_code",
                    code,
                    f"mã {code} ngày {date} được ghi hai lần cho cùng xã nhận",
                )
            )
    return problems


def crosswalk(path: Path | str | None = None) -> Crosswalk:
    """The bundled crosswalk (or the file given), loaded once per state of the file: a row
    added to the file is seen by the next call (pages, digests and `remap` alike).

    >>> crosswalk().later  # no change after 1 July 2025 is known yet
    ()
    """
    path = Path(path or CROSSWALK_FILE)
    stat = path.stat()
    return _crosswalk_of_file(path, stat.st_mtime_ns, stat.st_size)


@cache
def _crosswalk_of_file(path: Path, _mtime: int, _size: int) -> Crosswalk:
    return load_crosswalk(path)


# ---------------------------------------------------------------------------------------------
# following a unit
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """One hop of a lineage: from_code became (a share `weight` of) to_code on `date`."""

    from_code: str
    to_code: str
    date: dt.date
    kind: str
    weight: float
    basis: str
    legal_basis: str
    estimated: bool

    def describe(self) -> str:
        """ "07273 → 07294 (kind, date; legal basis)", for notes and error messages.

        >>> trace("07273", "2024-H1")[0].steps[0].describe()[:56]
        '07273 → 07294 (sắp xếp đơn vị hành chính 01/7/2025, 01/0'
        """
        share = "" if self.weight == 1 else f" × {format_number(self.weight, 4)}"
        kind = KIND_LABELS_VI.get(self.kind, self.kind)
        return (
            f"{self.from_code} → {self.to_code}{share} ({kind}, {self.date:%d/%m/%Y}; "
            f"{self.legal_basis})"
        )


@dataclass(frozen=True)
class Link:
    """A unit of one date and the share of it that belongs to a unit of a later date.

    >>> link = trace("07279", "2024-H1")[0]
    >>> link.source, link.target, link.whole, link.estimated
    ('07279', '07294', True, False)
    """

    source: str
    target: str
    weight: float
    steps: tuple[Step, ...] = field(default=())

    @property
    def estimated(self) -> bool:
        """A share that rests on a proxy (the area of the 2025 units) rather than a decision."""
        return any(s.estimated for s in self.steps)

    @property
    def whole(self) -> bool:
        """The whole unit went to the target (not a share of it)."""
        return self.weight == 1.0

    @property
    def basis(self) -> str:
        """What the shares were computed from (population, area_2025…); "" for whole units."""
        return ", ".join(dict.fromkeys(s.basis for s in self.steps if s.weight != 1 and s.basis))


def as_date(when: object) -> dt.date:
    """A date for "2025" (the reform day), a date, a Period or a period text (its last day).

    >>> as_date("2025"), as_date("2024-H1"), as_date("6 tháng cuối năm 2025")
    (datetime.date(2025, 7, 1), datetime.date(2024, 6, 30), datetime.date(2025, 12, 31))
    """
    if isinstance(when, dt.datetime):
        return when.date()
    if isinstance(when, dt.date):
        return when
    if str(when).strip() == register.NEW:
        return REFORM_DATE
    if str(when).strip().lower() == "latest":
        return dt.date.max
    return Period.parse(when).end


class Lineage:
    """The lineage graph of one crosswalk, with caches (build it through `lineage()`).

    >>> [link.target for link in lineage().trace("07288", "2024-H1", "2026-H1")]
    ['07288']
    """

    def __init__(self, cw: Crosswalk) -> None:
        self.crosswalk = cw
        m = register.legacy_to_2025()
        self._reform: dict[str, list[tuple[str, bool, float]]] = defaultdict(list)
        self._reform_back: dict[str, list[str]] = defaultdict(list)
        for legacy, new, split, area in zip(
            m["legacy_code"], m["new_code"], m["split"], m["new_area_km2"], strict=True
        ):
            self._reform[legacy].append((new, bool(split), float(area)))
            self._reform_back[new].append(legacy)
        self._overrides = cw.reform_weights()
        self._by_date: dict[dt.date, dict[str, list[Change]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for c in cw.later:
            self._by_date[c.effective_date][c.from_code].append(c)
        self._dates = cw.dates
        self._names = cw.names()
        self._trace_cache: dict[tuple, tuple[Link, ...]] = {}
        self._sources_cache: dict[tuple, tuple[Link, ...]] = {}
        self._name_cache: dict[tuple[str, int], str] = {}
        # the codes in force in each epoch: the 2025 register, then after each change date
        states = [frozenset(register.new_units().index)]
        for date in self._dates:
            changes = self._by_date[date]
            gone = {f for f, rows in changes.items() if all(x.to_code != f for x in rows)}
            states.append(
                frozenset(
                    (states[-1] - gone) | {x.to_code for rows in changes.values() for x in rows}
                )
            )
        self._states = states

    # -- epochs ---------------------------------------------------------------------------------
    def epoch(self, when: object) -> int:
        """-1 for the legacy units, else how many crosswalk dates are in force on that day.

        >>> lineage().epoch("2024-H1"), lineage().epoch("2026-H1")
        (-1, 0)
        """
        d = as_date(when)
        return -1 if d < REFORM_DATE else sum(1 for x in self._dates if x <= d)

    def system(self, when: object) -> str:
        """The register of a date: legacy before 1 July 2025, else 2025.

        >>> lineage().system("2025-H1"), lineage().system("2025-H2")
        ('legacy', '2025')
        """
        e = self.epoch(when)
        return register.LEGACY if e < 0 else register.NEW

    def units_at(self, when: object) -> frozenset[str]:
        """The codes of the 2025-and-later units in force on a date (after the reform).

        >>> "07294" in lineage().units_at("2026-H1"), len(lineage().units_at("2025-H2"))
        (True, 3321)
        """
        return self._states[max(self.epoch(when), 0)]

    def epoch_dates(self) -> tuple[dt.date, ...]:
        """The first day of each epoch after the reform: 1 July 2025, then each change date."""
        return (REFORM_DATE, *self._dates)

    def created(self) -> dict[str, str]:
        """Codes that only the crosswalk knows (units created after the reform) → their names."""
        known = set(register.new_units().index)
        return {c: n for c, n in self._names.items() if c not in known}

    def predecessors(self, code: str) -> tuple[str, ...]:
        """The units a later change (crosswalk row) turned, wholly or in part, into `code`."""
        return tuple(dict.fromkeys(c.from_code for c in self.crosswalk.later if c.to_code == code))

    def reform_successors(self, code: str) -> tuple[tuple[str, bool], ...]:
        """The 2025 units a legacy unit became on 1 July 2025, with whether it was divided.

        >>> lineage().reform_successors("07273")
        (('07294', False),)
        """
        return tuple((t, split) for t, split, _ in self._reform.get(code, []))

    def reform_constituents(self, code: str) -> tuple[str, ...]:
        """The legacy units (wholly or in part) that formed a 2025 unit on 1 July 2025.

        >>> lineage().reform_constituents("07294")
        ('07273', '07279', '07294')
        """
        return tuple(self._reform_back.get(code, []))

    def formed_from(self, code: str) -> tuple[tuple[str, str], ...]:
        """(system, code) of every unit of an earlier date whose figures belong to the series of
        the 2025-or-later unit `code`: the legacy units that formed it and, after a crosswalk
        change, the earlier 2025 units it came from (itself excluded).

        >>> lineage().formed_from("07294")
        (('legacy', '07273'), ('legacy', '07279'), ('legacy', '07294'))
        """
        code = register.normalize_code(code)
        starts = self.epoch_dates()
        legacy_day = REFORM_DATE - dt.timedelta(days=1)
        out: dict[tuple[str, str], None] = {}
        for e, state in enumerate(self._states):
            if code not in state:
                continue
            for link in self.sources(code, legacy_day, starts[e]):
                out[(register.LEGACY, link.source)] = None
            for earlier in starts[:e]:
                for link in self.sources(code, earlier, starts[e]):
                    if link.source != code:
                        out[(register.NEW, link.source)] = None
        return tuple(out)

    # -- forward --------------------------------------------------------------------------------
    def _reform_step(self, code: str) -> list[Step]:
        targets = self._reform.get(code)
        if not targets:
            raise LineageError(
                f"Mã {code} không có trong danh mục xã cũ (trước 01/7/2025) của "
                "vietnamadminunits (legacy code not in the register)"
            )
        split = any(s for _, s, _ in targets)
        if not split:
            return [
                Step(code, t, REFORM_DATE, "reform_2025", 1.0, "", REFORM_BASIS_VI, False)
                for t, _, _ in targets
            ]
        given = self._overrides.get(code)
        if given:
            return [
                Step(code, t, REFORM_DATE, "split", c.weight, c.weight_basis, c.legal_basis, True)
                for t, c in given.items()
            ]
        total = sum(a for _, _, a in targets)
        return [
            Step(code, t, REFORM_DATE, "split", a / total, AREA_BASIS, REFORM_BASIS_VI, True)
            for t, _, a in targets
        ]

    def trace(self, code: object, since: object, to: object = register.NEW) -> tuple[Link, ...]:
        """Where a unit of the date `since` went by the date `to`: one Link per target unit."""
        code = register.normalize_code(code)
        e_from, e_to = self.epoch(since), self.epoch(to)
        key = (code, e_from, e_to)
        if key in self._trace_cache:
            return self._trace_cache[key]
        if e_to < e_from:
            raise LineageError(
                f"Không thể chuyển số liệu của đơn vị {code} ngược thời gian (từ {as_date(since)} "
                f"về {as_date(to)}): một xã đã sáp nhập không tách lại được. Hãy chuyển sang "
                "một mốc sau hơn (cannot map units back in time)"
            )
        if e_from >= 0 and code not in self._states[e_from]:
            raise LineageError(
                f"Không có đơn vị mã {code} vào ngày {as_date(since):%d/%m/%Y} "
                "(theo danh mục 2025 và bảng chuyển đổi) (unit not in force)"
            )
        frontier: dict[str, tuple[float, tuple[Step, ...]]] = {code: (1.0, ())}
        if e_from < 0 <= e_to:
            frontier = {s.to_code: (s.weight, (s,)) for s in self._reform_step(code)}
        for date in self._dates[max(e_from, 0) : max(e_to, 0)]:
            changes = self._by_date[date]
            nxt: dict[str, tuple[float, tuple[Step, ...]]] = {}
            for c, (w, steps) in frontier.items():
                moves = [
                    (
                        Step(
                            x.from_code,
                            x.to_code,
                            date,
                            x.kind,
                            x.weight,
                            x.weight_basis,
                            x.legal_basis,
                            x.kind == "split",
                        ),
                        x.weight,
                    )
                    for x in changes.get(c, [])
                ] or [(None, 1.0)]
                for step, share in moves:
                    target = step.to_code if step else c
                    prev_w, prev_steps = nxt.get(target, (0.0, ()))
                    path = steps + ((step,) if step else ())
                    nxt[target] = (prev_w + w * share, tuple(dict.fromkeys(prev_steps + path)))
            frontier = nxt
        links = tuple(Link(code, t, w, steps) for t, (w, steps) in sorted(frontier.items()))
        self._trace_cache[key] = links
        return links

    # -- backward -------------------------------------------------------------------------------
    def sources(self, code: object, since: object, to: object = register.NEW) -> tuple[Link, ...]:
        """The units of the date `since` that (wholly or in part) make up unit `code` at `to`."""
        code = register.normalize_code(code)
        e_from, e_to = self.epoch(since), self.epoch(to)
        key = (code, e_from, e_to)
        if key not in self._sources_cache:
            self._sources_cache[key] = self._sources(code, since, to, e_from, e_to)
        return self._sources_cache[key]

    def _sources(
        self, code: str, since: object, to: object, e_from: int, e_to: int
    ) -> tuple[Link, ...]:
        candidates = {code}
        for date in reversed(self._dates[max(e_from, 0) : max(e_to, 0)]):
            changes = self._by_date[date]
            prev = set()
            before = self._states[self._dates.index(date)]
            for c in candidates:
                prev |= {f for f, rows in changes.items() if any(x.to_code == c for x in rows)}
                if c not in changes and c in before:
                    prev.add(c)
            candidates = prev
        if e_from < 0 <= e_to:
            candidates = {legacy for c in candidates for legacy in self._reform_back.get(c, [])}
        out = []
        for c in sorted(candidates):
            try:
                links = self.trace(c, since, to)
            except LineageError:
                continue  # created at a later date than `since`
            out += [link for link in links if link.target == code]
        return tuple(out)

    # -- names ----------------------------------------------------------------------------------
    def name(self, code: str, when: object) -> str:
        """The unit's name with its type, from the register or the crosswalk.

        >>> lineage().name("07294", "2024-H1"), lineage().name("07294", "2026-H1")
        ('Thị trấn Bố Hạ', 'Xã Bố Hạ')
        """
        epoch = self.epoch(when)
        key = (code, epoch)
        if key not in self._name_cache:
            self._name_cache[key] = self._name(code, epoch)
        return self._name_cache[key]

    def _name(self, code: str, epoch: int) -> str:
        if epoch > 0 and code in self._names:
            return self._names[code]
        table = register.legacy_units() if epoch < 0 else register.new_units()
        if code in table.index:
            return str(table.at[code, "name"])
        return self._names.get(code, code)

    def label(self, code: str, when: object) -> str:
        """Name and code.

        >>> lineage().label("07273", "2024-H1")
        'Xã Đông Sơn (07273)'
        """
        return f"{self.name(code, when)} ({code})"


@cache
def _lineage_for(cw: Crosswalk) -> Lineage:
    return Lineage(cw)


def lineage(cw: Crosswalk | Path | str | None = None) -> Lineage:
    """The lineage graph for a crosswalk (default: the bundled file), cached per crosswalk.

    >>> [link.source for link in lineage().sources("07294", "2024-H1", "2025")]
    ['07273', '07279', '07294']
    """
    if not isinstance(cw, Crosswalk):
        cw = crosswalk(cw)
    return _lineage_for(cw)


def trace(
    code: object, since: object, to: object = register.NEW, cw: Crosswalk | Path | str | None = None
) -> tuple[Link, ...]:
    """Where a unit of the period/date `since` went by `to` ("2025", a date, a Period).

    >>> [(link.target, link.weight) for link in trace("07273", "2024-H1")]
    [('07294', 1.0)]
    """
    return lineage(cw).trace(code, since, to)


def sources(
    code: object, since: object, to: object = register.NEW, cw: Crosswalk | Path | str | None = None
) -> tuple[Link, ...]:
    """The units of `since` that make up `code` at `to`, each with its share.

    >>> [link.source for link in sources("07294", "2024-H1")]
    ['07273', '07279', '07294']
    """
    return lineage(cw).sources(code, since, to)


def describe(
    code: object,
    to: object = register.NEW,
    since: object = "2025-H1",
    cw: Crosswalk | Path | str | None = None,
) -> str:
    """One Vietnamese sentence on how a unit was formed, for a report page.

    >>> print(describe("07294", since="2024-H1"))
    Xã Bố Hạ (07294) được hình thành (từ 01/07/2025) từ: Xã Đông Sơn (07273);
    Xã Hương Vĩ (07279); Thị trấn Bố Hạ (07294).
    >>> describe("07246", since="2025-H2")
    'Xã Xuân Lương (07246) không thay đổi địa giới từ 31/12/2025.'
    """
    lin = lineage(cw)
    code = register.normalize_code(code)
    links = lin.sources(code, since, to)
    name = lin.label(code, to)
    if not links:
        return f"{name}: không có đơn vị tiền thân vào {as_date(since):%d/%m/%Y}."
    parts = [_share_label(lin, link, since) for link in links]
    if len(links) == 1 and links[0].source == code and links[0].whole and not links[0].steps:
        return f"{name} không thay đổi địa giới từ {as_date(since):%d/%m/%Y}."
    dates = sorted({s.date for link in links for s in link.steps})
    when = ", ".join(f"{d:%d/%m/%Y}" for d in dates)
    return f"{name} được hình thành (từ {when}) từ: " + "; ".join(parts) + "."


def _share_label(lin: Lineage, link: Link, since: object) -> str:
    text = lin.label(link.source, since)
    if not link.whole:
        basis = BASIS_LABELS_VI.get(link.basis, link.basis)
        est = ", ước tính" if link.estimated else ""
        text += f" × {format_number(link.weight, 4)} (theo {basis}{est})"
    return text


__all__ = [
    "Change",
    "Crosswalk",
    "Link",
    "Step",
    "Lineage",
    "LineageError",
    "load_crosswalk",
    "crosswalk",
    "lineage",
    "trace",
    "sources",
    "describe",
    "as_date",
    "KINDS",
]
