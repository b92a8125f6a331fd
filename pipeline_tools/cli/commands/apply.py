"""``pipeline-tools apply record`` and ``apply check``: the apply's record and its requirements."""

from __future__ import annotations

import argparse

CHECK_DESCRIPTION = """\
Check, from GitHub, that the pull request merged as --sha may be applied to --env: it has a plan
comment written by the pipeline's own identity (the token's account, or --trusted-author), which
recorded a plan for the environment that did not fail and a security gate verdict of pass; and it
was approved by someone other than its author, for the commit whose plan the comment shows, with no
reviewer's latest review requesting changes. Environment: GITHUB_TOKEN, GITHUB_API_URL.
"""

RECORD_DESCRIPTION = """\
Record an apply of --sha to --env as a GitHub Deployment (task terraform-apply) and add --state as its
status. The deployment of the same workflow run attempt (GITHUB_RUN_ID.GITHUB_RUN_ATTEMPT, or
--run-key) is reused, so "in_progress" at the start and "success" or "failure" at the end are one
deployment. The newest successful one is where `plan verify --since-deployment` starts counting merged
pull requests. Environment: GITHUB_TOKEN, GITHUB_API_URL.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "apply", help="check an apply's requirements and record its outcome on GitHub",
        description="The apply workflow's GitHub side: requirements before, the record after.")
    actions = parser.add_subparsers(dest="apply_action", metavar="ACTION", parser_class=type(parser))
    actions.required = True

    check = actions.add_parser(
        "check", help="check that the merged pull request may be applied to an environment",
        description=CHECK_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Exit codes: 0 every requirement is met; 1 a requirement is not met (each one is "
        "named); 2 bad input (arguments, token missing or rejected, repository not found); "
        "3 GitHub failed.")
    _common(check)
    check.add_argument("--pr", type=int, metavar="N",
                       help="the pull request (default: the one GitHub associates with --sha as merged)")
    check.add_argument("--trusted-author", metavar="LOGIN",
                       help="the account whose plan comment is trusted (default: the token's own)")
    check.set_defaults(func=run_check)

    pull = actions.add_parser(
        "pr", help="print the number of the pull request merged as a commit (nothing if none)",
        description="Print the number of the pull request that GitHub associates with --sha as merged "
        "into --base; print nothing (and a warning on stderr) when the commit was not merged through "
        "a pull request. Environment: GITHUB_TOKEN, GITHUB_API_URL.",
        epilog="Exit codes: 0 printed (or nothing to print); 2 bad input; 3 GitHub failed.")
    pull.add_argument("--repo", required=True, metavar="OWNER/NAME", help="the GitHub repository")
    pull.add_argument("--sha", required=True, metavar="COMMIT", help="the pushed commit (full sha)")
    pull.add_argument("--base", default="main", metavar="BRANCH", help="the branch it was merged into")
    pull.set_defaults(func=run_pr)

    record = actions.add_parser(
        "record", help="record an apply (GitHub Deployment and status)", description=RECORD_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Exit codes: 0 recorded; 2 bad input; 3 GitHub failed.")
    _common(record)
    record.add_argument("--state", required=True, choices=["in_progress", "success", "failure", "error"],
                        help="the apply's state now")
    record.add_argument("--run-key", metavar="KEY",
                        help="which run this is (default GITHUB_RUN_ID.GITHUB_RUN_ATTEMPT)")
    record.add_argument("--log-url", metavar="URL", help="link to the run, shown on the deployment")
    record.add_argument("--description", metavar="TEXT", default="", help="the status's description")
    record.add_argument("--trusted-author", metavar="LOGIN", help=argparse.SUPPRESS)
    record.set_defaults(func=run_record)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repo", required=True, metavar="OWNER/NAME", help="the GitHub repository")
    parser.add_argument("--env", required=True, metavar="NAME", help="the environment")
    parser.add_argument("--sha", required=True, metavar="COMMIT", help="the commit applied (full sha)")


def run_check(args: argparse.Namespace) -> int:
    from pipeline_tools.apply.run import check

    return check(repo=args.repo, env=args.env, sha=args.sha, pr=args.pr, trusted_author=args.trusted_author)


def run_pr(args: argparse.Namespace) -> int:
    from pipeline_tools.apply.run import merged_pull

    return merged_pull(repo=args.repo, sha=args.sha, base=args.base)


def run_record(args: argparse.Namespace) -> int:
    from pipeline_tools.apply.run import record

    return record(repo=args.repo, env=args.env, sha=args.sha, state=args.state, run_key=args.run_key,
                  log_url=args.log_url, description=args.description, trusted_author=args.trusted_author)
