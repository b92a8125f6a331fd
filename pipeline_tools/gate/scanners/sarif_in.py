"""SARIF 2.1.0 from tfsec, trivy, zizmor and actionlint (or anything else) -> findings.

Severity, most specific first: the tool's own property (``zizmor/severity``), SARIF
``security-severity`` on the result or its rule, then the result level. tfsec's SARIF maps HIGH
and CRITICAL both to ``error``, so prefer tfsec's JSON (``--tfsec-json``) when it is available.
actionlint brings no severity at all: the policy's map decides (unmapped = HIGH).
Results the producer marked suppressed become inline skips and are judged like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipeline_tools.core.errors import InputError
from pipeline_tools.gate.model import Finding, InlineSkip, Severity
from pipeline_tools.gate.rules import RuleTable
from pipeline_tools.gate.suppressions import parse_inline_comment

_LEVEL_SEVERITY = {"error": Severity.HIGH, "warning": Severity.MEDIUM, "note": Severity.LOW}
# Tools whose SARIF level is only a presentation hint: their severity must come from elsewhere.
_LEVEL_IS_NOT_SEVERITY = {"actionlint"}


def tool_name(driver_name: str) -> str:
    name = driver_name.lower()
    if name in {"defsec", "tfsec"}:
        return "tfsec"
    if "trivy" in name:
        return "trivy"
    if "actions lint" in name or "actionlint" in name:
        return "actionlint"
    if "checkov" in name:
        return "checkov"
    return name.split()[0] if name else "sarif"


def _category(tool: str, run: dict[str, Any], uri: str) -> str:
    if tool in {"zizmor", "actionlint"} or uri.startswith(".github/") or "/.github/" in uri:
        return "github_actions"
    return "terraform"


def _route(result: dict[str, Any]) -> str:
    """zizmor's location inside the workflow, e.g. ``jobs.plan.steps[0]``: its resource."""
    for location in result.get("locations") or []:
        for logical in location.get("logicalLocations") or []:
            route = (((logical.get("properties") or {}).get("symbolic") or {}).get("route") or {}).get(
                "route"
            )
            if isinstance(route, list):
                text = ""
                for step in route:
                    if "Key" in step:
                        text += ("." if text else "") + str(step["Key"])
                    elif "Index" in step:
                        text += f"[{step['Index']}]"
                return text
    return ""


def _severity(tool: str, result: dict[str, Any], rule: dict[str, Any]) -> Severity | None:
    properties = result.get("properties") or {}
    own = properties.get(f"{tool}/severity")
    if own is not None and Severity.parse(own) is not None:
        return Severity.parse(own)
    for bag in (properties, rule.get("properties") or {}):
        score = bag.get("security-severity")
        if score is not None:
            try:
                return Severity.from_security_severity(float(score))
            except (TypeError, ValueError):
                pass
    if tool in _LEVEL_IS_NOT_SEVERITY:
        return None
    level = result.get("level") or (rule.get("defaultConfiguration") or {}).get("level") or "warning"
    return _LEVEL_SEVERITY.get(str(level))


def _suppression(result: dict[str, Any], tool: str) -> InlineSkip | None:
    accepted = [s for s in result.get("suppressions") or [] if s.get("status", "accepted") == "accepted"]
    if not accepted:
        return None
    return parse_inline_comment(f"{tool} suppression", str(accepted[0].get("justification") or ""))


def parse_sarif(
    document: Any, *, resolve: Callable[[str], str], table: RuleTable, source: str = "SARIF"
) -> list[Finding]:
    if not isinstance(document, dict) or not isinstance(document.get("runs"), list):
        raise InputError(f"{source}: not a SARIF log (no 'runs')")
    findings: list[Finding] = []
    for run in document["runs"]:
        try:
            driver = run["tool"]["driver"]
        except (KeyError, TypeError):
            raise InputError(f"{source}: a run without tool.driver") from None
        tool = tool_name(str(driver.get("name") or ""))
        for invocation in run.get("invocations") or []:
            if invocation.get("executionSuccessful") is False:
                raise InputError(f"{source}: {tool} reports that its run did not succeed")
        rules = driver.get("rules") or []
        rules_by_id = {str(r.get("id")): r for r in rules if isinstance(r, dict)}
        for result in run.get("results") or []:
            if result.get("kind", "fail") not in {"fail", "open", "review"}:
                continue
            rule_id = str(result.get("ruleId") or "")
            index = result.get("ruleIndex")
            rule = rules_by_id.get(rule_id) or (
                rules[index] if isinstance(index, int) and index < len(rules) else {}
            )
            rule_id = rule_id or str(rule.get("id") or "")
            if not rule_id:
                raise InputError(f"{source}: a {tool} result without ruleId")
            location = ((result.get("locations") or [{}])[0] or {}).get("physicalLocation") or {}
            uri = str((location.get("artifactLocation") or {}).get("uri") or "")
            region = location.get("region") or {}
            file = resolve(uri)
            findings.append(
                Finding(
                    tool=tool,
                    rule_id=rule_id,
                    canonical_rule=table.canonical(tool, rule_id),
                    severity=_severity(tool, result, rule),
                    resource=_route(result),
                    file=file,
                    start_line=region.get("startLine"),
                    end_line=region.get("endLine") or region.get("startLine"),
                    message=str((result.get("message") or {}).get("text") or rule_id),
                    category=_category(tool, run, file),
                    inline_skip=_suppression(result, tool),
                )
            )
    return findings
