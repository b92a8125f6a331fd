"""Slack incoming-webhook payload: Block Kit with a ``text`` fallback, within Slack's limits. Pure.

Limits (Slack Block Kit reference): 50 blocks per message, header text 150 characters, section
text 3,000, at most 10 fields per section, each field 2,000.
"""

from __future__ import annotations

from typing import Any

from pipeline_tools.notify.model import STATUS_EMOJI, Notification
from pipeline_tools.notify.text import slack_escape, slack_fit, truncate

MAX_BLOCKS = 50
HEADER_LIMIT = 150
SECTION_TEXT_LIMIT = 3000
FIELDS_PER_SECTION = 10
FIELD_TEXT_LIMIT = 2000
# Not a hard Slack limit for this use (40,000), but a fallback longer than a section is noise.
FALLBACK_LIMIT = 3000
MAX_FIELD_SECTIONS = 3
DETAIL_LINE_LIMIT = 500


def build_payload(notification: Notification) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [{
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": truncate(f"{STATUS_EMOJI[notification.status]} {notification.title}", HEADER_LIMIT),
            "emoji": True,
        },
    }]
    if notification.summary:
        blocks.append(_section(slack_fit(notification.summary, SECTION_TEXT_LIMIT)))
    blocks.extend(_field_sections(notification))
    if notification.reason:
        blocks.append(_section(_titled("Reason", notification.reason)))
    if notification.details:
        blocks.append(_section(_details(notification.details)))
    links = _links(notification)
    if links:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": links}]})
    return {
        "text": truncate(notification.fallback_text(), FALLBACK_LIMIT),
        "blocks": blocks[:MAX_BLOCKS],
    }


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _titled(title: str, body: str) -> str:
    prefix = f"*{title}*\n"
    return prefix + slack_fit(body, SECTION_TEXT_LIMIT - len(prefix))


def _field_sections(notification: Notification) -> list[dict[str, Any]]:
    texts = []
    for item in notification.fields:
        prefix = f"*{slack_fit(item.name, 200)}*\n"
        texts.append(prefix + slack_fit(item.value or "-", FIELD_TEXT_LIMIT - len(prefix)))
    sections: list[dict[str, Any]] = []
    for start in range(0, len(texts), FIELDS_PER_SECTION):
        if len(sections) == MAX_FIELD_SECTIONS:
            break
        chunk = texts[start:start + FIELDS_PER_SECTION]
        sections.append({"type": "section", "fields": [{"type": "mrkdwn", "text": t} for t in chunk]})
    return sections


def _details(lines: list[str]) -> str:
    """Bullet lines, as many as fit, then how many were left out."""
    text = "*Details*"
    for index, line in enumerate(lines):
        bullet = "\n\u2022 " + slack_fit(line, DETAIL_LINE_LIMIT)
        remaining = len(lines) - index
        more = f"\n\u2026 and {remaining} more"
        if len(text) + len(bullet) + len(more) > SECTION_TEXT_LIMIT:
            return text + more
        text += bullet
    return text


def _safe_url(url: str) -> bool:
    return url.startswith(("https://", "http://")) and not any(c in url for c in " <>|\n")


def _links(notification: Notification) -> str:
    parts: list[str] = []
    length = 0
    for link in notification.links:
        if not _safe_url(link.url):
            continue
        part = f"<{link.url}|{slack_escape(truncate(link.text, 80))}>"
        if length + len(part) + 3 > SECTION_TEXT_LIMIT:
            break
        parts.append(part)
        length += len(part) + 3
    return " \u00b7 ".join(parts)
