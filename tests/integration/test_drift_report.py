"""``pipeline-tools drift report``: one issue per drifting environment, kept up to date, and chat.

Drift is real: a value terraform manages is changed out of band through boto3 and the plan comes
from terraform against the emulator. Issues go to the GitHub stand-in, messages to local Slack
and Discord receivers.
"""

from __future__ import annotations

import json

import boto3
import pytest

from pipeline_tools.integrations.terraform import Terraform, terraform_env
from tests.support.chat_receivers import running
from tests.support.cli import assert_one_line_error, run_cli
from tests.support.promote_world import REPO_NAME, World

PARAMETER = "/env-root/prod/api/image"


@pytest.fixture
def drift_plan(fresh: World, tmp_path):
    """A real plan of prod while one of its values was changed outside terraform."""
    ssm = boto3.client("ssm", **fresh._client_args())
    original = ssm.get_parameter(Name=PARAMETER)["Parameter"]["Value"]
    ssm.put_parameter(Name=PARAMETER, Value="edited-in-the-console", Overwrite=True)
    try:
        terraform = Terraform(fresh.repo_dir / "environments/prod", env=terraform_env(fresh.emulator.env()))
        assert terraform.plan(tmp_path / "drift.tfplan", "-lock=false", detailed_exitcode=True) == 2
        plan_file = tmp_path / "drift.json"
        plan_file.write_text(json.dumps(terraform.show_json(tmp_path / "drift.tfplan")))
        yield plan_file
    finally:
        ssm.put_parameter(Name=PARAMETER, Value=original, Overwrite=True)


def test_drift_opens_one_issue_keeps_it_and_closes_it(fresh: World, drift_plan):
    with running() as chat:
        env = {**fresh.env(), "SLACK_WEBHOOK_URL": chat.slack_url, "DISCORD_WEBHOOK_URL": chat.discord_url}

        def report(*args: str):
            return run_cli("drift", "report", "--env", "prod", *args, env=env, cwd=fresh.repo_dir)

        first = report("--plan", str(drift_plan), "--exit-code", "2", "--run-url", "https://ci.example/r/1")
        assert first.returncode == 1, first.stdout + first.stderr
        repo = fresh.standin.repos[REPO_NAME]
        [issue] = repo.issues.values()
        assert issue["title"] == "Drift detected in prod" and issue["state"] == "open"
        assert {label["name"] for label in issue["labels"]} == {"drift", "env:prod"}
        assert "aws_ssm_parameter.image" in issue["body"]
        assert len(chat.slack.accepted) == 1 and len(chat.discord.accepted) == 1
        assert "Drift detected in prod" in str(chat.slack.accepted[0])

        # The same drift on the next scheduled run: the issue is unchanged, chat stays quiet.
        again = report("--plan", str(drift_plan), "--exit-code", "2")
        assert again.returncode == 1 and "issue unchanged" in again.stdout
        assert len(repo.issues) == 1 and len(chat.slack.accepted) == 1

        resolved = report("--exit-code", "0", "--run-url", "https://ci.example/r/3")
        assert resolved.returncode == 0, resolved.stderr
        assert issue["state"] == "closed"
        assert any("No drift in **prod** any more" in c["body"] for c in fresh.standin.comments(REPO_NAME, 1))
        assert "Drift resolved in prod" in str(chat.discord.accepted[-1])

        failed = report("--exit-code", "1", "--run-url", "https://ci.example/r/4")
        assert_one_line_error(failed, code=3)
        assert "Drift error in prod" in str(chat.slack.accepted[-1])

        for result in (first, again, resolved, failed):
            assert chat.slack_url not in result.stdout + result.stderr
            assert "discordSecretToken" not in result.stdout + result.stderr


def test_drift_needs_the_plan(fresh: World):
    result = run_cli("drift", "report", "--env", "prod", "--exit-code", "2", env=fresh.env(),
                     cwd=fresh.repo_dir)
    assert_one_line_error(result)
    assert fresh.standin.writes() == []


def test_dry_run_writes_nothing(fresh: World, drift_plan):
    result = run_cli("drift", "report", "--env", "prod", "--plan", str(drift_plan), "--exit-code", "2",
                     "--dry-run", env=fresh.env(), cwd=fresh.repo_dir)
    assert result.returncode == 0
    assert "would open or update: Drift detected in prod" in result.stdout
    assert fresh.standin.writes() == []
