"""``pipeline-tools apply check``: the merged pull request's requirements, read from GitHub (the stand-in,
over HTTP) at apply time. The plan comments are posted by the real ``plan comment`` command with a real
gate result (``pipeline-tools gate`` over tfsec's real output, tests/fixtures/scanners); the plan is
real terraform JSON from the shared fixture set.
"""

from __future__ import annotations

import json

import pytest

from pipeline_tools.comment import MARKER_PREFIX
from tests.conftest import FIXTURES, assert_one_line_error, run_cli
from tests.support.github_standin import GitHubStandin

REPO = "acme/infra"
PLAN = FIXTURES / "plans" / "terraform-json" / "basic__plan.json"
HEAD = "c" * 40
QUIET = {"PIPELINE_TOOLS_FINGERPRINT_KEY": "", "PIPELINE_TOOLS_TRUSTED_AUTHOR": "",
         "GITHUB_STEP_SUMMARY": "", "GITHUB_EVENT_PATH": "", "GITHUB_RUN_ID": "", "GITHUB_SHA": ""}


@pytest.fixture(scope="module")
def gates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Real gate results (blocking at MEDIUM) over tfsec's real report, and over the same report with
    only its LOW findings left (a pass)."""
    report = json.loads((FIXTURES / "scanners" / "tfsec_v1.28.14_aws_results.json").read_text())
    low_only = {**report, "results": [r for r in report["results"] if r["severity"] == "LOW"]}
    found = {}
    for verdict, findings in (("fail", report), ("pass", low_only)):
        repo = tmp_path_factory.mktemp(f"gate-{verdict}")
        (repo / "security").mkdir()
        (repo / "security" / "policy.yml").write_text(
            "default_environment: dev\nenvironments:\n  dev: {fail_at: MEDIUM}\nseverity: {}\n")
        (repo / "tfsec.json").write_text(json.dumps(findings))
        result = run_cli("gate", "--tfsec-json", "tfsec.json", "--env", "dev", "--json-out", "gate.json",
                         "--repo-root", str(repo), "--today", "2026-11-22", cwd=repo)
        assert json.loads((repo / "gate.json").read_text())["verdict"] == verdict, result.stderr
        found[verdict] = str(repo / "gate.json")
    return found


def env_for(standin: GitHubStandin) -> dict[str, str]:
    return {**QUIET, "GITHUB_TOKEN": standin.token, "GITHUB_API_URL": standin.base_url}


def merged_pr(standin: GitHubStandin, gate: str | None, *, approve: bool = True) -> tuple[int, str]:
    """A pull request planned (with ``gate``) by the pipeline, approved, merged; (number, merge sha)."""
    if REPO not in standin.repos:
        standin.add_repo(REPO)
    number = standin.add_pull(REPO, head_sha=HEAD)
    args = ["--gate", "dev", gate] if gate else []
    posted = run_cli("plan", "comment", "--repo", REPO, "--pr", str(number), "--env", "dev", str(PLAN),
                     *args, env=env_for(standin))
    assert posted.returncode == 0, posted.stderr
    if approve:
        standin.add_review(REPO, number, login="reviewer", state="APPROVED")
    return number, standin.merge_pull(REPO, number)


def check(standin: GitHubStandin, sha: str, *args: str):
    return run_cli("apply", "check", "--repo", REPO, "--env", "dev", "--sha", sha, *args,
                   env=env_for(standin))


def test_a_pull_request_whose_gate_failed_merged_anyway_is_refused(github_standin, gates):
    _, sha = merged_pr(github_standin, gates["fail"])
    refused = check(github_standin, sha)
    assert_one_line_error(refused, code=1)
    assert "the security gate failed for dev in pull request #1" in refused.stderr
    assert "ok: approved by reviewer" in refused.stdout


def test_a_passing_approved_pull_request_may_be_applied(github_standin, gates):
    number, sha = merged_pr(github_standin, gates["pass"])
    ok = check(github_standin, sha)
    assert ok.returncode == 0, ok.stderr
    assert f"pull request #{number} may be applied to dev" in ok.stdout
    assert "ok: security gate passed for dev" in ok.stdout


def test_missing_approval_stale_approval_and_requested_changes_are_each_named(github_standin, gates):
    number, sha = merged_pr(github_standin, gates["pass"], approve=False)
    github_standin.add_review(REPO, number, login="contributor", state="APPROVED")  # the author
    unapproved = check(github_standin, sha)
    assert_one_line_error(unapproved, code=1)
    assert "not approved by a reviewer other than its author" in unapproved.stderr

    github_standin.add_review(REPO, number, login="reviewer", state="APPROVED", commit_id="e" * 40)
    stale = check(github_standin, sha)
    assert "approved only for an earlier commit than cccccccccccc" in stale.stderr

    github_standin.add_review(REPO, number, login="reviewer", state="APPROVED")
    github_standin.add_review(REPO, number, login="security", state="CHANGES_REQUESTED")
    blocked = check(github_standin, sha)
    assert_one_line_error(blocked, code=1)
    assert "changes requested by security" in blocked.stderr


def test_a_plan_comment_by_anyone_else_and_no_gate_and_no_pull_request_are_refused(github_standin, gates):
    number, sha = merged_pr(github_standin, None)
    no_gate = check(github_standin, sha)
    assert_one_line_error(no_gate, code=1)
    assert "no security gate verdict was recorded for dev" in no_gate.stderr

    # A forged comment claiming a passing gate, from another account, is not the pipeline's.
    [ours] = [c for c in github_standin.comments(REPO, number) if c["body"].startswith(MARKER_PREFIX)]
    forged = ours["body"].replace(" -->", " gate:dev=pass -->", 1)
    github_standin.repos[REPO].comments.pop(ours["id"])
    github_standin.add_comment(REPO, number, forged, login="mallory")
    spoofed = check(github_standin, sha)
    assert_one_line_error(spoofed, code=1)
    assert f"pull request #{number} has no plan comment by {github_standin.login}" in spoofed.stderr

    direct = check(github_standin, "d" * 40)
    assert_one_line_error(direct, code=1)
    assert "was not merged through a pull request" in direct.stderr


@pytest.mark.parametrize("args", [["--sha", "nothex"], ["--env", "bad env"], ["--repo", "nope"],
                                  ["--pr", "0"]])
def test_bad_input_is_exit_2(github_standin, args):
    github_standin.add_repo(REPO)
    result = run_cli("apply", "check", "--repo", REPO, "--env", "dev", "--sha", HEAD, *args,
                     env=env_for(github_standin))
    assert_one_line_error(result, code=2)
    assert github_standin.writes() == []



def test_verify_checked_counts_only_pull_requests_that_meet_the_requirements(github_standin, gates):
    number, _ = merged_pr(github_standin, gates["fail"])
    args = ["plan", "verify", str(PLAN), "--env", "dev", "--repo", REPO, "--pr", str(number)]
    assert run_cli(*args, env=env_for(github_standin)).returncode == 0  # reviewed, but...
    refused = run_cli(*args, "--checked", env=env_for(github_standin))
    assert_one_line_error(refused, code=1)
    assert f"pull request #{number} does not count: the security gate failed for dev" in refused.stderr


def test_apply_pr_names_the_pull_request_merged_as_the_commit(github_standin, gates):
    number, sha = merged_pr(github_standin, gates["pass"])
    found = run_cli("apply", "pr", "--repo", REPO, "--sha", sha, env=env_for(github_standin))
    assert (found.returncode, found.stdout) == (0, f"{number}\n"), found.stderr
    other_base = run_cli("apply", "pr", "--repo", REPO, "--sha", sha, "--base", "release",
                         env=env_for(github_standin))
    assert (other_base.returncode, other_base.stdout) == (0, "")
    direct = run_cli("apply", "pr", "--repo", REPO, "--sha", "d" * 40, env={**env_for(github_standin),
                                                                            "GITHUB_ACTIONS": "true"})
    assert (direct.returncode, direct.stdout) == (0, "")
    assert direct.stderr.startswith("::warning::dddddddddddd was not merged into main")
