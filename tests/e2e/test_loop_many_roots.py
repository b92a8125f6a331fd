"""Issue 15's loop test: about 20 roots in three stages sharing one local module, a pull request
changing the module, run through the real workflow files (terraform-pr.yml, terraform-apply.yml,
apply-environment.yml) by the local runner against the GitHub stand-in and the emulator.

``matrix.max_jobs`` is 4, so both sides group roots: the pull request's 20 plans run in 4 jobs, and
each stage's apply in at most 4 jobs, each applying its roots one after another
(.github/scripts/plan-group.sh, apply-group.sh). Every root is planned once and applied once, every
dev root's apply finishes before any staging root's starts (and staging before prod), and a
re-plan of every root afterwards shows no changes.

Runtime: terraform init per root links the provider from the job's plugin cache (its own copy of
the runner's ``plugin_cache``, as on GitHub); two matrix legs run at a time.
"""

from __future__ import annotations

import itertools
import re
import subprocess
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pipeline_tools.comment.markers import parse_comment_markers
from pipeline_tools.local.emulator import Emulator
from pipeline_tools.local.github_standin import GitHubStandin
from pipeline_tools.local.loop_sandbox import REPOSITORY, Sandbox, build_sandbox, root_files
from tests.support.paths import REPO_ROOT

pytestmark = pytest.mark.terraform

STAGES = ("dev", "staging", "prod")
ROOTS = {"dev": 7, "staging": 7, "prod": 6}
NAMES = [f"{stage}-{i:02d}" for stage in STAGES for i in range(1, ROOTS[stage] + 1)]
MAX_JOBS = 4

# The shared module before the pull request: it takes the root's name and makes nothing yet.
MODULE_VARIABLES = """variable "root" {
  description = "The name of the root calling the module."
  type        = string
}
"""
# After: one SSM parameter per root (checkov-clean: a SecureString with a named KMS key).
MODULE_MAIN = """resource "aws_ssm_parameter" "setting" {{
  name   = "/loop-{uid}/${{var.root}}/setting"
  type   = "SecureString"
  key_id = "alias/aws/ssm"
  value  = "release-1-${{var.root}}"
}}
"""


def root_main(name: str) -> str:
    return f"""module "setting" {{
  source = "../../modules/setting"
  root   = "{name}"
}}
"""


@pytest.fixture
def many_roots(emulator: Emulator, tmp_path: Path):
    files = {"modules/setting/variables.tf": MODULE_VARIABLES}
    for name in NAMES:
        files.update(root_files(name))
        files[f"environments/{name}/main.tf"] = root_main(name)
    standin = GitHubStandin().start()
    try:
        yield build_sandbox(tmp_path, emulator.endpoint, standin, REPO_ROOT, envs=STAGES, files=files,
                            max_jobs=MAX_JOBS, parallel_legs=2)
    finally:
        standin.stop()


def status_ids(sandbox: Sandbox) -> dict[str, dict[str, list[int]]]:
    """environment -> deployment state -> the ids of its statuses (the stand-in numbers every object
    it creates from one counter, so ids order the statuses in time across environments)."""
    repo = sandbox.loop.standin.repos[REPOSITORY]
    found: dict[str, dict[str, list[int]]] = {}
    for deployment_id, deployment in repo.deployments.items():
        for status in repo.deployment_statuses[deployment_id]:
            states = found.setdefault(deployment["environment"], {})
            states.setdefault(status["state"], []).append(status["id"])
    return found


def replan_changes(sandbox: Sandbox, scratch: Path) -> dict[str, int]:
    """Each root of main's head planned again with the emulator's admin credentials: name -> terraform
    plan's detailed exit code (0: no changes)."""
    from pipeline_tools.integrations.terraform import Terraform, cache_dir, seed_plugin_cache, terraform_env
    from pipeline_tools.local.emulator import client_env

    scratch.mkdir()
    archive = subprocess.run(["git", "-C", str(sandbox.loop.repo_dir), "archive", "main"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(scratch)], input=archive, check=True)
    bucket = f"loop-tfstate-{sandbox.uid}"
    plugins = cache_dir() / "terraform" / "plugin-cache"
    env = terraform_env(client_env(sandbox.endpoint))

    def replan(name: str) -> int:
        # A cache of its own per root: two inits at once must not share one (seed_plugin_cache).
        own_cache = scratch / f"{name}.plugin-cache"
        seed_plugin_cache(plugins, own_cache)
        terraform = Terraform(scratch / "environments" / name,
                              env={**env, "TF_PLUGIN_CACHE_DIR": str(own_cache)})
        terraform.init(backend_config={"bucket": bucket})
        return terraform.plan(scratch / f"{name}.tfplan", "-lock=false", detailed_exitcode=True)

    with ThreadPoolExecutor(max_workers=2) as pool:  # as the runner's two legs
        return dict(zip(NAMES, pool.map(replan, NAMES), strict=True))


def test_twenty_roots_in_three_stages_are_planned_once_applied_once_in_stage_order(
        many_roots: Sandbox, tmp_path: Path) -> None:
    sandbox, world = many_roots, many_roots.loop
    pull = world.open_pull_request("shared-module", {
        "modules/setting/main.tf": MODULE_MAIN.format(uid=sandbox.uid)}, "One setting per root")

    planned = world.run_pull_request(pull)
    plan_jobs = [job for job in planned.all_jobs() if job.job_id == "plan" and job.matrix]  # the legs
    assert len(plan_jobs) == MAX_JOBS, [job.name for job in plan_jobs]
    for job in plan_jobs:
        assert job.result == "success", job.log[-4000:]
    # Every root planned exactly once: one plan-NAME folder in exactly one group's artifact.
    assert planned.run_dir is not None
    artifacts = planned.run_dir / "artifacts"
    folders = Counter(folder.name for artifact in artifacts.glob("plans-*")
                      for folder in artifact.glob("plan-*"))
    assert folders == Counter(f"plan-{name}" for name in NAMES)
    assert not list(artifacts.glob("plan-*")), "a grouped matrix has no single-root plan artifacts"

    comments = world.comments(pull)
    assert len(comments) == 1, comments
    markers = parse_comment_markers(comments[0], first_line_only=True)
    assert markers is not None and markers.sha == pull.head_sha
    assert set(markers.fingerprints) == set(NAMES) and all(markers.fingerprints.values())
    assert markers.gates == dict.fromkeys(NAMES, "pass")
    assert all(sandbox.parameters(name) == {} for name in NAMES), "a pull request must not apply anything"

    world.approve(pull)
    applied = world.run_push(*world.merge(pull))
    apply_jobs = [job for job in applied.all_jobs() if job.job_id == "apply"]
    for job in apply_jobs:
        assert job.result == "success", job.log[-4000:]
    # Each stage in at most max_jobs jobs, grouped: 7 roots in 4 jobs.
    for stage in STAGES:
        stage_jobs = [job for job in apply_jobs if job.name.startswith(f"apply {stage}-group-")]
        assert len(stage_jobs) == MAX_JOBS, [job.name for job in apply_jobs]
    # Every root applied exactly once, by its group's job.
    logs = "\n".join(job.log for job in apply_jobs)
    assert Counter(re.findall(r"::group::apply (\S+) \(", logs)) == Counter(NAMES)
    assert all(sandbox.parameters(name) == {"setting": f"release-1-{name}"} for name in NAMES)

    # Stage order: every root of a stage recorded its successful apply before any root of the next
    # stage recorded that its apply started (apply record, GitHub Deployments).
    statuses = status_ids(sandbox)
    assert set(statuses) == set(NAMES)
    for name in NAMES:
        assert len(statuses[name]["success"]) == 1 and len(statuses[name]["in_progress"]) == 1, statuses[name]
    for earlier, later in itertools.pairwise(STAGES):
        finished = max(statuses[n]["success"][0] for n in NAMES if n.startswith(f"{earlier}-"))
        started = min(statuses[n]["in_progress"][0] for n in NAMES if n.startswith(f"{later}-"))
        assert finished < started, f"a {later} root started before every {earlier} root had finished"

    # A re-plan of every root is clean.
    assert replan_changes(sandbox, tmp_path / "replan") == dict.fromkeys(NAMES, 0)
