"""``apply rollout``'s choice of services and ``apply report``'s verdict: the pure models."""

from __future__ import annotations

import pytest

from pipeline_tools.apply.report import (
    StepOutcomes,
    marker,
    notification,
    refusal_reason,
    render_message,
    verdict,
)
from pipeline_tools.apply.rollout import render_plan, rollout_targets
from pipeline_tools.promote.release import PLACEHOLDER_DIGEST, Release
from pipeline_tools.status.model import ServiceStatus, unreleased_status

OLD = "sha256:" + "1" * 64
NEW = "sha256:" + "2" * 64


def running(service: str, *digests: str, release: str = NEW) -> ServiceStatus:
    return ServiceStatus(service=service, release_digest=release, release_tag="v2",
                         running_digests=list(digests), digest_source="running tasks", deployment_id="d",
                         rollout_state="COMPLETED", rollout_state_reason="", updated_at=None)


RELEASES = {name: Release(name, f"platform/{name}", NEW, "v2") for name in ("api", "web", "worker")}


def test_only_services_not_running_their_release_are_rolled_out():
    services = [running("web", NEW), running("api", OLD), running("worker", OLD, NEW)]
    targets = rollout_targets("acme-qa", services, RELEASES)
    # worker is mid-rollout (two digests): not in sync, so it is rolled out to the release too.
    assert [(t.service, t.container, t.cluster, t.image) for t in targets] == [
        ("api", "api", "acme-qa", f"platform/api@{NEW}"),
        ("worker", "worker", "acme-qa", f"platform/worker@{NEW}"),
    ]
    assert targets[0].digest == NEW
    text = render_plan("qa", "acme-qa", services, targets)
    assert f"acme-qa/api: runs {OLD}, release file says {NEW}: rolling out" in text
    assert "acme-qa/web: runs the release file's" in text and "nothing to do" in text


def test_a_service_not_running_at_all_is_rolled_out_and_an_empty_release_does_nothing():
    assert [t.service for t in rollout_targets("c", [running("api")], RELEASES)] == ["api"]
    assert rollout_targets("c", [], RELEASES) == []
    assert "nothing to roll out" in render_plan("qa", "c", [], [])


def test_a_service_with_no_release_yet_is_never_rolled_out_to_the_placeholder():
    # Issue 18: the apply's rollout never rolls a service back to a placeholder digest.
    releases = {**RELEASES, "admin": Release("admin", "platform/admin", PLACEHOLDER_DIGEST, "")}
    services = [unreleased_status("admin", PLACEHOLDER_DIGEST), running("api", OLD)]
    targets = rollout_targets("acme-dev", services, releases)
    assert [t.service for t in targets] == ["api"]
    plan = render_plan("dev", "acme-dev", services, targets)
    assert "acme-dev/admin: no release yet: nothing to roll out" in plan


def test_a_service_running_an_older_task_definition_takes_terraforms_with_the_right_image():
    """Issue 18 item 6: an apply changed the task definition; the service still runs a revision built
    from the older one (``stale``). staging/prod: rolled out with the release file's image, even in
    sync. dev (images arrive by ECR push): with the image it runs, never the release file's (an older
    digest, or the placeholder), and only when stale."""
    services = [running("api", NEW), running("web", NEW)]
    stale = {"api": f"1.dkr.ecr.us-east-1.amazonaws.com/platform/api@{NEW}"}
    targets = rollout_targets("acme-prod", services, RELEASES, stale=stale)
    assert [(t.service, t.image) for t in targets] == [("api", f"platform/api@{NEW}")]
    plan = render_plan("prod", "acme-prod", services, targets, stale=stale)
    assert "acme-prod/api: runs the release file's" in plan and "not built from Terraform's" in plan

    pushed = "sha256:" + "3" * 64
    dev = [running("api", pushed, release=OLD), unreleased_status("admin", PLACEHOLDER_DIGEST),
           running("web", pushed, release=OLD), running("worker", PLACEHOLDER_DIGEST)]
    releases = {**{n: Release(n, f"platform/{n}", OLD, "v1") for n in ("api", "web")},
                "admin": Release("admin", "platform/admin", PLACEHOLDER_DIGEST, "")}
    stale = {"api": f"1.dkr.ecr.us-east-1.amazonaws.com/platform/api@{pushed}", "admin": "",
             "worker": f"1.dkr.ecr.us-east-1.amazonaws.com/platform/worker@{PLACEHOLDER_DIGEST}"}
    targets = rollout_targets("acme-dev", dev, releases, stale=stale, auto_deploy=True)
    assert [(t.service, t.image) for t in targets] == [("api", stale["api"])]
    plan = render_plan("dev", "acme-dev", dev, targets, stale=stale, auto_deploy=True)
    assert f"acme-dev/api: runs {pushed} in a revision not built from Terraform's" in plan
    assert "acme-dev/web: images arrive by ECR push" in plan and "nothing to do" in plan
    assert "acme-dev/worker: runs" in plan and "nothing to roll out" in plan


@pytest.mark.parametrize(("steps", "status", "result", "delivered"), [
    (("success", "success", "success", "success"), "success", "applied", True),
    (("success", "success", "success", "failure"), "warning", "applied, but rolling out", False),
    (("failure", "skipped", "skipped", "skipped"), "failure", "REFUSED: the merged pull request", False),
    (("success", "failure", "skipped", "skipped"), "failure", "REFUSED: the plan of the merged", False),
    (("success", "success", "failure", "skipped"), "failure", "FAILED before or during apply", False),
    (("success", "success", "cancelled", "skipped"), "failure", "CANCELLED", False),
    # init or the re-plan failed: nothing after check ran.
    (("success", "skipped", "skipped", "skipped"), "failure", "FAILED", False),
])
def test_the_verdict_follows_the_first_step_that_did_not_succeed(steps, status, result, delivered):
    outcome = verdict(StepOutcomes(*steps))
    assert (outcome.status, outcome.delivered) == (status, delivered)
    assert outcome.result.startswith(result)


def test_a_refusal_says_why_with_the_logs_last_line_and_nothing_else_does():
    refused = verdict(StepOutcomes("success", "failure", "skipped", "skipped"))
    log = "ok: a plan comment\nNOT MET: approval\n\nerror: 2 changes were not reviewed\n"
    assert refusal_reason(refused, log) == "error: 2 changes were not reviewed"
    failed = verdict(StepOutcomes("success", "success", "failure", "skipped"))
    assert refusal_reason(failed, log) == ""
    message = render_message("prod", refused, run_url="https://gh.example/r/1", reason="why")
    assert message.splitlines() == [
        "terraform apply prod: REFUSED: the plan of the merged commit is not the plan that was reviewed "
        "(https://gh.example/r/1)", "why"]


def test_the_comment_marker_is_per_environment():
    assert marker("dev") != marker("prod") and marker("dev").startswith("<!--")


def test_the_chat_message_links_the_run_and_the_pull_request():
    message = notification("dev", verdict(StepOutcomes("success", "success", "success", "success")),
                           sha="a" * 40, run_url="https://gh.example/run", pull_url="https://gh.example/pr/3",
                           reason="")
    assert message.title == "terraform apply dev: applied" and message.status.value == "success"
    assert [(f.name, f.value) for f in message.fields] == [("Environment", "dev"), ("Commit", "a" * 12)]
    assert [link.text for link in message.links] == ["Run", "Pull request"]
