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
    import os
    import sys

    from pipeline_tools import drift
    from pipeline_tools.errors import ExitCode, ExternalError, InputError

    if args.exit_code == 2 and not args.plan:
        raise InputError("--plan PLAN_JSON is required when --exit-code is 2")
    summary_markdown = ""
    counts = ""
    if args.plan:
        from pipeline_tools.plan.load import load_plan
        from pipeline_tools.plan.model import summarize
        from pipeline_tools.render.markdown import render_plan_markdown

        summary = summarize(load_plan(args.plan))
        summary_markdown = render_plan_markdown(summary, env=args.env, max_chars=drift.SUMMARY_BUDGET)
        c = summary.counts
        counts = f"{c.add} to add, {c.change} to change, {c.destroy} to destroy"

    from pipeline_tools.adapters.github import GitHub, parse_repo_name

    repo = parse_repo_name(args.repo or os.environ.get("GITHUB_REPOSITORY", ""))
    if args.dry_run:
        if args.exit_code == 2:
            sys.stdout.write(f"would open or update: {drift.issue_title(args.env)}\n\n")
            sys.stdout.write(drift.issue_body(args.env, summary_markdown))
        elif args.exit_code == 0:
            sys.stdout.write(f"would close the drift issue of {args.env}, if one is open\n")
        else:
            sys.stdout.write(f"would report that the drift check of {args.env} failed\n")
        return ExitCode.OK

    if args.exit_code == 1:
        _notify(args.env, "error", "the drift check's terraform plan failed", None, run_url=args.run_url)
        raise ExternalError(f"the drift check of {args.env} failed (terraform plan exited 1); "
                            "reported to chat")
    github = GitHub.from_env()
    if args.exit_code == 0:
        closed = github.close_issue(repo, drift.marker(args.env),
                                    comment=drift.resolved_comment(args.env, args.run_url))
        if closed is not None:
            _notify(args.env, "resolved", f"issue #{closed.number} closed", closed.url)
            sys.stdout.write(f"no drift in {args.env}; closed {closed.url}\n")
        else:
            sys.stdout.write(f"no drift in {args.env}\n")
        return ExitCode.OK
    issue = github.upsert_issue(repo, drift.marker(args.env), drift.issue_title(args.env),
                                drift.issue_body(args.env, summary_markdown),
                                labels=(drift.ISSUE_LABEL, f"env:{args.env}"))
    if issue.action != "unchanged":
        _notify(args.env, "detected" if issue.action == "created" else "changed", counts,
                issue.url, run_url=args.run_url)
    sys.stdout.write(f"drift in {args.env}: issue {issue.action}: {issue.url}\n")
    return ExitCode.FAILED


def _notify(env: str, what: str, summary: str, url: str | None, run_url: str | None = None) -> None:
    from pipeline_tools.notify import send
    from pipeline_tools.notify.model import EventType, Field, Link, Notification, Status

    status = {"detected": Status.WARNING, "changed": Status.WARNING, "resolved": Status.SUCCESS,
              "error": Status.FAILURE}[what]
    links = [Link("Issue", url)] if url else []
    if run_url and run_url != url:
        links.append(Link("Run", run_url))
    send(Notification(title=f"Drift {what} in {env}", status=status, event_type=EventType.DRIFT,
                      summary=summary, fields=[Field("Environment", env)], links=links))
