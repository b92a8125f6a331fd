"""Deciding a promotion: gather evidence, evaluate every precondition, compute the new release file.

This is the orchestration between the pure model and the adapters. Clients (boto3 ECS/ECR, a
terraform runner, a query for open promotions) are passed in, so tests drive it against the
emulator and the GitHub stand-in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pipeline_tools.core.errors import InputError
from pipeline_tools.promote.model import (
    Check,
    Promotion,
    ServicePromotion,
    check_deployment_completed,
    check_in_registry,
    check_no_drift,
    check_no_open_promotion,
    check_running_matches_release,
    check_soak,
)
from pipeline_tools.promote.release import Release, load_releases, release_file, validate_digest, with_digest


@dataclass(frozen=True)
class PromotionRequest:
    source_env: str
    target_env: str
    services: tuple[str, ...] | None  # None = all services of the source release file
    expected_digest: str | None
    digest: str | None  # explicit digest: a rollback or a pinned promotion
    reason: str
    soak: timedelta
    environments_dir: Path
    project: str = "platform"
    # Environment -> ECS cluster (pipeline-tools.yml's stages); an environment not named: PROJECT-ENV.
    clusters: Mapping[str, str] = field(default_factory=dict)

    def cluster(self, env: str) -> str:
        return self.clusters.get(env) or f"{self.project}-{env}"


@dataclass(frozen=True)
class TargetPlan:
    """Result of planning the target root before and after the release change."""

    drift_exit_code: int | None
    drift_detail: str
    plan_json: dict[str, Any] | None


def validate_request(request: PromotionRequest) -> None:
    if request.source_env == request.target_env:
        raise InputError("--from and --to must name different environments")
    for env in (request.source_env, request.target_env):
        if not (request.environments_dir / env).is_dir():
            raise InputError(f"environment {env!r} not found under {request.environments_dir}")
    if request.expected_digest is not None:
        validate_digest(request.expected_digest, what="--expected-digest")
    if request.digest is not None:
        validate_digest(request.digest, what="--digest")
        if request.services is None or len(request.services) != 1:
            raise InputError("--digest promotes one image: use it with --service NAME")
    if request.soak < timedelta(0):
        raise InputError("--soak-minutes cannot be negative")


def decide(
    request: PromotionRequest,
    *,
    ecs: Any,
    ecr: Any,
    now: datetime,
    open_promotions: Callable[[str], list[int]],
    plan_target: Callable[[dict[str, Release]], TargetPlan],
) -> tuple[Promotion, dict[str, Release], dict[str, Any] | None]:
    """Evaluate the promotion. Returns it, the target's proposed releases and its plan JSON."""
    from pipeline_tools.integrations.aws_state import registry_image, service_evidence

    validate_request(request)
    source_path = release_file(request.environments_dir, request.source_env)
    target_path = release_file(request.environments_dir, request.target_env)
    source_releases = load_releases(source_path)
    target_releases = load_releases(target_path)

    if not request.services and not source_releases:
        raise InputError(f"{source_path} lists no services")
    # Without --service: every service both environments run that has a release in the source (an
    # environment may run services the next one does not have yet, and a placeholder digest is
    # no release to promote).
    names = request.services or tuple(sorted(
        name for name, release in source_releases.items() if name in target_releases and release.released))
    if not names:
        raise InputError(f"no service of {source_path} with a release is also in {target_path}")
    for name in names:
        if name not in target_releases:
            raise InputError(f"service {name!r} is not in {target_path}")
        if request.digest is None and name not in source_releases:
            raise InputError(f"service {name!r} is not in {source_path}")
        if request.digest is None and not source_releases[name].released:
            raise InputError(f"service {name!r} has no release in {source_path} (placeholder digest)")

    rollback = request.digest is not None
    proposed = dict(target_releases)
    services: list[ServicePromotion] = []
    for name in names:
        current = target_releases[name]
        checks: list[Check] = []
        evidence = None
        if rollback:
            digest = request.digest or ""
            source_commit = current.source_commit
        else:
            source = source_releases[name]
            digest = source.digest
            source_commit = source.source_commit
            evidence = service_evidence(
                ecs, env=request.source_env, cluster=request.cluster(request.source_env),
                service=name, container=name,
            )
            checks.append(check_deployment_completed(evidence))
            checks.append(check_soak(evidence, now=now, soak=request.soak))
            checks.append(check_running_matches_release(evidence, source, request.expected_digest))
        image = registry_image(ecr, current.repository, digest)
        checks.append(check_in_registry(image, current.repository, digest))
        tag = image.tags[0] if image and image.tags else (
            source_releases[name].tag if not rollback and name in source_releases else "")
        proposed[name] = with_digest(current, digest, tag=tag, source_commit=source_commit)
        services.append(ServicePromotion(service=name, current=current, proposed=proposed[name],
                                         evidence=evidence, checks=checks))

    global_checks = [check_no_open_promotion(request.target_env, open_promotions(request.target_env))]
    if not any(s.changes for s in services):
        global_checks.append(Check("something to promote", False,
                                   f"{request.target_env} already runs the requested digest(s)"))
    target_plan = plan_target(proposed)
    global_checks.append(check_no_drift(request.target_env, target_plan.drift_exit_code,
                                        target_plan.drift_detail))
    promotion = Promotion(source_env=request.source_env, target_env=request.target_env,
                          services=services, checks=global_checks, reason=request.reason,
                          rollback=rollback)
    return promotion, proposed, target_plan.plan_json
