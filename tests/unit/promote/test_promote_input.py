"""``pipeline-tools promote`` refuses bad input before it contacts AWS, GitHub or terraform."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import assert_one_line_error, run_cli


def test_a_soak_period_that_is_not_a_number_is_bad_input(tmp_path: Path) -> None:
    # No credentials and no emulator: reaching AWS or GitHub would fail differently (exit 3).
    result = run_cli("promote", "--from", "staging", "--to", "prod", "--all", "--repo", "acme/platform",
                     env={"PIPELINE_TOOLS_SOAK_MINUTES": "soon", "GITHUB_TOKEN": ""}, cwd=tmp_path)
    assert_one_line_error(result, code=2)
    assert "PIPELINE_TOOLS_SOAK_MINUTES must be a number, got 'soon'" in result.stderr


def test_report_needs_the_pull_request_and_the_outcome(tmp_path: Path) -> None:
    result = run_cli("promote", "report", "--pr", "7", "--repo", "acme/platform", cwd=tmp_path)
    assert_one_line_error(result, code=2)
    assert "--pr N and --state success|failure" in result.stderr
