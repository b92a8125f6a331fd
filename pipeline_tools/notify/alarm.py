"""CloudWatch alarm state changes, as CloudWatch publishes them to SNS, turned into a chat
:class:`~pipeline_tools.notify.model.Notification`. Pure: no I/O.

CloudWatch's SNS message is a JSON document with ``AlarmName``, ``NewStateValue``,
``OldStateValue``, ``NewStateReason``, ``StateChangeTime``, ``AlarmArn`` and a ``Trigger``
describing the metric, the comparison and the threshold
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html).
The message says what crossed which threshold where, and links to the alarm in the console; the
``Region`` field is a display name ("US East (N. Virginia)"), so the region code comes from the ARN.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from pipeline_tools.notify.model import EventType, Field, Link, Notification, Status

STATE_STATUS = {"ALARM": Status.FAILURE, "OK": Status.SUCCESS, "INSUFFICIENT_DATA": Status.WARNING}
COMPARISON_SYMBOL = {
    "GreaterThanThreshold": ">",
    "GreaterThanOrEqualToThreshold": ">=",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "<=",
    "LessThanLowerOrGreaterThanUpperThreshold": "outside the band",
    "LessThanLowerThreshold": "below the band",
    "GreaterThanUpperThreshold": "above the band",
}


class NotAnAlarm(ValueError):
    """The SNS message is not a CloudWatch alarm state change."""


@dataclass(frozen=True)
class AlarmChange:
    name: str
    new_state: str
    old_state: str
    reason: str
    description: str
    changed_at: str
    arn: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    condition: str

    @property
    def region(self) -> str:
        parts = self.arn.split(":")
        return parts[3] if len(parts) > 5 and parts[2] == "cloudwatch" else ""

    @property
    def account(self) -> str:
        parts = self.arn.split(":")
        return parts[4] if len(parts) > 5 else ""


def _text(document: dict[str, Any], key: str) -> str:
    value = document.get(key)
    return value if isinstance(value, str) else ""


def _number(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    return f"{value:g}"


def _condition(trigger: dict[str, Any]) -> str:
    """``Average > 80 for 3 of 3 periods of 60 s`` from the alarm's trigger."""
    statistic = _text(trigger, "Statistic").capitalize() or _text(trigger, "ExtendedStatistic")
    operator = _text(trigger, "ComparisonOperator")
    comparison = COMPARISON_SYMBOL.get(operator, operator)
    threshold = _number(trigger.get("Threshold"))
    periods = _number(trigger.get("EvaluationPeriods"))
    breaching = _number(trigger.get("DatapointsToAlarm")) or periods
    period = _number(trigger.get("Period"))
    condition = " ".join(part for part in (statistic, comparison, threshold) if part)
    if periods and period:
        condition += f" for {breaching} of {periods} periods of {period} s"
    return condition.strip()


def parse(message: str | dict[str, Any]) -> AlarmChange:
    """The alarm change in an SNS message body; :class:`NotAnAlarm` for anything else."""
    if isinstance(message, str):
        try:
            message = json.loads(message)
        except ValueError as exc:
            raise NotAnAlarm("the message is not JSON") from exc
    if not isinstance(message, dict) or not _text(message, "AlarmName") or (
            _text(message, "NewStateValue") not in STATE_STATUS):
        raise NotAnAlarm("the message has no AlarmName and NewStateValue")
    trigger_value = message.get("Trigger")
    trigger: dict[str, Any] = trigger_value if isinstance(trigger_value, dict) else {}
    namespace, metric = _text(trigger, "Namespace"), _text(trigger, "MetricName")
    if not metric and isinstance(trigger.get("Metrics"), list):
        metric = "metric math"
    raw_dimensions = trigger.get("Dimensions")
    dimensions = tuple((str(d.get("name", "")), str(d.get("value", "")))
                       for d in (raw_dimensions if isinstance(raw_dimensions, list) else [])
                       if isinstance(d, dict))
    return AlarmChange(
        name=_text(message, "AlarmName"),
        new_state=_text(message, "NewStateValue"),
        old_state=_text(message, "OldStateValue"),
        reason=_text(message, "NewStateReason"),
        description=_text(message, "AlarmDescription"),
        changed_at=_text(message, "StateChangeTime"),
        arn=_text(message, "AlarmArn"),
        metric="/".join(part for part in (namespace, metric) if part),
        dimensions=dimensions,
        condition=_condition(trigger),
    )


def console_url(change: AlarmChange) -> str:
    region = change.region or "us-east-1"
    return (f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}"
            f"#alarmsV2:alarm/{quote(change.name, safe='')}")


def notification(change: AlarmChange) -> Notification:
    """What a person on call needs: what, where, against which threshold, and a link."""
    if change.new_state == "OK":
        title = f"{change.name} is OK again"
    elif change.new_state == "ALARM":
        title = f"{change.name} is in ALARM"
    else:
        title = f"{change.name} has insufficient data"
    fields = [Field("State", f"{change.old_state or '?'} -> {change.new_state}")]
    if change.metric:
        fields.append(Field("Metric", change.metric))
    if change.dimensions:
        fields.append(Field("Where", ", ".join(f"{name}={value}" for name, value in change.dimensions)))
    if change.condition:
        fields.append(Field("Threshold", change.condition))
    if change.region or change.account:
        fields.append(Field("Account", " ".join(part for part in (change.account, change.region) if part)))
    return Notification(
        title=title,
        status=STATE_STATUS[change.new_state],
        event_type=EventType.ALARM,
        summary=change.description,
        fields=fields,
        links=[Link("Alarm in CloudWatch", console_url(change))],
        reason=change.reason if change.new_state != "OK" else "",
        details=[f"Changed at {change.changed_at}"] if change.changed_at else [],
    )


def plain_notification(subject: str, message: str) -> Notification:
    """An SNS message that is not an alarm change (a test publish, a budget alert): relayed as is."""
    return Notification(title=subject or "Message on the alarm topic", status=Status.INFO,
                        event_type=EventType.ALARM, details=[message] if message else [])
