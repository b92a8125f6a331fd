"""`plan summarize` on a real plan: terraform against the moto server (see tests/support/plan_scenarios.py).

The plan exercises creates, updates, replacements in both orders, deletes (one of them a removed
``for_each`` key), a ``moved`` block, an ``import`` block, a ``removed`` block, ``-replace``, a
deferred data source read, a sensitive variable and output, and drift made with boto3. Terraform's
own text rendering of the same plan (``terraform show PLANFILE``) is the reference.
"""

from __future__ import annotations

import json
import re

import pytest

from pipeline_tools.plan.model import PlanSummary, summarize
from pipeline_tools.plan.render.json_output import render_plan_json
from pipeline_tools.plan.render.markdown import render_plan_markdown
from pipeline_tools.plan.render.text import render_plan_text
from tests.support.cli import run_cli
from tests.support.plan_scenarios import PREFIX, SECRETS, ScenarioPlan, scenario_plan  # noqa: F401

pytestmark = pytest.mark.terraform


@pytest.fixture(scope="module")
def summary(scenario_plan: ScenarioPlan) -> PlanSummary:  # noqa: F811
    return summarize(scenario_plan.plan)


def _by_address(summary: PlanSummary) -> dict:
    return {resource.address: resource for resource in summary.resources}


def test_counts_match_terraforms_own_plan_line(scenario_plan: ScenarioPlan, summary: PlanSummary) -> None:  # noqa: F811
    line = scenario_plan.terraform_plan_line()
    assert line is not None, scenario_plan.terraform_text[-2000:]
    figures = {kind: int(n) for n, kind in re.findall(r"(\d+) to (import|add|change|destroy|forget)", line)}
    counts = summary.counts
    assert counts.add == figures["add"]
    assert counts.change == figures["change"]
    assert counts.destroy == figures["destroy"]
    assert counts.import_ == figures.get("import", 0)
    if "forget" in figures:  # terraform 1.11 does not print it; if a version does, it must agree
        assert counts.forget == figures["forget"]
    # Our line is terraform's, with forgets appended.
    assert summary.plan_line.startswith(line.rstrip(".").split(", 0 to forget")[0])


def test_counts_of_the_kinds_terraform_does_not_print(summary: PlanSummary) -> None:
    # blue_green (+/-), logs (-/+), rotated (-replace), the ECS task definition (-/+)
    assert summary.counts.replace == 4
    assert summary.counts.move == 1
    assert summary.counts.forget == 1
    assert summary.counts.read == 1
    assert summary.counts.to_json_dict()["import"] == 1


def test_every_kind_of_action_and_why(summary: PlanSummary) -> None:
    resources = _by_address(summary)
    assert resources["aws_ssm_parameter.data_team"].action == "create"
    assert resources["aws_s3_bucket.data"].action == "update"

    logs = resources["aws_s3_bucket.logs"]
    assert (logs.action, logs.replace_order, logs.symbol) == ("replace", "destroy-first", "-/+")
    assert logs.replace_paths == ["bucket"]
    forced = [attr for attr in logs.attribute_changes() if attr.forces_replacement]
    assert [(a.path, a.before, a.after) for a in forced] == [
        ("bucket", f'"{PREFIX}-logs-v1"', f'"{PREFIX}-logs-v2"')]
    assert any(a.path == "arn" and a.after == "(known after apply)" for a in logs.attribute_changes())

    blue_green = resources["aws_sqs_queue.blue_green"]
    assert (blue_green.action, blue_green.replace_order, blue_green.symbol) == (
        "replace", "create-first", "+/-")
    assert blue_green.replace_paths == ["name"]

    rotated = resources["aws_ssm_parameter.rotated"]
    assert rotated.action == "replace" and rotated.action_reason == "replace_by_request"
    assert "-replace" in (rotated.reason or "")

    beta = resources['aws_ssm_parameter.items["beta"]']
    assert beta.action == "delete" and beta.action_reason == "delete_because_each_key"
    assert 'aws_ssm_parameter.items["alpha"]' not in resources  # unchanged: not listed

    sessions = resources["aws_dynamodb_table.sessions"]
    assert sessions.action == "delete" and "no longer in the configuration" in (sessions.reason or "")

    renamed = resources["aws_sqs_queue.renamed"]
    assert renamed.moved and renamed.previous_address == "aws_sqs_queue.old_name"
    assert renamed.description == "moved from aws_sqs_queue.old_name"

    imported = resources["aws_s3_bucket.imported"]
    assert imported.importing and imported.importing_id == f"{PREFIX}-imported"
    assert imported.action == "update"
    assert {a.path for a in imported.attribute_changes()} >= {"tags.adopted"}

    forgotten = resources["aws_ssm_parameter.forgotten"]
    assert forgotten.action == "forget"

    read = resources["data.aws_s3_bucket.logs"]
    assert read.action == "read" and read.symbol == "<="


def test_only_changed_attributes_are_listed(summary: PlanSummary) -> None:
    data = _by_address(summary)["aws_s3_bucket.data"]
    changes = {a.path: (a.before, a.after) for a in data.attribute_changes()}
    assert changes["tags.env"] == (None, '"test"')
    assert changes["tags.team"] == ('"data-eng"', '"platform"')  # drift reverted
    assert "bucket" not in changes and "arn" not in changes


def test_json_in_strings_is_diffed_structurally(summary: PlanSummary) -> None:
    resources = _by_address(summary)
    (policy,) = [a for a in resources["aws_iam_role_policy.app"].attribute_changes() if a.path == "policy"]
    assert policy.json_changes is not None
    paths = {(c.path, c.kind) for c in policy.json_changes}
    assert ('Statement[Sid="ReadJobs"].Action', "added") in paths
    assert ('Statement[Sid="Everything"]', "added") in paths
    assert len(policy.json_changes) == 2  # the unchanged parts of the statement are not repeated

    (redrive,) = [a for a in resources["aws_sqs_queue.jobs"].attribute_changes()
                  if a.path == "redrive_policy"]
    assert [(c.path, c.before, c.after) for c in redrive.json_changes] == [("maxReceiveCount", 3, 5)]

    (containers,) = [a for a in resources["aws_ecs_task_definition.api"].attribute_changes()
                     if a.path == "container_definitions"]
    assert containers.forces_replacement
    by_path = {c.path: c for c in containers.json_changes}
    image = by_path['[name="api"].image']
    assert (image.before, image.after) == (
        "public.ecr.aws/nginx/nginx:1.25", "public.ecr.aws/nginx/nginx:1.27")


def test_risk_flags(summary: PlanSummary) -> None:
    flags = {(flag.kind, flag.address): flag.message for flag in summary.risk_flags}
    assert ("stateful-destroy", "aws_dynamodb_table.sessions") in flags
    assert ("stateful-destroy", "aws_s3_bucket.logs") in flags
    assert ("stateful-destroy", "aws_sqs_queue.blue_green") in flags
    iam = flags[("iam-widened", "aws_iam_role_policy.app")]
    assert "sqs:DeleteMessage" in iam and "sqs:*" in iam and "Resource *" in iam
    assert "0.0.0.0/0" in flags[("open-ingress", "aws_security_group.web")]
    # The unchanged and updated-in-place buckets hold their data: no flag.
    assert ("stateful-destroy", "aws_s3_bucket.data") not in flags
    # Forgetting keeps the object: no flag.
    assert all(address != "aws_ssm_parameter.forgotten" for _, address in flags)


def test_drift_that_affects_the_plan_is_listed_the_rest_counted(summary: PlanSummary) -> None:
    relevant = {item.address: item for item in summary.drift.relevant}
    assert "aws_s3_bucket.data" in relevant
    assert [a.path for a in relevant["aws_s3_bucket.data"].attributes] == ["tags.team"]
    # The queue re-tagged out of band is ignored by terraform (ignore_changes): counted only.
    assert "aws_sqs_queue.dlq" not in relevant
    assert summary.drift.other_count >= 1


def test_outputs_and_sensitive_output_masked(summary: PlanSummary) -> None:
    outputs = {output.name: output for output in summary.outputs}
    assert outputs["db_password"].sensitive
    assert outputs["db_password"].before == outputs["db_password"].after == "(sensitive value)"
    assert outputs["logs_bucket_arn"].after == "(known after apply)"
    assert outputs["logs_bucket_name"].after == f'"{PREFIX}-logs-v2"'
    assert "jobs_queue_url" not in outputs  # unchanged


def test_no_secret_in_any_format(scenario_plan: ScenarioPlan, summary: PlanSummary) -> None:  # noqa: F811
    assert any(secret in json.dumps(scenario_plan.plan) for secret in SECRETS)  # terraform has them
    rendered = {
        "markdown": render_plan_markdown(summary),
        "json": render_plan_json(summary),
        "text": render_plan_text(summary, color=True),
        "model": json.dumps(summary.to_json_dict()),
    }
    for max_chars in (500, 2000, 4000):
        rendered[f"markdown-{max_chars}"] = render_plan_markdown(summary, max_chars=max_chars)
    for name, text in rendered.items():
        for secret in SECRETS:
            assert secret not in text, name
    assert "value = (sensitive value)" in rendered["text"]


def test_cli_formats_on_the_real_plan(scenario_plan: ScenarioPlan) -> None:  # noqa: F811
    path = str(scenario_plan.plan_json_path)
    as_json = run_cli("plan", "summarize", path, "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    document = json.loads(as_json.stdout)
    assert document["counts"]["destroy"] == 6 and document["counts"]["import"] == 1
    assert {"address", "actions"} <= set(document["resources"][0])
    replaced = {r["address"]: r for r in document["resources"]}["aws_sqs_queue.blue_green"]
    assert replaced["actions"] == ["create", "delete"] and replaced["replace_order"] == "create-first"

    markdown = run_cli("plan", "summarize", path, "--env", "dev")
    assert markdown.returncode == 0, markdown.stderr
    assert markdown.stdout.startswith("### Terraform plan for `dev`")
    assert scenario_plan.terraform_plan_line().rstrip(".") in markdown.stdout
    assert markdown.stdout.index("Risks") < markdown.stdout.index("aws_sqs_queue.renamed")

    from_stdin = run_cli("plan", "summarize", "-", "--format", "text",
                         input=scenario_plan.plan_json_path.read_text())
    assert from_stdin.returncode == 0, from_stdin.stderr
    assert "\033[" not in from_stdin.stdout  # not a TTY: no colour
    assert "+/- aws_sqs_queue.blue_green" in from_stdin.stdout
    for result in (as_json, markdown, from_stdin):
        for secret in SECRETS:
            assert secret not in result.stdout
