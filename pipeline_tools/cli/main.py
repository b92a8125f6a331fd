"""The ``pipeline-tools`` command line: a thin shell over the packages below it.

Each subcommand lives in its own module in :mod:`pipeline_tools.cli.commands` and exposes
``register(subparsers)``. Those modules import only ``argparse`` at module level; heavy imports
(boto3, PyGithub, jinja2, hcl2) happen inside the handler that needs them, so ``--help`` is fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from pipeline_tools import __version__
from pipeline_tools.core.errors import ExitCode, PipelineError
from pipeline_tools.core.redaction import error_line

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import NoReturn

PROG = "pipeline-tools"


class ArgumentParser(argparse.ArgumentParser):
    """argparse with a one-line ``error: ...`` report instead of usage plus message."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"error: {error_line(message)} (see '{self.prog} --help')\n")
        raise SystemExit(ExitCode.BAD_INPUT)

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse asks shutil for the terminal's width, and importing shutil imports zlib, bz2
        # and lzma: a few milliseconds of every command's start-up, for help nobody asked for.
        # (Every HelpFormatter takes width; typeshed's protocol for formatter_class names only prog.)
        formatter_class: Callable[..., argparse.HelpFormatter] = self.formatter_class
        return formatter_class(prog=self.prog, width=_help_width())


def _help_width() -> int:
    """The width argparse would use: shutil.get_terminal_size()'s columns, less two."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 0
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns or 80) - 2


def _command_modules(command: str | None = None) -> list[str]:
    """The modules of every command, or only the module of ``command`` when one is named so
    (each module registers the command of its own name; tests/unit/cli/test_cli.py checks it)."""
    import pipeline_tools.cli.commands as package

    if command is not None and command.isidentifier() and not command.startswith("_"):
        import importlib.util

        module_name = f"{package.__name__}.{command}"
        if importlib.util.find_spec(module_name) is not None:
            return [module_name]
    import pkgutil

    return sorted(
        f"{package.__name__}.{info.name}"
        for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_")
    )


def build_parser(command: str | None = None) -> ArgumentParser:
    """The whole command line's parser; with ``command`` (the first word a user typed), only that
    command is registered when it names one: building every command's parser costs more start-up
    than a small plan's whole summary, and parsing a command's arguments needs only its own. Any
    other first word (an option, a typo) gets the whole parser and its usual messages."""
    parser = ArgumentParser(
        prog=PROG,
        description="GitOps CI/CD toolkit for Terraform on AWS.",
        epilog="Exit codes: 0 success, 1 negative verdict, 2 bad input, 3 external failure, "
        "4 internal error. Some commands add their own (see their --help).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ArgumentParser)
    subparsers.required = True
    for module_name in _command_modules(command):
        importlib.import_module(module_name).register(subparsers)
    return parser


# Whether the last command that ran said its process may end without the interpreter's teardown.
_exit_without_teardown = False


def main(argv: Sequence[str] | None = None) -> int:
    global _exit_without_teardown
    _exit_without_teardown = False
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(words[0] if words else None)
    args = parser.parse_args(words)
    try:
        result = args.func(args)
        _exit_without_teardown = bool(getattr(args, "exit_without_teardown", False))
    except PipelineError as exc:
        sys.stderr.write(f"error: {error_line(str(exc))}\n")
        return int(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error of ours.
        _silence_stdout()
        return ExitCode.OK
    except Exception as exc:  # a bug: still one line, never a traceback with secrets in locals
        if os.environ.get("PIPELINE_TOOLS_DEBUG"):
            raise
        sys.stderr.write(
            f"error: internal error ({type(exc).__name__}: {error_line(str(exc))}); "
            "set PIPELINE_TOOLS_DEBUG=1 for a traceback\n"
        )
        return ExitCode.INTERNAL
    return ExitCode.OK if result is None else int(result)


def entry() -> NoReturn:
    """The ``pipeline-tools`` program: :func:`main`, then the exit.

    A command that holds a big document to the end (``plan summarize``) marks itself
    ``exit_without_teardown``: once its output is flushed, the process ends with ``os._exit``
    instead of freeing every object one by one (a tenth of a 40 MB plan's summary), as mypy does.
    Nothing else is skipped: the command's files are written and closed, and no atexit handler
    of this package exists."""
    code = main()
    if _exit_without_teardown:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BrokenPipeError:
            _silence_stdout()
        os._exit(code)
    sys.exit(code)


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    entry()
