"""Copy a task definition with one container's image changed. Pure: no I/O.

``describe_task_definition`` returns fields that ``register_task_definition`` rejects; copying them
blindly is how tools end up failing on every new AWS field. We drop the known describe-only fields
and, when the caller passes the register operation's input members (from botocore's service
model), everything register does not accept.

Every revision the deployer registers carries the tag ``BASE_TAG``: the ARN of the revision it was
built from. A revision without it was registered by Terraform (or created by hand), so the newest
such revision of a family is the definition Terraform manages, the one the deployer builds from
(issue 18 item 6: a Terraform change to the task definition is never lost by the next deploy).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from pipeline_tools.core.errors import InputError

# Returned by describe_task_definition, rejected (or meaningless) for register_task_definition.
DESCRIBE_ONLY_FIELDS = frozenset({
    "taskDefinitionArn",
    "revision",
    "status",
    "requiresAttributes",
    "compatibilities",
    "registeredAt",
    "registeredBy",
    "deregisteredAt",
    "deleteRequestedAt",
})

# The tag on the deployer's revisions naming the revision it copied (Terraform's).
BASE_TAG = "pipeline-tools:base-task-definition"


def base_of(arn: str, tags: Iterable[dict[str, str]]) -> str:
    """The Terraform-managed revision ``arn`` was built from: its ``BASE_TAG``, else itself."""
    for tag in tags:
        if tag.get("key") == BASE_TAG:
            return str(tag.get("value") or arn)
    return arn


def is_deployers(tags: Iterable[dict[str, str]]) -> bool:
    return any(tag.get("key") == BASE_TAG for tag in tags)


def with_base(tags: Iterable[dict[str, str]], base_arn: str) -> list[dict[str, str]]:
    """``tags`` (the base's) without any ``BASE_TAG``, plus ``BASE_TAG`` = ``base_arn``."""
    kept = [dict(tag) for tag in tags if tag.get("key") != BASE_TAG]
    return [*kept, {"key": BASE_TAG, "value": base_arn}]


def revision_of(arn: str) -> int:
    """``arn:...:task-definition/family:7`` -> 7 (0 when it has no revision)."""
    _, _, revision = arn.rpartition(":")
    return int(revision) if revision.isdigit() else 0


def family_of(arn: str) -> str:
    return arn.rpartition("/")[2].rpartition(":")[0]


def container_image(task_definition: dict[str, Any], container: str) -> str:
    for definition in task_definition.get("containerDefinitions", []):
        if definition.get("name") == container:
            return str(definition.get("image", ""))
    names = ", ".join(d.get("name", "?") for d in task_definition.get("containerDefinitions", []))
    raise InputError(
        f"task definition {task_definition.get('family', '?')} has no container {container!r} "
        f"(containers: {names or 'none'})"
    )


def registration_input(
    task_definition: dict[str, Any],
    container: str,
    image: str,
    tags: list[dict[str, str]] | None = None,
    accepted_keys: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Arguments for ``register_task_definition``: a copy with only ``container``'s image changed."""
    container_image(task_definition, container)  # raises if the container is not there
    accepted = set(accepted_keys) if accepted_keys is not None else None
    request: dict[str, Any] = {}
    for key, value in task_definition.items():
        if key in DESCRIBE_ONLY_FIELDS or value is None:
            continue
        if accepted is not None and key not in accepted:
            continue
        request[key] = copy.deepcopy(value)
    for definition in request["containerDefinitions"]:
        if definition.get("name") == container:
            definition["image"] = image
    if tags:
        request["tags"] = copy.deepcopy(tags)
    return request
