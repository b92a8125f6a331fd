"""The ``loop`` fixture: a fresh repository with the real workflow files and tiny roots, the GitHub
stand-in and the session's AWS emulator, wired for :class:`pipeline_tools.local.loop.LocalLoop`.

The repository is a temp git repo holding this repository's ``.github/`` (workflows and the setup
action), ``pipeline-tools.yml`` and ``security/policy.yml``, plus ``environments/dev`` and
``environments/staging`` roots of a few SSM parameters (the smallest resources that exercise
plan, gate and apply). Their S3 backend sets ``use_path_style`` because the emulator serves
buckets by path; that is the only setting the real roots do not have.

Per scenario everything in AWS is named with a fresh id (state bucket, roles, parameter paths),
so the scenarios share one emulator (and terraform's plugin cache) without resetting it.

Stand-ins, because nothing here can run them: ``gh`` (not installed) and ``tfsec`` (a download)
are replaced by pipeline_tools/local/cli_standins.py; the tfsec install step by a no-op.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline_tools.integrations.terraform import MIRROR_ENV, cache_dir, cli_config_for_mirror
from pipeline_tools.local import cli_standins
from pipeline_tools.local.emulator import ACCOUNT_ID, Emulator
from pipeline_tools.local.github_standin import GitHubStandin
from pipeline_tools.local.loop import LocalLoop, init_repository
from pipeline_tools.local.workflow_runner import RunnerSettings
from tests.support.paths import REPO_ROOT

REPOSITORY = "acme/platform"
OIDC_HOST = "token.actions.githubusercontent.com"
FINGERPRINT_KEY = "loop-fingerprint-key-0123456789abcdef"
CONFIGURE_AWS = "aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502"
TFSEC_INSTALL_STEP = "Install tfsec (pinned release, checksum verified)"


def root_files(env: str, backend_key: str | None = None) -> dict[str, str]:
    """An environment root with no resources yet (the scenarios add them in pull requests)."""
    versions = f"""terraform {{
  required_version = ">= 1.6"
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }}
  }}
  backend "s3" {{
    key            = "{backend_key or env}/terraform.tfstate"
    region         = "us-east-1"
    use_path_style = true
  }}
}}

provider "aws" {{}}
"""
    return {f"environments/{env}/versions.tf": versions}


def parameter(resource: str, name: str, value: str) -> str:
    """An SSM parameter (checkov-clean: a SecureString with a named KMS key)."""
    return f"""resource "aws_ssm_parameter" "{resource}" {{
  name   = "{name}"
  type   = "SecureString"
  key_id = "alias/aws/ssm"
  value  = "{value}"
}}
"""


class LoopWorld:
    def __init__(self, loop: LocalLoop, emulator: Emulator, uid: str) -> None:
        self.loop = loop
        self.emulator = emulator
        self.uid = uid

    def param_name(self, env: str, name: str) -> str:
        return f"/loop-{self.uid}/{env}/{name}"

    def aws(self, service: str):  # type: ignore[no-untyped-def]
        import boto3

        return boto3.client(service, endpoint_url=self.emulator.endpoint, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test")

    def parameters(self, env: str) -> dict[str, str]:
        """The SSM parameters under the scenario's path for ``env``: name -> value."""
        found = self.aws("ssm").get_parameters_by_path(Path=f"/loop-{self.uid}/{env}", Recursive=True,
                                                       WithDecryption=True)["Parameters"]
        return {p["Name"].rsplit("/", 1)[-1]: p["Value"] for p in found}


def _create_roles(world_uid: str, emulator: Emulator,
                  envs: tuple[str, ...]) -> tuple[dict[str, str], dict[str, str]]:
    """Plan and apply roles per environment with the trust the github-oidc module gives them."""
    import boto3

    iam = boto3.client("iam", endpoint_url=emulator.endpoint, region_name="us-east-1",
                       aws_access_key_id="test", aws_secret_access_key="test")
    provider = f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{OIDC_HOST}"

    def trust(subjects: list[str]) -> str:
        return json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {"Federated": provider},
            "Condition": {"StringEquals": {f"{OIDC_HOST}:aud": "sts.amazonaws.com",
                                           f"{OIDC_HOST}:sub": subjects}}}]})

    plan_roles, apply_roles = {}, {}
    for env in envs:
        plan = iam.create_role(RoleName=f"loop-{world_uid}-{env}-terraform-plan",
                               AssumeRolePolicyDocument=trust([f"repo:{REPOSITORY}:pull_request",
                                                               f"repo:{REPOSITORY}:ref:refs/heads/main"]))
        apply = iam.create_role(RoleName=f"loop-{world_uid}-{env}-terraform-apply",
                                AssumeRolePolicyDocument=trust([f"repo:{REPOSITORY}:environment:{env}"]))
        plan_roles[env] = plan["Role"]["Arn"]
        apply_roles[env] = apply["Role"]["Arn"]
    return plan_roles, apply_roles


@pytest.fixture
def loop(emulator: Emulator, tmp_path: Path) -> Iterator[LoopWorld]:
    import boto3

    uid = uuid.uuid4().hex[:10]
    envs = ("dev", "staging")
    files: dict[str, str] = {}
    for env in envs:
        files.update(root_files(env))
    repo_dir = tmp_path / "repo"
    init_repository(repo_dir, files, REPO_ROOT)

    state_bucket = f"loop-tfstate-{uid}"
    boto3.client("s3", endpoint_url=emulator.endpoint, region_name="us-east-1", aws_access_key_id="test",
                 aws_secret_access_key="test").create_bucket(Bucket=state_bucket)
    plan_roles, apply_roles = _create_roles(uid, emulator, envs)

    standin = GitHubStandin().start()
    standin.add_repo(REPOSITORY)
    for env in envs:
        standin.add_environment(REPOSITORY, env)

    base_env: dict[str, str] = {}
    mirror = os.environ.get(MIRROR_ENV)
    if mirror:
        base_env[MIRROR_ENV] = mirror
        base_env["TF_CLI_CONFIG_FILE"] = str(cli_config_for_mirror(mirror))
    checkov = (os.environ.get("PIPELINE_TOOLS_CHECKOV")
               or str(REPO_ROOT / ".tools" / "checkov" / "bin" / "checkov"))
    base_env["PIPELINE_TOOLS_CHECKOV"] = checkov
    settings = RunnerSettings(
        repo_dir=repo_dir, repository=REPOSITORY, github_api_url=standin.base_url,
        github_token=standin.token, work_dir=tmp_path / "runs", venv_bin=Path(sys.executable).parent,
        aws_endpoint=emulator.endpoint,
        vars={"TF_STATE_BUCKET": state_bucket, "AWS_REGION": "us-east-1",
              "AWS_PLAN_ROLES": json.dumps(plan_roles), "AWS_APPLY_ROLES": json.dumps(apply_roles)},
        secrets={"PIPELINE_TOOLS_FINGERPRINT_KEY": FINGERPRINT_KEY},
        base_env=base_env, plugin_cache=cache_dir() / "terraform" / "plugin-cache",
        extra_path=[cli_standins.install(tmp_path / "standin-bin")],
        step_overrides={TFSEC_INSTALL_STEP: "echo 'tfsec: the stand-in on PATH (no network here)'"},
    )
    try:
        yield LoopWorld(LocalLoop(repo_dir, REPOSITORY, standin, settings), emulator, uid)
    finally:
        standin.stop()
