"""``make demo-platform`` end to end, run as a user runs it.

It starts its own emulator, applies bootstrap and dev, deploys an image through the deployer and
cleans everything up; the assertions are on what the user sees.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.support.paths import REPO_ROOT


@pytest.mark.terraform
def test_make_demo_platform_runs_the_platform_end_to_end():
    completed = subprocess.run([sys.executable, "-m", "pipeline_tools.local.demo"], cwd=REPO_ROOT,
                               capture_output=True, text=True, timeout=1800, check=False)
    out = completed.stdout
    assert completed.returncode == 0, out[-4000:] + completed.stderr
    steps = re.findall(r"^==> (.+)$", out, re.MULTILINE)
    assert steps[0] == "start the local AWS emulator" and steps[-1] == "stop the emulator"
    assert len(re.findall(r"^    done in \d+\.\d s$", out, re.MULTILINE)) >= 10
    assert re.search(r"^demo finished in \d+\.\d s$", out, re.MULTILINE)
    # The pull-request stage: affected roots with reasons, the plan summary, the gate verdict.
    assert "environments/dev" in out and "terraform/modules/ecs" in out
    assert re.search(r"Plan: \d+ to add, 0 to change, 0 to destroy\.", out)
    assert (REPO_ROOT / ".pipeline-tools/demo/dev-plan.md").read_text().count("<details>") >= 1
    # Apply exactly the reviewed plan; the re-plan is clean.
    assert "applied the reviewed plan" in out and "    no changes" in out
    # The deployer rolled the pushed digest out and told chat.
    pushed = re.search(r"pushed platform/api:\S+ \((sha256:[0-9a-f]{64})\)", out)
    assert pushed and "now runs " in out and pushed.group(1) in out.split("now runs", 1)[1]
    assert "slack message received:" in out
    # The promotion dry run refuses: the committed release files of staging and prod hold no
    # release yet (placeholder digests), and a placeholder is never promoted. Nothing changed.
    assert "staging has no release yet, so promotion refuses instead of promoting a placeholder" in out
    assert subprocess.run(["git", "status", "--porcelain", "--", "environments"], cwd=REPO_ROOT,
                          capture_output=True, text=True, check=True).stdout == ""
    assert "everything destroyed" in out or "bootstrap destroyed" in out
