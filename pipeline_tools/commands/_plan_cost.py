"""``pipeline-tools plan cost PLAN_JSON``: the monthly cost before and after a plan, offline."""

from __future__ import annotations

import argparse
import sys

FORMATS = ("markdown", "json", "text")


def register(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser(
        "cost",
        help="monthly cost before and after a plan, per resource and in total (offline)",
        description="Estimate the monthly cost of the resources in a terraform plan (terraform show "
        "-json PLANFILE) before and after it, from an embedded snapshot of AWS on-demand list prices: "
        "hourly prices x 730 hours, plus monthly prices. Usage-priced charges (requests, GB, LCUs) "
        "are listed with their assumption and never added to the totals; quantities known only "
        "after apply are priced with a stated assumption; types without a price are listed as not "
        "priced. No network, no account. See docs/cost.md (including the --format json schema).",
        epilog="Exit codes: 0 printed (and, with --check-policy, within the policy), 1 --check-policy: "
        "the increase needs a label or an approval, 2 bad input (unreadable plan or price snapshot, "
        "unknown region, bad policy).",
    )
    parser.add_argument("plan", metavar="PLAN_JSON",
                        help="terraform show -json PLANFILE output, or - for stdin")
    parser.add_argument("--format", choices=FORMATS, default="markdown",
                        help="output format (default: markdown)")
    parser.add_argument("--prices", metavar="FILE",
                        help="a price snapshot to use instead of the embedded one (see 'prices refresh')")
    parser.add_argument("--region", metavar="R",
                        help="region of the embedded snapshot to use (default: the plan's aws provider "
                        "region when it is a constant or a variable, else us-east-1)")
    parser.add_argument("--env", metavar="NAME", help="environment name shown in the markdown heading")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import gc

    # One short-lived pass over a big acyclic document, as in 'plan summarize'.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        text = _render(args)
    finally:
        if was_enabled:
            gc.enable()
    sys.stdout.write(text)
    sys.stdout.flush()
    return 0


def _render(args: argparse.Namespace) -> str:
    from pipeline_tools.cost.run import cost_of_plan_file

    report = cost_of_plan_file(args.plan, prices_file=args.prices, region=args.region)
    if args.format == "json":
        from pipeline_tools.cost.render import render_cost_json

        return render_cost_json(report)
    if args.format == "text":
        from pipeline_tools.cost.render import render_cost_text

        return render_cost_text(report, env=args.env)
    from pipeline_tools.cost.render import render_cost_markdown

    return render_cost_markdown(report, env=args.env)
