"""The report page: one page model, several renderings.

- `page.context` — the frozen context of a page (commune, period, data loaded once);
- `page.blocks` — each block as a pure function returning view data;
- `page.figures` — chart specs; `page.charts` — their drawing (one style for projector and print);
- `page.narrative` — the sentences written from the figures;
- `page.format`, `page.labels`, `page.meta` — numbers, interface words, notebook metadata;
- `page.html` — the HTML rendering the notebooks display; a notebook reads
  `from dvcq_lib.page import html as page`, then `ctx = page.context(...)`, `page.header(ctx)`;
- `page.deck`, `page.workbook` — the slide deck and the Excel workbook of a report.

`from dvcq_lib import page` is light: the rendering modules load on first use, so that the
render planner and the index can read notebook metadata without pandas plotting or IPython.
"""

from __future__ import annotations

import importlib

_SUBMODULES = {
    "blocks",
    "charts",
    "context",
    "deck",
    "figures",
    "format",
    "html",
    "labels",
    "meta",
    "narrative",
    "templates",
    "workbook",
}


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"dvcq_lib.page.{name}")
    raise AttributeError(f"module 'dvcq_lib.page' has no attribute {name!r}")
