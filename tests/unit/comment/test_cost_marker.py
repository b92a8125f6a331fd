"""The monthly cost change each environment's plan is recorded with in the plan comment's marker
(``cost:<env>=<amount>``), which ``apply check`` compares with the cost policy at apply time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline_tools.comment import (
    CommentMarkers,
    EnvironmentPlan,
    compose_plan_comment,
    format_marker,
    parse_comment_markers,
)
from pipeline_tools.cost.comment import summary_from_json
from pipeline_tools.plan.model import summarize

PLANS = Path(__file__).resolve().parents[2] / "fixtures" / "plans" / "terraform-json"
SHA = "0123456789abcdef0123456789abcdef01234567"


def cost_report(before: str, after: str) -> dict:
    return {"currency": "USD", "monthly": {"before": before, "after": after, "delta": "ignored"},
            "resources": [{"address": "aws_nat_gateway.this", "monthly_before": before,
                           "monthly_after": after}],
            "prices": {"region": "us-east-1", "date": "2026-06-01", "source": "s"}}


def test_the_composed_comment_records_each_costed_environments_change_and_reads_it_back() -> None:
    plan = summarize(json.loads((PLANS / "has_changes__plan.json").read_text()))
    body = compose_plan_comment([
        EnvironmentPlan("dev", plan, cost=summary_from_json(cost_report("10.00", "75.70"))),
        EnvironmentPlan("staging", plan, cost=summary_from_json(cost_report("75.70", "10.00"))),
        EnvironmentPlan("prod", plan),  # no estimate: nothing recorded, not zero
    ], sha=SHA)
    marker_line = body.splitlines()[0]
    assert "cost:dev=65.70" in marker_line and "cost:staging=-65.70" in marker_line
    markers = parse_comment_markers(body, first_line_only=True)
    assert markers is not None
    assert markers.costs == {"dev": "65.70", "staging": "-65.70"}


def test_a_failed_plan_records_no_cost() -> None:
    nothing = summarize({"format_version": "1.2", "resource_changes": []})
    body = compose_plan_comment([EnvironmentPlan("dev", nothing, cost=summary_from_json(
        cost_report("0.00", "5.00")), failure="Error: boom")], sha=SHA)
    markers = parse_comment_markers(body, first_line_only=True)
    assert markers is not None and markers.costs == {}


@pytest.mark.parametrize("value", ["12", "1.5", "+3.00", "1e3", "12.000", "%2D1.00", "-", "1.00.00",
                                   "1234567890123.00"])
def test_an_unreadable_cost_reads_back_as_nothing_recorded(value: str) -> None:
    line = f"<!-- pipeline-tools:plan-comment v=1 sha={SHA} run=- env:dev=- cost:dev={value} -->"
    markers = parse_comment_markers(line, first_line_only=True)
    assert markers is not None and markers.costs == {}


def test_an_invalid_cost_is_never_written() -> None:
    with pytest.raises(ValueError, match="invalid cost change"):
        format_marker(CommentMarkers(sha=SHA, costs={"dev": "12"}))
    with pytest.raises(ValueError, match="invalid cost change"):
        format_marker(CommentMarkers(sha=SHA, costs={"bad env": "1.00"}))
