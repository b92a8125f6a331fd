"""Deploy targets: which repository and tag pattern deploys to which cluster/service/container.

Terraform publishes them as JSON in an SSM String parameter (docs/architecture.md). Parsing and
matching are pure; :func:`load_from_ssm` is the one function here that does I/O.
"""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass
from typing import Any

from pipeline_tools.core.errors import ExternalError, InputError

_REQUIRED = ("repository", "cluster", "service", "container")


@dataclass(frozen=True)
class DeployTarget:
    repository: str
    tag_pattern: str
    environment: str
    cluster: str
    service: str
    container: str

    def matches(self, repository: str, tag: str) -> bool:
        # fnmatchcase: tags are case-sensitive, whatever the platform.
        return self.repository == repository and fnmatch.fnmatchcase(tag, self.tag_pattern)


def parse_targets(text: str, source: str = "deploy targets") -> list[DeployTarget]:
    try:
        data: Any = json.loads(text)
    except ValueError as exc:
        raise InputError(f"{source} is not valid JSON: {exc}") from exc
    if not isinstance(data, list):
        raise InputError(f"{source} must be a JSON list of targets")
    targets = []
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            raise InputError(f"{source}[{index}] is not an object")
        missing = [key for key in _REQUIRED if not isinstance(item.get(key), str) or not item.get(key)]
        if missing:
            raise InputError(f"{source}[{index}] lacks {', '.join(missing)}")
        targets.append(DeployTarget(
            repository=item["repository"],
            tag_pattern=str(item.get("tag_pattern") or "*"),
            environment=str(item.get("environment") or ""),
            cluster=item["cluster"],
            service=item["service"],
            container=item["container"],
        ))
    return targets


def matching_targets(targets: list[DeployTarget], repository: str, tag: str) -> list[DeployTarget]:
    """Targets for this push, each (cluster, service, container) once, in the order given."""
    seen: set[tuple[str, str, str]] = set()
    matched = []
    for target in targets:
        key = (target.cluster, target.service, target.container)
        if target.matches(repository, tag) and key not in seen:
            seen.add(key)
            matched.append(target)
    return matched


def load_from_ssm(ssm_client: Any, parameter_name: str) -> list[DeployTarget]:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        response = ssm_client.get_parameter(Name=parameter_name, WithDecryption=True)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "ParameterNotFound":
            raise InputError(f"deploy targets parameter {parameter_name} does not exist") from exc
        raise ExternalError(f"reading deploy targets parameter {parameter_name} failed: {exc}") from exc
    except BotoCoreError as exc:
        raise ExternalError(f"reading deploy targets parameter {parameter_name} failed: {exc}") from exc
    return parse_targets(response["Parameter"]["Value"], f"parameter {parameter_name}")
