"""Local stand-ins for Slack and Discord incoming webhooks: real HTTP on 127.0.0.1.

They validate payloads against the services' documented limits and answer 400 when one is
exceeded (as Slack's ``invalid_blocks`` and Discord's 50035 "Invalid Form Body" do), record what
they accepted, and can be told to answer 429 with ``Retry-After`` (Slack: header; Discord: header
and JSON ``retry_after``), any other status, or to stall past the client's timeout.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SLACK_LIMITS = {"blocks": 50, "header": 150, "section_text": 3000, "fields": 10, "field_text": 2000}
DISCORD_LIMITS = {
    "content": 2000, "embeds": 10, "title": 256, "description": 4096, "fields": 25,
    "field_name": 256, "field_value": 1024, "footer": 2048, "embed_total": 6000,
}


def slack_problems(payload: Any) -> list[str]:
    problems: list[str] = []
    if not isinstance(payload, dict):
        return ["payload is not an object"]
    if not payload.get("text") and not payload.get("blocks"):
        problems.append("no text and no blocks")
    blocks = payload.get("blocks") or []
    if len(blocks) > SLACK_LIMITS["blocks"]:
        problems.append(f"{len(blocks)} blocks")
    for index, block in enumerate(blocks):
        kind = block.get("type")
        text = (block.get("text") or {}).get("text", "")
        if kind == "header":
            if len(text) > SLACK_LIMITS["header"]:
                problems.append(f"block {index}: header {len(text)} chars")
            if block["text"].get("type") != "plain_text":
                problems.append(f"block {index}: header must be plain_text")
        elif kind == "section":
            if len(text) > SLACK_LIMITS["section_text"]:
                problems.append(f"block {index}: section text {len(text)} chars")
            fields = block.get("fields") or []
            if len(fields) > SLACK_LIMITS["fields"]:
                problems.append(f"block {index}: {len(fields)} fields")
            for number, item in enumerate(fields):
                if len(item.get("text", "")) > SLACK_LIMITS["field_text"]:
                    problems.append(f"block {index} field {number}: {len(item['text'])} chars")
            if not text and not fields:
                problems.append(f"block {index}: empty section")
        elif kind == "context":
            for element in block.get("elements") or []:
                if len(element.get("text", "")) > SLACK_LIMITS["section_text"]:
                    problems.append(f"block {index}: context element too long")
        else:
            problems.append(f"block {index}: unexpected type {kind!r}")
    return problems


def discord_problems(payload: Any) -> list[str]:
    problems: list[str] = []
    if not isinstance(payload, dict):
        return ["payload is not an object"]
    limits = DISCORD_LIMITS
    content = payload.get("content") or ""
    embeds = payload.get("embeds") or []
    if not content and not embeds:
        problems.append("no content and no embeds")
    if len(content) > limits["content"]:
        problems.append(f"content {len(content)} chars")
    if len(embeds) > limits["embeds"]:
        problems.append(f"{len(embeds)} embeds")
    total = 0
    for index, embed in enumerate(embeds):
        title = embed.get("title") or ""
        description = embed.get("description") or ""
        footer = (embed.get("footer") or {}).get("text") or ""
        fields = embed.get("fields") or []
        for name, value, limit in (("title", title, limits["title"]),
                                   ("description", description, limits["description"]),
                                   ("footer", footer, limits["footer"])):
            if len(value) > limit:
                problems.append(f"embed {index}: {name} {len(value)} chars")
        if len(fields) > limits["fields"]:
            problems.append(f"embed {index}: {len(fields)} fields")
        for number, item in enumerate(fields):
            if not item.get("name") or not item.get("value"):
                problems.append(f"embed {index} field {number}: empty name or value")
            if len(item.get("name", "")) > limits["field_name"]:
                problems.append(f"embed {index} field {number}: name too long")
            if len(item.get("value", "")) > limits["field_value"]:
                problems.append(f"embed {index} field {number}: value {len(item['value'])} chars")
            total += len(item.get("name", "")) + len(item.get("value", ""))
        total += len(title) + len(description) + len(footer)
        total += len((embed.get("author") or {}).get("name") or "")
    if total > limits["embed_total"]:
        problems.append(f"embeds total {total} chars")
    return problems


@dataclass
class Scripted:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    delay: float = 0.0


@dataclass
class Receiver:
    """One webhook endpoint's state."""

    kind: str
    accepted: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[tuple[int, Any]] = field(default_factory=list)
    requests: int = 0
    request_times: list[float] = field(default_factory=list)
    script: list[Scripted] = field(default_factory=list)

    def then(self, status: int, *, retry_after: float | None = None, delay: float = 0.0,
             body: str = "") -> Receiver:
        """Answer the next request with ``status`` (429 adds Retry-After / retry_after)."""
        headers: dict[str, str] = {}
        if retry_after is not None:
            headers["Retry-After"] = f"{retry_after:g}"
            if self.kind == "discord" and not body:
                body = json.dumps({"message": "You are being rate limited.", "retry_after": retry_after,
                                   "global": False})
        self.script.append(Scripted(status, headers, body, delay))
        return self


class ChatReceivers:
    def __init__(self) -> None:
        self.slack = Receiver("slack")
        self.discord = Receiver("discord")
        self._lock = threading.Lock()
        receivers = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                receivers._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # Secret-looking tokens, so tests can assert they never leak.
    @property
    def slack_url(self) -> str:
        return f"{self.base}/services/T000SLACK/B000SLACK/slackSecretToken0123456789"

    @property
    def discord_url(self) -> str:
        return f"{self.base}/api/webhooks/123456789/discordSecretToken_abcdefghijklmnop"

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path
        receiver = self.slack if path.startswith("/services/") else (
            self.discord if path.startswith("/api/webhooks/") else None)
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length)
        if receiver is None:
            self._answer(request, 404, "no such webhook")
            return
        with self._lock:
            receiver.requests += 1
            receiver.request_times.append(time.monotonic())
            scripted = receiver.script.pop(0) if receiver.script else None
        if scripted is not None:
            if scripted.delay:
                time.sleep(scripted.delay)
            self._answer(request, scripted.status, scripted.body, scripted.headers)
            return
        try:
            payload = json.loads(raw)
        except ValueError:
            self._answer(request, 400, "invalid_payload")
            return
        problems = slack_problems(payload) if receiver.kind == "slack" else discord_problems(payload)
        if problems:
            with self._lock:
                receiver.rejected.append((400, payload))
            self._answer(request, 400, "invalid_blocks: " + "; ".join(problems))
            return
        with self._lock:
            receiver.accepted.append(payload)
        if receiver.kind == "slack":
            self._answer(request, 200, "ok")
        else:
            self._answer(request, 204, "")

    @staticmethod
    def _answer(request: BaseHTTPRequestHandler, status: int, body: str,
                headers: dict[str, str] | None = None) -> None:
        data = body.encode()
        try:
            request.send_response(status)
            for key, value in (headers or {}).items():
                request.send_header(key, value)
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            if data:
                request.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout tests)

    def reset(self) -> None:
        for receiver in (self.slack, self.discord):
            receiver.accepted.clear()
            receiver.rejected.clear()
            receiver.script.clear()
            receiver.requests = 0
            receiver.request_times.clear()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def running() -> Iterator[ChatReceivers]:
    receivers = ChatReceivers()
    try:
        yield receivers
    finally:
        receivers.stop()
