"""Cutting text to a chat service's limits without breaking escapes. Pure.

Every entry point masks secrets and neutralises control characters *before* escaping or cutting
(docs/security.md): an escaped secret (``&amp;`` for ``&``) or half a secret would no longer be
recognised afterwards.
"""

from __future__ import annotations

import re

from pipeline_tools.core.redaction import neutralise_controls, redact

ELLIPSIS = "\u2026"
_LINES = re.compile(r"\r\n|\r|\n")


def clean(text: str) -> str:
    """``text`` with secrets masked, ANSI escapes removed and control characters other than line
    breaks neutralised (relayed text such as a stopped task's reason is not ours to trust)."""
    source = str(text)
    lines = _LINES.split(redact(source))
    cleaned = "\n".join(neutralise_controls(line) for line in lines)
    if source.strip() and not cleaned.strip():
        # Nothing but escape sequences: show them, rather than send an empty (refused) text.
        cleaned = "\n".join(neutralise_controls(line, strip_ansi=False) for line in lines)
    return cleaned


def truncate(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, marked with an ellipsis when cut."""
    if limit <= 0:
        return ""
    text = clean(text)
    if len(text) <= limit:
        return text
    return text[: limit - 1] + ELLIPSIS


def slack_escape(text: str) -> str:
    # Slack mrkdwn: only these three are control characters.
    text = clean(text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_fit(text: str, limit: int) -> str:
    """Escape for Slack mrkdwn, then cut to ``limit`` without leaving half an entity."""
    escaped = slack_escape(text)
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: limit - 1]
    amp = cut.rfind("&", max(0, len(cut) - 5))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + ELLIPSIS


def discord_escape(text: str) -> str:
    # Producers may use light markdown (`code`, *bold*) as in Slack mrkdwn; what we neutralise is
    # masked links ([text](url)) in relayed text, which could disguise where a link goes.
    # Mentions need no escaping: payloads carry allowed_mentions {"parse": []}.
    text = clean(text)
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def discord_fit(text: str, limit: int) -> str:
    escaped = discord_escape(text)
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: limit - 1]
    # Do not end on a lone escaping backslash.
    trailing = len(cut) - len(cut.rstrip("\\"))
    if trailing % 2:
        cut = cut[:-1]
    return cut + ELLIPSIS
