"""Release files: which image, by digest, each service of an environment runs.

``environments/<env>/release.auto.tfvars.json`` holds ``{"releases": {SERVICE: {...}}}`` (see
docs/architecture.md). Terraform reads it; promotion is the only thing that changes it. This
module reads, validates and rewrites it; it does no other I/O.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from pipeline_tools.errors import InputError

RELEASE_FILE_NAME = "release.auto.tfvars.json"
DIGEST_PATTERN = re.compile(r"^sha256:[0-9a-f]{64}$")
SERVICE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
# The digest of a release entry written before the service's first release: terraform/platform
# creates that service with zero tasks, and `status` reports "no release".
PLACEHOLDER_DIGEST = "sha256:" + "0" * 64


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
        if not SERVICE_PATTERN.match(service):
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
            tag=str(entry.get("tag") or ""),
            source_commit=str(entry.get("source_commit") or ""),
        )
    return releases


def load_releases(path: Path) -> dict[str, Release]:
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise InputError(f"release file {path} does not exist") from None
    except OSError as exc:
        raise InputError(f"cannot read release file {path}: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"release file {path} is not valid JSON: {exc.msg} at line {exc.lineno}") from None
    return parse_releases(data, source=str(path))


def render_releases(releases: dict[str, Release]) -> str:
    body = {"releases": {name: releases[name].to_json() for name in sorted(releases)}}
    return json.dumps(body, indent=2) + "\n"


def write_releases(path: Path, releases: dict[str, Release]) -> None:
    """Rewrite the release file atomically (a crash never leaves half a file)."""
    text = render_releases(releases)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def with_digest(release: Release, digest: str, *, tag: str, source_commit: str) -> Release:
    return replace(release, digest=validate_digest(digest), tag=tag, source_commit=source_commit)
