"""Reading ``pipeline-tools.yml`` strictly: every mistake is one ``InputError`` line naming the key.

Unknown keys, duplicate keys, wrong types, unknown placeholders, duplicate stage names and globs
that could never match a root are refused (exit 2) rather than ignored: a misspelt
``required_reviewers`` must not quietly mean "no reviewers".
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

from pipeline_tools.config.model import (
    GITHUB_MATRIX_LIMIT,
    PLACEHOLDERS,
    WORKFLOW_STAGE_LIMIT,
    MatrixSettings,
    RepoConfig,
    Stage,
)
from pipeline_tools.core.errors import InputError

CONFIG_FILE_NAME = "pipeline-tools.yml"
SUPPORTED_VERSION = 1
# Largest file read: a configuration is a few kilobytes; anything this big is a mistake.
MAX_CONFIG_BYTES = 1_000_000
# pipeline-tools.yml is four levels deep; anything far deeper is a mistake or an attack.
CONFIG_MAX_DEPTH = 32

_PROJECT = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
# Same rule as environment names in the plan comment's marker (comment/markers.py).
_STAGE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
_TOP_KEYS = ("version", "project", "region", "roots_dir", "state_bucket", "matrix", "stages")
_STAGE_KEYS = ("name", "roots", "github_environment", "required_reviewers", "auto_deploy",
               "apply_on_merge", "cluster", "plan_role", "apply_role", "drift_role")
_MATRIX_KEYS = ("max_jobs", "timings_file")


def default_config() -> RepoConfig:
    """The behaviour without a configuration file: this repository's own layout, which is also
    what the workflows hard-coded before the file existed."""
    def stage(name: str, *, reviewers: bool, auto_deploy: bool) -> Stage:
        return Stage(name=name, roots=(f"environments/{name}*",), github_environment=name,
                     required_reviewers=reviewers, auto_deploy=auto_deploy)

    return RepoConfig(
        project="platform", region="us-east-1", roots_dir="environments",
        state_bucket="{project}-tfstate-{account_id}",
        stages=(stage("dev", reviewers=False, auto_deploy=True),
                stage("staging", reviewers=False, auto_deploy=False),
                stage("prod", reviewers=True, auto_deploy=False)),
    )


def find_config(repo_root: Path) -> Path | None:
    candidate = repo_root / CONFIG_FILE_NAME
    return candidate if candidate.is_file() else None


def load_config(path: Path | None = None, *, repo_root: Path | None = None) -> RepoConfig:
    """The configuration at ``path`` (which must exist), else ``pipeline-tools.yml`` at
    ``repo_root`` when there is one, else :func:`default_config`."""
    if path is None:
        path = find_config(repo_root) if repo_root is not None else None
        if path is None:
            return default_config()
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise InputError(f"{path}: larger than {MAX_CONFIG_BYTES} bytes: not a configuration file")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such configuration file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read ({exc.__class__.__name__})") from None
    return parse_config(text, source=str(path))


def parse_config(text: str, *, source: str = CONFIG_FILE_NAME) -> RepoConfig:
    """Parse and validate the YAML ``text``; ``source`` names the file in error messages."""
    document = _load_yaml(text, source)
    where = source
    if not isinstance(document, dict):
        raise InputError(f"{where}: expected a mapping of settings at the top level")
    _check_keys(document, _TOP_KEYS, where)
    version = document.get("version")
    if version != SUPPORTED_VERSION or isinstance(version, bool):
        raise InputError(f"{where}: version: expected {SUPPORTED_VERSION} (got {version!r})")
    defaults = default_config()
    project = _string(document, "project", where, default=defaults.project)
    if not _PROJECT.match(project):
        raise InputError(f"{where}: project: {project!r} must be 1-32 lowercase letters, digits or '-'")
    region = _string(document, "region", where, default=defaults.region)
    if not _REGION.match(region):
        raise InputError(f"{where}: region: {region!r} is not an AWS region name such as us-east-1")
    roots_dir = _relative_path(_string(document, "roots_dir", where, default=defaults.roots_dir),
                               f"{where}: roots_dir")
    state_bucket = _template(_string(document, "state_bucket", where, default=defaults.state_bucket),
                             f"{where}: state_bucket", allowed=("project", "region", "account_id"))
    matrix = _matrix(document.get("matrix", {}), f"{where}: matrix")
    raw_stages = document.get("stages")
    if not isinstance(raw_stages, list) or not raw_stages:
        raise InputError(f"{where}: stages: expected a non-empty list of stages, in apply order")
    if len(raw_stages) > WORKFLOW_STAGE_LIMIT:
        raise InputError(f"{where}: stages: {len(raw_stages)} stages, but the apply workflow runs at most "
                         f"{WORKFLOW_STAGE_LIMIT} one after the other (docs/workflows.md)")
    stages = tuple(_stage(raw, f"{where}: stages[{index}]") for index, raw in enumerate(raw_stages))
    seen: set[str] = set()
    for stage in stages:
        if stage.name in seen:
            raise InputError(f"{where}: stages: the name {stage.name!r} is used twice")
        seen.add(stage.name)
    return RepoConfig(project=project, region=region, roots_dir=roots_dir, state_bucket=state_bucket,
                      stages=stages, matrix=matrix, source=source)


def _load_yaml(text: str, source: str) -> Any:
    from pipeline_tools.core.strict_input import load_yaml_strict

    return load_yaml_strict(text, source, max_depth=CONFIG_MAX_DEPTH)


def _check_keys(mapping: dict[Any, Any], allowed: tuple[str, ...], where: str) -> None:
    for key in mapping:
        if key not in allowed:
            raise InputError(f"{where}: unknown key {key!r} (expected one of: {', '.join(allowed)})")


def _string(mapping: dict[str, Any], key: str, where: str, *, default: str | None = None) -> str:
    if key not in mapping:
        if default is None:
            raise InputError(f"{where}: {key}: required")
        return default
    value = mapping[key]
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}: {key}: expected a non-empty string (got {value!r})")
    return value.strip()


def _boolean(mapping: dict[str, Any], key: str, where: str, *, default: bool) -> bool:
    value = mapping.get(key, default)
    if not isinstance(value, bool):
        raise InputError(f"{where}: {key}: expected true or false (got {value!r})")
    return value


def _relative_path(value: str, where: str) -> str:
    cleaned = value.strip().strip("/") if not value.startswith("/") else value
    if value.startswith("/") or not cleaned or ".." in cleaned.split("/"):
        raise InputError(f"{where}: {value!r} must be a path inside the repository, relative to its root")
    return cleaned


def _template(value: str, where: str, *, allowed: tuple[str, ...] = PLACEHOLDERS) -> str:
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
    except ValueError:
        raise InputError(f"{where}: {value!r} has an unbalanced '{{' or '}}'") from None
    for name in fields:
        if name not in allowed:
            raise InputError(f"{where}: unknown placeholder {{{name}}} in {value!r} "
                             f"(allowed: {', '.join('{' + a + '}' for a in allowed)})")
    return value


def _matrix(raw: Any, where: str) -> MatrixSettings:
    if not isinstance(raw, dict):
        raise InputError(f"{where}: expected a mapping")
    _check_keys(raw, _MATRIX_KEYS, where)
    max_jobs = raw.get("max_jobs", GITHUB_MATRIX_LIMIT)
    if isinstance(max_jobs, bool) or not isinstance(max_jobs, int) \
            or not 1 <= max_jobs <= GITHUB_MATRIX_LIMIT:
        raise InputError(f"{where}: max_jobs: expected a whole number from 1 to {GITHUB_MATRIX_LIMIT} "
                         f"(GitHub's matrix limit), got {max_jobs!r}")
    timings = raw.get("timings_file", "")
    if timings != "":
        if not isinstance(timings, str):
            raise InputError(f"{where}: timings_file: expected a path (got {timings!r})")
        timings = _relative_path(timings, f"{where}: timings_file")
    return MatrixSettings(max_jobs=max_jobs, timings_file=timings)


def _stage(raw: Any, where: str) -> Stage:
    if not isinstance(raw, dict):
        raise InputError(f"{where}: expected a mapping with at least name and roots")
    name = _string(raw, "name", where)
    if not _STAGE_NAME.match(name):
        raise InputError(f"{where}: name: {name!r} must be letters, digits, '.', '_' or '-' (at most 63)")
    where = f"{where} ({name})"
    _check_keys(raw, _STAGE_KEYS, where)
    roots = raw.get("roots")
    if isinstance(roots, str):
        roots = [roots]
    if not isinstance(roots, list) or not roots:
        raise InputError(f"{where}: roots: expected a non-empty list of glob patterns "
                         f"such as 'environments/{name}*'")
    patterns = []
    for pattern in roots:
        if not isinstance(pattern, str) or not pattern.strip():
            raise InputError(f"{where}: roots: expected glob strings (got {pattern!r})")
        patterns.append(_relative_path(pattern, f"{where}: roots"))
    defaults = Stage(name=name, roots=(), github_environment=name, required_reviewers=False,
                     auto_deploy=False)
    names = {key: _template(_string(raw, key, where, default=getattr(defaults, key)), f"{where}: {key}")
             for key in ("cluster", "plan_role", "apply_role", "drift_role")}
    return Stage(
        name=name,
        roots=tuple(patterns),
        github_environment=_string(raw, "github_environment", where, default=name),
        required_reviewers=_boolean(raw, "required_reviewers", where, default=False),
        auto_deploy=_boolean(raw, "auto_deploy", where, default=False),
        apply_on_merge=_boolean(raw, "apply_on_merge", where, default=True),
        **names,
    )


def staged_roots(config: RepoConfig, repo_root: Path) -> list[tuple[str, str]]:
    """(root path, stage name) of every directory directly under ``roots_dir`` that holds ``*.tf``
    files and that a stage holds, in stage order then by path: the roots the pipeline applies (and
    the drift check plans). Roots no stage holds (bootstrap) are left out."""
    base = repo_root / config.roots_dir
    found = []
    candidates = sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []
    for directory in candidates:
        if not any(directory.glob("*.tf")):
            continue
        path = f"{config.roots_dir.strip('/')}/{directory.name}"
        stage = config.stage_for(path)
        if stage is not None:
            found.append((config.stage_index(stage.name), path, stage.name))
    return [(path, stage) for _, path, stage in sorted(found)]
