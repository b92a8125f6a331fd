"""Reading the shell commands out of the runbooks (shared by tests/unit/repository/test_runbooks.py)."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from tests.support.paths import REPO_ROOT

RUNBOOK_DIR = REPO_ROOT / "runbooks"
PLACEHOLDER = re.compile(r"<([A-Z][A-Z0-9_]*)>")
FENCE = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Command:
    runbook: str
    line: str

    def argv(self, values: dict[str, str]) -> list[str]:
        """The command's words with placeholders filled in, up to a pipe or redirection."""
        filled = PLACEHOLDER.sub(lambda m: values.get(m.group(1), f"placeholder-{m.group(1).lower()}"),
                                 self.line)
        words = shlex.split(filled)
        for index, word in enumerate(words):
            if word in ("|", ">", ">>", "&&", ";"):
                return words[:index]
        return words


def runbooks() -> list[Path]:
    return sorted(p for p in RUNBOOK_DIR.glob("*.md") if p.name != "README.md")


def commands(path: Path) -> list[Command]:
    found = []
    for block in FENCE.findall(path.read_text()):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                found.append(Command(path.name, line))
    return found


def all_commands() -> list[Command]:
    return [command for path in runbooks() for command in commands(path)]
