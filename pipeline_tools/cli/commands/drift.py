"""``pipeline-tools drift report``: keep one GitHub issue per drifting environment up to date."""

from __future__ import annotations

import argparse

EPILOG = """\
--exit-code is terraform plan -detailed-exitcode's: 0 no changes (the environment's drift issue,
if any, is closed), 2 changes (the issue is created or updated from the plan), 1 the plan failed
(reported to chat). A chat message is sent when an issue is opened, changes or is closed.

exit codes: 0 no drift; 1 drift reported; 2 bad input; 3 the plan failed, or GitHub failed.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "drift",
        help="report drift found by the scheduled plan: one GitHub issue per environment, and chat",
        description="Report the result of a scheduled drift check.",
    )
    actions = parser.add_subparsers(dest="drift_action", metavar="ACTION", parser_class=type(parser))
    actions.required = True
    report = actions.add_parser(
        "report",
        help="open, update or close the environment's drift issue from a plan",
        description="Open, update or close the environment's drift issue from a plan.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    report.add_argument("--repo", metavar="OWNER/NAME",
                        help="GitHub repository (default: $GITHUB_REPOSITORY)")
    report.add_argument("--env", required=True, metavar="NAME", help="environment checked")
    report.add_argument("--plan", metavar="PLAN_JSON", help="terraform show -json of the drift plan")
    report.add_argument("--exit-code", type=int, required=True, choices=[0, 1, 2], metavar="N",
                        help="the exit code of terraform plan -detailed-exitcode")
    report.add_argument("--run-url", metavar="URL", help="link to the run, for the chat message")
    report.add_argument("--dry-run", action="store_true", help="print the issue instead of writing it")
    report.set_defaults(func=_report)


def _report(args: argparse.Namespace) -> int:
    from pipeline_tools.core.ci import CIEnvironment
    from pipeline_tools.core.repository import parse_repo_name
    from pipeline_tools.drift.run import report

    repo = parse_repo_name(args.repo or CIEnvironment.from_env().repository)
    return report(env=args.env, exit_code=args.exit_code, plan_path=args.plan, repo=repo,
                  run_url=args.run_url, dry_run=args.dry_run)
