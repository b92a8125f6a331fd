"""Composing the one plan comment for all environments, within GitHub's size limit.

Layout::

    <!-- pipeline-tools:plan-comment ... -->        (hidden marker, see markers.py)
    <!-- pipeline-tools:plan-changes env=... -->     (hidden: per-resource change tokens)
    ## Terraform plans for `abc1234`
    | Environment | Plan | Add | Change | Destroy | Also | Risks |   (dashboard, one row each)
    **`dev`**: no changes. ...                         (a no-change environment: one line)
    ### Terraform plan for `prod` ...                  (an environment with changes: its summary)
    <sub>footer: commit, run, details link</sub>

Order. The dashboard rows and the sections follow what needs a reviewer's attention first
(:func:`attention`): failed or incomplete plans, then risks (and failed security gates), then
destroys, then other changes, then no changes; environments of the same rank keep their ``--env``
order. Above :data:`COLLAPSE_ABOVE` environments, those without changes take no row and no line
each: one line gives their count and names (as many names as :data:`QUIET_NAMES_SHARE` of the
budget allows); the job summary (:func:`compose_job_summary`) lists every environment.

Budget. GitHub refuses a body over 65,536 characters. The marker, heading, dashboard, one-line
environments and footer are small and always kept; what is left is shared among the environments
with changes: each environment first gets what it needs at full detail if that is below an equal
share, and the unused part of its share goes to the others (water-filling). Each section is then
rendered by :func:`pipeline_tools.plan.render.markdown.render_plan_markdown` within its share, which
degrades detail step by step (and says so) rather than cutting anything in half.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline_tools.comment.markers import CommentMarkers, format_changes_block, format_marker, valid_env_name

if TYPE_CHECKING:
    from pipeline_tools.plan.model import PlanSummary

GITHUB_BODY_LIMIT = 65_536
# The hidden per-resource change tokens of all environments together take at most this much (about
# 640 changes); an environment that does not fit records "omitted" and only its whole-plan
# fingerprint can match at apply time.
CHANGES_BUDGET = 20_000
SEPARATOR = "\n\n"
# Below this many characters per cut section, a second rendering would not show one more line.
MIN_USEFUL_SLACK = 200
RISK_LABELS = {
    "stateful-destroy": "stateful data destroyed",
    "iam-widened": "IAM widened",
    "open-ingress": "ingress open to the internet",
}

# More environments than this in one comment: those without changes collapse into one line.
COLLAPSE_ABOVE = 10
# The collapsed line names environments within this share of the comment's limit (1/QUIET_NAMES_SHARE).
QUIET_NAMES_SHARE = 10

# render(summary, env=..., max_chars=..., template_dir=..., details_url=...) -> markdown
Renderer = Callable[..., str]


@dataclass(frozen=True)
class EnvironmentPlan:
    """One environment's plan: its name, its summary, (when known) its fingerprint, and (when the
    security gate ran) the gate's result, whose markdown section is embedded after the plan."""

    name: str
    summary: PlanSummary
    fingerprint: str | None = None
    gate: Any = None  # pipeline_tools.gate.model.GateResult
    changes: frozenset[str] | None = None  # per-resource change tokens (fingerprint.change_tokens)
    cost: Any = None  # pipeline_tools.cost.comment.CostSummary (plan cost --format json)
    failure: str | None = None  # the plan failed: the masked tail of terraform's error (failed.py)


def is_quiet(summary: PlanSummary, gate: Any = None) -> bool:
    """Nothing to review: no changes, the plan is complete, did not error, has no warnings, and the
    security gate (if it ran) passed."""
    return (not summary.has_changes and not summary.errored and summary.complete
            and not summary.warnings and (gate is None or gate.passed))


def _is_quiet(env: EnvironmentPlan) -> bool:
    return env.failure is None and is_quiet(env.summary, env.gate)


def attention(env: EnvironmentPlan) -> int:
    """Rank for the reviewer, most urgent first: 0 failed or incomplete plan, 1 risk flags or a
    failed security gate, 2 destroys (replacements included), 3 other changes or warnings,
    4 nothing to review."""
    summary = env.summary
    if env.failure is not None or summary.errored or not summary.complete:
        return 0
    if summary.risk_flags or (env.gate is not None and not env.gate.passed):
        return 1
    if summary.counts.destroy:
        return 2
    return 4 if _is_quiet(env) else 3


def by_attention(environments: Sequence[EnvironmentPlan]) -> list[EnvironmentPlan]:
    return sorted(environments, key=attention)  # stable: same rank keeps the given order


# The gate's section may take up to this share of an environment's budget; the plan gets the rest.
GATE_SHARE = 3


def compose_plan_comment(environments: Sequence[EnvironmentPlan], *, sha: str, run_key: str | None = None,
                         details_url: str | None = None, max_chars: int = GITHUB_BODY_LIMIT,
                         template_dir: Path | None = None, render: Renderer | None = None) -> str:
    """The comment's markdown, at most ``max_chars`` characters long.

    Raises ValueError for an empty list, a duplicate or invalid environment name, or a limit too
    small for the marker, dashboard and one-line environments alone.
    """
    if not environments:
        raise ValueError("no environments to comment on")
    names = [env.name for env in environments]
    for name in names:
        if not valid_env_name(name):
            raise ValueError(f"invalid environment name {name!r}")
    if len(set(names)) != len(names):
        raise ValueError("each environment may appear only once")
    if render is None:
        from pipeline_tools.plan.render.markdown import render_plan_markdown

        render = render_plan_markdown

    marker = format_marker(CommentMarkers(
        sha=sha, run_key=run_key, fingerprints={env.name: env.fingerprint for env in environments},
        gates={env.name: "pass" if env.gate.passed else "fail"
               for env in environments if env.gate is not None},
        failed=frozenset(env.name for env in environments if env.failure is not None),
        costs={env.name: f"{env.cost.delta:.2f}" for env in environments
               if env.cost is not None and env.failure is None}))
    changes_blocks = _changes_blocks(environments)
    environments = by_attention(environments)
    names = [env.name for env in environments]
    collapse = len(environments) > COLLAPSE_ABOVE
    quiet_envs = [env for env in environments if _is_quiet(env)]
    listed = [env for env in environments if not (collapse and _is_quiet(env))]
    dashboard = _dashboard(listed) if listed else ""
    if collapse and quiet_envs:
        dashboard = (dashboard + "\n\n" if dashboard else "") + _quiet_summary(
            quiet_envs, max(max_chars // QUIET_NAMES_SHARE, 200))
    head = "\n".join([marker, *changes_blocks, _title(sha), "", dashboard])
    footer = _footer(sha, run_key, details_url)

    def render_section(env: EnvironmentPlan, budget: int) -> str:
        if env.cost is None:
            return render_plan_and_gate(env, budget)
        return _with_cost(env, budget, render_plan_and_gate)

    def render_plan_and_gate(env: EnvironmentPlan, budget: int) -> str:
        # Not stripped: the renderer's own length is what it measures against ``budget``.
        if env.failure is not None:
            from pipeline_tools.comment.failed import failed_section

            return failed_section(env.name, env.failure, budget)
        if env.gate is None:
            return render(env.summary, env=env.name, max_chars=budget, template_dir=template_dir,
                          details_url=details_url)
        from pipeline_tools.gate.render import render_gate_markdown

        gate = render_gate_markdown(env.gate, max_chars=max(budget // GATE_SHARE, 1))
        plan = render(env.summary, env=env.name, max_chars=max(budget - len(gate) - 1, 1),
                      template_dir=template_dir, details_url=details_url)
        return f"{plan.rstrip()}\n{gate}" if len(plan.rstrip()) + 1 + len(gate) <= budget else plan

    sections: dict[str, str] = {env.name: _quiet_line(env) for env in quiet_envs if not collapse}
    loud = [env for env in environments if not _is_quiet(env)]
    loud_names = {env.name for env in loud}
    names = [name for name in names if name in sections or name in loud_names]
    fixed = len(head) + len(footer) + sum(len(text) for text in sections.values())
    fixed += len(SEPARATOR) * (len(names) + 1)  # between head, each section and footer
    available = max_chars - fixed
    if available < 0 or (loud and available < len(loud)):
        raise ValueError(f"{len(environments)} environments do not fit in {max_chars} characters")

    needs = {env.name: len(render_section(env, max_chars)) for env in loud}
    budgets = _share(available, needs)
    rendered = {env.name: render_section(env, budgets[env.name]) for env in loud}
    # The renderer degrades in steps, so a cut section usually leaves part of its budget unused.
    # Give the cut sections bigger budgets by what is left over, and keep the result when the
    # whole still fits.
    for _ in range(2):
        starved = [env for env in loud if len(rendered[env.name]) < needs[env.name]]
        slack = available - sum(len(text) for text in rendered.values())
        if not starved or slack < MIN_USEFUL_SLACK * len(starved):
            break
        extra = slack // len(starved)
        trial = {env.name: render_section(env, budgets[env.name] + extra) for env in starved}
        if sum(len(trial.get(name, text)) for name, text in rendered.items()) > available:
            break
        rendered.update(trial)
        for env in starved:
            budgets[env.name] += extra
    for env in loud:
        sections[env.name] = rendered[env.name].rstrip()

    body = SEPARATOR.join([head, *(sections[name] for name in names), footer])
    if len(body) > max_chars:
        # Only if a renderer broke its promise to fit: keep the dashboard, drop the sections.
        for env in loud:
            sections[env.name] = (f"**`{env.name}`**: the details did not fit in the comment; "
                                  "see the dashboard above and the run's summary.")
        body = SEPARATOR.join([head, *(sections[name] for name in names), footer])
    if len(body) > max_chars:
        raise ValueError(f"the comment does not fit in {max_chars} characters")
    return body


# The cost section may take up to this share of an environment's budget.
COST_SHARE = 4


def _with_cost(env: EnvironmentPlan, budget: int, render_rest: Callable[[EnvironmentPlan, int], str]) -> str:
    """The environment's section followed by its cost section (docs/cost.md), within ``budget``."""
    from pipeline_tools.cost.comment import render_cost_comment

    cost = render_cost_comment(env.cost, max_chars=max(budget // COST_SHARE, 0))
    rest = render_rest(env, max(budget - len(cost) - 2, 1) if cost else budget)
    if cost and len(rest.rstrip()) + 2 + len(cost) <= budget:
        return f"{rest.rstrip()}\n\n{cost}\n"
    return rest


def _changes_blocks(environments: Sequence[EnvironmentPlan], budget: int = CHANGES_BUDGET) -> list[str]:
    """One hidden line per environment with recorded change tokens; the smallest sets first get
    room within ``budget``, the others record how many were omitted.

    A plan without changes gets no line when its fingerprint is recorded: an empty token set
    lets through exactly what that fingerprint lets through (plan/reviewed.py: only an equal
    plan, or one without changes), and a thousand quiet roots would otherwise spend 55,000
    characters saying nothing (docs/scale.md)."""
    recorded = [env for env in environments
                if env.changes is not None and (env.changes or env.fingerprint is None)]
    lines: dict[str, str] = {}
    for env in sorted(recorded, key=lambda e: len(e.changes or ())):
        line = format_changes_block(env.name, env.changes)
        if len(line) + 1 > budget:
            line = format_changes_block(env.name, None, omitted=len(env.changes or ()))
        budget -= len(line) + 1
        lines[env.name] = line
    return [lines[env.name] for env in recorded]


def _share(available: int, needs: dict[str, int]) -> dict[str, int]:
    """Split ``available`` among ``needs``: small needs are met in full, the rest share equally."""
    budgets: dict[str, int] = {}
    remaining = available
    ordered = sorted(needs.items(), key=lambda item: item[1])
    for index, (name, need) in enumerate(ordered):
        share = remaining // (len(ordered) - index)
        budgets[name] = min(need, share)
        remaining -= budgets[name]
    return budgets


def _title(sha: str) -> str:
    return f"## Terraform plans for `{sha[:12]}`" if sha else "## Terraform plans"


def _status(summary: PlanSummary) -> str:
    if summary.errored:
        return ":x: **errored**"
    if not summary.complete:
        return ":warning: **incomplete**"
    if summary.warnings:
        return ":warning: changes" if summary.has_changes else ":warning: see warnings"
    return "changes" if summary.has_changes else ":white_check_mark: no changes"


def _also(summary: PlanSummary) -> str:
    counts = summary.counts
    extras = [(counts.replace, "replace"), (counts.import_, "import"), (counts.move, "move"),
              (counts.forget, "forget"), (counts.read, "read")]
    return ", ".join(f"{n} {word}" for n, word in extras if n)


def _risks(summary: PlanSummary) -> str:
    if not summary.risk_flags:
        return ""
    kinds = Counter(flag.kind for flag in summary.risk_flags)
    parts = [f"{n} {RISK_LABELS.get(kind, kind)}" for kind, n in sorted(kinds.items())]
    return ":warning: " + ", ".join(parts)


def _dashboard(environments: Sequence[EnvironmentPlan]) -> str:
    with_cost = any(env.cost is not None for env in environments)  # the column only when costed
    rows = ["| Environment | Plan | Add | Change | Destroy | Also | Risks |"
            + (" Monthly cost |" if with_cost else ""),
            "|---|---|--:|--:|--:|---|---|" + ("--:|" if with_cost else "")]
    for env in environments:
        summary = env.summary
        counts = summary.counts
        status = ":x: **plan failed**" if env.failure is not None else _status(summary)
        cost = (f" {env.cost.dashboard_cell() if env.cost is not None else 'n/a'} |" if with_cost else "")
        rows.append(f"| `{env.name}` | {status} | {counts.add} | {counts.change} | "
                    f"{counts.destroy} | {_also(summary)} | {_risks(summary)} |{cost}")
    return "\n".join(rows)


def _quiet_summary(quiet: Sequence[EnvironmentPlan], budget: int) -> str:
    """One line for every environment without changes: the count, then names within ``budget``."""
    drifted = sum(1 for env in quiet if len(env.summary.drift.relevant) + env.summary.drift.other_count)
    text = f":white_check_mark: **{len(quiet)} environments with no changes**"
    if drifted:
        text += f" ({drifted} with objects changed outside Terraform)"
    shown: list[str] = []
    length = len(text) + 2
    for env in quiet:
        # Room for this name and for the "and N more" note that may follow it.
        if length + len(env.name) + 4 + 80 > budget and len(shown) < len(quiet) - 1:
            break
        shown.append(f"`{env.name}`")
        length += len(env.name) + 4
    text += ": " + ", ".join(shown)
    if len(shown) < len(quiet):
        text += f" and {len(quiet) - len(shown)} more (every environment is listed in the job summary)"
    return text


def compose_job_summary(environments: Sequence[EnvironmentPlan], *, sha: str) -> str:
    """The job summary's list of every environment, one dashboard row each, in attention order
    (GitHub allows 1 MiB per step's summary, room for thousands of rows)."""
    ordered = by_attention(environments)
    quiet = sum(1 for env in ordered if attention(env) == 4)
    heading = _title(sha).replace("## Terraform plans", f"## All {len(ordered)} environments' plans", 1)
    return "\n".join([heading, "", f"{len(ordered) - quiet} to review, {quiet} without changes.", "",
                      _dashboard(ordered)])


def _quiet_line(env: EnvironmentPlan) -> str:
    text = f"**`{env.name}`**: :white_check_mark: no changes. Your infrastructure matches the configuration."
    drift: Any = env.summary.drift
    drifted = len(drift.relevant) + drift.other_count
    if drifted:
        text += f" ({drifted} object(s) changed outside Terraform without affecting this plan.)"
    return text


def _footer(sha: str, run_key: str | None, details_url: str | None) -> str:
    parts = [f"commit `{sha}`" if sha else "commit unknown"]
    if run_key:
        parts.append(f"run `{run_key}`")
    if details_url:
        parts.append(f"[full report]({details_url.replace(' ', '%20').replace(')', '%29')})")
    return "<sub>" + " · ".join(parts) + " · updated in place by pipeline-tools on every push</sub>"
