"""``pipeline-tools gate`` with real checkov runs on small, deliberately insecure Terraform.

checkov starts in ~2 s or more, so the behaviours share one tree and one gate run where they can
(each queue/bucket below is one case); the fail-closed cases need a run each.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from pipeline_tools.gate.model import fingerprint
from pipeline_tools.gate.scanners.checkov_run import locate_checkov
from tests.support.cli import CliResult, assert_one_line_error, run_cli
from tests.support.paths import REPO_ROOT

# Every test here runs the real checkov (slow): `make test-fast` leaves them out.
pytestmark = pytest.mark.checkov

TODAY = "2026-11-22"
QUEUE_RULE = "aws-sqs-enable-queue-encryption"  # checkov CKV_AWS_27
QUEUES = "infra/queues/main.tf"

POLICY = """\
# Test policy: prod fails at MEDIUM, dev at HIGH.
default_environment: prod
environments:
  dev: {fail_at: HIGH}
  prod: {fail_at: MEDIUM}
severity:
  CKV2_AWS_5: LOW
  CKV_AWS_27: MEDIUM
"""


def _checkov() -> str:
    return locate_checkov(REPO_ROOT)


def _queue(name: str, comment: str = "") -> str:
    skip = f"  # checkov:skip={comment}\n" if comment else ""
    return f'resource "aws_sqs_queue" "{name}" {{\n{skip}  name = "{name}"\n}}\n\n'


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def _baseline(*resources: str) -> str:
    entries = [
        {"fingerprint": fingerprint(QUEUE_RULE, QUEUES, r), "rule": QUEUE_RULE, "file": QUEUES, "resource": r}
        for r in resources
    ]
    return json.dumps({"version": 1, "findings": entries}, indent=2)


def _gate(repo: Path, *args: str, env: dict[str, str] | None = None) -> CliResult:
    full_env = {"PIPELINE_TOOLS_CHECKOV": _checkov(), **(env or {})}
    return run_cli("gate", *args, "--repo-root", str(repo), "--today", TODAY, env=full_env, cwd=repo)


@pytest.fixture(scope="module")
def insecure_repo(tmp_path_factory) -> Path:
    repo = tmp_path_factory.mktemp("gate-insecure")
    (repo / "security").mkdir()
    (repo / "security" / "policy.yml").write_text(POLICY)
    (repo / "security" / "exceptions.yml").write_text(
        textwrap.dedent("""\
        exceptions:
          - rule: aws-sqs-enable-queue-encryption
            resource: aws_sqs_queue.excepted
            justification: carries only public build events
            owner: platform-team
            expires: 2026-12-31
          - rule: CKV_AWS_27
            resource: aws_sqs_queue.stale_exception
            justification: was temporary
            owner: platform-team
            expires: 2026-10-01
        """)
    )
    (repo / "infra" / "network").mkdir(parents=True)
    (repo / "infra" / "network" / "main.tf").write_text(
        textwrap.dedent("""\
        resource "aws_security_group" "ssh" {
          name        = "allow-ssh"
          description = "SSH from anywhere"
          ingress {
            description = "ssh"
            from_port   = 22
            to_port     = 22
            protocol    = "tcp"
            cidr_blocks = ["0.0.0.0/0"]
          }
        }
        """)
    )
    (repo / "infra" / "queues").mkdir()
    (repo / QUEUES).write_text(
        _queue("plain")
        + _queue("excepted")
        + _queue("stale_exception")
        + _queue("legacy")
        + _queue("sneaky")
        + _queue("reasonless", "CKV_AWS_27")
        + _queue("justified", "CKV_AWS_27:fan-out of public events exp:2026-12-15")
        + _queue("expired_skip", "CKV_AWS_27:temporary exp:2026-11-01")
        + _queue("forever", "CKV_AWS_27:no expiry given")
    )
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "pr.yml").write_text(
        textwrap.dedent("""\
        name: pr
        on: pull_request
        jobs:
          echo:
            runs-on: ubuntu-latest
            steps:
              - run: echo "${{ github.event.pull_request.title }}"
        """)
    )
    # The baseline at the base commit knows one legacy queue; the change adds another entry.
    (repo / "security" / "baseline.json").write_text(_baseline("aws_sqs_queue.legacy"))
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    (repo / "security" / "baseline.json").write_text(
        _baseline("aws_sqs_queue.legacy", "aws_sqs_queue.sneaky")
    )
    return repo


@pytest.fixture(scope="module")
def insecure_run(insecure_repo: Path, tmp_path_factory) -> tuple[CliResult, dict]:
    # checkov options hidden in the environment or in ~/.checkov.yaml must not narrow the scan.
    home = tmp_path_factory.mktemp("home")
    (home / ".checkov.yaml").write_text("skip-check:\n  - CKV_AWS_24\n  - CKV_GHA_2\n")
    sneaky_env = {"CKV_SKIP_CHECK": "CKV_AWS_24,CKV_GHA_2", "CKV_FRAMEWORK": "secrets", "HOME": str(home)}
    result = _gate(
        insecure_repo,
        *("infra/network", "infra/queues", ".github/workflows", "--format", "json"),
        *("--baseline-base", "main", "--sarif-out", "gate.sarif", "--markdown-out", "gate.md"),
        env=sneaky_env,
    )
    return result, json.loads(result.stdout or "{}")


def _one(report: dict, **match) -> dict:
    found = [f for f in report["findings"] if all(f.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (match, found)
    return found[0]


def test_insecure_tree_fails_with_exit_1(insecure_run):
    result, report = insecure_run
    assert result.returncode == 1, result.stderr
    assert report["verdict"] == "fail" and report["fail_at"] == "MEDIUM"
    assert report["scanned"]["checkov/terraform"] == 10
    assert report["timings"]["checkov"] > 0


def test_open_security_group_blocks_under_its_canonical_name(insecure_run):
    _, report = insecure_run
    ssh = _one(report, rule="aws-ec2-no-public-ingress-sgr")
    assert ssh["reported_by"] == [{"tool": "checkov", "rule_id": "CKV_AWS_24"}]
    assert ssh["severity"] == "HIGH"  # unmapped checkov rule
    assert ssh["status"] == "failed" and ssh["blocking"]
    assert ssh["file"] == "infra/network/main.tf" and ssh["start_line"] == 1
    low = _one(report, rule="CKV2_AWS_5")
    assert low["severity"] == "LOW" and low["status"] == "failed" and not low["blocking"]


def test_queue_cases(insecure_run):
    _, report = insecure_run
    queue = {f["resource"].split(".")[-1]: f for f in report["findings"] if f["rule"] == QUEUE_RULE}
    assert queue["plain"]["status"] == "failed" and queue["plain"]["blocking"]
    assert queue["plain"]["severity"] == "MEDIUM"  # from the policy's severity map
    assert queue["excepted"]["status"] == "suppressed" and "platform-team" in queue["excepted"]["note"]
    assert queue["stale_exception"]["status"] == "failed"
    assert queue["legacy"]["status"] == "baselined" and not queue["legacy"]["blocking"]
    assert queue["justified"]["status"] == "suppressed"
    assert queue["reasonless"]["status"] == "failed"
    assert queue["expired_skip"]["status"] == "failed"
    assert queue["forever"]["status"] == "failed" and "no exp:" in queue["forever"]["note"]


def test_invalid_suppressions_and_baseline_growth_are_violations(insecure_run):
    _, report = insecure_run
    meta = {(f["rule"], f["resource"]) for f in report["findings"] if f["rule"].startswith("gate/")}
    assert ("gate/invalid-exception", "CKV_AWS_27") in meta  # the expired exception entry
    assert ("gate/invalid-suppression", "aws_sqs_queue.reasonless") in meta
    assert ("gate/invalid-suppression", "aws_sqs_queue.expired_skip") in meta
    grew = [f for f in report["findings"] if f["rule"] == "gate/baseline-grew"]
    assert len(grew) == 1 and "aws_sqs_queue.sneaky" in grew[0]["message"] and grew[0]["blocking"]
    assert not any(r == "aws_sqs_queue.forever" for _, r in meta)  # no expiry: ignored, not a violation


def test_workflows_are_scanned_in_the_same_run(insecure_run):
    _, report = insecure_run
    injection = _one(report, rule="gha-template-injection")
    assert injection["file"] == ".github/workflows/pr.yml" and injection["category"] == "github_actions"


def test_sarif_and_markdown_outputs(insecure_run, insecure_repo):
    sarif = json.loads((insecure_repo / "gate.sarif").read_text())
    runs = {run["automationDetails"]["id"]: run for run in sarif["runs"]}
    assert {
        "pipeline-tools-gate/checkov/terraform/",
        "pipeline-tools-gate/checkov/github_actions/",
        "pipeline-tools-gate/pipeline-tools/policy/",
    } <= set(runs)
    results = runs["pipeline-tools-gate/checkov/terraform/"]["results"]
    suppressed = [r for r in results if r.get("suppressions")]
    assert {r["suppressions"][0]["kind"] for r in suppressed} == {"inSource", "external"}
    assert any(r["baselineState"] == "unchanged" for r in results)
    markdown = (insecure_repo / "gate.md").read_text()
    assert markdown.startswith("### ❌ Security gate: failed (`prod`, fails at MEDIUM)")
    assert "`aws-ec2-no-public-ingress-sgr`" in markdown


def test_clean_tree_passes_and_dev_threshold(tmp_path):
    (tmp_path / "security").mkdir()
    (tmp_path / "security" / "policy.yml").write_text(POLICY)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.tf").write_text(
        textwrap.dedent("""\
        resource "aws_iam_role" "tasks" {
          name = "tasks"
          assume_role_policy = jsonencode({
            Version   = "2012-10-17"
            Statement = [{
              Effect    = "Allow"
              Action    = "sts:AssumeRole"
              Principal = { Service = "ecs-tasks.amazonaws.com" }
            }]
          })
        }
        """)
        + _queue("medium_only")
    )
    # The queue's finding is MEDIUM: it passes in dev (fails at HIGH) but would fail prod.
    result = _gate(tmp_path, "app", "--env", "dev", "--format", "markdown")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "✅ Security gate: passed (`dev`, fails at HIGH)" in result.stdout


def test_fail_closed_parse_error(tmp_path):
    (tmp_path / "security").mkdir()
    (tmp_path / "security" / "policy.yml").write_text(POLICY)
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "main.tf").write_text(_queue("fine"))
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "main.tf").write_text('resource "aws_s3_bucket" "x" {\n  bucket = "x"\n')
    result = _gate(tmp_path, "ok", "broken")
    assert_one_line_error(result, code=2)
    assert "could not parse 1 file(s): broken/main.tf" in result.stderr


def test_fail_closed_zero_resources_while_tf_files_exist(tmp_path):
    (tmp_path / "security").mkdir()
    (tmp_path / "security" / "policy.yml").write_text(POLICY)
    (tmp_path / "vars").mkdir()
    (tmp_path / "vars" / "variables.tf").write_text('variable "x" {\n  type = string\n}\n')
    result = _gate(tmp_path, "vars")
    assert_one_line_error(result, code=2)
    assert "zero Terraform resources" in result.stderr


def test_fail_closed_scanner_crash(tmp_path):
    """A wrapper makes the real checkov fail at start-up (bad option): no report is written."""
    (tmp_path / "security").mkdir()
    (tmp_path / "security" / "policy.yml").write_text(POLICY)
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "main.tf").write_text(_queue("fine"))
    wrapper = tmp_path / "checkov-broken"
    wrapper.write_text(f'#!/bin/sh\nexec "{_checkov()}" --no-such-option "$@"\n')
    wrapper.chmod(0o755)
    result = _gate(tmp_path, "ok", env={"PIPELINE_TOOLS_CHECKOV": str(wrapper)})
    assert_one_line_error(result, code=2)
    assert "checkov (paths) crashed or wrote no report (exit 2)" in result.stderr


def test_fail_closed_missing_path_and_missing_checkov(tmp_path):
    (tmp_path / "security").mkdir()
    (tmp_path / "security" / "policy.yml").write_text(POLICY)
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "main.tf").write_text(_queue("fine"))
    missing = _gate(tmp_path, "ok", "does-not-exist")
    assert_one_line_error(missing, code=2)
    assert "does-not-exist does not exist" in missing.stderr
    # Not configured, not on PATH, no .tools/checkov in the repository: refuse, never pass.
    no_checkov = run_cli(
        "gate",
        "ok",
        "--repo-root",
        str(tmp_path),
        cwd=tmp_path,
        env={"PIPELINE_TOOLS_CHECKOV": "", "PATH": str(Path(shutil.which("git")).parent)},
    )
    assert_one_line_error(no_checkov, code=2)
    assert "checkov not found" in no_checkov.stderr
    bad = _gate(tmp_path, "ok", env={"PIPELINE_TOOLS_CHECKOV": str(tmp_path / "nope")})
    assert_one_line_error(bad, code=2)
    assert "is not an executable file" in bad.stderr


def test_checkov_config_file_in_a_scanned_directory_is_refused(tmp_path):
    (tmp_path / "security").mkdir()
    (tmp_path / "security" / "policy.yml").write_text(POLICY)
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text(_queue("plain"))
    (tmp_path / "infra" / ".checkov.yaml").write_text("soft-fail: true\nskip-check:\n  - CKV_AWS_27\n")
    result = _gate(tmp_path, "infra")
    assert_one_line_error(result, code=2)
    assert "infra/.checkov.yaml would change what checkov checks" in result.stderr
