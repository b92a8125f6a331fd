"""The local AWS emulator: a real moto server that boto3 reaches over HTTP."""

from __future__ import annotations

import boto3
import pytest

from pipeline_tools.local import emulator as emulator_module
from tests.support.cli import run_cli


def test_boto3_talks_http_to_the_emulator(aws_env, emulator):
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="probe-bucket")
    assert "probe-bucket" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    emulator.reset()
    assert s3.list_buckets()["Buckets"] == []


@pytest.mark.emulator
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


@pytest.mark.emulator
def test_emulators_started_at_once_each_answer_on_their_own_port():
    # The port used to be chosen in the parent and bound later by the child: emulators started
    # together could be handed one port, and the loser then talked to the winner's resources.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        servers = list(pool.map(lambda _: emulator_module.start(), range(4)))
    try:
        assert len({server.port for server in servers}) == 4
        for index, server in enumerate(servers):
            s3 = boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test")
            s3.create_bucket(Bucket=f"only-in-emulator-{index}")
        for index, server in enumerate(servers):
            s3 = boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test")
            assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == [f"only-in-emulator-{index}"]
    finally:
        for server in servers:
            server.stop()


@pytest.mark.emulator
def test_a_port_already_taken_is_a_one_line_error():
    import socket

    from pipeline_tools.core.errors import ExternalError

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(ExternalError) as raised:
            emulator_module.start(port=taken.getsockname()[1])
    assert "exited during start-up" in str(raised.value)
    assert "\n" not in str(raised.value)


@pytest.mark.emulator
def test_a_port_another_emulator_serves_is_refused_not_adopted():
    # Until the child reports that it bound the port, whatever answers there is another server.
    from pipeline_tools.core.errors import ExternalError

    other = emulator_module.start()
    try:
        with pytest.raises(ExternalError) as raised:
            emulator_module.start(port=other.port)
        assert "exited during start-up" in str(raised.value)
    finally:
        other.stop()
