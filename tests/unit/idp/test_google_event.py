"""The Google identity provider Lambda's event parsing: what Terraform's aws_lambda_invocation
(lifecycle_scope = "CRUD") sends, and the secret's two accepted shapes."""

from __future__ import annotations

import pytest

from pipeline_tools.core.errors import InputError
from pipeline_tools.idp.google import Target, client_secret, parse_event, provider_details

ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:platform/dev/google-client-secret-AbCdEf"
TARGET = {"user_pool_id": "eu-west-1_AbC123", "client_id": "123-abc.apps.googleusercontent.com",
          "client_secret_arn": ARN, "revision": "1"}


def test_an_update_carries_the_previous_target():
    moved = {**TARGET, "user_pool_id": "eu-west-1_New456"}
    invocation = parse_event({**moved, "tf": {"action": "update", "prev_input": TARGET}})
    assert invocation.action == "update"
    assert invocation.target.user_pool_id == "eu-west-1_New456"
    assert invocation.previous == Target("eu-west-1_AbC123", TARGET["client_id"], ARN)


def test_create_and_delete_ignore_prev_input():
    assert parse_event({**TARGET, "tf": {"action": "create", "prev_input": None}}).previous is None
    assert parse_event({**TARGET, "tf": {"action": "delete"}}).action == "delete"


def test_an_event_without_tf_is_a_create_or_update():
    assert parse_event(dict(TARGET)).action == "update"


@pytest.mark.parametrize("event", [None, [], "x", {**TARGET, "tf": "create"},
                                   {**TARGET, "tf": {"action": "update", "prev_input": "old"}},
                                   {**TARGET, "client_secret_arn": ARN + "*"}])
def test_malformed_events_are_input_errors(event):
    with pytest.raises(InputError):
        parse_event(event)


def test_the_secret_is_a_plain_string_or_json_client_secret():
    assert client_secret("  GOCSPX-abc \n") == "GOCSPX-abc"
    assert client_secret('{"client_id": "x", "client_secret": "GOCSPX-def"}') == "GOCSPX-def"
    for empty in (None, "", "   ", '{"client_secret": ""}', '{"web": {"client_secret": "x"}}'):
        with pytest.raises(InputError) as raised:
            client_secret(empty)
        assert "GOCSPX" not in str(raised.value)


def test_provider_details_hold_the_fixed_google_endpoints():
    details = provider_details(Target("eu-west-1_AbC123", TARGET["client_id"], ARN), "s3cret-value")
    assert details["client_secret"] == "s3cret-value"
    assert details["authorize_url"] == "https://accounts.google.com/o/oauth2/v2/auth"
    assert details["oidc_issuer"] == "https://accounts.google.com"
