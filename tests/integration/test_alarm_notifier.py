"""The alarm notifier Lambda's handler delivering to real local Slack/Discord receivers.

The handler runs in process: moto runs no Lambda code, so SNS -> Lambda delivery itself is not
exercised here (the observability module's subscription is applied against the emulator by the
terraform tests); everything from the SNS event on is real, HTTP included.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline_tools.notify import alarm_handler, webhooks
from tests.support.chat_receivers import ChatReceivers

EVENT = json.loads((Path(__file__).parents[1] / "fixtures" / "events" / "cloudwatch_alarm_sns_event.json")
                   .read_text())


@pytest.fixture
def chat(monkeypatch: pytest.MonkeyPatch) -> Iterator[ChatReceivers]:
    receivers = ChatReceivers()
    webhooks.clear_cache()
    for name in ("SLACK_WEBHOOK_SECRET_ID", "DISCORD_WEBHOOK_SECRET_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_WEBHOOK_URL", receivers.slack_url)
    monkeypatch.setenv("DISCORD_WEBHOOK_URL", receivers.discord_url)
    try:
        yield receivers
    finally:
        receivers.stop()


def test_an_alarm_reaches_slack_and_discord(chat: ChatReceivers) -> None:
    summary = alarm_handler.lambda_handler(EVENT, None)
    assert summary == {"notifications": [{"title": "platform-dev-api-cpu-high is in ALARM",
                                          "delivered": ["slack", "discord"], "failed": []}]}
    [slack], [discord] = chat.slack.accepted, chat.discord.accepted
    assert "platform-dev-api-cpu-high is in ALARM" in slack["text"]
    embed = discord["embeds"][0]
    assert embed["footer"]["text"].endswith("alarm")
    assert any(f["name"] == "Threshold" and f["value"] == "Average > 80 for 3 of 3 periods of 60 s"
               for f in embed["fields"])


def test_a_chat_outage_does_not_fail_the_invocation(chat: ChatReceivers, caplog) -> None:
    chat.slack.then(500).then(500).then(500)
    chat.discord.then(404)
    summary = alarm_handler.lambda_handler(EVENT, None)
    assert summary["notifications"][0]["failed"] == ["slack", "discord"]
    assert "slackSecretToken" not in caplog.text and "discordSecretToken" not in caplog.text
