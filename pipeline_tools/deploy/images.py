"""ECR look-ups: a tag's digest and an image's push time (for the "never roll back" rule)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pipeline_tools.core.errors import ExternalError, InputError


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
