"""``pipeline-tools plan summarize PLAN``: a trustworthy summary of one terraform plan."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FORMATS = ("markdown", "json", "text")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def register(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser(
        "summarize",
        help="summarize a plan as markdown, JSON or text",
        description="Summarize the JSON of a terraform plan (terraform show -json PLANFILE): counts "
        "exactly as terraform's 'Plan:' line, risk flags first, per-resource actions and reasons, "
        "changed attributes only, drift that affects the plan, output changes. Sensitive values "
        "are never shown. See docs/plan-summary.md (including the --format json schema).",
        epilog="Exit codes: 0 summary printed, 2 unusable input (empty, truncated, a state file, a "
        "binary plan file, an unknown format_version, a bad template), 4 internal error.",
    )
    parser.add_argument("plan", metavar="PLAN", help="plan JSON file, or - for stdin")
    parser.add_argument("--format", choices=FORMATS, default="markdown",
                        help="output format (default: markdown)")
    parser.add_argument("--env", metavar="NAME", help="environment name shown in the markdown header")
    parser.add_argument("--max-chars", type=_positive_int, default=65536, metavar="N",
                        help="markdown only: never print more than N characters (default: 65536, "
                        "GitHub's comment limit); detail is dropped step by step to fit")
    parser.add_argument("--template-dir", type=Path, metavar="DIR",
                        help="markdown only: directory overriding the shipped templates "
                        "(plan/summary.md.j2)")
    parser.add_argument("--details-url", metavar="URL",
                        help="markdown only: where the full report is, named when detail is dropped")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import gc

    from pipeline_tools.core.errors import InputError

    if args.template_dir is not None and not args.template_dir.is_dir():
        raise InputError(f"--template-dir {args.template_dir}: not a directory")
    # One short-lived pass over a big, acyclic document: the cyclic garbage collector would only
    # re-scan the whole parsed plan again and again (seconds on a 40 MB plan) and find nothing.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        text = _summarize(args)
    finally:
        if was_enabled:
            gc.enable()
    sys.stdout.write(text)
    sys.stdout.flush()
    return 0


def _summarize(args: argparse.Namespace) -> str:
    from pipeline_tools.plan.load import load_plan
    from pipeline_tools.plan.model import summarize

    summary = summarize(load_plan(args.plan))
    if args.format == "json":
        from pipeline_tools.plan.render.json_output import render_plan_json

        return render_plan_json(summary)
    if args.format == "text":
        import os

        from pipeline_tools.plan.render.text import render_plan_text

        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
        return render_plan_text(summary, color=color)
    return _markdown(summary, args)


def _markdown(summary: object, args: argparse.Namespace) -> str:
    import jinja2

    from pipeline_tools.core.errors import InputError
    from pipeline_tools.plan.render.markdown import render_plan_markdown

    try:
        return render_plan_markdown(summary, env=args.env, max_chars=args.max_chars,  # type: ignore[arg-type]
                                    template_dir=args.template_dir, details_url=args.details_url)
    except jinja2.TemplateError as exc:
        where = f" ({exc.filename}:{exc.lineno})" if isinstance(exc, jinja2.TemplateSyntaxError) else ""
        raise InputError(f"template error{where}: {exc.message or type(exc).__name__}") from None
