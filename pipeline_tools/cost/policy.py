"""The cost policy: how much a pull request may add to an environment's monthly cost unreviewed.

Configured in the ``cost`` section of ``security/policy.yml`` (the security gate ignores it)::

    cost:
      label: cost-approved            # a PR label that accepts any increase (default for every environment)
      approvers: [alice, bob]         # GitHub logins whose approval accepts any increase
      environments:
        dev: {max_monthly_increase: "100.00"}
        prod: {max_monthly_increase: "25.00", approvers: [carol], label: prod-cost-approved}

An environment without an entry has no limit. :func:`check_cost_policy` is pure: the caller
gives it the plan's monthly delta, the pull request's labels and the logins that approved it
(``plan cost --check-policy`` takes them as arguments; the apply workflow can fetch them from
GitHub and call it the same way, as it does for the gate).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from pipeline_tools.core.errors import InputError


@dataclass(frozen=True)
class EnvironmentCostRule:
    max_monthly_increase: Decimal
    label: str | None
    approvers: frozenset[str]


@dataclass(frozen=True)
class CostPolicy:
    environments: dict[str, EnvironmentCostRule] = field(default_factory=dict)


@dataclass(frozen=True)
class CostVerdict:
    allowed: bool
    reason: str


def _logins(value: Any, where: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InputError(f"policy: {where} must be a list of GitHub logins")
    return frozenset(v.strip().lstrip("@").lower() for v in value)


def _label(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"policy: {where} must be a label name")
    return value.strip()


def parse_cost_policy(document: Mapping[str, Any] | None) -> CostPolicy:
    """The ``cost`` section of the policy document (already loaded from YAML); empty when absent."""
    section = (document or {}).get("cost")
    if section is None:
        return CostPolicy()
    if not isinstance(section, dict):
        raise InputError("policy: 'cost' must be a mapping")
    label = _label(section.get("label"), "cost.label")
    approvers = _logins(section.get("approvers"), "cost.approvers")
    environments = section.get("environments") or {}
    if not isinstance(environments, dict):
        raise InputError("policy: cost.environments must map environments to {max_monthly_increase: ...}")
    rules = {}
    for name, settings in environments.items():
        where = f"cost.environments.{name}"
        if not isinstance(settings, dict) or "max_monthly_increase" not in settings:
            raise InputError(f"policy: {where} needs max_monthly_increase")
        raw = settings["max_monthly_increase"]
        try:
            limit = Decimal(str(raw))
        except InvalidOperation:
            limit = Decimal("NaN")
        if isinstance(raw, bool) or not limit.is_finite() or limit < 0:
            raise InputError(f"policy: {where}.max_monthly_increase must be an amount >= 0, got {raw!r}")
        env_label = _label(settings.get("label"), f"{where}.label") or label
        env_approvers = _logins(settings.get("approvers"), f"{where}.approvers") or approvers
        rules[str(name)] = EnvironmentCostRule(limit, env_label, env_approvers)
    return CostPolicy(rules)


def check_cost_policy(policy: CostPolicy, environment: str, monthly_delta: Decimal,
                      labels: Iterable[str] = (), approved_by: Iterable[str] = ()) -> CostVerdict:
    """Whether a plan adding ``monthly_delta`` a month to ``environment`` may go ahead."""
    rule = policy.environments.get(environment)
    if rule is None:
        return CostVerdict(True, f"no cost limit for {environment}")
    if monthly_delta <= rule.max_monthly_increase:
        return CostVerdict(True, f"{environment}: monthly change {monthly_delta:+.2f} is within the limit "
                                 f"of {rule.max_monthly_increase:.2f}")
    over = (f"{environment}: monthly cost increases by {monthly_delta:.2f}, above the limit of "
            f"{rule.max_monthly_increase:.2f}")
    if rule.label is not None and rule.label in set(labels):
        return CostVerdict(True, f"{over}; accepted by the label {rule.label!r}")
    approvals = {login.lstrip("@").lower() for login in approved_by} & rule.approvers
    if approvals:
        return CostVerdict(True, f"{over}; approved by {', '.join(sorted(approvals))}")
    needs = []
    if rule.label is not None:
        needs.append(f"the label {rule.label!r}")
    if rule.approvers:
        needs.append(f"an approval from {', '.join(sorted(rule.approvers))}")
    return CostVerdict(False, f"{over}; it needs {' or '.join(needs) or 'a change to the cost policy'}")
