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


def _shape_error(source: str, where: str, expected: str) -> InputError:
    return InputError(f"{source}: {where} is not {expected}")


def _optional(container: dict[str, Any], key: str, kind: type | tuple[type, ...], source: str, where: str,
              expected: str) -> Any:
    """``container[key]`` when present and of ``kind``; None when absent or null; else bad input."""
    value = container.get(key)
    if value is None:
        return None
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise _shape_error(source, f"{where}.{key}", expected)
    return value


def _list_of_objects(container: dict[str, Any], key: str, source: str, where: str) -> list[dict[str, Any]]:
    value = _optional(container, key, list, source, where, "a list")
    if value is None:
        return []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise _shape_error(source, f"{where}.{key}[{index}]", "an object")
    return value


def check_sarif_shape(document: Any, source: str) -> None:
    """Every part of a SARIF log that :func:`parse_sarif` reads has the type SARIF 2.1.0 gives it,
    so that a hostile or broken report is bad input (exit 2), never an internal error."""
    if not isinstance(document, dict) or not isinstance(document.get("runs"), list):
        raise InputError(f"{source}: not a SARIF log (no 'runs')")
    for run_index, run in enumerate(document["runs"]):
        where = f"runs[{run_index}]"
        if not isinstance(run, dict):
            raise _shape_error(source, where, "an object")
        tool = run.get("tool")
        if not isinstance(tool, dict) or not isinstance(tool.get("driver"), dict):
            raise InputError(f"{source}: a run without tool.driver")
        driver = tool["driver"]
        _optional(driver, "name", str, source, f"{where}.tool.driver", "a string")
        _list_of_objects(driver, "rules", source, f"{where}.tool.driver")
        for rule_index, rule in enumerate(driver.get("rules") or []):
            rule_where = f"{where}.tool.driver.rules[{rule_index}]"
            _optional(rule, "properties", dict, source, rule_where, "an object")
            _optional(rule, "defaultConfiguration", dict, source, rule_where, "an object")
        _list_of_objects(run, "invocations", source, where)
        for result_index, result in enumerate(_list_of_objects(run, "results", source, where)):
            _check_result(result, source, f"{where}.results[{result_index}]")


def _check_result(result: dict[str, Any], source: str, where: str) -> None:
    for key in ("kind", "ruleId", "level"):
        _optional(result, key, str, source, where, "a string")
    _optional(result, "ruleIndex", int, source, where, "a whole number")
    _optional(result, "properties", dict, source, where, "an object")
    message = _optional(result, "message", dict, source, where, "an object")
    if message is not None:
        _optional(message, "text", str, source, f"{where}.message", "a string")
    for index, suppression in enumerate(_list_of_objects(result, "suppressions", source, where)):
        _optional(suppression, "status", str, source, f"{where}.suppressions[{index}]", "a string")
    for index, location in enumerate(_list_of_objects(result, "locations", source, where)):
        location_where = f"{where}.locations[{index}]"
        physical = _optional(location, "physicalLocation", dict, source, location_where, "an object")
        if physical is not None:
            artifact = _optional(physical, "artifactLocation", dict, source,
                                 f"{location_where}.physicalLocation", "an object")
            if artifact is not None:
                _optional(artifact, "uri", str, source, f"{location_where}.physicalLocation.artifactLocation",
                          "a string")
            region = _optional(physical, "region", dict, source, f"{location_where}.physicalLocation",
                               "an object")
            if region is not None:
                for key in ("startLine", "endLine"):
                    _optional(region, key, int, source, f"{location_where}.physicalLocation.region",
                              "a whole number")
        for logical_index, logical in enumerate(_list_of_objects(location, "logicalLocations", source,
                                                                 location_where)):
            _check_route(logical, source, f"{location_where}.logicalLocations[{logical_index}]")


def _check_route(logical: dict[str, Any], source: str, where: str) -> None:
    """zizmor's ``properties.symbolic.route.route``: a list of {Key: ...} / {Index: ...} steps."""
    properties = _optional(logical, "properties", dict, source, where, "an object") or {}
    symbolic = _optional(properties, "symbolic", dict, source, f"{where}.properties", "an object") or {}
    route = _optional(symbolic, "route", dict, source, f"{where}.properties.symbolic", "an object") or {}
    steps = _optional(route, "route", list, source, f"{where}.properties.symbolic.route", "a list") or []
    for index, step in enumerate(steps):
        if not isinstance(step, dict):
            raise _shape_error(source, f"{where}.properties.symbolic.route.route[{index}]", "an object")


def parse_sarif(
    document: Any, *, resolve: Callable[[str], str], table: RuleTable, source: str = "SARIF"
) -> list[Finding]:
    check_sarif_shape(document, source)
    findings: list[Finding] = []
    for run in document["runs"]:
        driver = run["tool"]["driver"]
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
