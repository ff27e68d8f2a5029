"""HTML export of an executed report notebook, in-process, with one exporter configured once per
process (the template is parsed once, not per page).

The page is self-contained and opens offline: code inputs and prompts hidden, the `parameters`
and `injected-parameters` cells removed entirely, images embedded as data URIs, and none of the
lab template's CDN scripts (require.js, MathJax, mermaid, widgets) — a test checks that no
`http` URL is loaded by the page.
"""

from __future__ import annotations

from functools import cache

from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbformat import NotebookNode
from traitlets.config import Config

from dvcq_lib.page.templates import TEMPLATES_DIR

#: Cells tagged so never reach the page: the parameter cells are plumbing, not content.
REMOVED_TAGS = ("parameters", "injected-parameters", "remove_cell")

#: The lab template without its CDN scripts, with the suite's stylesheet (print rules included):
#: `dvcq_lib/templates/report.html.j2`.
TEMPLATE_NAME = "report.html.j2"


class PageExporter(HTMLExporter):
    """nbconvert's HTML exporter without its final BeautifulSoup pass — a full parse and
    re-serialisation of every page, half the export time of a page of charts — whose only work
    (alt text on images, tabindex on outputs) our template does itself."""

    def from_notebook_node(self, nb: NotebookNode, resources: dict | None = None, **kw):
        lang = (resources or {}).get("language_code")  # the page's, not the exporter's
        # what HTMLExporter.from_notebook_node does before its soup pass (nbconvert 7)
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight = self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
        )
        resources = self._init_resources(resources)
        if lang:
            resources["language_code"] = lang
        self.register_filter("highlight_code", highlight)
        self.register_filter(
            "filter_data_type",
            WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            ),
        )
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


@cache
def exporter() -> HTMLExporter:
    """The process's one HTML exporter (lab template, inputs hidden, CDN scripts removed)."""
    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = set(REMOVED_TAGS)
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    c.HTMLExporter.embed_images = True
    c.HTMLExporter.language_code = "vi"
    c.Exporter.optimistic_validation = True  # validate the notebook once, not per preprocessor
    c.TemplateExporter.extra_template_paths = [str(TEMPLATES_DIR)]
    exp = PageExporter(config=c, template_name="lab")
    exp.template_file = TEMPLATE_NAME
    return exp


def to_html(nb: NotebookNode, title: str, lang: str = "vi") -> str:
    """The page of an executed notebook (`<html lang>` the page's language)."""
    resources = {"metadata": {"name": title}, "language_code": lang}
    body, _ = exporter().from_notebook_node(nb, resources=resources)
    return body
