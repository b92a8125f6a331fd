"""Marker spoofing (issue 11, item 1): only what the token's own identity wrote is found, edited,
closed or trusted. One test per attack, each run against the GitHub stand-in over HTTP (PyGithub
for the adapter, the real CLI process for the commands).

The plans are real ``terraform show -json`` output from the shared fixture set (what they change
does not matter here; whose comment is trusted does).
"""

from __future__ import annotations

import json

import pytest

from pipeline_tools.comment import MARKER_PREFIX, CommentMarkers, format_marker, parse_comment_markers
from pipeline_tools.drift import model as drift
from pipeline_tools.integrations.github import GitHub, RetryPolicy
from pipeline_tools.plan.fingerprint import fingerprint
from tests.conftest import FIXTURES, assert_one_line_error, run_cli
from tests.support.github_standin import GitHubStandin

REPO = "acme/infra"
HEAD = "a" * 40
PLAN = FIXTURES / "plans" / "terraform-json" / "basic__plan.json"
OTHER_PLAN = FIXTURES / "plans" / "terraform-json" / "has_changes__plan.json"
ACTIONS_VARS = ("GITHUB_STEP_SUMMARY", "GITHUB_EVENT_PATH", "GITHUB_RUN_ID", "GITHUB_RUN_ATTEMPT",
                "GITHUB_SHA", "GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "PIPELINE_TOOLS_TRUSTED_AUTHOR",
                "PIPELINE_TOOLS_FINGERPRINT_KEY")


@pytest.fixture
def pr(github_standin: GitHubStandin) -> int:
    github_standin.add_repo(REPO)
    return github_standin.add_pull(REPO, head_sha=HEAD)


def cli(standin: GitHubStandin, *args: str, token: str | None = None, env: dict[str, str] | None = None):
    full_env = {name: "" for name in ACTIONS_VARS}
    full_env.update(GITHUB_TOKEN=token or standin.token, GITHUB_API_URL=standin.base_url, **(env or {}))
    return run_cli(*args, env=full_env, timeout=300)


def client(standin: GitHubStandin, token: str | None = None, **kwargs) -> GitHub:
    return GitHub(token or standin.token, api_url=standin.base_url, retry=RetryPolicy(sleep=lambda _: None),
                  seconds_between_requests=None, seconds_between_writes=None, **kwargs)


def spoofed_body(run_key: str, fingerprint_value: str = "sha256:" + "f" * 64) -> str:
    marker = format_marker(CommentMarkers(sha=HEAD, run_key=run_key, fingerprints={"dev": fingerprint_value}))
    return f"{marker}\n## Terraform plans\nlooks legitimate"


def ours(standin: GitHubStandin, number: int) -> list[dict]:
    return [c for c in standin.comments(REPO, number)
            if c["body"].startswith(MARKER_PREFIX) and c["user"]["login"] == standin.login]


def test_a_spoofed_comment_with_a_newer_run_key_does_not_freeze_the_real_one(github_standin, pr):
    github_standin.add_comment(REPO, pr, spoofed_body("999999.9"), login="mallory")

    for run_key in ("100.1", "101.1"):
        result = cli(github_standin, "plan", "comment", "--repo", REPO, "--pr", str(pr), "--env", "dev",
                     str(PLAN), "--run-key", run_key)
        assert result.returncode == 0, result.stderr
        assert not result.stdout.startswith("skipped"), result.stdout

    [real] = ours(github_standin, pr)
    assert parse_comment_markers(real["body"]).run_key == "101.1"
    spoof = [c for c in github_standin.comments(REPO, pr) if c["user"]["login"] == "mallory"]
    assert spoof[0]["body"] == spoofed_body("999999.9")  # neither edited nor deleted


def test_a_marked_comment_posted_before_the_first_run_is_not_adopted(github_standin, pr):
    planted = github_standin.add_comment(REPO, pr, spoofed_body("1.1"), login="mallory")

    result = cli(github_standin, "plan", "comment", "--repo", REPO, "--pr", str(pr), "--env", "dev",
                 str(PLAN))

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("created")
    [real] = ours(github_standin, pr)
    assert real["id"] != planted
    assert github_standin.repos[REPO].comments[planted]["body"] == spoofed_body("1.1")
    assert not any(r.method in ("PATCH", "DELETE") for r in github_standin.writes())


def test_plan_verify_from_github_ignores_a_spoofed_comment_and_trusts_ours(github_standin, pr):
    real_plan = json.loads(PLAN.read_text())
    # The attacker records the fingerprint of the plan they want applied.
    github_standin.add_comment(REPO, pr, spoofed_body("5.1", fingerprint(json.loads(OTHER_PLAN.read_text()))),
                               login="mallory")

    refused = cli(github_standin, "plan", "verify", str(OTHER_PLAN), "--env", "dev", "--repo", REPO,
                  "--pr", str(pr))
    assert_one_line_error(refused, code=1)
    assert f"no reviewed plan for dev was recorded (pull request #{pr} has no plan comment by pipeline-bot)" \
        in refused.stderr

    posted = cli(github_standin, "plan", "comment", "--repo", REPO, "--pr", str(pr), "--env", "dev",
                 str(PLAN))
    assert posted.returncode == 0, posted.stderr
    accepted = cli(github_standin, "plan", "verify", str(PLAN), "--env", "dev", "--repo", REPO,
                   "--pr", str(pr))
    assert accepted.returncode == 0, accepted.stderr
    assert f"pull request #{pr}" in accepted.stdout and fingerprint(real_plan) in accepted.stdout
    still_refused = cli(github_standin, "plan", "verify", str(OTHER_PLAN), "--env", "dev", "--repo", REPO,
                        "--pr", str(pr))
    assert still_refused.returncode == 1
    assert f"not reviewed in pull request #{pr}" in still_refused.stderr


def test_comment_file_needs_the_marker_on_its_first_line(tmp_path):
    plan = json.loads(PLAN.read_text())
    marker = format_marker(CommentMarkers(sha=HEAD, fingerprints={"dev": fingerprint(plan)}))
    quoted = tmp_path / "quoted.md"
    quoted.write_text(f"Thanks! Looks good.\n{marker}\n")
    first = tmp_path / "first.md"
    first.write_text(f"{marker}\n## Terraform plans\n")

    refused = run_cli("plan", "verify", str(PLAN), "--env", "dev", "--comment-file", str(quoted),
                      env={"PIPELINE_TOOLS_FINGERPRINT_KEY": ""})
    assert_one_line_error(refused, code=2)
    assert "first line" in refused.stderr
    accepted = run_cli("plan", "verify", str(PLAN), "--env", "dev", "--comment-file", str(first),
                       env={"PIPELINE_TOOLS_FINGERPRINT_KEY": ""})
    assert accepted.returncode == 0, accepted.stderr


def test_drift_report_never_rewrites_keeps_or_closes_someone_elses_issue(github_standin):
    github_standin.add_repo(REPO)
    repo = github_standin.repos[REPO]
    number = github_standin._next_number(repo)
    repo.issues[number] = github_standin._new_issue(
        repo, number, "Drift in dev", f"{drift.marker('dev')}\nfake drift report", [drift.ISSUE_LABEL],
        "mallory")
    env = {"SLACK_WEBHOOK_URL": "", "DISCORD_WEBHOOK_URL": ""}

    opened = cli(github_standin, "drift", "report", "--repo", REPO, "--env", "dev", "--exit-code", "2",
                 "--plan", str(OTHER_PLAN), env=env)
    assert opened.returncode == 1, opened.stderr
    assert "issue created" in opened.stdout
    closed = cli(github_standin, "drift", "report", "--repo", REPO, "--env", "dev", "--exit-code", "0",
                 env=env)
    assert closed.returncode == 0, closed.stderr

    planted = repo.issues[number]
    assert planted["state"] == "open" and planted["body"] == f"{drift.marker('dev')}\nfake drift report"
    [real] = [i for n, i in repo.issues.items() if n != number]
    assert real["user"]["login"] == github_standin.login and real["state"] == "closed"


def test_identity_of_a_personal_token_an_app_installation_token_and_an_override(github_standin, pr):
    assert client(github_standin).identity() == github_standin.login
    app_token = github_standin.add_token("ghs_InstallationTokenForTests0123456789", "deployer-app[bot]",
                                         app=True)
    app = client(github_standin, app_token)
    assert app.identity() == "deployer-app[bot]"  # GET /user refused (403), GraphQL viewer named it
    github_standin.add_comment(REPO, pr, spoofed_body("1.1"), login=github_standin.login)
    # The app sees the PAT user's marked comment as someone else's: it creates its own.
    result = app.upsert_comment(REPO, pr, MARKER_PREFIX, spoofed_body("2.1"))
    assert result.action == "created"
    assert github_standin.repos[REPO].comments[result.comment.id]["user"]["login"] == "deployer-app[bot]"
    # An explicit override trusts that account instead of the token's.
    overridden = client(github_standin, trusted_author="deployer-app[bot]")
    assert overridden.find_comment(REPO, pr, MARKER_PREFIX).id == result.comment.id
    assert [r.path for r in github_standin.requests if r.path == "/user"].count("/user") == 2


def test_a_bad_trusted_author_is_bad_input(github_standin, pr):
    result = cli(github_standin, "plan", "verify", str(PLAN), "--env", "dev", "--repo", REPO, "--pr", str(pr),
                 "--trusted-author", "not a login")
    assert_one_line_error(result, code=2)

