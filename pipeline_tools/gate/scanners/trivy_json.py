"""``trivy config -f json`` -> findings.

The rule id moved from ``AVD-AWS-0089`` to ``AWS-0089`` in v0.69; older versions sometimes put a
short name in ``ID`` and the AVD id in ``AVDID``. Both normalize to the same canonical rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipeline_tools.core.errors import InputError
from pipeline_tools.gate.model import Finding, Severity
from pipeline_tools.gate.rules import RuleTable


def parse_trivy(
    document: Any, *, resolve: Callable[[str], str], table: RuleTable, source: str = "trivy JSON"
) -> list[Finding]:
    if not isinstance(document, dict) or "Results" not in document:
        raise InputError(f"{source}: not a trivy JSON report (no 'Results')")
    findings: list[Finding] = []
    for result in document["Results"] or []:
        target = str(result.get("Target") or "")
        for misconfig in result.get("Misconfigurations") or []:
            if misconfig.get("Status", "FAIL") != "FAIL":
                continue
            rule_id = str(misconfig.get("AVDID") or misconfig.get("ID") or "")
            if not rule_id:
                raise InputError(f"{source}: a misconfiguration without ID in {target}")
            cause = misconfig.get("CauseMetadata") or {}
            findings.append(
                Finding(
                    tool="trivy",
                    rule_id=rule_id,
                    canonical_rule=table.canonical("trivy", rule_id),
                    severity=Severity.parse(misconfig.get("Severity")),
                    resource=str(cause.get("Resource") or ""),
                    file=resolve(target),
                    start_line=cause.get("StartLine") or None,
                    end_line=cause.get("EndLine") or None,
                    message=str(misconfig.get("Message") or misconfig.get("Title") or rule_id),
                    category=str(result.get("Type") or "terraform"),
                )
            )
    return findings
