"""The ``loop`` fixture: a :class:`pipeline_tools.local.loop_sandbox.Sandbox` (a fresh repository
with the real workflow files and tiny dev/staging roots of SSM parameters, its state bucket and
OIDC roles in the session's AWS emulator, and a fresh GitHub stand-in) for each scenario test.

Stand-in, because nothing here can run it: ``tfsec`` (a download) is replaced by
pipeline_tools/local/cli_standins.py, the tfsec install step by a no-op
(docs/local-workflows.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline_tools.local.emulator import Emulator
from pipeline_tools.local.github_standin import GitHubStandin
from pipeline_tools.local.loop_sandbox import CONFIGURE_AWS, Sandbox, build_sandbox, parameter
from tests.support.paths import REPO_ROOT

__all__ = ["CONFIGURE_AWS", "LoopWorld", "loop", "parameter"]

LoopWorld = Sandbox


@pytest.fixture
def loop(emulator: Emulator, tmp_path: Path) -> Iterator[Sandbox]:
    standin = GitHubStandin().start()
    try:
        yield build_sandbox(tmp_path, emulator.endpoint, standin, REPO_ROOT)
    finally:
        standin.stop()
