"""The Google identity provider Lambda against the emulator: Create, Update (secret rotated),
Delete of the user pool's ``Google`` provider, with the secret read from Secrets Manager.

moto runs no Lambda code (without Docker its Invoke does not run the handler), so the handler runs
in this process with boto3 clients talking HTTP to the project's moto server: everything from the
event Terraform sends (``aws_lambda_invocation`` with ``lifecycle_scope = "CRUD"``) on is real.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pytest

from pipeline_tools.core import redaction
from pipeline_tools.idp import handler
from pipeline_tools.idp.google import FIXED_PROVIDER_DETAILS
from tests.support.emulator_clients import emulator_client

CLIENT_ID = "1234567890-abcdefg.apps.googleusercontent.com"


@pytest.fixture
def world(emulator) -> Any:  # type: ignore[no-untyped-def]
    """A user pool and the Google client secret, both new on the shared emulator."""
    env = emulator.env()
    cognito, secrets = emulator_client(env, "cognito-idp"), emulator_client(env, "secretsmanager")
    suffix = uuid.uuid4().hex[:8]
    pool_id = cognito.create_user_pool(PoolName=f"idp-{suffix}")["UserPool"]["Id"]
    secret_value = f"GOCSPX-first-{uuid.uuid4().hex}"
    name = f"platform/dev/google-client-secret-{suffix}"
    arn = secrets.create_secret(Name=name, SecretString=secret_value)["ARN"]
    yield {"cognito": cognito, "secrets": secrets, "pool_id": pool_id, "arn": arn, "value": secret_value}
    redaction.forget_all()


def event(world: dict[str, Any], action: str | None, **changes: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "user_pool_id": world["pool_id"],
        "client_id": CLIENT_ID,
        "client_secret_arn": world["arn"],
        **changes,
    }
    if action is not None:
        body["tf"] = {"action": action, "prev_input": None}
    return body


def provider(world: dict[str, Any]) -> dict[str, Any]:
    return world["cognito"].describe_identity_provider(
        UserPoolId=world["pool_id"], ProviderName="Google"
    )["IdentityProvider"]


def test_create_update_after_rotation_and_delete(world, caplog):
    caplog.set_level(logging.DEBUG, logger="pipeline_tools")
    cognito, secrets = world["cognito"], world["secrets"]

    created = handler.handle(event(world, "create"), cognito, secrets)
    assert created["outcome"] == "created"
    assert world["value"] not in repr(created)
    google = provider(world)
    assert google["ProviderType"] == "Google"
    assert google["ProviderDetails"]["client_id"] == CLIENT_ID
    assert google["ProviderDetails"]["client_secret"] == world["value"]
    for key, value in FIXED_PROVIDER_DETAILS.items():
        assert google["ProviderDetails"][key] == value
    assert google["AttributeMapping"]["username"] == "sub"

    # The secret is rotated out of band; the next invocation (input changed, or by hand) takes it.
    rotated = f"GOCSPX-rotated-{uuid.uuid4().hex}"
    secrets.put_secret_value(SecretId=world["arn"], SecretString=rotated)
    updated = handler.handle(event(world, "update"), cognito, secrets)
    assert updated["outcome"] == "updated"
    assert provider(world)["ProviderDetails"]["client_secret"] == rotated

    deleted = handler.handle(event(world, "delete"), cognito, secrets)
    assert deleted["outcome"] == "deleted"
    with pytest.raises(cognito.exceptions.ResourceNotFoundException):
        provider(world)
    # A retried delete (or a destroy after the pool went first) has nothing left to do.
    assert handler.handle(event(world, "delete"), cognito, secrets)["outcome"] == "absent"

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert world["value"] not in logged and rotated not in logged


def test_an_invocation_by_hand_creates_or_updates(world):
    assert handler.handle(event(world, None), world["cognito"], world["secrets"])["outcome"] == "created"
    assert handler.handle(event(world, None), world["cognito"], world["secrets"])["outcome"] == "updated"


def test_a_json_secret_with_client_secret_is_read(world):
    world["secrets"].put_secret_value(
        SecretId=world["arn"], SecretString='{"client_id": "x", "client_secret": "GOCSPX-from-json-1234"}'
    )
    handler.handle(event(world, "create"), world["cognito"], world["secrets"])
    assert provider(world)["ProviderDetails"]["client_secret"] == "GOCSPX-from-json-1234"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"user_pool_id": "not a pool"}, "user_pool_id is missing or malformed"),
        ({"client_id": "someone@example.com"}, "client_id is missing or malformed"),
        ({"client_secret_arn": "google-client-secret"}, "client_secret_arn is missing or malformed"),
    ],
)
def test_a_malformed_event_fails_clearly(world, changes, expected):
    with pytest.raises(handler.IdentityProviderError, match=expected):
        handler.handle(event(world, "create", **changes), world["cognito"], world["secrets"])


def test_an_unknown_action_fails_clearly(world):
    bad = event(world, "create")
    bad["tf"]["action"] = "replace"
    expected = r"tf\.action must be one of create, update, delete"
    with pytest.raises(handler.IdentityProviderError, match=expected):
        handler.handle(bad, world["cognito"], world["secrets"])


def test_a_missing_secret_names_the_arn_not_a_value(world):
    missing = world["arn"].replace("google-client-secret", "no-such-secret")
    with pytest.raises(handler.IdentityProviderError) as raised:
        handler.handle(event(world, "create", client_secret_arn=missing), world["cognito"], world["secrets"])
    assert "cannot read the Google client secret" in str(raised.value)
    assert "ResourceNotFoundException" in str(raised.value)


def test_an_empty_secret_fails_without_echoing_the_value(world):
    world["secrets"].put_secret_value(SecretId=world["arn"], SecretString='{"client_secret": ""}')
    with pytest.raises(handler.IdentityProviderError, match="the Google client secret is empty"):
        handler.handle(event(world, "create"), world["cognito"], world["secrets"])


def test_an_unknown_user_pool_fails_with_the_aws_error(world):
    with pytest.raises(handler.IdentityProviderError, match="ResourceNotFoundException"):
        handler.handle(
            event(world, "create", user_pool_id="us-east-1_Nope0000"), world["cognito"], world["secrets"]
        )


class EchoingCognito:
    """The emulator's client, except that Create/UpdateIdentityProvider fail with a message that
    echoes the provider details (as an AWS validation error can echo a parameter). A stand-in:
    nothing here makes moto return such a message, and the point is what the handler does with it."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def _refuse(self, **kwargs: Any) -> None:
        from botocore.exceptions import ClientError

        raise ClientError(
            {"Error": {"Code": "InvalidParameterException",
                       "Message": f"bad details {kwargs['ProviderDetails']}"}},
            "CreateIdentityProvider",
        )

    create_identity_provider = _refuse
    update_identity_provider = _refuse


def test_an_aws_error_that_echoes_the_secret_is_masked(world, caplog):
    caplog.set_level(logging.DEBUG, logger="pipeline_tools")
    with pytest.raises(handler.IdentityProviderError) as raised:
        handler.handle(event(world, "create"), EchoingCognito(world["cognito"]), world["secrets"])
    message = str(raised.value)
    assert "InvalidParameterException" in message and CLIENT_ID in message
    assert world["value"] not in message
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    assert all(world["value"] not in record.getMessage() for record in caplog.records)
