"""The gate's IAM escalation rule, one published path per test, on plan-shaped documents.

The repository's own roles (environments/bootstrap, planned by terraform against the emulator)
pass it: tests/integration/test_least_privilege.py. Here each path is one role with one policy,
in the shape ``terraform show -json`` gives (planned_values, resource_changes).
"""

from __future__ import annotations

import json

import pytest

from pipeline_tools.gate.iam_escalation import (
    RULE_ADMIN,
    RULE_ESCALATION,
    RULE_PASSROLE,
    evaluate_iam_escalation,
)

ACCOUNT = "111122223333"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app-deployer"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/app-boundary"


def plan(
    *statements: dict,
    boundary: str | None = None,
    managed: tuple[str, ...] = (),
    boundary_document: dict | None = None,
) -> dict:
    resources = [
        {
            "address": "aws_iam_role.deployer",
            "mode": "managed",
            "type": "aws_iam_role",
            "values": {
                "name": "app-deployer",
                "arn": ROLE,
                "permissions_boundary": boundary,
                "assume_role_policy": json.dumps({"Statement": []}),
            },
        },
        {
            "address": "aws_iam_role_policy.deployer",
            "mode": "managed",
            "type": "aws_iam_role_policy",
            "values": {
                "name": "inline",
                "role": "app-deployer",
                "policy": json.dumps({"Version": "2012-10-17", "Statement": list(statements)}),
            },
        },
    ]
    for index, arn in enumerate(managed):
        resources.append(
            {
                "address": f"aws_iam_role_policy_attachment.a{index}",
                "mode": "managed",
                "type": "aws_iam_role_policy_attachment",
                "values": {"role": "app-deployer", "policy_arn": arn},
            }
        )
    if boundary_document is not None:
        resources.append(
            {
                "address": "aws_iam_policy.boundary",
                "mode": "managed",
                "type": "aws_iam_policy",
                "values": {
                    "name": "app-boundary",
                    "path": "/",
                    "arn": BOUNDARY,
                    "policy": json.dumps(boundary_document),
                },
            }
        )
    return {"planned_values": {"root_module": {"resources": resources}}, "resource_changes": []}


def rules(document: dict) -> dict[str, str]:
    return {f.rule_id: f.message for f in evaluate_iam_escalation(document, "plan.json")}


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


SCOPED = f"arn:aws:iam::{ACCOUNT}:role/app-*"


@pytest.mark.parametrize(
    ("statement", "path"),
    [
        (allow("iam:PutRolePolicy", SCOPED), "PutRolePolicy on itself"),
        (allow("iam:AttachRolePolicy", SCOPED), "AttachRolePolicy AdministratorAccess to itself"),
        (allow("iam:UpdateAssumeRolePolicy", SCOPED), "UpdateAssumeRolePolicy of itself"),
        (allow("iam:DeleteRolePermissionsBoundary", SCOPED), "DeleteRolePermissionsBoundary of itself"),
        (allow("iam:PutRolePermissionsBoundary", SCOPED), "PutRolePermissionsBoundary of itself"),
        (allow("iam:CreateRole", SCOPED), "CreateRole of a role without a boundary"),
        (allow("iam:*", "*"), "PutRolePolicy of a role without a boundary"),
        (allow("iam:CreateUser"), "CreateUser"),
        (allow("iam:CreateAccessKey"), "CreateAccessKey"),
        (allow("iam:CreateLoginProfile"), "CreateLoginProfile"),
        (allow("iam:PutUserPolicy"), "PutUserPolicy"),
    ],
)
def test_each_escalation_path_is_flagged(statement: dict, path: str):
    found = rules(plan(statement))
    assert RULE_ESCALATION in found and path in found[RULE_ESCALATION]


def test_new_version_of_its_own_managed_policy_is_flagged():
    own = f"arn:aws:iam::{ACCOUNT}:policy/app-deployer"
    document = plan(
        allow(
            ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"], f"arn:aws:iam::{ACCOUNT}:policy/app-*"
        ),
        managed=(own,),
    )
    assert f"CreatePolicyVersion of {own}" in rules(document)[RULE_ESCALATION]


def test_boundary_condition_and_explicit_denies_clear_the_role():
    """The github-oidc module's pattern: changes only with the boundary, never on itself."""
    conditioned = {"StringEquals": {"iam:PermissionsBoundary": BOUNDARY}}
    document = plan(
        allow(["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy"], SCOPED, Condition=conditioned),
        {"Effect": "Deny", "Action": "iam:*", "Resource": ROLE},
        allow(
            "iam:PassRole",
            SCOPED,
            Condition={"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
        ),
    )
    assert rules(document) == {}


def test_a_role_under_a_boundary_without_iam_is_clear():
    document = plan(
        allow("iam:*"),
        boundary=BOUNDARY,
        boundary_document={"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]},
    )
    assert rules(document) == {}


def test_passrole_on_any_role_is_flagged_per_service():
    found = rules(plan(allow("iam:PassRole")))
    assert RULE_PASSROLE in found and "lambda.amazonaws.com" in found[RULE_PASSROLE]
    limited = plan(
        allow(
            "iam:PassRole",
            "*",
            Condition={"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
        )
    )
    assert "lambda.amazonaws.com" not in rules(limited).get(RULE_PASSROLE, "")


@pytest.mark.parametrize("policy", ["AdministratorAccess", "IAMFullAccess"])
def test_administrative_managed_policies_are_flagged(policy: str):
    found = rules(plan(allow("s3:GetObject"), managed=(f"arn:aws:iam::aws:policy/{policy}",)))
    assert policy in found[RULE_ADMIN]


def test_read_only_role_is_clear():
    assert rules(plan(allow(["s3:GetObject", "iam:Get*", "iam:List*"]))) == {}
