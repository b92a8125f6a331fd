"""The GitOps loop on a laptop: a local git repository, the GitHub stand-in, the AWS emulator and
the real workflow files run by :mod:`pipeline_tools.local.workflow_runner`.

:class:`LocalLoop` does what GitHub does around the workflows: it opens pull requests (a branch
with real commits, and the pull request in the stand-in), builds the event payloads GitHub would
send (``pull_request``, ``push``, ``workflow_dispatch``), merges (a real ``--no-ff`` merge commit,
recorded as the pull request's merge commit in the stand-in) and triggers the workflow each event
starts. The scenario tests (tests/e2e/test_loop_*.py) and ``make demo`` drive it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline_tools.core.errors import ExternalError
from pipeline_tools.local.workflow_runner import Event, RunnerSettings, RunResult, WorkflowRunner

if TYPE_CHECKING:
    from pipeline_tools.local.github_standin import GitHubStandin

# The account of a workflow's own GITHUB_TOKEN.
WORKFLOW_TOKEN_ACCOUNT = "github-actions[bot]"
GIT_IDENTITY = ["-c", "user.name=Local Loop", "-c", "user.email=loop@example.invalid",
                "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]


@dataclass
class PullRequest:
    number: int
    branch: str
    base_sha: str
    head_sha: str
    title: str
    author: str
    merge_sha: str | None = None


@dataclass
class LocalLoop:
    repo_dir: Path
    repository: str
    standin: GitHubStandin
    settings: RunnerSettings
    author: str = "contributor"
    reviewer: str = "reviewer1"
    pulls: dict[int, PullRequest] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.runner = WorkflowRunner(self.settings)

    # ----- git ------------------------------------------------------------------------------

    def git(self, *args: str) -> str:
        completed = subprocess.run(["git", *GIT_IDENTITY, *args], cwd=self.repo_dir, text=True,
                                   capture_output=True, check=False)
        if completed.returncode != 0:
            raise ExternalError(f"git {args[0]} failed: {completed.stderr.strip()[-400:]}")
        return completed.stdout.strip()

    def head(self, ref: str = "main") -> str:
        return self.git("rev-parse", ref)

    def commit(self, files: Mapping[str, str | None], message: str) -> str:
        """Write (or, for None, delete) files on the current branch and commit them."""
        for name, text in files.items():
            path = self.repo_dir / name
            if text is None:
                self.git("rm", "-q", "-r", "--", name)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            self.git("add", "--", name)
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.head("HEAD")

    # ----- pull requests --------------------------------------------------------------------

    def open_pull_request(self, branch: str, files: Mapping[str, str | None], title: str) -> PullRequest:
        """A branch from main with one commit, and its pull request in the stand-in."""
        base_sha = self.head("main")
        self.git("checkout", "-q", "-b", branch, "main")
        try:
            head_sha = self.commit(files, title)
        finally:
            self.git("checkout", "-q", "main")
        number = self.standin.add_pull(self.repository, head_sha=head_sha, head_ref=branch, title=title,
                                       author=self.author)
        pull = PullRequest(number, branch, base_sha, head_sha, title, self.author)
        self.pulls[number] = pull
        return pull

    def pull_request_opened_by_api(self, number: int) -> PullRequest:
        """A pull request opened through the API (by a workflow, e.g. promote.yml): the stand-in
        holds its branch as files; as GitHub's repository would, the local repository gets that
        branch as one real commit on its base with the files it changed, which becomes its head."""
        repo = self.standin.repo_or_404(self.repository)
        if number not in repo.pulls:
            raise ExternalError(f"no pull request #{number} in the stand-in")
        extra, issue = repo.pulls[number], repo.issues[number]
        branch, base = extra["head"]["ref"], extra["base"]["ref"]
        changed = {path: content.decode() for path, (content, blob) in repo.files.get(branch, {}).items()
                   if repo.files.get(base, {}).get(path, (b"", ""))[1] != blob}
        base_sha = self.head(base)
        self.git("checkout", "-q", "-b", branch, base)
        try:
            head_sha = self.commit(changed, issue["title"])
        finally:
            self.git("checkout", "-q", "main")
        self.standin.set_head(self.repository, number, head_sha)
        repo.refs[f"heads/{branch}"] = head_sha
        pull = PullRequest(number, branch, base_sha, head_sha, issue["title"], issue["user"]["login"])
        self.pulls[number] = pull
        return pull

    def approve(self, pull: PullRequest, login: str | None = None) -> None:
        self.standin.add_review(self.repository, pull.number, login=login or self.reviewer,
                                commit_id=pull.head_sha)

    def merge(self, pull: PullRequest) -> tuple[str, str]:
        """Merge into main with a merge commit; returns (main before, main after)."""
        before = self.head("main")
        self.git("merge", "-q", "--no-ff", "-m", f"Merge pull request #{pull.number} from {pull.branch}",
                 pull.branch)
        after = self.head("main")
        self.standin.merge_pull(self.repository, pull.number, merge_commit_sha=after)
        pull.merge_sha = after
        return before, after

    def push_to_main(self, files: Mapping[str, str | None], message: str) -> tuple[str, str]:
        """A commit pushed straight to main, outside any pull request."""
        before = self.head("main")
        return before, self.commit(files, message)

    # ----- events ---------------------------------------------------------------------------

    def _repository_payload(self) -> dict[str, Any]:
        owner, name = self.repository.split("/")
        return {"full_name": self.repository, "name": name, "owner": {"login": owner},
                "default_branch": "main", "private": True}

    def pull_request_event(self, pull: PullRequest, action: str = "opened") -> Event:
        repository = self._repository_payload()
        payload = {
            "action": action, "number": pull.number, "repository": repository,
            "pull_request": {
                "number": pull.number, "title": pull.title, "user": {"login": pull.author},
                "head": {"sha": pull.head_sha, "ref": pull.branch, "repo": repository},
                "base": {"sha": pull.base_sha, "ref": "main", "repo": repository},
            },
        }
        # GitHub runs a pull request's workflows on a merge commit of head into base; head
        # alone is equivalent here because every branch starts from the current main.
        return Event("pull_request", payload, pull.head_sha, f"refs/pull/{pull.number}/merge", pull.author)

    def push_event(self, before: str, after: str) -> Event:
        message = self.git("log", "-1", "--format=%s", after)
        payload = {"ref": "refs/heads/main", "before": before, "after": after,
                   "repository": self._repository_payload(),
                   "head_commit": {"id": after, "message": message}}
        return Event("push", payload, after, "refs/heads/main", self.author)

    def dispatch_event(self, inputs: Mapping[str, Any]) -> Event:
        sha = self.head("main")
        payload = {"ref": "refs/heads/main", "inputs": dict(inputs), "repository": self._repository_payload()}
        return Event("workflow_dispatch", payload, sha, "refs/heads/main", self.author)

    # ----- what GitHub triggers -------------------------------------------------------------

    def run_pull_request(self, pull: PullRequest, workflow: str = "terraform-pr.yml") -> RunResult:
        """The run GitHub starts for ``pull``; none for one opened with a workflow's own token
        (GitHub's rule against recursive runs): ExternalError."""
        if pull.author.lower() == WORKFLOW_TOKEN_ACCOUNT:
            raise ExternalError(f"pull request #{pull.number} was opened by {pull.author}: GitHub starts "
                                "no workflow for it")
        return self.runner.run(workflow, self.pull_request_event(pull))

    def run_push(self, before: str, after: str, workflow: str = "terraform-apply.yml") -> RunResult:
        return self.runner.run(workflow, self.push_event(before, after))

    def run_dispatch(self, workflow: str, inputs: Mapping[str, Any]) -> RunResult:
        return self.runner.run(workflow, self.dispatch_event(inputs))

    def comments(self, pull: PullRequest) -> list[str]:
        return [c["body"] for c in self.standin.comments(self.repository, pull.number)]


COPIED_FROM_THIS_REPOSITORY = (".github", "pipeline-tools.yml", "security/policy.yml")


def init_repository(repo_dir: Path, files: Mapping[str, str], copy_from: Path,
                    copied: tuple[str, ...] = COPIED_FROM_THIS_REPOSITORY) -> str:
    """A fresh git repository holding ``copied`` (from ``copy_from``: the workflows, the config)
    and ``files``, committed on main; returns the commit."""
    import shutil

    repo_dir.mkdir(parents=True)
    for name in copied:
        source = copy_from / name
        if source.is_dir():
            shutil.copytree(source, repo_dir / name)
        elif source.exists():
            (repo_dir / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo_dir / name)
    for name, text in files.items():
        (repo_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (repo_dir / name).write_text(text)
    run: Callable[..., Any] = subprocess.run
    run(["git", *GIT_IDENTITY, "init", "-q", "-b", "main"], cwd=repo_dir, check=True, capture_output=True)
    run(["git", *GIT_IDENTITY, "add", "-A"], cwd=repo_dir, check=True, capture_output=True)
    run(["git", *GIT_IDENTITY, "commit", "-q", "-m", "initial commit"], cwd=repo_dir, check=True,
        capture_output=True)
    return str(run(["git", "rev-parse", "HEAD"], cwd=repo_dir, check=True, capture_output=True,
                   text=True).stdout.strip())
