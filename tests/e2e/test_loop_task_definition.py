"""Scenario f (issue 18): an ECR push deploys dev; then a pull request changes dev's task definition
in Terraform; its apply makes the change take effect with the image dev runs, and the next push
keeps the change. Run through the real workflow files (terraform-pr.yml, terraform-apply.yml,
apply-environment.yml) by the local runner.

dev's root holds the ECS task definition and service as the platform's ecs module makes them (the
``deploy_loop`` sandbox): the image from the release file, which has no release yet (the
placeholder digest, as dev's has: dev gets its images by ECR push), ``ignore_changes`` on the
service's task definition, superseded revisions kept. moto runs no Lambda, so the deployer's
handler is called here with the event EventBridge would deliver for the push (AWS's sample,
tests/fixtures/events/ecr_push_event.json, with the push's repository, tag and digest).

Issue 18 item 6: the apply's rollout never rolls dev back to an older or placeholder digest; a
Terraform change to the task definition takes effect with the running digest; the deployer builds
its revisions from the Terraform-managed definition, not the running one; a re-plan is clean.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from pipeline_tools.comment.markers import parse_comment_markers
from pipeline_tools.deploy.handler import lambda_handler
from pipeline_tools.deploy.taskdef import BASE_TAG
from pipeline_tools.local.emulator import client_env
from pipeline_tools.promote.release import PLACEHOLDER_DIGEST
from tests.support.loop_world import CONFIGURE_AWS, LoopWorld
from tests.support.paths import FIXTURES

pytestmark = pytest.mark.terraform

PUSH_EVENT = json.loads((FIXTURES / "events" / "ecr_push_event.json").read_text())
ROLLOUT = "Roll out services whose running image differs from the release file"


def push_and_deploy(loop: LoopWorld, monkeypatch: pytest.MonkeyPatch, tag: str) -> dict[str, Any]:
    """Push ``tag`` to ECR and hand the deployer (its Lambda handler, configured as the
    deploy-trigger module configures it) the push's event; returns the handler's summary."""
    digest = loop.push(tag)
    event = copy.deepcopy(PUSH_EVENT)
    event.update(account="123456789012", region="us-east-1")
    event["detail"].update({"repository-name": loop.repository, "image-tag": tag, "image-digest": digest})
    with monkeypatch.context() as patch:
        for key, value in client_env(loop.endpoint).items():
            patch.setenv(key, value)
        patch.setenv("DEPLOY_TARGETS_PARAMETER", loop.deploy_targets_parameter("dev"))
        patch.setenv("DEPLOY_TIMEOUT_SECONDS", "60")
        for key in ("DEPLOY_LOCK_TABLE", "SLACK_WEBHOOK_SECRET_ID", "DISCORD_WEBHOOK_SECRET_ID",
                    "SLACK_WEBHOOK_URL", "DISCORD_WEBHOOK_URL"):
            patch.delenv(key, raising=False)
        return lambda_handler(event, None)


def terraforms(loop: LoopWorld) -> str:
    """The revision Terraform's state holds for the task definition (the last one it registered)."""
    ecs = loop.client("ecs")
    arns = ecs.list_task_definitions(familyPrefix=f"{loop.cluster('dev')}-api")["taskDefinitionArns"]
    ours = [arn for arn in arns if not any(
        t["key"] == BASE_TAG for t in ecs.list_tags_for_resource(resourceArn=arn).get("tags", []))]
    return max(ours, key=lambda arn: int(arn.rpartition(":")[2]))


def container(definition: dict[str, Any]) -> dict[str, Any]:
    [found] = [c for c in definition["containerDefinitions"] if c["name"] == "api"]
    return found


def assert_runs(loop: LoopWorld, digest: str, memory: str, greeting: str, base: str) -> str:
    """dev's service runs ``digest`` in a revision with Terraform's ``memory`` and ``greeting``,
    built from Terraform's revision ``base``; returns the revision."""
    arn, definition, tags = loop.running_task_definition("dev")
    assert container(definition)["image"].endswith("@" + digest), container(definition)["image"]
    assert definition["memory"] == memory
    assert container(definition)["environment"] == [{"name": "GREETING", "value": greeting}]
    assert {"key": BASE_TAG, "value": base} in tags, tags
    return arn


def test_a_task_definition_change_runs_with_the_pushed_image_and_the_next_push_keeps_it(
        deploy_loop: LoopWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    loop, world = deploy_loop, deploy_loop.loop
    # After the first apply dev runs Terraform's revision: no release yet, the placeholder.
    first_terraform = terraforms(loop)
    assert loop.running_task_definition("dev")[0] == first_terraform
    assert loop.running_digest("dev") == PLACEHOLDER_DIGEST

    # 1. An image pushed to ECR: the deployer rolls dev out to it, on Terraform's definition.
    summary = push_and_deploy(loop, monkeypatch, "v1")
    assert [r["outcome"] for r in summary["results"]] == ["completed"], summary
    deployed = assert_runs(loop, loop.digests["v1"], "512", "hello", first_terraform)

    # 2. A pull request changes the task definition (memory, an environment variable): planned...
    service_tf = world.git("show", "HEAD:environments/dev/service.tf")
    changed = service_tf.replace('memory                   = "512"', 'memory                   = "1024"') \
        .replace('value = "hello"', 'value = "bonjour"')
    assert changed.count("1024") == 1 and "bonjour" in changed
    pull = world.open_pull_request("api-memory", {"environments/dev/service.tf": changed},
                                   "api: 1 GiB of memory, and say bonjour")
    planned = world.run_pull_request(pull)
    plan = planned.job("plan dev")
    assert plan.result == "success", plan.log[-4000:]
    [comment] = world.comments(pull)
    markers = parse_comment_markers(comment, first_line_only=True)
    assert markers is not None and markers.sha == pull.head_sha and markers.gates == {"dev": "pass"}, comment
    assert "aws_ecs_task_definition.api" in comment, comment
    assert loop.running_task_definition("dev")[0] == deployed, "a pull request must not deploy anything"

    # ... approved, merged and applied by terraform-apply.yml with dev's apply role.
    world.approve(pull)
    before, after = world.merge(pull)
    applied = world.run_push(before, after)
    job = applied.job("apply dev")
    assert job.result == "success", job.log[-4000:]
    assumed = job.step(CONFIGURE_AWS).log
    assert f"{loop.uid}-dev-terraform-apply as repo:acme/platform:environment:dev" in assumed, assumed
    # Terraform registered its new revision (the placeholder image: dev's release file has no
    # release); the apply's rollout put it into effect with the digest dev runs, not the placeholder
    # and not the release file's.
    second_terraform = terraforms(loop)
    assert second_terraform != first_terraform
    rollout = job.step(ROLLOUT).log
    assert f"{loop.cluster('dev')}/api: runs {loop.digests['v1']} in a revision not built from Terraform's" \
        in rollout, rollout
    assert "completed (exit 0)" in rollout.lower(), rollout
    refreshed = assert_runs(loop, loop.digests["v1"], "1024", "bonjour", second_terraform)
    assert refreshed not in (deployed, second_terraform)

    # 3. The next push: the deployer's new revision keeps the Terraform change, with the new digest.
    summary = push_and_deploy(loop, monkeypatch, "v2")
    assert [r["outcome"] for r in summary["results"]] == ["completed"], summary
    latest = assert_runs(loop, loop.digests["v2"], "1024", "bonjour", second_terraform)
    assert latest != refreshed

    # 4. A re-plan of dev afterwards: no changes (the deployer's revisions are no drift).
    replan = world.open_pull_request("noop", {"environments/dev/notes.tf": "# nothing to apply\n"},
                                     "A comment only")
    rerun = world.run_pull_request(replan)
    assert rerun.run_dir is not None
    assert rerun.job("plan dev").result == "success", rerun.job("plan dev").log[-3000:]
    plan_json = json.loads((rerun.run_dir / "artifacts" / "plan-dev" / "plan.json").read_text())
    actions = {change["address"]: change["change"]["actions"]
               for change in plan_json.get("resource_changes", [])}
    assert actions and all(a == ["no-op"] for a in actions.values()), actions
    assert "aws_ecs_task_definition.api" in actions and "aws_ecs_service.api" in actions
