"""Subcommands of ``pipeline-tools``: one module per command, discovered at start-up.

A module here must define ``register(subparsers)`` that adds its parser and sets ``func`` (a
callable taking the parsed ``argparse.Namespace`` and returning an exit code or None). Argparse
only: ``func`` turns the arguments into plain values and calls the feature's ``run.py``, which
does the work with the clients it builds or is given. Keep module-level imports to the standard
library; import the feature inside ``func``. ``_plan_<action>.py`` modules are the actions of
``pipeline-tools plan`` (see :mod:`.plan`).
"""
