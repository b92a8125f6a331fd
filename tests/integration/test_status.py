"""``pipeline-tools status`` against the emulator (world: tests/support/promote_world.py)."""

from __future__ import annotations

import json

import boto3

from tests.support.cli import assert_one_line_error, run_cli
from tests.support.promote_world import World


def _status(world: World, *args: str):
    return run_cli("status", *args, env=world.env(), cwd=world.repo_dir)


def test_status_reports_running_digest_release_last_apply_and_drift(world: World):
    s3 = boto3.client("s3", **world._client_args())
    s3.create_bucket(Bucket="status-state")
    # The state terraform wrote for prod, where an S3 backend would keep it.
    state = (world.repo_dir / "environments/prod/terraform.tfstate").read_bytes()
    s3.put_object(Bucket="status-state", Key="prod/terraform.tfstate", Body=state)
    result = _status(world, "--env", "prod", "--format", "json",
                     "--backend-config", "bucket=status-state",
                     "--backend-config", "key=prod/terraform.tfstate")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    [service] = report["services"]
    assert service["running_digests"] == [world.digests["v2"]]
    assert service["release_digest"] == world.digests["v2"] and service["in_sync"]
    assert service["rollout_state"] == "COMPLETED"
    assert report["last_apply"]["serial"] == json.loads(state)["serial"]
    assert report["drift"] == "none" and report["healthy"] is True


def test_status_sees_drift(world: World):
    ssm = boto3.client("ssm", **world._client_args())
    name = "/env-root/staging/api/image"
    original = ssm.get_parameter(Name=name)["Parameter"]["Value"]
    ssm.put_parameter(Name=name, Value="edited-in-the-console", Overwrite=True)
    try:
        result = _status(world, "--env", "staging")
    finally:
        ssm.put_parameter(Name=name, Value=original, Overwrite=True)
    assert result.returncode == 1
    assert "drift: drift" in result.stdout
    assert "environment staging: ATTENTION NEEDED" in result.stdout


def test_status_of_unknown_environment_is_one_line_error(world: World):
    assert_one_line_error(_status(world, "--env", "qa", "--no-drift"))


def test_status_reads_the_cluster_pipeline_tools_yml_names_for_the_stage(world: World, tmp_path):
    # A project whose prod runs in a cluster of another name: status must look there, not in
    # PROJECT-ENV (which here runs another digest).
    world.run_service("shared-prod-cluster", "api", world.digests["v1"])
    (tmp_path / "pipeline-tools.yml").write_text(
        "version: 1\nproject: platform\nstages:\n"
        "  - name: prod\n    roots: [\"environments/prod*\"]\n    cluster: shared-prod-cluster\n")
    result = run_cli("status", "--env", "prod", "--no-drift", "--format", "json",
                     "--environments-dir", str(world.repo_dir / "environments"),
                     env=world.env(), cwd=tmp_path)
    report = json.loads(result.stdout)
    [service] = report["services"]
    assert service["running_digests"] == [world.digests["v1"]], report
    assert not service["in_sync"] and result.returncode == 1
    # --project still names the cluster PROJECT-ENV.
    explicit = run_cli("status", "--env", "prod", "--no-drift", "--format", "json", "--project", "platform",
                       "--environments-dir", str(world.repo_dir / "environments"),
                       env=world.env(), cwd=tmp_path)
    [service] = json.loads(explicit.stdout)["services"]
    assert service["running_digests"] == [world.digests["v2"]]
