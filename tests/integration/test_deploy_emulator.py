"""The deployer end to end against a real moto server over HTTP (ECR, ECS, SSM, Secrets Manager,
DynamoDB) and local Slack/Discord receivers.

moto's ECS deployments are frozen at creation: ``update_service`` keeps the same PRIMARY deployment,
whose ``rolloutState`` is COMPLETED only when the server was started with MOTO_ECS_SERVICE_RUNNING
at least the desired count. This module starts its own server with MOTO_ECS_SERVICE_RUNNING=1 (so
rollouts complete); the timeout test uses the session emulator, where they stay IN_PROGRESS.
Outcomes moto cannot produce at all (FAILED, rolled back) are in test_deploy_rollout.py.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from pipeline_tools.core.errors import InputError
from pipeline_tools.core.redaction import forget_all
from pipeline_tools.deploy.handler import DeployBusyError, lambda_handler
from pipeline_tools.deploy.taskdef import BASE_TAG
from pipeline_tools.local import emulator as emulator_module
from pipeline_tools.local.emulator import Emulator
from pipeline_tools.notify import webhooks
from tests.support.chat_receivers import ChatReceivers
from tests.support.cli import assert_one_line_error, run_cli
from tests.support.paths import FIXTURES

SERVICE = "api"
CONTAINER = "api"
LOCK_TABLE = "platform-dev-deploy-locks"
PUSH_EVENT = json.loads((FIXTURES / "events" / "ecr_push_event.json").read_text())


@pytest.fixture(scope="module")
def running_emulator() -> Iterator[Emulator]:
    server = emulator_module.start(extra_env={"MOTO_ECS_SERVICE_RUNNING": "1"})
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def receivers() -> Iterator[ChatReceivers]:
    chat = ChatReceivers()
    try:
        yield chat
    finally:
        chat.stop()


def manifest(seed: str) -> str:
    """A real Docker image manifest (schema 2); moto digests its bytes like ECR does."""
    def digest(kind: str) -> str:
        return "sha256:" + hashlib.sha256(f"{kind}-{seed}".encode()).hexdigest()

    return json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1469,
                   "digest": digest("config")},
        "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 3370706,
                    "digest": digest("layer")}],
    }, indent=3)


_worlds = itertools.count(1)


class World:
    """An environment like `dev` after terraform apply: repository, cluster, service, targets.

    Each test gets its own names instead of an emulator reset: moto re-initialises its ECS and
    EC2 backends after a reset, which costs seconds per test.
    """

    def __init__(self, emulator: Emulator, receivers: ChatReceivers, monkeypatch: pytest.MonkeyPatch,
                 *, with_lock_table: bool = True) -> None:
        number = next(_worlds)
        self.repository = f"platform/api-h{number}"
        self.cluster = f"platform-dev-h{number}"
        self.family = f"platform-dev-api-h{number}"
        targets_parameter = f"/pipeline-tools/dev-h{number}/deploy-targets"
        slack_secret = f"platform/dev-h{number}/slack-webhook"
        discord_parameter = f"/pipeline-tools/dev-h{number}/discord-webhook"
        self.emulator = emulator
        self.receivers = receivers
        self.aws_env = emulator.env()
        for key, value in self.aws_env.items():
            monkeypatch.setenv(key, value)
        self.ecr = boto3.client("ecr")
        self.ecs = boto3.client("ecs")
        self.ssm = boto3.client("ssm")
        self.uri = self.ecr.create_repository(repositoryName=self.repository)["repository"]["repositoryUri"]
        self.first_digest = self.push("v1.0.0")
        self.ecs.create_cluster(clusterName=self.cluster)
        registered = self.ecs.register_task_definition(
            family=self.family,
            containerDefinitions=[
                {"name": CONTAINER, "image": f"{self.uri}@{self.first_digest}", "memory": 512,
                 "essential": True, "portMappings": [{"containerPort": 8080}]},
                {"name": "log-router", "image": "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0",
                 "memory": 128, "essential": False},
            ],
            requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="1024",
            tags=[{"key": "team", "value": "platform"}],
        )["taskDefinition"]
        self.first_task_definition = registered["taskDefinitionArn"]
        self.ecs.create_service(cluster=self.cluster, serviceName=SERVICE,
                                taskDefinition=self.first_task_definition, desiredCount=1)
        self.ssm.put_parameter(Name=targets_parameter, Type="String", Value=json.dumps([
            {"repository": self.repository, "tag_pattern": "v*", "environment": "dev",
             "cluster": self.cluster, "service": SERVICE, "container": CONTAINER},
        ]))
        env = {
            "DEPLOY_TARGETS_PARAMETER": targets_parameter,
            "DEPLOY_TIMEOUT_SECONDS": "30",
            "SLACK_WEBHOOK_SECRET_ID": slack_secret,
            "DISCORD_WEBHOOK_SECRET_ID": f"ssm:{discord_parameter}",
        }
        if with_lock_table:
            dynamodb = boto3.client("dynamodb")
            if LOCK_TABLE not in dynamodb.list_tables()["TableNames"]:
                dynamodb.create_table(
                    TableName=LOCK_TABLE, BillingMode="PAY_PER_REQUEST",
                    AttributeDefinitions=[{"AttributeName": "lock_id", "AttributeType": "S"}],
                    KeySchema=[{"AttributeName": "lock_id", "KeyType": "HASH"}],
                )
            env["DEPLOY_LOCK_TABLE"] = LOCK_TABLE
        boto3.client("secretsmanager").create_secret(Name=slack_secret, SecretString=receivers.slack_url)
        self.ssm.put_parameter(Name=discord_parameter, Type="SecureString", Value=receivers.discord_url)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        for key in ("SLACK_WEBHOOK_URL", "DISCORD_WEBHOOK_URL", "GITHUB_SHA", "GITHUB_REPOSITORY"):
            monkeypatch.delenv(key, raising=False)
        self.env = {**self.aws_env, **env}

    def push(self, tag: str, seed: str | None = None) -> str:
        response = self.ecr.put_image(repositoryName=self.repository, imageManifest=manifest(seed or tag),
                                      imageTag=tag)
        return response["image"]["imageId"]["imageDigest"]

    def event(self, tag: str, digest: str, **detail: Any) -> dict[str, Any]:
        """The real AWS sample with the repository, tag and digest of our push."""
        event = copy.deepcopy(PUSH_EVENT)
        event["region"] = "us-east-1"
        event["detail"].update({"repository-name": self.repository, "image-tag": tag, "image-digest": digest})
        event["detail"].update(detail)
        return event

    def service(self) -> dict[str, Any]:
        return self.ecs.describe_services(cluster=self.cluster, services=[SERVICE])["services"][0]

    def running_image(self) -> str:
        arn = self.service()["taskDefinition"]
        definition = self.ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
        return next(c["image"] for c in definition["containerDefinitions"] if c["name"] == CONTAINER)

    def revisions(self) -> list[str]:
        return self.ecs.list_task_definitions(familyPrefix=self.family)["taskDefinitionArns"]


@pytest.fixture
def world(running_emulator: Emulator, receivers: ChatReceivers, monkeypatch: pytest.MonkeyPatch) -> World:
    receivers.reset()
    webhooks.clear_cache()
    forget_all()
    return World(running_emulator, receivers, monkeypatch)


def assert_no_webhook_secrets(text: str, receivers: ChatReceivers) -> None:
    for secret in ("slackSecretToken0123456789", "discordSecretToken_abcdefghijklmnop",
                   receivers.slack_url, receivers.discord_url):
        assert secret not in text


def test_push_deploys_the_new_digest_and_notifies_each_channel(world: World, caplog, capsys) -> None:
    caplog.set_level(logging.INFO)
    digest = world.push("v1.1.0")

    summary = lambda_handler(world.event("v1.1.0", digest), None)

    assert [r["outcome"] for r in summary["results"]] == ["completed"]
    service = world.service()
    assert service["taskDefinition"] != world.first_task_definition
    assert world.running_image() == f"{world.uri}@{digest}"
    new = world.ecs.describe_task_definition(taskDefinition=service["taskDefinition"], include=["TAGS"])
    # Only the one container's image changed; tags and the rest were copied, and the revision the
    # copy was built from (Terraform's) is named.
    containers = {c["name"]: c for c in new["taskDefinition"]["containerDefinitions"]}
    assert containers["log-router"]["image"].endswith("aws-for-fluent-bit:2.32.0")
    assert containers[CONTAINER]["portMappings"][0]["containerPort"] == 8080
    assert new["taskDefinition"]["cpu"] == "256"
    assert new["tags"] == [{"key": "team", "value": "platform"},
                           {"key": BASE_TAG, "value": world.first_task_definition}]
    # Nothing is ever deregistered: the previous revision stays ACTIVE for rollbacks.
    old = world.ecs.describe_task_definition(taskDefinition=world.first_task_definition)["taskDefinition"]
    assert old["status"] == "ACTIVE"

    assert len(world.receivers.slack.accepted) == 1
    assert len(world.receivers.discord.accepted) == 1
    slack_text = json.dumps(world.receivers.slack.accepted[0])
    discord = world.receivers.discord.accepted[0]
    assert discord["allowed_mentions"] == {"parse": []}
    for text in (slack_text, json.dumps(discord)):
        assert "api" in text and "dev" in text and "completed" in text
        assert digest[:19] in text and world.first_digest[:19] in text
        assert "v1.1.0" in text and "v1.0.0" in text  # old and new tags
        assert f"ECR push of {world.repository}:v1.1.0" in text
        assert "console.aws.amazon.com/ecs" in text
    captured = capsys.readouterr()
    logged = caplog.text + captured.out + captured.err + json.dumps(summary)
    assert_no_webhook_secrets(logged, world.receivers)


def test_duplicate_delivery_does_nothing(world: World) -> None:
    digest = world.push("v1.1.0")
    event = world.event("v1.1.0", digest)
    lambda_handler(event, None)
    revisions = world.revisions()

    again = lambda_handler(copy.deepcopy(event), None)

    assert [r["outcome"] for r in again["results"]] == ["skipped"]
    assert "already handled" in again["results"][0]["reason"]
    assert world.revisions() == revisions
    assert len(world.receivers.slack.accepted) == 1
    assert len(world.receivers.discord.accepted) == 1


def test_an_older_image_arriving_late_does_not_roll_back(world: World) -> None:
    older = world.push("v1.1.0")
    time.sleep(1.1)  # ECR push times have one-second resolution
    newer = world.push("v1.2.0")
    lambda_handler(world.event("v1.2.0", newer), None)
    assert world.running_image() == f"{world.uri}@{newer}"
    revisions = world.revisions()

    late = lambda_handler(world.event("v1.1.0", older), None)

    assert [r["outcome"] for r in late["results"]] == ["skipped"]
    assert "not rolling back" in late["results"][0]["reason"]
    assert world.running_image() == f"{world.uri}@{newer}"
    assert world.revisions() == revisions
    assert len(world.receivers.slack.accepted) == 1


def test_a_late_event_whose_tag_moved_does_nothing(world: World) -> None:
    """ECR is authoritative about what a tag points at now: the first push's event, arriving after
    the tag moved, changes nothing; the second push's event deploys the second build."""
    first = world.push("v2", seed="build-1")
    second = world.push("v2", seed="build-2")  # the tag moves before the first event arrives

    late = lambda_handler(world.event("v2", first), None)

    assert late["results"] == [] and "now points at" in late["ignored"]
    assert world.service()["taskDefinition"] == world.first_task_definition
    assert lambda_handler(world.event("v2", second), None)["results"][0]["outcome"] == "completed"
    assert world.running_image() == f"{world.uri}@{second}"
    # Delivered once more after the deploy, the first event still does nothing.
    assert lambda_handler(world.event("v2", first), None)["results"] == []
    assert world.running_image() == f"{world.uri}@{second}"


def test_concurrent_events_for_one_service_deploy_once(world: World) -> None:
    digest = world.push("v1.1.0")
    event = world.event("v1.1.0", digest)
    start = threading.Barrier(6)
    outcomes: list[str] = []

    def deliver() -> None:
        start.wait()
        try:
            outcomes.extend(r["outcome"] for r in lambda_handler(copy.deepcopy(event), None)["results"])
        except DeployBusyError:
            outcomes.append("busy")

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(outcomes).count("completed") == 1, outcomes
    assert set(outcomes) <= {"completed", "skipped", "busy"}
    assert len(world.revisions()) == 2
    assert len(world.receivers.slack.accepted) == 1
    assert len(world.receivers.discord.accepted) == 1


def test_a_held_lock_makes_the_handler_raise_for_a_retry_and_changes_nothing(world: World) -> None:
    dynamodb = boto3.client("dynamodb")
    dynamodb.put_item(TableName=LOCK_TABLE, Item={
        "lock_id": {"S": f"lock#{world.cluster}/{SERVICE}"}, "owner": {"S": "another-invocation"},
        "expires_at": {"N": str(int(time.time()) + 600)},
    })
    digest = world.push("v1.1.0")

    with pytest.raises(DeployBusyError, match="retry later"):
        lambda_handler(world.event("v1.1.0", digest), None)
    # The CLI takes the same lock: exit 13, nothing changed.
    busy = run_cli("deploy", "--cluster", world.cluster, "--service", SERVICE, "--container", CONTAINER,
                   "--image", f"{world.uri}@{digest}", env=world.env)
    assert busy.returncode == 13, (busy.stdout, busy.stderr)
    assert "busy" in busy.stdout
    assert world.service()["taskDefinition"] == world.first_task_definition
    assert world.receivers.slack.requests == 0

    # The other deploy finished (or its lock expired): Lambda's retry deploys.
    dynamodb.delete_item(TableName=LOCK_TABLE, Key={"lock_id": {"S": f"lock#{world.cluster}/{SERVICE}"}})
    assert lambda_handler(world.event("v1.1.0", digest), None)["results"][0]["outcome"] == "completed"


def test_an_expired_lock_does_not_block(world: World) -> None:
    boto3.client("dynamodb").put_item(TableName=LOCK_TABLE, Item={
        "lock_id": {"S": f"lock#{world.cluster}/{SERVICE}"}, "owner": {"S": "crashed-invocation"},
        "expires_at": {"N": str(int(time.time()) - 5)},
    })
    digest = world.push("v1.1.0")
    assert lambda_handler(world.event("v1.1.0", digest), None)["results"][0]["outcome"] == "completed"


@pytest.mark.parametrize("detail, reason", [
    ({"action-type": "DELETE"}, "is not PUSH"),
    ({"result": "FAILURE"}, "did not succeed"),
    ({"image-tag": ""}, "untagged"),
    ({"image-tag": "latest"}, "no deploy target matches"),  # the targets only take v*
])
def test_events_that_must_not_deploy(world: World, detail: dict[str, str], reason: str) -> None:
    digest = world.push("latest")
    summary = lambda_handler(world.event("latest", digest, **detail), None)
    assert reason in summary["ignored"]
    assert summary["results"] == []
    assert world.service()["taskDefinition"] == world.first_task_definition
    assert world.receivers.slack.requests == 0


def test_a_non_ecr_event_is_bad_input(world: World) -> None:
    sample = json.loads((FIXTURES / "events" / "ecs_deployment_failed_event.json").read_text())
    with pytest.raises(InputError, match="not an ECR Image Action"):
        lambda_handler(sample, None)


def test_chat_outage_does_not_fail_the_deploy(world: World, caplog) -> None:
    """Slack answers 500 every time, Discord 403 (a revoked webhook): deploy still completes."""
    caplog.set_level(logging.INFO)
    for _ in range(3):
        world.receivers.slack.then(500)
    world.receivers.discord.then(403, body='{"message": "Unknown Webhook", "code": 10015}')
    digest = world.push("v1.1.0")

    summary = lambda_handler(world.event("v1.1.0", digest), None)

    assert summary["results"][0]["outcome"] == "completed"
    assert world.running_image() == f"{world.uri}@{digest}"
    assert world.receivers.slack.requests == 3  # 5xx retried, then given up
    assert world.receivers.discord.requests == 1  # other 4xx never retried
    assert "slack notification not delivered" in caplog.text
    assert_no_webhook_secrets(caplog.text, world.receivers)


def test_a_missing_webhook_secret_does_not_fail_the_deploy(world: World, monkeypatch, caplog) -> None:
    monkeypatch.setenv("SLACK_WEBHOOK_SECRET_ID", "platform/dev/no-such-secret")
    digest = world.push("v1.1.0")
    summary = lambda_handler(world.event("v1.1.0", digest), None)
    assert summary["results"][0]["outcome"] == "completed"
    assert world.receivers.slack.requests == 0
    assert len(world.receivers.discord.accepted) == 1
    assert "no-such-secret" in caplog.text


def test_cli_event_from_stdin(world: World) -> None:
    digest = world.push("v1.1.0")
    result = run_cli("deploy", "--event", "-", input=json.dumps(world.event("v1.1.0", digest)), env=world.env)
    assert result.returncode == 0, result.stderr
    assert f"{world.cluster}/{SERVICE}: completed (exit 0)" in result.stdout
    assert world.running_image() == f"{world.uri}@{digest}"
    assert len(world.receivers.slack.accepted) == 1
    assert_no_webhook_secrets(result.stdout + result.stderr, world.receivers)


def test_cli_direct_form(world: World) -> None:
    digest = world.push("v1.1.0")
    image = f"{world.uri}@{digest}"
    env = {**world.env, "DEPLOY_LOCK_TABLE": "", "SLACK_WEBHOOK_SECRET_ID": "",
           "DISCORD_WEBHOOK_SECRET_ID": "", "SLACK_WEBHOOK_URL": world.receivers.slack_url}
    result = run_cli("deploy", "--cluster", world.cluster, "--service", SERVICE, "--container", CONTAINER,
                     "--image", image, "--environment", "dev", env=env)
    assert result.returncode == 0, result.stderr
    assert "completed" in result.stdout
    assert world.running_image() == image
    assert len(world.receivers.slack.accepted) == 1
    assert world.receivers.discord.requests == 0

    # The same image again, named as release files name it: nothing to do, no new revision.
    revisions = world.revisions()
    again = run_cli("deploy", "--cluster", world.cluster, "--service", SERVICE, "--container", CONTAINER,
                    "--image", f"{world.repository}@{digest}", env=env)
    assert again.returncode == 0 and "skipped" in again.stdout
    assert world.revisions() == revisions

    # A bare repository name is expanded to the ECR URI, never left for Docker Hub.
    by_name = run_cli("deploy", "--cluster", world.cluster, "--service", SERVICE, "--container", CONTAINER,
                      "--image", f"{world.repository}@{world.first_digest}", "--no-notify", env=env)
    assert by_name.returncode == 0, by_name.stderr
    assert world.running_image() == f"{world.uri}@{world.first_digest}"
    unknown = run_cli("deploy", "--cluster", world.cluster, "--service", SERVICE, "--container", CONTAINER,
                      "--image", f"platform/no-such-repo@{digest}", env=env)
    assert_one_line_error(unknown)


def test_cli_direct_form_bad_input(world: World) -> None:
    base = ("deploy", "--cluster", world.cluster, "--service", SERVICE, "--container", CONTAINER)
    assert_one_line_error(run_cli(*base, "--image", f"{world.uri}:v1.1.0", env=world.env))
    assert_one_line_error(run_cli("deploy", "--cluster", world.cluster, env=world.env))
    assert_one_line_error(run_cli("deploy", env=world.env))
    assert_one_line_error(run_cli(*base, "--image", f"{world.uri}@{world.first_digest}", "--event", "-",
                                  env=world.env))
    digest = world.push("v1.1.0")
    missing = run_cli("deploy", "--cluster", world.cluster, "--service", "nope", "--container", CONTAINER,
                      "--image", f"{world.uri}@{digest}", env=world.env)
    assert_one_line_error(missing)
    wrong_container = run_cli("deploy", "--cluster", world.cluster, "--service", SERVICE,
                              "--container", "web", "--image", f"{world.uri}@{digest}", env=world.env)
    assert_one_line_error(wrong_container)
    assert world.revisions() == [world.first_task_definition]


def test_cli_event_file_errors(world: World, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert_one_line_error(run_cli("deploy", "--event", str(bad), env=world.env))
    assert_one_line_error(run_cli("deploy", "--event", str(tmp_path / "missing.json"), env=world.env))


def test_rollout_that_never_completes_times_out(emulator: Emulator, receivers, monkeypatch) -> None:
    """The session emulator runs without MOTO_ECS_SERVICE_RUNNING, so moto keeps every deployment
    IN_PROGRESS: a real stuck rollout as far as the deployer can tell."""
    receivers.reset()
    webhooks.clear_cache()
    world = World(emulator, receivers, monkeypatch, with_lock_table=False)
    digest = world.push("v1.1.0")
    env = {**world.env, "SLACK_WEBHOOK_SECRET_ID": "", "DISCORD_WEBHOOK_SECRET_ID": "",
           "DISCORD_WEBHOOK_URL": receivers.discord_url}
    result = run_cli("deploy", "--cluster", world.cluster, "--service", SERVICE, "--container", CONTAINER,
                     "--image", f"{world.uri}@{digest}", "--timeout", "2", env=env)
    assert result.returncode == 12, (result.stdout, result.stderr)
    assert "timed_out" in result.stdout and "not finished after 2 s" in result.stdout
    assert len(receivers.discord.accepted) == 1
    assert "TIMED OUT" in json.dumps(receivers.discord.accepted[0])

    no_wait = run_cli("deploy", "--cluster", world.cluster, "--service", SERVICE, "--container", CONTAINER,
                      "--image", f"{world.uri}@{world.first_digest}", "--no-wait", "--no-notify", env=env)
    assert no_wait.returncode == 0, no_wait.stderr
    assert "started" in no_wait.stdout
    assert world.running_image() == f"{world.uri}@{world.first_digest}"


def test_direct_form_rolls_back_on_purpose_and_redeploys_a_handled_digest(world: World) -> None:
    """Events never roll back and never repeat; a person asking for an exact image gets it."""
    newer = world.push("v1.1.0")
    lambda_handler(world.event("v1.1.0", newer), None)
    base = ("deploy", "--cluster", world.cluster, "--service", SERVICE, "--container", CONTAINER,
            "--no-notify")

    back = run_cli(*base, "--image", f"{world.uri}@{world.first_digest}", env=world.env)
    assert back.returncode == 0 and "completed" in back.stdout, (back.stdout, back.stderr)
    assert world.running_image() == f"{world.uri}@{world.first_digest}"

    forward = run_cli(*base, "--image", f"{world.uri}@{newer}", env=world.env)
    assert forward.returncode == 0 and "completed" in forward.stdout, (forward.stdout, forward.stderr)
    assert world.running_image() == f"{world.uri}@{newer}"
    # The event's redelivery is still a no-op.
    assert lambda_handler(world.event("v1.1.0", newer), None)["results"][0]["outcome"] == "skipped"


class FakeLambdaContext:
    def __init__(self, remaining_ms: int) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def test_lambda_reports_a_timeout_before_its_own_deadline(emulator: Emulator, receivers, monkeypatch) -> None:
    """Session emulator: moto keeps the rollout IN_PROGRESS. With 32 s of Lambda time left the
    handler follows for 2 s (30 s are kept to report), says TIMED OUT in chat, and remembers the
    digest so EventBridge's redelivery does not start it again."""
    receivers.reset()
    webhooks.clear_cache()
    world = World(emulator, receivers, monkeypatch)
    digest = world.push("v1.1.0")
    started = time.monotonic()

    summary = lambda_handler(world.event("v1.1.0", digest), FakeLambdaContext(32_000))

    assert time.monotonic() - started < 20
    assert summary["results"][0]["outcome"] == "timed_out"
    assert summary["exit_code"] == 12
    assert "not finished after 2 s" in summary["results"][0]["reason"]
    assert len(receivers.slack.accepted) == 1 and len(receivers.discord.accepted) == 1
    assert lambda_handler(world.event("v1.1.0", digest), None)["results"][0]["outcome"] == "skipped"


def test_first_release_of_a_service_created_at_zero_tasks_starts_one(world: World) -> None:
    # terraform/platform creates a service without a release with zero tasks (docs/terraform.md).
    world.ecs.update_service(cluster=world.cluster, service=SERVICE, desiredCount=0)
    assert world.service()["desiredCount"] == 0
    digest = world.push("v1.1.0")
    image = f"{world.uri}@{digest}"
    env = {**world.env, "DEPLOY_LOCK_TABLE": "", "SLACK_WEBHOOK_SECRET_ID": "",
           "DISCORD_WEBHOOK_SECRET_ID": ""}
    result = run_cli("deploy", "--cluster", world.cluster, "--service", SERVICE, "--container", CONTAINER,
                     "--image", image, "--no-wait", "--no-notify", env=env)
    assert result.returncode == 0, result.stderr
    assert world.service()["desiredCount"] == 1
    assert world.running_image() == image

    # A service that already runs tasks keeps its count: autoscaling owns it.
    world.ecs.update_service(cluster=world.cluster, service=SERVICE, desiredCount=3)
    newer = world.push("v1.2.0")
    result = run_cli("deploy", "--cluster", world.cluster, "--service", SERVICE, "--container", CONTAINER,
                     "--image", f"{world.uri}@{newer}", "--no-wait", "--no-notify", env=env)
    assert result.returncode == 0, result.stderr
    assert world.service()["desiredCount"] == 3


def test_each_deploy_builds_from_the_task_definition_terraform_manages(world: World) -> None:
    """Issue 18 item 6: the deployer copies the family's newest revision it did not register itself
    (Terraform's), not the running one, so a change Terraform made is never lost by the next push;
    and the same image in a revision built from an older Terraform definition is rolled out again."""
    first = world.push("v1.1.0")
    lambda_handler(world.event("v1.1.0", first), None)
    deployed = world.service()["taskDefinition"]
    # Terraform changes the task definition: a new revision with the memory changed and the image
    # its configuration names (here still the first one); the service keeps running the deployer's.
    terraform = world.ecs.register_task_definition(
        family=world.family,
        containerDefinitions=[{"name": CONTAINER, "image": f"{world.uri}@{world.first_digest}", "memory": 512,
                               "essential": True, "environment": [{"name": "FEATURE", "value": "on"}]}],
        requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="2048",
        tags=[{"key": "team", "value": "platform"}])["taskDefinition"]["taskDefinitionArn"]
    assert world.service()["taskDefinition"] == deployed

    # The running image again (as the apply's rollout asks in dev): not "already running", a new
    # revision of Terraform's definition with that image.
    result = run_cli("deploy", "--cluster", world.cluster, "--service", SERVICE, "--container", CONTAINER,
                     "--image", f"{world.repository}@{first}", "--no-notify", env=world.env)
    assert result.returncode == 0, result.stderr
    refreshed = world.service()["taskDefinition"]
    assert refreshed not in (deployed, terraform)
    # Once it runs, the same request has nothing to do.
    again = run_cli("deploy", "--cluster", world.cluster, "--service", SERVICE, "--container", CONTAINER,
                    "--image", f"{world.repository}@{first}", "--no-notify", env=world.env)
    assert again.returncode == 0 and "skipped" in again.stdout, again.stdout + again.stderr
    assert world.service()["taskDefinition"] == refreshed

    second = world.push("v1.2.0")
    lambda_handler(world.event("v1.2.0", second), None)
    for arn, digest in ((refreshed, first), (world.service()["taskDefinition"], second)):
        described = world.ecs.describe_task_definition(taskDefinition=arn, include=["TAGS"])
        definition = described["taskDefinition"]
        [container] = definition["containerDefinitions"]
        assert container["image"] == f"{world.uri}@{digest}"
        assert definition["memory"] == "2048"
        assert container["environment"] == [{"name": "FEATURE", "value": "on"}]
        assert {"key": BASE_TAG, "value": terraform} in described["tags"]
