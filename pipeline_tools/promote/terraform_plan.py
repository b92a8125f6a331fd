"""Planning the target environment for a promotion: drift before, and the plan of the change.

The working tree is never modified: the proposed release file is handed to terraform as a
``-var-file``, which takes precedence over ``release.auto.tfvars.json``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from pipeline_tools.core.errors import ExternalError
from pipeline_tools.integrations.terraform import Terraform, terraform_env
from pipeline_tools.promote.engine import TargetPlan
from pipeline_tools.promote.release import Release, render_releases


def target_planner(root: Path, *, workdir: Path, backend_config: Mapping[str, str],
                   extra_env: Mapping[str, str] | None = None) -> Callable[[dict[str, Release]], TargetPlan]:
    def plan(proposed: dict[str, Release]) -> TargetPlan:
        terraform = Terraform(root, env=terraform_env(extra_env))
        try:
            terraform.init(backend_config=backend_config)
            drift_code = terraform.plan(workdir / "before.tfplan", detailed_exitcode=True)
        except ExternalError as exc:
            return TargetPlan(drift_exit_code=None, drift_detail=str(exc), plan_json=None)
        proposed_file = workdir / "proposed.tfvars.json"
        proposed_file.write_text(render_releases(proposed))
        try:
            terraform.plan(workdir / "after.tfplan", f"-var-file={proposed_file}")
            plan_json = terraform.show_json(workdir / "after.tfplan")
        except ExternalError as exc:
            return TargetPlan(drift_exit_code=drift_code, drift_detail=f"planning the change failed: {exc}",
                              plan_json=None)
        return TargetPlan(drift_exit_code=drift_code, drift_detail="", plan_json=plan_json)

    return plan
