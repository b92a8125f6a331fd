"""Stand-ins for command-line tools the workflows call that cannot run on this laptop.

* ``tfsec``: its release binary is a download (no network here). The stand-in writes a report
  with no findings to ``--out``; the gate's other scanners (checkov, the policy checks) still run
  for real, so a test relying on a tfsec finding cannot pass through it.

(The ``gh`` stand-in went with the workflows' last ``gh`` call: they talk to GitHub through
``pipeline-tools`` now.) :func:`install` writes the stand-ins as executables into a folder the
workflow runner puts on PATH.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

STANDINS = ("tfsec",)


def install(bin_dir: Path) -> Path:
    """Write the stand-ins (``tfsec``) into ``bin_dir``; returns ``bin_dir``."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    python = shlex.quote(sys.executable)
    for name in STANDINS:
        script = bin_dir / name
        script.write_text(f"#!/bin/sh\n# stand-in for {name}: pipeline_tools/local/cli_standins.py\n"
                          f"exec {python} -m pipeline_tools.local.cli_standins {name} \"$@\"\n")
        script.chmod(0o755)
    return bin_dir


def _fail(message: str) -> int:
    sys.stderr.write(f"error: {message}\n")
    return 2


def tfsec(args: list[str]) -> int:
    out = None
    for index, arg in enumerate(args):
        if arg == "--out" and index + 1 < len(args):
            out = args[index + 1]
    report = json.dumps({"results": None})
    if out:
        Path(out).write_text(report)
    else:
        sys.stdout.write(report + "\n")
    return 0


def main(argv: list[str]) -> int:
    if not argv:
        return _fail("usage: python -m pipeline_tools.local.cli_standins tfsec ARGS")
    tool, rest = argv[0], argv[1:]
    if tool == "tfsec":
        return tfsec(rest)
    return _fail(f"no stand-in for {tool}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
