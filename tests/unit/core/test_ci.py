"""The GitHub Actions environment, read in one place: what a workflow step sees, and nothing
outside one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline_tools.core.ci import CIEnvironment

ACTIONS = {
    "GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/platform",
    "GITHUB_SERVER_URL": "https://github.com", "GITHUB_SHA": "a" * 40, "GITHUB_RUN_ID": "912",
    "GITHUB_RUN_ATTEMPT": "2", "GITHUB_WORKFLOW": "terraform-pr", "GITHUB_ACTOR": "octocat",
}


def test_outside_actions_there_is_nothing_to_link_or_order() -> None:
    ci = CIEnvironment.from_env({})
    assert not ci.in_actions
    assert ci.run_key() is None and ci.run_url() is None and ci.run_description() is None
    assert ci.commit_url("abc1234") == ""
    assert ci.pull_request_head_sha(7) is None
    ci.append_step_summary("ignored")  # no summary file: nothing to do, no error


def test_in_actions_the_run_is_linked_ordered_and_described() -> None:
    ci = CIEnvironment.from_env(ACTIONS)
    assert ci.in_actions
    assert ci.run_key() == "912.2"
    assert ci.run_url() == "https://github.com/acme/platform/actions/runs/912"
    assert ci.commit_url("b" * 40) == f"https://github.com/acme/platform/commit/{'b' * 40}"
    assert ci.run_description() == "GitHub Actions terraform-pr run 912 by octocat"


def test_a_run_id_that_is_not_a_number_gives_no_ordering_key() -> None:
    assert CIEnvironment.from_env({**ACTIONS, "GITHUB_RUN_ID": "abc"}).run_key() is None
    assert CIEnvironment.from_env({**ACTIONS, "GITHUB_RUN_ATTEMPT": ""}).run_key() == "912.1"


@pytest.mark.parametrize(("event", "number", "expected"), [
    ({"pull_request": {"number": 7, "head": {"sha": "c" * 40}}}, 7, "c" * 40),
    ({"pull_request": {"number": 8, "head": {"sha": "c" * 40}}}, 7, None),  # another pull request
    ({"pull_request": {"number": 7, "head": {"sha": "not-a-sha"}}}, 7, None),
    ({"push": {}}, 7, None),
    ([], 7, None),
])
def test_the_pull_request_head_comes_from_the_event_only_when_it_is_that_pull_request(
        tmp_path: Path, event: object, number: int, expected: str | None) -> None:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    ci = CIEnvironment.from_env({**ACTIONS, "GITHUB_EVENT_PATH": str(path)})
    assert ci.pull_request_head_sha(number) == expected


def test_an_unreadable_event_is_no_head(tmp_path: Path) -> None:
    (tmp_path / "event.json").write_text("{not json")
    for path in (tmp_path / "event.json", tmp_path / "nope"):
        assert CIEnvironment.from_env({"GITHUB_EVENT_PATH": str(path)}).pull_request_head_sha(1) is None


def test_the_job_summary_is_appended_to_not_overwritten(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("an earlier step's summary\n")
    CIEnvironment.from_env({"GITHUB_STEP_SUMMARY": str(summary)}).append_step_summary("## plan")
    assert summary.read_text() == "an earlier step's summary\n## plan\n"
