"""Both account layouts plan, and ``allowed_account_ids`` refuses the wrong account.

dev is planned against the emulator (account 123456789012) with the settings of each layout in
docs/terraform.md, through its real S3 backend in the emulator: one account for every environment
(account-level detectors owned by prod, so dev's are off) and one account per environment (dev owns
its CloudTrail trail and GuardDuty detector). No bootstrap apply is needed for a plan: the ECR
repositories the plan looks up, the deployer package it reads and the state bucket are created
directly.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from pipeline_tools.core.errors import ExternalError
from pipeline_tools.deploy.package import build_for_root
from pipeline_tools.integrations.terraform import Terraform, terraform_env
from pipeline_tools.local.emulator import Emulator
from tests.support.paths import REPO_ROOT

pytestmark = pytest.mark.terraform

EMULATOR_ACCOUNT = "123456789012"  # moto's
STATE_BUCKET = "layouts-tfstate"
LAYOUTS = {
    "one-account": {"allowed_account_ids": [EMULATOR_ACCOUNT],
                    "account_detectors": {"cloudtrail": False, "guardduty": False, "config": False}},
    "account-per-environment": {"allowed_account_ids": [EMULATOR_ACCOUNT],
                                "account_detectors": {"cloudtrail": True, "guardduty": True, "config": True}},
}


def _var_args(settings: dict, directory: Path) -> list[str]:
    # A var file, not -var: the root's pass-through variables are untyped, and terraform takes an
    # untyped -var value as a string. JSON values are valid HCL expressions.
    var_file = directory / "layout.tfvars"
    var_file.write_text("".join(f"{name} = {json.dumps(value)}\n" for name, value in settings.items()))
    return [f"-var-file={var_file}", "-var=allow_destroy=true"]


@pytest.fixture(scope="module")
def dev_root(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Terraform]:
    env = emulator.env()
    clients = {"endpoint_url": env["AWS_ENDPOINT_URL"], "region_name": "us-east-1",
               "aws_access_key_id": env["AWS_ACCESS_KEY_ID"],
               "aws_secret_access_key": env["AWS_SECRET_ACCESS_KEY"]}
    ecr = boto3.client("ecr", **clients)
    for repository in ("platform/api", "platform/admin"):
        with contextlib.suppress(ecr.exceptions.RepositoryAlreadyExistsException):
            ecr.create_repository(repositoryName=repository)
    s3 = boto3.client("s3", **clients)
    s3.create_bucket(Bucket=STATE_BUCKET)
    # Every environment publishes the functions package to bootstrap's artifacts bucket: built in
    # each root first, as every plan job does (nothing is uploaded by hand).
    s3.create_bucket(Bucket=f"platform-artifacts-{EMULATOR_ACCOUNT}")
    for root in ("dev", "staging", "prod"):
        assert build_for_root(REPO_ROOT / "environments" / root) is not None
    data_dir = tmp_path_factory.mktemp("layouts") / ".terraform"
    tf = Terraform(REPO_ROOT / "environments" / "dev",
                   env=terraform_env({**env, "TF_DATA_DIR": str(data_dir)}))
    tf.init(backend_config={"bucket": STATE_BUCKET, "key": "dev/terraform.tfstate", "region": "us-east-1",
                            "use_path_style": "true"})
    yield tf


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_dev_plans_in_each_account_layout(dev_root: Terraform, layout: str, tmp_path: Path):
    planfile = tmp_path / "dev.tfplan"
    dev_root.plan(planfile, *_var_args(LAYOUTS[layout], tmp_path))
    plan = dev_root.show_json(planfile)
    created = {change["address"] for change in plan["resource_changes"]
               if change["change"]["actions"] == ["create"]}
    detectors = {"module.platform.module.observability.aws_guardduty_detector.this[0]",
                 "module.platform.module.observability.aws_cloudtrail.this[0]",
                 "module.platform.module.observability.aws_config_configuration_recorder.this[0]",
                 "module.platform.module.observability.aws_config_configuration_recorder_status.this[0]"}
    owns_detectors = LAYOUTS[layout]["account_detectors"]["guardduty"]
    assert (detectors <= created) is owns_detectors, sorted(a for a in created if "observability" in a)
    # The same platform either way: both services, the cluster, the database.
    # The deployer package is published by the apply itself (the first apply needs no upload).
    assert "module.platform.aws_s3_object.deployer_package[0]" in created
    # dev deploys every ECR push by itself (deploy_on_image_push = true), and its alarms reach chat.
    assert "module.platform.module.deploy_trigger[0].aws_cloudwatch_event_rule.ecr_push" in created
    assert "module.platform.module.alarm_chat[0].aws_lambda_function.this" in created
    for address in ("module.platform.module.ecs.aws_ecs_service.this",
                    'module.platform.module.services["admin"].aws_ecs_service.this',
                    "module.platform.module.database.aws_db_instance.this"):
        assert address in created


def test_a_root_pinned_to_another_account_is_refused(dev_root: Terraform, tmp_path: Path):
    other = {**LAYOUTS["account-per-environment"], "allowed_account_ids": ["210987654321"]}
    with pytest.raises(ExternalError) as refused:
        dev_root.plan(tmp_path / "dev.tfplan", *_var_args(other, tmp_path))
    assert "123456789012" in str(refused.value) and "not allowed" in str(refused.value).lower()


def test_a_package_that_was_not_built_is_refused_with_the_command_that_builds_it(
        dev_root: Terraform, tmp_path: Path):
    settings = {**LAYOUTS["one-account"], "deployer_package_path": ".build/never-built.zip"}
    with pytest.raises(ExternalError) as refused:
        dev_root.plan(tmp_path / "dev.tfplan", *_var_args(settings, tmp_path))
    assert "pipeline-tools deploy package --root" in str(refused.value)


def test_a_deploy_trigger_without_the_functions_package_is_refused(dev_root: Terraform, tmp_path: Path):
    settings = {**LAYOUTS["one-account"], "deployer_package_s3_key": None, "deployer_package_path": None,
                "deploy_on_image_push": True}
    with pytest.raises(ExternalError) as refused:
        dev_root.plan(tmp_path / "dev.tfplan", *_var_args(settings, tmp_path))
    assert "deploy_on_image_push = true needs deployer_package_s3_key" in str(refused.value)


def test_without_a_package_path_the_uploaded_object_is_read_and_nothing_is_published(
        dev_root: Terraform, emulator: Emulator, tmp_path: Path):
    # The other way (and how the migration keeps the package): uploaded outside terraform.
    env = emulator.env()
    s3 = boto3.client("s3", endpoint_url=env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                      aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                      aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])
    built = REPO_ROOT / "environments" / "dev" / ".build" / "pipeline-tools-deployer.zip"
    s3.put_object(Bucket=f"platform-artifacts-{EMULATOR_ACCOUNT}", Key="deployer/pipeline-tools-deployer.zip",
                  Body=built.read_bytes())
    planfile = tmp_path / "dev.tfplan"
    dev_root.plan(planfile, *_var_args({**LAYOUTS["one-account"], "deployer_package_path": None}, tmp_path))
    addresses = {change["address"] for change in dev_root.show_json(planfile)["resource_changes"]}
    assert "module.platform.aws_s3_object.deployer_package[0]" not in addresses
    assert "module.platform.module.deploy_trigger[0].aws_lambda_function.this" in addresses


def _planned(tf: Terraform, planfile: Path) -> dict[str, dict]:
    return {change["address"]: change["change"]["after"] or {}
            for change in tf.show_json(planfile)["resource_changes"]}


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_staging_and_prod_run_the_functions_package_but_deploy_only_by_promotion(
        dev_root: Terraform, emulator: Emulator, env: str, tmp_path: Path):
    # dev_root's fixture created what every root reads (the ECR repositories, the state bucket and
    # the artifacts bucket) and built the package in each root, as every plan job does.
    tf = Terraform(REPO_ROOT / "environments" / env,
                   env=terraform_env({**emulator.env(), "TF_DATA_DIR": str(tmp_path / ".terraform")}))
    tf.init(backend_config={"bucket": STATE_BUCKET, "key": f"{env}/terraform.tfstate", "region": "us-east-1",
                            "use_path_style": "true"})
    planfile = tmp_path / f"{env}.tfplan"
    tf.plan(planfile, *_var_args({"allowed_account_ids": [EMULATOR_ACCOUNT]}, tmp_path))
    planned = _planned(tf, planfile)
    assert "module.platform.module.ecs.aws_ecs_service.this" in planned
    # The functions package is published under this environment's own key (not dev's object).
    package = planned["module.platform.aws_s3_object.deployer_package[0]"]
    assert package["key"] == f"deployer/{env}/pipeline-tools-deployer.zip"
    # Its alarms reach chat: the notifier Lambda subscribed to the alerts topic.
    notifier = planned["module.platform.module.alarm_chat[0].aws_lambda_function.this"]
    assert notifier["handler"] == "pipeline_tools.notify.alarm_handler.lambda_handler"
    assert notifier["s3_key"] == package["key"]
    chat = planned["module.platform.module.alarm_chat[0].aws_sns_topic_subscription.chat"]
    assert chat["protocol"] == "lambda"
    # The uploads pipeline runs with the built-in processor from the same package.
    uploads = "module.platform.module.uploads[0]"
    bucket = planned[f"{uploads}.aws_s3_bucket.uploads"]["bucket"]
    assert bucket == f"platform-{env}-uploads-{EMULATOR_ACCOUNT}"
    processor = planned[f"{uploads}.module.processor.aws_lambda_function.this"]
    assert processor["handler"] == "pipeline_tools.uploads.handler.lambda_handler"
    assert processor["s3_key"] == package["key"]
    assert f"{uploads}.aws_s3_bucket_notification.uploads" in planned
    # prod's uploads (user data) replicate to bootstrap's replica bucket in the recovery region.
    replication = planned.get(f"{uploads}.aws_s3_bucket_replication_configuration.uploads[0]")
    if env == "prod":
        (rule,) = replication["rule"]
        (destination,) = rule["destination"]
        assert destination["bucket"] == f"arn:aws:s3:::platform-uploads-replica-{EMULATOR_ACCOUNT}"
        assert destination["encryption_configuration"] == [{
            "replica_kms_key_id": f"arn:aws:kms:us-west-2:{EMULATOR_ACCOUNT}:alias/platform-uploads-replica"}]
        assert rule["delete_marker_replication"] == [{"status": "Enabled"}]
    else:
        assert replication is None
    # ... and no ECR push deploys here: promotion changes the release file, nothing else does.
    assert not [address for address in planned if "deploy_trigger" in address]
    # prod owns the account's detectors in the shared account: AWS Config's recorder among them.
    recorder = "module.platform.module.observability.aws_config_configuration_recorder.this[0]"
    assert (recorder in planned) is (env == "prod")


def test_staging_and_prod_back_up_their_database_and_prod_copies_to_the_recovery_region(
        dev_root: Terraform, emulator: Emulator, tmp_path: Path):
    for env in ("staging", "prod"):
        data_dir = tmp_path / env / ".terraform"
        tf = Terraform(REPO_ROOT / "environments" / env,
                       env=terraform_env({**emulator.env(), "TF_DATA_DIR": str(data_dir)}))
        tf.init(backend_config={"bucket": STATE_BUCKET, "key": f"{env}/terraform.tfstate",
                                "region": "us-east-1", "use_path_style": "true"})
        (tmp_path / env).mkdir(exist_ok=True)
        planfile = tmp_path / env / "plan.tfplan"
        tf.plan(planfile, *_var_args({"allowed_account_ids": [EMULATOR_ACCOUNT]}, tmp_path / env))
        planned = _planned(tf, planfile)
        (rule,) = planned["module.platform.module.backups[0].aws_backup_plan.daily[0]"]["rule"]
        assert rule["target_vault_name"] == f"platform-{env}"
        assert rule["lifecycle"][0]["delete_after"] == 35
        copies = [(copy["destination_vault_arn"], copy["lifecycle"][0]["delete_after"])
                  for copy in rule["copy_action"]]
        # Only prod pays for a second region: the vault bootstrap keeps in its recovery_region.
        recovery_vault = f"arn:aws:backup:us-west-2:{EMULATOR_ACCOUNT}:backup-vault:platform-recovery"
        assert copies == ([(recovery_vault, 35)] if env == "prod" else [])
        assert "module.platform.module.backups[0].aws_backup_selection.this[0]" in planned
        # Every service registered in the environment's namespace.
        discovery = "module.platform.module.service_discovery[0]"
        namespace = planned[f"{discovery}.aws_service_discovery_private_dns_namespace.this"]
        assert namespace["name"] == f"{env}.platform.internal"


def test_a_service_asking_for_efs_mounts_its_own_access_point_and_a_scheduled_task_and_uploads_run(
        dev_root: Terraform, tmp_path: Path):
    small = {"cpu": 256, "memory": 512, "desired_count": 1, "min_capacity": 1, "max_capacity": 2}
    settings = {
        **LAYOUTS["one-account"],
        "services": {"api": small,
                     "admin": {**small, "health_check_path": "/admin/health",
                               "routing": {"path": "/admin/*", "priority": 100},
                               "efs": {"container_path": "/srv/reports"}}},
        "add_ons": {"backups": {"enabled": True, "retention_days": 7},
                    "scheduled_tasks": {"nightly": {
                        "image": "public.ecr.aws/docker/library/busybox@sha256:" + "ab" * 32,
                        "command": ["sh", "-c", "echo report"],
                        "schedule_expression": "cron(15 2 * * ? *)"}},
                    "uploads": {"processor": {"s3_key": "uploads/processor.zip",
                                              "handler": "processor.handle"}}},
    }
    planfile = tmp_path / "dev.tfplan"
    dev_root.plan(planfile, *_var_args(settings, tmp_path))
    planned = _planned(dev_root, planfile)
    efs = "module.platform.module.efs[0]"
    assert planned[f"{efs}.aws_efs_file_system.this"]["encrypted"] is True
    assert sorted(a for a in planned if a.startswith(f"{efs}.aws_efs_mount_target.")) == [
        f'{efs}.aws_efs_mount_target.this["0"]', f'{efs}.aws_efs_mount_target.this["1"]']
    assert planned[f'{efs}.aws_efs_access_point.this["admin"]']["root_directory"][0]["path"] == "/admin"
    assert not [a for a in planned if a.startswith(f"{efs}.aws_efs_access_point.") and '"admin"' not in a]
    # admin's task definition mounts it (encrypted in transit, IAM-authorized); api's does not.
    # (The container definitions are unknown until the database exists; the ecs module mounts the
    # volume it declares.)
    admin = planned['module.platform.module.services["admin"].aws_ecs_task_definition.this']
    (volume,) = [v for v in admin["volume"] if v["name"] == "efs"]
    configuration = volume["efs_volume_configuration"][0]
    assert configuration["transit_encryption"] == "ENABLED"
    assert configuration["authorization_config"][0]["iam"] == "ENABLED"
    api = planned["module.platform.module.ecs.aws_ecs_task_definition.this"]
    assert [v["name"] for v in api["volume"]] == ["tmp"]
    # The file system is backed up with the database.
    assert "module.platform.module.backups[0].aws_backup_selection.this[0]" in planned
    # The scheduled task: its schedule, on the services' cluster, with a dead-letter queue.
    jobs = "module.platform.module.scheduled_tasks[0]"
    schedule = planned[f'{jobs}.aws_scheduler_schedule.task["nightly"]']
    assert schedule["schedule_expression"] == "cron(15 2 * * ? *)"
    assert f'{jobs}.aws_sqs_queue.dlq["nightly"]' in planned
    # Uploads: from the app's origin only, into a private bucket logged to the access-log bucket;
    # each upload an S3 event on the processor's queue.
    uploads = "module.platform.module.uploads[0]"
    bucket = planned[f"{uploads}.aws_s3_bucket.uploads"]["bucket"]
    assert bucket == f"platform-dev-uploads-{EMULATOR_ACCOUNT}"
    (cors,) = planned[f"{uploads}.aws_s3_bucket_cors_configuration.uploads"]["cors_rule"]
    assert cors["allowed_origins"] == ["https://app.dev.platform.example.com"]
    logging = planned[f"{uploads}.aws_s3_bucket_logging.uploads"]
    assert logging["target_prefix"] == f"s3/{bucket}/"
    assert planned["module.platform.aws_s3_bucket.access_logs[0]"]["bucket"] == (
        f"platform-dev-access-logs-{EMULATOR_ACCOUNT}")
    assert f"{uploads}.aws_s3_bucket_notification.uploads" in planned
    processor = planned[f"{uploads}.module.processor.aws_lambda_function.this"]
    assert (processor["s3_key"], processor["handler"]) == ("uploads/processor.zip", "processor.handle")
