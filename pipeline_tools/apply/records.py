"""The apply record (GitHub Deployments) and the reviewed plans of pull requests merged since.

Each apply of an environment is one GitHub Deployment (task :data:`APPLY_TASK`, environment = the
environment's name, ref = the commit applied) created by the pipeline's identity at the start of the
apply, with a status per step (``in_progress``, then ``success`` or ``failure``). That is where
GitHub users look (the repository's Environments page), and it answers the question the apply needs:
since when has nothing been applied successfully? Every pull request merged at or after the creation
of the last successful apply's deployment may hold changes that are not applied yet.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline_tools.core.errors import InputError

if TYPE_CHECKING:
    from pipeline_tools.integrations.github import DeploymentRecord, GitHub
    from pipeline_tools.plan.reviewed import ReviewedPlan

APPLY_TASK = "terraform-apply"
STATES = ("in_progress", "success", "failure", "error")


@dataclass(frozen=True)
class RecordedApply:
    deployment_id: int
    action: str  # "created" or "existing"
    state: str


def run_key_from_env(environ: Mapping[str, str] | None = None) -> str:
    """``GITHUB_RUN_ID.GITHUB_RUN_ATTEMPT`` (empty outside GitHub Actions)."""
    env = os.environ if environ is None else environ
    run_id = env.get("GITHUB_RUN_ID", "")
    if not run_id.isdigit():
        return ""
    attempt = env.get("GITHUB_RUN_ATTEMPT", "1")
    return f"{run_id}.{attempt if attempt.isdigit() else '1'}"


def record_apply(github: GitHub, repo: str, *, env: str, sha: str, state: str, run_key: str = "",
                 log_url: str | None = None, description: str = "") -> RecordedApply:
    """Add ``state`` to this run's apply deployment of ``sha`` to ``env``, creating it when missing.

    The deployment of the same run (``run_key``), commit and environment, created by the pipeline's
    identity, is reused, so the ``in_progress`` record at the start and the outcome at the end are one
    deployment, and a re-run attempt gets its own.
    """
    if state not in STATES:
        raise InputError(f"invalid state {state!r}: expected one of {', '.join(STATES)}")
    me = github.identity().lower()
    existing = next((d for d in github.deployments(repo, environment=env, task=APPLY_TASK)
                     if d.sha == sha and d.creator.lower() == me and d.payload.get("run") == run_key), None)
    action = "existing"
    if existing is None:
        created = github.create_deployment(repo, ref=sha, environment=env, task=APPLY_TASK,
                                           description=f"terraform apply of {sha[:12]}",
                                           payload={"run": run_key}, production=env == "prod")
        deployment_id, action = created.id, "created"
    else:
        deployment_id = existing.id
    github.create_deployment_status(repo, deployment_id, state, log_url=log_url,
                                    description=description or f"terraform apply: {state.replace('_', ' ')}")
    return RecordedApply(deployment_id, action, state)


def last_successful_apply(github: GitHub, repo: str, env: str) -> DeploymentRecord | None:
    """The newest apply deployment of ``env`` by the pipeline's identity whose latest status is success."""
    me = github.identity().lower()
    return next((d for d in github.deployments(repo, environment=env, task=APPLY_TASK)
                 if d.state == "success" and d.creator.lower() == me), None)


def reviewed_plans_from_github(repo: str, env: str, *, prs: Sequence[int] = (),
                               since_deployment: str | None = None, base: str | None = "main",
                               trusted_author: str | None = None,
                               notes: list[str] | None = None, github: GitHub | None = None,
                               checked: bool = False) -> list[ReviewedPlan]:
    """The plans recorded for ``env`` by the trusted plan comments of the pull requests ``prs`` and,
    with ``since_deployment``, of every pull request merged since that environment's last successful
    apply. A pull request without a trusted plan comment, or whose comment has no plan for ``env``,
    contributes nothing (and says why in ``notes``); so does, with ``checked``, one that does not meet
    the apply requirements (:func:`pipeline_tools.apply.check.check_apply`)."""
    from pipeline_tools.comment import MARKER_PREFIX, parse_comment_markers
    from pipeline_tools.integrations.github import GitHub as Client
    from pipeline_tools.integrations.github import parse_repo_name
    from pipeline_tools.plan.reviewed import ReviewedPlan

    repo = parse_repo_name(repo)
    for number in prs:
        if number < 1:
            raise InputError(f"invalid pull request number {number}")
    if github is not None:
        client = github
    elif trusted_author:
        client = Client.from_env(trusted_author=trusted_author)
    else:
        client = Client.from_env()
    numbers = list(dict.fromkeys(prs))
    if since_deployment:
        last = last_successful_apply(client, repo, since_deployment)
        if last is None or last.created_at is None:
            _note(notes, f"no successful apply of {since_deployment} is recorded: only the pull requests "
                       "given with --pr count")
        else:
            merged = client.merged_pulls_since(repo, last.created_at, base=base)
            _note(notes, f"last successful apply of {since_deployment}: {last.sha[:12]} "
                       f"(deployment {last.id}); merged since: "
                       f"{', '.join(f'#{p.number}' for p in merged) or 'none'}")
            numbers += [p.number for p in merged if p.number not in numbers]
    reviewed = []
    for number in numbers:
        comment = client.find_comment(repo, number, MARKER_PREFIX, first_line=True)
        markers = parse_comment_markers(comment.body, first_line_only=True) if comment else None
        if markers is None:
            _note(notes, f"pull request #{number} has no plan comment by {client.identity()}")
            continue
        if markers.fingerprints.get(env) is None and env not in markers.changes:
            _note(notes, f"pull request #{number} recorded no plan for {env}")
            continue
        if checked:
            from pipeline_tools.apply.check import check_apply

            result = check_apply(client, repo, env=env, sha="", pr=number)
            if not result.passed:
                _note(notes, f"pull request #{number} does not count: {'; '.join(result.unmet)}")
                continue
        reviewed.append(ReviewedPlan(f"pull request #{number}", markers.fingerprints.get(env),
                                     markers.changes.get(env)))
    return reviewed


def _note(notes: list[str] | None, text: str) -> None:
    if notes is not None:
        notes.append(text)
