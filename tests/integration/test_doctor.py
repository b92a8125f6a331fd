"""``pipeline-tools doctor`` against the GitHub stand-in (PyGithub over HTTP, a separate process):
every environment the apply roles trust must deploy from the protected branch only, prod must
require reviewers; each missing rule is named and the exit code is 1."""

from __future__ import annotations

import pytest

from tests.conftest import assert_one_line_error, run_cli

REPO = "example-org/platform-infra"


def doctor(standin, *args: str):  # type: ignore[no-untyped-def]
    return run_cli("doctor", "--repo", REPO, *args,
                   env={"GITHUB_TOKEN": standin.token, "GITHUB_API_URL": standin.base_url})


@pytest.fixture
def configured(github_standin):
    """Every rule in place: main protected, each environment limited to it, prod with reviewers."""
    github_standin.add_repo(REPO)
    github_standin.repo_or_404(REPO).protected_branches.add("main")
    github_standin.add_environment(REPO, "dev", branches="protected")
    github_standin.add_environment(REPO, "staging", branches="custom", branch_patterns=("main",))
    github_standin.add_environment(REPO, "prod", branches="protected", reviewers=2)
    github_standin.add_environment(REPO, "drift", branches="protected")
    return github_standin


def test_all_rules_in_place_pass(configured):
    result = doctor(configured)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.split() == ["ok", "dev", "ok", "staging", "ok", "prod", "ok", "drift"]


def test_an_environment_open_to_any_branch_is_named(configured):
    configured.add_environment(REPO, "dev")  # recreated without a deployment branch policy
    result = doctor(configured)
    assert result.returncode == 1
    assert "MISSING dev" in result.stdout
    assert "environment dev deploys from any branch" in result.stdout
    assert "ok      prod" in result.stdout


def test_prod_without_reviewers_and_a_missing_environment(configured):
    configured.add_environment(REPO, "prod", branches="protected")
    del configured.repo_or_404(REPO).environments["drift"]
    result = doctor(configured)
    assert result.returncode == 1
    assert "environment prod has no required reviewers" in result.stdout
    assert "environment drift does not exist" in result.stdout


def test_custom_rules_wider_than_main_and_an_unprotected_main(configured):
    configured.add_environment(REPO, "staging", branches="custom", branch_patterns=("main", "release/*"))
    configured.repo_or_404(REPO).protected_branches.clear()
    result = doctor(configured)
    assert result.returncode == 1
    assert "environment staging also deploys from 'release/*'" in result.stdout
    assert "environment dev allows protected branches, but main is not protected" in result.stdout


def test_bad_input_is_one_line(github_standin):
    assert_one_line_error(doctor(github_standin, "--reviewers", "qa"), code=2)
    result = run_cli("doctor", "--repo", "not a repo", env={"GITHUB_TOKEN": "x"})
    assert_one_line_error(result, code=2)


def test_unknown_repository_is_one_line(github_standin):
    result = doctor(github_standin)
    assert result.returncode in (2, 3)
    assert_one_line_error(result, code=result.returncode)
