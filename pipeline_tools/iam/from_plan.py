"""IAM roles, their policies and boundaries as a Terraform plan says they will be deployed (pure).

Reads ``terraform show -json`` output: every ``aws_iam_role``, ``aws_iam_role_policy``,
``aws_iam_role_policy_attachment``, ``aws_iam_policy`` and ``aws_kms_key`` in the planned values
(root and child modules). AWS-managed policies (``arn:aws:iam::aws:policy/...``) are not in a
plan: the caller passes their documents (``aws_managed``, by policy name).

A value Terraform only knows after apply (a policy built from a resource created in the same
run) cannot be evaluated: such a policy is listed in :attr:`IamModel.unknown` rather than
guessed, so a caller can refuse to conclude from an incomplete model.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline_tools.iam.evaluate import Principal, Statement, parse_policy


@dataclass
class Role:
    address: str
    name: str
    arn: str
    boundary_arn: str | None
    trust: list[Statement]
    inline: dict[str, list[Statement]] = field(default_factory=dict)
    managed_arns: list[str] = field(default_factory=list)


@dataclass
class IamModel:
    account_id: str
    partition: str
    roles: dict[str, Role] = field(default_factory=dict)  # by role name
    policies: dict[str, list[Statement]] = field(default_factory=dict)  # customer-managed, by ARN
    key_policies: dict[str, list[Statement]] = field(default_factory=dict)  # by key ARN
    unknown: list[str] = field(default_factory=list)  # addresses whose policy is unknown at plan time
    aws_managed: Mapping[str, Any] = field(default_factory=dict)

    def role_arn(self, name: str) -> str:
        return f"arn:{self.partition}:iam::{self.account_id}:role/{name}"

    def _managed(self, arn: str) -> list[Statement]:
        if arn in self.policies:
            return self.policies[arn]
        if ":iam::aws:policy/" in arn:
            name = arn.rsplit("/", 1)[-1]
            document = self.aws_managed.get(name)
            if document is None:
                raise KeyError(f"AWS-managed policy {name} not provided")
            return parse_policy(document, source=name)
        raise KeyError(f"policy {arn} is neither in the plan nor AWS-managed")

    def principal(self, role_name: str, session_name: str = "session") -> Principal:
        """The role's session as AWS evaluates it: inline + managed policies, and its boundary."""
        role = self.roles[role_name]
        identity: list[Statement] = []
        for statements in role.inline.values():
            identity.extend(statements)
        for arn in role.managed_arns:
            identity.extend(self._managed(arn))
        boundary = None if role.boundary_arn is None else self._managed(role.boundary_arn)
        return Principal(role.arn, identity, boundary, session_name=session_name)


def module_resources(module: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every resource of a plan's module (``planned_values.root_module``) and its child modules."""
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from module_resources(child)


def _unknown_paths(plan: Mapping[str, Any]) -> dict[str, Any]:
    """address -> after_unknown of each resource change (what apply will only learn later)."""
    return {change["address"]: (change.get("change") or {}).get("after_unknown") or {}
            for change in plan.get("resource_changes", [])}


def load_plan(plan: Mapping[str, Any], *, account_id: str, partition: str = "aws",
              aws_managed: Mapping[str, Any] | None = None) -> IamModel:
    """Build the IAM model of a plan's planned values."""
    model = IamModel(account_id=account_id, partition=partition, aws_managed=aws_managed or {})
    unknown = _unknown_paths(plan)
    resources = list(module_resources(plan.get("planned_values", {}).get("root_module", {})))

    def known(resource: Mapping[str, Any], attribute: str) -> Any:
        if (unknown.get(resource["address"]) or {}).get(attribute):
            model.unknown.append(f"{resource['address']}.{attribute}")
            return None
        return resource.get("values", {}).get(attribute)

    for resource in resources:
        if resource.get("mode") != "managed":
            continue
        kind, values = resource["type"], resource.get("values", {})
        if kind == "aws_iam_role":
            trust = known(resource, "assume_role_policy")
            name = values["name"]
            path = values.get("path") or "/"
            model.roles[name] = Role(
                address=resource["address"], name=name,
                arn=values.get("arn") or f"arn:{partition}:iam::{account_id}:role{path}{name}",
                boundary_arn=values.get("permissions_boundary") or None,
                trust=parse_policy(trust, source=f"{name} trust") if trust else [],
            )
        elif kind == "aws_iam_policy":
            document = known(resource, "policy")
            path = values.get("path") or "/"
            arn = values.get("arn") or f"arn:{partition}:iam::{account_id}:policy{path}{values['name']}"
            if document:
                model.policies[arn] = parse_policy(document, source=values["name"])
        elif kind == "aws_kms_key":
            document = known(resource, "policy")
            arn = values.get("arn")
            if document and arn:
                model.key_policies[arn] = parse_policy(document, source=f"key policy {resource['address']}")

    for resource in resources:
        if resource.get("mode") != "managed":
            continue
        kind, values = resource["type"], resource.get("values", {})
        if kind == "aws_iam_role_policy":
            role, document = known(resource, "role"), known(resource, "policy")
            if role in model.roles and document:
                name = values["name"]
                model.roles[role].inline[name] = parse_policy(document, source=f"{role}/{name}")
        elif kind == "aws_iam_role_policy_attachment":
            role, arn = known(resource, "role"), known(resource, "policy_arn")
            if role in model.roles and arn:
                model.roles[role].managed_arns.append(arn)
    return model


def load_plan_file(path: str, **kwargs: Any) -> IamModel:
    with open(path, encoding="utf-8") as handle:
        return load_plan(json.load(handle), **kwargs)
