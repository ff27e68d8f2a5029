"""HTML export of an executed report notebook, in-process, with one exporter configured once per
process (the template is parsed once, not per page).

The page is self-contained and opens offline: code inputs and prompts hidden, the `parameters`
and `injected-parameters` cells removed entirely, images embedded as data URIs, and none of the
lab template's CDN scripts (require.js, MathJax, mermaid, widgets) — a test checks that no
`http` URL is loaded by the page.
"""

from __future__ import annotations

from functools import cache

import jinja2
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbformat import NotebookNode
from traitlets.config import Config

#: Cells tagged so never reach the page: the parameter cells are plumbing, not content.
REMOVED_TAGS = ("parameters", "injected-parameters", "remove_cell")

#: The lab template without its CDN scripts, plus print/projector-friendly sizes.
TEMPLATE_NAME = "dvcq_report.html.j2"
TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block data_png scoped -%}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}" tabindex="0">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}" alt="
{{- output | get_metadata('alt', 'image/png') or output | get_metadata('dvcq_chart', 'image/png')
    | escape_html }}">
</div>
{%- endblock data_png -%}
{%- block extra_css -%}
<style type="text/css">
  body.jp-Notebook { max-width: 1200px; margin: 0 auto; font-size: 16px; }
  .jp-RenderedHTMLCommon table { font-size: 15px; }
  .jp-OutputArea-output img { max-width: 100%; height: auto; }
  @media print { body.jp-Notebook { max-width: none; } }
</style>
{%- endblock extra_css -%}
"""


class PageExporter(HTMLExporter):
    """nbconvert's HTML exporter without its final BeautifulSoup pass — a full parse and
    re-serialisation of every page, half the export time of a page of charts — whose only work
    (alt text on images, tabindex on outputs) our template does itself."""

    def from_notebook_node(self, nb: NotebookNode, resources: dict | None = None, **kw):
        # what HTMLExporter.from_notebook_node does before its soup pass (nbconvert 7)
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight = self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
        )
        resources = self._init_resources(resources)
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
    exp = PageExporter(
        config=c, template_name="lab", extra_loaders=[jinja2.DictLoader({TEMPLATE_NAME: TEMPLATE})]
    )
    exp.template_file = TEMPLATE_NAME
    return exp


def to_html(nb: NotebookNode, title: str) -> str:
    """The page of an executed notebook."""
    body, _ = exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body
