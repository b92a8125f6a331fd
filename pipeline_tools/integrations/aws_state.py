"""Reading what an environment really runs, from ECS and ECR (boto3).

Used by promotion (evidence and preconditions) and by ``pipeline-tools status``. Only reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pipeline_tools.core.deployments import DeploymentEvidence, RegistryImage
from pipeline_tools.core.errors import ExternalError
from pipeline_tools.core.redaction import redact


@contextmanager
def aws_errors(action: str) -> Iterator[None]:
    """Turn boto errors into one-line ExternalErrors (no traceback, secrets masked)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise ExternalError(redact(f"{action}: {error.get('Code', 'error')}: "
                                   f"{error.get('Message', '')}".rstrip(": "))) from None
    except BotoCoreError as exc:
        raise ExternalError(redact(f"{action}: {exc}")) from None


def digest_of_image(image: str) -> str | None:
    """``repo@sha256:...`` -> ``sha256:...``; None for an image pinned only by tag."""
    _, sep, digest = image.partition("@")
    return digest if sep and digest.startswith("sha256:") else None


def _absent(env: str, cluster: str, service: str, reason: str) -> DeploymentEvidence:
    return DeploymentEvidence(env=env, cluster=cluster, service=service, deployment_id=None,
                              rollout_state=None, rollout_state_reason=reason, updated_at=None,
                              running_digests=(), digest_source="none", task_definition_arn="")


def service_evidence(ecs: Any, *, env: str, cluster: str, service: str, container: str) -> DeploymentEvidence:
    from botocore.exceptions import ClientError

    with aws_errors(f"describing ECS service {service} in cluster {cluster}"):
        try:
            described = ecs.describe_services(cluster=cluster, services=[service])
        except ClientError as exc:
            # An environment that was never deployed is evidence (of nothing), not a failure.
            if exc.response.get("Error", {}).get("Code") == "ClusterNotFoundException":
                return _absent(env, cluster, service, f"cluster {cluster} not found")
            raise
    services = [s for s in described.get("services", []) if s.get("status") != "INACTIVE"]
    if not services:
        return _absent(env, cluster, service, "service not found")
    svc = services[0]
    deployments = svc.get("deployments", [])
    primary = next((d for d in deployments if d.get("status") == "PRIMARY"), None)
    # ECS keeps the service's taskDefinition equal to its PRIMARY deployment's; moto updates only
    # the former on update_service, so read that one.
    task_definition_arn = svc.get("taskDefinition") or (primary or {}).get("taskDefinition", "")

    running = _task_digests(ecs, cluster=cluster, service=service, container=container)
    source = "running tasks"
    if not running and task_definition_arn:
        with aws_errors(f"describing task definition {task_definition_arn}"):
            definition = ecs.describe_task_definition(taskDefinition=task_definition_arn)["taskDefinition"]
        images = [c.get("image", "") for c in definition.get("containerDefinitions", [])
                  if c.get("name") == container]
        digests = {d for d in (digest_of_image(i) for i in images) if d}
        running = digests
        source = "the service's task definition" if digests else "image not pinned by digest"

    return DeploymentEvidence(
        env=env,
        cluster=cluster,
        service=service,
        deployment_id=(primary or {}).get("id"),
        rollout_state=(primary or {}).get("rolloutState"),
        rollout_state_reason=(primary or {}).get("rolloutStateReason", ""),
        updated_at=(primary or {}).get("updatedAt"),
        running_digests=tuple(sorted(running)),
        digest_source=source,
        task_definition_arn=task_definition_arn,
        other_deployments=sum(1 for d in deployments if d is not primary and d.get("status") == "ACTIVE"),
    )


def _task_digests(ecs: Any, *, cluster: str, service: str, container: str) -> set[str]:
    with aws_errors(f"listing tasks of {service}"):
        listed = ecs.list_tasks(cluster=cluster, serviceName=service, desiredStatus="RUNNING")
    arns = listed.get("taskArns", [])
    digests: set[str] = set()
    for start in range(0, len(arns), 100):
        with aws_errors(f"describing tasks of {service}"):
            tasks = ecs.describe_tasks(cluster=cluster, tasks=arns[start:start + 100]).get("tasks", [])
        for task in tasks:
            for item in task.get("containers", []):
                if item.get("name") == container and item.get("imageDigest"):
                    digests.add(item["imageDigest"])
    return digests


def registry_image(ecr: Any, repository: str, digest: str) -> RegistryImage | None:
    from botocore.exceptions import ClientError

    missing = ("ImageNotFoundException", "RepositoryNotFoundException")
    with aws_errors(f"looking up {repository}@{digest}"):
        try:
            found = ecr.describe_images(repositoryName=repository, imageIds=[{"imageDigest": digest}])
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in missing:
                return None
            raise
    details = found.get("imageDetails", [])
    if not details:
        return None
    detail = details[0]
    return RegistryImage(repository=repository, digest=detail.get("imageDigest", digest),
                         tags=tuple(sorted(detail.get("imageTags", []))),
                         pushed_at=detail.get("imagePushedAt"))


def repository_url(ecr: Any, repository: str) -> str:
    with aws_errors(f"looking up ECR repository {repository}"):
        return ecr.describe_repositories(repositoryNames=[repository])["repositories"][0]["repositoryUri"]
