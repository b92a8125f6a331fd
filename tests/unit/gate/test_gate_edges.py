"""Gate edges (issue 11, item 9): a hung checkov is bounded, paths that scan nothing or lie
outside the repository fail closed, and a repository without a policy uses the built-in one.

The real CLI in a subprocess and the real checkov; only the hung scanner is a stand-in script
(a checkov that hangs cannot be produced on demand).
"""

from __future__ import annotations

import json
import time
from importlib.resources import files
from pathlib import Path

from tests.conftest import CliResult, assert_one_line_error, run_cli
from tests.unit.gate.test_gate_checkov import TODAY, _checkov, _queue


def _gate(repo: Path, *args: str, env: dict[str, str] | None = None) -> CliResult:
    full_env = {"PIPELINE_TOOLS_CHECKOV": _checkov(), "PIPELINE_TOOLS_CHECKOV_TIMEOUT": "", **(env or {})}
    return run_cli("gate", *args, "--repo-root", str(repo), "--today", TODAY, env=full_env, cwd=repo)


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "infra").mkdir(parents=True)
    (repo / "infra" / "main.tf").write_text(_queue("events"))
    return repo


def _hung_checkov(tmp_path: Path) -> Path:
    """Starts a worker that never ends and waits for it, as a hung checkov would."""
    script = tmp_path / "checkov-hung"
    script.write_text("#!/bin/sh\nsleep 600 &\nwait\n")
    script.chmod(0o755)
    return script


def test_a_hung_checkov_fails_closed_within_the_timeout(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    hung = str(_hung_checkov(tmp_path))
    started = time.monotonic()
    result = _gate(repo, "infra", "--checkov-timeout", "2", env={"PIPELINE_TOOLS_CHECKOV": hung})
    assert_one_line_error(result, code=2)
    assert "checkov (paths) did not finish within 2 s" in result.stderr
    assert time.monotonic() - started < 60  # not the 600 s the worker would take
    from_env = _gate(repo, "infra",
                     env={"PIPELINE_TOOLS_CHECKOV": hung, "PIPELINE_TOOLS_CHECKOV_TIMEOUT": "1"})
    assert_one_line_error(from_env, code=2)
    assert "within 1 s" in from_env.stderr and "PIPELINE_TOOLS_CHECKOV_TIMEOUT" in from_env.stderr


def test_a_timeout_that_is_not_a_positive_number_is_bad_input(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    for value in ("0", "soon", "nan"):
        result = _gate(repo, "infra", "--checkov-timeout", value)
        assert_one_line_error(result, code=2)
        assert "--checkov-timeout" in result.stderr


def test_a_path_with_nothing_to_scan_fails_closed_unless_allowed(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / "docs").mkdir()
    (repo / "docs" / "README.md").write_text("# not terraform\n")
    refused = _gate(repo, "docs", "--env", "dev")
    assert_one_line_error(refused, code=2)
    assert "path docs holds no .tf files" in refused.stderr
    allowed = _gate(repo, "docs", "--env", "dev", "--allow-empty-paths")
    assert allowed.returncode == 0, allowed.stderr


def test_a_path_outside_the_repository_fails_closed_unless_allowed(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "main.tf").write_text(_queue("other"))
    refused = _gate(repo, str(elsewhere), "--env", "dev")
    assert_one_line_error(refused, code=2)
    assert "is outside the repository" in refused.stderr
    allowed = _gate(repo, str(elsewhere), "--env", "dev", "--allow-outside-repo", "--format", "json")
    assert allowed.returncode == 0, allowed.stderr
    assert json.loads(allowed.stdout)["scanned"]["checkov/terraform"] == 1


def test_without_a_policy_file_the_built_in_default_judges_and_says_so(tmp_path: Path) -> None:
    repo = _repo(tmp_path)  # no security/ at all
    result = _gate(repo, "infra", "--format", "json")
    assert result.returncode == 1, result.stderr  # the default's prod fails at MEDIUM
    report = json.loads(result.stdout)
    assert report["policy"] == "built-in default policy"
    queue = next(f for f in report["findings"] if f["rule_id"] == "CKV_AWS_27")
    assert queue["severity"] == "MEDIUM"  # mapped by the default policy (unmapped would be HIGH)
    text = _gate(repo, "infra", "--env", "dev")
    assert text.returncode == 0, text.stderr  # dev fails at HIGH
    assert "policy: the built-in default" in text.stdout and "gate init" in text.stdout


def test_gate_init_writes_the_default_policy_once(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    written = _gate(repo, "init")
    assert written.returncode == 0, written.stderr
    policy = repo / "security" / "policy.yml"
    shipped = files("pipeline_tools").joinpath("data", "default_policy.yml").read_text(encoding="utf-8")
    assert policy.read_text() == shipped
    again = _gate(repo, "init")
    assert_one_line_error(again, code=2)
    assert "already exists" in again.stderr
    policy.write_text(policy.read_text().replace("prod: {fail_at: MEDIUM}", "prod: {fail_at: CRITICAL}"))
    judged = _gate(repo, "infra", "--format", "json")
    assert judged.returncode == 0, judged.stderr  # the repository's own (edited) policy now applies
    assert json.loads(judged.stdout)["policy"] == "security/policy.yml"
    assert _gate(repo, "init", "--force").returncode == 0
    assert policy.read_text() == shipped
