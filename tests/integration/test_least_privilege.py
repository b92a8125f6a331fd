"""No escalation: every published IAM privilege-escalation path, tried with the apply role's
policies exactly as ``environments/bootstrap`` deploys them, is denied; the calls an environment's
apply needs are allowed; plan roles read no secret; trust policies admit only the jobs they name.

The policies come from a real plan: bootstrap (committed, only its S3 backend left out) is
applied against a moto server of its own, then planned again, so every policy value is known;
``pipeline_tools.iam`` evaluates requests under them as AWS would. moto's own IAM enforcement is
not used: it ignores permissions boundaries, ``iam:PassRole``, most conditions and resource
policies (docs/least-privilege.md), which are exactly what these tests are about.

The calls a real dev run makes come from ``tests/fixtures/least_privilege/dev-calls.jsonl``,
recorded from the emulator by ``python -m pipeline_tools.local.record_calls`` (a 15-minute run,
too slow to repeat here; re-record it when a module's AWS calls change).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator

import pytest

from pipeline_tools.iam.evaluate import Principal, Request, evaluate, trust_allows
from pipeline_tools.iam.from_plan import IamModel, load_plan
from pipeline_tools.integrations.terraform import Terraform, terraform_env
from pipeline_tools.local import emulator as emulator_module
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.terraform

ACCOUNT = "123456789012"  # moto's account
IAM = f"arn:aws:iam::{ACCOUNT}"
OWNER_REPO = "example-org/platform-infra"  # environments/bootstrap/terraform.tfvars
OIDC = "token.actions.githubusercontent.com"


def boundary(env: str) -> str:
    return f"{IAM}:policy/platform-boundaries/platform-{env}-permissions-boundary"


def aws_managed_documents() -> dict[str, object]:
    """AWS-managed policies (ReadOnlyAccess, PowerUserAccess, ...) as AWS publishes them; moto
    ships the documents, which is the only copy available offline."""
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    return {name: item["Document"] for name, item in json.loads(aws_managed_policies_data).items()}


@pytest.fixture(scope="module")
def bootstrap_plan(tmp_path_factory) -> Iterator[dict]:
    work = tmp_path_factory.mktemp("least-privilege")
    shutil.copytree(REPO_ROOT / "terraform" / "modules", work / "terraform" / "modules")
    root = work / "environments" / "bootstrap"
    shutil.copytree(
        REPO_ROOT / "environments" / "bootstrap", root, ignore=shutil.ignore_patterns(".terraform")
    )
    (root / "backend.tf").unlink()  # local state in the temporary directory
    server = emulator_module.start()
    try:
        terraform = Terraform(root, env=terraform_env(server.env()))
        terraform.init(backend=False)
        terraform.run(["apply", "-auto-approve", "-input=false", "-no-color", "-var=force_destroy=true"])
        terraform.plan("tfplan", "-var=force_destroy=true")
        yield terraform.show_json("tfplan")
    finally:
        server.stop()


@pytest.fixture(scope="module")
def model(bootstrap_plan: dict) -> IamModel:
    loaded = load_plan(bootstrap_plan, account_id=ACCOUNT, aws_managed=aws_managed_documents())
    assert loaded.unknown == [], "a policy is unknown after apply: the evaluation would be incomplete"
    return loaded


@pytest.fixture(scope="module")
def dev_apply(model: IamModel) -> Principal:
    return model.principal("platform-dev-terraform-apply")


@pytest.fixture(scope="module")
def state(bootstrap_plan: dict) -> dict[str, str]:
    outputs = bootstrap_plan["planned_values"]["outputs"]
    return {"bucket": outputs["state_bucket_name"]["value"], "key": outputs["state_kms_key_arn"]["value"]}


def test_the_plan_is_what_is_deployed(bootstrap_plan: dict, model: IamModel):
    """A re-plan after apply changes nothing, so the evaluated policies are the deployed ones."""
    changes = [
        c["address"] for c in bootstrap_plan["resource_changes"] if c["change"]["actions"] != ["no-op"]
    ]
    assert changes == []
    assert {
        f"platform-{env}-terraform-{kind}" for env in ("dev", "staging", "prod") for kind in ("plan", "apply")
    } <= set(model.roles)
    assert {boundary(env) for env in ("dev", "staging", "prod")} <= set(model.policies)


def iam_request(action: str, resource: str, **context: str) -> Request:
    keys = {
        "boundary": "iam:PermissionsBoundary",
        "policy": "iam:PolicyARN",
        "service": "iam:PassedToService",
    }
    return Request(action, resource, {keys[k]: v for k, v in context.items()})


APPLY = f"{IAM}:role/platform-dev-terraform-apply"
PLAN = f"{IAM}:role/platform-dev-terraform-plan"
STAGING_APPLY = f"{IAM}:role/platform-staging-terraform-apply"
STAGING_TASK = f"{IAM}:role/platform-staging-api-task"
DEV_TASK = f"{IAM}:role/platform-dev-api-task"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
ADMIN_ROLE = f"{IAM}:role/OrganizationAccountAccessRole"

# Each published path (Rhino Security Labs' list and AWS's boundary-delegation guide), as the
# IAM request(s) it needs; the apply role must be denied at least the request shown.
ESCALATION_PATHS = {
    "PutRolePolicy on itself": iam_request("iam:PutRolePolicy", APPLY),
    "AttachRolePolicy AdministratorAccess to itself": iam_request(
        "iam:AttachRolePolicy", APPLY, policy=ADMIN
    ),
    "AttachRolePolicy of its own environment's policy to itself": iam_request(
        "iam:AttachRolePolicy", APPLY, policy=f"{IAM}:policy/platform-dev-x"
    ),
    "PutRolePolicy on the dev plan role (pull requests assume it)": iam_request("iam:PutRolePolicy", PLAN),
    "AttachRolePolicy on the dev plan role": iam_request("iam:AttachRolePolicy", PLAN, policy=ADMIN),
    "PutRolePolicy on staging's apply role": iam_request("iam:PutRolePolicy", STAGING_APPLY),
    "PutRolePolicy on a staging service role": iam_request(
        "iam:PutRolePolicy", STAGING_TASK, boundary=boundary("staging")
    ),
    "AttachRolePolicy AdministratorAccess to its own service role": iam_request(
        "iam:AttachRolePolicy", DEV_TASK, boundary=boundary("dev"), policy=ADMIN
    ),
    "AttachRolePolicy IAMFullAccess to its own service role": iam_request(
        "iam:AttachRolePolicy",
        DEV_TASK,
        boundary=boundary("dev"),
        policy="arn:aws:iam::aws:policy/IAMFullAccess",
    ),
    "AttachRolePolicy of another environment's policy": iam_request(
        "iam:AttachRolePolicy", DEV_TASK, boundary=boundary("dev"), policy=f"{IAM}:policy/platform-prod-admin"
    ),
    "CreatePolicyVersion of its boundary": iam_request("iam:CreatePolicyVersion", boundary("dev")),
    "SetDefaultPolicyVersion of its boundary": iam_request("iam:SetDefaultPolicyVersion", boundary("dev")),
    "DeletePolicy of its boundary": iam_request("iam:DeletePolicy", boundary("dev")),
    "CreatePolicyVersion of its own managed policy": iam_request(
        "iam:CreatePolicyVersion", "arn:aws:iam::aws:policy/PowerUserAccess"
    ),
    "UpdateAssumeRolePolicy of itself": iam_request("iam:UpdateAssumeRolePolicy", APPLY),
    "UpdateAssumeRolePolicy of the plan role": iam_request("iam:UpdateAssumeRolePolicy", PLAN),
    "UpdateAssumeRolePolicy of staging's apply role": iam_request(
        "iam:UpdateAssumeRolePolicy", STAGING_APPLY
    ),
    "CreateRole without a boundary": iam_request("iam:CreateRole", f"{IAM}:role/platform-dev-escape"),
    "CreateRole with another environment's boundary": iam_request(
        "iam:CreateRole", f"{IAM}:role/platform-dev-escape", boundary=boundary("prod")
    ),
    "CreateRole with an AWS-managed policy as boundary": iam_request(
        "iam:CreateRole", f"{IAM}:role/platform-dev-escape", boundary=ADMIN
    ),
    "PutRolePermissionsBoundary to another policy": iam_request(
        "iam:PutRolePermissionsBoundary", DEV_TASK, boundary=f"{IAM}:policy/platform-dev-wide-open"
    ),
    "DeleteRolePermissionsBoundary of its own service role": iam_request(
        "iam:DeleteRolePermissionsBoundary", DEV_TASK
    ),
    "DeleteRolePermissionsBoundary of itself": iam_request("iam:DeleteRolePermissionsBoundary", APPLY),
    "PassRole of itself to lambda:CreateFunction": iam_request(
        "iam:PassRole", APPLY, service="lambda.amazonaws.com"
    ),
    "PassRole of an admin role to lambda:CreateFunction": iam_request(
        "iam:PassRole", ADMIN_ROLE, service="lambda.amazonaws.com"
    ),
    "PassRole of staging's apply role to ecs:RegisterTaskDefinition": iam_request(
        "iam:PassRole", STAGING_APPLY, service="ecs-tasks.amazonaws.com"
    ),
    "PassRole of a staging task role to ecs:RunTask": iam_request(
        "iam:PassRole", STAGING_TASK, service="ecs-tasks.amazonaws.com"
    ),
    "PassRole of its own role to a service it does not use (EC2)": iam_request(
        "iam:PassRole", DEV_TASK, service="ec2.amazonaws.com"
    ),
    "AssumeRole of the dev plan role": Request("sts:AssumeRole", PLAN),
    "AssumeRole of staging's apply role": Request("sts:AssumeRole", STAGING_APPLY),
    "CreateUser": iam_request(
        "iam:CreateUser", f"{IAM}:user/platform-dev-backdoor", boundary=boundary("dev")
    ),
    "CreateAccessKey": Request("iam:CreateAccessKey", f"{IAM}:user/admin"),
    "CreateLoginProfile": Request("iam:CreateLoginProfile", f"{IAM}:user/admin"),
    "UpdateLoginProfile": Request("iam:UpdateLoginProfile", f"{IAM}:user/admin"),
    "PutUserPolicy": Request("iam:PutUserPolicy", f"{IAM}:user/admin"),
    "AttachUserPolicy": iam_request("iam:AttachUserPolicy", f"{IAM}:user/admin", policy=ADMIN),
    "AddUserToGroup": Request("iam:AddUserToGroup", f"{IAM}:group/admins"),
    "PutGroupPolicy": Request("iam:PutGroupPolicy", f"{IAM}:group/admins"),
}


@pytest.mark.parametrize("path", sorted(ESCALATION_PATHS))
def test_escalation_path_is_denied(dev_apply: Principal, path: str):
    decision = evaluate(dev_apply, ESCALATION_PATHS[path])
    assert not decision, f"{path}: allowed by {decision.statements}"


# The IAM calls dev's apply really makes (the roles, policies and attachments of environments/dev
# and its modules), and the rest of what an apply does: all allowed.
NEEDED = {
    "CreateRole with dev's boundary": iam_request(
        "iam:CreateRole", f"{IAM}:role/platform-dev-api-task", boundary=boundary("dev")
    ),
    "PutRolePolicy on a dev service role": iam_request(
        "iam:PutRolePolicy", DEV_TASK, boundary=boundary("dev")
    ),
    "DeleteRolePolicy on a dev service role": iam_request(
        "iam:DeleteRolePolicy", DEV_TASK, boundary=boundary("dev")
    ),
    "AttachRolePolicy RDS enhanced monitoring": iam_request(
        "iam:AttachRolePolicy",
        f"{IAM}:role/platform-dev-rds-monitoring",
        boundary=boundary("dev"),
        policy="arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
    ),
    "AttachRolePolicy of a dev policy": iam_request(
        "iam:AttachRolePolicy", DEV_TASK, boundary=boundary("dev"), policy=f"{IAM}:policy/platform-dev-send"
    ),
    "DetachRolePolicy": iam_request(
        "iam:DetachRolePolicy", DEV_TASK, boundary=boundary("dev"), policy=f"{IAM}:policy/platform-dev-send"
    ),
    "DeleteRole": Request("iam:DeleteRole", DEV_TASK),
    "TagRole": Request("iam:TagRole", DEV_TASK),
    "CreatePolicy": Request("iam:CreatePolicy", f"{IAM}:policy/platform-dev-send"),
    "CreatePolicyVersion of a dev policy": Request(
        "iam:CreatePolicyVersion", f"{IAM}:policy/platform-dev-send"
    ),
    "PassRole task role to ECS": iam_request("iam:PassRole", DEV_TASK, service="ecs-tasks.amazonaws.com"),
    "PassRole deployer role to Lambda": iam_request(
        "iam:PassRole", f"{IAM}:role/platform-dev-deployer", service="lambda.amazonaws.com"
    ),
    "PassRole flow-log role": iam_request(
        "iam:PassRole", f"{IAM}:role/platform-dev-vpc-flow-logs", service="vpc-flow-logs.amazonaws.com"
    ),
    "PassRole RDS monitoring role": iam_request(
        "iam:PassRole", f"{IAM}:role/platform-dev-rds-monitoring", service="monitoring.rds.amazonaws.com"
    ),
    "CreateServiceLinkedRole": Request(
        "iam:CreateServiceLinkedRole", f"{IAM}:role/aws-service-role/ecs.amazonaws.com/x"
    ),
    "GetRole (refresh)": Request("iam:GetRole", APPLY),
    "lambda:CreateFunction": Request(
        "lambda:CreateFunction", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:platform-dev-x"
    ),
    "ecs:RegisterTaskDefinition": Request("ecs:RegisterTaskDefinition", "*"),
    "ec2:CreateVpc": Request("ec2:CreateVpc", f"arn:aws:ec2:us-east-1:{ACCOUNT}:vpc/*"),
}


@pytest.mark.parametrize("call", sorted(NEEDED))
def test_what_an_apply_needs_is_allowed(dev_apply: Principal, call: str):
    decision = evaluate(dev_apply, NEEDED[call])
    assert decision, f"{call}: {decision.reason} {decision.statements}"


def state_request(action: str, state: dict[str, str], key: str) -> tuple[Request, Request]:
    """An S3 call on a state object and the KMS call S3 makes for it (encryption context: the object ARN)."""
    object_arn = f"arn:aws:s3:::{state['bucket']}/{key}"
    kms_action = {"s3:GetObject": "kms:Decrypt", "s3:PutObject": "kms:GenerateDataKey"}[action]
    return (
        Request(action, object_arn),
        Request(kms_action, state["key"], {"kms:EncryptionContext:aws:s3:arn": object_arn}),
    )


def _allowed(model: IamModel, principal: Principal, requests: tuple[Request, Request]) -> bool:
    s3_request, kms_request = requests
    key_policy = model.key_policies[kms_request.resource]
    return bool(evaluate(principal, s3_request)) and bool(
        evaluate(principal, kms_request, resource_policy=key_policy, key_policy=True)
    )


def test_apply_role_reads_and_writes_its_own_state_only(model: IamModel, dev_apply: Principal, state):
    assert _allowed(model, dev_apply, state_request("s3:GetObject", state, "dev/terraform.tfstate"))
    assert _allowed(model, dev_apply, state_request("s3:PutObject", state, "dev/terraform.tfstate"))
    for other in ("staging/terraform.tfstate", "prod/terraform.tfstate"):
        assert not _allowed(model, dev_apply, state_request("s3:GetObject", state, other))
        assert not _allowed(model, dev_apply, state_request("s3:PutObject", state, other))


def test_the_apply_role_publishes_the_deployer_package_and_no_plan_role_can(
        model: IamModel, dev_apply: Principal, bootstrap_plan: dict, state):
    """dev's apply uploads the package (aws_s3_object.deployer_package); the artifacts bucket
    encrypts with the state key and an S3 Bucket Key, so S3 asks KMS under the bucket's ARN."""
    bucket = bootstrap_plan["planned_values"]["outputs"]["artifacts_bucket_name"]["value"]
    package = f"arn:aws:s3:::{bucket}/deployer/pipeline-tools-deployer.zip"
    context = {"kms:EncryptionContext:aws:s3:arn": f"arn:aws:s3:::{bucket}"}
    upload = (Request("s3:PutObject", package), Request("kms:GenerateDataKey", state["key"], context))
    assert _allowed(model, dev_apply, upload)
    for env in ("dev", "staging", "prod"):
        plan = model.principal(f"platform-{env}-terraform-plan")
        assert not evaluate(plan, Request("s3:PutObject", package)), env
        assert evaluate(plan, Request("s3:GetObject", package)), env  # the plan's refresh reads it


def test_plan_roles_read_their_state_and_nothing_secret(model: IamModel, state):
    for env in ("dev", "staging", "prod"):
        plan = model.principal(f"platform-{env}-terraform-plan")
        assert _allowed(model, plan, state_request("s3:GetObject", state, f"{env}/terraform.tfstate"))
        others = [e for e in ("dev", "staging", "prod") if e != env]
        for other in others:
            assert not _allowed(
                model, plan, state_request("s3:GetObject", state, f"{other}/terraform.tfstate")
            )
        secret = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:platform/{env}/redis-auth-token-AbCdEf"
        decision = evaluate(plan, Request("secretsmanager:GetSecretValue", secret))
        assert decision.reason == "explicit-deny"
        via_secrets_manager = Request(
            "kms:Decrypt",
            f"arn:aws:kms:us-east-1:{ACCOUNT}:key/secrets",
            {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"},
        )
        assert evaluate(plan, via_secrets_manager).reason == "explicit-deny"
        # Read-only: no IAM write, on itself or anything else.
        assert not evaluate(
            plan, iam_request("iam:PutRolePolicy", f"{IAM}:role/platform-{env}-terraform-plan")
        )
        assert not evaluate(
            plan, Request("s3:PutObject", f"arn:aws:s3:::{state['bucket']}/{env}/terraform.tfstate")
        )


def claims(subject: str) -> dict[str, str]:
    return {f"{OIDC}:aud": "sts.amazonaws.com", f"{OIDC}:sub": subject}


@pytest.mark.parametrize(
    ("role", "subject", "expected"),
    [
        ("platform-dev-terraform-apply", f"repo:{OWNER_REPO}:environment:dev", True),
        ("platform-dev-terraform-apply", f"repo:{OWNER_REPO}:ref:refs/heads/main", False),
        ("platform-dev-terraform-apply", f"repo:{OWNER_REPO}:pull_request", False),
        ("platform-dev-terraform-apply", f"repo:{OWNER_REPO}:environment:staging", False),
        ("platform-prod-terraform-apply", f"repo:{OWNER_REPO}:environment:prod", True),
        ("platform-prod-terraform-apply", "repo:other-org/platform-infra:environment:prod", False),
        ("platform-prod-terraform-plan", f"repo:{OWNER_REPO}:pull_request", True),
        ("platform-prod-terraform-plan", f"repo:{OWNER_REPO}:environment:drift", True),
        ("platform-prod-terraform-plan", f"repo:{OWNER_REPO}:environment:prod", False),
    ],
)
def test_trust_admits_only_the_named_jobs(model: IamModel, role: str, subject: str, expected: bool):
    provider = f"{IAM}:oidc-provider/{OIDC}"
    allowed = trust_allows(
        model.roles[role].trust,
        federated=provider,
        action="sts:AssumeRoleWithWebIdentity",
        context=claims(subject),
    )
    assert allowed is expected


def test_the_gate_finds_no_escalation_in_the_repository_roles(bootstrap_plan: dict):
    from pipeline_tools.gate.iam_escalation import evaluate_iam_escalation

    findings = evaluate_iam_escalation(bootstrap_plan, "bootstrap.plan.json")
    assert [f"{f.rule_id} {f.message}" for f in findings] == []


# --- the calls a real dev run makes (recorded from the emulator) ------------------------------


@pytest.fixture(scope="module")
def recorded_calls() -> list[dict]:
    from pipeline_tools.local.record_calls import FIXTURE

    return [json.loads(line) for line in FIXTURE.read_text().splitlines() if line.strip()]


def test_every_recorded_call_is_allowed_for_the_role_that_makes_it(model: IamModel, recorded_calls):
    from pipeline_tools.local.record_calls import PHASE_ROLES, calls_by_phase

    phases = calls_by_phase(recorded_calls)
    assert set(phases) == set(PHASE_ROLES), "the fixture lacks a phase: re-record it"
    denied = []
    for phase, calls in phases.items():
        principal = model.principal(PHASE_ROLES[phase])
        for call in calls:
            decision = evaluate(principal, call.request)
            if not decision:
                denied.append(
                    f"{phase} {call.operation}: {call.request.action} {call.request.resource} "
                    f"{dict(call.request.context)} ({decision.reason})"
                )
    assert sorted(set(denied)) == []
    # The apply really creates roles under the boundary and passes them to services.
    apply_actions = {call.request.action for call in phases["dev-apply"]}
    assert {"iam:CreateRole", "iam:PassRole", "iam:PutRolePolicy"} <= apply_actions


def test_drift_checks_make_the_recorded_plan_calls_under_the_plan_role(model: IamModel):
    """drift.yml (and apply-dispatch.yml's re-plan) run `terraform plan` with each stage's
    drift_role: in this repository's pipeline-tools.yml that is the plan role, whose recorded
    `terraform plan` calls (the dev-plan phase) are evaluated above, so drift's calls are proven by
    the same evaluation. The drift report itself only talks to GitHub."""
    from pipeline_tools.config.load import load_config
    from pipeline_tools.local.record_calls import PHASE_ROLES

    config = load_config(repo_root=REPO_ROOT).resolved()
    for stage in config["stages"]:
        assert stage["drift_role"] == stage["plan_role"] == f"platform-{stage['name']}-terraform-plan"
        assert stage["drift_role"] in model.roles
    assert PHASE_ROLES["dev-plan"] == "platform-dev-terraform-plan"
    drift = (REPO_ROOT / ".github" / "workflows" / "drift.yml").read_text()
    assert "role-to-assume: ${{ steps.config.outputs.drift_role }}" in drift
    assert "terraform -chdir=\"$ROOT\" plan" in drift


def test_the_documented_table_is_current(model: IamModel, recorded_calls):
    import os

    from pipeline_tools.local.record_calls import DOCS, render_docs_section, replace_docs_section, role_usages

    section = render_docs_section(role_usages(model, recorded_calls))
    text = DOCS.read_text()
    if os.environ.get("PIPELINE_TOOLS_UPDATE_DOCS") == "1":
        DOCS.write_text(replace_docs_section(text, section))
        text = DOCS.read_text()
    assert section in text, "docs/least-privilege.md's table is stale: run with PIPELINE_TOOLS_UPDATE_DOCS=1"
