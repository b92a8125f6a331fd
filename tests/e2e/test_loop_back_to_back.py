"""Scenario b (issue 18): two pull requests on dev merged back to back while the first apply is
still pending, through the real workflow files run by the local runner.

dev already exists (a first pull request was applied, which records dev's last successful apply as
a GitHub Deployment). GitHub keeps one pending run per concurrency group (``terraform-apply-dev``),
so the first of the two merges' applies never runs: the second merge's apply re-plans a commit with
both changes. Each change was reviewed in its own pull request merged since dev's last successful
apply, so both are applied.
"""

from __future__ import annotations

import pytest

from tests.support.loop_world import LoopWorld, parameter

pytestmark = pytest.mark.terraform


def test_back_to_back_merges_apply_both_reviewed_changes(loop: LoopWorld) -> None:
    world = loop.loop
    existing = world.open_pull_request("existing", {"environments/dev/existing.tf": parameter(
        "existing", loop.param_name("dev", "existing"), "zero")}, "dev exists")
    assert world.run_pull_request(existing).job("plan dev").result == "success"
    world.approve(existing)
    applied_first = world.run_push(*world.merge(existing))
    assert applied_first.job("apply dev").result == "success", applied_first.job("apply dev").log[-3000:]

    first = world.open_pull_request("first", {"environments/dev/first.tf": parameter(
        "first", loop.param_name("dev", "first"), "one")}, "First setting")
    second = world.open_pull_request("second", {"environments/dev/second.tf": parameter(
        "second", loop.param_name("dev", "second"), "two")}, "Second setting")
    for pull in (first, second):
        planned = world.run_pull_request(pull)
        assert planned.job("plan dev").result == "success", planned.job("plan dev").log[-3000:]
        world.approve(pull)

    world.merge(first)  # its apply run is pending, then superseded by the next one: never runs
    before, after = world.merge(second)
    applied = world.run_push(before, after)

    dev = applied.job("apply dev")
    assert dev.result == "success", dev.log[-4000:]
    assert loop.parameters("dev") == {"existing": "zero", "first": "one", "second": "two"}
