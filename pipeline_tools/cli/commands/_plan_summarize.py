"""``pipeline-tools plan summarize PLAN``: a trustworthy summary of one terraform plan."""

from __future__ import annotations

import argparse

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
    parser.add_argument("--template-dir", metavar="DIR",
                        help="markdown only: directory overriding the shipped templates "
                        "(plan/summary.md.j2)")
    parser.add_argument("--details-url", metavar="URL",
                        help="markdown only: where the full report is, named when detail is dropped")
    # Once the summary is printed, nothing is left to do but free the plan: on a big one that takes
    # a tenth of the run, so the process ends without tearing down (pipeline_tools.cli.main.entry).
    parser.set_defaults(func=run, exit_without_teardown=True)


def run(args: argparse.Namespace) -> int:
    from pipeline_tools.plan.run import summarize_plan

    template_dir = None
    if args.template_dir is not None:
        from pathlib import Path

        template_dir = Path(args.template_dir)
    return summarize_plan(args.plan, output_format=args.format, env=args.env, max_chars=args.max_chars,
                          template_dir=template_dir, details_url=args.details_url)
