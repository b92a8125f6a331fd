"""``pipeline-tools apply check``, ``apply pr``, ``apply record``, ``apply rollout`` and
``apply report``'s I/O shell.

The GitHub client is built by the factory passed in (default: from GITHUB_TOKEN/GITHUB_API_URL and
the trusted author); the requirements are :mod:`.check`, the record :mod:`.records`, the rollout's
choice :mod:`.rollout` (AWS clients passed in), the report's verdict :mod:`.report`. The CLI module
(:mod:`pipeline_tools.cli.commands.apply`) only parses arguments.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pipeline_tools.core.errors import ExternalError, InputError, VerdictError
from pipeline_tools.core.redaction import error_line

if TYPE_CHECKING:
    from pipeline_tools.apply.report import StepOutcomes
    from pipeline_tools.config.model import RepoConfig, Stage
    from pipeline_tools.cost.policy import CostPolicy
    from pipeline_tools.deploy.deployer import AwsClients
    from pipeline_tools.deploy.outcome import DeployResult
    from pipeline_tools.integrations.github import GitHub
    from pipeline_tools.notify.model import Notification

_SHA = re.compile(r"^[0-9a-fA-F]{7,64}$")
_RUN_KEY = re.compile(r"^\d{1,20}(?:\.\d{1,20}){0,3}$")
_LOG_URL = re.compile(r"^https?://[^\s<>\"'`]+$")

GitHubFactory = Callable[[str | None], "GitHub"]  # builds the client for a trusted author (None: default)


def github_from_env(trusted_author: str | None = None) -> GitHub:
    """The GitHub client from GITHUB_TOKEN/GITHUB_API_URL; ``trusted_author`` overrides
    PIPELINE_TOOLS_TRUSTED_AUTHOR."""
    from pipeline_tools.integrations.github import GitHub

    if trusted_author:
        return GitHub.from_env(trusted_author=trusted_author)
    return GitHub.from_env()


def _validated(repo: str, env: str, sha: str, pr: int | None = None) -> str:
    from pipeline_tools.comment.markers import valid_env_name
    from pipeline_tools.core.repository import parse_repo_name

    repo = parse_repo_name(repo)
    if not valid_env_name(env):
        raise InputError(f"invalid environment name {env!r}")
    _check_sha(sha)
    if pr is not None and pr < 1:
        raise InputError(f"invalid pull request number {pr}")
    return repo


def _check_sha(sha: str) -> None:
    if not _SHA.match(sha):
        raise InputError(f"invalid --sha {sha!r}: expected a hexadecimal commit id")


# Where `apply check` looks for the cost policy when --policy is not given (the repository's own,
# as checked out at the commit being applied; the same file `plan cost --check-policy` reads).
DEFAULT_POLICY = "security/policy.yml"


def apply_cost_policy(path: str | None, out: TextIO, env: str | None = None) -> CostPolicy | None:
    """The cost policy the apply enforces: ``path`` (which must exist), else :data:`DEFAULT_POLICY`
    when the working directory has one, else none (said on ``out``). ``env`` without an entry of
    its own gets its root's stage's (pipeline-tools.yml), as the security gate's threshold does:
    ``dev-eu-07`` is held to dev's limit rather than to none."""
    from pipeline_tools.cost.run import load_cost_policy

    if path is None:
        if not os.path.isfile(DEFAULT_POLICY):
            out.write(f"note: no {DEFAULT_POLICY} here: no cost limits are enforced\n")
            return None
        path = DEFAULT_POLICY
    policy = load_cost_policy(path)
    if env is None or env in policy.environments:
        return policy
    import dataclasses

    from pipeline_tools.config.load import load_config

    config = load_config(repo_root=Path.cwd())
    # The comment's environment name writes a nested root's "/" as "--" (affected's matrix names).
    stage = config.stage_for(f"{config.roots_dir}/{env.replace('--', '/')}")
    if stage is None or stage.name not in policy.environments:
        return policy
    return dataclasses.replace(policy, environments={**policy.environments,
                                                     env: policy.environments[stage.name]})


def check(*, repo: str, env: str, sha: str, pr: int | None = None, trusted_author: str | None = None,
          policy: str | None = None, github: GitHubFactory | None = None, out: TextIO | None = None) -> int:
    """Print each requirement met and not met for applying ``sha`` (or pull request ``pr``) to
    ``env`` (the cost policy from ``policy``, see :func:`apply_cost_policy`); returns 0 when all
    are met, raises VerdictError naming the unmet ones otherwise."""
    from pipeline_tools.apply.check import check_apply

    out = out or sys.stdout
    repo = _validated(repo, env, sha, pr)
    cost_policy = apply_cost_policy(policy, out, env)  # bad policy: exit 2 before GitHub is asked
    client = (github or github_from_env)(trusted_author)
    result = check_apply(client, repo, env=env, sha=sha.lower(), pr=pr, cost_policy=cost_policy)
    where = f"pull request #{result.pull_request}" if result.pull_request else f"commit {sha[:12]}"
    for item in result.met:
        out.write(f"ok: {item}\n")
    for item in result.unmet:
        out.write(f"NOT MET: {item}\n")
    if result.unmet:
        raise VerdictError(f"{where} may not be applied to {env}: {'; '.join(result.unmet)}")
    out.write(f"{where} may be applied to {env}\n")
    return 0


def merged_pull(*, repo: str, sha: str, base: str = "main", github: GitHubFactory | None = None,
                environ: Mapping[str, str] | None = None, out: TextIO | None = None,
                err: TextIO | None = None) -> int:
    """Print the number of the pull request merged as ``sha`` into ``base``; nothing (and a warning,
    as a GitHub Actions annotation there) when there is none. Returns 0."""
    from pipeline_tools.core.repository import parse_repo_name

    out, err = out or sys.stdout, err or sys.stderr
    environ = os.environ if environ is None else environ
    repo = parse_repo_name(repo)
    _check_sha(sha)
    client = (github or github_from_env)(None)
    merged = [p for p in client.pulls_of_commit(repo, sha.lower()) if p.base == base]
    if not merged:
        prefix = "::warning::" if environ.get("GITHUB_ACTIONS") == "true" else "warning: "
        err.write(f"{prefix}{sha[:12]} was not merged into {base} through a pull request: "
                  "there is no reviewed plan, so nothing will be applied\n")
        return 0
    out.write(f"{merged[0].number}\n")
    return 0


def record(*, repo: str, env: str, sha: str, state: str, run_key: str | None = None,
           log_url: str | None = None, description: str = "", trusted_author: str | None = None,
           github: GitHubFactory | None = None, environ: Mapping[str, str] | None = None,
           out: TextIO | None = None) -> int:
    """Record ``state`` of this run's apply of ``sha`` to ``env`` as a GitHub Deployment status
    (``run_key`` default: GITHUB_RUN_ID.GITHUB_RUN_ATTEMPT). Returns 0."""
    from pipeline_tools.apply.records import record_apply, run_key_from_env

    out = out or sys.stdout
    repo = _validated(repo, env, sha)
    client = (github or github_from_env)(trusted_author)
    run_key = run_key if run_key is not None else run_key_from_env(environ)
    if run_key and not _RUN_KEY.match(run_key):
        raise InputError(f"invalid --run-key {run_key!r}: expected dot-separated integers")
    if log_url and not _LOG_URL.match(log_url):
        raise InputError(f"invalid --log-url {log_url!r}: expected an http(s) URL")
    recorded = record_apply(client, repo, env=env, sha=sha.lower(), state=state, run_key=run_key,
                            log_url=log_url, description=description[:140])
    out.write(f"deployment {recorded.deployment_id} ({recorded.action}) of {sha[:12]} to "
              f"{env}: {recorded.state}\n")
    return 0


# ----- apply rollout ----------------------------------------------------------------------------
def _stage_of(env: str, config: RepoConfig) -> Stage:
    stage = config.stage_for(f"{config.roots_dir.strip('/')}/{env}")
    if stage is None:
        raise InputError(f"environment {env!r}: no stage of {config.source} holds "
                         f"{config.roots_dir}/{env}, so the pipeline does not deploy it")
    return stage


def lock_table_from_terraform(root: Path) -> str:
    """The deployer's lock table of an initialised root (output ``deploy_lock_table_name``), or ""
    where the root has none (only environments with the deployer Lambda have one)."""
    from pipeline_tools.integrations.terraform import Terraform

    if not (root / ".terraform").is_dir():
        return ""
    try:
        outputs = Terraform(root).output_json()
    except ExternalError:
        return ""
    value = (outputs.get("deploy_lock_table_name") or {}).get("value")
    return value if isinstance(value, str) else ""


def stale_services(ecs: Any, cluster: str, services: Sequence[str]) -> dict[str, str]:
    """The services of ``cluster`` whose running revision was not built from the task definition
    Terraform manages now (the family's newest revision the deployer did not register): service ->
    the image its container (named like the service) runs. A service that does not exist is left
    out."""
    from botocore.exceptions import BotoCoreError, ClientError

    from pipeline_tools.deploy import taskdef
    from pipeline_tools.deploy.deployer import terraform_definition

    stale: dict[str, str] = {}
    for name in services:
        try:
            found = ecs.describe_services(cluster=cluster, services=[name]).get("services", [])
            service = next((s for s in found if s.get("status") == "ACTIVE"), None)
            if service is None:
                continue
            arn = str(service.get("taskDefinition") or "")
            described = ecs.describe_task_definition(taskDefinition=arn, include=["TAGS"])
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ClusterNotFoundException":
                return {}
            raise ExternalError(f"ECS {cluster}/{name}: {exc}") from exc
        except BotoCoreError as exc:
            raise ExternalError(f"ECS {cluster}/{name}: {exc}") from exc
        definition, tags = described["taskDefinition"], list(described.get("tags") or [])
        base = terraform_definition(ecs, str(definition.get("family") or taskdef.family_of(arn)),
                                    known={arn: (definition, tags)})
        if base is not None and taskdef.base_of(arn, tags) != base[0]:
            try:
                stale[name] = taskdef.container_image(definition, name)
            except InputError:
                continue
    return stale


def rollout(*, env: str, sha: str = "", config: RepoConfig, repo_root: Path, lock_table: str | None = None,
            timeout_seconds: float = 900, notify: bool = True, clients: AwsClients | None = None,
            deploy: Callable[..., DeployResult] | None = None, out: TextIO | None = None) -> int:
    """Roll out every service of ``env`` whose running image differs from its release file, one
    after the other, each by ``pipeline-tools deploy``'s direct form (same checks, same lock as the
    deployer Lambda when ``lock_table`` is known). Returns deploy's most severe exit code (0 when
    there was nothing to do)."""
    from pipeline_tools.apply.rollout import render_plan, rollout_targets
    from pipeline_tools.deploy.config import DeployConfig
    from pipeline_tools.deploy.deployer import AwsClients, DeployRequest
    from pipeline_tools.deploy.outcome import combined_exit_code
    from pipeline_tools.deploy.run import deploy_direct, notify_result
    from pipeline_tools.promote.release import load_releases, release_file
    from pipeline_tools.status.run import gather

    out = out or sys.stdout
    if sha:
        _check_sha(sha)
    if timeout_seconds <= 0:
        raise InputError("--timeout must be positive")
    from pipeline_tools.config.model import stage_outputs

    cluster = stage_outputs(config, _stage_of(env, config).name)["cluster"]
    environments_dir = repo_root / config.roots_dir
    root = environments_dir / env
    if not release_file(environments_dir, env).is_file():
        out.write(f"no release file in {config.roots_dir}/{env}: nothing to roll out\n")
        return 0
    clients = clients or AwsClients()
    status = gather(env, environments_dir=environments_dir, project=config.project, ecs=clients.ecs,
                    s3=None, backend={}, drift="not checked", cluster=cluster)
    releases = load_releases(release_file(environments_dir, env))
    auto_deploy = _stage_of(env, config).auto_deploy
    stale = stale_services(clients.ecs, cluster, [s.service for s in status.services])
    targets = rollout_targets(cluster, status.services, releases, stale=stale, auto_deploy=auto_deploy)
    out.write(render_plan(env, cluster, status.services, targets, stale=stale, auto_deploy=auto_deploy))
    if not targets:
        return 0
    table = lock_table if lock_table is not None else lock_table_from_terraform(root)
    out.write(f"lock table: {table}\n" if table else "no deploy lock table for this environment\n")
    deploy_config = DeployConfig(lock_table=table, timeout_seconds=timeout_seconds)
    deploy = deploy or deploy_direct
    trigger = f"apply of {sha[:12]}" if sha else "pipeline-tools apply rollout"
    results = []
    for target in targets:
        request = DeployRequest(cluster=target.cluster, service=target.service, container=target.container,
                                image=target.image, environment=env, trigger=trigger, source_commit=sha)
        result = deploy(request, deploy_config, clients=clients, notifier=notify_result if notify else None)
        out.write(error_line(f"{target.cluster}/{target.service}: {result.outcome.value} "
                             f"(exit {result.exit_code})" + (f": {result.reason}" if result.reason else ""),
                             limit=2000) + "\n")
        results.append(result)
    return combined_exit_code(results)


# ----- apply report -----------------------------------------------------------------------------
def report(*, repo: str, env: str, sha: str, steps: StepOutcomes, pr: int | None = None,
           log_url: str | None = None, reason_file: Path | None = None,
           github: GitHubFactory | None = None, environ: Mapping[str, str] | None = None,
           send_chat: Callable[[Notification], object] | None = None,
           out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Say how the apply of ``sha`` to ``env`` went, from its steps' outcomes: in the job summary, as
    one comment per environment on the merged pull request ``pr``, in chat; and, when ``pr`` is a
    promotion into ``env`` that got as far as the plan comparison, record the promotion's outcome.

    The report itself never fails the job for the comment or the chat (the outcome is already
    decided; a GitHub or chat outage prints a warning); recording a promotion does (exit 3), as
    ``promote report`` does. Returns 0."""
    from pipeline_tools.apply.report import (
        notification,
        refusal_reason,
        render_comment,
        render_message,
        verdict,
    )
    from pipeline_tools.core.ci import CIEnvironment
    from pipeline_tools.promote.github_ops import target_label

    out, err = out or sys.stdout, err or sys.stderr
    repo = _validated(repo, env, sha, pr)
    if log_url and not _LOG_URL.match(log_url):
        raise InputError(f"invalid --log-url {log_url!r}: expected an http(s) URL")
    ci = CIEnvironment.from_env(environ)
    warn = "::warning::" if ci.in_actions else "warning: "
    run_url = log_url or ci.run_url() or ""
    outcome = verdict(steps)
    log_text = ""
    if reason_file is not None:
        try:
            log_text = reason_file.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            log_text = ""  # the step that writes it never ran
        except OSError as exc:
            raise InputError(f"cannot read {reason_file}: {exc.strerror or exc}") from None
    # Masked (and made one line) before it goes anywhere: the log may quote a plan value.
    reason = error_line(refusal_reason(outcome, log_text), limit=500) if log_text else ""
    message = render_message(env, outcome, run_url=run_url, reason=reason)
    out.write(message + "\n")
    try:
        ci.append_step_summary(message)
    except OSError as exc:
        err.write(f"{warn}cannot write the job summary: {exc.strerror or exc}\n")
    client = (github or github_from_env)(None) if pr else None
    if client is not None and pr:
        try:
            client.upsert_comment(repo, pr, _report_marker(env), render_comment(env, message))
        except ExternalError as exc:
            err.write(f"{warn}the result was not posted on #{pr}: {error_line(str(exc))}\n")
    pull_url = f"{ci.server_url.rstrip('/')}/{repo}/pull/{pr}" if pr and ci.server_url else ""
    chat = send_chat or _send_chat
    chat(notification(env, outcome, sha=sha, run_url=run_url, pull_url=pull_url, reason=reason))
    # A promotion is recorded once its plan comparison ran (as before: a refused check is not one).
    compared = steps.verify not in ("skipped", "")
    if client is not None and pr and compared and target_label(env) in client.labels(repo, pr):
        from pipeline_tools.promote.run import report as promote_report

        promote_report(repo=repo, pr=pr, state="success" if outcome.delivered else "failure",
                       log_url=run_url or None, github=lambda: client)
    return 0


def _report_marker(env: str) -> str:
    from pipeline_tools.apply.report import marker

    return marker(env)


def _send_chat(message: Notification) -> object:
    from pipeline_tools import notify

    return notify.send(message)  # never raises: a chat outage is reported per channel, not fatal
