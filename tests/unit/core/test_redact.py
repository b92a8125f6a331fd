"""Redaction holds whatever escaping the text went through, and for every part of a URL.

Each case is an attack from issue 11: a registered secret that markdown, HTML or JSON escaping
(or ``_`` shown as a space) would have hidden from a plain string match, a webhook URL quoted in
pieces (it holds a space or a CRLF), a receiver echoing the path, user info in a URL, and error
text that is huge or carries terminal escapes.
"""

from __future__ import annotations

import html
import json
import urllib.parse
from collections.abc import Iterator

import pytest

from pipeline_tools.core import redaction
from pipeline_tools.notify.text import discord_escape, slack_escape
from pipeline_tools.plan.render._views import escape_html, escape_markdown

# Every character that some escaping step rewrites: markdown (_ * ` \ < >), HTML (< & " '),
# JSON (" \ and non-ASCII with ensure_ascii), percent-encoding, and an astral character.
SECRET = 'Pa_ss"w<o>r&d\'é\\*`x-\U0001f600-hunter2'


def encodings(secret: str) -> dict[str, str]:
    """``secret`` as each output path of the tool may write it, alone and composed."""
    one = {
        "raw": secret,
        "markdown": escape_markdown(secret),
        "html": escape_html(secret),
        "html.escape": html.escape(secret),
        "jinja": secret.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace('"', "&#34;").replace("'", "&#39;"),
        "json": json.dumps(secret, ensure_ascii=False)[1:-1],
        "json-ascii": json.dumps(secret)[1:-1],
        "repr": repr(secret)[1:-1],
        "ascii": ascii(secret)[1:-1],
        "percent": urllib.parse.quote(secret, safe=""),
        "slack": slack_escape(secret),
        "discord": discord_escape(secret),
        "spaces": secret.replace("_", " "),
    }
    composed = {
        "json(markdown)": json.dumps(escape_markdown(secret))[1:-1],
        "markdown(json)": escape_markdown(json.dumps(secret, ensure_ascii=False)[1:-1]),
        "html(json)": escape_html(json.dumps(secret)[1:-1]),
        "json(html)": json.dumps(escape_html(secret))[1:-1],
        "json(json)": json.dumps(json.dumps(secret)[1:-1])[1:-1],
    }
    return {**one, **composed}


@pytest.fixture(autouse=True)
def clean_registry() -> Iterator[None]:
    redaction.forget_all()
    yield
    redaction.forget_all()


@pytest.mark.parametrize("name", sorted(encodings(SECRET)))
def test_a_registered_secret_is_masked_in_every_encoding(name: str) -> None:
    redaction.register_secret(SECRET)
    encoded = encodings(SECRET)[name]
    assert encoded in f"before {encoded} after"  # the attack text really holds it
    text = redaction.redact(f"before {encoded} after")
    assert text == f"before {redaction.MASK} after", (name, encoded, text)


def test_escaped_forms_of_other_text_are_left_alone() -> None:
    redaction.register_secret(SECRET)
    text = 'a "quoted" word_with_underscores &amp; <b> \\n é'
    assert redaction.redact(text) == text


SLACK = "https://hooks.slack.com/services/T0AAA1111/B0BBB2222/slackPathSecret0123456789"
PATH = "/services/T0AAA1111/B0BBB2222"
DISCORD = "https://discord.com/api/webhooks/123456789012/discordToken_abcdefghijklmnopqrstu"


@pytest.mark.parametrize("url, leaked", [
    # A space or CRLF inside: the HTTP library quotes the path, not the URL; repr shows \r\n.
    (SLACK.replace("slackPath", "slack Path"), f"'{PATH}/slack PathSecret0123456789'"),
    (SLACK.replace("slackPath", "slack\r\nPath"), f"'{PATH}/slack\\r\\nPathSecret0123456789'"),
    (SLACK.replace("slackPath", "slack\r\nPath"), f"{PATH}/slack\r\nPathSecret0123456789"),
    # A receiver echoing the path back, as is, JSON-escaped or percent-encoded.
    (SLACK, '{"error": "no_service", "path": "/services/T0AAA1111/B0BBB2222/slackPathSecret0123456789"}'),
    (DISCORD, "unknown webhook /api/webhooks/123456789012/discordToken_abcdefghijklmnopqrstu"),
    (DISCORD, "GET %2Fapi%2Fwebhooks%2F123456789012%2FdiscordToken_abcdefghijklmnopqrstu"),
])
def test_the_secret_parts_of_a_registered_webhook_url_are_masked_wherever_they_appear(
        url: str, leaked: str) -> None:
    redaction.register_secret(url)
    text = redaction.redact(f"error: {leaked}")
    for secret in ("slackPathSecret0123456789", "PathSecret0123456789",
                   "discordToken_abcdefghijklmnopqrstu"):
        assert secret not in text, text


@pytest.mark.parametrize("text, secret", [
    ("answer: /services/T0AAA1111/B0BBB2222/unregisteredSlackPath42 not found", "unregisteredSlackPath42"),
    ("answer: /api/webhooks/42/unregistered-discord-token", "unregistered-discord-token"),
    ("cannot reach https://deploy-bot:hunter2hunter2@ghe.example.com/api/v3", "hunter2hunter2"),
    ("cannot reach https://hunter2hunter2@ghe.example.com/api/v3", "hunter2hunter2"),
])
def test_shaped_secrets_are_masked_even_unregistered(text: str, secret: str) -> None:
    assert secret not in redaction.redact(text)


def test_error_text_masks_any_urls_query_but_chat_text_keeps_link_queries() -> None:
    line = redaction.error_line("POST https://hooks.example.com/incoming?token=tok3nValue123 failed")
    assert "tok3nValue123" not in line and "https://hooks.example.com/incoming?***" in line
    assert redaction.redact("https://github.com/o/r/actions/runs/7?a=b") == "https://github.com/o/r/actions/runs/7?a=b"


def test_the_user_name_alone_is_not_registered_from_user_info() -> None:
    redaction.register_secret("https://deploy:Sup3rSecretPass@ghe.example.com/")
    assert redaction.redact("deploy to Sup3rSecretPass") == "deploy to ***"


def test_an_error_line_is_bounded_and_says_it_was_cut() -> None:
    line = redaction.error_line("invalid image tag " + "v" * 10_000_000)
    assert len(line) <= redaction.MAX_ERROR_CHARS + 60
    assert line.endswith("more characters]") and "[cut: " in line


@pytest.mark.parametrize("control", ["\x1b[31m", "\x1b]0;title\x07", "\x1b]8;;https://evil\x1b\\", "\r",
                                     "\n", "\x07", "\x00", "\x9b2J", "\x85", "\u2028"])
def test_an_error_line_has_no_control_characters(control: str) -> None:
    line = redaction.error_line(f"bad value {control}here")
    assert all(ch >= " " and not ("\x7f" <= ch <= "\x9f") and ch not in "\u2028\u2029" for ch in line), \
        repr(line)
    assert "here" in line


def test_a_secret_spanning_a_line_break_is_masked_before_the_line_is_flattened() -> None:
    secret = "first-half\r\nsecond-half"
    redaction.register_secret(secret)
    assert "half" not in redaction.error_line(f"x {secret} y")


@pytest.mark.parametrize("shift", range(0, 1200, 37))
def test_a_secret_cut_by_the_huge_message_window_never_shows_half(shift: int) -> None:
    # ANSI escapes vanish when neutralised, so what follows them moves into the shown part:
    # a secret cut in half by the window must not move in with them.
    redaction.register_secret(SECRET)
    padding = 5000 - shift
    message = "\x1b[0m" * (padding // 4) + "x" * (padding % 4) + SECRET + "b" * 20_000
    line = redaction.error_line(message)
    for piece in ("hunter2", "Pa_ss", "x-\U0001f600", "r&d"):
        assert piece not in line, (shift, line)


def test_redacting_a_ten_megabyte_text_holding_a_secret_masks_it() -> None:
    redaction.register_secret(SECRET)
    text = "hunter2 " + "x" * 10_000_000 + json.dumps(SECRET) + " tail"
    assert redaction.redact(text).endswith('x"***" tail')


@pytest.mark.parametrize("name", sorted(encodings(SECRET)))
def test_a_long_text_full_of_the_secrets_words_is_masked_in_every_encoding(name: str) -> None:
    # A long text is screened for every run of letters and digits of the secret before the regex
    # runs near the longest one: each encoding must keep them all, or the screen would miss it.
    redaction.register_secret(SECRET)
    encoded = encodings(SECRET)[name]
    filler = "hunter2 Pa ss w o r d x " * 2_000  # the secret's words, all over a 50 KB text
    text = redaction.redact(f"{filler}[{encoded}]{filler}")
    assert text == f"{filler}[{redaction.MASK}]{filler}", name


def test_a_long_text_missing_one_of_the_secrets_words_is_left_as_it_is() -> None:
    # A plan summary says "changed_attributes" twenty thousand times: a secret that begins with
    # "changed" is not in it unless its other words are too.
    secret = "changed-secret-staple-0002"
    redaction.register_secret(secret)
    text = '{"changed_attributes":["secret"],"id":"0002"}' * 2_000
    assert redaction.redact(text) == text
    assert redaction.redact(text + json.dumps(secret)) == text + '"***"'


@pytest.mark.parametrize("text", ["\x9d", "\x1b[0m", "\x1b[2J\x1b[31m"])
def test_chat_text_of_escapes_only_is_shown_not_emptied(text: str) -> None:
    # Slack refuses an empty section: text made only of escapes is shown, neutralised.
    from pipeline_tools.notify.text import clean

    cleaned = clean(text)
    assert cleaned.strip() and "\x1b" not in cleaned and "\x9d" not in cleaned


def test_an_unterminated_osc_does_not_swallow_the_rest_of_the_line() -> None:
    assert "the rest" in redaction.error_line("\x9d the rest")
