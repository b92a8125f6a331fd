"""Local equivalents of the ``uses:`` actions the workflows call (for the workflow runner).

=========================================  ==================================================
action                                     what runs locally
=========================================  ==================================================
actions/checkout                           a clone of the local git repository at the event's sha
./.github/actions/setup-pipeline-tools     the already-installed virtualenv's bin on PATH (and
                                           PIPELINE_TOOLS_CHECKOV when ``checkov: true``)
actions/setup-python                       the same virtualenv's python on PATH
hashicorp/setup-terraform                  the terraform already on PATH (checked)
actions/cache                              nothing: a no-op (the runner shares terraform's plugin
                                           cache between jobs itself)
aws-actions/configure-aws-credentials      the role's trust policy (read from the emulator) is
                                           checked against the claims GitHub's OIDC token would
                                           carry, then STS AssumeRoleWithWebIdentity in the
                                           emulator; AWS_* exported, AWS_ENDPOINT_URL included
actions/upload-artifact, download-artifact  a folder per run (``<run>/artifacts/<name>/``)
github/codeql-action/upload-sarif          a folder per run (``<run>/sarif/``)
anything else                              the step fails, naming the action
=========================================  ==================================================
"""

from __future__ import annotations

import base64
import fnmatch
import json
import shutil
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline_tools.core.errors import ExternalError, InputError

if TYPE_CHECKING:
    from pipeline_tools.local.workflow_runner import _Leg

OIDC_HOST = "token.actions.githubusercontent.com"


def run_action(leg: _Leg, uses: str, with_values: Mapping[str, Any],
               env: Mapping[str, str]) -> tuple[str, str]:
    """Run one ``uses:`` step; returns (outcome, log)."""
    action = uses.split("@", 1)[0].rstrip("/")
    handlers = {
        "actions/checkout": _checkout,
        "./.github/actions/setup-pipeline-tools": _setup_pipeline_tools,
        "actions/setup-python": _setup_python,
        "hashicorp/setup-terraform": _setup_terraform,
        "actions/cache": _cache,
        "aws-actions/configure-aws-credentials": _configure_aws_credentials,
        "actions/upload-artifact": _upload_artifact,
        "actions/download-artifact": _download_artifact,
        "github/codeql-action/upload-sarif": _upload_sarif,
    }
    handler = handlers.get(action)
    if handler is None:
        raise InputError(f"the local runner has no equivalent for the action {uses!r}: add one to "
                         "pipeline_tools/local/workflow_actions.py")
    return handler(leg, {k: _text(v) for k, v in with_values.items()}, env)


def _text(value: Any) -> str:
    from pipeline_tools.local.workflow_expr import to_string

    return to_string(value)


def _git(*args: str, cwd: Path | None = None) -> str:
    completed = subprocess.run(["git", *args], cwd=cwd, text=True, capture_output=True, check=False)
    if completed.returncode != 0:
        raise ExternalError(f"git {args[0]} failed: {completed.stderr.strip()[-300:]}")
    return completed.stdout


def _checkout(leg: _Leg, with_values: dict[str, str], env: Mapping[str, str]) -> tuple[str, str]:
    settings = leg.settings
    ref = with_values.get("ref") or leg.base_contexts["github"]["sha"]
    workspace = leg.workspace
    if with_values.get("path"):
        workspace = workspace / with_values["path"]
    if (workspace / ".git").exists():
        shutil.rmtree(workspace)
    workspace.mkdir(parents=True, exist_ok=True)
    _git("clone", "--quiet", "--no-checkout", str(settings.repo_dir), str(workspace))
    _git("-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", ref, cwd=workspace)
    sha = _git("rev-parse", "HEAD", cwd=workspace).strip()
    return "success", f"checked out {settings.repo_dir} at {sha} (a local clone stands in for checkout)"


def _setup_pipeline_tools(leg: _Leg, with_values: dict[str, str], env: Mapping[str, str]) -> tuple[str, str]:
    venv_bin = leg.settings.venv_bin
    if not (venv_bin / "pipeline-tools").exists():
        raise ExternalError(f"no pipeline-tools in {venv_bin}: run `make install` first")
    leg.path_additions.append(str(venv_bin))
    log = f"pipeline-tools from the installed virtualenv {venv_bin} (not reinstalled from the checkout)"
    if with_values.get("checkov") == "true":
        checkov = leg.settings.base_env.get("PIPELINE_TOOLS_CHECKOV") or env.get("PIPELINE_TOOLS_CHECKOV")
        if not checkov or not Path(checkov).exists():
            raise ExternalError("checkov was asked for but PIPELINE_TOOLS_CHECKOV names no checkov here")
        leg.env["PIPELINE_TOOLS_CHECKOV"] = checkov
        leg.contexts_env["PIPELINE_TOOLS_CHECKOV"] = checkov
        log += f"; checkov {checkov}"
    return "success", log


def _setup_python(leg: _Leg, with_values: dict[str, str], env: Mapping[str, str]) -> tuple[str, str]:
    leg.path_additions.append(str(leg.settings.venv_bin))
    return "success", f"python from {leg.settings.venv_bin}"


def _setup_terraform(leg: _Leg, with_values: dict[str, str], env: Mapping[str, str]) -> tuple[str, str]:
    terraform = shutil.which("terraform", path=env.get("PATH"))
    if terraform is None:
        raise ExternalError("hashicorp/setup-terraform: no terraform on PATH")
    version = subprocess.run([terraform, "version", "-json"], capture_output=True, text=True, check=False)
    found = json.loads(version.stdout or "{}").get("terraform_version", "?")
    wanted = with_values.get("terraform_version", "any")
    return "success", f"terraform {found} at {terraform} (asked for {wanted})"


def _cache(leg: _Leg, with_values: dict[str, str], env: Mapping[str, str]) -> tuple[str, str]:
    return "success", f"actions/cache is a no-op locally (path {with_values.get('path', '')!r} not restored)"


# ----- OIDC -> role ---------------------------------------------------------------------------

def github_oidc_claims(repository: str, *, event_name: str, ref: str, sha: str,
                       environment: str | None, run_id: str, workflow_ref: str = "") -> dict[str, Any]:
    """The claims of the OIDC token GitHub issues to a job (GitHub's "About security hardening
    with OpenID Connect"): the subject names the environment when the job has one, else
    ``pull_request`` for pull request events, else the ref."""
    if environment:
        subject = f"repo:{repository}:environment:{environment}"
    elif event_name == "pull_request":
        subject = f"repo:{repository}:pull_request"
    else:
        subject = f"repo:{repository}:ref:{ref}"
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": f"https://{OIDC_HOST}", "aud": "sts.amazonaws.com", "sub": subject,
        "repository": repository, "repository_owner": repository.split("/")[0], "ref": ref, "sha": sha,
        "event_name": event_name, "run_id": run_id, "job_workflow_ref": workflow_ref,
        "iat": now, "nbf": now, "exp": now + 3600,
    }
    if environment:
        claims["environment"] = environment
    return claims


def unsigned_jwt(claims: Mapping[str, Any]) -> str:
    def part(value: Mapping[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    # The emulator does not verify signatures; the trust policy is checked by trust_allows instead.
    return f"{part({'alg': 'RS256', 'typ': 'JWT', 'kid': 'local'})}.{part(claims)}.bG9jYWw"


def trust_allows(policy: Mapping[str, Any], claims: Mapping[str, Any]) -> bool:
    """Whether a role's trust policy lets a web identity with ``claims`` assume it (the subset of
    IAM's evaluation the OIDC roles use: Allow statements for sts:AssumeRoleWithWebIdentity by a
    Federated principal, StringEquals/StringLike conditions on the token's claims; Deny wins)."""
    allowed = False
    statements = policy.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    for statement in statements:
        actions = statement.get("Action") or []
        actions = [actions] if isinstance(actions, str) else actions
        if not any(fnmatch.fnmatchcase("sts:AssumeRoleWithWebIdentity", a) for a in actions):
            continue
        federated = (statement.get("Principal") or {}).get("Federated") or []
        federated = [federated] if isinstance(federated, str) else federated
        if not any(OIDC_HOST in str(p) for p in federated):
            continue
        if _conditions_hold(statement.get("Condition") or {}, claims):
            if statement.get("Effect") == "Deny":
                return False
            allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


def _conditions_hold(conditions: Mapping[str, Any], claims: Mapping[str, Any]) -> bool:
    for operator, tests in conditions.items():
        base = operator.removeprefix("ForAnyValue:").removeprefix("ForAllValues:")
        for key, expected in tests.items():
            claim = key.removeprefix(f"{OIDC_HOST}:")
            if not key.startswith(f"{OIDC_HOST}:") or claim not in claims:
                return False
            values = [expected] if isinstance(expected, str) else list(expected)
            actual = str(claims[claim])
            if base == "StringEquals":
                ok = actual in values
            elif base == "StringLike":
                ok = any(fnmatch.fnmatchcase(actual, v) for v in values)
            else:
                raise InputError(f"trust policy condition {operator} is not evaluated by the local runner")
            if not ok:
                return False
    return True


def _configure_aws_credentials(leg: _Leg, with_values: dict[str, str],
                               env: Mapping[str, str]) -> tuple[str, str]:
    import boto3

    settings = leg.settings
    if not settings.aws_endpoint:
        raise ExternalError("configure-aws-credentials: the runner has no AWS emulator endpoint")
    role_arn = with_values.get("role-to-assume", "")
    region = with_values.get("aws-region") or "us-east-1"
    if not role_arn:
        raise InputError("configure-aws-credentials: role-to-assume is empty")
    github = leg.base_contexts["github"]
    claims = github_oidc_claims(settings.repository, event_name=github["event_name"], ref=github["ref"],
                                sha=github["sha"], environment=leg.environment, run_id=github["run_id"])
    admin = {"endpoint_url": settings.aws_endpoint, "region_name": region,
             "aws_access_key_id": "test", "aws_secret_access_key": "test"}
    role_name = role_arn.rsplit("/", 1)[-1]
    try:
        role = boto3.client("iam", **admin).get_role(RoleName=role_name)["Role"]
    except Exception as exc:  # botocore's errors: the role does not exist
        return "failure", f"Could not assume role {role_arn}: {exc}"
    policy = role["AssumeRolePolicyDocument"]
    if isinstance(policy, str):
        from urllib.parse import unquote

        policy = json.loads(unquote(policy))
    if not trust_allows(policy, claims):
        return "failure", (f"Could not assume role with OIDC: Not authorized to perform "
                           f"sts:AssumeRoleWithWebIdentity on {role_arn} (subject {claims['sub']})")
    session = with_values.get("role-session-name") or "GitHubActions"
    credentials = boto3.client("sts", **admin).assume_role_with_web_identity(
        RoleArn=role_arn, RoleSessionName=session, WebIdentityToken=unsigned_jwt(claims))["Credentials"]
    exported = {
        "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
        "AWS_SESSION_TOKEN": credentials["SessionToken"], "AWS_REGION": region, "AWS_DEFAULT_REGION": region,
        "AWS_ENDPOINT_URL": settings.aws_endpoint,
    }
    leg.env.update(exported)
    leg.contexts_env.update(exported)
    leg.run.masks += [credentials["SecretAccessKey"], credentials["SessionToken"]]
    return "success", f"assumed {role_arn} as {claims['sub']} in the emulator ({settings.aws_endpoint})"


# ----- artifacts ------------------------------------------------------------------------------

def _artifacts(leg: _Leg) -> Path:
    return leg.run.run_dir / "artifacts"


def _upload_artifact(leg: _Leg, with_values: dict[str, str], env: Mapping[str, str]) -> tuple[str, str]:
    name = with_values.get("name") or "artifact"
    target = _artifacts(leg) / name
    if target.exists():
        return "failure", f"an artifact named {name!r} was already uploaded in this run (409 Conflict)"
    patterns = [line.strip() for line in with_values.get("path", "").splitlines() if line.strip()]
    found: list[Path] = []
    for pattern in patterns:
        found += sorted(leg.workspace.glob(pattern)) if any(c in pattern for c in "*?[") else (
            [leg.workspace / pattern] if (leg.workspace / pattern).exists() else [])
    if not found:
        policy = with_values.get("if-no-files-found") or "warn"
        message = f"No files were found with the provided path: {' '.join(patterns)}"
        if policy == "error":
            return "failure", message
        return "success", message + ". No artifacts will be uploaded."
    target.mkdir(parents=True)
    for path in found:
        if path.is_dir():
            shutil.copytree(path, target, dirs_exist_ok=True)
        else:
            shutil.copy2(path, target / path.name)
    return "success", f"uploaded {name} to {target}"


def _download_artifact(leg: _Leg, with_values: dict[str, str], env: Mapping[str, str]) -> tuple[str, str]:
    destination = leg.workspace / (with_values.get("path") or ".")
    available = sorted(p.name for p in _artifacts(leg).iterdir()) if _artifacts(leg).exists() else []
    name = with_values.get("name")
    if name:
        if name not in available:
            return "failure", f"Unable to download artifact(s): Artifact not found for name: {name}"
        shutil.copytree(_artifacts(leg) / name, destination, dirs_exist_ok=True)
        return "success", f"downloaded {name} to {destination}"
    pattern = with_values.get("pattern") or "*"
    chosen = [a for a in available if fnmatch.fnmatchcase(a, pattern)]
    merge = with_values.get("merge-multiple") == "true"
    for artifact in chosen:
        shutil.copytree(_artifacts(leg) / artifact, destination if merge else destination / artifact,
                        dirs_exist_ok=True)
    return "success", f"downloaded {len(chosen)} artifact(s) ({', '.join(chosen) or 'none'}) to {destination}"


def _upload_sarif(leg: _Leg, with_values: dict[str, str], env: Mapping[str, str]) -> tuple[str, str]:
    source = leg.workspace / with_values.get("sarif_file", "")
    if not source.is_file():
        return "failure", f"Path does not exist: {with_values.get('sarif_file', '')}"
    folder = leg.run.run_dir / "sarif"
    folder.mkdir(exist_ok=True)
    category = with_values.get("category") or source.stem
    shutil.copy2(source, folder / f"{category}.sarif")
    return "success", f"SARIF kept in {folder / (category + '.sarif')} (code scanning stand-in)"
