"""The changed paths between two commits: the only thing ``affected`` asks git for (one call)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pipeline_tools.core.errors import ExternalError, InputError
from pipeline_tools.core.redaction import redact


@dataclass(frozen=True)
class Change:
    status: str        # git's letter: A, M, D, R, C, T
    path: str          # the path at head (for D: the deleted path)
    old_path: str = ""  # R and C: the path at base

    @property
    def paths(self) -> tuple[str, ...]:
        """Every path the change touches: a rename changes both its old and its new place."""
        return (self.old_path, self.path) if self.old_path else (self.path,)


def find_repository_root(start: Path) -> Path:
    """The work tree top: the nearest directory holding ``.git`` (a directory, or a file for worktrees)."""
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    raise InputError(f"{start} is not inside a git repository")


def git_dir(repo_root: Path) -> Path | None:
    """Where git keeps its data for this work tree, without running git."""
    dot_git = repo_root / ".git"
    if dot_git.is_dir():
        return dot_git
    try:
        text = dot_git.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if text.startswith("gitdir:"):
        path = Path(text.removeprefix("gitdir:").strip())
        return path if path.is_absolute() else (repo_root / path).resolve()
    return None


def changed_paths(repo_root: Path, base: str, head: str) -> list[Change]:
    """``git diff --name-status -M -z base...head``: what the head side changed since the merge base."""
    for ref, flag in ((base, "--base"), (head, "--head")):
        if not ref or ref.startswith("-") or ".." in ref:
            raise InputError(f"{flag} {ref!r} is not a usable git revision")
    if shutil.which("git") is None:
        raise ExternalError("git is not installed or not on PATH")
    completed = subprocess.run(
        ["git", "-C", str(repo_root), "diff", "--name-status", "-M", "-z", "--no-color",
         "--no-ext-diff", f"{base}...{head}", "--"],
        capture_output=True, check=False,
    )
    if completed.returncode != 0:
        message = " ".join(completed.stderr.decode(errors="replace").split())[:400]
        if any(m in message for m in ("no merge base", "bad revision", "unknown revision", "ambiguous")):
            # A revision we cannot see: wrong name, or a shallow clone without the base commit.
            raise InputError(
                f"git diff {base}...{head} failed: {redact(message)} (in CI, check out with full "
                "history, e.g. actions/checkout with fetch-depth: 0)"
            )
        raise ExternalError(f"git diff {base}...{head} failed: {redact(message)}")
    return parse_name_status(completed.stdout.decode("utf-8", errors="surrogateescape"))


def parse_name_status(output: str) -> list[Change]:
    """Parse ``--name-status -z`` output: ``STATUS\\0path\\0`` or ``R100\\0old\\0new\\0``."""
    fields = output.split("\0")
    changes: list[Change] = []
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index][0]
        if status in "RC":
            old, new = fields[index + 1], fields[index + 2]
            changes.append(Change(status, new, old))
            index += 3
        else:
            changes.append(Change(status, fields[index + 1]))
            index += 2
    return changes
