"""The runbooks' ``pipeline-tools`` paths, run as written (placeholders filled in) against the
emulator and the GitHub stand-in: status, rollback of a deploy, promotion and its rollback.
The world (tests/support/promote_world.py): staging runs v3 (verified), prod runs v2, dev runs v3.
"""

from __future__ import annotations

import re

from tests.support.cli import run_cli
from tests.support.promote_world import REPO_NAME, World
from tests.support.runbook_commands import RUNBOOK_DIR, Command, commands


def _pipeline_tools_lines(runbook: str) -> list[Command]:
    return [c for c in commands(RUNBOOK_DIR / runbook) if c.line.startswith("pipeline-tools ")]


def _run(world: World, command: Command, values: dict[str, str]):
    argv = command.argv(values)
    env = {**world.env(), "PIPELINE_TOOLS_SOAK_MINUTES": "0"}
    return run_cli(*argv[1:], env=env, cwd=world.repo_dir)


def _merge(world: World, number: int) -> None:
    """What GitHub does when the promotion pull request is merged: it is no longer open."""
    world.standin.repos[REPO_NAME].issues[number]["state"] = "closed"


def test_promotion_runbook(fresh: World):
    values = {"SERVICE": "api", "DIGEST": fresh.digests["v3"], "PREVIOUS_DIGEST": fresh.digests["v1"],
              "WHY": "runbook rehearsal", "RUN_URL": "https://ci.example/runs/1"}
    lines = _pipeline_tools_lines("promotion.md")
    assert len(lines) == 7, [c.line for c in lines]
    outputs = []
    for command in lines:
        result = _run(fresh, command, values)
        outputs.append(result)
        assert result.returncode == 0, f"{command.line}\n{result.stdout}\n{result.stderr}"
        opened = re.search(r"opened pull request #(\d+)", result.stdout)
        if opened:
            values["PR_NUMBER"] = opened.group(1)
        if command.line.startswith("pipeline-tools promote report"):
            _merge(fresh, int(values["PR_NUMBER"]))
    assert "in sync" in outputs[0].stdout  # staging before promoting
    assert "would open a pull request: Promote prod: api v3 from staging" in outputs[1].stdout
    titles = [issue["title"] for issue in fresh.standin.repos[REPO_NAME].issues.values()]
    assert titles == ["Promote prod: api v3 from staging", "Roll back prod: api v1"]
    assert "environment prod: healthy" in outputs[-1].stdout


def test_rollback_deploy_runbook(fresh: World):
    """dev: deploy the previous digest directly; prod: a rollback pull request."""
    lines = _pipeline_tools_lines("rollback-deploy.md")
    assert [c.argv({})[1] for c in lines] == ["status", "deploy", "promote", "promote", "status"]
    dev = {"ENV": "dev", "SERVICE": "api", "REPOSITORY_URL": fresh.repository_url,
           "PREVIOUS_DIGEST": fresh.digests["v2"]}
    prod = {**dev, "ENV": "prod", "PREVIOUS_DIGEST": fresh.digests["v1"], "WHY": "runbook rehearsal"}

    before = _run(fresh, lines[0], dev)
    assert before.returncode == 0 and "in sync" in before.stdout, before.stdout + before.stderr
    deployed = _run(fresh, lines[1], dev)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    for command in lines[2:4]:
        result = _run(fresh, command, prod)
        assert result.returncode == 0, f"{command.line}\n{result.stdout}\n{result.stderr}"
    after = _run(fresh, lines[4], dev)
    # dev now runs the previous digest; its release file (which dev does not follow) still says v3.
    assert after.returncode == 1
    assert f"runs {fresh.digests['v2'].removeprefix('sha256:')[:12]}" in after.stdout
    assert "OUT OF SYNC" in after.stdout
