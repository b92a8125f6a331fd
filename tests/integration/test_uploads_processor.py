"""The built-in uploads processor against the emulator: real S3 notifications on a real SQS queue.

moto runs no Lambda code (without Docker its Invoke does not run the handler), so the handler runs
in this process on the messages S3 put on the queue, with boto3 talking HTTP to the project's moto
server: the bucket notification, the messages, the objects and their tags are all real.
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import unquote_plus

import pytest

from pipeline_tools.uploads import handler
from pipeline_tools.uploads.check import Settings
from tests.support.emulator_clients import emulator_client


@pytest.fixture
def pipeline(emulator) -> Any:  # type: ignore[no-untyped-def]
    """A bucket notifying a queue of objects under incoming/, as the uploads module wires them."""
    env = emulator.env()
    s3, sqs = emulator_client(env, "s3"), emulator_client(env, "sqs")
    suffix = uuid.uuid4().hex[:8]
    bucket = f"uploads-{suffix}"
    s3.create_bucket(Bucket=bucket)
    queue_url = sqs.create_queue(QueueName=f"uploads-{suffix}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": queue_arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "incoming/"}]}},
                }
            ]
        },
    )
    return {"s3": s3, "sqs": sqs, "bucket": bucket, "queue_url": queue_url}


def receive_batch(sqs: Any, queue_url: str) -> dict[str, Any]:
    """The queue's messages as the Lambda event source mapping hands them to the function."""
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)["Messages"]
    return {
        "Records": [
            {"messageId": m["MessageId"], "body": m["Body"], "eventSource": "aws:sqs"} for m in messages
        ]
    }


def tags(s3: Any, bucket: str, key: str) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]}


def test_uploads_are_tagged_processed_or_rejected(pipeline: dict[str, Any]) -> None:
    s3, bucket = pipeline["s3"], pipeline["bucket"]
    s3.put_object(
        Bucket=bucket,
        Key="incoming/photo one.png",
        Body=b"\x89PNG" + b"0" * 60,
        ContentType="image/png",
        Tagging="owner=user-42",
    )
    s3.put_object(
        Bucket=bucket, Key="incoming/huge.pdf", Body=b"%PDF" + b"0" * 200, ContentType="application/pdf"
    )
    s3.put_object(Bucket=bucket, Key="incoming/page.html", Body=b"<script>", ContentType="text/html")
    s3.put_object(Bucket=bucket, Key="other/ignored.png", Body=b"x", ContentType="image/png")
    config = Settings(
        bucket=bucket, max_bytes=100, allowed_content_types=frozenset({"image/png", "application/pdf"})
    )

    event = receive_batch(pipeline["sqs"], pipeline["queue_url"])
    bodies = [json.loads(r["body"]) for r in event["Records"]]
    # S3 also queues an s3:TestEvent when the notification is configured; the handler skips it.
    # Keys arrive URL-encoded (moto encodes '/' too): the handler decodes them.
    assert sorted(unquote_plus(b["Records"][0]["s3"]["object"]["key"]) for b in bodies if "Records" in b) == [
        "incoming/huge.pdf",
        "incoming/page.html",
        "incoming/photo one.png",
    ]

    assert handler.process(event, s3, config) == {"batchItemFailures": []}
    assert tags(s3, bucket, "incoming/photo one.png") == {"owner": "user-42", "processed": "true"}
    assert tags(s3, bucket, "incoming/huge.pdf") == {"rejected": "too-large"}
    assert tags(s3, bucket, "incoming/page.html") == {"rejected": "content-type"}
    assert tags(s3, bucket, "other/ignored.png") == {}

    # Delivered again (SQS is at-least-once) after the limit changed: the verdict is replaced.
    again = Settings(bucket=bucket, max_bytes=1000, allowed_content_types=config.allowed_content_types)
    assert handler.process(
        {
            "Records": [
                event["Records"][0]
                | {
                    "body": json.dumps(
                        {
                            "Records": [
                                {"s3": {"bucket": {"name": bucket}, "object": {"key": "incoming/huge.pdf"}}}
                            ]
                        }
                    )
                }
            ]
        },
        s3,
        again,
    ) == {"batchItemFailures": []}
    assert tags(s3, bucket, "incoming/huge.pdf") == {"processed": "true"}


def test_bad_messages_are_batch_item_failures_and_a_deleted_upload_is_done(pipeline: dict[str, Any]) -> None:
    s3, bucket = pipeline["s3"], pipeline["bucket"]
    s3.put_object(Bucket=bucket, Key="incoming/gone.png", Body=b"x", ContentType="image/png")
    s3.put_object(Bucket=bucket, Key="incoming/kept.png", Body=b"x", ContentType="image/png")
    event = receive_batch(pipeline["sqs"], pipeline["queue_url"])
    s3.delete_object(Bucket=bucket, Key="incoming/gone.png")
    other_bucket = json.dumps(
        {"Records": [{"s3": {"bucket": {"name": "someone-else"}, "object": {"key": "x"}}}]}
    )
    event["Records"] += [
        {"messageId": "not-an-event", "body": "hello"},
        {"messageId": "other-bucket", "body": other_bucket},
    ]
    config = Settings(bucket=bucket, max_bytes=100, allowed_content_types=frozenset({"image/png"}))

    result = handler.process(event, s3, config)

    assert sorted(f["itemIdentifier"] for f in result["batchItemFailures"]) == [
        "not-an-event",
        "other-bucket",
    ]
    assert tags(s3, bucket, "incoming/kept.png") == {"processed": "true"}
