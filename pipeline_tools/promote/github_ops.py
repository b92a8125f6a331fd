"""The GitHub side of a promotion, on the shared adapter (:class:`pipeline_tools.integrations.github.GitHub`).

The pull request is opened from a branch named after the target and the digests, so running the
same promotion again after a partial failure resumes it instead of opening a second one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline_tools.core.errors import InputError
from pipeline_tools.integrations.github import GitHub

PROMOTION_LABEL = "promotion"


def target_label(env: str) -> str:
    return f"promotion:{env}"


def open_promotions(github: GitHub, repo: str, target_env: str) -> list[int]:
    """Numbers of open pull requests labelled as promotions to ``target_env``."""
    return [pull.number for pull in github.find_open_pulls(repo, label=target_label(target_env))]


@dataclass(frozen=True)
class OpenedPromotion:
    number: int
    url: str
    branch: str
    deployment_id: int


def open_promotion_pull_request(
    github: GitHub,
    repo: str,
    *,
    base: str,
    branch: str,
    path: str,
    content: str,
    title: str,
    body: str,
    environment: str,
    payload: dict[str, Any],
) -> OpenedPromotion:
    """Open the pull request changing only ``path``, then the GitHub Deployment that follows it."""
    pull = github.create_pull_request(
        repo, base=base, branch=branch, title=title, body=body, files={path: content},
        commit_message=title, labels=(PROMOTION_LABEL, target_label(environment)),
    )
    deployment = github.create_deployment(
        repo, ref=branch, environment=environment, description=title[:140],
        payload={**payload, "pull_request": pull.number}, task="promote",
        production=environment == "prod",
    )
    github.create_deployment_status(repo, deployment.id, "pending", log_url=pull.url,
                                    description="promotion pull request opened; merge to apply")
    return OpenedPromotion(number=pull.number, url=pull.url, branch=branch, deployment_id=deployment.id)


def promotion_deployment(github: GitHub, repo: str, number: int) -> tuple[int, str, dict[str, Any]]:
    """The deployment recorded for promotion pull request ``number``: (id, PR url, PR body marker)."""
    from pipeline_tools.promote.render import parse_marker

    pull, body = github.pull_body(repo, number)
    recorded = parse_marker(body)
    if recorded is None:
        raise InputError(f"pull request #{number} is not a promotion opened by pipeline-tools")
    deployment = github.find_deployment(repo, ref=pull.head_ref, environment=recorded["target"],
                                        payload={"pull_request": number})
    if deployment is None:
        raise InputError(f"no deployment recorded for promotion pull request #{number}")
    return deployment.id, pull.url, recorded
