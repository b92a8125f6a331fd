"""Following a rollout to its outcome, for the outcomes moto cannot produce.

moto's ECS deployments are frozen at creation (never FAILED, never rolled back by a circuit
breaker, never replaced), so these tests drive a real botocore ECS client through
``botocore.stub.Stubber`` sequences shaped like ECS's answers; the reasons are the ones in AWS's
own deployment state change samples (tests/fixtures/events/). The Stubber also fails the test on
any call we did not plan for: that is how "never deregisters anything" is checked.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from pipeline_tools.deploy import rollout
from pipeline_tools.deploy.deployer import AwsClients, Deployer, DeployRequest
from pipeline_tools.deploy.lock import NoLock
from pipeline_tools.deploy.notification import deploy_notification
from pipeline_tools.deploy.outcome import Outcome, combined_exit_code
from pipeline_tools.deploy.taskdef import BASE_TAG
from pipeline_tools.notify import build_payloads
from tests.support.chat_receivers import discord_problems, slack_problems
from tests.support.paths import FIXTURES

CLUSTER = "platform-dev"
SERVICE = "api"
REPO = "123456789012.dkr.ecr.us-east-1.amazonaws.com/platform/api"
OLD_DIGEST = "sha256:" + "a" * 64
NEW_DIGEST = "sha256:" + "b" * 64
OLD_TD = "arn:aws:ecs:us-east-1:123456789012:task-definition/platform-dev-api:7"
NEW_TD = "arn:aws:ecs:us-east-1:123456789012:task-definition/platform-dev-api:8"
OURS = "ecs-svc/1111111111111111111"
PREVIOUS = "ecs-svc/2222222222222222222"
ROLLBACK = "ecs-svc/3333333333333333333"


def sample_reason(name: str) -> str:
    return json.loads((FIXTURES / "events" / name).read_text())["detail"]["reason"]


# "ECS deployment circuit breaker: task failed to start." / "...: rolling back to deploymentId ..."
FAILED_REASON = sample_reason("ecs_deployment_failed_event.json")
ROLLBACK_REASON = sample_reason("ecs_deployment_in_progress_rollback_event.json")
STARTED = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


def ecs_client() -> Any:
    return boto3.client("ecs", region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test", endpoint_url="http://127.0.0.1:9")


def deployment(id_: str, status: str, state: str, task_definition: str, reason: str = "") -> dict[str, Any]:
    return {"id": id_, "status": status, "taskDefinition": task_definition, "rolloutState": state,
            "rolloutStateReason": reason, "desiredCount": 2, "runningCount": 0, "pendingCount": 0,
            "failedTasks": 3 if state == "FAILED" else 0}


def service(*deployments: dict[str, Any], events: list[dict[str, Any]] | None = None,
            task_definition: str = NEW_TD) -> dict[str, Any]:
    cluster_arn = f"arn:aws:ecs:us-east-1:123456789012:cluster/{CLUSTER}"
    described = {"serviceName": SERVICE, "clusterArn": cluster_arn, "status": "ACTIVE",
                 "taskDefinition": task_definition, "deployments": list(deployments),
                 "events": events or []}
    return {"services": [described], "failures": []}


def expect_describe(stubber: Stubber, response: dict[str, Any]) -> None:
    stubber.add_response("describe_services", response, {"cluster": CLUSTER, "services": [SERVICE]})


def expect_stopped_tasks(stubber: Stubber, tasks: list[dict[str, Any]]) -> None:
    arns = [t["taskArn"] for t in tasks]
    stubber.add_response("list_tasks", {"taskArns": arns},
                         {"cluster": CLUSTER, "serviceName": SERVICE, "desiredStatus": "STOPPED"})
    if arns:
        stubber.add_response("describe_tasks", {"tasks": tasks, "failures": []},
                             {"cluster": CLUSTER, "tasks": arns})


def stopped_task(number: int, reason: str, task_definition: str = NEW_TD,
                 container_reason: str = "") -> dict[str, Any]:
    containers = [{"name": "api", "reason": container_reason}] if container_reason else [{"name": "api"}]
    return {"taskArn": f"arn:aws:ecs:us-east-1:123456789012:task/{CLUSTER}/{number:032x}",
            "taskDefinitionArn": task_definition, "stoppedReason": reason, "lastStatus": "STOPPED",
            "containers": containers}


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def follow(client: Any, timeout: float = 600, fake: FakeTime | None = None) -> rollout.RolloutResult:
    fake = fake or FakeTime()
    return rollout.follow(client, CLUSTER, SERVICE, OURS, NEW_TD, started_at=STARTED,
                          timeout_seconds=timeout, poll_seconds=15, sleep=fake.sleep, clock=fake.clock)


def test_completed_after_in_progress() -> None:
    client = ecs_client()
    with Stubber(client) as stubber:
        expect_describe(stubber, service(deployment(OURS, "PRIMARY", "IN_PROGRESS", NEW_TD),
                                         deployment(PREVIOUS, "ACTIVE", "COMPLETED", OLD_TD)))
        expect_describe(stubber, service(deployment(OURS, "PRIMARY", "COMPLETED", NEW_TD)))
        result = follow(client)
        stubber.assert_no_pending_responses()
    assert result.outcome is Outcome.COMPLETED
    assert result.outcome.exit_code == 0


def test_circuit_breaker_without_rollback_is_failed_with_reasons() -> None:
    client = ecs_client()
    events = [
        {"id": "3", "createdAt": STARTED + timedelta(minutes=3),
         "message": f"(service {SERVICE}) deployment {OURS} deployment failed: tasks failed to start."},
        {"id": "2", "createdAt": STARTED + timedelta(minutes=1),
         "message": f"(service {SERVICE}) has started 2 tasks: (task 1) (task 2)."},
        {"id": "1", "createdAt": STARTED - timedelta(days=2),
         "message": "(service api) has reached a steady state."},
    ]
    with Stubber(client) as stubber:
        expect_describe(stubber, service(deployment(OURS, "PRIMARY", "IN_PROGRESS", NEW_TD)))
        expect_describe(stubber, service(deployment(OURS, "PRIMARY", "FAILED", NEW_TD, FAILED_REASON),
                                         events=events))
        expect_stopped_tasks(stubber, [
            stopped_task(1, "Essential container in task exited", container_reason="exit code 137"),
            stopped_task(2, "Essential container in task exited", container_reason="exit code 137"),
            stopped_task(3, "CannotPullContainerError: pull image manifest has been retried 5 time(s)"),
            stopped_task(4, "Scaling activity initiated by (deployment ecs-svc/old)", task_definition=OLD_TD),
        ])
        result = follow(client)
        stubber.assert_no_pending_responses()
    assert result.outcome is Outcome.FAILED
    assert result.outcome.exit_code == 10
    assert "circuit breaker" in result.reason
    # Only events since the deploy started; only our revision's tasks, grouped.
    assert result.service_events == [events[0]["message"], events[1]["message"]]
    assert result.stopped_reasons == [
        "Essential container in task exited: exit code 137 (2 tasks)",
        "CannotPullContainerError: pull image manifest has been retried 5 time(s) (1 task)",
    ]


def test_circuit_breaker_rollback_is_rolled_back_not_success() -> None:
    """The case fabfuel/ecs-deploy reports as success: the service is stable again, on the OLD revision."""
    client = ecs_client()
    with Stubber(client) as stubber:
        expect_describe(stubber, service(deployment(OURS, "PRIMARY", "IN_PROGRESS", NEW_TD)))
        expect_describe(stubber, service(
            deployment(ROLLBACK, "PRIMARY", "IN_PROGRESS", OLD_TD, ROLLBACK_REASON),
            deployment(OURS, "ACTIVE", "FAILED", NEW_TD, FAILED_REASON),
            task_definition=OLD_TD))
        expect_stopped_tasks(stubber, [stopped_task(1, "Task failed ELB health checks in (target-group x)")])
        result = follow(client)
        stubber.assert_no_pending_responses()
    assert result.outcome is Outcome.ROLLED_BACK
    assert result.outcome.exit_code == 11
    assert "rolling back" in result.reason
    assert result.stopped_reasons == ["Task failed ELB health checks in (target-group x) (1 task)"]


def test_rollback_after_our_deployment_is_gone_is_still_rolled_back() -> None:
    client = ecs_client()
    with Stubber(client) as stubber:
        expect_describe(stubber, service(
            deployment(ROLLBACK, "PRIMARY", "COMPLETED", OLD_TD, ROLLBACK_REASON), task_definition=OLD_TD))
        expect_stopped_tasks(stubber, [])
        result = follow(client)
    assert result.outcome is Outcome.ROLLED_BACK


def test_replaced_by_someone_elses_deployment_is_superseded() -> None:
    client = ecs_client()
    other_td = OLD_TD.replace(":7", ":9")
    with Stubber(client) as stubber:
        expect_describe(stubber, service(
            deployment("ecs-svc/999", "PRIMARY", "IN_PROGRESS", other_td,
                       "ECS deployment ecs-svc/999 in progress."),
            deployment(OURS, "ACTIVE", "IN_PROGRESS", NEW_TD)))
        expect_stopped_tasks(stubber, [])
        result = follow(client)
    assert result.outcome is Outcome.SUPERSEDED
    assert result.outcome.exit_code == 14
    assert "ecs-svc/999" in result.reason


def test_stuck_rollout_times_out_without_waiting_for_real() -> None:
    client = ecs_client()
    fake = FakeTime()
    with Stubber(client) as stubber:
        for _ in range(5):  # t = 0, 15, 30, 45, 60
            expect_describe(stubber, service(deployment(OURS, "PRIMARY", "IN_PROGRESS", NEW_TD,
                                                        f"ECS deployment {OURS} in progress.")))
        expect_stopped_tasks(stubber, [])
        result = follow(client, timeout=60, fake=fake)
        stubber.assert_no_pending_responses()
    assert result.outcome is Outcome.TIMED_OUT
    assert result.outcome.exit_code == 12
    assert "not finished after 60 s" in result.reason and "in progress" in result.reason
    assert fake.sleeps == [15, 15, 15, 15]


def test_the_deployer_reports_rollback_and_never_deregisters() -> None:
    """The whole deploy against a stubbed ECS: register + update_service + follow. Any other call
    (deregister_task_definition included) would make the Stubber raise."""
    ecs, ecr = ecs_client(), boto3.client("ecr", region_name="us-east-1", aws_access_key_id="t",
                                          aws_secret_access_key="t", endpoint_url="http://127.0.0.1:9")
    clients = AwsClients()
    clients.set("ecs", ecs)
    clients.set("ecr", ecr)
    described = {
        "taskDefinitionArn": OLD_TD, "family": "platform-dev-api", "revision": 7, "status": "ACTIVE",
        "containerDefinitions": [{"name": "api", "image": f"{REPO}@{OLD_DIGEST}", "essential": True}],
        "requiresAttributes": [{"name": "com.amazonaws.ecs.capability.ecr-auth"}],
        "compatibilities": ["EC2", "FARGATE"], "registeredAt": STARTED, "registeredBy": "arn:aws:iam::1:root",
        "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512", "networkMode": "awsvpc",
    }
    with Stubber(ecs) as stub_ecs, Stubber(ecr) as stub_ecr:
        expect_describe(stub_ecs, service(deployment(PREVIOUS, "PRIMARY", "COMPLETED", OLD_TD),
                                          task_definition=OLD_TD))
        stub_ecs.add_response("describe_task_definition",
                              {"taskDefinition": described, "tags": [{"key": "team", "value": "platform"}]},
                              {"taskDefinition": OLD_TD, "include": ["TAGS"]})
        # The revision Terraform manages is the family's newest without the deployer's tag: the
        # running one here (already described, not described again).
        stub_ecs.add_response("list_task_definitions", {"taskDefinitionArns": [OLD_TD]},
                              {"familyPrefix": "platform-dev-api", "status": "ACTIVE", "sort": "DESC"})
        stub_ecr.add_response("describe_images", {"imageDetails": [
            {"registryId": "123456789012", "repositoryName": "platform/api", "imageDigest": OLD_DIGEST,
             "imageTags": ["v1.0.0"]}]},
            {"repositoryName": "platform/api", "imageIds": [{"imageDigest": OLD_DIGEST}]})
        # Exactly the describe-only fields are gone, the image changed, the tags kept, and the
        # revision it copied named.
        stub_ecs.add_response("register_task_definition", {"taskDefinition": {"taskDefinitionArn": NEW_TD}}, {
            "family": "platform-dev-api",
            "containerDefinitions": [{"name": "api", "image": f"{REPO}@{NEW_DIGEST}", "essential": True}],
            "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512", "networkMode": "awsvpc",
            "tags": [{"key": "team", "value": "platform"}, {"key": BASE_TAG, "value": OLD_TD}],
        })
        stub_ecs.add_response("update_service", {"service": service(
            deployment(OURS, "PRIMARY", "IN_PROGRESS", NEW_TD),
            deployment(PREVIOUS, "ACTIVE", "COMPLETED", OLD_TD))["services"][0]},
            {"cluster": CLUSTER, "service": SERVICE, "taskDefinition": NEW_TD})
        expect_describe(stub_ecs, service(
            deployment(ROLLBACK, "PRIMARY", "IN_PROGRESS", OLD_TD, ROLLBACK_REASON),
            deployment(OURS, "ACTIVE", "FAILED", NEW_TD, FAILED_REASON), task_definition=OLD_TD))
        expect_stopped_tasks(stub_ecs, [stopped_task(n, "Essential container in task exited")
                                        for n in range(3)])
        fake = FakeTime()
        deployer = Deployer(clients=clients, lock=NoLock(), timeout_seconds=300,
                            sleep=fake.sleep, clock=fake.clock)
        result = deployer.deploy(DeployRequest(CLUSTER, SERVICE, "api", f"{REPO}@{NEW_DIGEST}",
                                               environment="dev", tag="v1.1.0", trigger="test"))
        stub_ecs.assert_no_pending_responses()
    assert result.outcome is Outcome.ROLLED_BACK and result.exit_code == 11
    assert result.deployment_id == OURS
    assert result.old_tag == "v1.0.0"
    assert result.stopped_reasons == ["Essential container in task exited (3 tasks)"]
    message = json.dumps(build_payloads(deploy_notification(result)))
    assert "rolled back" in message and "task failed to start" in message
    assert "Essential container in task exited (3 tasks)" in message


def test_most_severe_outcome_wins() -> None:
    from pipeline_tools.deploy.outcome import DeployResult

    def result(outcome: Outcome) -> DeployResult:
        return DeployResult(outcome, CLUSTER, SERVICE, "api", "dev", "x")

    assert combined_exit_code([result(Outcome.COMPLETED), result(Outcome.ROLLED_BACK)]) == 11
    assert combined_exit_code([result(Outcome.TIMED_OUT), result(Outcome.FAILED)]) == 10
    assert combined_exit_code([result(Outcome.SKIPPED), result(Outcome.COMPLETED)]) == 0
    assert combined_exit_code([]) == 0


@pytest.mark.parametrize("outcome", [Outcome.FAILED, Outcome.ROLLED_BACK, Outcome.TIMED_OUT])
def test_huge_failure_reports_stay_within_chat_limits(outcome: Outcome) -> None:
    """100 stopped tasks with distinct long reasons and long service events: both payloads fit."""
    client = ecs_client()
    tasks = [stopped_task(n, f"Essential container in task exited {n} " + "x" * 900,
                          container_reason="OutOfMemoryError: <@everyone> " + "y" * 500) for n in range(100)]
    events = [{"id": str(n), "createdAt": STARTED + timedelta(seconds=n),
               "message": "(service api) " + "e" * 3000} for n in range(50)]
    with Stubber(client) as stubber:
        state = "IN_PROGRESS" if outcome is Outcome.TIMED_OUT else "FAILED"
        primary = [deployment(ROLLBACK, "PRIMARY", "IN_PROGRESS", OLD_TD, ROLLBACK_REASON * 100)] \
            if outcome is Outcome.ROLLED_BACK else []
        ours_status = "ACTIVE" if primary else "PRIMARY"
        expect_describe(stubber, service(*primary, deployment(OURS, ours_status, state, NEW_TD, "r" * 5000),
                                         events=events))
        expect_stopped_tasks(stubber, tasks)
        result = follow(client, timeout=0)
    assert result.outcome is outcome
    assert len(result.stopped_reasons) == 100
    from pipeline_tools.deploy.outcome import DeployResult

    deploy = DeployResult(outcome, CLUSTER, SERVICE * 100, "api", "dev" * 200, f"{REPO}@{NEW_DIGEST}",
                          new_tag="t" * 300, old_image=f"{REPO}@{OLD_DIGEST}", reason=result.reason,
                          trigger="push " * 1000, service_events=result.service_events,
                          stopped_reasons=result.stopped_reasons, deployment_id=OURS,
                          task_definition_arn=NEW_TD)
    payloads = build_payloads(deploy_notification(deploy))
    assert slack_problems(payloads["slack"]) == []
    assert discord_problems(payloads["discord"]) == []
    assert payloads["discord"]["allowed_mentions"] == {"parse": []}
    text = json.dumps(payloads)
    assert "and " in text and " more" in text  # says what was left out


def test_pick_deployment_prefers_ours() -> None:
    updated = service(deployment(PREVIOUS, "ACTIVE", "COMPLETED", OLD_TD),
                      deployment(OURS, "PRIMARY", "IN_PROGRESS", NEW_TD))["services"][0]
    assert rollout.pick_deployment_id(updated, NEW_TD) == OURS


