"""What the Google identity provider is: the invocation event parsed, the provider's settings.

Pure: no AWS clients. The handler (:mod:`pipeline_tools.idp.handler`) does the calls.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from pipeline_tools.core.errors import InputError

PROVIDER_NAME = "Google"

# Google's fixed endpoints, as Cognito stores them: spelt out (they were the module's
# provider_details before the Lambda took over) so an update leaves nothing to fill in.
FIXED_PROVIDER_DETAILS = {
    "authorize_scopes": "openid email profile",
    "attributes_url": "https://people.googleapis.com/v1/people/me?personFields=",
    "attributes_url_add_attributes": "true",
    "authorize_url": "https://accounts.google.com/o/oauth2/v2/auth",
    "oidc_issuer": "https://accounts.google.com",
    "token_request_method": "POST",
    "token_url": "https://www.googleapis.com/oauth2/v4/token",
}

ATTRIBUTE_MAPPING = {
    "email": "email",
    "email_verified": "email_verified",
    "name": "name",
    "username": "sub",
}

Action = Literal["create", "update", "delete"]
ACTIONS: tuple[Action, ...] = ("create", "update", "delete")

# The same shapes the auth module's variables validate.
_USER_POOL_ID = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-[0-9]+_[0-9A-Za-z]+$")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9._-]+\.apps\.googleusercontent\.com$")
_SECRET_ARN = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$")


@dataclass(frozen=True)
class Target:
    """One Google identity provider: where it lives and where its secret is."""

    user_pool_id: str
    client_id: str
    client_secret_arn: str


@dataclass(frozen=True)
class Invocation:
    """What Terraform asks for: ``action`` on ``target``; ``previous`` is the target of the last
    successful invocation on an update (None otherwise)."""

    action: Action
    target: Target
    previous: Target | None = None


def _text(document: dict[str, Any], key: str, pattern: re.Pattern[str]) -> str:
    value = document.get(key)
    if not isinstance(value, str) or not pattern.match(value):
        raise InputError(f"the event's {key} is missing or malformed")
    return value


def _target(document: Any, where: str) -> Target:
    if not isinstance(document, dict):
        raise InputError(f"{where} is not a JSON object")
    return Target(
        user_pool_id=_text(document, "user_pool_id", _USER_POOL_ID),
        client_id=_text(document, "client_id", _CLIENT_ID),
        client_secret_arn=_text(document, "client_secret_arn", _SECRET_ARN),
    )


def parse_event(event: Any) -> Invocation:
    """The invocation an ``aws_lambda_invocation`` event asks for (InputError otherwise).

    With ``lifecycle_scope = "CRUD"`` Terraform adds ``{"tf": {"action": ..., "prev_input": ...}}``
    to the input. An event without ``tf`` (a person invoking the function by hand, e.g. after the
    secret was rotated) creates or updates the provider.
    """
    if not isinstance(event, dict):
        raise InputError("the event is not a JSON object")
    target = _target(event, "the event")
    lifecycle = event.get("tf")
    if lifecycle is None:
        return Invocation("update", target)
    if not isinstance(lifecycle, dict) or lifecycle.get("action") not in ACTIONS:
        raise InputError(f"the event's tf.action must be one of {', '.join(ACTIONS)}")
    action: Action = lifecycle["action"]
    previous = None
    prev_input = lifecycle.get("prev_input")
    if action == "update" and prev_input is not None:
        previous = _target(prev_input, "the event's tf.prev_input")
    return Invocation(action, target, previous)


def client_secret(secret_string: str | None) -> str:
    """The client secret from the secret's value: a plain string, or a JSON object's
    ``client_secret`` (the shape Google's downloadable client JSON suggests)."""
    text = (secret_string or "").strip()
    if text.startswith("{"):
        try:
            document = json.loads(text)
        except ValueError:
            document = None
        if isinstance(document, dict):
            value = document.get("client_secret")
            text = value.strip() if isinstance(value, str) else ""
    if not text:
        # Never echo the value: only say what shape was expected.
        raise InputError("the Google client secret is empty: put the client secret (a plain string) into it")
    return text


def provider_details(target: Target, secret: str) -> dict[str, str]:
    """The ProviderDetails of CreateIdentityProvider / UpdateIdentityProvider."""
    return {"client_id": target.client_id, "client_secret": secret, **FIXED_PROVIDER_DETAILS}
