"""Follow one ECS deployment (by the id ``update_service`` returned) to its outcome.

boto3's ``services_stable`` waiter never looks at ``rolloutState``, so a service the circuit
breaker rolled back counts as "stable" there. We look at our deployment only:

- ``rolloutState`` COMPLETED while it is the PRIMARY deployment -> completed;
- FAILED and still PRIMARY -> failed (circuit breaker without rollback, or ECS gave up);
- FAILED, or gone, while another deployment became PRIMARY with a circuit-breaker reason
  ("rolling back to deploymentId ...") -> rolled back;
- replaced by a PRIMARY deployment nobody attributes to the circuit breaker -> superseded;
- none of these before the deadline -> timed out.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pipeline_tools.core.errors import ExternalError
from pipeline_tools.deploy.outcome import Outcome

DEFAULT_POLL_SECONDS = 10.0
MAX_SERVICE_EVENTS = 10
# describe_tasks takes at most 100 tasks per call; more stopped tasks than this add nothing.
MAX_STOPPED_TASKS = 100


@dataclass
class RolloutResult:
    outcome: Outcome
    reason: str
    service_events: list[str] = field(default_factory=list)
    stopped_reasons: list[str] = field(default_factory=list)


def pick_deployment_id(service: dict[str, Any], task_definition_arn: str) -> str:
    """The deployment ``update_service`` started: PRIMARY, preferably for our task definition."""
    deployments = service.get("deployments") or []
    primary = [d for d in deployments if d.get("status") == "PRIMARY"]
    for deployment in primary:
        if deployment.get("taskDefinition") == task_definition_arn:
            return str(deployment["id"])
    if primary:
        return str(primary[0]["id"])
    raise ExternalError(f"update_service returned no PRIMARY deployment for {service.get('serviceName')}")


def classify(service: dict[str, Any], deployment_id: str) -> tuple[Outcome | None, str]:
    """The outcome the service shows for our deployment, or None while it is still running."""
    deployments = service.get("deployments") or []
    ours = next((d for d in deployments if d.get("id") == deployment_id), None)
    primary = next((d for d in deployments if d.get("status") == "PRIMARY"), None)
    replaced_by = primary if primary is not None and primary.get("id") != deployment_id else None
    if ours is not None:
        state = ours.get("rolloutState")
        reason = str(ours.get("rolloutStateReason") or "")
        # ECS marks a deployment COMPLETED only once it was PRIMARY and reached steady state; a
        # later deployment replacing it does not undo that.
        if state == "COMPLETED":
            return Outcome.COMPLETED, reason
        if state == "FAILED":
            if replaced_by is not None and _is_rollback(replaced_by):
                return Outcome.ROLLED_BACK, _join(reason, replaced_by.get("rolloutStateReason"))
            return Outcome.FAILED, reason or "the deployment failed"
    if replaced_by is None:
        if ours is None:
            raise ExternalError(f"deployment {deployment_id} and any PRIMARY deployment are missing")
        return None, ""
    if _is_rollback(replaced_by):
        return Outcome.ROLLED_BACK, str(replaced_by.get("rolloutStateReason"))
    if ours is not None and ours.get("status") == "PRIMARY":
        return None, ""
    return Outcome.SUPERSEDED, (
        f"deployment {replaced_by.get('id')} (task definition {replaced_by.get('taskDefinition')}) "
        "replaced this one before it completed"
    )


def _is_rollback(deployment: dict[str, Any]) -> bool:
    # ECS words it "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/...".
    reason = str(deployment.get("rolloutStateReason") or "").lower()
    return "circuit breaker" in reason or "rolling back" in reason


def _join(*parts: object) -> str:
    return "; ".join(str(p) for p in parts if p)


def describe_service(ecs_client: Any, cluster: str, service: str) -> dict[str, Any]:
    from botocore.exceptions import BotoCoreError, ClientError

    from pipeline_tools.core.errors import InputError

    try:
        response = ecs_client.describe_services(cluster=cluster, services=[service])
    except ClientError as exc:
        # A cluster that does not exist is a wrong name (bad input), not AWS failing.
        if exc.response.get("Error", {}).get("Code", "") == "ClusterNotFoundException":
            raise InputError(f"ECS cluster {cluster} does not exist") from exc
        raise ExternalError(f"ECS describe_services {cluster}/{service} failed: {exc}") from exc
    except BotoCoreError as exc:
        raise ExternalError(f"ECS describe_services {cluster}/{service} failed: {exc}") from exc
    services = response.get("services") or []
    if not services or services[0].get("status") == "INACTIVE":
        raise InputError(f"ECS service {service} does not exist in cluster {cluster}")
    return services[0]


def follow(
    ecs_client: Any,
    cluster: str,
    service: str,
    deployment_id: str,
    task_definition_arn: str,
    *,
    started_at: datetime,
    timeout_seconds: float,
    poll_seconds: float = DEFAULT_POLL_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> RolloutResult:
    deadline = clock() + timeout_seconds
    last_state = ""
    while True:
        described = describe_service(ecs_client, cluster, service)
        outcome, reason = classify(described, deployment_id)
        if outcome is Outcome.COMPLETED:
            return RolloutResult(outcome, reason)
        if outcome is None:
            ours: dict[str, Any] = next(
                (d for d in described.get("deployments") or [] if d.get("id") == deployment_id), {})
            last_state = str(ours.get("rolloutStateReason") or ours.get("rolloutState") or "")
            if clock() >= deadline:
                outcome = Outcome.TIMED_OUT
                reason = (f"not finished after {timeout_seconds:.0f} s"
                          + (f" (last state: {last_state})" if last_state else ""))
            else:
                sleep(min(poll_seconds, max(deadline - clock(), 0.0)))
                continue
        return RolloutResult(
            outcome,
            reason,
            service_events=recent_events(described, started_at),
            stopped_reasons=stopped_task_reasons(ecs_client, cluster, service, task_definition_arn),
        )


def recent_events(service: dict[str, Any], since: datetime) -> list[str]:
    """Service event messages since the deploy started, most recent first (ECS's order)."""
    messages = []
    for event in service.get("events") or []:
        created = event.get("createdAt")
        if isinstance(created, datetime) and created.tzinfo is not None and created < since:
            continue
        messages.append(str(event.get("message", "")))
        if len(messages) >= MAX_SERVICE_EVENTS:
            break
    return messages


def stopped_task_reasons(ecs_client: Any, cluster: str, service: str, task_definition_arn: str) -> list[str]:
    """Why our revision's tasks stopped: distinct reasons with counts, most frequent first.

    Best effort: the outcome is already known, so a failure here must not hide it.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        arns: list[str] = []
        paginator = ecs_client.get_paginator("list_tasks")
        for page in paginator.paginate(cluster=cluster, serviceName=service, desiredStatus="STOPPED"):
            arns.extend(page.get("taskArns") or [])
            if len(arns) >= MAX_STOPPED_TASKS:
                break
        arns = arns[:MAX_STOPPED_TASKS]
        if not arns:
            return []
        tasks = ecs_client.describe_tasks(cluster=cluster, tasks=arns).get("tasks") or []
    except (BotoCoreError, ClientError) as exc:
        return [f"(could not list stopped tasks: {exc})"]
    counts: Counter[str] = Counter()
    for task in tasks:
        if task.get("taskDefinitionArn") not in (None, task_definition_arn):
            continue
        reason = str(task.get("stoppedReason") or "no stoppedReason given")
        container_reasons = sorted({
            str(c["reason"]) for c in task.get("containers") or [] if c.get("reason")
        })
        if container_reasons:
            reason = f"{reason}: {'; '.join(container_reasons)}"
        counts[reason] += 1
    return [f"{reason} ({count} task{'s' if count != 1 else ''})" for reason, count in counts.most_common()]
