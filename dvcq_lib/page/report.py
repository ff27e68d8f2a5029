"""The views of a whole report (one commune × period, every notebook's tables), which the slide
deck and the Excel workbook render: the same blocks as the pages, gathered once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dvcq_lib.page import blocks, figures, narrative
from dvcq_lib.page.blocks import Header, Scorecard, Source, Table
from dvcq_lib.page.context import Context, context
from dvcq_lib.page.figures import ChartSpec
from dvcq_lib.page.meta import section

#: The tables of a workbook: (notebook, block, section) in sheet order.
TABLES = (
    ("overview", "profile", "profile"),
    ("overview", "scorecard", "scorecard"),
    ("agriculture", "indicators", "crops"),
    ("agriculture", "computed_outputs", ""),
    ("agriculture", "indicators", "fruit"),
    ("agriculture", "indicators", "livestock"),
    ("agriculture", "indicators", "forestry"),
    ("agriculture", "indicators", "value"),
    ("agriculture", "structure", ""),
    ("petitions", "indicators", "petitions"),
    ("petitions", "indicators", "reception"),
    ("petitions", "rank", "rank"),
    ("dossiers", "indicators", "dossiers"),
    ("dossiers", "rank", "rank"),
    ("overview", "findings", ""),
)


@dataclass(frozen=True)
class KeyChart:
    spec: ChartSpec
    takeaway: str  # one line from the narrative
    code: str


@dataclass(frozen=True)
class ReportViews:
    header: Header
    scorecard: Scorecard
    changes: ChartSpec
    charts: tuple[KeyChart, ...]
    findings: Table
    sources: tuple[Source, ...]
    tables: tuple[tuple[str, Table], ...]  # (sheet title, table)
    made_on: dt.date
    lang: str
    context: Context

    @property
    def synthetic(self) -> bool:
        return self.header.synthetic


def _table(ctx: Context, block: str, name: str) -> tuple[str, Table] | None:
    if block == "indicators":
        sec = section(ctx.notebook, name)
        return sec.title(ctx.lang), blocks.indicator_table(ctx, name)
    if block == "computed_outputs":
        return ctx.label("area_x_yield"), blocks.computed_outputs(ctx)
    if block == "structure":
        title = f"{ctx.label('share')} — {section('agriculture', 'value').title(ctx.lang)}"
        return title, blocks.structure(ctx)
    if block == "profile":
        return section("overview", "profile").title(ctx.lang), blocks.profile(ctx)
    if block == "scorecard":
        return blocks.scorecard(ctx).title, blocks.scorecard(ctx).table(ctx.lang)
    if block == "rank":
        t = blocks.rank_table(ctx, name)
        return f"{ctx.label('rank')} — {section(ctx.notebook, ctx.notebook).title(ctx.lang)}", t
    if block == "findings":
        return ctx.label("findings"), blocks.findings(ctx, domains=())
    raise ValueError(block)


def report_views(
    commune: object,
    period: object,
    *,
    data_dir: str | Path = "",
    lang: str = "vi",
    findings: pd.DataFrame | None = None,
    made_on: dt.date | None = None,
) -> ReportViews:
    """Every view of a report, from one context per notebook (data read once per process)."""
    contexts: dict[str, Context] = {}

    def ctx_of(notebook: str) -> Context:
        if notebook not in contexts:
            contexts[notebook] = context(
                commune,
                period,
                data_dir=data_dir,
                lang=lang,
                notebook=notebook,
                findings=findings,
            )
        return contexts[notebook]

    over = ctx_of("overview")
    keys = []
    for code in section("overview", "deck").indicators:
        if code in over.full and over.full[code].notna().any():
            line = narrative.sentence(
                over.full, code, over.period, lang=lang, computed=over.computed
            )
            keys.append(KeyChart(figures.trend(over, code), line, code))
    tables = [t for nb, block, name in TABLES if (t := _table(ctx_of(nb), block, name))]
    return ReportViews(
        header=blocks.header(over),
        scorecard=blocks.scorecard(over),
        changes=figures.scorecard(over),
        charts=tuple(keys),
        findings=blocks.findings(over, domains=()),
        sources=blocks.sources(over),
        tables=tuple(tables),
        made_on=made_on or dt.date.today(),
        lang=lang,
        context=over,
    )
