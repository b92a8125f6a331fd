"""The apply's cost policy for a root the policy does not name: its stage's limit (pipeline-tools.yml),
never none, so `environments/dev-eu-07` cannot add cost unreviewed because nobody wrote its name down."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline_tools.apply.run import apply_cost_policy
from pipeline_tools.cost.policy import check_recorded_cost

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
    roots: ["environments/prod*", "environments/*/prod"]
    github_environment: prod
"""
POLICY = """default_environment: prod
environments:
  dev: {fail_at: HIGH}
  prod: {fail_at: MEDIUM}
severity: {}
cost:
  label: cost-approved
  environments:
    dev: {max_monthly_increase: "100.00"}
    prod: {max_monthly_increase: "50.00"}
    prod-legacy: {max_monthly_increase: "500.00"}
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pipeline-tools.yml").write_text(CONFIG)
    (tmp_path / "security").mkdir()
    (tmp_path / "security" / "policy.yml").write_text(POLICY)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def verdict(env: str, delta: str) -> tuple[bool, str]:
    policy = apply_cost_policy(None, io.StringIO(), env)
    assert policy is not None
    result = check_recorded_cost(policy, env, Decimal(delta))
    return result.allowed, result.reason


def test_a_root_without_an_entry_is_held_to_its_stages_limit(repo: Path):
    assert verdict("dev-eu-07", "99.00")[0]
    allowed, reason = verdict("dev-eu-07", "150.00")
    assert not allowed and "above the limit of 100.00" in reason
    # A nested root (us-east-1/prod), named with -- as the comment names it.
    assert not verdict("us-east-1--prod", "60.00")[0]


def test_an_entry_of_its_own_wins_and_a_root_no_stage_holds_has_none(repo: Path):
    assert verdict("prod-legacy", "400.00")[0]
    allowed, reason = verdict("sandbox", "10000.00")
    assert allowed and reason == "no cost limit for sandbox"
