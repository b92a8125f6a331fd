"""Pure rules of the built-in uploads processor: settings, S3 events, and the verdict on an object.

No I/O here: :mod:`pipeline_tools.uploads.handler` reads the queue's messages and the objects.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote_plus

from pipeline_tools.core.errors import InputError

# A browser upload of a document or image; applications with larger files set UPLOADS_MAX_BYTES.
DEFAULT_MAX_BYTES = 25 * 1024 * 1024
DEFAULT_CONTENT_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf")


@dataclass(frozen=True)
class Settings:
    bucket: str
    max_bytes: int
    allowed_content_types: frozenset[str]


@dataclass(frozen=True)
class UploadedObject:
    bucket: str
    key: str


@dataclass(frozen=True)
class Verdict:
    """``reason`` is None when the object is accepted; otherwise a short tag value."""

    reason: str | None

    @property
    def tag(self) -> tuple[str, str]:
        return ("processed", "true") if self.reason is None else ("rejected", self.reason)


def settings(environ: Mapping[str, str]) -> Settings:
    """The processor's settings from its Lambda environment; InputError names a bad one."""
    bucket = environ.get("UPLOADS_BUCKET", "").strip()
    if not bucket:
        raise InputError("UPLOADS_BUCKET is not set")
    raw_max = environ.get("UPLOADS_MAX_BYTES", "").strip()
    if raw_max:
        if not raw_max.isdigit() or int(raw_max) < 1:
            raise InputError(f"UPLOADS_MAX_BYTES must be a positive whole number of bytes, not {raw_max!r}")
        max_bytes = int(raw_max)
    else:
        max_bytes = DEFAULT_MAX_BYTES
    raw_types = environ.get("UPLOADS_ALLOWED_CONTENT_TYPES", "").strip()
    types = (
        [t.strip().lower() for t in raw_types.split(",") if t.strip()]
        if raw_types
        else list(DEFAULT_CONTENT_TYPES)
    )
    for content_type in types:
        if content_type.count("/") != 1:
            raise InputError(
                f"UPLOADS_ALLOWED_CONTENT_TYPES: {content_type!r} is not a media type like image/png"
            )
    return Settings(bucket=bucket, max_bytes=max_bytes, allowed_content_types=frozenset(types))


def objects_in_message(body: str) -> list[UploadedObject]:
    """The objects an SQS message body (an S3 event notification) names.

    S3's ``s3:TestEvent`` (sent when the notification is configured) names none. A body that is
    not an S3 event raises InputError: the message is reported failed and ends in the DLQ.
    """
    try:
        event = json.loads(body)
    except ValueError as exc:
        raise InputError("the message is not JSON") from exc
    if not isinstance(event, dict):
        raise InputError("the message is not an S3 event")
    if event.get("Event") == "s3:TestEvent":
        return []
    records = event.get("Records")
    if not isinstance(records, list) or not records:
        raise InputError("the message is not an S3 event (no Records)")
    found = []
    for record in records:
        s3 = record.get("s3") if isinstance(record, dict) else None
        bucket = s3.get("bucket", {}).get("name") if isinstance(s3, dict) else None
        key = s3.get("object", {}).get("key") if isinstance(s3, dict) else None
        if not isinstance(bucket, str) or not isinstance(key, str) or not bucket or not key:
            raise InputError("an S3 event record names no bucket and key")
        # S3 event keys are URL-encoded with '+' for spaces.
        found.append(UploadedObject(bucket=bucket, key=unquote_plus(key)))
    return found


def verdict(settings: Settings, size: int, content_type: str | None) -> Verdict:
    """Accept the object, or say why not (the reason becomes the ``rejected`` tag's value)."""
    if size > settings.max_bytes:
        return Verdict("too-large")
    if size == 0:
        return Verdict("empty")
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type not in settings.allowed_content_types:
        return Verdict("content-type")
    return Verdict(None)
