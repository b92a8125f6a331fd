"""Slack and Discord payload builders: every notification, however large, fits the limits."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline_tools.notify import build_payloads
from pipeline_tools.notify.model import EventType, Field, Link, Notification, Status
from tests.support.chat_receivers import discord_problems, slack_problems

texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8000)
notifications = st.builds(
    Notification,
    title=texts,
    status=st.sampled_from(list(Status)),
    event_type=st.sampled_from(list(EventType)),
    summary=texts,
    fields=st.lists(st.builds(Field, name=texts, value=texts), max_size=60),
    links=st.lists(st.builds(Link, text=texts, url=st.one_of(
        st.just("https://github.com/o/r/actions/runs/1?x=1&y=<2>"), texts.map(lambda t: "https://x/" + t))),
        max_size=30),
    reason=texts,
    details=st.lists(texts, max_size=120),
)


@settings(max_examples=60, deadline=None)
@given(notifications)
def test_any_notification_fits_both_services(notification: Notification) -> None:
    payloads = build_payloads(notification)
    assert slack_problems(payloads["slack"]) == []
    assert discord_problems(payloads["discord"]) == []
    assert payloads["discord"]["allowed_mentions"] == {"parse": []}
    assert payloads["slack"]["text"]  # the fallback is always there
    json.dumps(payloads)


def big() -> Notification:
    return Notification(
        title="api deployed to prod " + "T" * 400,
        status=Status.FAILURE,
        event_type=EventType.DEPLOY,
        summary="S" * 5000,
        fields=[Field(f"field {n}", "v" * 3000) for n in range(40)],
        links=[Link("ECS console", "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/c/services/s")],
        reason="R" * 10000,
        details=[f"stopped task: reason {n} " + "d" * 700 for n in range(100)],
    )


def test_huge_input_is_cut_not_dropped() -> None:
    payloads = build_payloads(big())
    slack, discord = payloads["slack"], payloads["discord"]
    assert slack_problems(slack) == [] and discord_problems(discord) == []
    slack_text = json.dumps(slack)
    discord_text = json.dumps(discord)
    # The link and the start of the reason survive in both; omissions are announced.
    for text in (slack_text, discord_text):
        assert "console.aws.amazon.com" in text
        assert "RRRRRRRRRR" in text
        assert "\u2026 and " in text or "\\u2026 and " in text
    header = slack["blocks"][0]
    assert header["type"] == "header" and len(header["text"]["text"]) <= 150
    assert all(len(b.get("fields", [])) <= 10 for b in slack["blocks"])


def test_slack_escapes_control_characters_and_keeps_links() -> None:
    notification = Notification(
        title="a <b> & c", status=Status.SUCCESS,
        fields=[Field("Image", "<!channel> api@sha256:1 & more")],
        links=[Link("Run <1>", "https://github.com/o/r/actions/runs/1")],
    )
    slack = build_payloads(notification)["slack"]
    text = json.dumps(slack["blocks"][1:])
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text
    assert "<https://github.com/o/r/actions/runs/1|Run &lt;1&gt;>" in text
    # Header is plain_text: no escaping needed there.
    assert slack["blocks"][0]["text"]["text"].endswith("a <b> & c")


def test_discord_neutralises_mentions_and_masked_links() -> None:
    notification = Notification(
        title="@everyone deploy", status=Status.FAILURE,
        reason="see [totally the console](https://evil.example) @here <@123>",
        links=[Link("Run", "https://github.com/o/r/actions/runs/1")],
    )
    discord = build_payloads(notification)["discord"]
    assert discord["allowed_mentions"] == {"parse": []}
    description = discord["embeds"][0]["description"]
    assert "\\[totally the console\\](https://evil.example)" in description
    assert "[Run](https://github.com/o/r/actions/runs/1)" in description


def test_unsafe_link_urls_are_left_out() -> None:
    notification = Notification(title="t", status=Status.INFO, links=[
        Link("js", "javascript:alert(1)"), Link("pipe", "https://x/a|b"), Link("ok", "https://x/ok")])
    slack, discord = build_payloads(notification).values()
    assert "javascript" not in json.dumps(slack) and "javascript" not in json.dumps(discord)
    assert "https://x/a|b" not in json.dumps(slack)
    assert "<https://x/ok|ok>" in json.dumps(slack)
    assert "[ok](https://x/ok)" in json.dumps(discord)


def test_each_status_has_its_own_colour_and_icon() -> None:
    colours = set()
    for status in Status:
        payloads = build_payloads(Notification(title="t", status=status))
        colours.add(payloads["discord"]["embeds"][0]["color"])
        assert payloads["slack"]["blocks"][0]["text"]["text"].endswith(" t")
    assert len(colours) == len(Status)
