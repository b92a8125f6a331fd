"""This repository's own Terraform and workflows pass its own security gate.

Runs exactly what CI runs (``make test``): ``pipeline-tools gate terraform environments
.github/workflows`` with ``security/policy.yml``, ``security/exceptions.yml`` and
``security/baseline.json``, real checkov included. A failure lists every blocking finding.
"""

from __future__ import annotations

import json

import pytest

from pipeline_tools.gate.scanners.checkov_run import locate_checkov
from tests.support.cli import run_cli
from tests.support.paths import REPO_ROOT

# Runs the real checkov over the whole repository (slow): `make test-fast` leaves it out.
pytestmark = pytest.mark.checkov

SCANNED = ("terraform", "environments", ".github/workflows")


def test_repository_passes_the_gate():
    result = run_cli(
        "gate",
        *SCANNED,
        "--policy",
        "security/policy.yml",
        "--format",
        "json",
        "--repo-root",
        str(REPO_ROOT),
        cwd=REPO_ROOT,
        env={"PIPELINE_TOOLS_CHECKOV": locate_checkov(REPO_ROOT), "GITHUB_ACTIONS": "false"},
    )
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    blocking = [
        f"{f['severity']} {f['rule']} {f['file']}:{f['start_line']} {f['resource']}: {f['message']}"
        + (f" [{f['note']}]" if f["note"] else "")
        for f in report["findings"]
        if f["blocking"]
    ]
    assert not blocking, "blocking findings:\n" + "\n".join(blocking)
    assert result.returncode == 0 and report["verdict"] == "pass"
    # Both frameworks were really scanned: an empty scan must not pass for a clean one.
    assert report["scanned"].get("checkov/terraform", 0) > 0
    assert "checkov/github_actions" in report["scanned"]
    assert report["stale_baseline"] == [], "remove baseline entries that no longer match anything"
