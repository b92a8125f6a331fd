"""``make demo`` end to end, as a user runs it: the workflow files themselves take a pull
request for dev and staging from plan to apply, with a progress line per job and step."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.support.paths import REPO_ROOT


@pytest.mark.terraform
def test_make_demo_workflows_runs_the_workflow_files_from_pull_request_to_apply() -> None:
    completed = subprocess.run([sys.executable, "-m", "pipeline_tools.local.loop_demo"], cwd=REPO_ROOT,
                               capture_output=True, text=True, timeout=1800, check=False)
    out = completed.stdout
    assert completed.returncode == 0, out[-4000:] + completed.stderr
    assert len(re.findall(r"^==> ", out, re.MULTILINE)) == 4
    assert len(re.findall(r"^    done in \d+\.\d s$", out, re.MULTILINE)) == 4
    for job in ("plan dev", "plan staging", "PR comment", "apply dev", "apply staging"):
        assert re.search(rf"^    \[{job}\] success$", out, re.MULTILINE), job
    assert out.index("[apply dev] success") < out.index("[apply staging] started")
    assert "dev: {'greeting': 'hello dev'}" in out and "staging: {'greeting': 'hello staging'}" in out
    assert "no changes in dev or staging" in out
    assert re.search(r"^demo finished in \d+\.\d s$", out, re.MULTILINE)
