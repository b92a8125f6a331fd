"""Running ``pipeline-tools`` as a user would, and the one-line error convention.

Two ways to run the command line, with the same result type:

- **in-process** (the default for tests without a slow marker): ``pipeline_tools.cli.main.main``
  called in this interpreter with its own stdin/stdout/stderr, environment and working directory,
  ``SystemExit`` turned into the exit code and an escaping exception into a traceback on stderr
  and exit code 1, exactly what the interpreter would do. It saves the ~0.3 s of interpreter
  start-up and imports each separate process pays, which was most of ``make test-fast``.
- **subprocess**: ``python -m pipeline_tools`` in a separate process, real exit code and streams.
  Used by tests marked ``terraform``, ``emulator`` or ``checkov`` (end-to-end by intent; their
  cost is terraform and moto, not start-up), by tests that pass ``subprocess=True`` (the console
  script, exit codes and no-traceback behaviour of a real process), and by every test when
  ``PIPELINE_TOOLS_TEST_CLI=subprocess`` is set.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess as _subprocess
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str


# Set per test by pytest_runtest_setup in tests/conftest.py (True for slow-marked tests).
_subprocess_by_default = False


def use_subprocess_by_default(value: bool) -> None:
    global _subprocess_by_default
    _subprocess_by_default = value


def _forced_subprocess() -> bool:
    return os.environ.get("PIPELINE_TOOLS_TEST_CLI", "") == "subprocess"


def run_cli(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None,
            cwd: Path | None = None, timeout: float = 600, subprocess: bool | None = None) -> CliResult:
    """Run ``pipeline-tools ARGS``; ``env`` is added to this process's environment.

    ``subprocess=True`` insists on a separate process; ``None`` lets the test's markers decide
    (see the module docstring). ``timeout`` bounds a separate process only.
    """
    separate = subprocess if subprocess is not None else (_subprocess_by_default or _forced_subprocess())
    if separate:
        return run_cli_subprocess(*args, input=input, env=env, cwd=cwd, timeout=timeout)
    return run_cli_in_process(*args, input=input, env=env, cwd=cwd)


def run_cli_subprocess(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None,
                       cwd: Path | None = None, timeout: float = 600) -> CliResult:
    """Run ``pipeline-tools`` as a user would: a separate process, real exit code and streams."""
    full_env = {**os.environ, **(env or {})}
    completed = _subprocess.run(
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


def run_cli_in_process(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None,
                       cwd: Path | None = None) -> CliResult:
    """Run ``pipeline_tools.cli.main.main(args)`` here, as ``python -m pipeline_tools`` would."""
    from pipeline_tools.cli.main import main

    stdin_bytes = input.encode() if isinstance(input, str) else (input or b"")
    stdout_bytes, stderr_bytes = io.BytesIO(), io.BytesIO()
    # What the interpreter gives a process whose streams are pipes: UTF-8 text over bytes, stderr
    # with backslashreplace, not a terminal.
    stdin = io.TextIOWrapper(io.BytesIO(stdin_bytes), encoding="utf-8")
    stdout = io.TextIOWrapper(stdout_bytes, encoding="utf-8", write_through=True)
    stderr = io.TextIOWrapper(stderr_bytes, encoding="utf-8", errors="backslashreplace",
                              write_through=True)
    with _process_state(env, cwd), _streams(stdin, stdout, stderr):
        try:
            returncode = main(list(args))
        except SystemExit as exc:
            returncode = _exit_status(exc.code, stderr)
        except BaseException:  # what the interpreter does with an uncaught exception
            traceback.print_exc(file=stderr)
            returncode = 1
        stdout.flush()
        stderr.flush()
    return CliResult(returncode, stdout_bytes.getvalue().decode(errors="replace"),
                     stderr_bytes.getvalue().decode(errors="replace"))


def _exit_status(code: object, stderr: io.TextIOBase) -> int:
    """``sys.exit(code)``'s status, as the interpreter computes it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    stderr.write(f"{code}\n")
    return 1


@contextlib.contextmanager
def _process_state(env: dict[str, str] | None, cwd: Path | None) -> Iterator[None]:
    """The environment and working directory of the run, restored afterwards."""
    saved_env = dict(os.environ)
    saved_cwd = os.getcwd()
    os.environ.update(env or {})
    # boto3 caches its default session (credentials, region) across calls; a new process would not.
    # A fresh process has no logging handlers, so a warning reaches stderr through logging's
    # last resort; pytest's capture handler on the root logger would swallow it here.
    root_logger = logging.getLogger()
    saved_handlers, saved_level = root_logger.handlers[:], root_logger.level
    root_logger.handlers, root_logger.level = [], logging.WARNING
    boto3 = sys.modules.get("boto3")
    saved_session = getattr(boto3, "DEFAULT_SESSION", None)
    if boto3 is not None:
        boto3.DEFAULT_SESSION = None
    try:
        if cwd is not None:
            os.chdir(cwd)
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        root_logger.handlers, root_logger.level = saved_handlers, saved_level
        if boto3 is not None:
            boto3.DEFAULT_SESSION = saved_session


@contextlib.contextmanager
def _streams(stdin: io.TextIOBase, stdout: io.TextIOBase, stderr: io.TextIOBase) -> Iterator[None]:
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = stdin, stdout, stderr  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved


def assert_one_line_error(result: CliResult, code: int = 2) -> None:
    """Bad input: the documented exit code and exactly one ``error: ...`` line, no traceback."""
    assert result.returncode == code, (result.returncode, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
