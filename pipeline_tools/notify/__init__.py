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
It returns within its deadline (default 20 s for all channels together, at most 10 s per
webhook call; ``NOTIFY_DEADLINE_SECONDS`` / ``NOTIFY_CALL_DEADLINE_SECONDS``), however slowly a
receiver answers.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from typing import Any

from pipeline_tools.core.redaction import redact
from pipeline_tools.notify import discord, slack
from pipeline_tools.notify.model import EventType, Field, Link, Notification, Status
from pipeline_tools.notify.sender import (
    DEFAULT_CALL_DEADLINE_SECONDS,
    DEFAULT_NOTIFICATION_DEADLINE_SECONDS,
    DEFAULT_TIMEOUT_SECONDS,
    Delivery,
    deadlines_from_env,
    post_json,
)

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
    call_deadline: float | None = None,
    deadline: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    **post_options: Any,
) -> list[Delivery]:
    """Post ``notification`` to every configured channel. Never raises.

    ``webhooks`` (``{"slack": url, "discord": url}``) overrides the environment; ``env`` defaults
    to ``os.environ``; ``clients`` (with ``get(name)``) supplies boto3 clients for secrets.
    ``call_deadline`` bounds each webhook call, ``deadline`` all channels together (seconds;
    unset: from the environment, else 10 and 20). A channel reached after ``deadline`` is not
    tried.
    """
    from pipeline_tools.notify import webhooks as webhook_sources

    started = clock()
    environment = os.environ if env is None else env
    if call_deadline is None or deadline is None:
        try:
            configured_call, configured_total = deadlines_from_env(environment)
        except Exception as exc:  # a bad setting must not cost the notification: use the defaults
            log.warning("notification deadlines: %s; using %g s per call, %g s in all", exc,
                        DEFAULT_CALL_DEADLINE_SECONDS, DEFAULT_NOTIFICATION_DEADLINE_SECONDS)
            configured_call, configured_total = (DEFAULT_CALL_DEADLINE_SECONDS,
                                                 DEFAULT_NOTIFICATION_DEADLINE_SECONDS)
        call_deadline = configured_call if call_deadline is None else call_deadline
        deadline = configured_total if deadline is None else deadline
    deliveries: list[Delivery] = []
    try:
        urls = dict(webhooks) if webhooks is not None else webhook_sources.resolve(environment, clients)
    except Exception as exc:
        log.warning("notifications skipped: %s", redact(f"{type(exc).__name__}: {exc}"))
        return deliveries
    for channel, url in urls.items():
        time_left = deadline - (clock() - started)
        if time_left <= 0:
            message = f"not sent: the notification's {deadline:g} s deadline had passed"
            log.warning("%s notification %s", channel, message)
            deliveries.append(Delivery(channel, False, None, 0, message))
            continue
        try:
            payload = _BUILDERS[channel](notification)
            deliveries.append(post_json(channel, url, payload, timeout=timeout,
                                        deadline_seconds=min(call_deadline, time_left), **post_options))
        except Exception as exc:  # best effort: report and carry on with the next channel
            message = redact(f"{type(exc).__name__}: {exc}")
            log.warning("%s notification failed: %s", channel, message)
            deliveries.append(Delivery(channel, False, None, 0, message))
    return deliveries
