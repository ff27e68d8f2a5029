"""Crop seasons (vụ): the `season` column of observations, read from `data/catalogue/seasons.csv`.

An empty season means the whole period. Codes are English-free ASCII (`dong_xuan`, `xuan`,
`he_thu`, `thu_dong`, `mua`, `dong`); each season has its Vietnamese and English names and the
ways reports write it.

>>> season_code("Vụ Đông Xuân")
'dong_xuan'
>>> season_name("he_thu")
'vụ Hè Thu'
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from dvcq_lib import datasets
from dvcq_lib.contracts import WHOLE  # the whole period (no season): ""
from dvcq_lib.exceptions import CatalogueError, DvcqError

#: The observations column holding the season code.
COLUMN = "season"


@dataclass(frozen=True)
class Season:
    code: str
    name_vi: str
    name_en: str
    aliases: tuple[str, ...]

    def name(self, lang: str = "vi") -> str:
        return self.name_en if lang == "en" else self.name_vi


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).strip().casefold().split())


@cache
def seasons(path: Path | None = None) -> dict[str, Season]:
    """Every season by code, in calendar order of the file."""
    df = datasets.read("seasons", path)
    out: dict[str, Season] = {}
    for r in df.itertuples(index=False):
        aliases = tuple(_key(a) for a in r.aliases.split("|") if a.strip())
        out[r.code] = Season(r.code, r.name_vi, r.name_en, aliases)
    return out


def season_code(text: str) -> str:
    """The code of a season written any known way; CatalogueError when unknown."""
    key = _key(text)
    for s in seasons().values():
        if key == s.code or key == _key(s.name_vi) or key in s.aliases:
            return s.code
    raise CatalogueError(
        f"vụ {text!r} không có trong data/catalogue/seasons.csv; các vụ: "
        + ", ".join(s.name_vi for s in seasons().values())
    )


def season_of(text: str) -> str | None:
    """The season code a cell designates ("" = whole period), None if it names none.

    >>> season_of("Vụ Đông Xuân"), season_of(WHOLE), season_of("vụ lúa ba")
    ('dong_xuan', '', None)
    """
    if text == WHOLE:
        return WHOLE
    try:
        return season_code(text)
    except DvcqError:
        return None


def season_name(code: str, lang: str = "vi") -> str:
    """The season's name for a reader; the whole period has no name ("")."""
    if code == WHOLE:
        return ""
    try:
        return seasons()[code].name(lang)
    except KeyError:
        raise CatalogueError(f"mã vụ {code!r} không có trong data/catalogue/seasons.csv") from None


def season_column(df: pd.DataFrame) -> pd.Series:
    """The season code of every row as plain strings: "" (the whole period) where the frame
    has no `season` column or the cell is empty/missing."""
    if COLUMN not in df:
        return pd.Series(WHOLE, index=df.index, dtype=object)
    col = df[COLUMN]
    return col.astype(object).where(col.notna(), WHOLE).astype(str).str.strip()


def has_seasons(df: pd.DataFrame) -> bool:
    """Whether any row of the frame belongs to a season (not the whole period)."""
    return COLUMN in df and bool((season_column(df) != WHOLE).any())


def season_label(code: str, lang: str = "vi") -> str:
    """A season's name, or the words for the whole period ("cả kỳ" / "whole period")."""
    if code == WHOLE:
        return "whole period" if lang == "en" else "cả kỳ"
    return season_name(code, lang)


def season_order(codes: list[str] | tuple[str, ...] | set[str]) -> list[str]:
    """Codes in the calendar order of seasons.csv, the whole period ("") first."""
    rank = {c: i for i, c in enumerate([WHOLE, *seasons()])}
    return sorted(codes, key=lambda c: (rank.get(c, len(rank)), c))
