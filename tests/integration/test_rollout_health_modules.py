"""Issue 13's safer roll-outs (ecs) and health and certificates (endpoint-health), applied from
their ``examples/basic`` roots against the emulator.

Per module: one apply, what the emulator then holds read back with boto3 over HTTP (the task
role's policies decided by the project's IAM evaluator, since moto enforces no IAM), a re-plan that
must be clean, and a destroy that must leave nothing behind. The tests of a module share one apply
and run in file order. Marked ``terraform`` (slow): each module costs four terraform invocations.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from pipeline_tools.iam.evaluate import Principal, Request, evaluate
from pipeline_tools.local.emulator import Emulator
from tests.support.emulator_clients import emulator_client, private_network
from tests.support.emulator_clients import role_principal as emulator_role_principal
from tests.support.module_example import ModuleExample

pytestmark = pytest.mark.terraform

# A module example after its apply, and its outputs.
Applied = tuple[ModuleExample, dict[str, Any]]


def client(emulator: Emulator, service: str, region: str | None = None) -> Any:
    return emulator_client(emulator.env(), service, region)


def role_principal(emulator: Emulator, role_name: str) -> Principal:
    return emulator_role_principal(emulator.env(), role_name)


@pytest.fixture(scope="module")
def network(emulator: Emulator) -> dict[str, Any]:
    emulator.reset()
    return private_network(emulator.env(), 78)


# ---------------------------------------------------------------------------------------------
# ecs: deployment alarms, capacity providers, X-Ray daemon
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rollout(emulator: Emulator, network: dict[str, Any],
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Applied]:
    example = ModuleExample("ecs", emulator, tmp_path_factory.mktemp("ecs"), variables=network)
    try:
        yield example, example.apply()
    finally:
        if example.applied:
            example.destroy()


def test_deployment_rolls_back_on_the_target_group_alarms(emulator: Emulator, rollout: Applied) -> None:
    _, outputs = rollout
    ecs = client(emulator, "ecs")
    (service,) = ecs.describe_services(cluster=outputs["cluster_name"],
                                       services=[outputs["service_name"]])["services"]
    configuration = service["deploymentConfiguration"]
    # Both: the circuit breaker for tasks that never get healthy, the alarms for tasks that do
    # but answer with errors.
    assert configuration["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    alarms = configuration["alarms"]
    assert alarms["enable"] is True and alarms["rollback"] is True
    assert sorted(alarms["alarmNames"]) == ["example-rollout-api-target-5xx",
                                            "example-rollout-api-unhealthy-hosts"]
    assert sorted(outputs["deployment_alarm_names"]) == sorted(alarms["alarmNames"])

    cloudwatch = client(emulator, "cloudwatch")
    found = {alarm["AlarmName"]: alarm for alarm in
             cloudwatch.describe_alarms(AlarmNames=alarms["alarmNames"])["MetricAlarms"]}
    target_group_suffix = outputs["target_group_arn"].split(":")[5]
    for name, metric, threshold in [("example-rollout-api-target-5xx", "HTTPCode_Target_5XX_Count", 5),
                                    ("example-rollout-api-unhealthy-hosts", "UnHealthyHostCount", 1)]:
        alarm = found[name]
        assert alarm["Namespace"] == "AWS/ApplicationELB" and alarm["MetricName"] == metric
        assert alarm["Threshold"] == threshold
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        # The alarm watches this service's target group behind this load balancer, nothing wider.
        assert {d["Name"]: d["Value"] for d in alarm["Dimensions"]} == {
            "LoadBalancer": outputs["load_balancer_arn_suffix"], "TargetGroup": target_group_suffix}
        # People hear of a roll-back too.
        assert [arn.rsplit(":", 1)[1] for arn in alarm["AlarmActions"]] == ["example-rollout-alerts"]


def test_mixed_capacity_keeps_an_on_demand_base_and_puts_the_rest_on_spot(
        emulator: Emulator, rollout: Applied) -> None:
    _, outputs = rollout
    ecs = client(emulator, "ecs")
    (service,) = ecs.describe_services(cluster=outputs["cluster_name"],
                                       services=[outputs["service_name"]])["services"]
    strategy = {item["capacityProvider"]: item for item in service["capacityProviderStrategy"]}
    assert strategy["FARGATE"]["base"] == 1 and strategy["FARGATE"]["weight"] == 1
    assert strategy["FARGATE_SPOT"]["weight"] == 2 and strategy["FARGATE_SPOT"].get("base", 0) == 0
    (cluster,) = ecs.describe_clusters(clusters=[outputs["cluster_name"]])["clusters"]
    assert sorted(cluster["capacityProviders"]) == ["FARGATE", "FARGATE_SPOT"]


def test_xray_daemon_runs_beside_the_app_which_knows_its_address(
        emulator: Emulator, rollout: Applied) -> None:
    _, outputs = rollout
    definition = client(emulator, "ecs").describe_task_definition(
        taskDefinition=outputs["task_definition_arn"])["taskDefinition"]
    containers = {container["name"]: container for container in definition["containerDefinitions"]}
    assert sorted(containers) == ["api", "xray-daemon"]
    daemon, app = containers["xray-daemon"], containers["api"]
    assert daemon["image"].startswith("public.ecr.aws/xray/aws-xray-daemon")
    assert daemon["essential"] is False  # losing traces must not stop the service
    assert daemon["portMappings"] == [{"containerPort": 2000, "hostPort": 2000, "protocol": "udp"}]
    assert daemon["logConfiguration"]["options"]["awslogs-group"] == "/ecs/example-rollout/api"
    assert daemon["logConfiguration"]["options"]["awslogs-stream-prefix"] == "xray"
    assert {"name": "AWS_XRAY_DAEMON_ADDRESS", "value": "127.0.0.1:2000"} in app["environment"]

    # The task role may send traces and read sampling rules, and nothing else X-Ray offers.
    task_role = role_principal(emulator, outputs["task_role_name"])
    for action in ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
                   "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"]:
        assert evaluate(task_role, Request(action, "*")).allowed, action
    assert not evaluate(task_role, Request("xray:BatchGetTraces", "*")).allowed
    assert not evaluate(task_role, Request("xray:DeleteGroup", "*")).allowed


def test_rollout_example_replans_clean(rollout: Applied) -> None:
    example, _ = rollout
    assert example.replan_changes() == []


def test_rollout_example_destroy_leaves_nothing(emulator: Emulator, rollout: Applied) -> None:
    example, outputs = rollout
    example.destroy()
    alarms = client(emulator, "cloudwatch").describe_alarms(AlarmNamePrefix="example-rollout")
    assert alarms["MetricAlarms"] == []
    ecs = client(emulator, "ecs")
    # ECS keeps deleted services and clusters visible for a while, as INACTIVE.
    services = ecs.describe_services(cluster=outputs["cluster_name"], services=[outputs["service_name"]])
    assert [service["status"] for service in services["services"]] in ([], ["INACTIVE"])
    clusters = ecs.describe_clusters(clusters=[outputs["cluster_name"]])["clusters"]
    assert [cluster["status"] for cluster in clusters] in ([], ["INACTIVE"])
    roles = client(emulator, "iam").list_roles()["Roles"]
    assert [r["RoleName"] for r in roles if r["RoleName"].startswith("example-rollout")] == []


# ---------------------------------------------------------------------------------------------
# endpoint-health: Route53 health checks and certificate expiry, alarms in the right regions
# ---------------------------------------------------------------------------------------------

# The regional resources go to another region than us-east-1, so the test tells the two apart.
HOME_REGION = "eu-west-1"


@pytest.fixture(scope="module")
def health(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Applied]:
    example = ModuleExample("endpoint-health", emulator, tmp_path_factory.mktemp("endpoint-health"),
                            variables={"region": HOME_REGION})
    try:
        yield example, example.apply()
    finally:
        if example.applied:
            example.destroy()


def test_health_checks_request_each_endpoint_over_https_with_its_name(
        emulator: Emulator, health: Applied) -> None:
    _, outputs = health
    route53 = client(emulator, "route53")
    expected = {"api": ("api.health.example.org", "/health", 10),
                "frontend": ("app.health.example.org", "/", 30)}
    for key, (fqdn, path, interval) in expected.items():
        config = route53.get_health_check(HealthCheckId=outputs["health_check_ids"][key])["HealthCheck"]
        config = config["HealthCheckConfig"]
        assert config["Type"] == "HTTPS"
        assert (config["FullyQualifiedDomainName"], config["ResourcePath"]) == (fqdn, path)
        assert config["Port"] == 443 and config["RequestInterval"] == interval
        assert config["FailureThreshold"] == 3
        assert config["EnableSNI"] is True  # the load balancer serves several names


def test_health_alarms_live_in_us_east_1_and_notify_its_topic(emulator: Emulator, health: Applied) -> None:
    _, outputs = health
    us_east_1 = client(emulator, "cloudwatch", "us-east-1")
    for key, name in outputs["health_alarm_names"].items():
        (alarm,) = us_east_1.describe_alarms(AlarmNames=[name])["MetricAlarms"]
        assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/Route53", "HealthCheckStatus")
        assert alarm["Dimensions"] == [{"Name": "HealthCheckId", "Value": outputs["health_check_ids"][key]}]
        assert alarm["ComparisonOperator"] == "LessThanThreshold" and alarm["Threshold"] == 1
        assert alarm["AlarmActions"] == [outputs["us_east_1_topic_arn"]]
    # Not in the home region: Route53 publishes its metrics only in us-east-1.
    home = client(emulator, "cloudwatch", HOME_REGION)
    assert home.describe_alarms(AlarmNames=list(outputs["health_alarm_names"].values()))["MetricAlarms"] == []

    # The us-east-1 topic is encrypted, CloudWatch (of this account) may publish, people subscribe.
    sns = client(emulator, "sns", "us-east-1")
    topic = outputs["us_east_1_topic_arn"]
    assert topic.startswith("arn:aws:sns:us-east-1:")
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert attributes["KmsMasterKeyId"].startswith("arn:aws:kms:us-east-1:")
    (statement,) = json.loads(attributes["Policy"])["Statement"]
    assert statement["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == topic.split(":")[4]
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [("email", "oncall@example.org")]


def test_certificate_expiry_alarms_watch_each_certificate_in_its_region(
        emulator: Emulator, health: Applied) -> None:
    _, outputs = health
    names = outputs["certificate_alarm_names"]
    for key, region, topic in [("api", HOME_REGION, outputs["alerts_topic_arn"]),
                               ("frontend", "us-east-1", outputs["us_east_1_topic_arn"])]:
        cloudwatch = client(emulator, "cloudwatch", region)
        (alarm,) = cloudwatch.describe_alarms(AlarmNames=[names[key]])["MetricAlarms"]
        assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/CertificateManager", "DaysToExpiry")
        assert alarm["Dimensions"] == [{"Name": "CertificateArn", "Value": outputs["certificate_arns"][key]}]
        assert alarm["ComparisonOperator"] == "LessThanThreshold" and alarm["Threshold"] == 30
        assert alarm["Period"] == 86400
        assert alarm["AlarmActions"] == [topic]
    assert outputs["certificate_arns"]["api"].split(":")[3] == HOME_REGION


def test_the_notifier_in_another_region_is_subscribed_and_only_that_topic_may_invoke_it(
        emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Planned only: moto runs no Lambda, and the example has none to subscribe."""
    example = ModuleExample("endpoint-health", emulator, tmp_path_factory.mktemp("health-plan"),
                            variables={"region": HOME_REGION})
    notifier = f"arn:aws:lambda:{HOME_REGION}:123456789012:function:example-alarm-chat"
    plan = example.plan(notifier_function_arn=notifier)
    resources = {change["address"]: change for change in plan["resource_changes"]}
    subscription = resources["module.endpoint_health.aws_sns_topic_subscription.notifier[0]"]
    assert subscription["change"]["after"]["protocol"] == "lambda"
    assert subscription["change"]["after"]["endpoint"] == notifier
    permission = resources["module.endpoint_health.aws_lambda_permission.notifier[0]"]["change"]["after"]
    assert (permission["function_name"], permission["principal"]) == (notifier, "sns.amazonaws.com")
    # source_arn is the us-east-1 topic, unknown until it exists: referenced, not a wildcard.
    assert "source_arn" in resources["module.endpoint_health.aws_lambda_permission.notifier[0]"][
        "change"]["after_unknown"]
    # The topic is created with the us-east-1 provider, the permission with the home region's.
    configuration = plan["configuration"]["root_module"]["module_calls"]["endpoint_health"]["module"]
    providers = {r["address"]: r.get("provider_config_key", "") for r in configuration["resources"]}
    assert providers["aws_sns_topic_subscription.notifier"].endswith("us_east_1")
    assert not providers["aws_lambda_permission.notifier"].endswith("us_east_1")


def test_health_example_replans_clean(health: Applied) -> None:
    example, _ = health
    assert example.replan_changes() == []


def test_health_example_destroy_leaves_nothing(emulator: Emulator, health: Applied) -> None:
    example, _ = health
    example.destroy()
    assert client(emulator, "route53").list_health_checks()["HealthChecks"] == []
    for region in ("us-east-1", HOME_REGION):
        alarms = client(emulator, "cloudwatch", region).describe_alarms(AlarmNamePrefix="example-health")
        assert alarms["MetricAlarms"] == []
    topics = client(emulator, "sns", "us-east-1").list_topics()["Topics"]
    assert [t["TopicArn"] for t in topics if "example-health" in t["TopicArn"]] == []
