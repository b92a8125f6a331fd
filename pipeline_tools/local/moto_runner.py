"""Entry point of the emulator process: apply our moto patches, then serve on 127.0.0.1.

Run as ``python -m pipeline_tools.local.moto_runner PORT``; :mod:`pipeline_tools.local.emulator`
starts it. Patches must be applied in the server process itself, which is why this is not a
plain ``moto_server`` call.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> None:
    port = argv[0]
    from pipeline_tools.local import moto_patches

    moto_patches.apply_all()
    from pipeline_tools.local import request_recorder

    # Only when PIPELINE_TOOLS_REQUEST_LOG is set (least-privilege recording, docs/least-privilege.md).
    request_recorder.install()
    from moto.server import main as moto_main

    moto_main(["-H", "127.0.0.1", "-p", port])


if __name__ == "__main__":
    main(sys.argv[1:])
