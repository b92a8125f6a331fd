"""Real terraform plans for the plan tests, made once per session against the moto server.

One terraform root (``tests/tf/plan_scenarios/base``) is applied, then changed out of band with
boto3 (drift, a bucket to import), then the ``changed`` configuration is planned against it with
``-replace``. That single plan holds every kind of change the summary must get right: creates,
in-place updates, replacements in both orders, deletes (including a removed ``for_each`` key), a
``moved`` block, an ``import`` block, a ``removed`` block (forget), ``-replace``, a deferred data
source read, sensitive variables and outputs, and drift.

Engineer-facing API: the session fixture :func:`scenario_plan` (import it into a test module, or
from a conftest, with ``from tests.support.plan_scenarios import scenario_plan``) yields a
:class:`ScenarioPlan`.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pipeline_tools.integrations.terraform import Terraform, terraform_env
from pipeline_tools.local.emulator import Emulator, apply_through_race
from tests.support.paths import TF_ROOTS

SCENARIO_ROOT = TF_ROOTS / "plan_scenarios"
PREFIX = "pt-scn"
# The secrets of the scenario: they must never appear in any summary.
BASE_PASSWORD = "base-secret-hunter2-0001"
CHANGED_PASSWORD = "changed-secret-staple-0002"
SECRETS = (BASE_PASSWORD, CHANGED_PASSWORD)
REPLACED_ON_REQUEST = "aws_ssm_parameter.rotated"


@dataclass(frozen=True)
class ScenarioPlan:
    """A real plan: its JSON file, its parsed JSON, and terraform's own human-readable text."""

    plan_json_path: Path
    plan: dict[str, Any]
    terraform_text: str
    workdir: Path

    def terraform_plan_line(self) -> str | None:
        """Terraform's own ``Plan: ...`` line, or None when it said ``No changes``."""
        for line in self.terraform_text.splitlines():
            if line.startswith("Plan: "):
                return line.strip()
        return None


def _copy_root(source: Path, workdir: Path) -> None:
    for tf_file in workdir.glob("*.tf"):
        tf_file.unlink()
    for tf_file in source.glob("*.tf"):
        shutil.copy(tf_file, workdir / tf_file.name)


def _change_out_of_band(env: dict[str, str]) -> None:
    """Drift and a bucket to import, made with boto3 against the emulator (not terraform)."""
    import boto3

    session = boto3.session.Session(
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=env.get("AWS_DEFAULT_REGION", "us-east-1"),
    )
    endpoint = env["AWS_ENDPOINT_URL"]
    s3 = session.client("s3", endpoint_url=endpoint)
    sqs = session.client("sqs", endpoint_url=endpoint)
    # Drift that the plan reverts: it affects this plan.
    s3.put_bucket_tagging(
        Bucket=f"{PREFIX}-data", Tagging={"TagSet": [{"Key": "team", "Value": "data-eng"}]}
    )
    # Drift that terraform ignores (ignore_changes): it does not affect this plan.
    queue_url = sqs.get_queue_url(QueueName=f"{PREFIX}-dlq")["QueueUrl"]
    sqs.tag_queue(QueueUrl=queue_url, Tags={"owner": "someone-else"})
    s3.create_bucket(Bucket=f"{PREFIX}-imported")


def build_scenario_plan(emulator: Emulator, workdir: Path) -> ScenarioPlan:
    """Apply the base root, change things out of band, plan the changed root: 5 terraform runs."""
    env = terraform_env({**emulator.env(), "TF_VAR_db_password": BASE_PASSWORD})
    terraform = Terraform(workdir, env=env)
    _copy_root(SCENARIO_ROOT / "base", workdir)
    terraform.init(backend=False)
    apply_through_race(terraform)
    _change_out_of_band(env)
    _copy_root(SCENARIO_ROOT / "changed", workdir)
    terraform.env = {**env, "TF_VAR_db_password": CHANGED_PASSWORD}
    planfile = workdir / "changed.tfplan"
    terraform.plan(planfile, f"-replace={REPLACED_ON_REQUEST}")
    plan = terraform.show_json(planfile)
    text = terraform.run(["show", "-no-color", str(planfile)]).stdout
    plan_json_path = workdir / "changed.plan.json"
    plan_json_path.write_text(json.dumps(plan))
    return ScenarioPlan(plan_json_path, plan, text, workdir)


# pytest makes one session fixture per module that imports it; this cache makes the plan once
# per session (and per emulator) however many modules use the fixture.
_BUILT: dict[int, ScenarioPlan] = {}


@pytest.fixture(scope="session")
def scenario_plan(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> ScenarioPlan:
    """The real scenario plan (see the module docstring), made once per test session."""
    key = id(emulator)
    if key not in _BUILT:
        emulator.reset()
        _BUILT[key] = build_scenario_plan(emulator, tmp_path_factory.mktemp("plan-scenario"))
    return _BUILT[key]


def scale_plan(plan: dict[str, Any], copies: int) -> dict[str, Any]:
    """A bigger plan made of ``copies`` copies of ``plan``'s resource changes, each copy under its
    own module (``module.copy_<n>.``), as a large configuration of repeated modules would plan.
    The original is not modified."""
    entries = plan.get("resource_changes") or []
    template = json.dumps(entries)
    scaled = []
    for copy in range(copies):
        for entry in json.loads(template):
            prefix = f"module.copy_{copy}"
            entry["address"] = f"{prefix}.{entry['address']}"
            entry["module_address"] = f"{prefix}.{entry['module_address']}" if entry.get("module_address") \
                else prefix
            if entry.get("previous_address"):
                entry["previous_address"] = f"{prefix}.{entry['previous_address']}"
            scaled.append(entry)
    return {**plan, "resource_changes": scaled}
