"""``pipeline-tools drift report``'s I/O shell: read the plan, then open, update or close the
environment's drift issue and tell chat. The GitHub client and the chat sender are passed in."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from pipeline_tools.core.errors import ExitCode, ExternalError, InputError
from pipeline_tools.drift import model as drift

if TYPE_CHECKING:
    from pipeline_tools.integrations.github import GitHub
    from pipeline_tools.notify.model import Notification


def report(
    *,
    env: str,
    exit_code: int,
    plan_path: str | None,
    repo: str,
    run_url: str | None,
    dry_run: bool,
    github: Callable[[], GitHub] | None = None,
    send: Callable[[Notification], Any] | None = None,
    out: TextIO = sys.stdout,
) -> int:
    """Report one drift check; ``exit_code`` is terraform plan -detailed-exitcode's.

    ``github`` builds the client only when it is needed (not for a dry run or a failed plan), so
    those need no token; default: from GITHUB_TOKEN/GITHUB_API_URL. ``send`` delivers a chat
    message (default: :func:`pipeline_tools.notify.send`). Returns 0 (no drift) or 1 (drift
    reported); raises on failure.
    """
    make_github = github or _github_from_env
    deliver = send or _send_to_chat
    if exit_code == 2 and not plan_path:
        raise InputError("--plan PLAN_JSON is required when --exit-code is 2")
    summary_markdown = ""
    counts = ""
    if plan_path:
        from pipeline_tools.plan.load import load_plan
        from pipeline_tools.plan.model import summarize
        from pipeline_tools.plan.render.markdown import render_plan_markdown

        summary = summarize(load_plan(plan_path))
        summary_markdown = render_plan_markdown(summary, env=env, max_chars=drift.SUMMARY_BUDGET)
        c = summary.counts
        counts = f"{c.add} to add, {c.change} to change, {c.destroy} to destroy"

    if dry_run:
        if exit_code == 2:
            out.write(f"would open or update: {drift.issue_title(env)}\n\n")
            out.write(drift.issue_body(env, summary_markdown))
        elif exit_code == 0:
            out.write(f"would close the drift issue of {env}, if one is open\n")
        else:
            out.write(f"would report that the drift check of {env} failed\n")
        return ExitCode.OK

    if exit_code == 1:
        deliver(notification(env, "error", "the drift check's terraform plan failed", None, run_url=run_url))
        raise ExternalError(f"the drift check of {env} failed (terraform plan exited 1); "
                            "reported to chat")
    client = make_github()
    if exit_code == 0:
        closed = client.close_issue(repo, drift.marker(env), comment=drift.resolved_comment(env, run_url))
        if closed is not None:
            deliver(notification(env, "resolved", f"issue #{closed.number} closed", closed.url))
            out.write(f"no drift in {env}; closed {closed.url}\n")
        else:
            out.write(f"no drift in {env}\n")
        return ExitCode.OK
    issue = client.upsert_issue(repo, drift.marker(env), drift.issue_title(env),
                                drift.issue_body(env, summary_markdown),
                                labels=(drift.ISSUE_LABEL, f"env:{env}"))
    if issue.action != "unchanged":
        deliver(notification(env, "detected" if issue.action == "created" else "changed", counts,
                          issue.url, run_url=run_url))
    out.write(f"drift in {env}: issue {issue.action}: {issue.url}\n")
    return ExitCode.FAILED


def _github_from_env() -> GitHub:
    from pipeline_tools.integrations.github import GitHub

    return GitHub.from_env()


def _send_to_chat(message: Notification) -> object:
    from pipeline_tools.notify import send

    return send(message)


def notification(env: str, what: str, summary: str, url: str | None,
                 run_url: str | None = None) -> Notification:
    """The chat message for a drift event: detected, changed, resolved or error."""
    from pipeline_tools.notify.model import EventType, Field, Link, Notification, Status

    status = {"detected": Status.WARNING, "changed": Status.WARNING, "resolved": Status.SUCCESS,
              "error": Status.FAILURE}[what]
    links = [Link("Issue", url)] if url else []
    if run_url and run_url != url:
        links.append(Link("Run", run_url))
    return Notification(title=f"Drift {what} in {env}", status=status, event_type=EventType.DRIFT,
                        summary=summary, fields=[Field("Environment", env)], links=links)
