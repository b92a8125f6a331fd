"""Build the deployer Lambda's zip: only the ``pipeline_tools`` modules the handler imports.

The archive provider is not available to Terraform here, so the project builds the zip itself
(``pipeline-tools deploy package --out FILE``). The archive is deterministic: entries sorted, fixed
timestamps and permissions, fixed compression level; so the same sources always hash the same
and re-uploading an unchanged build does not churn the function. boto3 is not included: the Lambda
Python runtime provides it.

``pipeline-tools deploy package --root DIR`` builds it where a Terraform root publishes it from:
the path its tfvars give as ``deployer_package_path`` (relative to the root). The platform
composition uploads that file with ``aws_s3_object`` when the root is applied, so the package is
planned, reviewed and published like any other change; a root without the setting needs nothing.
Plan and apply jobs run this before terraform (docs/deployer.md, "The package").
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pipeline_tools.core.errors import ExternalError, InputError
from pipeline_tools.core.files import atomic_path

# The handlers Terraform configures (docs/architecture.md): the deployer (module deploy-trigger),
# the alarm notifier (module alarm-chat), the Google identity provider (module auth) and the
# built-in uploads processor (module uploads) run from the same package.
HANDLER = "pipeline_tools.deploy.handler.lambda_handler"
ALARM_HANDLER = "pipeline_tools.notify.alarm_handler.lambda_handler"
IDP_HANDLER = "pipeline_tools.idp.handler.lambda_handler"
UPLOADS_HANDLER = "pipeline_tools.uploads.handler.lambda_handler"

# What the handler imports, relative to the directory that contains the ``pipeline_tools`` package.
# Single modules, then whole sub-packages. tests/unit/deploy/test_deploy_package.py imports the
# handler from an extracted build to prove this list is complete.
_MODULES = (
    "pipeline_tools/__init__.py",
)
_PACKAGES = (
    "pipeline_tools/core",
    "pipeline_tools/deploy",
    "pipeline_tools/idp",
    "pipeline_tools/notify",
    "pipeline_tools/uploads",
)
# 1980-01-01 is the earliest timestamp a zip entry can hold.
_FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
_FILE_MODE = 0o644
_COMPRESS_LEVEL = 9


@dataclass(frozen=True)
class PackageResult:
    path: Path
    sha256: str
    size: int
    entries: tuple[str, ...]


def source_root() -> Path:
    """The directory that contains the installed ``pipeline_tools`` package."""
    import pipeline_tools

    return Path(pipeline_tools.__file__).resolve().parent.parent


def package_files(root: Path | None = None) -> list[str]:
    """The archive's entry names (posix paths), sorted."""
    root = root or source_root()
    names: set[str] = set()
    for module in _MODULES:
        if not (root / module).is_file():
            raise ExternalError(f"cannot build the deployer package: {module} is missing")
        names.add(module)
    for package in _PACKAGES:
        directory = root / package
        if not (directory / "__init__.py").is_file():
            raise ExternalError(f"cannot build the deployer package: {package} is missing")
        for path in directory.rglob("*.py"):
            if "__pycache__" in path.parts:
                continue
            names.add(path.relative_to(root).as_posix())
    return sorted(names)


def build_zip(out: Path, root: Path | None = None) -> PackageResult:
    """Write the deterministic Lambda zip to ``out`` (atomically) and return its digest."""
    root = root or source_root()
    entries = package_files(root)
    out = Path(out)
    if out.exists() and out.is_dir():
        raise InputError(f"--out {out} is a directory")
    if not out.parent.is_dir():
        raise InputError(f"--out {out}: directory {out.parent} does not exist")
    with atomic_path(out) as tmp, zipfile.ZipFile(tmp, "w") as archive:
        for name in entries:
            info = zipfile.ZipInfo(name, date_time=_FIXED_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100000 | _FILE_MODE) << 16  # regular file, rw-r--r--
            info.create_system = 3  # unix, so the mode above is honoured everywhere
            archive.writestr(info, (root / name).read_bytes(), compresslevel=_COMPRESS_LEVEL)
    data = out.read_bytes()
    return PackageResult(out, hashlib.sha256(data).hexdigest(), len(data), tuple(entries))


# The root variable naming where the package is built, relative to the root (terraform's working
# directory when it plans and applies).
ROOT_PATH_VARIABLE = "deployer_package_path"


def path_for_root(root: Path) -> Path | None:
    """Where ``root`` publishes the package from (its tfvars' ``deployer_package_path``), or None.

    Read from the root's variable files as terraform reads them (later files win). The
    path must stay inside the root and end in ``.zip``: the build writes there.
    """
    from pipeline_tools.integrations.terraform import root_variable_values

    if not root.is_dir():
        raise InputError(f"--root {root}: not a directory")
    value = root_variable_values(root).get(ROOT_PATH_VARIABLE)
    if value is None:
        return None
    if not isinstance(value, str) or not value.endswith(".zip"):
        raise InputError(
            f"{root}: {ROOT_PATH_VARIABLE} must be a relative path ending in .zip, got {value!r}")
    relative = Path(value)
    if relative.is_absolute() or ".." in relative.parts:
        raise InputError(f"{root}: {ROOT_PATH_VARIABLE} {value!r} must stay inside the root")
    return root / relative


def build_for_root(root: Path) -> PackageResult | None:
    """Build the package where ``root`` publishes it from; None when it publishes none."""
    out = path_for_root(root)
    if out is None:
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    return build_zip(out)


def parse_s3_url(url: str) -> tuple[str, str]:
    """``s3://bucket/key`` -> (bucket, key)."""
    if not url.startswith("s3://"):
        raise InputError(f"--upload must look like s3://bucket/key, got {url!r}")
    bucket, _, key = url[len("s3://"):].partition("/")
    if not bucket or not key or key.endswith("/"):
        raise InputError(f"--upload must look like s3://bucket/key, got {url!r}")
    return bucket, key


def upload(result: PackageResult, url: str) -> str | None:
    """Upload the zip to S3; returns the object's version id (None on unversioned buckets)."""
    bucket, key = parse_s3_url(url)
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        response = boto3.client("s3").put_object(
            Bucket=bucket, Key=key, Body=result.path.read_bytes(), ContentType="application/zip",
        )
    except (BotoCoreError, ClientError) as exc:
        raise ExternalError(f"uploading the deployer package to s3://{bucket}/{key} failed: {exc}") from exc
    return response.get("VersionId")
