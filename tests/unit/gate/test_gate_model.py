"""The gate's pure model: suppressions on a fixed clock, exceptions, baseline, thresholds, rendering."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from pipeline_tools.core.errors import InputError
from pipeline_tools.gate.baseline import added_entries, baseline_document, parse_baseline
from pipeline_tools.gate.evaluate import GateInputs, evaluate
from pipeline_tools.gate.model import Finding, InlineSkip, Severity, Status
from pipeline_tools.gate.oidc import parse_subject
from pipeline_tools.gate.policy import parse_policy
from pipeline_tools.gate.render import render_gate_markdown, render_text
from pipeline_tools.gate.sarif_out import build_sarif
from pipeline_tools.gate.suppressions import parse_exceptions, parse_inline_comment
from tests.support.paths import FIXTURES

TODAY = date(2026, 11, 22)
POLICY = parse_policy(
    {
        "default_environment": "prod",
        "environments": {
            "dev": {"fail_at": "HIGH"},
            "staging": {"fail_at": "MEDIUM"},
            "prod": {"fail_at": "MEDIUM"},
        },
        "severity": {"CKV_AWS_18": "LOW", "CKV_AWS_21": "MEDIUM"},
    }
)


def _finding(
    rule_id: str = "CKV_AWS_21",
    resource: str = "aws_s3_bucket.logs",
    *,
    tool: str = "checkov",
    canonical: str | None = None,
    severity: Severity | None = None,
    skip: InlineSkip | None = None,
    file: str = "terraform/main.tf",
) -> Finding:
    return Finding(
        tool=tool,
        rule_id=rule_id,
        canonical_rule=canonical or rule_id,
        severity=severity,
        resource=resource,
        file=file,
        start_line=3,
        end_line=9,
        message=f"{rule_id} failed",
        category="terraform",
        inline_skip=skip,
    )


def _run(findings, *, env="prod", exceptions=None, baseline=None, previous=None, today=TODAY):
    inputs = GateInputs(
        findings=findings,
        policy=POLICY,
        environment=env,
        today=today,
        exceptions=parse_exceptions({"exceptions": exceptions}) if exceptions else [],
    )
    if baseline is not None:
        inputs.baseline = parse_baseline(baseline)
    if previous is not None:
        inputs.previous_baseline = parse_baseline(previous)
    return evaluate(inputs)


def _exception(**overrides):
    entry = {
        "rule": "CKV_AWS_21",
        "resource": "aws_s3_bucket.logs",
        "justification": "log bucket, versioning off",
        "owner": "platform-team",
        "expires": (TODAY + timedelta(days=30)).isoformat(),
    }
    entry.update(overrides)
    return {k: v for k, v in entry.items() if v is not None}


def test_thresholds_differ_per_environment():
    medium = _finding("CKV_AWS_21")  # mapped MEDIUM
    assert _run([medium], env="prod").verdict == "fail"
    assert _run([_finding("CKV_AWS_21")], env="dev").verdict == "pass"
    result = _run([_finding("CKV_AWS_18")], env="prod")  # mapped LOW
    assert result.verdict == "pass" and result.findings[0].status is Status.FAILED
    assert _run([_finding("CKV_AWS_999")], env="dev").verdict == "fail"  # unmapped = HIGH


def test_unknown_environment_is_bad_input():
    with pytest.raises(InputError, match="environment 'qa'"):
        _run([], env="qa")


def test_valid_exception_suppresses_by_rule_id_or_canonical_and_resource_or_path():
    result = _run([_finding()], exceptions=[_exception()])
    assert result.verdict == "pass" and result.findings[0].status is Status.SUPPRESSED
    assert "platform-team" in result.findings[0].note
    by_path = _run(
        [_finding(canonical="aws-s3-enable-versioning")],
        exceptions=[_exception(rule="aws-s3-enable-versioning", resource=None, path="terraform/*")],
    )
    assert by_path.verdict == "pass"
    other_resource = _run([_finding(resource="aws_s3_bucket.data")], exceptions=[_exception()])
    assert other_resource.verdict == "fail"


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"expires": (TODAY - timedelta(days=1)).isoformat()}, "expired on 2026-11-21"),
        ({"expires": (TODAY + timedelta(days=91)).isoformat()}, "more than 90 days away"),
        ({"expires": None}, "has no expiry"),
        ({"justification": "  "}, "has no justification"),
        ({"owner": None}, "has no owner"),
    ],
)
def test_invalid_exception_is_a_violation_and_suppresses_nothing(overrides, problem):
    # The finding itself is LOW (would pass); the broken exception alone fails the gate.
    result = _run([_finding("CKV_AWS_18")], exceptions=[_exception(rule="CKV_AWS_18", **overrides)])
    assert result.verdict == "fail"
    meta = [f for f in result.findings if f.rule_id == "gate/invalid-exception"]
    assert len(meta) == 1 and problem in meta[0].message and meta[0].file == "security/exceptions.yml"
    assert next(f for f in result.findings if f.rule_id == "CKV_AWS_18").status is Status.FAILED


def test_exception_on_the_last_valid_day_still_counts():
    assert _run([_finding()], exceptions=[_exception(expires=TODAY.isoformat())]).verdict == "pass"
    ninety = (TODAY + timedelta(days=90)).isoformat()
    assert _run([_finding()], exceptions=[_exception(expires=ninety)]).verdict == "pass"


@pytest.mark.parametrize(
    "bad",
    [
        {"exceptions": [{"resource": "x", "justification": "j", "owner": "o", "expires": "2026-12-01"}]},
        {"exceptions": [{"rule": "CKV_AWS_1", "justification": "j", "owner": "o", "expires": "2026-12-01"}]},
        {"exceptions": [{"rule": "CKV_AWS_1", "resource": "*", "owner": "o", "expires": "2026-12-01"}]},
        {"exceptions": [{"rule": "CKV_AWS_1", "resource": "x", "expires": "next week"}]},
        {"exceptions": [{"rule": "CKV_AWS_1", "resource": "x", "reviewer": "me"}]},
        {"exceptions": "all"},
    ],
)
def test_malformed_exceptions_file_is_bad_input(bad):
    with pytest.raises(InputError):
        parse_exceptions(bad)


def test_inline_skip_rules_on_a_fixed_clock():
    valid = parse_inline_comment("checkov:skip", "test bucket, deleted nightly exp:2026-12-31")
    assert valid.reason == "test bucket, deleted nightly" and valid.expires == date(2026, 12, 31)
    result = _run([_finding(skip=valid)])
    assert result.verdict == "pass" and result.findings[0].status is Status.SUPPRESSED
    # The same skip, judged after its date, is a violation itself and no longer suppresses.
    later = _run([_finding(skip=valid)], today=date(2027, 1, 1))
    rules = sorted(f.rule_id for f in later.findings)
    assert rules == ["CKV_AWS_21", "gate/invalid-suppression"] and later.verdict == "fail"
    assert "expired on 2026-12-31" in next(f.message for f in later.findings if f.rule_id.startswith("gate/"))


def test_reasonless_inline_skip_is_a_violation_even_for_a_low_finding():
    reasonless = parse_inline_comment("checkov:skip", "No comment provided")
    assert reasonless.reason == ""
    result = _run([_finding("CKV_AWS_18", skip=reasonless)])
    assert result.verdict == "fail"
    assert [f.rule_id for f in result.blocking] == ["gate/invalid-suppression"]


def test_inline_skip_without_expiry_does_not_count_unless_an_exception_matches():
    no_expiry = parse_inline_comment("checkov:skip", "legacy bucket")
    result = _run([_finding(skip=no_expiry)])
    assert result.verdict == "fail" and "no exp:" in result.findings[0].note
    assert not any(f.rule_id.startswith("gate/") for f in result.findings)  # not a violation in itself
    covered = _run(
        [_finding(skip=parse_inline_comment("checkov:skip", "No comment provided"))],
        exceptions=[_exception()],
    )
    assert covered.verdict == "pass" and covered.findings[0].status is Status.SUPPRESSED


def test_a_skip_seen_by_one_tool_does_not_hide_another_tools_report():
    skip = parse_inline_comment("checkov:skip", "reason exp:2026-12-01")
    checkov = _finding("CKV_AWS_21", canonical="aws-s3-enable-versioning", skip=skip)
    tfsec = _finding(
        "AVD-AWS-0090", tool="tfsec", canonical="aws-s3-enable-versioning", severity=Severity.MEDIUM
    )
    result = _run([checkov, tfsec])
    assert len(result.findings) == 1 and result.findings[0].status is Status.FAILED
    assert set(result.findings[0].reported_by) == {("checkov", "CKV_AWS_21"), ("tfsec", "AVD-AWS-0090")}


def test_baseline_only_new_findings_fail():
    old, new = _finding(resource="aws_s3_bucket.legacy"), _finding(resource="aws_s3_bucket.fresh")
    baseline = baseline_document([old])
    result = _run([old, new], baseline=baseline)
    statuses = {f.resource: f.status for f in result.findings}
    assert statuses == {"aws_s3_bucket.legacy": Status.BASELINED, "aws_s3_bucket.fresh": Status.FAILED}
    assert result.verdict == "fail"
    assert _run([old], baseline=baseline).verdict == "pass"


def test_fingerprint_ignores_line_numbers():
    moved = _finding(resource="aws_s3_bucket.legacy")
    moved.start_line, moved.end_line = 120, 130
    assert moved.fingerprint == _finding(resource="aws_s3_bucket.legacy").fingerprint


def test_baseline_may_only_shrink():
    a, b = _finding(resource="aws_s3_bucket.a"), _finding(resource="aws_s3_bucket.b")
    before, after = baseline_document([a]), baseline_document([a, b])
    assert [e["resource"] for e in added_entries(parse_baseline(after), parse_baseline(before))] == [
        "aws_s3_bucket.b"
    ]
    grew = _run([a, b], baseline=after, previous=before)
    assert grew.verdict == "fail"
    assert [f.rule_id for f in grew.blocking] == ["gate/baseline-grew"]
    shrunk = _run([a], baseline=before, previous=after)
    assert shrunk.verdict == "pass"


def test_stale_baseline_entries_are_reported():
    gone = _finding(resource="aws_s3_bucket.gone")
    result = _run([], baseline=baseline_document([gone]))
    assert result.verdict == "pass" and result.stale_baseline[0]["resource"] == "aws_s3_bucket.gone"
    assert "no longer found" in render_text(result)


def test_policy_validation():
    with pytest.raises(InputError, match="fail_at"):
        parse_policy({"environments": {"prod": {}}})
    with pytest.raises(InputError, match="URGENT"):
        parse_policy({"environments": {"prod": {"fail_at": "URGENT"}}})
    # No default declared: the strictest environment applies.
    assert (
        parse_policy(
            {"environments": {"dev": {"fail_at": "HIGH"}, "prod": {"fail_at": "LOW"}}}
        ).default_environment
        == "prod"
    )


LEGACY_AND_IMMUTABLE = [
    ("repo:example-org/infra:environment:prod", True, "prod"),
    ("repo:example-org@123456/infra@789012:environment:prod", True, "prod"),
    ("repo:example-org/infra:ref:refs/heads/main", True, None),
    ("repo:example-org/infra:*", True, None),  # wildcard only in the context
    ("repository_owner_id:123456:repository_id:789012:environment:prod", True, "prod"),
    ("repo:example-org/*", False, None),
    ("repo:example-org*", False, None),
    ("repo:*", False, None),
    ("*", False, None),
    ("environment:prod", False, None),
    ("repo:*/infra:ref:refs/heads/main", False, None),
    ("repo:example-org/infra-*:environment:prod", False, None),
    ("repo:example-org/infra:environment:*", True, None),
    ("repository_owner:example-org:environment:prod", False, None),
]


@pytest.mark.parametrize(("subject", "ok", "environment"), LEGACY_AND_IMMUTABLE)
def test_oidc_subject_variants(subject, ok, environment):
    parsed = parse_subject(subject)
    assert parsed.ok is ok, parsed.problem
    assert parsed.environment == environment


def test_oidc_subjects_checkov_gets_wrong():
    """Every sub value in checkov's real CKV_AWS_358 run, with checkov's verdict next to ours."""
    report = json.loads(
        (FIXTURES / "scanners" / "checkov_3.3.30_CKV_AWS_358_oidc_sub_variants.json").read_text()
    )
    verdicts = {}
    for outcome in ("passed_checks", "failed_checks"):
        for check in report["results"][outcome]:
            code = "".join(line for _, line in check["code_block"])
            for value in (
                json.loads("[" + code.split(':sub"')[1].split("[", 1)[1].split("]", 1)[0] + "]")
                if ':sub"' in code
                else []
            ):
                verdicts[value] = outcome == "passed_checks"
    assert verdicts["repo:example-org/*"] is True  # checkov accepts an org-wide wildcard
    assert (
        verdicts["repo:example-org@123456/infra@789012:environment:prod"] is False
    )  # and rejects the new form
    assert parse_subject("repo:example-org/*").ok is False
    assert parse_subject("repo:example-org@123456/infra@789012:environment:prod").ok is True


def test_markdown_section_respects_max_chars():
    findings = [_finding(resource=f"aws_s3_bucket.b{i}") for i in range(200)]
    result = _run(findings)
    full = render_gate_markdown(result, max_chars=1_000_000)
    assert full.count("aws_s3_bucket.b") == 200 and "❌ Security gate: failed" in full
    short = render_gate_markdown(result, max_chars=3000)
    assert len(short) <= 3000 and "more findings not shown" in short
    assert "200 blocking" in short
    assert len(render_gate_markdown(result, max_chars=50)) <= 50


def test_markdown_cells_cannot_break_the_table():
    finding = _finding(resource="aws_s3_bucket.a|b")
    finding.message = "line one\nline | two"
    text = render_gate_markdown(_run([finding]))
    row = next(line for line in text.splitlines() if "aws_s3_bucket" in line)
    assert "a\\|b" in row and row.count(" | ") >= 5


def test_sarif_suppressions_and_baseline_state():
    kept = parse_inline_comment("checkov:skip", "reason exp:2026-12-01")
    findings = [
        _finding(resource="aws_s3_bucket.s", skip=kept),
        _finding(resource="aws_s3_bucket.base"),
        _finding(resource="aws_s3_bucket.new"),
    ]
    result = _run(findings, baseline=baseline_document([findings[1]]))
    sarif = build_sarif(result)
    (run,) = sarif["runs"]
    by_resource = {r["message"]["text"].split("(")[-1].rstrip(")"): r for r in run["results"]}
    assert by_resource["aws_s3_bucket.s"]["suppressions"][0]["kind"] == "inSource"
    assert by_resource["aws_s3_bucket.base"]["baselineState"] == "unchanged"
    assert by_resource["aws_s3_bucket.new"]["baselineState"] == "new"
    assert run["tool"]["driver"]["rules"][0]["properties"]["security-severity"] == "5.5"  # MEDIUM


def test_exceptions_that_match_nothing_are_reported():
    result = _run([_finding()], exceptions=[_exception(), _exception(resource="aws_s3_bucket.gone")])
    assert result.verdict == "pass"
    assert len(result.unused_exceptions) == 1 and "aws_s3_bucket.gone" in result.unused_exceptions[0]
    assert "UNUSED exception #2" in render_text(result)
