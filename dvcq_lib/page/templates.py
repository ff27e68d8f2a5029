"""The Jinja2 environment of every HTML rendering (blocks, page, index): templates and the one
stylesheet in `dvcq_lib/templates/`, autoescape on."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
CSS_NAME = "dvcq.css"


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,  # every text of the data is escaped, whatever the file extension
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


@cache
def css() -> str:
    return (TEMPLATES_DIR / CSS_NAME).read_text(encoding="utf-8")


def render(name: str, **values) -> str:
    return environment().get_template(name).render(**values)
