"""Wiring shared by the Lambda handler and ``pipeline-tools deploy``: event -> targets -> deploys
-> chat notifications."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline_tools.core.errors import ExternalError, InputError
from pipeline_tools.core.redaction import redact
from pipeline_tools.deploy import images, rollout, taskdef
from pipeline_tools.deploy.config import DeployConfig
from pipeline_tools.deploy.deployer import AwsClients, Deployer, DeployRequest
from pipeline_tools.deploy.events import Ignored, PushEvent, parse_event
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
        # A late event: the tag moved since this push. The tag's current digest (ECR is
        # authoritative about that) has its own event, which deploys it; this one does nothing,
        # so a late event can never move a service backwards.
        reason = (f"{parsed.repository}:{parsed.tag} now points at {image.digest}, not at this "
                  f"event's {parsed.digest}: the later push's event deploys it")
        log.info("event ignored: %s", reason)
        return EventReport(ignored=reason)
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
    request = verify_direct_image(request, config, clients)
    deployer = Deployer(clients=clients, lock=make_lock(config, clients),
                        timeout_seconds=config.timeout_seconds, wait=wait)
    result = deployer.deploy(request)
    if notifier is not None and _should_notify(result):
        notifier(result)
    return result


def verify_direct_image(request: DeployRequest, config: DeployConfig, clients: AwsClients) -> DeployRequest:
    """Check a direct request's image before anything in ECS changes; return the request with the
    image written as ``<this account's ECR repository URI>@sha256:...``.

    :class:`InputError` (exit 2) unless all of these hold:

    - the reference parses strictly (:func:`images.parse_image`: a private ECR registry host or
      none, an ECR repository name, a sha256 digest);
    - the cluster and service exist;
    - the repository is the one the deploy target names: the deploy targets parameter's entry for
      this cluster/service/container when one is configured, otherwise the ECR repository the
      container runs from now (the task's execution role may pull from that one only);
    - a registry host, if given, is this account's and region's ECR registry;
    - the digest exists in that repository (``ecr:DescribeImages``).

    A bare repository name (as release files hold it) is expanded to the repository URI: ECS would
    otherwise look for the image on Docker Hub.
    """
    from dataclasses import replace

    reference = images.parse_image(request.image)
    service = rollout.describe_service(clients.ecs, request.cluster, request.service)
    expected = _target_repository(request, config, clients, service)
    if reference.repository != expected:
        raise InputError(f"--image repository {reference.repository} is not {expected}, the repository "
                         f"the deploy target {request.cluster}/{request.service} ({request.container}) names")
    uri = images.repository_uri(clients.ecr, expected)
    registry = uri.partition("/")[0]
    if reference.registry and reference.registry != registry:
        raise InputError(f"--image registry {reference.registry} is not this account's ECR registry "
                         f"{registry}")
    if images.describe_image(clients.ecr, expected, digest=reference.digest) is None:
        raise InputError(f"ECR repository {expected} has no image {reference.digest}")
    return replace(request, image=f"{uri}@{reference.digest}")


def _cluster_name(cluster: str) -> str:
    # arn:aws:ecs:<region>:<account>:cluster/<name> -> <name>
    return cluster.rsplit("/", 1)[-1] if cluster.startswith("arn:") else cluster


def _target_repository(request: DeployRequest, config: DeployConfig, clients: AwsClients,
                       service: dict[str, Any]) -> str:
    """The ECR repository this cluster/service/container deploys from."""
    where = f"{request.cluster}/{request.service} container {request.container}"
    if config.targets_parameter:
        named = {
            target.repository
            for target in load_from_ssm(clients.get("ssm"), config.targets_parameter)
            if _cluster_name(target.cluster) == _cluster_name(request.cluster)
            and target.service == request.service and target.container == request.container
        }
        if not named:
            raise InputError(f"no deploy target in {config.targets_parameter} names {where}")
        if len(named) > 1:
            raise InputError(f"deploy targets in {config.targets_parameter} name several repositories "
                             f"for {where}: {', '.join(sorted(named))}")
        return named.pop()
    from botocore.exceptions import BotoCoreError, ClientError

    arn = str(service.get("taskDefinition") or "")
    try:
        definition = clients.ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
    except (BotoCoreError, ClientError) as exc:
        raise ExternalError(f"ECS describe_task_definition {arn} failed: {exc}") from exc
    running = taskdef.container_image(definition, request.container)
    try:
        reference = images.parse_image(running, "the running image")
    except InputError:
        reference = None
    if reference is None or not reference.registry:
        raise InputError(f"{where} runs {running}, not an ECR image by digest: name its repository in "
                         "a deploy target (DEPLOY_TARGETS_PARAMETER or --targets-parameter)")
    return reference.repository


def monotonic_budget(deadline_ms: Callable[[], int] | None, margin_seconds: float = 30.0) -> float | None:
    """Seconds left before a Lambda is killed, minus a margin to report a timeout ourselves."""
    if deadline_ms is None:
        return None
    try:
        return max(deadline_ms() / 1000.0 - margin_seconds, 1.0)
    except Exception:
        return None


