"""checkov's JSON report -> findings, plus what it scanned (for the fail-closed checks).

Shapes seen from checkov 3.x: one report object, a list of them (one per framework), or, on
stdout with several ``-d``, a stream of cumulative documents (we read ``--output-file-path``'s
single file instead, but the parser copes with all three). An empty scan is a bare summary
object without ``check_type``. Severities are ``null`` offline: the policy assigns them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipeline_tools.core.errors import InputError
from pipeline_tools.gate.model import Finding, Severity
from pipeline_tools.gate.rules import RuleTable
from pipeline_tools.gate.suppressions import parse_inline_comment

# ``module.state_backend.aws_s3_bucket.state`` (reached through a module call) and
# ``aws_s3_bucket.state[0]`` (the module scanned directly) are the same code block in the same
# file: source-scan findings are about code, so the module path and instance key are dropped.
_MODULE_PREFIX = re.compile(r"^(?:module\.[^.\[]+(?:\[[^\]]*\])?\.)+")
_INSTANCE_KEY = re.compile(r"\[[^\]]*\]$")


def code_resource(address: str) -> str:
    return _INSTANCE_KEY.sub("", _MODULE_PREFIX.sub("", address))


@dataclass
class CheckovScan:
    findings: list[Finding] = field(default_factory=list)
    resource_counts: dict[str, int] = field(default_factory=dict)  # check_type -> resources
    parsing_errors: list[str] = field(default_factory=list)
    check_types: set[str] = field(default_factory=set)


def decode_documents(text: str, source: str) -> list[Any]:
    """Every JSON value in ``text`` (checkov may print several back to back)."""
    decoder = json.JSONDecoder()
    documents: list[Any] = []
    index = 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            break
        try:
            value, index = decoder.raw_decode(text, index)
        except json.JSONDecodeError as exc:
            raise InputError(f"{source} is not JSON ({exc.msg} at line {exc.lineno})") from None
        documents.append(value)
    if not documents:
        raise InputError(f"{source} is empty: the scanner produced no report")
    return documents


def _reports(documents: list[Any], source: str) -> list[dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for document in documents:
        for report in document if isinstance(document, list) else [document]:
            if not isinstance(report, dict):
                raise InputError(f"{source}: unexpected report shape ({type(report).__name__})")
            if "check_type" not in report:
                if "results" in report or "passed" not in report:
                    raise InputError(f"{source}: a report without check_type")
                continue  # an empty scan's bare summary
            # Later documents are cumulative: keep the last report of each framework.
            latest[str(report["check_type"])] = report
    return list(latest.values())


def parse_checkov(
    documents: list[Any], *, resolve: Callable[[str], str], table: RuleTable, source: str = "checkov output"
) -> CheckovScan:
    scan = CheckovScan()
    for report in _reports(documents, source):
        check_type = str(report["check_type"])
        results = report.get("results")
        summary = report.get("summary") or {}
        if not isinstance(results, dict):
            raise InputError(f"{source}: the {check_type} report has no results")
        scan.check_types.add(check_type)
        scan.resource_counts[check_type] = int(summary.get("resource_count") or 0)
        scan.parsing_errors.extend(resolve(str(p)) for p in results.get("parsing_errors") or [])
        for check in results.get("failed_checks") or []:
            scan.findings.append(_finding(check, check_type, resolve, table, skipped=False))
        for check in results.get("skipped_checks") or []:
            scan.findings.append(_finding(check, check_type, resolve, table, skipped=True))
    return scan


def _finding(
    check: dict[str, Any], check_type: str, resolve: Callable[[str], str], table: RuleTable, *, skipped: bool
) -> Finding:
    rule_id = str(check["check_id"])
    reported_path = check.get("file_abs_path") or check.get("repo_file_path") or check.get("file_path") or ""
    lines = check.get("file_line_range") or [0, 0]
    start, end = (int(lines[0]), int(lines[-1])) if lines else (0, 0)
    skip = None
    if skipped:
        comment = str((check.get("check_result") or {}).get("suppress_comment") or "")
        skip = parse_inline_comment("checkov:skip", comment)
    resource = str(check.get("resource_address") or check.get("resource") or "")
    if check_type == "terraform":
        resource = code_resource(resource)
    return Finding(
        tool="checkov",
        rule_id=rule_id,
        canonical_rule=table.canonical("checkov", rule_id),
        severity=Severity.parse(check.get("severity")),
        resource=resource,
        file=resolve(str(reported_path)),
        start_line=start or None,
        end_line=end or None,
        message=str(check.get("check_name") or rule_id),
        category=check_type,
        inline_skip=skip,
    )
