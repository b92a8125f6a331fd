"""Issue 11 item 2: a chat receiver that answers one byte at a time cannot hold a notification.

Real HTTP to local receivers (tests/integration/drip_receiver.py): the per-read timeout never
fires against them, so only the total deadlines (per webhook call, per notification) end the
calls. Bounds carry generous slack for a loaded machine; without the deadlines each call would
last body_length x interval seconds (over half an hour).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest

from pipeline_tools import notify
from pipeline_tools.core.redaction import forget_all
from pipeline_tools.notify import webhooks
from pipeline_tools.notify.model import EventType, Field, Notification, Status
from pipeline_tools.notify.sender import post_json
from tests.integration.drip_receiver import DripReceiver, elapsed_since, self_signed_tls
from tests.support.chat_receivers import ChatReceivers
from tests.support.cli import assert_one_line_error, run_cli

SLACK = 3.0  # seconds of slack for in-process calls on a busy machine
CLI_SLACK = 10.0  # process start-up included
SECRET = "dripSecretToken0123456789"


@pytest.fixture
def drip() -> Iterator[DripReceiver]:
    receiver = DripReceiver(interval=0.5)
    try:
        yield receiver
    finally:
        receiver.stop()


@pytest.fixture
def drip_headers() -> Iterator[DripReceiver]:
    receiver = DripReceiver(interval=0.5, drip_headers=True)
    try:
        yield receiver
    finally:
        receiver.stop()


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch) -> None:
    webhooks.clear_cache()
    forget_all()
    for name in ("SLACK_WEBHOOK_URL", "DISCORD_WEBHOOK_URL", "SLACK_WEBHOOK_SECRET_ID",
                 "DISCORD_WEBHOOK_SECRET_ID", "NOTIFY_CALL_DEADLINE_SECONDS", "NOTIFY_DEADLINE_SECONDS"):
        monkeypatch.delenv(name, raising=False)


def message() -> Notification:
    return Notification(title="dev applied", status=Status.SUCCESS, event_type=EventType.APPLY,
                        fields=[Field("Environment", "dev")])


@pytest.mark.parametrize("receiver_fixture", ["drip", "drip_headers"])
def test_a_dripping_receiver_cannot_hold_a_call_past_its_deadline(receiver_fixture: str, request) -> None:
    receiver: DripReceiver = request.getfixturevalue(receiver_fixture)
    started = time.monotonic()

    delivery = post_json("slack", receiver.url, {"text": "hi"}, timeout=5.0, deadline_seconds=1.5)

    elapsed = elapsed_since(started)
    assert 1.4 <= elapsed < 1.5 + SLACK, elapsed
    assert not delivery.delivered
    assert "1.5 s deadline" in delivery.error
    # The deadline covers the retries too: no second attempt once it has passed.
    assert delivery.attempts == 1 and receiver.connections == 1
    assert SECRET not in delivery.error


def test_the_deadline_holds_over_https(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Slack and Discord are HTTPS: the watchdog must end a read on a TLS socket as well, with
    certificate checks left on (the client trusts our receiver's certificate, nothing else)."""
    context, certificate = self_signed_tls(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))
    receiver = DripReceiver(interval=0.5, tls=context)
    try:
        started = time.monotonic()
        delivery = post_json("slack", receiver.url, {"text": "hi"}, deadline_seconds=1.5)
        elapsed = elapsed_since(started)
    finally:
        receiver.stop()
    assert 1.4 <= elapsed < 1.5 + SLACK, elapsed
    assert receiver.requests_read == 1  # the TLS handshake and the request went through
    assert "1.5 s deadline (HTTP 200 headers arrived" in delivery.error


def test_headers_in_time_do_not_make_a_delivery(drip: DripReceiver) -> None:
    delivery = post_json("slack", drip.url, {"text": "hi"}, deadline_seconds=1.0)
    assert not delivery.delivered
    assert "HTTP 200 headers arrived" in delivery.error


def test_the_notification_deadline_covers_all_channels(caplog) -> None:
    caplog.set_level(logging.WARNING, logger="pipeline_tools")
    slack, discord = DripReceiver(interval=0.5), DripReceiver(interval=0.5)
    try:
        started = time.monotonic()
        deliveries = notify.send(message(), webhooks={"slack": slack.url, "discord": discord.url},
                                 call_deadline=2.0, deadline=3.0)
        elapsed = elapsed_since(started)
    finally:
        slack.stop()
        discord.stop()
    # 2 s for Slack, then only the 1 s left for Discord: 3 s in all, not 4.
    assert 2.9 <= elapsed < 3.0 + SLACK, elapsed
    assert [d.delivered for d in deliveries] == [False, False]
    assert "2 s deadline" in deliveries[0].error
    # Discord gets what is left of the 3 s (about 1 s, less on a loaded machine), or nothing.
    assert "deadline" in deliveries[1].error
    assert SECRET not in caplog.text


def test_a_channel_reached_after_the_notification_deadline_is_not_tried(drip: DripReceiver) -> None:
    other = DripReceiver(interval=0.5)
    try:
        deliveries = notify.send(message(), webhooks={"slack": drip.url, "discord": other.url},
                                 call_deadline=1.0, deadline=1.0)
    finally:
        other.stop()
    assert deliveries[1].attempts == 0 and "deadline had passed" in deliveries[1].error
    assert other.connections == 0


def test_deadlines_come_from_the_environment(drip: DripReceiver) -> None:
    started = time.monotonic()
    deliveries = notify.send(message(), env={"SLACK_WEBHOOK_URL": drip.url,
                                             "NOTIFY_CALL_DEADLINE_SECONDS": "1.2"})
    assert elapsed_since(started) < 1.2 + SLACK
    assert "1.2 s deadline" in deliveries[0].error


def test_a_bad_deadline_setting_falls_back_to_the_defaults_in_send(caplog) -> None:
    """send() must never raise (the Lambda reports with it): a bad value is a warning."""
    chat = ChatReceivers()
    try:
        deliveries = notify.send(message(), env={"SLACK_WEBHOOK_URL": chat.slack_url,
                                                 "NOTIFY_DEADLINE_SECONDS": "soon"})
    finally:
        chat.stop()
    assert [d.delivered for d in deliveries] == [True]
    assert "NOTIFY_DEADLINE_SECONDS must be a positive number" in caplog.text


def test_cli_notify_returns_by_the_deadline_with_a_warning(drip: DripReceiver) -> None:
    base = ("notify", "--event-type", "apply", "--status", "success", "--title", "dev applied")
    env = {"SLACK_WEBHOOK_URL": drip.url, "NOTIFY_CALL_DEADLINE_SECONDS": "1"}
    started = time.monotonic()
    result = run_cli(*base, env=env, timeout=120)
    assert elapsed_since(started) < 1 + CLI_SLACK
    assert result.returncode == 0, result.stderr
    assert "slack: NOT delivered (no complete answer within the 1 s deadline" in result.stdout
    warnings = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(warnings) == 1 and "deadline" in warnings[0], result.stderr
    assert SECRET not in result.stdout + result.stderr

    strict = run_cli(*base, "--strict", env=env, timeout=120)
    assert strict.returncode == 3


def test_cli_notify_default_deadline_is_ten_seconds(drip: DripReceiver) -> None:
    started = time.monotonic()
    result = run_cli("notify", "--event-type", "drift", "--status", "warning", "--title", "drift",
                     env={"SLACK_WEBHOOK_URL": drip.url}, timeout=120)
    elapsed = elapsed_since(started)
    assert result.returncode == 0, result.stderr
    assert 10.0 <= elapsed < 10.0 + CLI_SLACK, elapsed
    assert "10 s deadline" in result.stdout


@pytest.mark.parametrize("name, value", [
    ("NOTIFY_CALL_DEADLINE_SECONDS", "ten"),
    ("NOTIFY_DEADLINE_SECONDS", "0"),
    ("NOTIFY_DEADLINE_SECONDS", "-5"),
    ("NOTIFY_CALL_DEADLINE_SECONDS", "nan"),
    ("NOTIFY_CALL_DEADLINE_SECONDS", "inf"),
])
def test_cli_bad_deadline_settings_are_bad_input(name: str, value: str) -> None:
    result = run_cli("notify", "--event-type", "apply", "--status", "success", "--title", "t",
                     env={name: value, "SLACK_WEBHOOK_URL": "http://127.0.0.1:9/services/x"})
    assert_one_line_error(result)
    assert name in result.stderr
