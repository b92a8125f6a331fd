"""Rendering a promotion: the pull request body (markdown) and the dry-run report (text)."""

from __future__ import annotations

import difflib
import functools
import json
from typing import TYPE_CHECKING

from pipeline_tools.promote.model import Promotion, short

if TYPE_CHECKING:
    from jinja2 import Template

MARKER_PREFIX = "<!-- pipeline-tools:promotion"
# GitHub's limit on a pull request body; the plan section is cut to fit what is left.
MAX_BODY_CHARS = 65_536


def marker(promotion: Promotion) -> str:
    fields = {
        "source": promotion.source_env,
        "target": promotion.target_env,
        "rollback": promotion.rollback,
        "services": {s.service: s.proposed.digest for s in promotion.changed_services},
    }
    return f"{MARKER_PREFIX} {json.dumps(fields, sort_keys=True)} -->"


def parse_marker(body: str) -> dict | None:
    """The fields recorded by :func:`marker` in a pull request body, or None."""
    start = body.find(MARKER_PREFIX)
    if start < 0:
        return None
    end = body.find("-->", start)
    try:
        return json.loads(body[start + len(MARKER_PREFIX):end].strip())
    except (ValueError, TypeError):
        return None


def title(promotion: Promotion) -> str:
    changed = promotion.changed_services
    what = ", ".join(f"{s.service} {s.proposed.tag or short(s.proposed.digest)}" for s in changed)
    verb = "Roll back" if promotion.rollback else "Promote"
    source = "" if promotion.rollback else f" from {promotion.source_env}"
    return f"{verb} {promotion.target_env}: {what}{source}"


@functools.cache
def _pull_request_template() -> Template:
    """Compiled once per process (jinja2 loads only when a pull request body is rendered)."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    environment = Environment(loader=PackageLoader("pipeline_tools", "templates/promote"),
                              undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
    return environment.get_template("pull_request.md.j2")


def pull_request_body(promotion: Promotion, *, release_path: str, plan_markdown: str) -> str:
    template = _pull_request_template()
    context = {"promotion": promotion, "release_path": release_path,
               "marker": marker(promotion)}
    without_plan = template.render(**context, plan_markdown="")
    room = MAX_BODY_CHARS - len(without_plan) - 200
    if len(plan_markdown) > room:
        plan_markdown = ("_The plan summary is too long for a pull request body; see the "
                         "promotion workflow's run for the full report._")
    return template.render(**context, plan_markdown=plan_markdown or "_no plan available_")


def release_diff(path: str, before: str, after: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        fromfile=f"a/{path}", tofile=f"b/{path}"))


def dry_run_report(promotion: Promotion, *, release_path: str, diff: str) -> str:
    lines = [f"{'rollback' if promotion.rollback else 'promotion'} "
             f"{promotion.source_env} -> {promotion.target_env} (dry run: nothing was changed)", ""]
    lines.append("preconditions:")
    for check in promotion.all_checks:
        lines.append(f"  [{'ok' if check.ok else 'FAIL'}] {check.name}: {check.detail}")
    lines.append("")
    if diff:
        lines.append(f"would change {release_path}:")
        lines.extend("  " + line for line in diff.rstrip("\n").splitlines())
    else:
        lines.append(f"would not change {release_path}")
    lines.append("")
    if promotion.ok:
        lines.append(f"would open a pull request: {title(promotion)}")
    else:
        lines.append("would NOT open a pull request: preconditions fail")
    return "\n".join(lines) + "\n"
