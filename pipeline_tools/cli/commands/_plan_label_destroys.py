"""``pipeline-tools plan label-destroys``: the destroy label follows the pull request's plans.

Argparse only; the work is :func:`pipeline_tools.comment.destroy_label.label_destroys`.
"""

from __future__ import annotations

import argparse


def register(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser(
        "label-destroys", help="label a pull request whose plans destroy or replace resources",
        description="Add LABEL (default plan:destroy) to pull request --pr when any plan-NAME/plan.json "
        "under --plans-dir deletes or replaces a resource; remove it when none does. A missing or empty "
        "directory holds no plan (the label is removed). Environment: GITHUB_TOKEN, GITHUB_API_URL.",
        epilog="Exit codes: 0 labelled or unlabelled; 2 bad input (arguments, an unreadable plan, token "
        "missing or rejected); 3 GitHub failed.")
    parser.add_argument("--repo", required=True, metavar="OWNER/NAME", help="the GitHub repository")
    parser.add_argument("--pr", required=True, type=int, metavar="N", help="the pull request number")
    parser.add_argument("--plans-dir", required=True, metavar="DIR",
                        help="the plan artifacts, one subdirectory plan-NAME per environment")
    parser.add_argument("--label", default="plan:destroy", help="the label (default plan:destroy)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pipeline_tools.comment.destroy_label import label_destroys

    return label_destroys(repo=args.repo, pr=args.pr, plans_dir=Path(args.plans_dir), label=args.label)
