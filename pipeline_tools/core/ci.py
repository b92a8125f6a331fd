"""The GitHub Actions environment: the one place that reads the runner's ``GITHUB_*`` variables.

Every command that behaves differently in a workflow (links to the run, the job summary, workflow
annotations, the pull request's head commit) asks :class:`CIEnvironment` instead of reading
``os.environ``; tests build one from a plain dict. Credentials (``GITHUB_TOKEN``,
``GITHUB_API_URL``) are read by the GitHub integration, not here.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

_SHA = re.compile(r"^[0-9a-fA-F]{7,64}$")


@dataclass(frozen=True)
class CIEnvironment:
    """What GitHub Actions tells a step about its run; every field is "" outside Actions."""

    in_actions: bool = False  # GITHUB_ACTIONS=true
    repository: str = ""  # GITHUB_REPOSITORY, OWNER/NAME
    server_url: str = ""  # GITHUB_SERVER_URL, e.g. https://github.com
    sha: str = ""  # GITHUB_SHA (for pull_request events: the merge commit, not the head)
    run_id: str = ""
    run_attempt: str = ""
    workflow: str = ""
    actor: str = ""
    event_path: str = ""  # GITHUB_EVENT_PATH: the triggering event's JSON
    step_summary: str = ""  # GITHUB_STEP_SUMMARY: the job summary file

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> CIEnvironment:
        env = os.environ if env is None else env
        return cls(
            in_actions=env.get("GITHUB_ACTIONS") == "true",
            repository=env.get("GITHUB_REPOSITORY", ""),
            server_url=env.get("GITHUB_SERVER_URL", ""),
            sha=env.get("GITHUB_SHA", ""),
            run_id=env.get("GITHUB_RUN_ID", ""),
            run_attempt=env.get("GITHUB_RUN_ATTEMPT", ""),
            workflow=env.get("GITHUB_WORKFLOW", ""),
            actor=env.get("GITHUB_ACTOR", ""),
            event_path=env.get("GITHUB_EVENT_PATH", ""),
            step_summary=env.get("GITHUB_STEP_SUMMARY", ""),
        )

    def run_key(self) -> str | None:
        """``RUN_ID.RUN_ATTEMPT``: orders runs of one workflow (a re-run has a larger attempt)."""
        if not self.run_id.isdigit():
            return None
        return f"{self.run_id}.{self.run_attempt if self.run_attempt.isdigit() else '1'}"

    def run_url(self) -> str | None:
        """This workflow run's page, when running in GitHub Actions."""
        if self.server_url and self.repository and self.run_id:
            return f"{self.server_url.rstrip('/')}/{self.repository}/actions/runs/{self.run_id}"
        return None

    def commit_url(self, commit: str) -> str:
        """A link to ``commit`` in this repository, or "" when the repository is not known."""
        if commit and self.server_url and self.repository:
            return f"{self.server_url}/{self.repository}/commit/{commit}"
        return ""

    def run_description(self) -> str | None:
        """``GitHub Actions WORKFLOW run ID by ACTOR``, or None outside a workflow run."""
        if not self.run_id:
            return None
        return f"GitHub Actions {self.workflow or 'workflow'} run {self.run_id} by {self.actor or 'unknown'}"

    def pull_request_head_sha(self, number: int) -> str | None:
        """The head commit of the triggering ``pull_request`` event when it is pull request ``number``.

        For pull_request events GITHUB_SHA is the merge commit; the head is only in the event.
        """
        if not self.event_path:
            return None
        try:
            with open(self.event_path, encoding="utf-8") as handle:
                event = json.load(handle)
        except (OSError, ValueError):
            return None
        pull = event.get("pull_request") if isinstance(event, dict) else None
        if not isinstance(pull, dict) or pull.get("number") != number:
            return None
        sha = (pull.get("head") or {}).get("sha")
        return sha if isinstance(sha, str) and _SHA.match(sha) else None

    def append_step_summary(self, text: str) -> None:
        """Append ``text`` to the job summary, as Actions expects (it may hold other steps' text).

        Raises OSError when the file cannot be written; does nothing outside Actions.
        """
        if not self.step_summary:
            return
        with open(self.step_summary, "a", encoding="utf-8") as handle:
            handle.write(text + "\n")
