"""Subcommands of ``pipeline-tools``: one module per command, discovered at start-up.

A module here must define ``register(subparsers)`` that adds its parser and sets
``func`` (a callable taking the parsed ``argparse.Namespace`` and returning an exit code or
None). Keep module-level imports to the standard library's argparse; import the
implementation inside the handler.
"""
