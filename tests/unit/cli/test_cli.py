"""The CLI shell: help for every subcommand, one-line errors, fast start."""

from __future__ import annotations

import argparse

from pipeline_tools.cli.main import build_parser
from tests.support.cli import assert_one_line_error


def _all_parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _all_parsers(sub, (*path, name))


def test_every_subcommand_has_its_own_help(cli):
    top = cli("--help")
    assert top.returncode == 0
    for path, _parser in _all_parsers(build_parser()):
        if not path:
            continue
        if len(path) == 1:
            assert path[0] in top.stdout, f"{path[0]} missing from pipeline-tools --help"
        result = cli(*path, "--help")
        assert result.returncode == 0, (path, result.stderr)
        assert result.stdout.startswith(f"usage: pipeline-tools {' '.join(path)}"), result.stdout[:200]


def test_unknown_command_is_one_line_error(cli):
    assert_one_line_error(cli("no-such-command"))


def test_unknown_flag_is_one_line_error(cli):
    assert_one_line_error(cli("local", "up", "--no-such-flag"))


def test_help_does_not_import_heavy_libraries(cli):
    # --help must stay fast: the heavy SDKs load only inside the commands that use them.
    probe = (
        "import sys, contextlib, io\n"
        "from pipeline_tools.cli.main import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])\n"
        "heavy = [m for m in ('boto3', 'botocore', 'github', 'jinja2', 'hcl2', 'requests', 'moto')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"--help imported {out.stdout.strip()}"
