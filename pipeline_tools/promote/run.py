"""``pipeline-tools promote``'s I/O shell: wire the engine to AWS, terraform and GitHub.

The GitHub client and the AWS clients are passed in (as factories, so that a command that fails
its input checks creates none); the decision is :mod:`.engine`'s, the text :mod:`.render`'s.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline_tools.core.errors import ExitCode, InputError, VerdictError
from pipeline_tools.core.repository import parse_repo_name
from pipeline_tools.integrations.terraform import parse_backend_config
from pipeline_tools.promote.engine import PromotionRequest, decide
from pipeline_tools.promote.model import Promotion, short
from pipeline_tools.promote.release import release_file, render_releases
from pipeline_tools.promote.render import dry_run_report, pull_request_body, release_diff, title

if TYPE_CHECKING:
    from pipeline_tools.integrations.github import GitHub


def _soak_minutes_from_env() -> float:
    configured = os.environ.get("PIPELINE_TOOLS_SOAK_MINUTES") or "30"
    try:
        return float(configured)
    except ValueError:
        raise InputError(f"PIPELINE_TOOLS_SOAK_MINUTES must be a number, got {configured!r}") from None


def _github_from_env() -> GitHub:
    from pipeline_tools.integrations.github import GitHub

    return GitHub.from_env()


def _plan_markdown(plan_json: dict[str, Any] | None, env: str) -> str:
    if plan_json is None:
        return ""
    from pipeline_tools.plan.model import summarize
    from pipeline_tools.plan.render.markdown import render_plan_markdown

    return render_plan_markdown(summarize(plan_json), env=env, max_chars=40_000)


def promote(
    *,
    source_env: str,
    target_env: str,
    services: Sequence[str] | None,
    expected_digest: str | None,
    digest: str | None,
    reason: str,
    soak_minutes: float | None,
    repo: str,
    base: str,
    environments_dir: Path,
    project: str,
    backend_config: Sequence[str],
    dry_run: bool,
    clusters: Mapping[str, str] | None = None,
    github: Callable[[], GitHub] | None = None,
    aws_client: Callable[[str], Any] | None = None,
) -> int:
    """Promote ``services`` (None: all of the source's) from ``source_env`` to ``target_env``.

    Opens the pull request, or with ``dry_run`` prints what would change. ``aws_client(name)``
    returns an AWS client (default ``boto3.client``); ``github`` the GitHub client (default: from
    GITHUB_TOKEN/GITHUB_API_URL). ``soak_minutes`` None: $PIPELINE_TOOLS_SOAK_MINUTES, else 30.
    ``clusters``: environment -> ECS cluster; an environment it does not name: ``PROJECT-ENV``.
    Returns 0 (opened, or all preconditions hold) or 1.
    """
    if soak_minutes is None:
        soak_minutes = _soak_minutes_from_env()
    github = github or _github_from_env
    if aws_client is None:
        import boto3

        aws_client = boto3.client
    request = PromotionRequest(
        source_env=source_env,
        target_env=target_env,
        services=None if services is None else tuple(dict.fromkeys(services)),
        expected_digest=expected_digest,
        digest=digest,
        reason=reason.strip(),
        soak=timedelta(minutes=soak_minutes),
        environments_dir=environments_dir,
        project=project,
        clusters=dict(clusters or {}),
    )
    parsed_backend_config = parse_backend_config(list(backend_config))
    github_client = github()
    repo = parse_repo_name(repo)
    if not dry_run:
        refuse_untriggering_token(github_client)
    from pipeline_tools.promote.github_ops import open_promotions
    from pipeline_tools.promote.terraform_plan import target_planner

    with tempfile.TemporaryDirectory(prefix="pt-promote-") as workdir:
        planner = target_planner(environments_dir / request.target_env, workdir=Path(workdir),
                                 backend_config=parsed_backend_config)
        promotion, proposed, plan_json = decide(
            request,
            ecs=aws_client("ecs"),
            ecr=aws_client("ecr"),
            now=datetime.now(UTC),
            open_promotions=lambda env: open_promotions(github_client, repo, env),
            plan_target=planner,
        )
    target_path = release_file(environments_dir, request.target_env)
    before = target_path.read_text()
    after = render_releases(proposed)
    path_label = target_path.as_posix()
    diff = release_diff(path_label, before, after)

    if dry_run:
        sys.stdout.write(dry_run_report(promotion, release_path=path_label, diff=diff))
        return ExitCode.OK if promotion.ok else ExitCode.FAILED

    if not promotion.ok:
        sys.stdout.write(dry_run_report(promotion, release_path=path_label, diff=diff)
                         .replace("(dry run: nothing was changed)", "(refused: nothing was changed)"))
        failed = [check for check in promotion.all_checks if not check.ok]
        raise VerdictError(f"promotion refused: {failed[0].name}: {failed[0].detail}"
                           + (f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""))

    from pipeline_tools.promote.github_ops import open_promotion_pull_request

    plan_markdown = _plan_markdown(plan_json, request.target_env)
    # Named after what it promotes: running the same promotion again resumes it.
    branch = f"promote/{request.target_env}/" + "-".join(
        f"{s.service}-{short(s.proposed.digest)}" for s in promotion.changed_services)
    opened = open_promotion_pull_request(
        github_client,
        repo,
        base=base,
        branch=branch,
        path=path_label,
        content=after,
        title=title(promotion),
        body=pull_request_body(promotion, release_path=path_label, plan_markdown=plan_markdown),
        environment=request.target_env,
        payload={"services": {s.service: s.proposed.digest for s in promotion.changed_services},
                 "source": request.source_env, "rollback": promotion.rollback},
    )
    _notify(promotion, status="opened", url=opened.url)
    sys.stdout.write(f"opened pull request #{opened.number}: {opened.url}\n")
    for service in promotion.changed_services:
        sys.stdout.write(f"  {service.service}: {short(service.current.digest)} -> "
                         f"{short(service.proposed.digest)}\n")
    return ExitCode.OK


def report(*, repo: str, pr: int, state: str, log_url: str | None,
           github: Callable[[], GitHub] | None = None) -> int:
    """Record the outcome (``success``/``failure``) of merged promotion pull request ``pr``."""
    from pipeline_tools.promote.github_ops import promotion_deployment

    github_client = (github or _github_from_env)()
    repo = parse_repo_name(repo)
    deployment_id, url, recorded = promotion_deployment(github_client, repo, pr)
    outcome = "applied" if state == "success" else "failed"
    github_client.create_deployment_status(repo, deployment_id, state, log_url=log_url,
                                           description=f"promotion {outcome}")
    _notify_recorded(recorded, status=outcome, url=log_url or url)
    sys.stdout.write(f"recorded {state} for the promotion in #{pr}\n")
    return ExitCode.OK


def _notify(promotion: Promotion, *, status: str, url: str) -> None:
    _notify_recorded({
        "source": promotion.source_env,
        "target": promotion.target_env,
        "rollback": promotion.rollback,
        "services": {s.service: s.proposed.digest for s in promotion.changed_services},
        "reason": promotion.reason,
    }, status=status, url=url)


def _notify_recorded(recorded: dict[str, Any], *, status: str, url: str) -> None:
    """Chat message about a promotion; a chat outage never fails the promotion."""
    from pipeline_tools.promote.notify import notify_promotion

    notify_promotion(recorded, status=status, url=url)


# The account behind the workflow's own GITHUB_TOKEN. A pull request it opens starts no workflow
# (GitHub's rule against recursive runs), so a promotion opened with it is never planned and its
# apply is refused: fail before anything is decided or written.
WORKFLOW_TOKEN_ACCOUNT = "github-actions[bot]"


def refuse_untriggering_token(github_client: GitHub) -> None:
    if github_client.token_account().lower() == WORKFLOW_TOKEN_ACCOUNT:
        raise InputError(
            "the token is the workflow's own GITHUB_TOKEN (github-actions[bot]): a pull request it opens "
            "triggers no workflow, so the promotion would never be planned and its apply would be refused; "
            "set the secret PROMOTION_TOKEN to a GitHub App installation token (docs/promotion.md)")
