"""``pipeline-tools plan ...``: commands that read terraform plans.

Each ``plan`` subcommand lives in its own module ``pipeline_tools/cli/commands/_plan_<name>.py`` with a
``register(actions)`` function, discovered here, so that they can evolve independently.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "plan",
        help="summarize, comment on and fingerprint terraform plans",
        description="Work with the JSON form of terraform plans (terraform show -json PLANFILE).",
    )
    actions = parser.add_subparsers(dest="plan_action", metavar="ACTION", parser_class=type(parser))
    actions.required = True
    import pipeline_tools.cli.commands as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_plan_"):
            importlib.import_module(f"{package.__name__}.{info.name}").register(actions)
