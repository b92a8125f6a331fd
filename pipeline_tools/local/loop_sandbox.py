"""A sandbox for the GitOps loop: a fresh repository with this repository's workflow files, its own
pipeline-tools.yml and tiny environment roots, its state bucket and OIDC roles in the emulator, and
a GitHub stand-in repository with the environments (deploying from main only, as doctor checks).
The scenario tests (tests/support/loop_world.py) and ``make demo`` build one with
:func:`build_sandbox`.

The roots hold a few SSM parameters: the smallest resources that exercise plan, gate and apply.
Their S3 backend sets ``use_path_style`` because the emulator serves buckets by path, the only
setting the real roots do not have. Everything in AWS carries the sandbox's id (state bucket,
roles, parameter paths), so sandboxes share one emulator without resetting it.

With ``running`` (environment -> image tag), each environment also runs a service: an ECR
repository holds the images, each root has a release file naming the image by digest and reads it
as the real roots do (here into an SSM parameter), applied once before the first pull request, and
the stage's ECS cluster runs the service on that image (what the platform root and a first deploy
would have made), so promotion and ``apply rollout`` have something to read and roll out.

With ``managed`` (environments), a root holds its ECS task definition and service itself, as the
platform's ecs module makes them (``service.tf``), with no release yet; the stage gets its images
by ECR push (``auto_deploy``), and the deployer's deploy targets are in SSM (scenario f).
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline_tools.local.emulator import ACCOUNT_ID, REGION
from pipeline_tools.local.loop import WORKFLOW_TOKEN_ACCOUNT, LocalLoop, init_repository
from pipeline_tools.local.workflow_runner import RunnerSettings

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from pipeline_tools.local.github_standin import GitHubStandin

REPOSITORY = "acme/platform"
OIDC_HOST = "token.actions.githubusercontent.com"
ENVIRONMENTS = ("dev", "staging")
# Stand-in for the repository secret; the fingerprints it keys are compared only with each other.
FINGERPRINT_KEY = "loop-fingerprint-key-0123456789abcdef"
# The one workflow step replaced locally: tfsec is a download (see cli_standins.py).
TFSEC_INSTALL_STEP = "Install tfsec (pinned release, checksum verified)"
CONFIGURE_AWS = "aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502"
# `github.token` of every run: as on GitHub, an installation token of the account
# github-actions[bot] (so a pull request it opens starts no workflow, see LocalLoop.run_pull_request).
WORKFLOW_TOKEN = "ghs_LoopWorkflowTokenOfGithubActions0123"
SERVICE = "api"


def root_files(env: str) -> dict[str, str]:
    """An environment root with no resources yet (pull requests add them)."""
    versions = f"""terraform {{
  required_version = ">= 1.6"
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }}
  }}
  backend "s3" {{
    key            = "{env}/terraform.tfstate"
    region         = "us-east-1"
    use_path_style = true
  }}
}}

provider "aws" {{}}
"""
    return {f"environments/{env}/versions.tf": versions}


RELEASES_ROOT_FILE = """variable "releases" {{
  description = "Service name to the image it runs, by digest (release.auto.tfvars.json)."
  type = map(object({{
    repository    = string
    digest        = string
    tag           = optional(string, "")
    source_commit = optional(string, "")
  }}))
}}

data "aws_ecr_repository" "service" {{
  for_each = var.releases
  name     = each.value.repository
}}

# The image each service runs, as the real roots put it in the task definition.
resource "aws_ssm_parameter" "image" {{
  for_each = var.releases
  name     = "{prefix}/image-${{each.key}}"
  type     = "SecureString"
  key_id   = "alias/aws/ssm"
  value    = "${{data.aws_ecr_repository.service[each.key].repository_url}}@${{each.value.digest}}"
}}
"""


def release_root_files(env: str, prefix: str, repository: str, digest: str, tag: str) -> dict[str, str]:
    """A root's release file (one service, ``SERVICE``) and the terraform that reads it."""
    from pipeline_tools.promote.release import Release, release_file, render_releases

    path = release_file(Path("environments"), env).as_posix()
    return {path: render_releases({SERVICE: Release(SERVICE, repository, digest, tag)}),
            f"environments/{env}/releases.tf": RELEASES_ROOT_FILE.format(prefix=prefix)}


# A service whose task definition and service Terraform manages, as terraform/modules/ecs does:
# the image from the release file by digest, the revision the service runs ignored (the deployer's
# rollouts own it), superseded revisions kept registered; no tasks while there is no release.
SERVICE_ROOT_FILE = """locals {{
  api_repository = data.aws_ecr_repository.service["{service}"].repository_url
  api_image      = "${{local.api_repository}}@${{var.releases["{service}"].digest}}"
  api_released   = var.releases["{service}"].digest != "{placeholder}"
}}

resource "aws_ecs_task_definition" "{service}" {{
  family                   = "{cluster}-{service}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = "{execution_role}"
  task_role_arn            = "{task_role}"
  container_definitions = jsonencode([{{
    name                   = "{service}"
    image                  = local.api_image
    essential              = true
    readonlyRootFilesystem = true
    environment            = [{{ name = "GREETING", value = "hello" }}]
  }}])

  skip_destroy = true
}}

resource "aws_ecs_service" "{service}" {{
  name            = "{service}"
  cluster         = "{cluster}"
  task_definition = aws_ecs_task_definition.{service}.arn
  desired_count   = local.api_released ? 1 : 0
  launch_type     = "FARGATE"
  # checkov CKV_AWS_332, as the ecs module's default
  platform_version = "LATEST"

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200

  deployment_controller {{
    type = "ECS"
  }}

  network_configuration {{
    subnets          = ["{subnet}"]
    security_groups  = ["{security_group}"]
    assign_public_ip = false
  }}

  deployment_circuit_breaker {{
    enable   = true
    rollback = true
  }}

  lifecycle {{
    ignore_changes = [task_definition, desired_count]
  }}
}}
"""


def service_root_files(env: str, cluster: str, network: Mapping[str, str]) -> dict[str, str]:
    """The Terraform of a root whose ECS task definition and service are its own (``managed``), its
    tasks in ``network``'s subnet with its security group and roles (``execution_role``,
    ``task_role``: made directly, as the platform's other resources would be)."""
    from pipeline_tools.promote.release import PLACEHOLDER_DIGEST

    return {f"environments/{env}/service.tf": SERVICE_ROOT_FILE.format(
        service=SERVICE, cluster=cluster, placeholder=PLACEHOLDER_DIGEST, **network)}


def pipeline_config(uid: str, state_bucket: str, envs: tuple[str, ...],
                    auto_deploy: Iterable[str] = (), max_jobs: int | None = None) -> str:
    """The sandbox's pipeline-tools.yml: project ``loop-<uid>`` so the role name templates give
    the roles :func:`create_roles` makes, one stage per environment root (and every root whose
    name starts with it), the sandbox's bucket; the stages in ``auto_deploy`` get their images by
    ECR push (the deployer); ``max_jobs``: the matrices' limit (beyond it roots are grouped)."""
    auto = set(auto_deploy)
    stages = "".join(f"""  - name: {env}
    roots: ["environments/{env}*"]
    github_environment: {env}
    required_reviewers: false
    auto_deploy: {"true" if env in auto else "false"}
""" for env in envs)
    matrix = f"matrix:\n  max_jobs: {max_jobs}\n" if max_jobs is not None else ""
    return f"""# The loop sandbox's settings (docs/configuration.md), written by loop_sandbox.py.
version: 1
project: loop-{uid}
region: {REGION}
roots_dir: environments
state_bucket: "{state_bucket}"
{matrix}stages:
{stages}"""


def parameter(resource: str, name: str, value: str) -> str:
    """An SSM parameter (checkov-clean: a SecureString with a named KMS key)."""
    return f"""resource "aws_ssm_parameter" "{resource}" {{
  name   = "{name}"
  type   = "SecureString"
  key_id = "alias/aws/ssm"
  value  = "{value}"
}}
"""


def _client(service: str, endpoint: str) -> Any:
    import boto3

    return boto3.client(service, endpoint_url=endpoint, region_name=REGION, aws_access_key_id="test",
                        aws_secret_access_key="test")


def create_roles(uid: str, endpoint: str, envs: tuple[str, ...]) -> tuple[dict[str, str], dict[str, str]]:
    """Plan and apply roles per environment, trusting the subjects the github-oidc module's do:
    pull requests and jobs bound to the GitHub environment ``drift`` (the drift check, the re-plan of
    apply-dispatch.yml) for the plan role, the stage's GitHub environment for the apply role."""
    iam = _client("iam", endpoint)
    provider = f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{OIDC_HOST}"

    def trust(subjects: list[str]) -> str:
        return json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {"Federated": provider},
            "Condition": {"StringEquals": {f"{OIDC_HOST}:aud": "sts.amazonaws.com",
                                           f"{OIDC_HOST}:sub": subjects}}}]})

    plan_roles, apply_roles = {}, {}
    for env in envs:
        plan = iam.create_role(RoleName=f"loop-{uid}-{env}-terraform-plan",
                               AssumeRolePolicyDocument=trust([f"repo:{REPOSITORY}:pull_request",
                                                               f"repo:{REPOSITORY}:environment:drift"]))
        apply = iam.create_role(RoleName=f"loop-{uid}-{env}-terraform-apply",
                                AssumeRolePolicyDocument=trust([f"repo:{REPOSITORY}:environment:{env}"]))
        plan_roles[env] = plan["Role"]["Arn"]
        apply_roles[env] = apply["Role"]["Arn"]
    return plan_roles, apply_roles


@dataclass
class Sandbox:
    loop: LocalLoop
    endpoint: str
    uid: str
    digests: dict[str, str] = field(default_factory=dict)  # image tag -> digest (with ``running``)

    @property
    def repository(self) -> str:
        """The ECR repository of the sandbox's service (with ``running``)."""
        return f"loop-{self.uid}/{SERVICE}"

    def cluster(self, env: str) -> str:
        """The stage's ECS cluster (pipeline-tools.yml's default ``{project}-{stage}``)."""
        return f"loop-{self.uid}-{env}"

    def running_digest(self, env: str) -> str:
        """The digest ``env``'s service runs: the image its task definition pins (the emulator's
        tasks report none)."""
        ecs = self.client("ecs")
        [service] = ecs.describe_services(cluster=self.cluster(env), services=[SERVICE])["services"]
        definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
        [container] = [c for c in definition["containerDefinitions"] if c["name"] == SERVICE]
        return str(container["image"]).rpartition("@")[2]

    def running_task_definition(self, env: str) -> tuple[str, dict[str, Any], list[dict[str, str]]]:
        """The revision ``env``'s service runs: (arn, definition, tags)."""
        ecs = self.client("ecs")
        [service] = ecs.describe_services(cluster=self.cluster(env), services=[SERVICE])["services"]
        described = ecs.describe_task_definition(taskDefinition=service["taskDefinition"], include=["TAGS"])
        return service["taskDefinition"], described["taskDefinition"], list(described.get("tags") or [])

    def push(self, tag: str) -> str:
        """Push an image tagged ``tag`` to the sandbox's repository; returns its digest."""
        digest = push_image(self.client("ecr"), self.repository, tag)
        self.digests[tag] = digest
        return digest

    def deploy_targets_parameter(self, env: str) -> str:
        """The deploy targets of ``env``'s deployer (``managed``), as the deploy-trigger module
        writes them: every tag pushed to the repository rolls out to the stage's service."""
        return f"/loop-{self.uid}/{env}/deploy-targets"

    def param_name(self, env: str, name: str) -> str:
        return f"/loop-{self.uid}/{env}/{name}"

    def client(self, service: str) -> Any:
        """A boto3 client for the emulator with its admin credentials (out-of-band changes)."""
        return _client(service, self.endpoint)

    def parameters(self, env: str) -> dict[str, str]:
        """The SSM parameters under the sandbox's path for ``env``: name -> value."""
        found = _client("ssm", self.endpoint).get_parameters_by_path(
            Path=f"/loop-{self.uid}/{env}", Recursive=True, WithDecryption=True)["Parameters"]
        return {p["Name"].rsplit("/", 1)[-1]: p["Value"] for p in found}


def push_image(ecr: Any, repository: str, tag: str) -> str:
    """Push an image manifest to the emulated ECR (as `docker push` would); returns its digest.
    moto derives the digest from the layers, so each tag gets a layer of its own."""
    import hashlib

    def digest(text: str) -> str:
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()

    manifest = {
        "schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 7023,
                   "digest": digest(f"config-of-{tag}")},
        "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 1024,
                    "digest": digest(f"layer-of-{repository}-{tag}")}],
    }
    pushed = ecr.put_image(repositoryName=repository, imageManifest=json.dumps(manifest), imageTag=tag)
    return str(pushed["image"]["imageId"]["imageDigest"])


def _start_services(uid: str, endpoint: str, running: Mapping[str, str],
                    managed: Iterable[str] = ()) -> tuple[dict[str, str], dict[str, str]]:
    """The ECR repository with one image per tag of ``running``, and each environment's cluster
    running ``SERVICE`` on its tag's image; returns (tag -> digest, the roots' release files).
    ``managed``: environments whose cluster is made here and whose service is Terraform's (their
    root's ``service.tf``), with no release yet (the placeholder digest, as dev's release file has),
    and their deployer's deploy targets."""
    from pipeline_tools.promote.release import PLACEHOLDER_DIGEST

    ecr, ecs = _client("ecr", endpoint), _client("ecs", endpoint)
    repository = f"loop-{uid}/{SERVICE}"
    url = ecr.create_repository(repositoryName=repository)["repository"]["repositoryUri"]
    digests = {tag: push_image(ecr, repository, tag) for tag in sorted(set(running.values()))}
    files: dict[str, str] = {}
    for env in managed:
        cluster = f"loop-{uid}-{env}"
        ecs.create_cluster(clusterName=cluster)
        ec2 = _client("ec2", endpoint)
        vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.42.1.0/24")["Subnet"]["SubnetId"]
        group = ec2.create_security_group(GroupName=f"{cluster}-tasks", Description="tasks",
                                          VpcId=vpc)["GroupId"]
        iam = _client("iam", endpoint)
        trust = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]})
        roles = {f"{kind}_role": iam.create_role(RoleName=f"{cluster}-{SERVICE}-{kind}",
                                                 AssumeRolePolicyDocument=trust)["Role"]["Arn"]
                 for kind in ("execution", "task")}
        files.update(release_root_files(env, f"/loop-{uid}/{env}", repository, PLACEHOLDER_DIGEST, ""))
        files.update(service_root_files(env, cluster, {"subnet": subnet, "security_group": group, **roles}))
        _client("ssm", endpoint).put_parameter(
            Name=f"/loop-{uid}/{env}/deploy-targets", Type="String", Value=json.dumps([
                {"repository": repository, "tag_pattern": "*", "environment": env, "cluster": cluster,
                 "service": SERVICE, "container": SERVICE}]))
    for env, tag in running.items():
        cluster = f"loop-{uid}-{env}"
        ecs.create_cluster(clusterName=cluster)
        container = {"name": SERVICE, "image": f"{url}@{digests[tag]}", "memory": 512}
        task = ecs.register_task_definition(family=f"{cluster}-{SERVICE}", containerDefinitions=[container])
        ecs.create_service(cluster=cluster, serviceName=SERVICE, desiredCount=1,
                           taskDefinition=task["taskDefinition"]["taskDefinitionArn"])
        files.update(release_root_files(env, f"/loop-{uid}/{env}", repository, digests[tag], tag))
    return digests, files


def _apply_directly(repo_dir: Path, envs: Iterable[str], endpoint: str, state_bucket: str,
                    scratch: Path) -> None:
    """Apply the committed roots once with the emulator's admin credentials (a copy of each, so
    the repository gets no .terraform): the first pull request's plans then start clean."""
    import shutil

    from pipeline_tools.integrations.terraform import Terraform, terraform_env
    from pipeline_tools.local.emulator import client_env

    for env in envs:
        root = scratch / env
        shutil.copytree(repo_dir / "environments" / env, root)
        terraform = Terraform(root, env=terraform_env(client_env(endpoint)))
        terraform.init(backend_config={"bucket": state_bucket})
        terraform.apply()


def build_sandbox(work_dir: Path, endpoint: str, standin: GitHubStandin, copy_from: Path, *,
                  envs: tuple[str, ...] = ENVIRONMENTS, running: Mapping[str, str] | None = None,
                  managed: tuple[str, ...] = (), files: Mapping[str, str] | None = None,
                  max_jobs: int | None = None,
                  progress: Callable[[str], None] | None = None, parallel_legs: int = 1) -> Sandbox:
    """``running``: environment -> image tag its service runs (see the module's docstring); the
    emulator must then run with MOTO_ECS_SERVICE_RUNNING=1, so that deployments complete.
    ``managed``: environments whose ECS task definition and service are in their root (Terraform's,
    as the platform's ecs module makes them), with no release yet; their images arrive by ECR push
    (the stage's ``auto_deploy``, the deployer with :meth:`Sandbox.deploy_targets_parameter`).
    ``files``: more files of the first commit (more roots of the stages: ``environments/dev-01``
    belongs to dev; a module they share); ``max_jobs``: pipeline-tools.yml's ``matrix.max_jobs``."""
    from pipeline_tools.integrations.terraform import MIRROR_ENV, cache_dir, cli_config_for_mirror
    from pipeline_tools.local import cli_standins

    uid = uuid.uuid4().hex[:10]
    state_bucket = f"loop-tfstate-{uid}"
    first_commit: dict[str, str] = {
        "pipeline-tools.yml": pipeline_config(uid, state_bucket, envs, managed, max_jobs)}
    for env in envs:
        first_commit.update(root_files(env))
    first_commit.update(files or {})
    digests: dict[str, str] = {}
    if running or managed:
        digests, release_files = _start_services(uid, endpoint, running or {}, managed)
        first_commit.update(release_files)
    repo_dir = work_dir / "repo"
    init_repository(repo_dir, first_commit, copy_from)
    _client("s3", endpoint).create_bucket(Bucket=state_bucket)
    if running or managed:
        _apply_directly(repo_dir, (*(running or {}), *managed), endpoint, state_bucket,
                        work_dir / "first-apply")
    create_roles(uid, endpoint, envs)
    standin.add_repo(REPOSITORY)
    standin.add_token(WORKFLOW_TOKEN, WORKFLOW_TOKEN_ACCOUNT, app=True)
    # As docs/least-privilege.md asks (and `pipeline-tools doctor` checks before every apply):
    # each environment deploys from main only.
    for env in dict.fromkeys((*envs, "drift")):
        standin.add_environment(REPOSITORY, env, branches="custom", branch_patterns=("main",))

    base_env: dict[str, str] = {}
    mirror = os.environ.get(MIRROR_ENV)
    if mirror:
        base_env[MIRROR_ENV] = mirror
        base_env["TF_CLI_CONFIG_FILE"] = str(cli_config_for_mirror(mirror))
    base_env["PIPELINE_TOOLS_CHECKOV"] = (os.environ.get("PIPELINE_TOOLS_CHECKOV")
                                          or str(copy_from / ".tools" / "checkov" / "bin" / "checkov"))
    settings = RunnerSettings(
        repo_dir=repo_dir, repository=REPOSITORY, github_api_url=standin.base_url,
        github_token=WORKFLOW_TOKEN, work_dir=work_dir / "runs", venv_bin=Path(sys.executable).parent,
        aws_endpoint=endpoint,
        # Roles, region and state bucket come from the sandbox's pipeline-tools.yml; the account
        # turns its role names into ARNs. The services were deployed seconds ago: no soak period.
        vars={"AWS_ACCOUNT_ID": ACCOUNT_ID, **({"PROMOTION_SOAK_MINUTES": "0"} if running else {})},
        secrets={"PIPELINE_TOOLS_FINGERPRINT_KEY": FINGERPRINT_KEY},
        base_env=base_env, plugin_cache=cache_dir() / "terraform" / "plugin-cache",
        extra_path=[cli_standins.install(work_dir / "standin-bin")],
        step_overrides={TFSEC_INSTALL_STEP: "echo 'tfsec: the stand-in on PATH (no network here)'"},
        progress=progress, parallel_legs=parallel_legs,
    )
    return Sandbox(LocalLoop(repo_dir, REPOSITORY, standin, settings), endpoint, uid, digests)
