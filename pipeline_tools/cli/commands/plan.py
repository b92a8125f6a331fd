"""``pipeline-tools plan ...``: commands that read terraform plans.

Each ``plan`` subcommand lives in its own module ``pipeline_tools/cli/commands/_plan_<name>.py`` with a
``register(actions)`` function, discovered here, so that they can evolve independently.
"""

from __future__ import annotations

import argparse
import importlib
import os


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "plan",
        help="summarize, comment on and fingerprint terraform plans",
        description="Work with the JSON form of terraform plans (terraform show -json PLANFILE).",
    )
    actions = parser.add_subparsers(dest="plan_action", metavar="ACTION", parser_class=type(parser))
    actions.required = True
    import pipeline_tools.cli.commands as package

    # A directory listing, not pkgutil.iter_modules, which imports pkgutil and inspect on every plan
    # command's start-up (benchmarks/bench_plan_summarize.py measures it); the modules are plain .py.
    names = sorted(
        entry[: -len(".py")]
        for directory in package.__path__
        for entry in os.listdir(directory)
        if entry.startswith("_plan_") and entry.endswith(".py")
    )
    for name in names:
        importlib.import_module(f"{package.__name__}.{name}").register(actions)
