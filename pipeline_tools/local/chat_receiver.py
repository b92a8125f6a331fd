"""A local chat webhook receiver for the demo: accepts Slack and Discord webhook posts on
127.0.0.1 and keeps them, so the demo can show the message a team would see."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class ChatReceiver:
    def __init__(self) -> None:
        self.messages: list[tuple[str, dict[str, Any]]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                channel = "slack" if self.path.startswith("/slack/") else "discord"
                try:
                    receiver.messages.append((channel, json.loads(raw)))
                except ValueError:
                    self.send_response(400)
                    self.end_headers()
                    return
                self.send_response(200 if channel == "slack" else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def slack_url(self) -> str:
        return f"{self.base}/slack/services/T0DEMO/B0DEMO/demo-webhook"

    @property
    def discord_url(self) -> str:
        return f"{self.base}/discord/api/webhooks/1/demo-webhook"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def slack_text(payload: dict[str, Any]) -> str:
    """The readable content of a Slack Block Kit payload, one line per block."""
    lines = []
    for block in payload.get("blocks", []):
        text = block.get("text", {})
        if isinstance(text, dict) and text.get("text"):
            lines.append(text["text"])
        for item in block.get("fields", []) or []:
            lines.append(item.get("text", ""))
        for element in block.get("elements", []) or []:
            if isinstance(element, dict) and element.get("text"):
                value = element["text"]
                lines.append(value.get("text", "") if isinstance(value, dict) else str(value))
    return "\n".join(line for line in lines if line) or payload.get("text", "")
