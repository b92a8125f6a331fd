"""``make local-apply``: bootstrap + dev applied against the emulator, a clean re-plan, a clean destroy.

This is the one full apply of the suite (marked ``terraform``): real terraform, the real AWS
provider and the committed roots, against a moto server of its own (with our patches) over HTTP.
The three tests share one run and must run in file order: apply, re-plan, destroy.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from urllib.parse import urlparse

import boto3
import pytest

from pipeline_tools.local.local_apply import BOOTSTRAP, SEED_BUCKET, LocalRun, StepPrinter
from tests.support.cli import assert_one_line_error, run_cli
from tests.support.paths import REPO_ROOT

pytestmark = pytest.mark.terraform


@pytest.fixture(scope="module")
def dev_run() -> Iterator[LocalRun]:
    """Bootstrap and dev applied in a fresh emulator; whatever is left is destroyed at the end."""
    run = LocalRun("dev", printer=StepPrinter(io.StringIO()), reuse_recorded_emulator=False)
    try:
        run.up()
        yield run
    finally:
        if run.applied or run.started_emulator:
            run.down()


def aws(run: LocalRun, service: str):  # type: ignore[no-untyped-def]
    env = run.emulator.env()
    return boto3.client(service, endpoint_url=env["AWS_ENDPOINT_URL"], region_name=env["AWS_REGION"],
                        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])


def test_dev_applies_and_runs_the_released_image(dev_run: LocalRun):
    release = json.loads((REPO_ROOT / "environments/dev/release.auto.tfvars.json").read_text())
    digest = release["releases"]["api"]["digest"]
    repository_url = dev_run.bootstrap_outputs["ecr_repository_urls"]["value"]["platform/api"]
    outputs = {name: item["value"] for name, item in dev_run.env_outputs.items()}
    assert outputs["api_image"] == f"{repository_url}@{digest}"
    assert outputs["cluster_name"] == "platform-dev" and outputs["service_name"] == "api"

    # What AWS (the emulator) now holds, read back independently of terraform.
    ecs = aws(dev_run, "ecs")
    service = ecs.describe_services(cluster="platform-dev", services=["api"])["services"][0]
    assert service["status"] == "ACTIVE"
    breaker = service["deploymentConfiguration"]["deploymentCircuitBreaker"]
    assert breaker == {"enable": True, "rollback": True}
    task_definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
    assert [c["image"] for c in task_definition["containerDefinitions"] if c["name"] == "api"] == [
        f"{repository_url}@{digest}"]

    # The deploy targets the deployer Lambda reads (docs/architecture.md).
    parameter = aws(dev_run, "ssm").get_parameter(Name=outputs["deploy_targets_parameter_name"])
    assert json.loads(parameter["Parameter"]["Value"]) == [
        {"repository": f"platform/{name}", "tag_pattern": "*", "environment": "dev",
         "cluster": "platform-dev", "service": name, "container": name} for name in ("admin", "api")]

    # Dev's state lives in the bucket bootstrap created, under its own key.
    s3 = aws(dev_run, "s3")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=dev_run.state_bucket).get("Contents", [])]
    assert "dev/terraform.tfstate" in keys


def test_dev_runs_two_services_on_one_cluster_and_load_balancer(dev_run: LocalRun):
    outputs = {name: item["value"] for name, item in dev_run.env_outputs.items()}
    assert sorted(outputs["services"]) == ["admin", "api"]
    ecs = aws(dev_run, "ecs")
    services = ecs.describe_services(cluster="platform-dev", services=["api", "admin"])["services"]
    assert [s["status"] for s in services] == ["ACTIVE", "ACTIVE"]
    # The committed release files hold the placeholder digest: no release yet, so no task is
    # started for an image that does not exist (docs/terraform.md, "First apply").
    assert [s["desiredCount"] for s in services] == [0, 0]
    assert not any(service["released"] for service in outputs["services"].values())
    # admin is reached through the api's HTTPS listener, by path.
    elbv2 = aws(dev_run, "elbv2")
    [balancer] = elbv2.describe_load_balancers(Names=["platform-dev-api"])["LoadBalancers"]
    https = next(listener for listener in elbv2.describe_listeners(
        LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"] if listener["Port"] == 443)
    rules = [rule for rule in elbv2.describe_rules(ListenerArn=https["ListenerArn"])["Rules"]
             if not rule["IsDefault"]]
    routes = [(rule["Priority"], rule["Conditions"][0]["PathPatternConfig"]["Values"]) for rule in rules]
    assert routes == [("100", ["/admin/*"])]
    [admin] = [s for s in services if s["serviceName"] == "admin"]
    assert admin["loadBalancers"][0]["targetGroupArn"] == rules[0]["Actions"][0]["TargetGroupArn"]

    # status says so, instead of calling a service that runs nothing "in sync".
    result = run_cli("status", "--env", "dev", "--no-drift",
                     "--backend-config", f"bucket={dev_run.state_bucket}",
                     env={**dev_run.emulator.env()}, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr
    assert "service admin: no release" in result.stdout and "service api: no release" in result.stdout
    assert "in sync" not in result.stdout


def test_dev_services_find_each_other_through_cloud_map(dev_run: LocalRun):
    discovery = aws(dev_run, "servicediscovery")
    namespaces = {n["Name"]: n for n in discovery.list_namespaces()["Namespaces"]}
    assert namespaces["dev.platform.internal"]["Type"] == "DNS_PRIVATE"
    # The only namespace of the run: every registry listed is one of dev's.
    assert list(namespaces) == ["dev.platform.internal"]
    registries = {s["Name"]: s["Arn"] for s in discovery.list_services()["Services"]}
    assert sorted(registries) == ["admin", "api"]
    # ECS registers each service's tasks in its own registry (api.dev.platform.internal, ...).
    ecs = aws(dev_run, "ecs")
    services = ecs.describe_services(cluster="platform-dev", services=["api", "admin"])["services"]
    assert {s["serviceName"]: [r["registryArn"] for r in s["serviceRegistries"]] for s in services} == {
        name: [arn] for name, arn in registries.items()}


def test_bootstrap_keeps_the_recovery_vault_the_uploads_replica_and_the_image_push_role(dev_run: LocalRun):
    outputs = {name: item["value"] for name, item in dev_run.bootstrap_outputs.items()}
    env = dev_run.emulator.env()
    recovery = boto3.client("backup", endpoint_url=env["AWS_ENDPOINT_URL"], region_name="us-west-2",
                            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])
    vaults = {vault["BackupVaultName"]: vault["BackupVaultArn"]
              for vault in recovery.list_backup_vaults()["BackupVaultList"]}
    assert vaults == {"platform-recovery": outputs["recovery_vault_arn"]}
    assert ":us-west-2:" in outputs["recovery_vault_arn"]
    # ... and the replica bucket prod's uploads replicate to, in the same recovery region.
    replica = outputs["uploads_replica_bucket_arn"].removeprefix("arn:aws:s3:::")
    replica_s3 = boto3.client("s3", endpoint_url=env["AWS_ENDPOINT_URL"], region_name="us-west-2",
                              aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                              aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])
    assert replica_s3.get_bucket_location(Bucket=replica)["LocationConstraint"] == "us-west-2"
    assert replica_s3.get_bucket_versioning(Bucket=replica)["Status"] == "Enabled"
    role = aws(dev_run, "iam").get_role(RoleName=outputs["ecr_push_role_arn"].split("/")[-1])["Role"]
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    assert "repo:example-org/platform-infra:ref:refs/heads/main" in json.dumps(trust)


def test_dev_rolls_back_on_alarms_runs_admin_on_spot_and_checks_its_endpoints(dev_run: LocalRun):
    """Issue 13: deployment alarms, dev's spot capacity, health checks and certificate expiry."""
    ecs = aws(dev_run, "ecs")
    services = {s["serviceName"]: s for s in
                ecs.describe_services(cluster="platform-dev", services=["api", "admin"])["services"]}
    # Both services are behind the load balancer: each rolls back on its own target group's alarms.
    for name, service in services.items():
        alarms = service["deploymentConfiguration"]["alarms"]
        assert alarms["enable"] and alarms["rollback"], name
        assert sorted(alarms["alarmNames"]) == [f"platform-dev-{name}-target-5xx",
                                                f"platform-dev-{name}-unhealthy-hosts"]
    assert [p["capacityProvider"] for p in services["admin"]["capacityProviderStrategy"]] == ["FARGATE_SPOT"]
    assert not services["api"].get("capacityProviderStrategy")  # the api stays on-demand

    route53 = aws(dev_run, "route53")
    checks = [c["HealthCheckConfig"] for c in route53.list_health_checks()["HealthChecks"]]
    outputs = {name: item["value"] for name, item in dev_run.env_outputs.items()}
    api_host, frontend_host = (urlparse(outputs[url]).hostname for url in ("api_url", "frontend_url"))
    found = sorted((c["Type"], c["FullyQualifiedDomainName"], c["ResourcePath"], c["EnableSNI"])
                   for c in checks)
    assert found == sorted([("HTTPS", api_host, "/health", True), ("HTTPS", frontend_host, "/", True)])
    # dev runs in us-east-1: the health and certificate alarms notify the alerts topic itself.
    cloudwatch = aws(dev_run, "cloudwatch")
    names = ["platform-dev-api-unhealthy", "platform-dev-frontend-unhealthy",
             "platform-dev-api-certificate-expiry", "platform-dev-frontend-certificate-expiry"]
    alarms = cloudwatch.describe_alarms(AlarmNames=names)["MetricAlarms"]
    assert sorted(a["AlarmName"] for a in alarms) == sorted(names)
    assert {a["AlarmActions"][0].rsplit(":", 1)[1] for a in alarms} == {"platform-dev-alerts"}


def test_replan_shows_no_changes(dev_run: LocalRun):
    assert dev_run.replan() == []


def test_destroy_leaves_nothing_behind(dev_run: LocalRun):
    dev_run.destroy_root("dev")
    # A deleted ECS cluster stays visible as INACTIVE for a while (in AWS and in moto).
    clusters = aws(dev_run, "ecs").describe_clusters(clusters=["platform-dev"])["clusters"]
    assert [c["status"] for c in clusters] in ([], ["INACTIVE"])
    services = aws(dev_run, "ecs").describe_services(cluster="platform-dev", services=["api"])["services"]
    assert [s["status"] for s in services] in ([], ["INACTIVE"])
    assert aws(dev_run, "rds").describe_db_instances()["DBInstances"] == []
    dev_run.destroy_root(BOOTSTRAP)
    buckets = [b["Name"] for b in aws(dev_run, "s3").list_buckets()["Buckets"]]
    assert buckets == [SEED_BUCKET]
    assert aws(dev_run, "ecr").describe_repositories()["repositories"] == []
    assert dev_run.applied == []


def test_unknown_environment_is_a_one_line_error():
    result = run_cli_module("--env", "qa")
    assert_one_line_error(result, code=2)
    assert "qa" in result.stderr


def run_cli_module(*args: str):  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    from tests.support.cli import CliResult

    completed = subprocess.run([sys.executable, "-m", "pipeline_tools.local.local_apply", *args],
                               capture_output=True, text=True, check=False, cwd=REPO_ROOT)
    return CliResult(completed.returncode, completed.stdout, completed.stderr)


def test_make_targets_exist():
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert "local-apply:" in makefile and "pipeline_tools.local.local_apply --env $(ENV)" in makefile
    assert "docs:" in makefile
    assert run_cli("docs", "terraform", "--help").returncode == 0
