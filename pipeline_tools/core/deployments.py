"""Deployment facts read from AWS (ECS services, ECR images) as plain values.

The AWS integration (:mod:`pipeline_tools.integrations.aws_state`) returns them; promotion and
status reason about them. They live here so that neither side imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class DeploymentEvidence:
    """What the source environment's ECS service is really running."""

    env: str
    cluster: str
    service: str
    deployment_id: str | None
    rollout_state: str | None
    rollout_state_reason: str
    updated_at: datetime | None
    # Digests the service's tasks report running; when the emulator or ECS reports no task
    # digests, the digest pinned in the PRIMARY deployment's task definition.
    running_digests: tuple[str, ...]
    digest_source: str
    task_definition_arn: str
    # Deployments other than the PRIMARY one that are still present (a rollout in progress).
    other_deployments: int = 0


@dataclass(frozen=True)
class RegistryImage:
    repository: str
    digest: str
    tags: tuple[str, ...]
    pushed_at: datetime | None
