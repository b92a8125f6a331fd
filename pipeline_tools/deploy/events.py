"""Parse EventBridge "ECR Image Action" events. Pure: no I/O.

EventBridge delivers these at least once, out of order and at best effort; the deployer copes with
that (see :mod:`pipeline_tools.deploy.deployer`). Here we only decide whether an event is a
successful, tagged push, and pull out what a deploy needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pipeline_tools.core.errors import InputError
from pipeline_tools.deploy.images import check_repository_name

DIGEST_PATTERN = re.compile(r"^sha256:[0-9a-f]{64}$")


@dataclass(frozen=True)
class PushEvent:
    event_id: str
    repository: str
    tag: str
    # As the event states it; the deployer re-resolves the tag through ECR anyway.
    digest: str
    account: str
    region: str
    time: str


@dataclass(frozen=True)
class Ignored:
    """An event we understood and deliberately do nothing with, and why."""

    reason: str


def parse_event(event: Any) -> PushEvent | Ignored:
    """A successful tagged push, or :class:`Ignored`; :class:`InputError` if it is not an ECR event."""
    if not isinstance(event, dict):
        raise InputError("the event is not a JSON object")
    if event.get("source") != "aws.ecr" or event.get("detail-type") != "ECR Image Action":
        raise InputError(
            f"not an ECR Image Action event (source={event.get('source')!r}, "
            f"detail-type={event.get('detail-type')!r})"
        )
    detail = event.get("detail")
    if not isinstance(detail, dict):
        raise InputError("the ECR event has no 'detail' object")
    action = detail.get("action-type")
    result = detail.get("result")
    if action != "PUSH":
        return Ignored(f"action-type {action!r} is not PUSH")
    if result != "SUCCESS":
        return Ignored(f"the push did not succeed (result {result!r})")
    tag = detail.get("image-tag")
    if not tag:
        return Ignored("untagged push")
    repository = detail.get("repository-name")
    if not isinstance(repository, str) or not repository:
        raise InputError("the ECR event has no repository-name")
    if not isinstance(tag, str):
        raise InputError("the ECR event's image-tag is not a string")
    # The repository name ends up in ECR calls and image references: hold it to ECR's own rule
    # (no '..', no leading '/', no registry host).
    check_repository_name(repository, "the ECR event's repository-name")
    digest = detail.get("image-digest") or ""
    if not isinstance(digest, str):
        raise InputError("the ECR event's image-digest is not a string")
    return PushEvent(
        event_id=str(event.get("id", "")),
        repository=repository,
        tag=tag,
        digest=digest,
        account=str(event.get("account", "")),
        region=str(event.get("region", "")),
        time=str(event.get("time", "")),
    )


def split_image(image: str) -> tuple[str, str]:
    """``REPO@sha256:DIGEST`` -> (REPO, DIGEST); :class:`InputError` unless pinned by digest."""
    repository, sep, digest = image.rpartition("@")
    if not sep or not repository or not DIGEST_PATTERN.match(digest):
        raise InputError(f"--image must be REPOSITORY@sha256:<64 hex digits>, got {image!r}")
    return repository, digest


def repository_name(image_repository: str) -> str:
    """The ECR repository name in an image reference: strip ``<account>.dkr.ecr.<region>...com/``."""
    first, sep, rest = image_repository.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        return rest
    return image_repository
