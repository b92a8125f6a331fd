"""The three shapes ``affected`` prints: JSON for tools, a GitHub matrix, and text for people."""

from __future__ import annotations

import json
from typing import Any

from pipeline_tools.affected.matrix import MatrixEntry, stage_of
from pipeline_tools.affected.model import AffectedResult
from pipeline_tools.config.model import RepoConfig


def to_json(result: AffectedResult, config: RepoConfig | None = None) -> list[dict[str, Any]]:
    """A list of roots (schema in docs/affected.md); deleted roots carry ``"deleted": true``."""
    items: list[dict[str, Any]] = [
        {"path": root.path, "name": root.name, "deleted": False,
         **({"stage": stage_of(root.path, config)[0]} if config is not None else {}),
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


def to_github_matrix(entries: list[MatrixEntry]) -> dict[str, Any]:
    """What ``strategy.matrix`` takes: ``include`` only (any other top-level key would become a
    matrix dimension), one entry per job (docs/affected.md)."""
    return {"include": [entry.to_json() for entry in entries]}


def to_github_stages(entries: list[MatrixEntry], config: RepoConfig) -> list[dict[str, Any]]:
    """The stages that have affected roots, in apply order, with their approval rules: what an
    apply workflow walks through, one stage after the other."""
    stages: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if entry.stage not in stages:
            stage = config.stages[entry.stage_index] if entry.stage else None
            stages[entry.stage] = {
                "name": entry.stage, "index": entry.stage_index,
                "github_environment": stage.github_environment if stage else "",
                "required_reviewers": stage.required_reviewers if stage else False,
                "apply_on_merge": stage.apply_on_merge if stage else False,
                "auto_deploy": stage.auto_deploy if stage else False,
                "roots": 0, "jobs": 0,
            }
        stages[entry.stage]["roots"] += len(entry.roots)
        stages[entry.stage]["jobs"] += 1
    return list(stages.values())


def to_text(result: AffectedResult, config: RepoConfig | None = None) -> str:
    lines: list[str] = []
    if not result.roots:
        lines.append(f"No environment roots are affected by {result.base}...{result.head} "
                     f"({result.changed_paths} changed paths).")
    else:
        lines.append(f"{len(result.roots)} environment root(s) affected by {result.base}...{result.head}:")
        for root in result.roots:
            stage = stage_of(root.path, config)[0] if config is not None else None
            where = "" if stage is None else f" (stage {stage})" if stage else " (no stage: not applied)"
            lines.append(f"{root.path}{where}")
            lines.extend(f"  planned because {reason.text}" for reason in root.reasons)
    if result.deleted:
        lines.append("")
        lines.append("Deleted roots (not planned; destroy their resources before removing the code):")
        lines.extend(f"{gone.path}\n  {gone.text}" for gone in result.deleted)
    return "\n".join(lines) + "\n"


def render(result: AffectedResult, fmt: str, *, config: RepoConfig | None = None,
           entries: list[MatrixEntry] | None = None) -> str:
    if fmt == "json":
        return json.dumps(to_json(result, config), indent=2) + "\n"
    if fmt == "github-matrix":
        return json.dumps(to_github_matrix(entries or []), separators=(",", ":")) + "\n"
    if fmt == "github-stages":
        assert config is not None
        return json.dumps(to_github_stages(entries or [], config), separators=(",", ":")) + "\n"
    return to_text(result, config)
