"""The plan summary as GitHub markdown, from Jinja2 templates, always within a size budget.

GitHub refuses comments over 65,536 characters, so :func:`render_plan_markdown` degrades step by
step until the text fits: full attribute diffs, then changed attribute names only, then
addresses only (as many as fit), then counts alone. The header, warnings, counts and risk flags
are always kept (risk flags are shortened only if they alone overflow); a note says what was left
out and where the full report is. Whole blocks are dropped, so a ``<details>`` element or a code
fence is never cut. Templates (``plan/summary.md.j2``) can be overridden with ``template_dir``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline_tools.plan.attributes import AttributeChange
from pipeline_tools.plan.masking import scrub
from pipeline_tools.plan.model import PlanSummary, ResourceChange
from pipeline_tools.plan.render._views import (
    ACTION_TITLES,
    DETAILED_ACTIONS,
    code_span,
    escape_html,
    escape_markdown,
    fence_for,
    resource_diff_lines,
)

TEMPLATE_NAME = "plan/summary.md.j2"
DEFAULT_MAX_CHARS = 65536
LEVELS = ("full", "keys", "addresses", "counts")
_OMITTED = {
    "full": "",
    "keys": "Attribute values are left out to fit the size limit; changed attribute names are listed.",
    "addresses": "Attribute changes are left out to fit the size limit.",
    "counts": "The list of resources is left out to fit the size limit.",
}


@dataclass
class _Group:
    action: str
    title: str
    total: int
    resources: list[dict[str, Any]] = field(default_factory=list)
    hidden: int = 0


@functools.lru_cache(maxsize=8)
def _environment(template_dir: Path | None) -> Any:
    """One Jinja2 environment per template directory (templates compile once per process)."""
    import jinja2

    loaders: list[Any] = []
    if template_dir is not None:
        loaders.append(jinja2.FileSystemLoader(str(template_dir)))
    loaders.append(jinja2.PackageLoader("pipeline_tools", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=False,  # markdown, not HTML: escaping is explicit (filters below)
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    # Every escaping filter masks the plan's declared secrets first (the template context's
    # ``mask``): once escaped (``\\_``, ``&quot;``) a secret would no longer be recognised.
    env.filters["md"] = _masking(escape_markdown, jinja2)
    env.filters["e"] = _masking(escape_html, jinja2)
    env.filters["code"] = _masking(code_span, jinja2)
    env.filters["cell"] = _masking(
        lambda value: "" if value is None else code_span(value).replace("|", "\\|"), jinja2)
    return env


def _masking(escape: Any, jinja2: Any) -> Any:
    @jinja2.pass_context
    def mask_then_escape(context: Any, value: Any) -> str:
        mask = context.get("mask")
        if mask is not None and value is not None:
            value = mask(str(value))
        return escape(value)

    return mask_then_escape


def _resource_view(resource: ResourceChange, level: str) -> dict[str, Any]:
    view: dict[str, Any] = {
        "mode": level,
        "address": resource.address,
        "symbol": resource.symbol,
        "description": resource.description,
        "reason": resource.reason,
        "forces": resource.replace_paths,
        "moved_from": resource.previous_address if resource.moved else None,
    }
    if level == "full":
        diff = "\n".join(resource_diff_lines(resource))
        view["diff"] = diff
        view["fence"] = fence_for(diff)
    elif level == "keys":
        # A replacement changes everything: what matters is what forces it.
        if resource.action == "replace":
            view["changed"] = []
        else:
            view["changed"] = resource.changed_keys() if resource.action in ("update", "replace") else []
    return view


class _Renderer:
    def __init__(self, summary: PlanSummary, env_name: str | None, template_dir: Path | None,
                 details_url: str | None) -> None:
        self.summary = summary
        self.env_name = env_name
        self.details_url = details_url
        self.max_chars = DEFAULT_MAX_CHARS
        self.template = _environment(template_dir).get_template(TEMPLATE_NAME)

    def render(self, level: str, *, resource_limit: int | None = None,
               risk_limit: int | None = None, detailed: set[int] | None = None) -> str:
        """``detailed``: at the full level, the indexes (in display order) of the resources shown
        with full diffs; the others get their changed attribute names. None: all of them."""
        summary = self.summary
        groups: list[_Group] = []
        shown = 0
        hidden_total = 0
        summarized = 0
        if level != "counts":
            for action, resources in summary.resources_by_action():
                group = _Group(action, ACTION_TITLES.get(action, action), len(resources))
                for resource in resources:
                    if resource_limit is not None and shown >= resource_limit:
                        group.hidden += 1
                        continue
                    mode = level
                    if level == "full" and detailed is not None and shown not in detailed:
                        mode = "keys"
                        summarized += resource.action in DETAILED_ACTIONS
                    group.resources.append(_resource_view(resource, mode))
                    shown += 1
                hidden_total += group.hidden
                groups.append(group)
        omitted = _OMITTED[level]
        if summarized:
            omitted = (f"Attribute values of {summarized} resources are left out to fit the size limit; "
                       "their changed attribute names are listed.")
        if hidden_total:
            omitted = (f"{hidden_total} of {len(summary.resources)} resources are not listed "
                       "to fit the size limit.")
        if level == "counts" and summary.resources:
            omitted = _OMITTED["counts"]
        elif level == "counts" and summary.outputs:
            omitted = "Output changes are left out to fit the size limit."
        flags = summary.risk_flags if risk_limit is None else summary.risk_flags[:risk_limit]
        if level == "full":
            drift_items = [{"address": item.address, "action": item.action,
                            "attributes": [_drift_line(attr) for attr in item.attributes]}
                           for item in summary.drift.relevant]
        elif level in ("keys", "addresses"):
            drift_items = [{"address": item.address, "action": item.action, "attributes": []}
                           for item in summary.drift.relevant]
        else:
            drift_items = []
        if level == "counts" and summary.drift.relevant:
            omitted += " Drift details are left out."
        title = "Terraform plan" + (f" for {code_span(self.env_name)}" if self.env_name else "")
        if summary.terraform_version:
            title += f" (Terraform {escape_markdown(summary.terraform_version)})"
        text = self.template.render(
            summary=summary,
            c=summary.counts,
            heading="###",
            title=title,
            level=level,
            groups=groups,
            risk_flags=flags,
            hidden_risk_flags=len(summary.risk_flags) - len(flags),
            drift_items=drift_items,
            outputs=summary.outputs if level != "counts" else [],
            omitted=omitted.strip(),
            details_url=self.details_url,
            env=self.env_name,
            mask=summary.mask_text,
        )
        return scrub(text, summary.sensitive_values())


def _mixed(renderer: _Renderer, summary: PlanSummary, room: int) -> str | None:
    """The full level with diffs for as many resources as ``room`` extra characters allow."""
    ordered = [resource for _, resources in summary.resources_by_action() for resource in resources]
    detailable = [index for index, resource in enumerate(ordered) if resource.action in DETAILED_ACTIONS]
    if not detailable:
        return None
    flagged = {flag.address for flag in summary.risk_flags}
    costs = {}
    for index in detailable:
        resource = ordered[index]
        full = _resource_view(resource, "full")
        keys = _resource_view(resource, "keys")
        # A details block costs its diff plus markup, minus the names-only line it replaces.
        costs[index] = max(0, len(full["diff"]) + 2 * len(full["fence"]) + 100
                           - sum(len(k) + 4 for k in keys["changed"]))
    # Diffs of flagged resources first, then the smallest: the most diffs for the room. Taking a
    # prefix of one fixed order means a smaller budget never shows more diffs than a bigger one.
    priority = sorted(detailable, key=lambda i: (ordered[i].address not in flagged, costs[i], i))
    budget = room
    chosen: list[int] = []
    for index in priority:
        if costs[index] > budget:
            break
        budget -= costs[index]
        chosen.append(index)
    always = {index for index in range(len(ordered)) if index not in set(detailable)}
    while chosen:
        text = renderer.render("full", detailed=always | set(chosen))
        if len(text) <= renderer.max_chars:
            return text
        # The estimate was optimistic: give up the last diffs and try again.
        del chosen[-max(1, len(chosen) // 10):]
    return None


def _drift_line(attr: AttributeChange) -> str:
    """``path: before -> after`` with masked values (what changed outside terraform)."""
    before = "null" if attr.before is None else attr.before
    after = "null" if attr.after is None else attr.after
    return f"{attr.path}: {before} -> {after}"


def _lower_bound(summary: PlanSummary) -> int:
    """A cheap lower bound of the size of the detailed levels: every address, once."""
    return sum(len(resource.address) + 12 for resource in summary.resources)


def render_plan_markdown(summary: PlanSummary, *, env: str | None = None, max_chars: int = DEFAULT_MAX_CHARS,
                         template_dir: Path | None = None, details_url: str | None = None) -> str:
    """Markdown of ``summary`` in at most ``max_chars`` characters (see the module docstring).

    Each level is tried in turn, most detail first: full diffs, names only (with as many full diffs
    as fit), addresses, as many addresses as fit, counts and risk flags, as many flags as fit.
    """
    renderer = _Renderer(summary, env, template_dir, details_url)
    renderer.max_chars = max_chars
    if _lower_bound(summary) <= max_chars:
        detailed = _detailed(renderer, summary, max_chars)
        if detailed is not None:
            return detailed
    addresses = _some_addresses(renderer, summary, max_chars)
    if addresses is not None:
        return addresses
    return _counts(renderer, summary, env, max_chars)


def _detailed(renderer: _Renderer, summary: PlanSummary, max_chars: int) -> str | None:
    """Full diffs, else names with as many full diffs as fit, else every address; None if none fits."""
    text = renderer.render("full")
    if len(text) <= max_chars:
        return text
    keys_text = renderer.render("keys")
    if len(keys_text) <= max_chars:
        # Between the two: full diffs for the first resources (most consequential first), as
        # many as the room left by the names-only rendering allows.
        mixed = _mixed(renderer, summary, max_chars - len(keys_text))
        return mixed if mixed is not None else keys_text
    text = renderer.render("addresses")
    return text if len(text) <= max_chars else None


def _some_addresses(renderer: _Renderer, summary: PlanSummary, max_chars: int) -> str | None:
    """Addresses only, as many as fit; None when not even one does."""
    base = renderer.render("addresses", resource_limit=0)
    if len(base) > max_chars:
        return None
    budget = max_chars - len(base)
    limit = 0
    used = 0
    for resource in summary.resources:
        cost = len(resource.address) + 12
        if resource.moved:
            cost += len(resource.previous_address or "") + 12
        if used + cost > budget:
            break
        used += cost
        limit += 1
    while limit > 0:
        text = renderer.render("addresses", resource_limit=limit)
        if len(text) <= max_chars:
            return text
        limit = int(limit * 0.9)
    return None


def _counts(renderer: _Renderer, summary: PlanSummary, env: str | None, max_chars: int) -> str:
    """Counts and risk flags; when even the flags overflow, as many flags as fit."""
    text = renderer.render("counts")
    if len(text) <= max_chars:
        return text
    best = renderer.render("counts", risk_limit=0)
    if len(best) > max_chars:
        return _minimal(summary, env, max_chars)
    budget = max_chars - len(best) - 80  # room for the "and N more" line
    limit = 0
    for flag in summary.risk_flags:
        budget -= len(escape_markdown(flag.message)) + 3
        if budget < 0:
            break
        limit += 1
    while limit > 0:
        candidate = renderer.render("counts", risk_limit=limit)
        if len(candidate) <= max_chars:
            return candidate
        limit = int(limit * 0.9)
    return best


def _minimal(summary: PlanSummary, env: str | None, max_chars: int) -> str:
    """Last resort for budgets too small for any template: the counts line, then whole lines."""
    lines = [summary.plan_line]
    if summary.risk_flags:
        lines.append(f"{len(summary.risk_flags)} risk flag(s).")
    if summary.warnings:
        lines.insert(0, "WARNING: " + " ".join(summary.warnings))
    if env:
        lines.insert(0, f"{env}:")
    lines.append("(Details left out: the size limit is too small.)")
    text = ""
    for line in lines:
        if len(text) + len(line) + 1 > max_chars:
            break
        text += line + "\n"
    return scrub(text or summary.plan_line[:max_chars], summary.sensitive_values())
