"""The shared setup action: every job that runs pipeline-tools gets it from the cache-backed
composite action, pinned like every other action, and no job reinstalls packages by hand."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
ACTION = REPO_ROOT / ".github" / "actions" / "setup-pipeline-tools" / "action.yml"
WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))
SHA_PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def test_the_action_pins_its_actions_and_keys_caches_on_the_lock_files():
    action = yaml.safe_load(ACTION.read_text())
    steps = action["runs"]["steps"]
    for step in steps:
        if "uses" in step:
            assert SHA_PINNED.match(step["uses"]), step["uses"]
    caches = {step["with"]["path"]: step["with"]["key"] for step in steps
              if "actions/cache@" in step.get("uses", "")}
    assert "constraints.txt" in caches[".venv"] and "pyproject.toml" in caches[".venv"]
    assert "constraints-checkov.txt" in caches[".tools/checkov"]
    # The interpreter is part of both keys: a virtualenv only works with the Python that made it.
    assert all("steps.python.outputs.python-version" in key for key in caches.values())


def test_every_job_running_pipeline_tools_uses_the_cached_setup():
    checked = 0
    for path in WORKFLOWS:
        document = yaml.safe_load(path.read_text())
        for job_id, job in document["jobs"].items():
            steps = job.get("steps") or []
            runs = "\n".join(str(step.get("run", "")) for step in steps)
            assert "pip install" not in runs, f"{path.name}/{job_id} installs packages itself"
            if "pipeline-tools " not in runs:
                continue
            uses = [str(step.get("uses", "")) for step in steps]
            assert "./.github/actions/setup-pipeline-tools" in uses, f"{path.name}/{job_id}"
            checked += 1
    assert checked >= 6  # affected, plan and comment, the apply's affected, apply, drift, promote
    plan = yaml.safe_load((REPO_ROOT / ".github/workflows/terraform-pr.yml").read_text())["jobs"]["plan"]
    setup = next(s for s in plan["steps"] if "setup-pipeline-tools" in str(s.get("uses", "")))
    assert setup["with"]["checkov"] == "true"


def test_the_provider_cache_is_keyed_on_every_lock_file():
    for path in WORKFLOWS:
        for line in path.read_text().splitlines():
            if "terraform-plugins-" in line:
                assert "hashFiles('**/.terraform.lock.hcl')" in line, f"{path.name}: {line.strip()}"


def test_zizmor_reports_nothing_on_the_action():
    import shutil
    import subprocess
    import sys

    import pytest

    zizmor = Path(sys.executable).parent / "zizmor"
    binary = str(zizmor) if zizmor.exists() else shutil.which("zizmor")
    if binary is None:
        pytest.fail("zizmor is not installed (it is in the dev extra)")
    completed = subprocess.run([binary, "--offline", "--no-progress", str(ACTION)],
                               capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
