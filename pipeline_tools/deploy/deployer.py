"""The deploy itself: one image to one ECS service, once, never backwards, never two at a time.

Order of checks for one service (each makes a redelivered or late event harmless):

1. the handled record says this repository+digest already reached an outcome here -> skip;
2. take the per-service lock; if another deploy holds it -> busy (the Lambda raises so
   EventBridge/Lambda retry later; the CLI exits 13);
3. the service already runs this digest, in a revision built from the Terraform-managed task
   definition (the family's newest revision the deployer did not register) -> skip;
4. (events only) the image was pushed before the one running -> skip, never roll back; pushed
   at the same time (``imagePushedAt`` may have whole-second resolution) -> version tags decide,
   else skip (docs/deployer.md, "Ordering");
   (1 and 4 apply to events only: a direct request for an exact image is done as asked)
5. register a copy of the Terraform-managed task definition (not of the running revision, so a
   change Terraform made is kept) with only the container's image changed, tagged with the
   revision it copied (nothing is ever deregistered), ``update_service``, follow the returned
   deployment.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pipeline_tools.core.errors import ExternalError, InputError
from pipeline_tools.deploy import images, rollout, taskdef
from pipeline_tools.deploy.events import repository_name, split_image
from pipeline_tools.deploy.lock import DeployLock
from pipeline_tools.deploy.outcome import DeployResult, Outcome

log = logging.getLogger("pipeline_tools.deploy")

DEFAULT_TIMEOUT_SECONDS = 600.0
# Release tags such as v1.2.3: the only order left when two pushes share a push time.
_VERSION_TAG = re.compile(r"v?([0-9]+(?:\.[0-9]+)*)")
# The lock outlives the longest deploy a little, so a crashed holder frees it soon after.
LOCK_MARGIN_SECONDS = 120.0


@dataclass
class DeployRequest:
    cluster: str
    service: str
    container: str
    # The image reference to put in the task definition: <repository URI or name>@sha256:...
    image: str
    environment: str = ""
    tag: str = ""
    trigger: str = ""
    source_commit: str = ""
    # Events are delivered at least once and out of order: skip a repository+digest already
    # handled for this service, and never deploy an image pushed before the one running. A direct
    # request (a person or a pipeline asking for this exact image) is taken as meant: it may
    # redeploy a digest that failed before, or roll back on purpose.
    from_event: bool = False

    @property
    def repository(self) -> str:
        return repository_name(split_image(self.image)[0])

    @property
    def digest(self) -> str:
        return split_image(self.image)[1]


@dataclass
class AwsClients:
    """boto3 clients, created on first use (so unit tests can pass stubbed ones)."""

    region: str | None = None
    _made: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        if name not in self._made:
            import boto3

            kwargs = {"region_name": self.region} if self.region else {}
            self._made[name] = boto3.client(name, **kwargs)
        return self._made[name]

    def set(self, name: str, client: Any) -> None:
        self._made[name] = client

    @property
    def ecs(self) -> Any:
        return self.get("ecs")

    @property
    def ecr(self) -> Any:
        return self.get("ecr")


@dataclass
class Deployer:
    clients: AwsClients
    lock: DeployLock
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    wait: bool = True
    poll_seconds: float = rollout.DEFAULT_POLL_SECONDS
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    def deploy(self, request: DeployRequest) -> DeployResult:
        started = self.clock()
        started_at = datetime.now(UTC)
        result = DeployResult(
            outcome=Outcome.SKIPPED,
            cluster=request.cluster,
            service=request.service,
            container=request.container,
            environment=request.environment,
            new_image=request.image,
            new_tag=request.tag,
            trigger=request.trigger,
            source_commit=request.source_commit,
            region=str(getattr(self.clients.ecs.meta, "region_name", "") or ""),
        )
        repository, digest = request.repository, request.digest
        if request.from_event and self.lock.was_handled(request.cluster, request.service, repository, digest):
            result.reason = f"{repository}@{digest} was already handled for this service"
            return result
        lock_ttl = self.timeout_seconds + LOCK_MARGIN_SECONDS
        if not self.lock.acquire(request.cluster, request.service, lock_ttl):
            result.outcome = Outcome.BUSY
            result.reason = "another deploy of this service is in progress"
            return result
        try:
            # A deploy that held the lock a moment ago may have handled this very digest.
            if request.from_event and self.lock.was_handled(request.cluster, request.service,
                                                            repository, digest):
                result.reason = f"{repository}@{digest} was already handled for this service"
                return result
            self._deploy_locked(request, result, started_at)
            if result.outcome is not Outcome.BUSY:
                self.lock.mark_handled(request.cluster, request.service, repository, digest,
                                       result.outcome.value)
            return result
        finally:
            result.duration_seconds = self.clock() - started
            self.lock.release(request.cluster, request.service)

    def _deploy_locked(self, request: DeployRequest, result: DeployResult, started_at: datetime) -> None:
        ecs = self.clients.ecs
        service = rollout.describe_service(ecs, request.cluster, request.service)
        current_arn = str(service.get("taskDefinition") or "")
        result.previous_task_definition_arn = current_arn
        current, tags = self._describe_task_definition(current_arn)
        result.old_image = taskdef.container_image(current, request.container)
        result.old_tag = self._tag_of(result.old_image)
        base_arn, base, base_tags = terraform_definition(
            self.clients.ecs, str(current.get("family") or taskdef.family_of(current_arn)),
            known={current_arn: (current, tags)}) or (current_arn, current, tags)
        up_to_date = taskdef.base_of(current_arn, tags) == base_arn

        same_image = _same_image(result.old_image, request.image)
        if same_image and up_to_date:
            result.reason = f"the service already runs {request.image}"
            result.task_definition_arn = current_arn
            return
        if request.from_event and not same_image:
            older = self._older_than_running(request, result.old_image)
            if older:
                result.reason = older
                result.task_definition_arn = current_arn
                return

        if not up_to_date:
            log.info("deploy %s/%s: runs %s, built from %s; Terraform's task definition is now %s",
                     request.cluster, request.service, current_arn, taskdef.base_of(current_arn, tags),
                     base_arn)
        new_arn = self._register(base, taskdef.with_base(base_tags, base_arn), request)
        result.task_definition_arn = new_arn
        from botocore.exceptions import BotoCoreError, ClientError

        scale: dict[str, int] = {}
        # terraform/platform creates a service that has no release yet with zero tasks; its first
        # deploy starts one (autoscaling and the next apply take over from there). Only an explicit
        # 0 counts: a description without the field says nothing about the service's tasks.
        if service.get("desiredCount") == 0:
            scale = {"desiredCount": 1}
            log.info("deploy %s/%s: first release, 0 -> 1 task", request.cluster, request.service)
        try:
            updated = ecs.update_service(cluster=request.cluster, service=request.service,
                                         taskDefinition=new_arn, **scale)["service"]
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("ClusterNotFoundException", "ServiceNotFoundException", "ServiceNotActiveException"):
                raise InputError(f"ECS service {request.service} in cluster {request.cluster} cannot be "
                                 f"updated: {code}") from exc
            raise ExternalError(
                f"ECS update_service {request.cluster}/{request.service} failed: {exc}"
            ) from exc
        except BotoCoreError as exc:
            raise ExternalError(
                f"ECS update_service {request.cluster}/{request.service} failed: {exc}"
            ) from exc
        result.deployment_id = rollout.pick_deployment_id(updated, new_arn)
        log.info("deploy %s/%s: %s -> %s, deployment %s", request.cluster, request.service,
                 result.old_image, request.image, result.deployment_id)
        if not self.wait:
            result.outcome = Outcome.STARTED
            result.reason = "not followed (--no-wait)"
            return
        followed = rollout.follow(
            ecs, request.cluster, request.service, result.deployment_id, new_arn,
            started_at=started_at, timeout_seconds=self.timeout_seconds,
            poll_seconds=self.poll_seconds, sleep=self.sleep, clock=self.clock,
        )
        result.outcome = followed.outcome
        result.reason = followed.reason
        result.service_events = followed.service_events
        result.stopped_reasons = followed.stopped_reasons

    def _describe_task_definition(self, arn: str) -> tuple[dict[str, Any], list[dict[str, str]]]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self.clients.ecs.describe_task_definition(taskDefinition=arn, include=["TAGS"])
        except (BotoCoreError, ClientError) as exc:
            raise ExternalError(f"ECS describe_task_definition {arn} failed: {exc}") from exc
        return response["taskDefinition"], list(response.get("tags") or [])

    def _register(self, current: dict[str, Any], tags: list[dict[str, str]], request: DeployRequest) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        ecs = self.clients.ecs
        accepted = ecs.meta.service_model.operation_model("RegisterTaskDefinition").input_shape.members
        arguments = taskdef.registration_input(current, request.container, request.image, tags, accepted)
        try:
            registered = ecs.register_task_definition(**arguments)
        except (BotoCoreError, ClientError) as exc:
            raise ExternalError(
                f"ECS register_task_definition for {current.get('family')} failed: {exc}"
            ) from exc
        return str(registered["taskDefinition"]["taskDefinitionArn"])

    def _tag_of(self, image: str) -> str:
        """The tag(s) ECR knows for a running image pinned by digest; best effort, for messages."""
        repository, sep, digest = image.rpartition("@")
        if not sep:
            return ""
        try:
            info = images.describe_image(self.clients.ecr, repository_name(repository), digest=digest)
        except ExternalError:
            return ""
        return ",".join(info.tags) if info else ""

    def _older_than_running(self, request: DeployRequest, running_image: str) -> str:
        """A reason to skip if the new image was pushed before the running one, else ''."""
        running_repository, sep, reference = running_image.rpartition("@")
        if sep:
            running_digest, running_tag = reference, None
        else:
            # name:tag (the tag part is after the last ':' that follows the last '/')
            base, colon, tag = running_image.rpartition(":")
            if not colon or "/" in tag:
                return ""
            running_repository, running_digest, running_tag = base, None, tag
        if repository_name(running_repository) != request.repository:
            return ""  # a different repository: push times say nothing about order
        running = images.describe_image(self.clients.ecr, request.repository,
                                        digest=running_digest, tag=running_tag)
        new = images.describe_image(self.clients.ecr, request.repository, digest=request.digest)
        if running is None or new is None or running.pushed_at is None or new.pushed_at is None:
            return ""
        if new.pushed_at < running.pushed_at:
            return (f"{request.image} was pushed at {new.pushed_at.isoformat()}, before the running "
                    f"{running_image} ({running.pushed_at.isoformat()}): not rolling back")
        if new.pushed_at == running.pushed_at and new.digest != running.digest:
            return _same_push_time(request, new, running, running_image)
        return ""


def terraform_definition(
    ecs: Any, family: str, known: dict[str, tuple[dict[str, Any], list[dict[str, str]]]] | None = None,
) -> tuple[str, dict[str, Any], list[dict[str, str]]] | None:
    """The task definition Terraform manages in ``family``: its newest ACTIVE revision that the
    deployer did not register (no ``taskdef.BASE_TAG``), as (arn, definition, tags); None when
    every revision is the deployer's. ``known``: revisions already described (arn -> (definition,
    tags)), not described again."""
    from botocore.exceptions import BotoCoreError, ClientError

    known = dict(known or {})
    arns: list[str] = []
    try:
        for page in ecs.get_paginator("list_task_definitions").paginate(
                familyPrefix=family, status="ACTIVE", sort="DESC"):
            arns.extend(str(arn) for arn in page.get("taskDefinitionArns", []))
    except (BotoCoreError, ClientError) as exc:
        raise ExternalError(f"ECS list_task_definitions {family} failed: {exc}") from exc
    # familyPrefix is a prefix ("x-api" also lists "x-api-worker"), and not every ECS sorts.
    arns = sorted((arn for arn in arns if taskdef.family_of(arn) == family), key=taskdef.revision_of,
                  reverse=True)
    for arn in arns:
        if arn not in known:
            try:
                response = ecs.describe_task_definition(taskDefinition=arn, include=["TAGS"])
            except (BotoCoreError, ClientError) as exc:
                raise ExternalError(f"ECS describe_task_definition {arn} failed: {exc}") from exc
            known[arn] = (response["taskDefinition"], list(response.get("tags") or []))
        definition, tags = known[arn]
        if not taskdef.is_deployers(tags):
            return arn, definition, tags
    return None


def _version(tag: str) -> tuple[int, ...] | None:
    """``v1.2.10`` / ``1.2.10`` -> (1, 2, 10); anything else (git SHAs, ``latest``) -> None."""
    match = _VERSION_TAG.fullmatch(tag)
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def _same_push_time(request: DeployRequest, new: images.ImageInfo, running: images.ImageInfo,
                    running_image: str) -> str:
    """Two images pushed within the same tick of ``imagePushedAt`` (ECR does not promise more than
    whole seconds; moto gives whole seconds): push times cannot say which is newer, so a late event
    for the older one must not be allowed to win. Version tags decide when both sides have one
    (the same answer whichever event arrives first); otherwise the running image stays, the one
    order that can never roll back."""
    new_version = _version(request.tag)
    running_versions = [v for v in (_version(tag) for tag in running.tags) if v is not None]
    when = new.pushed_at.isoformat() if new.pushed_at else "?"
    if new_version is not None and running_versions:
        if new_version > max(running_versions):
            return ""
        return (f"{request.image} ({request.tag}) was pushed in the same second ({when}) as the running "
                f"{running_image} ({', '.join(running.tags)}), which has the higher version: "
                "not rolling back")
    log.warning("%s and the running %s were pushed in the same second (%s) and their tags do not order "
                "them: keeping the running image; deploy directly to choose", request.image,
                running_image, when)
    return (f"{request.image} was pushed in the same second ({when}) as the running {running_image} "
            "and no version tag orders them: keeping the running image, never rolling back")


def _same_image(running: str, wanted: str) -> bool:
    if running == wanted:
        return True
    running_repository, sep, running_digest = running.rpartition("@")
    if not sep:
        return False
    wanted_repository, digest = split_image(wanted)
    same_repository = repository_name(running_repository) == repository_name(wanted_repository)
    return running_digest == digest and same_repository
