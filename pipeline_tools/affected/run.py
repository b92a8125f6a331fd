"""The ``affected`` entry point: one ``git diff``, a tree scan (mostly from cache), a reverse walk."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pipeline_tools.affected.cache import Cache, default_cache_path
from pipeline_tools.affected.gitdiff import changed_paths, find_repository_root
from pipeline_tools.affected.graph import analyse, scan_tree
from pipeline_tools.affected.model import AffectedResult
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
