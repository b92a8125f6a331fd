"""Image references and ECR look-ups: what an image reference may name, a tag's digest and an
image's push time (for the "never roll back" rule)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pipeline_tools.core.errors import ExternalError, InputError

# ECR's own rule for repository names (CreateRepository): lowercase components separated by
# '/', each made of [a-z0-9] runs joined by single '.', '_' or '-'; 2 to 256 characters. So no
# '..', no leading or trailing '/', no empty component.
REPOSITORY_PATTERN = re.compile(r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*")
REPOSITORY_MAX_LENGTH = 256
# A private ECR registry: <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]. Nothing else
# (Docker Hub, public.ecr.aws, another registry) can be deployed: the task's execution role may
# pull only from the target's own repository.
ECR_REGISTRY_PATTERN = re.compile(r"([0-9]{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?")
DIGEST_PATTERN = re.compile(r"sha256:[0-9a-f]{64}")
# Error messages quote at most this much of what the user gave (a 10 MB argument stays out).
_QUOTE_LIMIT = 120


@dataclass(frozen=True)
class ImageReference:
    """``[<registry>/]<repository>@sha256:<digest>``, checked; ``registry`` is "" for a bare name."""

    registry: str
    repository: str
    digest: str


def _quote(text: str) -> str:
    shown = text if len(text) <= _QUOTE_LIMIT else text[:_QUOTE_LIMIT] + "..."
    return ascii(shown)


def check_repository_name(name: str, what: str = "repository") -> str:
    """``name`` if it is a valid ECR repository name, else :class:`InputError`."""
    if (not isinstance(name, str) or not 2 <= len(name) <= REPOSITORY_MAX_LENGTH
            or not REPOSITORY_PATTERN.fullmatch(name)):
        raise InputError(f"{what} {_quote(str(name))} is not a valid ECR repository name "
                         "(lowercase letters, digits, '.', '_', '-' and '/' between components)")
    return name


def parse_image(image: str, what: str = "--image") -> ImageReference:
    """Parse an image pinned by digest, strictly: a private ECR registry host (or none) and an ECR
    repository name. Anything else (another registry, a tag, path tricks such as ``../``) is
    :class:`InputError`. Pure: whether the image exists is checked against ECR elsewhere."""
    if not isinstance(image, str):
        raise InputError(f"{what} must be a string")
    name, sep, digest = image.rpartition("@")
    if not sep or not DIGEST_PATTERN.fullmatch(digest):
        raise InputError(f"{what} must be REPOSITORY@sha256:<64 hex digits>, got {_quote(image)}")
    registry = ""
    first, slash, rest = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        if not ECR_REGISTRY_PATTERN.fullmatch(first):
            raise InputError(f"{what}: {_quote(first)} is not a private ECR registry "
                             "(<account>.dkr.ecr.<region>.amazonaws.com); only ECR images are deployed")
        registry, name = first, rest
    check_repository_name(name, f"{what}: repository")
    return ImageReference(registry=registry, repository=name, digest=digest)


@dataclass(frozen=True)
class ImageInfo:
    repository: str
    digest: str
    pushed_at: datetime | None
    tags: tuple[str, ...]
    registry_id: str


def describe_image(ecr_client: Any, repository: str, *, tag: str | None = None,
                   digest: str | None = None) -> ImageInfo | None:
    """The image by tag or digest, or None if ECR does not have it (deleted, never pushed)."""
    from botocore.exceptions import BotoCoreError, ClientError

    image_id = {"imageDigest": digest} if digest else {"imageTag": tag}
    try:
        response = ecr_client.describe_images(repositoryName=repository, imageIds=[image_id])
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in ("ImageNotFoundException", "RepositoryNotFoundException"):
            return None
        raise ExternalError(f"ECR describe_images for {repository} failed: {exc}") from exc
    except BotoCoreError as exc:
        raise ExternalError(f"ECR describe_images for {repository} failed: {exc}") from exc
    details = response.get("imageDetails") or []
    if not details:
        return None
    detail = details[0]
    return ImageInfo(
        repository=repository,
        digest=detail["imageDigest"],
        pushed_at=detail.get("imagePushedAt"),
        tags=tuple(detail.get("imageTags") or ()),
        registry_id=str(detail.get("registryId", "")),
    )


def resolve_tag(ecr_client: Any, repository: str, tag: str) -> ImageInfo:
    """The digest the tag points at *now* (a later push may have moved it since the event)."""
    info = describe_image(ecr_client, repository, tag=tag)
    if info is None:
        raise InputError(f"ECR has no image {repository}:{tag}")
    return info


def repository_uri(ecr_client: Any, repository: str) -> str:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        response = ecr_client.describe_repositories(repositoryNames=[repository])
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "RepositoryNotFoundException":
            raise InputError(f"ECR repository {repository} does not exist") from exc
        raise ExternalError(f"ECR describe_repositories for {repository} failed: {exc}") from exc
    except BotoCoreError as exc:
        raise ExternalError(f"ECR describe_repositories for {repository} failed: {exc}") from exc
    return str(response["repositories"][0]["repositoryUri"])
