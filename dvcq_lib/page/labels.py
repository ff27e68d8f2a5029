"""Interface words of every rendering, Vietnamese first: `data/catalogue/labels.csv` (key, vi, en).

`label("missing", "en")` → "no data"; `words(lang)` is the whole dictionary of a language. A key
that is not in the file is an error (a typo must not print a code to a user).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from dvcq_lib.exceptions import CatalogueError
from dvcq_lib.paths import CATALOGUE_DIR

LANGUAGES = ("vi", "en")


@cache
def labels(path: Path | None = None) -> dict[str, dict[str, str]]:
    """{lang: {key: text}}; every key must have both a Vietnamese and an English text."""
    df = pd.read_csv(path or CATALOGUE_DIR / "labels.csv", dtype=str, keep_default_na=False)
    bad = [
        f"labels.csv dòng {i}: {r.key!r} thiếu {lang}"
        for i, r in enumerate(df.itertuples(index=False), start=2)
        for lang in LANGUAGES
        if not getattr(r, lang).strip()
    ]
    dup = df["key"][df["key"].duplicated()].tolist()
    bad += [f"labels.csv: khoá {k!r} lặp lại" for k in dup]
    if bad:
        raise CatalogueError("Tệp nhãn giao diện không hợp lệ: " + "; ".join(bad))
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
