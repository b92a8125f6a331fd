"""``plan fingerprint`` / ``plan verify``: the same change gives the same fingerprint, another one not.

The stability test makes two separate ``terraform plan`` runs of the same change against the moto
server (each refreshes state first); the plans differ in their timestamps and the order in which
terraform wrote them, their fingerprints must not. A third plan with one attribute value changed
must give another fingerprint.
"""

from __future__ import annotations

import copy
import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pipeline_tools.integrations.terraform import Terraform, terraform_env
from pipeline_tools.local.emulator import Emulator
from pipeline_tools.plan.fingerprint import change_set, fingerprint, is_fingerprint
from tests.support.cli import assert_one_line_error, run_cli
from tests.support.paths import TF_ROOTS
from tests.support.plan_scenarios import SECRETS, scenario_plan  # noqa: F401 (session fixture)

ROOT = TF_ROOTS / "fingerprint"


@dataclass(frozen=True)
class Plans:
    first: dict[str, Any]
    second: dict[str, Any]
    other: dict[str, Any]
    first_path: Path
    other_path: Path


@pytest.fixture(scope="module")
def plans(emulator: Emulator) -> Iterator[Plans]:
    """Apply v1, then plan the same change twice and a slightly different change once (8 terraform runs)."""
    with tempfile.TemporaryDirectory(prefix="pt-fingerprint-") as tmp:
        workdir = Path(tmp)
        for tf_file in ROOT.glob("*.tf"):
            shutil.copy(tf_file, workdir / tf_file.name)
        terraform = Terraform(workdir, env=terraform_env(emulator.env()))
        terraform.init(backend=False)
        terraform.apply(None, "-var=setting=v1", "-var=owner=alice")

        def plan(name: str, *variables: str) -> dict[str, Any]:
            terraform.plan(workdir / f"{name}.tfplan", *variables)
            document = terraform.show_json(workdir / f"{name}.tfplan")
            (workdir / f"{name}.json").write_text(json.dumps(document))
            return document

        change = ("-var=setting=v2", "-var=owner=bob", "-var=with_queue=true")
        first = plan("first", *change)
        second = plan("second", *change)
        other = plan("other", "-var=setting=v2", "-var=owner=carol", "-var=with_queue=true")
        kept = Path(tempfile.mkdtemp(prefix="pt-fingerprint-json-"))
        for name in ("first", "other"):
            shutil.copy(workdir / f"{name}.json", kept / f"{name}.json")
        yield Plans(first, second, other, kept / "first.json", kept / "other.json")
        shutil.rmtree(kept, ignore_errors=True)


@pytest.mark.terraform
def test_two_plans_of_the_same_change_have_the_same_fingerprint(plans: Plans):
    assert plans.first["timestamp"] != plans.second["timestamp"]  # really two plans
    assert {c["address"] for c in plans.first["resource_changes"]} >= {
        "aws_ssm_parameter.setting", "aws_s3_bucket.data", "aws_sqs_queue.work[0]"}
    assert fingerprint(plans.first) == fingerprint(plans.second)
    assert is_fingerprint(fingerprint(plans.first))


@pytest.mark.terraform
def test_one_attribute_value_changes_the_fingerprint(plans: Plans):
    assert fingerprint(plans.first) != fingerprint(plans.other)
    # The difference is exactly the bucket's owner tag (and the output echoing it).
    first, other = change_set(plans.first), change_set(plans.other)
    first_resources = {r["address"]: r for r in first["resources"]}
    other_resources = {r["address"]: r for r in other["resources"]}
    assert [a for a in first_resources if first_resources[a] != other_resources[a]] == ["aws_s3_bucket.data"]
    assert [o["name"] for o in first["outputs"] if o not in other["outputs"]] == ["owner"]


@pytest.mark.terraform
def test_a_different_secret_value_counts_only_with_the_key(plans: Plans):
    """aws_ssm_parameter's value is sensitive: it enters the hash keyed, never in clear."""
    rotated = copy.deepcopy(plans.first)
    parameter = next(r for r in rotated["resource_changes"] if r["address"] == "aws_ssm_parameter.setting")
    assert parameter["change"]["after_sensitive"]["value"] is True
    parameter["change"]["after"]["value"] = "v2-but-another-secret"
    key = b"repository-secret-key"
    assert fingerprint(rotated, key) != fingerprint(plans.first, key)
    assert fingerprint(plans.second, key) == fingerprint(plans.first, key)
    # Without a key, only "a sensitive value changes" is recorded.
    assert fingerprint(rotated, None) == fingerprint(plans.first, None)
    for document in (change_set(rotated), change_set(rotated, key)):
        assert "v2-but-another-secret" not in json.dumps(document)
        assert '"v2"' not in json.dumps(document)


@pytest.mark.terraform
def test_cli_fingerprint_and_verify(plans: Plans):
    printed = run_cli("plan", "fingerprint", str(plans.first_path))
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.strip() == fingerprint(plans.first)

    same = run_cli("plan", "verify", "--recorded", fingerprint(plans.second), "--env", "dev",
                   str(plans.first_path))
    assert same.returncode == 0, same.stderr
    assert "matches the reviewed plan" in same.stdout

    mismatch = run_cli("plan", "verify", "--recorded", fingerprint(plans.first), "--env", "dev",
                       str(plans.other_path))
    assert_one_line_error(mismatch, code=1)
    assert fingerprint(plans.first) in mismatch.stderr and fingerprint(plans.other) in mismatch.stderr
    assert "not the plan that was reviewed" in mismatch.stderr


@pytest.mark.terraform
def test_order_timestamps_refresh_and_unchanged_attributes_do_not_count(plans: Plans):
    reference = fingerprint(plans.first)
    shuffled = copy.deepcopy(plans.first)
    shuffled["resource_changes"].reverse()
    shuffled["timestamp"] = "2030-01-01T00:00:00Z"
    shuffled.pop("prior_state", None)
    shuffled["resource_drift"] = [{"address": "aws_s3_bucket.data", "change": {"actions": ["update"]}}]
    assert fingerprint(shuffled) == reference

    # A refreshed computed attribute the plan does not change, and one more hidden attribute.
    bucket = next(r for r in shuffled["resource_changes"] if r["address"] == "aws_s3_bucket.data")
    for side in ("before", "after"):
        bucket["change"][side]["hosted_zone_id"] = "Z-REFRESHED"
        bucket["change"][side]["an_extra_unchanged_attribute"] = "same"
    assert fingerprint(shuffled) == reference

    # A no-op resource that appears or disappears does not count either.
    shuffled["resource_changes"].append({"address": "aws_s3_bucket.other", "change": {
        "actions": ["no-op"], "before": {"bucket": "x"}, "after": {"bucket": "x"}}})
    assert fingerprint(shuffled) == reference


@pytest.mark.terraform
def test_action_unknowns_and_replace_paths_count(plans: Plans):
    reference = fingerprint(plans.first)
    queue = lambda plan: next(r for r in plan["resource_changes"] if r["address"] == "aws_sqs_queue.work[0]")  # noqa: E731

    known = copy.deepcopy(plans.first)
    queue(known)["change"]["after_unknown"]["arn"] = False
    queue(known)["change"]["after"]["arn"] = "arn:aws:sqs:us-east-1:123456789012:pt-fp-work"
    assert fingerprint(known) != reference

    replaced = copy.deepcopy(plans.first)
    queue(replaced)["change"]["actions"] = ["delete", "create"]
    assert fingerprint(replaced) != reference
    queue(replaced)["change"]["replace_paths"] = [["name"]]
    assert fingerprint(replaced) not in (reference, fingerprint(known))

    output = copy.deepcopy(plans.first)
    output["output_changes"]["owner"]["after"] = "dave"
    assert fingerprint(output) != reference


@pytest.mark.terraform
def test_sensitive_values_never_enter_the_change_set(scenario_plan):  # noqa: F811
    document = json.dumps(change_set(scenario_plan.plan))
    for secret in SECRETS:
        assert secret not in document
    assert "<sensitive>" in document
    explained = run_cli("plan", "fingerprint", "--explain", str(scenario_plan.plan_json_path))
    assert explained.returncode == 0 and not any(s in explained.stdout for s in SECRETS)
    # The scenario's move, import and forget are part of what is applied, so part of the hash.
    entries = change_set(scenario_plan.plan)["resources"]
    assert any("previous_address" in e for e in entries)
    assert any("import_id" in e for e in entries)
    assert any(e["actions"] == ["forget"] for e in entries)


def test_bad_input(tmp_path: Path):
    not_json = tmp_path / "plan.json"
    not_json.write_text("{not json")
    assert_one_line_error(run_cli("plan", "fingerprint", str(not_json)))
    assert_one_line_error(run_cli("plan", "fingerprint", str(tmp_path / "missing.json")))
    plan = tmp_path / "ok.json"
    plan.write_text(json.dumps({"format_version": "1.2", "resource_changes": []}))
    assert_one_line_error(run_cli("plan", "verify", "--recorded", "sha256:abc", str(plan)))
    assert_one_line_error(run_cli("plan", "verify", str(plan)))
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"format_version": "1.2", "resource_changes": ["not a change"]}))
    assert_one_line_error(run_cli("plan", "fingerprint", str(broken)))


@pytest.mark.terraform
def test_verify_reads_the_fingerprint_recorded_in_the_plan_comment(plans: Plans, tmp_path: Path):
    from pipeline_tools.comment.markers import CommentMarkers, format_marker

    marker = format_marker(CommentMarkers(sha="0" * 40, run_key="7.1", fingerprints={
        "dev": fingerprint(plans.second), "prod": None}))
    comment = tmp_path / "comment.md"
    comment.write_text(f"{marker}\n## Terraform plans\n...\n")
    ok = run_cli("plan", "verify", "--comment-file", str(comment), "--env", "dev", str(plans.first_path))
    assert ok.returncode == 0, ok.stderr
    changed = run_cli("plan", "verify", "--comment-file", str(comment), "--env", "dev", str(plans.other_path))
    assert_one_line_error(changed, code=1)
    # prod was never planned in the pull request: nothing reviewed, nothing applied.
    unreviewed = run_cli("plan", "verify", "--comment-file", str(comment), "--env", "prod",
                         str(plans.first_path))
    assert_one_line_error(unreviewed, code=1)
    assert "recorded no plan for prod" in unreviewed.stderr
    missing_env = run_cli("plan", "verify", "--comment-file", str(comment), str(plans.first_path))
    assert_one_line_error(missing_env, code=2)
    no_marker = tmp_path / "other.md"
    no_marker.write_text("> <!-- pipeline-tools:plan-comment v=1 sha=0 env:dev=x -->\njust a reply\n")
    assert_one_line_error(run_cli("plan", "verify", "--comment-file", str(no_marker), "--env", "dev",
                                  str(plans.first_path)), code=2)


@pytest.mark.terraform
def test_the_plan_comment_records_what_verify_checks(plans: Plans, tmp_path: Path):
    """End to end with the real comment command: the fingerprint `plan comment` records is the one
    `plan verify` accepts for the same change, and refuses for another one."""
    posted = run_cli("plan", "comment", "--repo", "octo/infra", "--pr", "3", "--sha", "abcdef1",
                     "--env", "dev", str(plans.first_path), "--dry-run")
    assert posted.returncode == 0, posted.stderr
    body = tmp_path / "comment.md"
    body.write_text(posted.stdout)
    second = tmp_path / "second.json"
    second.write_text(json.dumps(plans.second))
    assert run_cli("plan", "verify", "--comment-file", str(body), "--env", "dev", str(second)).returncode == 0
    assert_one_line_error(run_cli("plan", "verify", "--comment-file", str(body), "--env", "dev",
                                  str(plans.other_path)), code=1)
