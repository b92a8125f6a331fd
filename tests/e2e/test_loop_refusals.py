"""Scenarios e and h (issue 18), through the real workflow files run by the local runner.

e. A pull request whose security gate fails, approved and merged anyway: the apply refuses it and
   nothing reaches AWS.
h. A pull request whose plan fails: the sticky comment shows that environment's plan as failed,
   with the end of terraform's error.
d. A commit pushed to main outside a pull request: the apply refuses it; apply-dispatch.yml then
   re-plans with the read-only role, shows the plan, and applies exactly that plan (the GitHub
   environment's approval is GitHub's own gate on the job, not reproduced here).
"""

from __future__ import annotations

import pytest

from pipeline_tools.comment.markers import parse_comment_markers
from tests.support.loop_world import LoopWorld, parameter

pytestmark = pytest.mark.terraform

# A SecureString without a customer-managed key: checkov's CKV_AWS_337, which the policy rates
# HIGH (blocking).
UNENCRYPTED = """resource "aws_ssm_parameter" "plain" {{
  name  = "{name}"
  type  = "SecureString"
  value = "not so secret"
}}
"""


def test_a_merged_pull_request_whose_gate_failed_is_not_applied(loop: LoopWorld) -> None:
    world = loop.loop
    pull = world.open_pull_request("plain-parameter", {
        "environments/dev/plain.tf": UNENCRYPTED.format(name=loop.param_name("dev", "plain"))},
        "An unencrypted parameter")
    planned = world.run_pull_request(pull)
    plan_dev = planned.job("plan dev")
    assert plan_dev.step("gate").outcome == "failure", plan_dev.log[-3000:]
    assert plan_dev.result == "failure"
    markers = parse_comment_markers(world.comments(pull)[0], first_line_only=True)
    assert markers is not None and markers.gates == {"dev": "fail"}

    world.approve(pull)
    before, after = world.merge(pull)
    applied = world.run_push(before, after)
    dev = applied.job("apply dev")
    assert dev.result == "failure"
    assert dev.step("check").outcome == "failure"
    assert dev.step("apply").outcome == "skipped"
    assert "gate" in dev.step("check").log.lower(), dev.step("check").log
    assert loop.parameters("dev") == {}
    # `apply report` keeps one comment per root: a hidden marker line, then what a reader sees.
    refusal = world.comments(pull)[-1]
    marker, first_line = refusal.splitlines()[:2]
    assert marker == "<!-- pipeline-tools:apply-report env=dev -->", refusal
    assert first_line.startswith("terraform apply dev: REFUSED"), refusal


def test_a_failing_plan_shows_as_failed_in_the_comment(loop: LoopWorld) -> None:
    world = loop.loop
    missing = loop.param_name("dev", "never-created")
    broken = f"""data "aws_ssm_parameter" "missing" {{
  name = "{missing}"
}}

resource "aws_ssm_parameter" "copy" {{
  name   = "{loop.param_name("dev", "copy")}"
  type   = "SecureString"
  key_id = "alias/aws/ssm"
  value  = data.aws_ssm_parameter.missing.value
}}
"""
    pull = world.open_pull_request("broken-plan", {"environments/dev/broken.tf": broken},
                                   "Copy a parameter that does not exist")
    planned = world.run_pull_request(pull)
    plan_dev = planned.job("plan dev")
    assert plan_dev.step("plan").outcome == "failure"
    assert planned.job("PR comment").result == "success", planned.job("PR comment").log[-3000:]
    body = world.comments(pull)[0]
    markers = parse_comment_markers(body, first_line_only=True)
    assert markers is not None and markers.failed == frozenset({"dev"})
    assert "plan failed" in body
    assert "ParameterNotFound" in body or "couldn't find" in body.lower() or missing in body, body[-2000:]


def test_a_commit_pushed_to_main_outside_a_pull_request_is_not_applied(loop: LoopWorld) -> None:
    world = loop.loop
    before, after = world.push_to_main({"environments/dev/direct.tf": parameter(
        "direct", loop.param_name("dev", "direct"), "unreviewed")}, "Straight to main")
    applied = world.run_push(before, after)
    assert applied.job("affected").outputs["pr"] == ""
    dev = applied.job("apply dev")
    assert dev.result == "failure"
    assert dev.step("check").outcome == "failure", dev.log[-3000:]
    assert dev.step("apply").outcome == "skipped"
    assert loop.parameters("dev") == {}
    assert any("REFUSED" in line for line in dev.summary.splitlines()), dev.summary

    # The way forward (runbooks/refused-apply.md): re-plan, review, apply exactly that plan.
    dispatched = world.run_dispatch("apply-dispatch.yml", {"root": "environments/dev",
                                                           "reason": "commit pushed outside a pull request"})
    replan = dispatched.job("re-plan environments/dev")
    assert replan.result == "success", replan.log[-3000:]
    assert "commit pushed outside a pull request" in replan.summary
    assert loop.param_name("dev", "direct") in replan.summary, replan.summary[-2000:]
    applied_by_hand = dispatched.job("apply dev (after review)")
    assert applied_by_hand.result == "success", applied_by_hand.log[-3000:]
    assert loop.parameters("dev") == {"direct": "unreviewed"}
    # Recorded as the root's last successful apply, so the next merge's apply starts from here.
    repo = world.standin.repo_or_404(world.repository)
    (deployment_id, deployment), = [(i, d) for i, d in repo.deployments.items() if d["environment"] == "dev"]
    assert deployment["sha"] == after and deployment["task"] == "terraform-apply"
    states = [status["state"] for status in repo.deployment_statuses[deployment_id]]
    assert states == ["in_progress", "success"]
