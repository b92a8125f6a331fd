"""The image's ECR scan in the deployer's chat message, against a real moto server over HTTP.

What moto (5.2) does for ``describe_image_scan_findings`` (docs/local-aws.md, "ECR image scans"):
an image never scanned raises ScanNotFoundException, as ECR does without scan on push; after
``start_image_scan`` it returns a canned COMPLETE result with one HIGH finding (CVE-9999-9999),
unless a result was queued for the image through moto's own API
(``POST /moto-api/static/ecr/scan-finding-results``), which is how the critical case is set up
here. moto never scans anything itself and has no IN_PROGRESS/FAILED state: those are unit-tested
from real response shapes in tests/unit/deploy/test_image_scan.py.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import boto3

from pipeline_tools.deploy.handler import lambda_handler
from tests.integration import test_deploy_emulator as deploy_emulator
from tests.integration.test_deploy_emulator import World

# The deployer tests' fixtures: a moto server whose ECS rollouts complete, chat receivers, a world.
running_emulator = deploy_emulator.running_emulator
receivers = deploy_emulator.receivers
world = deploy_emulator.world


def queue_scan_result(world: World, digest: str, findings: list[dict[str, Any]]) -> None:
    """Make moto answer the next describe_image_scan_findings for this image with ``findings``."""
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding["severity"]] = counts.get(finding["severity"], 0) + 1
    result = {
        "registryId": world.uri.split(".", 1)[0],
        "repositoryName": world.repository,
        "imageId": {"imageDigest": digest},
        "imageScanStatus": {"status": "COMPLETE", "description": "The scan was completed successfully."},
        "imageScanFindings": {"findings": findings, "findingSeverityCounts": counts},
    }
    body = json.dumps({"results": [result], "region": boto3.session.Session().region_name}).encode()
    request = urllib.request.Request(f"{world.emulator.endpoint}/moto-api/static/ecr/scan-finding-results",
                                     data=body, method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status in (200, 201)


def messages(world: World) -> tuple[dict[str, Any], dict[str, Any]]:
    assert len(world.receivers.slack.accepted) == 1
    assert len(world.receivers.discord.accepted) == 1
    return world.receivers.slack.accepted[0], world.receivers.discord.accepted[0]


def test_critical_findings_lead_the_message(world: World) -> None:
    digest = world.push("v1.1.0")
    world.ecr.start_image_scan(repositoryName=world.repository, imageId={"imageDigest": digest})
    queue_scan_result(world, digest, [
        {"name": "CVE-2024-3094", "severity": "CRITICAL", "uri": "https://nvd.nist.gov/vuln/detail/CVE-2024-3094"},
        {"name": "CVE-2021-44228", "severity": "CRITICAL", "uri": "https://nvd.nist.gov/vuln/detail/CVE-2021-44228"},
        {"name": "CVE-2024-6387", "severity": "HIGH", "uri": "https://nvd.nist.gov/vuln/detail/CVE-2024-6387"},
    ])

    summary = lambda_handler(world.event("v1.1.0", digest), None)

    # Reported, not enforced: the deploy went ahead.
    assert [r["outcome"] for r in summary["results"]] == ["completed"]
    assert world.running_image() == f"{world.uri}@{digest}"
    assert summary["results"][0]["image_scan"]["counts"] == {"CRITICAL": 2, "HIGH": 1}
    slack, discord = messages(world)
    lead = slack["blocks"][1]["text"]["text"]
    assert lead == "Image scan: 2 critical, 1 high (CVE-2024-3094, CVE-2021-44228, CVE-2024-6387)"
    assert slack["text"].startswith(
        "\u26a0\ufe0f [deploy] api to dev: deploy completed: Image scan: 2 critical")
    assert discord["embeds"][0]["description"].startswith(lead)
    console = (f".console.aws.amazon.com/ecr/repositories/private/{world.uri.split('.', 1)[0]}/"
               f"{world.repository}/_/image/{digest}/details")
    assert console in json.dumps(slack) and console in json.dumps(discord)


def test_moto_canned_high_finding_is_counted_not_called_out(world: World) -> None:
    digest = world.push("v1.1.0")
    world.ecr.start_image_scan(repositoryName=world.repository, imageId={"imageDigest": digest})

    summary = lambda_handler(world.event("v1.1.0", digest), None)

    assert summary["results"][0]["image_scan"]["top_findings"] == ["CVE-9999-9999"]
    slack, discord = messages(world)
    assert slack["blocks"][0]["text"]["text"].startswith("\u2705")
    slack_fields = [f["text"] for block in slack["blocks"] for f in block.get("fields", [])]
    assert "*Image scan*\n1 high" in slack_fields
    assert {f["name"]: f["value"] for f in discord["embeds"][0]["fields"]}["Image scan"] == "1 high"
    assert "ECR image scan" not in json.dumps(slack) + json.dumps(discord)


def test_an_image_never_scanned_deploys_and_says_no_scan(world: World) -> None:
    digest = world.push("v1.1.0")

    summary = lambda_handler(world.event("v1.1.0", digest), None)

    assert [r["outcome"] for r in summary["results"]] == ["completed"]
    assert summary["results"][0]["image_scan"]["available"] is False
    slack, discord = messages(world)
    expected = "no scan result available (no scan of this image (is scan on push enabled?))"
    assert {f["name"]: f["value"] for f in discord["embeds"][0]["fields"]}["Image scan"] == expected
    assert expected in json.dumps(slack)
