"""A pull request that touches only a root the pipeline checks but never plans (bootstrap: no plan
role), through the real workflow files run by the local runner (issue 18: the comment job used to
fail with ``invalid environment name '*'`` when no plan artifact existed)."""

from __future__ import annotations

import pytest

from tests.support.loop_world import CONFIGURE_AWS, LoopWorld, parameter

pytestmark = pytest.mark.terraform

VERSIONS = """terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}
"""


def test_a_pull_request_touching_only_bootstrap_is_checked_and_its_comment_job_succeeds(
        loop: LoopWorld) -> None:
    world = loop.loop
    files = {"environments/bootstrap/versions.tf": VERSIONS,
             "environments/bootstrap/main.tf": parameter("seed", loop.param_name("bootstrap", "seed"), "s")}
    pull = world.open_pull_request("bootstrap-only", files, "Bootstrap only")
    result = world.run_pull_request(pull)
    plan = result.job("plan bootstrap")
    assert plan.result == "success", plan.log[-3000:]
    assert plan.step("validate").outcome == "success" and plan.step("gate").outcome == "success"
    assert plan.step("plan").outcome == "skipped"
    # No stage of pipeline-tools.yml holds bootstrap: no plan role, so no AWS credentials at all.
    config = plan.step("config")
    assert config.outputs["plan_role"] == "" and config.outputs["stage"] == "", config.outputs
    assert plan.step(CONFIGURE_AWS).outcome == "skipped"
    comment_job = result.job("PR comment")
    assert comment_job.result == "success", comment_job.log[-3000:]
