"""``pipeline-tools promote``: promote the exact digest one environment verified into the next."""

from __future__ import annotations

import argparse

EPILOG = """\
exit codes: 0 pull request opened (or, with --dry-run, every precondition holds);
1 a precondition does not hold (nothing was changed); 2 bad input; 3 AWS, GitHub or terraform failed.

'promote report --pr N --state success|failure' records the outcome of a merged promotion
(GitHub Deployment status and chat message); the apply workflow calls it after applying.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "promote",
        help="promote the digest an environment verified to the next one, through a pull request",
        description="Open a pull request that changes only the target environment's release file "
        "to the exact image digest the source environment runs and verified. Every precondition "
        "fails closed with its own message.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("action", nargs="?", choices=["report"],
                        help="'report': record the outcome of a merged promotion pull request")
    parser.add_argument("--from", dest="source_env", metavar="ENV", help="source environment, e.g. staging")
    parser.add_argument("--to", dest="target_env", metavar="ENV", help="target environment, e.g. prod")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--service", action="append", metavar="NAME",
                       help="service to promote (repeatable)")
    which.add_argument("--all", action="store_true", help="promote every service of the source release file")
    parser.add_argument("--expected-digest", metavar="sha256:...",
                        help="refuse unless the source environment's release digest is this one")
    parser.add_argument("--digest", metavar="sha256:...",
                        help="promote this digest instead of the source's (rollback to an earlier image)")
    parser.add_argument("--reason", default="", metavar="TEXT", help="why: shown in the pull request")
    parser.add_argument("--dry-run", action="store_true",
                        help="print what would change and which preconditions hold; touch nothing")
    parser.add_argument("--soak-minutes", type=float, metavar="N",
                        help="how long the source deployment must have been stable "
                        "(default: $PIPELINE_TOOLS_SOAK_MINUTES, else 30)")
    parser.add_argument("--repo", metavar="OWNER/NAME",
                        help="GitHub repository (default: $GITHUB_REPOSITORY)")
    parser.add_argument("--base", default="main", metavar="BRANCH", help="base branch (default main)")
    parser.add_argument("--environments-dir", default="environments", metavar="DIR",
                        help="directory holding the environment roots (default: environments)")
    parser.add_argument("--project",
                        help="project prefix: ECS clusters are named PROJECT-ENV (default: the clusters "
                        "pipeline-tools.yml names for its stages, PROJECT-ENV for any other environment)")
    parser.add_argument("--backend-config", action="append", default=[], metavar="KEY=VALUE",
                        help="passed to 'terraform init -backend-config' for the target root (repeatable)")
    parser.add_argument("--pr", type=int, metavar="N", help="with 'report': the promotion pull request")
    parser.add_argument("--state", choices=["success", "failure"], help="with 'report': the outcome")
    parser.add_argument("--log-url", metavar="URL", help="with 'report': link to the run that applied it")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pipeline_tools.core.ci import CIEnvironment
    from pipeline_tools.core.errors import InputError

    repo = args.repo or CIEnvironment.from_env().repository
    if args.action == "report":
        from pipeline_tools.promote.run import report

        if args.pr is None or args.state is None:
            raise InputError("promote report needs --pr N and --state success|failure")
        return report(repo=repo, pr=args.pr, state=args.state, log_url=args.log_url)
    if not args.source_env or not args.target_env:
        raise InputError("promote needs --from ENV and --to ENV")
    if not args.service and not args.all:
        raise InputError("say which services to promote: --service NAME or --all")
    from pipeline_tools.promote.run import promote

    project, clusters = args.project, {}
    if project is None:
        from pipeline_tools.config import load_config

        config = load_config(repo_root=Path.cwd())
        project, clusters = config.project, config.clusters()
    return promote(
        source_env=args.source_env, target_env=args.target_env,
        services=None if args.all else args.service, expected_digest=args.expected_digest,
        digest=args.digest, reason=args.reason, soak_minutes=args.soak_minutes, repo=repo, base=args.base,
        environments_dir=Path(args.environments_dir), project=project, clusters=clusters,
        backend_config=args.backend_config, dry_run=args.dry_run,
    )
