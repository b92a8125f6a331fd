"""CloudWatch alarm changes rendered for people on call: what, where, threshold, link."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline_tools import notify
from pipeline_tools.core.errors import InputError
from pipeline_tools.notify import alarm, alarm_handler
from pipeline_tools.notify.model import EventType, Status

EVENT = Path(__file__).parents[2] / "fixtures" / "events" / "cloudwatch_alarm_sns_event.json"


def sns_event(message: object, subject: str = "") -> dict:
    body = message if isinstance(message, str) else json.dumps(message)
    return {"Records": [{"EventSource": "aws:sns", "Sns": {"Subject": subject, "Message": body}}]}


def alarm_message(**changes: object) -> dict:
    event = json.loads(EVENT.read_text())
    message = json.loads(event["Records"][0]["Sns"]["Message"])
    message.update(changes)
    return message


def test_an_alarm_says_what_where_threshold_and_links_to_it():
    [item] = alarm_handler.notifications(json.loads(EVENT.read_text()))
    assert item.title == "platform-dev-api-cpu-high is in ALARM"
    assert item.status is Status.FAILURE and item.event_type is EventType.ALARM
    fields = {f.name: f.value for f in item.fields}
    assert fields == {
        "State": "OK -> ALARM",
        "Metric": "AWS/ECS/CPUUtilization",
        "Where": "ClusterName=platform-dev, ServiceName=api",
        "Threshold": "Average > 80 for 3 of 3 periods of 60 s",
        "Account": "123456789012 us-east-1",
    }
    assert item.summary == "api CPU above 80% for 3 minutes"
    assert item.reason.startswith("Threshold Crossed: 3 out of the last 3 datapoints")
    assert item.links[0].url == ("https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1"
                                 "#alarmsV2:alarm/platform-dev-api-cpu-high")


@pytest.mark.parametrize(("state", "status", "title"), [
    ("OK", Status.SUCCESS, "platform-dev-api-cpu-high is OK again"),
    ("INSUFFICIENT_DATA", Status.WARNING, "platform-dev-api-cpu-high has insufficient data"),
])
def test_recovery_and_missing_data(state, status, title):
    item = alarm.notification(alarm.parse(alarm_message(NewStateValue=state, OldStateValue="ALARM")))
    assert (item.status, item.title) == (status, title)
    assert item.reason == ("" if state == "OK" else item.reason)


def test_band_and_percentile_alarms_read_naturally():
    trigger = {"MetricName": "TargetResponseTime", "Namespace": "AWS/ApplicationELB",
               "ExtendedStatistic": "p99", "Period": 300, "EvaluationPeriods": 2,
               "ComparisonOperator": "GreaterThanOrEqualToThreshold", "Threshold": 1.5, "Dimensions": []}
    change = alarm.parse(alarm_message(Trigger=trigger))
    assert change.condition == "p99 >= 1.5 for 2 of 2 periods of 300 s"
    assert change.dimensions == ()


def test_other_messages_on_the_topic_are_relayed_plainly():
    [item] = alarm_handler.notifications(sns_event("budget at 85%", subject="AWS Budgets: platform"))
    assert (item.title, item.status) == ("AWS Budgets: platform", Status.INFO)
    assert item.details == ["budget at 85%"]
    [odd] = alarm_handler.notifications(sns_event({"AlarmName": "x", "NewStateValue": "EXPLODED"}))
    assert odd.status is Status.INFO


@pytest.mark.parametrize("event", [{}, {"Records": []}, {"Records": [{"Sns": "nope"}]}, [], "text"])
def test_an_event_that_is_not_sns_is_bad_input(event):
    with pytest.raises(InputError):
        alarm_handler.notifications(event)


def test_payloads_fit_both_chat_services():
    item = alarm.notification(alarm.parse(alarm_message(NewStateReason="x" * 20_000)))
    payloads = notify.build_payloads(item)
    assert len(payloads["discord"]["embeds"][0]["description"]) <= 4096
    assert "platform-dev-api-cpu-high" in payloads["slack"]["text"]
