"""The scheduled drift check, run from ``.github/workflows/drift.yml`` itself by the local runner
(issue 18: drift.yml was the one loop workflow no test executed).

An environment applied through the pipeline is clean; a change made outside Terraform (an SSM
parameter overwritten with the emulator's admin credentials) opens one issue for that environment
only, naming the resource; once apply-dispatch.yml has put it back, the next check closes the issue.
The drift job plans with the read-only role bound to the ``drift`` GitHub environment.
"""

from __future__ import annotations

import pytest

from pipeline_tools.drift.model import issue_title
from tests.support.loop_world import LoopWorld, parameter

pytestmark = pytest.mark.terraform


def drift_issues(loop: LoopWorld) -> dict[str, dict]:
    repo = loop.loop.standin.repo_or_404(loop.loop.repository)
    return {issue["title"]: issue for issue in repo.issues.values() if "pull_request" not in issue}


def test_drift_is_reported_once_per_environment_and_closed_when_it_is_gone(loop: LoopWorld) -> None:
    world = loop.loop
    name = loop.param_name("dev", "feature-flag")
    world.push_to_main({"environments/dev/flags.tf": parameter("flag", name, "reviewed-7f3a")}, "A flag")
    applied = world.run_dispatch("apply-dispatch.yml", {"root": "environments/dev", "reason": "first apply"})
    first_apply = applied.job("apply dev (after review)")
    assert first_apply.result == "success", first_apply.log[-3000:]
    assert loop.parameters("dev") == {"feature-flag": "reviewed-7f3a"}

    clean = world.run_dispatch("drift.yml", {})
    for env in ("dev", "staging"):
        job = clean.job(f"drift {env}")
        assert job.result == "success", job.log[-3000:]
        assert job.step("terraform plan -detailed-exitcode").outputs["exit_code"] == "0"
    assert drift_issues(loop) == {}

    # Out of band: someone changes the value by hand.
    loop.client("ssm").put_parameter(Name=name, Value="set-by-hand-9c1e", Type="SecureString", Overwrite=True)
    drifted = world.run_dispatch("drift.yml", {})
    dev = drifted.job("drift dev")
    assert dev.result == "failure", dev.log[-3000:]  # drift fails the check, so it shows red
    assert dev.step("terraform plan -detailed-exitcode").outputs["exit_code"] == "2"
    assert drifted.job("drift staging").result == "success"
    issues = drift_issues(loop)
    assert list(issues) == [issue_title("dev")]
    issue = issues[issue_title("dev")]
    assert issue["state"] == "open" and "aws_ssm_parameter.flag" in issue["body"]
    assert "set-by-hand-9c1e" not in issue["body"]  # a SecureString's value is never shown

    # Still drifting: the same issue is kept, not a second one.
    world.run_dispatch("drift.yml", {})
    assert list(drift_issues(loop)) == [issue_title("dev")]

    # Put back through the pipeline (runbooks/responding-to-drift.md), then checked again.
    fixed = world.run_dispatch("apply-dispatch.yml", {"root": "environments/dev", "reason": "drift"})
    assert fixed.job("apply dev (after review)").result == "success"
    assert loop.parameters("dev") == {"feature-flag": "reviewed-7f3a"}
    resolved = world.run_dispatch("drift.yml", {})
    assert resolved.job("drift dev").result == "success", resolved.job("drift dev").log[-3000:]
    closed = drift_issues(loop)[issue_title("dev")]
    assert closed["state"] == "closed"
