"""A real terraform plan (against the moto server) that puts secrets where escaping, element-level
marks and sensitive unknowns once let them through; every output of every command is checked
for them in every encoding (issue 11, item 6). Root: ``tests/tf/secrets_leak``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from pipeline_tools.integrations.terraform import Terraform, terraform_env
from pipeline_tools.local.emulator import Emulator
from tests.conftest import run_cli
from tests.unit.plan.test_secrets_before_escaping import assert_secret_free

ROOT = Path(__file__).resolve().parents[1] / "tf" / "secrets_leak"
SECRET = 'Pa_ss"w<o>r&d*`é-hunter2'
HIDDEN_ACTION = "secretsmanager:GetSecretValue"
HIDDEN_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": HIDDEN_ACTION,
     "Resource": "arn:aws:secretsmanager:us-east-1:1:secret:Hidden9"},
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})


@pytest.fixture(scope="module")
def leaky_plan(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    workdir = tmp_path_factory.mktemp("secrets-leak")
    for tf_file in ROOT.glob("*.tf"):
        shutil.copy(tf_file, workdir / tf_file.name)
    env = terraform_env({**emulator.env(), "TF_VAR_db_password": SECRET,
                         "TF_VAR_hidden_policy": HIDDEN_POLICY})
    terraform = Terraform(workdir, env=env)
    terraform.init(backend=False)
    terraform.apply()
    terraform.env = {**env, "TF_VAR_stage": "changed"}
    planfile = workdir / "changed.tfplan"
    terraform.plan(planfile)
    plan = terraform.show_json(planfile)
    path = workdir / "changed.plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path, plan


def _by_address(plan: dict[str, Any], address: str) -> dict[str, Any]:
    return next(rc["change"] for rc in plan["resource_changes"] if rc["address"] == address)


def test_the_plan_really_holds_the_attacks(leaky_plan: tuple[Path, dict[str, Any]]) -> None:
    """Guard: terraform wrote the secret unmarked, marked the sensitive inline_policy (terraform
    1.11 marks the whole set, since a set cannot hold marked elements; element-level marks of
    lists and hand-made plans are in tests/unit/plan/test_secrets_before_escaping.py)."""
    _, plan = leaky_plan
    note = _by_address(plan, "aws_ssm_parameter.note[0]")
    assert note["after"]["description"] == SECRET and not note["after_sensitive"].get("description")
    role = _by_address(plan, "aws_iam_role.app[0]")
    marks = role["after_sensitive"]["inline_policy"]
    assert marks is True or (isinstance(marks, list) and sum(bool(m) for m in marks) == 1), marks
    assert plan["output_changes"]["passed_on"]["after"] == SECRET


@pytest.mark.parametrize("args", [
    ("plan", "summarize", "--format", "markdown"),
    ("plan", "summarize", "--format", "json"),
    ("plan", "summarize", "--format", "text"),
    ("plan", "summarize", "--format", "markdown", "--max-chars", "900"),
    ("plan", "fingerprint", "--explain"),
])
def test_no_command_prints_a_secret_in_any_encoding(leaky_plan: tuple[Path, dict[str, Any]],
                                                     args: tuple[str, ...]) -> None:
    path, _ = leaky_plan
    result = run_cli(*args, str(path))
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert_secret_free(" ".join(args), output)
    for hidden in (HIDDEN_ACTION, "Hidden9"):
        assert hidden not in output, (args, hidden)
    if args[1] == "summarize":
        assert "aws_ssm_parameter.note[0]" in output  # the change itself is still shown


def test_the_pr_comment_prints_no_secret(leaky_plan: tuple[Path, dict[str, Any]]) -> None:
    path, _ = leaky_plan
    result = run_cli("plan", "comment", "--repo", "o/r", "--pr", "1", "--env", "dev", str(path),
                     "--sha", "a" * 40, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert_secret_free("plan comment", result.stdout + result.stderr)
    assert HIDDEN_ACTION not in result.stdout
