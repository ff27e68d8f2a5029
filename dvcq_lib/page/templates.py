"""The Jinja2 environment of every HTML rendering (blocks, page, index): templates and the one
stylesheet in `dvcq_lib/templates/`, autoescape on."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
CSS_NAME = "dvcq.css"


def css_string(text: object) -> str:
    """A CSS string literal ("…") of a text, for generated content such as the running header
    of printed pages: backslashes, quotes, line ends and "<" escaped the CSS way."""
    escaped = "".join(f"\\{ord(ch):x} " if ch in '\\"<>&\n\r' else ch for ch in str(text))
    return Markup(f'"{escaped}"')


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,  # every text of the data is escaped, whatever the file extension
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["css_string"] = css_string
    return env


@cache
def css() -> str:
    return (TEMPLATES_DIR / CSS_NAME).read_text(encoding="utf-8")


def render(name: str, **values) -> str:
    return environment().get_template(name).render(**values)
