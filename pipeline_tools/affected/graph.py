"""From changed paths to affected roots: a reverse walk over the local module graph.

The walk starts at the directories the changed files live in and asks, at each step, "which
``.tf`` files call a module from here?" (an index built from the cheap source pre-scan, confirmed by
python-hcl2 only for the few files it names). Callers inside an environment root make that root
affected; callers elsewhere are modules themselves, and the walk continues from their directory.
Paths are repository-relative POSIX strings throughout.
"""

from __future__ import annotations

import os
import posixpath
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from pipeline_tools.affected import hclscan
from pipeline_tools.affected.cache import Cache, FileRecord, content_digest
from pipeline_tools.affected.gitdiff import Change
from pipeline_tools.affected.model import (
    MODULE,
    ROOT_FILE,
    TOOLING,
    AffectedResult,
    AffectedRoot,
    DeletedRoot,
    Reason,
)
from pipeline_tools.core.errors import InputError

# Changes here can alter what every plan, gate verdict or apply does, so every root is planned
# (security/ holds the gate's policy, exceptions and baseline).
TOOLING_PREFIXES = ("pipeline_tools/", ".github/", "security/")
TOOLING_FILES = ("pyproject.toml", "Makefile")
# Directories never holding configuration of ours (and expensive to walk).
_SKIP_DIRS = {"node_modules", "__pycache__", "venv"}
# Documentation in a module directory does not change what terraform does.
_DOC_SUFFIXES = (".md", ".markdown", ".rst")

_STATUS_WORDS = {"A": "added", "D": "deleted", "M": "changed", "R": "renamed", "C": "copied", "T": "changed"}


@dataclass
class Tree:
    """The ``.tf`` files of the work tree and what the pre-scan saw in them."""

    records: dict[str, FileRecord] = field(default_factory=dict)
    tf_dirs: set[str] = field(default_factory=set)
    # Files and directories that could not be read or decoded: path -> why. They fail the run when
    # they belong to a root or a module (see :func:`_refuse_unreadable`), never silently dropped.
    unreadable: dict[str, str] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=lambda: {"tf_files": 0, "read": 0, "parsed": 0})


def scan_tree(repo_root: Path, cache: Cache) -> Tree:
    """Every ``.tf`` file below ``repo_root`` (hidden directories skipped), read only when changed."""
    tree = Tree()
    root_text = str(repo_root)
    prefix_len = len(root_text) + 1

    def unlistable(error: OSError) -> None:
        relative = str(error.filename or "")[prefix_len:].replace(os.sep, "/")
        tree.unreadable[relative + "/"] = f"cannot list the directory: {error.strerror or error}"

    for directory, dirnames, filenames in os.walk(root_text, onerror=unlistable):
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d not in _SKIP_DIRS]
        relative_dir = directory[prefix_len:].replace(os.sep, "/")
        for filename in filenames:
            if not filename.endswith(".tf"):
                continue
            full = os.path.join(directory, filename)
            relative = f"{relative_dir}/{filename}" if relative_dir else filename
            tree.tf_dirs.add(relative_dir)
            try:
                tree.records[relative] = _record(full, relative, cache, tree)
            except OSError as exc:
                tree.unreadable[relative] = f"cannot read: {exc.strerror or exc}"
            except UnicodeDecodeError as exc:
                tree.unreadable[relative] = f"is not UTF-8 text (invalid byte at offset {exc.start})"
    tree.stats["tf_files"] = len(tree.records)
    return tree


def _record(full: str, relative: str, cache: Cache, tree: Tree) -> FileRecord:
    cached = cache.files.get(relative)
    if cached is not None:
        stat = os.stat(full)
        if cached.mtime_ns == stat.st_mtime_ns and cached.size == stat.st_size and cache.trusts_stat(cached):
            return cached
    with open(full, "rb") as handle:
        stat = os.fstat(handle.fileno())
        data = handle.read()
    tree.stats["read"] += 1
    digest = content_digest(data)
    if cached and cached.digest == digest:
        sources = cached.sources
    else:
        # Decoded strictly, as terraform does (a byte-order mark is dropped, other non-UTF-8 is an
        # error): a file read with replacement characters could hide a module call.
        text = hclscan.decode_tf(data)
        sources = hclscan.local_sources(text) if "module" in text and "source" in text else []
    record = FileRecord(stat.st_mtime_ns, stat.st_size, digest, sources)
    cache.files[relative] = record
    cache.dirty = True
    return record


def find_roots(tree: Tree, root_dir: str) -> list[str]:
    """Directories under ``root_dir`` holding ``.tf`` files, outermost only (nested ones are modules)."""
    root_dir = root_dir.strip("/")
    candidates = sorted(d for d in tree.tf_dirs if d.startswith(root_dir + "/"))
    roots: list[str] = []
    found: set[str] = set()
    for directory in candidates:  # sorted: a parent comes before its children
        if not any(ancestor in found for ancestor in _ancestors(directory)):
            roots.append(directory)
            found.add(directory)
    return roots


def _containing(path: str, roots: set[str]) -> str | None:
    directory = posixpath.dirname(path)
    while directory:
        if directory in roots:
            return directory
        directory = posixpath.dirname(directory)
    return None


def _ancestors(path: str) -> list[str]:
    out = []
    directory = posixpath.dirname(path)
    while directory:
        out.append(directory)
        directory = posixpath.dirname(directory)
    return out


def _file_kind(path: str) -> tuple[str, str]:
    """What a root's file is to terraform, and how to say so."""
    name = posixpath.basename(path)
    if name.startswith("release") and name.endswith((".tfvars", ".tfvars.json")):
        return "release", "the images released to it"
    if name.endswith((".tfvars", ".tfvars.json")):
        return "tfvars", "variable values"
    if name == ".terraform.lock.hcl":
        return "lock", "provider versions"
    if name.endswith((".tfbackend", "backend.hcl")) or name in ("backend.tf", "backend.tf.json"):
        return "backend", "where its state is kept"
    if name.endswith((".tf", ".tf.json")):
        return "configuration", "configuration"
    return "other", "a file of the root"


def _summarize(paths: list[str], limit: int = 3) -> str:
    shown = ", ".join(paths[:limit])
    return shown + (f" and {len(paths) - limit} more" if len(paths) > limit else "")


class _CallIndex:
    """target directory -> files that may call a module there, confirmed lazily with python-hcl2."""

    def __init__(self, repo_root: Path, tree: Tree, cache: Cache) -> None:
        self._repo_root = repo_root
        self._tree = tree
        self._cache = cache
        self._by_target: dict[str, list[str]] = {}
        for path, record in tree.records.items():
            if not record.sources:
                continue
            directory = posixpath.dirname(path)
            for source in record.sources:
                target = posixpath.normpath(posixpath.join(directory, source)) if directory else \
                    posixpath.normpath(source)
                self._by_target.setdefault(target, []).append(path)

    def targets(self) -> set[str]:
        """Every directory some ``.tf`` file may call as a local module."""
        return set(self._by_target)

    def callers(self, target: str) -> list[tuple[str, str]]:
        """``(calling directory, module name)`` for each module block whose source is ``target``."""
        found: list[tuple[str, str]] = []
        for path in sorted(set(self._by_target.get(target, ()))):
            directory = posixpath.dirname(path)
            for name, source in self._calls(path, target):
                if not hclscan.is_local_source(source):
                    continue
                if posixpath.normpath(posixpath.join(directory, source)) == target:
                    found.append((directory, name))
        return found

    def _calls(self, path: str, target: str) -> list[tuple[str, str]]:
        """The module calls in ``path`` that may point at ``target``, each block parsed once ever."""
        try:
            text = hclscan.decode_tf((self._repo_root / path).read_bytes())
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: is not UTF-8 text (invalid byte at offset {exc.start})") from None
        directory = posixpath.dirname(path)
        wanted = [s for s in self._tree.records[path].sources
                  if posixpath.normpath(posixpath.join(directory, s)) == target]
        blocks = hclscan.module_blocks(text)
        if blocks is None or not all(any(f'"{s}"' in block for block in blocks) for s in wanted):
            # The scanner cannot cut this file, or a candidate source lies outside every block it
            # cut (a commented-out line, another block's attribute, or a module header the scanner
            # does not know): python-hcl2 reads all of it and gives the exact answer.
            blocks = [text]
        calls: list[tuple[str, str]] = []
        for block in blocks:
            if not any(f'"{source}"' in block for source in wanted):
                continue
            calls.extend(self._parsed(block, text, path))
        return calls

    def _parsed(self, block: str, text: str, path: str) -> list[tuple[str, str]]:
        key = content_digest(block.encode())
        parsed = self._cache.calls.get(key)
        if parsed is None:
            try:
                parsed = hclscan.module_calls(block)
            except hclscan.HclSyntaxError as exc:
                if block is text:
                    raise InputError(f"{path}: is not valid HCL ({exc}); affected cannot tell which "
                                     "modules it calls") from None
                return self._parsed(text, text, path)  # the cut block may be wrong: read the file
            self._tree.stats["parsed"] += 1
            self._cache.calls[key] = parsed
            self._cache.dirty = True
        return parsed


def analyse(repo_root: Path, tree: Tree, changes: list[Change], *, root_dir: str, base: str, head: str,
            cache: Cache) -> AffectedResult:
    root_list = find_roots(tree, root_dir)
    roots = set(root_list)
    root_dir = root_dir.strip("/")
    affected: dict[str, AffectedRoot] = {}

    def entry(root: str) -> AffectedRoot:
        if root not in affected:
            name = root[len(root_dir) + 1:] if root.startswith(root_dir + "/") else root
            affected[root] = AffectedRoot(root, name)
        return affected[root]

    # 1. The tooling and the workflows: every root.
    tooling = sorted({p for c in changes for p in c.paths
                      if p.startswith(TOOLING_PREFIXES) or p in TOOLING_FILES})
    if tooling:
        reason = Reason(TOOLING, tooling[0],
                        f"the pipeline's tooling or workflows changed ({_summarize(tooling)})")
        for root in root_list:
            entry(root).add(reason)

    # 2. Files inside a root: its configuration, tfvars, backend, lock and release files.
    for change in changes:
        for path in change.paths:
            containing_root = _containing(path, roots)
            if containing_root is None:
                continue
            kind, meaning = _file_kind(path)
            word = _STATUS_WORDS.get(change.status, "changed")
            if change.old_path and path == change.path:
                text = f"{path} {word} from {change.old_path} ({meaning})"
            elif change.old_path:
                text = f"{path} {word} to {change.path} ({meaning})"
            else:
                text = f"{path} {word} ({meaning})"
            entry(containing_root).add(Reason(ROOT_FILE, path, text, file_kind=kind))

    # 3. Modules: walk from the changed directories up the callers to the roots.
    index = _CallIndex(repo_root, tree, cache)
    _refuse_unreadable(tree, root_dir, index.targets())
    queue: deque[tuple[str, str, tuple[str, ...]]] = deque()
    for change in changes:
        for path in change.paths:
            if path.endswith(_DOC_SUFFIXES) or posixpath.basename(path) == ".terraform.lock.hcl":
                continue
            # terraform loads the .tf files of a module's own directory; other files (templates,
            # policies) may be read by file() from any directory below the module's.
            targets = [posixpath.dirname(path)] if path.endswith(".tf") else _ancestors(path)
            for target in targets:
                if target:
                    queue.append((target, target, ()))
    seen: set[tuple[str, str]] = set()
    while queue:
        target, origin, via = queue.popleft()
        if (target, origin) in seen:
            continue
        seen.add((target, origin))
        for caller_dir, module_name in index.callers(target):
            chain = (f"module.{module_name}", *via)
            if caller_dir in roots:
                entry(caller_dir).add(Reason(MODULE, origin, f"{origin} changed, used via {'.'.join(chain)}",
                                       via=chain))
            if len(chain) < 64:  # a cycle of local modules is an error terraform reports itself
                queue.append((caller_dir, origin, chain))

    deleted = _deleted_roots(changes, roots, root_dir)
    ordered = [affected[root] for root in sorted(affected)]
    stats = dict(tree.stats, roots=len(root_list))
    return AffectedResult(base, head, ordered, deleted, len(changes), stats)


def _refuse_unreadable(tree: Tree, root_dir: str, module_dirs: set[str]) -> None:
    """A file or directory of a root or a module that could not be read may hide a module call:
    go on without it and a root could be dropped from the plan, so stop instead."""
    for path in sorted(tree.unreadable):
        # Directories are kept with a trailing "/"; a file belongs to the module of its directory.
        directory = path.rstrip("/") if path.endswith("/") else posixpath.dirname(path)
        if path.startswith(root_dir + "/") or directory in module_dirs:
            raise InputError(f"{path.rstrip('/')}: {tree.unreadable[path]}; "
                             "affected cannot tell which modules it calls")


def _deleted_roots(changes: list[Change], roots: set[str], root_dir: str) -> list[DeletedRoot]:
    """Roots whose ``.tf`` files were all deleted or moved away: reported apart, never planned."""
    gone: dict[str, list[str]] = {}
    moved_to: dict[str, str] = {}
    for change in changes:
        old = change.old_path if change.status == "R" else (change.path if change.status == "D" else "")
        if not old.startswith(root_dir + "/") or _containing(old, roots) or posixpath.dirname(old) in roots:
            continue
        directory = posixpath.dirname(old)
        gone.setdefault(directory, []).append(old)
        if change.status == "R":
            new_root = _containing(change.path, roots)
            if new_root:
                moved_to.setdefault(directory, new_root)
    result: list[DeletedRoot] = []
    tf_dirs = {d for d, files in gone.items() if any(f.endswith(".tf") for f in files)}
    for directory in sorted(tf_dirs):
        if any(directory.startswith(other + "/") for other in tf_dirs):
            continue  # a module directory inside a deleted root
        files = sorted(f for d, fs in gone.items() if d == directory or d.startswith(directory + "/")
                       for f in fs)
        name = directory[len(root_dir) + 1:]
        result.append(DeletedRoot(directory, name, tuple(files), moved_to.get(directory, "")))
    return result
