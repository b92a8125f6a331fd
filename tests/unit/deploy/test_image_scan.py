"""The image's ECR scan in the deploy's chat message: the model (pure) and how Slack, Discord and the
plain-text fallback show it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pipeline_tools.core.redaction import forget_all, register_secret
from pipeline_tools.deploy import scan
from pipeline_tools.deploy.notification import deploy_notification
from pipeline_tools.deploy.outcome import DeployResult, Outcome
from pipeline_tools.notify import build_payloads
from pipeline_tools.notify.model import Status
from tests.support.chat_receivers import discord_problems, slack_problems

DIGEST = "sha256:" + "ab" * 32
REPOSITORY = "platform/api"


def findings_response(findings: list[dict[str, Any]], counts: dict[str, int] | None = None,
                      status: str = "COMPLETE") -> dict[str, Any]:
    """The shape of a real ecr:DescribeImageScanFindings answer (basic scanning)."""
    if counts is None:
        counts = {}
        for finding in findings:
            counts[finding["severity"]] = counts.get(finding["severity"], 0) + 1
    return {
        "registryId": "123456789012",
        "repositoryName": REPOSITORY,
        "imageId": {"imageDigest": DIGEST},
        "imageScanStatus": {"status": status, "description": "The scan was completed successfully."},
        "imageScanFindings": {"findings": findings, "findingSeverityCounts": counts},
    }


def cve(name: str, severity: str) -> dict[str, Any]:
    return {"name": name, "severity": severity, "uri": f"https://cve.example/{name}"}


def result(image_scan: scan.ImageScan | None, outcome: Outcome = Outcome.COMPLETED) -> DeployResult:
    return DeployResult(outcome=outcome, cluster="platform-dev", service="api", container="api",
                        environment="dev", new_image=f"123456789012.dkr.ecr.eu-west-1.amazonaws.com/"
                        f"{REPOSITORY}@{DIGEST}", new_tag="v1.2.0", region="eu-west-1",
                        image_scan=image_scan)


def read(response: dict[str, Any]) -> scan.ImageScan:
    return scan.from_findings(response, REPOSITORY, DIGEST, region="eu-west-1")


def test_counts_and_names_most_severe_first_bounded() -> None:
    findings = [cve("CVE-2024-0001", "LOW"), cve("CVE-2024-0002", "HIGH")]
    findings += [cve(f"CVE-2024-1{n:03d}", "CRITICAL") for n in range(8)]
    image_scan = read(findings_response(findings, counts={"CRITICAL": 8, "HIGH": 1, "LOW": 1, "MEDIUM": 0}))

    assert image_scan.available and image_scan.alarming
    assert (image_scan.critical, image_scan.high) == (8, 1)
    assert image_scan.counts_text() == "8 critical, 1 high, 1 low"
    assert image_scan.top_findings == tuple(f"CVE-2024-1{n:03d}" for n in range(scan.MAX_NAMED_FINDINGS))
    assert scan.chat_summary(image_scan) == (
        "Image scan: 8 critical, 1 high, 1 low (CVE-2024-1000, CVE-2024-1001, CVE-2024-1002, "
        "CVE-2024-1003, CVE-2024-1004 and 5 more)")


def test_enhanced_scanning_findings_are_named_by_vulnerability_id() -> None:
    response = findings_response([], counts={"CRITICAL": 1}, status="ACTIVE")
    response["imageScanFindings"]["enhancedFindings"] = [{
        "severity": "CRITICAL", "title": "CVE-2023-4863 - libwebp",
        "packageVulnerabilityDetails": {"vulnerabilityId": "CVE-2023-4863"},
    }]
    assert read(response).top_findings == ("CVE-2023-4863",)


def test_high_alone_is_counted_but_not_called_out() -> None:
    image_scan = read(findings_response([cve("CVE-2024-0002", "HIGH")]))
    assert image_scan.available and not image_scan.alarming
    assert scan.chat_summary(image_scan) == ""
    message = deploy_notification(result(image_scan))
    assert message.status is Status.SUCCESS and message.summary == ""
    assert {f.name: f.value for f in message.fields}["Image scan"] == "1 high"
    assert not [link for link in message.links if "ecr" in link.url]


@pytest.mark.parametrize("state", ["IN_PROGRESS", "FAILED", "UNSUPPORTED_IMAGE", "PENDING"])
def test_an_unfinished_scan_is_no_result(state: str) -> None:
    response = findings_response([cve("CVE-2024-9", "CRITICAL")], status=state)
    response["imageScanStatus"]["description"] = "details from ECR"
    image_scan = read(response)
    assert not image_scan.available and not image_scan.alarming
    assert image_scan.note == f"scan {state}: details from ECR"
    fields = {f.name: f.value for f in deploy_notification(result(image_scan)).fields}
    assert fields["Image scan"] == f"no scan result available (scan {state}: details from ECR)"


def test_no_scan_read_means_no_scan_field() -> None:
    fields = {f.name for f in deploy_notification(result(None)).fields}
    assert "Image scan" not in fields


def test_console_link_names_the_image() -> None:
    image_scan = read(findings_response([cve("CVE-1", "CRITICAL")]))
    assert scan.console_url(image_scan) == (
        "https://eu-west-1.console.aws.amazon.com/ecr/repositories/private/123456789012/platform/api/"
        f"_/image/{DIGEST}/details?region=eu-west-1")
    # Without the account the console path cannot be built: no link rather than a broken one.
    assert scan.console_url(scan.unavailable(REPOSITORY, DIGEST, "x")) == ""


HOSTILE = "CVE-<!here>&[click](https://evil.example)"


def critical_message(outcome: Outcome = Outcome.COMPLETED) -> dict[str, Any]:
    findings = [cve(HOSTILE, "CRITICAL"), cve("CVE-2024-3094", "CRITICAL"), cve("CVE-2024-6387", "HIGH")]
    return build_payloads(deploy_notification(result(read(findings_response(findings)), outcome)))


def test_slack_leads_with_the_critical_findings_escaped() -> None:
    payload = critical_message()["slack"]
    assert slack_problems(payload) == []
    assert payload["blocks"][0]["text"]["text"].startswith("\u26a0\ufe0f api to dev: deploy completed")
    lead = payload["blocks"][1]["text"]["text"]
    assert lead.startswith("Image scan: 2 critical, 1 high (")
    assert "CVE-2024-3094" in lead and "CVE-2024-6387" in lead
    # Relayed names cannot ping a channel or open a tag.
    assert "<!here>" not in json.dumps(payload) and "&lt;!here&gt;&amp;" in lead
    links = payload["blocks"][-1]["elements"][0]["text"]
    assert "|ECR image scan>" in links and "console.aws.amazon.com/ecr/repositories/private/" in links
    assert "Image scan: 2 critical, 1 high" in payload["text"]


def test_discord_leads_with_the_critical_findings_escaped() -> None:
    payload = critical_message()["discord"]
    assert discord_problems(payload) == []
    embed = payload["embeds"][0]
    assert embed["description"].startswith("Image scan: 2 critical, 1 high (")
    # A masked link in a finding's name stays text.
    assert "\\[click\\](https://evil.example)" in embed["description"]
    assert "[ECR image scan](https://eu-west-1.console.aws.amazon.com/ecr/" in embed["description"]
    assert {f["name"]: f["value"] for f in embed["fields"]}["Image scan"] == "2 critical, 1 high"
    assert payload["allowed_mentions"] == {"parse": []}


def test_plain_text_fallback_says_it() -> None:
    message = deploy_notification(result(read(findings_response([cve("CVE-2024-3094", "CRITICAL")]))))
    assert message.fallback_text() == (
        "\u26a0\ufe0f [deploy] api to dev: deploy completed: Image scan: 1 critical (CVE-2024-3094)")


def test_a_failed_deploy_stays_a_failure_and_keeps_the_scan() -> None:
    payload = critical_message(Outcome.FAILED)["slack"]
    assert payload["blocks"][0]["text"]["text"].startswith("\u274c")
    assert "Image scan: 2 critical" in payload["blocks"][1]["text"]["text"]


def test_secrets_in_relayed_names_are_masked() -> None:
    secret = "s3cr3t-token-value-0123456789"
    register_secret(secret)
    try:
        findings = [cve(f"CVE-2024-1 {secret}", "CRITICAL")]
        payloads = build_payloads(deploy_notification(result(read(findings_response(findings)))))
        assert secret not in json.dumps(payloads)
    finally:
        forget_all()


def test_result_summary_carries_the_scan() -> None:
    summary = result(read(findings_response([cve("CVE-1", "CRITICAL")]))).to_dict()
    assert summary["image_scan"]["counts"] == {"CRITICAL": 1}
    assert summary["image_scan"]["top_findings"] == ["CVE-1"]
    assert result(None).to_dict()["image_scan"] is None
