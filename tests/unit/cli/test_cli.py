"""The CLI shell: help for every subcommand, one-line errors, fast start."""

from __future__ import annotations

import argparse

import pytest

from pipeline_tools.cli.main import _command_modules, build_parser
from tests.support.cli import assert_one_line_error, run_cli
from tests.support.paths import FIXTURES


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


# Most tests run the CLI in-process (tests/support/cli.py). These run it as a user does, in its own
# process, and check that the in-process runner reports exactly what the real process does.

def test_the_console_script_runs_as_installed():
    import subprocess
    import sys
    from pathlib import Path

    from pipeline_tools import __version__

    script = Path(sys.executable).parent / "pipeline-tools"
    completed = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == f"pipeline-tools {__version__}"


@pytest.mark.parametrize("argv", [
    ("--help",),
    ("no-such-command",),
    ("local", "up", "--no-such-flag"),
    ("plan", "summarize", "/no/such/plan.json"),
    ("plan", "summarize", "-", "--format", "text"),
    ("plan", "summarize", "-", "--format", "json"),
])
def test_a_real_process_and_the_in_process_runner_agree(argv):
    plan = (FIXTURES / "plans" / "terraform-json" / "110_sensitive_values__plan.json").read_bytes()
    real = run_cli(*argv, input=plan, subprocess=True)
    here = run_cli(*argv, input=plan, subprocess=False)
    assert (here.returncode, here.stdout, here.stderr) == (real.returncode, real.stdout, real.stderr)
    assert real.returncode in (0, 2) and "Traceback" not in real.stderr
    if real.returncode == 2:
        assert_one_line_error(real)


def test_each_command_module_registers_the_command_of_its_own_name():
    # What lets `pipeline-tools <command> ...` register only that command's module (start-up).
    for module_name in _command_modules():
        command = module_name.rsplit(".", 1)[1]
        (commands,) = [a for a in build_parser(command)._actions if isinstance(a, argparse._SubParsersAction)]
        assert list(commands.choices) == [command]


def test_a_named_command_parses_and_fails_as_with_the_whole_parser(cli):
    words = ["plan", "summarize", "plan.json", "--format", "json", "--max-chars", "1000"]
    assert vars(build_parser("plan").parse_args(words)) == vars(build_parser().parse_args(words))
    # Words that name no command get the whole parser: the same one-line errors as before.
    for first in ("no-such-command", "_plan_summarize", "__init__", "--no-such-flag"):
        assert_one_line_error(cli(first))
    bad_flag = cli("plan", "summarize", "plan.json", "--no-such-flag")
    assert_one_line_error(bad_flag)
    assert "unrecognized arguments: --no-such-flag" in bad_flag.stderr


def test_a_command_imports_no_other_command(cli, tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text('{"format_version": "1.2", "resource_changes": []}')
    probe = (
        "import sys, contextlib, io\n"
        "from pipeline_tools.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['plan', 'summarize', {str(plan)!r}, '--format', 'json']) == 0\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith('pipeline_tools.cli.commands.'))))\n"
    )
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    imported = [name.rsplit(".", 1)[1] for name in out.stdout.strip().split(",")]
    assert "plan" in imported and "_plan_summarize" in imported
    assert [name for name in imported if name != "plan" and not name.startswith("_plan_")] == []
