"""A failed plan shows in the sticky comment, and the comment reads a directory of plan artifacts.

The failure is real: terraform plans a root against the emulator that reads an SSM parameter which
does not exist, named after a (wrongly non-sensitive) variable holding a secret, so terraform's error
text carries the secret; the comment must show the error without it. The working plan is real
terraform JSON from the shared fixture set. Comments go to the GitHub stand-in over HTTP.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline_tools.comment import MARKER_PREFIX, parse_comment_markers
from pipeline_tools.integrations.terraform import terraform_env
from pipeline_tools.local.emulator import Emulator
from tests.conftest import FIXTURES, assert_one_line_error, run_cli
from tests.support.github_standin import GitHubStandin

REPO = "acme/infra"
SECRET = "failed-plan-secret-Zq81x"
PLAN = FIXTURES / "plans" / "terraform-json" / "basic__plan.json"
FAILING_ROOT = """
terraform {
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

variable "db_password" {
  type = string
}

data "aws_ssm_parameter" "missing" {
  name = "/pt-failed/${var.db_password}"
}
"""
QUIET = {"PIPELINE_TOOLS_FINGERPRINT_KEY": "", "PIPELINE_TOOLS_TRUSTED_AUTHOR": "",
         "GITHUB_STEP_SUMMARY": "", "GITHUB_EVENT_PATH": "", "GITHUB_RUN_ID": "", "GITHUB_SHA": ""}


@pytest.fixture(scope="module")
def failed_log(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("failing-root")
    (workdir / "main.tf").write_text(FAILING_ROOT)
    env = terraform_env({**emulator.env(), "TF_VAR_db_password": SECRET})
    subprocess.run(["terraform", "init", "-backend=false", "-input=false", "-no-color"], cwd=workdir, env=env,
                   check=True, capture_output=True)
    planned = subprocess.run(["terraform", "plan", "-input=false", "-no-color"], cwd=workdir, env=env,
                             capture_output=True, text=True, check=False)
    assert planned.returncode == 1
    log = workdir / "plan-log.txt"
    log.write_text(planned.stdout + planned.stderr)
    assert SECRET in log.read_text()  # terraform's own text does carry it
    return log


def artifacts(tmp_path: Path, failed_log: Path) -> Path:
    plans = tmp_path / "plans"
    (plans / "plan-dev").mkdir(parents=True)
    shutil.copy(PLAN, plans / "plan-dev" / "plan.json")
    (plans / "plan-staging").mkdir()
    shutil.copy(failed_log, plans / "plan-staging" / "plan-log.txt")
    (plans / "plan-prod").mkdir()  # the job died before terraform wrote anything
    return plans


def env_for(standin: GitHubStandin) -> dict[str, str]:
    return {**QUIET, "GITHUB_TOKEN": standin.token, "GITHUB_API_URL": standin.base_url,
            "TF_VAR_db_password": SECRET}


@pytest.mark.terraform
def test_a_failed_plan_shows_as_failed_with_terraforms_error_masked(github_standin, failed_log, tmp_path):
    github_standin.add_repo(REPO)
    pr = github_standin.add_pull(REPO, head_sha="a" * 40)
    result = run_cli("plan", "comment", "--repo", REPO, "--pr", str(pr), "--plans-dir",
                     str(artifacts(tmp_path, failed_log)), env=env_for(github_standin))
    assert result.returncode == 0, result.stderr

    [posted] = [c for c in github_standin.comments(REPO, pr) if c["body"].startswith(MARKER_PREFIX)]
    body = posted["body"]
    assert SECRET not in body
    assert "| `staging` | :x: **plan failed** |" in body and "| `prod` | :x: **plan failed** |" in body
    assert "### :x: Terraform plan for `staging` failed" in body
    assert "Error:" in body and "/pt-failed/***" in body
    assert "the job failed before terraform plan ran" in body
    markers = parse_comment_markers(body, first_line_only=True)
    assert markers.failed == {"staging", "prod"}
    assert markers.fingerprints["staging"] is None and markers.fingerprints["dev"].startswith("sha256:")
    # The dashboard ranks failed plans first (attention order, docs/pr-comment.md), each level in the
    # dev, staging, prod order.
    rows = [line for line in body.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == ["staging", "prod", "dev"]

    github_standin.add_review(REPO, pr, login="reviewer")
    sha = github_standin.merge_pull(REPO, pr)
    refused = run_cli("apply", "check", "--repo", REPO, "--env", "staging", "--sha", sha,
                      env=env_for(github_standin))
    assert_one_line_error(refused, code=1)
    assert f"the plan of staging failed in pull request #{pr}" in refused.stderr


@pytest.mark.terraform
def test_failed_on_the_command_line_in_a_dry_run(failed_log):
    result = run_cli("plan", "comment", "--repo", REPO, "--pr", "3", "--env", "dev", str(PLAN),
                     "--failed", "prod", str(failed_log), "--dry-run",
                     env={**QUIET, "TF_VAR_db_password": SECRET})
    assert result.returncode == 0, result.stderr
    assert SECRET not in result.stdout and "Terraform plan for `prod` failed" in result.stdout


def test_no_artifacts_is_nothing_to_comment_on(github_standin, tmp_path):
    github_standin.add_repo(REPO)
    pr = github_standin.add_pull(REPO)
    (tmp_path / "empty").mkdir()
    for directory in (tmp_path / "empty", tmp_path / "absent"):
        result = run_cli("plan", "comment", "--repo", REPO, "--pr", str(pr), "--plans-dir", str(directory),
                         env=env_for(github_standin))
        assert result.returncode == 0, result.stderr
        assert "no plan to comment on" in result.stdout
    assert github_standin.writes() == []
    bad = tmp_path / "plans"
    (bad / "plan-bad name").mkdir(parents=True)
    assert_one_line_error(run_cli("plan", "comment", "--repo", REPO, "--pr", str(pr), "--plans-dir", str(bad),
                                  env=env_for(github_standin)), code=2)
    nothing = run_cli("plan", "comment", "--repo", REPO, "--pr", str(pr), env=env_for(github_standin))
    assert_one_line_error(nothing, code=2)
