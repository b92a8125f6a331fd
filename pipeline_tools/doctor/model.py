"""What the apply roles' trust policies rely on in GitHub, and what is missing (pure).

The apply role of ENV trusts ``repo:OWNER/REPO:environment:ENV``: any job that declares
``environment: ENV`` gets it, from any branch, unless the environment restricts its deployment
branches. So every environment a role trusts must deploy from the protected branch only (either
"protected branches", with that branch protected, or custom rules naming exactly that branch),
and prod must also require reviewers (docs/least-privilege.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class EnvironmentSettings:
    name: str
    exists: bool
    # None: deployments from any branch (no deployment branch policy).
    protected_branches_only: bool | None = None
    custom_branch_patterns: tuple[str, ...] | None = None
    reviewers: int = 0


@dataclass(frozen=True)
class Requirement:
    environment: str
    reviewers: bool = False


def problems(
    settings: Sequence[EnvironmentSettings],
    requirements: Sequence[Requirement],
    *,
    branch: str,
    branch_protected: bool,
) -> list[str]:
    """One sentence per missing rule, naming the environment; empty when all is in place."""
    found = {s.name: s for s in settings}
    missing: list[str] = []
    for requirement in requirements:
        env = found.get(requirement.environment)
        name = requirement.environment
        if env is None or not env.exists:
            missing.append(
                f"environment {name} does not exist: create it with deployments from {branch} only"
                + (" and required reviewers" if requirement.reviewers else "")
            )
            continue
        if env.protected_branches_only is None and env.custom_branch_patterns is None:
            missing.append(
                f"environment {name} deploys from any branch: restrict its deployment branches "
                f"to protected branches or to {branch}"
            )
        elif env.protected_branches_only:
            if not branch_protected:
                missing.append(f"environment {name} allows protected branches, but {branch} is not protected")
        else:
            others = [p for p in env.custom_branch_patterns or () if p != branch]
            if others:
                missing.append(
                    f"environment {name} also deploys from {', '.join(repr(p) for p in others)}: "
                    f"allow {branch} only"
                )
            if branch not in (env.custom_branch_patterns or ()):
                missing.append(f"environment {name} does not allow {branch}: its applies cannot run")
        if requirement.reviewers and env.reviewers < 1:
            missing.append(f"environment {name} has no required reviewers")
    return missing
