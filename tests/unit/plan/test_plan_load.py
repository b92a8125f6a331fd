"""Unusable input to `plan summarize`: exit 2, one `error:` line, no traceback, nothing on stdout.

The state file and the binary plan file are real: terraform wrote them while making the scenario
plan (tests/support/plan_scenarios.py). The state-as-JSON and the invalid JSON come from the public
corpus (tests/fixtures/plans/terraform-json/, see tests/fixtures/SOURCES.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline_tools.core.errors import InputError
from pipeline_tools.plan.load import load_plan
from tests.support.cli import assert_one_line_error, run_cli
from tests.support.paths import FIXTURES
from tests.support.plan_scenarios import ScenarioPlan, scenario_plan  # noqa: F401

CORPUS = FIXTURES / "plans" / "terraform-json"


def _summarize_file(path: Path, *extra: str):
    result = run_cli("plan", "summarize", str(path), *extra)
    assert_one_line_error(result, code=2)
    assert result.stdout == ""
    return result.stderr


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "plan.json"
    empty.write_text("")
    assert "is empty" in _summarize_file(empty)
    blank = tmp_path / "blank.json"
    blank.write_text("  \n")
    assert "is empty" in _summarize_file(blank, "--format", "json")


def test_truncated_json(tmp_path: Path) -> None:
    whole = (CORPUS / "basic__plan.json").read_text()
    truncated = tmp_path / "plan.json"
    truncated.write_text(whole[: len(whole) // 2])
    message = _summarize_file(truncated)
    assert "not valid JSON" in message and "truncated" in message


def test_corpus_invalid_json() -> None:
    assert "not valid JSON" in _summarize_file(CORPUS / "invalid__plan.json")


def test_state_json_instead_of_a_plan() -> None:
    assert "state" in _summarize_file(CORPUS / "moved_block__show.json")


def test_unknown_format_version_major(tmp_path: Path) -> None:
    plan = json.loads((CORPUS / "action_reason__plan.json").read_text())
    plan["format_version"] = "2.0"
    future = tmp_path / "plan.json"
    future.write_text(json.dumps(plan))
    message = _summarize_file(future, "--format", "text")
    assert "format_version '2.0' is not supported" in message


def test_json_that_is_not_a_plan(tmp_path: Path) -> None:
    other = tmp_path / "list.json"
    other.write_text("[1, 2]")
    assert "not a terraform plan" in _summarize_file(other)
    no_version = tmp_path / "obj.json"
    no_version.write_text('{"resource_changes": []}')
    assert "no format_version" in _summarize_file(no_version)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert "no such file" in _summarize_file(tmp_path / "nope.json")
    assert "is a directory" in _summarize_file(tmp_path)


def test_empty_stdin() -> None:
    result = run_cli("plan", "summarize", "-", input="")
    assert_one_line_error(result, code=2)
    assert "stdin: is empty" in result.stderr


def test_bad_options(tmp_path: Path) -> None:
    plan = CORPUS / "basic__plan.json"
    assert_one_line_error(run_cli("plan", "summarize", str(plan), "--max-chars", "0"), code=2)
    assert_one_line_error(run_cli("plan", "summarize", str(plan), "--format", "yaml"), code=2)
    message = _summarize_file(plan, "--template-dir", str(tmp_path / "missing"))
    assert "not a directory" in message


def test_broken_template_override(tmp_path: Path) -> None:
    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "summary.md.j2").write_text("{% for x in %}")
    message = _summarize_file(CORPUS / "basic__plan.json", "--template-dir", str(tmp_path))
    assert "template error" in message


@pytest.mark.terraform
def test_real_state_file_and_binary_plan(scenario_plan: ScenarioPlan) -> None:  # noqa: F811
    state = scenario_plan.workdir / "terraform.tfstate"
    assert state.exists()
    assert "state file, not a plan" in _summarize_file(state)
    binary = scenario_plan.workdir / "changed.tfplan"
    assert binary.read_bytes()[:2] == b"PK"
    message = _summarize_file(binary, "--format", "json")
    assert "binary terraform plan file" in message and "terraform show -json" in message


def test_load_plan_raises_input_error(tmp_path: Path) -> None:
    broken = tmp_path / "plan.json"
    broken.write_text('{"format_version": "1.2", "resource_changes": {}}')
    with pytest.raises(InputError, match="resource_changes is not a list"):
        load_plan(str(broken))
    assert load_plan(str(CORPUS / "basic__plan.json"))["format_version"] == "0.1"


def test_malformed_structures(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    assert "nested too deeply" in _summarize_file(deep)
    bad_entry = tmp_path / "entry.json"
    bad_entry.write_text('{"format_version": "1.2", "resource_changes": [{"address": "a.b"}]}')
    assert "resource_changes[0] is not a resource change" in _summarize_file(bad_entry)
    bad_outputs = tmp_path / "outputs.json"
    bad_outputs.write_text('{"format_version": "1.2", "resource_changes": [], "output_changes": []}')
    assert "output_changes is not an object" in _summarize_file(bad_outputs)
