"""``pipeline-tools plan cost PLAN_JSON``: the monthly cost before and after a plan, offline."""

from __future__ import annotations

import argparse
import sys

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs start-up

if TYPE_CHECKING:
    from pipeline_tools.cost.model import CostReport

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
    policy = parser.add_argument_group("cost policy (docs/cost.md#cost-policy)")
    policy.add_argument("--check-policy", action="store_true",
                        help="after printing, check the monthly increase against the cost section of "
                        "--policy for --env: exit 1 when it is above the limit without --label or an "
                        "--approved-by of a named owner")
    policy.add_argument("--policy", metavar="FILE", default="security/policy.yml",
                        help="policy file with a 'cost' section (default: security/policy.yml)")
    policy.add_argument("--label", action="append", dest="labels", default=[], metavar="LABEL",
                        help="a label of the pull request (repeatable)")
    policy.add_argument("--approved-by", action="append", dest="approved_by", default=[], metavar="LOGIN",
                        help="a GitHub login that approved the pull request (repeatable)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import gc

    from pipeline_tools.core.errors import InputError

    if args.check_policy and not args.env:
        raise InputError("--check-policy needs --env NAME (whose limit to apply)")
    if args.check_policy:
        from pipeline_tools.cost.run import load_cost_policy

        policy = load_cost_policy(args.policy)
    else:
        policy = None

    # One short-lived pass over a big acyclic document, as in 'plan summarize'.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        report = _report(args)
        text = _render(report, args)
    finally:
        if was_enabled:
            gc.enable()
    sys.stdout.write(text)
    sys.stdout.flush()
    if policy is not None:
        from pipeline_tools.core.errors import VerdictError
        from pipeline_tools.cost.policy import check_cost_policy

        verdict = check_cost_policy(policy, args.env, report.monthly_delta, args.labels, args.approved_by)
        if not verdict.allowed:
            raise VerdictError(f"cost policy: {verdict.reason}")
        sys.stderr.write(f"cost policy: {verdict.reason}\n")
    return 0


def _report(args: argparse.Namespace) -> CostReport:
    from pipeline_tools.cost.run import cost_of_plan_file

    return cost_of_plan_file(args.plan, prices_file=args.prices, region=args.region)


def _render(report: CostReport, args: argparse.Namespace) -> str:
    if args.format == "json":
        from pipeline_tools.cost.render import render_cost_json

        return render_cost_json(report)
    if args.format == "text":
        from pipeline_tools.cost.render import render_cost_text

        return render_cost_text(report, env=args.env)
    from pipeline_tools.cost.render import render_cost_markdown

    return render_cost_markdown(report, env=args.env)
