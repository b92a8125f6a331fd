"""``pipeline-tools plan fingerprint`` and ``plan verify``: the canonical hash of a plan's changes.

``fingerprint`` prints it; ``verify`` compares a fresh plan with the fingerprint recorded when the
change was reviewed (the apply workflow's guard against applying something nobody reviewed).
"""

from __future__ import annotations

import argparse


def register(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser(
        "fingerprint",
        help="print the canonical hash (sha256:...) of what a plan changes",
        description=(
            "Print sha256:<hex>, a hash of the plan's semantic change set: resource addresses, "
            "actions, changed attributes (before/after, unknowns), replace paths and output changes, "
            "sorted. Timestamps, refresh order, unchanged (hidden) attributes and no-op resources do "
            "not enter it, so two plans of the same change give the same fingerprint. Sensitive "
            "values enter as an HMAC under PIPELINE_TOOLS_FINGERPRINT_KEY when it is set, otherwise "
            "only as '<sensitive>' (see docs/workflows.md)."
        ),
        epilog="Exit codes: 0 printed, 2 unreadable or not a plan.",
    )
    parser.add_argument("plan", metavar="PLAN_JSON",
                        help="terraform show -json PLANFILE output, or - for stdin")
    parser.add_argument("--explain", action="store_true",
                        help="print the canonical change set that is hashed (JSON) instead of the hash")
    parser.set_defaults(func=run_fingerprint)

    verify = actions.add_parser(
        "verify",
        help="check that every change of a plan was reviewed in a pull request's plan comment",
        description=(
            "Compare the fresh plan PLAN_JSON of environment --env with what was reviewed. The plan "
            "is accepted when its fingerprint equals a recorded one, or when every change in it "
            "(per resource, attribute by attribute) was reviewed identically in the plan of some "
            "pull request given: a subset after a partial failure is accepted, so are the changes "
            "of two pull requests together; anything else is refused, naming each resource whose "
            "change was not reviewed. Reviewed plans come from --recorded, from --comment-file "
            "(offline; the marker must be the file's first line), or from GitHub (--repo with --pr "
            "and/or --since-deployment): then only plan comments written by the pipeline's own "
            "identity count (the token's account, or --trusted-author / PIPELINE_TOOLS_TRUSTED_AUTHOR)."
        ),
        epilog="Exit codes: 0 every change was reviewed, 1 something was not reviewed or nothing was "
        "recorded, 2 bad input (unreadable plan, malformed --recorded, a comment file whose first "
        "line is not a plan comment marker, token missing or rejected), 3 GitHub failed.",
    )
    verify.add_argument("plan", metavar="PLAN_JSON",
                        help="terraform show -json PLANFILE output, or - for stdin")
    verify.add_argument("--env", metavar="NAME", default="",
                        help="the environment whose recorded plan to compare with (needed for "
                        "--comment-file and GitHub); named in messages")
    verify.add_argument("--recorded", metavar="sha256:HEX",
                        help="a whole-plan fingerprint recorded when the change was reviewed")
    verify.add_argument("--comment-file", metavar="FILE", action="append", default=[],
                        help="a file holding the body of a pull request's plan comment; repeat, "
                        "one per merged pull request")
    verify.add_argument("--repo", metavar="OWNER/NAME",
                        help="read the plan comments from GitHub (GITHUB_TOKEN, GITHUB_API_URL)")
    verify.add_argument("--pr", metavar="N", type=int, action="append", default=[],
                        help="a merged pull request whose plan comment to trust (repeatable; needs --repo)")
    verify.add_argument("--since-deployment", metavar="ENV",
                        help="also every pull request merged since the last successful apply "
                        "recorded as a GitHub Deployment of ENV (pipeline-tools apply record); "
                        "needs --repo")
    verify.add_argument("--base", metavar="BRANCH", default="main",
                        help="with --since-deployment: only pull requests merged into BRANCH "
                        "(default main)")
    verify.add_argument("--checked", action="store_true",
                        help="from GitHub: count only pull requests that meet `apply check`'s "
                        "requirements for --env (gate passed, approved for the planned commit, no "
                        "changes requested)")
    verify.add_argument("--trusted-author", metavar="LOGIN",
                        help="the account whose plan comments are trusted (default: the token's own)")
    verify.set_defaults(func=run_verify)


def run_fingerprint(args: argparse.Namespace) -> int:
    from pipeline_tools.plan.run import print_fingerprint

    return print_fingerprint(args.plan, explain=args.explain)


def run_verify(args: argparse.Namespace) -> int:
    from pipeline_tools.plan.verify import verify_plan

    return verify_plan(args.plan, env=args.env, recorded=args.recorded, comment_files=args.comment_file,
                       repo=args.repo, prs=args.pr, since_deployment=args.since_deployment, base=args.base,
                       checked=args.checked, trusted_author=args.trusted_author)
