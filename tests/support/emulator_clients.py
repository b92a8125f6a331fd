"""boto3 clients talking HTTP to the project's emulator (moto server), from its environment."""

from __future__ import annotations

from typing import Any

import boto3


def emulator_client(env: dict[str, str], service: str, region: str | None = None, **kwargs: Any) -> Any:
    """A ``service`` client for the emulator whose ``env`` (``Emulator.env()``) is given; ``region``
    overrides the emulator's default region, ``kwargs`` go to :func:`boto3.client` (``config``)."""
    return boto3.client(
        service,
        endpoint_url=env["AWS_ENDPOINT_URL"],
        region_name=region or env["AWS_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        **kwargs,
    )
