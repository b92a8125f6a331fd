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


def _ec2(endpoint: str):  # type: ignore[no-untyped-def]
    from botocore.config import Config

    # One attempt: a 500 must show, not be hidden by boto3's retry (terraform's retry of a call
    # that had already changed something is what failed before).
    return boto3.client("ec2", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1, "mode": "standard"}))


@pytest.mark.emulator
def test_concurrent_requests_never_meet_inside_moto():
    # moto is not thread-safe: reading the security group rules while other requests create groups
    # failed with a 500 ("dictionary changed size during iteration") about once in 30 reads.
    from concurrent.futures import ThreadPoolExecutor

    server = emulator_module.start()
    try:
        def create_groups(worker: int) -> int:
            ec2 = _ec2(server.endpoint)
            for index in range(30):
                group = ec2.create_security_group(GroupName=f"race-{worker}-{index}",
                                                  Description="race")["GroupId"]
                ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[{
                    "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                    "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
            return 30

        def read_rules(worker: int) -> int:
            ec2 = _ec2(server.endpoint)
            for _ in range(60):
                ec2.describe_security_group_rules()
            return 0

        with ThreadPoolExecutor(max_workers=8) as pool:
            created = [pool.submit(create_groups, worker) for worker in range(4)]
            reads = [pool.submit(read_rules, worker) for worker in range(4)]
            assert [future.result() for future in created] == [30] * 4
            assert [future.result() for future in reads] == [0] * 4
        rules = _ec2(server.endpoint).describe_security_group_rules()["SecurityGroupRules"]
        assert len([rule for rule in rules if rule.get("FromPort") == 443]) == 4 * 30
    finally:
        server.stop()


@pytest.mark.emulator
def test_a_long_poll_waits_without_holding_up_other_requests(emulator):
    # An SQS ReceiveMessage waits for a message that another request sends; were it served one
    # request at a time like the rest, it would wait its full 10 s and miss the message.
    import threading
    import time

    sqs = boto3.client("sqs", endpoint_url=emulator.endpoint, region_name="us-east-1",
                       aws_access_key_id="test", aws_secret_access_key="test")
    queue_url = sqs.create_queue(QueueName="long-poll-probe")["QueueUrl"]
    received: list[str] = []

    def receive() -> None:
        answer = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=10)
        received.extend(message["Body"] for message in answer.get("Messages", []))

    started = time.monotonic()
    waiting = threading.Thread(target=receive)
    waiting.start()
    time.sleep(1)
    sqs.send_message(QueueUrl=queue_url, MessageBody="arrived while waiting")
    waiting.join(timeout=15)
    assert received == ["arrived while waiting"]
    assert time.monotonic() - started < 8
