"""The local AWS emulator: a real moto server that boto3 reaches over HTTP."""

from __future__ import annotations

import boto3

from pipeline_tools.local import emulator as emulator_module
from tests.support.cli import run_cli


def test_boto3_talks_http_to_the_emulator(aws_env, emulator):
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="probe-bucket")
    assert "probe-bucket" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    emulator.reset()
    assert s3.list_buckets()["Buckets"] == []


def test_local_up_env_down_round_trip(tmp_path):
    up = run_cli("local", "up", cwd=tmp_path)
    assert up.returncode == 0, up.stderr
    try:
        again = run_cli("local", "up", cwd=tmp_path)
        assert "already running" in again.stdout
        env = run_cli("local", "env", cwd=tmp_path)
        assert env.returncode == 0
        exports = dict(
            line.removeprefix("export ").split("=", 1) for line in env.stdout.splitlines()
        )
        running = emulator_module.find_running(tmp_path)
        assert running is not None
        assert exports["AWS_ENDPOINT_URL"] == running.endpoint
    finally:
        down = run_cli("local", "down", cwd=tmp_path)
    assert down.returncode == 0
    assert emulator_module.find_running(tmp_path) is None
    env_after = run_cli("local", "env", cwd=tmp_path)
    assert env_after.returncode == 1 and env_after.stderr.startswith("error: no local AWS emulator")
