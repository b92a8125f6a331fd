"""The ``github_standin`` pytest fixture: the local GitHub API stand-in
(:mod:`pipeline_tools.local.github_standin`, which tests import directly), fresh for each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipeline_tools.local.github_standin import GitHubStandin


@pytest.fixture
def github_standin() -> Iterator[GitHubStandin]:
    """A fresh stand-in per test, already serving; ``standin.base_url`` is the API base URL and
    ``standin.token`` the token it accepts."""
    standin = GitHubStandin().start()
    try:
        yield standin
    finally:
        standin.stop()
