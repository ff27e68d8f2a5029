"""Write the five report notebooks (notebooks/*.ipynb), thin and without outputs.

The committed .ipynb files are the product; this script is how they are kept consistent
(the same parameters cell and context cell in each). Run: python scripts/build_notebooks.py

The parameters are declared once in `dvcq_lib.render.plan.PARAMETERS`.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from dvcq_lib.render.plan import parameters_cell

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

#: The parameters cell: declared once, in the planner (the engine injects the same names).
PARAMETERS = parameters_cell()


def context_cell(name: str) -> str:
    return f'''from IPython.display import display

from dvcq_lib.page import html as page

ctx = page.context(commune, period, district=district, province=province, data_dir=data_dir,
                   output_dir=output_dir, lang=lang, notebook="{name}")
display(page.header(ctx))'''


def heading(section: str) -> str:
    """A section heading and its introduction, in the page's language (labels.csv)."""
    return f'display(page.heading(ctx, "{section}"))'


#: Each notebook's cells after the context: headings come from labels.csv (key
#: heading.<notebook>.<section>), so that lang="en" gives an English page throughout.
BODIES: dict[str, list[str]] = {
    "agriculture": [
        heading("crops") + '\ndisplay(page.indicator_table(ctx, "crops"))\n'
        "display(page.computed_outputs(ctx))\npage.output_chart(ctx);",
        heading("fruit") + '\ndisplay(page.indicator_table(ctx, "fruit"))',
        heading("livestock") + '\ndisplay(page.indicator_table(ctx, "livestock"))',
        heading("forestry") + '\ndisplay(page.indicator_table(ctx, "forestry"))',
        heading("value")
        + '\ndisplay(page.indicator_table(ctx, "value"))\ndisplay(page.structure(ctx))\n'
        "page.structure_chart(ctx);",
        heading("trend") + '\npage.trend_charts(ctx, "trend");',
        "display(page.findings_block(ctx))",
    ],
    "petitions": [
        heading("petitions") + '\ndisplay(page.indicator_table(ctx, "petitions"))',
        heading("reception") + '\ndisplay(page.indicator_table(ctx, "reception"))\n'
        'page.section_chart(ctx, "reception");',
        heading("trend") + '\npage.trend_charts(ctx, "trend");',
        heading("rank") + '\ndisplay(page.rank_table(ctx, "rank"))\n'
        'page.league_chart(ctx, "petitions_resolution_rate");',
        "display(page.findings_block(ctx))",
    ],
    "dossiers": [
        heading("dossiers") + '\ndisplay(page.indicator_table(ctx, "dossiers"))',
        heading("trend") + '\npage.trend_charts(ctx, "trend");',
        heading("rank") + '\ndisplay(page.rank_table(ctx, "rank"))\n'
        'page.league_chart(ctx, "dossiers_on_time_rate");',
        "display(page.findings_block(ctx))",
    ],
    "overview": [
        heading("profile") + "\ndisplay(page.profile(ctx))",
        heading("scorecard") + "\ndisplay(page.scorecard(ctx))\npage.scorecard_chart(ctx);\n"
        "display(page.targets_block(ctx))",
        heading("narrative") + "\ndisplay(page.narrative_block(ctx))",
        "display(page.findings_block(ctx, domains=()))",
    ],
    "district": [
        heading("league")
        + '\ndisplay(page.league_tables(ctx, "league"))\npage.league_charts(ctx, "league");',
        heading("multiples") + '\npage.multiples_chart(ctx, "multiples");',
        heading("merged") + "\ndisplay(page.merged_units_table(ctx))",
        "display(page.findings_counts(ctx))",
    ],
}


def build(name: str) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    params = new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]})
    cells = [params, new_code_cell(context_cell(name))]
    cells += [new_code_cell(text) for text in BODIES[name]]
    for i, cell in enumerate(cells):
        cell["id"] = f"{name}-{i:02d}"  # stable ids: rebuilding gives identical files
    nb.cells = cells
    return nb


def main() -> None:
    NOTEBOOKS.mkdir(exist_ok=True)
    for name in BODIES:
        nbformat.write(build(name), NOTEBOOKS / f"{name}.ipynb")
        print(NOTEBOOKS / f"{name}.ipynb")


if __name__ == "__main__":
    main()
