"""``pipeline-tools status``: what an environment runs, what its release file says, when it was
last applied and whether it drifted. Gathering is done through the adapters; the report is data.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline_tools.errors import ExternalError, InputError
from pipeline_tools.promote.model import DeploymentEvidence, short
from pipeline_tools.release import load_releases, release_file


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
    return ServiceStatus(service=service, release_digest=release_digest, release_tag="", running_digests=[],
                         digest_source="", deployment_id=None, rollout_state=None, rollout_state_reason="",
                         updated_at=None, released=False)


def declared_services(root: Path) -> list[str]:
    """The services ``terraform.tfvars`` declares (``services = { name = {...} }``), if it does."""
    path = root / "terraform.tfvars"
    if not path.is_file():
        return []
    import hcl2

    try:
        with path.open() as handle:
            parsed = hcl2.load(handle)
    except Exception as exc:  # python-hcl2 raises lark errors of many kinds
        raise InputError(f"cannot parse {path}: {type(exc).__name__}") from None
    services = parsed.get("services")
    return sorted(services) if isinstance(services, dict) else []


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


def backend_settings(root: Path, overrides: Mapping[str, str]) -> dict[str, str]:
    """The S3 backend's bucket and key: backend.tf's values, overridden by -backend-config pairs."""
    settings: dict[str, str] = {}
    backend_file = root / "backend.tf"
    if backend_file.exists():
        import hcl2

        try:
            with backend_file.open() as handle:
                parsed = hcl2.load(handle)
        except Exception as exc:  # python-hcl2 raises lark errors of many kinds
            raise InputError(f"cannot parse {backend_file}: {type(exc).__name__}") from None
        for block in parsed.get("terraform", []):
            for backend in block.get("backend", []):
                s3_settings = backend.get("s3", {})
                settings.update({k: str(v) for k, v in s3_settings.items() if isinstance(v, str | int)})
    settings.update(overrides)
    return settings


def last_apply(s3: Any, bucket: str, key: str) -> LastApply:
    from botocore.exceptions import BotoCoreError, ClientError

    location = f"s3://{bucket}/{key}"
    try:
        response = s3.get_object(Bucket=bucket, Key=key)
        state = json.loads(response["Body"].read())
    except (ClientError, BotoCoreError, ValueError) as exc:
        if isinstance(exc, ClientError):
            code = exc.response.get("Error", {}).get("Code", "error")
        else:
            code = type(exc).__name__
        return LastApply(location, None, None, None, error=f"cannot read the state: {code}")
    return LastApply(location, response["LastModified"].isoformat(), state.get("serial"),
                     state.get("terraform_version"))


def render_text(status: EnvironmentStatus) -> str:
    lines = [f"environment {status.env}: {'healthy' if status.healthy else 'ATTENTION NEEDED'}"]
    for service in status.services:
        if not service.released:
            lines.append(f"  service {service.service}: no release (release file "
                         f"{'has the placeholder digest' if service.release_digest else 'has no entry'}; "
                         "created with zero tasks until its first promotion)")
            continue
        running = ", ".join(short(d) for d in service.running_digests) or "unknown"
        sync = "in sync" if service.in_sync else "OUT OF SYNC with the release file"
        lines.append(f"  service {service.service}: runs {running} ({service.digest_source}); "
                     f"release file {service.release_tag or '-'} {short(service.release_digest)}: {sync}")
        lines.append(f"    deployment {service.deployment_id or '-'}: {service.rollout_state or 'unknown'}"
                     + (f" since {service.updated_at}" if service.updated_at else "")
                     + (f" ({service.rollout_state_reason})" if service.rollout_state_reason else ""))
    if status.last_apply is not None:
        apply = status.last_apply
        if apply.error:
            lines.append(f"  last apply: unknown ({apply.error}; {apply.state_location})")
        else:
            lines.append(f"  last apply: {apply.last_modified} (state serial {apply.serial}, "
                         f"terraform {apply.terraform_version}; {apply.state_location})")
    lines.append(f"  drift: {status.drift}")
    return "\n".join(lines) + "\n"


def gather(env: str, *, environments_dir: Path, project: str, ecs: Any, s3: Any | None,
           backend: Mapping[str, str], drift: str) -> EnvironmentStatus:
    from pipeline_tools.adapters.aws_state import service_evidence

    root = environments_dir / env
    if not root.is_dir():
        raise InputError(f"environment {env!r} not found under {environments_dir}")
    releases = load_releases(release_file(environments_dir, env))
    status = EnvironmentStatus(env=env, drift=drift)
    for name in sorted(set(releases) | set(declared_services(root))):
        release = releases.get(name)
        if release is None or not release.released:
            status.services.append(unreleased_status(name, release.digest if release else ""))
            continue
        evidence = service_evidence(ecs, env=env, cluster=f"{project}-{env}", service=name, container=name)
        status.services.append(service_status(evidence, release.digest, release.tag))
    if s3 is not None and backend.get("bucket") and backend.get("key"):
        status.last_apply = last_apply(s3, backend["bucket"], backend["key"])
    elif s3 is not None:
        status.last_apply = LastApply("(unknown)", None, None, None,
                                      error="no S3 backend bucket/key: pass --backend-config bucket=... "
                                      "--backend-config key=...")
    return status


def check_drift(root: Path, backend_config: Mapping[str, str]) -> str:
    import tempfile

    from pipeline_tools.adapters.terraform import Terraform

    terraform = Terraform(root)
    try:
        with tempfile.TemporaryDirectory(prefix="pt-status-") as workdir:
            terraform.init(backend_config=backend_config)
            # -lock=false: a read-only look must not block (or be blocked by) a running apply.
            code = terraform.plan(Path(workdir) / "drift.tfplan", "-lock=false", detailed_exitcode=True)
    except ExternalError as exc:
        return f"error: {exc}"
    return "none" if code == 0 else "drift"
