"""Markdown for a module's generated README block (Jinja2 template tfdocs/tables.md.j2)."""

from __future__ import annotations

from functools import cache

import jinja2

from pipeline_tools.tfdocs.model import ModuleDocs

BEGIN_MARKER = "<!-- BEGIN_TF_DOCS -->"
END_MARKER = "<!-- END_TF_DOCS -->"


def cell(text: str) -> str:
    """Table-cell safe: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def code(text: str) -> str:
    """Inline code inside a table cell (backticks in the text widen the fence)."""
    text = cell(text)
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}"


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline_tools", "templates"),
        autoescape=False,  # Markdown, not HTML
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["cell"] = cell
    env.filters["code"] = code
    return env


def render_block(docs: ModuleDocs) -> str:
    """The generated Markdown, without the markers."""
    return _environment().get_template("tfdocs/tables.md.j2").render(docs=docs)
