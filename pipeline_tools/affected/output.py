"""The three shapes ``affected`` prints: JSON for tools, a GitHub matrix, and text for people."""

from __future__ import annotations

import json
from typing import Any

from pipeline_tools.affected.model import AffectedResult


def to_json(result: AffectedResult) -> list[dict[str, Any]]:
    """A list of roots (schema in docs/affected.md); deleted roots carry ``"deleted": true``."""
    items: list[dict[str, Any]] = [
        {"path": root.path, "name": root.name, "deleted": False,
         "reasons": [reason.to_json() for reason in root.reasons]}
        for root in result.roots
    ]
    items.extend(
        {"path": gone.path, "name": gone.name, "deleted": True, "renamed_to": gone.renamed_to or None,
         "deleted_files": list(gone.deleted_files),
         "reasons": [{"kind": "deleted", "changed": gone.path, "text": gone.text}]}
        for gone in result.deleted
    )
    return items


def to_github_matrix(result: AffectedResult) -> dict[str, Any]:
    """What ``strategy.matrix`` takes: one entry per root that can be planned (deleted roots left out)."""
    return {"include": [{"path": root.path, "name": root.name} for root in result.roots]}


def to_text(result: AffectedResult) -> str:
    lines: list[str] = []
    if not result.roots:
        lines.append(f"No environment roots are affected by {result.base}...{result.head} "
                     f"({result.changed_paths} changed paths).")
    else:
        lines.append(f"{len(result.roots)} environment root(s) affected by {result.base}...{result.head}:")
        for root in result.roots:
            lines.append(f"{root.path}")
            lines.extend(f"  planned because {reason.text}" for reason in root.reasons)
    if result.deleted:
        lines.append("")
        lines.append("Deleted roots (not planned; destroy their resources before removing the code):")
        lines.extend(f"{gone.path}\n  {gone.text}" for gone in result.deleted)
    return "\n".join(lines) + "\n"


def render(result: AffectedResult, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(to_json(result), indent=2) + "\n"
    if fmt == "github-matrix":
        return json.dumps(to_github_matrix(result), separators=(",", ":")) + "\n"
    return to_text(result)
