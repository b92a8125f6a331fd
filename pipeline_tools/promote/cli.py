"""The ``promote`` command's handlers: wire the engine to AWS, terraform and GitHub."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pipeline_tools.adapters.terraform import parse_backend_config
from pipeline_tools.errors import ExitCode, InputError, VerdictError
from pipeline_tools.promote.engine import PromotionRequest, decide
from pipeline_tools.promote.model import Promotion, short
from pipeline_tools.promote.render import dry_run_report, pull_request_body, release_diff, title
from pipeline_tools.release import release_file, render_releases


def _repo_name(args: argparse.Namespace) -> str:
    name = args.repo or os.environ.get("GITHUB_REPOSITORY", "")
    if name.count("/") != 1 or not all(name.split("/")):
        raise InputError("--repo OWNER/NAME is required (or set GITHUB_REPOSITORY)")
    return name


def _github(args: argparse.Namespace) -> tuple[Any, str]:
    from pipeline_tools.adapters.github import GitHub, parse_repo_name

    return GitHub.from_env(), parse_repo_name(_repo_name(args))


def _plan_markdown(plan_json: dict[str, Any] | None, env: str) -> str:
    if plan_json is None:
        return ""
    from pipeline_tools.plan.model import summarize
    from pipeline_tools.render.markdown import render_plan_markdown

    return render_plan_markdown(summarize(plan_json), env=env, max_chars=40_000)


def promote(args: argparse.Namespace) -> int:
    import boto3

    environments_dir = Path(args.environments_dir)
    request = PromotionRequest(
        source_env=args.source_env,
        target_env=args.target_env,
        services=None if args.all else tuple(dict.fromkeys(args.service)),
        expected_digest=args.expected_digest,
        digest=args.digest,
        reason=args.reason.strip(),
        soak=timedelta(minutes=args.soak_minutes),
        environments_dir=environments_dir,
        project=args.project,
    )
    backend_config = parse_backend_config(args.backend_config)
    github, repo = _github(args)
    from pipeline_tools.promote.github_ops import open_promotions
    from pipeline_tools.promote.terraform_plan import target_planner

    with tempfile.TemporaryDirectory(prefix="pt-promote-") as workdir:
        planner = target_planner(environments_dir / request.target_env, workdir=Path(workdir),
                                 backend_config=backend_config)
        promotion, proposed, plan_json = decide(
            request,
            ecs=boto3.client("ecs"),
            ecr=boto3.client("ecr"),
            now=datetime.now(UTC),
            open_promotions=lambda env: open_promotions(github, repo, env),
            plan_target=planner,
        )
    target_path = release_file(environments_dir, request.target_env)
    before = target_path.read_text()
    after = render_releases(proposed)
    path_label = target_path.as_posix()
    diff = release_diff(path_label, before, after)

    if args.dry_run:
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
        github,
        repo,
        base=args.base,
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


def report(args: argparse.Namespace) -> int:
    from pipeline_tools.promote.github_ops import promotion_deployment

    github, repo = _github(args)
    deployment_id, url, recorded = promotion_deployment(github, repo, args.pr)
    outcome = "applied" if args.state == "success" else "failed"
    github.create_deployment_status(repo, deployment_id, args.state, log_url=args.log_url,
                                    description=f"promotion {outcome}")
    _notify_recorded(recorded, status=outcome, url=args.log_url or url)
    sys.stdout.write(f"recorded {args.state} for the promotion in #{args.pr}\n")
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
