"""Entry point of the emulator process: apply our moto patches, then serve on 127.0.0.1.

Run as ``python -m pipeline_tools.local.moto_runner PORT PORT_FILE``;
:mod:`pipeline_tools.local.emulator` starts it. Patches must be applied in the server process
itself, which is why this is not a plain ``moto_server`` call.

PORT 0 lets the kernel choose a free port while the socket is bound, and the port actually bound
is written to PORT_FILE. Choosing a port in the parent and binding it later in the child raced
with every other emulator started in between (parallel tests): the loser's parent then found the
winner's server answering on "its" port and ran against another test's resources.

Requests are served one at a time (:class:`OneRequestAtATime`). moto's backends are not
thread-safe, and terraform sends up to ten requests at once: a describe iterating a backend dict
while another thread adds to it fails with a 500, and when that happens inside a call that has
already changed something, the client's retry of it fails for real (``InvalidPermission.Duplicate``
on AuthorizeSecurityGroupIngress, for one). Serving one request at a time costs nothing measurable:
moto's work holds the GIL anyway. A rarer failure of the same look remains, cause unknown
(:func:`pipeline_tools.local.emulator.is_emulator_race`).
"""

from __future__ import annotations

import io
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

# A request body larger than this is never an SQS ReceiveMessage (which is a few hundred bytes), so
# the body is not read to find out.
_LONG_POLL_BODY_LIMIT = 64 * 1024


def is_long_poll(environ: dict[str, Any]) -> bool:
    """Whether the request is an SQS ReceiveMessage, which may wait up to 20 s for a message.

    Such a request must not hold the lock while it waits: the message it waits for comes in another
    request. The JSON protocol names the operation in a header; the query protocol in the body, which
    is read and put back for moto to read again.
    """
    if environ.get("HTTP_X_AMZ_TARGET", "") == "AmazonSQS.ReceiveMessage":
        return True
    if "Action=ReceiveMessage" in environ.get("QUERY_STRING", ""):
        return True
    if not environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        return False
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    if not 0 < length <= _LONG_POLL_BODY_LIMIT:
        return False
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return parse_qs(body.decode("utf-8", "replace")).get("Action") == ["ReceiveMessage"]


class OneRequestAtATime:
    """WSGI middleware: moto handles one request at a time (see the module docstring).

    The response body is read inside the lock, since a WSGI application may build it lazily.
    """

    def __init__(self, application: Callable[..., Iterable[bytes]]) -> None:
        self.application = application
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        if is_long_poll(environ):
            return self._serve(environ, start_response)
        with self.lock:
            return self._serve(environ, start_response)

    def _serve(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        response = self.application(environ, start_response)
        try:
            return list(response)
        finally:
            close = getattr(response, "close", None)
            if close is not None:
                close()


def _exit_on_signal(signum: int, frame: Any) -> None:
    sys.exit(0)


def _warm_iam() -> None:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.iam.models import iam_backends

    iam_backends[DEFAULT_ACCOUNT_ID]["global"]  # creating the backend loads the managed policies


def main(argv: list[str]) -> None:
    port = int(argv[0])
    port_file = Path(argv[1]) if len(argv) > 1 else None
    from pipeline_tools.local import moto_patches

    moto_patches.apply_all()
    from pipeline_tools.local import request_recorder

    # Only when PIPELINE_TOOLS_REQUEST_LOG is set (least-privilege recording, docs/least-privilege.md).
    request_recorder.install()
    # IAM loads AWS's ~1,600 managed policies when it is first used (MOTO_IAM_LOAD_MANAGED_POLICIES):
    # seconds on a loaded machine, inside the first IAM call of every run, while every other call
    # waits its turn (one request at a time, above). Load them now, before the port is reported.
    _warm_iam()
    # What moto.server.main does, except that the socket is bound before anything is reported.
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    application = DomainDispatcherApplication(create_backend_app)
    application.debug = True  # type: ignore[attr-defined]
    server = make_server("127.0.0.1", port, OneRequestAtATime(application), threaded=True,
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
