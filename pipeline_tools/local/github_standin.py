"""A small local stand-in for the GitHub REST API, served over real HTTP.

PyGithub talks to it exactly as it talks to api.github.com (set ``base_url``/``GITHUB_API_URL`` to
``standin.base_url``). It keeps repositories, pull requests, issues, comments, labels, git refs,
file contents and deployments in memory and behaves like GitHub where our tools depend on it:

* ``Link`` header pagination honouring ``per_page`` (default 30, at most 100) and ``page``;
* 422 for an issue/PR comment or issue body over 65,536 characters;
* 401 without a known token, 404 for unknown repositories/numbers;
* identities: each token belongs to an account (:meth:`GitHubStandin.add_token`); what a token
  writes (comments, issues, reviews, deployments) carries that account's ``user.login``.
  ``GET /user`` answers a personal access token's user and refuses a GitHub App installation
  token with 403 as GitHub does; GraphQL ``{ viewer { login } }`` answers both;
* merged pull requests (:meth:`GitHubStandin.merge_pull`), ``GET /commits/{sha}/pulls``, and
  pull request reviews (:meth:`GitHubStandin.add_review`);
* injectable faults: 5xx, 403/429 with ``Retry-After`` (secondary rate limit), and a write that
  succeeds server-side but answers 502 to the client (see :meth:`GitHubStandin.inject_fault`);
* a log of every request (:attr:`GitHubStandin.requests`) for assertions.

Extending it: register a handler for a method and a path pattern with :meth:`GitHubStandin.route`
(or add to ``_DEFAULT_ROUTES``); a handler receives the stand-in and a :class:`StandinRequest` and
returns a :class:`StandinResponse` (or raises :class:`ApiError`).

It lives in the package (not only in the tests) because ``make demo`` runs the pipeline's GitHub
steps against it; the tests use it through the ``github_standin`` fixture in
``tests/support/github_standin.py``.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import math
import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

BODY_LIMIT = 65_536
DEFAULT_TOKEN = "ghp_StandinTokenForTests0123456789abcdef"


class ApiError(Exception):
    """Raised by a handler to answer with a GitHub-style error document."""

    def __init__(self, status: int, message: str, *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors


@dataclass
class StandinRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    params: dict[str, str] = field(default_factory=dict)  # named groups of the matched route
    caller: str = ""  # login of the account the request's token belongs to

    @property
    def repo(self) -> str:
        return f"{self.params['owner']}/{self.params['name']}"


@dataclass
class StandinResponse:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int  # the status the client received


@dataclass
class Fault:
    """An injected failure: answers ``status`` to the next ``times`` matching requests.

    With ``apply=True`` the request is first handled normally (its effect lands in the stand-in's
    state) and only the answer is replaced: the client sees a failure for a write that succeeded.
    With ``delay`` the server sleeps before answering (to trigger client-side timeouts).
    """

    method: str
    path_pattern: re.Pattern[str]
    status: int
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    message: str = "injected fault"
    apply: bool = False
    delay: float = 0.0


Handler = Callable[["GitHubStandin", StandinRequest], StandinResponse]


@dataclass
class Repo:
    full_name: str
    default_branch: str = "main"
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)  # number -> issue (PRs included)
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)  # number -> PR extra fields
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)  # comment id -> comment
    refs: dict[str, str] = field(default_factory=dict)  # "heads/main" -> sha
    # branch -> path -> (content bytes, blob sha)
    files: dict[str, dict[str, tuple[bytes, str]]] = field(default_factory=dict)
    deployments: dict[int, dict[str, Any]] = field(default_factory=dict)
    deployment_statuses: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    # GitHub environment name -> its settings (``add_environment``); protected branch names.
    environments: dict[str, dict[str, Any]] = field(default_factory=dict)
    protected_branches: set[str] = field(default_factory=set)
    reviews: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # PR number -> reviews


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _git_sha(*parts: object) -> str:
    return hashlib.sha1("\0".join(str(p) for p in parts).encode()).hexdigest()


class GitHubStandin:
    """In-memory GitHub API served on 127.0.0.1 (see the module docstring)."""

    def __init__(self, token: str = DEFAULT_TOKEN, login: str = "pipeline-bot", *, prefix: str = "") -> None:
        # ``prefix`` serves the API under a path, as GitHub Enterprise does (``/api/v3``).
        self.prefix = prefix.rstrip("/")
        self.token = token
        self.login = login
        # Further tokens: token -> (login, "user" for a personal access token or "app" for a GitHub
        # App installation token). ``token`` itself always belongs to ``login``, a user.
        self.tokens: dict[str, tuple[str, str]] = {}
        self.repos: dict[str, Repo] = {}
        self.requests: list[RecordedRequest] = []
        self.faults: list[Fault] = []
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._ids = itertools.count(1000)
        self._lock = threading.RLock()
        for method, pattern, handler in _DEFAULT_ROUTES:
            self.route(method, pattern)(handler)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    # ----- lifecycle -------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{self.prefix}"

    def start(self) -> GitHubStandin:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # ----- extension and test helpers ---------------------------------------------------------
    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        """Register ``handler`` for ``method`` and a path regex with named groups (later wins)."""

        def decorator(handler: Handler) -> Handler:
            self.routes.insert(0, (method.upper(), re.compile(f"^{pattern}$"), handler))
            return handler

        return decorator

    def next_id(self) -> int:
        return next(self._ids)

    def add_repo(self, full_name: str, *, default_branch: str = "main") -> Repo:
        repo = Repo(full_name, default_branch)
        repo.refs[f"heads/{default_branch}"] = _git_sha(full_name, default_branch)
        repo.files[default_branch] = {}
        self.repos[full_name] = repo
        return repo

    def add_pull(self, full_name: str, *, head_sha: str | None = None, head_ref: str = "feature",
                 base_ref: str | None = None, title: str = "A change", labels: tuple[str, ...] = (),
                 author: str = "contributor") -> int:
        """Create an open pull request by ``author``; returns its number."""
        repo = self.repos[full_name]
        number = self._next_number(repo)
        issue = self._new_issue(repo, number, title, "", list(labels), author)
        issue["pull_request"] = {"url": f"/repos/{full_name}/pulls/{number}"}
        repo.issues[number] = issue
        repo.pulls[number] = {
            "head": {"sha": head_sha or _git_sha(full_name, number, head_ref), "ref": head_ref},
            "base": {"ref": base_ref or repo.default_branch},
        }
        return number

    def add_environment(self, full_name: str, name: str, *, branches: str | None = None,
                        branch_patterns: tuple[str, ...] = (), reviewers: int = 0) -> None:
        """An environment as Settings > Environments makes it. ``branches``: None (any branch),
        "protected" (protected branches only) or "custom" (``branch_patterns``)."""
        repo = self.repo_or_404(full_name)
        policy = None if branches is None else {"protected_branches": branches == "protected",
                                                 "custom_branch_policies": branches == "custom"}
        rules = [] if not reviewers else [{
            "id": self.next_id(), "type": "required_reviewers",
            "reviewers": [{"type": "User", "reviewer": {"login": f"reviewer{i}", "id": i}}
                          for i in range(1, reviewers + 1)]}]
        repo.environments[name] = {
            "id": self.next_id(), "name": name,
            "url": self.url(f"/repos/{repo.full_name}/environments/{name}"),
            "html_url": f"https://github.com/{repo.full_name}/deployments/activity_log?environments_filter={name}",
            "created_at": _now(), "updated_at": _now(), "protection_rules": rules,
            "deployment_branch_policy": policy,
            "_branch_policies": [{"id": self.next_id(), "name": pattern, "type": "branch"}
                                 for pattern in branch_patterns],
        }

    def add_token(self, token: str, login: str, *, app: bool = False) -> str:
        """Accept ``token`` as ``login``'s (an installation token of a GitHub App when ``app``:
        ``login`` is then the bot account, e.g. ``deployer[bot]``); returns the token."""
        self.tokens[token] = (login, "app" if app else "user")
        return token

    def merge_pull(self, full_name: str, number: int, *, merge_commit_sha: str | None = None,
                   merged_at: str | None = None) -> str:
        """Merge pull request ``number`` (closed, merged); returns its merge commit sha."""
        repo = self.repos[full_name]
        sha = merge_commit_sha or _git_sha("merge", full_name, number)
        when = merged_at or _now()
        repo.pulls[number].update(merged=True, merged_at=when, merge_commit_sha=sha)
        repo.issues[number].update(state="closed", closed_at=when, updated_at=when)
        repo.refs[f"heads/{repo.pulls[number]['base']['ref']}"] = sha
        return sha

    def add_review(self, full_name: str, number: int, *, login: str, state: str = "APPROVED",
                   commit_id: str | None = None) -> int:
        """A review of pull request ``number`` by ``login`` (APPROVED, CHANGES_REQUESTED, COMMENTED,
        DISMISSED)."""
        repo = self.repos[full_name]
        review_id = self.next_id()
        repo.reviews.setdefault(number, []).append({
            "id": review_id, "user": self._user(login), "state": state, "body": "",
            "commit_id": commit_id or repo.pulls[number]["head"]["sha"], "submitted_at": _now(),
            "html_url": f"https://github.example/{full_name}/pull/{number}#pullrequestreview-{review_id}",
        })
        return review_id

    def set_head(self, full_name: str, number: int, sha: str) -> None:
        """Simulate a push to the pull request's branch."""
        self.repos[full_name].pulls[number]["head"]["sha"] = sha

    def add_comment(self, full_name: str, number: int, body: str, *, login: str = "someone") -> int:
        repo = self.repos[full_name]
        comment = self._new_comment(repo, number, body, login)
        return comment["id"]

    def comments(self, full_name: str, number: int) -> list[dict[str, Any]]:
        """The comments on an issue or pull request, oldest first."""
        repo = self.repos[full_name]
        return [c for c in repo.comments.values() if c["issue_number"] == number]

    def inject_fault(self, method: str, path_pattern: str, status: int, *, times: int = 1,
                     retry_after: float | None = None, message: str = "injected fault",
                     apply: bool = False, delay: float = 0.0,
                     headers: dict[str, str] | None = None) -> Fault:
        """Make the next ``times`` requests matching ``method`` and the path regex fail."""
        all_headers = dict(headers or {})
        if retry_after is not None:
            all_headers["Retry-After"] = str(retry_after)
        fault = Fault(method.upper(), re.compile(f"^{path_pattern}$"), status, times, all_headers,
                      message, apply, delay)
        with self._lock:
            self.faults.append(fault)
        return fault

    def writes(self) -> list[RecordedRequest]:
        """Requests that could change state (anything but GET/HEAD)."""
        return [r for r in self.requests if r.method not in ("GET", "HEAD")]

    # ----- building blocks for handlers ------------------------------------------------------
    def repo_or_404(self, full_name: str) -> Repo:
        repo = self.repos.get(full_name)
        if repo is None:
            raise ApiError(404, "Not Found")
        return repo

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def paginate(self, request: StandinRequest, items: list[Any]) -> StandinResponse:
        """One page of ``items`` with GitHub's ``Link`` header (next/last/first/prev)."""
        try:
            per_page = max(1, min(100, int(request.query.get("per_page", "30"))))
            page = max(1, int(request.query.get("page", "1")))
        except ValueError as exc:
            raise ApiError(422, "Invalid pagination parameters") from exc
        last = max(1, math.ceil(len(items) / per_page))
        chunk = items[(page - 1) * per_page: page * per_page]
        links = []

        def link(n: int, rel: str) -> str:
            query = {**request.query, "per_page": str(per_page), "page": str(n)}
            return f'<{self.url(request.path)}?{urlencode(query)}>; rel="{rel}"'

        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if page > 1:
            links += [link(1, "first"), link(page - 1, "prev")]
        headers = {"Link": ", ".join(links)} if links else {}
        return StandinResponse(200, chunk, headers)

    def _next_number(self, repo: Repo) -> int:
        return max(repo.issues, default=0) + 1

    def _user(self, login: str | None = None) -> dict[str, Any]:
        login = login or self.login
        return {"login": login, "id": abs(hash(login)) % 10**6, "type": "Bot"}

    def _new_issue(self, repo: Repo, number: int, title: str, body: str, labels: list[str],
                   login: str | None = None) -> dict[str, Any]:
        path = f"/repos/{repo.full_name}/issues/{number}"
        return {
            "id": self.next_id(), "number": number, "title": title, "body": body, "state": "open",
            "labels": [{"name": name} for name in labels], "user": self._user(login),
            "url": self.url(path), "html_url": f"https://github.example/{repo.full_name}/issues/{number}",
            "comments_url": self.url(f"{path}/comments"), "created_at": _now(), "updated_at": _now(),
        }

    def _new_comment(self, repo: Repo, number: int, body: str, login: str | None = None) -> dict[str, Any]:
        comment_id = self.next_id()
        comment = {
            "id": comment_id, "body": body, "user": self._user(login), "issue_number": number,
            "url": self.url(f"/repos/{repo.full_name}/issues/comments/{comment_id}"),
            "html_url": f"https://github.example/{repo.full_name}/pull/{number}#issuecomment-{comment_id}",
            "created_at": _now(), "updated_at": _now(),
        }
        repo.comments[comment_id] = comment
        return comment

    # ----- HTTP plumbing ----------------------------------------------------------------------
    def _dispatch(self, request: StandinRequest) -> StandinResponse:
        fault = self._take_fault(request)
        if fault is not None and not fault.apply:
            return self._fault_response(fault)
        identity = self.identity_of(request.headers.get("authorization", ""))
        if identity is None:
            response = StandinResponse(401, {"message": "Bad credentials"})
        else:
            request.caller = identity[0]
            response = self._route(request)
        if fault is not None:
            return self._fault_response(fault)
        return response

    def identity_of(self, authorization: str) -> tuple[str, str] | None:
        """(login, "user" or "app") of the token in an Authorization header; None if unknown."""
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() not in ("token", "bearer") or not token:
            return None
        if token == self.token:
            return (self.login, "user")
        return self.tokens.get(token)

    def _route(self, request: StandinRequest) -> StandinResponse:
        for method, pattern, handler in self.routes:
            match = pattern.match(request.path)
            if match and method == request.method:
                request.params = {k: unquote(v) for k, v in match.groupdict().items()}
                try:
                    with self._lock:
                        return handler(self, request)
                except ApiError as exc:
                    body: dict[str, Any] = {"message": exc.message}
                    if exc.errors:
                        body["errors"] = exc.errors
                    return StandinResponse(exc.status, body)
        return StandinResponse(404, {"message": "Not Found"})

    def _take_fault(self, request: StandinRequest) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                matches = fault.method == request.method and fault.path_pattern.match(request.path)
                if fault.times > 0 and matches:
                    fault.times -= 1
                    return fault
        return None

    @staticmethod
    def _fault_response(fault: Fault) -> StandinResponse:
        if fault.delay:
            threading.Event().wait(fault.delay)
        message = fault.message
        if fault.status in (403, 429) and fault.message == "injected fault":
            message = ("You have exceeded a secondary rate limit. "
                       "Please wait a few minutes before you try again.")
        return StandinResponse(fault.status, {"message": message}, dict(fault.headers))

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # Headers and body go out in separate writes; without this, Nagle's algorithm and
                # delayed ACKs add ~40 ms to every request.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
                pass

            def _handle(self) -> None:
                parts = urlsplit(self.path)
                path = parts.path
                if standin.prefix:
                    if not path.startswith(standin.prefix + "/"):
                        self._reply(404, {"message": "Not Found"}, {})
                        return
                    path = path[len(standin.prefix):]
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except json.JSONDecodeError:
                    body = None
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                request = StandinRequest(self.command, path, query,
                                         {k.lower(): v for k, v in self.headers.items()}, body)
                response = standin._dispatch(request)
                with standin._lock:
                    standin.requests.append(RecordedRequest(self.command, path, query, body, response.status))
                self._reply(response.status, response.body, response.headers)

            def _reply(self, status: int, body: Any, headers: dict[str, str]) -> None:
                payload = b"" if status == 204 else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

        return RequestHandler


# ----- default routes --------------------------------------------------------------------------
REPO = r"/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)"


def _check_body(body: Any, field_name: str = "body") -> str:
    if not isinstance(body, dict) or not isinstance(body.get(field_name, ""), str):
        raise ApiError(422, "Invalid request.")
    text = body.get(field_name) or ""
    if len(text) > BODY_LIMIT:
        raise ApiError(422, "Validation Failed", errors=[{
            "resource": "IssueComment", "code": "custom", "field": "body",
            "message": f"body is too long (maximum is {BODY_LIMIT} characters)",
        }])
    return text


def _issue(standin: GitHubStandin, request: StandinRequest) -> dict[str, Any]:
    repo = standin.repo_or_404(request.repo)
    issue = repo.issues.get(int(request.params["number"]))
    if issue is None:
        raise ApiError(404, "Not Found")
    return issue


def get_repo(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    repo = standin.repo_or_404(request.repo)
    owner, name = repo.full_name.split("/")
    return StandinResponse(200, {
        "id": abs(hash(repo.full_name)) % 10**6, "name": name, "full_name": repo.full_name,
        "owner": {"login": owner}, "default_branch": repo.default_branch,
        "url": standin.url(f"/repos/{repo.full_name}"),
    })


def _pull_json(standin: GitHubStandin, repo: Repo, number: int) -> dict[str, Any]:
    issue = repo.issues[number]
    extra = repo.pulls[number]
    return {
        **{k: v for k, v in issue.items() if k not in ("pull_request", "comments_url")},
        "url": standin.url(f"/repos/{repo.full_name}/pulls/{number}"),
        "issue_url": issue["url"],
        "html_url": f"https://github.example/{repo.full_name}/pull/{number}",
        "head": {**extra["head"], "repo": {"full_name": repo.full_name}},
        "base": {**extra["base"], "repo": {"full_name": repo.full_name}},
        "merged": bool(extra.get("merged")), "merged_at": extra.get("merged_at"),
        "merge_commit_sha": extra.get("merge_commit_sha"), "draft": False,
    }


def get_pull(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    repo = standin.repo_or_404(request.repo)
    number = int(request.params["number"])
    if number not in repo.pulls:
        raise ApiError(404, "Not Found")
    return StandinResponse(200, _pull_json(standin, repo, number))


def list_pulls(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    repo = standin.repo_or_404(request.repo)
    state = request.query.get("state", "open")
    pulls = [_pull_json(standin, repo, n) for n in sorted(repo.pulls)
             if state == "all" or repo.issues[n]["state"] == state]
    if "head" in request.query:  # "owner:branch"
        branch = request.query["head"].split(":", 1)[-1]
        pulls = [p for p in pulls if p["head"]["ref"] == branch]
    if "base" in request.query:
        pulls = [p for p in pulls if p["base"]["ref"] == request.query["base"]]
    key = request.query.get("sort", "created")
    if key in ("created", "updated"):
        pulls.sort(key=lambda p: (p.get(f"{key}_at") or "", p["number"]),
                   reverse=request.query.get("direction", "desc" if "sort" in request.query else "asc")
                   == "desc")
    return standin.paginate(request, pulls)


def commit_pulls(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    """Pull requests associated with a commit: merged as it, or with it as their head."""
    repo = standin.repo_or_404(request.repo)
    sha = request.params["sha"]
    numbers = [n for n, extra in sorted(repo.pulls.items())
               if extra.get("merge_commit_sha") == sha or extra["head"]["sha"] == sha]
    return standin.paginate(request, [_pull_json(standin, repo, n) for n in numbers])


def list_reviews(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    repo = standin.repo_or_404(request.repo)
    number = int(request.params["number"])
    if number not in repo.pulls:
        raise ApiError(404, "Not Found")
    return standin.paginate(request, list(repo.reviews.get(number, [])))


def get_authenticated_user(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    login, kind = standin.identity_of(request.headers.get("authorization", "")) or ("", "")
    if kind == "app":
        raise ApiError(403, "Resource not accessible by integration")
    return StandinResponse(200, {**standin._user(login), "type": "User"})


def graphql(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    """Only ``{ viewer { login } }``: an app's bot account is named without ``[bot]`` there."""
    query = (request.body or {}).get("query", "") if isinstance(request.body, dict) else ""
    if "viewer" not in query:
        return StandinResponse(200, {"errors": [{"message": "the stand-in answers only viewer { login }"}]})
    return StandinResponse(200, {"data": {"viewer": {"login": request.caller.removesuffix("[bot]")}}})


def create_pull(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    repo = standin.repo_or_404(request.repo)
    body = request.body or {}
    head, base = body.get("head"), body.get("base")
    if f"heads/{head}" not in repo.refs or f"heads/{base}" not in repo.refs:
        raise ApiError(422, "Validation Failed", errors=[{"resource": "PullRequest", "field": "head",
                                                          "code": "invalid"}])
    for number, extra in repo.pulls.items():
        if extra["head"]["ref"] == head and repo.issues[number]["state"] == "open":
            raise ApiError(422, "Validation Failed", errors=[{
                "resource": "PullRequest", "code": "custom",
                "message": f"A pull request already exists for {repo.full_name.split('/')[0]}:{head}."}])
    _check_body(body)
    number = standin.add_pull(repo.full_name, head_sha=repo.refs[f"heads/{head}"], head_ref=str(head),
                              base_ref=base, title=body.get("title", ""),
                              author=request.caller or standin.login)
    repo.issues[number]["body"] = body.get("body") or ""
    return StandinResponse(201, _pull_json(standin, repo, number))


def get_issue(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    return StandinResponse(200, _issue(standin, request))


def list_issues(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    repo = standin.repo_or_404(request.repo)
    state = request.query.get("state", "open")
    wanted = [x for x in request.query.get("labels", "").split(",") if x]
    issues = [i for n, i in sorted(repo.issues.items())
              if (state == "all" or i["state"] == state)
              and all(w in {label["name"] for label in i["labels"]} for w in wanted)]
    # GitHub lists newest first by default.
    issues.reverse()
    return standin.paginate(request, issues)


def create_issue(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    repo = standin.repo_or_404(request.repo)
    text = _check_body(request.body)
    title = (request.body or {}).get("title")
    if not title:
        raise ApiError(422, "Validation Failed", errors=[{"resource": "Issue", "field": "title",
                                                          "code": "missing_field"}])
    number = standin._next_number(repo)
    issue = standin._new_issue(repo, number, title, text, list((request.body or {}).get("labels") or []),
                               request.caller or None)
    repo.issues[number] = issue
    return StandinResponse(201, issue)


def edit_issue(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    issue = _issue(standin, request)
    body = request.body or {}
    if "body" in body:
        issue["body"] = _check_body(body)
    for key in ("title", "state"):
        if key in body:
            issue[key] = body[key]
    if "labels" in body:
        issue["labels"] = [{"name": n} for n in body["labels"]]
    issue["updated_at"] = _now()
    return StandinResponse(200, issue)


def list_comments(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    issue = _issue(standin, request)
    items = [{k: v for k, v in c.items() if k != "issue_number"}
             for c in standin.comments(request.repo, issue["number"])]
    return standin.paginate(request, items)


def create_comment(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    issue = _issue(standin, request)
    text = _check_body(request.body)
    comment = standin._new_comment(standin.repos[request.repo], issue["number"], text, request.caller or None)
    return StandinResponse(201, {k: v for k, v in comment.items() if k != "issue_number"})


def _comment(standin: GitHubStandin, request: StandinRequest) -> dict[str, Any]:
    repo = standin.repo_or_404(request.repo)
    comment = repo.comments.get(int(request.params["comment_id"]))
    if comment is None:
        raise ApiError(404, "Not Found")
    return comment


def get_comment(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    comment = _comment(standin, request)
    return StandinResponse(200, {k: v for k, v in comment.items() if k != "issue_number"})


def edit_comment(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    comment = _comment(standin, request)
    comment["body"] = _check_body(request.body)
    comment["updated_at"] = _now()
    return StandinResponse(200, {k: v for k, v in comment.items() if k != "issue_number"})


def delete_comment(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    comment = _comment(standin, request)
    del standin.repos[request.repo].comments[comment["id"]]
    return StandinResponse(204)


def add_labels(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    issue = _issue(standin, request)
    body = request.body
    names = body.get("labels") if isinstance(body, dict) else body
    if not isinstance(names, list):
        raise ApiError(422, "Invalid request.")
    present = [label["name"] for label in issue["labels"]]
    issue["labels"] = [{"name": n} for n in present + [n for n in names if n not in present]]
    return StandinResponse(200, issue["labels"])


def remove_label(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    issue = _issue(standin, request)
    name = request.params["label"]
    if name not in {label["name"] for label in issue["labels"]}:
        raise ApiError(404, "Label does not exist")
    issue["labels"] = [label for label in issue["labels"] if label["name"] != name]
    return StandinResponse(200, issue["labels"])


def get_ref(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    repo = standin.repo_or_404(request.repo)
    ref = request.params["ref"]
    if ref not in repo.refs:
        raise ApiError(404, "Not Found")
    return StandinResponse(200, _ref_json(standin, repo, ref))


def _ref_json(standin: GitHubStandin, repo: Repo, ref: str) -> dict[str, Any]:
    return {"ref": f"refs/{ref}", "url": standin.url(f"/repos/{repo.full_name}/git/refs/{ref}"),
            "object": {"sha": repo.refs[ref], "type": "commit"}}


def create_ref(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    repo = standin.repo_or_404(request.repo)
    body = request.body or {}
    ref = str(body.get("ref", ""))
    if not ref.startswith("refs/heads/"):
        raise ApiError(422, "Reference name must start with 'refs/heads/'")
    ref = ref.removeprefix("refs/")
    if ref in repo.refs:
        raise ApiError(422, "Reference already exists")
    source_branch = next((r.removeprefix("heads/") for r, sha in repo.refs.items() if sha == body.get("sha")),
                         None)
    if source_branch is None:
        raise ApiError(422, "Object does not exist")
    repo.refs[ref] = body["sha"]
    repo.files[ref.removeprefix("heads/")] = dict(repo.files.get(source_branch, {}))
    return StandinResponse(201, _ref_json(standin, repo, ref))


def _content_json(standin: GitHubStandin, repo: Repo, path: str, branch: str) -> dict[str, Any]:
    content, sha = repo.files[branch][path]
    return {"type": "file", "encoding": "base64", "path": path, "name": path.rsplit("/", 1)[-1],
            "sha": sha, "size": len(content), "content": base64.b64encode(content).decode(),
            "url": standin.url(f"/repos/{repo.full_name}/contents/{path}?ref={branch}")}


def get_contents(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    repo = standin.repo_or_404(request.repo)
    branch = request.query.get("ref", repo.default_branch).removeprefix("refs/heads/")
    path = request.params["path"]
    if path not in repo.files.get(branch, {}):
        raise ApiError(404, "Not Found")
    return StandinResponse(200, _content_json(standin, repo, path, branch))


def put_contents(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    repo = standin.repo_or_404(request.repo)
    body = request.body or {}
    branch = body.get("branch") or repo.default_branch
    path = request.params["path"]
    files = repo.files.get(branch)
    if files is None:
        raise ApiError(404, "Branch not found")
    existing = files.get(path)
    if existing is not None and body.get("sha") != existing[1]:
        raise ApiError(409, f"{path} does not match {body.get('sha')}")
    if existing is None and body.get("sha"):
        raise ApiError(422, "sha wasn't supplied" if not body.get("sha") else "Invalid sha")
    content = base64.b64decode(body.get("content", ""))
    blob_sha = _git_sha("blob", content)
    files[path] = (content, blob_sha)
    commit_sha = _git_sha(repo.refs[f"heads/{branch}"], path, blob_sha, body.get("message"))
    repo.refs[f"heads/{branch}"] = commit_sha
    return StandinResponse(201 if existing is None else 200, {
        "content": _content_json(standin, repo, path, branch),
        "commit": {"sha": commit_sha, "message": body.get("message", "")},
    })


def create_deployment(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    repo = standin.repo_or_404(request.repo)
    body = request.body or {}
    if not body.get("ref"):
        raise ApiError(422, "Validation Failed")
    deployment_id = standin.next_id()
    deployment = {
        "id": deployment_id, "ref": body["ref"], "sha": body["ref"], "task": body.get("task", "deploy"),
        "environment": body.get("environment", "production"), "description": body.get("description"),
        "payload": body.get("payload") or {}, "creator": standin._user(request.caller or None),
        "url": standin.url(f"/repos/{repo.full_name}/deployments/{deployment_id}"),
        "statuses_url": standin.url(f"/repos/{repo.full_name}/deployments/{deployment_id}/statuses"),
        "created_at": _now(), "updated_at": _now(),
        "auto_merge": body.get("auto_merge", True), "required_contexts": body.get("required_contexts"),
    }
    repo.deployments[deployment_id] = deployment
    repo.deployment_statuses[deployment_id] = []
    return StandinResponse(201, deployment)


def list_deployments(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    repo = standin.repo_or_404(request.repo)
    wanted = {k: request.query[k] for k in ("ref", "environment", "task", "sha") if k in request.query}
    found = [d for _, d in sorted(repo.deployments.items(), reverse=True)
             if all(d.get(k) == v for k, v in wanted.items())]
    return standin.paginate(request, found)


def get_deployment(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    repo = standin.repo_or_404(request.repo)
    deployment = repo.deployments.get(int(request.params["deployment_id"]))
    if deployment is None:
        raise ApiError(404, "Not Found")
    return StandinResponse(200, deployment)


def create_deployment_status(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    repo = standin.repo_or_404(request.repo)
    deployment_id = int(request.params["deployment_id"])
    if deployment_id not in repo.deployments:
        raise ApiError(404, "Not Found")
    body = request.body or {}
    states = {"error", "failure", "inactive", "in_progress", "queued", "pending", "success"}
    if body.get("state") not in states:
        raise ApiError(422, "Validation Failed")
    status_id = standin.next_id()
    status = {"id": status_id, "state": body["state"], "description": body.get("description"),
              "environment": body.get("environment") or repo.deployments[deployment_id]["environment"],
              "target_url": body.get("target_url"),
              "log_url": body.get("log_url") or body.get("target_url"),
              "environment_url": body.get("environment_url"),
              "url": standin.url(f"/repos/{repo.full_name}/deployments/{deployment_id}/statuses/{status_id}"),
              "created_at": _now(), "updated_at": _now(), "creator": standin._user(request.caller or None)}
    repo.deployment_statuses[deployment_id].append(status)
    return StandinResponse(201, status)


def list_deployment_statuses(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    repo = standin.repo_or_404(request.repo)
    statuses = repo.deployment_statuses.get(int(request.params["deployment_id"]))
    if statuses is None:
        raise ApiError(404, "Not Found")
    return standin.paginate(request, list(reversed(statuses)))


def _public_environment(environment: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in environment.items() if not k.startswith("_")}


def list_environments(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    repo = standin.repo_or_404(request.repo)
    environments = [_public_environment(e) for _, e in sorted(repo.environments.items())]
    return StandinResponse(200, {"total_count": len(environments), "environments": environments})


def get_environment(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    repo = standin.repo_or_404(request.repo)
    environment = repo.environments.get(request.params["environment"])
    if environment is None:
        raise ApiError(404, "Not Found")
    return StandinResponse(200, _public_environment(environment))


def list_branch_policies(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    repo = standin.repo_or_404(request.repo)
    environment = repo.environments.get(request.params["environment"])
    if environment is None:
        raise ApiError(404, "Not Found")
    policies = environment["_branch_policies"]
    return StandinResponse(200, {"total_count": len(policies), "branch_policies": policies})


def get_branch(standin: GitHubStandin, request: StandinRequest) -> StandinResponse:
    repo = standin.repo_or_404(request.repo)
    branch = request.params["branch"]
    sha = repo.refs.get(f"heads/{branch}")
    if sha is None and branch != repo.default_branch:
        raise ApiError(404, "Branch not found")
    return StandinResponse(200, {
        "name": branch, "commit": {"sha": sha or _git_sha(repo.full_name, branch)},
        "protected": branch in repo.protected_branches,
        "protection_url": standin.url(f"/repos/{repo.full_name}/branches/{branch}/protection"),
    })


_DEFAULT_ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", rf"{REPO}/environments", list_environments),
    ("GET", rf"{REPO}/environments/(?P<environment>[^/]+)", get_environment),
    ("GET", rf"{REPO}/environments/(?P<environment>[^/]+)/deployment-branch-policies", list_branch_policies),
    ("GET", rf"{REPO}/branches/(?P<branch>[^/]+)", get_branch),
    ("GET", "/user", get_authenticated_user),
    ("POST", "/graphql", graphql),
    ("GET", rf"{REPO}/commits/(?P<sha>[0-9a-fA-F]+)/pulls", commit_pulls),
    ("GET", rf"{REPO}/pulls/(?P<number>\d+)/reviews", list_reviews),
    ("GET", REPO, get_repo),
    ("GET", rf"{REPO}/pulls", list_pulls),
    ("POST", rf"{REPO}/pulls", create_pull),
    ("GET", rf"{REPO}/pulls/(?P<number>\d+)", get_pull),
    ("GET", rf"{REPO}/issues", list_issues),
    ("POST", rf"{REPO}/issues", create_issue),
    ("GET", rf"{REPO}/issues/(?P<number>\d+)", get_issue),
    ("PATCH", rf"{REPO}/issues/(?P<number>\d+)", edit_issue),
    ("GET", rf"{REPO}/issues/(?P<number>\d+)/comments", list_comments),
    ("POST", rf"{REPO}/issues/(?P<number>\d+)/comments", create_comment),
    ("GET", rf"{REPO}/issues/comments/(?P<comment_id>\d+)", get_comment),
    ("PATCH", rf"{REPO}/issues/comments/(?P<comment_id>\d+)", edit_comment),
    ("DELETE", rf"{REPO}/issues/comments/(?P<comment_id>\d+)", delete_comment),
    ("POST", rf"{REPO}/issues/(?P<number>\d+)/labels", add_labels),
    ("DELETE", rf"{REPO}/issues/(?P<number>\d+)/labels/(?P<label>[^/]+)", remove_label),
    ("GET", rf"{REPO}/git/ref/(?P<ref>heads/.+)", get_ref),
    ("GET", rf"{REPO}/git/refs/(?P<ref>heads/.+)", get_ref),
    ("POST", rf"{REPO}/git/refs", create_ref),
    ("GET", rf"{REPO}/contents/(?P<path>.+)", get_contents),
    ("PUT", rf"{REPO}/contents/(?P<path>.+)", put_contents),
    ("GET", rf"{REPO}/deployments", list_deployments),
    ("POST", rf"{REPO}/deployments", create_deployment),
    ("GET", rf"{REPO}/deployments/(?P<deployment_id>\d+)", get_deployment),
    ("POST", rf"{REPO}/deployments/(?P<deployment_id>\d+)/statuses", create_deployment_status),
    ("GET", rf"{REPO}/deployments/(?P<deployment_id>\d+)/statuses", list_deployment_statuses),
]
