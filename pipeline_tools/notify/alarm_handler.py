"""The alarm notifier Lambda: SNS (the environment's alarm topic) -> Slack / Discord.

Subscribed to the alarm topic by the ``observability`` module (``chat_notifier``). Each SNS record
carries one CloudWatch alarm state change (:mod:`pipeline_tools.notify.alarm`); anything else
published to the topic is relayed as a plain message. Webhook URLs come from the same settings as
the deployer's (``SLACK_WEBHOOK_SECRET_ID`` / ``DISCORD_WEBHOOK_SECRET_ID``, or the URL variables).

It never raises because of chat: SNS retries a failed Lambda delivery, and retrying a message that
a webhook refused would only repeat the failure (the outcome is in the log and the returned
summary). Only an event that is not an SNS event at all raises, so the mistake is visible.
Cold import stays small: stdlib and this package; boto3 loads only to read a webhook secret.
"""

from __future__ import annotations

import logging
from typing import Any

from pipeline_tools.core.errors import InputError
from pipeline_tools.core.redaction import redact
from pipeline_tools.notify.alarm import NotAnAlarm, notification, parse, plain_notification
from pipeline_tools.notify.model import Notification

log = logging.getLogger("pipeline_tools.notify")


def notifications(event: Any) -> list[Notification]:
    """One notification per SNS record of a Lambda event; InputError for a non-SNS event."""
    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list) or not records:
        raise InputError("the event has no SNS Records")
    found: list[Notification] = []
    for record in records:
        sns = record.get("Sns") if isinstance(record, dict) else None
        if not isinstance(sns, dict):
            raise InputError("an event record has no Sns message")
        message, subject = sns.get("Message"), sns.get("Subject")
        text = message if isinstance(message, str) else ""
        try:
            found.append(notification(parse(text)))
        except NotAnAlarm:
            found.append(plain_notification(subject if isinstance(subject, str) else "", text))
    return found


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    from pipeline_tools import notify

    logging.getLogger("pipeline_tools").setLevel(logging.INFO)
    sent = []
    for item in notifications(event):
        deliveries = notify.send(item)
        outcome = {"title": item.title,
                   "delivered": [d.channel for d in deliveries if d.delivered],
                   "failed": [d.channel for d in deliveries if not d.delivered]}
        log.info("%s", redact(str(outcome)))
        sent.append(outcome)
    return {"notifications": sent}
