"""The generic chat notification: what deploys, applies, promotions and drift reports produce.
Pure: no I/O. Builders for each chat service turn it into a payload within that service's limits
(:mod:`pipeline_tools.notify.slack`, :mod:`pipeline_tools.notify.discord`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    WARNING = "warning"
    INFO = "info"


class EventType(StrEnum):
    DEPLOY = "deploy"
    APPLY = "apply"
    PROMOTION = "promotion"
    DRIFT = "drift"
    ALARM = "alarm"


STATUS_EMOJI = {
    Status.SUCCESS: "\u2705",  # white heavy check mark
    Status.FAILURE: "\u274c",  # cross mark
    Status.WARNING: "\u26a0\ufe0f",  # warning sign
    Status.INFO: "\u2139\ufe0f",  # information source
}
# Discord embed colours (decimal RGB).
STATUS_COLOUR = {
    Status.SUCCESS: 0x2EB67D,
    Status.FAILURE: 0xE01E5A,
    Status.WARNING: 0xECB22E,
    Status.INFO: 0x36C5F0,
}


@dataclass(frozen=True)
class Field:
    name: str
    value: str


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass
class Notification:
    """One message. ``title`` says what happened ("api deployed to dev"), ``status`` how it went;
    ``fields`` are short facts (service, environment, image...), ``reason`` why it failed, and
    ``details`` longer lines (service events, stopped tasks) that builders cut to fit."""

    title: str
    status: Status
    event_type: EventType = EventType.DEPLOY
    summary: str = ""
    fields: list[Field] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    reason: str = ""
    details: list[str] = field(default_factory=list)

    def fallback_text(self) -> str:
        """One plain line for notifications, screen readers and clients without rich layout."""
        text = f"{STATUS_EMOJI[self.status]} [{self.event_type.value}] {self.title}"
        if self.summary:
            text += f": {self.summary}"
        if self.reason:
            text += f" (reason: {self.reason})"
        return text
