"""Find Terraform modules, read their HCL, and keep the generated block of their README current."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline_tools.core.errors import InputError
from pipeline_tools.core.files import write_text_atomic
from pipeline_tools.tfdocs.model import ModuleDocs, collect
from pipeline_tools.tfdocs.render import BEGIN_MARKER, END_MARKER, render_block

# Directories terraform or tools create inside a module that hold no module source.
_SKIPPED_DIRS = {".terraform", ".git", "node_modules", "__pycache__"}


@dataclass(frozen=True)
class ReadmeUpdate:
    module: Path
    readme: Path
    current: str | None  # None when the README does not exist yet
    wanted: str

    @property
    def stale(self) -> bool:
        return self.current != self.wanted


def find_modules(paths: Sequence[Path]) -> list[Path]:
    """Every directory holding ``.tf`` files at or under ``paths``, sorted, without duplicates."""
    found: set[Path] = set()
    for path in paths:
        if not path.exists():
            raise InputError(f"{path} does not exist")
        if not path.is_dir():
            raise InputError(f"{path} is not a directory")
        for directory, subdirs, files in os.walk(path):
            subdirs[:] = sorted(d for d in subdirs if d not in _SKIPPED_DIRS)
            if any(name.endswith(".tf") for name in files):
                found.add(Path(directory))
    if not found:
        raise InputError("no Terraform files (*.tf) under " + ", ".join(str(p) for p in paths))
    return sorted(found)


def read_module(module: Path) -> ModuleDocs:
    import hcl2  # heavy; only the docs command needs it
    from lark.exceptions import LarkError

    parsed = []
    for tf_file in sorted(module.glob("*.tf")):
        try:
            with tf_file.open(encoding="utf-8") as handle:
                parsed.append(hcl2.load(handle))
        except (LarkError, UnicodeDecodeError, ValueError) as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError(f"cannot parse {tf_file}: {first_line}") from None
    return collect(parsed)


def splice(readme_text: str | None, block: str, title: str) -> str:
    """Put ``block`` between the markers; add the markers (and a title) when they are missing."""
    generated = f"{BEGIN_MARKER}\n{block.strip()}\n{END_MARKER}"
    if readme_text is None:
        return f"# {title}\n\n{generated}\n"
    begin = readme_text.find(BEGIN_MARKER)
    end = readme_text.find(END_MARKER)
    if begin == -1 and end == -1:
        return readme_text.rstrip("\n") + "\n\n" + generated + "\n"
    if begin == -1 or end == -1 or end < begin:
        raise InputError("README has only one of the markers or they are out of order: "
                         f"expected {BEGIN_MARKER} ... {END_MARKER}")
    return readme_text[:begin] + generated + readme_text[end + len(END_MARKER):]


def plan_updates(paths: Sequence[Path]) -> list[ReadmeUpdate]:
    updates = []
    for module in find_modules(paths):
        readme = module / "README.md"
        current = readme.read_text(encoding="utf-8") if readme.exists() else None
        try:
            wanted = splice(current, render_block(read_module(module)), module.name)
        except InputError as exc:
            raise InputError(f"{readme}: {exc}") from None
        updates.append(ReadmeUpdate(module, readme, current, wanted))
    return updates


def write(updates: Iterable[ReadmeUpdate]) -> list[Path]:
    """Write the stale READMEs (temp file + rename); return the paths written."""
    written = []
    for update in updates:
        if not update.stale:
            continue
        write_text_atomic(update.readme, update.wanted)
        written.append(update.readme)
    return written
