"""``pipeline-tools plan comment``: the real CLI process, PyGithub over HTTP to the local GitHub stand-in.

Plans are made here by terraform against the moto server (one init, two plans of a tiny root);
the "huge" environments are that real plan scaled up in memory. GitHub cannot be reached from
tests, so ``tests/support/github_standin.py`` stands in for its REST API (it answers 422 to bodies over
65,536 characters as GitHub does).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from pipeline_tools.comment import MARKER_PREFIX, parse_comment_markers
from pipeline_tools.integrations.terraform import Terraform, terraform_env
from pipeline_tools.local.github_standin import GitHubStandin
from pipeline_tools.plan.fingerprint import fingerprint
from tests.support.cli import assert_one_line_error, run_cli

REPO = "acme/infra"
SHA1, SHA2, SHA3 = "1" * 40, "2" * 40, "3" * 40
DB_PASSWORD = "comment-test-db-password-7f3a9"
# Variables a GitHub Actions runner sets: blanked so that a CI run of these tests is not confused.
ACTIONS_VARS = ("GITHUB_STEP_SUMMARY", "GITHUB_EVENT_PATH", "GITHUB_RUN_ID", "GITHUB_RUN_ATTEMPT",
                "GITHUB_SHA", "GITHUB_SERVER_URL", "GITHUB_REPOSITORY")

TINY_ROOT = """
terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

variable "enabled" {
  type = bool
}

variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_ssm_parameter" "db_password" {
  count = var.enabled ? 1 : 0
  name  = "/pt-comment/db-password"
  type  = "SecureString"
  value = var.db_password
}

resource "aws_security_group" "web" {
  count = var.enabled ? 1 : 0
  name  = "pt-comment-web"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_s3_bucket" "data" {
  count  = var.enabled ? 1 : 0
  bucket = "pt-comment-data"
}
"""


@pytest.fixture(scope="module")
def plans(emulator, tmp_path_factory) -> dict[str, Path]:
    """Two real plans of the tiny root: ``changes`` (3 creates, open ingress) and ``none``."""
    workdir = tmp_path_factory.mktemp("plan-comment-root")
    (workdir / "main.tf").write_text(TINY_ROOT)
    terraform = Terraform(workdir, env=terraform_env({**emulator.env(), "TF_VAR_db_password": DB_PASSWORD}))
    terraform.init(backend=False)
    paths = {}
    for name, enabled in (("changes", "true"), ("none", "false")):
        terraform.plan(workdir / f"{name}.tfplan", f"-var=enabled={enabled}")
        paths[name] = workdir / f"{name}.json"
        paths[name].write_text(json.dumps(terraform.show_json(workdir / f"{name}.tfplan")))
    return paths


@pytest.fixture
def pr(github_standin: GitHubStandin) -> int:
    github_standin.add_repo(REPO)
    return github_standin.add_pull(REPO, head_sha=SHA1)


def comment_cli(standin: GitHubStandin, *args: str, env: dict[str, str] | None = None):
    full_env = {name: "" for name in ACTIONS_VARS}
    full_env.update(GITHUB_TOKEN=standin.token, GITHUB_API_URL=standin.base_url)
    full_env.update(env or {})
    return run_cli("plan", "comment", "--repo", REPO, *args, env=full_env, timeout=300)


def plan_comments(standin: GitHubStandin, number: int) -> list[dict]:
    return [c for c in standin.comments(REPO, number) if c["body"].startswith(MARKER_PREFIX)]


def envs(plans: dict[str, Path]) -> list[str]:
    return ["--env", "dev", str(plans["none"]), "--env", "staging", str(plans["changes"])]


def test_comment_is_created_once_then_found_on_page_two_and_edited_in_place(github_standin, pr, plans):
    for i in range(120):  # a long review: our comment will sit on the second page
        github_standin.add_comment(REPO, pr, f"review remark {i}")

    first = comment_cli(github_standin, "--pr", str(pr), *envs(plans), "--run-key", "100.1")

    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("created https://")
    [posted] = plan_comments(github_standin, pr)
    markers = parse_comment_markers(posted["body"])
    assert markers.sha == SHA1  # the pull request's head, read from the API
    assert markers.run_key == "100.1"
    expected = {name: fingerprint(json.loads(plans[key].read_text()))
                for name, key in (("dev", "none"), ("staging", "changes"))}
    assert markers.fingerprints == expected  # what the apply workflow reads back
    body = posted["body"]
    # dashboard rows from the real plans, the no-change environment in one line
    assert "| `staging` | changes | 3 | 0 | 0 |  | :warning: 1 ingress open to the internet |" in body
    assert "| `dev` | :white_check_mark: no changes | 0 | 0 | 0 |" in body
    assert [line for line in body.splitlines() if "`dev`" in line][1] == (
        "**`dev`**: :white_check_mark: no changes. Your infrastructure matches the configuration.")
    assert "### Terraform plan for `staging`" in body and "aws_security_group.web[0]" in body
    assert DB_PASSWORD not in body

    # The next push: new head commit, more review comments, a later run.
    github_standin.set_head(REPO, pr, SHA2)
    for i in range(15):
        github_standin.add_comment(REPO, pr, f"later remark {i}")
    github_standin.requests.clear()

    second = comment_cli(github_standin, "--pr", str(pr), *envs(plans), "--run-key", "101.1")

    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith("updated https://")
    [edited] = plan_comments(github_standin, pr)
    assert edited["id"] == posted["id"]
    assert parse_comment_markers(edited["body"]).sha == SHA2
    assert len(github_standin.comments(REPO, pr)) == 136
    listed = [r.query.get("page", "1") for r in github_standin.requests
              if r.method == "GET" and r.path.endswith(f"/issues/{pr}/comments")]
    assert listed == ["1", "2"]  # followed the Link header past the first 100
    assert [(r.method, r.status) for r in github_standin.writes()] == [("PATCH", 200)]


def test_a_plan_of_an_older_commit_never_overwrites_a_newer_one(github_standin, pr, plans):
    github_standin.set_head(REPO, pr, SHA2)
    newer = comment_cli(github_standin, "--pr", str(pr), *envs(plans), "--sha", SHA2, "--run-key", "101.1")
    assert newer.returncode == 0 and newer.stdout.startswith("created"), newer.stderr
    [before] = plan_comments(github_standin, pr)
    github_standin.requests.clear()

    # The run for the previous commit finishes late; then a re-run of it starts after the new one.
    for run_key in ("100.1", "100.2", "102.1"):
        late = comment_cli(github_standin, "--pr", str(pr), "--env", "dev", str(plans["changes"]),
                           "--sha", SHA1, "--run-key", run_key)
        assert late.returncode == 0, late.stderr
        assert late.stdout.startswith("skipped:") and SHA2[:12] in late.stdout
    assert github_standin.writes() == []
    [after] = plan_comments(github_standin, pr)
    assert after["body"] == before["body"]

    # A new push does replace it.
    github_standin.set_head(REPO, pr, SHA3)
    newest = comment_cli(github_standin, "--pr", str(pr), "--env", "dev", str(plans["none"]),
                         "--sha", SHA3, "--run-key", "103.1")
    assert newest.stdout.startswith("updated"), newest.stderr
    assert parse_comment_markers(plan_comments(github_standin, pr)[0]["body"]).sha == SHA3


@pytest.mark.parametrize(
    "faults",
    [
        [("GET", "/pulls/1", 503, None), ("POST", "/issues/1/comments", 502, None)],
        [("GET", "/issues/1/comments", 429, 1), ("POST", "/issues/1/comments", 429, 1)],
        [("GET", "/pulls/1", 403, 1), ("POST", "/issues/1/comments", 403, 1)],
    ],
    ids=["5xx", "429-retry-after", "403-secondary-rate-limit"],
)
def test_transient_failures_are_retried_and_leave_exactly_one_comment(github_standin, pr, plans, faults):
    for method, path, status, retry_after in faults:
        github_standin.inject_fault(method, rf"/repos/{REPO}{path}", status, retry_after=retry_after)
    result = comment_cli(github_standin, "--pr", str(pr), *envs(plans))
    assert result.returncode == 0, result.stderr
    assert len(plan_comments(github_standin, pr)) == 1
    assert "retrying" in result.stderr
    statuses = [r.status for r in github_standin.requests if r.method == "POST"]
    assert statuses == [faults[-1][2], 201]


def test_a_post_that_landed_but_answered_502_is_not_duplicated(github_standin, pr, plans):
    github_standin.inject_fault("POST", rf"/repos/{REPO}/issues/{pr}/comments", 502, apply=True)
    result = comment_cli(github_standin, "--pr", str(pr), *envs(plans))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("created")
    assert len(plan_comments(github_standin, pr)) == 1
    assert [r.status for r in github_standin.requests if r.method == "POST"] == [502]


def test_several_huge_environments_fit_github_limit(github_standin, pr, plans, tmp_path):
    plan = json.loads(plans["changes"].read_text())
    env_args = ["--env", "dev", str(plans["none"])]
    for index, name in enumerate(("staging", "prod", "dr")):
        big = copy.deepcopy(plan)
        big["resource_changes"] = [
            {**change, "address": f"module.copy{i}.{change['address']}", "module_address": f"module.copy{i}"}
            for i in range(700 + index) for change in plan["resource_changes"]
        ]
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(big))
        env_args += ["--env", name, str(path)]

    result = comment_cli(github_standin, "--pr", str(pr), *env_args, "--details-url",
                         "https://ci.example/runs/42")

    assert result.returncode == 0, result.stderr
    [posted] = plan_comments(github_standin, pr)
    body = posted["body"]
    assert 60_000 < len(body) <= 65_536
    for name in ("staging", "prod", "dr"):
        assert f"### Terraform plan for `{name}`" in body
    assert "| `prod` | changes | 2103 | 0 | 0 |  | :warning: 701 ingress open to the internet |" in body
    assert "to fit the size limit" in body and "https://ci.example/runs/42" in body
    assert DB_PASSWORD not in body


def test_dry_run_contacts_nothing_and_writes_nothing(github_standin, pr, plans, tmp_path):
    summary = tmp_path / "summary.md"
    result = comment_cli(github_standin, "--pr", str(pr), *envs(plans), "--sha", SHA1, "--dry-run",
                         env={"GITHUB_TOKEN": "", "GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(MARKER_PREFIX)
    assert "### Terraform plan for `staging`" in result.stdout
    assert "would post this comment" in result.stderr and f"{REPO}#{pr}" in result.stderr
    assert github_standin.requests == []
    assert not summary.exists()


def test_dry_run_reads_a_plan_from_stdin(github_standin, plans):
    result = run_cli("plan", "comment", "--repo", REPO, "--pr", "1", "--env", "prod", "-", "--dry-run",
                     input=plans["changes"].read_text(), env={name: "" for name in ACTIONS_VARS})
    assert result.returncode == 0, result.stderr
    assert "| `prod` | changes | 3 | 0 | 0 |" in result.stdout
    assert parse_comment_markers(result.stdout).fingerprints["prod"].startswith("sha256:")


def test_step_summary_gets_the_same_markdown_appended(github_standin, pr, plans, tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("## Earlier step\n")
    result = comment_cli(github_standin, "--pr", str(pr), *envs(plans),
                         env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 0, result.stderr
    [posted] = plan_comments(github_standin, pr)
    assert summary.read_text() == "## Earlier step\n" + posted["body"] + "\n"


def test_event_payload_head_sha_is_used_for_pull_request_runs(github_standin, pr, plans, tmp_path):
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": pr, "head": {"sha": SHA1}}}))
    github_standin.set_head(REPO, pr, SHA2)  # pushed again while this run was planning
    result = comment_cli(github_standin, "--pr", str(pr), *envs(plans),
                         env={"GITHUB_EVENT_PATH": str(event), "GITHUB_SHA": "f" * 40,
                              "GITHUB_RUN_ID": "555", "GITHUB_RUN_ATTEMPT": "2",
                              "GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": REPO})
    assert result.returncode == 0, result.stderr
    [posted] = plan_comments(github_standin, pr)
    markers = parse_comment_markers(posted["body"])
    assert (markers.sha, markers.run_key) == (SHA1, "555.2")
    assert f"https://github.com/{REPO}/actions/runs/555" in posted["body"]


def test_token_never_appears_in_any_output(github_standin, pr, plans, tmp_path):
    token = "plain-token-without-a-known-shape-4711"  # masked by registration, not by its shape
    github_standin.token = token
    summary = tmp_path / "summary.md"
    ok = comment_cli(github_standin, "--pr", str(pr), *envs(plans), env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert ok.returncode == 0, ok.stderr
    rejected = comment_cli(github_standin, "--pr", str(pr), *envs(plans), env={"GITHUB_TOKEN": token + "x"})
    assert_one_line_error(rejected, code=2)
    assert "401" in rejected.stderr
    github_standin.inject_fault("PATCH", r".*", 400, message=f"token {token} is not allowed here")
    echoed = comment_cli(github_standin, "--pr", str(pr), *envs(plans), "--run-key", "9.9")
    assert_one_line_error(echoed, code=3)
    assert "***" in echoed.stderr
    texts = [ok.stdout, ok.stderr, rejected.stdout, rejected.stderr, echoed.stdout, echoed.stderr,
             summary.read_text(), *(c["body"] for c in github_standin.comments(REPO, pr))]
    assert all(token not in text for text in texts)


@pytest.mark.parametrize(
    ("case", "args", "env"),
    [
        ("missing token", [], {"GITHUB_TOKEN": ""}),
        ("bad repo", ["--repo", "not-a-repo"], {}),
        ("unknown repo", ["--repo", "acme/absent"], {}),
        ("unknown pull request", ["--pr", "999"], {}),
        ("pr zero", ["--pr", "0"], {}),
        ("pr not a number", ["--pr", "x"], {}),
        ("bad sha", ["--sha", "not-hex"], {}),
        ("bad environment name", ["--env", "prod env", "{plan}"], {}),
        ("duplicate environment", ["--env", "dev", "{plan}"], {}),
        ("missing plan", ["--env", "prod", "{missing}"], {}),
        ("truncated plan", ["--env", "prod", "{truncated}"], {}),
        ("plan is a directory", ["--env", "prod", "{dir}"], {}),
        ("bad api url", [], {"GITHUB_API_URL": "not a url"}),
        ("bad details url", ["--details-url", "javascript:alert(1)"], {}),
        ("bad run key", ["--run-key", "abc"], {}),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(github_standin, pr, plans, tmp_path, case, args,
                                                         env):
    truncated = tmp_path / "truncated.json"
    truncated.write_text(plans["changes"].read_text()[:500])
    values = {"plan": str(plans["none"]), "missing": str(tmp_path / "nope.json"),
              "truncated": str(truncated), "dir": str(tmp_path)}
    args = [a.format(**values) for a in args]
    if "--pr" not in args:
        args = ["--pr", str(pr), *args]
    summary = tmp_path / "summary.md"
    # --repo given last wins with argparse, so the base one comes first
    result = run_cli("plan", "comment", "--repo", REPO, "--env", "dev", str(plans["none"]), *args,
                     env={**{name: "" for name in [*ACTIONS_VARS]}, "GITHUB_TOKEN": github_standin.token,
                          "GITHUB_API_URL": github_standin.base_url, "GITHUB_STEP_SUMMARY": str(summary),
                          **env})
    assert_one_line_error(result, code=2)
    assert github_standin.writes() == []
    assert not summary.exists()
    assert github_standin.token not in result.stderr
