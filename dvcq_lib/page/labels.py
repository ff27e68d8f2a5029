"""Interface words of every rendering, Vietnamese first: `data/catalogue/labels.csv` (key, vi, en).

`label("missing", "en")` → "no data"; `words(lang)` is the whole dictionary of a language. A key
that is not in the file is an error (a typo must not print a code to a user).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from dvcq_lib import datasets
from dvcq_lib.exceptions import CatalogueError

LANGUAGES = ("vi", "en")


@cache
def labels(path: Path | None = None) -> dict[str, dict[str, str]]:
    """{lang: {key: text}}; every key must have both a Vietnamese and an English text."""
    df = datasets.read("labels", path)
    return {lang: dict(zip(df["key"], df[lang], strict=True)) for lang in LANGUAGES}


def words(lang: str = "vi") -> dict[str, str]:
    if lang not in LANGUAGES:
        raise ValueError(f"lang phải là 'vi' hoặc 'en', không phải {lang!r}")
    return labels()[lang]


def label(key: str, lang: str = "vi") -> str:
    try:
        return words(lang)[key]
    except KeyError:
        raise CatalogueError(f"Không có nhãn {key!r} trong labels.csv", code=key) from None


def has(key: str) -> bool:
    return key in labels()["vi"]
