"""The cost policy: the monthly increase an environment accepts without a label or an approval."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from pipeline_tools.core.errors import InputError
from pipeline_tools.cost.policy import check_cost_policy, parse_cost_policy

REPO_POLICY = Path(__file__).resolve().parents[3] / "security" / "policy.yml"
POLICY = parse_cost_policy({"cost": {
    "label": "cost-approved",
    "approvers": ["alice"],
    "environments": {
        "dev": {"max_monthly_increase": "100.00"},
        "prod": {"max_monthly_increase": 25, "approvers": ["@Carol"], "label": "prod-cost-approved"},
    },
}})


def test_within_the_limit_is_allowed_and_at_the_limit_too() -> None:
    assert check_cost_policy(POLICY, "prod", Decimal("25.00")).allowed
    assert check_cost_policy(POLICY, "prod", Decimal("-300.00")).allowed
    assert check_cost_policy(POLICY, "dev", Decimal("99.99")).allowed


def test_above_the_limit_needs_the_label_or_a_named_approver() -> None:
    verdict = check_cost_policy(POLICY, "prod", Decimal("25.01"))
    assert not verdict.allowed
    assert "25.01" in verdict.reason and "'prod-cost-approved'" in verdict.reason
    assert "carol" in verdict.reason
    assert check_cost_policy(POLICY, "prod", Decimal("80"), labels=["prod-cost-approved"]).allowed
    assert check_cost_policy(POLICY, "prod", Decimal("80"), approved_by=["carol"]).allowed
    # the environment's own label and approvers replace the defaults
    assert not check_cost_policy(POLICY, "prod", Decimal("80"), labels=["cost-approved"]).allowed
    assert not check_cost_policy(POLICY, "prod", Decimal("80"), approved_by=["alice"]).allowed
    assert check_cost_policy(POLICY, "dev", Decimal("150"), approved_by=["ALICE"]).allowed


def test_an_environment_without_a_rule_has_no_limit() -> None:
    assert check_cost_policy(POLICY, "staging", Decimal("10000")).allowed
    assert check_cost_policy(parse_cost_policy({}), "prod", Decimal("10000")).allowed


@pytest.mark.parametrize("section", [
    "nope",
    {"environments": {"prod": {}}},
    {"environments": {"prod": {"max_monthly_increase": "-1"}}},
    {"environments": {"prod": {"max_monthly_increase": "lots"}}},
    {"environments": {"prod": {"max_monthly_increase": True}}},
    {"approvers": "alice", "environments": {}},
])
def test_a_bad_cost_section_is_bad_input(section: object) -> None:
    with pytest.raises(InputError, match="policy: "):
        parse_cost_policy({"cost": section})


def test_the_repository_policy_has_a_valid_cost_section() -> None:
    policy = parse_cost_policy(yaml.safe_load(REPO_POLICY.read_text()))
    assert set(policy.environments) == {"dev", "staging", "prod"}
    assert policy.environments["prod"].label == "cost-approved"
