"""The deployer's pure parts: events, targets, task definition copies, configuration."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import boto3
import pytest

from pipeline_tools.core.errors import InputError
from pipeline_tools.deploy.config import DeployConfig
from pipeline_tools.deploy.events import Ignored, PushEvent, parse_event, repository_name, split_image
from pipeline_tools.deploy.handler import lambda_handler
from pipeline_tools.deploy.notification import deploy_notification, describe_image
from pipeline_tools.deploy.outcome import DeployResult, Outcome
from pipeline_tools.deploy.rollout import classify
from pipeline_tools.deploy.targets import matching_targets, parse_targets
from pipeline_tools.deploy.taskdef import DESCRIBE_ONLY_FIELDS, registration_input
from tests.support.paths import FIXTURES

SAMPLE = json.loads((FIXTURES / "events" / "ecr_push_event.json").read_text())
DIGEST = "sha256:" + "c" * 64


def test_the_real_push_sample_parses() -> None:
    parsed = parse_event(SAMPLE)
    assert parsed == PushEvent(
        event_id="13cde686-328b-6117-af20-0e5566167482", repository="my-repository-name", tag="latest",
        digest=SAMPLE["detail"]["image-digest"], account="123456789012", region="us-west-2",
        time="2019-11-16T01:54:34Z",
    )


@pytest.mark.parametrize("change, reason", [
    ({"action-type": "DELETE"}, "is not PUSH"),
    ({"action-type": "REPLICATE"}, "is not PUSH"),
    ({"result": "FAILURE"}, "did not succeed"),
    ({"image-tag": None}, "untagged"),
])
def test_pushes_we_ignore(change: dict[str, object], reason: str) -> None:
    event = copy.deepcopy(SAMPLE)
    event["detail"].update(change)
    parsed = parse_event(event)
    assert isinstance(parsed, Ignored) and reason in parsed.reason


@pytest.mark.parametrize("event", [
    [], "x", {"source": "aws.ecs", "detail-type": "ECS Deployment State Change"},
    {"source": "aws.ecr", "detail-type": "ECR Image Action"},
    {"source": "aws.ecr", "detail-type": "ECR Image Action",
     "detail": {"action-type": "PUSH", "result": "SUCCESS", "image-tag": "v1"}},
])
def test_malformed_events_are_input_errors(event: object) -> None:
    with pytest.raises(InputError):
        parse_event(event)


def test_image_references() -> None:
    assert split_image(f"123.dkr.ecr.us-east-1.amazonaws.com/platform/api@{DIGEST}") == (
        "123.dkr.ecr.us-east-1.amazonaws.com/platform/api", DIGEST)
    assert repository_name("123.dkr.ecr.us-east-1.amazonaws.com/platform/api") == "platform/api"
    assert repository_name("platform/api") == "platform/api"
    assert repository_name("localhost:5000/api") == "api"
    for bad in ("platform/api:v1", "platform/api@sha256:abc", f"@{DIGEST}", "platform/api@md5:" + "c" * 64):
        with pytest.raises(InputError):
            split_image(bad)


def test_targets_match_by_repository_and_tag_pattern() -> None:
    targets = parse_targets(json.dumps([
        {"repository": "platform/api", "tag_pattern": "v*", "environment": "dev",
         "cluster": "platform-dev", "service": "api", "container": "api"},
        {"repository": "platform/api", "tag_pattern": "v1.*", "environment": "dev",
         "cluster": "platform-dev", "service": "api", "container": "api"},  # same service twice
        {"repository": "platform/api", "tag_pattern": "main-*", "environment": "dev",
         "cluster": "platform-dev", "service": "worker", "container": "worker"},
        {"repository": "platform/web", "environment": "dev",
         "cluster": "platform-dev", "service": "web", "container": "web"},  # default pattern "*"
    ]))
    assert [t.service for t in matching_targets(targets, "platform/api", "v1.2.0")] == ["api"]
    assert [t.service for t in matching_targets(targets, "platform/api", "main-abc123")] == ["worker"]
    assert matching_targets(targets, "platform/api", "V1.2.0") == []  # tags are case-sensitive
    assert [t.service for t in matching_targets(targets, "platform/web", "anything")] == ["web"]
    assert matching_targets(targets, "platform/other", "v1") == []


@pytest.mark.parametrize("text", ["{", "{}", "[1]", '[{"repository": "r", "cluster": "c", "service": "s"}]'])
def test_bad_targets_are_input_errors(text: str) -> None:
    with pytest.raises(InputError):
        parse_targets(text)


def test_task_definition_copy_changes_only_one_image_and_drops_describe_only_fields() -> None:
    described = {
        "taskDefinitionArn": "arn:...:task-definition/api:3", "family": "api", "revision": 3,
        "status": "ACTIVE", "requiresAttributes": [{"name": "x"}], "compatibilities": ["FARGATE"],
        "registeredAt": datetime(2026, 1, 1, tzinfo=UTC), "registeredBy": "arn:aws:iam::1:root",
        "deregisteredAt": None, "someFutureDescribeOnlyField": {"a": 1},
        "containerDefinitions": [{"name": "api", "image": "old"}, {"name": "sidecar", "image": "side:1"}],
        "cpu": "256", "memory": "512", "networkMode": "awsvpc", "pidMode": None,
    }
    accepted = boto3.client("ecs", region_name="us-east-1").meta.service_model.operation_model(
        "RegisterTaskDefinition").input_shape.members
    request = registration_input(described, "api", "new@" + DIGEST, [{"key": "k", "value": "v"}], accepted)
    assert request == {
        "family": "api", "cpu": "256", "memory": "512", "networkMode": "awsvpc",
        "containerDefinitions": [{"name": "api", "image": "new@" + DIGEST},
                                 {"name": "sidecar", "image": "side:1"}],
        "tags": [{"key": "k", "value": "v"}],
    }
    assert described["containerDefinitions"][0]["image"] == "old"  # the input is not modified
    assert not DESCRIBE_ONLY_FIELDS & set(request)
    with pytest.raises(InputError, match="no container 'web'"):
        registration_input(described, "web", "x", None, accepted)


def test_configuration_from_environment() -> None:
    config = DeployConfig.from_env({"DEPLOY_TARGETS_PARAMETER": "/p", "DEPLOY_LOCK_TABLE": "t",
                                    "DEPLOY_TIMEOUT_SECONDS": "90"})
    assert (config.targets_parameter, config.lock_table, config.timeout_seconds) == ("/p", "t", 90.0)
    assert DeployConfig.from_env({}).timeout_seconds == 600.0
    for bad in ("soon", "0", "-5"):
        with pytest.raises(InputError):
            DeployConfig.from_env({"DEPLOY_TIMEOUT_SECONDS": bad})


def test_lambda_without_targets_parameter_is_a_configuration_error(monkeypatch) -> None:
    monkeypatch.delenv("DEPLOY_TARGETS_PARAMETER", raising=False)
    event = copy.deepcopy(SAMPLE)
    with pytest.raises(InputError, match="DEPLOY_TARGETS_PARAMETER"):
        lambda_handler(event, None)
    # An ignorable event needs no configuration at all.
    event["detail"]["action-type"] = "DELETE"
    assert "not PUSH" in lambda_handler(event, None)["ignored"]


def test_a_completed_deployment_stays_completed_when_replaced_later() -> None:
    service = {"deployments": [
        {"id": "new", "status": "PRIMARY", "rolloutState": "IN_PROGRESS", "rolloutStateReason": ""},
        {"id": "ours", "status": "ACTIVE", "rolloutState": "COMPLETED", "rolloutStateReason": "done"}]}
    assert classify(service, "ours") == (Outcome.COMPLETED, "done")
    assert classify({"deployments": [
        {"id": "ours", "status": "PRIMARY", "rolloutState": "IN_PROGRESS"}]}, "ours") == (None, "")


def test_deploy_message_shows_what_a_user_needs(monkeypatch) -> None:
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/platform")
    repo = "123456789012.dkr.ecr.us-east-1.amazonaws.com/platform/api"
    result = DeployResult(
        Outcome.FAILED, "platform-prod", "api", "api", "prod", f"{repo}@{DIGEST}", new_tag="v1.4.2",
        old_image=f"{repo}@sha256:{'d' * 64}", old_tag="v1.4.1", trigger="GitHub Actions apply run 7",
        source_commit="0123456789abcdef0123456789abcdef01234567", region="us-east-1", duration_seconds=184.2,
        reason="ECS deployment circuit breaker: task failed to start.",
        stopped_reasons=["Essential container in task exited (3 tasks)"],
    )
    notification = deploy_notification(result)
    fields = {f.name: f.value for f in notification.fields}
    assert notification.title == "api to prod: deploy FAILED"
    assert fields["Image"] == ("platform/api:v1.4.1 @ sha256:dddddddddddd \u2192 "
                               "platform/api:v1.4.2 @ sha256:cccccccccccc")
    assert fields["Duration"] == "184 s" and fields["Trigger"] == "GitHub Actions apply run 7"
    assert fields["New digest"] == DIGEST
    assert notification.reason.startswith("ECS deployment circuit breaker")
    assert notification.details == ["stopped task: Essential container in task exited (3 tasks)"]
    urls = [link.url for link in notification.links]
    assert urls == [
        "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/platform-prod/services/api/deployments"
        "?region=us-east-1",
        "https://github.com/acme/platform/commit/0123456789abcdef0123456789abcdef01234567",
    ]
    assert describe_image("nginx:latest") == "nginx:latest"
