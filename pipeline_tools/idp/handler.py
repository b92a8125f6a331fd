"""The Google identity provider Lambda: reads the client secret, creates / updates / deletes the
user pool's ``Google`` identity provider.

Invoked by the ``auth`` module's ``aws_lambda_invocation`` (``lifecycle_scope = "CRUD"``), so the
secret never passes through Terraform: plan roles need no secret access and the state holds only
the user pool id, the client id and the secret's ARN. :func:`reconcile` is the logic, with the
boto3 clients passed in (tests run it against the emulator); :func:`lambda_handler` builds them.

No error text or log line carries the secret: the value is registered with the redaction module
the moment it is read, and every message leaving here passes through ``redact`` (an AWS error that
echoed a parameter would otherwise carry it into Terraform's output and the CI log).
"""

from __future__ import annotations

import logging
from typing import Any

from pipeline_tools.core.errors import ExternalError, PipelineError
from pipeline_tools.core.redaction import redact, register_secret
from pipeline_tools.idp.google import (
    ATTRIBUTE_MAPPING,
    PROVIDER_NAME,
    Invocation,
    Target,
    client_secret,
    parse_event,
    provider_details,
)

log = logging.getLogger("pipeline_tools.idp")


class IdentityProviderError(Exception):
    """Raised out of the Lambda: Terraform shows its message as the invocation's error."""


def _code(error: Exception) -> str:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def _read_secret(secrets: Any, target: Target) -> str:
    try:
        response = secrets.get_secret_value(SecretId=target.client_secret_arn)
    except Exception as error:  # botocore ClientError and connection errors alike
        reason = _code(error) or type(error).__name__
        where = target.client_secret_arn
        raise ExternalError(f"cannot read the Google client secret {where}: {reason}") from None
    secret = client_secret(response.get("SecretString"))
    register_secret(secret)
    return secret


def _exists(cognito: Any, user_pool_id: str) -> bool:
    try:
        cognito.describe_identity_provider(UserPoolId=user_pool_id, ProviderName=PROVIDER_NAME)
    except Exception as error:
        if _code(error) == "ResourceNotFoundException":
            return False
        raise
    return True


def _delete(cognito: Any, user_pool_id: str) -> bool:
    """Delete the provider; False when it (or its pool) is already gone: a destroy that removed
    the pool first, or a retried delete, has nothing left to do."""
    try:
        cognito.delete_identity_provider(UserPoolId=user_pool_id, ProviderName=PROVIDER_NAME)
    except Exception as error:
        if _code(error) == "ResourceNotFoundException":
            return False
        raise
    return True


def _put(cognito: Any, target: Target, secret: str) -> str:
    """Create the provider, or update it where it exists (a create retried after a timeout, or a
    provider made by hand, converges instead of failing)."""
    details = provider_details(target, secret)
    if _exists(cognito, target.user_pool_id):
        cognito.update_identity_provider(
            UserPoolId=target.user_pool_id,
            ProviderName=PROVIDER_NAME,
            ProviderDetails=details,
            AttributeMapping=ATTRIBUTE_MAPPING,
        )
        return "updated"
    cognito.create_identity_provider(
        UserPoolId=target.user_pool_id,
        ProviderName=PROVIDER_NAME,
        ProviderType=PROVIDER_NAME,
        ProviderDetails=details,
        AttributeMapping=ATTRIBUTE_MAPPING,
    )
    return "created"


def reconcile(invocation: Invocation, cognito: Any, secrets: Any) -> dict[str, str]:
    """Carry out ``invocation``; the result (Terraform keeps it in state) holds no secret."""
    target = invocation.target
    if invocation.action == "delete":
        outcome = "deleted" if _delete(cognito, target.user_pool_id) else "absent"
    else:
        secret = _read_secret(secrets, target)
        moved = invocation.previous is not None and invocation.previous.user_pool_id != target.user_pool_id
        if moved:
            # The pool was replaced: the old pool's provider goes with it (or is already gone).
            _delete(cognito, invocation.previous.user_pool_id)  # type: ignore[union-attr]
        outcome = _put(cognito, target, secret)
    result = {
        "provider_name": PROVIDER_NAME,
        "user_pool_id": target.user_pool_id,
        "client_id": target.client_id,
        "outcome": outcome,
    }
    log.info("%s", redact(f"Google identity provider of {target.user_pool_id}: {outcome}"))
    return result


def handle(event: Any, cognito: Any, secrets: Any) -> dict[str, str]:
    """:func:`reconcile` for a raw event; any failure is one redacted IdentityProviderError."""
    try:
        return reconcile(parse_event(event), cognito, secrets)
    except PipelineError as error:
        message = redact(str(error))
    except Exception as error:  # an AWS error: its code and (redacted) message
        message = redact(f"{_code(error) or type(error).__name__}: {error}")
    log.error("%s", message)
    raise IdentityProviderError(message) from None


def lambda_handler(event: Any, context: Any) -> dict[str, str]:
    import boto3

    logging.getLogger("pipeline_tools").setLevel(logging.INFO)
    return handle(event, boto3.client("cognito-idp"), boto3.client("secretsmanager"))

