"""Delivery to real local HTTP receivers: retries, rate limits, outages, and secrecy of the URL."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

import boto3
import pytest

from pipeline_tools import notify
from pipeline_tools.core.redaction import forget_all
from pipeline_tools.notify import webhooks
from pipeline_tools.notify.model import EventType, Field, Link, Notification, Status
from pipeline_tools.notify.sender import post_json
from tests.support.chat_receivers import ChatReceivers
from tests.support.cli import assert_one_line_error, run_cli

TOKENS = ("slackSecretToken0123456789", "discordSecretToken_abcdefghijklmnop")


@pytest.fixture(scope="module")
def chat() -> Iterator[ChatReceivers]:
    receivers = ChatReceivers()
    try:
        yield receivers
    finally:
        receivers.stop()


@pytest.fixture(autouse=True)
def clean(chat: ChatReceivers, monkeypatch: pytest.MonkeyPatch) -> None:
    chat.reset()
    webhooks.clear_cache()
    forget_all()
    for name in ("SLACK_WEBHOOK_URL", "DISCORD_WEBHOOK_URL",
                 "SLACK_WEBHOOK_SECRET_ID", "DISCORD_WEBHOOK_SECRET_ID"):
        monkeypatch.delenv(name, raising=False)


def message() -> Notification:
    return Notification(title="dev applied", status=Status.SUCCESS, event_type=EventType.APPLY,
                        fields=[Field("Environment", "dev")], links=[Link("Run", "https://example.com/run/1")])


def both(chat: ChatReceivers) -> dict[str, str]:
    return {"slack": chat.slack_url, "discord": chat.discord_url}


def assert_secret_free(text: str, chat: ChatReceivers) -> None:
    for secret in (*TOKENS, chat.slack_url, chat.discord_url):
        assert secret not in text


def test_delivers_to_each_channel(chat: ChatReceivers) -> None:
    deliveries = notify.send(message(), webhooks=both(chat))
    outcomes = [(d.channel, d.delivered, d.status) for d in deliveries]
    assert outcomes == [("slack", True, 200), ("discord", True, 204)]
    assert len(chat.slack.accepted) == 1 and len(chat.discord.accepted) == 1
    assert chat.discord.accepted[0]["embeds"][0]["footer"]["text"].endswith("apply")


def test_429_retry_after_header_is_honoured(chat: ChatReceivers) -> None:
    chat.slack.then(429, retry_after=0.4)
    delivery = post_json("slack", chat.slack_url, {"text": "hi"})
    assert delivery.delivered and delivery.attempts == 2
    first, second = chat.slack.request_times
    assert second - first >= 0.4


def test_429_discord_json_retry_after_is_honoured(chat: ChatReceivers) -> None:
    chat.discord.then(429, body=json.dumps({"message": "You are being rate limited.", "retry_after": 0.3,
                                            "global": False}))
    delivery = post_json("discord", chat.discord_url, {"content": "hi"})
    assert delivery.delivered and delivery.attempts == 2
    first, second = chat.discord.request_times
    assert second - first >= 0.3


def test_a_long_retry_after_is_not_waited_for(chat: ChatReceivers) -> None:
    chat.slack.then(429, retry_after=3600)
    started = time.monotonic()
    delivery = post_json("slack", chat.slack_url, {"text": "hi"}, max_retry_after=5)
    assert not delivery.delivered and chat.slack.requests == 1
    assert time.monotonic() - started < 2
    assert "429" in delivery.error


@pytest.mark.parametrize("status", [400, 403, 404, 410])
def test_other_4xx_are_not_retried(chat: ChatReceivers, status: int) -> None:
    chat.discord.then(status, body='{"message": "Unknown Webhook", "code": 10015}')
    delivery = post_json("discord", chat.discord_url, {"content": "hi"})
    assert not delivery.delivered and delivery.status == status
    assert chat.discord.requests == 1
    assert f"HTTP {status}" in delivery.error


def test_payload_over_the_limits_is_rejected_by_the_receiver_once(chat: ChatReceivers) -> None:
    """The receivers really enforce the limits (so the builder tests mean something)."""
    delivery = post_json("slack", chat.slack_url, {"text": "x", "blocks": [
        {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}]})
    assert not delivery.delivered and delivery.status == 400 and chat.slack.requests == 1
    assert "header 151 chars" in delivery.error


def test_5xx_is_retried(chat: ChatReceivers) -> None:
    chat.slack.then(500).then(503)
    slept: list[float] = []
    delivery = post_json("slack", chat.slack_url, {"text": "hi"}, sleep=slept.append)
    assert delivery.delivered and delivery.attempts == 3
    assert slept == [1.0, 2.0]


def test_a_stalled_receiver_times_out_and_is_retried(chat: ChatReceivers) -> None:
    chat.slack.then(200, delay=1.5)
    delivery = post_json("slack", chat.slack_url, {"text": "hi"}, timeout=0.3, sleep=lambda s: None)
    assert delivery.delivered and delivery.attempts == 2


def test_outage_never_raises_and_never_shows_the_url(chat: ChatReceivers, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="pipeline_tools")
    for _ in range(3):
        chat.slack.then(200, delay=1.0)
    dead = "http://127.0.0.1:9/api/webhooks/1/" + TOKENS[1]
    deliveries = notify.send(message(), webhooks={"slack": chat.slack_url, "discord": dead}, timeout=0.2,
                             sleep=lambda s: None)
    assert [d.delivered for d in deliveries] == [False, False]
    assert_secret_free(caplog.text + repr(deliveries), chat)
    assert "slack notification not delivered after 3 attempt(s)" in caplog.text


def test_nothing_configured_sends_nothing() -> None:
    assert notify.send(message(), env={}) == []


def test_urls_from_secrets_manager_and_ssm(chat: ChatReceivers, aws_env, caplog) -> None:
    caplog.set_level(logging.INFO, logger="pipeline_tools")
    secrets = boto3.client("secretsmanager")
    secrets.create_secret(Name="h-notify/slack", SecretString=json.dumps({"url": chat.slack_url}))
    boto3.client("ssm").put_parameter(Name="/h-notify/discord", Type="SecureString", Value=chat.discord_url,
                                      Overwrite=True)
    env = {"SLACK_WEBHOOK_SECRET_ID": "h-notify/slack", "DISCORD_WEBHOOK_SECRET_ID": "ssm:/h-notify/discord"}
    deliveries = notify.send(message(), env=env)
    assert [d.delivered for d in deliveries] == [True, True]
    # A missing secret skips that channel with a warning that names the secret, not a URL.
    webhooks.clear_cache()
    deliveries = notify.send(message(), env={**env, "SLACK_WEBHOOK_SECRET_ID": "h-notify/missing"})
    assert [d.channel for d in deliveries] == ["discord"]
    assert "h-notify/missing" in caplog.text
    assert_secret_free(caplog.text, chat)


def test_cli_notify_reports_an_apply(chat: ChatReceivers) -> None:
    env = {"SLACK_WEBHOOK_URL": chat.slack_url, "DISCORD_WEBHOOK_URL": chat.discord_url}
    result = run_cli("notify", "--event-type", "apply", "--status", "failure", "--title", "prod apply failed",
                     "--field", "Environment=prod", "--field", "Changes=3 to add, 1 to change",
                     "--link", "Run=https://github.com/o/r/actions/runs/7?a=b",
                     "--reason", "Error: quota exceeded", env=env)
    assert result.returncode == 0, result.stderr
    assert "slack: delivered" in result.stdout and "discord: delivered" in result.stdout
    slack, discord = json.dumps(chat.slack.accepted[0]), json.dumps(chat.discord.accepted[0])
    for text in (slack, discord):
        assert "prod apply failed" in text and "3 to add, 1 to change" in text and "quota exceeded" in text
        assert "https://github.com/o/r/actions/runs/7?a=b" in text
    assert_secret_free(result.stdout + result.stderr, chat)


def test_cli_notify_outage_is_not_a_failure_unless_strict(chat: ChatReceivers) -> None:
    env = {"SLACK_WEBHOOK_URL": chat.slack_url}
    base = ("notify", "--event-type", "drift", "--status", "warning", "--title", "drift in prod")
    chat.slack.then(403)
    lenient = run_cli(*base, env=env)
    assert lenient.returncode == 0 and "slack: NOT delivered (HTTP 403" in lenient.stdout
    chat.slack.then(403)
    strict = run_cli(*base, "--strict", env=env)
    assert strict.returncode == 3
    assert_secret_free(lenient.stdout + lenient.stderr + strict.stdout + strict.stderr, chat)


def test_cli_notify_dry_run_and_bad_input(chat: ChatReceivers) -> None:
    dry = run_cli("notify", "--event-type", "promotion", "--status", "info", "--title", "promote staging",
                  "--dry-run", "--channel", "discord")
    assert dry.returncode == 0
    assert list(json.loads(dry.stdout)) == ["discord"]
    assert chat.discord.requests == 0
    base = ("notify", "--event-type", "apply", "--status", "success", "--title", "t")
    assert_one_line_error(run_cli(*base, "--field", "no-equals-sign"))
    assert_one_line_error(run_cli(*base, "--link", "Run=ftp://x"))
    assert_one_line_error(run_cli("notify", "--event-type", "nope", "--status", "success", "--title", "t"))
    nothing = run_cli(*base, env={"SLACK_WEBHOOK_URL": "", "DISCORD_WEBHOOK_URL": ""})
    assert nothing.returncode == 0 and "no chat channel configured" in nothing.stdout
