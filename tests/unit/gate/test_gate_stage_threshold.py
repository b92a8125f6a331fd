"""A root the policy does not name is held to its stage's bar (pipeline-tools.yml): at scale,
`environments/dev-eu-07` is planned with `--env dev-eu-07` and needs no policy line of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline_tools.core.errors import InputError
from pipeline_tools.gate.model import Severity
from pipeline_tools.gate.policy import parse_policy
from pipeline_tools.gate.run import _with_stage_threshold

CONFIG = """version: 1
project: acme
region: us-east-1
roots_dir: environments
state_bucket: "acme-tfstate"
stages:
  - name: dev
    roots: ["environments/dev*"]
    github_environment: dev
  - name: prod
    roots: ["environments/prod*"]
    github_environment: prod
"""
POLICY = parse_policy({"default_environment": "prod",
                       "environments": {"dev": {"fail_at": "HIGH"}, "prod": {"fail_at": "MEDIUM"},
                                        "prod-legacy": {"fail_at": "CRITICAL"}}})


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "pipeline-tools.yml").write_text(CONFIG)
    for name in ("dev-eu-07", "prod-us-01", "prod-legacy", "sandbox"):
        (tmp_path / "environments" / name).mkdir(parents=True)
    return tmp_path


def threshold(repo: Path, environment: str, root: str) -> Severity:
    policy = _with_stage_threshold(POLICY, environment, [repo / "environments" / root], repo)
    return policy.threshold(environment)


def test_a_root_without_a_policy_entry_gets_its_stages_threshold(repo: Path):
    assert threshold(repo, "dev-eu-07", "dev-eu-07") == Severity.HIGH
    assert threshold(repo, "prod-us-01", "prod-us-01") == Severity.MEDIUM


def test_an_environment_the_policy_names_keeps_its_own_threshold(repo: Path):
    assert threshold(repo, "prod-legacy", "prod-legacy") == Severity.CRITICAL


def test_a_root_no_stage_holds_is_still_bad_input(repo: Path):
    with pytest.raises(InputError, match="'sandbox' is not in the policy"):
        threshold(repo, "sandbox", "sandbox")
