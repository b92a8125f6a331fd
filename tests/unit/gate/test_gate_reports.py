"""The gate on real reports from tfsec, trivy, zizmor, actionlint and checkov (tests/fixtures/scanners/).

No scanner runs here: these are the tools' real outputs, copied with provenance. The CLI tests give
the gate only reports (no PATH), so checkov is not started either.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from pipeline_tools.core.errors import InputError
from pipeline_tools.gate.evaluate import GateInputs, evaluate
from pipeline_tools.gate.model import Severity, Status
from pipeline_tools.gate.paths import PathResolver
from pipeline_tools.gate.policy import parse_policy
from pipeline_tools.gate.rules import default_table
from pipeline_tools.gate.scanners.checkov_json import decode_documents, parse_checkov
from pipeline_tools.gate.scanners.inline_comments import InlineCommentReader
from pipeline_tools.gate.scanners.sarif_in import parse_sarif
from pipeline_tools.gate.scanners.tfsec_json import parse_tfsec
from pipeline_tools.gate.scanners.trivy_json import parse_trivy
from tests.support.cli import assert_one_line_error
from tests.support.paths import FIXTURES

SCANNERS = FIXTURES / "scanners"
TODAY = date(2026, 11, 22)
POLICY = {
    "default_environment": "prod",
    "environments": {"dev": {"fail_at": "HIGH"}, "prod": {"fail_at": "MEDIUM"}},
}


def _load(name: str):
    return json.loads((SCANNERS / name).read_text())


@pytest.fixture
def resolve(tmp_path: Path) -> PathResolver:
    return PathResolver(tmp_path)


def _tfsec(name: str, resolve: PathResolver, root: Path):
    return parse_tfsec(
        _load(name), resolve=resolve, table=default_table(), inline=InlineCommentReader(root).find
    )


def test_tfsec_json_keeps_its_severities_and_canonical_names(resolve, tmp_path):
    findings = _tfsec("tfsec_v1.28.14_aws_results.json", resolve, tmp_path)
    assert len(findings) == 19
    ingress = next(f for f in findings if f.rule_id == "AVD-AWS-0107")
    assert ingress.canonical_rule == "aws-ec2-no-public-ingress-sgr"
    assert ingress.severity is Severity.CRITICAL
    assert ingress.resource == "aws_security_group.app_sg"
    # An absolute path from the machine that ran tfsec becomes repository-relative.
    assert ingress.file == "terraform/main.tf"
    assert {f.severity for f in findings} == {Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL}


def test_same_rule_twice_on_one_resource_counts_once(resolve, tmp_path):
    findings = _tfsec("tfsec_v1.28.14_webserver_results.json", resolve, tmp_path)
    assert sum(f.rule_id == "AVD-AWS-0107" for f in findings) == 2  # two open ingress rules
    result = evaluate(
        GateInputs(findings=findings, policy=parse_policy(POLICY), environment="prod", today=TODAY)
    )
    assert sum(f.canonical_rule == "aws-ec2-no-public-ingress-sgr" for f in result.findings) == 1


def test_tfsec_sarif_uses_long_ids_and_levels(resolve):
    findings = parse_sarif(_load("tfsec_v1.28.14_aws_results.sarif"), resolve=resolve, table=default_table())
    assert len(findings) == 19 and {f.tool for f in findings} == {"tfsec"}
    ingress = next(f for f in findings if f.rule_id == "aws-ec2-no-public-ingress-sgr")
    assert ingress.canonical_rule == "aws-ec2-no-public-ingress-sgr"
    # tfsec's SARIF folds CRITICAL into "error": the JSON report is the better source.
    assert ingress.severity is Severity.HIGH


def test_trivy_rule_ids_before_and_after_v0_69_are_the_same_rule(resolve):
    old = parse_trivy(
        _load("trivy_pre_v0.69_terraform-remote-module.json.golden"), resolve=resolve, table=default_table()
    )
    new = parse_trivy(
        _load("trivy_v0.69plus_terraform-remote-module.json.golden"), resolve=resolve, table=default_table()
    )
    assert {f.rule_id for f in old} >= {"AVD-AWS-0089"} and {f.rule_id for f in new} >= {"AWS-0089"}
    assert {f.canonical_rule for f in new} <= {f.canonical_rule for f in old}
    logging_old = next(f for f in old if f.canonical_rule == "aws-s3-enable-bucket-logging")
    logging_new = next(f for f in new if f.canonical_rule == "aws-s3-enable-bucket-logging")
    assert logging_old.fingerprint == logging_new.fingerprint
    assert logging_new.severity is Severity.LOW and logging_new.resource == "module.bucket"


def test_tfsec_and_checkov_on_the_same_code_merge_at_the_higher_severity(tmp_path):
    """checkov 3.2.510 and tfsec 1.28.14 ran on the same public repository (see SOURCES.md)."""
    (tmp_path / "terraform").mkdir()
    (tmp_path / "terraform" / "main.tf").write_text("# stand-in so both foreign paths resolve here\n")
    resolve = PathResolver(tmp_path)
    checkov = parse_checkov(
        decode_documents((SCANNERS / "checkov_3.2.510_results.json").read_text(), "x"),
        resolve=resolve,
        table=default_table(),
    )
    assert {f.severity for f in checkov.findings} == {None}  # offline checkov: no severities at all
    tfsec = _tfsec("tfsec_v1.28.14_aws_results.json", resolve, tmp_path)
    result = evaluate(
        GateInputs(
            findings=checkov.findings + tfsec, policy=parse_policy(POLICY), environment="prod", today=TODAY
        )
    )
    ingress = [f for f in result.findings if f.canonical_rule == "aws-ec2-no-public-ingress-sgr"]
    assert len(ingress) == 1
    assert set(ingress[0].reported_by) == {("checkov", "CKV_AWS_24"), ("tfsec", "AVD-AWS-0107")}
    assert ingress[0].severity is Severity.CRITICAL and ingress[0].file == "terraform/main.tf"
    # A checkov rule the policy does not map counts as HIGH, not as "no severity".
    unmapped = next(f for f in result.findings if f.reported_by == [("checkov", "CKV_AWS_126")])
    assert unmapped.severity is Severity.HIGH and unmapped.blocking


def test_zizmor_sarif_brings_severity_and_workflow_location(resolve):
    findings = parse_sarif(_load("zizmor_1.32.0_bad_workflow.sarif"), resolve=resolve, table=default_table())
    assert len(findings) == 9 and {f.tool for f in findings} == {"zizmor"}
    artipacked = next(f for f in findings if f.rule_id == "zizmor/artipacked")
    assert artipacked.severity is Severity.MEDIUM  # zizmor/severity, not the SARIF level
    assert artipacked.resource == "jobs.plan.steps[0]"
    assert artipacked.file == "gha_bad/.github/workflows/terraform-bad.yml"
    assert artipacked.category == "github_actions"
    injection = [f for f in findings if f.canonical_rule == "gha-template-injection"]
    assert injection and all(f.severity is Severity.HIGH for f in injection)
    # Three different unpinned actions stay three findings.
    result = evaluate(
        GateInputs(findings=findings, policy=parse_policy(POLICY), environment="prod", today=TODAY)
    )
    assert sum(f.canonical_rule == "gha-unpinned-uses" for f in result.findings) == 3


def test_actionlint_has_no_severity_so_the_policy_decides(resolve):
    findings = parse_sarif(
        _load("actionlint_v1.7.12_testdata_test.sarif"), resolve=resolve, table=default_table()
    )
    assert [f.tool for f in findings] == ["actionlint"] * 3
    assert {f.severity for f in findings} == {None}
    policy = parse_policy({**POLICY, "severity": {"syntax-check": "LOW"}})
    result = evaluate(GateInputs(findings=findings, policy=policy, environment="prod", today=TODAY))
    by_rule = {f.rule_id: f for f in result.findings}
    assert by_rule["syntax-check"].severity is Severity.LOW and not by_rule["syntax-check"].blocking
    assert by_rule["expression"].severity is Severity.HIGH and by_rule["expression"].blocking  # unmapped
    # Two syntax-check results on different lines are different findings (told apart by message).
    assert sum(f.rule_id == "syntax-check" for f in result.findings) == 2


def test_checkov_inline_skip_reason_is_read_from_its_report(resolve):
    scan = parse_checkov(
        decode_documents((SCANNERS / "checkov_3.3.30_tf_fail.json").read_text(), "x"),
        resolve=resolve,
        table=default_table(),
    )
    skipped = [f for f in scan.findings if f.inline_skip]
    assert len(skipped) == 1
    assert skipped[0].inline_skip.reason.startswith("Queue carries only non-sensitive build events")
    assert skipped[0].inline_skip.expires is None
    # A reason but no exp: the skip does not count; the finding fails (it is HIGH: unmapped).
    result = evaluate(
        GateInputs(findings=scan.findings, policy=parse_policy(POLICY), environment="prod", today=TODAY)
    )
    queue = next(f for f in result.findings if f.rule_id == "CKV_AWS_27")
    assert queue.status is Status.FAILED and queue.blocking and "no exp:" in queue.note
    assert scan.resource_counts == {"terraform": 6}


def test_tfsec_ignored_findings_are_judged_by_their_comment(tmp_path):
    """tfsec marks ignored results with status 2; the reason and expiry come from the source comment."""
    document = _load("tfsec_v1.28.14_webserver_results.json")
    source = tmp_path / "main.tf"
    lines = ["# line"] * 200
    first, second, third = document["results"][0], document["results"][1], document["results"][2]
    first["status"] = second["status"] = third["status"] = 2  # third: no comment anywhere
    line_one, line_two = first["location"]["start_line"], second["location"]["start_line"]
    lines[line_one - 2] = (
        f"  # tfsec:ignore:{first['long_id']}:exp:2026-12-15 demo instance, torn down nightly"
    )
    lines[line_two - 2] = f"  # tfsec:ignore:{second['long_id']}"
    source.write_text("\n".join(lines) + "\n")
    for result in document["results"]:
        result["location"]["filename"] = str(source)
    findings = parse_tfsec(
        document,
        resolve=PathResolver(tmp_path),
        table=default_table(),
        inline=InlineCommentReader(tmp_path).find,
    )
    skip_one = next(f for f in findings if f.rule_id == first["rule_id"]).inline_skip
    assert skip_one.reason == "demo instance, torn down nightly" and skip_one.expires == date(2026, 12, 15)
    result = evaluate(
        GateInputs(findings=findings, policy=parse_policy(POLICY), environment="prod", today=TODAY)
    )
    assert next(f for f in result.findings if f.rule_id == first["rule_id"]).status is Status.SUPPRESSED
    violations = [f for f in result.findings if f.rule_id == "gate/invalid-suppression"]
    assert len(violations) == 2 and all(f.blocking for f in violations)
    assert {second["rule_id"], third["rule_id"]} == {
        rule for rule in (second["rule_id"], third["rule_id"]) for f in violations if rule in f.message
    }


def _reports_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "security").mkdir(parents=True)
    (repo / "security" / "policy.yml").write_text(
        "default_environment: prod\nenvironments:\n  dev: {fail_at: HIGH}\n  prod: {fail_at: MEDIUM}\n"
    )
    for name in (
        "tfsec_v1.28.14_aws_results.json",
        "trivy_v0.69plus_terraform-remote-module.json.golden",
        "zizmor_1.32.0_bad_workflow.sarif",
        "actionlint_v1.7.12_testdata_test.sarif",
    ):
        shutil.copy(SCANNERS / name, repo / name)
    return repo


def test_cli_merges_all_report_kinds_into_json_and_sarif(cli, tmp_path):
    repo = _reports_repo(tmp_path)
    result = cli(
        "gate",
        "--tfsec-json",
        "tfsec_v1.28.14_aws_results.json",
        "--trivy-json",
        "trivy_v0.69plus_terraform-remote-module.json.golden",
        "--sarif",
        "zizmor_1.32.0_bad_workflow.sarif",
        "--sarif",
        "actionlint_v1.7.12_testdata_test.sarif",
        "--format",
        "json",
        "--sarif-out",
        "merged.sarif",
        "--repo-root",
        str(repo),
        "--today",
        "2026-11-22",
        cwd=repo,
    )
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["verdict"] == "fail" and report["environment"] == "prod"
    tools = {f["tool"] for f in report["findings"]}
    assert tools == {"tfsec", "trivy", "zizmor", "actionlint"}
    for finding in report["findings"]:
        assert {"rule", "severity", "file", "resource", "status"} <= finding.keys()
        assert finding["status"] in {"failed", "suppressed", "baselined"}
    sarif = json.loads((repo / "merged.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    ids = [run["automationDetails"]["id"] for run in sarif["runs"]]
    assert len(ids) == len(set(ids)) == 4  # one run per tool and category
    for run in sarif["runs"]:
        rules = run["tool"]["driver"]["rules"]
        assert all("security-severity" in r["properties"] for r in rules)
        for res in run["results"]:
            assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
            assert res["partialFingerprints"]["pipelineToolsFinding/v1"]
            assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]


def test_cli_dev_threshold_lets_medium_through(cli, tmp_path):
    repo = _reports_repo(tmp_path)
    (repo / "medium.json").write_text(
        json.dumps(
            {
                "results": [
                    r
                    for r in json.loads((repo / "tfsec_v1.28.14_aws_results.json").read_text())["results"]
                    if r["severity"] in {"MEDIUM", "LOW"}
                ]
            }
        )
    )
    dev = cli("gate", "--tfsec-json", "medium.json", "--env", "dev", "--repo-root", str(repo), cwd=repo)
    prod = cli("gate", "--tfsec-json", "medium.json", "--env", "prod", "--repo-root", str(repo), cwd=repo)
    assert dev.returncode == 0, dev.stdout + dev.stderr
    assert "PASS" in dev.stdout
    assert prod.returncode == 1 and "BLOCK MEDIUM" in prod.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--sarif", "checkov_3.2.510_stdout_misnamed_as_sarif.txt"], "is not JSON"),
        (["--tfsec-json", "missing.json"], "does not exist"),
        (["--tfsec-json", "zizmor_1.32.0_bad_workflow.sarif"], "not a tfsec JSON report"),
        (["--sarif", "tfsec_v1.28.14_aws_results.json"], "not a SARIF log"),
        (
            ["--tfsec-json", "tfsec_v1.28.14_aws_results.json", "--env", "qa"],
            "environment 'qa' is not in the policy",
        ),
    ],
)
def test_cli_unusable_reports_fail_closed(cli, tmp_path, args, expected):
    repo = _reports_repo(tmp_path)
    shutil.copy(SCANNERS / "checkov_3.2.510_stdout_misnamed_as_sarif.txt", repo)
    shutil.copy(SCANNERS / "tfsec_v1.28.14_aws_results.json", repo)
    result = cli("gate", *args, "--repo-root", str(repo), cwd=repo)
    assert_one_line_error(result, code=2)
    assert expected in result.stderr


def test_cli_github_actions_annotations(cli, tmp_path):
    repo = _reports_repo(tmp_path)
    result = cli(
        "gate",
        "--sarif",
        "zizmor_1.32.0_bad_workflow.sarif",
        "--format",
        "markdown",
        "--repo-root",
        str(repo),
        env={"GITHUB_ACTIONS": "true"},
        cwd=repo,
    )
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("::error ")]
    # Every zizmor finding blocks in prod (MEDIUM and up); an error annotation for each, with its line.
    assert len(errors) == 9
    assert errors[0].startswith("::error file=gha_bad/.github/workflows/terraform-bad.yml,line=")
    assert result.stdout.startswith("### ❌ Security gate: failed")  # the report alone, redirectable


def test_cli_write_baseline_then_only_new_findings_fail(cli, tmp_path):
    repo = _reports_repo(tmp_path)
    document = json.loads((repo / "tfsec_v1.28.14_aws_results.json").read_text())
    legacy = {"results": document["results"][:10]}
    (repo / "legacy.json").write_text(json.dumps(legacy))
    (repo / "all.json").write_text(json.dumps(document))
    (repo / "security" / "empty-baseline.json").write_text('{"version": 1, "findings": []}')
    written = cli(
        "gate", "--tfsec-json", "legacy.json", "--write-baseline", "--repo-root", str(repo), cwd=repo
    )
    assert written.returncode == 0, written.stderr
    baseline = json.loads((repo / "security" / "baseline.json").read_text())
    assert len(baseline["findings"]) == 10
    # The baseline file is picked up by default: the legacy findings pass.
    again = cli("gate", "--tfsec-json", "legacy.json", "--format", "json", "--repo-root", str(repo), cwd=repo)
    assert again.returncode == 0, again.stdout
    assert {f["status"] for f in json.loads(again.stdout)["findings"]} == {"baselined"}
    # New findings still fail.
    more = cli("gate", "--tfsec-json", "all.json", "--format", "json", "--repo-root", str(repo), cwd=repo)
    assert more.returncode == 1
    statuses = [f["status"] for f in json.loads(more.stdout)["findings"]]
    assert statuses.count("baselined") == 10 and statuses.count("failed") == 9
    # Compared with the older (empty) baseline, the one written above grew: a violation.
    grew = cli(
        "gate",
        "--tfsec-json",
        "legacy.json",
        "--baseline-old",
        "security/empty-baseline.json",
        "--format",
        "json",
        "--repo-root",
        str(repo),
        cwd=repo,
    )
    assert grew.returncode == 1
    assert sum(f["rule"] == "gate/baseline-grew" for f in json.loads(grew.stdout)["findings"]) == 10


def test_cli_malformed_baseline_is_refused_without_writing(cli, tmp_path):
    repo = _reports_repo(tmp_path)
    (repo / "security" / "baseline.json").write_text('{"version": 1, "findings": [{"rule": "x"}]}')
    result = cli(
        "gate",
        "--tfsec-json",
        "tfsec_v1.28.14_aws_results.json",
        "--sarif-out",
        "out.sarif",
        "--repo-root",
        str(repo),
        cwd=repo,
    )
    assert_one_line_error(result, code=2)
    assert "has no 'fingerprint'" in result.stderr
    assert not (repo / "out.sarif").exists()


def test_sarif_paths_relative_to_a_scanned_directory_become_repository_paths(tmp_path):
    (tmp_path / "environments" / "dev").mkdir(parents=True)
    (tmp_path / "environments" / "dev" / "main.tf").write_text("# scanned by tfsec from environments/dev\n")
    resolve = PathResolver(tmp_path, search_dirs=[tmp_path / "environments" / "dev"])
    findings = parse_sarif(_load("tfsec_v1.28.14_aws_results.sarif"), resolve=resolve, table=default_table())
    assert {f.file for f in findings} == {"environments/dev/main.tf"}


def test_cli_policy_with_a_duplicate_key_is_refused(cli, tmp_path):
    repo = _reports_repo(tmp_path)
    (repo / "security" / "policy.yml").write_text(
        "environments:\n  prod: {fail_at: MEDIUM}\nseverity:\n  CKV_AWS_24: CRITICAL\n  CKV_AWS_24: LOW\n"
    )
    result = cli(
        "gate", "--tfsec-json", "tfsec_v1.28.14_aws_results.json", "--repo-root", str(repo), cwd=repo
    )
    assert_one_line_error(result, code=2)
    assert "line 5: key 'CKV_AWS_24' appears twice" in result.stderr


def test_json_report_round_trips_for_rerendering_in_a_comment(cli, tmp_path):
    from pipeline_tools.gate.render import render_gate_markdown, result_from_dict

    repo = _reports_repo(tmp_path)
    result = cli(
        "gate",
        "--sarif",
        "zizmor_1.32.0_bad_workflow.sarif",
        "--format",
        "markdown",
        "--json-out",
        "gate.json",
        "--repo-root",
        str(repo),
        cwd=repo,
    )
    assert result.returncode == 1
    rebuilt = result_from_dict(json.loads((repo / "gate.json").read_text()))
    assert render_gate_markdown(rebuilt) == result.stdout
    assert len(render_gate_markdown(rebuilt, max_chars=800)) <= 800
    short = cli(
        "gate",
        "--sarif",
        "zizmor_1.32.0_bad_workflow.sarif",
        "--format",
        "markdown",
        "--max-chars",
        "900",
        "--repo-root",
        str(repo),
        cwd=repo,
    )
    assert short.returncode == 1 and len(short.stdout) <= 900 and "more findings not shown" in short.stdout


def test_checkov_report_decoding_fails_closed_and_reads_cumulative_documents():
    text = (SCANNERS / "checkov_3.2.510_stdout_misnamed_as_sarif.txt").read_text()
    with pytest.raises(InputError, match="checkov report is not JSON"):
        decode_documents(text, "checkov report")
    with pytest.raises(InputError, match="is empty"):
        decode_documents("  \n", "checkov report")
    # With several -d, checkov's stdout holds one cumulative document per directory: the last
    # report of each framework wins.
    report = json.loads((SCANNERS / "checkov_3.3.30_tf_fail.json").read_text())
    partial = {
        **report,
        "results": {**report["results"], "failed_checks": report["results"]["failed_checks"][:1]},
    }
    stream = json.dumps(partial) + "\n" + json.dumps([report])
    scan = parse_checkov(
        decode_documents(stream, "x"), resolve=PathResolver(Path(".")), table=default_table()
    )
    assert sum(not f.inline_skip for f in scan.findings) == len(report["results"]["failed_checks"])
    # An empty scan is a bare summary: no findings and no resources.
    empty = parse_checkov(
        decode_documents('{"passed": 0, "failed": 0, "resource_count": 0}', "x"),
        resolve=PathResolver(Path(".")),
        table=default_table(),
    )
    assert empty.findings == [] and empty.resource_counts == {}
