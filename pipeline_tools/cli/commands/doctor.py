"""``pipeline-tools doctor``: check the GitHub environment rules the AWS apply roles rely on."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "doctor",
        help="check that every GitHub environment the AWS roles trust restricts its branches",
        description="Reads the repository's environments and branch protection through the GitHub API "
        "(GITHUB_TOKEN, GITHUB_API_URL) and names every missing rule: each environment deploys from the "
        "protected branch only; the environments given with --reviewers also require reviewers. "
        "See docs/least-privilege.md.",
        epilog="exit codes: 0 all rules in place; 1 a rule is missing; 2 bad input; 3 GitHub failed.",
    )
    parser.add_argument("--repo", required=True, metavar="OWNER/REPO")
    parser.add_argument(
        "--environments",
        default="dev,staging,prod,drift",
        metavar="A,B,...",
        help="environments the roles trust (default dev,staging,prod,drift)",
    )
    parser.add_argument(
        "--reviewers",
        default="prod",
        metavar="A,B,...",
        help="environments that must require reviewers (default prod)",
    )
    parser.add_argument(
        "--branch", default="main", help="the protected branch applies run from (default main)"
    )
    parser.set_defaults(func=_run)


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _run(args: argparse.Namespace) -> int:
    import sys

    from pipeline_tools.core.errors import InputError
    from pipeline_tools.core.repository import parse_repo_name
    from pipeline_tools.doctor.model import Requirement
    from pipeline_tools.doctor.run import run

    repo = parse_repo_name(args.repo)
    environments = _names(args.environments)
    reviewers = set(_names(args.reviewers))
    if not environments:
        raise InputError("--environments names no environment")
    unknown = sorted(reviewers - set(environments))
    if unknown:
        raise InputError(f"--reviewers names environments not in --environments: {', '.join(unknown)}")
    requirements = [Requirement(name, name in reviewers) for name in environments]
    return run(None, repo, requirements, args.branch, sys.stdout)
