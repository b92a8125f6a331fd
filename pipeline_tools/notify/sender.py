"""POST a JSON payload to a chat webhook with the standard library (works in Lambda, no requests).

- 2xx: delivered.
- 429: wait as told (``Retry-After`` header, or Discord's ``retry_after`` in the JSON body), but
  never longer than ``max_retry_after`` in total; then give up.
- 5xx, timeouts and connection errors: a couple of short retries.
- any other 4xx: the payload or the URL is wrong and retrying will not fix it: give up at once.

The webhook URL is a secret: it is never part of a :class:`Delivery`, a log line or an exception
message, and everything logged goes through :func:`pipeline_tools.redact.redact`.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipeline_tools.redact import neutralise_controls, redact_error, register_secret

log = logging.getLogger("pipeline_tools.notify")

DEFAULT_TIMEOUT_SECONDS = 5.0
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


def post_json(
    channel: str,
    url: str,
    payload: dict[str, Any],
    *,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    register_secret(url)
    from pipeline_tools.notify.webhooks import url_problem

    problem = url_problem(url)
    if problem:
        error = f"the webhook URL {problem}; not sent"
        log.warning("%s notification not delivered: %s", channel, error)
        return Delivery(channel, False, None, 0, error)
    body = json.dumps(payload).encode()
    waited = 0.0
    attempt = 0
    error = ""
    status: int | None = None
    while attempt < max_attempts:
        attempt += 1
        request = urllib.request.Request(
            url, data=body, method="POST",
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status = response.status
                response.read()
            return Delivery(channel, True, status, attempt)
        except urllib.error.HTTPError as exc:
            status = exc.code
            response_body = _read(exc)
            error = f"HTTP {status}"
            if status == 429:
                delay = _retry_after(exc.headers.get("Retry-After"), response_body)
                if delay is None:
                    delay = SERVER_ERROR_BACKOFF_SECONDS
                if waited + delay > max_retry_after:
                    error = f"HTTP 429, asked to wait {delay:.1f} s (more than {max_retry_after:.0f} s)"
                    break
                waited += delay
                sleep(delay)
                continue
            if 400 <= status < 500:
                error = f"HTTP {status}: {_short(response_body)}"
                break
            if attempt < max_attempts:
                sleep(SERVER_ERROR_BACKOFF_SECONDS * attempt)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            status = None
            reason = getattr(exc, "reason", exc)
            error = f"{type(reason).__name__}: {reason}" if not isinstance(reason, str) else reason
            if attempt < max_attempts:
                sleep(SERVER_ERROR_BACKOFF_SECONDS * attempt)
    error = redact_error(error)
    log.warning("%s notification not delivered after %d attempt(s): %s", channel, attempt, error)
    return Delivery(channel, False, status, attempt, error)


def _read(exc: urllib.error.HTTPError) -> str:
    try:
        return exc.read(4096).decode(errors="replace")
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


def _json_retry_after(body: str) -> object:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data.get("retry_after") if isinstance(data, dict) else None
