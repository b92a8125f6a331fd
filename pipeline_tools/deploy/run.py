"""Wiring shared by the Lambda handler and ``pipeline-tools deploy``: event -> targets -> deploys
-> chat notifications."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline_tools.core.errors import InputError
from pipeline_tools.core.redaction import redact
from pipeline_tools.deploy import images
from pipeline_tools.deploy.config import DeployConfig
from pipeline_tools.deploy.deployer import AwsClients, Deployer, DeployRequest
from pipeline_tools.deploy.events import Ignored, PushEvent, parse_event, repository_name, split_image
from pipeline_tools.deploy.lock import DeployLock, DynamoDBLock, NoLock
from pipeline_tools.deploy.outcome import DeployResult, Outcome, combined_exit_code
from pipeline_tools.deploy.targets import load_from_ssm, matching_targets

log = logging.getLogger("pipeline_tools.deploy")


@dataclass
class EventReport:
    ignored: str = ""
    results: list[DeployResult] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return combined_exit_code(self.results)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ignored": self.ignored,
            "exit_code": self.exit_code,
            "results": [r.to_dict() for r in self.results],
        }


def make_lock(config: DeployConfig, clients: AwsClients) -> DeployLock:
    if config.lock_table:
        return DynamoDBLock(clients.get("dynamodb"), config.lock_table)
    return NoLock()


Notifier = Callable[[DeployResult], None]


def notify_result(result: DeployResult, env: Mapping[str, str] | None = None) -> None:
    """Report one deploy to the configured chat channels; never raises (a chat outage must not
    fail a deploy)."""
    try:
        from pipeline_tools import notify
        from pipeline_tools.deploy.notification import deploy_notification

        notify.send(deploy_notification(result), env=env)
    except Exception as exc:  # best effort by design; the deploy outcome stands
        log.warning("deploy notification failed: %s", redact(f"{type(exc).__name__}: {exc}"))


def _should_notify(result: DeployResult) -> bool:
    # Skips (duplicates, older images) and lock contention (retried later) are not news.
    return result.outcome not in (Outcome.SKIPPED, Outcome.BUSY)


def handle_event(
    event: Any,
    config: DeployConfig,
    *,
    clients: AwsClients | None = None,
    deployer: Deployer | None = None,
    notifier: Notifier | None = notify_result,
    timeout_seconds: float | None = None,
    wait: bool = True,
) -> EventReport:
    parsed = parse_event(event)
    if isinstance(parsed, Ignored):
        log.info("event ignored: %s", parsed.reason)
        return EventReport(ignored=parsed.reason)
    if not config.targets_parameter:
        raise InputError("DEPLOY_TARGETS_PARAMETER is not set: cannot tell which services this push deploys")
    clients = clients or AwsClients()
    targets = matching_targets(load_from_ssm(clients.get("ssm"), config.targets_parameter),
                               parsed.repository, parsed.tag)
    if not targets:
        reason = f"no deploy target matches {parsed.repository}:{parsed.tag}"
        log.info("event ignored: %s", reason)
        return EventReport(ignored=reason)
    image = images.resolve_tag(clients.ecr, parsed.repository, parsed.tag)
    if parsed.digest and parsed.digest != image.digest:
        # Out of order: the tag moved since this event. Deploying what it points at now is what
        # the later push's event would do too; the handled record makes that one a no-op.
        log.info("tag %s:%s now points at %s (event said %s)", parsed.repository, parsed.tag,
                 image.digest, parsed.digest)
    uri = images.repository_uri(clients.ecr, parsed.repository)
    deployer = deployer or Deployer(
        clients=clients, lock=make_lock(config, clients),
        timeout_seconds=timeout_seconds or config.timeout_seconds, wait=wait,
    )
    report = EventReport()
    for target in targets:
        request = DeployRequest(
            cluster=target.cluster,
            service=target.service,
            container=target.container,
            image=f"{uri}@{image.digest}",
            environment=target.environment,
            tag=parsed.tag,
            trigger=_trigger(parsed),
            from_event=True,
        )
        result = deployer.deploy(request)
        log.info("deploy %s/%s: %s%s", target.cluster, target.service, result.outcome.value,
                 f" ({result.reason})" if result.reason else "")
        report.results.append(result)
        if notifier is not None and _should_notify(result):
            notifier(result)
    return report


def _trigger(event: PushEvent) -> str:
    when = f" at {event.time}" if event.time else ""
    return f"ECR push of {event.repository}:{event.tag}{when}"


def deploy_direct(
    request: DeployRequest,
    config: DeployConfig,
    *,
    wait: bool = True,
    clients: AwsClients | None = None,
    notifier: Notifier | None = notify_result,
) -> DeployResult:
    clients = clients or AwsClients()
    request = with_registry(request, clients)
    deployer = Deployer(clients=clients, lock=make_lock(config, clients),
                        timeout_seconds=config.timeout_seconds, wait=wait)
    result = deployer.deploy(request)
    if notifier is not None and _should_notify(result):
        notifier(result)
    return result


def with_registry(request: DeployRequest, clients: AwsClients) -> DeployRequest:
    """``platform/api@sha256:...`` (a bare ECR repository name, as release files hold it) becomes
    ``<account>.dkr.ecr.<region>.amazonaws.com/platform/api@sha256:...``: ECS would otherwise
    look for the image on Docker Hub. References with a registry host are used as given."""
    from dataclasses import replace

    repository, digest = split_image(request.image)
    if repository_name(repository) != repository:
        return request
    uri = images.repository_uri(clients.ecr, repository)
    return replace(request, image=f"{uri}@{digest}")


def monotonic_budget(deadline_ms: Callable[[], int] | None, margin_seconds: float = 30.0) -> float | None:
    """Seconds left before a Lambda is killed, minus a margin to report a timeout ourselves."""
    if deadline_ms is None:
        return None
    try:
        return max(deadline_ms() / 1000.0 - margin_seconds, 1.0)
    except Exception:
        return None


