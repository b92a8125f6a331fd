"""The ``loop`` fixture: a :class:`pipeline_tools.local.loop_sandbox.Sandbox` (a fresh repository
with the real workflow files and tiny dev/staging roots of SSM parameters, its state bucket and
OIDC roles in the session's AWS emulator, and a fresh GitHub stand-in) for each scenario test.

``promotion_loop``: the same with a third stage, prod, and a service in each stage (dev runs image
v2, staging and prod v1: release files, ECR images, ECS services), in an emulator of its own
started with MOTO_ECS_SERVICE_RUNNING=1 (the session's keeps deployments in progress, which some
tests rely on; promotion and rollouts need them to complete).

``deploy_loop``: dev only, whose root holds the ECS task definition and service (Terraform's, as
the platform's ecs module makes them) with no release yet, its images arriving by ECR push (the
stage's ``auto_deploy``; the deployer's deploy targets in SSM), in the same emulator.

Stand-in, because nothing here can run it: ``tfsec`` (a download) is replaced by
pipeline_tools/local/cli_standins.py, the tfsec install step by a no-op
(docs/local-workflows.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline_tools.local import emulator as emulator_module
from pipeline_tools.local.emulator import Emulator
from pipeline_tools.local.github_standin import GitHubStandin
from pipeline_tools.local.loop_sandbox import CONFIGURE_AWS, Sandbox, build_sandbox, parameter
from tests.support.paths import REPO_ROOT

__all__ = ["CONFIGURE_AWS", "LoopWorld", "deploy_loop", "ecs_emulator", "loop", "parameter", "promotion_loop"]

LoopWorld = Sandbox


@pytest.fixture
def loop(emulator: Emulator, tmp_path: Path) -> Iterator[Sandbox]:
    standin = GitHubStandin().start()
    try:
        yield build_sandbox(tmp_path, emulator.endpoint, standin, REPO_ROOT)
    finally:
        standin.stop()


@pytest.fixture(scope="module")
def ecs_emulator() -> Iterator[Emulator]:
    server = emulator_module.start(extra_env={"MOTO_ECS_SERVICE_RUNNING": "1"})
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def promotion_loop(ecs_emulator: Emulator, tmp_path: Path) -> Iterator[Sandbox]:
    standin = GitHubStandin().start()
    try:
        yield build_sandbox(tmp_path, ecs_emulator.endpoint, standin, REPO_ROOT,
                            envs=("dev", "staging", "prod"),
                            running={"dev": "v2", "staging": "v1", "prod": "v1"})
    finally:
        standin.stop()


@pytest.fixture
def deploy_loop(ecs_emulator: Emulator, tmp_path: Path) -> Iterator[Sandbox]:
    standin = GitHubStandin().start()
    try:
        yield build_sandbox(tmp_path, ecs_emulator.endpoint, standin, REPO_ROOT, envs=("dev",),
                            managed=("dev",))
    finally:
        standin.stop()
