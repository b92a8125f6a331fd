"""Running ``pipeline-tools`` as a user would, and the one-line error convention."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


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


def assert_one_line_error(result: CliResult, code: int = 2) -> None:
    """Bad input: the documented exit code and exactly one ``error: ...`` line, no traceback."""
    assert result.returncode == code, (result.returncode, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
