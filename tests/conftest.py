"""Shared fixtures: the local AWS emulator (a real moto server over HTTP) and CLI runners."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline_tools.local import emulator as emulator_module
from pipeline_tools.local.emulator import Emulator

# Fixtures shared across modules: `github_standin` (local GitHub API), `world` (promotion world).
pytest_plugins = ["tests.github_standin", "tests.promote_world"]

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """One moto server for the session; tests that need a clean slate call ``reset()``."""
    server = emulator_module.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def aws_env(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Point boto3 (in this process) at the emulator."""
    env = emulator.env()
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return env


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None,
            cwd: Path | None = None, timeout: float = 600) -> CliResult:
    """Run ``pipeline-tools`` as a user would: a separate process, real exit code and streams."""
    full_env = {**os.environ, **(env or {})}
    completed = subprocess.run(
        [sys.executable, "-m", "pipeline_tools", *args],
        input=input.encode() if isinstance(input, str) else input,
        capture_output=True,
        env=full_env,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )
    return CliResult(
        completed.returncode,
        completed.stdout.decode(errors="replace"),
        completed.stderr.decode(errors="replace"),
    )


@pytest.fixture
def cli():
    return run_cli


def assert_one_line_error(result: CliResult, code: int = 2) -> None:
    """Bad input: the documented exit code and exactly one ``error: ...`` line, no traceback."""
    assert result.returncode == code, (result.returncode, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
