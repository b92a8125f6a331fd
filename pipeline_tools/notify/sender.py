"""POST a JSON payload to a chat webhook with the standard library (works in Lambda, no requests).

- 2xx: delivered.
- 429: wait as told (``Retry-After`` header, or Discord's ``retry_after`` in the JSON body), but
  never longer than ``max_retry_after`` in total; then give up.
- 5xx, timeouts and connection errors: a couple of short retries.
- any other 4xx: the payload or the URL is wrong and retrying will not fix it: give up at once.

Deadlines. ``timeout`` bounds each socket operation, which a receiver that answers one byte at a
time defeats; so each call (all attempts, retry waits and reads together) also has a total
deadline, ``deadline_seconds`` (default 10 s, ``NOTIFY_CALL_DEADLINE_SECONDS``). When it passes,
a watchdog shuts the connection's socket down, which ends any read in progress at once.
:func:`pipeline_tools.notify.send` adds a deadline for the whole notification, all channels
together (default 20 s, ``NOTIFY_DEADLINE_SECONDS``).

The webhook URL is a secret: it is never part of a :class:`Delivery`, a log line or an exception
message, and everything logged goes through :func:`pipeline_tools.core.redaction.redact`.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import Message
from typing import Any

from pipeline_tools.core.errors import InputError
from pipeline_tools.core.redaction import neutralise_controls, redact_error, register_secret

log = logging.getLogger("pipeline_tools.notify")

# Per socket operation (connect, each read).
DEFAULT_TIMEOUT_SECONDS = 5.0
# Total per webhook call, and per notification (all channels together): a chat service that
# cannot answer within these is down for our purpose, and a finished deploy must not wait on it.
DEFAULT_CALL_DEADLINE_SECONDS = 10.0
DEFAULT_NOTIFICATION_DEADLINE_SECONDS = 20.0
CALL_DEADLINE_ENV = "NOTIFY_CALL_DEADLINE_SECONDS"
NOTIFICATION_DEADLINE_ENV = "NOTIFY_DEADLINE_SECONDS"
# We never need more of an answer than this (an error message, at most).
MAX_RESPONSE_BYTES = 65536
DEFAULT_MAX_ATTEMPTS = 3
# A chat service asking us to wait longer than this is effectively down for our purpose.
DEFAULT_MAX_RETRY_AFTER_SECONDS = 30.0
SERVER_ERROR_BACKOFF_SECONDS = 1.0
USER_AGENT = "pipeline-tools-notify/1"


@dataclass(frozen=True)
class Delivery:
    channel: str
    delivered: bool
    status: int | None
    attempts: int
    error: str = ""


def deadlines_from_env(env: Mapping[str, str]) -> tuple[float, float]:
    """(per-call deadline, per-notification deadline) in seconds; :class:`InputError` if a variable
    is set to something that is not a positive number."""
    values = []
    for name, default in ((CALL_DEADLINE_ENV, DEFAULT_CALL_DEADLINE_SECONDS),
                          (NOTIFICATION_DEADLINE_ENV, DEFAULT_NOTIFICATION_DEADLINE_SECONDS)):
        raw = (env.get(name) or "").strip()
        if not raw:
            values.append(default)
            continue
        try:
            value = float(raw)
        except ValueError:
            value = float("nan")
        if not value > 0 or value == float("inf"):
            raise InputError(f"{name} must be a positive number of seconds, got {raw[:40]!r}")
        values.append(value)
    return values[0], values[1]


class DeadlineExceeded(TimeoutError):
    """The call's total deadline passed before a complete answer arrived."""


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: Message  # case-insensitive, as urllib gives them (Retry-After)
    body: str


def post_json(
    channel: str,
    url: str,
    payload: dict[str, Any],
    *,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    deadline_seconds: float = DEFAULT_CALL_DEADLINE_SECONDS,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Delivery:
    register_secret(url)
    from pipeline_tools.notify.webhooks import url_problem

    problem = url_problem(url)
    if problem:
        error = f"the webhook URL {problem}; not sent"
        log.warning("%s notification not delivered: %s", channel, error)
        return Delivery(channel, False, None, 0, error)
    body = json.dumps(payload).encode()
    ends = clock() + deadline_seconds
    waited = 0.0
    attempt = 0
    error = ""
    status: int | None = None

    def time_left() -> float:
        return ends - clock()

    while attempt < max_attempts:
        if time_left() <= 0:
            error = f"no complete answer within the {_seconds(deadline_seconds)} s deadline"
            break
        attempt += 1
        request = urllib.request.Request(
            url, data=body, method="POST",
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT},
        )
        try:
            answer = _post_once(request, timeout, time_left(), deadline_seconds)
        except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException) as exc:
            status = None
            if isinstance(exc, DeadlineExceeded):
                error = str(exc)
                break
            reason = getattr(exc, "reason", exc)
            error = f"{type(reason).__name__}: {reason}" if not isinstance(reason, str) else reason
            if attempt < max_attempts and not _sleep_within(SERVER_ERROR_BACKOFF_SECONDS * attempt,
                                                            time_left(), sleep):
                break
            continue
        status = answer.status
        if 200 <= status < 300:
            return Delivery(channel, True, status, attempt)
        error = f"HTTP {status}"
        if status == 429:
            delay = _retry_after(answer.headers.get("Retry-After"), answer.body)
            if delay is None:
                delay = SERVER_ERROR_BACKOFF_SECONDS
            if waited + delay > max_retry_after:
                error = f"HTTP 429, asked to wait {delay:.1f} s (more than {max_retry_after:.0f} s)"
                break
            if not _sleep_within(delay, time_left(), sleep):
                error = (f"HTTP 429, asked to wait {delay:.1f} s "
                         f"(past the {_seconds(deadline_seconds)} s deadline)")
                break
            waited += delay
            continue
        if 400 <= status < 500:
            error = f"HTTP {status}: {_short(answer.body)}"
            break
        if attempt < max_attempts and not _sleep_within(SERVER_ERROR_BACKOFF_SECONDS * attempt,
                                                        time_left(), sleep):
            break
    error = redact_error(error)
    log.warning("%s notification not delivered after %d attempt(s): %s", channel, attempt, error)
    return Delivery(channel, False, status, attempt, error)


def _sleep_within(delay: float, time_left: float, sleep: Callable[[float], None]) -> bool:
    """Wait ``delay`` unless that would reach the deadline (then: False, do not retry)."""
    if delay >= time_left:
        return False
    sleep(delay)
    return True


def _post_once(request: urllib.request.Request, timeout: float, time_left: float,
               deadline_seconds: float) -> _Answer:
    """One POST, answer read in full (up to :data:`MAX_RESPONSE_BYTES`), all within ``time_left``
    seconds: the watchdog shuts the socket down when they run out, whatever the receiver does."""
    late = f"no complete answer within the {_seconds(deadline_seconds)} s deadline"
    status_seen: int | None = None
    with _Watchdog(time_left) as watchdog:
        try:
            with _opener(watchdog).open(request, timeout=max(min(timeout, time_left), 0.001)) as response:
                status_seen = response.status
                body = response.read(MAX_RESPONSE_BYTES)
                answer = _Answer(response.status, response.headers, body.decode(errors="replace"))
        except urllib.error.HTTPError as exc:
            status_seen = exc.code
            answer = _Answer(exc.code, exc.headers, _read(exc))
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            # A socket timeout cut short to what was left of the deadline is the deadline too,
            # whichever of the two noticed first.
            deadline_bound = time_left <= timeout and _is_timeout(exc)
            if watchdog.fired or deadline_bound:
                raise DeadlineExceeded(_late(late, status_seen)) from exc
            raise
        if watchdog.fired:
            # The shutdown can look like an answer that merely ended early.
            raise DeadlineExceeded(_late(late, status_seen))
        return answer


def _is_timeout(exc: BaseException) -> bool:
    return isinstance(exc, TimeoutError) or isinstance(getattr(exc, "reason", None), TimeoutError)


def _seconds(value: float) -> str:
    """1.0 -> "1", 0.9983 -> "1", 1.25 -> "1.2": a deadline as people read it."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _late(message: str, status: int | None) -> str:
    # Headers that arrived in time do not make a delivery: the answer never finished.
    return f"{message} (HTTP {status} headers arrived, the rest did not)" if status else message


class _Watchdog:
    """Shuts down the sockets it watches once ``seconds`` have passed.

    A receiver that sends one byte every few seconds never trips a per-read timeout; shutting the
    socket down ends a blocked read at once, so the call's deadline holds whatever it does.
    """

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._done = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()
        with self._lock:  # a timer already running must not touch sockets handed back
            self._done = True

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            if self.fired:
                _shutdown(sock)

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.fired = True
            for sock in self._sockets:
                _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)


def _opener(watchdog: _Watchdog) -> urllib.request.OpenerDirector:
    """urllib's usual opener (proxies from the environment included) whose connections report
    their socket to ``watchdog`` as soon as they are connected."""

    class WatchedHTTPConnection(http.client.HTTPConnection):
        def connect(self) -> None:
            super().connect()
            watchdog.watch(self.sock)

    class WatchedHTTPSConnection(http.client.HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            watchdog.watch(self.sock)

    class WatchedHTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(WatchedHTTPConnection, req)

    class WatchedHTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            # urllib keeps the SSL context it was built with in a private attribute.
            options: dict[str, Any] = {"context": getattr(self, "_context", None)}
            if hasattr(self, "_check_hostname"):  # Python < 3.12
                options["check_hostname"] = self._check_hostname
            return self.do_open(WatchedHTTPSConnection, req, **options)

    return urllib.request.build_opener(WatchedHTTPHandler, WatchedHTTPSHandler)


def _read(exc: urllib.error.HTTPError) -> str:
    try:
        return exc.read(MAX_RESPONSE_BYTES).decode(errors="replace")
    except Exception:
        return ""


def _short(text: str) -> str:
    # Redacted before it is cut (half a secret is still a secret), control characters neutralised
    # (a receiver's body is not ours to print as is).
    return " ".join(neutralise_controls(redact_error(text)).split())[:200] or "(empty response)"


def _retry_after(header: str | None, body: str) -> float | None:
    """Seconds to wait: the header (seconds), else Discord's JSON ``retry_after`` (seconds)."""
    for candidate in (header, _json_retry_after(body)):
        if candidate is None:
            continue
        try:
            value = float(candidate)
        except (TypeError, ValueError):
            continue
        if value >= 0:
            return value
    return None


def _json_retry_after(body: str) -> Any:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data.get("retry_after") if isinstance(data, dict) else None
