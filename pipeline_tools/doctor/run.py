"""I/O of ``pipeline-tools doctor``: read the settings through the GitHub adapter, judge, print."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TextIO

from pipeline_tools.doctor.model import EnvironmentSettings, Requirement, problems


def environment_settings(
    raw: dict[str, Any] | None, name: str, patterns: Sequence[str] | None
) -> EnvironmentSettings:
    """The API's environment JSON (None: 404) and its custom branch patterns, as the model's type."""
    if raw is None:
        return EnvironmentSettings(name, exists=False)
    policy = raw.get("deployment_branch_policy")
    reviewers = sum(
        len(rule.get("reviewers") or [])
        for rule in raw.get("protection_rules") or []
        if rule.get("type") == "required_reviewers"
    )
    if not policy:
        return EnvironmentSettings(name, True, None, None, reviewers)
    if policy.get("protected_branches"):
        return EnvironmentSettings(name, True, True, None, reviewers)
    return EnvironmentSettings(name, True, False, tuple(patterns or ()), reviewers)


def run(github: Any, repo: str, requirements: Sequence[Requirement], branch: str, out: TextIO) -> int:
    """Check ``requirements`` against the repository's environments; ``github`` is the client
    (None: one from GITHUB_TOKEN / GITHUB_API_URL)."""
    if github is None:
        from pipeline_tools.integrations.github import GitHub

        github = GitHub.from_env()
    settings = []
    for requirement in requirements:
        raw, patterns = github.environment(repo, requirement.environment)
        settings.append(environment_settings(raw, requirement.environment, patterns))
    found = problems(
        settings, requirements, branch=branch, branch_protected=github.branch_protected(repo, branch)
    )
    for requirement in requirements:
        mine = [p for p in found if p.startswith(f"environment {requirement.environment} ")]
        out.write(f"{'ok     ' if not mine else 'MISSING'} {requirement.environment}\n")
        for problem in mine:
            out.write(f"        - {problem}\n")
    return 1 if found else 0
