"""The status of one environment as data: each service's running and released digests and its
deployment, the last apply, drift; and whether all of it is healthy. Pure."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from pipeline_tools.core.deployments import DeploymentEvidence


@dataclass
class ServiceStatus:
    service: str
    release_digest: str
    release_tag: str
    running_digests: list[str]
    digest_source: str
    deployment_id: str | None
    rollout_state: str | None
    rollout_state_reason: str
    updated_at: str | None
    # False when the release file has no entry for the service or only the all-zero placeholder:
    # the platform creates such a service with zero tasks, so there is nothing to be in sync with.
    released: bool = True

    @property
    def in_sync(self) -> bool:
        return self.released and self.running_digests == [self.release_digest]


@dataclass
class LastApply:
    state_location: str
    last_modified: str | None
    serial: int | None
    terraform_version: str | None
    error: str = ""


@dataclass
class EnvironmentStatus:
    env: str
    services: list[ServiceStatus] = field(default_factory=list)
    last_apply: LastApply | None = None
    drift: str = "not checked"  # "none", "drift", "not checked", or "error: ..."

    @property
    def healthy(self) -> bool:
        return (all(s.in_sync and s.rollout_state == "COMPLETED" for s in self.services if s.released)
                and self.drift in ("none", "not checked"))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for item, service in zip(data["services"], self.services, strict=True):
            item["in_sync"] = service.in_sync
        data["healthy"] = self.healthy
        return data


def unreleased_status(service: str, release_digest: str) -> ServiceStatus:
    """A service the environment declares that has no release yet (``release_digest`` is the
    placeholder, or empty when the release file has no entry)."""
    return ServiceStatus(service=service, release_digest=release_digest, release_tag="", running_digests=[],
                         digest_source="", deployment_id=None, rollout_state=None, rollout_state_reason="",
                         updated_at=None, released=False)


def service_status(evidence: DeploymentEvidence, release_digest: str, release_tag: str) -> ServiceStatus:
    return ServiceStatus(
        service=evidence.service,
        release_digest=release_digest,
        release_tag=release_tag,
        running_digests=list(evidence.running_digests),
        digest_source=evidence.digest_source,
        deployment_id=evidence.deployment_id,
        rollout_state=evidence.rollout_state,
        rollout_state_reason=evidence.rollout_state_reason,
        updated_at=evidence.updated_at.isoformat() if isinstance(evidence.updated_at, datetime) else None,
    )
