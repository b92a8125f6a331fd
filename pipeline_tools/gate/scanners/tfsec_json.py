"""tfsec's JSON report -> findings (status 0 failed, 1 passed, 2 ignored)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipeline_tools.core.errors import InputError
from pipeline_tools.gate.model import Finding, InlineSkip, Severity
from pipeline_tools.gate.rules import RuleTable

STATUS_FAILED, STATUS_PASSED, STATUS_IGNORED = 0, 1, 2

InlineLookup = Callable[[str, int | None, int | None, list[str]], InlineSkip]


def parse_tfsec(
    document: Any,
    *,
    resolve: Callable[[str], str],
    table: RuleTable,
    inline: InlineLookup,
    source: str = "tfsec JSON",
) -> list[Finding]:
    if not isinstance(document, dict) or "results" not in document:
        raise InputError(f"{source}: not a tfsec JSON report (no 'results')")
    findings: list[Finding] = []
    for result in document["results"] or []:
        try:
            status = int(result.get("status", STATUS_FAILED))
            if status == STATUS_PASSED:
                continue
            rule_id = str(result["rule_id"])
            location = result.get("location") or {}
            file = resolve(str(location.get("filename") or ""))
            start, end = location.get("start_line"), location.get("end_line")
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InputError(f"{source}: malformed result ({exc})") from None
        long_id = str(result.get("long_id") or "")
        skip = inline(file, start, end, [rule_id, long_id]) if status == STATUS_IGNORED else None
        findings.append(
            Finding(
                tool="tfsec",
                rule_id=rule_id,
                canonical_rule=table.canonical("tfsec", rule_id),
                severity=Severity.parse(result.get("severity")),
                resource=str(result.get("resource") or ""),
                file=file,
                start_line=int(start) if start else None,
                end_line=int(end) if end else None,
                message=str(result.get("description") or result.get("rule_description") or rule_id),
                category="terraform",
                inline_skip=skip,
            )
        )
    return findings
