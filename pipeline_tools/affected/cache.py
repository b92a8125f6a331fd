"""What ``affected`` remembers between runs, keyed so that a stale entry can never be used.

Per file: its size and modification time (to skip reading an unchanged file at all), its content
hash, and the candidate module sources found in it; a file whose size or mtime changed is re-read
and re-hashed. Per content hash of a ``module`` block: the calls python-hcl2 found in it, shared by
every file holding the same block. The cache lives inside the repository's git directory
(``.git/pipeline-tools-cache/``), so it is never committed, or under the user cache directory when
there is none; a missing, foreign or corrupt cache is simply rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline_tools.affected.gitdiff import git_dir
from pipeline_tools.core.files import write_text_atomic

CACHE_VERSION = 2  # 2: parse errors are no longer cached as guessed calls
# A file modified this close to the moment the cache was written may have changed again within the
# filesystem's timestamp granularity without its mtime moving ("racy git"): it is re-read.
RACY_WINDOW_NS = 2_000_000_000


@dataclass
class FileRecord:
    mtime_ns: int
    size: int
    digest: str
    sources: list[str]


@dataclass
class Cache:
    path: Path | None
    files: dict[str, FileRecord] = field(default_factory=dict)
    calls: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    dirty: bool = False
    written_ns: int = 0  # when the loaded cache was written (0: never)

    def trusts_stat(self, record: FileRecord) -> bool:
        """Whether an unchanged size and mtime prove an unchanged file."""
        return record.mtime_ns < self.written_ns - RACY_WINDOW_NS

    @classmethod
    def load(cls, path: Path | None) -> Cache:
        cache = cls(path)
        if path is None:
            return cache
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != CACHE_VERSION:
                return cache
            cache.written_ns = int(data["written_ns"])
            cache.files = {name: FileRecord(*entry) for name, entry in data["files"].items()}
            cache.calls = {digest: [(n, s) for n, s in calls] for digest, calls in data["calls"].items()}
        except (OSError, ValueError, TypeError, KeyError):
            cache.files, cache.calls, cache.written_ns = {}, {}, 0
        return cache

    def save(self, live_files: set[str]) -> None:
        """Write the cache (atomically), keeping only entries for files that still exist."""
        if self.path is None:
            return
        files = {name: record for name, record in self.files.items() if name in live_files}
        if not self.dirty and len(files) == len(self.files):
            return
        # Parsed blocks are kept while the cache stays small; past that, start them afresh.
        calls = self.calls if len(self.calls) <= 4 * max(len(files), 1000) else {}
        payload = {
            "version": CACHE_VERSION,
            "written_ns": time.time_ns(),
            "files": {name: [r.mtime_ns, r.size, r.digest, r.sources] for name, r in files.items()},
            "calls": calls,
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # dumps: the fast C encoder
            write_text_atomic(self.path, json.dumps(payload, separators=(",", ":")))
        except OSError:
            pass  # a cache that cannot be written only costs speed next time


def default_cache_path(repo_root: Path) -> Path:
    directory = git_dir(repo_root)
    if directory is not None and directory.is_dir():
        return directory / "pipeline-tools-cache" / "affected.json"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    key = hashlib.sha256(str(repo_root.resolve()).encode()).hexdigest()[:16]
    return Path(base) / "pipeline-tools" / "affected" / f"{key}.json"


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()
