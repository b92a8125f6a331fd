"""Entry point of the emulator process: apply our moto patches, then serve on 127.0.0.1.

Run as ``python -m pipeline_tools.local.moto_runner PORT PORT_FILE``;
:mod:`pipeline_tools.local.emulator` starts it. Patches must be applied in the server process
itself, which is why this is not a plain ``moto_server`` call.

PORT 0 lets the kernel choose a free port while the socket is bound, and the port actually bound
is written to PORT_FILE. Choosing a port in the parent and binding it later in the child raced
with every other emulator started in between (parallel tests): the loser's parent then found the
winner's server answering on "its" port and ran against another test's resources.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any


def _exit_on_signal(signum: int, frame: Any) -> None:
    sys.exit(0)


def main(argv: list[str]) -> None:
    port = int(argv[0])
    port_file = Path(argv[1]) if len(argv) > 1 else None
    from pipeline_tools.local import moto_patches

    moto_patches.apply_all()
    from pipeline_tools.local import request_recorder

    # Only when PIPELINE_TOOLS_REQUEST_LOG is set (least-privilege recording, docs/least-privilege.md).
    request_recorder.install()
    # What moto.server.main does, except that the socket is bound before anything is reported.
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    application = DomainDispatcherApplication(create_backend_app)
    application.debug = True  # type: ignore[attr-defined]
    server = make_server("127.0.0.1", port, application, threaded=True,
                         request_handler=MotoRequestHandler)
    bound = int(server.server_port)
    # moto builds some URLs (SQS queue URLs, for one) from MOTO_PORT.
    os.environ["MOTO_PORT"] = str(bound)
    signal.signal(signal.SIGINT, _exit_on_signal)
    signal.signal(signal.SIGTERM, _exit_on_signal)
    if port_file is not None:
        # Written whole and then renamed: the parent never reads half a number.
        partial = port_file.with_name(port_file.name + ".partial")
        partial.write_text(str(bound))
        partial.replace(port_file)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
