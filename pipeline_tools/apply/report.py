"""``apply report``'s model: what an apply job's step outcomes add up to, and how it is said. Pure.

The apply job's steps (check the requirements, compare with the reviewed plans, apply, roll out)
each end as GitHub reports a step outcome: ``success``, ``failure``, ``cancelled`` or ``skipped``
(empty when the step never ran). The verdict follows the first one that did not succeed, in that
order: a refusal is named as a refusal, not as a failed apply.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline_tools.notify.model import EventType, Field, Link, Notification, Status

STEP_OUTCOMES = ("success", "failure", "cancelled", "skipped", "")
MARKER_PREFIX = "<!-- pipeline-tools:apply-report"


@dataclass(frozen=True)
class StepOutcomes:
    check: str
    verify: str
    apply: str
    deploy: str


@dataclass(frozen=True)
class ApplyVerdict:
    # notify's statuses: success, warning, failure.
    status: str
    result: str
    # Whether the environment's new state went out whole (applied and rolled out): a promotion
    # merged into this environment is recorded as a success only then.
    delivered: bool


def verdict(steps: StepOutcomes) -> ApplyVerdict:
    if steps.check == "failure":
        return ApplyVerdict("failure", "REFUSED: the merged pull request does not meet the apply's "
                            "requirements", False)
    if steps.verify == "failure":
        return ApplyVerdict("failure", "REFUSED: the plan of the merged commit is not the plan that "
                            "was reviewed", False)
    if steps.apply == "success" and steps.deploy == "success":
        return ApplyVerdict("success", "applied", True)
    if steps.apply == "success":
        return ApplyVerdict("warning", "applied, but rolling out the services failed", False)
    if "cancelled" in (steps.check, steps.verify, steps.apply):
        return ApplyVerdict("failure", "CANCELLED before or during apply", False)
    return ApplyVerdict("failure", "FAILED before or during apply", False)


def refusal_reason(verdict_: ApplyVerdict, log_text: str) -> str:
    """The last line of the check's or verify's output (it names what was not met), for a refusal."""
    if not verdict_.result.startswith("REFUSED"):
        return ""
    lines = [line.strip() for line in log_text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def marker(env: str) -> str:
    """The line that makes the pull request's apply comment for ``env`` one comment, edited on
    re-runs."""
    return f"{MARKER_PREFIX} env={env} -->"


def render_message(env: str, verdict_: ApplyVerdict, *, run_url: str, reason: str) -> str:
    """The job summary's line (and the comment's text): what happened, with the run's link."""
    where = f" ({run_url})" if run_url else ""
    message = f"terraform apply {env}: {verdict_.result}{where}"
    return f"{message}\n{reason}" if reason else message


def render_comment(env: str, message: str) -> str:
    return f"{marker(env)}\n{message}\n"



def notification(env: str, verdict_: ApplyVerdict, *, sha: str, run_url: str, pull_url: str,
                 reason: str) -> Notification:
    """The chat message (notify's ``apply`` event)."""
    links = [Link("Run", run_url)] if run_url else []
    if pull_url:
        links.append(Link("Pull request", pull_url))
    return Notification(
        title=f"terraform apply {env}: {verdict_.result}", status=Status(verdict_.status),
        event_type=EventType.APPLY,
        fields=[Field("Environment", env), Field("Commit", sha[:12])],
        links=links, reason=reason,
    )
