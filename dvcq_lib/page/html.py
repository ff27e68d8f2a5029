"""The HTML rendering of the page blocks, as the report notebooks call them: each function takes
the page context, builds the block's view (`page.blocks`, `page.figures`) and returns an IPython
HTML object rendered from a Jinja2 template (or saves and displays a chart), so that the page
survives an export that hides all code.
"""

from __future__ import annotations

from collections.abc import Sequence

from IPython.display import HTML

from dvcq_lib.page import blocks, charts, figures
from dvcq_lib.page.blocks import Header, Heading, Narrative, Scorecard, Table
from dvcq_lib.page.context import Context, context, peer_codes, peer_rows, peers, vi_sort_key
from dvcq_lib.page.labels import words
from dvcq_lib.page.templates import css, render

EMPTY = ""
__all__ = ["context", "peer_codes", "peer_rows", "peers", "vi_sort_key"]  # re-exported


def view_html(view, lang: str = "vi") -> str:
    """The HTML of one view (table, header, scorecard, narrative, heading); "" for None."""
    if view is None:
        return EMPTY
    if isinstance(view, Table):
        return render("table.html.j2", t=view)
    if isinstance(view, Header):
        return render("header.html.j2", h=view, w=words(view.lang), css=css())
    if isinstance(view, Scorecard):
        return render("scorecard.html.j2", s=view)
    if isinstance(view, Narrative):
        return render("narrative.html.j2", n=view)
    if isinstance(view, Heading):
        return render("heading.html.j2", h=view)
    if isinstance(view, list | tuple):
        return "".join(view_html(v, lang) for v in view)
    raise TypeError(f"không có cách hiển thị {type(view).__name__}")


def _html(view) -> HTML:
    return HTML(view_html(view))


def publish(spec: figures.ChartSpec, ctx: Context, show: bool = True) -> charts.Chart:
    return charts.publish(figures.draw(spec), ctx.output_dir, ctx.notebook, show)


# the blocks the notebooks display ----------------------------------------------------------
def header(ctx: Context) -> HTML:
    return _html(blocks.header(ctx))


def heading(ctx: Context, name: str) -> HTML:
    """A section heading (h2, a page break before it in print) and its introduction."""
    return _html(blocks.heading(ctx, name))


def indicator_table(ctx: Context, codes: Sequence[str] | str) -> HTML:
    return _html(blocks.indicator_table(ctx, codes))


def computed_outputs(ctx: Context) -> HTML:
    return _html(blocks.computed_outputs(ctx))


def profile(ctx: Context) -> HTML:
    return _html(blocks.profile(ctx))


def scorecard(ctx: Context, codes: Sequence[str] | None = None) -> HTML:
    return _html(blocks.scorecard(ctx, codes))


def structure(ctx: Context) -> HTML:
    return _html(blocks.structure(ctx))


def rank_table(ctx: Context, codes: Sequence[str] | str = "rank", scope: str | None = None):
    return _html(blocks.rank_table(ctx, codes, scope))


def league_table(ctx: Context, code: str, scope: str | None = None) -> HTML:
    return _html(blocks.league_table(ctx, code, scope))


def league_tables(ctx: Context, codes: str = "league") -> HTML:
    return _html(blocks.league_tables(ctx, codes))


def merged_units_table(ctx: Context, codes: str = "league") -> HTML:
    return _html(blocks.merged_units_table(ctx, codes))


def narrative_block(ctx: Context, codes: Sequence[str] | None = None) -> HTML:
    return _html(blocks.narrative_view(ctx, codes))


def narrative_text(ctx: Context, codes: Sequence[str] | None = None) -> str:
    return blocks.narrative_view(ctx, codes).text


def targets_block(ctx: Context) -> HTML:
    return _html(blocks.targets(ctx))


def findings_block(ctx: Context, domains: Sequence[str] | str | None = None) -> HTML:
    return _html(blocks.findings(ctx, domains))


def findings_counts(ctx: Context) -> HTML:
    return _html(blocks.findings_counts(ctx))


# charts ---------------------------------------------------------------------------------------
def trend_chart(ctx: Context, code: str, show: bool = True) -> charts.Chart:
    return publish(figures.trend(ctx, code), ctx, show)


def trend_charts(ctx: Context, codes: Sequence[str] | str = "trend") -> list[charts.Chart]:
    return [publish(s, ctx) for s in figures.trends_of(ctx, codes)]


def output_chart(ctx: Context, show: bool = True) -> charts.Chart:
    return publish(figures.outputs(ctx), ctx, show)


def structure_chart(ctx: Context, show: bool = True) -> charts.Chart:
    return publish(figures.structure(ctx), ctx, show)


def scorecard_chart(ctx: Context, codes: Sequence[str] | None = None, show: bool = True):
    return publish(figures.scorecard(ctx, codes), ctx, show)


def league_chart(ctx: Context, code: str, scope: str | None = None, show: bool = True):
    return publish(figures.league(ctx, code, scope), ctx, show)


def league_charts(ctx: Context, codes: str = "league") -> list[charts.Chart]:
    return [publish(s, ctx) for s in figures.leagues(ctx, codes)]


def multiples_chart(ctx: Context, codes: str = "multiples", scope: str | None = None, show=True):
    return publish(figures.multiples(ctx, codes, scope), ctx, show)


def section_chart(ctx: Context, name: str, show: bool = True) -> charts.Chart:
    return publish(figures.section_bars(ctx, name), ctx, show)
