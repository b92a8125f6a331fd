"""Scenario a (issue 18): a pull request touching dev and staging, run through the real workflow
files (terraform-pr.yml, terraform-apply.yml, apply-environment.yml) by the local runner.

One sticky comment with both plans and gate sections; after approval and merge, dev is applied
and then staging, each with its own apply role; a fresh plan afterwards shows no changes.
"""

from __future__ import annotations

import json

import pytest

from pipeline_tools.comment.markers import parse_comment_markers
from tests.support.loop_world import CONFIGURE_AWS, LoopWorld, parameter

pytestmark = pytest.mark.terraform


def test_a_pull_request_for_two_environments_is_planned_commented_merged_and_applied_in_order(
        loop: LoopWorld) -> None:
    world = loop.loop
    settings = {f"environments/{env}/settings.tf": parameter("greeting", loop.param_name(env, "greeting"),
                                                             f"hello {env}")
                for env in ("dev", "staging")}
    pull = world.open_pull_request("add-settings", settings, "Add a greeting to dev and staging")

    planned = world.run_pull_request(pull)
    for env in ("dev", "staging"):
        job = planned.job(f"plan {env}")
        assert job.result == "success", job.log[-3000:]
    comments = world.comments(pull)
    assert len(comments) == 1, comments
    markers = parse_comment_markers(comments[0], first_line_only=True)
    assert markers is not None and markers.sha == pull.head_sha
    assert set(markers.fingerprints) == {"dev", "staging"} and all(markers.fingerprints.values())
    assert markers.gates == {"dev": "pass", "staging": "pass"}
    # The plan jobs' cost step recorded each root's monthly change (SSM standard parameters: free),
    # which apply check holds against security/policy.yml's cost limits.
    assert markers.costs == {"dev": "0.00", "staging": "0.00"}, markers.costs
    assert comments[0].count("1 to add") >= 2, comments[0]
    assert "hello dev" not in comments[0]  # a SecureString's value never reaches the comment
    assert loop.parameters("dev") == {}, "a pull request must not apply anything"

    world.approve(pull)
    before, after = world.merge(pull)
    applied = world.run_push(before, after)

    dev, staging = applied.job("apply dev"), applied.job("apply staging")
    assert dev.result == "success", dev.log[-4000:]
    assert staging.result == "success", staging.log[-4000:]
    for job, env in ((dev, "dev"), (staging, "staging")):
        doctor = job.step("pipeline-tools doctor")
        assert doctor.outcome == "success" and f"ok      {env}" in doctor.log, doctor.log
        assert "cost policy" in job.step("check").log, job.step("check").log
    order = [job.name for job in applied.all_jobs()]
    assert order.index("apply dev") < order.index("apply staging")
    assumed = dev.step(CONFIGURE_AWS).log
    assert f"{loop.uid}-dev-terraform-apply as repo:acme/platform:environment:dev" in assumed
    assert f"{loop.uid}-staging-terraform-apply" in staging.step(CONFIGURE_AWS).log
    assert loop.parameters("dev") == {"greeting": "hello dev"}
    assert loop.parameters("staging") == {"greeting": "hello staging"}

    # Re-plan after the apply: a pull request that touches both roots without changing a resource.
    replan = world.open_pull_request("noop", {"environments/dev/notes.tf": "# nothing to apply\n",
                                              "environments/staging/notes.tf": "# nothing to apply\n"},
                                     "A comment only")
    rerun = world.run_pull_request(replan)
    for env in ("dev", "staging"):
        assert rerun.job(f"plan {env}").result == "success", rerun.job(f"plan {env}").log[-3000:]
        assert rerun.run_dir is not None
        plan = json.loads((rerun.run_dir / "artifacts" / f"plan-{env}" / "plan.json").read_text())
        actions = [change["change"]["actions"] for change in plan.get("resource_changes", [])]
        assert actions and all(a == ["no-op"] for a in actions), actions
