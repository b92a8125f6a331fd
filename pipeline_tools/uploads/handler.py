"""The built-in uploads processor Lambda: SQS (S3 event notifications) -> check -> tag.

Configured by the ``uploads`` module when an environment's ``add_ons.uploads`` names no processor
of its own. For each object an S3 event names it reads the object's size and content type (a HEAD,
never the body), tags it ``processed=true`` or ``rejected=<reason>`` (``too-large``, ``empty``,
``content-type``), and keeps the object's other tags. The application reads the tag before it
uses an upload.

A message it cannot handle (not an S3 event, another bucket's object, an S3 error) is reported as a
batch item failure, so SQS redelivers only that message and, after ``max_receive_count`` tries,
moves it to the dead-letter queue. An object deleted before it was checked is done, not failed.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

from pipeline_tools.core.errors import InputError
from pipeline_tools.uploads.check import Settings, UploadedObject, objects_in_message, settings, verdict

log = logging.getLogger("pipeline_tools.uploads")


@dataclass(frozen=True)
class Outcome:
    key: str
    tag: tuple[str, str] | None  # None: the object was gone


class MessageFailed(Exception):
    """The message goes back to the queue (and, in the end, to the dead-letter queue)."""


def check_object(s3: Any, config: Settings, uploaded: UploadedObject) -> Outcome:
    from botocore.exceptions import ClientError

    if uploaded.bucket != config.bucket:
        raise MessageFailed(f"the event names bucket {uploaded.bucket!r}, not {config.bucket!r}")
    try:
        head = s3.head_object(Bucket=uploaded.bucket, Key=uploaded.key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return Outcome(key=uploaded.key, tag=None)
        raise MessageFailed(f"cannot read {uploaded.key!r}: {exc}") from exc
    tag_key, tag_value = verdict(config, int(head.get("ContentLength", 0)), head.get("ContentType")).tag
    try:
        existing = s3.get_object_tagging(Bucket=uploaded.bucket, Key=uploaded.key)["TagSet"]
        # A re-delivered message re-checks the object: its earlier verdict is replaced, not added to.
        kept = [t for t in existing if t["Key"] not in ("processed", "rejected")]
        s3.put_object_tagging(
            Bucket=uploaded.bucket,
            Key=uploaded.key,
            Tagging={"TagSet": [*kept, {"Key": tag_key, "Value": tag_value}]},
        )
    except ClientError as exc:
        raise MessageFailed(f"cannot tag {uploaded.key!r}: {exc}") from exc
    return Outcome(key=uploaded.key, tag=(tag_key, tag_value))


def process(event: Any, s3: Any, config: Settings) -> dict[str, Any]:
    """The Lambda's answer to an SQS batch: the ids of the messages that failed."""
    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list):
        raise InputError("the event has no SQS Records")
    failures = []
    for record in records:
        message_id = record.get("messageId") if isinstance(record, dict) else None
        if not isinstance(message_id, str):
            raise InputError("an event record has no messageId")
        try:
            for uploaded in objects_in_message(str(record.get("body", ""))):
                outcome = check_object(s3, config, uploaded)
                log.info(
                    "upload %s: %s", outcome.key, "gone" if outcome.tag is None else "=".join(outcome.tag)
                )
        except (InputError, MessageFailed) as exc:
            log.warning("message %s failed: %s", message_id, exc)
            failures.append({"itemIdentifier": message_id})
    return {"batchItemFailures": failures}


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    import boto3

    logging.getLogger("pipeline_tools").setLevel(logging.INFO)
    return process(event, boto3.client("s3"), settings(os.environ))
