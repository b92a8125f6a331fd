"""Order and collapsing in the plan comment, on real plans from the public corpus (fast: no terraform)."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline_tools.comment import EnvironmentPlan, compose_plan_comment, parse_comment_markers
from pipeline_tools.comment.compose import COLLAPSE_ABOVE, compose_job_summary
from pipeline_tools.plan.model import summarize

PLANS = Path(__file__).resolve().parents[2] / "fixtures" / "plans" / "terraform-json"
SHA = "0123456789abcdef0123456789abcdef01234567"


def plan(name: str, **overrides: object) -> dict:
    return {**json.loads((PLANS / f"{name}__plan.json").read_text()), **overrides}


def test_few_environments_keep_a_row_each_but_in_attention_order():
    environments = [EnvironmentPlan("quiet", summarize(plan("actions"))),
                    EnvironmentPlan("adds", summarize(plan("basic"))),
                    EnvironmentPlan("replaces", summarize(plan("action_reason"))),
                    EnvironmentPlan("broken", summarize(plan("basic", errored=True)))]
    body = compose_plan_comment(environments, sha=SHA)
    rows = [line.split("`")[1] for line in body.splitlines() if line.startswith("| `")]
    assert rows == ["broken", "replaces", "adds", "quiet"]
    assert "**`quiet`**: :white_check_mark: no changes." in body  # below the limit: its own line
    # The marker keeps the given order: the apply reads fingerprints by name, not by position.
    assert parse_comment_markers(body).environments == ["quiet", "adds", "replaces", "broken"]


def test_many_quiet_environments_collapse_and_the_names_that_do_not_fit_go_to_the_summary():
    quiet = summarize(plan("actions"))
    environments = [EnvironmentPlan(f"quiet-environment-{i:03d}", quiet) for i in range(120)]
    environments.insert(60, EnvironmentPlan("adds", summarize(plan("basic"))))
    assert len(environments) > COLLAPSE_ABOVE
    body = compose_plan_comment(environments, sha=SHA, max_chars=6_000)
    assert len(body) <= 6_000
    rows = [line for line in body.splitlines() if line.startswith("| `")]
    assert rows == [next(line for line in body.splitlines() if line.startswith("| `adds`"))]
    line = next(line for line in body.splitlines() if "environments with no changes" in line)
    assert line.startswith(":white_check_mark: **120 environments with no changes**: `quiet-environment-000`")
    shown = line.count("`quiet-environment-")
    assert 0 < shown < 120 and line.endswith(f"and {120 - shown} more (every environment is listed in "
                                             "the job summary)")
    assert "### Terraform plan for `adds`" in body
    summary = compose_job_summary(environments, sha=SHA)
    assert all(f"| `{env.name}` |" in summary for env in environments)
    assert summary.index("| `adds` |") < summary.index("| `quiet-environment-000` |")
    assert "1 to review, 120 without changes." in summary
