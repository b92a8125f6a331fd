"""``pipeline-tools apply record`` and ``apply check``: the apply's record and its requirements."""

from __future__ import annotations

import argparse
import re
import sys

_SHA = re.compile(r"^[0-9a-fA-F]{7,64}$")

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


def _validated(args: argparse.Namespace):  # -> (GitHub, repo)
    from pipeline_tools.comment.markers import valid_env_name
    from pipeline_tools.core.errors import InputError
    from pipeline_tools.integrations.github import GitHub, parse_repo_name

    repo = parse_repo_name(args.repo)
    if not valid_env_name(args.env):
        raise InputError(f"invalid environment name {args.env!r}")
    if not _SHA.match(args.sha):
        raise InputError(f"invalid --sha {args.sha!r}: expected a hexadecimal commit id")
    if getattr(args, "pr", None) is not None and args.pr < 1:
        raise InputError(f"invalid pull request number {args.pr}")
    kwargs = {"trusted_author": args.trusted_author} if args.trusted_author else {}
    return GitHub.from_env(**kwargs), repo


def run_check(args: argparse.Namespace) -> int:
    from pipeline_tools.apply.check import check_apply
    from pipeline_tools.core.errors import VerdictError

    github, repo = _validated(args)
    result = check_apply(github, repo, env=args.env, sha=args.sha.lower(), pr=args.pr)
    where = f"pull request #{result.pull_request}" if result.pull_request else f"commit {args.sha[:12]}"
    for item in result.met:
        sys.stdout.write(f"ok: {item}\n")
    for item in result.unmet:
        sys.stdout.write(f"NOT MET: {item}\n")
    if result.unmet:
        raise VerdictError(f"{where} may not be applied to {args.env}: {'; '.join(result.unmet)}")
    sys.stdout.write(f"{where} may be applied to {args.env}\n")
    return 0


def run_pr(args: argparse.Namespace) -> int:
    from pipeline_tools.core.errors import InputError
    from pipeline_tools.integrations.github import GitHub, parse_repo_name

    repo = parse_repo_name(args.repo)
    if not _SHA.match(args.sha):
        raise InputError(f"invalid --sha {args.sha!r}: expected a hexadecimal commit id")
    merged = [p for p in GitHub.from_env().pulls_of_commit(repo, args.sha.lower()) if p.base == args.base]
    if not merged:
        import os

        # In GitHub Actions, as an annotation on the run.
        prefix = "::warning::" if os.environ.get("GITHUB_ACTIONS") == "true" else "warning: "
        sys.stderr.write(f"{prefix}{args.sha[:12]} was not merged into {args.base} through a pull request: "
                         "there is no reviewed plan, so nothing will be applied\n")
        return 0
    sys.stdout.write(f"{merged[0].number}\n")
    return 0


def run_record(args: argparse.Namespace) -> int:
    from pipeline_tools.apply.records import record_apply, run_key_from_env
    from pipeline_tools.core.errors import InputError

    github, repo = _validated(args)
    run_key = args.run_key if args.run_key is not None else run_key_from_env()
    if run_key and not re.match(r"^\d{1,20}(?:\.\d{1,20}){0,3}$", run_key):
        raise InputError(f"invalid --run-key {run_key!r}: expected dot-separated integers")
    if args.log_url and not re.match(r"^https?://[^\s<>\"'`]+$", args.log_url):
        raise InputError(f"invalid --log-url {args.log_url!r}: expected an http(s) URL")
    recorded = record_apply(github, repo, env=args.env, sha=args.sha.lower(), state=args.state,
                            run_key=run_key, log_url=args.log_url, description=args.description[:140])
    sys.stdout.write(f"deployment {recorded.deployment_id} ({recorded.action}) of {args.sha[:12]} to "
                     f"{args.env}: {recorded.state}\n")
    return 0
