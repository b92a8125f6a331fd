"""The gate's GitHub OIDC trust-policy rules on a real plan (terraform against the local emulator).

``tests/tf/gate_oidc`` declares one role per trust-policy variant, all trusting an OIDC provider
created in the same root: its ARN is unknown at plan time, which hides them from checkov's
CKV_AWS_358. One ``terraform init`` + ``plan`` serves every test; the gate then runs checkov on
that plan (really) and its own rules.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline_tools.gate.scanners.checkov_run import locate_checkov
from pipeline_tools.integrations.terraform import Terraform, terraform_env
from tests.support.cli import run_cli
from tests.support.paths import REPO_ROOT

pytestmark = pytest.mark.terraform

POLICY = """\
default_environment: prod
environments:
  prod: {fail_at: MEDIUM}
oidc:
  apply_role_name_patterns: ["*-apply"]
  apply_role_tag: {key: "pipeline-tools:role", value: apply}
"""


@pytest.fixture(scope="module")
def oidc_plan(emulator, tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("gate-oidc")
    root = work / "root"
    shutil.copytree(REPO_ROOT / "tests" / "tf" / "gate_oidc", root)
    terraform = Terraform(root, env=terraform_env(emulator.env()))
    terraform.init(backend=False)
    terraform.plan("tfplan")
    plan = work / "plan.json"
    plan.write_text(json.dumps(terraform.show_json("tfplan")))
    (work / "security").mkdir()
    (work / "security" / "policy.yml").write_text(POLICY)
    return plan


@pytest.fixture(scope="module")
def oidc_report(oidc_plan: Path) -> dict:
    result = run_cli("gate", "--plan", "plan.json", "--format", "json", "--repo-root", str(oidc_plan.parent),
                     env={"PIPELINE_TOOLS_CHECKOV": locate_checkov(REPO_ROOT)}, cwd=oidc_plan.parent)
    assert result.returncode == 1, result.stderr
    return json.loads(result.stdout)


def _rules_by_role(report: dict) -> dict[str, set[str]]:
    rules: dict[str, set[str]] = {}
    for finding in report["findings"]:
        if finding["rule"].startswith("gate/oidc"):
            rules.setdefault(finding["resource"], set()).add(finding["rule"])
    return rules


@pytest.mark.parametrize(("role", "expected"), [
    ('aws_iam_role.variant["legacy-env-apply"]', set()),
    ('aws_iam_role.variant["immutable-env-apply"]', set()),
    ('aws_iam_role.variant["custom-claims-apply"]', set()),
    ('aws_iam_role.variant["pull-request-plan"]', set()),
    ("aws_iam_role.from_variable", set()),
    ("aws_iam_role.ecs_tasks", set()),
    ('aws_iam_role.variant["org-wildcard-plan"]', {"gate/oidc-sub"}),
    ('aws_iam_role.variant["owner-wildcard-plan"]', {"gate/oidc-sub"}),
    ('aws_iam_role.variant["owner-prefix-plan"]', {"gate/oidc-sub"}),
    ('aws_iam_role.variant["any-aud-plan"]', {"gate/oidc-aud"}),
    ('aws_iam_role.variant["wrong-aud-plan"]', {"gate/oidc-aud"}),
    ("aws_iam_role.no_aud", {"gate/oidc-aud"}),
    ('aws_iam_role.variant["main-branch-apply"]', {"gate/oidc-apply-environment"}),
    ('aws_iam_role.variant["any-environment-apply"]', {"gate/oidc-apply-environment"}),
    ("aws_iam_role.tagged_apply", {"gate/oidc-apply-environment"}),
    ("aws_iam_role.literal_json", {"gate/oidc-sub"}),
    ("aws_iam_role.opaque_json", {"gate/oidc-unverifiable"}),
    ("aws_iam_role.unresolved_principal", {"gate/oidc-sub"}),
])
def test_trust_policy_variant(oidc_report, role, expected):
    assert _rules_by_role(oidc_report).get(role, set()) == expected


def test_findings_point_at_the_plan_and_block(oidc_report):
    oidc = [f for f in oidc_report["findings"] if f["rule"].startswith("gate/oidc")]
    assert oidc and all(f["file"] == "plan.json" and f["blocking"] for f in oidc)
    assert all(f["tool"] == "pipeline-tools" and f["category"] == "terraform_plan" for f in oidc)


def test_checkov_on_the_same_plan_misses_them(oidc_report):
    """checkov really scanned the plan, yet its OIDC checks flag none of the wildcard subjects."""
    assert oidc_report["scanned"]["checkov/terraform_plan"] > 0
    checkov_oidc = {f["resource"] for f in oidc_report["findings"]
                    if f["tool"] == "checkov" and f["rule_id"] in {"CKV_AWS_358", "CKV_AWS_393"}}
    ours = {role for role, rules in _rules_by_role(oidc_report).items() if "gate/oidc-sub" in rules}
    assert ours - checkov_oidc == ours
