"""The local workflow runner on small workflows in a real git repository (no AWS, no GitHub).

The runner's steps run in real bash; what is checked is what a workflow author relies on:
GITHUB_OUTPUT/ENV/PATH/STEP_SUMMARY, ``if:`` and continue-on-error, job outputs into a matrix,
artifacts between jobs, a reusable workflow with inputs and secrets, and a loud failure for an
action without a local equivalent.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline_tools.local.workflow_actions import github_oidc_claims, trust_allows
from pipeline_tools.local.workflow_runner import (
    Event,
    RunnerSettings,
    WorkflowRunner,
    expand_matrix,
    parse_key_values,
)

PR_WORKFLOW = """
name: t
on:
  pull_request:
defaults:
  run:
    shell: bash
env:
  GREETING: hello
jobs:
  first:
    outputs:
      matrix: ${{ steps.m.outputs.matrix }}
      note: ${{ steps.m.outputs.note }}
    steps:
      - uses: actions/checkout@v4
      - id: m
        run: |
          echo 'matrix={"include":[{"name":"dev"},{"name":"staging"}]}' >> "$GITHUB_OUTPUT"
          { echo 'note<<EOF'; echo 'two'; echo 'lines'; echo 'EOF'; } >> "$GITHUB_OUTPUT"
          echo "FROM_ENV_FILE=$GREETING-world" >> "$GITHUB_ENV"
          mkdir -p "$RUNNER_TEMP/bin" && printf '#!/bin/sh\\necho tool-ran\\n' > "$RUNNER_TEMP/bin/mytool"
          chmod +x "$RUNNER_TEMP/bin/mytool" && echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
      - id: later
        run: |
          mytool
          test "$FROM_ENV_FILE" = hello-world
          cat marker.txt
          echo "## summary from ${{ github.event_name }}" >> "$GITHUB_STEP_SUMMARY"
  legs:
    needs: first
    strategy:
      matrix: ${{ fromJSON(needs.first.outputs.matrix) }}
    env:
      ENV_NAME: ${{ matrix.name }}
    steps:
      - id: soft
        continue-on-error: true
        run: test "$ENV_NAME" = dev
      - if: steps.soft.outcome == 'failure'
        run: echo "::warning::soft failure in $ENV_NAME"
      - run: mkdir -p out && echo "$ENV_NAME ${{ env.GREETING }}" > out/result.txt
      - uses: actions/upload-artifact@v4
        with:
          name: result-${{ matrix.name }}
          path: out/
  collect:
    needs: [first, legs]
    if: always()
    steps:
      - uses: actions/download-artifact@v4
        with:
          pattern: result-*
          path: results
      - run: cat results/result-dev/result.txt results/result-staging/result.txt
      - run: "false"
      - name: after a failure
        run: echo never
      - name: cleanup
        if: failure()
        run: echo cleaning
"""

CALLER = """
on:
  push:
jobs:
  call:
    uses: ./.github/workflows/called.yml
    with:
      who: ${{ github.ref_name }}
    secrets:
      TOKEN: ${{ secrets.MY_SECRET }}
  # Without a status function GitHub adds success(): skipped after a failed need.
  after:
    needs: call
    if: needs.call.result == 'failure'
    steps:
      - run: echo after
  on-failure:
    needs: call
    if: failure() && needs.call.result == 'failure'
    steps:
      - run: echo after
"""

# As terraform-apply.yml calls apply-environment.yml: one call per matrix leg, its inputs from the leg.
MATRIX_CALLER = """
on:
  push:
jobs:
  stage:
    name: stage 1
    strategy:
      matrix:
        include: [{name: dev, path: environments/dev}, {name: staging, path: environments/staging}]
    uses: ./.github/workflows/called.yml
    with:
      who: ${{ matrix.name }}
      level: ${{ matrix.path }}
"""

CALLED = """
on:
  workflow_call:
    inputs:
      who:
        type: string
        required: true
      level:
        type: string
        default: low
    secrets:
      TOKEN:
        required: false
jobs:
  inner:
    name: inner ${{ inputs.who }}
    environment: ${{ inputs.who }}
    steps:
      - env:
          TOKEN: ${{ secrets.TOKEN }}
        run: |
          echo "who=${{ inputs.who }} level=${{ inputs.level }} token=$TOKEN"
          exit 3
"""


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
                          cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    for name, text in {"pr.yml": PR_WORKFLOW, "caller.yml": CALLER, "called.yml": CALLED,
                       "matrix-caller.yml": MATRIX_CALLER,
                       "unknown.yml": "on: push\njobs:\n  j:\n    steps:\n      - uses: someone/thing@v1\n"
                                      "      - run: echo unreachable\n"}.items():
        (repo / ".github" / "workflows" / name).write_text(textwrap.dedent(text))
    (repo / "marker.txt").write_text("checked out\n")
    _git(repo, "init", "--quiet", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "--quiet", "-m", "init")
    return repo


def _runner(repo: Path, tmp_path: Path, **overrides: object) -> WorkflowRunner:
    settings = RunnerSettings(repo_dir=repo, repository="acme/infra", github_api_url="http://127.0.0.1:9",
                              github_token="ghp_notused", work_dir=tmp_path / "runs",
                              venv_bin=Path(sys.executable).parent, **overrides)  # type: ignore[arg-type]
    return WorkflowRunner(settings)


@pytest.mark.parametrize("parallel_legs", [1, 2])
def test_a_pull_request_workflow_runs_its_jobs_in_order_with_the_runners_files(repo: Path, tmp_path: Path,
                                                                               parallel_legs: int) -> None:
    sha = _git(repo, "rev-parse", "HEAD")
    event = Event("pull_request", {"number": 1}, sha, "refs/pull/1/merge")
    result = _runner(repo, tmp_path, parallel_legs=parallel_legs).run("pr.yml", event)

    first = result.job("first")
    assert first.result == "success", first.log
    assert first.outputs["note"] == "two\nlines"
    assert "tool-ran" in first.step("later").log and "checked out" in first.step("later").log
    assert "## summary from pull_request" in first.summary

    legs = result.job("legs")
    assert [leg.matrix["name"] for leg in legs.children] == ["dev", "staging"]
    assert legs.result == "success"  # continue-on-error absorbed staging's failure
    staging = legs.children[1]
    assert staging.step("soft").outcome == "failure" and staging.step("soft").conclusion == "success"
    assert ("warning", "soft failure in staging") in staging.annotations
    assert ("warning", "soft failure in dev") not in legs.children[0].annotations

    collect = result.job("collect")
    assert collect.result == "failure"
    assert "dev hello\nstaging hello" in collect.steps[1].log
    assert [s.outcome for s in collect.steps[2:]] == ["failure", "skipped", "success"]


def test_a_reusable_workflow_gets_its_inputs_defaults_and_masked_secrets(repo: Path, tmp_path: Path) -> None:
    sha = _git(repo, "rev-parse", "HEAD")
    asked: list[str] = []

    def approve(environment: str) -> bool:
        asked.append(environment)
        return True

    runner = _runner(repo, tmp_path, secrets={"MY_SECRET": "s3cr3t-value"}, approve=approve)
    result = runner.run("caller.yml", Event("push", {}, sha, "refs/heads/main"))

    inner = result.job("inner main")
    assert asked == ["main"]
    assert inner.result == "failure"
    assert "who=main level=low token=***" in inner.steps[0].log
    assert "s3cr3t-value" not in inner.steps[0].log
    assert result.job("call").result == "failure"
    assert result.job("after").result == "skipped"
    assert result.job("on-failure").result == "success"


def test_a_matrix_on_a_reusable_workflow_call_calls_it_once_per_leg(repo: Path, tmp_path: Path) -> None:
    sha = _git(repo, "rev-parse", "HEAD")
    asked: list[str] = []

    def approve(environment: str) -> bool:
        asked.append(environment)
        return True

    result = _runner(repo, tmp_path, approve=approve).run("matrix-caller.yml",
                                                           Event("push", {}, sha, "refs/heads/main"))
    assert asked == ["dev", "staging"]
    assert "who=dev level=environments/dev" in result.job("inner dev").steps[0].log
    assert "who=staging level=environments/staging" in result.job("inner staging").steps[0].log
    names = [job.name for job in result.all_jobs()]
    assert names.index("inner dev") < names.index("inner staging")
    assert result.job("stage").result == "failure"  # the called job exits 3


def test_a_rejected_environment_fails_the_job_without_running_it(repo: Path, tmp_path: Path) -> None:
    sha = _git(repo, "rev-parse", "HEAD")
    result = _runner(repo, tmp_path, approve=lambda environment: False).run(
        "caller.yml", Event("push", {}, sha, "refs/heads/main"))
    inner = result.job("inner main")
    assert inner.result == "failure" and inner.steps == []


def test_an_action_without_a_local_equivalent_fails_the_job_loudly(repo: Path, tmp_path: Path) -> None:
    sha = _git(repo, "rev-parse", "HEAD")
    job = _runner(repo, tmp_path).run("unknown.yml", Event("push", {}, sha, "refs/heads/main")).job("j")
    assert job.result == "failure"
    assert "no equivalent for the action 'someone/thing@v1'" in job.steps[0].log
    assert job.steps[1].outcome == "skipped"


def test_matrix_expansion_and_runner_files() -> None:
    matrix = {"os": ["a", "b"], "v": [1], "exclude": [{"os": "b"}],
              "include": [{"os": "a", "x": 1}, {"os": "c"}]}
    assert expand_matrix(matrix) == [{"os": "a", "v": 1, "x": 1}, {"os": "c"}]
    assert expand_matrix({"include": [{"name": "dev"}, {"name": "staging"}]}) == [{"name": "dev"},
                                                                                 {"name": "staging"}]
    assert parse_key_values("a=1\nb<<X\nl1\nl2\nX\nc=x=y\n") == {"a": "1", "b": "l1\nl2", "c": "x=y"}


HOST = "token.actions.githubusercontent.com"


def test_the_oidc_subject_decides_which_role_a_job_may_assume() -> None:
    statement = {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
                 "Principal": {"Federated": f"arn:aws:iam::1:oidc-provider/{HOST}"},
                 "Condition": {"StringEquals": {f"{HOST}:aud": "sts.amazonaws.com",
                                                f"{HOST}:sub": ["repo:acme/infra:environment:dev"]}}}

    def claims(event_name: str, environment: str | None) -> dict[str, object]:
        return github_oidc_claims("acme/infra", event_name=event_name, ref="refs/heads/main", sha="abc",
                                  environment=environment, run_id="1")

    trust = {"Statement": [statement]}
    assert trust_allows(trust, claims("push", "dev"))
    assert not trust_allows(trust, claims("push", "prod"))
    assert not trust_allows(trust, claims("pull_request", None))
    like = {"Statement": [{**statement, "Condition": {"StringLike": {f"{HOST}:sub": "repo:acme/infra:*"}}}]}
    assert trust_allows(like, claims("pull_request", None))
