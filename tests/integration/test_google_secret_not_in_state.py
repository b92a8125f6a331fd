"""Google sign-in keeps the client secret out of plans, state and plan roles (issue 17 item 3).

``tests/tf/google_auth`` is the auth module with Google on. Against a moto server of its own, with
the secret put into Secrets Manager out of band (as a team does) and every request recorded:

- the plan reads no secret (no GetSecretValue: a plan role, which denies it, can plan) and its
  JSON holds no trace of the value, only the secret's ARN;
- everything but the Lambda invocation is applied (moto runs no Lambda code without Docker, so
  ``aws_lambda_invocation`` cannot run here; the handler itself is tested in process against the
  emulator in test_google_idp_lambda.py), then the state holds no trace of the value and a
  re-plan (which refreshes every resource) reads neither the secret nor the identity provider.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline_tools.deploy import package
from pipeline_tools.integrations.terraform import Terraform, terraform_env
from pipeline_tools.local import emulator as emulator_module
from pipeline_tools.local.request_recorder import LOG_ENV
from tests.conftest import REPO_ROOT
from tests.support.emulator_clients import emulator_client

pytestmark = pytest.mark.terraform

SECRET_VALUE = "GOCSPX-never-in-state-8f1e2d3c4b5a"
BUCKET = "google-auth-artifacts"
CLIENT_ID = "1234567890-abcdef.apps.googleusercontent.com"  # tests/tf/google_auth
# Calls that would hand a reader the client secret.
SECRET_READS = {"secretsmanager.GetSecretValue", "secretsmanager.BatchGetSecretValue",
                "AWSCognitoIdentityProviderService.DescribeIdentityProvider"}


def client_of(world: dict[str, Any], service: str) -> Any:
    return emulator_client(world["env"], service)


def targets(requests: Path, since: int) -> list[str]:
    lines = requests.read_text().splitlines()[since:]
    # JSON-protocol calls carry an X-Amz-Target, query-protocol ones an Action.
    return [str(record.get("target") or record.get("action") or "") for record in map(json.loads, lines)]


def line_count(requests: Path) -> int:
    return len(requests.read_text().splitlines()) if requests.exists() else 0


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[dict[str, Any]]:
    work = tmp_path_factory.mktemp("google-auth")
    shutil.copytree(REPO_ROOT / "terraform" / "modules", work / "terraform" / "modules")
    root = work / "tests" / "tf" / "google_auth"
    shutil.copytree(REPO_ROOT / "tests" / "tf" / "google_auth", root,
                    ignore=shutil.ignore_patterns(".terraform*"))
    requests = work / "requests.jsonl"
    server = emulator_module.start(extra_env={LOG_ENV: str(requests)})
    try:
        env = server.env()
        arn = emulator_client(env, "secretsmanager").create_secret(
            Name="platform/dev/google-client-secret", SecretString=SECRET_VALUE)["ARN"]
        s3 = emulator_client(env, "s3")
        s3.create_bucket(Bucket=BUCKET)
        built = package.build_zip(work / "deployer.zip")
        s3.put_object(Bucket=BUCKET, Key="deployer/lambda.zip", Body=built.path.read_bytes())
        variables = [f"-var=google_client_secret_arn={arn}", f"-var=package_bucket={BUCKET}"]
        terraform = Terraform(root, env=terraform_env(env))
        terraform.init(backend=False)
        yield {"terraform": terraform, "vars": variables, "requests": requests, "arn": arn, "env": env}
    finally:
        server.stop()


@pytest.fixture(scope="module")
def first_plan(world) -> dict[str, Any]:
    before = line_count(world["requests"])
    world["terraform"].plan("first.tfplan", *world["vars"])
    return {"json": world["terraform"].show_json("first.tfplan"),
            "calls": targets(world["requests"], before)}


def test_the_plan_reads_no_secret(first_plan):
    assert first_plan["calls"], "the request log must record the plan's calls"
    assert SECRET_READS.isdisjoint(first_plan["calls"])


def test_the_plan_holds_the_secrets_arn_never_its_value(world, first_plan):
    text = json.dumps(first_plan["json"])
    assert SECRET_VALUE not in text
    addresses = {change["address"]: change for change in first_plan["json"]["resource_changes"]}
    assert "module.auth.aws_cognito_identity_provider.google[0]" not in addresses
    assert "module.auth.aws_lambda_invocation.google_identity_provider[0]" in addresses


def test_state_after_apply_and_a_replan_hold_and_read_no_secret(world, first_plan):
    terraform: Terraform = world["terraform"]
    # All but the invocation (and the app client that waits for it): moto cannot run the Lambda.
    emulator_module.apply_through_race(
        terraform, "-target=module.auth.aws_lambda_function.google_idp[0]", *world["vars"])
    state_text = (terraform.workdir / "terraform.tfstate").read_text()
    assert SECRET_VALUE not in state_text
    assert "aws_lambda_function" in state_text and "aws_cognito_user_pool" in state_text

    before = line_count(world["requests"])
    terraform.plan(Path(terraform.workdir) / "replan.tfplan", *world["vars"])
    calls = targets(world["requests"], before)
    assert "AWSCognitoIdentityProviderService.DescribeUserPool" in calls  # it did refresh
    assert SECRET_READS.isdisjoint(calls)
    replan = terraform.show_json("replan.tfplan")
    assert SECRET_VALUE not in json.dumps(replan)
    # Now the pool id is known, the invocation's whole input is: ids and the secret's ARN only.
    invocation = next(change for change in replan["resource_changes"]
                      if change["address"] == "module.auth.aws_lambda_invocation.google_identity_provider[0]")
    given = json.loads(invocation["change"]["after"]["input"])
    assert given == {"user_pool_id": given["user_pool_id"], "client_id": CLIENT_ID,
                     "client_secret_arn": world["arn"], "revision": "1"}
    assert given["user_pool_id"].startswith("us-east-1_")
    # The function's role reads that one secret; the apply created it as planned.
    roles = client_of(world, "iam")
    policy = roles.get_role_policy(RoleName="google-auth-google-idp", PolicyName="google-identity-provider")
    statements = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}
    assert statements["ReadTheGoogleClientSecret"]["Resource"] == world["arn"]
    pool_grant = statements["ManageThisPoolsIdentityProviders"]["Resource"]
    assert pool_grant.endswith(f"userpool/{given['user_pool_id']}")
