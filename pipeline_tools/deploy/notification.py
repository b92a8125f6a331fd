"""A deploy's result as a chat :class:`~pipeline_tools.notify.model.Notification`. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from pipeline_tools.core.ci import CIEnvironment
from pipeline_tools.deploy.outcome import DeployResult, Outcome
from pipeline_tools.notify.model import EventType, Field, Link, Notification, Status

_STATUS = {
    Outcome.COMPLETED: Status.SUCCESS,
    Outcome.STARTED: Status.INFO,
    Outcome.SKIPPED: Status.INFO,
    Outcome.FAILED: Status.FAILURE,
    Outcome.ROLLED_BACK: Status.FAILURE,
    Outcome.TIMED_OUT: Status.WARNING,
    Outcome.SUPERSEDED: Status.WARNING,
    Outcome.BUSY: Status.WARNING,
}
_RESULT_TEXT = {
    Outcome.COMPLETED: "completed",
    Outcome.STARTED: "started (not followed)",
    Outcome.SKIPPED: "skipped",
    Outcome.FAILED: "FAILED",
    Outcome.ROLLED_BACK: "FAILED, rolled back by the circuit breaker",
    Outcome.TIMED_OUT: "TIMED OUT (may still be rolling out)",
    Outcome.SUPERSEDED: "superseded by another deployment",
    Outcome.BUSY: "not started: another deploy is in progress",
}


def describe_image(image: str, tag: str = "") -> str:
    """``repo@sha256:abcdef...`` -> ``repo:tag @ sha256:abcdef123456`` (short digest)."""
    if not image:
        return "(unknown)"
    repository, sep, digest = image.rpartition("@")
    if not sep:
        return image
    short = digest[: len("sha256:") + 12]
    name = repository.rsplit("/", 1)[-1] if "/" in repository else repository
    if "." in repository.split("/", 1)[0]:
        name = repository.split("/", 1)[1]
    return f"{name}{':' + tag if tag else ''} @ {short}"


def console_url(result: DeployResult) -> str:
    region = result.region or "us-east-1"
    return (f"https://{region}.console.aws.amazon.com/ecs/v2/clusters/{quote(result.cluster, safe='')}"
            f"/services/{quote(result.service, safe='')}/deployments?region={region}")


def commit_url(commit: str, env: Mapping[str, str] | None = None) -> str:
    """A link to the commit when we know the repository (GitHub Actions sets these variables)."""
    return CIEnvironment.from_env(env).commit_url(commit)


def deploy_notification(result: DeployResult, env: Mapping[str, str] | None = None) -> Notification:
    where = f" to {result.environment}" if result.environment else ""
    title = f"{result.service}{where}: deploy {_RESULT_TEXT[result.outcome]}"
    fields = [
        Field("Service", f"{result.cluster}/{result.service} ({result.container})"),
        Field("Environment", result.environment or "-"),
        Field("Image", f"{describe_image(result.old_image, result.old_tag)} \u2192 "
                       f"{describe_image(result.new_image, result.new_tag)}"),
        Field("Result", _RESULT_TEXT[result.outcome]),
        Field("Duration", f"{result.duration_seconds:.0f} s"),
        Field("Trigger", result.trigger or "-"),
        Field("Old digest", result.old_image.rpartition("@")[2] or result.old_image or "-"),
        Field("New digest", result.new_image.rpartition("@")[2] or "-"),
    ]
    if result.deployment_id:
        fields.append(Field("Deployment", result.deployment_id))
    if result.task_definition_arn:
        fields.append(Field("Task definition", result.task_definition_arn.rsplit("/", 1)[-1]))
    links = [Link("ECS console", console_url(result))]
    commit = result.source_commit or CIEnvironment.from_env(env).sha
    url = commit_url(commit, env)
    if url:
        links.append(Link(f"commit {commit[:12]}", url))
        fields.append(Field("Commit", commit[:12]))
    details: list[str] = []
    if not result.outcome.is_success:
        details.extend(f"stopped task: {reason}" for reason in result.stopped_reasons)
        details.extend(f"service event: {message}" for message in result.service_events)
    return Notification(
        title=title,
        status=_STATUS[result.outcome],
        event_type=EventType.DEPLOY,
        fields=fields,
        links=links,
        reason="" if result.outcome.is_success else result.reason,
        details=details,
    )
