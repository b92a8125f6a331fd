"""The emulator harness: running the pipeline on a laptop and in the tests.

The local AWS emulator (moto server with our patches), the GitHub API stand-in, the chat
receivers, local apply and the demo. Shipped in the wheel but usable only with the optional
``local`` extra (``pip install 'pipeline-tools[local]'``), which brings moto[server]; nothing in
the product imports this package, and moto is imported only inside the emulator's own process
(see docs/architecture.md, "The emulator harness").
"""

from __future__ import annotations

import importlib.util

from pipeline_tools.core.errors import ExternalError

# What the `local` extra installs that the emulator process needs at start-up.
_EXTRA_MODULES = ("moto", "flask")


class LocalExtraMissing(ExternalError):
    """The optional ``local`` extra (moto[server]) is not installed: exit 3."""


def require_local_extra() -> None:
    """Raise :class:`LocalExtraMissing` unless moto[server] can be imported."""
    missing = [name for name in _EXTRA_MODULES if not _importable(name)]
    if missing:
        raise LocalExtraMissing(
            f"the local AWS emulator needs the 'local' extra ({', '.join(missing)} not installed): "
            "pip install 'pipeline-tools[local]'"
        )


def _importable(name: str) -> bool:
    # find_spec, not import: importing moto takes a second, and the emulator process does it anyway.
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:  # a broken install counts as missing
        return False
