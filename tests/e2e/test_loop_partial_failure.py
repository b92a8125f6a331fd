"""Scenario c (issue 18): an apply that fails half-way, re-run without a new review, through the
real workflow files run by the local runner.

The pull request adds two parameters. Between review and apply, someone creates the second one by
hand, so AWS (the emulator) answers ``ParameterAlreadyExists`` and terraform applies only the
first. Once the stray parameter is removed, re-running the same push's workflow re-plans just the
second parameter, a subset of what was reviewed, and applies it.
"""

from __future__ import annotations

import pytest

from tests.support.loop_world import LoopWorld, parameter

pytestmark = pytest.mark.terraform


def test_rerunning_an_apply_that_failed_half_way_applies_the_rest(loop: LoopWorld) -> None:
    world = loop.loop
    pull = world.open_pull_request("two-settings", {
        "environments/dev/settings.tf": parameter("alpha", loop.param_name("dev", "alpha"), "a")
        + parameter("beta", loop.param_name("dev", "beta"), "b")}, "Two settings")
    planned = world.run_pull_request(pull)
    assert planned.job("plan dev").result == "success", planned.job("plan dev").log[-3000:]
    world.approve(pull)
    before, after = world.merge(pull)

    ssm = loop.client("ssm")
    ssm.put_parameter(Name=loop.param_name("dev", "beta"), Value="by hand", Type="String")
    failed = world.run_push(before, after)
    dev = failed.job("apply dev")
    assert dev.result == "failure"
    assert dev.step("verify").outcome == "success"
    assert dev.step("apply").outcome == "failure"
    assert "ParameterAlreadyExists" in dev.step("apply").log
    assert loop.parameters("dev") == {"alpha": "a", "beta": "by hand"}

    ssm.delete_parameter(Name=loop.param_name("dev", "beta"))
    rerun = world.run_push(before, after)
    dev = rerun.job("apply dev")
    assert dev.result == "success", dev.log[-4000:]
    assert "Plan: 1 to add" in dev.log
    assert loop.parameters("dev") == {"alpha": "a", "beta": "b"}
