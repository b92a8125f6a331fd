"""Rendering a gate result: markdown (embedded in the PR comment), text, JSON, GitHub annotations.

``render_gate_markdown(result, max_chars=...)`` is the entry point the plan comment uses: it
returns one self-contained markdown section no longer than ``max_chars``, listing blocking
findings first and saying how many it had to leave out.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from pipeline_tools.core.redaction import redact, redact_tree
from pipeline_tools.gate.model import Finding, GateResult, Severity, Status

DEFAULT_MAX_CHARS = 20_000


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline_tools", "templates/gate"),
        autoescape=False,  # markdown and plain text, not HTML
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        # Secrets are masked before escaping (docs/security.md): in every value a template
        # prints, and in _cell before it rewrites "|" and "`".
        finalize=lambda value: redact(value) if isinstance(value, str) else value,
    )
    env.filters["cell"] = _cell
    return env


def _cell(value: object) -> str:
    """Make text safe inside a markdown table cell (and inside backticks)."""
    return " ".join(redact(str(value)).split()).replace("|", "\\|").replace("`", "'")


def _counts(result: GateResult) -> dict[str, int]:
    return {
        "blocking": len(result.blocking),
        "failed": result.count(Status.FAILED),
        "baselined": result.count(Status.BASELINED),
        "suppressed": result.count(Status.SUPPRESSED),
    }


def render_gate_markdown(result: GateResult, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The gate's markdown section, at most ``max_chars`` characters long."""
    template = _environment().get_template("section.md.j2")
    counts = _counts(result)
    findings = result.findings

    def render(count: int) -> str:
        text = template.render(
            result=result, counts=counts, shown=findings[:count], hidden=len(findings) - count
        )
        return redact(text.strip() + "\n")

    text = render(len(findings))
    if len(text) <= max_chars:
        return text
    low, high = 0, len(findings)  # largest count that fits, by bisection
    while low < high:
        middle = (low + high + 1) // 2
        if len(render(middle)) <= max_chars:
            low = middle
        else:
            high = middle - 1
    text = render(low)
    if len(text) > max_chars:  # even the header alone is too long: cut it, never exceed the limit
        text = text[: max(0, max_chars - 2)].rstrip() + "…\n"
    return text


def render_text(result: GateResult) -> str:
    return redact(_environment().get_template("text.j2").render(result=result, counts=_counts(result)))


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.canonical_rule,
        "rule_id": finding.rule_id,
        "tool": finding.tool,
        "reported_by": [{"tool": tool, "rule_id": rule_id} for tool, rule_id in finding.reported_by],
        "severity": finding.severity.name if finding.severity else None,
        "file": finding.file,
        "start_line": finding.start_line,
        "end_line": finding.end_line,
        "resource": finding.resource,
        "message": finding.message,
        "category": finding.category,
        "status": finding.status.value,
        "blocking": finding.blocking,
        "note": finding.note,
        "fingerprint": finding.fingerprint,
    }


def result_dict(result: GateResult) -> dict[str, Any]:
    return {
        "verdict": result.verdict,
        "environment": result.environment,
        "fail_at": result.threshold.name,
        "policy": result.policy_source,
        "counts": _counts(result),
        "findings": [finding_dict(f) for f in result.findings],
        "stale_baseline": result.stale_baseline,
        "unused_exceptions": result.unused_exceptions,
        "scanned": result.scanned,
        "timings": {step: round(seconds, 3) for step, seconds in result.timings.items()},
    }


def result_from_dict(data: dict[str, Any]) -> GateResult:
    """Rebuild a result from ``--format json`` / ``--json-out`` output (e.g. to re-render it within
    another comment's budget with :func:`render_gate_markdown`)."""
    try:
        findings = []
        for item in data["findings"]:
            finding = Finding(
                tool=item["tool"],
                rule_id=item["rule_id"],
                canonical_rule=item["rule"],
                severity=Severity[item["severity"]] if item.get("severity") else None,
                resource=item.get("resource") or "",
                file=item.get("file") or "",
                start_line=item.get("start_line"),
                end_line=item.get("end_line"),
                message=item.get("message") or "",
                category=item.get("category") or "",
                status=Status(item["status"]),
                blocking=bool(item.get("blocking")),
                note=item.get("note") or "",
                reported_by=[(r["tool"], r["rule_id"]) for r in item.get("reported_by") or []],
            )
            findings.append(finding)
        return GateResult(
            environment=data["environment"],
            threshold=Severity[data["fail_at"]],
            findings=findings,
            stale_baseline=list(data.get("stale_baseline") or []),
            unused_exceptions=list(data.get("unused_exceptions") or []),
            scanned=dict(data.get("scanned") or {}),
            timings=dict(data.get("timings") or {}),
            policy_source=str(data.get("policy") or ""),
        )
    except (KeyError, TypeError, ValueError) as exc:
        from pipeline_tools.core.errors import InputError

        raise InputError(f"not a gate JSON report ({type(exc).__name__}: {exc})") from None


def render_json(result: GateResult) -> str:
    document = redact_tree(result_dict(result))  # masked before JSON escapes it, and after
    return redact(json.dumps(document, indent=2, sort_keys=False)) + "\n"


def _escape_data(text: str) -> str:
    text = redact(text)  # before percent-encoding
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_annotations(result: GateResult) -> str:
    """``::error file=...,line=...::`` lines for GitHub Actions: errors block, warnings do not."""
    annotations = []
    for finding in result.findings:
        if finding.status is not Status.FAILED:
            continue
        severity = finding.severity.name if finding.severity else "?"
        annotations.append(
            {
                "level": "error" if finding.blocking else "warning",
                "file": _escape_property(finding.file),
                "line": finding.start_line,
                "title": _escape_property(f"{severity} {finding.canonical_rule}"),
                "message": _escape_data(
                    f"{finding.message} ({finding.resource or finding.file}; "
                    f"{', '.join(t + ':' + r for t, r in finding.reported_by)})"
                ),
            }
        )
    return redact(_environment().get_template("annotations.j2").render(annotations=annotations))
