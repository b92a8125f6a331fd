"""Chat messages about promotions: opened, applied, failed (through the shared notifier)."""

from __future__ import annotations

from typing import Any

from pipeline_tools.notify.model import EventType, Field, Link, Notification, Status
from pipeline_tools.promote.model import short

_STATUS = {"opened": Status.INFO, "applied": Status.SUCCESS, "failed": Status.FAILURE}


def promotion_notification(recorded: dict[str, Any], *, status: str, url: str) -> Notification:
    kind = "rollback" if recorded.get("rollback") else "promotion"
    target = recorded.get("target", "?")
    services = recorded.get("services") or {}
    what = ", ".join(f"{name} → {short(digest)}" for name, digest in sorted(services.items()))
    source = "" if recorded.get("rollback") else f" from {recorded.get('source', '?')}"
    fields = [Field("Environment", target)]
    fields += [Field(f"Service {name}", f"`{digest}`") for name, digest in sorted(services.items())]
    return Notification(
        title=f"{kind.capitalize()} to {target} {status}",
        status=_STATUS[status],
        event_type=EventType.PROMOTION,
        summary=f"{what}{source}",
        fields=fields,
        links=[Link("Pull request" if status == "opened" else "Run", url)] if url else [],
        reason=recorded.get("reason", "") if status == "opened" else "",
    )


def notify_promotion(recorded: dict[str, Any], *, status: str, url: str) -> None:
    """Send to every configured channel; a chat outage never fails the promotion."""
    from pipeline_tools.notify import send

    send(promotion_notification(recorded, status=status, url=url))
