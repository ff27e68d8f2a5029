"""Plausible size for one commune: a safety net that does not depend on sentence shapes.

A district's or province's figure quoted beside the commune's ("toàn huyện gieo cấy 12.500 ha",
"tỉnh có 1,2 triệu con gia cầm") reads like the commune's own when the words that say so are
far from the number. Two bounds catch it whatever the sentence, from
`data/catalogue/commune_bounds.csv` (one row per indicator, each with its rationale):

- `max`: the largest value one commune can plausibly have (in the catalogue's unit), generous
  for the communes merged in 2025 (up to about three former communes);
- `whole` × `whole_factor`: a figure of the same report it cannot exceed — no crop or land area
  above the report's natural area (a period's sown area counts each season: at most three
  times), no part above its whole (online dossiers above the dossiers received, one ethnic
  group above the population).

A pre-accepted figure beyond a bound is reviewed; beyond its whole, the whole is too (the text
cannot say which of the two is another unit's).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from dvcq_lib import datasets
from dvcq_lib.catalogue import catalogue
from dvcq_lib.ingest.agreement import Figure, values
from dvcq_lib.numbers import format_number
from dvcq_lib.units import units


@dataclass(frozen=True)
class Bound:
    indicator: str
    max: float | None
    whole: str
    whole_factor: float


#: What a value beyond the bound most likely is, by dimension (else another unit's figure).
_LIKELY = {"yield": "có thể là sản lượng, hoặc năng suất ghi theo đơn vị khác"}


def _float(text: str) -> float | None:
    return float(text) if text.strip() else None


@cache
def commune_bounds() -> dict[str, Bound]:
    """The bounds of data/catalogue/commune_bounds.csv by indicator, checked by its contract."""
    table = datasets.read("commune_bounds", lookups={"catalogue": catalogue})
    return {
        r.indicator: Bound(r.indicator, _float(r.max), r.whole, _float(r.whole_factor) or 1.0)
        for r in table.itertuples(index=False)
    }


def _text(value: float, code: str) -> str:
    return f"{format_number(value)} {catalogue()[code].unit}"


def beyond(p: Figure, figures: Sequence[Figure]) -> list[str]:
    """Why the figure is beyond a bound of one commune or of its report (Vietnamese; empty
    when it is within them). `figures`: every proposal of the report."""
    bound = commune_bounds().get(p.indicator)
    why: list[str] = []
    if bound is None:
        return why
    if bound.max is not None and p.value > bound.max:
        dimension = units()[catalogue()[p.indicator].unit].dimension
        if dimension == "percent":
            why.append(f"tỷ lệ {format_number(p.value)}% lớn hơn 100%: không thể là tỷ lệ")
        else:
            why.append(
                f"{_text(p.value, p.indicator)} lớn bất thường cho một xã (mức hợp lý tối đa "
                f"{_text(bound.max, p.indicator)}): "
                + _LIKELY.get(dimension, "có thể là số của huyện/tỉnh")
            )
    if bound.whole and (whole := values(figures).get((bound.whole, ""))) is not None:
        factor = bound.whole_factor if not p.season else 1.0  # one season: once the land
        if p.value > whole * factor:
            why.append(_over_whole(p, bound.whole, whole, factor))
    return why


def _over_whole(p: Figure, code: str, whole: float, factor: float) -> str:
    name = catalogue()[code].name_vi.lower()
    times = f" × {format_number(factor)} vụ" if factor != 1 else ""
    return (
        f"{_text(p.value, p.indicator)} lớn hơn {name} {_text(whole, code)}{times} mà báo cáo "
        "ghi: có thể là số của huyện/tỉnh, hoặc một trong hai số là của nơi khác"
    )


def wholes_exceeded(figures: Sequence[Figure]) -> dict[tuple[str, float], list[str]]:
    """(indicator, value) of each whole that a pre-accepted figure of the report exceeds → why
    (the whole is reviewed too: it may be the one of another unit, a village's natural area).
    A figure already reviewed accuses nothing: it is the likelier one of another unit."""
    out: dict[tuple[str, float], list[str]] = {}
    table = commune_bounds()
    given = values(figures)
    for p in figures:
        bound = table.get(p.indicator)
        if p.review:
            continue
        if bound is None or not bound.whole or (whole := given.get((bound.whole, ""))) is None:
            continue
        factor = bound.whole_factor if not p.season else 1.0
        if p.value > whole * factor:
            out.setdefault((bound.whole, whole), []).append(
                _over_whole(p, bound.whole, whole, factor)
            )
    return out
