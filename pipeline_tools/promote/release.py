"""Release files: which image, by digest, each service of an environment runs.

``environments/<env>/release.auto.tfvars.json`` holds ``{"releases": {SERVICE: {...}}}`` (see
docs/architecture.md). Terraform reads it; promotion is the only thing that changes it. This
module reads, validates and rewrites it; it does no other I/O.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from pipeline_tools.core.errors import InputError
from pipeline_tools.core.files import write_text_atomic
from pipeline_tools.core.strict_input import loads_strict

RELEASE_FILE_NAME = "release.auto.tfvars.json"
DIGEST_PATTERN = re.compile(r"^sha256:[0-9a-f]{64}$")
SERVICE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
# The digest of a release entry written before the service's first release: terraform/platform
# creates that service with zero tasks, and `status` reports "no release".
PLACEHOLDER_DIGEST = "sha256:" + "0" * 64
# {"releases": {SERVICE: {FIELD: "text"}}} is three levels; a little room for additions.
RELEASE_FILE_MAX_DEPTH = 8


@dataclass(frozen=True)
class Release:
    service: str
    repository: str
    digest: str
    tag: str = ""
    source_commit: str = ""

    @property
    def released(self) -> bool:
        return self.digest != PLACEHOLDER_DIGEST

    def image(self, repository_url: str) -> str:
        return f"{repository_url}@{self.digest}"

    def to_json(self) -> dict[str, str]:
        data = asdict(self)
        del data["service"]
        return data


def validate_digest(value: str, *, what: str = "digest") -> str:
    if not DIGEST_PATTERN.match(value or ""):
        raise InputError(f"{what} must look like sha256:<64 lowercase hex characters>, got {value!r}")
    return value


def release_file(environments_dir: Path, env: str) -> Path:
    return environments_dir / env / RELEASE_FILE_NAME


def parse_releases(data: Any, *, source: str) -> dict[str, Release]:
    if not isinstance(data, dict) or not isinstance(data.get("releases"), dict):
        raise InputError(f"{source}: expected an object with a 'releases' object")
    releases: dict[str, Release] = {}
    for service, entry in data["releases"].items():
        if not isinstance(service, str) or not SERVICE_PATTERN.match(service):
            raise InputError(f"{source}: service name {service!r} is not valid")
        if not isinstance(entry, dict):
            raise InputError(f"{source}: releases.{service} must be an object")
        repository = entry.get("repository")
        if not isinstance(repository, str) or not repository:
            raise InputError(f"{source}: releases.{service}.repository is missing")
        digest = entry.get("digest")
        if not isinstance(digest, str):
            raise InputError(f"{source}: releases.{service}.digest is missing")
        validate_digest(digest, what=f"{source}: releases.{service}.digest")
        releases[service] = Release(
            service=service,
            repository=repository,
            digest=digest,
            tag=_optional_text(entry, "tag", f"{source}: releases.{service}"),
            source_commit=_optional_text(entry, "source_commit", f"{source}: releases.{service}"),
        )
    return releases


def _optional_text(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(f"{where}.{key} must be a string")
    return value


def load_releases(path: Path) -> dict[str, Release]:
    """Read a release file strictly: UTF-8, no duplicate keys (terraform would silently take the
    last one, so the file would deploy something other than what a reviewer read), no NaN."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"release file {path} does not exist") from None
    except OSError as exc:
        raise InputError(f"cannot read release file {path}: {exc.strerror}") from None
    document = loads_strict(data, f"release file {path}", max_depth=RELEASE_FILE_MAX_DEPTH, unique_keys=True)
    return parse_releases(document, source=str(path))


def render_releases(releases: dict[str, Release]) -> str:
    body = {"releases": {name: releases[name].to_json() for name in sorted(releases)}}
    return json.dumps(body, indent=2) + "\n"


def write_releases(path: Path, releases: dict[str, Release]) -> None:
    """Rewrite the release file atomically (a crash never leaves half a file)."""
    write_text_atomic(path, render_releases(releases))


def with_digest(release: Release, digest: str, *, tag: str, source_commit: str) -> Release:
    return replace(release, digest=validate_digest(digest), tag=tag, source_commit=source_commit)
