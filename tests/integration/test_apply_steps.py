"""The apply job's steps as pipeline-tools commands: ``apply rollout`` against the emulator (ECS,
ECR over HTTP), ``apply report`` and ``plan label-destroys`` through the GitHub stand-in (PyGithub
over HTTP), chat to local webhook receivers. These replace the bash, gh and jq the workflows held.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from pipeline_tools.apply.report import marker
from pipeline_tools.promote.release import render_releases
from tests.conftest import FIXTURES
from tests.support.chat_receivers import running
from tests.support.cli import assert_one_line_error, run_cli
from tests.support.github_standin import GitHubStandin
from tests.support.promote_world import REPO_NAME, World, releases

SHA = "ab" * 20
QUIET = {"GITHUB_STEP_SUMMARY": "", "GITHUB_RUN_ID": "", "GITHUB_SERVER_URL": "", "GITHUB_REPOSITORY": "",
         "GITHUB_ACTIONS": "", "SLACK_WEBHOOK_URL": "", "DISCORD_WEBHOOK_URL": "",
         "PIPELINE_TOOLS_TRUSTED_AUTHOR": "", "PIPELINE_TOOLS_FINGERPRINT_KEY": ""}
ALL_WENT_WELL = ["--check-outcome", "success", "--verify-outcome", "success", "--apply-outcome", "success",
                 "--deploy-outcome", "success"]


# ----- apply rollout ----------------------------------------------------------------------------
CONFIG = """\
version: 1
project: rolling
region: us-east-1
roots_dir: environments
state_bucket: "{project}-tfstate-{account_id}"
stages:
  - name: qa
    roots: ["environments/qa"]
    github_environment: qa
    required_reviewers: false
    auto_deploy: false
    cluster: "{project}-{stage}-ecs"
"""


def rollout_repo(tmp_path: Path, world: World, release_tag: str, project: str = "rolling") -> Path:
    """A repository whose qa release file names ``release_tag`` for api (cluster PROJECT-qa-ecs, from
    its pipeline-tools.yml; each test its own, so that they do not depend on each other's order)."""
    (tmp_path / "pipeline-tools.yml").write_text(CONFIG.replace("project: rolling", f"project: {project}"))
    (tmp_path / "environments" / "qa").mkdir(parents=True, exist_ok=True)
    (tmp_path / "environments" / "qa" / "release.auto.tfvars.json").write_text(
        render_releases(releases(world.digests[release_tag], release_tag)))
    return tmp_path


def running_digest(world: World, cluster: str, service: str) -> str:
    ecs = world.ecs()
    arn = ecs.describe_services(cluster=cluster, services=[service])["services"][0]["taskDefinition"]
    definition = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
    image = definition["containerDefinitions"][0]["image"]
    return image.rpartition("@")[2]


def test_rollout_deploys_what_the_release_file_says_to_the_configured_cluster(world: World, tmp_path: Path):
    world.run_service("rolling-qa-ecs", "api", world.digests["v1"])
    repo = rollout_repo(tmp_path, world, "v2")
    env = {**world.env(), **QUIET}
    result = run_cli("apply", "rollout", "--env", "qa", "--sha", SHA, "--no-notify", "--timeout", "120",
                     env=env, cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"rolling-qa-ecs/api: runs {world.digests['v1']}, release file says {world.digests['v2']}" \
        in result.stdout
    assert "rolling-qa-ecs/api: completed (exit 0)" in result.stdout.lower()
    assert running_digest(world, "rolling-qa-ecs", "api") == world.digests["v2"]

    # Run again (a re-run of the job): nothing differs, nothing is deployed.
    again = run_cli("apply", "rollout", "--env", "qa", "--sha", SHA, "--no-notify", env=env, cwd=repo)
    assert again.returncode == 0, again.stderr
    assert "nothing to do" in again.stdout and "rolling out" not in again.stdout


def test_rollout_takes_the_deployers_lock_and_waits_for_no_one(world: World, tmp_path: Path):
    """With the deployer's lock table, a service the Lambda is deploying right now (its lock held) is
    left alone: BUSY, exit 13, nothing changed; the next run rolls it out."""
    import boto3

    world.run_service("locking-qa-ecs", "api", world.digests["v1"])
    repo = rollout_repo(tmp_path, world, "v3", project="locking")
    before = running_digest(world, "locking-qa-ecs", "api")
    dynamodb = boto3.client("dynamodb", **world._client_args())
    table = "rollout-test-locks"
    if table not in dynamodb.list_tables()["TableNames"]:
        dynamodb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                              AttributeDefinitions=[{"AttributeName": "lock_id", "AttributeType": "S"}],
                              KeySchema=[{"AttributeName": "lock_id", "KeyType": "HASH"}])
    lock = {"lock_id": {"S": "lock#locking-qa-ecs/api"}, "owner": {"S": "the-deployer-lambda"},
            "expires_at": {"N": str(int(time.time()) + 600)}}
    dynamodb.put_item(TableName=table, Item=lock)
    env = {**world.env(), **QUIET}
    busy = run_cli("apply", "rollout", "--env", "qa", "--lock-table", table, "--no-notify", env=env, cwd=repo)
    assert busy.returncode == 13, busy.stdout + busy.stderr
    assert f"lock table: {table}" in busy.stdout and "busy" in busy.stdout.lower()
    assert running_digest(world, "locking-qa-ecs", "api") == before == world.digests["v1"]

    dynamodb.delete_item(TableName=table, Key={"lock_id": lock["lock_id"]})
    done = run_cli("apply", "rollout", "--env", "qa", "--lock-table", table, "--no-notify",
                   "--timeout", "120", env=env, cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert running_digest(world, "locking-qa-ecs", "api") == world.digests["v3"]
    # The lock was released after the rollout.
    assert "Item" not in dynamodb.get_item(TableName=table, Key={"lock_id": lock["lock_id"]})


def test_rollout_without_a_release_file_does_nothing(world: World, tmp_path: Path):
    (tmp_path / "pipeline-tools.yml").write_text(CONFIG)
    (tmp_path / "environments" / "qa").mkdir(parents=True)
    result = run_cli("apply", "rollout", "--env", "qa", env={**world.env(), **QUIET}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no release file in environments/qa: nothing to roll out" in result.stdout


def test_rollout_of_an_environment_no_stage_holds_is_bad_input(world: World, tmp_path: Path):
    repo = rollout_repo(tmp_path, world, "v2")
    result = run_cli("apply", "rollout", "--env", "bootstrap", env={**world.env(), **QUIET}, cwd=repo)
    assert_one_line_error(result)
    assert "no stage" in result.stderr


# ----- apply report -----------------------------------------------------------------------------
def report_env(standin: GitHubStandin, summary: Path, **extra: str) -> dict[str, str]:
    return {**QUIET, "GITHUB_TOKEN": standin.token, "GITHUB_API_URL": standin.base_url,
            "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_SERVER_URL": "https://github.example",
            "GITHUB_REPOSITORY": "acme/infra", "GITHUB_RUN_ID": "77", **extra}


def test_report_comments_once_per_environment_summarises_and_tells_chat(github_standin: GitHubStandin,
                                                                       tmp_path: Path):
    github_standin.add_repo("acme/infra")
    number = github_standin.add_pull("acme/infra", head_sha="c" * 40)
    summary = tmp_path / "summary.md"
    with running() as chat:
        env = report_env(github_standin, summary, SLACK_WEBHOOK_URL=chat.slack_url)
        failed = run_cli("apply", "report", "--repo", "acme/infra", "--env", "dev", "--sha", SHA,
                         "--pr", str(number), "--check-outcome", "success", "--verify-outcome", "success",
                         "--apply-outcome", "failure", "--deploy-outcome", "skipped", env=env)
        assert failed.returncode == 0, failed.stderr
        rerun = run_cli("apply", "report", "--repo", "acme/infra", "--env", "dev", "--sha", SHA,
                        "--pr", str(number), *ALL_WENT_WELL, env=env)
        assert rerun.returncode == 0, rerun.stderr
        titles = [json.dumps(message) for message in chat.slack.accepted]
    run_url = "https://github.example/acme/infra/actions/runs/77"
    # One comment for dev, edited by the re-run to its outcome.
    [comment] = github_standin.comments("acme/infra", number)
    assert comment["body"].splitlines() == [marker("dev"), f"terraform apply dev: applied ({run_url})"]
    assert summary.read_text().splitlines() == [
        f"terraform apply dev: FAILED before or during apply ({run_url})",
        f"terraform apply dev: applied ({run_url})"]
    assert len(titles) == 2 and "FAILED before or during apply" in titles[0] and "applied" in titles[1]
    assert "https://github.example/acme/infra/pull/" in titles[1]
    assert chat.slack_url not in failed.stdout + failed.stderr


def test_a_refusal_names_its_reason_masked(github_standin: GitHubStandin, tmp_path: Path):
    github_standin.add_repo("acme/infra")
    number = github_standin.add_pull("acme/infra", head_sha="c" * 40)
    token = "ghp_" + "x1Y2" * 9
    log = tmp_path / "verify.txt"
    log.write_text(f"ok: plan comment\nerror: the plan sets password to {token}, which was not reviewed\n")
    result = run_cli("apply", "report", "--repo", "acme/infra", "--env", "prod", "--sha", SHA,
                     "--pr", str(number), "--check-outcome", "success", "--verify-outcome", "failure",
                     "--apply-outcome", "skipped", "--deploy-outcome", "skipped", "--reason-file", str(log),
                     env=report_env(github_standin, tmp_path / "summary.md"))
    assert result.returncode == 0, result.stderr
    [comment] = github_standin.comments("acme/infra", number)
    assert "REFUSED: the plan of the merged commit is not the plan that was reviewed" in comment["body"]
    assert "error: the plan sets password to ghp_" in comment["body"]
    assert token not in comment["body"] + result.stdout + (tmp_path / "summary.md").read_text()


def test_without_a_pull_request_the_report_needs_no_github(tmp_path: Path):
    summary = tmp_path / "summary.md"
    result = run_cli("apply", "report", "--repo", "acme/infra", "--env", "dev", "--sha", SHA, "--pr", "",
                     *ALL_WENT_WELL, env={**QUIET, "GITHUB_TOKEN": "", "GITHUB_STEP_SUMMARY": str(summary),
                                          "GITHUB_API_URL": "http://127.0.0.1:9"})
    assert result.returncode == 0, result.stderr
    assert summary.read_text() == "terraform apply dev: applied\n"


@pytest.mark.parametrize("args", [
    ["--check-outcome", "maybe"],
    ["--pr", "seven"],
    ["--sha", "not-a-sha"],
])
def test_report_bad_input_is_one_line_error(args: list[str], tmp_path: Path):
    base = {"--repo": "acme/infra", "--env": "dev", "--sha": SHA, "--check-outcome": "success",
            "--verify-outcome": "success", "--apply-outcome": "success", "--deploy-outcome": "success"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    words = [word for pair in base.items() for word in pair]
    assert_one_line_error(run_cli("apply", "report", *words, env=QUIET, cwd=tmp_path))


def test_report_records_a_promotions_outcome(fresh: World, tmp_path: Path):
    opened = fresh.promote("--from", "staging", "--to", "prod", "--service", "api", "--soak-minutes", "0",
                           "--reason", "weekly release", env={**QUIET, "GITHUB_REPOSITORY": REPO_NAME})
    assert opened.returncode == 0, opened.stderr
    repo = fresh.standin.repos[REPO_NAME]
    [number] = repo.pulls
    [deployment_id] = repo.deployments
    env = {**QUIET, **fresh.env(), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
    result = run_cli("apply", "report", "--repo", REPO_NAME, "--env", "prod", "--sha", SHA,
                     "--pr", str(number), "--check-outcome", "success", "--verify-outcome", "success",
                     "--apply-outcome", "success", "--deploy-outcome", "failure",
                     "--log-url", "https://ci.example/run/9", env=env)
    assert result.returncode == 0, result.stderr
    # Applied but not rolled out: the promotion did not deliver.
    assert [s["state"] for s in repo.deployment_statuses[deployment_id]] == ["pending", "failure"]
    assert "recorded failure for the promotion" in result.stdout

    # A pull request without the promotion label records nothing.
    other = fresh.standin.add_pull(REPO_NAME, head_sha="d" * 40)
    plain = run_cli("apply", "report", "--repo", REPO_NAME, "--env", "prod", "--sha", SHA, "--pr", str(other),
                    *ALL_WENT_WELL, env=env)
    assert plain.returncode == 0, plain.stderr
    assert "promotion" not in plain.stdout
    assert [s["state"] for s in repo.deployment_statuses[deployment_id]] == ["pending", "failure"]


# ----- plan label-destroys ----------------------------------------------------------------------
def test_the_destroy_label_follows_the_plans(github_standin: GitHubStandin, tmp_path: Path):
    """Plans from terraform-json's test data (tests/fixtures/plans/terraform-json, see SOURCES.md)."""
    fixtures = FIXTURES / "plans" / "terraform-json"
    github_standin.add_repo("octo/infra")
    number = github_standin.add_pull("octo/infra", head_sha="c" * 40)
    env = {**QUIET, "GITHUB_TOKEN": github_standin.token, "GITHUB_API_URL": github_standin.base_url}

    def plans(**by_env: str) -> None:
        shutil.rmtree(tmp_path / "plans", ignore_errors=True)
        for name, fixture in by_env.items():
            (tmp_path / "plans" / f"plan-{name}").mkdir(parents=True)
            shutil.copy(fixtures / fixture, tmp_path / "plans" / f"plan-{name}" / "plan.json")

    def labels() -> set[str]:
        return {label["name"] for label in github_standin.repos["octo/infra"].issues[number]["labels"]}

    plans(dev="no_changes__plan.json", prod="action_reason__plan.json")  # prod replaces a resource
    result = run_cli("plan", "label-destroys", "--repo", "octo/infra", "--pr", str(number),
                     "--plans-dir", "plans", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert labels() == {"plan:destroy"}
    assert "destroys or replaces" in result.stdout and "prod" in result.stdout

    plans(dev="no_changes__plan.json", staging="basic__plan.json")
    result = run_cli("plan", "label-destroys", "--repo", "octo/infra", "--pr", str(number),
                     "--plans-dir", "plans", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert labels() == set()
    assert "label plan:destroy removed" in result.stdout

    # Nothing planned at all (no artifact directory): no label, and not an error.
    shutil.rmtree(tmp_path / "plans")
    result = run_cli("plan", "label-destroys", "--repo", "octo/infra", "--pr", str(number),
                     "--plans-dir", "plans", env=env, cwd=tmp_path)
    assert result.returncode == 0 and "not set" in result.stdout, result.stderr


def test_a_github_outage_does_not_fail_the_report(github_standin: GitHubStandin, tmp_path: Path):
    """In-process, so that the client's retries do not sleep; PyGithub still talks HTTP to the stand-in.
    The chat sender is the one seam replaced: it only records what would be sent."""
    import io

    from pipeline_tools.apply.report import StepOutcomes
    from pipeline_tools.apply.run import report
    from pipeline_tools.integrations.github import GitHub, RetryPolicy

    github_standin.add_repo("acme/infra")
    number = github_standin.add_pull("acme/infra", head_sha="c" * 40)
    github_standin.inject_fault("GET", rf"/repos/acme/infra/issues/{number}/comments", 502, times=20)
    summary = tmp_path / "summary.md"
    sent: list[str] = []
    out, err = io.StringIO(), io.StringIO()

    def client(_author: str | None) -> GitHub:
        return GitHub(github_standin.token, api_url=github_standin.base_url,
                      retry=RetryPolicy(sleep=lambda _seconds: None), seconds_between_requests=None,
                      seconds_between_writes=None)

    steps = StepOutcomes("success", "success", "success", "success")
    environ = {"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_ACTIONS": "true"}
    code = report(repo="acme/infra", env="dev", sha=SHA, steps=steps, pr=number, github=client,
                  environ=environ, send_chat=lambda message: sent.append(message.title), out=out, err=err)
    assert code == 0
    assert err.getvalue().startswith(f"::warning::the result was not posted on #{number}")
    assert summary.read_text() == "terraform apply dev: applied\n"
    assert sent == ["terraform apply dev: applied"]
    assert github_standin.comments("acme/infra", number) == []
