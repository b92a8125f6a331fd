"""The plan summary for terminals: terraform-like symbols, colour only when asked (on a TTY)."""

from __future__ import annotations

from pipeline_tools.plan.masking import scrub
from pipeline_tools.plan.model import PlanSummary
from pipeline_tools.plan.render._views import ACTION_TITLES, resource_diff_lines

_COLOURS = {"+": "32", "-": "31", "~": "33", "<": "36", ".": "35", "!": "1;31", "h": "1"}


def _paint(text: str, key: str, color: bool) -> str:
    if not color or key not in _COLOURS:
        return text
    return f"\033[{_COLOURS[key]}m{text}\033[0m"


def render_plan_text(summary: PlanSummary, *, color: bool) -> str:
    """Everything in the summary (no size limit), as plain text with optional ANSI colour."""
    lines: list[str] = []
    for warning in summary.warnings:
        lines.append(_paint(f"WARNING: {warning}", "!", color))
    if summary.warnings:
        lines.append("")
    lines.append(_paint(summary.plan_line, "h", color))
    c = summary.counts
    if summary.has_changes:
        lines.append(f"  ({c.replace} to replace, {c.move} to move, {c.forget} to forget, {c.read} to read)")
    if summary.risk_flags:
        lines += ["", _paint(f"Risks ({len(summary.risk_flags)}):", "!", color)]
        lines += [_paint(f"  ! {flag.message}", "!", color) for flag in summary.risk_flags]
    lines += _resource_lines(summary, color)
    lines += _drift_lines(summary, color)
    lines += _output_lines(summary, color)
    return scrub("\n".join(lines) + "\n", summary.sensitive_values())


def _resource_lines(summary: PlanSummary, color: bool) -> list[str]:
    lines: list[str] = []
    for action, resources in summary.resources_by_action():
        lines += ["", _paint(f"{ACTION_TITLES.get(action, action)} ({len(resources)}):", "h", color)]
        for resource in resources:
            symbol = resource.symbol.strip() or "="
            header = f"  {resource.symbol:>3} {resource.address}  ({resource.description})"
            lines.append(_paint(header, symbol[0], color))
            if resource.reason:
                lines.append(f"        because {resource.reason}")
            if resource.replace_paths:
                lines.append(f"        forced by: {', '.join(resource.replace_paths)}")
            for diff_line in resource_diff_lines(resource):
                lines.append(_paint(f"        {diff_line}", diff_line[:1], color))
    return lines


def _drift_lines(summary: PlanSummary, color: bool) -> list[str]:
    if not (summary.drift.relevant or summary.drift.other_count):
        return []
    lines = ["", _paint("Changed outside Terraform:", "h", color)]
    for item in summary.drift.relevant:
        lines.append(f"  {item.address} {item.action}")
        for attr in item.attributes:
            before = attr.before if attr.before is not None else "null"
            after = attr.after if attr.after is not None else "null"
            lines.append(f"        ~ {attr.path} = {before} -> {after}")
    if summary.drift.other_count:
        lines.append(f"  {summary.drift.other_count} other object(s) changed outside Terraform "
                     "without affecting this plan.")
    return lines


def _output_lines(summary: PlanSummary, color: bool) -> list[str]:
    if not summary.outputs:
        return []
    lines = ["", _paint("Outputs:", "h", color)]
    for output in summary.outputs:
        if output.action == "create":
            detail = f"= {output.after}"
        elif output.action == "delete":
            detail = f"= {output.before} (removed)"
        else:
            detail = f"= {output.before} -> {output.after}"
        lines.append(_paint(f"  {output.symbol} {output.name} {detail}", output.symbol, color))
    return lines
