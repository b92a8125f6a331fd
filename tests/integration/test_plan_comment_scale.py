"""The plan comment for 300 environments: it fits, what needs attention comes first, nothing is lost.

Plans are real: terraform's own JSON from the public corpus (tests/fixtures/plans/, SOURCES.md) and
the scenario plan terraform makes against the emulator (tests/plan_scenarios.py: risks, destroys,
sensitive values). An "errored" plan is a real plan with terraform's ``errored`` flag set, as
terraform writes it when the plan fails part-way.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from pipeline_tools.comment import EnvironmentPlan, compose_plan_comment, parse_comment_markers
from pipeline_tools.comment.compose import attention
from pipeline_tools.plan.model import summarize
from tests.support.cli import run_cli
from tests.support.plan_scenarios import SECRETS, scenario_plan  # noqa: F401 (session fixture)

PLANS = Path(__file__).resolve().parents[1] / "fixtures" / "plans" / "terraform-json"
SHA = "0123456789abcdef0123456789abcdef01234567"
CHANGES = ["basic", "110_sensitive_values", "deep_module", "moved_block", "numerics", "identity",
           "explicit_null", "has_checks", "registry_module", "output_depends_on"]
DESTROYS = ["action_reason", "config_resource_depends_on"]
MIX = {"failed": 3, "risky": 6, "destroys": 12, "changes": 60, "quiet": 219}  # 300 in all
ROW = re.compile(r"^\| `(?P<name>[^`]+)` \|", re.MULTILINE)


@pytest.fixture(scope="module")
def three_hundred(scenario_plan, tmp_path_factory) -> list[tuple[str, str, Path]]:  # noqa: F811
    """(name, kind, plan file) for 300 environments, kinds shuffled over the names."""
    workdir = tmp_path_factory.mktemp("plans")
    failed = workdir / "failed.plan.json"
    failed.write_text(json.dumps({**json.loads((PLANS / "basic__plan.json").read_text()), "errored": True}))
    files = {"failed": [failed], "risky": [scenario_plan.plan_json_path],
             "destroys": [PLANS / f"{name}__plan.json" for name in DESTROYS],
             "changes": [PLANS / f"{name}__plan.json" for name in CHANGES],
             "quiet": [PLANS / "actions__plan.json"]}
    kinds = [kind for kind, count in MIX.items() for _ in range(count)]
    random.Random(15).shuffle(kinds)
    names = [f"{stage}-{i:03d}" for stage, count in (("dev", 120), ("staging", 100), ("prod", 80))
             for i in range(count)]
    return [(name, kind, files[kind][i % len(files[kind])])
            for i, (name, kind) in enumerate(zip(names, kinds, strict=True))]


def test_300_environments_fit_with_failures_risks_and_destroys_first(three_hundred):
    summaries = {path: summarize(json.loads(path.read_text())) for _, _, path in three_hundred}
    environments = [EnvironmentPlan(name, summaries[path], "sha256:" + "ab" * 32)
                    for name, _, path in three_hundred]
    body = compose_plan_comment(environments, sha=SHA, run_key="15.1")
    assert len(body) <= 65_536
    kinds = {name: kind for name, kind, _ in three_hundred}

    # The dashboard: one row per environment to review, most urgent first, none for no-change ones.
    rows = ROW.findall(body)
    rank = {"failed": 0, "risky": 1, "destroys": 2, "changes": 3}
    assert [kinds[name] for name in rows] == sorted((kinds[name] for name in rows), key=rank.get)
    assert [kinds[name] for name in rows[:3]] == ["failed"] * 3
    assert len(rows) == 300 - MIX["quiet"]
    # Ranks agree with what each plan holds (not with the test's labels only).
    by_name = {env.name: env for env in environments}
    assert [attention(by_name[name]) for name in rows] == sorted(attention(by_name[name]) for name in rows)
    # The no-change environments: one line with their count and names.
    quiet_line = next(line for line in body.splitlines() if "environments with no changes" in line)
    assert f"**{MIX['quiet']} environments with no changes**" in quiet_line
    quiet_named = [name for name, kind, _ in three_hundred if kind == "quiet" and f"`{name}`" in quiet_line]
    assert len(quiet_named) == MIX["quiet"]  # 219 short names fit in the line's budget
    # Sections follow the same order: the first section is a failed plan, a risky one before any
    # plain change.
    sections_start = body.index("environments with no changes")

    def section_at(name: str) -> int:
        # A full section's heading names it in backticks; one cut to counts starts "name:".
        found = [body.find(form, sections_start) for form in (f"`{name}`", f"\n{name}:\n")]
        assert max(found) >= 0, f"no section for {name}"
        return min(at for at in found if at >= 0)

    headings = [section_at(name) for name in rows]
    assert headings == sorted(headings)
    # Every environment's fingerprint is recorded for the apply, whatever is shown.
    assert len(parse_comment_markers(body).fingerprints) == 300


def test_the_command_names_every_environment_in_the_comment_or_the_job_summary(three_hundred, tmp_path):
    summary_file = tmp_path / "summary.md"
    args = ["plan", "comment", "--repo", "octo/infra", "--pr", "15", "--sha", SHA, "--dry-run",
            "--summary-file", str(summary_file)]
    for name, _, path in three_hundred:
        args += ["--env", name, str(path)]
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    body = result.stdout.rstrip("\n")
    summary = summary_file.read_text()
    assert len(body) <= 65_536
    for name, _, _ in three_hundred:
        assert f"`{name}`" in body or f"`{name}`" in summary, name
        assert f"| `{name}` |" in summary  # the job summary lists every one with its counts
    assert summary.index("| `") < summary.index(body.splitlines()[1])  # full list, then the comment
    assert "81 to review, 219 without changes." in summary
    for secret in SECRETS:  # the scenario's sensitive variable never shows
        assert secret not in body and secret not in summary


def test_a_thousand_roots_without_changes_fit_one_comment(tmp_path):
    # Their plans share one fingerprint, which the marker writes once (docs/scale.md).
    args = ["plan", "comment", "--repo", "octo/infra", "--pr", "15", "--sha", SHA, "--dry-run"]
    for i in range(1000):
        args += ["--env", f"root-{i:04d}", str(PLANS / "actions__plan.json")]
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    body = result.stdout.rstrip("\n")
    assert len(body) <= 65_536
    assert "**1000 environments with no changes**" in body
    markers = parse_comment_markers(body, first_line_only=True)
    assert markers is not None and len(markers.fingerprints) == 1000
    assert len(set(markers.fingerprints.values())) == 1 and None not in markers.fingerprints.values()


def test_too_many_environments_for_one_comment_is_one_line_exit_2(tmp_path):
    # 1,000 roots each with its own change: 1,000 different fingerprints (about 86 characters
    # each in the marker) cannot fit, and the comment is refused rather than cut.
    plan = json.loads((PLANS / "basic__plan.json").read_text())
    args = ["plan", "comment", "--repo", "octo/infra", "--pr", "15", "--sha", SHA, "--dry-run"]
    for i in range(1000):
        own = {**plan, "resource_changes": [{**change, "address": f"module.root{i}.{change['address']}"}
                                            for change in plan["resource_changes"]]}
        path = tmp_path / f"root-{i:04d}.json"
        path.write_text(json.dumps(own))
        args += ["--env", f"root-{i:04d}", str(path)]
    result = run_cli(*args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "do not fit" in result.stderr
