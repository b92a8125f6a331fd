"""``pipeline-tools apply check``, ``apply pr`` and ``apply record``'s I/O shell.

The GitHub client is built by the factory passed in (default: from GITHUB_TOKEN/GITHUB_API_URL and
the trusted author); the requirements are :mod:`.check`, the record :mod:`.records`. The CLI module
(:mod:`pipeline_tools.cli.commands.apply`) only parses arguments.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TextIO

from pipeline_tools.core.errors import InputError, VerdictError

if TYPE_CHECKING:
    from pipeline_tools.integrations.github import GitHub

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


def check(*, repo: str, env: str, sha: str, pr: int | None = None, trusted_author: str | None = None,
          github: GitHubFactory | None = None, out: TextIO | None = None) -> int:
    """Print each requirement met and not met for applying ``sha`` (or pull request ``pr``) to
    ``env``; returns 0 when all are met, raises VerdictError naming the unmet ones otherwise."""
    from pipeline_tools.apply.check import check_apply

    out = out or sys.stdout
    repo = _validated(repo, env, sha, pr)
    client = (github or github_from_env)(trusted_author)
    result = check_apply(client, repo, env=env, sha=sha.lower(), pr=pr)
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
