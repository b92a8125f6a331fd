"""Finding the ``tfsec:ignore:`` / ``trivy:ignore:`` comment behind a finding a tool reports as ignored.

tfsec's JSON marks ignored findings (``status: 2``) but not why, so the gate reads the comment
from the source: the closest ignore for that rule on the finding's lines or just above them.
Accepted form: ``# tfsec:ignore:RULE[:exp:YYYY-MM-DD] reason text``. A finding tfsec ignored for
which no such comment can be found (ignored by configuration, say) counts as a reasonless skip.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from pipeline_tools.gate.model import InlineSkip
from pipeline_tools.gate.suppressions import parse_inline_comment

_IGNORE = re.compile(r"(?:#|//)\s*(tfsec|trivy):ignore:([A-Za-z0-9_\-]+)(.*)$")
# How far above a resource's first line an ignore comment may sit (tfsec allows the line above).
LOOKBEHIND_LINES = 3


class InlineCommentReader:
    def __init__(self, repo_root: Path) -> None:
        self.repo_root = repo_root
        self._files: dict[str, list[str]] = {}

    def _lines(self, file: str) -> list[str]:
        if file not in self._files:
            try:
                self._files[file] = (self.repo_root / file).read_text(errors="replace").splitlines()
            except OSError:
                self._files[file] = []
        return self._files[file]

    def find(self, file: str, start: int | None, end: int | None, rule_ids: Iterable[str]) -> InlineSkip:
        wanted = {r.upper() for r in rule_ids}
        lines = self._lines(file)
        first = max(1, (start or 1) - LOOKBEHIND_LINES)
        last = min(len(lines), end or start or len(lines))
        for number in range(last, first - 1, -1):
            match = _IGNORE.search(lines[number - 1])
            if match and match.group(2).upper() in wanted:
                tool, rest = match.group(1), match.group(3)
                # ``:exp:2026-01-31`` directly after the rule, then free text as the reason.
                return parse_inline_comment(f"{tool}:ignore", rest.lstrip(":").replace("exp:", " exp:", 1))
        return InlineSkip(directive="tfsec:ignore", reason="", expires=None)
