"""The security gate's section inside the sticky plan comment (issue: "a markdown section that the
plan comment embeds"). The gate result is real: `pipeline-tools gate` over the real tfsec report
in tests/fixtures/scanners; the plans are terraform's own (tests/fixtures/plans)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.support.cli import assert_one_line_error
from tests.support.paths import FIXTURES

PLANS = FIXTURES / "plans" / "terraform-json"


def _gate_json(cli, tmp_path) -> str:
    repo = tmp_path / "repo"
    (repo / "security").mkdir(parents=True)
    (repo / "security" / "policy.yml").write_text(
        "default_environment: prod\nenvironments:\n  prod: {fail_at: MEDIUM}\nseverity: {}\n")
    shutil.copy(FIXTURES / "scanners" / "tfsec_v1.28.14_aws_results.json", repo / "tfsec.json")
    result = cli("gate", "--tfsec-json", "tfsec.json", "--env", "prod", "--json-out", "gate.json",
                 "--repo-root", str(repo), "--today", "2026-11-22", cwd=repo)
    assert result.returncode == 1, result.stderr  # the sample has blocking findings
    return str(repo / "gate.json")


def test_the_gate_section_follows_its_environments_plan(cli, tmp_path):
    gate = _gate_json(cli, tmp_path)
    verdict = json.loads(Path(gate).read_text())["verdict"]
    assert verdict == "fail"
    result = cli("plan", "comment", "--repo", "acme/infra", "--pr", "7", "--sha", "a" * 40, "--dry-run",
                 "--env", "dev", str(PLANS / "no_changes__plan.json"),
                 "--env", "prod", str(PLANS / "no_changes__plan.json"), "--gate", "prod", gate)
    assert result.returncode == 0, result.stderr
    body = result.stdout
    dev_section, prod_section = body.split("Terraform plan for `prod`", 1)
    # prod carries the gate's verdict and findings after its plan; dev, without a gate, does not.
    assert "Security gate" in prod_section and "aws-" in prod_section
    assert "Security gate" not in dev_section
    assert len(body) <= 65_536


def test_gate_for_an_unknown_environment_is_bad_input(cli, tmp_path):
    gate = _gate_json(cli, tmp_path)
    result = cli("plan", "comment", "--repo", "acme/infra", "--pr", "7", "--dry-run",
                 "--env", "dev", str(PLANS / "no_changes__plan.json"), "--gate", "prod", gate)
    assert_one_line_error(result)


def test_gate_file_that_is_not_a_gate_report_is_bad_input(cli, tmp_path):
    result = cli("plan", "comment", "--repo", "acme/infra", "--pr", "7", "--dry-run",
                 "--env", "dev", str(PLANS / "no_changes__plan.json"),
                 "--gate", "dev", str(PLANS / "no_changes__plan.json"))
    assert_one_line_error(result)
