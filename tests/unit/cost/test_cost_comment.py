"""The cost part of the plan comment: dashboard column, section, budget. The plans are terraform's
own (tests/fixtures/plans); the cost reports are `plan cost --format json` documents (the real
ones are exercised end to end in tests/integration/test_plan_cost.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline_tools.comment import EnvironmentPlan, compose_plan_comment
from pipeline_tools.cost.comment import render_cost_comment, summary_from_json
from pipeline_tools.plan.model import summarize

PLANS = Path(__file__).resolve().parents[2] / "fixtures" / "plans" / "terraform-json"
SHA = "0123456789abcdef0123456789abcdef01234567"


def cost_json(changes: int) -> dict:
    resources = [{"address": f"module.svc[{i}].aws_nat_gateway.this", "monthly_before": "32.85",
                  "monthly_after": "65.70" if i % 2 else "0.00"} for i in range(changes)]
    resources.append({"address": "aws_kms_key.same", "monthly_before": "1.00", "monthly_after": "1.00"})
    before = sum(32.85 for _ in range(changes)) + 1
    after = sum(65.70 if i % 2 else 0 for i in range(changes)) + 1
    return {"currency": "USD", "monthly": {"before": f"{before:.2f}", "after": f"{after:.2f}",
                                           "delta": f"{after - before:.2f}"},
            "resources": resources, "usage": [],
            "not_priced": [{"address": "x", "type": "aws_x", "reason": "r"}],
            "assumptions": [], "prices": {"region": "us-east-1", "date": "2026-06-01", "source": "s"}}


def test_the_section_lists_changes_biggest_first_and_only_changes() -> None:
    document = cost_json(3)
    document["resources"].append({"address": "z.aws_db_instance.big", "monthly_before": "10.00",
                                  "monthly_after": "110.00"})
    text = render_cost_comment(summary_from_json(document), max_chars=5000)
    first_row = next(line for line in text.splitlines() if line.startswith("| `"))
    assert first_row == "| `z.aws_db_instance.big` | $10.00 | $110.00 | +$100.00 |"
    text = render_cost_comment(summary_from_json(cost_json(3)), max_chars=5000)
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert rows[0] == "| `module.svc[0].aws_nat_gateway.this` | $32.85 | $0.00 | -$32.85 |"
    assert rows[1] == "| `module.svc[1].aws_nat_gateway.this` | $32.85 | $65.70 | +$32.85 |"
    assert rows[2] == "| `module.svc[2].aws_nat_gateway.this` | $32.85 | $0.00 | -$32.85 |"
    assert "aws_kms_key.same" not in text
    assert "1 not priced" in text


def test_many_changes_are_cut_to_fit_and_counted() -> None:
    summary = summary_from_json(cost_json(400))
    text = render_cost_comment(summary, max_chars=2000)
    assert len(text) <= 2000 and "…and 390 more resources" in text
    tiny = render_cost_comment(summary, max_chars=300)
    assert len(tiny) <= 300 and "| `" not in tiny


def test_the_dashboard_gets_a_cost_column_and_na_without_a_report() -> None:
    plan = summarize(json.loads((PLANS / "has_changes__plan.json").read_text()))
    body = compose_plan_comment([EnvironmentPlan("dev", plan, cost=summary_from_json(cost_json(2))),
                                 EnvironmentPlan("prod", plan)], sha=SHA)
    lines = body.splitlines()
    assert next(line for line in lines if line.startswith("| Environment")).endswith("| Monthly cost |")
    assert next(line for line in lines if line.startswith("| `dev`")).endswith("| $66.70 ($0.00) |")
    assert next(line for line in lines if line.startswith("| `prod`")).endswith("| n/a |")
    assert "**Monthly cost**: $66.70" in body


def test_without_cost_reports_the_dashboard_is_unchanged() -> None:
    plan = summarize(json.loads((PLANS / "has_changes__plan.json").read_text()))
    body = compose_plan_comment([EnvironmentPlan("dev", plan)], sha=SHA)
    assert "Monthly cost" not in body


@pytest.mark.parametrize("document", [[], {"monthly": {}}, {"monthly": {"before": 1.5, "after": "2"},
                                                           "resources": []}])
def test_a_document_that_is_not_a_cost_report_is_refused(document: object) -> None:
    with pytest.raises(ValueError):
        summary_from_json(document)
