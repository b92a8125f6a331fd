"""Our own rule on IAM privilege escalation, evaluated on the plan JSON with :mod:`pipeline_tools.iam`.

For every IAM role in the plan, its planned inline and customer-managed policies (and its
permissions boundary) are evaluated, as AWS would, against the published escalation paths:

- ``gate/iam-escalation``: the role can change its own permissions (``PutRolePolicy``,
  ``AttachRolePolicy`` of AdministratorAccess, ``UpdateAssumeRolePolicy``, removing or replacing
  its boundary, a new default version of a policy attached to it or of its boundary), or create
  or change another role that carries no permissions boundary (``CreateRole`` /
  ``PutRolePolicy`` / ``AttachRolePolicy`` on a role name its grants reach), or give itself
  long-lived credentials (``CreateUser``, ``CreateAccessKey``, ``CreateLoginProfile``,
  ``PutUserPolicy``);
- ``gate/iam-passrole-wildcard``: the role can pass any role (``iam:PassRole`` on ``*``) to a
  compute service without an ``iam:PassedToService`` limit, which lets it run code under a
  stronger role (``lambda:CreateFunction``, ``ecs:RunTask``, ``ecs:RegisterTaskDefinition``);
- ``gate/iam-admin-policy``: AdministratorAccess or IAMFullAccess is attached.

AWS-managed policies are not in a plan: except for the two named above they are taken to grant
nothing here (a managed policy with IAM write, such as IAMFullAccess, is named explicitly). A
policy whose document Terraform only knows after apply is skipped, as checkov skips it.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline_tools.gate.model import GATE_TOOL, Finding, Severity
from pipeline_tools.iam.evaluate import Principal, Request, Statement, evaluate
from pipeline_tools.iam.from_plan import IamModel, load_plan

RULE_ESCALATION = "gate/iam-escalation"
RULE_PASSROLE = "gate/iam-passrole-wildcard"
RULE_ADMIN = "gate/iam-admin-policy"
RULE_SEVERITY = {RULE_ESCALATION: Severity.CRITICAL, RULE_PASSROLE: Severity.HIGH, RULE_ADMIN: Severity.HIGH}

ADMIN_POLICIES = ("AdministratorAccess", "IAMFullAccess")
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
PROBE = "pipeline-tools-gate-probe"
COMPUTE_SERVICES = ("lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "ec2.amazonaws.com")
_ACCOUNT = re.compile(r"arn:aws[a-z-]*:iam::(\d{12}):")


def _account_id(plan: dict[str, Any]) -> str:
    """The account the plan targets: aws_caller_identity if read, else any IAM ARN's account."""

    def walk(module: dict[str, Any] | None) -> list[dict[str, Any]]:
        if not module:
            return []
        found = list(module.get("resources", []))
        for child in module.get("child_modules", []):
            found += walk(child)
        return found

    for resource in walk(((plan.get("prior_state") or {}).get("values") or {}).get("root_module")):
        if resource.get("type") == "aws_caller_identity" and (resource.get("values") or {}).get("account_id"):
            return str(resource["values"]["account_id"])
    match = _ACCOUNT.search(str(plan.get("planned_values")))
    return match.group(1) if match else "000000000000"


def _allow_patterns(statements: list[Statement], action: str) -> list[str]:
    """Resource patterns of Allow statements that grant ``action``, wildcards made concrete."""
    from pipeline_tools.iam.matching import action_matches

    patterns = []
    for statement in statements:
        if statement.effect != "Allow" or statement.resources is None:
            continue
        if statement.not_actions is not None:
            if any(action_matches(p, action) for p in statement.not_actions):
                continue
        elif not any(action_matches(p, action) for p in statement.actions):
            continue
        patterns += [p.replace("*", PROBE).replace("?", "x") for p in statement.resources]
    return patterns


def _escalations(model: IamModel, name: str, principal: Principal) -> list[str]:
    role = model.roles[name]
    own = {"iam:PermissionsBoundary": role.boundary_arn} if role.boundary_arn else {}
    probes: list[tuple[str, Request]] = [
        ("PutRolePolicy on itself", Request("iam:PutRolePolicy", role.arn, own)),
        (
            "AttachRolePolicy AdministratorAccess to itself",
            Request("iam:AttachRolePolicy", role.arn, {**own, "iam:PolicyARN": ADMIN_ARN}),
        ),
        ("UpdateAssumeRolePolicy of itself", Request("iam:UpdateAssumeRolePolicy", role.arn, own)),
        (
            "DeleteRolePermissionsBoundary of itself",
            Request("iam:DeleteRolePermissionsBoundary", role.arn, own),
        ),
        (
            "PutRolePermissionsBoundary of itself",
            Request(
                "iam:PutRolePermissionsBoundary",
                role.arn,
                {"iam:PermissionsBoundary": f"arn:aws:iam::{model.account_id}:policy/{PROBE}"},
            ),
        ),
    ]
    for arn in [*role.managed_arns, *([role.boundary_arn] if role.boundary_arn else [])]:
        if ":iam::aws:policy/" not in arn:
            probes.append((f"CreatePolicyVersion of {arn}", Request("iam:CreatePolicyVersion", arn)))
            probes.append((f"SetDefaultPolicyVersion of {arn}", Request("iam:SetDefaultPolicyVersion", arn)))
    identity = list(principal.identity)
    for action in ("iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy"):
        for target in _allow_patterns(identity, action):
            if ":role/" not in target and target != PROBE:
                continue
            target = target if target != PROBE else f"arn:aws:iam::{model.account_id}:role/{PROBE}"
            context = {"iam:PolicyARN": ADMIN_ARN} if action == "iam:AttachRolePolicy" else {}
            probes.append(
                (
                    f"{action.split(':')[1]} of a role without a boundary ({target})",
                    Request(action, target, context),
                )
            )
    user = f"arn:aws:iam::{model.account_id}:user/{PROBE}"
    for action in ("iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:PutUserPolicy"):
        probes.append((action.split(":")[1], Request(action, user)))
    return [label for label, request in probes if evaluate(principal, request)]


def _passes_any_role(model: IamModel, principal: Principal) -> list[str]:
    stronger = f"arn:aws:iam::{model.account_id}:role/{PROBE}-admin"
    return [
        service
        for service in COMPUTE_SERVICES
        if evaluate(principal, Request("iam:PassRole", stronger, {"iam:PassedToService": service}))
    ]


def evaluate_iam_escalation(plan: dict[str, Any], plan_file: str) -> list[Finding]:
    model = load_plan(plan, account_id=_account_id(plan))
    findings: list[Finding] = []

    def violation(rule: str, address: str, message: str) -> None:
        findings.append(
            Finding(
                tool=GATE_TOOL,
                rule_id=rule,
                canonical_rule=rule,
                severity=RULE_SEVERITY[rule],
                resource=address,
                file=plan_file,
                start_line=None,
                end_line=None,
                message=message,
                category="terraform_plan",
            )
        )

    for name, role in sorted(model.roles.items()):
        admin = [
            arn
            for arn in role.managed_arns
            if arn.rsplit("/", 1)[-1] in ADMIN_POLICIES and ":iam::aws:policy/" in arn
        ]
        if admin:
            violation(
                RULE_ADMIN,
                role.address,
                f"{role.address} ({name}) has {', '.join(a.rsplit('/', 1)[-1] for a in admin)} attached: "
                "it can grant itself anything; scope it and add a permissions boundary",
            )
        statements: list[Statement] = [s for policy in role.inline.values() for s in policy]
        statements += [s for arn in role.managed_arns if arn in model.policies for s in model.policies[arn]]
        boundary = None
        if role.boundary_arn:
            boundary = model.policies.get(role.boundary_arn)
        principal = Principal(role.arn, statements, boundary)
        paths = _escalations(model, name, principal)
        if paths:
            violation(
                RULE_ESCALATION,
                role.address,
                f"{role.address} ({name}) can escalate its privileges: {'; '.join(paths)}",
            )
        services = _passes_any_role(model, principal)
        if services:
            violation(
                RULE_PASSROLE,
                role.address,
                f"{role.address} ({name}) can pass any role to {', '.join(services)}: limit iam:PassRole "
                "to its own roles and add an iam:PassedToService condition",
            )
    return findings
