"""Turning the paths scanners report into repository-relative ones.

Scanners report paths relative to the directory they were given, absolute paths on the machine
that ran them (possibly another machine, as in a tfsec JSON file produced by a workflow), or URIs.
Findings carry forward-slash paths relative to the repository root, so that fingerprints,
exceptions and SARIF locations agree whatever produced them.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse


class PathResolver:
    def __init__(self, repo_root: Path, search_dirs: list[Path] | None = None) -> None:
        self.repo_root = repo_root.resolve()
        # Where a relative path that is not relative to the root may be relative to instead (the
        # directories the gate was asked to scan: tools report paths relative to their target).
        self.search_dirs = [d.resolve() for d in search_dirs or [] if d.is_dir()]
        self._cache: dict[str, str] = {}

    def __call__(self, reported: str | None, *, base: Path | None = None) -> str:
        if not reported:
            return ""
        key = f"{base}\x00{reported}"
        if key not in self._cache:
            self._cache[key] = self._resolve(reported, base)
        return self._cache[key]

    def _resolve(self, reported: str, base: Path | None) -> str:
        text = reported
        if text.startswith("file://"):
            text = unquote(urlparse(text).path)
        path = Path(text)
        if path.is_absolute():
            try:
                return path.resolve().relative_to(self.repo_root).as_posix()
            except ValueError:
                pass
            # A path from another machine: the longest tail of it that exists here.
            parts = PurePosixPath(text).parts[1:]
            for start in range(len(parts)):
                candidate = self.repo_root.joinpath(*parts[start:])
                if candidate.exists():
                    return PurePosixPath(*parts[start:]).as_posix()
            return PurePosixPath(*parts[-2:]).as_posix() if parts else text
        if base is not None:
            candidate = (base / text.lstrip("/")).resolve()
            try:
                return candidate.relative_to(self.repo_root).as_posix()
            except ValueError:
                return candidate.as_posix()
        relative = PurePosixPath(text.lstrip("/")).as_posix().removeprefix("./")
        if not (self.repo_root / relative).exists():
            for directory in self.search_dirs:
                candidate = directory / relative
                if candidate.exists():
                    try:
                        return candidate.resolve().relative_to(self.repo_root).as_posix()
                    except ValueError:
                        continue
        return relative
