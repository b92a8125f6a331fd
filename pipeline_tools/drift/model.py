"""Drift reports: one GitHub issue per drifting environment, kept up to date, and a chat message.

``drift.yml`` runs ``terraform plan -detailed-exitcode`` per environment on a schedule and hands
the result to ``pipeline-tools drift report``. The issue body carries no timestamps, so an
unchanged drift leaves the issue unchanged and sends no new chat message.
"""

from __future__ import annotations

from dataclasses import dataclass

ISSUE_LABEL = "drift"
# The issue body may not exceed GitHub's 65,536 characters; leave room for the header.
SUMMARY_BUDGET = 60_000


def marker(env: str) -> str:
    return f"<!-- pipeline-tools:drift env={env} -->"


def issue_title(env: str) -> str:
    return f"Drift detected in {env}"


def issue_body(env: str, summary_markdown: str) -> str:
    return (
        f"{marker(env)}\n"
        f"Terraform reports that **{env}** differs from its configuration: the real infrastructure "
        "changed outside of Terraform, or the configuration changed without being applied.\n\n"
        "This issue is kept up to date by the scheduled drift check and closed by it once the "
        f"environment is back in line. See `runbooks/responding-to-drift.md`.\n\n{summary_markdown}\n"
    )


def resolved_comment(env: str, run_url: str | None) -> str:
    where = f" ([drift check]({run_url}))" if run_url else ""
    return f"No drift in **{env}** any more{where}. Closing."


@dataclass(frozen=True)
class DriftOutcome:
    env: str
    state: str  # "drift", "none", "error"
    issue_action: str  # created / updated / unchanged / closed / none
    issue_url: str | None
