"""``pipeline-tools plan summarize``'s I/O shell: read one plan, summarize it, render it.

The model is :mod:`.model`, the renderers :mod:`.render`; the CLI module
(:mod:`pipeline_tools.cli.commands._plan_summarize`) only parses arguments.
"""

from __future__ import annotations

import gc
import sys

from pipeline_tools.core.errors import InputError
from pipeline_tools.plan.model import PlanSummary

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, TextIO


def summarize_plan(
    source: str,
    *,
    output_format: str = "markdown",
    env: str | None = None,
    max_chars: int = 65536,
    template_dir: Path | None = None,
    details_url: str | None = None,
    out: TextIO | None = None,
) -> int:
    """Print the summary of the plan in ``source`` (a file, or ``-`` for stdin); returns 0."""
    out = out or sys.stdout
    if template_dir is not None and not template_dir.is_dir():
        raise InputError(f"--template-dir {template_dir}: not a directory")
    # One short-lived pass over a big, acyclic document: the cyclic garbage collector would only
    # re-scan the whole parsed plan again and again (seconds on a 40 MB plan) and find nothing.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        text = _render(source, output_format, env, max_chars, template_dir, details_url, out)
    finally:
        if was_enabled:
            gc.enable()
    out.write(text)
    out.flush()
    return 0


def _render(source: str, output_format: str, env: str | None, max_chars: int,
            template_dir: Path | None, details_url: str | None, out: TextIO) -> str:
    from pipeline_tools.plan.load import load_plan
    from pipeline_tools.plan.model import summarize

    summary = summarize(load_plan(source))
    if output_format == "json":
        from pipeline_tools.plan.render.json_output import render_plan_json

        return render_plan_json(summary)
    if output_format == "text":
        import os

        color = out.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
        from pipeline_tools.plan.render.text import render_plan_text

        return render_plan_text(summary, color=color)
    return _markdown(summary, env, max_chars, template_dir, details_url)


def _markdown(summary: PlanSummary, env: str | None, max_chars: int, template_dir: Path | None,
              details_url: str | None) -> str:
    import jinja2

    from pipeline_tools.plan.render.markdown import render_plan_markdown

    try:
        return render_plan_markdown(summary, env=env, max_chars=max_chars, template_dir=template_dir,
                                    details_url=details_url)
    except jinja2.TemplateError as exc:
        where = f" ({exc.filename}:{exc.lineno})" if isinstance(exc, jinja2.TemplateSyntaxError) else ""
        raise InputError(f"template error{where}: {exc.message or type(exc).__name__}") from None


def print_fingerprint(source: str, *, explain: bool = False, out: TextIO | None = None) -> int:
    """Print the fingerprint of the plan in ``source`` (a file, or ``-``); with ``explain``, the
    canonical change set that is hashed (JSON). Returns 0."""

    from pipeline_tools.plan.fingerprint import change_set, fingerprint, key_from_env
    from pipeline_tools.plan.load import load_plan

    out = out or sys.stdout
    key = key_from_env()
    plan = load_plan(source)
    if explain:
        out.write(_explained(plan, change_set(plan, key)))
    else:
        out.write(fingerprint(plan, key) + "\n")
    return 0


def _explained(plan: dict[str, Any], changes: dict[str, Any]) -> str:
    """The change set as JSON, safe to print. Values marked sensitive are already ``<sensitive>``
    or keyed-hashed in it; the declared secrets (sensitive variables and outputs) are masked
    wherever else they appear, before encoding (as the plan summary does), and the encoded text
    is scrubbed again for them and for registered secrets (the fingerprint key) in any escaped
    form."""
    import json

    from pipeline_tools.core.redaction import redact
    from pipeline_tools.plan.masking import collect_sensitive_strings, mask_strings, scrub, text_masker

    secrets = collect_sensitive_strings(plan, include_resources=False)
    text = json.dumps(mask_strings(changes, text_masker(secrets)), indent=2, sort_keys=True)
    return redact(scrub(text, secrets)) + "\n"
