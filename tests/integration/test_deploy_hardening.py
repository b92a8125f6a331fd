"""Issue 11 items 2, 3, 4 and 8 (deploy): the deployer against a real moto server over HTTP.

- item 3: images outside the target's ECR repository, path tricks and digests ECR does not have
  are refused with exit 2 before anything in ECS changes;
- item 8: a cluster that does not exist is bad input (2); AWS unreachable stays 3;
- item 4: two pushes within one second, events delivered in either order: the service ends on the
  newer image and is never rolled back; a late event for a tag that moved does nothing;
- item 2: a chat receiver dripping one byte at a time cannot hold a finished deploy.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

import boto3
import pytest

from pipeline_tools.core.redaction import forget_all
from pipeline_tools.deploy.handler import lambda_handler
from pipeline_tools.local import emulator as emulator_module
from pipeline_tools.local.emulator import Emulator
from pipeline_tools.notify import webhooks
from tests.integration.drip_receiver import DripReceiver, elapsed_since
from tests.integration.test_deploy_emulator import CONTAINER, SERVICE, World, manifest
from tests.support.chat_receivers import ChatReceivers
from tests.support.cli import assert_one_line_error, run_cli

MISSING_DIGEST = "sha256:" + "0" * 64


@pytest.fixture(scope="module")
def running_emulator() -> Iterator[Emulator]:
    # MOTO_ECS_SERVICE_RUNNING=1: moto marks deployments COMPLETED, so rollouts finish.
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


@pytest.fixture
def world(running_emulator: Emulator, receivers: ChatReceivers, monkeypatch: pytest.MonkeyPatch) -> World:
    receivers.reset()
    webhooks.clear_cache()
    forget_all()
    return World(running_emulator, receivers, monkeypatch)


def direct(world: World, image: str, *extra: str, env: dict[str, str] | None = None):
    return run_cli("deploy", "--cluster", world.cluster, "--service", SERVICE, "--container", CONTAINER,
                   "--image", image, *extra, env={**world.env, **(env or {})}, timeout=120)


def assert_nothing_changed(world: World) -> None:
    assert world.service()["taskDefinition"] == world.first_task_definition
    assert world.revisions() == [world.first_task_definition]
    assert world.receivers.slack.requests == 0 and world.receivers.discord.requests == 0


# --- item 3: only the target's own ECR repository, only digests ECR has ---------------------------

ATTACKS = {
    # name: (image built from the world and a digest that exists in the target repository, message)
    "digest not in ECR": (lambda w, d: f"{w.uri}@{MISSING_DIGEST}", "has no image"),
    "bare name, digest not in ECR": (lambda w, d: f"{w.repository}@{MISSING_DIGEST}", "has no image"),
    "relative path": (lambda w, d: f"../../x@{d}", "is not a private ECR registry"),
    "path after the registry": (lambda w, d: f"{w.uri.split('/')[0]}/../../{w.repository}@{d}",
                                "not a valid ECR repository name"),
    "docker hub": (lambda w, d: f"docker.io/library/nginx@{d}", "is not a private ECR registry"),
    "public ecr": (lambda w, d: f"public.ecr.aws/nginx/nginx@{d}", "is not a private ECR registry"),
    "bare name of another image": (lambda w, d: f"nginx@{d}", "is not platform/api"),
    "leading slash": (lambda w, d: f"/{w.repository}@{d}", "not a valid ECR repository name"),
    "double slash": (lambda w, d: f"{w.repository.replace('/', '//')}@{d}",
                     "not a valid ECR repository name"),
    "upper case": (lambda w, d: f"{w.repository.upper()}@{d}", "not a valid ECR repository name"),
    "another account's registry": (
        lambda w, d: f"999999999999.dkr.ecr.us-east-1.amazonaws.com/{w.repository}@{d}",
        "is not this account's ECR registry"),
    "another region's registry": (
        lambda w, d: w.uri.replace(".us-east-1.", ".eu-west-1.") + f"@{d}",
        "is not this account's ECR registry"),
    "a lookalike registry host": (
        lambda w, d: w.uri.replace(".amazonaws.com", ".amazonaws.com.evil.example") + f"@{d}",
        "is not a private ECR registry"),
    "a tag, not a digest": (lambda w, d: f"{w.uri}:v1.1.0", "REPOSITORY@sha256"),
}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_images_outside_the_target_repository_are_refused_before_ecs_changes(world: World,
                                                                             attack: str) -> None:
    digest = world.push("v1.1.0")
    build, message = ATTACKS[attack]

    result = direct(world, build(world, digest))

    assert_one_line_error(result)
    assert message in result.stderr, result.stderr
    assert_nothing_changed(world)


def test_an_image_from_another_repository_of_the_account_is_refused(world: World) -> None:
    """The digest exists in ECR, in this account, just not in the repository the target names."""
    other = f"{world.repository}-other"
    other_uri = world.ecr.create_repository(repositoryName=other)["repository"]["repositoryUri"]
    digest = world.ecr.put_image(repositoryName=other, imageManifest=manifest("other"),
                                 imageTag="v9")["image"]["imageId"]["imageDigest"]
    for image in (f"{other_uri}@{digest}", f"{other}@{digest}"):
        result = direct(world, image)
        assert_one_line_error(result)
        assert f"is not {world.repository}, the repository the deploy target" in result.stderr
    assert_nothing_changed(world)


def test_without_deploy_targets_the_container_s_current_repository_is_the_target(world: World) -> None:
    """staging/prod roll out from the release file without a deploy targets parameter: the image
    must come from the repository the container runs from (the only one its role may pull)."""
    no_targets = {"DEPLOY_TARGETS_PARAMETER": ""}
    other = f"{world.repository}-other"
    world.ecr.create_repository(repositoryName=other)
    foreign = world.ecr.put_image(repositoryName=other, imageManifest=manifest("other"),
                                  imageTag="v9")["image"]["imageId"]["imageDigest"]
    refused = direct(world, f"{other}@{foreign}", env=no_targets)
    assert_one_line_error(refused)
    assert f"is not {world.repository}" in refused.stderr
    assert_nothing_changed(world)

    digest = world.push("v1.1.0")
    accepted = direct(world, f"{world.repository}@{digest}", "--no-notify", env=no_targets)
    assert accepted.returncode == 0, accepted.stderr
    assert world.running_image() == f"{world.uri}@{digest}"


def test_a_service_no_deploy_target_names_is_refused(world: World) -> None:
    digest = world.push("v1.1.0")
    result = run_cli("deploy", "--cluster", world.cluster, "--service", SERVICE, "--container", "log-router",
                     "--image", f"{world.uri}@{digest}", env=world.env)
    assert_one_line_error(result)
    assert "no deploy target in" in result.stderr and "log-router" in result.stderr
    assert_nothing_changed(world)


def test_an_event_with_a_path_trick_repository_is_bad_input(world: World) -> None:
    digest = world.push("v1.1.0")
    event = world.event("v1.1.0", digest, **{"repository-name": f"../../{world.repository}"})
    result = run_cli("deploy", "--event", "-", input=json.dumps(event), env=world.env)
    assert_one_line_error(result)
    assert "repository-name" in result.stderr
    assert_nothing_changed(world)


# --- item 8: a missing cluster is bad input; AWS unreachable is an external failure ----------------

def test_a_cluster_that_does_not_exist_is_bad_input(world: World) -> None:
    digest = world.push("v1.1.0")
    result = run_cli("deploy", "--cluster", "no-such-cluster", "--service", SERVICE, "--container",
                     CONTAINER, "--image", f"{world.uri}@{digest}", env=world.env)
    assert_one_line_error(result, 2)
    assert "ECS cluster no-such-cluster does not exist" in result.stderr


def test_aws_unreachable_is_an_external_failure(world: World) -> None:
    digest = world.push("v1.1.0")
    closed = emulator_module.free_port()
    env = {"AWS_ENDPOINT_URL": f"http://127.0.0.1:{closed}", "AWS_MAX_ATTEMPTS": "1",
           "AWS_RETRY_MODE": "standard"}
    result = direct(world, f"{world.uri}@{digest}", env=env)
    assert_one_line_error(result, 3)


# --- item 4: same-second pushes ---------------------------------------------------------------------

def start_of_next_second() -> None:
    time.sleep(1.0 - time.time() % 1 + 0.01)


def push_in_one_second(world: World, *tags: str) -> list[str]:
    """Push ``tags`` (one image each) within one second of ECR's push clock, and prove it. The
    second is a fresh one: the image the world started with was pushed in an earlier second."""
    start_of_next_second()
    digests = [world.push(tag) for tag in tags]
    details = world.ecr.describe_images(repositoryName=world.repository,
                                        imageIds=[{"imageDigest": d} for d in digests])["imageDetails"]
    pushed = {detail["imagePushedAt"] for detail in details}
    assert len(pushed) == 1, f"the pushes did not share a push time: {pushed}"
    return digests


def test_same_second_pushes_delivered_out_of_order_end_on_the_newer_image(world: World) -> None:
    older, newer = push_in_one_second(world, "v1.1.0", "v1.2.0")

    assert lambda_handler(world.event("v1.2.0", newer), None)["results"][0]["outcome"] == "completed"
    revisions = world.revisions()
    late = lambda_handler(world.event("v1.1.0", older), None)

    assert late["results"][0]["outcome"] == "skipped"
    assert "not rolling back" in late["results"][0]["reason"]
    assert world.running_image() == f"{world.uri}@{newer}"
    assert world.revisions() == revisions


def test_same_second_pushes_delivered_in_order_end_on_the_newer_image(world: World) -> None:
    older, newer = push_in_one_second(world, "v1.1.0", "v1.2.0")

    assert lambda_handler(world.event("v1.1.0", older), None)["results"][0]["outcome"] == "completed"
    assert lambda_handler(world.event("v1.2.0", newer), None)["results"][0]["outcome"] == "completed"

    assert world.running_image() == f"{world.uri}@{newer}"


def test_same_second_pushes_without_version_tags_never_roll_back(world: World, caplog) -> None:
    """Tags that do not order (commit SHAs): the running image stays, with a warning."""
    caplog.set_level(logging.WARNING, logger="pipeline_tools")
    older, newer = push_in_one_second(world, "va3f9c10", "vb7d2e40")

    assert lambda_handler(world.event("vb7d2e40", newer), None)["results"][0]["outcome"] == "completed"
    late = lambda_handler(world.event("va3f9c10", older), None)

    assert late["results"][0]["outcome"] == "skipped"
    assert "never rolling back" in late["results"][0]["reason"]
    assert world.running_image() == f"{world.uri}@{newer}"
    assert "pushed in the same second" in caplog.text


def test_a_same_second_retag_event_arriving_late_does_nothing(world: World) -> None:
    """The same tag pushed twice within a second: ECR says where the tag points now."""
    start_of_next_second()
    first = world.push("v3", seed="build-1")
    second = world.push("v3", seed="build-2")

    assert lambda_handler(world.event("v3", second), None)["results"][0]["outcome"] == "completed"
    late = lambda_handler(world.event("v3", first), None)

    assert late["results"] == [] and "now points at" in late["ignored"]
    assert world.running_image() == f"{world.uri}@{second}"


# --- item 2: a dripping chat receiver cannot hold a finished deploy ---------------------------------

@pytest.fixture
def dripping_chat(world: World,
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[DripReceiver, DripReceiver]]:
    slack, discord = DripReceiver(interval=2.0), DripReceiver(interval=2.0)
    # Webhooks from the same secrets the Lambda reads, now pointing at receivers that drip.
    boto3.client("secretsmanager").put_secret_value(
        SecretId=world.env["SLACK_WEBHOOK_SECRET_ID"], SecretString=slack.url)
    boto3.client("ssm").put_parameter(Name=world.env["DISCORD_WEBHOOK_SECRET_ID"][4:], Type="SecureString",
                                      Value=discord.url, Overwrite=True)
    monkeypatch.setenv("NOTIFY_CALL_DEADLINE_SECONDS", "2")
    monkeypatch.setenv("NOTIFY_DEADLINE_SECONDS", "3")
    try:
        yield slack, discord
    finally:
        slack.stop()
        discord.stop()


def test_a_dripping_receiver_cannot_hold_the_lambda(world: World, dripping_chat, caplog) -> None:
    slack, discord = dripping_chat
    digest = world.push("v1.1.0")
    started = time.monotonic()

    summary = lambda_handler(world.event("v1.1.0", digest), None)

    # The deploy itself takes a second or two against moto; the chat part at most 3 s.
    assert elapsed_since(started) < 3 + 12
    assert summary["results"][0]["outcome"] == "completed" and summary["exit_code"] == 0
    assert world.running_image() == f"{world.uri}@{digest}"
    assert slack.requests_read == 1 and discord.requests_read == 1
    assert ("slack notification not delivered after 1 attempt(s): no complete answer within the 2 s"
            in caplog.text)
    assert "dripSecretToken" not in caplog.text


def test_a_dripping_receiver_cannot_hold_the_cli(world: World, dripping_chat) -> None:
    digest = world.push("v1.1.0")
    started = time.monotonic()

    result = run_cli(
        "deploy", "--cluster", world.cluster, "--service", SERVICE, "--container", CONTAINER,
        "--image", f"{world.uri}@{digest}", env={**world.env, "NOTIFY_CALL_DEADLINE_SECONDS": "2",
                                                 "NOTIFY_DEADLINE_SECONDS": "3"}, timeout=120)

    assert elapsed_since(started) < 3 + 20
    assert result.returncode == 0, result.stderr
    assert "completed (exit 0)" in result.stdout
    warnings = [line for line in result.stderr.splitlines() if line.strip()]
    assert warnings and all("notification" in line and "deadline" in line for line in warnings), warnings
    assert len(warnings) == 2  # one line per channel
    assert "dripSecretToken" not in result.stdout + result.stderr
