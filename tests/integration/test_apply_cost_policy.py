"""The cost policy enforced at apply time by ``pipeline-tools apply check``
(docs/cost.md#enforced-at-apply-time).

Real parts end to end: terraform plans tests/tf/cost_policy (NAT gateways with their Elastic IPs)
against the local AWS emulator; ``plan cost`` prices that plan; the real ``plan comment`` posts it
(with a real passing gate result) to the GitHub stand-in over HTTP, recording the monthly change in
its marker; reviews and labels are set on the stand-in as GitHub would; ``apply check`` reads them
back with PyGithub over HTTP and decides. The expected change is a hand calculation from the
shipped us-east-1 snapshot.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline_tools.comment import MARKER_PREFIX
from pipeline_tools.cost.model import cents
from pipeline_tools.cost.prices import shipped_snapshot
from pipeline_tools.integrations.terraform import Terraform, terraform_env
from pipeline_tools.local.emulator import Emulator
from tests.conftest import FIXTURES, REPO_ROOT, assert_one_line_error, run_cli
from tests.support.github_standin import GitHubStandin

pytestmark = pytest.mark.terraform

ROOT = REPO_ROOT / "tests" / "tf" / "cost_policy"
REPO = "acme/infra"
HEAD = "c" * 40
QUIET = {"PIPELINE_TOOLS_FINGERPRINT_KEY": "", "PIPELINE_TOOLS_TRUSTED_AUTHOR": "",
         "GITHUB_STEP_SUMMARY": "", "GITHUB_EVENT_PATH": "", "GITHUB_RUN_ID": "", "GITHUB_SHA": ""}
P = shipped_snapshot("us-east-1").prices
# Two NAT gateways, each with its Elastic IP (one public IPv4 address), 730 hours a month.
TWO_NATS = 2 * (cents(P["nat_gateway.hour"] * 730) + cents(P["public_ipv4.hour"] * 730))
POLICY = """\
cost:
  label: cost-approved
  approvers: [finance-lead]
  environments:
    dev: {max_monthly_increase: "50.00", approvers: [carol]}
    staging: {max_monthly_increase: "500.00"}
"""


@pytest.fixture(scope="module")
def artifacts(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """The plan of two NAT gateways, its ``plan cost`` JSON, a passing gate report and the policy."""
    emulator.reset()
    work = tmp_path_factory.mktemp("cost-policy")
    for tf_file in ROOT.glob("*.tf"):
        shutil.copy(tf_file, work / tf_file.name)
    terraform = Terraform(work, env=terraform_env(emulator.env()))
    terraform.init(backend=False)
    terraform.plan(work / "nat.tfplan", "-var=nat_gateways=2")
    plan = work / "plan.json"
    plan.write_text(json.dumps(terraform.show_json(work / "nat.tfplan")), encoding="utf-8")
    cost = run_cli("plan", "cost", str(plan), "--format", "json")
    assert cost.returncode == 0, cost.stderr
    (work / "cost.json").write_text(cost.stdout, encoding="utf-8")

    # A real gate result that passes: the gate over tfsec's real report with only its LOW findings.
    report = json.loads((FIXTURES / "scanners" / "tfsec_v1.28.14_aws_results.json").read_text())
    (work / "security").mkdir()
    (work / "security" / "policy.yml").write_text(
        "default_environment: dev\nenvironments:\n  dev: {fail_at: MEDIUM}\nseverity: {}\n")
    (work / "tfsec.json").write_text(json.dumps({**report, "results": [
        r for r in report["results"] if r["severity"] == "LOW"]}))
    gate = run_cli("gate", "--tfsec-json", "tfsec.json", "--env", "dev", "--json-out", "gate.json",
                   "--repo-root", str(work), "--today", "2026-11-22", cwd=work)
    assert json.loads((work / "gate.json").read_text())["verdict"] == "pass", gate.stderr

    (work / "cost-policy.yml").write_text(POLICY, encoding="utf-8")
    yield {"plan": plan, "cost": work / "cost.json", "gate": work / "gate.json",
           "policy": work / "cost-policy.yml"}
    shutil.rmtree(work, ignore_errors=True)


def env_for(standin: GitHubStandin) -> dict[str, str]:
    return {**QUIET, "GITHUB_TOKEN": standin.token, "GITHUB_API_URL": standin.base_url}


def merged_pr(standin: GitHubStandin, files: dict[str, Path], *, with_cost: bool = True,
              labels: tuple[str, ...] = ()) -> tuple[int, str]:
    """A pull request planned by the pipeline (gate passed, cost recorded unless not ``with_cost``),
    approved by an ordinary reviewer, merged; (number, merge sha)."""
    if REPO not in standin.repos:
        standin.add_repo(REPO)
    number = standin.add_pull(REPO, head_sha=HEAD, labels=labels)
    cost = ["--cost", "dev", str(files["cost"])] if with_cost else []
    posted = run_cli("plan", "comment", "--repo", REPO, "--pr", str(number), "--env", "dev",
                     str(files["plan"]), "--gate", "dev", str(files["gate"]), *cost, env=env_for(standin))
    assert posted.returncode == 0, posted.stderr
    standin.add_review(REPO, number, login="reviewer", state="APPROVED")
    return number, standin.merge_pull(REPO, number)


def check(standin: GitHubStandin, sha: str, policy: Path, env: str = "dev"):
    return run_cli("apply", "check", "--repo", REPO, "--env", env, "--sha", sha, "--policy", str(policy),
                   env=env_for(standin))


def test_the_plan_comment_records_the_monthly_change_the_report_computed(github_standin, artifacts):
    assert json.loads(artifacts["cost"].read_text())["monthly"]["delta"] == f"{TWO_NATS:.2f}"
    number, _ = merged_pr(github_standin, artifacts)
    [comment] = [c for c in github_standin.comments(REPO, number) if c["body"].startswith(MARKER_PREFIX)]
    assert f"cost:dev={TWO_NATS:.2f}" in comment["body"].splitlines()[0]


def test_an_increase_above_the_limit_is_refused_with_environment_delta_limit_and_remedy(
        github_standin, artifacts):
    assert Decimal("50.00") < TWO_NATS  # the plan is over dev's limit
    _, sha = merged_pr(github_standin, artifacts)
    refused = check(github_standin, sha, artifacts["policy"])
    assert_one_line_error(refused, code=1)
    assert (f"cost policy: dev: monthly cost increases by {TWO_NATS:.2f}, above the limit of 50.00; it "
            f"needs the label 'cost-approved' or an approval from carol") in refused.stderr
    # everything else was met: the cost is the only reason
    assert "ok: security gate passed for dev" in refused.stdout
    assert "ok: approved by reviewer" in refused.stdout
    assert refused.stdout.count("NOT MET:") == 1


def test_the_label_accepts_the_increase(github_standin, artifacts):
    number, sha = merged_pr(github_standin, artifacts, labels=("cost-approved",))
    ok = check(github_standin, sha, artifacts["policy"])
    assert ok.returncode == 0, ok.stderr
    assert "accepted by the label 'cost-approved'" in ok.stdout
    assert f"pull request #{number} may be applied to dev" in ok.stdout


def test_an_owner_approval_accepts_it_but_not_anyone_elses_nor_a_stale_one(github_standin, artifacts):
    number, sha = merged_pr(github_standin, artifacts)
    # An approval by someone not named for dev (the default approver is replaced by dev's own) ...
    github_standin.add_review(REPO, number, login="finance-lead", state="APPROVED")
    # ... and the owner's approval of an earlier commit, which showed another cost, do not count.
    github_standin.add_review(REPO, number, login="carol", state="APPROVED", commit_id="e" * 40)
    refused = check(github_standin, sha, artifacts["policy"])
    assert_one_line_error(refused, code=1)
    assert "needs the label 'cost-approved' or an approval from carol" in refused.stderr

    github_standin.add_review(REPO, number, login="Carol", state="APPROVED")
    ok = check(github_standin, sha, artifacts["policy"])
    assert ok.returncode == 0, ok.stderr
    assert "above the limit of 50.00; approved by carol" in ok.stdout


def test_no_recorded_cost_fails_closed_where_there_is_a_limit(github_standin, artifacts):
    number, sha = merged_pr(github_standin, artifacts, with_cost=False)
    refused = check(github_standin, sha, artifacts["policy"])
    assert_one_line_error(refused, code=1)
    assert ("cost policy: dev: no monthly cost change was recorded for its plan, so it cannot be checked "
            "against the limit of 50.00; it needs the label 'cost-approved' or an approval from carol"
            ) in refused.stderr
    github_standin.add_review(REPO, number, login="carol", state="APPROVED")
    assert check(github_standin, sha, artifacts["policy"]).returncode == 0


def test_a_forged_cost_in_someone_elses_comment_is_not_trusted(github_standin, artifacts):
    number, sha = merged_pr(github_standin, artifacts)
    [ours] = [c for c in github_standin.comments(REPO, number) if c["body"].startswith(MARKER_PREFIX)]
    forged = ours["body"].replace(f"cost:dev={TWO_NATS:.2f}", "cost:dev=1.00")
    assert forged != ours["body"]
    github_standin.add_comment(REPO, number, forged, login="mallory")
    refused = check(github_standin, sha, artifacts["policy"])
    assert_one_line_error(refused, code=1)
    assert f"monthly cost increases by {TWO_NATS:.2f}" in refused.stderr


def test_within_the_limit_or_without_a_limit_the_cost_is_met(github_standin, artifacts, tmp_path):
    _, sha = merged_pr(github_standin, artifacts)
    roomy = tmp_path / "roomy.yml"
    roomy.write_text("cost:\n  environments:\n    dev: {max_monthly_increase: \"500.00\"}\n")
    ok = check(github_standin, sha, roomy)
    assert ok.returncode == 0, ok.stderr
    assert f"ok: cost policy: dev: monthly change +{TWO_NATS:.2f} is within the limit of 500.00" in ok.stdout
    unlimited = tmp_path / "unlimited.yml"
    unlimited.write_text("cost:\n  environments:\n    prod: {max_monthly_increase: \"1.00\"}\n")
    ok = check(github_standin, sha, unlimited)
    assert ok.returncode == 0, ok.stderr
    assert "cost policy" not in ok.stdout


def test_plan_verify_checked_does_not_count_a_pull_request_over_the_limit(github_standin, artifacts):
    number, _ = merged_pr(github_standin, artifacts)
    args = ["plan", "verify", str(artifacts["plan"]), "--env", "dev", "--repo", REPO, "--pr", str(number),
            "--checked", "--policy", str(artifacts["policy"])]
    refused = run_cli(*args, env=env_for(github_standin))
    assert_one_line_error(refused, code=1)
    assert (f"pull request #{number} does not count: cost policy: dev: monthly cost increases"
            in refused.stderr)
    github_standin.add_review(REPO, number, login="carol", state="APPROVED")
    assert run_cli(*args, env=env_for(github_standin)).returncode == 0


def test_a_bad_policy_is_bad_input_before_github_is_asked(github_standin, tmp_path):
    github_standin.add_repo(REPO)
    bad = tmp_path / "bad.yml"
    bad.write_text("cost:\n  environments:\n    dev: {max_monthly_increase: lots}\n")
    for policy in (bad, tmp_path / "missing.yml"):
        result = check(github_standin, HEAD, policy)
        assert_one_line_error(result, code=2)
    assert github_standin.requests == []  # refused before any request reached GitHub


def test_without_policy_the_working_directory_s_security_policy_applies(github_standin, artifacts, tmp_path):
    """The apply workflow runs `apply check` at the root of the checked-out commit: its own
    security/policy.yml is the policy (here a copy of the test policy)."""
    _, sha = merged_pr(github_standin, artifacts)
    (tmp_path / "security").mkdir()
    shutil.copy(artifacts["policy"], tmp_path / "security" / "policy.yml")
    args = ["apply", "check", "--repo", REPO, "--env", "dev", "--sha", sha]
    refused = run_cli(*args, env=env_for(github_standin), cwd=tmp_path)
    assert_one_line_error(refused, code=1)
    assert "above the limit of 50.00" in refused.stderr
    (tmp_path / "security" / "policy.yml").unlink()
    ok = run_cli(*args, env=env_for(github_standin), cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "note: no security/policy.yml here: no cost limits are enforced" in ok.stdout
