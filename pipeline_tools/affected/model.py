"""The result of an ``affected`` analysis: pure data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Reason kinds, stable in the JSON output (docs/affected.md).
ROOT_FILE = "root-file"        # a file inside the root itself changed
MODULE = "module"              # a local module the root uses (directly or through others) changed
TOOLING = "tooling"            # the pipeline's tooling or workflows changed: every root is planned


@dataclass(frozen=True)
class Reason:
    kind: str
    # The changed path the reason starts from (a file, or a module directory for MODULE).
    changed: str
    text: str
    # MODULE only: the module calls from the root down to the changed module,
    # e.g. ("module.network", "module.vpc").
    via: tuple[str, ...] = ()
    # ROOT_FILE only: what the file is to terraform (tfvars, backend, lock, release, configuration, other).
    file_kind: str = ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "changed": self.changed, "text": self.text}
        if self.kind == MODULE:
            data["via"] = ".".join(self.via)
        if self.kind == ROOT_FILE:
            data["file_kind"] = self.file_kind
        return data


@dataclass
class AffectedRoot:
    path: str          # repository-relative, e.g. "environments/dev"
    name: str          # relative to the roots directory, e.g. "dev"
    reasons: list[Reason] = field(default_factory=list)

    def add(self, reason: Reason) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)


@dataclass(frozen=True)
class DeletedRoot:
    path: str
    name: str
    deleted_files: tuple[str, ...]
    renamed_to: str = ""

    @property
    def text(self) -> str:
        where = f"moved to {self.renamed_to}" if self.renamed_to else "deleted"
        return (f"{self.path} was {where}: it is not planned here, and the resources in its state are "
                "not destroyed by removing the code")


@dataclass
class AffectedResult:
    base: str
    head: str
    roots: list[AffectedRoot]
    deleted: list[DeletedRoot]
    changed_paths: int
    # Figures for the curious (--format text shows them); not part of the JSON contract.
    stats: dict[str, int] = field(default_factory=dict)
