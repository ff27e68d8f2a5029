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
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
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
    exp = HTMLExporter(
        config=c, template_name="lab", extra_loaders=[jinja2.DictLoader({TEMPLATE_NAME: TEMPLATE})]
    )
    exp.template_file = TEMPLATE_NAME
    return exp


def to_html(nb: NotebookNode, title: str) -> str:
    """The page of an executed notebook."""
    body, _ = exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body
