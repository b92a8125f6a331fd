"""Error types and the process exit codes they map to.

Every command reports failure as one line, ``error: <message>``, on stderr and exits with one of
the codes below (documented in docs/exit-codes.md). Commands with richer outcomes (the deployer,
the security gate) document their own additional codes next to their command.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    # The command ran correctly and the answer is "no": violations found, drift present,
    # a precondition does not hold.
    FAILED = 1
    # The input is unusable: bad arguments, unreadable or malformed files.
    BAD_INPUT = 2
    # Something outside the tool failed: AWS, GitHub, terraform, a scanner.
    EXTERNAL = 3
    # A bug in pipeline-tools itself.
    INTERNAL = 4


class PipelineError(Exception):
    """Base class: an expected failure with a message fit for a user."""

    exit_code: int = ExitCode.INTERNAL

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class InputError(PipelineError):
    """The user's input (arguments, files, configuration) cannot be used."""

    exit_code = ExitCode.BAD_INPUT


class ExternalError(PipelineError):
    """A system the tool depends on failed or answered something unusable."""

    exit_code = ExitCode.EXTERNAL


class VerdictError(PipelineError):
    """The command worked and its verdict is negative (e.g. violations, drift)."""

    exit_code = ExitCode.FAILED
