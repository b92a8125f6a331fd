"""Secrets never reach error text, whatever form the error quotes them in (issue 11, item 7).

Real parts: the ``pipeline-tools`` CLI run as a user runs it (a separate process), webhooks
posted over HTTP to the local Slack/Discord stand-ins of ``tests/chat_receivers.py``.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline_tools import notify
from pipeline_tools.core.redaction import MAX_ERROR_CHARS, forget_all
from pipeline_tools.notify import webhooks
from pipeline_tools.notify.model import EventType, Notification, Status
from tests.conftest import CliResult, assert_one_line_error, run_cli
from tests.support.chat_receivers import ChatReceivers

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SLACK_SECRET = "slackSecretToken0123456789"
DISCORD_SECRET = "discordSecretToken_abcdefghijklmnop"


def forms(secret: str) -> list[str]:
    """The secret raw and as markdown, HTML, JSON, repr and percent-encoding would write it."""
    return [secret, secret.replace("_", "\\_"), secret.replace("_", " "), json.dumps(secret)[1:-1],
            repr(secret)[1:-1], urllib.parse.quote(secret, safe="")]


def assert_absent(text: str, *secrets: str) -> None:
    for secret in secrets:
        for form in forms(secret):
            assert form not in text, (form, text)


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
    for name in ("SLACK_WEBHOOK_URL", "DISCORD_WEBHOOK_URL", "SLACK_WEBHOOK_SECRET_ID",
                 "DISCORD_WEBHOOK_SECRET_ID", "GITHUB_TOKEN", "GITHUB_API_URL"):
        monkeypatch.delenv(name, raising=False)


def _notify(env: dict[str, str], *extra: str) -> CliResult:
    return run_cli("notify", "--event-type", "apply", "--status", "failure", "--title", "prod apply failed",
                   "--reason", "quota", *extra, env=env)


@pytest.mark.parametrize("breaker", [" ", "\r\n", "\t", "\x00"])
def test_a_webhook_url_holding_whitespace_or_crlf_is_refused_without_quoting_it(
        chat: ChatReceivers, breaker: str) -> None:
    slack = chat.slack_url.replace("Secret", "Sec" + breaker + "ret") if breaker != "\x00" else chat.slack_url
    discord = chat.discord_url.replace("Secret", "Sec" + breaker + "ret")
    env = {"SLACK_WEBHOOK_URL": slack, "DISCORD_WEBHOOK_URL": discord}
    if breaker == "\x00":  # a NUL cannot be in a process's environment: give it straight to send()
        deliveries = notify.send(Notification("t", Status.FAILURE, EventType.APPLY),
                                 webhooks={"discord": discord})
        assert [d.delivered for d in deliveries] == [False]
        assert "control characters" in deliveries[0].error
        assert_absent(deliveries[0].error, DISCORD_SECRET, "discordSec")
        return
    result = _notify(env)
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "slack: NOT delivered (the webhook URL in SLACK_WEBHOOK_URL holds whitespace" in result.stdout
    assert "discord: NOT delivered (the webhook URL in DISCORD_WEBHOOK_URL holds whitespace" in result.stdout
    assert _notify(env, "--strict").returncode == 3  # with --strict, not delivered is a failure
    assert_absent(output, SLACK_SECRET, DISCORD_SECRET, "slackSec", "discordSec", "ret0123456789",
                  "/services/T000SLACK", "/api/webhooks/123456789")
    assert chat.slack.requests == 0 and chat.discord.requests == 0  # nothing was sent anywhere


def test_post_with_a_crlf_url_reports_without_the_path(chat: ChatReceivers) -> None:
    url = chat.slack_url.replace("Secret", "Sec\r\nret")
    deliveries = notify.send(Notification("t", Status.FAILURE, EventType.APPLY), webhooks={"slack": url})
    assert not deliveries[0].delivered
    assert_absent(deliveries[0].error, SLACK_SECRET, "slackSec", "ret0123456789", "/services/T000SLACK")


def test_a_receiver_echoing_the_path_back_does_not_print_it(chat: ChatReceivers) -> None:
    slack_path = urllib.parse.urlsplit(chat.slack_url).path
    discord_path = urllib.parse.urlsplit(chat.discord_url).path
    # The path as is, JSON-escaped, and percent-encoded, as receivers and proxies echo it.
    chat.slack.then(404, body=f"no_service: POST {slack_path} ({urllib.parse.quote(slack_path, safe='')})")
    chat.discord.then(400, body=json.dumps({"message": "Unknown Webhook", "path": discord_path,
                                            "url": chat.discord_url}))
    env = {"SLACK_WEBHOOK_URL": chat.slack_url, "DISCORD_WEBHOOK_URL": chat.discord_url}
    result = _notify(env, "--strict")
    assert result.returncode == 3, result.stderr
    output = result.stdout + result.stderr
    assert "slack: NOT delivered (HTTP 404" in output and "discord: NOT delivered (HTTP 400" in output
    assert chat.slack.requests == 1 and chat.discord.requests == 1  # really sent, really echoed
    assert_absent(output, SLACK_SECRET, DISCORD_SECRET)


def test_a_receiver_echoing_an_unregistered_webhook_path_is_masked_by_its_shape(chat: ChatReceivers) -> None:
    # The receiver answers with the path of *another* webhook (a proxy's misrouting message): it
    # was never registered, its Slack shape gives it away.
    other = "/services/T999OTHER/B999OTHER/otherWorkspaceSecret987654321"
    chat.slack.then(404, body=f"no route for {other}")
    result = _notify({"SLACK_WEBHOOK_URL": chat.slack_url})
    assert "NOT delivered" in result.stdout
    assert_absent(result.stdout + result.stderr, "otherWorkspaceSecret987654321", SLACK_SECRET)


def test_a_github_api_url_with_user_info_is_never_echoed() -> None:
    token = "ghUserInfoToken_0123456789"
    env = {"GITHUB_TOKEN": "a-real-looking-token-value",
           "GITHUB_API_URL": f"https://deploy-bot:{token}@127.0.0.1:9/api/v3"}
    result = run_cli("plan", "comment", "--repo", "o/r", "--pr", "1", "--env", "dev",
                     str(FIXTURES / "plans" / "terraform-json" / "basic__plan.json"), env=env)
    assert_one_line_error(result, 2)
    assert "user info" in result.stderr
    assert_absent(result.stdout + result.stderr, token, "deploy-bot:")


def test_a_github_api_url_with_user_info_and_no_scheme_is_not_echoed_either() -> None:
    env = {"GITHUB_TOKEN": "a-real-looking-token-value", "GITHUB_API_URL": "ftp://bot:pAss_w0rd_42@host/x"}
    result = run_cli("plan", "comment", "--repo", "o/r", "--pr", "1", "--env", "dev",
                     str(FIXTURES / "plans" / "terraform-json" / "basic__plan.json"), env=env)
    assert_one_line_error(result, 2)
    assert_absent(result.stderr, "pAss_w0rd_42")


def test_a_ten_megabyte_value_makes_a_bounded_error_line(tmp_path: Path) -> None:
    event = json.loads((FIXTURES / "events" / "ecr_push_event.json").read_text())
    event["detail-type"] = "ECR Image Action " + "v" * 10_000_000 + "\x1b[2J\x1b[31m"
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    result = run_cli("deploy", "--event", str(path))
    assert_one_line_error(result, 2)
    line = result.stderr.strip()
    assert len(line) < MAX_ERROR_CHARS + 100, len(line)
    assert "more characters]" in line


@pytest.mark.parametrize("attack", ["\x1b[2J\x1b[31mred", "\x1b]0;owned\x07", "x\r\nerror: forged line",
                                    "\x9b2Jc1", "bell\x07nul"])
def test_control_characters_in_error_text_are_neutralised(tmp_path: Path, attack: str) -> None:
    # --template-dir is echoed as given (str, not repr): the raw escape would reach the terminal.
    result = run_cli("plan", "summarize", "--template-dir", str(tmp_path / attack),
                     str(FIXTURES / "plans" / "terraform-json" / "basic__plan.json"))
    assert_one_line_error(result, 2)
    assert result.stderr.count("\n") == 1 and "\r" not in result.stderr
    assert not any(ch in result.stderr for ch in "\x1b\x07\x9b\x00")
    # A forged "error: ..." stays inside our one line: it cannot start a line of its own.
    assert result.stderr.startswith("error: ") and not any(
        line.startswith("error: forged") for line in result.stderr.splitlines())
