"""The ``affected`` entry point: one ``git diff``, a tree scan (mostly from cache), a reverse walk."""

from __future__ import annotations

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
