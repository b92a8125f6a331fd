"""The workflow steps that plan or apply a group of roots (.github/scripts/plan-group.sh and
apply-group.sh, run by terraform-pr.yml and apply-environment.yml when a matrix entry holds more
than one root): the same commands as the single-root job, root after root; an apply group stops at
its first failure and names the roots that did not run.

The happy path runs for real, with terraform against the emulator and pipeline-tools against the
GitHub stand-in, in tests/e2e/test_loop_many_roots.py. Here ``terraform`` and ``pipeline-tools`` are
stand-ins that record their arguments and fail where told: a failure in the middle of a group is
what this file checks, and provoking a real refused or failed apply for it would cost a loop run.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import yaml

from tests.support.paths import REPO_ROOT

SCRIPTS = REPO_ROOT / ".github" / "scripts"
WORKFLOWS = REPO_ROOT / ".github" / "workflows"

# Records every call as one line "<tool> <args>"; fails (exit 1) when FAIL matches the call.
STANDIN = """#!/usr/bin/env bash
line="$(basename "$0") $*"
echo "$line" >> "$CALLS"
if [ -n "${FAIL:-}" ] && [[ "$line" =~ $FAIL ]]; then echo "stand-in: failing $line" >&2; exit 1; fi
case "$line" in
  "terraform -chdir="*" show -json "*) echo '{}' ;;
esac
"""


Run = tuple[subprocess.CompletedProcess[str], list[str], str]


def run_group(script: str, tmp_path: Path, roots: list[str], *, fail: str = "",
              extra_env: dict[str, str] | None = None) -> Run:
    """Run the script in a work directory with the stand-ins first on PATH: (the process, the
    calls made, the job summary written)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for tool in ("terraform", "pipeline-tools", "tfsec"):
        (bin_dir / tool).write_text(STANDIN)
        (bin_dir / tool).chmod(0o755)
    calls, summary = tmp_path / "calls.txt", tmp_path / "summary.md"
    calls.write_text("")
    summary.write_text("")
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "CALLS": str(calls), "FAIL": fail,
           "ROOTS": " ".join(roots), "NAMES": " ".join(r.split("/", 1)[1] for r in roots),
           "REPO": "acme/platform", "PR": "7", "RUN_URL": "https://example.invalid/run/1",
           "GITHUB_SHA": "a" * 40, "GITHUB_STEP_SUMMARY": str(summary), "TF_STATE_BUCKET": "state",
           **(extra_env or {})}
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    result = subprocess.run(["bash", str(SCRIPTS / script)], cwd=work, env=env, capture_output=True,
                            text=True, check=False)
    return result, calls.read_text().splitlines(), summary.read_text()


def roots_touched(calls: list[str]) -> list[str]:
    """The roots in the order the calls first name them (``-chdir=ROOT``, ``--root ROOT``, ``--env``)."""
    seen: list[str] = []
    for call in calls:
        match = re.search(r"-chdir=(\S+)|--root (\S+)|--env (\S+)", call)
        if match:
            name = next(g for g in match.groups() if g).removeprefix("environments/")
            if name not in seen:
                seen.append(name)
    return seen


ROOTS = ["environments/dev-a", "environments/dev-b", "environments/dev-c"]


def test_an_apply_group_applies_every_root_in_order_with_the_single_root_commands(tmp_path: Path):
    result, calls, _ = run_group("apply-group.sh", tmp_path, ROOTS)
    assert result.returncode == 0, result.stderr
    assert roots_touched(calls) == ["dev-a", "dev-b", "dev-c"]
    first = [c for c in calls if "dev-a" in c]
    # The single-root job's steps, in its order.
    assert [" ".join(c.split()[:3]) if c.startswith("pipeline-tools") else c.split()[2]
            for c in first] == ["pipeline-tools apply check", "pipeline-tools deploy package", "init", "plan",
                                "show", "pipeline-tools plan verify", "pipeline-tools apply record", "apply",
                                "pipeline-tools apply record", "pipeline-tools apply rollout",
                                "pipeline-tools apply report"]
    assert any("plan verify" in c and "--since-deployment dev-a --checked --pr 7" in c for c in first)
    assert "-backend-config=bucket=state" in next(c for c in first if " init " in c)
    report = next(c for c in first if "apply report" in c)
    assert ("--check-outcome success --verify-outcome success --apply-outcome success "
            "--deploy-outcome success") in report
    assert "applied 3 roots: dev-a dev-b dev-c" in result.stdout


def test_an_apply_group_stops_at_the_first_failed_root_and_names_the_roots_that_did_not_run(tmp_path: Path):
    result, calls, summary = run_group("apply-group.sh", tmp_path, ROOTS,
                                       fail=r"^terraform -chdir=environments/dev-b apply ")
    assert result.returncode == 1
    assert roots_touched(calls) == ["dev-a", "dev-b"], "dev-c must not be touched after dev-b failed"
    failed = [c for c in calls if "dev-b" in c]
    # The failed apply is recorded as failed and reported as such; no rollout after a failed apply.
    assert "pipeline-tools apply record --repo acme/platform --env dev-b --sha " + "a" * 40 + \
        " --state failure --log-url https://example.invalid/run/1" in failed
    assert not any("apply rollout" in c for c in failed)
    report = next(c for c in failed if "apply report" in c)
    assert "--apply-outcome failure --deploy-outcome skipped" in report
    assert "::error::dev-b failed: the group stopped; not applied: dev-c" in result.stdout
    assert "The group stopped at dev-b" in summary and "- dev-c" in summary


def test_a_refused_root_is_reported_as_refused_and_nothing_of_it_is_applied(tmp_path: Path):
    result, calls, summary = run_group("apply-group.sh", tmp_path, ROOTS,
                                       fail=r"^pipeline-tools plan verify .* --env dev-a ")
    assert result.returncode == 1
    assert roots_touched(calls) == ["dev-a"]
    assert not any(" apply -input" in c or "apply record" in c for c in calls)
    report = next(c for c in calls if "apply report" in c)
    assert "--check-outcome success --verify-outcome failure --apply-outcome skipped" in report
    assert "- dev-b" in summary and "- dev-c" in summary


def test_a_group_with_mismatched_roots_and_names_is_bad_input(tmp_path: Path):
    result, calls, _ = run_group("apply-group.sh", tmp_path, ROOTS, extra_env={"NAMES": "dev-a dev-b"})
    assert result.returncode == 2 and calls == []
    assert result.stderr.startswith("error: ROOTS and NAMES must name the same roots")


def test_a_plan_group_plans_every_root_even_after_a_failure_and_fails_at_the_end(tmp_path: Path):
    result, calls, _ = run_group("plan-group.sh", tmp_path, ROOTS,
                                 fail=r"^terraform -chdir=environments/dev-a plan ",
                                 extra_env={"PLAN_ROLE": "arn:aws:iam::123456789012:role/plan"})
    assert result.returncode == 1
    assert roots_touched(calls) == ["dev-a", "dev-b", "dev-c"]
    assert "::error::dev-a: terraform plan failed" in result.stdout
    work = tmp_path / "work" / "out"
    # The comment job's layout: a plan-NAME folder per root; the failed one has its plan log only.
    assert sorted(p.name for p in work.iterdir()) == ["plan-dev-a", "plan-dev-b", "plan-dev-c"]
    assert (work / "plan-dev-a" / "plan-log.txt").exists()
    assert not (work / "plan-dev-a" / "plan.json").exists()
    assert (work / "plan-dev-b" / "plan.json").read_text().strip() == "{}"
    assert any(c.startswith("pipeline-tools gate environments/dev-c --tfsec-json") for c in calls)


def test_a_plan_group_without_a_plan_role_checks_without_planning_or_uploading(tmp_path: Path):
    result, calls, _ = run_group("plan-group.sh", tmp_path, ROOTS[:2], extra_env={"PLAN_ROLE": ""})
    assert result.returncode == 0, result.stderr
    assert not any(" plan -input" in c for c in calls)
    assert all("-backend=false" in c for c in calls if " init " in c)
    assert not (tmp_path / "work" / "out").exists()


def test_the_workflows_run_the_group_scripts_when_an_entry_has_no_single_path():
    def steps(workflow: str, job: str) -> list[dict]:
        document = yaml.safe_load((WORKFLOWS / workflow).read_text())
        return list(document["jobs"][job]["steps"])

    for workflow, job, script, single in (("terraform-pr.yml", "plan", "plan-group.sh", "matrix.path != ''"),
                                          ("apply-environment.yml", "apply", "apply-group.sh",
                                           "inputs.root != ''")):
        listed = steps(workflow, job)
        [group] = [s for s in listed if script in str(s.get("run", ""))]
        assert group["if"] == single.replace("!=", "==")
        # Every other step that works on one root is skipped for a group.
        per_root = [s for s in listed if "$ROOT" in str(s.get("run", ""))]
        assert per_root and all(single in str(s.get("if", "")) for s in per_root), workflow
    assert os.access(SCRIPTS / "apply-group.sh", os.R_OK)
