"""Apply a module's ``examples/<name>`` root against the local AWS emulator, re-plan it, destroy it.

terraform/modules is copied to a temporary directory first, so the example's ``source = "../.."``
(and a module's own ``../<other module>`` sources) still resolve, and neither terraform's working
data nor its lock file lands in the repository.
Each step is one terraform invocation (init, apply, plan, destroy): the cheapest cycle that shows a
module creates, reads back without drift, and deletes cleanly.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from pipeline_tools.integrations.terraform import Terraform, terraform_env
from pipeline_tools.local.emulator import Emulator, apply_through_race
from tests.support.paths import REPO_ROOT

MODULES = REPO_ROOT / "terraform" / "modules"


class ModuleExample:
    def __init__(self, module: str, emulator: Emulator, workdir: Path, *, example: str = "basic",
                 variables: dict[str, Any] | None = None) -> None:
        ignore = shutil.ignore_patterns(".terraform*", "*.tfstate*")
        shutil.copytree(MODULES, workdir / "modules", ignore=ignore)
        self.root = workdir / "modules" / module / "examples" / example
        var_file = workdir / "example.tfvars.json"
        var_file.write_text(json.dumps(variables or {}), encoding="utf-8")
        self.var_args = [f"-var-file={var_file}"]
        self.terraform = Terraform(self.root, env=terraform_env(emulator.env()))
        self.applied = False

    def apply(self) -> dict[str, Any]:
        """init + apply; the example's outputs, by name."""
        self.terraform.init(backend=False)
        self.applied = True  # a failed apply may still have created something: destroy it
        apply_through_race(self.terraform, *self.var_args)
        return {name: item["value"] for name, item in self.terraform.output_json().items()}

    def plan(self, **variables: Any) -> dict[str, Any]:
        """init + plan (no apply), ``variables`` overriding the example's; the plan as JSON.

        For modules whose API the emulator lacks: the plan still shows what the module would
        create from the example's inputs, and the module's preconditions.
        """
        self.terraform.init(backend=False)
        planfile = self.root / "example.tfplan"
        overrides = [f"-var={name}={value if isinstance(value, str) else json.dumps(value)}"
                     for name, value in variables.items()]
        self.terraform.plan(planfile, *self.var_args, *overrides)
        return self.terraform.show_json(planfile)

    def replan_changes(self) -> list[str]:
        """What a second plan would change (empty: the emulator reads back what was applied)."""
        planfile = self.root / "replan.tfplan"
        if self.terraform.plan(planfile, *self.var_args, detailed_exitcode=True) == 0:
            return []
        plan = self.terraform.show_json(planfile)
        return [f"{change['address']}: {'/'.join(change['change']['actions'])}"
                for change in plan.get("resource_changes", [])
                if change["change"]["actions"] not in (["no-op"], ["read"])]

    def destroy(self) -> None:
        self.terraform.destroy(*self.var_args)
        self.applied = False
