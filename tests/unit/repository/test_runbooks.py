"""Every command in every runbook is real.

``pipeline-tools`` lines parse against the real CLI parser; ``terraform`` lines name subcommands
that the installed terraform has; ``aws`` lines name services, operations (or waiters) and
options that exist in botocore's service models. The rollback, promotion and status runbooks are
then exercised against the emulator with their placeholders filled in (tests/support/promote_world.py).
"""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
from functools import cache

import pytest

from pipeline_tools.cli.main import build_parser
from pipeline_tools.integrations.terraform import terraform_env
from tests.support.runbook_commands import Command, all_commands, commands, runbooks

SECTIONS = ("## Symptoms", "## Diagnosis", "## Fix", "## Verify", "## Escalate")
# Typed sample values so that argparse's type checks (e.g. --pr N) see what a user would type.
SAMPLES = {
    "PR_NUMBER": "12",
    "DIGEST": "sha256:" + "a" * 64,
    "PREVIOUS_DIGEST": "sha256:" + "b" * 64,
    "ENV": "prod",
    "SERVICE": "api",
    "LOCK_ID": "0b4c6e1a-1f4d-4a2e-9c1b-5f2e8d7a6b3c",
}
AWS_GLOBAL_OPTIONS = {"query", "output", "region", "profile", "endpoint-url", "no-paginate", "max-items",
                      "starting-token", "page-size", "cli-input-json", "debug", "no-cli-pager"}
# CLI names that differ from botocore's service names.
AWS_SERVICE_ALIASES = {"s3api": "s3"}


def _by_tool(tool: str) -> list[Command]:
    return [c for c in all_commands() if c.argv(SAMPLES)[:1] == [tool]]


def test_runbooks_exist_and_have_every_section():
    names = {path.name for path in runbooks()}
    assert len(names) >= 10
    for path in runbooks():
        text = path.read_text()
        for section in SECTIONS:
            assert section in text, f"{path.name} lacks '{section}'"
        assert commands(path), f"{path.name} has no commands"


@pytest.mark.parametrize("command", _by_tool("pipeline-tools"), ids=lambda c: f"{c.runbook}:{c.line[:60]}")
def test_pipeline_tools_lines_parse_against_the_cli(command: Command):
    parser = build_parser()
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        try:
            parser.parse_args(command.argv(SAMPLES)[1:])
        except SystemExit as exc:
            pytest.fail(f"{command.runbook}: '{command.line}' does not parse: {stderr.getvalue().strip()} "
                        f"(exit {exc.code})")


@cache
def _terraform_subcommands() -> set[str]:
    names = set()
    for args in (["-help"], ["state", "-help"]):
        out = subprocess.run(["terraform", *args], capture_output=True, text=True, check=False,
                             env=terraform_env()).stdout
        prefix = "state " if args[0] == "state" else ""
        names |= {prefix + m.group(1) for m in re.finditer(r"^ {2,4}([a-z][a-z-]+)\s", out, re.MULTILINE)}
    return names


@pytest.mark.parametrize("command", _by_tool("terraform"), ids=lambda c: f"{c.runbook}:{c.line[:60]}")
def test_terraform_lines_use_real_subcommands(command: Command):
    words = [w for w in command.argv(SAMPLES)[1:] if not w.startswith("-chdir=")]
    subcommand = words[0]
    if subcommand == "state":
        subcommand = f"state {words[1]}"
    assert subcommand in _terraform_subcommands(), f"{command.runbook}: terraform {subcommand} does not exist"


@cache
def _botocore():
    import botocore.session

    return botocore.session.get_session()


@pytest.mark.parametrize("command", _by_tool("aws"), ids=lambda c: f"{c.runbook}:{c.line[:60]}")
def test_aws_lines_use_real_operations_and_options(command: Command):
    from botocore import xform_name

    words = command.argv(SAMPLES)[1:]
    service = AWS_SERVICE_ALIASES.get(words[0], words[0])
    session = _botocore()
    assert service in session.get_available_services(), f"{command.runbook}: aws {words[0]} is not a service"
    model = session.get_service_model(service)
    options = {w[2:] for w in words[2:] if w.startswith("--")}
    if words[1] == "wait":
        waiters = {xform_name(name, "-") for name in session.get_waiter_model(service).waiter_names}
        assert words[2] in waiters, f"{command.runbook}: aws {words[0]} wait {words[2]} does not exist"
        operation = model.operation_model(session.get_waiter_model(service).get_waiter(
            next(n for n in session.get_waiter_model(service).waiter_names
                 if xform_name(n, "-") == words[2])).operation)
    else:
        operations = {xform_name(name, "-"): name for name in model.operation_names}
        assert words[1] in operations, f"{command.runbook}: aws {words[0]} {words[1]} does not exist"
        operation = model.operation_model(operations[words[1]])
    members = {xform_name(m, "-") for m in (operation.input_shape.members if operation.input_shape else {})}
    for option in options - AWS_GLOBAL_OPTIONS:
        name = option.removeprefix("no-") if option.removeprefix("no-") in members else option
        assert name in members, f"{command.runbook}: aws {words[0]} {words[1]} has no option --{option}"
