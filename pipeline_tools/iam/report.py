"""Per role: the actions its recorded calls used, each evaluated under the role's planned policies,
against what its own scoped policies grant (pure model + Markdown rendering)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline_tools.iam.evaluate import Decision, Principal, Statement, evaluate
from pipeline_tools.iam.matching import action_matches
from pipeline_tools.iam.requests import Call


@dataclass(frozen=True)
class ActionUse:
    action: str
    calls: int
    allowed: int
    denied_reasons: tuple[str, ...]
    example_denied: str  # one denied resource, for the reader
    granted_by: tuple[str, ...]


@dataclass(frozen=True)
class RoleUsage:
    role: str
    phase: str
    actions: tuple[ActionUse, ...]
    unused_grants: tuple[str, ...]  # actions its scoped (non AWS-managed) Allow statements name, never used

    @property
    def denied(self) -> list[ActionUse]:
        return [use for use in self.actions if use.allowed < use.calls]


def usage(role: str, phase: str, principal: Principal, calls: Iterable[Call],
          scoped: Sequence[Statement] = ()) -> RoleUsage:
    """Evaluate every call; group by action."""
    grouped: dict[str, list[tuple[Call, Decision]]] = {}
    for call in calls:
        grouped.setdefault(call.request.action, []).append((call, evaluate(principal, call.request)))
    actions = []
    for action in sorted(grouped, key=str.lower):
        results = grouped[action]
        denied = [(c, d) for c, d in results if not d]
        granted_by = sorted({label.split("#")[-1] if "#" in label else label
                             for _, d in results if d for label in d.statements})
        actions.append(ActionUse(
            action=action, calls=len(results), allowed=len(results) - len(denied),
            denied_reasons=tuple(sorted({d.reason for _, d in denied})),
            example_denied=denied[0][0].request.resource if denied else "",
            granted_by=tuple(granted_by),
        ))
    used = list(grouped)
    unused = sorted({pattern for statement in scoped if statement.effect == "Allow"
                     for pattern in statement.actions
                     if not any(action_matches(pattern, action) for action in used)}, key=str.lower)
    return RoleUsage(role, phase, tuple(actions), tuple(unused))


def render_markdown(usages: Sequence[RoleUsage]) -> str:
    lines: list[str] = []
    for item in usages:
        total = sum(use.calls for use in item.actions)
        lines.append(f"### `{item.role}` ({item.phase}): {len(item.actions)} actions, {total} calls, "
                     f"{len(item.denied)} denied")
        lines.append("")
        lines.append("| action | calls | allowed | granted by / denied because |")
        lines.append("| --- | ---: | ---: | --- |")
        for use in item.actions:
            why = ", ".join(use.granted_by) if use.allowed == use.calls else (
                f"**{', '.join(use.denied_reasons)}** (e.g. `{use.example_denied}`)")
            lines.append(f"| `{use.action}` | {use.calls} | {use.allowed} | {why} |")
        if item.unused_grants:
            lines.append("")
            lines.append("Granted by its scoped policies but never used: "
                         + ", ".join(f"`{a}`" for a in item.unused_grants) + ".")
        lines.append("")
    return "\n".join(lines)
