"""Promotion staging -> prod against the emulator (ECR, ECS, SSM over HTTP) and the GitHub stand-in
(the world is described in tests/support/promote_world.py)."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from pipeline_tools.promote.engine import PromotionRequest, TargetPlan, decide
from pipeline_tools.promote.release import Release, load_releases, render_releases
from pipeline_tools.promote.render import parse_marker
from tests.support.chat_receivers import running
from tests.support.cli import assert_one_line_error
from tests.support.promote_world import (
    PROD_RELEASE,
    REPO_NAME,
    REPOSITORY,
    World,
    releases,
)


def test_dry_run_shows_the_change_and_preconditions_and_touches_nothing(fresh: World):
    before = (fresh.repo_dir / PROD_RELEASE).read_text()
    result = fresh.promote("--from", "staging", "--to", "prod", "--service", "api",
                           "--soak-minutes", "0", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[ok] staging deployment of api completed" in result.stdout
    assert "[ok] prod has no pending drift" in result.stdout
    assert f'-      "digest": "{fresh.digests["v2"]}"' in result.stdout
    assert f'+      "digest": "{fresh.digests["v3"]}"' in result.stdout
    assert "would open a pull request: Promote prod: api v3 from staging" in result.stdout
    assert (fresh.repo_dir / PROD_RELEASE).read_text() == before
    assert fresh.standin.writes() == []


def test_promotion_opens_a_pull_request_that_changes_only_the_release_file(fresh: World):
    with running() as chat:
        result = fresh.promote("--from", "staging", "--to", "prod", "--service", "api", "--soak-minutes", "0",
                               "--expected-digest", fresh.digests["v3"], "--reason", "weekly release",
                               env={"SLACK_WEBHOOK_URL": chat.slack_url})
        assert result.returncode == 0, result.stderr
        # The promotion is announced in chat, webhook URL kept out of the output.
        [message] = chat.slack.accepted
        assert "Promotion to prod opened" in str(message) and "weekly release" in str(message)
        assert chat.slack_url not in result.stdout + result.stderr
    repo = fresh.standin.repos[REPO_NAME]
    [number] = repo.pulls
    pull = repo.issues[number]
    branch = repo.pulls[number]["head"]["ref"]
    # Only prod's release file differs from main on the promotion branch.
    changed = {path for path, blob in repo.files[branch].items() if repo.files["main"].get(path) != blob}
    assert changed == {PROD_RELEASE}
    new_release = json.loads(repo.files[branch][PROD_RELEASE][0])
    assert new_release["releases"]["api"]["digest"] == fresh.digests["v3"]
    assert new_release["releases"]["api"]["tag"] == "v3"
    assert new_release["releases"]["api"]["source_commit"] == "c0ffee3"
    body = pull["body"]
    assert fresh.digests["v2"] in body and fresh.digests["v3"] in body
    assert "weekly release" in body
    assert "Evidence from staging" in body and "c0ffee3" in body
    assert "Plan of prod" in body and "aws_ssm_parameter.image" in body
    assert {label["name"] for label in pull["labels"]} == {"promotion", "promotion:prod"}
    # A GitHub Deployment follows the promotion, recorded in the body's marker.
    recorded = parse_marker(body)
    assert recorded["services"] == {"api": fresh.digests["v3"]}
    [(deployment_id, deployment)] = repo.deployments.items()
    assert deployment["environment"] == "prod" and deployment["ref"] == branch
    assert deployment["payload"]["pull_request"] == number
    assert [s["state"] for s in repo.deployment_statuses[deployment_id]] == ["pending"]
    # The working tree is untouched: the change lives only in the pull request.
    assert load_releases(fresh.repo_dir / PROD_RELEASE)["api"].digest == fresh.digests["v2"]

    # A second promotion while this one is open is refused.
    again = fresh.promote("--from", "staging", "--to", "prod", "--service", "api", "--soak-minutes", "0")
    assert_one_line_error(again, code=1)
    assert f"promotion pull request(s) #{number} still open" in again.stderr

    # After the merge the apply workflow reports the outcome on the Deployment.
    report = fresh.promote("report", "--pr", str(number), "--state", "success",
                           "--log-url", "https://ci.example/run/1")
    assert report.returncode == 0, report.stderr
    assert [s["state"] for s in repo.deployment_statuses[deployment_id]] == ["pending", "success"]


def test_the_workflows_own_token_is_refused_before_anything_is_opened(fresh: World):
    # Issue 18 item 7: a pull request opened with GITHUB_TOKEN starts no workflow, so nothing would
    # ever plan the promotion; the command says so instead of opening it.
    workflow_token = fresh.standin.add_token("ghs_workflow_token", "github-actions[bot]", app=True)
    result = fresh.promote("--from", "staging", "--to", "prod", "--service", "api", "--soak-minutes", "0",
                           env={"GITHUB_TOKEN": workflow_token})
    assert_one_line_error(result, code=2)
    assert "workflow's own GITHUB_TOKEN" in result.stderr and "PROMOTION_TOKEN" in result.stderr
    assert workflow_token not in result.stderr
    # Only the identity question was asked (GraphQL is a POST); nothing was written.
    assert [(w.method, w.path) for w in fresh.standin.writes()] == [("POST", "/graphql")]
    # A GitHub App's installation token (another bot) opens it; so does a dry run with any token.
    dry = fresh.promote("--from", "staging", "--to", "prod", "--service", "api", "--soak-minutes", "0",
                        "--dry-run", env={"GITHUB_TOKEN": workflow_token})
    assert dry.returncode == 0, dry.stderr
    app_token = fresh.standin.add_token("ghs_app_token", "promoter[bot]", app=True)
    opened = fresh.promote("--from", "staging", "--to", "prod", "--service", "api", "--soak-minutes", "0",
                           env={"GITHUB_TOKEN": app_token})
    assert opened.returncode == 0, opened.stderr
    assert len(fresh.standin.repos[REPO_NAME].pulls) == 1


def test_rollback_is_the_same_command_with_an_earlier_digest(fresh: World):
    result = fresh.promote("--from", "staging", "--to", "prod", "--service", "api",
                           "--digest", fresh.digests["v1"], "--reason", "v2 leaks memory")
    assert result.returncode == 0, result.stderr
    repo = fresh.standin.repos[REPO_NAME]
    [number] = repo.pulls
    assert repo.issues[number]["title"] == "Roll back prod: api v1"
    branch = repo.pulls[number]["head"]["ref"]
    rolled_back = json.loads(repo.files[branch][PROD_RELEASE][0])["releases"]["api"]
    assert rolled_back["digest"] == fresh.digests["v1"] and rolled_back["tag"] == "v1"
    assert "v2 leaks memory" in repo.issues[number]["body"]


def test_drift_in_the_target_blocks_the_promotion(fresh: World):
    ssm = boto3.client("ssm", **fresh._client_args())
    name = "/env-root/prod/api/image"
    original = ssm.get_parameter(Name=name)["Parameter"]["Value"]
    ssm.put_parameter(Name=name, Value="changed-out-of-band", Overwrite=True)
    try:
        result = fresh.promote("--from", "staging", "--to", "prod", "--service", "api",
                               "--soak-minutes", "0", "--dry-run")
    finally:
        ssm.put_parameter(Name=name, Value=original, Overwrite=True)
    assert result.returncode == 1
    assert "[FAIL] prod has no pending drift" in result.stdout


@pytest.fixture(scope="module")
def real_target_plan(world: World) -> TargetPlan:
    """One real plan of the target root, reused by the precondition tests below so that each of
    them does not pay for two more terraform runs; the drift check itself is tested above."""
    from pipeline_tools.promote.terraform_plan import target_planner

    planner = target_planner(world.repo_dir / "environments/prod", workdir=world.repo_dir,
                             backend_config={}, extra_env=world.emulator.env())
    plan = planner(releases(world.digests["v3"], "v3"))
    assert plan.drift_exit_code == 0 and plan.plan_json is not None
    return plan


def _decide(world: World, plan: TargetPlan, *, staging: dict[str, Release] | None = None,
            open_prs: list[int] | None = None, soak: timedelta = timedelta(0),
            expected: str | None = None, services: tuple[str, ...] = ("api",)):
    env_dir = world.repo_dir / "variant"
    if env_dir.exists():
        shutil.rmtree(env_dir)
    (env_dir / "staging").mkdir(parents=True)
    (env_dir / "prod").mkdir()
    (env_dir / "staging" / "release.auto.tfvars.json").write_text(
        render_releases(staging or releases(world.digests["v3"], "v3")))
    prod = {name: Release(name, REPOSITORY, world.digests["v2"], "v2") for name in services}
    (env_dir / "prod" / "release.auto.tfvars.json").write_text(render_releases(prod))
    request = PromotionRequest("staging", "prod", services, expected, None, "", soak, env_dir)
    promotion, _, _ = decide(request, ecs=world.ecs(), ecr=world.ecr(), now=datetime.now(UTC),
                             open_promotions=lambda env: open_prs or [], plan_target=lambda _: plan)
    return {check.name: check for check in promotion.all_checks}, promotion


def test_all_preconditions_hold_for_a_verified_staging(world: World, real_target_plan: TargetPlan):
    checks, promotion = _decide(world, real_target_plan)
    assert promotion.ok, [c for c in checks.values() if not c.ok]


def test_unfinished_staging_deployment_fails(world: World, real_target_plan: TargetPlan):
    # desired 3 > the 1 task moto reports running: the rollout stays IN_PROGRESS.
    world.run_service("platform-staging", "worker", world.digests["v3"], desired=3)
    staging = {"worker": Release("worker", REPOSITORY, world.digests["v3"], "v3")}
    checks, promotion = _decide(world, real_target_plan, staging=staging, services=("worker",))
    check = checks["staging deployment of worker completed"]
    assert not check.ok and "IN_PROGRESS" in check.detail
    assert not promotion.ok


def test_soak_period_not_reached_fails(world: World, real_target_plan: TargetPlan):
    checks, _ = _decide(world, real_target_plan, soak=timedelta(hours=2))
    check = checks["staging stable for 2h00m"]
    assert not check.ok and "try again in" in check.detail


def test_staging_running_another_digest_than_its_release_file_fails(world, real_target_plan):
    checks, _ = _decide(world, real_target_plan, staging=releases(world.digests["v1"], "v1"))
    check = checks["staging runs the digest in its release file"]
    assert not check.ok and "release file says" in check.detail


def test_expected_digest_mismatch_fails(world: World, real_target_plan: TargetPlan):
    checks, _ = _decide(world, real_target_plan, expected=world.digests["v1"])
    check = checks["staging runs the digest in its release file"]
    assert not check.ok and "--expected-digest" in check.detail


def test_digest_missing_from_the_registry_fails(world: World, real_target_plan: TargetPlan):
    ghost = "sha256:" + "ab" * 32
    world.run_service("platform-staging", "ghost", ghost)
    staging = {"ghost": Release("ghost", REPOSITORY, ghost, "")}
    checks, _ = _decide(world, real_target_plan, staging=staging, services=("ghost",))
    check = next(c for name, c in checks.items() if name.endswith(f"exists in {REPOSITORY}"))
    assert not check.ok and "not in the registry" in check.detail


def test_open_promotion_fails(world: World, real_target_plan: TargetPlan):
    checks, _ = _decide(world, real_target_plan, open_prs=[42])
    assert not checks["no other promotion to prod open"].ok


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "staging", "--to", "prod"], "--service NAME or --all"),
        (["--from", "staging", "--to", "staging", "--all"], "different environments"),
        (["--from", "staging", "--to", "qa", "--all"], "environment 'qa' not found"),
        (["--from", "staging", "--to", "prod", "--all", "--digest", "sha256:abc"], "--digest must look like"),
        (["--from", "staging", "--to", "prod", "--service", "nope"], "service 'nope' is not in"),
        (["report", "--pr", "1"], "--state"),
    ],
)
def test_bad_input_is_one_line_error(fresh: World, args: list[str], message: str):
    result = fresh.promote(*args)
    assert_one_line_error(result, code=2)
    assert message in result.stderr
    assert fresh.standin.writes() == []


def test_an_environment_never_deployed_fails_the_evidence_check(world: World, real_target_plan: TargetPlan):
    """No ECS cluster at all in the source environment: a failed precondition, not a crash."""
    from pipeline_tools.integrations.aws_state import service_evidence
    from pipeline_tools.promote.model import check_deployment_completed

    evidence = service_evidence(world.ecs(), env="qa", cluster="platform-qa", service="api", container="api")
    check = check_deployment_completed(evidence)
    assert not check.ok and "cluster platform-qa not found" in check.detail


def test_promoting_all_takes_the_released_services_both_environments_run(world: World,
                                                                        real_target_plan: TargetPlan):
    """staging runs api, a new `admin` prod does not have yet, and a `worker` with no release."""
    from pipeline_tools.core.errors import InputError
    from pipeline_tools.promote.release import PLACEHOLDER_DIGEST

    env_dir = world.repo_dir / "variant-all"
    for env in ("staging", "prod"):
        (env_dir / env).mkdir(parents=True, exist_ok=True)
    staging = {**releases(world.digests["v3"], "v3"),
               "admin": Release("admin", "platform/admin", world.digests["v3"], "v3"),
               "worker": Release("worker", "platform/worker", PLACEHOLDER_DIGEST)}
    prod = {**releases(world.digests["v2"], "v2"),
            "worker": Release("worker", "platform/worker", PLACEHOLDER_DIGEST)}
    (env_dir / "staging" / "release.auto.tfvars.json").write_text(render_releases(staging))
    (env_dir / "prod" / "release.auto.tfvars.json").write_text(render_releases(prod))

    def decide_for(services: tuple[str, ...]):
        request = PromotionRequest("staging", "prod", services, None, None, "", timedelta(0), env_dir)
        return decide(request, ecs=world.ecs(), ecr=world.ecr(), now=datetime.now(UTC),
                      open_promotions=lambda env: [], plan_target=lambda _: real_target_plan)

    promotion, proposed, _ = decide_for(())
    assert [service.service for service in promotion.services] == ["api"]
    # The services it leaves alone stay as they are in prod's proposed release file.
    assert proposed["worker"].digest == PLACEHOLDER_DIGEST and "admin" not in proposed
    # Asked for by name, a service without a release is refused rather than promoted as zeros.
    with pytest.raises(InputError, match="'worker' has no release"):
        decide_for(("worker",))
