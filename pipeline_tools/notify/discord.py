"""Discord webhook payload: one embed, within Discord's limits, mentions disabled. Pure.

Limits (Discord developer docs, "Embed Limits" and "Execute Webhook"): content 2,000 characters,
at most 10 embeds, title 256, description 4,096, at most 25 fields (name 256, value 1,024),
footer 2,048, and all embed text together at most 6,000.
"""

from __future__ import annotations

from typing import Any

from pipeline_tools.notify.model import STATUS_COLOUR, STATUS_EMOJI, Notification
from pipeline_tools.notify.text import discord_escape, discord_fit, truncate

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
MAX_FIELDS = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
# Fields get at most this share of the 6,000 so the reason and details always have room.
FIELDS_BUDGET = 3000
DETAIL_LINE_LIMIT = 400


def build_payload(notification: Notification) -> dict[str, Any]:
    title = truncate(f"{STATUS_EMOJI[notification.status]} {notification.title}", TITLE_LIMIT)
    footer = truncate(f"pipeline-tools \u00b7 {notification.event_type.value}", FOOTER_LIMIT)
    fields = _fields(notification)
    used = len(title) + len(footer) + sum(len(f["name"]) + len(f["value"]) for f in fields)
    description = _description(notification, min(DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT - used))
    embed: dict[str, Any] = {
        "title": title,
        "color": STATUS_COLOUR[notification.status],
        "footer": {"text": footer},
    }
    if description:
        embed["description"] = description
    if fields:
        embed["fields"] = fields
    return {
        # Mentions in any text we relay (commit messages, service names) must not ping anyone.
        "allowed_mentions": {"parse": []},
        "content": truncate(notification.fallback_text(), CONTENT_LIMIT),
        "embeds": [embed],
    }


def _fields(notification: Notification) -> list[dict[str, Any]]:
    fields: list[dict[str, Any]] = []
    budget = FIELDS_BUDGET
    for item in notification.fields[:MAX_FIELDS]:
        name = truncate(item.name, min(FIELD_NAME_LIMIT, 100)) or "-"
        if budget - len(name) < 20:
            break
        value = discord_fit(item.value or "-", min(FIELD_VALUE_LIMIT, budget - len(name)))
        fields.append({"name": name, "value": value, "inline": len(value) <= 40})
        budget -= len(name) + len(value)
    return fields


def _description(notification: Notification, limit: int) -> str:
    parts: list[str] = []
    if notification.summary:
        parts.append(discord_fit(notification.summary, 1000))
    if notification.reason:
        parts.append("**Reason**\n" + discord_fit(notification.reason, 1500))
    links = [f"[{discord_escape(truncate(link.text, 80))}]({link.url})"
             for link in notification.links
             if link.url.startswith(("https://", "http://")) and not any(c in link.url for c in " ()\n")]
    links_text = " \u00b7 ".join(links)
    text = "\n\n".join(parts)
    # Links are short and the most useful part after the reason: reserve room for them.
    reserve = len(links_text) + 2 if links_text else 0
    if notification.details:
        text = _append_details(text, notification.details, limit - reserve)
    if len(text) > limit - reserve:
        text = truncate(text, max(limit - reserve, 0))
    if links_text and len(text) + reserve <= limit:
        text = f"{text}\n\n{links_text}" if text else links_text
    return truncate(text, limit)


def _append_details(text: str, lines: list[str], limit: int) -> str:
    text = f"{text}\n\n**Details**" if text else "**Details**"
    for index, line in enumerate(lines):
        bullet = "\n\u2022 " + discord_fit(line, DETAIL_LINE_LIMIT)
        more = f"\n\u2026 and {len(lines) - index} more"
        if len(text) + len(bullet) + len(more) > limit:
            return text + more if len(text) + len(more) <= limit else text
        text += bullet
    return text
