"""Merged SARIF 2.1.0 for ``github/codeql-action/upload-sarif``.

One run per tool and category (checkov/terraform, checkov/github_actions, tfsec/terraform, ...),
each with its own ``automationDetails.id`` so code scanning keeps them apart. A finding that
several tools reported appears once, in the run of the tool whose report set its severity.
Rules carry ``security-severity``; results carry ``partialFingerprints`` (line-free, so alerts
survive edits), ``suppressions`` for excepted or skipped findings, and ``baselineState``
(``unchanged`` for baselined legacy findings, ``new`` otherwise).
"""

from __future__ import annotations

from typing import Any

from pipeline_tools import __version__
from pipeline_tools.gate.model import Finding, GateResult, Severity, Status

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "pipelineToolsFinding/v1"
_INFORMATION_URI = {
    "checkov": "https://www.checkov.io/",
    "tfsec": "https://github.com/aquasecurity/tfsec",
    "trivy": "https://trivy.dev/",
    "zizmor": "https://docs.zizmor.sh/",
    "actionlint": "https://github.com/rhysd/actionlint",
}
_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
}


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    severity = finding.severity or Severity.HIGH
    location: dict[str, Any] = {"artifactLocation": {"uri": finding.file or "."}}
    if finding.start_line:
        location["region"] = {
            "startLine": finding.start_line,
            "endLine": max(finding.end_line or finding.start_line, finding.start_line),
        }
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": _LEVEL[severity],
        "message": {"text": finding.message + (f" ({finding.resource})" if finding.resource else "")},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "baselineState": "unchanged" if finding.status is Status.BASELINED else "new",
        "properties": {
            "canonicalRule": finding.canonical_rule,
            "severity": severity.name,
            "blocking": finding.blocking,
            "reportedBy": [f"{tool}:{rule_id}" for tool, rule_id in finding.reported_by],
        },
    }
    if finding.status is Status.SUPPRESSED:
        kind = (
            "inSource"
            if finding.note.startswith(("checkov:skip", "tfsec:ignore", "trivy:ignore"))
            else "external"
        )
        result["suppressions"] = [{"kind": kind, "status": "accepted", "justification": finding.note}]
    return result


def build_sarif(result: GateResult) -> dict[str, Any]:
    runs: dict[tuple[str, str], dict[str, Any]] = {}
    rule_indexes: dict[tuple[str, str], dict[str, int]] = {}
    for finding in result.findings:
        key = (finding.tool, finding.category)
        if key not in runs:
            runs[key] = {
                "tool": {"driver": {"name": finding.tool, "rules": []}},
                "automationDetails": {"id": f"pipeline-tools-gate/{finding.tool}/{finding.category}/"},
                "results": [],
                "properties": {
                    "gate": {
                        "version": __version__,
                        "environment": result.environment,
                        "verdict": result.verdict,
                    }
                },
            }
            if finding.tool in _INFORMATION_URI:
                runs[key]["tool"]["driver"]["informationUri"] = _INFORMATION_URI[finding.tool]
            if finding.tool == "pipeline-tools":
                runs[key]["tool"]["driver"]["version"] = __version__
            rule_indexes[key] = {}
        run, indexes = runs[key], rule_indexes[key]
        severity = finding.severity or Severity.HIGH
        if finding.rule_id not in indexes:
            indexes[finding.rule_id] = len(run["tool"]["driver"]["rules"])
            run["tool"]["driver"]["rules"].append(
                {
                    "id": finding.rule_id,
                    "shortDescription": {"text": finding.message[:200] or finding.rule_id},
                    "defaultConfiguration": {"level": _LEVEL[severity]},
                    "properties": {
                        "security-severity": severity.security_severity,
                        "tags": ["security", finding.category],
                        "canonicalRule": finding.canonical_rule,
                    },
                }
            )
        else:
            # A rule's severity is the highest any of its findings has.
            rule = run["tool"]["driver"]["rules"][indexes[finding.rule_id]]
            if float(rule["properties"]["security-severity"]) < float(severity.security_severity):
                rule["properties"]["security-severity"] = severity.security_severity
                rule["defaultConfiguration"]["level"] = _LEVEL[severity]
        run["results"].append(_result(finding, indexes[finding.rule_id]))
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": list(runs.values())}
