"""The built-in uploads processor's rules: settings from its environment, S3 events, verdicts."""

from __future__ import annotations

import json

import pytest

from pipeline_tools.core.errors import InputError
from pipeline_tools.uploads.check import (
    DEFAULT_MAX_BYTES,
    Settings,
    UploadedObject,
    objects_in_message,
    settings,
    verdict,
)

LIMITS = Settings(
    bucket="uploads", max_bytes=100, allowed_content_types=frozenset({"image/png", "application/pdf"})
)


def s3_event(*keys: str, bucket: str = "uploads") -> str:
    return json.dumps(
        {
            "Records": [
                {
                    "eventSource": "aws:s3",
                    "eventName": "ObjectCreated:Put",
                    "s3": {"bucket": {"name": bucket}, "object": {"key": key, "size": 1}},
                }
                for key in keys
            ]
        }
    )


def test_defaults_when_only_the_bucket_is_set() -> None:
    config = settings({"UPLOADS_BUCKET": "uploads"})
    assert config.max_bytes == DEFAULT_MAX_BYTES
    assert "image/png" in config.allowed_content_types
    assert "text/html" not in config.allowed_content_types


def test_settings_from_the_environment() -> None:
    config = settings(
        {
            "UPLOADS_BUCKET": "b",
            "UPLOADS_MAX_BYTES": "2048",
            "UPLOADS_ALLOWED_CONTENT_TYPES": " Text/CSV , application/json,",
        }
    )
    assert config == Settings("b", 2048, frozenset({"text/csv", "application/json"}))


@pytest.mark.parametrize(
    "environ, named",
    [
        ({}, "UPLOADS_BUCKET"),
        ({"UPLOADS_BUCKET": "b", "UPLOADS_MAX_BYTES": "ten"}, "UPLOADS_MAX_BYTES"),
        ({"UPLOADS_BUCKET": "b", "UPLOADS_MAX_BYTES": "0"}, "UPLOADS_MAX_BYTES"),
        ({"UPLOADS_BUCKET": "b", "UPLOADS_ALLOWED_CONTENT_TYPES": "png"}, "UPLOADS_ALLOWED_CONTENT_TYPES"),
    ],
)
def test_bad_settings_name_the_variable(environ: dict[str, str], named: str) -> None:
    with pytest.raises(InputError, match=named):
        settings(environ)


def test_keys_are_url_decoded_as_s3_encodes_them() -> None:
    found = objects_in_message(s3_event("incoming/my+photo%282%29.png", "incoming/a.pdf"))
    assert found == [
        UploadedObject("uploads", "incoming/my photo(2).png"),
        UploadedObject("uploads", "incoming/a.pdf"),
    ]


def test_the_test_event_s3_sends_names_nothing() -> None:
    assert objects_in_message(json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent"})) == []


@pytest.mark.parametrize("body", ["not json", "[1]", "{}", json.dumps({"Records": [{"s3": {}}]})])
def test_a_message_that_is_not_an_s3_event_is_an_error(body: str) -> None:
    with pytest.raises(InputError):
        objects_in_message(body)


@pytest.mark.parametrize(
    "size, content_type, tag",
    [
        (10, "image/png", ("processed", "true")),
        (100, "application/pdf", ("processed", "true")),
        (10, "IMAGE/PNG; charset=binary", ("processed", "true")),
        (101, "image/png", ("rejected", "too-large")),
        (0, "image/png", ("rejected", "empty")),
        (10, "text/html", ("rejected", "content-type")),
        (10, None, ("rejected", "content-type")),
    ],
)
def test_verdicts(size: int, content_type: str | None, tag: tuple[str, str]) -> None:
    assert verdict(LIMITS, size, content_type).tag == tag
