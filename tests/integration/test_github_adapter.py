"""The GitHub adapter, PyGithub over real HTTP against the local GitHub API stand-in.

GitHub itself cannot be reached from tests; ``tests/support/github_standin.py`` stands in for its REST
endpoints (pagination, 422 on long bodies, rate limits and 5xx are reproduced there).
"""

from __future__ import annotations

import logging

import pytest

from pipeline_tools.core.errors import ExternalError, InputError
from pipeline_tools.core.redaction import forget_all
from pipeline_tools.integrations.github import GitHub, RetryPolicy, has_marker, parse_repo_name
from pipeline_tools.local.github_standin import GitHubStandin

MARKER = "<!-- pipeline-tools:test-sticky"
REPO = "acme/infra"


def body(text: str) -> str:
    return f"{MARKER} -->\n{text}"


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(github_standin: GitHubStandin, sleeps: list[float]) -> GitHub:
    github_standin.add_repo(REPO)
    return make_client(github_standin, sleeps)


def make_client(standin: GitHubStandin, sleeps: list[float], **kwargs) -> GitHub:
    kwargs.setdefault("per_page", 10)
    return GitHub(standin.token, api_url=standin.base_url, retry=RetryPolicy(sleep=sleeps.append),
                  seconds_between_requests=None, seconds_between_writes=None, **kwargs)


def marked(standin: GitHubStandin, number: int) -> list[dict]:
    return [c for c in standin.comments(REPO, number) if has_marker(c["body"], MARKER)]


def test_sticky_comment_is_created_once_then_found_on_a_later_page_and_edited(github_standin, client):
    pr = github_standin.add_pull(REPO)
    github_standin.add_comment(REPO, pr, "LGTM")
    first = client.upsert_comment(REPO, pr, MARKER, body("plan of commit 1"))
    assert first.action == "created"
    # Reviewers talk: our comment ends up on page 1 of 3 while new ones pile up behind it;
    # also a reply quoting our comment carries the marker text, but not at a line start.
    for i in range(24):
        github_standin.add_comment(REPO, pr, f"review remark {i}")
    github_standin.add_comment(REPO, pr, f"> {body('plan of commit 1')}\nwhy?")
    github_standin.requests.clear()

    second = client.upsert_comment(REPO, pr, MARKER, body("plan of commit 2"))

    assert second.action == "updated" and second.comment.id == first.comment.id
    assert [c["body"] for c in marked(github_standin, pr)] == [body("plan of commit 2")]
    assert len(github_standin.comments(REPO, pr)) == 27  # nothing added, nothing lost
    pages = [r.query.get("page", "1") for r in github_standin.requests
             if r.method == "GET" and r.path.endswith(f"/issues/{pr}/comments")]
    assert pages == ["1", "2", "3"]  # followed the Link header to the end
    assert [r.method for r in github_standin.writes()] == ["PATCH"]


def test_sticky_comment_found_beyond_the_first_page_with_default_page_size(github_standin, sleeps):
    github_standin.add_repo(REPO)
    client = make_client(github_standin, sleeps, per_page=100)
    pr = github_standin.add_pull(REPO)
    for i in range(150):
        github_standin.add_comment(REPO, pr, f"remark {i}")
    created = client.upsert_comment(REPO, pr, MARKER, body("v1"))  # comment number 151, on page 2
    assert client.find_comment(REPO, pr, MARKER).id == created.comment.id
    assert client.upsert_comment(REPO, pr, MARKER, body("v2")).action == "updated"
    assert client.upsert_comment(REPO, pr, MARKER, body("v2")).action == "unchanged"
    assert len(marked(github_standin, pr)) == 1


def test_replace_if_refusal_writes_nothing(github_standin, client):
    pr = github_standin.add_pull(REPO)
    client.upsert_comment(REPO, pr, MARKER, body("newer"))
    github_standin.requests.clear()
    result = client.upsert_comment(REPO, pr, MARKER, body("older"), replace_if=lambda existing: False)
    assert result.action == "skipped" and result.comment.body == body("newer")
    assert github_standin.writes() == []


@pytest.mark.parametrize(
    ("status", "retry_after", "expected_sleep"),
    [(502, None, 1.0), (503, None, 1.0), (429, 7, 7.0), (403, 11, 11.0)],
    ids=["502", "503", "429-retry-after", "403-secondary-limit-retry-after"],
)
def test_transient_failures_on_post_are_retried_and_leave_one_comment(
        github_standin, client, sleeps, status, retry_after, expected_sleep):
    pr = github_standin.add_pull(REPO)
    github_standin.inject_fault("POST", rf"/repos/{REPO}/issues/{pr}/comments", status,
                                retry_after=retry_after, times=2)
    result = client.upsert_comment(REPO, pr, MARKER, body("plan"))
    assert result.action == "created"
    assert len(marked(github_standin, pr)) == 1
    # Waited what GitHub asked for (rate limits) or backed off exponentially (5xx).
    assert sleeps == ([expected_sleep, expected_sleep] if retry_after else [1.0, 2.0])


def test_rate_limited_listing_and_edit_are_retried(github_standin, client, sleeps):
    pr = github_standin.add_pull(REPO)
    client.upsert_comment(REPO, pr, MARKER, body("v1"))
    github_standin.inject_fault("GET", rf"/repos/{REPO}/issues/{pr}/comments", 429, retry_after=3)
    github_standin.inject_fault("PATCH", rf"/repos/{REPO}/issues/comments/\d+", 500)
    assert client.upsert_comment(REPO, pr, MARKER, body("v2")).action == "updated"
    assert [c["body"] for c in marked(github_standin, pr)] == [body("v2")]
    assert sleeps == [3.0, 2.0]


def test_post_that_landed_despite_a_502_is_not_posted_twice(github_standin, client):
    pr = github_standin.add_pull(REPO)
    github_standin.inject_fault("POST", rf"/repos/{REPO}/issues/{pr}/comments", 502, apply=True)
    result = client.upsert_comment(REPO, pr, MARKER, body("plan"))
    assert result.action == "created"
    assert [c["body"] for c in marked(github_standin, pr)] == [body("plan")]
    posts = [r for r in github_standin.requests if r.method == "POST"]
    assert [r.status for r in posts] == [502]  # the retry looked first and did not post again


def test_post_that_timed_out_client_side_but_landed_is_not_posted_twice(github_standin, sleeps):
    github_standin.add_repo(REPO)
    client = make_client(github_standin, sleeps, timeout=1)
    pr = github_standin.add_pull(REPO)
    github_standin.inject_fault("POST", rf"/repos/{REPO}/issues/{pr}/comments", 201, apply=True,
                                delay=1.6)
    assert client.upsert_comment(REPO, pr, MARKER, body("plan")).action == "created"
    assert len(marked(github_standin, pr)) == 1
    assert sleeps == [1.0]


def test_duplicates_left_by_a_race_are_removed(github_standin, client):
    pr = github_standin.add_pull(REPO)
    first = github_standin.add_comment(REPO, pr, body("run A"), login=github_standin.login)
    github_standin.add_comment(REPO, pr, body("run B"), login=github_standin.login)
    result = client.upsert_comment(REPO, pr, MARKER, body("run C"))
    assert result.action == "updated" and result.removed_duplicates == 1
    assert [(c["id"], c["body"]) for c in marked(github_standin, pr)] == [(first, body("run C"))]


def test_persistent_5xx_gives_up_with_an_external_error(github_standin, client, sleeps):
    pr = github_standin.add_pull(REPO)
    github_standin.inject_fault("GET", rf"/repos/{REPO}/issues/{pr}/comments", 500, times=99)
    with pytest.raises(ExternalError, match="HTTP 500"):
        client.upsert_comment(REPO, pr, MARKER, body("plan"))
    assert sleeps == [1.0, 2.0, 4.0, 8.0]
    assert github_standin.writes() == []


def test_permission_403_is_not_retried_and_too_long_retry_after_is_not_awaited(github_standin, client,
                                                                                sleeps):
    pr = github_standin.add_pull(REPO)
    github_standin.inject_fault("POST", rf"/repos/{REPO}/issues/{pr}/comments", 403,
                                message="Resource not accessible by integration")
    with pytest.raises(ExternalError, match="Resource not accessible by integration"):
        client.upsert_comment(REPO, pr, MARKER, body("plan"))
    github_standin.inject_fault("POST", rf"/repos/{REPO}/issues/{pr}/comments", 429, retry_after=3600)
    with pytest.raises(ExternalError, match="HTTP 429"):
        client.upsert_comment(REPO, pr, MARKER, body("plan"))
    assert sleeps == []


def test_body_over_the_limit_is_refused_before_calling_github_and_by_the_standin(github_standin, client):
    pr = github_standin.add_pull(REPO)
    with pytest.raises(ValueError, match="65536"):
        client.upsert_comment(REPO, pr, MARKER, body("x" * 65_536))
    assert github_standin.writes() == []
    # The stand-in rejects it like GitHub does (so the other tests' successes mean something).
    import requests

    answer = requests.post(f"{github_standin.base_url}/repos/{REPO}/issues/{pr}/comments",
                           json={"body": "x" * 65_537},
                           headers={"Authorization": f"token {github_standin.token}"}, timeout=5)
    assert answer.status_code == 422 and "too long" in answer.text


def test_token_never_appears_in_errors_or_logs(github_standin, caplog):
    forget_all()
    github_standin.add_repo(REPO)
    pr = github_standin.add_pull(REPO)
    wrong_token = "ghp_" + "W" * 36
    client = GitHub(wrong_token, api_url=github_standin.base_url, retry=RetryPolicy(sleep=lambda s: None),
                    seconds_between_requests=None, seconds_between_writes=None)
    with caplog.at_level(logging.WARNING), pytest.raises(InputError) as error:
        client.upsert_comment(REPO, pr, MARKER, body("plan"))
    assert "401" in str(error.value)
    assert wrong_token not in str(error.value) and wrong_token not in caplog.text
    # and a message from GitHub quoting the token back is masked too
    good = make_client(github_standin, [])
    github_standin.inject_fault("POST", rf"/repos/{REPO}/issues/{pr}/comments", 400,
                                message=f"token {github_standin.token} is odd")
    with pytest.raises(ExternalError) as error:
        good.upsert_comment(REPO, pr, MARKER, body("plan"))
    assert github_standin.token not in str(error.value) and "***" in str(error.value)


def test_bad_input_is_reported_as_input_error(github_standin, client):
    with pytest.raises(InputError, match="OWNER/NAME"):
        parse_repo_name("not-a-repo")
    with pytest.raises(InputError, match="GITHUB_TOKEN"):
        GitHub.from_env({})
    with pytest.raises(InputError, match="API URL"):
        GitHub("ghp_x" * 5, api_url="ftp://example")
    with pytest.raises(InputError, match="not found"):
        client.pr_head_sha(REPO, 999)
    with pytest.raises(InputError, match="not found"):
        client.upsert_comment("acme/absent", 1, MARKER, body("plan"))


def test_enterprise_api_prefix_and_head_sha(sleeps):
    standin = GitHubStandin(prefix="/api/v3").start()
    try:
        standin.add_repo(REPO)
        pr = standin.add_pull(REPO, head_sha="c0ffee" * 6 + "abcd")
        client = GitHub.from_env({"GITHUB_TOKEN": standin.token, "GITHUB_API_URL": standin.base_url},
                                 retry=RetryPolicy(sleep=sleeps.append), seconds_between_requests=None,
                                 seconds_between_writes=None)
        assert client.pr_head_sha(REPO, pr) == "c0ffee" * 6 + "abcd"
        for i in range(120):
            standin.add_comment(REPO, pr, f"r{i}")
        client.upsert_comment(REPO, pr, MARKER, body("v1"))
        assert client.upsert_comment(REPO, pr, MARKER, body("v2")).action == "updated"
        assert len([c for c in standin.comments(REPO, pr) if has_marker(c["body"], MARKER)]) == 1
    finally:
        standin.stop()


def test_labels_are_added_once_and_removed(github_standin, client):
    pr = github_standin.add_pull(REPO, labels=("infra",))
    client.add_labels(REPO, pr, ["plan:changes", "infra"])
    client.add_labels(REPO, pr, ["plan:changes"])
    labels = lambda: [x["name"] for x in github_standin.repos[REPO].issues[pr]["labels"]]  # noqa: E731
    assert labels() == ["infra", "plan:changes"]
    assert client.remove_label(REPO, pr, "plan:changes") is True
    assert client.remove_label(REPO, pr, "plan:changes") is False
    assert labels() == ["infra"]


def test_issue_is_created_once_updated_in_place_and_closed(github_standin, client):
    marker = "<!-- pipeline-tools:drift env=prod"
    github_standin.add_pull(REPO, title="unrelated PR")
    for i in range(12):  # other issues, so the search spans pages
        client.upsert_issue(REPO, f"<!-- other {i}", f"other {i}", f"<!-- other {i} -->")
    github_standin.inject_fault("POST", rf"/repos/{REPO}/issues", 502, apply=True)
    created = client.upsert_issue(REPO, marker, "Drift in prod", f"{marker} -->\n2 resources drifted",
                                  ["drift"])
    assert created.action == "created"
    updated = client.upsert_issue(REPO, marker, "Drift in prod", f"{marker} -->\n3 resources drifted",
                                  ["drift", "prod"])
    assert (updated.action, updated.number) == ("updated", created.number)
    same = client.upsert_issue(REPO, marker, "Drift in prod", f"{marker} -->\n3 resources drifted")
    assert same.action == "unchanged"
    drift = [i for i in github_standin.repos[REPO].issues.values() if has_marker(i["body"], marker)]
    assert len(drift) == 1
    assert drift[0]["body"].endswith("3 resources drifted")
    assert [x["name"] for x in drift[0]["labels"]] == ["drift", "prod"]
    assert client.find_issue(REPO, marker).number == created.number

    closed = client.close_issue(REPO, marker, comment="No drift any more.")
    assert closed.action == "closed" and drift[0]["state"] == "closed"
    assert [c["body"] for c in github_standin.comments(REPO, created.number)] == ["No drift any more."]
    assert client.close_issue(REPO, marker) is None
    # A new drift after closing opens a new issue rather than reviving the old one.
    again = client.upsert_issue(REPO, marker, "Drift in prod", f"{marker} -->\nagain")
    assert again.action == "created" and again.number != created.number


def test_pull_request_from_file_changes_is_idempotent(github_standin, client):
    repo = github_standin.repos[REPO]
    path = "environments/staging/release.auto.tfvars.json"
    repo.files["main"][path] = (b'{"releases": {}}\n', "blob0")
    new = '{"releases": {"api": {"digest": "sha256:' + "a" * 64 + '"}}}\n'
    github_standin.inject_fault("PUT", rf"/repos/{REPO}/contents/.+", 502, apply=True)
    github_standin.inject_fault("POST", rf"/repos/{REPO}/pulls", 502, apply=True)

    pull = client.create_pull_request(
        REPO, base="main", branch="promote/staging-1", title="Promote to staging",
        body="digest verified in dev", files={path: new, "NOTES.md": "new file\n"},
        commit_message="promote api to staging", labels=["promotion"])

    assert (pull.action, pull.head_ref, pull.base_ref, pull.labels) == (
        "created", "promote/staging-1", "main", ("promotion",))
    assert repo.files["promote/staging-1"][path][0] == new.encode()
    assert repo.files["promote/staging-1"]["NOTES.md"][0] == b"new file\n"
    assert repo.files["main"][path][0] == b'{"releases": {}}\n'  # base untouched
    assert pull.head_sha == repo.refs["heads/promote/staging-1"]
    assert len(repo.pulls) == 1  # the 502 on POST /pulls did not lead to a second pull request

    again = client.create_pull_request(REPO, base="main", branch="promote/staging-1",
                                       title="Promote to staging", body="", files={path: new},
                                       commit_message="promote api to staging")
    assert (again.action, again.number) == ("existing", pull.number)
    assert len(repo.pulls) == 1
    assert [p.number for p in client.find_open_pulls(REPO, label="promotion")] == [pull.number]
    assert client.find_open_pulls(REPO, label="other") == []


def test_deployment_and_statuses_survive_a_landed_502_without_duplicates(github_standin, client):
    repo = github_standin.repos[REPO]
    github_standin.inject_fault("POST", rf"/repos/{REPO}/deployments", 502, apply=True)
    deployment = client.create_deployment(REPO, ref="abc123", environment="staging",
                                          description="api sha256:aaaa", payload={"service": "api"})
    assert len(repo.deployments) == 1
    stored = repo.deployments[deployment.id]
    assert (stored["environment"], stored["ref"]) == ("staging", "abc123")
    assert stored["payload"]["service"] == "api"
    assert stored["required_contexts"] == [] and stored["auto_merge"] is False

    github_standin.inject_fault("POST", rf"/repos/{REPO}/deployments/\d+/statuses", 502, apply=True)
    client.create_deployment_status(REPO, deployment.id, "in_progress", description="rolling out")
    client.create_deployment_status(REPO, deployment.id, "success", description="done",
                                    log_url="https://ci.example/run/1")
    statuses = repo.deployment_statuses[deployment.id]
    assert [(s["state"], s["log_url"]) for s in statuses] == [
        ("in_progress", None), ("success", "https://ci.example/run/1")]
    with pytest.raises(ValueError):
        client.create_deployment_status(REPO, deployment.id, "bogus")


def test_exhausted_primary_quota_waits_until_the_reset_time(github_standin, client, sleeps):
    import time

    pr = github_standin.add_pull(REPO)
    reset = int(time.time()) + 5
    github_standin.inject_fault("GET", rf"/repos/{REPO}/issues/{pr}/comments", 403,
                                message="API rate limit exceeded for installation ID 1.",
                                headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)})
    assert client.upsert_comment(REPO, pr, MARKER, body("plan")).action == "created"
    [waited] = sleeps
    assert 3 <= waited <= 7
    # A reset too far away is not waited for.
    github_standin.inject_fault("GET", rf"/repos/{REPO}/issues/{pr}/comments", 403,
                                message="API rate limit exceeded for installation ID 1.",
                                headers={"X-RateLimit-Remaining": "0",
                                         "X-RateLimit-Reset": str(int(time.time()) + 3600)})
    with pytest.raises(ExternalError, match="rate limit"):
        client.upsert_comment(REPO, pr, MARKER, body("plan 2"))
    assert len(sleeps) == 1


def _concurrent_run_posts_first(standin: GitHubStandin, other_body: str) -> None:
    """Route override: the first comment POST is preceded by another run's POST landing."""
    from pipeline_tools.local.github_standin import create_comment

    state = {"raced": False}

    @standin.route("POST", r"/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)/issues/(?P<number>\d+)/comments")
    def racing_create(standin_: GitHubStandin, request):
        if not state["raced"]:
            state["raced"] = True
            standin_.add_comment(request.repo, int(request.params["number"]), other_body,
                                 login=request.caller)
        return create_comment(standin_, request)


def test_a_race_between_two_first_posts_leaves_the_oldest_comment_only(github_standin, client):
    pr = github_standin.add_pull(REPO)
    _concurrent_run_posts_first(github_standin, body("plan of the other run"))
    result = client.upsert_comment(REPO, pr, MARKER, body("our plan"))
    assert result.action == "updated"
    [only] = marked(github_standin, pr)
    assert only["body"] == body("our plan") and only["id"] == result.comment.id


def test_a_race_lost_to_a_newer_run_leaves_its_comment_alone(github_standin, client):
    pr = github_standin.add_pull(REPO)
    _concurrent_run_posts_first(github_standin, body("newer plan"))
    result = client.upsert_comment(REPO, pr, MARKER, body("older plan"),
                                   replace_if=lambda existing: "newer" not in existing)
    assert result.action == "skipped"
    assert [c["body"] for c in marked(github_standin, pr)] == [body("newer plan")]


@pytest.mark.parametrize("message", [
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
    "You have triggered an abuse detection mechanism. Please wait a few minutes before you try again.",
])
def test_secondary_limit_without_retry_after_waits_a_minute(github_standin, client, sleeps, message):
    pr = github_standin.add_pull(REPO)
    github_standin.inject_fault("POST", rf"/repos/{REPO}/issues/{pr}/comments", 403, message=message)
    assert client.upsert_comment(REPO, pr, MARKER, body("plan")).action == "created"
    assert sleeps == [60.0]
    assert len(marked(github_standin, pr)) == 1


def test_a_token_with_a_trailing_newline_works(github_standin, sleeps):
    github_standin.add_repo(REPO)
    pr = github_standin.add_pull(REPO, head_sha="f" * 40)
    client = GitHub(github_standin.token + "\n", api_url=github_standin.base_url,
                    retry=RetryPolicy(sleep=sleeps.append), seconds_between_requests=None,
                    seconds_between_writes=None)
    assert client.pr_head_sha(REPO, pr) == "f" * 40


def test_pull_body_and_deployment_lookup(github_standin, client):
    repo = "acme/infra"
    github_standin.add_repo(repo)
    number = github_standin.add_pull(repo, head_ref="promote/prod/api-abc", title="Promote prod")
    github_standin.repos[repo].issues[number]["body"] = "<!-- marker -->\nbody text"
    pull, text = client.pull_body(repo, number)
    assert pull.number == number and pull.head_ref == "promote/prod/api-abc"
    assert text == "<!-- marker -->\nbody text"
    assert client.find_deployment(repo, ref="promote/prod/api-abc", environment="prod") is None
    older = client.create_deployment(repo, ref="promote/prod/api-abc", environment="prod",
                                     payload={"pull_request": number})
    client.create_deployment(repo, ref="promote/prod/api-abc", environment="prod",
                             payload={"pull_request": number + 1})
    found = client.find_deployment(repo, ref="promote/prod/api-abc", environment="prod",
                                   payload={"pull_request": number})
    assert found is not None and found.id == older.id
    with pytest.raises(InputError, match="not found"):
        client.pull_body(repo, 999)
