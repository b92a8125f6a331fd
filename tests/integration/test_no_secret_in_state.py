"""No secret in Terraform state: the database and cache modules applied against the emulator.

``tests/tf/no_secrets`` is the smallest root using the modules that hold credentials: the
database (its master password generated and kept by RDS in Secrets Manager) and the cache
(Redis RBAC with IAM authentication: no AUTH token exists). After a real apply against a moto
server of its own (with our patches, the ElastiCache user groups included), every secret value
the emulator holds is read with boto3 and searched for in the raw state file, and the state's
attributes that carry credentials must be empty. A plan role that can read the state (pull
requests, docs/least-privilege.md) therefore learns nothing secret from it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from pipeline_tools.integrations.terraform import Terraform, terraform_env
from pipeline_tools.local import emulator as emulator_module
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.terraform

CREDENTIAL_ATTRIBUTES = {
    "password",
    "master_password",
    "auth_token",
    "passwords",
    "secret_string",
    "random_password",
}


@pytest.fixture(scope="module")
def applied(tmp_path_factory) -> Iterator[tuple[Terraform, dict[str, str]]]:
    work = tmp_path_factory.mktemp("no-secrets")
    shutil.copytree(REPO_ROOT / "terraform" / "modules", work / "terraform" / "modules")
    root = work / "tests" / "tf" / "no_secrets"
    shutil.copytree(
        REPO_ROOT / "tests" / "tf" / "no_secrets", root, ignore=shutil.ignore_patterns(".terraform*")
    )
    server = emulator_module.start()
    try:
        terraform = Terraform(root, env=terraform_env(server.env()))
        terraform.init(backend=False)
        terraform.run(["apply", "-auto-approve", "-input=false", "-no-color"])
        yield terraform, server.env()
    finally:
        server.stop()


def client(env: dict[str, str], service: str):  # type: ignore[no-untyped-def]
    return boto3.client(
        service,
        endpoint_url=env["AWS_ENDPOINT_URL"],
        region_name=env["AWS_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )


def secret_values(env: dict[str, str]) -> list[str]:
    """Every secret string the emulator holds, and each string inside a JSON secret."""
    secrets = client(env, "secretsmanager")
    values: list[str] = []
    for item in secrets.list_secrets()["SecretList"]:
        text = secrets.get_secret_value(SecretId=item["ARN"]).get("SecretString") or ""
        values.append(text)
        try:
            document = json.loads(text)
        except ValueError:
            continue
        if isinstance(document, dict):
            values += [v for k, v in document.items() if isinstance(v, str) and k != "username"]
    return [v for v in values if len(v) >= 8]


def _walk(value: object, path: str = "") -> Iterator[tuple[str, object]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}", item
            yield from _walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")


def test_the_master_password_exists_only_in_secrets_manager(applied):
    terraform, env = applied
    values = secret_values(env)
    assert values, "the RDS-managed master secret must exist (manage_master_user_password)"
    state_text = (terraform.workdir / "terraform.tfstate").read_text()
    leaked = [value[:4] + "..." for value in values if value in state_text]
    assert leaked == [], f"secret values found in the state: {leaked}"


def test_no_credential_attribute_holds_a_value(applied):
    terraform, _ = applied
    state = json.loads(terraform.run(["show", "-json", "-no-color"]).stdout)
    filled = [
        f"{resource['address']}{path}"
        for module in [
            state["values"]["root_module"],
            *state["values"]["root_module"].get("child_modules", []),
        ]
        for resource in module.get("resources", [])
        for path, value in _walk(resource.get("values") or {})
        if path.rsplit(".", 1)[-1] in CREDENTIAL_ATTRIBUTES and value not in (None, "", [], False)
    ]
    assert filled == []


def test_redis_authenticates_with_iam_not_a_token(applied):
    _, env = applied
    elasticache = client(env, "elasticache")
    group = elasticache.describe_replication_groups(ReplicationGroupId="no-secrets")["ReplicationGroups"][0]
    assert group.get("UserGroupIds") == ["no-secrets"]
    assert not group.get("AuthTokenEnabled")
    users = {u["UserId"]: u for u in elasticache.describe_users()["Users"]}
    assert users["no-secrets-app"]["Authentication"]["Type"] == "iam"
    assert users["no-secrets-default"]["AccessString"].startswith("off")
    members = elasticache.describe_user_groups(UserGroupId="no-secrets")["UserGroups"][0]["UserIds"]
    assert sorted(members) == ["no-secrets-app", "no-secrets-default"]


def test_replan_is_clean(applied):
    """The emulator's user groups round-trip: a second plan changes nothing."""
    terraform, _ = applied
    assert terraform.plan(Path(terraform.workdir) / "replan.tfplan", detailed_exitcode=True) == 0
