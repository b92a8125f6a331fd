"""``pipeline-tools status``'s I/O shell: read the release file, ask ECS what runs, S3 when the
environment was last applied and terraform whether it drifted; the AWS clients are passed in. The
report is :mod:`.model`, its text :mod:`.render`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from pipeline_tools.core.errors import ExternalError, InputError
from pipeline_tools.promote.release import load_releases, release_file
from pipeline_tools.status.model import EnvironmentStatus, LastApply, service_status, unreleased_status
from pipeline_tools.status.render import render_text


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


def declared_services(root: Path) -> list[str]:
    """The services the root's variable files declare (``services = { name = {...} }``), if any."""
    from pipeline_tools.integrations.terraform import root_variable_values

    services = root_variable_values(root).get("services")
    return sorted(services) if isinstance(services, dict) else []


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


def gather(env: str, *, environments_dir: Path, project: str, ecs: Any, s3: Any | None,
           backend: Mapping[str, str], drift: str, cluster: str | None = None) -> EnvironmentStatus:
    """``env``'s services as the release file names them, and what ECS runs in ``cluster``
    (default ``PROJECT-ENV``; ``pipeline-tools.yml`` may name it otherwise)."""
    from pipeline_tools.integrations.aws_state import service_evidence

    root = environments_dir / env
    if not root.is_dir():
        raise InputError(f"environment {env!r} not found under {environments_dir}")
    releases = load_releases(release_file(environments_dir, env))
    status = EnvironmentStatus(env=env, drift=drift)
    cluster = cluster or f"{project}-{env}"
    for name in sorted(set(releases) | set(declared_services(root))):
        release = releases.get(name)
        if release is None or not release.released:
            status.services.append(unreleased_status(name, release.digest if release else ""))
            continue
        evidence = service_evidence(ecs, env=env, cluster=cluster, service=name, container=name)
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

    from pipeline_tools.integrations.terraform import Terraform

    terraform = Terraform(root)
    try:
        with tempfile.TemporaryDirectory(prefix="pt-status-") as workdir:
            terraform.init(backend_config=backend_config)
            # -lock=false: a read-only look must not block (or be blocked by) a running apply.
            code = terraform.plan(Path(workdir) / "drift.tfplan", "-lock=false", detailed_exitcode=True)
    except ExternalError as exc:
        from pipeline_tools.core.redaction import error_line

        return f"error: {error_line(str(exc))}"
    return "none" if code == 0 else "drift"


def status(*, env: str, environments_dir: Path, project: str, backend_config: Sequence[str],
           check_for_drift: bool, output_format: str, out: TextIO | None = None,
           aws_client: Callable[[str], Any] | None = None, cluster: str | None = None) -> int:
    """Print ``env``'s status (``output_format`` text or json); 0 healthy, 1 needs attention.

    ``aws_client(name)`` returns an AWS client (default ``boto3.client``); ``cluster`` the ECS
    cluster ``env`` runs in (default ``PROJECT-ENV``).
    """
    import sys

    from pipeline_tools.integrations.terraform import parse_backend_config

    if aws_client is None:
        import boto3

        aws_client = boto3.client
    out = out or sys.stdout
    overrides = parse_backend_config(list(backend_config))
    root = environments_dir / env
    backend = backend_settings(root, overrides) if root.is_dir() else dict(overrides)
    result = gather(env, environments_dir=environments_dir, project=project, ecs=aws_client("ecs"),
                    s3=aws_client("s3"), backend=backend, drift="not checked", cluster=cluster)
    if check_for_drift:
        result.drift = check_drift(root, overrides)
    if output_format == "json":
        out.write(json.dumps(result.to_json(), indent=2) + "\n")
    else:
        out.write(render_text(result))
    return 0 if result.healthy else 1
