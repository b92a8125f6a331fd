"""Chat notifications (Slack, Discord) for deploys, applies, promotions and drift.

Usage::

    from pipeline_tools import notify
    from pipeline_tools.notify.model import Field, Link, Notification, Status, EventType

    deliveries = notify.send(Notification(
        title="dev applied", status=Status.SUCCESS, event_type=EventType.APPLY,
        fields=[Field("Environment", "dev")], links=[Link("Run", "https://...")],
    ))

:func:`send` never raises: a chat outage must not fail what is being reported. It returns one
:class:`~pipeline_tools.notify.sender.Delivery` per configured channel (empty if none is
configured). Webhook URLs come from the environment (see :mod:`pipeline_tools.notify.webhooks`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from pipeline_tools.core.redaction import redact
from pipeline_tools.notify import discord, slack
from pipeline_tools.notify.model import EventType, Field, Link, Notification, Status
from pipeline_tools.notify.sender import DEFAULT_TIMEOUT_SECONDS, Delivery, post_json

__all__ = ["Delivery", "EventType", "Field", "Link", "Notification", "Status", "build_payloads", "send"]

log = logging.getLogger("pipeline_tools.notify")

_BUILDERS = {"slack": slack.build_payload, "discord": discord.build_payload}


def build_payloads(notification: Notification) -> dict[str, dict[str, Any]]:
    """The payload each chat service would receive (pure; handy for previews and tests)."""
    return {channel: build(notification) for channel, build in _BUILDERS.items()}


def send(
    notification: Notification,
    *,
    env: Mapping[str, str] | None = None,
    webhooks: Mapping[str, str] | None = None,
    clients: Any = None,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    **post_options: Any,
) -> list[Delivery]:
    """Post ``notification`` to every configured channel. Never raises.

    ``webhooks`` (``{"slack": url, "discord": url}``) overrides the environment; ``env`` defaults
    to ``os.environ``; ``clients`` (with ``get(name)``) supplies boto3 clients for secrets.
    """
    from pipeline_tools.notify import webhooks as webhook_sources

    deliveries: list[Delivery] = []
    try:
        urls = dict(webhooks) if webhooks is not None else webhook_sources.resolve(
            os.environ if env is None else env, clients)
    except Exception as exc:
        log.warning("notifications skipped: %s", redact(f"{type(exc).__name__}: {exc}"))
        return deliveries
    for channel, url in urls.items():
        try:
            payload = _BUILDERS[channel](notification)
            deliveries.append(post_json(channel, url, payload, timeout=timeout, **post_options))
        except Exception as exc:  # best effort: report and carry on with the next channel
            message = redact(f"{type(exc).__name__}: {exc}")
            log.warning("%s notification failed: %s", channel, message)
            deliveries.append(Delivery(channel, False, None, 0, message))
    return deliveries
