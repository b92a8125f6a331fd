"""Scenario g (issue 18): promotion dev -> staging -> prod through its pull requests, run through the
real workflow files (promote.yml, terraform-pr.yml, terraform-apply.yml, apply-environment.yml) by
the local runner.

dev runs image v2, staging and prod v1 (the ``promotion_loop`` sandbox). promote.yml, with the
promotion token (a GitHub App installation token), opens a pull request that changes only staging's
release file to the digest dev runs; being an app's, it starts terraform-pr.yml, which plans it; it
is approved, merged, applied with staging's apply role and rolled out: staging runs dev's digest.
Then staging -> prod the same way, applied with prod's apply role. Without the promotion token
(the workflow's own `github.token`) promote.yml fails loudly and opens no pull request.
"""

from __future__ import annotations

import json

import pytest

from pipeline_tools.comment.markers import parse_comment_markers
from pipeline_tools.local.loop import PullRequest
from tests.support.loop_world import CONFIGURE_AWS, LoopWorld

pytestmark = pytest.mark.terraform

# An installation token of the GitHub App the repository's PROMOTION_TOKEN secret comes from.
APP_TOKEN = "ghs_PromotionAppInstallationToken0123456"
APP_ACCOUNT = "promoter[bot]"


def release(pull_files: str) -> dict[str, str]:
    return json.loads(pull_files)["releases"]["api"]


def promote(loop: LoopWorld, source: str, target: str) -> PullRequest:
    """promote.yml from ``source`` to ``target`` (the digest ``source`` runs); returns the pull
    request it opened, as GitHub's repository holds it."""
    world = loop.loop
    expected = loop.running_digest(source)
    run = world.run_dispatch("promote.yml", {
        "from": source, "to": target, "service": "api", "expected-digest": expected,
        "reason": f"{source} verified it", "dry-run": False})
    job = run.job(f"promote {source} -> {target}")
    assert job.result == "success", job.log[-4000:]
    # The job is bound to the target's environment, so it plans the target (whose state only the
    # target's roles may read) and reads the source with the target's apply role.
    assert f"{loop.uid}-{target}-terraform-apply as repo:acme/platform:environment:{target}" in \
        job.step(CONFIGURE_AWS).log, job.step(CONFIGURE_AWS).log
    step = job.step("pipeline-tools promote").log
    repo = world.standin.repo_or_404(world.repository)
    [number] = [n for n, issue in repo.issues.items()
                if "pull_request" in issue and issue["state"] == "open"]
    assert f"opened pull request #{number}" in step, step
    issue = repo.issues[number]
    assert issue["user"]["login"] == APP_ACCOUNT
    assert issue["title"] == f"Promote {target}: api v2 from {source}"
    # The body shows the source's evidence and the target's plan of the change.
    assert f"Evidence from {source}" in issue["body"] and f"Plan of {target}" in issue["body"], issue["body"]
    assert {label["name"] for label in issue["labels"]} == {"promotion", f"promotion:{target}"}
    pull = world.pull_request_opened_by_api(number)
    # Only the target's release file changes, to the digest the source runs.
    path = f"environments/{target}/release.auto.tfvars.json"
    assert world.git("diff", "--name-only", pull.base_sha, pull.head_sha).splitlines() == [path]
    proposed = release(world.git("show", f"{pull.head_sha}:{path}"))
    assert proposed["digest"] == expected and proposed["tag"] == "v2", proposed
    assert release(world.git("show", f"{pull.base_sha}:{path}"))["digest"] == loop.digests["v1"]
    return pull


def plan_merge_and_apply(loop: LoopWorld, pull: PullRequest, target: str) -> None:
    world = loop.loop
    planned = world.run_pull_request(pull)
    plan = planned.job(f"plan {target}")
    assert plan.result == "success", plan.log[-4000:]
    assert [job.name for job in planned.all_jobs() if job.name.startswith("plan ")] == [plan.name]
    [comment] = world.comments(pull)
    markers = parse_comment_markers(comment, first_line_only=True)
    assert markers is not None and markers.sha == pull.head_sha and markers.gates == {target: "pass"}
    assert "1 to change" in comment, comment
    assert loop.running_digest(target) == loop.digests["v1"], "a pull request must not deploy anything"

    world.approve(pull)
    before, after = world.merge(pull)
    applied = world.run_push(before, after)
    job = applied.job(f"apply {target}")
    assert job.result == "success", job.log[-4000:]
    assert [j.name for j in applied.all_jobs() if j.name.startswith("apply ") and j.result == "success"] \
        == [job.name]
    assumed = job.step(CONFIGURE_AWS).log
    role = f"{loop.uid}-{target}-terraform-apply"
    assert f"{role} as repo:acme/platform:environment:{target}" in assumed, assumed
    rollout = job.step("Roll out services whose running image differs from the release file").log
    assert f"{loop.cluster(target)}/api: runs {loop.digests['v1']}" in rollout, rollout
    assert loop.running_digest(target) == loop.digests["v2"]
    assert loop.parameters(target)["image-api"].endswith("@" + loop.digests["v2"])
    # The promotion's GitHub Deployment follows it to the end.
    repo = world.standin.repo_or_404(world.repository)
    [deployment_id] = [i for i, d in repo.deployments.items()
                       if d["task"] == "promote" and d["payload"]["pull_request"] == pull.number]
    assert [s["state"] for s in repo.deployment_statuses[deployment_id]] == ["pending", "success"]


def test_a_digest_is_promoted_dev_to_staging_to_prod_through_pull_requests(promotion_loop: LoopWorld) -> None:
    loop, world = promotion_loop, promotion_loop.loop
    assert [loop.running_digest(env) for env in ("dev", "staging", "prod")] == \
        [loop.digests["v2"], loop.digests["v1"], loop.digests["v1"]]

    # Without the promotion token the workflow's own token would open a pull request that starts
    # no workflow: the command refuses it before deciding or writing anything.
    refused = world.run_dispatch("promote.yml", {"from": "dev", "to": "staging", "service": "api",
                                                 "reason": "no token", "dry-run": False})
    job = refused.job("promote dev -> staging")
    assert job.result == "failure"
    step = job.step("pipeline-tools promote")
    assert step.outcome == "failure"
    assert "github-actions[bot]" in step.log and "PROMOTION_TOKEN" in step.log, step.log
    repo = world.standin.repo_or_404(world.repository)
    assert repo.pulls == {} and repo.deployments == {}

    world.settings.secrets["PROMOTION_TOKEN"] = world.standin.add_token(APP_TOKEN, APP_ACCOUNT, app=True)
    to_staging = promote(loop, "dev", "staging")
    plan_merge_and_apply(loop, to_staging, "staging")
    to_prod = promote(loop, "staging", "prod")
    plan_merge_and_apply(loop, to_prod, "prod")
    assert [loop.running_digest(env) for env in ("dev", "staging", "prod")] == [loop.digests["v2"]] * 3

    # A re-plan of both promoted roots afterwards: no changes.
    replan = world.open_pull_request("noop", {"environments/staging/notes.tf": "# nothing to apply\n",
                                              "environments/prod/notes.tf": "# nothing to apply\n"},
                                     "A comment only")
    rerun = world.run_pull_request(replan)
    assert rerun.run_dir is not None
    for env in ("staging", "prod"):
        assert rerun.job(f"plan {env}").result == "success", rerun.job(f"plan {env}").log[-3000:]
        plan = json.loads((rerun.run_dir / "artifacts" / f"plan-{env}" / "plan.json").read_text())
        actions = [change["change"]["actions"] for change in plan.get("resource_changes", [])]
        assert actions and all(a == ["no-op"] for a in actions), actions
