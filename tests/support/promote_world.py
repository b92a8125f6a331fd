"""A small world for promotion, status and runbook tests: staging and prod in the emulator.

ECR holds three images of platform/api (v1, v2, v3); staging's ECS service runs v3 (verified:
its deployment COMPLETED); prod runs v2, as its release file says; dev runs v3. The staging
and prod roots are small ones (tests/tf/env_root) that, like the real roots, read their release
file; they are applied once per session so that drift checks start clean. The GitHub stand-in
holds the repository. The emulator records every request (``request_log``), so
test_least_privilege.py can evaluate the calls of `status` and `promote` under their roles.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from pipeline_tools.integrations.terraform import Terraform, terraform_env
from pipeline_tools.local import emulator as emulator_module
from pipeline_tools.local.github_standin import GitHubStandin
from pipeline_tools.promote.release import Release, render_releases
from tests.support.cli import run_cli
from tests.support.paths import TF_ROOTS

REPO_NAME = "acme/platform"
REPOSITORY = "platform/api"
PROD_RELEASE = "environments/prod/release.auto.tfvars.json"
STAGING_RELEASE = "environments/staging/release.auto.tfvars.json"


def push_image(ecr, tag: str) -> str:
    """Push an image manifest to the emulated ECR (as `docker push` would) and return its digest.

    moto derives the digest from the layer digests, so every tag gets a layer of its own."""
    layer = "sha256:" + hashlib.sha256(f"layer-of-{tag}".encode()).hexdigest()
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 7023,
                   "digest": "sha256:" + hashlib.sha256(f"config-of-{tag}".encode()).hexdigest()},
        "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 1024,
                    "digest": layer}],
    }
    result = ecr.put_image(repositoryName=REPOSITORY, imageManifest=json.dumps(manifest), imageTag=tag)
    return result["image"]["imageId"]["imageDigest"]


def releases(digest: str, tag: str, commit: str = "") -> dict[str, Release]:
    return {"api": Release("api", REPOSITORY, digest, tag, commit)}


@dataclass
class World:
    emulator: emulator_module.Emulator
    repo_dir: Path
    standin: GitHubStandin
    digests: dict[str, str]
    repository_url: str
    request_log: Path | None = None

    def requests_since(self, start: int) -> list[dict]:
        """The requests the emulator served after the ``start``-th (see :meth:`request_count`)."""
        if self.request_log is None or not self.request_log.exists():
            return []
        return [json.loads(line) for line in self.request_log.read_text().splitlines()[start:] if line]

    def request_count(self) -> int:
        if self.request_log is None or not self.request_log.exists():
            return 0
        return len(self.request_log.read_text().splitlines())

    def env(self) -> dict[str, str]:
        return {**self.emulator.env(), "GITHUB_TOKEN": self.standin.token,
                "GITHUB_API_URL": self.standin.base_url, "GITHUB_REPOSITORY": REPO_NAME}

    def promote(self, *args: str, env: dict[str, str] | None = None):
        return run_cli("promote", *args, env={**self.env(), **(env or {})}, cwd=self.repo_dir)

    def ecs(self):
        return boto3.client("ecs", **self._client_args())

    def ecr(self):
        return boto3.client("ecr", **self._client_args())

    def _client_args(self) -> dict[str, str]:
        env = self.emulator.env()
        return {"endpoint_url": env["AWS_ENDPOINT_URL"], "region_name": env["AWS_REGION"],
                "aws_access_key_id": "test", "aws_secret_access_key": "test"}

    def run_service(self, cluster: str, service: str, digest: str, desired: int = 1) -> None:
        ecs = self.ecs()
        ecs.create_cluster(clusterName=cluster)
        task = ecs.register_task_definition(
            family=f"{cluster}-{service}",
            containerDefinitions=[{"name": service, "image": f"{self.repository_url}@{digest}",
                                   "memory": 512}],
        )["taskDefinition"]["taskDefinitionArn"]
        ecs.create_service(cluster=cluster, serviceName=service, taskDefinition=task, desiredCount=desired)

    def reset_github(self) -> None:
        self.standin.repos.clear()
        self.standin.requests.clear()
        repo = self.standin.add_repo(REPO_NAME)
        for path in (PROD_RELEASE, STAGING_RELEASE):
            content = (self.repo_dir / path).read_bytes()
            repo.files["main"][path] = (content, f"{abs(hash(content)):040x}"[:40])


@pytest.fixture(scope="session")
def world(tmp_path_factory) -> Iterator[World]:
    from pipeline_tools.local.request_recorder import LOG_ENV

    request_log = tmp_path_factory.mktemp("promote-requests") / "requests.jsonl"
    # moto marks a service's deployment COMPLETED only when started with enough running tasks.
    server = emulator_module.start(extra_env={"MOTO_ECS_SERVICE_RUNNING": "1", LOG_ENV: str(request_log)})
    standin = GitHubStandin().start()
    try:
        repo_dir = tmp_path_factory.mktemp("promote-repo")
        world = World(server, repo_dir, standin, {}, "", request_log)
        ecr = world.ecr()
        world.repository_url = ecr.create_repository(repositoryName=REPOSITORY)["repository"]["repositoryUri"]
        for tag in ("v1", "v2", "v3"):
            world.digests[tag] = push_image(ecr, tag)
        # prod runs v2; staging runs v3, verified; v1 is an earlier image to roll back to.
        # dev (no terraform root here: only its release file) runs v3 too.
        world.run_service("platform-staging", "api", world.digests["v3"])
        world.run_service("platform-prod", "api", world.digests["v2"])
        world.run_service("platform-dev", "api", world.digests["v3"])
        (repo_dir / "environments/dev").mkdir(parents=True)
        (repo_dir / "environments/dev/release.auto.tfvars.json").write_text(
            render_releases(releases(world.digests["v3"], "v3", "c0ffee3")))
        for env in ("staging", "prod"):
            shutil.copytree(TF_ROOTS / "env_root", repo_dir / "environments" / env)
        staging_release = releases(world.digests["v3"], "v3", "c0ffee3")
        (repo_dir / STAGING_RELEASE).write_text(render_releases(staging_release))
        (repo_dir / PROD_RELEASE).write_text(render_releases(releases(world.digests["v2"], "v2", "c0ffee2")))
        for env in ("staging", "prod"):
            terraform = Terraform(repo_dir / "environments" / env, env=terraform_env(server.env()))
            terraform.init()
            terraform.apply()
        world.reset_github()
        yield world
    finally:
        standin.stop()
        server.stop()


@pytest.fixture
def fresh(world: World) -> World:
    world.reset_github()
    return world


