"""Notebook metadata in one place (`data/catalogue/notebooks.csv`): each report notebook's title
in both languages, the domains whose findings it lists and whether it shows the commune's peers;
and the report sections (`data/catalogue/report_sections.csv`): which indicators each block shows.

Light on purpose (no pandas frame kept, no plotting): the render planner and the index read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from dvcq_lib import datasets
from dvcq_lib.catalogue import catalogue
from dvcq_lib.exceptions import CatalogueError


@dataclass(frozen=True)
class NotebookMeta:
    name: str
    title_vi: str
    title_en: str
    #: Domains whose data-quality findings the page lists (() = every domain).
    domains: tuple[str, ...]
    #: The page ranks the commune among its peers (their rows are on the page).
    peers: bool
    #: Domains of the data the page reads (None = every domain): its slice for the incremental
    #: render ("profile" for per-capita and per-ha rates).
    reads: tuple[str, ...] | None = None

    def title(self, lang: str = "vi") -> str:
        return self.title_en if lang == "en" else self.title_vi


@cache
def notebooks(path: Path | None = None) -> dict[str, NotebookMeta]:
    df = datasets.read("notebooks", path)
    return {
        r.notebook: NotebookMeta(
            r.notebook,
            r.title_vi,
            r.title_en,
            tuple(r.domains.split()),
            r.peers.strip() == "1",
            tuple(r.reads.split()) or None,
        )
        for r in df.itertuples(index=False)
    }


def notebook(name: str) -> NotebookMeta:
    """A notebook's metadata; one not in the file is titled by its name."""
    return notebooks().get(name) or NotebookMeta(name, name, name, (), False)


def title(name: str, lang: str = "vi") -> str:
    return notebook(name).title(lang)


@dataclass(frozen=True)
class Section:
    notebook: str
    section: str
    title_vi: str
    title_en: str
    indicators: tuple[str, ...]

    def title(self, lang: str = "vi") -> str:
        return self.title_en if lang == "en" else self.title_vi


@cache
def sections(path: Path | None = None) -> dict[tuple[str, str], Section]:
    """The report sections, keyed by (notebook, section); every code must be in the catalogue."""
    df = datasets.read("report_sections", path, lookups={"catalogue": catalogue})
    return {
        (r.notebook, r.section): Section(
            r.notebook, r.section, r.title_vi, r.title_en, tuple(r.indicators.split())
        )
        for r in df.itertuples(index=False)
    }


def section(notebook: str, name: str) -> Section:
    try:
        return sections()[(notebook, name)]
    except KeyError:
        raise CatalogueError(f"Không có mục {notebook}/{name} trong report_sections.csv") from None
