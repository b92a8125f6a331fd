"""Shared fixtures: the local AWS emulator (a real moto server over HTTP) and CLI runners.

Helpers live in :mod:`tests.support`; the names below are re-exported for older test modules.
Tests that need the emulator are marked ``emulator`` automatically (see
:func:`pytest_collection_modifyitems`), so ``-m "not emulator"`` leaves them out.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipeline_tools.local import emulator as emulator_module
from pipeline_tools.local.emulator import Emulator
from tests.support import cli as cli_support
from tests.support.cli import CliResult, assert_one_line_error, run_cli
from tests.support.paths import FIXTURES, REPO_ROOT

__all__ = ["FIXTURES", "REPO_ROOT", "CliResult", "assert_one_line_error", "run_cli"]

# Fixtures shared across modules: `github_standin` (local GitHub API), `world` (promotion world),
# `loop` (the workflow files run locally).
pytest_plugins = ["tests.support.github_standin", "tests.support.promote_world", "tests.support.loop_world"]


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


@pytest.fixture
def cli():
    return run_cli


# Markers of tests that are end-to-end by intent: their `run_cli` calls start a real process.
SLOW_MARKERS = ("terraform", "emulator", "checkov")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """`run_cli` runs in-process unless the test carries a slow marker (see tests/support/cli.py).

    A hook, not a fixture: it must hold before the test's module-scoped fixtures run the CLI too.
    """
    cli_support.use_subprocess_by_default(
        any(item.get_closest_marker(name) for name in SLOW_MARKERS))


def pytest_runtest_teardown(item: pytest.Item) -> None:
    cli_support.use_subprocess_by_default(False)


# Fixtures that start a moto server (directly or through another fixture): `emulator` and its
# users, the promotion world, and the module-scoped servers of the emulator test modules. A new
# fixture that calls `emulator_module.start()` belongs here (or its tests need the marker).
EMULATOR_FIXTURES = frozenset({"emulator", "aws_env", "world", "fresh", "patched", "stock",
                               "running_emulator", "dev_run", "ecs_emulator"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that needs a moto server ``emulator``, so ``-m "not emulator"`` skips it."""
    for item in items:
        if EMULATOR_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.emulator)
