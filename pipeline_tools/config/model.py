"""What ``pipeline-tools.yml`` says, as plain data (no I/O).

Names that vary per stage (cluster, roles) are templates: ``{project}``, ``{stage}``, ``{region}``
and ``{account_id}`` are replaced by :meth:`RepoConfig.resolved`. A role given as a bare name
becomes ``arn:aws:iam::<account id>:role/<name>`` once the account is known.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from pipeline_tools.core.errors import InputError

# GitHub's hard limit on the jobs one matrix may generate.
GITHUB_MATRIX_LIMIT = 256
# The apply workflow (terraform-apply.yml) has this many stage jobs, each waiting for the one before:
# GitHub cannot generate jobs with dependencies, so more stages need more jobs written there.
WORKFLOW_STAGE_LIMIT = 6
PLACEHOLDERS = ("project", "stage", "region", "account_id")


@dataclass(frozen=True)
class Stage:
    """One step of the apply order: the roots it holds and how they are applied."""

    name: str
    # Glob patterns over repository-relative root paths (``*`` also crosses ``/``).
    roots: tuple[str, ...]
    # The GitHub environment the apply job of this stage is bound to (its protection rules gate it).
    github_environment: str
    # Whether the GitHub environment must have required reviewers (checked by docs and humans;
    # GitHub itself enforces them).
    required_reviewers: bool
    # Whether an image pushed to ECR rolls out to this stage by itself (the deployer Lambda);
    # otherwise images reach it only by promotion.
    auto_deploy: bool
    # Whether merging to main applies this stage's roots (after the stages before it succeeded).
    apply_on_merge: bool = True
    cluster: str = "{project}-{stage}"
    plan_role: str = "{project}-{stage}-terraform-plan"
    apply_role: str = "{project}-{stage}-terraform-apply"
    drift_role: str = "{project}-{stage}-terraform-plan"

    def matches(self, root_path: str) -> bool:
        path = root_path.strip("/")
        return any(fnmatchcase(path, pattern) for pattern in self.roots)


@dataclass(frozen=True)
class MatrixSettings:
    """How ``affected --format github-matrix`` splits the roots into jobs."""

    max_jobs: int = GITHUB_MATRIX_LIMIT
    # Optional JSON file of recent plan seconds per root path, to balance groups of roots.
    timings_file: str = ""


@dataclass(frozen=True)
class RepoConfig:
    project: str
    region: str
    roots_dir: str
    # Terraform state bucket; a template like the stage names.
    state_bucket: str
    stages: tuple[Stage, ...]
    matrix: MatrixSettings = field(default_factory=MatrixSettings)
    # Where the configuration came from: a file path, or "built-in default".
    source: str = "built-in default"

    def stage_for(self, root_path: str) -> Stage | None:
        """The first stage, in order, whose globs match ``root_path``; None when none does
        (such a root is planned in pull requests but never applied by the pipeline)."""
        for stage in self.stages:
            if stage.matches(root_path):
                return stage
        return None

    def stage_index(self, name: str) -> int:
        for index, stage in enumerate(self.stages):
            if stage.name == name:
                return index
        raise KeyError(name)

    def clusters(self) -> dict[str, str]:
        """Stage name -> its ECS cluster, placeholders filled in (the commands that read what an
        environment runs look there)."""
        return {stage["name"]: stage["cluster"] for stage in self.resolved()["stages"]}

    def resolved(self, account_id: str = "") -> dict[str, Any]:
        """Every name with its placeholders filled in (``{account_id}`` left as is when unknown):
        what ``pipeline-tools config show --format json`` prints."""
        def fill(template: str, stage: str = "") -> str:
            values = {"project": self.project, "stage": stage, "region": self.region,
                      "account_id": account_id or "{account_id}"}
            return template.format(**values)

        def role(template: str, stage: str) -> str:
            name = fill(template, stage)
            if name.startswith("arn:") or not account_id:
                return name
            return f"arn:aws:iam::{account_id}:role/{name}"

        return {
            "source": self.source,
            "project": self.project,
            "region": self.region,
            "roots_dir": self.roots_dir,
            "state_bucket": fill(self.state_bucket),
            "matrix": {"max_jobs": self.matrix.max_jobs, "timings_file": self.matrix.timings_file},
            "stages": [
                {"name": stage.name, "index": index, "roots": list(stage.roots),
                 "github_environment": stage.github_environment,
                 "required_reviewers": stage.required_reviewers, "auto_deploy": stage.auto_deploy,
                 "apply_on_merge": stage.apply_on_merge, "cluster": fill(stage.cluster, stage.name),
                 "plan_role": role(stage.plan_role, stage.name),
                 "apply_role": role(stage.apply_role, stage.name),
                 "drift_role": role(stage.drift_role, stage.name)}
                for index, stage in enumerate(self.stages)
            ],
        }


def stage_outputs(config: RepoConfig, stage: str, account_id: str = "") -> dict[str, str]:
    """One stage's resolved names as workflow step outputs (``config show --format github-output``).

    ``stage`` is a stage name (InputError when there is none of that name), or a root path whose
    stage is looked up (a root no stage holds gets empty stage names). Without
    ``account_id`` a state bucket that needs it is "" (the root's backend.tf then decides) and roles
    are bare names."""
    resolved = config.resolved(account_id)
    by_name = {item["name"]: item for item in resolved["stages"]}
    found = by_name.get(stage)
    is_root = "/" in stage
    if found is None and is_root:
        matched = config.stage_for(stage)
        found = by_name.get(matched.name) if matched is not None else None
    if found is None and not is_root:
        raise InputError(f"--stage {stage!r}: no such stage in {config.source} "
                         f"(stages: {', '.join(by_name)})")
    bucket = resolved["state_bucket"]
    outputs = {"project": resolved["project"], "region": resolved["region"],
               "state_bucket": "" if "{account_id}" in bucket else bucket}
    # A root no stage holds (bootstrap) gets empty names: it is checked in pull requests, never
    # planned with a role or applied by the pipeline.
    outputs["stage"] = found["name"] if found else ""
    for key in ("github_environment", "cluster", "plan_role", "apply_role", "drift_role"):
        outputs[key] = found[key] if found else ""
    return outputs
