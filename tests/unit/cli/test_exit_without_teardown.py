"""`plan summarize` ends its process without the interpreter's teardown (os._exit, after flushing):
every byte of the summary must still arrive, a reader that goes away must still be a quiet exit 0,
and a failure must keep its exit code and its one error line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pipeline_tools.plan.load import load_plan
from pipeline_tools.plan.model import summarize
from pipeline_tools.plan.render.json_output import render_plan_json
from tests.support.paths import FIXTURES, REPO_ROOT
from tests.support.plan_scenarios import scale_plan

SCENARIO_PLAN = FIXTURES / "plans" / "scenario" / "scenario__plan.json"


def _summarize_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline_tools", "plan", "summarize", *args]


def test_every_byte_of_a_summary_bigger_than_the_pipe_arrives(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(scale_plan(json.loads(SCENARIO_PLAN.read_text()), 10)))
    expected = render_plan_json(summarize(load_plan(str(plan))))
    assert len(expected) > 64 * 1024  # more than a pipe holds: the writer must wait for the reader

    completed = subprocess.run(_summarize_command(str(plan), "--format", "json"), capture_output=True,
                               text=True, cwd=REPO_ROOT, check=False)

    assert (completed.returncode, completed.stderr) == (0, "")
    assert completed.stdout == expected


def test_a_reader_that_goes_away_is_a_quiet_exit(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(scale_plan(json.loads(SCENARIO_PLAN.read_text()), 10)))
    process = subprocess.Popen(_summarize_command(str(plan), "--format", "json"), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=REPO_ROOT)
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(64).startswith(b'{"schema_version":')
    process.stdout.close()  # like `| head -c 64`
    stderr = process.stderr.read()
    assert (process.wait(timeout=120), stderr) == (0, b"")


def test_a_failure_keeps_its_exit_code_and_its_line(tmp_path: Path) -> None:
    completed = subprocess.run(_summarize_command(str(tmp_path / "missing.json")), capture_output=True,
                               text=True, cwd=REPO_ROOT, check=False)
    assert completed.returncode == 2
    assert completed.stderr == f"error: {tmp_path / 'missing.json'}: no such file\n"
