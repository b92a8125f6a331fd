"""The ``affected`` entry point: one ``git diff``, a tree scan (mostly from cache), a reverse walk."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TextIO

from pipeline_tools.affected.cache import Cache, default_cache_path
from pipeline_tools.affected.gitdiff import changed_paths, find_repository_root
from pipeline_tools.affected.graph import analyse, scan_tree
from pipeline_tools.affected.matrix import MatrixEntry
from pipeline_tools.affected.model import AffectedResult
from pipeline_tools.config.model import GITHUB_MATRIX_LIMIT, RepoConfig
from pipeline_tools.core.errors import InputError


def find_affected(base: str, head: str = "HEAD", *, root_dir: str = "environments",
                  start: Path | None = None, use_cache: bool = True,
                  cache_path: Path | None = None) -> AffectedResult:
    """The roots under ``root_dir`` that ``base...head`` affects, read from the work tree at ``start``.

    The work tree is expected to be checked out at ``head`` (as CI does): the module graph is read
    from the files on disk, only the list of changed paths comes from git.
    """
    repo_root = find_repository_root((start or Path.cwd()).resolve())
    root_dir = root_dir.strip().strip("/")
    if not root_dir or root_dir.startswith("..") or Path(root_dir).is_absolute():
        raise InputError(f"--root-dir {root_dir!r} must be a directory inside the repository")
    if not (repo_root / root_dir).is_dir():
        raise InputError(f"--root-dir {root_dir!r} does not exist in {repo_root}")
    changes = changed_paths(repo_root, base, head)
    cache = Cache.load((cache_path or default_cache_path(repo_root)) if use_cache else None)
    tree = scan_tree(repo_root, cache)
    result = analyse(repo_root, tree, changes, root_dir=root_dir, base=base, head=head, cache=cache)
    cache.save(set(tree.records))
    return result


def read_timings(path: Path, *, warn: Callable[[str], None]) -> dict[str, float]:
    """The timings file at ``path``; a missing one (a cold cache in CI) means no timings, with a
    note through ``warn``; an unreadable or malformed one is bad input."""
    import json

    from pipeline_tools.affected.matrix import parse_timings

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        warn(f"note: no timings file {path}: groups of roots are balanced by count")
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read ({exc.__class__.__name__})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    return parse_timings(data, str(path))


def write_github_outputs(path: Path, result: AffectedResult, config: RepoConfig,
                         plan_entries: list[MatrixEntry], *, timings: Mapping[str, float],
                         apply_stages: bool = False, max_jobs: int = GITHUB_MATRIX_LIMIT,
                         environ: Mapping[str, str] | None = None, err: TextIO | None = None) -> None:
    """Append the workflows' step outputs (:func:`pipeline_tools.affected.output.github_outputs`) to
    ``path``, with ``apply_stages`` also each stage's apply matrix (at most ``max_jobs`` entries per
    stage: beyond that an entry is a group of roots one job applies one after another); warn (a
    workflow annotation in Actions) when roots were deleted."""
    import os
    import sys

    from pipeline_tools.affected.matrix import build_matrix
    from pipeline_tools.affected.output import github_outputs

    environ = os.environ if environ is None else environ
    err = err or sys.stderr
    stage_entries = []
    for stage in config.stages if apply_stages else ():
        # Each stage is its own matrix (its own stage job), so the limit applies per stage; the
        # grouping rule is the plan's (same timings), so a stage's groups are balanced by plan time.
        entries = build_matrix(result.roots, config, max_jobs=max_jobs, timings=timings,
                               stage=stage.name) if stage.apply_on_merge else []
        stage_entries.append(entries)
    outputs = github_outputs(result, config, plan_entries, stage_entries if apply_stages else None)
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.writelines(f"{key}={value}\n" for key, value in outputs.items())
    except OSError as exc:
        raise InputError(f"--github-output {path}: {exc.strerror or exc}") from None
    if result.deleted:
        prefix = "::warning::" if environ.get("GITHUB_ACTIONS") == "true" else "warning: "
        err.write(f"{prefix}roots were deleted: their resources are not destroyed by this workflow "
                  f"({', '.join(gone.path for gone in result.deleted)})\n")
