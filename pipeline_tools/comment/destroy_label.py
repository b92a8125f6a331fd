"""``pipeline-tools plan label-destroys``: label a pull request whose plans destroy something.

Reviewers filter on the label (and branch rules may require a second approval for it); it follows
the latest plans: added when any environment's plan deletes or replaces a resource, removed when
none does any more. The count is terraform's own ``to destroy`` figure (:mod:`pipeline_tools.plan.counts`:
a replacement counts once), summed over every ``plan-NAME/plan.json`` of a plan artifact directory.
The GitHub client is passed in (default: from GITHUB_TOKEN/GITHUB_API_URL).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from pipeline_tools.integrations.github import GitHub

DEFAULT_LABEL = "plan:destroy"


def destroy_counts(plans_dir: Path) -> dict[str, int]:
    """Per environment with a plan, how many resources it destroys (replacements included)."""
    from pipeline_tools.comment.run import read_plans_dir
    from pipeline_tools.plan.load import load_plan
    from pipeline_tools.plan.model import summarize

    artifacts = read_plans_dir(plans_dir, "")
    return {name: summarize(load_plan(source)).counts.destroy for name, source in artifacts.plans}


def label_destroys(*, repo: str, pr: int, plans_dir: Path, label: str = DEFAULT_LABEL,
                   github: Callable[[], GitHub] | None = None, environ: Mapping[str, str] | None = None,
                   out: TextIO | None = None) -> int:
    """Add ``label`` to pull request ``pr`` when the plans in ``plans_dir`` destroy anything,
    remove it otherwise. Returns 0 (plans are read before GitHub is contacted)."""
    import os

    from pipeline_tools.core.errors import InputError
    from pipeline_tools.core.repository import parse_repo_name

    out = out or sys.stdout
    environ = os.environ if environ is None else environ
    repo = parse_repo_name(repo)
    if pr < 1:
        raise InputError(f"invalid pull request number {pr}")
    if not label.strip() or len(label) > 50:
        raise InputError(f"invalid label {label!r}: 1 to 50 characters")
    counts = destroy_counts(plans_dir)
    destroyed = sum(counts.values())
    if github is None:
        from pipeline_tools.integrations.github import GitHub

        github = GitHub.from_env
    client = github()
    if destroyed:
        client.add_labels(repo, pr, [label])
        where = ", ".join(f"{name} {count}" for name, count in counts.items() if count)
        prefix = "::warning::" if environ.get("GITHUB_ACTIONS") == "true" else "warning: "
        out.write(f"{prefix}this change destroys or replaces {destroyed} resource(s) ({where}): "
                  f"labelled {label}\n")
    else:
        removed = client.remove_label(repo, pr, label)
        out.write(f"no plan destroys anything: label {label} {'removed' if removed else 'not set'}\n")
    return 0
