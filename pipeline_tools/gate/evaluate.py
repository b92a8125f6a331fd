"""Policy evaluation: severities, de-duplication, suppressions, baseline, thresholds -> verdict.

Pure: every input (findings from the scanners, the parsed policy, exceptions and baselines, the
date) is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from pipeline_tools.gate.baseline import EMPTY, Baseline, added_entries
from pipeline_tools.gate.model import (
    GATE_TOOL,
    RULE_BASELINE_GREW,
    RULE_INVALID_EXCEPTION,
    RULE_INVALID_SUPPRESSION,
    Finding,
    GateResult,
    Severity,
    Status,
)
from pipeline_tools.gate.policy import Policy
from pipeline_tools.gate.suppressions import ExceptionEntry, exception_problem, inline_skip_problem


@dataclass
class GateInputs:
    findings: list[Finding]
    policy: Policy
    environment: str
    today: date
    exceptions: list[ExceptionEntry] = field(default_factory=list)
    exceptions_file: str = "security/exceptions.yml"
    baseline: Baseline = EMPTY
    baseline_file: str = "security/baseline.json"
    # The baseline before this change (from the base ref); None = growth not checked.
    previous_baseline: Baseline | None = None
    scanned: dict[str, int] = field(default_factory=dict)


def _meta(
    rule: str,
    file: str,
    message: str,
    *,
    resource: str = "",
    line: int | None = None,
    category: str = "policy",
) -> Finding:
    finding = Finding(
        tool=GATE_TOOL,
        rule_id=rule,
        canonical_rule=rule,
        severity=Severity.HIGH,
        resource=resource,
        file=file,
        start_line=line,
        end_line=line,
        message=message,
        category=category,
    )
    finding.blocking = True
    return finding


def _merge(findings: list[Finding]) -> list[Finding]:
    """The same finding from several tools (or twice from one) counts once, at the higher severity."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.fingerprint, []).append(finding)
    merged: list[Finding] = []
    for members in groups.values():
        primary = max(members, key=lambda f: f.severity or 0)
        reported_by: list[tuple[str, str]] = []
        for member in members:
            for pair in member.reported_by:
                if pair not in reported_by:
                    reported_by.append(pair)
        # A tool that did not see the skip comment still reports the finding: the skip only
        # counts when every report of it was skipped.
        skip = primary.inline_skip if all(m.inline_skip for m in members) else None
        merged.append(replace(primary, reported_by=reported_by, inline_skip=skip))
    return merged


def evaluate(inputs: GateInputs) -> GateResult:
    policy, today = inputs.policy, inputs.today
    threshold = policy.threshold(inputs.environment)
    meta: list[Finding] = []

    valid_exceptions: list[ExceptionEntry] = []
    for entry in inputs.exceptions:
        problem = exception_problem(entry, today)
        if problem:
            meta.append(
                _meta(
                    RULE_INVALID_EXCEPTION,
                    inputs.exceptions_file,
                    f"{entry.label} does not count: it {problem}",
                    resource=entry.rule,
                )
            )
        else:
            valid_exceptions.append(entry)

    scored: list[Finding] = []
    for finding in inputs.findings:
        severity = policy.severity_for([finding.rule_id, finding.canonical_rule], finding.severity)
        finding = replace(finding, severity=severity)
        if finding.inline_skip is not None:
            problem, is_violation = inline_skip_problem(finding.inline_skip, today)
            covered = any(entry.matches(finding) for entry in valid_exceptions)
            if problem and not covered:
                if is_violation:
                    meta.append(
                        _meta(
                            RULE_INVALID_SUPPRESSION,
                            finding.file,
                            f"{problem} (suppressing {finding.rule_id} on "
                            f"{finding.resource or finding.file})",
                            resource=finding.resource,
                            line=finding.start_line,
                            category=finding.category,
                        )
                    )
                finding = replace(finding, inline_skip=None, note=f"inline skip ignored: {problem}")
        scored.append(finding)

    findings = _merge(scored)
    for finding in findings:
        exception = next((e for e in valid_exceptions if e.matches(finding)), None)
        if exception is not None:
            finding.status = Status.SUPPRESSED
            finding.note = f"{exception.label}, expires {exception.expires}: {exception.justification}"
        elif finding.inline_skip is not None:
            skip = finding.inline_skip
            finding.status = Status.SUPPRESSED
            finding.note = f"{skip.directive}, expires {skip.expires}: {skip.reason}"
        elif finding.fingerprint in inputs.baseline:
            finding.status = Status.BASELINED
            finding.note = "legacy finding in the baseline"
        else:
            finding.status = Status.FAILED
            finding.blocking = finding.severity is not None and finding.severity >= threshold

    if inputs.previous_baseline is not None:
        for added in added_entries(inputs.baseline, inputs.previous_baseline):
            meta.append(
                _meta(
                    RULE_BASELINE_GREW,
                    inputs.baseline_file,
                    f"baseline entry added ({added.get('rule', '?')} on "
                    f"{added.get('resource') or added.get('file')}): "
                    "the baseline may only shrink; fix the finding or add a justified, expiring exception",
                    resource=added["fingerprint"],
                )
            )

    used = {e.index for e in valid_exceptions for f in findings if e.matches(f)}
    unused = [e.label for e in valid_exceptions if e.index not in used]
    seen = {f.fingerprint for f in findings}
    stale = [entry for fp, entry in sorted(inputs.baseline.entries.items()) if fp not in seen]
    ordered = sorted(meta + findings, key=_order)
    return GateResult(
        environment=inputs.environment,
        threshold=threshold,
        findings=ordered,
        stale_baseline=stale,
        unused_exceptions=unused,
        scanned=dict(inputs.scanned),
    )


def _order(finding: Finding) -> tuple:
    status_rank = {Status.FAILED: 0, Status.BASELINED: 1, Status.SUPPRESSED: 2}[finding.status]
    return (
        not finding.blocking,
        status_rank,
        -(finding.severity or 0),
        finding.file,
        finding.start_line or 0,
        finding.canonical_rule,
        finding.resource,
    )
