""""Applies only what was reviewed" across merges and failures: set semantics over per-resource change
fingerprints, with real plans made by terraform against the emulator.

The root is tests/tf/fingerprint (copied, its names changed so it does not meet that test's objects in
the shared emulator). Two pull requests change it from the applied state v1/alice:

* A: ``setting`` v1 -> v2 (the parameter, and the output of its version);
* B: ``owner`` alice -> bob (the bucket's tag, and the owner output).

Their plan comments are made by the real ``plan comment`` command (``--dry-run`` for the offline
files; posted to the GitHub stand-in for the API mode). A partial failure is a targeted apply of A's
resource only (``-target``): what is left to apply is then B's change, a subset of what was reviewed.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline_tools.comment import parse_comment_markers
from pipeline_tools.integrations.terraform import Terraform, terraform_env
from pipeline_tools.local.emulator import Emulator
from pipeline_tools.plan.fingerprint import change_tokens
from tests.conftest import assert_one_line_error, run_cli
from tests.support.github_standin import GitHubStandin

ROOT = Path(__file__).resolve().parent.parent / "tf" / "fingerprint"
REPO = "acme/infra"
NO_KEY = {"PIPELINE_TOOLS_FINGERPRINT_KEY": "", "PIPELINE_TOOLS_TRUSTED_AUTHOR": "",
          "GITHUB_STEP_SUMMARY": "", "GITHUB_EVENT_PATH": "", "GITHUB_RUN_ID": "", "GITHUB_SHA": ""}


@dataclass(frozen=True)
class Plans:
    a: Path  # reviewed in pull request A
    b: Path  # reviewed in pull request B
    both: Path  # the merged commit, nothing applied yet
    rest: Path  # the merged commit after A's change was applied (partial failure)
    carol: Path  # an owner nobody reviewed
    comment_a: Path
    comment_b: Path


def comment_file(plan: Path, out: Path, sha: str) -> Path:
    posted = run_cli("plan", "comment", "--repo", REPO, "--pr", "1", "--sha", sha, "--env", "dev", str(plan),
                     "--dry-run", env=NO_KEY)
    assert posted.returncode == 0, posted.stderr
    out.write_text(posted.stdout)
    return out


@pytest.fixture(scope="module")
def plans(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Plans]:
    workdir = tmp_path_factory.mktemp("reviewed-root")
    for tf_file in ROOT.glob("*.tf"):
        (workdir / tf_file.name).write_text(tf_file.read_text().replace("pt-fp", "pt-rv"))
    terraform = Terraform(workdir, env=terraform_env(emulator.env()))
    terraform.init(backend=False)
    terraform.apply(None, "-var=setting=v1", "-var=owner=alice")

    def plan(name: str, *variables: str) -> Path:
        terraform.plan(workdir / f"{name}.tfplan", *variables)
        path = workdir / f"{name}.json"
        path.write_text(json.dumps(terraform.show_json(workdir / f"{name}.tfplan")))
        return path

    a = plan("a", "-var=setting=v2", "-var=owner=alice")
    b = plan("b", "-var=setting=v1", "-var=owner=bob")
    both = plan("both", "-var=setting=v2", "-var=owner=bob")
    carol = plan("carol", "-var=setting=v2", "-var=owner=carol")
    terraform.apply(None, "-var=setting=v2", "-var=owner=bob", "-target=aws_ssm_parameter.setting")
    rest = plan("rest", "-var=setting=v2", "-var=owner=bob")
    yield Plans(a, b, both, rest, carol, comment_file(a, workdir / "a.md", "a" * 40),
                comment_file(b, workdir / "b.md", "b" * 40))
    shutil.rmtree(workdir, ignore_errors=True)


def verify(plan: Path, *args: str, env: dict[str, str] | None = None):
    return run_cli("plan", "verify", str(plan), "--env", "dev", *args, env={**NO_KEY, **(env or {})})


def files(*paths: Path) -> list[str]:
    return [arg for path in paths for arg in ("--comment-file", str(path))]


@pytest.mark.terraform
def test_the_comment_records_each_resource_change(plans: Plans):
    markers = parse_comment_markers(plans.comment_a.read_text(), first_line_only=True)
    assert markers.changes["dev"] == change_tokens(json.loads(plans.a.read_text()), None)
    assert len(markers.changes["dev"]) == 2  # the parameter and the version output


@pytest.mark.terraform
def test_two_pull_requests_disjoint_changes_are_accepted_together(plans: Plans):
    accepted = verify(plans.both, *files(plans.comment_a, plans.comment_b))
    assert accepted.returncode == 0, accepted.stderr
    assert "all 4 change(s) were reviewed" in accepted.stdout
    assert str(plans.comment_a) in accepted.stdout and str(plans.comment_b) in accepted.stdout

    # With only A's review, B's change is named as unreviewed.
    only_a = verify(plans.both, *files(plans.comment_a))
    assert_one_line_error(only_a, code=1)
    assert "aws_s3_bucket.data: update (tags.owner, tags_all.owner) was not in any reviewed plan" \
        in only_a.stderr
    assert "unreviewed: output.owner" in only_a.stdout


@pytest.mark.terraform
def test_a_subset_after_a_partial_failure_is_accepted(plans: Plans):
    rest = json.loads(plans.rest.read_text())
    assert {c["address"] for c in rest["resource_changes"] if c["change"]["actions"] != ["no-op"]} == \
        {"aws_s3_bucket.data"}
    accepted = verify(plans.rest, *files(plans.comment_a, plans.comment_b))
    assert accepted.returncode == 0, accepted.stderr
    assert str(plans.comment_b) in accepted.stdout


@pytest.mark.terraform
def test_an_unreviewed_value_is_refused_naming_the_resource_and_what_differs(plans: Plans):
    refused = verify(plans.carol, *files(plans.comment_a, plans.comment_b))
    assert_one_line_error(refused, code=1)
    assert "aws_s3_bucket.data: update (tags.owner, tags_all.owner) differs from the change reviewed for it" \
        in refused.stderr
    assert "output.owner" in refused.stderr
    assert "aws_ssm_parameter.setting" not in refused.stderr  # that one was reviewed in A


@pytest.mark.terraform
def test_since_deployment_collects_the_pull_requests_merged_after_the_last_successful_apply(
        plans: Plans, github_standin: GitHubStandin):
    github_standin.add_repo(REPO)
    env = {**NO_KEY, "GITHUB_TOKEN": github_standin.token, "GITHUB_API_URL": github_standin.base_url}
    old = github_standin.add_pull(REPO, head_sha="0" * 40)
    github_standin.merge_pull(REPO, old, merged_at="2026-01-01T00:00:00Z")
    recorded = run_cli("apply", "record", "--repo", REPO, "--env", "dev", "--sha", "0" * 40, "--state",
                       "success", "--run-key", "7.1", env=env)
    assert recorded.returncode == 0, recorded.stderr
    [first] = github_standin.repos[REPO].deployments.values()
    first["created_at"] = "2026-06-01T00:00:00Z"  # the stand-in's clock has one-second steps
    numbers = []
    for plan, head in ((plans.a, "a" * 40), (plans.b, "b" * 40)):
        number = github_standin.add_pull(REPO, head_sha=head)
        posted = run_cli("plan", "comment", "--repo", REPO, "--pr", str(number), "--env", "dev", str(plan),
                         env=env)
        assert posted.returncode == 0, posted.stderr
        github_standin.merge_pull(REPO, number, merged_at="2026-07-01T00:00:00Z")
        numbers.append(number)
    # Someone else's comment on the old pull request would have covered carol's plan: not trusted,
    # and that pull request was merged before the last successful apply anyway.
    github_standin.add_comment(REPO, old, comment_file(plans.carol, plans.comment_a.parent / "c.md",
                                                       "c" * 40).read_text())

    accepted = run_cli("plan", "verify", str(plans.both), "--env", "dev", "--repo", REPO,
                       "--since-deployment", "dev", env=env)
    assert accepted.returncode == 0, accepted.stderr
    assert f"pull request #{numbers[0]}, pull request #{numbers[1]}" in accepted.stdout
    refused = run_cli("plan", "verify", str(plans.carol), "--env", "dev", "--repo", REPO,
                      "--since-deployment", "dev", env=env)
    assert_one_line_error(refused, code=1)
    assert "aws_s3_bucket.data" in refused.stderr

    # A failed apply does not move the window; a successful one does.
    deployments = github_standin.repos[REPO].deployments
    assert [d["task"] for d in deployments.values()] == ["terraform-apply"]
    run_cli("apply", "record", "--repo", REPO, "--env", "dev", "--sha", "b" * 40, "--state", "in_progress",
            "--run-key", "8.1", env=env)
    failed = run_cli("apply", "record", "--repo", REPO, "--env", "dev", "--sha", "b" * 40, "--state",
                     "failure", "--run-key", "8.1", env=env)
    assert failed.returncode == 0 and "(existing)" in failed.stdout, failed.stderr
    still = run_cli("plan", "verify", str(plans.rest), "--env", "dev", "--repo", REPO,
                    "--since-deployment", "dev", env=env)
    assert still.returncode == 0, still.stderr
    done = run_cli("apply", "record", "--repo", REPO, "--env", "dev", "--sha", "b" * 40, "--state",
                   "success", "--run-key", "9.1", env=env)
    assert done.returncode == 0, done.stderr
    assert [d["environment"] for d in deployments.values()] == ["dev"] * 3
    after = run_cli("plan", "verify", str(plans.rest), "--env", "dev", "--repo", REPO,
                    "--since-deployment", "dev", env=env)
    assert_one_line_error(after, code=1)
    assert "merged since: none" in after.stderr
