"""``pipeline-tools plan comment``: one sticky pull request comment with every environment's plan.

Argparse only; the work is :func:`pipeline_tools.comment.run.post_plan_comment`.
"""

from __future__ import annotations

import argparse

DESCRIPTION = """\
Post (or update in place) ONE comment on a pull request with the plans of all environments: a
dashboard table (per environment: counts and risk flags), then one section per environment, where
an environment without changes takes one line. The comment carries a hidden marker with the commit,
a run ordering key and each plan's fingerprint; it is found again through that marker on every push
and edited in place, and a plan of an older commit never overwrites a newer one. The whole comment
stays within GitHub's 65,536-character limit.

Environment: GITHUB_TOKEN (required unless --dry-run), GITHUB_API_URL (default
https://api.github.com; GitHub Enterprise: https://HOST/api/v3), GITHUB_STEP_SUMMARY (when set, the
same markdown is appended to it, after the list of every environment when the comment collapses
those without changes). See docs/pr-comment.md and docs/scale.md.
"""

EPILOG = """\
Exit codes: 0 posted, updated, unchanged or skipped (a newer plan is already shown); 2 bad input
(arguments, token missing or rejected, repository or pull request not found, unreadable plan);
3 GitHub failed after retries.
"""


def register(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser(
        "comment", help="post one sticky PR comment summarizing every environment's plan",
        description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--repo", required=True, metavar="OWNER/NAME", help="the GitHub repository")
    parser.add_argument("--pr", required=True, type=int, metavar="N", help="the pull request number")
    parser.add_argument(
        "--env", nargs=2, action="append", dest="environments", default=[],
        metavar=("NAME", "PLAN_JSON"),
        help="an environment and its plan (terraform show -json output, or - for stdin); repeat in "
             "the order the dashboard should list them",
    )
    parser.add_argument(
        "--gate", nargs=2, action="append", dest="gates", default=[], metavar=("NAME", "GATE_JSON"),
        help="the security gate's result for environment NAME (pipeline-tools gate --json-out); "
             "its section is embedded after that environment's plan, within the comment's budget",
    )
    parser.add_argument(
        "--cost", nargs=2, action="append", dest="costs", default=[], metavar=("NAME", "COST_JSON"),
        help="the monthly cost of environment NAME's plan (pipeline-tools plan cost --format json): a "
             "cost column in the dashboard and the resources whose cost changes in its section",
    )
    parser.add_argument(
        "--failed", nargs=2, action="append", default=[], metavar=("NAME", "ERROR_LOG"),
        help="environment NAME's plan failed; ERROR_LOG holds terraform's output, whose last lines "
             "(secrets masked) the comment shows as that environment's section",
    )
    parser.add_argument(
        "--plans-dir", metavar="DIR",
        help="a directory of plan artifacts, one subdirectory plan-NAME per environment holding "
             "plan.json (and gate.json, cost.json when they ran), or, when the plan failed, "
             "plan-log.txt; a missing or empty directory means there is no plan to comment on (exit 0)",
    )
    parser.add_argument(
        "--order", metavar="NAMES", default="dev,staging,prod",
        help="with --plans-dir: comma-separated environments listed first, in this order; the "
             "others follow by name (default: dev,staging,prod)",
    )
    parser.add_argument(
        "--sha", metavar="COMMIT",
        help="the commit the plans were made for (default: the pull_request event's head sha from "
             "GITHUB_EVENT_PATH, else the pull request's current head, else GITHUB_SHA)",
    )
    parser.add_argument(
        "--run-key", metavar="KEY",
        help="ordering key of this run, dot-separated integers; a comment from a run with a larger "
             "key is never overwritten (default: GITHUB_RUN_ID.GITHUB_RUN_ATTEMPT when set)",
    )
    parser.add_argument(
        "--details-url", metavar="URL",
        help="link to the full report (default: this workflow run's page when running in GitHub Actions)",
    )
    parser.add_argument("--template-dir", metavar="DIR",
                        help="directory with templates overriding the shipped ones (plan/summary.md.j2)")
    parser.add_argument("--summary-file", metavar="FILE",
                        help="also append the job summary (every environment's row, then the comment) "
                             "to FILE; written in --dry-run too")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the comment instead of posting it; contact nothing, write nothing "
                             "but --summary-file")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pipeline_tools.comment.run import post_plan_comment

    return post_plan_comment(
        repo=args.repo, pr=args.pr, environments=args.environments, gates=args.gates,
        costs=args.costs, failed=args.failed,
        plans_dir=Path(args.plans_dir) if args.plans_dir else None, order=args.order, sha=args.sha,
        run_key=args.run_key, details_url=args.details_url,
        template_dir=Path(args.template_dir) if args.template_dir else None,
        summary_file=args.summary_file, dry_run=args.dry_run,
    )
