"""The GitHub adapter: PyGithub underneath, with retries that never duplicate a write.

Everything the tools post to GitHub goes through :class:`GitHub`:

* sticky comments found again through a hidden marker (:meth:`GitHub.find_comment`,
  :meth:`GitHub.upsert_comment`), the pull request's head commit (:meth:`GitHub.pr_head_sha`);
* labels (:meth:`GitHub.add_labels`, :meth:`GitHub.remove_label`);
* issues found by a marker, e.g. drift reports (:meth:`GitHub.upsert_issue`, :meth:`GitHub.close_issue`);
* pull requests made from file changes on a new branch (:meth:`GitHub.create_pull_request`) and open
  pull requests by label (:meth:`GitHub.find_open_pulls`);
* deployments and their statuses (:meth:`GitHub.create_deployment`,
  :meth:`GitHub.create_deployment_status`).

Retries. PyGithub's own urllib3 retries are switched off; every call runs in :meth:`GitHub._retrying`,
which retries 5xx answers, connection failures and timeouts with exponential backoff, and rate limits
(403/429 with ``Retry-After``, a secondary rate limit message, or an exhausted primary quota) after the
wait GitHub asks for. A write that failed from our side may still have landed on GitHub's side (a 502
or a timeout after the server committed it), so non-idempotent writes are written as "look, then act":
each attempt first looks for what a previous attempt may have created (the marker, the branch, the
pull request) and only creates when it is absent. That is why a retry never leaves a duplicate.

Identity. Anyone who can comment can write a comment that carries our hidden marker. So every
lookup by marker (sticky comments, drift issues, the plan comment ``plan verify`` trusts) considers
only what the token's own identity wrote (:meth:`GitHub.identity`): the authenticated user for a
personal access token (``GET /user``), or for a GitHub App installation token (which ``GET /user``
refuses) the app's bot account ``<slug>[bot]``, read from GraphQL's ``viewer``. ``trusted_author``
(``PIPELINE_TOOLS_TRUSTED_AUTHOR``) names it explicitly instead.

Errors come out as :class:`~pipeline_tools.core.errors.InputError` (bad repository name, unknown repository
or number, bad credentials) or :class:`~pipeline_tools.core.errors.ExternalError` (GitHub failing or
refusing), with messages passed through :func:`~pipeline_tools.core.redaction.redact`.
"""

from __future__ import annotations

import base64
import functools
import logging
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

import requests
from github import Auth, Github, GithubException
from github.Issue import Issue
from github.IssueComment import IssueComment
from github.Repository import Repository

from pipeline_tools.core.errors import ExternalError, InputError
from pipeline_tools.core.redaction import redact, register_secret

# Re-exported: callers that hold a GitHub client validate names through it.
from pipeline_tools.core.repository import parse_repo_name as parse_repo_name

DEFAULT_API_URL = "https://api.github.com"
TRUSTED_AUTHOR_ENV = "PIPELINE_TOOLS_TRUSTED_AUTHOR"
# GitHub rejects issue and comment bodies longer than this (HTTP 422).
BODY_LIMIT = 65_536

# A user login, or an app's bot account ("github-actions[bot]").
_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$")
_log = logging.getLogger("pipeline_tools.github")

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. ``sleep`` is injectable so tests run without waiting."""

    attempts: int = 5  # tries per operation, the first included
    backoff: float = 1.0  # first wait after a 5xx or connection failure; doubles each time
    max_backoff: float = 30.0
    secondary_rate_wait: float = 60.0  # GitHub asks for at least a minute when it gives no Retry-After
    max_wait: float = 300.0  # never wait longer than this for a rate limit: fail instead
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)


@dataclass(frozen=True)
class CommentRef:
    id: int
    url: str  # html_url, for people
    body: str


@dataclass(frozen=True)
class StickyResult:
    """Outcome of :meth:`GitHub.upsert_comment`.

    ``action`` is ``created``, ``updated``, ``unchanged`` (the body was already exact) or ``skipped``
    (``replace_if`` refused to overwrite the existing comment; ``comment`` is that comment).
    """

    action: Literal["created", "updated", "unchanged", "skipped"]
    comment: CommentRef
    removed_duplicates: int = 0


@dataclass(frozen=True)
class IssueRef:
    number: int
    url: str
    action: Literal["created", "updated", "unchanged", "closed"]


@dataclass(frozen=True)
class PullRef:
    number: int
    url: str
    title: str
    head_ref: str
    head_sha: str
    base_ref: str
    labels: tuple[str, ...]
    action: Literal["created", "existing", "found"] = "found"


@dataclass(frozen=True)
class MergedPull:
    number: int
    merged_at: datetime
    merge_commit_sha: str
    author: str
    base: str = ""


@dataclass(frozen=True)
class Review:
    login: str
    state: str  # APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING
    commit_id: str


@dataclass(frozen=True)
class DeploymentRecord:
    id: int
    environment: str
    sha: str
    task: str
    payload: dict[str, Any]
    created_at: datetime | None
    state: str | None  # the latest status, None when it has none
    creator: str


@dataclass(frozen=True)
class DeploymentRef:
    id: int
    environment: str
    ref: str


def has_marker(body: str | None, marker: str) -> bool:
    """True when a line of ``body`` starts with ``marker``.

    Line-based on purpose: a reply quoting our comment (``> <!-- ...``) is not ours.
    """
    return body is not None and any(line.startswith(marker) for line in body.splitlines())


class GitHub:
    """A GitHub API client for one token and API base URL (github.com or GitHub Enterprise)."""

    def __init__(self, token: str, *, api_url: str = DEFAULT_API_URL, retry: RetryPolicy | None = None,
                 timeout: float = 15, per_page: int = 100, seconds_between_requests: float | None = 0.25,
                 seconds_between_writes: float | None = 1.0, trusted_author: str | None = None) -> None:
        register_secret(token)
        # A token read from a file often ends with a newline, which is invalid in a header (and an
        # error message quoting the header would show the token in a form redaction misses).
        token = (token or "").strip()
        if not token:
            raise InputError("GITHUB_TOKEN is not set: a token is needed to talk to GitHub")
        register_secret(token)
        api_url = (api_url or "").strip()
        # User info in the API URL is a credential in the wrong place: never echo it, never use it.
        parts = urlsplit(api_url)
        if "@" in parts.netloc:
            userinfo = parts.netloc.rpartition("@")[0]
            register_secret(userinfo)
            register_secret(userinfo.partition(":")[2])
            raise InputError("invalid GitHub API URL: it holds user info (user:password@); give "
                             "http(s)://host[/path] and the token in GITHUB_TOKEN")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InputError(f"invalid GitHub API URL {redact(api_url)!r}: expected http(s)://host[/path]")
        self.api_url = api_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        author = (trusted_author or "").strip()
        if author and not _LOGIN.match(author):
            raise InputError(f"invalid trusted author {trusted_author!r}: expected a GitHub login")
        self._identity: str | None = author or None
        self._github = Github(
            auth=Auth.Token(token), base_url=self.api_url, timeout=int(max(1, timeout)),
            per_page=per_page, retry=0, lazy=True,
            seconds_between_requests=seconds_between_requests,
            seconds_between_writes=seconds_between_writes,
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **kwargs: Any) -> GitHub:
        """Build from ``GITHUB_TOKEN``, ``GITHUB_API_URL`` (default https://api.github.com) and
        ``PIPELINE_TOOLS_TRUSTED_AUTHOR`` (optional, see :meth:`identity`)."""
        env = os.environ if environ is None else environ
        kwargs.setdefault("trusted_author", env.get(TRUSTED_AUTHOR_ENV) or None)
        return cls(env.get("GITHUB_TOKEN", ""), api_url=env.get("GITHUB_API_URL") or DEFAULT_API_URL,
                   **kwargs)

    # ----- repository settings (pipeline-tools doctor) ---------------------------------------
    def environment(self, repo: str, name: str) -> tuple[dict[str, Any] | None, list[str] | None]:
        """An environment's JSON (None when it does not exist) and, when it uses custom deployment
        branch rules, their name patterns."""

        def read() -> tuple[dict[str, Any] | None, list[str] | None]:
            try:
                environment = self._repo(repo).get_environment(name)
                raw = dict(environment.raw_data)
            except GithubException as exc:
                if exc.status == 404:
                    return None, None
                raise
            policy = raw.get("deployment_branch_policy") or {}
            if not policy.get("custom_branch_policies"):
                return raw, None
            _, data = environment.requester.requestJsonAndCheck(
                "GET", f"{environment.url}/deployment-branch-policies")
            return raw, [str(p.get("name")) for p in (data or {}).get("branch_policies", [])]

        return self._retrying(f"reading environment {name} of {repo}", read)

    def branch_protected(self, repo: str, branch: str) -> bool:
        return self._retrying(f"reading branch {branch} of {repo}",
                              lambda: bool(self._repo(repo).get_branch(branch).protected))

    # ----- identity --------------------------------------------------------------------------
    def identity(self) -> str:
        """The login whose comments and issues this client may find, edit, close and trust.

        The ``trusted_author`` given, else the token's own account: ``GET /user`` for a personal
        access token; a GitHub App installation token gets 403 there, and then GraphQL's ``viewer``
        names the app's bot account (``<slug>[bot]``). Asked once per client.
        """
        if self._identity is None:
            self._identity = self._retrying("finding the account the token belongs to",
                                            self._resolve_identity)
        return self._identity

    def token_account(self) -> str:
        """The account the token itself belongs to (never ``trusted_author``): a user's login, or an
        app's bot account ``<slug>[bot]`` (the workflow's own token is ``github-actions[bot]``)."""
        return self._retrying("finding the account the token belongs to", self._resolve_identity)

    def is_own(self, item: Any) -> bool:
        """Whether a comment or issue (PyGithub object) was written by :meth:`identity`."""
        user = getattr(item, "user", None)
        login = getattr(user, "login", None) if user is not None else None
        return isinstance(login, str) and login.lower() == self.identity().lower()

    def _resolve_identity(self) -> str:
        status, _headers, data = self._github.requester.requestJson("GET", "/user")
        if status == 200 and isinstance(data, str):
            import json

            login = (json.loads(data) or {}).get("login")
            if isinstance(login, str) and _LOGIN.match(login):
                return login
            raise ExternalError("GitHub: GET /user answered without a login")
        if status != 403:
            raise GithubException(status, _json_or_text(data), None)
        # An installation token: "Resource not accessible by integration". Its own account is the
        # app's bot user, which GraphQL's viewer names.
        _headers, result = self._github.requester.graphql_query("query { viewer { login } }", {})
        login = ((result.get("data") or {}).get("viewer") or {}).get("login")
        if not isinstance(login, str) or not login:
            raise ExternalError("GitHub: cannot tell which account the token belongs to (GET /user refused, "
                                "GraphQL viewer unknown); set PIPELINE_TOOLS_TRUSTED_AUTHOR")
        return login if login.endswith("[bot]") else f"{login}[bot]"

    # ----- pull requests and comments --------------------------------------------------------
    def pr_head_sha(self, repo: str, number: int) -> str:
        """The commit the pull request's branch points at now."""
        return self._retrying(f"reading pull request {repo}#{number}",
                              lambda: self._repo(repo).get_pull(number).head.sha)

    def find_comment(self, repo: str, number: int, marker: str, *,
                     first_line: bool = False) -> CommentRef | None:
        """The first (oldest) comment of :meth:`identity` on issue/PR ``number`` with a line starting
        with ``marker`` (with ``first_line``: whose first line starts with it)."""
        found = self._retrying(f"listing comments of {repo}#{number}",
                               lambda: self._marked_comments(self._issue(repo, number), marker))
        if first_line:
            found = [c for c in found if (c.body or "").startswith(marker)]
        return _comment_ref(found[0]) if found else None

    def upsert_comment(self, repo: str, number: int, marker: str, body: str, *,
                       replace_if: Callable[[str], bool] | None = None) -> StickyResult:
        """Create or edit in place the one comment carrying ``marker`` (sticky comment).

        ``body`` must contain a line starting with ``marker`` (that is how it is found next time).
        ``replace_if(existing_body)`` may refuse to overwrite an existing comment (e.g. it shows a
        newer commit): then nothing is written and the action is ``skipped``.

        One comment remains even when two runs race: after creating its comment a run lists again,
        and if another comment with the marker is older, it deletes its own and edits (or, per
        ``replace_if``, leaves) the oldest one. Marked comments beyond the oldest are deleted.
        Only comments written by :meth:`identity` are considered: a marked comment by anyone else
        is never edited, deleted or allowed to make the update skip.
        """
        body = redact(body)  # last line of defence: no registered secret is ever posted
        if not has_marker(body, marker):
            raise ValueError("the comment body must contain its marker")
        if len(body) > BODY_LIMIT:
            raise ValueError(f"comment body of {len(body)} characters exceeds GitHub's {BODY_LIMIT}")
        tried_create = False

        def attempt() -> StickyResult:
            nonlocal tried_create
            issue = self._issue(repo, number)
            found = self._marked_comments(issue, marker)
            if not found:
                tried_create = True
                created = issue.create_comment(body)
                found = self._marked_comments(issue, marker)
                if not found or found[0].id == created.id:
                    return StickyResult("created", _comment_ref(created))
                # Another run created one first: both keep the oldest.
                _delete_quietly(created)
                tried_create = False
                found = [c for c in found if c.id != created.id]
            if replace_if is not None and not all(replace_if(c.body) for c in found):
                refusing = next(c for c in found if not replace_if(c.body))
                return StickyResult("skipped", _comment_ref(refusing))
            keep, extra = found[0], found[1:]
            for duplicate in extra:
                _delete_quietly(duplicate)
            if keep.body == body:
                # A create that failed from our side but landed counts as created.
                action: Literal["created", "unchanged"] = "created" if tried_create else "unchanged"
                return StickyResult(action, _comment_ref(keep), len(extra))
            keep.edit(body)
            return StickyResult("updated", CommentRef(keep.id, keep.html_url, body), len(extra))

        return self._retrying(f"posting the comment on {repo}#{number}", attempt)

    def add_labels(self, repo: str, number: int, labels: Iterable[str]) -> None:
        """Add labels to an issue or pull request (labels already there are kept; idempotent)."""
        names = [name for name in labels if name]
        if names:
            self._retrying(f"labelling {repo}#{number}",
                           lambda: self._issue(repo, number).add_to_labels(*names))

    def labels(self, repo: str, number: int) -> list[str]:
        """The names of the labels an issue or pull request carries now."""
        return self._retrying(f"reading the labels of {repo}#{number}",
                              lambda: [label.name for label in self._issue(repo, number).get_labels()])

    def remove_label(self, repo: str, number: int, label: str) -> bool:
        """Remove a label; returns False when it was not there (not an error)."""

        def attempt() -> bool:
            try:
                self._issue(repo, number).remove_from_labels(label)
            except GithubException as exc:
                if exc.status != 404:  # GitHub answers 404 "Label does not exist"
                    raise
                return False
            return True

        return self._retrying(f"removing label {label!r} from {repo}#{number}", attempt)

    # ----- issues (drift reports) ------------------------------------------------------------
    def find_issue(self, repo: str, marker: str, *, label: str | None = None) -> IssueRef | None:
        """The oldest open issue (not pull request) by :meth:`identity` whose body has a line
        starting with ``marker``."""
        issue = self._retrying(f"listing issues of {repo}", lambda: self._marked_issue(repo, marker, label))
        return None if issue is None else IssueRef(issue.number, issue.html_url, "unchanged")

    def upsert_issue(self, repo: str, marker: str, title: str, body: str,
                     labels: Iterable[str] = ()) -> IssueRef:
        """Create the open issue carrying ``marker``, or update its title/body and add ``labels``.

        ``body`` must contain a line starting with ``marker``.
        """
        title, body = redact(title), redact(body)  # last line of defence, as for comments
        if not has_marker(body, marker):
            raise ValueError("the issue body must contain its marker")
        if len(body) > BODY_LIMIT:
            raise ValueError(f"issue body of {len(body)} characters exceeds GitHub's {BODY_LIMIT}")
        names = [name for name in labels if name]
        tried_create = False

        def attempt() -> IssueRef:
            nonlocal tried_create
            issue = self._marked_issue(repo, marker, None)
            if issue is None:
                tried_create = True
                created = self._repo(repo).create_issue(title=title, body=body, labels=names)
                return IssueRef(created.number, created.html_url, "created")
            present = {label.name for label in issue.labels}
            if issue.title == title and issue.body == body and set(names) <= present:
                # A create that failed from our side but landed counts as created.
                return IssueRef(issue.number, issue.html_url, "created" if tried_create else "unchanged")
            if issue.title != title or issue.body != body:
                issue.edit(title=title, body=body)
            if not set(names) <= present:
                issue.add_to_labels(*[n for n in names if n not in present])
            return IssueRef(issue.number, issue.html_url, "updated")

        return self._retrying(f"writing the issue in {repo}", attempt)

    def close_issue(self, repo: str, marker: str, *, comment: str | None = None) -> IssueRef | None:
        """Close the open issue carrying ``marker`` (after an optional comment); None if none is open."""

        def attempt() -> IssueRef | None:
            issue = self._marked_issue(repo, marker, None)
            if issue is None:
                return None
            if comment and not any(c.body == comment for c in issue.get_comments()):
                issue.create_comment(comment)
            issue.edit(state="closed")
            return IssueRef(issue.number, issue.html_url, "closed")

        return self._retrying(f"closing the issue in {repo}", attempt)

    # ----- pull requests from file changes (promotion) ---------------------------------------
    def create_pull_request(self, repo: str, *, base: str, branch: str, title: str, body: str,
                            files: Mapping[str, str | bytes], commit_message: str,
                            labels: Iterable[str] = ()) -> PullRef:
        """Open a pull request from a new branch ``branch`` off ``base`` changing ``files``.

        Creates ``refs/heads/<branch>`` at the head of ``base`` when missing, writes each file
        (path -> new content) through the contents API unless it already has that content, opens
        the pull request unless one is already open from ``branch``, and adds ``labels``. Safe to
        run again after a partial failure: each step checks what is already there.
        """
        title, body = redact(title), redact(body)  # no registered secret is ever posted
        names = [name for name in labels if name]
        what = f"opening a pull request from {branch} in {repo}"

        def ensure_branch() -> None:
            repository = self._repo(repo)
            try:
                # Lazy objects fetch on first attribute access: read one to know if it exists.
                _ = repository.get_git_ref(f"heads/{branch}").object.sha
                return
            except GithubException as exc:
                if exc.status != 404:
                    raise
            base_sha = repository.get_git_ref(f"heads/{base}").object.sha
            repository.create_git_ref(ref=f"refs/heads/{branch}", sha=base_sha)

        self._retrying(what, ensure_branch)
        for path, content in files.items():
            data = content.encode() if isinstance(content, str) else bytes(content)
            write = functools.partial(self._write_file, repo, branch, path, data, commit_message)
            self._retrying(what, write)

        tried_create = False

        def open_pull() -> PullRef:
            nonlocal tried_create
            existing = self._open_pull_from(repo, branch)
            if existing is not None:
                # One that a failed-looking attempt of ours did open counts as created.
                return _pull_ref(existing, "created" if tried_create else "existing")
            tried_create = True
            return _pull_ref(self._repo(repo).create_pull(base=base, head=branch, title=title, body=body),
                             "created")

        pull = self._retrying(what, open_pull)
        if names:
            self.add_labels(repo, pull.number, names)
            pull = PullRef(**{**pull.__dict__, "labels": tuple(dict.fromkeys([*pull.labels, *names]))})
        return pull

    def pull_body(self, repo: str, number: int) -> tuple[PullRef, str]:
        """Pull request ``number`` and its body (an unknown number is bad input)."""

        def attempt() -> tuple[PullRef, str]:
            try:
                pull = self._repo(repo).get_pull(number)
            except GithubException as exc:
                if exc.status == 404:
                    raise InputError(f"pull request #{number} not found in {repo}") from None
                raise
            return _pull_ref(pull, "found"), pull.body or ""

        return self._retrying(f"reading pull request #{number} of {repo}", attempt)

    def find_deployment(self, repo: str, *, ref: str, environment: str,
                        payload: Mapping[str, Any] | None = None) -> DeploymentRef | None:
        """The newest deployment of ``ref`` to ``environment`` whose payload has ``payload``'s items."""
        wanted = dict(payload or {})

        def attempt() -> DeploymentRef | None:
            found = [d for d in self._repo(repo).get_deployments(ref=ref, environment=environment)
                     if all((d.payload or {}).get(key) == value for key, value in wanted.items())]
            newest = max(found, key=lambda d: d.id, default=None)
            return None if newest is None else DeploymentRef(newest.id, environment, ref)

        return self._retrying(f"finding the deployment of {ref} to {environment}", attempt)

    def find_open_pulls(self, repo: str, *, label: str | None = None) -> list[PullRef]:
        """Open pull requests, optionally only those carrying ``label``, oldest first."""

        def attempt() -> list[PullRef]:
            pulls = self._repo(repo).get_pulls(state="open", sort="created", direction="asc")
            return [_pull_ref(p, "found") for p in pulls
                    if label is None or label in {lbl.name for lbl in p.labels}]

        return self._retrying(f"listing pull requests of {repo}", attempt)

    # ----- merged pull requests and reviews (apply) -----------------------------------------
    def pulls_of_commit(self, repo: str, sha: str) -> list[MergedPull]:
        """Pull requests merged as commit ``sha`` (GitHub's commit -> pulls association)."""

        def attempt() -> list[MergedPull]:
            _headers, data = self._github.requester.requestJsonAndCheck(
                "GET", f"/repos/{parse_repo_name(repo)}/commits/{sha}/pulls", parameters={"per_page": 100})
            return [_merged_pull(p) for p in data or [] if isinstance(p, dict) and p.get("merged_at")]

        return self._retrying(f"finding the pull request of {sha[:12]} in {repo}", attempt)

    def merged_pulls_since(self, repo: str, since: datetime, *, base: str | None = None) -> list[MergedPull]:
        """Pull requests merged (into ``base``) at or after ``since``, oldest merge first.

        Lists closed pull requests by last update, newest first, and stops at the first one updated
        before ``since`` (a merge updates the pull request, so nothing older can qualify).
        """

        def attempt() -> list[MergedPull]:
            filters: dict[str, Any] = {"base": base} if base else {}
            found = []
            pulls = self._repo(repo).get_pulls(state="closed", sort="updated", direction="desc", **filters)
            for pull in pulls:
                updated = _aware(pull.updated_at)
                if updated is not None and updated < since:
                    break
                merged = _aware(pull.merged_at)
                if merged is not None and merged >= since:
                    found.append(MergedPull(pull.number, merged, pull.merge_commit_sha or "",
                                            pull.user.login if pull.user else ""))
            return sorted(found, key=lambda p: (p.merged_at, p.number))

        return self._retrying(f"listing pull requests merged in {repo}", attempt)

    def pull_reviews(self, repo: str, number: int) -> list[Review]:
        """The reviews of pull request ``number``, oldest first."""

        def attempt() -> list[Review]:
            _headers, data = self._github.requester.requestJsonAndCheck(
                "GET", f"/repos/{parse_repo_name(repo)}/pulls/{number}/reviews", parameters={"per_page": 100})
            return [Review((r.get("user") or {}).get("login") or "", str(r.get("state") or ""),
                           str(r.get("commit_id") or "")) for r in data or [] if isinstance(r, dict)]

        return self._retrying(f"reading the reviews of {repo}#{number}", attempt)

    def pull_author(self, repo: str, number: int) -> str:
        """The login of whoever opened pull request ``number``."""
        return self._retrying(f"reading pull request {repo}#{number}",
                              lambda: self._repo(repo).get_pull(number).user.login)

    def deployments(self, repo: str, *, environment: str, task: str | None = None) -> list[DeploymentRecord]:
        """Deployments to ``environment`` (of ``task``), newest first, each with its latest status."""

        def attempt() -> list[DeploymentRecord]:
            filters: dict[str, Any] = {"environment": environment}
            if task:
                filters["task"] = task
            records = []
            for deployment in self._repo(repo).get_deployments(**filters):
                latest = next(iter(deployment.get_statuses()), None)
                records.append(DeploymentRecord(
                    deployment.id, environment, deployment.sha or deployment.ref, deployment.task or "",
                    dict(deployment.payload or {}), _aware(deployment.created_at),
                    latest.state if latest is not None else None,
                    deployment.creator.login if deployment.creator else ""))
            return sorted(records, key=lambda d: d.id, reverse=True)

        return self._retrying(f"listing the deployments to {environment} in {repo}", attempt)

    # ----- deployments -----------------------------------------------------------------------
    def create_deployment(self, repo: str, *, ref: str, environment: str, description: str = "",
                          payload: Mapping[str, Any] | None = None, task: str = "deploy",
                          production: bool | None = None) -> DeploymentRef:
        """Record a deployment of ``ref`` (a sha, branch or tag) to ``environment``.

        Commit status checks are not required (``required_contexts=[]``) and the ref is not
        merged (``auto_merge=False``): the deployment records what we do, it does not gate it.
        A request id in the payload lets a retry find a deployment that landed despite an error.
        """
        request_id = uuid.uuid4().hex
        full_payload = {**(payload or {}), "pipeline_tools_request": request_id}

        def attempt() -> DeploymentRef:
            repository = self._repo(repo)
            for existing in repository.get_deployments(ref=ref, environment=environment):
                if (existing.payload or {}).get("pipeline_tools_request") == request_id:
                    return DeploymentRef(existing.id, environment, ref)
            extra: dict[str, Any] = {}
            if production is not None:
                extra["production_environment"] = production
            created = repository.create_deployment(
                ref=ref, task=task, auto_merge=False, required_contexts=[], payload=full_payload,
                environment=environment, description=description, **extra)
            return DeploymentRef(created.id, environment, ref)

        return self._retrying(f"creating a deployment to {environment} in {repo}", attempt)

    def create_deployment_status(self, repo: str, deployment_id: int, state: str, *,
                                 description: str = "", log_url: str | None = None,
                                 environment_url: str | None = None) -> None:
        """Add a status (queued, in_progress, success, failure, error, inactive) to a deployment.

        Statuses are a history, and each attempt first checks whether the same status is already the
        latest, so a retry does not record it twice.
        """
        allowed = {"error", "failure", "inactive", "in_progress", "queued", "pending", "success"}
        if state not in allowed:
            raise ValueError(f"unknown deployment state {state!r}")
        extra: dict[str, Any] = {}
        if log_url:
            extra["target_url"] = log_url  # PyGithub's name for the API's log_url/target_url
        if environment_url:
            extra["environment_url"] = environment_url

        def attempt() -> None:
            deployment = self._repo(repo).get_deployment(deployment_id)
            latest = next(iter(deployment.get_statuses()), None)
            if latest is not None and latest.state == state and (latest.description or "") == description:
                return
            deployment.create_status(state=state, description=description, **extra)

        self._retrying(f"recording deployment status {state}", attempt)

    # ----- internals -------------------------------------------------------------------------
    def _repo(self, repo: str) -> Repository:
        return self._github.get_repo(parse_repo_name(repo))

    def _issue(self, repo: str, number: int) -> Issue:
        if not isinstance(number, int) or number < 1:
            raise InputError(f"invalid issue or pull request number {number!r}")
        return self._repo(repo).get_issue(number)

    def _marked_comments(self, issue: Issue, marker: str) -> list[IssueComment]:
        return [c for c in issue.get_comments() if has_marker(c.body, marker) and self.is_own(c)]

    def _marked_issue(self, repo: str, marker: str, label: str | None) -> Issue | None:
        filters: dict[str, Any] = {"labels": [label]} if label else {}
        issues = self._repo(repo).get_issues(state="open", sort="created", direction="asc", **filters)
        for issue in issues:
            if issue.pull_request is None and has_marker(issue.body, marker) and self.is_own(issue):
                return issue
        return None

    def _open_pull_from(self, repo: str, branch: str) -> Any:
        owner = repo.split("/", 1)[0]
        return next(iter(self._repo(repo).get_pulls(state="open", head=f"{owner}:{branch}")), None)

    def _write_file(self, repo: str, branch: str, path: str, data: bytes, message: str) -> None:
        repository = self._repo(repo)
        try:
            current = repository.get_contents(path, ref=branch)
        except GithubException as exc:
            if exc.status != 404:
                raise
            current = None
        if isinstance(current, list):
            raise InputError(f"{path} is a directory in {repo}")
        if current is None:
            repository.create_file(path, message, data, branch=branch)
        elif base64.b64decode(current.content or "") != data:
            repository.update_file(path, message, data, current.sha, branch=branch)

    def _retrying(self, what: str, attempt: Callable[[], T]) -> T:
        policy = self.retry
        for number in range(1, policy.attempts + 1):
            try:
                return attempt()
            except GithubException as exc:
                delay = self._retry_delay(exc, number)
                if delay is None or number == policy.attempts:
                    raise _translate(exc, what) from None
                reason = f"HTTP {exc.status}"
            except requests.RequestException as exc:
                if number == policy.attempts:
                    raise ExternalError(
                        f"GitHub: {what} failed: {redact(_one_line(type(exc).__name__ + ': ' + str(exc)))}"
                    ) from None
                delay = self._backoff(number)
                reason = type(exc).__name__
            _log.warning(redact(f"GitHub: {what}: {reason}; retrying in {delay:g} s "
                                f"(attempt {number + 1} of {policy.attempts})"))
            policy.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, number: int) -> float:
        return min(self.retry.max_backoff, self.retry.backoff * 2 ** (number - 1))

    def _retry_delay(self, exc: GithubException, number: int) -> float | None:
        """Seconds to wait before trying again, or None when retrying cannot help."""
        status = exc.status
        headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
        if status >= 500:
            return self._backoff(number)
        if status not in (403, 429):
            return None
        wait: float | None = None
        if "retry-after" in headers:
            try:
                wait = max(0.0, float(headers["retry-after"]))
            except ValueError:
                wait = self.retry.secondary_rate_wait
        elif headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in headers:
            try:
                wait = max(0.0, float(headers["x-ratelimit-reset"]) - time.time()) + 1
            except ValueError:
                wait = None
        elif any(word in _message(exc).lower() for word in ("rate limit", "abuse detection")):
            wait = self.retry.secondary_rate_wait
        elif status == 429:
            wait = self._backoff(number)
        if wait is None or wait > self.retry.max_wait:
            return None
        return wait


def _aware(value: datetime | None) -> datetime | None:
    """PyGithub gives timezone-aware datetimes; an older one naive UTC ones: make them comparable."""
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _merged_pull(data: dict[str, Any]) -> MergedPull:
    merged = datetime.fromisoformat(str(data["merged_at"]).replace("Z", "+00:00"))
    return MergedPull(int(data["number"]), merged, str(data.get("merge_commit_sha") or ""),
                      str((data.get("user") or {}).get("login") or ""),
                      str((data.get("base") or {}).get("ref") or ""))


def _json_or_text(data: Any) -> Any:
    import json

    try:
        return json.loads(data) if isinstance(data, str) and data else data
    except ValueError:
        return data


def _message(exc: GithubException) -> str:
    data = exc.data
    if isinstance(data, dict):
        return str(data.get("message") or "")
    return str(data or exc.message or "")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _translate(exc: GithubException, what: str) -> Exception:
    status = exc.status
    detail = _message(exc)
    if isinstance(exc.data, dict) and exc.data.get("errors"):
        details = [e.get("message") or e.get("code") for e in exc.data["errors"] if isinstance(e, dict)]
        detail = f"{detail} ({'; '.join(str(d) for d in details if d)})"
    detail = redact(_one_line(detail)) or "no message"
    if status == 401:
        return InputError(f"GitHub: {what}: the token was rejected (HTTP 401: {detail})")
    if status == 404:
        return InputError(f"GitHub: {what}: not found (HTTP 404); check the repository, the number and "
                          "that the token can access them")
    if status in (403, 429):
        return ExternalError(f"GitHub: {what}: refused (HTTP {status}: {detail})")
    return ExternalError(f"GitHub: {what} failed (HTTP {status}: {detail})")


def _delete_quietly(comment: IssueComment) -> None:
    """Delete a comment; one already gone (deleted by a concurrent run) is fine."""
    try:
        comment.delete()
    except GithubException as exc:
        if exc.status != 404:
            raise


def _comment_ref(comment: IssueComment) -> CommentRef:
    return CommentRef(comment.id, comment.html_url, comment.body)


def _pull_ref(pull: Any, action: Literal["created", "existing", "found"]) -> PullRef:
    return PullRef(number=pull.number, url=pull.html_url, title=pull.title, head_ref=pull.head.ref,
                   head_sha=pull.head.sha, base_ref=pull.base.ref,
                   labels=tuple(label.name for label in pull.labels), action=action)
